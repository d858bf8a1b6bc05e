#!/usr/bin/env bash
# The C archive of dist/ as a C/C++ merchant uses it: unpacked in a fresh directory outside the
# repo, its shared library checked (SONAME, symlinks, only wpn_ symbols exported), and one
# program (consumer.c) built six ways — pkg-config dynamic and static, CMake find_package
# shared and static, and linked against glibc 2.17 (CentOS 7) by zig, dynamic and static — and
# run against a conformance vector. Then the other targets' archives (scripts/targets.sh): the
# same program built with Debian's aarch64 cross compiler against the aarch64 archive (dynamic
# and static) and run under qemu-user, linked statically with musl-gcc against the x86_64 musl
# archive, and with zig against the aarch64 musl one (run under qemu-user).
# Environment: WPN_DIST (absolute dist/), WPN_VERSION, WPN_BACKEND.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
: "${WPN_DIST:?}" "${WPN_VERSION:?}" "${WPN_BACKEND:?}"
archive="$WPN_DIST/c/wechatpay-notify-$WPN_VERSION-x86_64-unknown-linux-gnu.tar.gz"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

tar -xzf "$archive" -C "$tmp"
prefix="$tmp/wechatpay-notify-$WPN_VERSION-x86_64-unknown-linux-gnu"
lib="$prefix/lib"
# The SONAME's version: the major from 1.0 on, 0.MINOR before (docs/c-abi.md, "Linking").
major="${WPN_VERSION%%.*}"
abi="$major"
if [ "$major" = 0 ]; then
    minor="${WPN_VERSION#*.}"
    abi="0.${minor%%.*}"
fi
ok=0
fail() { echo "FAILED: $*" >&2; exit 1; }
pass() { ok=$((ok + 1)); }

# --- the archive's layout and the shared library's interface -------------------------------
for f in include/wechatpay_notify.h lib/libwechatpay_notify.a "lib/libwechatpay_notify.so.$WPN_VERSION" \
         lib/pkgconfig/wechatpay_notify.pc lib/cmake/wechatpay_notify/wechatpay_notifyConfig.cmake \
         lib/cmake/wechatpay_notify/wechatpay_notifyConfigVersion.cmake; do
    [ -f "$prefix/$f" ] || fail "archive lacks $f"
done
pass
[ "$(readlink "$lib/libwechatpay_notify.so")" = "libwechatpay_notify.so.$abi" ] || fail "so link"
[ "$(readlink "$lib/libwechatpay_notify.so.$abi")" = "libwechatpay_notify.so.$WPN_VERSION" ] || fail "so.$abi link"
pass
soname=$(readelf -d "$lib/libwechatpay_notify.so.$WPN_VERSION" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libwechatpay_notify.so.$abi" ] || fail "SONAME is '$soname'"
pass
exports=$(nm -D --defined-only "$lib/libwechatpay_notify.so.$WPN_VERSION" | awk '{print $3}')
others=$(printf '%s\n' "$exports" | grep -v '^wpn_' || true)
[ -z "$others" ] || fail "exports other than wpn_: $others"
count=$(printf '%s\n' "$exports" | grep -c '^wpn_')
# Every function the header declares is exported, and nothing else.
declared=$(grep -o '\bwpn_[a-z0-9_]*(' "$prefix/include/wechatpay_notify.h" | tr -d '(' | sort -u)
[ "$declared" = "$(printf '%s\n' "$exports" | sort -u)" ] || fail "exports differ from the header"
pass
if file "$lib/libwechatpay_notify.so.$WPN_VERSION" | grep -q 'not stripped'; then
    fail "shared library is not stripped"
fi
pass
echo "shared library: SONAME $soname, $count exported symbols, all wpn_, stripped"

# --- one conformance vector, laid out as files for consumer.c --------------------------------
vector="$tmp/vector"
mkdir -p "$vector"
python3 - "$root/tests/vectors/notifications.json" "$vector" "$WPN_VERSION" "$WPN_BACKEND" <<'PY'
import json, pathlib, sys
vectors = json.load(open(sys.argv[1]))
out = pathlib.Path(sys.argv[2])
case = next(c for c in vectors["cases"]
            if c["type"] == "v3_parse" and c["expect"].get("ok") and c["verifier"] == "default")
config = vectors["verifiers"][case["verifier"]]
key = config["public_keys"][0]
headers = {k.lower(): v for k, v in case["headers"]}
files = {
    "apiv3_key": config["apiv3_key"], "key_id": key["id"], "key.pem": key["pem"],
    "now": str(case["now"]), "serial": headers["wechatpay-serial"],
    "signature": headers["wechatpay-signature"], "timestamp": headers["wechatpay-timestamp"],
    "nonce": headers["wechatpay-nonce"], "expected_id": case["expect"]["id"],
    "version": sys.argv[3], "backend": sys.argv[4],
}
for name, text in files.items():
    (out / name).write_text(text)
(out / "body").write_bytes(bytes.fromhex(case["body_hex"]))
PY

src="$tmp/src"
mkdir -p "$src"
cp "$here/consumer.c" "$here/CMakeLists.txt" "$src/"
cflags=(-std=c99 -Wall -Wextra -Wpedantic -Werror)
run() { # BINARY LINKAGE [RUNNER...]
    local needed bin="$1" linkage="$2"
    shift 2
    needed=$(readelf -d "$bin" | grep NEEDED || true)
    if [ "$linkage" = shared ]; then
        grep -q "libwechatpay_notify.so.$abi" <<<"$needed" || fail "$bin does not load the SONAME"
    else
        ! grep -q libwechatpay_notify <<<"$needed" || fail "$bin loads the shared library"
    fi
    "$@" "$bin" "$vector" >"$bin.out" || { cat "$bin.out"; fail "$bin"; }
    echo "  $(basename "$bin"): $(tail -n 1 "$bin.out")"
    pass
}

# --- pkg-config, dynamic and static ------------------------------------------------------------
export PKG_CONFIG_PATH="$lib/pkgconfig"
[ "$(pkg-config --modversion wechatpay_notify)" = "$WPN_VERSION" ] || fail "pkg-config version"
# shellcheck disable=SC2046
gcc "${cflags[@]}" $(pkg-config --cflags wechatpay_notify) "$src/consumer.c" -o "$tmp/consumer_pc_shared" \
    $(pkg-config --libs wechatpay_notify) -Wl,-rpath,"$(pkg-config --variable=libdir wechatpay_notify)"
run "$tmp/consumer_pc_shared" shared
static_libs=$(pkg-config --static --libs wechatpay_notify)
static_libs=${static_libs/-lwechatpay_notify/-Wl,-Bstatic -lwechatpay_notify -Wl,-Bdynamic}
# shellcheck disable=SC2046,SC2086
gcc "${cflags[@]}" $(pkg-config --cflags wechatpay_notify) "$src/consumer.c" -o "$tmp/consumer_pc_static" \
    $static_libs
run "$tmp/consumer_pc_static" static

# --- CMake find_package, shared and static --------------------------------------------------------
cmake -S "$src" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/build" >/dev/null
run "$tmp/build/consumer_cmake_shared" shared
run "$tmp/build/consumer_cmake_static" static

# --- linked against glibc 2.17, as on CentOS 7: zig's C compiler with the archive's library ---
cd "$root"
source scripts/zig.sh
zig_tools
cd "$tmp"
zcc=(python3 -m ziglang cc -target "x86_64-linux-gnu.$GLIBC_FLOOR")
"${zcc[@]}" "${cflags[@]}" -I"$prefix/include" "$src/consumer.c" -o "$tmp/consumer_glibc217_shared" \
    -L"$lib" -lwechatpay_notify -Wl,-rpath,"$lib"
run "$tmp/consumer_glibc217_shared" shared
"${zcc[@]}" "${cflags[@]}" -I"$prefix/include" "$src/consumer.c" -o "$tmp/consumer_glibc217_static" \
    "$lib/libwechatpay_notify.a" -lpthread -ldl -lm -lrt -lutil -lunwind
run "$tmp/consumer_glibc217_static" static
(cd "$root" && check_glibc_floor "$tmp/consumer_glibc217_shared" "$tmp/consumer_glibc217_static" \
    "$lib/libwechatpay_notify.so.$WPN_VERSION")
pass

# --- the other targets' archives -------------------------------------------------------------------
source "$root/scripts/targets.sh"
unpack() { # TARGET: unpacks its archive, prints its prefix
    tar -xzf "$WPN_DIST/c/wechatpay-notify-$WPN_VERSION-$1.tar.gz" -C "$tmp"
    echo "$tmp/wechatpay-notify-$WPN_VERSION-$1"
}
musl_libs=(-lpthread -ldl -lm -lrt -lutil)
# aarch64, glibc: Debian's cross compiler, run by qemu with Debian's arm64 glibc.
arm="$(unpack aarch64-unknown-linux-gnu)"
[ -f "$arm/lib/libwechatpay_notify.so.$WPN_VERSION" ] || fail "the aarch64 archive lacks its shared library"
aarch64-linux-gnu-gcc "${cflags[@]}" -I"$arm/include" "$src/consumer.c" -o "$tmp/consumer_aarch64_shared" \
    -L"$arm/lib" -lwechatpay_notify
run "$tmp/consumer_aarch64_shared" shared env LD_LIBRARY_PATH="$arm/lib" qemu-aarch64 -L /usr/aarch64-linux-gnu
aarch64-linux-gnu-gcc "${cflags[@]}" -I"$arm/include" "$src/consumer.c" -o "$tmp/consumer_aarch64_static" \
    "$arm/lib/libwechatpay_notify.a" -lpthread -ldl -lm -lrt -lutil -lgcc_s
run "$tmp/consumer_aarch64_static" static qemu-aarch64 -L /usr/aarch64-linux-gnu
(cd "$root" && check_glibc_floor "$arm/lib/libwechatpay_notify.so.$WPN_VERSION")
# x86_64, musl: static, by musl-gcc.
musl="$(unpack x86_64-unknown-linux-musl)"
[ ! -e "$musl/lib/libwechatpay_notify.so" ] || fail "the musl archive holds a shared library"
musl-gcc "${cflags[@]}" -static -I"$musl/include" "$src/consumer.c" -o "$tmp/consumer_musl_static" \
    "$musl/lib/libwechatpay_notify.a" "${musl_libs[@]}"
! readelf -d "$tmp/consumer_musl_static" | grep -q NEEDED || fail "the musl consumer is not static"
run "$tmp/consumer_musl_static" static
# aarch64, musl: static, by zig, run by qemu.
armmusl="$(unpack aarch64-unknown-linux-musl)"
python3 -m ziglang cc -target aarch64-linux-musl "${cflags[@]}" -static -I"$armmusl/include" "$src/consumer.c" \
    -o "$tmp/consumer_aarch64_musl_static" "$armmusl/lib/libwechatpay_notify.a" "${musl_libs[@]}"
run "$tmp/consumer_aarch64_musl_static" static qemu-aarch64
echo "c consumer: $ok passed, 0 failed"
