//go:build !wechatpay_notify_external

package testkit

// The header that ships inside the module (../../link.go links the library next to it). With
// -tags wechatpay_notify_external, CGO_CFLAGS says where the installed header is, as for the
// parent package.

// #cgo CFLAGS: -I${SRCDIR}/../../build/include
import "C"
