//go:build linux

package wechatpaynotify

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// defaultLeakIterations keeps the leak check quick in the normal test run; set
// WPN_LEAK_ITERATIONS=1000000 for the full check.
const defaultLeakIterations = 20_000

// maxRSSGrowth is the allowed growth of the resident set over the whole run.
const maxRSSGrowth = 10 << 20

// rss returns the resident set size of this process, in bytes.
func rss(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(data))
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

func settle(t *testing.T) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	return rss(t)
}

// TestLeak parses many notifications (valid ones, and refused ones whose errors carry C
// messages), calls typed accessors on some (one succeeding, one failing), and checks that the
// resident set does not grow by more than 10 MB.
func TestLeak(t *testing.T) {
	iterations := defaultLeakIterations
	if s := os.Getenv("WPN_LEAK_ITERATIONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("WPN_LEAK_ITERATIONS=%q", s)
		}
		iterations = n
	}
	k := theKit(t)
	v := k.verifier(t)
	now := time.Now()
	header, body, _ := k.notification(t, now)
	tampered := append([]byte(nil), body...)
	tampered[30] ^= 1
	one := func(i int) {
		if i%10 == 9 {
			if _, err := v.Parse(header, tampered); err == nil {
				t.Fatal("tampered notification accepted")
			}
			return
		}
		n, err := v.Parse(header, body)
		if err != nil || len(n.Plaintext) == 0 {
			t.Fatalf("parse: %v", err)
		}
		if i%10 == 8 { // the typed accessors: a decode, and an error with a C message
			if _, err := n.Transaction(); err != nil {
				t.Fatalf("transaction: %v", err)
			}
			if _, err := n.Refund(); CodeOf(err) != CodeUnexpectedEvent {
				t.Fatalf("refund: %v", err)
			}
		}
	}
	for i := 0; i < 2000; i++ { // warm up allocator arenas and the Go heap
		one(i)
	}
	handles := liveHandles.Load()
	before := settle(t)
	start := time.Now()
	for i := 0; i < iterations; i++ {
		one(i)
	}
	elapsed := time.Since(start)
	after := settle(t)
	growth := after - before
	t.Logf("leak check: %d parses in %v (%.1f µs each), RSS %.1f MB -> %.1f MB, growth %+.2f MB",
		iterations, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/float64(iterations),
		float64(before)/(1<<20), float64(after)/(1<<20), float64(growth)/(1<<20))
	if growth > maxRSSGrowth {
		t.Fatalf("RSS grew by %d bytes over %d parses", growth, iterations)
	}
	if liveHandles.Load() != handles {
		t.Fatalf("live handles %d -> %d", handles, liveHandles.Load())
	}
}
