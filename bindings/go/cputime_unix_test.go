//go:build unix

package wechatpaynotify

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time used by this process so far (user + system, every thread).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU starts measuring process CPU time; the returned function reports it per
// operation as the "cpu-ns/op" metric. Unlike ns/op (wall time) it barely moves when other
// processes compete for the CPUs, and it includes the garbage collector's work.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}
