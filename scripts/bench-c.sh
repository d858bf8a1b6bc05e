#!/usr/bin/env bash
# Benchmark (not a test): the C path against the Rust core on the same notification.
#  1. crates/wechatpay-notify-ffi/examples/ffi_overhead.rs: both paths in one process,
#     interleaved round by round; prints the overhead in % (the figure to report).
#  2. tests/c/bench.c: the C path from a real C program, for the absolute time per parse.
# Usage: scripts/bench-c.sh [ROUNDS [ITERATIONS]]. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-31}"
iterations="${2:-2000}"
cargo build --release -p wechatpay-notify-ffi --example ffi_overhead
work=target/c-bench
mkdir -p "$work"
bash scripts/install-c.sh --prefix "$PWD/$work/prefix" --no-build >/dev/null
export PKG_CONFIG_PATH="$PWD/$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
gcc -std=c99 -D_GNU_SOURCE -O2 -Wall -Wextra -Wpedantic -Werror \
    $(pkg-config --cflags wechatpay_notify jansson) tests/c/bench.c tests/c/harness.c \
    -o "$work/bench" $(pkg-config --libs wechatpay_notify jansson) -Wl,-rpath,"$PWD/$work/prefix/lib"
export WPN_VECTORS_DIR="$PWD/tests/vectors"
target/release/examples/ffi_overhead "$rounds" "$iterations"
"$work/bench" "$rounds" "$iterations"
