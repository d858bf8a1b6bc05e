//go:build wechatpay_notify_keep_build

package wechatpaynotify

// This file is never compiled (no build sets its tag). It exists for `go mod vendor`, which
// copies only the directories of imported packages: the C header and the static library that
// link.go and its siblings use sit in build/include and build/linux-*, so those directories are
// (empty) Go packages, imported here. `go mod vendor` considers every build tag, so it keeps
// them and a vendored build links the same library. See golang.org/issue/26366.

import (
	_ "github.com/wechatpay-notify/wechatpay-notify/bindings/go/build/include"
	_ "github.com/wechatpay-notify/wechatpay-notify/bindings/go/build/linux-aarch64"
	_ "github.com/wechatpay-notify/wechatpay-notify/bindings/go/build/linux-aarch64-musl"
	_ "github.com/wechatpay-notify/wechatpay-notify/bindings/go/build/linux-x86_64"
	_ "github.com/wechatpay-notify/wechatpay-notify/bindings/go/build/linux-x86_64-musl"
)
