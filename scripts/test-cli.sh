#!/usr/bin/env bash
# CLI: the `wechatpay-notify` command as a user runs it, from the shared release build. Its
# unit and integration tests (doctor on every conformance vector, simulate against listen on
# loopback, check-url, decrypt-certs, demo) are Rust tests: scripts/test-rust.sh runs them
# with the other crates' tests. Run them alone with `cargo test --release -p
# wechatpay-notify-cli` (which resolves features on its own, so it rebuilds part of the tree).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-build.sh
native_build
start=$(date +%s%N)
target/release/wechatpay-notify demo
end=$(date +%s%N)
echo "demo finished in $(( (end - start) / 1000000 )) ms"
