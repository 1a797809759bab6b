package export

import (
	"runtime/metrics"
	"sync"
	"time"
)

// Heap metrics sampled by HeapPeak.
const (
	heapObjects = "/memory/classes/heap/objects:bytes" // live and not yet swept objects
	heapLive    = "/gc/heap/live:bytes"                // live objects as of the last GC
)

// HeapPeak samples the Go heap every few milliseconds until Stop and
// remembers its highest values.
type HeapPeak struct {
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak HeapStats
}

// HeapStats is one reading of the Go heap, in bytes.
type HeapStats struct {
	Objects uint64 // heap objects, garbage not yet collected included (follows GOGC)
	Live    uint64 // heap marked live by the last garbage collection
}

// HeapNow reads the Go heap now.
func HeapNow() HeapStats {
	s := []metrics.Sample{{Name: heapObjects}, {Name: heapLive}}
	metrics.Read(s)
	var h HeapStats
	if s[0].Value.Kind() == metrics.KindUint64 {
		h.Objects = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		h.Live = s[1].Value.Uint64()
	}
	return h
}

func (h *HeapPeak) note(v HeapStats) {
	h.mu.Lock()
	h.peak.Objects = max(h.peak.Objects, v.Objects)
	h.peak.Live = max(h.peak.Live, v.Live)
	h.mu.Unlock()
}

// StartHeapPeak starts sampling every interval.
func StartHeapPeak(interval time.Duration) *HeapPeak {
	h := &HeapPeak{stop: make(chan struct{}), peak: HeapNow()}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.note(HeapNow())
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peaks.
func (h *HeapPeak) Stop() HeapStats {
	close(h.stop)
	h.wg.Wait()
	h.note(HeapNow())
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.peak
}
