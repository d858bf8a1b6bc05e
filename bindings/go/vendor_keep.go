//go:build wechatpay_notify_keep_build

package wechatpaynotify

// This file is never compiled (no build sets its tag). It exists for `go mod vendor`, which
// copies only the directories of imported packages: the C header and the static library that
// link.go uses sit in build/include and build/linux-x86_64, so those two directories are
// (empty) Go packages, imported here. `go mod vendor` considers every build tag, so it keeps
// them and a vendored build links the same library. See golang.org/issue/26366.

import (
	_ "github.com/wechatpay-notify/wechatpay-notify/bindings/go/build/include"
	_ "github.com/wechatpay-notify/wechatpay-notify/bindings/go/build/linux-x86_64"
)
