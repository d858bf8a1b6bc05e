#!/usr/bin/env bash
# The released npm packages as a user gets them (scripts/test-release.sh runs this):
#
#   WPN_DIST=/abs/dist WPN_VERSION=0.2.0 WPN_BACKEND=aws-lc bash tests/consumers/node/run.sh
#
# 1. A new project outside the repo (npm init), with PATH free of the Rust toolchain, installs
#    Express and TypeScript from the registry and wechatpay-notify from dist/npm's tarballs only:
#    the package and this machine's prebuilt addon package. The @wechatpay-notify scope points at
#    a closed port, so none of our packages can come from a registry (npm skips the other
#    platforms' optional packages, which it cannot fetch).
# 2. app.cjs (CommonJS) and app.mjs (ESM, parseAsync) serve Express apps over real HTTP: a kit
#    payment answered 204, a tampered one 401. handler.ts is type-checked by tsc --strict against
#    the installed declarations.
# 3. The package without its addon package fails with a message naming the platform.
# 4. musl: no musl Node.js is available here, so the x86_64 musl addon is loaded by musl's own
#    dynamic loader (Debian's musl) in a small host that provides stubs of the N-API functions
#    (musl_host.c): every other symbol must bind in musl's libc at once, as when Node loads it;
#    the same host without the stubs must fail. Both musl addons export only N-API's entry point
#    and need only musl's libc.so.
# 5. aarch64: Debian's arm64 Node.js under qemu-user (scripts/node-arm64.sh) runs every
#    conformance vector (bindings/node/test/vectors.test.js) through the arm64 prebuilt package.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
die() { echo "node consumer: $*" >&2; exit 1; }
: "${WPN_DIST:?set WPN_DIST to the absolute path of dist/}"
: "${WPN_VERSION:?set WPN_VERSION to the version being released}"
: "${WPN_BACKEND:?set WPN_BACKEND to the backend of the release}"
source "$root/scripts/targets.sh"
source "$root/scripts/node-arm64.sh"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

host_platform="$(node_platform "$(rustc -vV | sed -n 's/^host: //p')")"
main_tgz="$WPN_DIST/npm/wechatpay-notify-$WPN_VERSION.tgz"
host_tgz="$WPN_DIST/npm/wechatpay-notify-$host_platform-$WPN_VERSION.tgz"
arm_tgz="$WPN_DIST/npm/wechatpay-notify-linux-arm64-gnu-$WPN_VERSION.tgz"
for f in "$main_tgz" "$host_tgz" "$arm_tgz"; do [ -f "$f" ] || die "no $f (run scripts/release.sh)"; done
# The versions the repository's Express example pins, and the package's TypeScript.
pin() { node -p "require('$1').$2['$3']"; }
express_version="$(pin "$root/bindings/node/examples/express/package.json" dependencies express)"
ts_version="$(pin "$root/bindings/node/package.json" devDependencies typescript)"
types_node_version="$(pin "$root/bindings/node/package.json" devDependencies @types/node)"
types_express_version="$(pin "$root/bindings/node/examples/nestjs/package.json" devDependencies @types/express)"

work="$(mktemp -d "${TMPDIR:-/tmp}/wpn-node-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir "$app"
cp "$here/app.cjs" "$here/app.mjs" "$here/handler.ts" "$app/"
cd "$app"
# No cargo or rustc on PATH: nothing of ours can be compiled here.
export PATH="/usr/local/bin:/usr/bin:/bin"
! command -v cargo >/dev/null && ! command -v rustc >/dev/null || die "cargo or rustc is on $PATH"
npm init -y >/dev/null
started=$SECONDS
npm install --no-audit --no-fund --loglevel=error --fetch-retries=0 \
    --@wechatpay-notify:registry=http://127.0.0.1:9/ \
    "express@$express_version" "typescript@$ts_version" "@types/node@$types_node_version" \
    "@types/express@$types_express_version" "$main_tgz" "$host_tgz"
echo "npm install: $((SECONDS - started)) s"
[ -f "node_modules/@wechatpay-notify/$host_platform/wechatpay-notify.$host_platform.node" ] ||
    die "the $host_platform addon package is not installed"
installed="$(ls node_modules/@wechatpay-notify)"
[ "$installed" = "$host_platform" ] || die "installed addon packages: $installed"
! compgen -G "node_modules/wechatpay-notify/*.node" >/dev/null || die "the main package carries an addon"

node app.cjs
node app.mjs
cat >tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext",
  "target": "es2022", "types": ["node"], "esModuleInterop": true }, "files": ["handler.ts"] }
JSON
npx tsc -p tsconfig.json
echo "node consumer: handler.ts type-checks (tsc --strict)"

# Without the addon package: an error that names the platform.
alone="$work/alone"
mkdir -p "$alone/node_modules"
cp -r node_modules/wechatpay-notify "$alone/node_modules/"
if message="$(cd "$alone" && node -e "require('wechatpay-notify')" 2>&1)"; then
    die "the package loaded without its addon package"
fi
grep -q "no addon for $host_platform" <<<"$message" || die "unexpected error without the addon: $message"
echo "node consumer: without @wechatpay-notify/$host_platform: $(grep -m 1 -o "wechatpay-notify: no addon for .*" <<<"$message")"

# musl: the addons' dynamic symbols, and the x86_64 one loaded by musl's loader.
musl="$work/musl"
mkdir -p "$musl"
for platform in linux-x64-musl linux-arm64-musl; do
    mkdir -p "$musl/$platform"
    tar -xzf "$WPN_DIST/npm/wechatpay-notify-$platform-$WPN_VERSION.tgz" -C "$musl/$platform" --strip-components=1
    addon="$musl/$platform/wechatpay-notify.$platform.node"
    needed="$(readelf -d "$addon" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
    [ "$needed" = "libc.so " ] || die "$platform needs: $needed"
    exported="$(nm -D --defined-only "$addon" | awk '{print $3}' | tr '\n' ' ')"
    [ "$exported" = "napi_register_module_v1 " ] || die "$platform exports: $exported"
done
addon="$musl/linux-x64-musl/wechatpay-notify.linux-x64-musl.node"
{
    echo '#include <stdlib.h>'
    nm -D --undefined-only "$addon" | awk '$2 ~ /^napi_/ {print "void " $2 "(void) { abort(); }"}'
} >"$musl/napi_stubs.c"
musl-gcc -rdynamic -o "$musl/host" "$here/musl_host.c" "$musl/napi_stubs.c"
musl-gcc -o "$musl/host-without-napi" "$here/musl_host.c"
"$musl/host" "$addon" || die "the x86_64 musl addon does not load under musl"
if "$musl/host-without-napi" "$addon" 2>/dev/null; then
    die "the musl addon loaded without N-API: the check binds nothing"
fi
echo "node consumer: musl: the x86_64 addon loads under musl's loader ($(grep -c '^void' "$musl/napi_stubs.c") N-API imports stubbed); both need only libc.so and export only napi_register_module_v1"

# aarch64 under qemu-user: the vectors through the arm64 package, in Debian's arm64 node.
arm="$work/arm64/node_modules"
mkdir -p "$arm/wechatpay-notify" "$arm/@wechatpay-notify/linux-arm64-gnu"
tar -xzf "$main_tgz" -C "$arm/wechatpay-notify" --strip-components=1
tar -xzf "$arm_tgz" -C "$arm/@wechatpay-notify/linux-arm64-gnu" --strip-components=1
sysroot="$root/target/node-arm64"
node_arm64_sysroot "$sysroot"
started=$SECONDS
report="$work/arm64.tap"
if ! WPN_NODE_PACKAGE="$arm/wechatpay-notify" node_arm64 "$sysroot" --test "$root/bindings/node/test/vectors.test.js" >"$report" 2>&1; then
    cat "$report"
    die "the vectors failed through the arm64 package"
fi
arch="$(WPN_NODE_PACKAGE="$arm/wechatpay-notify" node_arm64 "$sysroot" -p \
    "process.version + ' ' + process.arch + ', addon ' + require('$arm/wechatpay-notify').BACKEND")"
echo "node consumer: aarch64 under qemu ($arch): vectors $(grep -E '^# (pass|fail) ' "$report" | tr '\n' ' ')in $((SECONDS - started)) s"
