"""The one abi3 wheel on another CPython: every APIv3 parse case, the standard library only.

    python abi3_check.py VECTORS VERSION BACKEND REPO

Runs on the oldest CPython the package supports (3.8) and the newest one found (run.sh), with
no third-party package but wechatpay_notify. Prints ``abi3 <python>: N passed, M failed``
and exits non-zero on any failure.
"""

import json
import platform
import sys
from pathlib import Path

import wechatpay_notify as wn


def main() -> int:
    vectors_path, version, backend, repo = sys.argv[1:]
    failures = []
    if wn.__version__ != version:
        failures.append(f"__version__ is {wn.__version__}, expected {version}")
    if wn.BACKEND != backend:
        failures.append(f"BACKEND is {wn.BACKEND}, expected {backend}")
    package = Path(wn.__file__).resolve()
    if Path(repo).resolve() in package.parents or Path(sys.prefix).resolve() not in package.parents:
        failures.append(f"imported from {package}, not from the venv {sys.prefix}")
    with open(vectors_path, encoding="utf-8") as vectors_file:
        vectors = json.load(vectors_file)
    verifiers = {}
    passed = 0
    for case in vectors["cases"]:
        if case["type"] != "v3_parse":
            continue
        name = case["verifier"]
        if name not in verifiers:
            config = vectors["verifiers"][name]
            if "merchants" in config:  # several merchants (docs/merchants.md)
                verifiers[name] = wn.Verifier.for_merchants(
                    [
                        wn.Merchant(
                            m["mchid"],
                            m["apiv3_key"],
                            public_keys=[(k["id"], k["pem"]) for k in m["public_keys"]],
                            certificates=m["certificates"],
                        )
                        for m in config["merchants"]
                    ],
                    max_clock_skew=config["max_clock_skew"],
                    max_body_size=config["max_body_size"],
                )
        if name not in verifiers:
            config = vectors["verifiers"][name]
            verifiers[name] = wn.Verifier(
                config["apiv3_key"],
                public_keys={key["id"]: key["pem"] for key in config["public_keys"]},
                certificates=config["certificates"],
                max_clock_skew=config["max_clock_skew"],
                max_body_size=config["max_body_size"],
            )
        headers = [(header, value) for header, value in case["headers"]]
        body = bytes.fromhex(case["body_hex"])
        expect = case["expect"]
        try:
            notification = verifiers[name].parse(headers, body, now=case["now"])
        except wn.NotificationError as error:
            reply = wn.reply_failure(error)
            if expect.get("error") != error.code:
                failures.append(f"{case['name']}: {error.code}, expected {expect}")
            elif reply.status != (401 if error.code in wn.AUTHENTICITY_CODES else 500):
                failures.append(f"{case['name']}: reply {reply.status}")
            else:
                passed += 1
            continue
        if not expect.get("ok"):
            failures.append(f"{case['name']}: accepted, expected {expect}")
        elif (notification.id, notification.plaintext) != (expect["id"], expect["plaintext"]):
            failures.append(f"{case['name']}: wrong notification {notification.id}")
        elif wn.reply_success() != (204, {}, b""):
            failures.append(f"{case['name']}: reply_success is {wn.reply_success()}")
        else:
            passed += 1
    for failure in failures:
        print("FAILED " + failure)
    print(f"abi3 CPython {platform.python_version()} {platform.machine()}: {passed} passed, {len(failures)} failed")
    return 1 if failures or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
