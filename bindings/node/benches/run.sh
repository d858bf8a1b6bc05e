#!/usr/bin/env bash
# Installs the benchmark's dependencies (wechatpay-node-v3, pinned with its package-lock.json;
# this package from .. as a link) and runs the benchmark of wechatpay-notify against
# wechatpay-node-v3. Not a test of speed: it fails only when a result is wrong. Needs the addon
# built (bindings/node/wechatpay-notify.linux-x64-gnu.node). Arguments go to the benchmark, e.g.
#   bash bindings/node/benches/run.sh --rounds 7 --iterations 3000
set -euo pipefail
cd "$(dirname "$0")"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
npm ci --no-audit --no-fund --loglevel=error >/dev/null
exec node node_vs_wechatpay_node_v3.js "$@"
