#!/usr/bin/env bash
# Installs the C library of wechatpay-notify under its one name, wechatpay_notify:
#   PREFIX/include/wechatpay_notify.h
#   PREFIX/lib/libwechatpay_notify.so.VERSION        the shared library, SONAME libwechatpay_notify.so.ABI
#                                                    (ABI: MAJOR from 1.0 on, 0.MINOR before; crates/wechatpay-notify-ffi/build.rs)
#   PREFIX/lib/libwechatpay_notify.so.ABI   -> libwechatpay_notify.so.VERSION
#   PREFIX/lib/libwechatpay_notify.so       -> libwechatpay_notify.so.ABI
#   PREFIX/lib/libwechatpay_notify.a                 the static library
#   PREFIX/lib/pkgconfig/wechatpay_notify.pc         pkg-config --cflags --libs [--static] wechatpay_notify
#   PREFIX/lib/cmake/wechatpay_notify/*.cmake        find_package(wechatpay_notify)
# The pkg-config and CMake files locate the prefix from their own place, so the tree can be
# moved or unpacked anywhere (scripts/release.sh packs it as the C archive).
#
# Usage: scripts/install-c.sh [--prefix DIR] [--profile release|dist] [--target TRIPLE] [--no-build]
#   --prefix   where to install (default /usr/local)
#   --profile  the cargo profile whose build to install (default release; dist is the
#              optimised, stripped build scripts/release.sh ships)
#   --target   the Rust target of a cross build (target/TRIPLE/PROFILE; scripts/release.sh
#              builds every artifact for its target with zig). A musl target has the static
#              library only.
#   --no-build install what target/PROFILE already holds, without running cargo
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/usr/local
profile=release
triple=
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --profile) profile="$2"; shift 2 ;;
        --profile=*) profile="${1#--profile=}"; shift ;;
        --target) triple="$2"; shift 2 ;;
        --target=*) triple="${1#--target=}"; shift ;;
        --no-build) build=0; shift ;;
        *) echo "usage: $0 [--prefix DIR] [--profile release|dist] [--target TRIPLE] [--no-build]" >&2; exit 2 ;;
    esac
done

if [ "$build" = 1 ]; then
    cargo build --profile "$profile" -p wechatpay-notify-ffi ${triple:+--target "$triple"}
fi
target_dir="${CARGO_TARGET_DIR:-target}/${triple:+$triple/}$profile"
# Cargo names the files after the crate; they are installed under the library's name.
built_static="$target_dir/libwechatpay_notify_ffi.a"
built_shared="$target_dir/libwechatpay_notify_ffi.so"
musl=0
case "$triple" in *-musl) musl=1 ;; esac
needed=("$built_static")
[ "$musl" = 1 ] || needed+=("$built_shared")
for f in "${needed[@]}"; do
    [ -f "$f" ] || { echo "missing $f: build first" >&2; exit 1; }
done

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
# The SONAME is the build's (build.rs holds the rule): the links are named after it.
soname=""
if [ "$musl" = 0 ]; then
    soname="$(readelf -d "$built_shared" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
    [ -n "$soname" ] || { echo "$built_shared has no SONAME" >&2; exit 1; }
fi
# The libraries the Rust standard library needs when the static library is linked
# (`cargo rustc -- --print native-static-libs` on Linux).
libs_private="-lpthread -ldl -lm -lrt -lutil -lgcc_s"
# A musl archive brings its own unwinder (merged into it below).
[ "$musl" = 0 ] || libs_private="-lpthread -ldl -lm -lrt -lutil"
packaging=crates/wechatpay-notify-ffi/packaging

mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
lib="$prefix/lib"
install -d "$prefix/include" "$lib/pkgconfig" "$lib/cmake/wechatpay_notify"
install -m 644 include/wechatpay_notify.h "$prefix/include/"
install -m 644 "$built_static" "$lib/libwechatpay_notify.a"
if [ "$musl" = 0 ]; then
    install -m 755 "$built_shared" "$lib/libwechatpay_notify.so.$version"
    ln -sfn "libwechatpay_notify.so.$version" "$lib/$soname"
    ln -sfn "$soname" "$lib/libwechatpay_notify.so"
fi
if [ "$profile" != release ]; then
    # The shipped static library: no debug information (the shared one is stripped by the
    # profile when it is linked).
    # The target's binutils strip an archive of another architecture (Debian's
    # binutils-aarch64-linux-gnu for aarch64).
    case "$triple" in
        aarch64-*) strip_tool=aarch64-linux-gnu-strip ;;
        *) strip_tool=strip ;;
    esac
    "$strip_tool" --strip-debug "$lib/libwechatpay_notify.a"
fi
if [ "$musl" = 1 ]; then
    # A musl target's standard library does not bundle its unwinder (LLVM's libunwind, which
    # Rust ships for the target) into a static library; without it, a C compiler's driver
    # (musl-gcc) takes libgcc_eh's, built for glibc. It goes into the archive, which then needs
    # nothing but musl's libc. (The merge reads LTO objects: binutils' notes about them are
    # dropped.)
    unwind="$(rustc --print sysroot)/lib/rustlib/$triple/lib/self-contained/libunwind.a"
    [ -f "$unwind" ] || { echo "missing $unwind (rustup target add $triple)" >&2; exit 1; }
    case "$triple" in aarch64-*) ar_tool=aarch64-linux-gnu-ar ;; *) ar_tool=ar ;; esac
    merged="$lib/libwechatpay_notify.a.merged"
    printf 'create %s\naddlib %s\naddlib %s\nsave\nend\n' "$merged" "$lib/libwechatpay_notify.a" "$unwind" |
        "$ar_tool" -M 2> >(grep -v '^bfd plugin:' >&2)
    mv "$merged" "$lib/libwechatpay_notify.a"
fi
sed -e "s|@VERSION@|$version|" -e "s|@LIBS_PRIVATE@|$libs_private|" \
    "$packaging/wechatpay_notify.pc.in" > "$lib/pkgconfig/wechatpay_notify.pc"
sed -e "s|@VERSION@|$version|g" -e "s|@SONAME@|$soname|g" "$packaging/wechatpay_notifyConfig.cmake.in" \
    > "$lib/cmake/wechatpay_notify/wechatpay_notifyConfig.cmake"
sed -e "s|@VERSION@|$version|" "$packaging/wechatpay_notifyConfigVersion.cmake.in" \
    > "$lib/cmake/wechatpay_notify/wechatpay_notifyConfigVersion.cmake"
echo "installed wechatpay_notify $version ($profile build) to $prefix"
