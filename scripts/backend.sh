#!/usr/bin/env bash
# The cryptographic backend of the shared test build and of every release artifact, chosen in
# this one place (sourced by scripts/native-build.sh, release.sh, package-python.sh and the
# Python and release tests).
#
#   aws-lc (default)  the cargo feature `aws-lc`, with the default `ring` off: aws-lc-rs verifies
#                     RSA with a key parsed once, opens AES-256-GCM, and generates the testing
#                     kit's keys and signs with them; no ring (nor rsa) is compiled in. README
#                     "Backends" gives the measurements behind the choice.
#   ring              the Rust crates' default feature `ring`: ring for RSA, RustCrypto's
#                     aes-gcm, and RustCrypto's rsa for the testing kit's key generation.
#
# Every crate has both features (`ring` in its defaults); the core uses aws-lc-rs when `aws-lc`
# is on, so an aws-lc build turns the defaults off (cargo features only ever add).
# WPN_BACKEND=ring bash scripts/release.sh builds every artifact with ring. The core's Rust tests
# (every vector, every Wycheproof case) run under both, whatever is chosen here
# (scripts/test-rust.sh), which also checks that the aws-lc selection compiles no ring or rsa.
WPN_BACKEND="${WPN_BACKEND:-aws-lc}"
case "$WPN_BACKEND" in
    aws-lc)
        # Cargo's flags for a workspace build or one crate (every crate has `aws-lc`; the
        # selected crates' defaults, `ring` among them, off) and the Python extension's, for
        # maturin (its other default, `extension-module`, kept).
        BACKEND_CARGO_FEATURES=(--no-default-features --features aws-lc)
        BACKEND_PY_FEATURES=(--no-default-features --features aws-lc,extension-module) ;;
    ring)
        BACKEND_CARGO_FEATURES=()
        BACKEND_PY_FEATURES=() ;;
    *)
        echo "WPN_BACKEND must be aws-lc or ring, not '$WPN_BACKEND'" >&2
        exit 2 ;;
esac
export WPN_BACKEND
