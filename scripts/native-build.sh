#!/usr/bin/env bash
# The one release build of the Rust workspace that every language's tests share (sourced by
# the scripts/test-*.sh scripts). It builds every target of every crate except the Python
# extension: the C library, the `wechatpay-notify` binary, and the Rust tests and benchmarks.
# The C library is then installed under its one name, wechatpay_notify, into target/native
# (scripts/install-c.sh: include/, lib/libwechatpay_notify.{a,so}, pkg-config, CMake), which
# is what C, Go and Java link in the repo; the Go module's copy of the header and static library
# (bindings/go/build/, not tracked) is taken from there. The Python extension is built by its
# own build backend (maturin, through `pip install .`) in the same target/.
#
# Every cargo call in these scripts selects the same packages and targets, so cargo resolves
# the same dependency features each time and the second and later calls compile nothing.
# (Selecting one package with -p, or leaving out --all-targets, resolves features differently
# and rebuilds part of the tree.)
# The backend (scripts/backend.sh) is part of the selection: the tests link what is released.
source "$(dirname "${BASH_SOURCE[0]}")/backend.sh"
NATIVE_SELECTION=(--release --workspace --exclude wechatpay-notify-py "${BACKEND_CARGO_FEATURES[@]}")

# The installed C library of the shared build, linked by the C, Go and Java tests.
NATIVE_PREFIX="$PWD/target/native"

native_build() {
    cargo build "${NATIVE_SELECTION[@]}" --all-targets
    bash scripts/install-c.sh --prefix "$NATIVE_PREFIX" --no-build >/dev/null
    stage_go_native "$NATIVE_PREFIX"
}

# Copies the header and the static library of an installed prefix into the Go module
# (bindings/go/build/), where its cgo directives find them: in the repo from target/native,
# in the released module from the dist build (scripts/release.sh).
stage_go_native() {
    local from="$1" to=bindings/go/build
    install -m 644 "$from/include/wechatpay_notify.h" "$to/include/wechatpay_notify.h"
    install -m 644 "$from/lib/libwechatpay_notify.a" "$to/linux-x86_64/libwechatpay_notify.a"
}

native_test() {
    cargo test "${NATIVE_SELECTION[@]}" "$@"
}
