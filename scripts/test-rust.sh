#!/usr/bin/env bash
# Rust: format, lints, docs, one release build of the whole workspace, and the Rust tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --release --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --release --no-deps -p wechatpay-notify
# The one build every other language links against (static/shared C library, CLI binary).
cargo build --release --workspace
cargo test --release -p wechatpay-notify
