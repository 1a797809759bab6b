package main

import (
	"context"
	"math"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	debug.SetMemoryLimit(math.MaxInt64)
	assert.True(t, limitMemory(func(string) string { return "" }))
	assert.Equal(t, int64(memoryLimit), debug.SetMemoryLimit(-1), "the soft limit is set")

	debug.SetMemoryLimit(math.MaxInt64)
	assert.False(t, limitMemory(func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	}))
	assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1), "GOMEMLIMIT is the user's: left alone")
}

func TestLimitForTheLiveHeap(t *testing.T) {
	const mib = 1 << 20
	assert.Equal(t, int64(memoryLimit), limitFor(0))
	assert.Equal(t, int64(memoryLimit), limitFor(20*mib), "a streaming import or dry run (~20 MiB live) keeps the limit")
	assert.Equal(t, int64(memoryLimit), limitFor(32*mib))
	assert.Equal(t, int64(120*mib), limitFor(80*mib), "a workbook's 75 MB text table: half as much again")
	assert.Greater(t, limitFor(80*mib), int64(80*mib), "never under what must stay live")
}

// TestFollowLiveHeap checks that the limit follows the live heap up and
// back down, is set only when it changes, and that the loop ends with ctx.
func TestFollowLiveHeap(t *testing.T) {
	const mib = 1 << 20
	var mu sync.Mutex
	lives := []uint64{10 * mib, 80 * mib, 80 * mib, 200 * mib, 20 * mib}
	var sets []int64
	limit := int64(memoryLimit)
	read := func() uint64 {
		mu.Lock()
		defer mu.Unlock()
		if len(lives) == 0 {
			return 20 * mib
		}
		l := lives[0]
		lives = lives[1:]
		return l
	}
	set := func(v int64) int64 {
		mu.Lock()
		defer mu.Unlock()
		old := limit
		if v >= 0 {
			limit = v
			sets = append(sets, v)
		}
		return old
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); followLiveHeap(ctx, time.Millisecond, read, set) }()
	assert.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(lives) == 0 && len(sets) == 3
	}, 5*time.Second, time.Millisecond)
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int64{120 * mib, 300 * mib, memoryLimit}, sets)
}
