"""Every case of tests/vectors/notifications.json through the Python API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

import pytest

import wechatpay_notify as wn
from testdata import apiv3_keys_of, load_vectors, verifier_from_config

VECTORS = load_vectors()
MODELS: Dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "models" / "events.json").read_text(encoding="utf-8")
)
CASES: List[Dict[str, Any]] = VECTORS["cases"]

FAMILY: Dict[str, Type[Exception]] = {
    **{code: wn.SignatureError for code in wn.AUTHENTICITY_CODES},
    "BODY_TOO_LARGE": wn.FormatError,
    "WRONG_FORMAT": wn.FormatError,
    "MALFORMED_BODY": wn.FormatError,
    "MISSING_FIELD": wn.FormatError,
    "RETURN_FAIL": wn.FormatError,
    "UNSUPPORTED_ALGORITHM": wn.DecryptionError,
    "MALFORMED_RESOURCE": wn.DecryptionError,
    "DECRYPT_FAILED": wn.DecryptionError,
    "CONFIG_INVALID": wn.ConfigError,
    "UNEXPECTED_EVENT": wn.FormatError,
}


def build_verifier(name: str) -> wn.Verifier:
    """``verifiers[name]``: the single-merchant form as ``Verifier(apiv3_key, public_keys=...,
    certificates=...)``, the ``merchants`` form as ``Verifier.for_merchants([Merchant(...),
    ...])``, one ``Merchant`` per entry in array order (tests/vectors/README.md)."""
    return verifier_from_config(VECTORS["verifiers"][name])


def has_merchants(name: str) -> bool:
    return "merchants" in VECTORS["verifiers"][name]


def headers_of(case: Dict[str, Any]) -> List[Tuple[str, str]]:
    return [(name, value) for name, value in case["headers"]]


def outcome(run: Callable[[], Any]) -> Tuple[Optional[Any], Optional[BaseException]]:
    try:
        return run(), None
    except Exception as error:  # noqa: BLE001 - the test inspects whatever is raised
        return None, error


def check_error(case: Dict[str, Any], error: Optional[BaseException]) -> str:
    """Asserts the expected code, class, attributes and message; returns the code."""
    code = case["expect"]["error"]
    assert error is not None, f"{case['name']}: accepted, expected {code}"
    assert isinstance(error, FAMILY[code]), f"{case['name']}: {error!r}"
    if code == "CONFIG_INVALID":
        assert isinstance(error, ValueError) and not isinstance(error, wn.NotificationError)
    else:
        assert isinstance(error, wn.NotificationError)
    assert getattr(error, "code") == code, f"{case['name']}: {error!r}"
    message = getattr(error, "message")
    assert isinstance(message, str) and message
    assert str(error) == f"{code}: {message}"
    for part in case["expect"].get("message_contains", []):
        assert part in message, f"{case['name']}: {part!r} not in {message!r}"
    return str(code)


def run_case(case: Dict[str, Any]) -> Optional[str]:
    """Runs one case; returns the error code it produced, if any."""
    kind = case["type"]
    expect = case["expect"]
    body = bytes.fromhex(case["body_hex"]) if "body_hex" in case else b""
    if kind == "v3_config":
        _, error = outcome(lambda: build_verifier(case["verifier"]))
        return check_error(case, error)
    if kind == "v2_config":
        _, error = outcome(lambda: wn.V2Verifier(VECTORS["v2_keys"][case["v2_key"]]))
        return check_error(case, error)
    if kind in ("v3_parse", "v3_verify"):
        verifier = build_verifier(case["verifier"])
        headers = headers_of(case)
        now = case["now"]
        verified, verify_error = outcome(lambda: verifier.verify(headers, body, now=now))
        if kind == "v3_verify":
            if "error" in expect:
                return check_error(case, verify_error)
            assert verify_error is None and verified is None, f"{case['name']}: {verify_error!r}"
            return None
        parsed, error = outcome(lambda: verifier.parse(headers, body, now=now))
        if error is not None and getattr(error, "code", "") in wn.AUTHENTICITY_CODES + ("BODY_TOO_LARGE", "WRONG_FORMAT"):
            # verify() runs the same first steps and stops at the same one.
            assert verify_error is not None and getattr(verify_error, "code") == getattr(error, "code")
        if "error" in expect:
            return check_error(case, error)
        assert error is None, f"{case['name']}: {error!r}"
        assert verify_error is None
        assert isinstance(parsed, wn.Notification)
        for field in ("id", "create_time", "event_type", "resource_type", "summary", "original_type", "plaintext"):
            assert getattr(parsed, field) == expect[field], f"{case['name']}: {field}"
        assert parsed.resource == json.loads(expect["plaintext"])
        assert parsed.serial in verifier.key_ids
        assert parsed.timestamp == int(dict((k.lower(), v) for k, v in reversed(headers))["wechatpay-timestamp"].strip())
        assert parsed.kind == expect["kind"], case["name"]
        # The merchant: null (None) exactly for a single-merchant verifier.
        assert parsed.mchid == expect["mchid"], f"{case['name']}: mchid {parsed.mchid!r}"
        assert (parsed.mchid is not None) == has_merchants(case["verifier"]), case["name"]
        if parsed.mchid is not None:
            assert parsed.mchid in verifier.mchids
        else:
            assert verifier.mchids == []
        check_events(case, parsed)
        return None
    v2 = wn.V2Verifier(VECTORS["v2_keys"][case["v2_key"]])
    if kind == "v2_payment":
        fields, error = outcome(lambda: v2.parse_payment(body))
        if "error" in expect:
            return check_error(case, error)
        assert error is None, f"{case['name']}: {error!r}"
        assert fields == expect["fields"]
        return None
    assert kind == "v2_refund", kind
    refund, error = outcome(lambda: v2.parse_refund(body))
    if "error" in expect:
        return check_error(case, error)
    assert error is None, f"{case['name']}: {error!r}"
    assert isinstance(refund, dict)
    req_info = refund.pop("req_info")
    assert refund == expect["fields"]
    assert req_info == expect["req_info"]
    return None


def field_at(value: Any, path: str) -> Any:
    """A dotted path (``amount.total``, ``promotion_detail.0.amount``) into a typed result."""
    for step in path.split("."):
        value = value[int(step)] if step.isdigit() else getattr(value, step)
    return value


def check_events(case: Dict[str, Any], n: wn.Notification) -> None:
    """Every typed accessor of an ``event_`` case, called by its kind's name
    (tests/vectors/README.md)."""
    expect = case["expect"]
    events: Dict[str, str] = expect.get("events", {})
    if events:
        assert sorted(events) == sorted(wn.events.KINDS), case["name"]
    for kind, want in events.items():
        typed, error = outcome(getattr(n, kind))
        if want == "ok":
            assert error is None, f"{case['name']}: {kind}: {error!r}"
            model = dict((k["kind"], k["model"]) for k in MODELS["kinds"])[kind]
            assert type(typed) is getattr(wn.events, model), f"{case['name']}: {typed!r}"
            for path, value in expect.get("event_fields", {}).items():
                assert field_at(typed, path) == value, f"{case['name']}: {path}"
            continue
        assert isinstance(error, wn.NotificationError), f"{case['name']}: {kind}: {error!r}"
        assert error.code == want, f"{case['name']}: {kind}: {error!r}"
        assert isinstance(error, FAMILY[want])
        if kind == n.kind:
            if "event_error_contains" in expect:
                assert expect["event_error_contains"] in error.message, error.message
            if "event_error_excludes" in expect:
                assert expect["event_error_excludes"] not in error.message, error.message
        else:
            assert n.event_type in error.message, error.message


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector_case(case: Dict[str, Any]) -> None:
    run_case(case)


def test_vectors_cover_every_code_and_every_code_has_its_class() -> None:
    assert len(CASES) >= 100
    assert len({c["name"] for c in CASES}) == len(CASES)
    seen = {code for code in (run_case(c) for c in CASES) if code is not None}
    # Accessor codes (UNEXPECTED_EVENT) come from the typed accessors (check_events).
    seen |= {want for c in CASES for want in c["expect"].get("events", {}).values() if want != "ok"}
    assert seen == set(wn.ERROR_CODES)
    assert set(FAMILY) == set(wn.ERROR_CODES)
    assert len(wn.ERROR_CODES) == 19


def test_body_as_str_bytearray_memoryview_gives_the_same_result() -> None:
    ok = [c for c in CASES if c["type"] == "v3_parse" and c["expect"].get("ok") and "body" in c]
    assert ok
    for case in ok:
        verifier = build_verifier(case["verifier"])
        raw = bytes.fromhex(case["body_hex"])
        for body in (case["body"], bytearray(raw), memoryview(raw)):
            n = verifier.parse(headers_of(case), body, now=case["now"])
            assert n.plaintext == case["expect"]["plaintext"]


def secrets_of_vectors() -> List[str]:
    """Keys of length >= 8 and distinctive plaintext values of every valid case."""
    import json

    secrets = [key for v in VECTORS["verifiers"].values() for key in apiv3_keys_of(v) if len(key) >= 8]
    secrets += [str(k) for k in VECTORS["v2_keys"].values() if len(str(k)) >= 8]
    for case in CASES:
        plaintext = case["expect"].get("plaintext")
        if case["type"] != "v3_parse" or not isinstance(plaintext, str):
            continue
        try:
            resource = json.loads(plaintext)
        except ValueError:
            continue
        if not isinstance(resource, dict):
            continue
        for key in ("out_trade_no", "transaction_id", "out_refund_no"):
            if isinstance(resource.get(key), str):
                secrets.append(resource[key])
        payer = resource.get("payer")
        if isinstance(payer, dict) and isinstance(payer.get("openid"), str):
            secrets.append(payer["openid"])
    return secrets


def error_messages(case: Dict[str, Any]) -> List[str]:
    """Every error the API raises for one case, as str() and repr()."""
    kind = case["type"]
    body = bytes.fromhex(case["body_hex"]) if "body_hex" in case else b""
    runs: List[Callable[[], Any]] = []
    if kind == "v3_config":
        runs.append(lambda: build_verifier(case["verifier"]))
    elif kind == "v2_config":
        runs.append(lambda: wn.V2Verifier(VECTORS["v2_keys"][case["v2_key"]]))
    elif kind in ("v3_parse", "v3_verify"):
        verifier = build_verifier(case["verifier"])
        headers, now = headers_of(case), case["now"]
        runs.append(lambda: verifier.verify(headers, body, now=now))
        runs.append(lambda: verifier.parse(headers, body, now=now))
    else:
        v2 = wn.V2Verifier(VECTORS["v2_keys"][case["v2_key"]])
        runs.append(lambda: v2.parse_payment(body))
        runs.append(lambda: v2.parse_refund(body))
    messages: List[str] = []
    for run in runs:
        _, error = outcome(run)
        if error is not None:
            messages += [str(error), repr(error), str(getattr(error, "message", ""))]
    return messages


def test_no_error_message_contains_a_key_or_plaintext() -> None:
    secrets = secrets_of_vectors()
    assert len(secrets) > 10
    checked = 0
    for case in CASES:
        if "error" not in case["expect"]:
            continue
        messages = error_messages(case)
        assert messages, f"{case['name']}: expected an error"
        for message in messages:
            checked += 1
            for secret in secrets:
                assert secret not in message, f"{case['name']}: message reveals a secret"
    assert checked > 100, f"only {checked} error messages checked"


def test_the_merchants_cases_are_run() -> None:
    """The ``merchants`` verifier form and its cases (docs/merchants.md) are in the vectors,
    and run above: each merchant has an accepted case, the refusals check their messages."""
    with_merchants = [name for name, config in VECTORS["verifiers"].items() if "merchants" in config]
    assert with_merchants
    named = {c["expect"]["mchid"] for c in CASES if c["type"] == "v3_parse" and c["expect"].get("ok")}
    for name in with_merchants:
        config = VECTORS["verifiers"][name]
        built = outcome(lambda: build_verifier(name))[0]
        if built is not None:
            assert built.mchids == [m["mchid"] for m in config["merchants"]]
            assert set(built.mchids) <= named, name
    assert any("message_contains" in c["expect"] for c in CASES)
    assert any(c["type"] == "v3_config" and has_merchants(c["verifier"]) for c in CASES)
