// Package linuxx8664 holds the static wechatpay-notify C library for linux/amd64,
// libwechatpay_notify.a, which the parent package links (link.go). It has no Go code: it is a
// package only so that `go mod vendor` copies this directory (see vendor_keep.go).
//
// In a checkout of the repository the library here is a copy made by scripts/native-build.sh
// (not tracked by git); the released module carries the one of the release build.
package linuxx8664
