//go:build wechatpay_notify_external

package wechatpaynotify

// Linking a wechatpay-notify C library installed outside this repository: give cgo its
// location, e.g.
//
//	CGO_CFLAGS="-I/opt/wechatpay-notify/include" \
//	CGO_LDFLAGS="-L/opt/wechatpay-notify/lib" \
//	go build -tags wechatpay_notify_external
//
// The static library (libwechatpay_notify_ffi.a) is linked even when the shared one is in the
// same directory, so the program has no run-time dependency on it.

// #cgo LDFLAGS: -Wl,-Bstatic -lwechatpay_notify_ffi -Wl,-Bdynamic
// #cgo linux LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl
import "C"
