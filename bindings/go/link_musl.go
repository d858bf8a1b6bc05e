//go:build !wechatpay_notify_external && linux && musl && (amd64 || arm64)

package wechatpaynotify

// linux with musl (-tags musl: Alpine, or a fully static binary): the module's
// build/linux-x86_64-musl or build/linux-aarch64-musl/libwechatpay_notify.a (see link.go). The
// Rust standard library of a musl target brings its own unwinder, so musl's libc is all it
// needs. A static program:
//
//	CC=musl-gcc go build -tags musl -ldflags '-linkmode external -extldflags -static'

// #cgo CFLAGS: -I${SRCDIR}/build/include
// #cgo amd64 LDFLAGS: ${SRCDIR}/build/linux-x86_64-musl/libwechatpay_notify.a
// #cgo arm64 LDFLAGS: ${SRCDIR}/build/linux-aarch64-musl/libwechatpay_notify.a
// #cgo LDFLAGS: -lpthread -lm -ldl
import "C"
