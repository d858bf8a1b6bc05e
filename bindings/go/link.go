//go:build !wechatpay_notify_external

package wechatpaynotify

// Linking in a checkout of the wechatpay-notify repository: the header from include/ and the
// static library built by `cargo build --release -p wechatpay-notify-ffi` in target/release/.
// Build with -tags wechatpay_notify_external to link a library installed elsewhere instead
// (see link_external.go).

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libwechatpay_notify_ffi.a
// #cgo linux LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl
import "C"
