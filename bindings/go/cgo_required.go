//go:build !cgo

package wechatpaynotify

// The package calls the wechatpay-notify C library through cgo, so it needs CGO_ENABLED=1 and
// a C compiler (cgo is off by default when cross-compiling or when no compiler is found).
// Without cgo, the build stops on the undefined name below, which says what to do.

var _ = wechatpaynotify_needs_cgo__set_CGO_ENABLED_1_and_install_a_C_compiler
