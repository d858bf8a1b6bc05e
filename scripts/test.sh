#!/usr/bin/env bash
# Runs every test in every language. This is the README's test command and what CI runs.
# Each language has its own script under scripts/; they share one release build in target/.
# Each part's wall time is printed at the end (the budget: 45 minutes from a fresh clone).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
started=$SECONDS
times=()
for part in rust c python node cli gateway go java release; do
    script="scripts/test-$part.sh"
    if [ -f "$script" ]; then
        echo "=== $part ==="
        part_started=$SECONDS
        bash "$script"
        times+=("$part $((SECONDS - part_started)) s")
    fi
done
echo "=== all test suites passed in $((SECONDS - started)) s ==="
printf '  %s\n' "${times[@]}"
