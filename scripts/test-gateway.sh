#!/usr/bin/env bash
# Gateway: `wechatpay-notify serve` and `inbox` as real processes (tests/gateway, pytest):
# nothing lost across SIGKILL (SQLite and PostgreSQL), the retry schedule, dead letters,
# retry-dead and replay, a two-process fleet on PostgreSQL, bad input, SIGTERM. Every
# forwarded message is verified with the `standardwebhooks` package. Prints the
# GATEWAY-FIGURES lines of the closing note.
# Reuses the release build (target/release/wechatpay-notify) and the .venv of
# scripts/test-python.sh; starts a throwaway PostgreSQL 15 (scripts/postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

export WPN_CLI="${WPN_CLI:-$root/target/release/wechatpay-notify}"
if [ ! -x "$WPN_CLI" ]; then
    source scripts/native-build.sh
    native_build
fi

python3 -m venv .venv
py="$root/.venv/bin/python"
"$py" -m pip install --quiet -r tests/gateway/requirements.txt
if ! "$py" -c "import wechatpay_notify" 2>/dev/null; then
    # As scripts/test-python.sh installs it: the release build of the wheel, reusing target/.
    export CARGO_TARGET_DIR="$root/target"
    source scripts/backend.sh
    MATURIN_PEP517_ARGS="${BACKEND_PY_FEATURES[*]}" "$py" -m pip install --quiet --force-reinstall --no-deps .
fi

source scripts/postgres.sh
pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/wpn-pg.XXXXXX")"
trap 'pg_stop "$pg_dir"' EXIT
pg_start "$pg_dir"
export WPN_PG_URL

"$py" -m pytest tests/gateway -p no:cacheprovider -q -s

# The receivers of examples/gateway (plain PHP, Express) over HTTP, with signed messages and a
# real serve in front of them.
bash examples/gateway/test_receivers.sh

# Speed (a benchmark, not a timed test: it fails only if a callback is not accepted or not
# forwarded): accepted callbacks per second and time-to-204 at 1,000 callbacks/s offered and in
# a closed loop, for each store, against the bare parse of the same callbacks.
load="$root/target/release/examples/serve_load"
source scripts/backend.sh
[ -x "$load" ] || cargo build --release -p wechatpay-notify-cli "${BACKEND_CARGO_FEATURES[@]}" --example serve_load
echo "--- serve: throughput and time-to-204 on this machine ($(nproc) cores)"
for store in sqlite "$(pg_createdb load)"; do
    for mode in "--rate 1000" "--rate 0 --concurrency 32"; do
        # shellcheck disable=SC2086 # the mode is two or four words
        figures="$("$load" --serve "$WPN_CLI" --store "$store" --count 5000 $mode)"
        echo "${figures%%$'\n'*}"
    done
done

echo "gateway: all passed"
