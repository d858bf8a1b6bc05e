//go:build !wechatpay_notify_external && linux && arm64 && !musl

package wechatpaynotify

// linux/arm64 with glibc 2.17 or newer: the module's build/linux-aarch64/libwechatpay_notify.a
// (see link.go). The libraries after the archive are what the Rust standard library needs when
// it is linked statically.

// #cgo CFLAGS: -I${SRCDIR}/build/include
// #cgo LDFLAGS: ${SRCDIR}/build/linux-aarch64/libwechatpay_notify.a
// #cgo LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl
import "C"
