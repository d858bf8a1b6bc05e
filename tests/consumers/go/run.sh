#!/usr/bin/env bash
# The released Go module as a user gets it: `go get` from the release's GOPROXY directory
# (scripts/package-go.sh) into a new module outside the repo, with no Rust toolchain on PATH,
# then a merchant app (main.go) serving a notify_url under gin and under net/http, driven by
# real HTTP requests (every v3_parse conformance vector, each valid one also tampered, and live
# notifications through the package's handler); then `go mod vendor` and the same app built
# and run from the vendored tree; and the app linked against glibc 2.17 (CentOS 7) by zig's C
# compiler, run, and its glibc need checked; then for the module's other libraries: built with
# GOARCH=arm64 and Debian's aarch64 cross compiler and run under qemu-user, built with -tags musl
# as a fully static program by musl-gcc (amd64) and by zig (arm64, under qemu-user); and
# CGO_ENABLED=0 stops with the error that says what to do.
#
#   WPN_DIST=/abs/dist WPN_VERSION=0.2.0 WPN_BACKEND=aws-lc bash tests/consumers/go/run.sh
#
# The module comes from file://$WPN_DIST/goproxy; gin and the module's own dependencies come
# from the proxy `go env GOPROXY` names. The checksum database is off (the release is not
# published yet), and the module cache is a new one in the temporary directory, so nothing of
# an earlier run (or of another version) is reused. The compiled-package cache (GOCACHE) is the
# user's, and builds use -trimpath so that gin's packages compiled once are reused.
# The last line is `go consumer: N passed, 0 failed`; the exit status is non-zero on failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
: "${WPN_DIST:?set WPN_DIST to the absolute path of dist/}" "${WPN_VERSION:?set WPN_VERSION}"
: "${WPN_BACKEND:?set WPN_BACKEND to the backend of the release (scripts/backend.sh)}"
# gin v1.10.x supports Go >= 1.20 and has fewer dependencies than v1.11+ (no HTTP/3 stack).
gin_version="${WPN_GIN_VERSION:-v1.10.1}"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
proxy="$WPN_DIST/goproxy"
module="$(awk '$1 == "module" { print $2; exit }' "$root/bindings/go/go.mod")"
[ -f "$proxy/$module/@v/v$WPN_VERSION.zip" ] ||
    { echo "FAILED: no $proxy/$module/@v/v$WPN_VERSION.zip (run scripts/package-go.sh)" >&2; exit 1; }
upstream="$(go env GOPROXY)"
started=$SECONDS

# Zig (scripts/zig.sh), for the glibc 2.17 build at the end: set up before PATH loses Rust.
source "$root/scripts/zig.sh"
(cd "$root" && zig_tools)
zig_python="$root/target/zig-tools/bin/python"

tmp="$(mktemp -d)"
# The module cache's files are read-only; -modcacherw below keeps them removable, and chmod
# covers anything else.
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

ok=0
fail() { echo "FAILED: $*" >&2; exit 1; }
pass() { ok=$((ok + 1)); }

# --- an environment without Rust ---------------------------------------------------------------
# PATH without any directory holding cargo, rustc or rustup; go is linked into a directory of its
# own in case it shares one with them.
gobin="$(command -v go)"
clean_path=""
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
    [ -n "$d" ] || continue
    if [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ]; then
        continue
    fi
    clean_path="${clean_path:+$clean_path:}$d"
done
mkdir -p "$tmp/bin"
ln -s "$gobin" "$tmp/bin/go"
export PATH="$tmp/bin:$clean_path"
if command -v cargo >/dev/null 2>&1 || command -v rustc >/dev/null 2>&1; then
    fail "a Rust toolchain is on PATH ($PATH); the Go consumer must build without one"
fi
pass
unset CGO_CFLAGS CGO_CPPFLAGS CGO_LDFLAGS PKG_CONFIG_PATH GOPRIVATE GONOPROXY
export CGO_ENABLED=1 GO111MODULE=on GOWORK=off
export GOMODCACHE="$tmp/modcache"
export GOPROXY="file://$proxy,$upstream"
export GOSUMDB=off GONOSUMDB="$module"
export GOFLAGS="-mod=mod -modcacherw -trimpath"
echo "go: $(go version | cut -d' ' -f3-); GOPROXY=file://\$WPN_DIST/goproxy,\$(go env GOPROXY); no cargo/rustc on PATH"

# --- a new module: go get ----------------------------------------------------------------------
app="$tmp/notifyapp"
mkdir -p "$app"
cp "$here/main.go" "$app/"
cd "$app"
quiet() { # COMMAND...: runs it, showing its output only if it fails
    "$@" >"$tmp/cmd.log" 2>&1 || { sed 's/^/  /' "$tmp/cmd.log" >&2; fail "$*"; }
}
quiet go mod init example.com/notifyapp
quiet go get "$module@v$WPN_VERSION"
quiet go get "github.com/gin-gonic/gin@$gin_version"
quiet go mod tidy
got="$(go list -m -f '{{.Version}}' "$module")"
[ "$got" = "v$WPN_VERSION" ] || fail "go.mod requires $module $got, want v$WPN_VERSION"
moddir="$(go list -m -f '{{.Dir}}' "$module")"
case "$moddir" in
    "$GOMODCACHE"/*) ;;
    *) fail "the module was not taken from the new module cache: $moddir" ;;
esac
for f in build/include/wechatpay_notify.h build/linux-x86_64/libwechatpay_notify.a; do
    [ -f "$moddir/$f" ] || fail "the downloaded module lacks $f"
done
pass
echo "go get: $module@v$WPN_VERSION, gin $(go list -m -f '{{.Version}}' github.com/gin-gonic/gin)"

# --- build and run -------------------------------------------------------------------------------
vectors=(-vectors "$root/tests/vectors/notifications.json" -version "$WPN_VERSION" -backend "$WPN_BACKEND")
checked=0
run_app() { # BINARY LABEL [RUNNER...]
    local needed out passed bin="$1" label="$2"
    shift 2
    needed="$(readelf -d "$bin" | grep NEEDED || true)"
    ! grep -q wechatpay_notify <<<"$needed" || fail "$bin loads the shared library: $needed"
    set -- "$bin" "$label" "$@"
    out="$("${@:3}" "$1" "${vectors[@]}" 2>&1)" || { printf '%s\n' "$out"; fail "$2: the app failed"; }
    passed="$(printf '%s\n' "$out" | sed -n 's/^notifyapp: \([0-9]*\) passed, 0 failed$/\1/p')"
    [ -n "$passed" ] && [ "$passed" -gt 0 ] || { printf '%s\n' "$out"; fail "$2: no summary"; }
    printf '%s\n' "$out" | sed "s|^notifyapp:|  $2:|"
    checked=$((checked + passed))
    pass
}
build_started=$SECONDS
go build -o "$tmp/notifyapp-mod" .
echo "go build: $((SECONDS - build_started)) s"
pass
run_app "$tmp/notifyapp-mod" "module cache build"

# --- go mod vendor, then a vendored build ----------------------------------------------------------
go mod vendor
vendored="vendor/$module"
for f in build/include/wechatpay_notify.h build/linux-x86_64/libwechatpay_notify.a; do
    [ -f "$vendored/$f" ] || fail "go mod vendor left out $f"
done
cmp -s "$vendored/build/linux-x86_64/libwechatpay_notify.a" "$moddir/build/linux-x86_64/libwechatpay_notify.a" ||
    fail "the vendored static library differs from the module's"
pass
# The vendored build must not need the module cache: an empty one, offline.
GOMODCACHE="$tmp/empty-modcache" GOPROXY=off go build -mod=vendor -o "$tmp/notifyapp-vendored" .
pass
run_app "$tmp/notifyapp-vendored" "vendored build"

# --- linked against glibc 2.17, as on CentOS 7 -----------------------------------------------------
CC="$zig_python -m ziglang cc -target x86_64-linux-gnu.$GLIBC_FLOOR" go build -o "$tmp/notifyapp-glibc217" .
(cd "$root" && check_glibc_floor "$tmp/notifyapp-glibc217")
pass
run_app "$tmp/notifyapp-glibc217" "glibc $GLIBC_FLOOR build"

# --- linux/arm64 (glibc), by Debian's cross compiler, run under qemu-user ----------------------------
CC=aarch64-linux-gnu-gcc GOARCH=arm64 go build -o "$tmp/notifyapp-arm64" .
pass
run_app "$tmp/notifyapp-arm64" "linux/arm64 build" qemu-aarch64 -L /usr/aarch64-linux-gnu

# --- musl (-tags musl), fully static: amd64 by musl-gcc, arm64 by zig under qemu-user ----------------
static=(-tags musl -ldflags '-linkmode external -extldflags -static')
CC=musl-gcc go build "${static[@]}" -o "$tmp/notifyapp-musl" .
CC="$zig_python -m ziglang cc -target aarch64-linux-musl" GOARCH=arm64 go build "${static[@]}" -o "$tmp/notifyapp-arm64-musl" .
for bin in "$tmp/notifyapp-musl" "$tmp/notifyapp-arm64-musl"; do
    ! readelf -d "$bin" | grep -q NEEDED || fail "$bin is not fully static"
    ! readelf -l "$bin" | grep -q 'program interpreter' || fail "$bin has an interpreter"
done
pass
run_app "$tmp/notifyapp-musl" "musl static build"
run_app "$tmp/notifyapp-arm64-musl" "linux/arm64 musl static build" qemu-aarch64

# --- without cgo: a build error that says what to do ---------------------------------------------------
if CGO_ENABLED=0 go build -o "$tmp/notifyapp-nocgo" . >"$tmp/nocgo.log" 2>&1; then
    fail "CGO_ENABLED=0 built the app"
fi
grep -q "wechatpaynotify_needs_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler" "$tmp/nocgo.log" ||
    { cat "$tmp/nocgo.log"; fail "CGO_ENABLED=0 fails without saying what to do"; }
pass
echo "  CGO_ENABLED=0: the build stops on wechatpaynotify_needs_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler"

echo "go consumer test: $((SECONDS - started)) s; $ok steps and $checked HTTP checks passed"
echo "go consumer: $((ok + checked)) passed, 0 failed"
