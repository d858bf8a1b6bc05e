//go:build wechatpay_notify_external

package wechatpaynotify

// Linking a wechatpay-notify C library installed outside this module, e.g. by
// `scripts/install-c.sh --prefix /opt/wechatpay-notify` (PREFIX/include/wechatpay_notify.h and
// PREFIX/lib/libwechatpay_notify.{a,so}) or unpacked from the release's C archive. Give cgo its
// location:
//
//	CGO_CFLAGS="-I/opt/wechatpay-notify/include" \
//	CGO_LDFLAGS="-L/opt/wechatpay-notify/lib" \
//	go build -tags wechatpay_notify_external
//
// or, with the prefix's pkg-config file:
//
//	export PKG_CONFIG_PATH=/opt/wechatpay-notify/lib/pkgconfig
//	CGO_CFLAGS="$(pkg-config --cflags wechatpay_notify)" \
//	CGO_LDFLAGS="$(pkg-config --libs-only-L wechatpay_notify)" \
//	go build -tags wechatpay_notify_external
//
// On Linux the static library (libwechatpay_notify.a) is linked even when the shared one is in
// the same directory, so the program has no run-time dependency on it. Elsewhere the linker
// chooses (a shared library must then be found at run time).

// #cgo linux LDFLAGS: -Wl,-Bstatic -lwechatpay_notify -Wl,-Bdynamic
// #cgo linux LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl
// #cgo !linux LDFLAGS: -lwechatpay_notify
import "C"
