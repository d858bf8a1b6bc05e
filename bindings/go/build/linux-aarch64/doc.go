// Package linuxaarch64 holds the static wechatpay-notify C library for linux/arm64,
// libwechatpay_notify.a, which the parent package links (link.go). It has no Go code: it is a
// package only so that `go mod vendor` copies this directory (see vendor_keep.go).
//
// The released module carries the library of the release build (scripts/package-go.sh); a
// checkout of the repository has only the host's, in build/linux-x86_64.
package linuxaarch64
