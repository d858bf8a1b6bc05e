//go:build !cgo

package wechatpaynotify

// This package calls the wechatpay-notify C library through cgo, so it needs cgo: a C
// compiler and CGO_ENABLED=1 (the default when one is found; CGO_ENABLED=0 is common in
// container builds). Without cgo the build stops on the undefined name below, which says what
// to do: build with CGO_ENABLED=1 and a C compiler (gcc, or musl-gcc with -tags musl).

var _ = wechatpaynotify_needs_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler__see_cgo_required_go
