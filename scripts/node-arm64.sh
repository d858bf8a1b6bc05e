#!/usr/bin/env bash
# Debian bookworm's arm64 Node.js run by qemu-user on an x86_64 machine (sourced; it defines
# functions only), so the aarch64-linux-gnu addon is tested in an arm64 node: its .debs and those
# of everything they depend on, unpacked into a sysroot that qemu-user's -L makes the guest's /.
#
#   node_arm64_sysroot DIR   builds DIR once (DIR/.complete marks it done): adds the arm64
#                            architecture to dpkg if it lacks it (the one global change, as
#                            tests/consumers/python/run.sh makes; apt needs it for arm64 indexes),
#                            apt-get update, installs qemu-user if qemu-aarch64 is missing, has
#                            apt's resolver list nodejs:arm64's Depends closure (no Recommends) as
#                            if nothing were installed, apt-get downloads exactly those versions and
#                            unpacks them with dpkg-deb -x (nothing is installed); needs root
#   node_arm64 DIR ARGS...   runs DIR's node under qemu-aarch64 -L DIR with ARGS
#
# The closure is 18 packages: nodejs, libnode108, the libraries libnode needs (libuv1, libssl3,
# libicu72, libbrotli1, libc-ares2, libnghttp2-14, zlib1g, libstdc++6, libgcc-s1, libc6,
# gcc-12-base) and the Architecture: all node-acorn, node-cjs-module-lexer, node-undici (with
# node-busboy, node-xtend): Debian's libnode reads those builtins from /usr/share/nodejs when it
# starts and aborts without them. The ld.so, libraries and builtins are found in DIR because
# qemu-user maps every absolute path that exists under -L DIR there (so no LD_LIBRARY_PATH).
#
# An arm64 node that spawns itself (`node --test` runs each file in a child process, fork()
# does too) needs the kernel to run an aarch64 ELF, which needs a binfmt_misc registration that
# containers and CI runners usually lack. So node_arm64 preloads (NODE_OPTIONS --require)
# DIR/.node-arm64/qemu-spawn.js, which makes child_process run process.execPath as
# `qemu-aarch64 -L DIR process.execPath ...`; any other program is spawned as it is (an x86_64
# one natively).
NODE_ARM64_PACKAGE="nodejs:arm64"

node_arm64_sysroot() {
    local dir="${1:?usage: node_arm64_sysroot DIR}"
    mkdir -p "$(dirname "$dir")"
    dir="$(cd "$(dirname "$dir")" && pwd -P)/$(basename "$dir")"
    if [ -f "$dir/.complete" ]; then
        _node_arm64_preload "$dir"
        return 0
    fi
    if [ -e "$dir" ] && ! rmdir "$dir" 2>/dev/null; then
        echo "node_arm64_sysroot: $dir exists and is neither empty nor a finished sysroot" >&2
        return 1
    fi
    local stage="$dir.partial" started=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        dpkg --add-architecture arm64
    fi
    apt-get update -qq
    if ! command -v qemu-aarch64 >/dev/null; then
        apt-get install -y -qq --no-install-recommends qemu-user >/dev/null
    fi
    rm -rf "$stage"
    mkdir -p "$stage/.debs"
    # apt's resolver against an empty dpkg status: the whole closure, whatever this machine has
    # installed (its amd64 libc6 would otherwise hold libc6:arm64 to its version and its
    # packages would satisfy the Architecture: all ones).
    : >"$stage/.debs/status"
    local plan
    plan="$(apt-get -s -o Dir::State::status="$stage/.debs/status" -o APT::Install-Recommends=false \
        -o APT::Install-Suggests=false install "$NODE_ARM64_PACKAGE")"
    local -a pkgs
    mapfile -t pkgs < <(awk '/^Inst /{ sub(/^\(/, "", $3); print $2 "=" $3 }' <<<"$plan")
    [ ${#pkgs[@]} -gt 0 ] || { echo "node_arm64_sysroot: apt resolved nothing for $NODE_ARM64_PACKAGE" >&2; return 1; }
    # Only arm64 and Architecture: all packages belong in an arm64 sysroot.
    if grep '^Inst ' <<<"$plan" | grep -v -E '\[(arm64|all)\]\)'; then
        echo "node_arm64_sysroot: the plan above holds packages of another architecture" >&2
        return 1
    fi
    (cd "$stage/.debs" && apt-get download -qq -o APT::Sandbox::User=root "${pkgs[@]}")
    local deb
    for deb in "$stage/.debs"/*.deb; do
        dpkg-deb -x "$deb" "$stage"
    done
    printf '%s\n' "${pkgs[@]}" >"$stage/.packages"
    rm -rf "$stage/.debs" "$stage/usr/share/doc" "$stage/usr/share/man"
    [ -x "$stage/usr/bin/node" ] || { echo "node_arm64_sysroot: no usr/bin/node in the packages" >&2; return 1; }
    mv "$stage" "$dir"
    _node_arm64_preload "$dir"
    touch "$dir/.complete"
    echo "node_arm64_sysroot: ${#pkgs[@]} packages in $dir ($(du -sh "$dir" | cut -f1)), $((SECONDS - started)) s"
}

node_arm64() {
    local dir="${1:?usage: node_arm64 DIR ARGS...}"
    shift
    [ -f "$dir/.complete" ] || { echo "node_arm64: $dir is not built (node_arm64_sysroot $dir)" >&2; return 1; }
    dir="$(cd "$dir" && pwd -P)"
    local qemu
    qemu="$(command -v qemu-aarch64)" || { echo "node_arm64: qemu-aarch64 not found (qemu-user)" >&2; return 1; }
    _node_arm64_preload "$dir"
    NODE_ARM64_QEMU="$qemu" NODE_ARM64_SYSROOT="$dir" QEMU_LD_PREFIX="$dir" \
        NODE_OPTIONS="--require=\"$dir/.node-arm64/qemu-spawn.js\"${NODE_OPTIONS:+ $NODE_OPTIONS}" \
        "$qemu" -L "$dir" "$dir/usr/bin/node" "$@"
}

# Writes DIR/.node-arm64/qemu-spawn.js (each call, so an older sysroot gets the current one).
_node_arm64_preload() {
    mkdir -p "$1/.node-arm64"
    cat >"$1/.node-arm64/qemu-spawn.js" <<'JS'
'use strict';
// Written by scripts/node-arm64.sh: under qemu-user without binfmt_misc the kernel cannot exec
// an aarch64 ELF, so child_process runs this node (process.execPath) through qemu-aarch64 -L.
const qemu = process.env.NODE_ARM64_QEMU;
const root = process.env.NODE_ARM64_SYSROOT;
if (process.arch === 'arm64' && qemu && root) {
  const cp = require('child_process');
  const path = require('path');
  const self = (file) => typeof file === 'string' && path.resolve(file) === process.execPath;
  const spawn = cp.ChildProcess.prototype.spawn;
  // spawn, fork and execFile come here with options.file and options.args (argv); exec runs a
  // shell, whose `node` is whatever the host PATH has.
  cp.ChildProcess.prototype.spawn = function (options) {
    if (options && self(options.file)) {
      const argv = Array.isArray(options.args) ? options.args.slice(1) : [];
      options = { ...options, file: qemu, args: [qemu, '-L', root, process.execPath, ...argv] };
    }
    return spawn.call(this, options);
  };
  // spawnSync and execFileSync do not: their file and args are rewritten.
  for (const name of ['spawnSync', 'execFileSync']) {
    const fn = cp[name];
    cp[name] = function (file, args, ...rest) {
      if (self(file)) {
        if (!Array.isArray(args)) {
          if (args !== undefined) rest.unshift(args);
          args = [];
        }
        return fn.call(this, qemu, ['-L', root, process.execPath, ...args], ...rest);
      }
      return fn.call(this, file, args, ...rest);
    };
  }
}
JS
}
