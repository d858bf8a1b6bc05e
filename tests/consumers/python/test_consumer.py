"""The released Python package, installed from dist/ into a fresh venv, serving real HTTP.

Run by run.sh, once in a venv that installed the wheel (no Rust toolchain on PATH) and once in
one that built the sdist. A Flask app (consumer_app.py) listens on 127.0.0.1 through werkzeug's
server in a thread; urllib posts the APIv3 cases of tests/vectors/notifications.json to it.

Environment: WPN_VERSION, WPN_EXPECT_BACKEND (the backend this install must report: the
release's for the wheel, ``ring`` for the sdist), WPN_VECTORS (the vectors file), WPN_REPO (the
source tree, which the package must not be imported from), WPN_ARTIFACT (file name of the wheel
or sdist installed), WPN_CONSUMER (``wheel`` or ``sdist``), WPN_CONSUMER_VENV (the venv).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from werkzeug.serving import make_server

import wechatpay_notify as wn
from consumer_app import Recorder, create_app

VERSION = os.environ["WPN_VERSION"]
BACKEND = os.environ["WPN_EXPECT_BACKEND"]
REPO = Path(os.environ["WPN_REPO"]).resolve()
ARTIFACT = os.environ["WPN_ARTIFACT"]
CONSUMER = os.environ["WPN_CONSUMER"]
VENV = Path(os.environ["WPN_CONSUMER_VENV"]).resolve()

with open(os.environ["WPN_VECTORS"], encoding="utf-8") as vectors_file:
    VECTORS: Dict[str, Any] = json.load(vectors_file)
assert VECTORS["format"] == 1, VECTORS["format"]

V3_CASES: List[Dict[str, Any]] = [c for c in VECTORS["cases"] if c["type"] == "v3_parse"]
VALID = [c for c in V3_CASES if c["expect"].get("ok") is True]
REFUSED = [c for c in V3_CASES if "error" in c["expect"]]
XML = [c for c in REFUSED if c["expect"]["error"] == "WRONG_FORMAT"]
assert len(VALID) >= 20 and XML, "the vectors lost their valid or XML APIv3 cases"


def build_verifier(config: Dict[str, Any]) -> wn.Verifier:
    if "merchants" in config:  # several merchants behind one notify_url (docs/merchants.md)
        return wn.Verifier.for_merchants(
            [
                wn.Merchant(
                    m["mchid"],
                    m["apiv3_key"],
                    public_keys=[(key["id"], key["pem"]) for key in m["public_keys"]],
                    certificates=m["certificates"],
                )
                for m in config["merchants"]
            ],
            max_clock_skew=config["max_clock_skew"],
            max_body_size=config["max_body_size"],
        )
    return wn.Verifier(
        config["apiv3_key"],
        public_keys={key["id"]: key["pem"] for key in config["public_keys"]},
        certificates=config["certificates"],
        max_clock_skew=config["max_clock_skew"],
        max_body_size=config["max_body_size"],
    )


class Clock:
    """The app's clock: each case is replayed at its own ``now``."""

    now = 0

    def __call__(self) -> int:
        return self.now


class Server:
    def __init__(self) -> None:
        names = sorted({case["verifier"] for case in V3_CASES})
        verifiers = {name: build_verifier(VECTORS["verifiers"][name]) for name in names}
        self.clock = Clock()
        self.recorder = Recorder()
        app = create_app(verifiers, self.clock, self.recorder)
        self._http = make_server("127.0.0.1", 0, app, threaded=True)
        self.base = f"http://127.0.0.1:{self._http.server_port}/wechatpay/notify/"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._http.shutdown()
        self._thread.join(timeout=10)
        self._http.server_close()

    def post(
        self, case: Dict[str, Any], body: Optional[bytes] = None, content_type: str = "application/json"
    ) -> Tuple[int, str, bytes]:
        """Posts a case as WeChat Pay would at the case's ``now``: (status, content type, body)."""
        self.clock.now = case["now"]
        headers: Dict[str, str] = {}
        # HTTP joins a repeated header into one value; the first occurrence is the one that
        # counts (tests/vectors/README.md), so only that one is sent.
        for name, value in case["headers"]:
            if name.lower() not in {n.lower() for n in headers}:
                headers[name] = value
        if "content-type" not in {n.lower() for n in headers}:
            headers["Content-Type"] = content_type
        data = bytes.fromhex(case["body_hex"]) if body is None else body
        request = urllib.request.Request(
            self.base + case["verifier"], data=data, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.close()


def failure_message(content_type: str, body: bytes) -> str:
    """Asserts the APIv3 FAIL JSON; returns its message."""
    assert content_type.startswith("application/json"), content_type
    data = json.loads(body)
    assert data["code"] == "FAIL" and set(data) == {"code", "message"}, data
    message = data["message"]
    assert isinstance(message, str)
    return message


def test_installed_package_is_the_released_artifact() -> None:
    assert wn.__version__ == VERSION
    assert importlib.metadata.version("wechatpay-notify") == VERSION
    assert wn.BACKEND == BACKEND
    # Imported from this venv's site-packages, not from the source tree.
    package = Path(wn.__file__ or "").resolve()
    assert sys.prefix == str(VENV) or Path(sys.prefix).resolve() == VENV, sys.prefix
    assert VENV in package.parents, package
    assert REPO not in package.parents, package
    native = Path(wn._native.__file__ or "")
    assert native.name.startswith("_native.abi3."), native.name
    assert (package.parent / "py.typed").is_file() and (package.parent / "_native.pyi").is_file()
    # pip recorded which file it installed.
    direct_url = importlib.metadata.distribution("wechatpay-notify").read_text("direct_url.json")
    assert direct_url, "no direct_url.json: not installed from a file"
    url = json.loads(direct_url)["url"]
    assert url.startswith("file://") and url.endswith("/" + ARTIFACT), url
    if CONSUMER == "wheel":
        assert shutil.which("cargo") is None and shutil.which("rustc") is None
    else:
        assert CONSUMER == "sdist", CONSUMER


@pytest.mark.parametrize("case", VALID, ids=[c["name"] for c in VALID])
def test_valid_callback_is_answered_204_and_recorded(server: Server, case: Dict[str, Any]) -> None:
    before = len(server.recorder.accepted())
    status, _, body = server.post(case)
    assert (status, body) == (204, b"")
    accepted = server.recorder.accepted()
    assert len(accepted) == before + 1
    merchant, notification = accepted[-1]
    assert merchant == case["verifier"]
    expect = case["expect"]
    assert notification.id == expect["id"]
    assert notification.plaintext == expect["plaintext"]
    for field in ("create_time", "event_type", "resource_type", "summary", "original_type"):
        assert getattr(notification, field) == expect[field], field


@pytest.mark.parametrize("case", VALID, ids=[c["name"] for c in VALID])
def test_tampered_body_is_answered_401(server: Server, case: Dict[str, Any]) -> None:
    body = bytearray.fromhex(case["body_hex"])
    # One character of the encrypted resource changed: the signature no longer covers the body.
    at = body.index(b'"ciphertext":"') + len(b'"ciphertext":"')
    body[at] = ord("A") if body[at] != ord("A") else ord("B")
    before = len(server.recorder.accepted())
    status, content_type, reply = server.post(case, bytes(body))
    assert status == 401
    assert failure_message(content_type, reply).startswith("SIGNATURE_MISMATCH: ")
    assert len(server.recorder.accepted()) == before


@pytest.mark.parametrize("case", XML, ids=[c["name"] for c in XML])
def test_xml_to_the_v3_url_is_wrong_format(server: Server, case: Dict[str, Any]) -> None:
    before = len(server.recorder.accepted())
    status, content_type, reply = server.post(case, content_type="text/xml")
    assert status == 500
    assert failure_message(content_type, reply).startswith("WRONG_FORMAT: ")
    assert len(server.recorder.accepted()) == before


@pytest.mark.parametrize("case", REFUSED, ids=[c["name"] for c in REFUSED])
def test_refused_callback_is_answered_with_its_code(server: Server, case: Dict[str, Any]) -> None:
    code = case["expect"]["error"]
    before = len(server.recorder.accepted())
    status, content_type, reply = server.post(case)
    assert status == (401 if code in wn.AUTHENTICITY_CODES else 500), (status, reply)
    assert failure_message(content_type, reply).startswith(code + ": "), reply
    assert len(server.recorder.accepted()) == before
