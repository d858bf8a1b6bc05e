//go:build !wechatpay_notify_external && linux && amd64 && !musl

package wechatpaynotify

// The default way to link: the C library that ships inside this module. The header is
// build/include/wechatpay_notify.h and the static library, per platform (paths relative to this
// directory):
//
//	linux/amd64, glibc 2.17+         build/linux-x86_64/libwechatpay_notify.a         (this file)
//	linux/arm64, glibc 2.17+         build/linux-aarch64/libwechatpay_notify.a        (link_arm64.go)
//	linux/amd64, musl (-tags musl)   build/linux-x86_64-musl/libwechatpay_notify.a    (link_musl.go)
//	linux/arm64, musl (-tags musl)   build/linux-aarch64-musl/libwechatpay_notify.a   (link_musl.go)
//
// so `go get` is enough: no Rust toolchain, nothing to install, and the library ends up inside
// the Go binary (no run-time dependency on it). glibc or musl is the C library the Go program
// is linked with: on Alpine, or for a fully static binary, build with -tags musl (the
// convention of confluent-kafka-go's bundled library) and a musl C compiler, e.g.
//
//	CC=musl-gcc go build -tags musl -ldflags '-linkmode external -extldflags -static'
//
// In the released module these files come from the release build (scripts/package-go.sh).
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
