package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// memoryLimit is the soft limit of the Go heap unless GOMEMLIMIT says
// otherwise: the collector then runs before the heap doubles, instead of
// after. A 1,000,000-row import peaked at 96 MB without it and 68 MB with
// it, same wall time (bench/RESULTS.md); past it the heap still grows
// (the limit is soft), with the collector working harder.
const memoryLimit = 48 << 20

// limitMemory sets memoryLimit unless the user set GOMEMLIMIT, and says
// whether it did.
func limitMemory(getenv func(string) string) bool {
	if getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetMemoryLimit(memoryLimit)
	return true
}

// limitFor is the soft limit for a live heap of live bytes: memoryLimit,
// or half as much again as what must stay live when that is more. Some
// files must be held whole while they are read — a workbook Excel saved
// keeps all its texts in one table, 75 MB for 300,000 rows — and against
// a limit the live data alone exceeds the collector runs without pause: a
// dry run of that workbook took 8.9 s under the fixed limit and 2.6 s
// with 200 MiB (bench/RESULTS.md).
func limitFor(live uint64) int64 {
	return max(memoryLimit, int64(live/2*3))
}

// followLiveHeap keeps the soft limit at limitFor(the live heap), read
// every period until ctx ends. read returns the live heap (liveHeap); set
// is debug.SetMemoryLimit.
func followLiveHeap(ctx context.Context, period time.Duration, read func() uint64, set func(int64) int64) {
	t := time.NewTicker(period)
	defer t.Stop()
	current := set(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if want := limitFor(read()); want != current {
			set(want)
			current = want
		}
	}
}

// liveHeap is the heap the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
