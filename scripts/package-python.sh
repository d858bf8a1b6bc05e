#!/usr/bin/env bash
# The Python release artifacts: the abi3 wheels (CPython 3.8+, one file per platform for every
# version: manylinux2014 x86_64 and aarch64, musllinux_1_2 x86_64 and aarch64, the targets of
# scripts/targets.sh, cross-compiled by zig) and the sdist, written to $WPN_DIST/python/. Run by scripts/release.sh; on its own:
#
#   WPN_DIST=/tmp/wpn-dist WPN_VERSION=0.2.0 bash scripts/package-python.sh
#
# WPN_DIST      absolute path of the release's dist/ (required)
# WPN_VERSION   the version being released: must equal the workspace version in Cargo.toml
# WPN_PY_PROFILE  Cargo profile of the wheel's extension: `release` (default: the profile the
#               tests build, pyproject.toml's) or `dist` (LTO, one codegen unit)
# WPN_PY_MANYLINUX  `2014` (default): link against glibc 2.17 with zig (ziglang, from the package
#               registry), so the wheel is manylinux2014 / manylinux_2_17 and installs on any
#               Linux with glibc 2.17 or newer (RHEL/CentOS 7+, Amazon Linux 2, Debian 10+,
#               Ubuntu 18.04+); `native`: link against this machine's glibc, whose version then
#               becomes the wheel's floor (manylinux_2_34 on Debian 12)
#
# maturin (pinned in tests/python/requirements.txt) runs from its own venv under target/.
# Cargo builds in the workspace's target/ (native) or in target/python-manylinux2014/ (zig: its
# C compiler for ring differs, so sharing target/dist with the C library's build would make each
# rebuild ring and everything above it); a second run compiles nothing. The sdist is checked to
# hold what a build needs (the two crates, Cargo.lock, README, Python sources, stubs, py.typed)
# and nothing it doesn't (no repo tests, corpora, target/ or other crates).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

die() { echo "package-python: $*" >&2; exit 1; }

: "${WPN_DIST:?set WPN_DIST to the absolute path of dist/}"
: "${WPN_VERSION:?set WPN_VERSION to the version being released}"
case "$WPN_DIST" in /*) ;; *) die "WPN_DIST must be absolute: $WPN_DIST" ;; esac

# The one version: [workspace.package] version in Cargo.toml.
workspace_version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
[ "$workspace_version" = "$WPN_VERSION" ] ||
    die "WPN_VERSION=$WPN_VERSION but the workspace version in Cargo.toml is '$workspace_version'"

WPN_PY_PROFILE="${WPN_PY_PROFILE:-release}"

manylinux="${WPN_PY_MANYLINUX:-2014}"
source scripts/zig.sh
ziglang_pin="$ZIGLANG_PIN"
case "$manylinux" in
    2014) export CARGO_TARGET_DIR="$root/target/python-manylinux2014"
          link=(--zig --compatibility manylinux2014) ;;
    native) export CARGO_TARGET_DIR="$root/target"
          link=() ;;
    *) die "WPN_PY_MANYLINUX must be 2014 or native, not '$manylinux'" ;;
esac
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

# The build venv: maturin at the version the tests use, and zig for the manylinux2014 link.
maturin_pin="$(grep -E '^maturin==' tests/python/requirements.txt || true)"
[ -n "$maturin_pin" ] || die "no maturin==X pin in tests/python/requirements.txt"
venv="$root/target/python-build-venv"
if [ "$("$venv/bin/maturin" --version 2>/dev/null | awk '{print $2}')" != "${maturin_pin#maturin==}" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "$maturin_pin"
fi
if [ "$manylinux" = 2014 ] && [ "$("$venv/bin/python" -m ziglang version 2>/dev/null)" != "${ziglang_pin#ziglang==}" ]; then
    "$venv/bin/python" -m pip install --quiet "$ziglang_pin"
fi
# maturin runs `python3 -m ziglang` from PATH: the build venv's.
export PATH="$venv/bin:$PATH"
maturin="$venv/bin/maturin"

out="$WPN_DIST/python"
mkdir -p "$out"
rm -f "$out"/wechatpay_notify-*.whl "$out"/wechatpay_notify-*.tar.gz

start=$SECONDS
# --locked: build exactly what Cargo.lock pins. The interpreter only names the build; the
# extension is abi3 (cp38-abi3), so any CPython 3.8+ imports the one wheel.
source scripts/backend.sh
# The licences of the crates compiled into the extension go into the wheel's package directory
# for the build only (the sdist compiles them itself, and carries LICENSE).
notices=python/wechatpay_notify/THIRD-PARTY-LICENSES.txt
trap 'rm -f "$root/$notices"' EXIT
host="$(rustc -vV | sed -n 's/^host: //p')"
python3 scripts/third_party_licenses.py wechatpay-notify-py "${BACKEND_CARGO_FEATURES[@]}" \
    --target "$host" > "$notices"
"$maturin" build --locked --profile "$WPN_PY_PROFILE" "${BACKEND_PY_FEATURES[@]}" "${link[@]}" --interpreter "$venv/bin/python" --out "$out"
# The other targets' wheels: abi3 needs no interpreter of the target.
expected_wheels=1
if [ "$manylinux" = 2014 ]; then
    source scripts/targets.sh
    for t in "${RELEASE_TARGETS[@]}"; do
        [ "$t" != "$host" ] || continue
        python3 scripts/third_party_licenses.py wechatpay-notify-py "${BACKEND_CARGO_FEATURES[@]}" \
            --target "$t" > "$notices"
        "$maturin" build --locked --profile "$WPN_PY_PROFILE" "${BACKEND_PY_FEATURES[@]}" --zig --target "$t" \
            --compatibility "$(wheel_compatibility "$t")" --out "$out"
        expected_wheels=$((expected_wheels + 1))
    done
fi
rm -f "$notices"
"$maturin" sdist --out "$out"
build_seconds=$((SECONDS - start))

shopt -s nullglob
wheels=("$out"/wechatpay_notify-"$WPN_VERSION"-cp38-abi3-*.whl)
sdists=("$out"/wechatpay_notify-"$WPN_VERSION".tar.gz)
shopt -u nullglob
[ "${#wheels[@]}" -eq "$expected_wheels" ] || die "expected $expected_wheels wechatpay_notify-$WPN_VERSION-cp38-abi3-*.whl in $out, found: $(ls "$out")"
[ "${#sdists[@]}" -eq 1 ] || die "expected wechatpay_notify-$WPN_VERSION.tar.gz in $out, found: $(ls "$out")"
sdist="${sdists[0]}"
if [ "$manylinux" = 2014 ]; then
    # One wheel per platform, each with its tag (the glibc ones manylinux2014 = glibc 2.17).
    for tag in manylinux2014_x86_64.manylinux_2_17_x86_64 manylinux2014_aarch64.manylinux_2_17_aarch64 \
               musllinux_1_2_x86_64 musllinux_1_2_aarch64; do
        [ -f "$out/wechatpay_notify-$WPN_VERSION-cp38-abi3-$tag.whl" ] ||
            die "no $tag wheel in $out: $(ls "$out")"
    done
fi

# What each archive must and must not hold.
"$venv/bin/python" - "$sdist" "$WPN_VERSION" "${wheels[@]}" <<'PY'
import re, sys, tarfile, zipfile

sdist, version, *wheels = sys.argv[1:]
errors = []

pkg = "wechatpay_notify/"
dist_info = f"wechatpay_notify-{version}.dist-info/"
# The ELF machine of each platform's extension (e_machine: x86-64 62, AArch64 183) and the C
# library it may load: a musllinux wheel never needs glibc's libc.so.6.
MACHINES = {"x86_64": 62, "aarch64": 183}
for wheel in wheels:
    name = wheel.rsplit("/", 1)[-1]
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        so = z.read("wechatpay_notify/_native.abi3.so") if "wechatpay_notify/_native.abi3.so" in names else b""
    for need in ("__init__.py", "_errors.py", "_replies.py", "_types.py", "_native.pyi", "py.typed",
                 "THIRD-PARTY-LICENSES.txt", "_native.abi3.so"):
        if pkg + need not in names:
            errors.append(f"{name} lacks {pkg}{need}")
    for need in ("METADATA", "WHEEL", "RECORD", "licenses/LICENSE"):
        if dist_info + need not in names:
            errors.append(f"{name} lacks {dist_info}{need}")
    extra = [n for n in names if not (n.startswith(pkg) or n.startswith(dist_info))]
    if extra:
        errors.append(f"{name} holds files outside the package: {extra}")
    arch = "aarch64" if name.endswith("_aarch64.whl") else "x86_64"
    if so[:4] != b"\x7fELF" or int.from_bytes(so[18:20], "little") != MACHINES[arch]:
        errors.append(f"{name}: the extension is not an {arch} ELF file")
    if "musllinux" in name and b"libc.so.6" in so:
        errors.append(f"{name}: the extension needs glibc (libc.so.6)")

prefix = f"wechatpay_notify-{version}/"
with tarfile.open(sdist) as tar:
    members = tar.getmembers()
files = {m.name[len(prefix):]: m.size for m in members if m.isfile() and m.name.startswith(prefix)}
if len(files) != len([m for m in members if m.isfile()]):
    errors.append(f"sdist has files outside {prefix}")
required = [
    "PKG-INFO", "pyproject.toml", "Cargo.toml", "Cargo.lock", "README.md", "LICENSE",
    "crates/wechatpay-notify/Cargo.toml", "crates/wechatpay-notify/src/lib.rs",
    "crates/wechatpay-notify-py/Cargo.toml", "crates/wechatpay-notify-py/src/lib.rs",
    "python/wechatpay_notify/__init__.py", "python/wechatpay_notify/_errors.py",
    "python/wechatpay_notify/_replies.py", "python/wechatpay_notify/_types.py",
    "python/wechatpay_notify/_native.pyi", "python/wechatpay_notify/py.typed",
]
errors += [f"sdist lacks {name}" for name in required if name not in files]
# The two crates the extension needs, the Python sources and the top-level build files;
# nothing of the repo's tests, corpora, bindings, other crates or build output. The core's
# benches stay: its Cargo.toml declares them, and Cargo refuses a manifest whose targets are
# missing. Its integration tests read the repo's tests/vectors and, with its examples (found by
# Cargo, not declared), are excluded (pyproject.toml).
allowed = re.compile(
    r"(PKG-INFO|pyproject\.toml|Cargo\.toml|Cargo\.lock|README\.md|LICENSE[^/]*"
    r"|crates/wechatpay-notify/(Cargo\.toml|src/.+\.rs|benches/[^/]+\.rs)"
    r"|crates/wechatpay-notify-py/(Cargo\.toml|src/.+\.rs)"
    r"|python/wechatpay_notify/[^/]+\.(py|pyi|typed))"
)
errors += [f"sdist holds an unexpected file: {name}" for name in sorted(files) if not allowed.fullmatch(name)]
root_manifest = tarfile.open(sdist).extractfile(prefix + "Cargo.toml").read().decode()
members_line = re.search(r"^members *= *\[(.*?)\]", root_manifest, re.M | re.S)
crates = sorted(re.findall(r'"([^"]+)"', members_line.group(1))) if members_line else []
if crates != ["crates/wechatpay-notify", "crates/wechatpay-notify-py"]:
    errors.append(f"sdist workspace members are {crates}")
big = [(name, size) for name, size in files.items() if size > 256 * 1024]
errors += [f"sdist holds a big file: {name} ({size} bytes)" for name, size in big]

if errors:
    sys.exit("package-python: " + "\n  ".join(["the artifacts are wrong:"] + errors))
print(f"package-python: {len(wheels)} wheels, sdist {len(files)} files: contents checked")
PY

size() { stat -c %s "$1"; }
for wheel in "${wheels[@]}"; do
    echo "package-python: $(basename "$wheel") $(size "$wheel") bytes ($(du -h "$wheel" | cut -f1))"
done
echo "package-python: $(basename "$sdist") $(size "$sdist") bytes ($(du -h "$sdist" | cut -f1))"
echo "package-python: profile $WPN_PY_PROFILE, glibc link $manylinux, maturin build + sdist took ${build_seconds}s"
