"""``Verifier.diagnose`` names the signs of a re-serialized body (the most common cause of
``SIGNATURE_MISMATCH``): in ``Diagnosis.hints`` and in step 10's message; ``parse`` and the
verdict never do (``docs/protocol.md``, "Signs of a re-serialized body")."""

from __future__ import annotations

import json

import wechatpay_notify as wn
from wechatpay_notify.testing import Kit

NOW = 1_700_000_000


def test_a_body_re_encoded_by_json_dumps_is_named(wechatpay_kit: Kit, verifier: wn.Verifier) -> None:
    headers, body = wechatpay_kit.notification("transaction", id="EV/2024/1", timestamp=NOW)
    # What a handler that verifies json.dumps(request.get_json()) hands the verifier:
    # ", " and ": " separators, 支付成功 as \uXXXX.
    reencoded = json.dumps(json.loads(body)).encode()
    d = verifier.diagnose(headers, reencoded, now=NOW)
    assert not d.ok and d.error is not None and d.error.code == "SIGNATURE_MISMATCH"
    assert isinstance(d.hints, tuple)
    assert set(d.hints) == {"space_after_colon", "space_after_comma", "unicode_escapes"}
    step_10 = d.checks[10]
    assert (step_10.status, step_10.code) == ("failed", "SIGNATURE_MISMATCH")
    assert "the body looks re-serialized: it has" in step_10.message
    assert "non-ASCII text escaped as \\uXXXX" in step_10.message
    # The verdict is parse's: the same code, without the signs.
    assert step_10.message.startswith(d.error.message)
    assert "looks re-serialized" not in d.error.message
    # The diagnosis goes on: the resource still decrypts.
    assert d.checks[14].status == "passed"


def test_the_kits_reserialized_callback_and_php_escapes(wechatpay_kit: Kit, verifier: wn.Verifier) -> None:
    d = verifier.diagnose(*wechatpay_kit.reserialized(timestamp=NOW), now=NOW)
    assert d.hints == ("line_breaks", "indentation", "space_after_colon")
    assert "line breaks inside the JSON (pretty-printed)" in d.checks[10].message
    headers, body = wechatpay_kit.notification("transaction", id="EV/2024/1", timestamp=NOW)
    php = body.replace(b"EV/2024/1", b"EV\\/2024\\/1")
    assert verifier.diagnose(headers, php, now=NOW).hints == ("escaped_slashes",)


def test_no_hint_without_the_signs(wechatpay_kit: Kit, verifier: wn.Verifier) -> None:
    ok = verifier.diagnose(*wechatpay_kit.notification(timestamp=NOW), now=NOW)
    assert ok.ok and ok.hints == ()
    tampered = verifier.diagnose(*wechatpay_kit.tampered(timestamp=NOW), now=NOW)
    assert tampered.error is not None and tampered.error.code == "SIGNATURE_MISMATCH"
    assert tampered.hints == ()
    assert tampered.checks[10].message == tampered.error.message
    v2 = wn.V2Verifier(wechatpay_kit.v2_key).diagnose(wechatpay_kit.v2_payment())
    assert v2.hints == ()
