#!/usr/bin/env bash
# CLI: the `wechatpay-notify` command's unit and integration tests (they run the built
# binary against the conformance vectors, loopback receivers and the demo), then the demo
# once as a user would run it. Reuses the release build made by test-rust.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -p wechatpay-notify-cli
cargo build --release -p wechatpay-notify-cli
start=$(date +%s%N)
target/release/wechatpay-notify demo
end=$(date +%s%N)
echo "demo finished in $(( (end - start) / 1000000 )) ms"
