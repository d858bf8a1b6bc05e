// Package testkit is the testing kit of the wechatpay-notify C library (wpn_kit_*,
// wpn_callback_*; docs/testing.md) for Go: the cgo calls and nothing else. It returns plain Go
// values and imports nothing of this module, so that the tests of package wechatpaynotify can
// use it as well as package wechatpaynotifytest, which is the public API built on it.
//
// Linking stays in one place: this package only includes the header (cflags.go). The library
// itself is linked by package wechatpaynotify (link.go, link_external.go), which every user of
// this package imports.
package testkit
