#!/usr/bin/env bash
# Rust: format, lints, docs, the one release build every language shares, and the Rust tests
# of every crate: the core (vectors, Wycheproof, peers, properties, bounds, zeroization), the
# C ABI's unit tests (panic guard, result codes) and the CLI's unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-build.sh
cargo fmt --all -- --check
# The event catalog's generated types (every language) are what models/events.json gives.
if ! command -v gofmt >/dev/null 2>&1 && [ -x /usr/local/go/bin/gofmt ]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
python3 models/generate.py --check
cargo clippy --release --workspace --all-targets "${BACKEND_CARGO_FEATURES[@]}" -- -D warnings
# The core under the other backend too: its backend module has one body per backend.
if [ "$WPN_BACKEND" = aws-lc ]; then
    cargo clippy --release -p wechatpay-notify --all-targets -- -D warnings
else
    cargo clippy --release -p wechatpay-notify --all-targets --features aws-lc -- -D warnings
fi
RUSTDOCFLAGS="-D warnings" cargo doc --release --no-deps -p wechatpay-notify
# The one build every other language links against (static/shared C library, CLI binary).
native_build
native_test
# The other backend: the core's tests again (every vector, every Wycheproof case, zeroization),
# so that both ring and aws-lc are held to them whichever one the artifacts use.
if [ "$WPN_BACKEND" = aws-lc ]; then
    cargo test --release -p wechatpay-notify
else
    cargo test --release -p wechatpay-notify --features aws-lc
fi
