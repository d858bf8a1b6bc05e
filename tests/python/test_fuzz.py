"""Arbitrary bytes and strings, as headers or body, never raise anything but NotificationError."""

from __future__ import annotations

import random
from typing import Dict, List, Tuple, Union

from hypothesis import given, settings, strategies as st

import wechatpay_notify as wn
from wechatpay_notify.testing import Kit

NOW = 1_700_000_000
KIT = Kit()
NAMES = [
    "Wechatpay-Serial",
    "Wechatpay-Signature",
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
    "Wechatpay-Signature-Type",
    "HTTP_WECHATPAY_SERIAL",
    "wechatpay-timestamp",
]
Text = Union[str, bytes]

names = st.one_of(st.sampled_from(NAMES), st.text(max_size=30), st.binary(max_size=30))
values = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80),
    st.sampled_from(["1700000000", KIT.key_id, "WECHATPAY/SIGNTEST/AA==", "WECHATPAY2-SHA256-RSA2048", ""]),
)
header_lists = st.lists(st.tuples(names, values), max_size=8)
bodies = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=300),
    st.sampled_from([b"", b"{}", b'{"resource":{}}', b"<xml></xml>", b"[" * 100, b'{"resource":' * 50]),
)
V2 = KIT.v2_verifier()
V3 = KIT.verifier()


def only_notification_errors(headers: object, body: Union[Text, bytearray, memoryview]) -> None:
    for call in (V3.parse, V3.verify, V3.verify_response):
        try:
            call(headers, body, now=NOW)  # type: ignore[arg-type]
        except wn.NotificationError as error:
            assert error.code in wn.ERROR_CODES and error.message


@settings(max_examples=300, deadline=None)
@given(header_lists, bodies)
def test_arbitrary_pairs_and_bodies(headers: List[Tuple[Text, Text]], body: Text) -> None:
    only_notification_errors(headers, body)
    only_notification_errors(dict(headers), body)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), values, max_size=6), bodies)
def test_arbitrary_values_of_the_real_names(headers: Dict[str, Text], body: Text) -> None:
    only_notification_errors(headers, body)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=800), st.text(max_size=400)))
def test_arbitrary_v2_bodies(xml: Text) -> None:
    for call in (V2.parse_payment, V2.parse_refund):
        try:
            call(xml)
        except wn.NotificationError as error:
            assert error.code in wn.ERROR_CODES


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(max_size=20), st.binary(max_size=20), st.one_of(st.binary(max_size=80), st.text(max_size=80)))
def test_arbitrary_resources(key: bytes, nonce: bytes, aad: bytes, ciphertext: Text) -> None:
    try:
        wn.decrypt_resource(key, nonce, aad, ciphertext)
    except wn.NotificationError as error:
        assert isinstance(error, wn.DecryptionError)
    try:
        wn.decrypt_certificates(key, ciphertext)
    except wn.NotificationError as error:
        assert error.code in wn.ERROR_CODES


def test_seeded_mutations_of_valid_callbacks() -> None:
    """Flips, inserts and deletes bytes in signed callbacks: each result is a notification
    (only when nothing signed changed) or a NotificationError."""
    rng = random.Random(20240611)
    headers, body = KIT.notification(timestamp=NOW)
    V3.parse(headers, body, now=NOW)
    v2_bodies = [KIT.v2_payment(), KIT.v2_refund(out_refund_no="R1", refund_status="SUCCESS")]
    V2.parse_payment(v2_bodies[0])
    V2.parse_refund(v2_bodies[1])
    accepted = refused = 0
    for _ in range(1500):
        mutated = bytearray(body)
        for _ in range(rng.randint(1, 4)):
            op, pos = rng.randrange(3), rng.randrange(len(mutated))
            if op == 0:
                mutated[pos] ^= 1 << rng.randrange(8)
            elif op == 1:
                mutated.insert(pos, rng.randrange(256))
            else:
                del mutated[pos]
        mutated_headers = dict(headers)
        if rng.random() < 0.3:
            name = rng.choice(list(mutated_headers))
            value = bytearray(mutated_headers[name].encode())
            if value:
                value[rng.randrange(len(value))] = rng.randrange(256)
            mutated_headers[name] = value.decode("latin-1")
        try:
            V3.parse(mutated_headers, bytes(mutated), now=NOW)
            accepted += 1
        except wn.NotificationError:
            refused += 1
        xml = bytearray(rng.choice(v2_bodies))
        xml[rng.randrange(len(xml))] = rng.randrange(256)
        try:
            V2.parse_payment(bytes(xml))
        except wn.NotificationError:
            pass
        try:
            V2.parse_refund(bytes(xml))
        except wn.NotificationError:
            pass
    assert refused > 1400
    assert accepted <= 100  # only mutations that cancel out (e.g. whitespace in headers)
