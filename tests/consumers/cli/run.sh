#!/usr/bin/env bash
# The CLI archives of dist/ as users run them, one per release target (scripts/targets.sh):
# each unpacked in a fresh directory outside the repo, with no Rust toolchain on PATH,
# `wechatpay-notify --version` and `wechatpay-notify demo` (the receiver and the gateway, whose
# SQLite inbox is compiled into the binary). The aarch64 ones run under
# qemu-user (Debian's qemu-user; the glibc one with Debian's arm64 glibc as its sysroot), the
# musl ones are checked to be fully static (no interpreter, nothing NEEDED), so one binary runs
# on any Linux, Alpine and CentOS 7 included.
# Environment: WPN_DIST (absolute dist/), WPN_VERSION, WPN_BACKEND.
set -euo pipefail
: "${WPN_DIST:?}" "${WPN_VERSION:?}" "${WPN_BACKEND:?}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
source "$root/scripts/zig.sh"
source "$root/scripts/targets.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ok=0
fail() { echo "FAILED: $*" >&2; exit 1; }
export PATH=/usr/local/bin:/usr/bin:/bin
if command -v cargo >/dev/null || command -v rustc >/dev/null; then
    fail "a Rust toolchain is on PATH ($PATH); the CLI test must run without one"
fi
for t in "${RELEASE_TARGETS[@]}"; do
    name="wechatpay-notify-$WPN_VERSION-$t"
    tar -xzf "$WPN_DIST/cli/$name.tar.gz" -C "$tmp"
    bin="$tmp/$name/wechatpay-notify"
    for f in LICENSE THIRD-PARTY-LICENSES.txt; do
        [ -f "$tmp/$name/$f" ] || fail "$name lacks $f"
    done
    run=("$bin")
    case "$(target_arch "$t")-$(target_libc "$t")" in
        aarch64-gnu) run=(qemu-aarch64 -L /usr/aarch64-linux-gnu "$bin") ;;
        aarch64-musl) run=(qemu-aarch64 "$bin") ;;
    esac
    if [ "$(target_libc "$t")" = musl ]; then
        ! readelf -l "$bin" | grep -q 'Requesting program interpreter' || fail "$t: the CLI has an interpreter"
        ! readelf -d "$bin" | grep -q NEEDED || fail "$t: the CLI needs shared libraries"
        echo "  $t: fully static (no interpreter, nothing NEEDED)"
    else
        (cd "$root" && check_glibc_floor "$bin")
    fi
    version=$(cd "$tmp" && "${run[@]}" --version)
    [ "$version" = "wechatpay-notify $WPN_VERSION ($WPN_BACKEND)" ] || fail "$t: --version says '$version'"
    (cd "$tmp" && "${run[@]}" demo >"$tmp/demo-$t.out" 2>&1) || { cat "$tmp/demo-$t.out"; fail "$t: demo"; }
    # The receiver's verdicts, and the gateway's (serve with its bundled SQLite inbox).
    echo "  $t ${run[0]##*/}: $(grep -E 'outcomes correct' "$tmp/demo-$t.out"); gateway: $(grep -E 'forwarded once each' "$tmp/demo-$t.out" | sed 's/^ *. *//')"
    ok=$((ok + 2))
done
echo "cli consumer: $ok passed, 0 failed"
