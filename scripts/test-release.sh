#!/usr/bin/env bash
# The release artifacts as users consume them: scripts/release.sh builds dist/, then each
# language's consumer test (tests/consumers/*/run.sh) uses its artifact in a fresh directory
# outside the repo: the C archive through pkg-config and CMake (dynamic and static), the CLI
# archive's demo, the Python wheel (no Rust on PATH) and sdist in new venvs under Flask, the Go
# module by `go get` from dist/goproxy under gin and net/http (and vendored), and the Maven
# artifact by its coordinates in a Spring Boot application.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash scripts/release.sh
echo "release.sh: $((SECONDS - started)) s"
source scripts/backend.sh
export WPN_DIST="$PWD/dist"
WPN_VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
export WPN_VERSION
for consumer in c cli python go java; do
    echo "=== consumer: $consumer"
    part=$SECONDS
    bash "tests/consumers/$consumer/run.sh"
    echo "consumer $consumer: $((SECONDS - part)) s"
done
echo "=== release: every artifact consumed as its users do"
