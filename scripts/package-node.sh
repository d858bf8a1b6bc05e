#!/usr/bin/env bash
# The npm packages of the Node.js binding, as `npm pack` tarballs in $WPN_DIST/npm (called by
# scripts/release.sh after the dist build), the way napi-rs projects ship:
#   wechatpay-notify-VERSION.tgz                    the package (bindings/node's "files": the
#                                                   loader, the JS API, its declarations), with
#                                                   optionalDependencies on every prebuilt one
#   wechatpay-notify-linux-<arch>-<libc>-VERSION.tgz @wechatpay-notify/<node_platform>: one addon
#                                                   (npm installs only the one whose os, cpu and
#                                                   libc match the machine)
# WPN_NODE_STAGE holds each target's addon (and licences) in <node_platform>/, from the dist build.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
: "${WPN_DIST:?}" "${WPN_VERSION:?}" "${WPN_NODE_STAGE:?}"
source scripts/targets.sh
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
out="$WPN_DIST/npm"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One package per target.
platforms=()
for t in "${RELEASE_TARGETS[@]}"; do
    platform="$(node_platform "$t")"
    platforms+=("$platform")
    dir="$work/$platform"
    cp -r "$WPN_NODE_STAGE/$platform" "$dir"
    install -m 644 bindings/node/README.md "$dir/README.md"
    python3 - "$dir/package.json" "$platform" "$(target_arch "$t")" "$(target_libc "$t")" "$WPN_VERSION" <<'PY'
import json
import sys

path, platform, arch, libc, version = sys.argv[1:]
main = json.load(open("bindings/node/package.json"))
addon = f"wechatpay-notify.{platform}.node"
package = {
    "name": f"@wechatpay-notify/{platform}",
    "version": version,
    "description": f"The {platform} addon of wechatpay-notify (installed by it; not used on its own)",
    "license": main["license"],
    "repository": main["repository"],
    "main": addon,
    "files": [addon, "LICENSE", "THIRD-PARTY-LICENSES.txt", "README.md"],
    "os": ["linux"],
    "cpu": [{"x86_64": "x64", "aarch64": "arm64"}[arch]],
    "libc": [{"gnu": "glibc", "musl": "musl"}[libc]],
    "engines": main["engines"],
}
json.dump(package, open(path, "w"), indent=2)
PY
    (cd "$dir" && npm pack --quiet --pack-destination "$out" >/dev/null)
done

# The package itself: bindings/node's files, its package.json without the build tools and with
# the prebuilt packages as optional dependencies.
main="$work/main"
mkdir -p "$main"
python3 - "$main" "$WPN_VERSION" "${platforms[@]}" <<'PY'
import json
import shutil
import sys
from pathlib import Path

out, version, platforms = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
src = Path("bindings/node")
package = json.loads((src / "package.json").read_text())
if package["version"] != version:
    sys.exit(f"bindings/node/package.json has version {package['version']}, the workspace {version}")
for name in package["files"]:
    if name == "LICENSE":
        shutil.copy("LICENSE", out / name)
    else:
        shutil.copy(src / name, out / name)
package.pop("devDependencies", None)
package["optionalDependencies"] = {f"@wechatpay-notify/{p}": version for p in platforms}
(out / "package.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n")
PY
(cd "$main" && npm pack --quiet --pack-destination "$out" >/dev/null)
ls -l "$out" | awk 'NR > 1 {printf "  dist/npm/%s %s bytes\n", $NF, $5}'
