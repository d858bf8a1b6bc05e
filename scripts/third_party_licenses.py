#!/usr/bin/env python3
"""Writes the licences of the Rust crates compiled into a release artifact.

    python3 scripts/third_party_licenses.py PACKAGE [--no-default-features] [--features F] [--target T] > THIRD-PARTY-LICENSES.txt

The crates are those PACKAGE (a workspace member, e.g. wechatpay-notify-ffi) links, found by
`cargo metadata`: its normal dependencies, transitively, with the feature flags (those of
scripts/backend.sh, BACKEND_CARGO_FEATURES) and target given, never build scripts' or tests'
dependencies, which are not in the binary. For each crate the
file gives its name, version and licence expression, then the text of every licence file the
crate ships (LICENSE*, LICENCE*, COPYING*, NOTICE*): AWS-LC's and ring's licences (OpenSSL,
SSLeay, ISC) ask that a binary distribution reproduce their notices, and the MIT crates' that
their notice go with every copy. Read from the crates' own files, so it is never stale.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

LICENSE_PREFIXES = ("LICENSE", "LICENCE", "COPYING", "NOTICE")


def run(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def linked(package: str, flags: list[str], target: str | None) -> list[dict]:
    """The packages PACKAGE links, as cargo resolves them for its build (`cargo tree`: the graph
    of `cargo metadata` keeps optional dependencies that only a weak feature such as
    `ring?/alloc` names): normal dependencies only, no procedural macro (it runs in the
    compiler) nor what only a macro depends on, the workspace's own crates left out."""
    # Every package the lock file can use, for its licence and its directory.
    meta = json.loads(run(["cargo", "metadata", "--format-version", "1", "--locked", "--all-features"]))
    members = set(meta["workspace_members"])
    if not any(p["name"] == package for p in meta["packages"] if p["id"] in members):
        sys.exit(f"third_party_licenses.py: no workspace member called {package}")
    tree = ["cargo", "tree", "--locked", "-p", package, "--edges", "normal,no-proc-macro"]
    tree += ["--prefix", "none", "--format", "{p}", *flags]
    if target:
        tree += ["--target", target]
    wanted = set()
    for line in run(tree).splitlines():
        name, version = line.split(" ")[:2]  # "NAME vVERSION", then "(PATH)" or "(*)" or nothing
        wanted.add((name, version[1:]))
    found = [p for p in meta["packages"] if (p["name"], p["version"]) in wanted]
    missing = wanted - {(p["name"], p["version"]) for p in found}
    if missing:
        sys.exit(f"third_party_licenses.py: not in cargo metadata: {sorted(missing)}")
    return sorted((p for p in found if p["id"] not in members), key=lambda p: (p["name"], p["version"]))


def license_files(package: dict) -> list[Path]:
    crate_dir = Path(package["manifest_path"]).parent
    return sorted(
        f for f in crate_dir.iterdir() if f.is_file() and f.name.upper().startswith(LICENSE_PREFIXES)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package")
    parser.add_argument("--no-default-features", action="store_true")
    parser.add_argument("--features")
    parser.add_argument("--target")
    args = parser.parse_args()
    flags = ["--no-default-features"] if args.no_default_features else []
    if args.features:
        flags += ["--features", args.features]
    crates = linked(args.package, flags, args.target)
    out = sys.stdout
    out.write(
        "Third-party software compiled into this artifact of wechatpay-notify (itself under the\n"
        "Apache License 2.0, in LICENSE), with the licence files each crate ships.\n\n"
    )
    for p in crates:
        out.write(f"  {p['name']} {p['version']}: {p.get('license') or 'see its licence file'}\n")
    # Each distinct licence text once, after the crates that ship it.
    texts: dict[str, list[str]] = {}
    for p in crates:
        for f in license_files(p):
            text = f.read_text(encoding="utf-8", errors="replace").rstrip() + "\n"
            texts.setdefault(text, []).append(f"{p['name']} {p['version']} ({f.name})")
    for text, shipped_by in texts.items():
        out.write("\n" + "=" * 100 + "\n")
        out.write("\n".join(shipped_by) + "\n")
        out.write("=" * 100 + "\n\n")
        out.write(text)


if __name__ == "__main__":
    main()
