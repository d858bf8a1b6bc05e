#!/usr/bin/env bash
# The framework examples' tests: for each of express, fastify, koa and nestjs, a clean install
# from its package-lock.json, a tsc build for the TypeScript one, then its notify.test.js
# (node --test); and test-runners, the testing kit under Jest and Vitest (npm test). They use
# the addon already built in bindings/node (scripts/test-node.sh builds it and calls this). Each
# dependency on wechatpay-notify is file:../.. , a link to bindings/node.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -f "$here/../index.js" ] || ! compgen -G "$here/../*.node" >/dev/null; then
  echo "examples/test.sh: build the addon in bindings/node first (no index.js or .node file)" >&2
  exit 1
fi

frameworks=("$@")
[ ${#frameworks[@]} -gt 0 ] || frameworks=(express fastify koa nestjs test-runners)

for framework in "${frameworks[@]}"; do
  echo "== bindings/node/examples/$framework"
  cd "$here/$framework"
  start=$(date +%s%N)
  # --ignore-scripts: none of these packages needs an install script, and the linked
  # bindings/node must not be rebuilt from here.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "npm ci: $(( ($(date +%s%N) - start) / 1000000 )) ms"
  if [ -f tsconfig.json ]; then
    npm run --silent build
  fi
  if node -e "process.exit(require('./package.json').scripts?.test ? 0 : 1)"; then
    npm test --silent # test-runners: the kit under Jest and Vitest
  else
    node --test --test-reporter=spec
  fi
done
