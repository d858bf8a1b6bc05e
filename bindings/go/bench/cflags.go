//go:build !wechatpay_notify_external

package main

// The header that ships inside the binding's module (../link.go links the library next to it,
// and this program imports the binding). With -tags wechatpay_notify_external, CGO_CFLAGS says
// where the installed header is, as for the binding.

// #cgo CFLAGS: -I${SRCDIR}/../build/include
import "C"
