#!/usr/bin/env bash
# C ABI: the checked-in header is what the pinned cbindgen generates, it compiles warning-free
# as C99 and C++17, and the C tests (every conformance vector, also by WPN_SYSTEM_CLOCK; the
# official SDKs' samples; 8 threads sharing a verifier; NULL, impossible-length, empty and
# invalid-UTF-8 arguments; every accessor's empty value; replies; every code's name and
# family) pass natively and under valgrind, linked through the installed pkg-config file; a
# C++17 program links through the CMake package config. The fuzz corpora (tests/fuzz-corpus)
# replay through the C ABI under valgrind with zero errors. Wycheproof vectors are run by the
# Rust core's tests only (scripts/test-rust.sh), not through the C ABI.
# Reuses the release build made by scripts/test-rust.sh (target/release).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-build.sh

CBINDGEN_VERSION=0.29.4
# Parses per thread at full count natively, and the reduced count used under valgrind
# (valgrind runs threads one at a time, about 50x slower).
ITERATIONS=10000
VALGRIND_ITERATIONS=2000

# --- tools ---------------------------------------------------------------------------------
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v cmake >/dev/null || missing+=(cmake)
command -v make >/dev/null || missing+=(make)
command -v valgrind >/dev/null || missing+=(valgrind)
dpkg -s libjansson-dev >/dev/null 2>&1 || missing+=(libjansson-dev)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$(cbindgen --version 2>/dev/null || true)" != "cbindgen $CBINDGEN_VERSION" ]; then
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
fi

work="target/c-tests"
rm -rf "$work"
mkdir -p "$work"

# --- the header is generated, current, and compiles cleanly ---------------------------------
echo "--- header: regenerate with cbindgen $CBINDGEN_VERSION and compare"
cbindgen --quiet --config crates/wechatpay-notify-ffi/cbindgen.toml \
    --crate wechatpay-notify-ffi --output "$work/wechatpay_notify.h"
if ! diff -u include/wechatpay_notify.h "$work/wechatpay_notify.h"; then
    echo "include/wechatpay_notify.h is stale: regenerate it (command in cbindgen.toml)" >&2
    exit 1
fi
echo "--- header: compile as C99 and C++17 with -Wall -Wextra -Wpedantic -Werror"
printf '#include "wechatpay_notify.h"\nint main(void) { return wpn_version() == 0; }\n' \
    > "$work/header_only.c"
cp "$work/header_only.c" "$work/header_only.cpp"
strict=(-Wall -Wextra -Wpedantic -Werror -Iinclude)
gcc -std=c99 "${strict[@]}" -c "$work/header_only.c" -o "$work/header_c99.o"
g++ -std=c++17 "${strict[@]}" -c "$work/header_only.cpp" -o "$work/header_cxx17.o"

# --- the library: reuse the workspace release build, then install it to a prefix ------------
native_build
prefix="$PWD/$work/prefix"
bash scripts/install-c.sh --prefix "$prefix" --no-build
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# --- C tests, linked through pkg-config -------------------------------------------------------
echo "--- C tests: build with \$(pkg-config --cflags --libs wechatpay_notify jansson)"
# shellcheck disable=SC2046
gcc -std=c99 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Wpedantic -Werror \
    $(pkg-config --cflags wechatpay_notify jansson) \
    tests/c/main.c tests/c/harness.c tests/c/test_vectors.c tests/c/test_peers.c \
    tests/c/test_api.c tests/c/test_threads.c \
    -o "$work/wpn_c_tests" \
    $(pkg-config --libs wechatpay_notify jansson) -Wl,-rpath,"$prefix/lib" -lpthread
export WPN_VECTORS_DIR="$PWD/tests/vectors"

echo "--- C tests: native, 8 threads x $ITERATIONS parses"
"$work/wpn_c_tests" --threads 8 --iterations "$ITERATIONS"

echo "--- C tests: under valgrind (memcheck, leaks), 8 threads x $VALGRIND_ITERATIONS parses"
valgrind_args=(--leak-check=full --errors-for-leak-kinds=definite,indirect,possible
               --show-leak-kinds=definite,indirect,possible --error-exitcode=1 -q)
valgrind "${valgrind_args[@]}" "$work/wpn_c_tests" --threads 8 --iterations "$VALGRIND_ITERATIONS"

# --- fuzz corpora through the C ABI, under valgrind --------------------------------------------
echo "--- fuzz corpora: every input of tests/fuzz-corpus through the C ABI, under valgrind"
# shellcheck disable=SC2046
gcc -std=c99 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Wpedantic -Werror \
    $(pkg-config --cflags wechatpay_notify jansson) \
    tests/c/test_corpus.c tests/c/harness.c -o "$work/wpn_corpus_tests" \
    $(pkg-config --libs wechatpay_notify jansson) -Wl,-rpath,"$prefix/lib"
valgrind "${valgrind_args[@]}" "$work/wpn_corpus_tests" tests/fuzz-corpus

# --- C++17 through the CMake package config (shared and static) -----------------------------
echo "--- C++17 via find_package(wechatpay_notify): shared and static"
cmake -S tests/c/cmake -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/smoke_shared"
valgrind "${valgrind_args[@]}" "$work/cmake/smoke_static"
echo "=== C: all passed"
