#!/usr/bin/env bash
# Packages the Go binding (bindings/go) as a released Go module that installs with `go get`
# and no Rust toolchain: the module carries the C header and the static library of the release
# build, which its cgo directives link (bindings/go/link.go).
#
# Environment (set by scripts/release.sh):
#   WPN_NATIVE_PREFIX  the installed release build of the C library (scripts/install-c.sh):
#                      PREFIX/include/wechatpay_notify.h, PREFIX/lib/libwechatpay_notify.a
#   WPN_DIST           absolute path of the release's dist/ directory
#   WPN_VERSION        the version, without the v (the module version is vWPN_VERSION)
#
# Writes a GOPROXY directory (the file:// layout of the module proxy protocol) at
# WPN_DIST/goproxy, serving the module at vWPN_VERSION:
#   MODULE/@v/list              the versions, one a line (merged with any already there)
#   MODULE/@v/vVERSION.info     {"Version": ..., "Time": ...}
#   MODULE/@v/vVERSION.mod      bindings/go/go.mod
#   MODULE/@v/vVERSION.zip      the module zip: every file of bindings/go that git knows
#                               (tracked, or untracked and not ignored), except the local
#                               copies under build/ and the nested modules (a directory with
#                               a go.mod of its own: bench/, the benchmarks and peer tests,
#                               which require wechatpay-go), plus build/include/wechatpay_notify.h and
#                               build/linux-x86_64/libwechatpay_notify.a from WPN_NATIVE_PREFIX,
#                               each as MODULE@vVERSION/PATH
# Use it with GOPROXY="file://$WPN_DIST/goproxy,$(go env GOPROXY)" and GONOSUMDB (or
# GOSUMDB=off) for the module until the zip is published; the same files can be served over
# HTTPS as they are, and the zip is what a tag of the repository would give once the two
# library files are committed under bindings/go/build/.
#
# The zip follows the rules of Go module zips (golang.org/x/mod/zip): regular files only (a
# symbolic link is an error), valid file paths with no two equal except for case, no vendor/
# directory and no nested module, 500 MiB at most uncompressed. The zip is deterministic
# (sorted entries, fixed time stamps). When `go` is on PATH the result is checked by
# downloading the module from the new directory into a scratch module cache, which applies
# Go's own checks, and its go.sum hash is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

: "${WPN_NATIVE_PREFIX:?set WPN_NATIVE_PREFIX to the installed C library (scripts/install-c.sh --prefix)}"
: "${WPN_DIST:?set WPN_DIST to the absolute path of dist/}"
: "${WPN_VERSION:?set WPN_VERSION, e.g. 0.2.0}"
case "$WPN_DIST" in
    /*) ;;
    *) echo "package-go: WPN_DIST must be an absolute path: $WPN_DIST" >&2; exit 1 ;;
esac
if ! [[ "$WPN_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$ ]]; then
    echo "package-go: WPN_VERSION is not a semantic version: $WPN_VERSION" >&2
    exit 1
fi
if [ "${WPN_VERSION%%.*}" -ge 2 ]; then
    # Go requires a /vN suffix on the module path from v2 on.
    echo "package-go: version $WPN_VERSION needs a /v${WPN_VERSION%%.*} module path (bindings/go/go.mod)" >&2
    exit 1
fi

header="$WPN_NATIVE_PREFIX/include/wechatpay_notify.h"
# The licence, and the licences of what the static libraries link (scripts/release.sh).
notices="$WPN_NATIVE_PREFIX/THIRD-PARTY-LICENSES.txt"
# The static library of every release target (scripts/targets.sh), from its installed prefix
# beside WPN_NATIVE_PREFIX (scripts/release.sh), as "module path=file" lines.
source scripts/zig.sh
source scripts/targets.sh
archives=""
for t in "${RELEASE_TARGETS[@]}"; do
    a="$(dirname "$WPN_NATIVE_PREFIX")/wechatpay-notify-$WPN_VERSION-$t/lib/libwechatpay_notify.a"
    archives="$archives$(go_dir "$t")=$a"$'\n'
done
for f in "$header" "$notices"; do
    [ -f "$f" ] || { echo "package-go: missing $f (install the C library there first)" >&2; exit 1; }
done

module="$(awk '$1 == "module" { print $2; exit }' bindings/go/go.mod)"
[ -n "$module" ] || { echo "package-go: no module line in bindings/go/go.mod" >&2; exit 1; }
version="v$WPN_VERSION"

# The time of the version: SOURCE_DATE_EPOCH when set, else the commit being released.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD 2>/dev/null || date +%s)}"
time_utc="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"

# The module's files, NUL-separated, as git knows them.
file_list="$(mktemp)"
trap 'rm -f "$file_list"' EXIT
git ls-files -z --cached --others --exclude-standard -- bindings/go >"$file_list"
untracked="$(git ls-files --others --exclude-standard -- bindings/go)"
if [ -n "$untracked" ]; then
    echo "package-go: note: packaging files git does not track yet:" $untracked >&2
fi

proxy="$WPN_DIST/goproxy"
python3 - "$root/bindings/go" "$file_list" "$module" "$version" "$time_utc" "$proxy" \
    "$header" "$archives" "$root/LICENSE" "$notices" <<'PY'
import json
import os
import stat
import sys
import unicodedata
import zipfile

src_dir, file_list, module, version, time_utc, proxy, header, archives, license, notices = sys.argv[1:]

# The library files: taken from the installed release build, never from the checkout; and the
# licences, at the module's root (the repository's LICENSE is above bindings/go).
BUILT = {
    "build/include/wechatpay_notify.h": header,
    **{
        f"build/{line.split('=', 1)[0]}/libwechatpay_notify.a": line.split("=", 1)[1]
        for line in archives.splitlines()
        if line
    },
    "LICENSE": license,
    "THIRD-PARTY-LICENSES.txt": notices,
}
MAX_ZIP = 500 << 20   # golang.org/x/mod/zip MaxZipFile
MAX_GO_MOD = 16 << 20  # MaxGoMod
MAX_LICENSE = 16 << 20  # MaxLICENSE


def fail(msg):
    sys.exit(f"package-go: {msg}")


def escape(path):
    """The module proxy's case encoding: an upper-case letter becomes ! and its lower case."""
    return "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in path)


# golang.org/x/mod/module.CheckFilePath, for the names this module can contain.
ALLOWED = set("!#$%&()+,-.=@[]^_{}~ ")
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
            *(f"LPT{i}" for i in range(1, 10))}


def check_path(path):
    if not path or path.startswith("/") or "\\" in path:
        fail(f"invalid file path {path!r}")
    for elem in path.split("/"):
        if elem in ("", ".", ".."):
            fail(f"invalid file path {path!r}")
        if elem.endswith("."):
            fail(f"invalid file path {path!r}: element ends in a dot")
        for c in elem:
            if not (c.isascii() and (c.isalnum() or c in ALLOWED)) and not (
                    not c.isascii() and unicodedata.category(c)[0] == "L"):
                fail(f"invalid file path {path!r}: character {c!r}")
        short = elem.split(".", 1)[0]
        if short.upper() in RESERVED:
            fail(f"invalid file path {path!r}: reserved name on Windows")
        tilde = short.rfind("~")
        if tilde >= 0 and short[tilde + 1:].isdigit() and tilde + 1 < len(short):
            fail(f"invalid file path {path!r}: looks like a Windows short name")


with open(file_list, "rb") as f:
    listed = [p.decode() for p in f.read().split(b"\0") if p]
prefix = "bindings/go/"
rels = sorted({p[len(prefix):] for p in listed if p.startswith(prefix)})

# Directories holding another module (a go.mod below the root) are not part of this one.
nested = sorted({os.path.dirname(r) for r in rels if r.endswith("/go.mod")})

files = {}
for rel in rels:
    if rel in BUILT:
        continue
    inner = [n for n in nested if rel.startswith(n + "/")]
    if inner:
        print(f"package-go: left out {rel} (in the nested module {inner[0]})", file=sys.stderr)
        continue
    if "vendor" in rel.split("/")[:-1]:
        print(f"package-go: left out {rel} (vendor/ directory)", file=sys.stderr)
        continue
    path = os.path.join(src_dir, rel)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        continue  # deleted in the work tree, not yet in the index
    if stat.S_ISLNK(st.st_mode):
        fail(f"bindings/go/{rel} is a symbolic link; module zips cannot hold links")
    if not stat.S_ISREG(st.st_mode):
        fail(f"bindings/go/{rel} is not a regular file")
    files[rel] = path
for rel, path in BUILT.items():
    if not os.path.isfile(path):
        fail(f"missing {path}")
    files[rel] = os.path.realpath(path)

if "go.mod" not in files:
    fail("bindings/go/go.mod is not among the files")
folded = {}
total = 0
for rel, path in files.items():
    check_path(rel)
    key = rel.casefold()
    if key in folded:
        fail(f"{rel} and {folded[key]} differ only in case")
    folded[key] = rel
    size = os.path.getsize(path)
    total += size
    if rel == "go.mod" and size > MAX_GO_MOD:
        fail("go.mod is larger than 16 MiB")
    if rel == "LICENSE" and size > MAX_LICENSE:
        fail("LICENSE is larger than 16 MiB")
if total > MAX_ZIP:
    fail(f"the module is {total} bytes uncompressed, over the 500 MiB limit")

vdir = os.path.join(proxy, escape(module), "@v")
os.makedirs(vdir, exist_ok=True)
zip_path = os.path.join(vdir, version + ".zip")
tmp = zip_path + ".tmp"
root = f"{module}@{version}/"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
    for rel in sorted(files):
        info = zipfile.ZipInfo(root + rel, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.create_system = 3
        with open(files[rel], "rb") as src, z.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
os.replace(tmp, zip_path)

with open(os.path.join(src_dir, "go.mod"), "rb") as f:
    gomod = f.read()
with open(os.path.join(vdir, version + ".mod"), "wb") as f:
    f.write(gomod)
with open(os.path.join(vdir, version + ".info"), "w") as f:
    json.dump({"Version": version, "Time": time_utc}, f)
    f.write("\n")
list_path = os.path.join(vdir, "list")
versions = set()
if os.path.exists(list_path):
    with open(list_path) as f:
        versions = {line.strip() for line in f if line.strip()}
versions.add(version)


def semver_key(v):
    core, _, pre = v[1:].split("+")[0].partition("-")
    return tuple(int(x) for x in core.split(".")), pre == "", pre


with open(list_path, "w") as f:
    f.write("".join(v + "\n" for v in sorted(versions, key=semver_key)))

size = os.path.getsize(zip_path)
print(f"go module {module}@{version}: {len(files)} files, {total} bytes uncompressed")
print(f"module zip {zip_path}: {size} bytes ({size / (1 << 20):.1f} MiB)")
PY

# Let Go check the result: download the module from the new directory into a scratch module
# cache (Go verifies the zip's layout and file names as it extracts it).
if command -v go >/dev/null 2>&1; then
    scratch="$(mktemp -d)"
    trap 'rm -f "$file_list"; chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
    json="$(cd "$scratch" && env GOPROXY="file://$proxy" GOMODCACHE="$scratch/mod" \
        GOFLAGS=-modcacherw GOSUMDB=off GONOSUMDB="$module" GOWORK=off GO111MODULE=on \
        go mod download -json "$module@$version")"
    dir="$(printf '%s' "$json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
    sum="$(printf '%s' "$json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Sum"])')"
    for f in build/include/wechatpay_notify.h go.mod LICENSE; do
        [ -f "$dir/$f" ] || { echo "package-go: $f missing from the downloaded module" >&2; exit 1; }
    done
    while IFS='=' read -r go_dir archive; do
        [ -n "$go_dir" ] || continue
        cmp -s "$dir/build/$go_dir/libwechatpay_notify.a" "$archive" ||
            { echo "package-go: the module's build/$go_dir library differs from $archive" >&2; exit 1; }
    done <<<"$archives"
    echo "checked with go mod download: $module@$version $sum"
else
    echo "package-go: go not found; the module was not checked with go mod download" >&2
fi
echo "GOPROXY directory: $proxy (GOPROXY=\"file://$proxy,\$(go env GOPROXY)\")"
