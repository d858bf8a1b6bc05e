#!/usr/bin/env python3
"""Generates each language's types for the event catalog from `models/events.json`, and the
Java binding's mirror of the C header (`include/wechatpay_notify.h`: `codegen/java_natives.py`).

    python3 models/generate.py           # rewrite the generated files
    python3 models/generate.py --check   # fail (exit 1) if any generated file is stale

The test command runs `--check`, as it regenerates and compares the C header. Every output
starts with a line saying it is generated; edit `events.json` or `models/codegen/`, never the
outputs. Standard library only.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, List, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from codegen import schema  # noqa: E402
from codegen import rust  # noqa: E402

Backend = Callable[[schema.Catalog], Dict[str, str]]


def backends() -> List[Tuple[str, Backend]]:
    """Each language's generator: a function from the catalog to {repo path: content}."""
    found: List[Tuple[str, Backend]] = [
        ("rust", lambda c: {
            "crates/wechatpay-notify/src/models.rs": rust.generate(c),
            "crates/wechatpay-notify/src/testing/samples.rs": rust.kit_samples(c),
        }),
    ]
    # java_natives mirrors the C header (include/wechatpay_notify.h), not the catalog.
    for name in ("python", "go", "java", "java_natives", "node"):
        try:
            module = __import__(f"codegen.{name}", fromlist=["outputs"])
        except ModuleNotFoundError:
            continue
        found.append((name, module.outputs))
    return found


# Outputs are passed through their language's formatter, so that the formatting checks of the
# test command (cargo fmt --check, gofmt -l) hold for generated code too.
FORMATTERS = {
    ".rs": ["rustfmt", "--edition", "2021"],
    ".go": ["gofmt"],
}


def formatted(rel: str, content: str) -> str:
    command = FORMATTERS.get(Path(rel).suffix)
    if command is None:
        return content
    if shutil.which(command[0]) is None:
        raise SystemExit(f"{command[0]} is needed to generate {rel}")
    result = subprocess.run(command, input=content, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed on {rel}:\n{result.stderr}")
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    catalog = schema.load(HERE / "events.json")
    stale = 0
    for name, backend in backends():
        for rel, content in backend(catalog).items():
            content = formatted(rel, content)
            path = ROOT / rel
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current == content:
                continue
            if args.check:
                stale += 1
                sys.stdout.writelines(difflib.unified_diff(
                    current.splitlines(True), content.splitlines(True),
                    f"{rel} (checked in)", f"{rel} (generated)", n=1))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
                print(f"{name}: wrote {rel}")
    if stale:
        print(f"{stale} generated file(s) are stale: run python3 models/generate.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
