#!/usr/bin/env bash
# Runs every fuzz target for N seconds each (default 60): bash fuzz/run.sh [SECONDS] [TARGET...]
# cargo-fuzz needs nightly features; on a stable toolchain RUSTC_BOOTSTRAP=1 enables them.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
python3 seed.py
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
for t in "${targets[@]}"; do
    echo "=== fuzz $t for ${seconds}s ==="
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 | tail -n 12
done
