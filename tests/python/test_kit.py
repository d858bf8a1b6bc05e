"""The testing kit (``wechatpay_notify.testing``) checked against code that is not itself.

Every kind and every failure the kit builds is checked twice without the Rust core: with
``cryptography`` straight from WeChat Pay's documentation (RSASSA-PKCS1-v1_5 SHA-256 over
``timestamp\\nnonce\\nbody\\n``, AEAD_AES_256_GCM, the APIv2 MD5 / HMAC-SHA256 sign, the
AES-256-ECB ``req_info``), and with the reference verifier of ``tests/vectors/check_vectors.py``
(which shares no code with the library). Then ``kit.verifier()`` must agree: it accepts what
they accept and refuses each failure with the core's expected code (``FAILURES``).

Also: the kit's arguments, and the ``wechatpay_kit`` fixture through the installed entry point.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import importlib.metadata
import importlib.util
import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, padding as sym_padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import wechatpay_notify as wn
from testdata import ROOT, VECTORS
from wechatpay_notify.testing import FAILURES, Kit

Headers = Dict[str, str]
Callback = Tuple[Headers, bytes]

CATALOG: Dict[str, Dict[str, Any]] = {
    k["kind"]: k for k in json.loads((ROOT / "models" / "events.json").read_text(encoding="utf-8"))["kinds"]
}
KINDS = list(CATALOG)
SIGNATURE_HEADERS = {
    "Wechatpay-Serial",
    "Wechatpay-Signature",
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
    "Wechatpay-Signature-Type",
}
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def sample(kind: str) -> Any:
    """The documented sample resource of a kind (``models/samples``); ``{}`` for unknown."""
    if kind == "unknown":
        return {}
    return json.loads((ROOT / "models" / "samples" / f"{kind}.json").read_text(encoding="utf-8"))


def load_reference() -> Any:
    """``tests/vectors/check_vectors.py``, the vectors' independent reference implementation."""
    spec = importlib.util.spec_from_file_location("check_vectors", VECTORS / "check_vectors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = load_reference()


def reference(doc: Dict[str, Any], case: Dict[str, Any]) -> Dict[str, Any]:
    """The reference's verdict for one case (``evaluate`` gives it with the refusal)."""
    result = REFERENCE.evaluate(doc, case)
    verdict: Dict[str, Any] = result[0] if isinstance(result, tuple) else result
    return verdict


@pytest.fixture(scope="module", params=["public_key", "certificate"])
def kit(request: pytest.FixtureRequest, wechatpay_kit: Kit, cert_kit: Kit) -> Kit:
    return wechatpay_kit if request.param == "public_key" else cert_kit


# ---------------------------------------------------------------- the independent checks


def rsa_public_key(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def signature_verifies(public_key_pem: str, headers: Headers, body: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 SHA-256 of ``timestamp\\nnonce\\nbody\\n``, as documented."""
    message = (
        headers["Wechatpay-Timestamp"].encode() + b"\n" + headers["Wechatpay-Nonce"].encode() + b"\n" + body + b"\n"
    )
    signature = base64.b64decode(headers["Wechatpay-Signature"], validate=True)
    try:
        rsa_public_key(public_key_pem).verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def open_resource(apiv3_key: str, resource: Dict[str, Any]) -> bytes:
    """AEAD_AES_256_GCM: the 12-byte nonce, associated_data, base64(ciphertext || tag)."""
    assert resource["algorithm"] == "AEAD_AES_256_GCM"
    nonce = resource["nonce"].encode()
    assert len(nonce) == 12
    sealed = base64.b64decode(resource["ciphertext"], validate=True)
    return AESGCM(apiv3_key.encode()).decrypt(nonce, sealed, resource["associated_data"].encode())


def reference_verdict(kit: Kit, headers: Headers, body: bytes, now: int) -> Dict[str, Any]:
    """What the reference verifier gives for a callback, configured as ``kit.verifier()``."""
    pem = kit.certificate_pem
    config = {
        "apiv3_key": kit.apiv3_key,
        "public_keys": [] if pem else [{"id": kit.key_id, "pem": kit.public_key_pem}],
        "certificates": [pem] if pem else [],
        "max_clock_skew": wn.DEFAULT_MAX_CLOCK_SKEW,
        "max_body_size": wn.DEFAULT_MAX_BODY_SIZE,
    }
    case = {
        "type": "v3_parse",
        "verifier": "kit",
        "headers": [[k, v] for k, v in headers.items()],
        "body_hex": body.hex(),
        "now": now,
    }
    return reference({"verifiers": {"kit": config}}, case)


def flat_xml(data: bytes, root: str) -> Dict[str, str]:
    element = ET.fromstring(data)
    assert element.tag == root
    fields = {child.tag: child.text or "" for child in element}
    assert len(fields) == len(element) and all(len(child) == 0 for child in element)
    return fields


def v2_sign(fields: Dict[str, str], key: str, sign_type: str) -> str:
    """The APIv2 sign: non-empty fields but ``sign``, sorted, ``k=v&...&key=<key>``."""
    text = "&".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "sign" and v) + "&key=" + key
    if sign_type == "MD5":
        return hashlib.md5(text.encode()).hexdigest().upper()
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def open_req_info(v2_key: str, req_info: str) -> Dict[str, str]:
    """AES-256-ECB under the hex MD5 of the APIv2 key, PKCS#7, a flat ``<root>``."""
    key = hashlib.md5(v2_key.encode()).hexdigest().encode()
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    padded = decryptor.update(base64.b64decode(req_info, validate=True)) + decryptor.finalize()
    unpadder = sym_padding.PKCS7(128).unpadder()
    return flat_xml(unpadder.update(padded) + unpadder.finalize(), "root")


# ---------------------------------------------------------------- APIv3 callbacks of every kind


@pytest.mark.parametrize("kind", KINDS + ["unknown"])
def test_every_kind_is_signed_and_sealed_as_wechat_pay_does(kit: Kit, kind: str) -> None:
    headers, body = kit.notification(kind)
    now = int(time.time())

    # The headers: the kit's serial, the documented signature type, a fresh nonce.
    assert set(headers) == SIGNATURE_HEADERS | {"Content-Type"}
    assert headers["Wechatpay-Serial"] == kit.key_id
    assert headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"
    assert headers["Content-Type"] == "application/json"
    timestamp = int(headers["Wechatpay-Timestamp"])
    assert abs(timestamp - now) <= 60
    assert len(headers["Wechatpay-Nonce"]) == 32 and headers["Wechatpay-Nonce"].isalnum()
    assert len(headers["Wechatpay-Signature"]) == 344  # RSA-2048, base64
    assert signature_verifies(kit.public_key_pem, headers, body)

    # The body: compact JSON with raw UTF-8, the documented envelope.
    envelope = json.loads(body)
    assert body == json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    assert set(envelope) == {"id", "create_time", "resource_type", "event_type", "summary", "resource"}
    assert envelope["id"].startswith("EV-") and envelope["summary"]
    assert envelope["resource_type"] == "encrypt-resource"
    assert envelope["create_time"] == datetime.datetime.fromtimestamp(timestamp, BEIJING).isoformat()
    resource = envelope["resource"]
    if kind == "unknown":
        assert envelope["event_type"] == "UNKNOWN.EVENT"
        original_types: List[str] = []
    else:
        assert envelope["event_type"] in CATALOG[kind]["event_types"]
        original_types = CATALOG[kind]["original_types"]
    if original_types:
        assert resource["original_type"] == resource["associated_data"] == original_types[0]
    else:
        assert "original_type" not in resource and resource["associated_data"] == ""

    # The resource: sealed with the kit's APIv3 key, the kind's documented sample.
    plaintext = open_resource(kit.apiv3_key, resource)
    assert json.loads(plaintext) == sample(kind)

    # The reference verifier and the library accept it, with the same plaintext.
    verdict = reference_verdict(kit, headers, body, now)
    assert verdict.get("ok") is True, verdict
    assert verdict["plaintext"] == plaintext.decode() and verdict["id"] == envelope["id"]
    n = kit.verifier().parse(headers, body, now=now)
    assert n.plaintext == plaintext.decode() and n.id == envelope["id"] and n.serial == kit.key_id
    assert n.kind == kind
    if kind != "unknown":
        getattr(n, kind)()  # the typed accessor reads the sample


# ---------------------------------------------------------------- failures

# The kit's method of each failure of the core, and what makes it that failure, checked
# independently of the core.
FAILURE_METHODS: Dict[str, str] = {
    "probe": "probe",
    "tampered_body": "tampered",
    "stale_timestamp": "stale",
    "future_timestamp": "future",
    "other_apiv3_key": "other_apiv3_key",
    "unknown_serial": "unknown_serial",
    "xml_body": "xml_body",
    "reserialized": "reserialized",
}


def test_every_failure_of_the_core_has_its_method() -> None:
    assert set(FAILURES) == set(FAILURE_METHODS)
    assert set(FAILURES.values()) <= set(wn.ERROR_CODES)
    assert FAILURES["probe"] == "SIGNATURE_PROBE" and FAILURES["xml_body"] == "WRONG_FORMAT"


def check_failure(kit: Kit, failure: str, headers: Headers, body: bytes, at: int) -> None:
    """Asserts, without the core, that the callback is the failure it claims to be."""
    signed = signature_verifies(kit.public_key_pem, headers, body) if failure != "probe" else False
    timestamp = int(headers["Wechatpay-Timestamp"])
    if failure == "probe":
        assert headers["Wechatpay-Signature"].startswith("WECHATPAY/SIGNTEST/")
    elif failure in ("tampered_body", "reserialized"):
        assert not signed
        envelope = json.loads(body)  # still JSON, that decrypts: only the signed bytes changed
        open_resource(kit.apiv3_key, envelope["resource"])
        if failure == "reserialized":
            assert body != json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
            assert b"\n" in body
    elif failure in ("stale_timestamp", "future_timestamp"):
        assert signed
        assert timestamp == at + (-600 if failure == "stale_timestamp" else 600)
    elif failure == "other_apiv3_key":
        assert signed
        with pytest.raises(InvalidTag):
            open_resource(kit.apiv3_key, json.loads(body)["resource"])
    elif failure == "unknown_serial":
        assert signed
        assert headers["Wechatpay-Serial"] != kit.key_id
        assert headers["Wechatpay-Serial"].startswith("PUB_KEY_ID_")
    else:
        assert failure == "xml_body"
        assert signed and headers["Content-Type"] == "text/xml"
        fields = flat_xml(body, "xml")  # an APIv2 payment result, signed with the APIv2 key
        assert fields["sign"] == v2_sign(fields, kit.v2_key, "MD5")
    if failure not in ("stale_timestamp", "future_timestamp"):
        assert timestamp == at
    if failure != "unknown_serial":
        assert headers["Wechatpay-Serial"] == kit.key_id


@pytest.mark.parametrize("failure", list(FAILURE_METHODS))
def test_every_failure_is_what_it_says_and_refused_with_its_code(kit: Kit, failure: str) -> None:
    build: Callable[..., Callback] = getattr(kit, FAILURE_METHODS[failure])
    at = int(time.time())
    for kind in ("transaction", "refund"):
        headers, body = build(kind, timestamp=at, id="EV-failure", out_trade_no="T-failure")
        check_failure(kit, failure, headers, body, at)
        code = FAILURES[failure]
        assert reference_verdict(kit, headers, body, at) == {"error": code}
        with pytest.raises(wn.NotificationError) as refused:
            kit.verifier().parse(headers, body, now=at)
        assert refused.value.code == code, refused.value


# ---------------------------------------------------------------- the keys


def test_a_public_key_kit(wechatpay_kit: Kit) -> None:
    kit = wechatpay_kit
    assert kit.certificate_pem is None
    assert kit.key_id.startswith("PUB_KEY_ID_") and kit.key_id[11:].isdigit() and len(kit.key_id) == 39
    assert rsa_public_key(kit.public_key_pem).key_size == 2048
    assert kit.verifier().key_ids == [kit.key_id]
    for key in (kit.apiv3_key, kit.v2_key):
        assert len(key) == 32 and key.isalnum()
    assert kit.apiv3_key != kit.v2_key


def test_a_certificate_kit(cert_kit: Kit) -> None:
    pem = cert_kit.certificate_pem
    assert pem is not None and pem.startswith("-----BEGIN CERTIFICATE-----")
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert f"{cert.serial_number:X}" == cert_kit.key_id
    public = cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048
    assert public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode() == cert_kit.public_key_pem
    now = datetime.datetime.now(datetime.timezone.utc)
    assert cert.not_valid_before_utc <= now - datetime.timedelta(hours=23)
    assert cert.not_valid_after_utc >= now + datetime.timedelta(days=4 * 365)
    assert cert.issuer == cert.subject
    algorithm = cert.signature_hash_algorithm
    assert algorithm is not None
    public.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), algorithm)
    assert cert_kit.verifier().key_ids == [cert_kit.key_id]


def test_kits_are_independent_and_keep_their_keys_out_of_repr(wechatpay_kit: Kit, cert_kit: Kit) -> None:
    assert wechatpay_kit.key_id != cert_kit.key_id
    assert wechatpay_kit.apiv3_key != cert_kit.apiv3_key
    headers, body = cert_kit.notification()
    with pytest.raises(wn.SignatureError) as other:
        wechatpay_kit.verifier().parse(headers, body)
    assert other.value.code == "UNKNOWN_SERIAL"
    for kit in (wechatpay_kit, cert_kit):
        text = repr(kit)
        assert kit.key_id in text and kit.apiv3_key not in text and kit.v2_key not in text
        assert "PRIVATE" not in text


def test_the_keys_are_documented_as_test_keys() -> None:
    for name in ("key_id", "public_key_pem", "certificate_pem", "apiv3_key", "v2_key"):
        doc = getattr(Kit, name).__doc__
        assert doc and "TEST" in doc, name
    assert Kit.__doc__ and "TEST" in Kit.__doc__


# ---------------------------------------------------------------- APIv2


@pytest.mark.parametrize("sign_type", ["MD5", "HMAC-SHA256"])
def test_v2_payments_are_signed_with_the_v2_key(wechatpay_kit: Kit, sign_type: str) -> None:
    kit = wechatpay_kit
    xml = kit.v2_payment(sign_type, out_trade_no="T-v2", total_fee=88, attach="订单", openid=None)
    fields = flat_xml(xml, "xml")
    assert fields["sign"] == v2_sign(fields, kit.v2_key, sign_type)
    assert fields.get("sign_type", "MD5") == sign_type
    assert (fields["out_trade_no"], fields["total_fee"], fields["attach"]) == ("T-v2", "88", "订单")
    assert "openid" not in fields and fields["return_code"] == fields["result_code"] == "SUCCESS"
    verdict = reference(
        {"v2_keys": {"kit": kit.v2_key}}, {"type": "v2_payment", "v2_key": "kit", "body_hex": xml.hex()}
    )
    assert verdict == {"ok": True, "fields": fields}
    assert kit.v2_verifier().parse_payment(xml) == fields


def test_v2_refunds_are_encrypted_with_the_v2_key(wechatpay_kit: Kit) -> None:
    kit = wechatpay_kit
    xml = kit.v2_refund(out_refund_no="R-v2", refund_fee=7)
    fields = flat_xml(xml, "xml")
    req_info = open_req_info(kit.v2_key, fields.pop("req_info"))
    assert (req_info["out_refund_no"], req_info["refund_fee"]) == ("R-v2", "7")
    assert fields["return_code"] == "SUCCESS"
    verdict = reference(
        {"v2_keys": {"kit": kit.v2_key}}, {"type": "v2_refund", "v2_key": "kit", "body_hex": xml.hex()}
    )
    assert verdict == {"ok": True, "fields": fields, "req_info": req_info}
    parsed = kit.v2_verifier().parse_refund(xml)
    assert parsed.pop("req_info") == req_info and parsed == fields


# ---------------------------------------------------------------- arguments


def decrypted(kit: Kit, callback: Callback) -> Any:
    return json.loads(open_resource(kit.apiv3_key, json.loads(callback[1])["resource"]))


def test_overrides_merge_into_the_sample_and_resource_replaces_it(wechatpay_kit: Kit) -> None:
    kit = wechatpay_kit
    expected = sample("transaction")
    expected["out_trade_no"] = "T1"
    expected["amount"]["total"] = 1
    expected["payer"] = {"openid": "o-1", "extra": [1]}
    got = decrypted(kit, kit.notification(out_trade_no="T1", amount={"total": 1}, payer={"openid": "o-1", "extra": [1]}))
    assert got == expected
    replaced = decrypted(kit, kit.notification("refund", {"a": {"b": 1}}, a={"c": 2}, d=None))
    assert replaced == {"a": {"b": 1, "c": 2}, "d": None}
    assert decrypted(kit, kit.notification("unknown", [1, "x"])) == [1, "x"]


def test_envelope_arguments(wechatpay_kit: Kit) -> None:
    headers, body = wechatpay_kit.notification(
        "refund", event_type="REFUND.ABNORMAL", id="EV-own", timestamp=1_700_000_000
    )
    envelope = json.loads(body)
    assert (envelope["id"], envelope["event_type"]) == ("EV-own", "REFUND.ABNORMAL")
    assert headers["Wechatpay-Timestamp"] == "1700000000"
    assert envelope["create_time"] == "2023-11-15T06:13:20+08:00"
    n = wechatpay_kit.verifier().parse(headers, body, now=1_700_000_000)
    assert (n.kind, n.event_type, n.id) == ("refund", "REFUND.ABNORMAL", "EV-own")


def test_verifier_arguments_pass_through(wechatpay_kit: Kit) -> None:
    headers, body = wechatpay_kit.stale()
    lenient = wechatpay_kit.verifier(max_clock_skew=datetime.timedelta(minutes=20))
    assert lenient.max_clock_skew == 1200 and lenient.parse(headers, body).id
    small = wechatpay_kit.verifier(max_body_size=100)
    with pytest.raises(wn.FormatError) as large:
        small.parse(*wechatpay_kit.notification())
    assert large.value.code == "BODY_TOO_LARGE"
    with pytest.raises(wn.ConfigError):
        wechatpay_kit.verifier(max_clock_skew=-1)
    with pytest.raises(TypeError):
        wechatpay_kit.verifier(public_keys={})  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda k: k.notification("payment"), ValueError),
        (lambda k: k.notification(resource={1: "x"}), TypeError),
        (lambda k: k.notification(resource={"s": {1, 2}}), TypeError),
        (lambda k: k.notification(amount={"total": 2**64}), ValueError),
        (lambda k: k.notification(amount={"total": -(2**63) - 1}), ValueError),
        (lambda k: k.notification(amount={"total": float("nan")}), ValueError),
        (lambda k: k.notification(amount={"total": float("inf")}), ValueError),
        (lambda k: k.notification(resource=deep(200)), ValueError),
        (lambda k: k.notification(timestamp="1700000000"), TypeError),
        (lambda k: k.notification(timestamp=1.5), TypeError),
        (lambda k: k.notification(timestamp=2**70), ValueError),
        (lambda k: k.v2_payment("SHA1"), ValueError),
        (lambda k: k.v2_payment(total_fee=1.5), TypeError),
        (lambda k: k.v2_refund(refund_fee=None), TypeError),
    ],
)
def test_argument_errors(wechatpay_kit: Kit, call: Callable[[Kit], object], error: type) -> None:
    with pytest.raises(error):
        call(wechatpay_kit)


def deep(levels: int) -> Any:
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


def test_a_kit_is_shared_by_threads(wechatpay_kit: Kit) -> None:
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        callbacks = list(pool.map(lambda i: wechatpay_kit.notification(id=f"EV-{i}"), range(16)))
    verifier = wechatpay_kit.verifier()
    assert [verifier.parse(h, b).id for h, b in callbacks] == [f"EV-{i}" for i in range(16)]
    assert len({h["Wechatpay-Nonce"] for h, _ in callbacks}) == 16


# ---------------------------------------------------------------- pytest: optional, and the plugin


def run_python(*args: str, cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_testing_module_does_not_need_pytest() -> None:
    code = (
        "import sys, wechatpay_notify.testing as t\n"
        "assert 'pytest' not in sys.modules and '_pytest' not in sys.modules\n"
        "k = t.Kit(); k.verifier().parse(*k.notification())\n"
    )
    done = run_python("-c", code)
    assert done.returncode == 0, done.stderr


def test_the_plugin_is_an_installed_entry_point(request: pytest.FixtureRequest, wechatpay_kit: Kit) -> None:
    points = [e for e in importlib.metadata.entry_points(group="pytest11") if e.name == "wechatpay_notify"]
    assert [e.value for e in points] == ["wechatpay_notify.pytest_plugin"]
    plugin = request.config.pluginmanager.get_plugin("wechatpay_notify")
    assert plugin is not None and plugin.__name__ == "wechatpay_notify.pytest_plugin"
    # This test's wechatpay_kit came from it (conftest.py defines no such fixture).
    assert isinstance(wechatpay_kit, Kit)
    assert request.getfixturevalue("wechatpay_kit") is wechatpay_kit


def test_the_fixture_in_a_fresh_pytest_run(tmp_path: Path) -> None:
    """A project with no conftest: the installed package alone provides the fixture."""
    (tmp_path / "test_handler.py").write_text(
        "import wechatpay_notify.testing\n"
        "\n"
        "def test_two_lines(wechatpay_kit):\n"
        "    headers, body = wechatpay_kit.notification('transaction', out_trade_no='T1')\n"
        "    assert wechatpay_kit.verifier().parse(headers, body).transaction().out_trade_no == 'T1'\n"
        "\n"
        "def test_one_kit_per_session(wechatpay_kit):\n"
        "    assert isinstance(wechatpay_kit, wechatpay_notify.testing.Kit)\n"
        "    test_one_kit_per_session.seen = wechatpay_kit\n"
        "\n"
        "def test_same_kit(wechatpay_kit):\n"
        "    assert test_one_kit_per_session.seen is wechatpay_kit\n"
    )
    done = run_python("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
    disabled = run_python("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:wechatpay_notify", cwd=tmp_path)
    assert disabled.returncode != 0 and "fixture 'wechatpay_kit' not found" in disabled.stdout
