#!/usr/bin/env bash
# Builds every release artifact of wechatpay-notify into dist/ (never committed), for every
# target of scripts/targets.sh (linux x86_64 and aarch64, glibc 2.17+ and musl), cross-compiled
# here by zig. One version, the workspace's, in all of them:
#   dist/c/wechatpay-notify-VERSION-TARGET.tar.gz     include/, lib/ (shared with its SONAME
#                                                     links, static; static only for musl),
#                                                     pkg-config, CMake package
#   dist/cli/wechatpay-notify-VERSION-TARGET.tar.gz   the wechatpay-notify command (fully static
#                                                     for musl)
#   dist/python/                                      abi3 wheel and sdist (scripts/package-python.sh)
#   dist/goproxy/                                     the Go module, with the header and the static
#                                                     library inside, as a file:// GOPROXY
#                                                     (scripts/package-go.sh)
#   dist/maven/                                       a Maven repository directory: jar (native
#                                                     library inside), pom, sources and javadoc
#                                                     (scripts/package-java.sh)
#   dist/npm/                                         npm pack tarballs: wechatpay-notify and one
#                                                     prebuilt addon package per target
#                                                     (scripts/package-node.sh)
# The C library and the CLI are built with the `dist` cargo profile (LTO, stripped), by zig
# (cargo-zigbuild, scripts/zig.sh) against glibc 2.17, in target/TARGET/dist; the wheel is built
# by maturin with zig too (manylinux2014), with the release profile the tests use. Every ELF
# file shipped is checked to need no glibc newer than 2.17.
# Another platform (macOS, Windows) is released by running this script there.
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
echo "--- release $version into dist/"

# --- the C library and the CLI for every target, optimised and stripped ------------------------
started=$SECONDS
# The C library alone, as cdylib and staticlib (staticlib only for musl): the crate's rlib (for
# its Rust benchmark) would turn link-time optimisation off. Zig links the glibc targets against
# glibc $GLIBC_FLOOR's symbol versions and the musl ones statically.
source scripts/backend.sh
source scripts/zig.sh
source scripts/targets.sh
zig_tools
# The Rust standard library of every target (a no-op once installed).
rustup target add "${RELEASE_TARGETS[@]}" >/dev/null 2>&1 || rustup target add "${RELEASE_TARGETS[@]}"
echo "backend: $WPN_BACKEND, targets: ${RELEASE_TARGETS[*]}, glibc floor $GLIBC_FLOOR (zig $(python3 -m ziglang version))"
# Every artifact carries the licence and the licences of the crates compiled into it
# (scripts/third_party_licenses.py), at its root: the C archive's prefix (whose library the jar
# and the Go module carry too), the CLI archive, the wheel and sdist, the jar's META-INF/.
licenses() { # PACKAGE DIR TARGET
    install -m 644 LICENSE "$2/LICENSE"
    python3 scripts/third_party_licenses.py "$1" "${BACKEND_CARGO_FEATURES[@]}" --target "$3" \
        > "$2/THIRD-PARTY-LICENSES.txt"
}
for t in "${RELEASE_TARGETS[@]}"; do
    part=$SECONDS
    zig_target="$t" crate_types=staticlib
    if [ "$(target_libc "$t")" = gnu ]; then
        zig_target="$t.$GLIBC_FLOOR" crate_types=cdylib,staticlib
    fi
    cargo-zigbuild rustc --profile dist --target "$zig_target" -p wechatpay-notify-ffi "${BACKEND_CARGO_FEATURES[@]}" \
        --lib --crate-type "$crate_types"
    cargo-zigbuild zigbuild --profile dist --target "$zig_target" -p wechatpay-notify-cli "${BACKEND_CARGO_FEATURES[@]}"
    name="wechatpay-notify-$version-$t"
    bash scripts/install-c.sh --prefix "$stage/$name" --profile dist --target "$t" --no-build
    licenses wechatpay-notify-ffi "$stage/$name" "$t"
    tar -C "$stage" -czf "$dist/c/$name.tar.gz" "$name"
    cli_dir="$stage/cli/$name"
    mkdir -p "$cli_dir"
    install -m 755 "target/$t/dist/wechatpay-notify" "$cli_dir/wechatpay-notify"
    install -m 644 README.md "$cli_dir/"
    licenses wechatpay-notify-cli "$cli_dir" "$t"
    tar -C "$stage/cli" -czf "$dist/cli/$name.tar.gz" "$name"
    # The Node.js addon (napi-rs), from the same compiled dependencies: a cdylib for glibc; for
    # musl a staticlib that zig links into a shared object (scripts/zig.sh).
    node_dir="$stage/node/$(node_platform "$t")"
    mkdir -p "$node_dir"
    node_addon="$node_dir/wechatpay-notify.$(node_platform "$t").node"
    if [ "$(target_libc "$t")" = gnu ]; then
        cargo-zigbuild rustc --profile dist --target "$zig_target" -p wechatpay-notify-node "${BACKEND_CARGO_FEATURES[@]}" \
            --lib --crate-type cdylib
        install -m 755 "target/$t/dist/libwechatpay_notify_node.so" "$node_addon"
    else
        cargo-zigbuild rustc --profile dist --target "$zig_target" -p wechatpay-notify-node "${BACKEND_CARGO_FEATURES[@]}" \
            --lib --crate-type staticlib
        link_musl_node_addon "$t" "target/$t/dist/libwechatpay_notify_node.a" "$node_addon"
    fi
    licenses wechatpay-notify-node "$node_dir" "$t"
    echo "dist build $t: $((SECONDS - part)) s"
done
echo "dist build: $((SECONDS - started)) s"
built="target/$target/dist"
c_name="wechatpay-notify-$version-$target"

# --- each language's package, from the same library -------------------------------------------
export WPN_NATIVE_PREFIX="$stage/$c_name" WPN_DIST="$dist" WPN_VERSION="$version"
bash scripts/package-python.sh
bash scripts/package-go.sh
bash scripts/package-java.sh
WPN_NODE_STAGE="$stage/node" bash scripts/package-node.sh

# --- what was made --------------------------------------------------------------------------------
lib="$WPN_NATIVE_PREFIX/lib"
echo "--- dist/ ($version, $target)"
ls -l "$lib/libwechatpay_notify.so.$version" "$lib/libwechatpay_notify.a" "$built/wechatpay-notify" |
    awk '{printf "  %-60s %10d bytes\n", $NF, $5}'
echo "  exported symbols: $(nm -D --defined-only "$lib/libwechatpay_notify.so.$version" | grep -c ' wpn_')"
(cd "$dist" && find . -type f \( -name '*.tar.gz' -o -name '*.tgz' -o -name '*.whl' -o -name '*.jar' -o -name '*.zip' \) \
    -printf '  dist/%P %s bytes\n' | sort)

# --- the glibc floor of every shipped ELF file --------------------------------------------------
echo "--- glibc: every shipped ELF file needs at most GLIBC_$GLIBC_FLOOR"
elves="$stage/elves"
mkdir -p "$elves"
python3 - "$dist" "$elves" <<'PY'
import sys
import tarfile
import zipfile
from pathlib import Path

dist, out = Path(sys.argv[1]), Path(sys.argv[2])
for path in sorted(dist.rglob("*")):
    rel = path.relative_to(dist).as_posix()
    if rel.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as t:
            members = [(m.name, t.extractfile(m).read()) for m in t.getmembers() if m.isfile()]
    elif rel.endswith((".whl", ".jar", ".zip")):
        with zipfile.ZipFile(path) as z:
            members = [(n, z.read(n)) for n in z.namelist() if not n.endswith("/")]
    else:
        continue
    for name, data in members:
        if data[:4] == b"\x7fELF":
            target = out / (rel.replace("/", "_") + "__" + name.replace("/", "_"))
            target.write_bytes(data)
PY
check_glibc_floor "$elves"/*

# --- the licence is in every artifact -------------------------------------------------------------
python3 - "$dist" <<'PY'
import sys
import tarfile
import zipfile
from pathlib import Path

dist = Path(sys.argv[1])


def names(path: Path) -> list[str]:
    if path.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as t:
            return t.getnames()
    with zipfile.ZipFile(path) as z:
        return z.namelist()


# Each archive must hold these (a path ending in them), by kind of artifact.
wanted = {
    "c/": ["/LICENSE", "/THIRD-PARTY-LICENSES.txt"],
    "cli/": ["/LICENSE", "/THIRD-PARTY-LICENSES.txt"],
    "python/": ["/LICENSE"],
    "goproxy/": ["/LICENSE", "/THIRD-PARTY-LICENSES.txt"],
    "maven/": ["META-INF/LICENSE", "META-INF/THIRD-PARTY-LICENSES.txt"],
    "npm/wechatpay-notify-linux-": ["/LICENSE", "/THIRD-PARTY-LICENSES.txt"],
    "npm/": ["/LICENSE"],
}
checked = 0
for path in sorted(dist.rglob("*")):
    rel = path.relative_to(dist).as_posix()
    if not rel.endswith((".tar.gz", ".tgz", ".whl", ".zip")) and not (rel.endswith(".jar") and "-sources" not in rel and "-javadoc" not in rel):
        continue
    kind = next(k for k in wanted if rel.startswith(k))
    listed = names(path)
    for end in wanted[kind]:
        if not any(n.endswith(end) for n in listed):
            sys.exit(f"release.sh: dist/{rel} holds no {end.lstrip('/')}")
    checked += 1
print(f"  LICENSE in each of the {checked} artifacts (and the third-party licences in the native ones)")
PY
