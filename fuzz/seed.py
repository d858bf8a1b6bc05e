#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from tests/vectors/ (run by fuzz/run.sh)."""
import base64
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"


def write(target: str, data: bytes) -> None:
    folder = ROOT / "fuzz" / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> int:
    vectors = json.loads((VECTORS / "notifications.json").read_text())
    for case in vectors["cases"]:
        body = bytes.fromhex(case.get("body_hex", ""))
        if case["type"].startswith("v3_") and "headers" in case:
            head = "".join(f"{k}: {v}\n" for k, v in case["headers"]).encode()
            write("parse_v3", head + b"\n" + body)
            crlf = "".join(f"{k}: {v}\r\n" for k, v in case["headers"]).encode()
            write("raw_request", b"POST /notify HTTP/1.1\r\n" + crlf + b"\r\n" + body)
        elif case["type"].startswith("v2_") and body:
            write("v2_xml", body)
    for config in vectors["verifiers"].values():
        for pem in config.get("certificates", []) + [k["pem"] for k in config.get("public_keys", [])]:
            write("load_keys", pem.encode())
    for pem in (VECTORS / "keys").glob("*.pem"):
        if "key.pem" not in pem.name:
            write("load_keys", pem.read_bytes())
    aes = json.loads((VECTORS / "wycheproof" / "aes_gcm_test.json").read_text())
    for group in aes["testGroups"]:
        for t in group["tests"][:8]:
            sealed = base64.b64encode(bytes.fromhex(t["ct"] + t["tag"]))
            write("decrypt_resource", b"\x00" + bytes.fromhex(t["iv"]) + b"\xff" + bytes.fromhex(t["aad"]) + b"\xff" + sealed)
    java = json.loads((VECTORS / "peers" / "wechatpay-java.json").read_text())
    write("decrypt_resource", b"\x00" + java["certificate_download"]["response_body"].encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
