//go:build !wechatpay_notify_external && linux && amd64

package wechatpaynotify

// The default way to link: the C library that ships inside this module. The header is
// build/include/wechatpay_notify.h and the static library build/linux-x86_64/libwechatpay_notify.a
// (paths relative to this directory), so `go get` is enough: no Rust toolchain, nothing to
// install, and the library ends up inside the Go binary (no run-time dependency on it).
//
// In the released module these two files come from the release build (scripts/package-go.sh).
// In a checkout of the repository they are copies made by scripts/native-build.sh (not tracked
// by git), so run scripts/test-go.sh, or `source scripts/native-build.sh && native_build`,
// once before building the package there.
//
// Other platforms have no prebuilt library (link_unsupported.go): build with
// -tags wechatpay_notify_external and link an installed one (link_external.go).
//
// The libraries after the archive are what the Rust standard library needs when it is linked
// statically (`--print native-static-libs`).

// #cgo CFLAGS: -I${SRCDIR}/build/include
// #cgo LDFLAGS: ${SRCDIR}/build/linux-x86_64/libwechatpay_notify.a
// #cgo LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl
import "C"
