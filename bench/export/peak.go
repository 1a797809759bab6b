package export

import (
	"runtime/metrics"
	"sync"
	"time"
)

// heapMetric is the memory occupied by live and not-yet-swept heap objects.
const heapMetric = "/memory/classes/heap/objects:bytes"

// HeapPeak samples the Go heap every few milliseconds until Stop and
// remembers its highest value.
type HeapPeak struct {
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak uint64
}

// HeapNow returns the bytes of heap objects right now.
func HeapNow() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
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
				v := HeapNow()
				h.mu.Lock()
				h.peak = max(h.peak, v)
				h.mu.Unlock()
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peak.
func (h *HeapPeak) Stop() uint64 {
	close(h.stop)
	h.wg.Wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	return max(h.peak, HeapNow())
}
