#!/usr/bin/env bash
# Go binding (bindings/go): go vet, then go test -race (every conformance vector, the peer SDK
# samples, the net/http handler on an httptest server, 16 goroutines sharing one verifier,
# Close/finalizers, the examples, and a reduced leak check), then the leak check again without
# the race detector at a larger count. The full check (1,000,000 parses, RSS growth < 10 MB):
#   cd bindings/go && WPN_LEAK_ITERATIONS=1000000 go test -run '^TestLeak$' -v .
# Benchmarks against wechatpay-go (not run here):
#   cd bindings/go && go test -run '^$' -bench . -benchmem
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
go vet ./...
go test -race -count=1 ./...
# The other way to link (for a module fetched with go get): -tags wechatpay_notify_external.
CGO_CFLAGS="-I$root/target/native/include" CGO_LDFLAGS="-L$root/target/native/lib" \
    go test -count=1 -tags wechatpay_notify_external -run '^(TestVersion|TestVectors)$' .
WPN_LEAK_ITERATIONS="${WPN_LEAK_ITERATIONS:-100000}" go test -count=1 -run '^TestLeak$' -v .
