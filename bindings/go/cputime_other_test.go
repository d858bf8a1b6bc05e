//go:build !unix

package wechatpaynotify

import (
	"testing"
	"time"
)

// processCPU is zero where getrusage is not available.
func processCPU() time.Duration { return 0 }

// reportCPU is a no-op where getrusage is not available.
func reportCPU(b *testing.B) func() { return func() {} }
