#!/usr/bin/env bash
# Python: build and install the wheel with `pip install .` into .venv (reusing target/), then
# pytest (vectors, peers, API, diagnosis, example apps, fuzzing), mypy --strict over the tests
# and examples, and stubtest of the hand-written stubs against the compiled module.
# Benchmarks (benches/python_vs_wechatpayv3.py) are not run here.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export CARGO_TARGET_DIR="$root/target"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
export HYPOTHESIS_STORAGE_DIRECTORY="$root/.venv/hypothesis"

python3 -m venv .venv
py="$root/.venv/bin/python"
"$py" -m pip install --quiet --upgrade pip
"$py" -m pip install --quiet -r tests/python/requirements.txt

# The real install path of a user: build backend maturin (from PyPI, isolated), release
# profile, abi3 wheel. Cargo reuses the workspace's target/ from test-rust.sh.
# The backend of scripts/backend.sh, chosen the way a user building from source chooses it.
source scripts/backend.sh
MATURIN_PEP517_ARGS="${BACKEND_PY_FEATURES[*]}" "$py" -m pip install --quiet --force-reinstall --no-deps .

# The conformance vectors are what their generator makes, and its independent checker agrees.
"$py" tests/vectors/generate.py --check
"$py" -m pytest tests/python -q -p no:cacheprovider
"$py" -m mypy --strict --no-incremental
"$py" -m mypy --strict --no-incremental python/wechatpay_notify
# Run outside the source tree so only the installed package (binary + stubs) is seen.
(cd "$root/.venv" && "$py" -m mypy.stubtest wechatpay_notify --mypy-config-file "$root/pyproject.toml")
echo "python: pytest, mypy --strict and stubtest passed"
