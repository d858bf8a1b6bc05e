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
# The core under the other backend too: its backend module and the testing kit's keys have one
# body per backend. (ring is the default feature; aws-lc alone is aws-lc with the defaults off.)
if [ "$WPN_BACKEND" = aws-lc ]; then
    OTHER_BACKEND_FEATURES=()
else
    OTHER_BACKEND_FEATURES=(--no-default-features --features aws-lc)
fi
cargo clippy --release -p wechatpay-notify --all-targets "${OTHER_BACKEND_FEATURES[@]}" -- -D warnings
# An aws-lc build compiles neither ring nor rsa (README "Backends"): the dependencies cargo
# resolves for the shared build and for the Python extension, on every platform.
no_ring_or_rsa() {
    local tree
    tree="$(cargo tree --locked --edges normal --prefix none --target all "$@")"
    if grep -E '^(ring|rsa) v' <<<"$tree" | sort -u | grep .; then
        echo "the aws-lc build compiles the crates above (cargo tree --edges normal $*)" >&2
        exit 1
    fi
}
if [ "$WPN_BACKEND" = aws-lc ]; then
    no_ring_or_rsa --workspace --exclude wechatpay-notify-py "${BACKEND_CARGO_FEATURES[@]}"
    no_ring_or_rsa -p wechatpay-notify-py "${BACKEND_PY_FEATURES[@]}"
fi
RUSTDOCFLAGS="-D warnings" cargo doc --release --no-deps -p wechatpay-notify
# The one build every other language links against (static/shared C library, CLI binary).
native_build
native_test
# The other backend: the core's tests again (every vector, every Wycheproof case, zeroization),
# so that both ring and aws-lc are held to them whichever one the artifacts use.
cargo test --release -p wechatpay-notify "${OTHER_BACKEND_FEATURES[@]}"
