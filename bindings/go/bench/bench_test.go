package main

// Benchmarks against wechatpay-go, the official SDK, on one payment notification signed by the
// testing kit (public-key mode in both), of the floor (floor.go), and of one verifier shared by
// goroutines:
//
//	go test -run '^$' -bench 'VsWechatpayGo|Threads' -benchtime 3s
//
// BenchmarkVsWechatpayGo alternates rounds of the binding (ParseRequest, then Transaction) and
// of wechatpay-go (notify.Handler.ParseNotifyRequest into the same Transaction type) in one run
// and reports each one's ns/op and allocs/op and "x-faster", how many times faster the binding
// is. BenchmarkThreads alternates rounds of one goroutine and of two goroutines sharing one
// Verifier and reports both throughputs and "x-scaling" (two goroutines' throughput over one's:
// 2 at best on a machine with two idle cores). Both report medians over their rounds, so a burst
// of load from another process moves them little. BenchmarkParse and BenchmarkParseParallel
// measure each call on its own (with -benchmem). `go run .` prints the comparison with the
// floor (main.go).

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// newBenchFixture is the fixture of compare.go, freed when the benchmark ends.
func newBenchFixture(b *testing.B) *fixture {
	b.Helper()
	f, err := newFixture()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(f.close)
	if err := f.check(); err != nil {
		b.Fatal(err)
	}
	return f
}

// request is a request carrying the fixture's headers, for ParseRequest.
func (f *fixture) request() *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/notify", nil)
	req.Header = f.header
	return req
}

// parseTransaction is the call the binding is measured by against wechatpay-go: ParseRequest
// and Transaction on a request whose body is set anew, as a server gets it.
func (f *fixture) parseTransaction(tb testing.TB, req *http.Request) {
	req.Body = io.NopCloser(bytes.NewReader(f.body))
	n, err := f.ours.ParseRequest(req)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := n.Transaction(); err != nil {
		tb.Fatal(err)
	}
}

// parseTransactionTheirs is the same with wechatpay-go: ParseNotifyRequest into a Transaction.
func (f *fixture) parseTransactionTheirs(tb testing.TB, ctx context.Context, req *http.Request) {
	if _, err := f.parseTheirs(ctx, req); err != nil {
		tb.Fatal(err)
	}
}

// benchRounds is how many rounds of each side BenchmarkVsWechatpayGo and BenchmarkThreads run.
const benchRounds = 10

// round measures ops calls of op in one goroutine: wall time and allocations per call. A
// collection first leaves no garbage of the other side's round to this one. It passes through
// the scheduler every yieldEvery calls, as a server's goroutine does between requests.
func round(ops int, op func()) (nsPerOp, allocsPerOp float64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	mallocs := m.Mallocs
	start := time.Now()
	for i := 1; i <= ops; i++ {
		op()
		if i%yieldEvery == 0 {
			runtime.Gosched()
		}
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&m)
	return float64(elapsed.Nanoseconds()) / float64(ops), float64(m.Mallocs-mallocs) / float64(ops)
}

// median is the median of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// BenchmarkVsWechatpayGo compares the binding with wechatpay-go like for like: an
// *http.Request in, a verified, decrypted Transaction out (RSA-SHA256 verification, AES-256-GCM
// decryption, decoding; here with the core's kind and required-field check as well). Each of
// b.N iterations is one call of each; they run in alternating rounds (benchRounds each, the
// order swapped every round), and the metrics are medians over the rounds:
//
//	ours-ns/op, wechatpay-go-ns/op      time per call
//	ours-allocs/op, wechatpay-go-allocs/op
//	x-faster                            wechatpay-go-ns/op / ours-ns/op (the goal: at least 2)
//
//	go test -run '^$' -bench VsWechatpayGo -benchtime 3s
func BenchmarkVsWechatpayGo(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	ourReq, theirReq := f.request(), f.request()
	ours := func() { f.parseTransaction(b, ourReq) }
	theirs := func() { f.parseTransactionTheirs(b, ctx, theirReq) }
	ours() // warm both up (pools, lazily built tables)
	theirs()
	per := max(1, b.N/benchRounds)
	var oursNs, theirsNs, oursAllocs, theirsAllocs, ratios []float64
	b.ResetTimer()
	for i := 0; i < benchRounds; i++ {
		var o, oa, t, ta float64
		if i%2 == 0 {
			o, oa = round(per, ours)
			t, ta = round(per, theirs)
		} else {
			t, ta = round(per, theirs)
			o, oa = round(per, ours)
		}
		oursNs, theirsNs = append(oursNs, o), append(theirsNs, t)
		oursAllocs, theirsAllocs = append(oursAllocs, oa), append(theirsAllocs, ta)
		ratios = append(ratios, t/o)
	}
	b.StopTimer()
	b.ReportMetric(median(oursNs), "ours-ns/op")
	b.ReportMetric(median(theirsNs), "wechatpay-go-ns/op")
	b.ReportMetric(median(oursAllocs), "ours-allocs/op")
	b.ReportMetric(median(theirsAllocs), "wechatpay-go-allocs/op")
	b.ReportMetric(median(ratios), "x-faster")
}

// BenchmarkThreads measures how the throughput of ParseRequest + Transaction grows with a second
// goroutine sharing the same *Verifier: rounds of one goroutine making b.N/benchRounds calls
// alternate with rounds of two goroutines making as many calls each. Metrics, medians over the
// rounds:
//
//	1-goroutine-ops/s, 2-goroutines-ops/s   calls per second, all goroutines together
//	x-scaling                               2-goroutines-ops/s / 1-goroutine-ops/s (the goal:
//	                                        at least 1.8 with two idle cores)
//	1-goroutine-cores, 2-goroutines-cores   CPU time of the process over wall time: how many
//	                                        cores the rounds had (with another busy process, the
//	                                        two goroutines get less than 2 and x-scaling says
//	                                        more about the machine than about the binding)
//	x-per-cpu                               two goroutines' calls per CPU second over one's: 1
//	                                        when the second goroutine costs no extra CPU (no
//	                                        contention); x-scaling is about x-per-cpu times
//	                                        2-goroutines-cores over 1-goroutine-cores
//
//	go test -run '^$' -bench Threads -benchtime 3s
//
// It needs GOMAXPROCS >= 2 and is skipped otherwise.
func BenchmarkThreads(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2")
	}
	f := newBenchFixture(b)
	reqs := []*http.Request{f.request(), f.request()}
	f.parseTransaction(b, reqs[0])
	per := max(1, b.N/benchRounds)
	// run has g goroutines make per calls each and returns the calls per second and the cores
	// used.
	run := func(g int) (opsPerSec, cores float64) {
		runtime.GC()
		var wg sync.WaitGroup
		cpu := processCPU()
		start := time.Now()
		for w := 0; w < g; w++ {
			wg.Add(1)
			go func(req *http.Request) {
				defer wg.Done()
				for i := 1; i <= per; i++ {
					f.parseTransaction(b, req)
					if i%yieldEvery == 0 {
						runtime.Gosched() // as in round
					}
				}
			}(reqs[w])
		}
		wg.Wait()
		elapsed := time.Since(start)
		return float64(g*per) / elapsed.Seconds(), (processCPU() - cpu).Seconds() / elapsed.Seconds()
	}
	var one, two, oneCores, twoCores, ratios, perCPU []float64
	b.ResetTimer()
	for i := 0; i < benchRounds; i++ {
		var o, oc, t, tc float64
		if i%2 == 0 {
			o, oc = run(1)
			t, tc = run(2)
		} else {
			t, tc = run(2)
			o, oc = run(1)
		}
		one, two, ratios = append(one, o), append(two, t), append(ratios, t/o)
		oneCores, twoCores = append(oneCores, oc), append(twoCores, tc)
		perCPU = append(perCPU, (t/tc)/(o/oc))
	}
	b.StopTimer()
	b.ReportMetric(median(one), "1-goroutine-ops/s")
	b.ReportMetric(median(two), "2-goroutines-ops/s")
	b.ReportMetric(median(ratios), "x-scaling")
	b.ReportMetric(median(oneCores), "1-goroutine-cores")
	b.ReportMetric(median(twoCores), "2-goroutines-cores")
	if oneCores[0] > 0 { // zero where the process CPU time is not available
		b.ReportMetric(median(perCPU), "x-per-cpu")
	}
}

// BenchmarkParse measures each call on its own: the binding's Parse (headers and body), its
// Parse + Transaction, the floor of that (bare C ABI calls, floor.go), its ParseRequest +
// Transaction, and wechatpay-go's ParseNotifyRequest into the same Transaction. Besides ns/op
// it reports cpu-ns/op, the process CPU time per operation, which stays meaningful on a busy
// machine.
//
//	go test -run '^$' -bench 'Parse$' -benchmem
func BenchmarkParse(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()

	b.Run("wechatpay-notify/Parse", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if _, err := f.ours.Parse(f.header, f.body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wechatpay-notify/Parse+Transaction", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if _, err := f.parseOurs(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor/C-ABI", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if _, err := f.parseFloor(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wechatpay-notify/ParseRequest+Transaction", func(b *testing.B) {
		b.ReportAllocs()
		req := f.request()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			f.parseTransaction(b, req)
		}
	})
	b.Run("wechatpay-go/ParseNotifyRequest", func(b *testing.B) {
		b.ReportAllocs()
		req := f.request()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			f.parseTransactionTheirs(b, ctx, req)
		}
	})
}

// BenchmarkParseParallel is BenchmarkParse with every CPU calling through one shared verifier
// (GOMAXPROCS goroutines, b.RunParallel).
//
//	go test -run '^$' -bench ParseParallel -benchmem
func BenchmarkParseParallel(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	b.Run("wechatpay-notify/Parse", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := f.ours.Parse(f.header, f.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("wechatpay-notify/ParseRequest+Transaction", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			req := f.request()
			for pb.Next() {
				f.parseTransaction(b, req)
			}
		})
	})
	b.Run("wechatpay-go/ParseNotifyRequest", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			req := f.request()
			for pb.Next() {
				f.parseTransactionTheirs(b, ctx, req)
			}
		})
	})
}

// TestCompare runs the comparison of main.go briefly (a few calls per side, no timing checked)
// so that go test covers it: the three sides agree on the payment and the table prints.
func TestCompare(t *testing.T) {
	f, err := newFixture()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	if err := f.check(); err != nil {
		t.Fatal(err)
	}
	r, err := compare(f, 2, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sides {
		if len(r.rounds[i]) != 2 || r.rounds[i][0].ns <= 0 {
			t.Fatalf("%s: %v", sides[i], r.rounds[i])
		}
	}
	if len(r.oursFloor) != 2 || len(r.theirsOurs) != 2 {
		t.Fatalf("ratios %v %v", r.oursFloor, r.theirsOurs)
	}
	var out strings.Builder
	r.print(&out, 2, 5, 2)
	for _, want := range append(sides, "binding / floor", "official / binding") {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("the table has no %q:\n%s", want, out.String())
		}
	}
}
