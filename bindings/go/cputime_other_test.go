//go:build !unix

package wechatpaynotify

import "testing"

// reportCPU is a no-op where getrusage is not available.
func reportCPU(b *testing.B) func() { return func() {} }
