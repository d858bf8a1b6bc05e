#!/usr/bin/env bash
# The platforms every release artifact is built for (sourced by scripts/release.sh, the
# packaging scripts and the consumer tests), and each one's name where a tool names it. One
# home for the list: the C and CLI archives are named by the Rust target, the Go module's
# libraries sit in build/<go_dir>, the jar's in JNA's resource directory <jna_dir>, the
# wheels carry <wheel_compatibility> tags, and the npm packages are named by <node_platform>.
#
#   glibc targets link against glibc $GLIBC_FLOOR (scripts/zig.sh); musl targets link musl
#   statically (the CLI is one static binary, the C archive a static library).
RELEASE_TARGETS=(
    x86_64-unknown-linux-gnu
    aarch64-unknown-linux-gnu
    x86_64-unknown-linux-musl
    aarch64-unknown-linux-musl
)

# The target's C library: gnu or musl.
target_libc() { case "$1" in *-musl) echo musl ;; *) echo gnu ;; esac; }
# The target's CPU: x86_64 or aarch64.
target_arch() { echo "${1%%-*}"; }
# The directory of the Go module (bindings/go/build/...) holding the target's static library.
go_dir() {
    local dir="linux-$(target_arch "$1")"
    [ "$(target_libc "$1")" = musl ] && dir="$dir-musl"
    echo "$dir"
}
# JNA's resource directory for the target's shared library (glibc targets only: a JVM on musl
# loads the glibc library through gcompat, or builds from source).
jna_dir() { case "$1" in x86_64-unknown-linux-gnu) echo linux-x86-64 ;; aarch64-unknown-linux-gnu) echo linux-aarch64 ;; esac; }
# The Node.js platform of the target as napi-rs names it (its npm package
# @wechatpay-notify/<node_platform> and its addon wechatpay-notify.<node_platform>.node).
node_platform() {
    local arch
    case "$(target_arch "$1")" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; esac
    echo "linux-$arch-$(target_libc "$1")"
}
# maturin's --compatibility for the target's wheel.
wheel_compatibility() { case "$(target_libc "$1")" in gnu) echo manylinux2014 ;; musl) echo musllinux_1_2 ;; esac; }
# The target as zig names it when a C compiler is needed for it (glibc at the floor).
zig_c_target() {
    case "$(target_libc "$1")" in
        gnu) echo "$(target_arch "$1")-linux-gnu.$GLIBC_FLOOR" ;;
        musl) echo "$(target_arch "$1")-linux-musl" ;;
    esac
}
