#!/usr/bin/env bash
# The cryptographic backend of the shared test build and of every release artifact, chosen in
# this one place (sourced by scripts/native-build.sh, release.sh, package-python.sh and the
# Python and release tests).
#
#   aws-lc (default)  the cargo feature `aws-lc`: aws-lc-rs verifies RSA with a key parsed once
#                     and opens AES-256-GCM; README "Backends" gives the measurements behind the
#                     choice.
#   ring              the Rust crate's default: ring for RSA, RustCrypto's aes-gcm.
#
# WPN_BACKEND=ring bash scripts/release.sh builds every artifact with ring. The core's Rust tests
# (every vector, every Wycheproof case) run under both, whatever is chosen here
# (scripts/test-rust.sh).
WPN_BACKEND="${WPN_BACKEND:-aws-lc}"
case "$WPN_BACKEND" in
    aws-lc)
        # Cargo's flag for a workspace build (every crate forwards `aws-lc` to the core) and
        # the Python extension's own feature, for maturin.
        BACKEND_CARGO_FEATURES=(--features wechatpay-notify/aws-lc)
        BACKEND_PY_FEATURES=(--features aws-lc) ;;
    ring)
        BACKEND_CARGO_FEATURES=()
        BACKEND_PY_FEATURES=() ;;
    *)
        echo "WPN_BACKEND must be aws-lc or ring, not '$WPN_BACKEND'" >&2
        exit 2 ;;
esac
export WPN_BACKEND
