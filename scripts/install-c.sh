#!/usr/bin/env bash
# Installs the C library of wechatpay-notify for C/C++ users:
#   PREFIX/include/wechatpay_notify.h
#   PREFIX/lib/libwechatpay_notify.{a,so}
#   PREFIX/lib/pkgconfig/wechatpay_notify.pc           (pkg-config --cflags --libs wechatpay_notify)
#   PREFIX/lib/cmake/wechatpay_notify/*.cmake          (find_package(wechatpay_notify))
#
# Usage: scripts/install-c.sh [--prefix DIR] [--no-build]     (default prefix: /usr/local)
# Builds `cargo build --release -p wechatpay-notify-ffi` first unless --no-build is given.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/usr/local
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --no-build) build=0; shift ;;
        *) echo "usage: $0 [--prefix DIR] [--no-build]" >&2; exit 2 ;;
    esac
done

if [ "$build" = 1 ]; then
    cargo build --release -p wechatpay-notify-ffi
fi
target_dir="${CARGO_TARGET_DIR:-target}/release"
for f in libwechatpay_notify_ffi.a libwechatpay_notify_ffi.so; do
    [ -f "$target_dir/$f" ] || { echo "missing $target_dir/$f: build first" >&2; exit 1; }
done

mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
# The libraries the Rust standard library needs when the static library is linked
# (`cargo rustc -- --print native-static-libs` on Linux).
libs_private="-lpthread -ldl -lm -lrt -lutil -lgcc_s"
packaging=crates/wechatpay-notify-ffi/packaging

install -d "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/wechatpay_notify"
install -m 644 include/wechatpay_notify.h "$prefix/include/"
install -m 644 "$target_dir/libwechatpay_notify_ffi.a" "$prefix/lib/libwechatpay_notify.a"
install -m 755 "$target_dir/libwechatpay_notify_ffi.so" "$prefix/lib/libwechatpay_notify.so"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@LIBS_PRIVATE@|$libs_private|" \
    "$packaging/wechatpay_notify.pc.in" > "$prefix/lib/pkgconfig/wechatpay_notify.pc"
install -m 644 "$packaging/wechatpay_notifyConfig.cmake.in" \
    "$prefix/lib/cmake/wechatpay_notify/wechatpay_notifyConfig.cmake"
sed -e "s|@VERSION@|$version|" "$packaging/wechatpay_notifyConfigVersion.cmake.in" \
    > "$prefix/lib/cmake/wechatpay_notify/wechatpay_notifyConfigVersion.cmake"
echo "installed wechatpay_notify $version to $prefix"
