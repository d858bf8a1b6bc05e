#!/usr/bin/env bash
# Tests the gateway receiver examples over real HTTP with real Standard Webhooks messages
# (test_receivers.py says what is checked). Installs what it needs: PHP with pdo_sqlite from
# Debian when missing, the Express example's npm packages (npm ci, from its package-lock.json,
# in a copy outside the repo) and the PyPI standardwebhooks library (into the repo's .venv
# when scripts/test-python.sh made it, else into a throwaway venv).
# When target/release/wechatpay-notify (or $WECHATPAY_NOTIFY_BIN) has `serve`, each receiver is
# also fed by a real serve; GATEWAY_TEST_SERVE=0 skips that, =1 requires it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
export DEBIAN_FRONTEND=noninteractive npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

apt_install() {
    apt-get install -y -qq "$@" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; }
}

if ! command -v php >/dev/null || ! php -m | grep -qx pdo_sqlite; then
    echo "installing php-cli and php-sqlite3 (Debian)"
    apt_install php-cli php-sqlite3
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "installing nodejs and npm (Debian)"
    apt_install nodejs npm
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/wpn-gateway-receivers.XXXXXX")"
trap 'rm -rf "$work"' EXIT

mkdir "$work/express"
cp "$here/express/package.json" "$here/express/package-lock.json" "$here/express/server.js" "$work/express/"
(cd "$work/express" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

py="$root/.venv/bin/python"
if [ ! -x "$py" ]; then
    python3 -m venv "$work/venv"
    py="$work/venv/bin/python"
fi
"$py" -m pip install --quiet -r "$here/requirements.txt"

echo "php $(php -r 'echo PHP_VERSION;'), node $(node --version), express and standardwebhooks from package-lock.json, python standardwebhooks $("$py" -c 'import importlib.metadata as m; print(m.version("standardwebhooks"))')"
"$py" "$here/test_receivers.py" --php-dir "$here/php" --express-dir "$work/express" --work "$work/run" \
    --binary "${WECHATPAY_NOTIFY_BIN:-$root/target/release/wechatpay-notify}"
