#!/usr/bin/env bash
# Runs every test in every language. This is the README's test command and what CI runs.
# Each language has its own script under scripts/; they share one release build in target/.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
for part in rust c python node cli gateway go java release; do
    script="scripts/test-$part.sh"
    if [ -f "$script" ]; then
        echo "=== $part ==="
        bash "$script"
    fi
done
echo "=== all test suites passed ==="
