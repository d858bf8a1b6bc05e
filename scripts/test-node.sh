#!/usr/bin/env bash
# Node.js (bindings/node, crates/wechatpay-notify-node): the addon built by napi-rs's own build
# (`napi build`, release profile, in the shared target/), its declarations (native.d.ts)
# regenerated and compared with the committed file, the package's types checked by tsc --strict,
# then node --test (every conformance vector, the API, the typed events, the kit, no secret in
# any message, worker_threads and parseAsync under load), the framework examples over HTTP
# (Express, Fastify, Koa, NestJS: bindings/node/examples/test.sh), and the benchmark against
# wechatpay-node-v3 (bindings/node/benches/run.sh: it prints the ratio; it fails only on a wrong
# result). The released packages are tested by tests/consumers/node/run.sh (scripts/test-release.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export CARGO_TERM_COLOR=never npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
source scripts/backend.sh
node --version

cd bindings/node
# The package's build tools (@napi-rs/cli, TypeScript, @types/node), pinned by package-lock.json.
npm ci --no-audit --no-fund --loglevel=error
committed="$(mktemp)"
trap 'rm -f "$committed"' EXIT
cp native.d.ts "$committed"
# The backend of scripts/backend.sh, as for every other artifact.
npx napi build --platform --release \
    --manifest-path "$root/crates/wechatpay-notify-node/Cargo.toml" --package-json-path package.json \
    --target-dir "$root/target" --output-dir . --no-js \
    --dts native.d.ts --dts-header "$(cat native-dts-header.txt)" "${BACKEND_CARGO_FEATURES[@]}"
if ! diff -u "$committed" native.d.ts; then
    echo "bindings/node/native.d.ts is stale: commit the file napi build wrote (above)" >&2
    exit 1
fi
npx tsc -p tsconfig.json
node --test --test-reporter=spec test/
bash examples/test.sh
bash benches/run.sh
echo "node: declarations, tsc, node --test, framework examples and benchmark passed"
