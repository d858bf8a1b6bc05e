#!/usr/bin/env python3
"""Writes the licences of the Rust crates compiled into a release artifact.

    python3 scripts/third_party_licenses.py PACKAGE [--features F] [--target T] > THIRD-PARTY-LICENSES.txt

The crates are those PACKAGE (a workspace member, e.g. wechatpay-notify-ffi) links, found by
`cargo metadata`: its normal dependencies, transitively, with the features and target given,
never build scripts' or tests' dependencies, which are not in the binary. For each crate the
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


def metadata(features: str | None, target: str | None) -> dict:
    cmd = ["cargo", "metadata", "--format-version", "1", "--locked"]
    if features:
        cmd += ["--features", features]
    if target:
        cmd += ["--filter-platform", target]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def linked(meta: dict, root_name: str) -> list[dict]:
    """The packages root_name links: itself excluded, normal dependencies only, and no
    procedural macro (it runs in the compiler) nor what only a macro depends on."""
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    roots = [i for i in meta["workspace_members"] if packages[i]["name"] == root_name]
    if len(roots) != 1:
        sys.exit(f"third_party_licenses.py: no workspace member called {root_name}")
    seen, stack = set(), list(roots)
    while stack:
        node = nodes[stack.pop()]
        for dep in node["deps"]:
            macro = any("proc-macro" in t["kind"] for t in packages[dep["pkg"]]["targets"])
            normal = any(k["kind"] is None for k in dep["dep_kinds"])
            if normal and not macro and dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                stack.append(dep["pkg"])
    members = set(meta["workspace_members"])
    return sorted((packages[i] for i in seen if i not in members), key=lambda p: (p["name"], p["version"]))


def license_files(package: dict) -> list[Path]:
    crate_dir = Path(package["manifest_path"]).parent
    return sorted(
        f for f in crate_dir.iterdir() if f.is_file() and f.name.upper().startswith(LICENSE_PREFIXES)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package")
    parser.add_argument("--features")
    parser.add_argument("--target")
    args = parser.parse_args()
    crates = linked(metadata(args.features, args.target), args.package)
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
