#!/usr/bin/env bash
# Builds every release artifact of wechatpay-notify for this machine's platform into dist/
# (never committed). One version, the workspace's, in all of them:
#   dist/c/wechatpay-notify-VERSION-TARGET.tar.gz     include/, lib/ (shared with its SONAME
#                                                     links, static), pkg-config, CMake package
#   dist/cli/wechatpay-notify-VERSION-TARGET.tar.gz   the wechatpay-notify command
#   dist/python/                                      abi3 wheel and sdist (scripts/package-python.sh)
#   dist/goproxy/                                     the Go module, with the header and the static
#                                                     library inside, as a file:// GOPROXY
#                                                     (scripts/package-go.sh)
#   dist/maven/                                       a Maven repository directory: jar (native
#                                                     library inside), pom, sources and javadoc
#                                                     (scripts/package-java.sh)
# The C library and the CLI are built with the `dist` cargo profile (LTO, stripped) in the same
# target/ as the tests; the wheel is built by maturin with the release profile the tests use.
# Another platform (linux aarch64, macOS, Windows) is released by running this script there.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export CARGO_TERM_COLOR=never
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
target="$(rustc -vV | sed -n 's/^host: //p')"
dist="$root/dist"
stage="$root/target/dist-stage"
rm -rf "$dist" "$stage"
mkdir -p "$dist/c" "$dist/cli" "$stage"
echo "--- release $version for $target into dist/"

# --- the C library and the CLI, optimised and stripped -----------------------------------------
started=$SECONDS
# The C library alone, as cdylib and staticlib: the crate's rlib (for its Rust benchmark) would
# turn link-time optimisation off.
source scripts/backend.sh
echo "backend: $WPN_BACKEND"
cargo rustc --profile dist -p wechatpay-notify-ffi "${BACKEND_CARGO_FEATURES[@]}" --lib --crate-type cdylib,staticlib
cargo build --profile dist -p wechatpay-notify-cli "${BACKEND_CARGO_FEATURES[@]}"
echo "dist build: $((SECONDS - started)) s"
c_name="wechatpay-notify-$version-$target"
bash scripts/install-c.sh --prefix "$stage/$c_name" --profile dist --no-build
tar -C "$stage" -czf "$dist/c/$c_name.tar.gz" "$c_name"
cli_dir="$stage/cli/$c_name"
mkdir -p "$cli_dir"
install -m 755 target/dist/wechatpay-notify "$cli_dir/wechatpay-notify"
install -m 644 README.md "$cli_dir/"
tar -C "$stage/cli" -czf "$dist/cli/$c_name.tar.gz" "$c_name"

# --- each language's package, from the same library -------------------------------------------
export WPN_NATIVE_PREFIX="$stage/$c_name" WPN_DIST="$dist" WPN_VERSION="$version"
bash scripts/package-python.sh
bash scripts/package-go.sh
bash scripts/package-java.sh

# --- what was made --------------------------------------------------------------------------------
lib="$WPN_NATIVE_PREFIX/lib"
echo "--- dist/ ($version, $target)"
ls -l "$lib/libwechatpay_notify.so.$version" "$lib/libwechatpay_notify.a" target/dist/wechatpay-notify |
    awk '{printf "  %-60s %10d bytes\n", $NF, $5}'
echo "  exported symbols: $(nm -D --defined-only "$lib/libwechatpay_notify.so.$version" | grep -c ' wpn_')"
(cd "$dist" && find . -type f \( -name '*.tar.gz' -o -name '*.whl' -o -name '*.jar' -o -name '*.zip' \) \
    -printf '  dist/%P %s bytes\n' | sort)
