"""The Python API: argument forms, framework header objects, configuration, replies, v2."""

from __future__ import annotations

import email.message
import json
import pickle
import sys
import threading
import time
from datetime import timedelta
from typing import Any, Dict, List, Tuple

import pytest

import wechatpay_notify as wn
from testdata import (
    APIV3_KEY,
    CERT_A_SERIAL,
    PUBLIC_KEY_ID,
    TRANSACTION,
    key_text,
    vector_request,
    vector_verifier,
)
from wechatpay_notify.testing import Kit

NOW = 1_700_000_000
#: NOW as WeChat Pay writes create_time: RFC 3339 in Beijing time.
NOW_BEIJING = "2023-11-15T06:13:20+08:00"
EVENT_ID = "EV-2018022511223320873"


@pytest.fixture
def signed(wechatpay_kit: Kit) -> Tuple[Dict[str, str], bytes]:
    return wechatpay_kit.notification("transaction", TRANSACTION, id=EVENT_ID, timestamp=NOW)


def test_parse_gives_the_envelope_and_the_resource(
    wechatpay_kit: Kit, verifier: wn.Verifier, signed: Tuple[Dict[str, str], bytes]
) -> None:
    headers, body = signed
    n = verifier.parse(headers, body, now=NOW)
    assert n.id == EVENT_ID
    assert n.event_type == "TRANSACTION.SUCCESS"
    assert n.resource_type == "encrypt-resource"
    assert n.summary == "支付成功"
    assert n.original_type == "transaction"
    assert n.create_time == NOW_BEIJING
    assert n.serial == wechatpay_kit.key_id
    assert n.timestamp == NOW
    assert json.loads(n.plaintext) == TRANSACTION
    assert n.resource == TRANSACTION
    assert n.resource is n.resource
    assert list(n.resource) == list(json.loads(n.plaintext))
    text = repr(n)
    assert n.id in text and "oUpF8uMuAJO" not in text and "plaintext=<" in text


def test_certificate_serial_matches_case_insensitively(cert_kit: Kit) -> None:
    # The certificate is valid from a day ago: signed and checked at the system clock.
    headers, body = cert_kit.notification()
    serial = headers["Wechatpay-Serial"]
    assert serial == cert_kit.key_id == serial.upper() and serial != serial.lower()
    n = cert_kit.verifier().parse({**headers, "Wechatpay-Serial": serial.lower()}, body)
    assert n.serial == cert_kit.key_id


def test_system_clock_is_used_without_now(wechatpay_kit: Kit, verifier: wn.Verifier) -> None:
    headers, body = wechatpay_kit.notification(id=EVENT_ID)
    assert verifier.parse(headers, body).id == EVENT_ID
    headers, body = wechatpay_kit.notification(timestamp=NOW)
    with pytest.raises(wn.SignatureError) as skew:
        verifier.parse(headers, body)
    assert skew.value.code == "TIMESTAMP_SKEW"
    # now as float is floored; as something else it is a TypeError.
    verifier.verify(headers, body, now=NOW + 0.99)
    with pytest.raises(TypeError):
        verifier.verify(headers, body, now="1700000000")  # type: ignore[arg-type]


def test_verify_checks_authenticity_only(wechatpay_kit: Kit, verifier: wn.Verifier) -> None:
    # Sealed with another APIv3 key: authentic, so verify passes; parse cannot decrypt it.
    headers, body = wechatpay_kit.other_apiv3_key(timestamp=NOW)
    verifier.verify(headers, body, now=NOW)  # raises on failure
    with pytest.raises(wn.DecryptionError) as undecryptable:
        verifier.parse(headers, body, now=NOW)
    assert undecryptable.value.code == "DECRYPT_FAILED"
    # A signed body that is no notification at all (a conformance vector).
    vectors = vector_verifier("default")
    headers_list, garbage, now = vector_request("verify_ok_garbage_resource")
    vectors.verify(headers_list, garbage, now=now)
    with pytest.raises(wn.FormatError) as caught:
        vectors.parse(headers_list, garbage, now=now)
    assert caught.value.code == "MALFORMED_BODY"


def test_verify_response_accepts_any_body(wechatpay_kit: Kit, verifier: wn.Verifier) -> None:
    headers, xml = wechatpay_kit.xml_body(timestamp=NOW)
    assert xml.startswith(b"<xml>")
    verifier.verify_response(headers, xml, now=NOW)  # raises on failure
    with pytest.raises(wn.SignatureError):
        verifier.verify_response(headers, xml + b" ", now=NOW)
    with pytest.raises(wn.FormatError) as wrong:
        verifier.verify(headers, xml, now=NOW)
    assert wrong.value.code == "WRONG_FORMAT"
    # Signed bodies that are not JSON notifications, from the conformance vectors.
    vectors = vector_verifier("default")
    for name in ("verify_ok_body_not_json", "verify_wrong_format", "verify_ok_garbage_resource"):
        headers_list, body, now = vector_request(name)
        vectors.verify_response(headers_list, body, now=now)
        with pytest.raises(wn.SignatureError):
            vectors.verify_response(headers_list, body + b" ", now=now)


# ---------------------------------------------------------------- header objects


def header_forms(headers: Dict[str, str], body: bytes) -> Dict[str, Any]:
    """The same headers as every framework and convention hands them over."""
    from django.test import RequestFactory
    from starlette.datastructures import Headers as StarletteHeaders
    from starlette.requests import Request as StarletteRequest
    from werkzeug.datastructures import EnvironHeaders, Headers as WerkzeugHeaders
    from werkzeug.test import create_environ

    import django_app  # noqa: F401  (configures Django settings)

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    message = email.message.Message()
    for k, v in headers.items():
        message[k] = v
    django_request = RequestFactory().post(
        "/", data=body, content_type="application/json", headers=headers
    )
    scope = {"type": "http", "method": "POST", "path": "/", "headers": raw, "query_string": b""}
    return {
        "dict": dict(headers),
        "dict lower": {k.lower(): v for k, v in headers.items()},
        "dict upper": {k.upper(): v for k, v in headers.items()},
        "dict bytes": {k.encode(): v.encode() for k, v in headers.items()},
        "list of tuples": list(headers.items()),
        "list of lists": [[k, v] for k, v in headers.items()],
        "generator": ((k, v) for k, v in headers.items()),
        "asgi scope headers": raw,
        "cgi environ": {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
        "werkzeug Headers": WerkzeugHeaders(headers),
        "werkzeug EnvironHeaders": EnvironHeaders(create_environ(headers=headers)),
        "starlette Headers": StarletteHeaders(headers=headers),
        "starlette Request.headers": StarletteRequest(scope).headers,
        "django request.headers": django_request.headers,
        "django request.META": django_request.META,
        "email Message": message,
    }


def test_every_framework_header_object_is_read(
    verifier: wn.Verifier, signed: Tuple[Dict[str, str], bytes]
) -> None:
    headers, body = signed
    forms = header_forms(headers, body)
    assert len(forms) == 16
    for name, form in forms.items():
        assert verifier.parse(form, body, now=NOW).id == "EV-2018022511223320873", name
    # Tampered, each form refuses with the same code.
    for name, form in header_forms({**headers, "Wechatpay-Nonce": "other"}, body).items():
        with pytest.raises(wn.SignatureError) as caught:
            verifier.parse(form, body, now=NOW)
        assert caught.value.code == "SIGNATURE_MISMATCH", name


def test_django_meta_keeps_non_string_values(verifier: wn.Verifier, signed: Tuple[Dict[str, str], bytes]) -> None:
    headers, body = signed
    meta: Dict[str, Any] = {"wsgi.input": object(), "wsgi.version": (1, 0), "SERVER_PORT": 80}
    meta.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    assert verifier.parse(meta, body, now=NOW).id == "EV-2018022511223320873"


def test_header_rules_first_wins_and_trimmed(verifier: wn.Verifier, signed: Tuple[Dict[str, str], bytes]) -> None:
    headers, body = signed
    pairs: List[Tuple[str, str]] = [(k, f"  {v}\t") for k, v in headers.items()]
    assert verifier.parse(pairs, body, now=NOW).id
    repeated = list(headers.items()) + [("wechatpay-signature", "AAAA")]
    assert verifier.parse(repeated, body, now=NOW).id
    first_bad = [("WECHATPAY-SIGNATURE", "AAAA")] + list(headers.items())
    with pytest.raises(wn.SignatureError) as caught:
        verifier.parse(first_bad, body, now=NOW)
    assert caught.value.code == "MALFORMED_SIGNATURE"
    # Names that only look alike are not read.
    near = {k.replace("-", "_"): v for k, v in headers.items()}
    with pytest.raises(wn.SignatureError) as missing:
        verifier.parse(near, body, now=NOW)
    assert missing.value.code == "MISSING_HEADER"


def test_wsgi_latin1_header_strings_round_trip(wechatpay_kit: Kit) -> None:
    """WSGI/ASGI decode header bytes as Latin-1; a plain dict may carry the text itself (read
    as UTF-8 when a character does not fit Latin-1), or the bytes. The serial is not signed:
    the kit's callback is sent under a non-ASCII key id its public key is configured under,
    found only when the header value's bytes come back exactly."""
    key_id = "PUB_KEY_ID_随机"
    verifier = wn.Verifier(wechatpay_kit.apiv3_key, public_keys={key_id: wechatpay_kit.public_key_pem})
    headers, body = wechatpay_kit.notification(timestamp=NOW)
    utf8 = key_id.encode("utf-8")
    for serial in (utf8.decode("latin-1"), key_id, utf8, bytearray(utf8)):
        n = verifier.parse({**headers, "Wechatpay-Serial": serial}, body, now=NOW)
        assert n.serial == key_id
    # Bytes that differ (UTF-8 encoded twice) are another serial.
    with pytest.raises(wn.SignatureError) as unknown:
        verifier.parse({**headers, "Wechatpay-Serial": utf8.decode("latin-1").encode("utf-8")}, body, now=NOW)
    assert unknown.value.code == "UNKNOWN_SERIAL"


@pytest.mark.parametrize(
    "headers",
    ["Wechatpay-Serial: x", b"raw", 42, [("only-one",)], [("a", "b", "c")], [42], {1: "x"}],
)
def test_headers_of_the_wrong_shape_are_type_errors(verifier: wn.Verifier, headers: Any) -> None:
    with pytest.raises(TypeError):
        verifier.parse(headers, b"{}", now=NOW)


def test_header_values_of_the_wrong_type_are_type_errors(verifier: wn.Verifier) -> None:
    with pytest.raises(TypeError, match="Wechatpay-Timestamp"):
        verifier.parse({"Wechatpay-Timestamp": 1700000000}, b"{}", now=NOW)
    # Other entries are never looked at.
    with pytest.raises(wn.SignatureError):
        verifier.parse({"X-Other": 1}, b"{}", now=NOW)


def test_body_must_be_bytes_like_or_str(verifier: wn.Verifier, signed: Tuple[Dict[str, str], bytes]) -> None:
    headers, body = signed
    for wrong in (None, 1, [1, 2], {"a": 1}):
        with pytest.raises(TypeError, match="body"):
            verifier.parse(headers, wrong, now=NOW)  # type: ignore[arg-type]
    assert verifier.parse(headers, body.decode(), now=NOW).id
    assert verifier.parse(headers, bytearray(body), now=NOW).id
    assert verifier.parse(headers, memoryview(body), now=NOW).id
    with pytest.raises(wn.SignatureError):
        verifier.parse(headers, "\ud800" + body.decode(), now=NOW)


# ---------------------------------------------------------------- resource fidelity


@pytest.mark.parametrize(
    "resource",
    [
        {"a": 1, "b": -2, "c": 18446744073709551615, "d": -9223372036854775808},
        {"f": 0.1, "g": -0.0, "h": 2.5e-3, "e": 1e300, "n": -1.5e-300},
        {"z": 1, "a": 2, "m": {"y": [1, {"x": None}], "b": True, "c": False}},
        {"s": "\u00e9\U0001f600 \"quoted\" \\ \n\u0000", "empty": "", "arr": [], "obj": {}},
        [1, 2, 3],
        "just a string",
    ],
)
def test_resource_equals_json_loads(wechatpay_kit: Kit, verifier: wn.Verifier, resource: Any) -> None:
    headers, body = wechatpay_kit.notification("unknown", [resource], timestamp=NOW)
    n = verifier.parse(headers, body, now=NOW)
    expected = json.loads(n.plaintext)
    assert expected == [resource]
    assert n.resource == expected
    assert json.dumps(n.resource) == json.dumps(expected)
    headers, body = wechatpay_kit.notification("unknown", resource, timestamp=NOW)
    n = verifier.parse(headers, body, now=NOW)
    expected = json.loads(n.plaintext)
    assert n.resource == expected == resource
    assert json.dumps(n.resource) == json.dumps(expected)
    if isinstance(expected, dict):
        assert list(n.resource) == list(expected)


# ---------------------------------------------------------------- configuration


def test_configuration_forms() -> None:
    pub = key_text("test-platform-b.pub.pem")
    cert = key_text("test-platform-a.cert.pem")
    for verifier in (
        wn.Verifier(APIV3_KEY.encode(), public_keys=[(PUBLIC_KEY_ID, pub.encode())]),
        wn.Verifier(bytearray(APIV3_KEY.encode()), public_keys={PUBLIC_KEY_ID: pub}, max_clock_skew=timedelta(minutes=2)),
        wn.Verifier(APIV3_KEY, certificates=cert, max_clock_skew=120.7, max_body_size=4096),
        wn.Verifier(APIV3_KEY, certificates=(c for c in [cert.encode()])),
    ):
        assert verifier.key_ids in ([PUBLIC_KEY_ID], [CERT_A_SERIAL])
    v = wn.Verifier(APIV3_KEY, public_keys={PUBLIC_KEY_ID: pub}, certificates=[cert])
    assert v.key_ids == [PUBLIC_KEY_ID, CERT_A_SERIAL]
    assert v.max_clock_skew == wn.DEFAULT_MAX_CLOCK_SKEW == 300
    assert v.max_body_size == wn.DEFAULT_MAX_BODY_SIZE == 1024 * 1024
    assert wn.Verifier(APIV3_KEY, certificates=cert, max_clock_skew=timedelta(minutes=2)).max_clock_skew == 120
    assert APIV3_KEY not in repr(v) and PUBLIC_KEY_ID in repr(v)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"apiv3_key": "short"},
        {"apiv3_key": APIV3_KEY + "\n"},
        {"apiv3_key": APIV3_KEY, "public_keys": {}},
        {"apiv3_key": APIV3_KEY, "public_keys": {PUBLIC_KEY_ID: "garbage"}},
        {"apiv3_key": APIV3_KEY, "certificates": ["garbage"]},
        {"apiv3_key": APIV3_KEY, "public_keys": {PUBLIC_KEY_ID: key_text("test-rsa-1024.pub.pem")}},
        {"apiv3_key": APIV3_KEY, "public_keys": {PUBLIC_KEY_ID: key_text("test-ec-p256.pub.pem")}},
        {"apiv3_key": APIV3_KEY, "public_keys": {PUBLIC_KEY_ID: key_text("test-platform-b.pub.pem")}, "max_clock_skew": -1},
        {"apiv3_key": APIV3_KEY, "public_keys": {PUBLIC_KEY_ID: key_text("test-platform-b.pub.pem")}, "max_body_size": -5},
        {"apiv3_key": APIV3_KEY, "public_keys": {PUBLIC_KEY_ID: key_text("test-platform-b.pub.pem")}, "max_clock_skew": float("nan")},
    ],
)
def test_bad_configuration_is_config_error(kwargs: Dict[str, Any]) -> None:
    with pytest.raises(wn.ConfigError) as caught:
        wn.Verifier(**kwargs)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == "CONFIG_INVALID" and error.message
    assert APIV3_KEY not in str(error)


def test_configuration_type_errors() -> None:
    with pytest.raises(TypeError):
        wn.Verifier(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        wn.Verifier(APIV3_KEY, public_keys=[("only-id",)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        wn.Verifier(APIV3_KEY, certificates=42)  # type: ignore[arg-type]


# ---------------------------------------------------------------- errors and replies


def test_exceptions_pickle_and_compare() -> None:
    for cls in (wn.SignatureError, wn.DecryptionError, wn.FormatError, wn.ConfigError, wn.NotificationError):
        error = cls("SIGNATURE_MISMATCH", "m")
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is cls and copy.code == "SIGNATURE_MISMATCH" and copy.message == "m"
        assert str(copy) == "SIGNATURE_MISMATCH: m"
        assert repr(copy) == f"{cls.__name__}('SIGNATURE_MISMATCH', 'm')"
    assert issubclass(wn.SignatureError, wn.NotificationError)
    assert issubclass(wn.ConfigError, ValueError)


def test_replies() -> None:
    assert wn.reply_success() == (204, {}, b"")
    status, headers, body = wn.reply_failure(wn.SignatureError("SIGNATURE_MISMATCH", 'bad "sig"'))
    assert status == 401 and headers == {"Content-Type": "application/json"}
    assert json.loads(body) == {"code": "FAIL", "message": "SIGNATURE_MISMATCH: signature verification failed"}
    for code in wn.ERROR_CODES:
        expected = 401 if code in wn.AUTHENTICITY_CODES else 500
        assert wn.reply_failure(wn.NotificationError(code, "x")).status == expected
    assert wn.reply_failure(wn.ConfigError("CONFIG_INVALID", "x")).status == 500
    assert wn.reply_failure(wn.DecryptionError("DECRYPT_FAILED", "x"), status=503).status == 503
    r = wn.reply_failure("database unavailable")
    assert r.status == 500 and json.loads(r.body) == {"code": "FAIL", "message": "database unavailable"}
    # An exception's text is never sent: it may describe the merchant's own systems.
    assert json.loads(wn.reply_failure(RuntimeError("db at 10.0.0.5 down")).body)["message"] == "internal error"
    assert json.loads(wn.reply_failure(RuntimeError()).body)["message"] == "internal error"
    assert wn.reply_failure("x", status=429).status == 429
    assert wn.reply_failure(wn.NotificationError("NOT_A_CODE", "x")).status == 500
    # The body depends on the code only: never the error's (detailed, log-only) message.
    for code in wn.ERROR_CODES:
        detail = "configured: 1900000001 PUB_KEY_ID_0114232134912410000000000000"
        short, long = wn.reply_failure(wn.NotificationError(code, "x")), wn.reply_failure(wn.NotificationError(code, detail))
        assert short == long and len(short.body) < 120 and code.encode() in short.body
    assert wn.v2_reply_success() == (
        200,
        {"Content-Type": "application/xml"},
        b"<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>",
    )
    fail = wn.v2_reply_failure("签名失败 ]]> x")
    assert fail.status == 200 and b"FAIL" in fail.body
    assert "签名失败".encode() in fail.body and b"]]]]><![CDATA[>" in fail.body


# ---------------------------------------------------------------- APIv2


def test_v2_payment_and_refund(wechatpay_kit: Kit) -> None:
    v2 = wechatpay_kit.v2_verifier()
    fields = v2.parse_payment(wechatpay_kit.v2_payment(attach="订单", out_trade_no="1409811653"))
    assert fields["out_trade_no"] == "1409811653" and fields["attach"] == "订单"
    assert all(isinstance(v, str) for v in fields.values())
    xml = wechatpay_kit.v2_payment()
    assert v2.parse_payment(xml.decode()) == v2.parse_payment(bytearray(xml)) == v2.parse_payment(memoryview(xml))
    with pytest.raises(wn.SignatureError) as mismatch:
        wn.V2Verifier("x" * 32).parse_payment(xml)
    assert mismatch.value.code == "SIGNATURE_MISMATCH"
    with pytest.raises(wn.FormatError) as wrong:
        v2.parse_payment(b'{"id":"json"}')
    assert wrong.value.code == "WRONG_FORMAT"
    refund = v2.parse_refund(wechatpay_kit.v2_refund(out_refund_no="R1", refund_status="SUCCESS"))
    req_info = refund["req_info"]
    assert isinstance(req_info, dict) and all(isinstance(v, str) for v in req_info.values())
    assert (req_info["out_refund_no"], req_info["refund_status"]) == ("R1", "SUCCESS")
    assert refund["return_code"] == "SUCCESS" and "sign" not in refund
    with pytest.raises(wn.DecryptionError) as bad:
        wn.V2Verifier("y" * 32).parse_refund(wechatpay_kit.v2_refund())
    assert bad.value.code == "DECRYPT_FAILED"
    small = wn.V2Verifier(wechatpay_kit.v2_key, max_body_size=10)
    with pytest.raises(wn.FormatError) as large:
        small.parse_payment(xml)
    assert large.value.code == "BODY_TOO_LARGE"
    assert wechatpay_kit.v2_key not in repr(v2)
    with pytest.raises(wn.ConfigError):
        wn.V2Verifier("short")


def test_v2_diagnose_reports_every_check(wechatpay_kit: Kit) -> None:
    v2 = wechatpay_kit.v2_verifier()
    ok = v2.diagnose(wechatpay_kit.v2_payment())
    assert ok.kind == "v2_payment" and ok.ok and ok.error is None
    assert [c.step for c in ok.checks] == list(range(7))
    assert all(c.status == "passed" and c.code is None for c in ok.checks)
    bad = wn.V2Verifier("x" * 32).diagnose(wechatpay_kit.v2_payment(sign_type="HMAC-SHA256"))
    assert not bad.ok and isinstance(bad.error, wn.SignatureError)
    assert bad.error.code == "SIGNATURE_MISMATCH"
    assert [(c.step, c.status, c.code) for c in bad.checks if c.status != "passed"] == [
        (6, "failed", "SIGNATURE_MISMATCH")
    ]
    refund = v2.diagnose(wechatpay_kit.v2_refund(out_refund_no="R1"))
    assert refund.kind == "v2_refund" and refund.ok and len(refund.checks) == 6
    wrong_key = wn.V2Verifier("y" * 32).diagnose(wechatpay_kit.v2_refund())
    assert wrong_key.checks[5].code == "DECRYPT_FAILED" and wrong_key.error is not None
    json_body = v2.diagnose(b'{"id":"json"}')
    assert json_body.checks[1].code == "WRONG_FORMAT"
    assert {c.status for c in json_body.checks[2:]} == {"skipped"}


def test_v3_diagnose_matches_parse(verifier: wn.Verifier, signed: Tuple[Dict[str, str], bytes]) -> None:
    headers, body = signed
    ok = verifier.diagnose(headers, body, now=NOW)
    assert ok.kind == "v3" and ok.ok and len(ok.checks) == 16
    late = verifier.diagnose(headers, body, now=NOW + 3600)
    assert isinstance(late.error, wn.SignatureError) and late.error.code == "TIMESTAMP_SKEW"
    failed = [c for c in late.checks if c.status == "failed"]
    assert [(c.step, c.code) for c in failed] == [(5, "TIMESTAMP_SKEW")]
    # Past the skew, the signature and the decryption are still checked and pass.
    assert late.checks[10].status == "passed" and late.checks[14].status == "passed"
    assert "TIMESTAMP_SKEW" in repr(late)


# ---------------------------------------------------------------- threads and the GIL


def test_one_verifier_shared_by_many_threads(wechatpay_kit: Kit, verifier: wn.Verifier) -> None:
    ROUNDS = 250
    signed = [wechatpay_kit.notification("transaction", TRANSACTION, id=f"EV-{i}", timestamp=NOW) for i in range(8)]
    results: List[str] = []
    errors: List[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(ROUNDS):
                headers, body = signed[(i + offset) % len(signed)]
                n = verifier.parse(headers, body, now=NOW)
                assert n.resource["amount"]["total"] == 100
                results.append(n.id)
                with pytest.raises(wn.SignatureError):
                    verifier.parse(headers, body + b" ", now=NOW)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 8 * ROUNDS and set(results) == {f"EV-{i}" for i in range(8)}


def test_the_gil_is_released_during_verification(
    verifier: wn.Verifier, signed: Tuple[Dict[str, str], bytes]
) -> None:
    """With a long switch interval, another thread runs only when the GIL is given up."""
    headers, body = signed
    done = threading.Event()
    progress = 0

    def verify_many() -> None:
        # About 40 ms of verification: long enough that a loaded machine still switches often.
        for _ in range(2000):
            verifier.verify(headers, body, now=NOW)
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(5.0)
    try:
        worker = threading.Thread(target=verify_many)
        worker.start()
        time.sleep(0)  # let the worker take the GIL
        while not done.is_set():
            progress += 1
            time.sleep(0)
        worker.join()
    finally:
        sys.setswitchinterval(old)
    # Had verify kept the GIL, this thread could not have run until the worker finished.
    assert progress > 10
