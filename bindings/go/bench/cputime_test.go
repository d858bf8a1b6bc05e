package main

import "testing"

// reportCPU starts measuring process CPU time; the returned function reports it per
// operation as the "cpu-ns/op" metric. Unlike ns/op (wall time) it barely moves when other
// processes compete for the CPUs, and it includes the garbage collector's work.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}
