// Package include holds the C header of the wechatpay-notify library, wechatpay_notify.h,
// which the parent package's cgo directives include (link.go). It has no Go code: it is a
// package only so that `go mod vendor` copies this directory (see vendor_keep.go).
//
// In a checkout of the repository the header here is a copy made by scripts/native-build.sh
// (not tracked by git); the released module carries the one of the release build.
package include
