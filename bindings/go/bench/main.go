// Command bench compares, in one run, the Go binding's typed parse of a WeChat Pay payment
// callback with its floor and with the official SDK:
//
//	(a) binding: Verifier.Parse + Notification.Transaction() (a typed payment)
//	(b) floor: the same work by bare C ABI calls from Go (floor.go): wpn_verifier_parse with the
//	    envelope, wpn_event_decode's field tree, wpn_buffer_data, the frees, and the copies the
//	    binding makes
//	(c) wechatpay-go v0.2.21: notify.Handler.ParseNotifyRequest into the same Transaction type
//
// on one payment callback of the testing kit, signed under its public key (public-key mode in
// all three). The three run in interleaved rounds (the order rotating every run), each round
// timing -ops calls of one of them after a collection; the table gives each one's ns/op (wall
// time), cpu-ns/op (the process's CPU time, which another busy process on the machine moves
// much less) and allocs/op, as the median and min-max over the runs, and the ratios
// binding/floor (target <= 1.10) and official/binding (target >= 2.0), computed per run and
// given as the median and min-max.
//
//	cd bindings/go/bench && go run . -runs 5 -ops 3000 -yield 64
//
// The rounds pass through the scheduler every -yield calls, as a server's goroutine does
// between requests (yieldEvery); the library itself has no such policy.
//
// The module also holds the peer tests (peers_test.go) and the go test benchmarks
// (bench_test.go): go test -run '^$' -bench . -benchmem.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "interleaved runs of the three")
	ops := flag.Int("ops", 3000, "calls timed per round")
	yield := flag.Int("yield", yieldEvery, "pass through the scheduler (runtime.Gosched) every this many calls; 0: never")
	flag.Parse()
	log.SetFlags(0)
	if *runs < 1 || *ops < 1 {
		log.Fatal("bench: -runs and -ops must be positive")
	}
	f, err := newFixture()
	if err != nil {
		log.Fatal(err)
	}
	defer f.close()
	if err := f.check(); err != nil {
		log.Fatal(err)
	}
	rep, err := compare(f, *runs, *ops, *yield)
	if err != nil {
		log.Fatal(err)
	}
	rep.print(os.Stdout, *runs, *ops, *yield)
}

// yieldEvery is how many calls a round makes between two passes through the scheduler
// (runtime.Gosched), by default: the caller's policy, which the library has none of. A
// goroutine serving requests passes through the scheduler each time it waits for one; a loop
// of calls that never does, spending most of its time in C, where the runtime sees it as in a
// system call, is found by sysmon after 10 ms on the same scheduling tick and has its P handed
// to another thread, every 10 ms, at a cost in CPU time that a server does not pay. 64 calls
// are about 2 ms here. -yield 0 measures that loop too.
const yieldEvery = 64

// sides are the three parsers, in the table's order.
var sides = []string{
	"(a) binding: Parse + Transaction()",
	"(b) floor: bare C ABI calls from Go",
	"(c) wechatpay-go: ParseNotifyRequest",
}

// measure is one round of one side: per call, the wall time, the process's CPU time (which
// another busy process on the machine moves much less) and the allocations.
type measure struct {
	ns, cpuNs, allocs float64
}

// report holds every round of every side, and the ratios of each run.
type report struct {
	rounds [3][]measure
	// binding/floor and official/binding per run, of the wall times and of the CPU times.
	oursFloor, theirsOurs, oursFloorCPU, theirsOursCPU []float64
}

// compare runs the three sides in runs interleaved rounds of ops calls each, the order
// rotating every run.
func compare(f *fixture, runs, ops, yield int) (*report, error) {
	ctx := context.Background()
	var failure error
	calls := [3]func(){
		func() {
			if _, err := f.parseOurs(); err != nil {
				failure = err
			}
		},
		func() {
			if _, err := f.parseFloor(); err != nil {
				failure = err
			}
		},
		func() {
			if _, err := f.parseTheirs(ctx, f.req); err != nil {
				failure = err
			}
		},
	}
	for _, call := range calls { // warm up: pools, lazily built tables, caches
		for i := 0; i < min(ops, 200); i++ {
			call()
		}
	}
	r := &report{}
	for run := 0; run < runs; run++ {
		if err := f.sign(); err != nil { // a fresh callback: well inside the clock skew
			return nil, err
		}
		var m [3]measure
		for k := 0; k < 3; k++ {
			side := (run + k) % 3
			m[side] = timeRound(ops, yield, calls[side])
			if failure != nil {
				return nil, fmt.Errorf("%s: %w", sides[side], failure)
			}
			r.rounds[side] = append(r.rounds[side], m[side])
		}
		r.oursFloor = append(r.oursFloor, m[0].ns/m[1].ns)
		r.theirsOurs = append(r.theirsOurs, m[2].ns/m[0].ns)
		if m[1].cpuNs > 0 && m[0].cpuNs > 0 {
			r.oursFloorCPU = append(r.oursFloorCPU, m[0].cpuNs/m[1].cpuNs)
			r.theirsOursCPU = append(r.theirsOursCPU, m[2].cpuNs/m[0].cpuNs)
		}
	}
	return r, nil
}

// timeRound times ops calls of call in this goroutine, passing through the scheduler every
// yield calls (never for 0); a collection first leaves no garbage of another round to this one.
func timeRound(ops, yield int, call func()) measure {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	mallocs := m.Mallocs
	cpu := processCPU()
	start := time.Now()
	for i := 1; i <= ops; i++ {
		call()
		if yield > 0 && i%yield == 0 {
			runtime.Gosched()
		}
	}
	elapsed := time.Since(start)
	cpu = processCPU() - cpu
	runtime.ReadMemStats(&m)
	return measure{
		ns:     float64(elapsed.Nanoseconds()) / float64(ops),
		cpuNs:  float64(cpu.Nanoseconds()) / float64(ops),
		allocs: float64(m.Mallocs-mallocs) / float64(ops),
	}
}

// spread is the median, min and max of xs.
func spread(xs []float64) (med, lo, hi float64) {
	s := slices.Clone(xs)
	slices.Sort(s)
	med = s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return med, s[0], s[len(s)-1]
}

// field is one field of every round of a side.
func field(ms []measure, f func(measure) float64) []float64 {
	out := make([]float64, len(ms))
	for i, m := range ms {
		out[i] = f(m)
	}
	return out
}

// verdict says whether a median meets its target.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func (r *report) print(w io.Writer, runs, ops, yield int) {
	yielding := "never yielding"
	if yield > 0 {
		yielding = fmt.Sprintf("yielding every %d", yield)
	}
	fmt.Fprintf(w, "payment callback of the testing kit (public key), %d interleaved runs of %d calls per side, %s; %s, GOMAXPROCS %d\n\n",
		runs, ops, yielding, runtime.Version(), runtime.GOMAXPROCS(0))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "side\tns/op median\tmin\tmax\tcpu-ns/op median\tmin\tmax\tallocs/op\t")
	for i, name := range sides {
		med, lo, hi := spread(field(r.rounds[i], func(m measure) float64 { return m.ns }))
		cmed, clo, chi := spread(field(r.rounds[i], func(m measure) float64 { return m.cpuNs }))
		allocs, _, _ := spread(field(r.rounds[i], func(m measure) float64 { return m.allocs }))
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.1f\t\n", name, med, lo, hi, cmed, clo, chi, allocs)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ratio (per run)\tmedian\tmin\tmax\ttarget\t\t")
	row := func(name string, xs []float64, target string, ok func(float64) bool) {
		if len(xs) == 0 {
			return
		}
		med, lo, hi := spread(xs)
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t\n", name, med, lo, hi, target, verdict(ok(med)))
	}
	atMost := func(x float64) bool { return x <= 1.10 }
	atLeast := func(x float64) bool { return x >= 2.0 }
	row("binding / floor, wall", r.oursFloor, "<= 1.10", atMost)
	row("binding / floor, cpu", r.oursFloorCPU, "<= 1.10", atMost)
	row("official / binding, wall", r.theirsOurs, ">= 2.0", atLeast)
	row("official / binding, cpu", r.theirsOursCPU, ">= 2.0", atLeast)
	tw.Flush()
}
