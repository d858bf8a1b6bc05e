#!/usr/bin/env bash
# The CLI archive of dist/ as a user runs it: unpacked in a fresh directory outside the repo,
# with no Rust toolchain on PATH, `wechatpay-notify --version` and `wechatpay-notify demo`.
# Environment: WPN_DIST (absolute dist/), WPN_VERSION.
set -euo pipefail
: "${WPN_DIST:?}" "${WPN_VERSION:?}" "${WPN_BACKEND:?}"
archive=$(ls "$WPN_DIST"/cli/wechatpay-notify-"$WPN_VERSION"-*.tar.gz)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$archive" -C "$tmp"
bin=$(ls "$tmp"/wechatpay-notify-"$WPN_VERSION"-*/wechatpay-notify)
cd "$tmp"
export PATH=/usr/local/bin:/usr/bin:/bin
if command -v cargo >/dev/null || command -v rustc >/dev/null; then
    echo "a Rust toolchain is on PATH ($PATH); the CLI test must run without one" >&2
    exit 1
fi
version=$("$bin" --version)
[ "$version" = "wechatpay-notify $WPN_VERSION ($WPN_BACKEND)" ] || { echo "FAILED: --version says '$version'" >&2; exit 1; }
"$bin" demo >demo.out 2>&1 || { cat demo.out; echo "FAILED: demo" >&2; exit 1; }
tail -n 3 demo.out
echo "cli consumer: 2 passed, 0 failed"
