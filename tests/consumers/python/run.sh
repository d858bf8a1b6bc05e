#!/usr/bin/env bash
# The released Python artifacts as a user gets them: each in a new venv outside the repo,
# serving a Flask app over real HTTP (test_consumer.py, consumer_app.py), and the wheel on other
# CPython versions (abi3_check.py).
#
#   WPN_DIST=/abs/dist WPN_VERSION=0.2.0 WPN_BACKEND=aws-lc bash tests/consumers/python/run.sh
#
# 1. wheel: a venv whose PATH has no cargo or rustc installs $WPN_DIST/python's abi3 wheel and
#    Flask, binaries only (--only-binary :all:), so nothing can be compiled. Its backend is
#    $WPN_BACKEND, the release's.
# 2. sdist: a venv with the Rust toolchain installs wechatpay_notify-$WPN_VERSION.tar.gz, which
#    pip builds with maturin in an isolated build env. Cargo builds in the repo's target/ (or
#    WPN_CONSUMER_TARGET_DIR) so the compiled dependencies are reused. A plain pip install (no
#    MATURIN_PEP517_ARGS) builds the crate's default backend, ring.
# 3. abi3: the same wheel in a venv of the oldest supported CPython (3.8) and of the newest one
#    found, with nothing else installed: every APIv3 parse case directly (abi3_check.py).
#
# The sources are copied into a `mktemp -d` directory, the tests run from there, and it is
# removed at the end. Flask and pytest come at the versions pinned in tests/python/requirements.txt.
# The last line is `python consumer: N passed, M failed`; the exit status is non-zero on failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

die() { echo "python consumer: $*" >&2; exit 1; }

: "${WPN_DIST:?set WPN_DIST to the absolute path of dist/}"
: "${WPN_VERSION:?set WPN_VERSION to the version being released}"
: "${WPN_BACKEND:?set WPN_BACKEND to the backend of the release (scripts/backend.sh)}"
case "$WPN_DIST" in /*) ;; *) die "WPN_DIST must be absolute: $WPN_DIST" ;; esac

shopt -s nullglob
# The wheel of this machine (x86_64, glibc); the others are checked at the end.
wheels=("$WPN_DIST"/python/wechatpay_notify-"$WPN_VERSION"-cp38-abi3-manylinux*_x86_64.whl)
shopt -u nullglob
[ "${#wheels[@]}" -eq 1 ] || die "expected one wechatpay_notify-$WPN_VERSION-cp38-abi3-manylinux*_x86_64.whl in $WPN_DIST/python (run scripts/package-python.sh)"
wheel="${wheels[0]}"
sdist="$WPN_DIST/python/wechatpay_notify-$WPN_VERSION.tar.gz"
[ -f "$sdist" ] || die "no $sdist (run scripts/package-python.sh)"
vectors="$root/tests/vectors/notifications.json"
[ -f "$vectors" ] || die "no $vectors"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
python="$(command -v python3)" || die "no python3"

work="$(mktemp -d "${TMPDIR:-/tmp}/wpn-python-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir "$app"
cp "$here/consumer_app.py" "$here/test_consumer.py" "$here/abi3_check.py" "$app/"
grep -iE '^(flask|pytest)==' "$root/tests/python/requirements.txt" >"$app/requirements.txt"
[ "$(wc -l <"$app/requirements.txt")" -eq 2 ] || die "tests/python/requirements.txt lacks the flask== or pytest== pin"

# The toolchain-free PATH of the wheel consumer: the system directories must not hold Rust.
system_path="/usr/local/bin:/usr/bin:/bin"
for dir in ${system_path//:/ }; do
    for tool in cargo rustc; do
        [ ! -e "$dir/$tool" ] || die "$dir/$tool exists: cannot make a PATH without the Rust toolchain"
    done
done

total_passed=0 total_failed=0 status=0
summary=()

# consumer NAME ARTIFACT PATH [pip options...]: a new venv at $work/NAME installs ARTIFACT and
# the app's requirements with PATH as given, then runs the tests there.
consumer() {
    local name="$1" artifact="$2" path="$3"
    shift 3
    local venv="$work/$name-venv" start=$SECONDS
    echo "== python consumer ($name): $(basename "$artifact")"
    "$python" -m venv "$venv"
    local run=(env -u VIRTUAL_ENV -u PYTHONPATH -u PYTHONHOME -u MATURIN_PEP517_ARGS)
    # The backend the installed package must report: the release's for the wheel, the crate's
    # default for the sdist built by a plain pip install.
    local backend=ring
    if [ "$name" = wheel ]; then
        run+=(-u CARGO -u CARGO_HOME -u CARGO_TARGET_DIR -u RUSTC -u RUSTUP_HOME -u RUSTUP_TOOLCHAIN)
        backend="$WPN_BACKEND"
    fi
    run+=(PATH="$path")
    if [ "$name" = wheel ]; then
        # shellcheck disable=SC2016
        "${run[@]}" bash -c '! command -v cargo && ! command -v rustc' >/dev/null ||
            die "cargo or rustc is on the wheel consumer's PATH"
    else
        "${run[@]}" bash -c 'command -v cargo && command -v rustc' >/dev/null ||
            die "cargo and rustc must be on the sdist consumer's PATH"
    fi
    "${run[@]}" "$venv/bin/python" -m pip install --quiet "$@" "$artifact" -r "$app/requirements.txt"
    local installed=$((SECONDS - start)) rc=0
    (cd "$app" && "${run[@]}" WPN_VERSION="$WPN_VERSION" WPN_EXPECT_BACKEND="$backend" \
        WPN_VECTORS="$vectors" WPN_REPO="$root" WPN_ARTIFACT="$(basename "$artifact")" \
        WPN_CONSUMER="$name" WPN_CONSUMER_VENV="$venv" \
        "$venv/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$work/$name.xml" test_consumer.py) || rc=$?
    local counts
    counts="$("$python" - "$work/$name.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 1")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
total = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(total - bad - skipped, bad)
PY
)"
    local passed="${counts% *}" failed="${counts#* }"
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed))
    [ "$rc" -eq 0 ] || status=1
    summary+=("$name: $passed passed, $failed failed; venv + install ${installed}s, total $((SECONDS - start))s")
}

# 1. The wheel, no Rust anywhere on PATH, no source distribution allowed.
consumer wheel "$wheel" "$work/wheel-venv/bin:$system_path" --only-binary :all:

# 2. The sdist, built by pip with the Rust toolchain, reusing the repo's compiled dependencies.
export CARGO_TARGET_DIR="${WPN_CONSUMER_TARGET_DIR:-$root/target}"
consumer sdist "$sdist" "$work/sdist-venv/bin:$PATH"

# 3. abi3: the same wheel on the oldest supported CPython and the newest one here, with nothing
#    else installed (no registry) and no Rust on PATH: every APIv3 parse case (abi3_check.py).
#    WPN_ABI3_PYTHONS (interpreter paths, space-separated; empty to skip) overrides the search
#    of pyenv's versions for the first 3.8+ and the last 3.x.
abi3_pythons=()
if [ -n "${WPN_ABI3_PYTHONS+set}" ]; then
    read -ra abi3_pythons <<<"$WPN_ABI3_PYTHONS"
elif command -v pyenv >/dev/null; then
    versions="$(pyenv versions --bare | grep -E '^3\.([89]|[1-9][0-9])\.[0-9]+$' | sort -V || true)"
    mapfile -t picked < <(sed -n '1p;$p' <<<"$versions" | grep . | sort -uV)
    for version in "${picked[@]}"; do
        abi3_pythons+=("$(pyenv root)/versions/$version/bin/python3")
    done
fi
for i in "${!abi3_pythons[@]}"; do
    interpreter="${abi3_pythons[$i]}" start=$SECONDS venv="$work/abi3-$i-venv"
    "$interpreter" -m venv "$venv"
    run=(env -u VIRTUAL_ENV -u PYTHONPATH -u PYTHONHOME -u CARGO_TARGET_DIR PATH="$venv/bin:$system_path")
    "${run[@]}" "$venv/bin/python" -m pip install --quiet --no-index --only-binary :all: "$wheel"
    rc=0
    out="$(cd "$app" && "${run[@]}" "$venv/bin/python" abi3_check.py "$vectors" "$WPN_VERSION" "$WPN_BACKEND" "$root")" || rc=$?
    echo "$out"
    counts="$(tail -1 <<<"$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')"
    [ -n "$counts" ] || counts="0 1"
    passed="${counts% *}" failed="${counts#* }"
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed))
    [ "$rc" -eq 0 ] || status=1
    summary+=("abi3 $("$venv/bin/python" -c 'import platform; print(platform.python_version())'): $passed passed, $failed failed; $((SECONDS - start))s")
done

# 4. The aarch64 wheel on an arm64 CPython run by qemu-user: Debian's python3.11 arm64 packages
#    (and the arm64 libraries it loads) unpacked into a sysroot, a venv of it holding the wheel's
#    files, and every APIv3 parse case (abi3_check.py). The musllinux wheels are checked for
#    tag, architecture and C library by scripts/package-python.sh.
arm_wheel="$(ls "$WPN_DIST"/python/wechatpay_notify-"$WPN_VERSION"-cp38-abi3-manylinux2014_aarch64*.whl)"
start=$SECONDS
sysroot="$work/arm64-sysroot" debs="$work/arm64-debs"
mkdir -p "$sysroot" "$debs"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
fi
apt-get update -qq
(cd "$debs" && apt-get download -qq libc6:arm64 python3.11-minimal:arm64 libpython3.11-minimal:arm64 \
    libpython3.11-stdlib:arm64 libexpat1:arm64 zlib1g:arm64 libffi8:arm64 libbz2-1.0:arm64 \
    liblzma5:arm64 libuuid1:arm64 libcrypt1:arm64 libssl3:arm64 media-types)
for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
arm=(qemu-aarch64 -L "$sysroot")
"${arm[@]}" "$sysroot/usr/bin/python3.11" -m venv --without-pip "$work/arm64-venv"
site="$("${arm[@]}" "$work/arm64-venv/bin/python3" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
python3 -m zipfile -e "$arm_wheel" "$site"
rc=0
out="$(cd "$app" && env -u VIRTUAL_ENV -u PYTHONPATH -u PYTHONHOME "${arm[@]}" "$work/arm64-venv/bin/python3" abi3_check.py \
    "$vectors" "$WPN_VERSION" "$WPN_BACKEND" "$root")" || rc=$?
echo "$out"
counts="$(tail -1 <<<"$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')"
[ -n "$counts" ] || counts="0 1"
passed="${counts% *}" failed="${counts#* }"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
grep -q "aarch64" <<<"$out" || { failed=$((failed + 1)); echo "the aarch64 check did not run on aarch64"; }
total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed))
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] || status=1
summary+=("aarch64 wheel under qemu: $passed passed, $failed failed; $((SECONDS - start))s")

for line in "${summary[@]}"; do echo "python consumer ($line)"; done
echo "python consumer: $total_passed passed, $total_failed failed"
exit "$status"
