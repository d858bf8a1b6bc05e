#!/usr/bin/env bash
# The one release build of the Rust workspace that every language's tests share (sourced by
# the scripts/test-*.sh scripts). It builds every target of every crate except the Python
# extension: the C library (target/release/libwechatpay_notify_ffi.{a,so}) that C, Go and Java
# link, the `wechatpay-notify` binary, and the Rust tests and benchmarks. The Python extension
# is built by its own build backend (maturin, through `pip install .`) in the same target/.
#
# Every cargo call in these scripts selects the same packages and targets, so cargo resolves
# the same dependency features each time and the second and later calls compile nothing.
# (Selecting one package with -p, or leaving out --all-targets, resolves features differently
# and rebuilds part of the tree.)
NATIVE_SELECTION=(--release --workspace --exclude wechatpay-notify-py)

native_build() {
    cargo build "${NATIVE_SELECTION[@]}" --all-targets
}

native_test() {
    cargo test "${NATIVE_SELECTION[@]}" "$@"
}
