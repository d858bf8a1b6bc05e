//go:build cgo && !wechatpay_notify_external && !(linux && (amd64 || arm64))

package wechatpaynotify

// The module ships prebuilt C libraries for linux/amd64 and linux/arm64, glibc and musl
// (link.go). On any other platform, build the library from the wechatpay-notify repository (`bash
// scripts/install-c.sh --prefix DIR`, which needs a Rust toolchain), then build with
// -tags wechatpay_notify_external and point cgo at it (see link_external.go):
//
//	CGO_CFLAGS="-IDIR/include" CGO_LDFLAGS="-LDIR/lib" go build -tags wechatpay_notify_external
//
// Without the tag, the build stops on the undefined name below, which says what to do.

var _ = wechatpaynotify_has_no_prebuilt_library_for_this_GOOS_GOARCH__build_with_tags_wechatpay_notify_external_see_link_unsupported_go
