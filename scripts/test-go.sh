#!/usr/bin/env bash
# Go binding (bindings/go): gofmt, the generated error codes (codes_gen.go) regenerated from the
# C header and compared with the working tree, a published go.mod that requires nothing, go vet,
# then go test -race (every conformance vector, the net/http handler on an httptest server, 16
# goroutines sharing one verifier, Close/finalizers, the examples, and a reduced leak check),
# then the leak check again without the race detector at a larger count; then the bench module
# (bindings/go/bench: the peer SDK samples, the comparison with the floor and wechatpay-go, the
# benchmarks), go vet and go test -race there. The full leak check (1,000,000 parses, RSS growth
# < 10 MB):
#   cd bindings/go && WPN_LEAK_ITERATIONS=1000000 go test -run '^TestLeak$' -v .
# Benchmarks and the comparison against the floor and wechatpay-go (not run here):
#   cd bindings/go/bench && go run . && go test -run '^$' -bench . -benchmem
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# cgo links bindings/go/build/linux-x86_64/libwechatpay_notify.a with the header in
# bindings/go/build/include/, which native_build copies from target/native (the shared build,
# a no-op after scripts/test-rust.sh).
source scripts/native-build.sh
native_build

# Go >= 1.22 (go.mod); the machine's Go switches to a newer toolchain by itself if needed.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
go version

cd bindings/go
export CGO_ENABLED=1
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
    echo "gofmt needed: $unformatted" >&2
    exit 1
fi
# codes_gen.go is what `go generate` makes from the header (errors.go): regenerate it into a
# temporary file and compare it with the working tree's.
generated="$(mktemp)"
trap 'rm -f "$generated"' EXIT
go run ./internal/gencodes -header ../../include/wechatpay_notify.h -o "$generated"
if ! diff -u codes_gen.go "$generated"; then
    echo "codes_gen.go is not what the header gives: run 'go generate' in bindings/go" >&2
    exit 1
fi
# The published module requires nothing (the peers' SDKs are the bench module's).
deps="$(go list -m all)"
if [ "$deps" != "$(go list -m)" ]; then
    echo "bindings/go/go.mod requires other modules:" $deps >&2
    exit 1
fi
go vet ./...
go test -race -count=1 ./...
# The other way to link (for a module fetched with go get): -tags wechatpay_notify_external.
CGO_CFLAGS="-I$root/target/native/include" CGO_LDFLAGS="-L$root/target/native/lib" \
    go test -count=1 -tags wechatpay_notify_external -run '^(TestVersion|TestVectors)$' .
WPN_LEAK_ITERATIONS="${WPN_LEAK_ITERATIONS:-100000}" go test -count=1 -run '^TestLeak$' -v .
# The bench module (its own go.mod: wechatpay-go, and this binding through a replace).
cd bench
go vet ./...
go test -race -count=1 ./...
