#!/usr/bin/env bash
# The release artifacts as users consume them: scripts/release.sh builds dist/ for every target
# (linux x86_64 and aarch64, glibc 2.17+ and musl), then each language's consumer test
# (tests/consumers/*/run.sh) uses its artifact in a fresh directory outside the repo (aarch64
# ones under qemu-user): the C archive through pkg-config and CMake (dynamic and static), the CLI
# archive's demo, the Python wheel (no Rust on PATH) and sdist in new venvs under Flask, the Go
# module by `go get` from dist/goproxy under gin and net/http (and vendored), and the Maven
# artifact by its coordinates in a Spring Boot application, and the npm tarballs in a new npm
# project under Express (CommonJS, ESM, tsc), with the arm64 package under Debian's arm64 Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
# What runs the other targets' artifacts here: qemu-user for aarch64 (with Debian's arm64 glibc
# as its sysroot), Debian's aarch64 cross compiler and binutils, and musl-gcc.
missing=()
for pkg in qemu-user gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross musl-tools; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
bash scripts/release.sh
echo "release.sh: $((SECONDS - started)) s"
source scripts/backend.sh
export WPN_DIST="$PWD/dist"
WPN_VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
export WPN_VERSION
for consumer in c cli python go java node; do
    echo "=== consumer: $consumer"
    part=$SECONDS
    bash "tests/consumers/$consumer/run.sh"
    echo "consumer $consumer: $((SECONDS - part)) s"
done
echo "=== release: every artifact consumed as its users do"
