"""The plaintext is parsed once: ``.resource``, ``.kind`` and the typed accessors all come from
the same parse (issue: the plaintext was parsed three times for one ``n.transaction()``).

The core decides the kind and decodes the model from the parsed tree that ``.resource`` is
built from, with the messages it gives from the text, and the dataclasses are built straight
from that model: they equal what their own ``__init__`` makes from ``.resource``. A plaintext
the tree does not hold (a float, an integer beyond 64 bits) is read from the text instead,
which gives the reference messages compared here.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any, Dict, List, Optional, Tuple

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import wechatpay_notify as wn
from testdata import APIV3_KEY, KEYS, PUBLIC_KEY_ID, vector_verifier
from wechatpay_notify.testing import Kit

NOW = 1_700_000_000


def parsed(kit: Kit, kind: str, resource: Optional[Any] = None, **overrides: Any) -> wn.Notification:
    headers, body = kit.notification(kind, resource, timestamp=NOW, **overrides)
    return kit.verifier().parse(headers, body, now=NOW)


def sample(kit: Kit, kind: str) -> Dict[str, Any]:
    """The kit's sample resource of ``kind``, as a fresh dict."""
    resource: Dict[str, Any] = json.loads(parsed(kit, kind).plaintext)
    return resource


def raw(plaintext: str, event_type: str = "TRANSACTION.SUCCESS", original_type: str = "transaction") -> wn.Notification:
    """A callback whose resource is exactly ``plaintext`` (the kit writes its JSON from Python
    values, so it has no repeated keys and no integers beyond 64 bits), signed by the vectors'
    public key B and checked by their ``default`` verifier."""
    nonce = "0123456789ab"
    sealed = AESGCM(APIV3_KEY.encode()).encrypt(nonce.encode(), plaintext.encode(), b"transaction")
    envelope = {
        "id": "EV-once",
        "create_time": "2023-11-15T06:13:20+08:00",
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": "once",
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(sealed).decode(),
            "associated_data": "transaction",
            "nonce": nonce,
        },
    }
    body = json.dumps(envelope, separators=(",", ":")).encode()
    key = serialization.load_pem_private_key((KEYS / "test-platform-b.key.pem").read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    ts, header_nonce = str(NOW), "once-nonce"
    signature = key.sign(f"{ts}\n{header_nonce}\n".encode() + body + b"\n", padding.PKCS1v15(), hashes.SHA256())
    headers = {
        "Wechatpay-Timestamp": ts,
        "Wechatpay-Nonce": header_nonce,
        "Wechatpay-Signature": base64.b64encode(signature).decode(),
        "Wechatpay-Serial": PUBLIC_KEY_ID,
    }
    return vector_verifier("default").parse(headers, body, now=NOW)


def shared_values(typed: Any, value: Any) -> int:
    """Checks that the typed resource ``typed`` holds what the dict ``value`` holds at the same
    places (an absent optional field is None), and that each dataclass is exactly what its own
    ``__init__`` makes from those values (equal, same hash, frozen); returns how many strings
    were compared."""
    if dataclasses.is_dataclass(typed):
        assert isinstance(value, dict)
        compared = 0
        for field in dataclasses.fields(typed):
            item = getattr(typed, field.name)
            if item is None:
                assert value.get(field.name) is None, field.name
                continue
            compared += shared_values(item, value[field.name])
        cls: Any = type(typed)
        rebuilt = cls(**{f.name: getattr(typed, f.name) for f in dataclasses.fields(typed)})
        assert rebuilt == typed and hash(rebuilt) == hash(typed) and vars(rebuilt) == vars(typed)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(typed, dataclasses.fields(typed)[0].name, None)
        return compared
    if isinstance(typed, tuple):
        assert isinstance(value, list) and len(value) == len(typed)
        return sum(shared_values(t, v) for t, v in zip(typed, value))
    assert typed == value and type(typed) is type(value)
    return 1 if isinstance(typed, str) else 0


@pytest.mark.parametrize("kind", wn.events.KINDS)
def test_the_typed_resource_holds_the_resource_dicts_values(wechatpay_kit: Kit, kind: str) -> None:
    n = parsed(wechatpay_kit, kind)
    typed = getattr(n, kind)()
    # Built once, from the model decoded from the tree `.resource` is built from.
    assert getattr(n, kind)() is typed
    assert shared_values(typed, n.resource) >= 2
    assert n.kind == kind
    # The other order: the dict first, then the typed resource.
    n = parsed(wechatpay_kit, kind)
    resource = n.resource
    assert shared_values(getattr(n, kind)(), resource) >= 2
    assert n.resource is resource


def test_the_transaction_fields_are_the_resource_entries(wechatpay_kit: Kit) -> None:
    n = parsed(wechatpay_kit, "transaction", out_trade_no="ORDER-1", amount={"total": 512})
    t = n.transaction()
    assert t.out_trade_no == "ORDER-1" == n.resource["out_trade_no"]
    assert t.amount.total == 512 == n.resource["amount"]["total"]
    assert t.payer.openid == n.resource["payer"]["openid"]


#: A defect's value that removes the field.
REMOVE = "<remove>"

#: One change each (a path and its new value, or REMOVE): a defect that the accessor of the kind
#: refuses, but for the integer limits of the models (i64), which it accepts.
DEFECTS: List[Tuple[str, str, Any]] = [
    ("transaction", "amount.total", REMOVE),
    ("transaction", "out_trade_no", REMOVE),
    ("transaction", "out_trade_no", None),
    ("transaction", "amount.total", "12345"),
    ("transaction", "amount.total", "expected SECRET at line 1 column 2"),
    ("transaction", "amount", [100, 100, "CNY", "CNY"]),
    ("transaction", "payer", REMOVE),
    ("transaction", "payer", None),
    ("transaction", "payer", "x, expected SECRET"),
    ("transaction", "trade_state", ["missing field `SECRET`"]),
    ("transaction", "amount.total", -(2**63)),
    ("transaction", "amount.total", 2**63 - 1),
    ("transaction", "amount.total", 2**63),
    ("transaction", "amount.total", 2**64 - 1),
    ("transaction", "promotion_detail", [{"coupon_id": 7}]),
    ("transaction", "attach", True),
    ("combine_transaction", "sub_orders", {}),
    ("combine_transaction", "sub_orders", [{"mchid": 1}]),
    ("refund", "amount.refund", REMOVE),
    ("partner_refund", "amount.refund", False),
    ("complaint", "action_type", REMOVE),
]


def with_defect(resource: Dict[str, Any], path: str, value: Any) -> Dict[str, Any]:
    *parents, name = path.split(".")
    at = resource
    for parent in parents:
        at = at[parent]
    if value == REMOVE:
        del at[name]
    else:
        at[name] = value
    return resource


def outcome(n: wn.Notification, kind: str) -> Tuple[str, str]:
    try:
        typed = getattr(n, kind)()
    except wn.NotificationError as e:
        return e.code, e.message
    return "ok", repr(typed)


@pytest.mark.parametrize("kind,path,value", DEFECTS, ids=[f"{k}-{p}-{v!r}" for k, p, v in DEFECTS])
def test_the_messages_from_the_parse_are_those_from_the_text(
    wechatpay_kit: Kit, kind: str, path: str, value: Any
) -> None:
    resource = with_defect(sample(wechatpay_kit, kind), path, value)
    tree = parsed(wechatpay_kit, kind, resource)
    # A float anywhere leaves the plaintext to json.loads and the core's text decode.
    text = parsed(wechatpay_kit, kind, dict(resource, x_rate=0.5))
    assert tree.kind == text.kind
    for accessor in wn.events.KINDS:
        assert outcome(tree, accessor) == outcome(text, accessor), accessor
    code, message = outcome(tree, kind)
    if value in (-(2**63), 2**63 - 1):
        assert code == "ok" and getattr(tree, kind)().amount.total == value
        return
    assert code == "MALFORMED_RESOURCE", message
    assert f"`{path}" in message and "SECRET" not in message and " at line " not in message


def test_the_messages_are_unchanged(wechatpay_kit: Kit) -> None:
    resource = with_defect(sample(wechatpay_kit, "transaction"), "amount.total", REMOVE)
    assert outcome(parsed(wechatpay_kit, "transaction", resource), "transaction") == (
        "MALFORMED_RESOURCE",
        "the transaction resource lacks the required field `amount.total`",
    )
    resource = with_defect(sample(wechatpay_kit, "transaction"), "amount.total", "12345")
    assert outcome(parsed(wechatpay_kit, "transaction", resource), "transaction") == (
        "MALFORMED_RESOURCE",
        "the transaction resource's field `amount.total` has the wrong JSON type (expected i64)",
    )
    resource = with_defect(sample(wechatpay_kit, "transaction"), "payer", ["o1"])
    assert outcome(parsed(wechatpay_kit, "transaction", resource), "transaction") == (
        "MALFORMED_RESOURCE",
        "the transaction resource's field `payer` has the wrong JSON type (expected a JSON object)",
    )
    for n in (parsed(wechatpay_kit, "refund"), parsed(wechatpay_kit, "refund", x_rate=0.5)):
        assert outcome(n, "transaction") == (
            "UNEXPECTED_EVENT",
            'this is a "REFUND.SUCCESS" refund notification, not a transaction; dispatch on its '
            "kind first",
        )
    unknown = parsed(wechatpay_kit, "unknown")
    assert outcome(unknown, "refund") == (
        "UNEXPECTED_EVENT",
        'this is a "UNKNOWN.EVENT" notification of a kind not in the catalog, not a refund; '
        "dispatch on its kind first",
    )


@pytest.mark.parametrize(
    "kind,changes,expected",
    [
        ("transaction", {}, "transaction"),
        ("transaction", {"combine_mchid": None}, "transaction"),
        ("transaction", {"sp_mchid": "1900000100", "sub_mchid": "1900000109"}, "partner_transaction"),
        ("transaction", {"mchid": None}, "unknown"),
        ("partner_transaction", {"sub_mchid": None}, "unknown"),
        ("combine_transaction", {}, "combine_transaction"),
        ("refund", {"sp_mchid": "1900000100", "sub_mchid": "1900000109"}, "partner_refund"),
    ],
)
def test_the_kind_from_the_parse_is_the_kind_from_the_text(
    wechatpay_kit: Kit, kind: str, changes: Dict[str, Any], expected: str
) -> None:
    resource = dict(sample(wechatpay_kit, kind), **changes)
    tree = parsed(wechatpay_kit, kind, resource)
    text = parsed(wechatpay_kit, kind, dict(resource, x_rate=0.5))
    assert tree.kind == text.kind == expected


def test_a_resource_with_a_float_is_still_typed(wechatpay_kit: Kit) -> None:
    n = parsed(wechatpay_kit, "transaction", x_rate=0.1, amount={"x_fx": -2.5e-3}, out_trade_no="ORDER-F")
    assert n.resource == json.loads(n.plaintext)
    assert n.resource["x_rate"] == 0.1 and n.resource["amount"]["x_fx"] == -2.5e-3
    assert n.kind == "transaction"
    t = n.transaction()
    assert t.out_trade_no == "ORDER-F" == n.resource["out_trade_no"]
    assert n.transaction() is t
    assert shared_values(t, n.resource) >= 3


def test_an_integer_beyond_64_bits_and_repeated_keys(wechatpay_kit: Kit) -> None:
    base = json.dumps(sample(wechatpay_kit, "transaction"), ensure_ascii=False)[:-1]
    # An integer beyond 64 bits: the text path, exactly as json.loads reads it.
    n = raw(base + ',"x_big":1180591620717411303424}')
    assert n.resource == json.loads(n.plaintext) and n.resource["x_big"] == 2**70
    assert shared_values(n.transaction(), n.resource) >= 3
    # A repeated key the model ignores: json.loads keeps the last value, the model decodes.
    n = raw(base + ',"x_note":"first","x_note":"last"}')
    assert n.resource["x_note"] == "last" and n.resource == json.loads(n.plaintext)
    assert shared_values(n.transaction(), n.resource) >= 3
    # A repeated key that decides the kind: the last one counts, as in the text.
    for tail in (',"combine_mchid":"1900000100","combine_mchid":null}', ',"combine_mchid":null,"combine_mchid":"x"}'):
        tree, text = raw(base + tail), raw(base + ',"x_rate":0.5' + tail)
        assert tree.kind == text.kind, tail
    # A repeated field of the model: refused, with the message of the text.
    tree = raw(base + ',"out_trade_no":"again"}')
    text = raw(base + ',"x_rate":0.5,"out_trade_no":"again"}')
    assert outcome(tree, "transaction") == outcome(text, "transaction")
    assert outcome(tree, "transaction")[0] == "MALFORMED_RESOURCE"
    assert "again" not in outcome(tree, "transaction")[1]
