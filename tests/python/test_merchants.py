"""Many merchants behind one notify_url (docs/merchants.md) through the Python API:
``Merchant``, ``Verifier.for_merchants``, ``Notification.mchid``, ``Verifier.mchids``, and the
kit's ``merchant(mchid)`` and ``sharing_key()``."""

from __future__ import annotations

import inspect
from datetime import timedelta
from typing import Any, Callable, Dict, List, Tuple

import pytest

import wechatpay_notify as wn
from test_kit import reference
from testdata import APIV3_KEY, CERT_A_SERIAL, PUBLIC_KEY_ID, key_text
from wechatpay_notify.testing import Kit

A, B, C = "1900000001", "1900000002", "1900000003"


@pytest.fixture(scope="module")
def shop() -> Kit:
    """Merchant A: a public-key kit."""
    return Kit()


@pytest.fixture(scope="module")
def group() -> Kit:
    """Merchant B: a certificate kit (signs at the system clock, its certificate is valid from a
    day ago)."""
    return Kit(certificate=True)


@pytest.fixture(scope="module")
def branch(shop: Kit) -> Kit:
    """Merchant C: the same platform key as A, its own APIv3 key."""
    return shop.sharing_key()


@pytest.fixture(scope="module")
def three(shop: Kit, group: Kit, branch: Kit) -> wn.Verifier:
    return wn.Verifier.for_merchants([shop.merchant(A), group.merchant(B), branch.merchant(C)])


def secrets(*kits: Kit) -> List[str]:
    return [key for kit in kits for key in (kit.apiv3_key, kit.v2_key)]


def raised(run: Callable[[], Any]) -> BaseException:
    try:
        run()
    except Exception as error:  # noqa: BLE001 - the test inspects whatever is raised
        return error
    raise AssertionError("accepted, expected an error")


# ---------------------------------------------------------------- accepted callbacks


def test_each_callback_names_its_merchant(shop: Kit, group: Kit, branch: Kit, three: wn.Verifier) -> None:
    assert three.mchids == [A, B, C]
    # The shared key is configured once: one serial names one key.
    assert three.key_ids == [shop.key_id, group.key_id]
    for kit, mchid in ((shop, A), (group, B), (branch, C)):
        for kind in ("transaction", "refund"):
            headers, body = kit.notification(kind, out_trade_no=f"T-{mchid}")
            n = three.parse(headers, body)
            assert n.mchid == mchid, kind
            assert n.serial == kit.key_id
            assert n.kind == kind
            assert n.resource["out_trade_no"] == f"T-{mchid}"
            assert f"mchid={mchid!r}".replace("'", '"') in repr(n)
            three.verify(headers, body)
            diagnosis = three.diagnose(headers, body)
            assert diagnosis.ok and diagnosis.error is None
            assert all(check.status != "failed" for check in diagnosis.checks)
        assert three.parse(*kit.notification("transaction")).transaction().out_trade_no


def test_a_single_merchant_verifier_names_none(shop: Kit) -> None:
    verifier = shop.verifier()
    assert verifier.mchids == []
    n = verifier.parse(*shop.notification("refund"))
    assert n.mchid is None
    assert "mchid" not in repr(n) and "mchids" not in repr(verifier)
    # One merchant through for_merchants is named.
    one = wn.Verifier.for_merchants([shop.merchant(A)])
    assert one.mchids == [A] and one.parse(*shop.notification()).mchid == A


def test_a_shared_serial_gives_each_merchant_its_callbacks(shop: Kit, branch: Kit) -> None:
    assert branch.key_id == shop.key_id and branch.apiv3_key != shop.apiv3_key
    # Whatever the order the merchants are configured in: the AES-GCM tag authenticates.
    for merchants in ([shop.merchant(A), branch.merchant(C)], [branch.merchant(C), shop.merchant(A)]):
        verifier = wn.Verifier.for_merchants(merchants)
        assert verifier.key_ids == [shop.key_id]
        assert verifier.parse(*shop.notification()).mchid == A
        assert verifier.parse(*branch.notification()).mchid == C


def test_many_merchants_sharing_one_key(shop: Kit) -> None:
    # Each its own kit: a kit's callbacks name the merchant it was last configured as.
    kits = [shop.sharing_key() for _ in range(100)]
    verifier = wn.Verifier.for_merchants(kit.merchant(f"19{i:08d}") for i, kit in enumerate(kits))
    assert len(verifier.mchids) == 100 and verifier.key_ids == [shop.key_id]
    for i in (0, 57, 99):
        assert verifier.parse(*kits[i].notification("refund")).mchid == f"19{i:08d}"


def test_a_merchant_switching_from_certificates_to_the_public_key(group: Kit, shop: Kit) -> None:
    """A merchant may hold both a certificate and a public key (the switch)."""
    both = wn.Merchant(
        B,
        group.apiv3_key,
        public_keys={"PUB_KEY_ID_0199999999999999999999999999": group.public_key_pem},
        certificates=group.certificate_pem,
    )
    verifier = wn.Verifier.for_merchants([shop.merchant(A), both])
    assert verifier.key_ids == [shop.key_id, "PUB_KEY_ID_0199999999999999999999999999", group.key_id]
    headers, body = group.notification()
    assert verifier.parse(headers, body).mchid == B
    # The certificate serial matches in any case, as for one merchant.
    assert verifier.parse({**headers, "Wechatpay-Serial": group.key_id.lower()}, body).mchid == B


def test_merchant_forms(shop: Kit, group: Kit) -> None:
    pem = shop.public_key_pem
    cert = group.certificate_pem
    assert cert is not None
    merchants = [
        wn.Merchant(A, shop.apiv3_key, public_keys={shop.key_id: pem}),
        wn.Merchant(A, shop.apiv3_key.encode(), public_keys=[(shop.key_id, pem.encode())]),
        wn.Merchant(A, bytearray(shop.apiv3_key.encode()), public_keys={shop.key_id: memoryview(pem.encode())}),
        wn.Merchant(B, group.apiv3_key, certificates=cert),
        wn.Merchant(B, group.apiv3_key, certificates=[cert.encode()]),
        wn.Merchant(B, group.apiv3_key, certificates=(c for c in [cert])),
        shop.merchant(A),
        group.merchant(B),
    ]
    for merchant in merchants:
        verifier = wn.Verifier.for_merchants(
            [merchant], max_clock_skew=timedelta(minutes=2), max_body_size=4096
        )
        assert verifier.max_clock_skew == 120 and verifier.max_body_size == 4096
        kit = shop if merchant.mchid == A else group
        assert verifier.parse(*kit.notification()).mchid == merchant.mchid
        text = repr(merchant)
        assert merchant.mchid in text and kit.apiv3_key not in text and "PRIVATE" not in text
    assert repr(shop.merchant(A)) == f'Merchant(mchid="{A}", public_keys=1, certificates=0, apiv3_key=<redacted>)'
    assert repr(group.merchant(B)) == f'Merchant(mchid="{B}", public_keys=0, certificates=1, apiv3_key=<redacted>)'
    verifier = wn.Verifier.for_merchants(merchants[:1] + merchants[3:4])
    assert verifier.max_clock_skew == wn.DEFAULT_MAX_CLOCK_SKEW
    assert verifier.max_body_size == wn.DEFAULT_MAX_BODY_SIZE
    text = repr(verifier)
    assert f"mchids=['{A}', '{B}']".replace("'", '"') in text
    assert shop.apiv3_key not in text and group.apiv3_key not in text


def test_the_vectors_keys_as_merchants() -> None:
    """The fixed keys of tests/vectors/keys: two merchants, a public key and a certificate."""
    verifier = wn.Verifier.for_merchants(
        [
            wn.Merchant(A, APIV3_KEY, public_keys={PUBLIC_KEY_ID: key_text("test-platform-b.pub.pem")}),
            wn.Merchant(B, "x" * 32, certificates=[key_text("test-platform-a.cert.pem")]),
        ]
    )
    assert verifier.key_ids == [PUBLIC_KEY_ID, CERT_A_SERIAL]
    assert verifier.mchids == [A, B]


def merchants_config(merchants: List[Tuple[str, Kit]]) -> Dict[str, Any]:
    """The vectors' ``merchants`` verifier form (tests/vectors/README.md) of kits."""
    return {
        "merchants": [
            {
                "mchid": mchid,
                "apiv3_key": kit.apiv3_key,
                "public_keys": [] if kit.certificate_pem else [{"id": kit.key_id, "pem": kit.public_key_pem}],
                "certificates": [kit.certificate_pem] if kit.certificate_pem else [],
            }
            for mchid, kit in merchants
        ],
        "max_clock_skew": wn.DEFAULT_MAX_CLOCK_SKEW,
        "max_body_size": wn.DEFAULT_MAX_BODY_SIZE,
    }


def test_the_reference_verifier_agrees(shop: Kit, group: Kit, branch: Kit, three: wn.Verifier) -> None:
    """tests/vectors/check_vectors.py, which shares no code with the library, names the same
    merchant for each kit's callback and refuses the same callbacks with the same code."""
    doc = {"verifiers": {"three": merchants_config([(A, shop), (B, group), (C, branch)])}}
    stranger = shop.sharing_key()
    for kit, make in ((shop, shop.notification), (group, group.notification), (branch, branch.notification),
                      (stranger, stranger.notification), (shop, shop.unknown_serial), (branch, branch.tampered)):
        headers, body = make()
        now = int(headers["Wechatpay-Timestamp"])
        case = {"type": "v3_parse", "verifier": "three", "headers": list(map(list, headers.items())),
                "body_hex": body.hex(), "now": now}
        verdict = reference(doc, case)
        try:
            n = three.parse(headers, body, now=now)
        except wn.NotificationError as error:
            assert verdict == {"error": error.code}, (kit, make.__name__)
            continue
        assert verdict.get("ok") is True and verdict["mchid"] == n.mchid, verdict
        assert verdict["plaintext"] == n.plaintext


# ---------------------------------------------------------------- refused callbacks


def test_an_unknown_serial_lists_the_serials_by_merchant(
    shop: Kit, group: Kit, branch: Kit, three: wn.Verifier
) -> None:
    stranger = Kit()
    error = raised(lambda: three.parse(*stranger.notification()))
    assert isinstance(error, wn.SignatureError) and error.code == "UNKNOWN_SERIAL"
    for part in (f"{A} {shop.key_id}", f"{B} {group.key_id}", f"{C} {shop.key_id}", stranger.key_id):
        assert part in error.message, error.message
    assert f"{A} {shop.key_id}; {B} {group.key_id}; {C} {shop.key_id}" in error.message
    for text in (str(error), repr(error)):
        for secret in secrets(shop, group, branch, stranger):
            assert secret not in text
    # The kit's own unknown-serial failure, and verify() and diagnose() agree.
    headers, body = shop.unknown_serial()
    for run in (lambda: three.parse(headers, body), lambda: three.verify(headers, body)):
        assert getattr(raised(run), "code") == "UNKNOWN_SERIAL"
    diagnosis = three.diagnose(headers, body)
    assert not diagnosis.ok and diagnosis.error is not None
    assert diagnosis.error.code == "UNKNOWN_SERIAL" and f"{B} {group.key_id}" in diagnosis.error.message


def test_a_shared_serial_that_no_merchant_decrypts(shop: Kit, group: Kit, branch: Kit, three: wn.Verifier) -> None:
    stranger = shop.sharing_key()  # signed with the shared key, an APIv3 key nobody has
    headers, body = stranger.notification()
    three.verify(headers, body)  # authentic: only the decryption fails
    for error in (raised(lambda: three.parse(headers, body)), three.diagnose(headers, body).error):
        assert isinstance(error, wn.DecryptionError) and error.code == "DECRYPT_FAILED"
        # The merchants the key is configured for, in configuration order; not merchant B.
        assert A in error.message and C in error.message and B not in error.message, error.message
        assert error.message.index(A) < error.message.index(C)
        for text in (str(error), repr(error), error.message):
            for secret in secrets(shop, group, branch, stranger):
                assert secret not in text
    # The kit's other_apiv3_key failure: the same, for the shared key.
    error = raised(lambda: three.parse(*shop.other_apiv3_key()))
    assert getattr(error, "code") == "DECRYPT_FAILED" and A in str(error) and C in str(error)
    # A key of one merchant: DECRYPT_FAILED, as for a single-merchant verifier.
    error = raised(lambda: three.parse(*group.other_apiv3_key()))
    assert isinstance(error, wn.DecryptionError) and error.code == "DECRYPT_FAILED"
    assert group.apiv3_key not in str(error)


def test_other_failures_are_those_of_one_merchant(shop: Kit, branch: Kit, three: wn.Verifier) -> None:
    for kit in (shop, branch):
        for make, code in (
            (kit.tampered, "SIGNATURE_MISMATCH"),
            (kit.probe, "SIGNATURE_PROBE"),
            (kit.stale, "TIMESTAMP_SKEW"),
            (kit.xml_body, "WRONG_FORMAT"),
        ):
            headers, body = make()
            assert getattr(raised(lambda: three.parse(headers, body)), "code") == code


# ---------------------------------------------------------------- configuration rules


def config_error(run: Callable[[], Any], *parts: str, kits: Tuple[Kit, ...] = ()) -> wn.ConfigError:
    error = raised(run)
    assert isinstance(error, wn.ConfigError), repr(error)
    assert isinstance(error, ValueError) and not isinstance(error, wn.NotificationError)
    assert error.code == "CONFIG_INVALID" and str(error) == f"CONFIG_INVALID: {error.message}"
    for part in parts:
        assert part in error.message, error.message
    for text in (str(error), repr(error)):
        for secret in secrets(*kits) + [APIV3_KEY]:
            assert secret not in text
    return error


def test_a_serial_in_two_merchants_with_different_keys(shop: Kit, group: Kit) -> None:
    other = Kit()
    clash = wn.Merchant(B, other.apiv3_key, public_keys={shop.key_id: other.public_key_pem})
    config_error(
        lambda: wn.Verifier.for_merchants([shop.merchant(A), clash]),
        "different keys",
        f"merchant {A}",
        f"merchant {B}",
        shop.key_id,
        kits=(shop, other),
    )
    # The same certificate serial, in another case, with another key.
    cert = group.certificate_pem
    assert cert is not None
    lower = wn.Merchant(A, shop.apiv3_key, public_keys={group.key_id.lower(): other.public_key_pem})
    config_error(lambda: wn.Verifier.for_merchants([group.merchant(B), lower]), "different keys", kits=(group, other))
    # The same key under the same serial is shared, not a clash.
    same = wn.Merchant(B, other.apiv3_key, public_keys={shop.key_id: shop.public_key_pem})
    assert wn.Verifier.for_merchants([shop.merchant(A), same]).key_ids == [shop.key_id]


@pytest.mark.parametrize(
    "case",
    [
        "duplicate_mchid",
        "empty_mchid",
        "blank_mchid",
        "no_keys",
        "serial_twice_in_one_merchant",
        "short_apiv3_key",
        "garbage_public_key",
        "garbage_certificate",
        "rsa_1024",
        "no_merchants",
        "negative_max_clock_skew",
        "negative_max_body_size",
    ],
)
def test_configuration_rules(case: str, shop: Kit, group: Kit) -> None:
    pem = shop.public_key_pem
    merchants: Dict[str, Tuple[List[wn.Merchant], Dict[str, Any], Tuple[str, ...]]] = {
        "duplicate_mchid": ([shop.merchant(A), group.merchant(A)], {}, (f"merchant {A}", "twice")),
        "empty_mchid": ([shop.merchant("")], {}, ("mchid",)),
        "blank_mchid": ([shop.merchant(A), group.merchant(" ")], {}, ("mchid",)),
        "no_keys": ([shop.merchant(A), wn.Merchant(B, group.apiv3_key)], {}, (f"merchant {B}",)),
        "serial_twice_in_one_merchant": (
            [wn.Merchant(A, shop.apiv3_key, public_keys=[(shop.key_id, pem), (shop.key_id, pem)])],
            {},
            ("twice", f"merchant {A}"),
        ),
        "short_apiv3_key": ([shop.merchant(A), wn.Merchant(B, "short", public_keys={"PUB_KEY_ID_X": pem})], {}, (f"merchant {B}",)),
        "garbage_public_key": ([wn.Merchant(A, shop.apiv3_key, public_keys={"PUB_KEY_ID_X": "garbage"})], {}, ()),
        "garbage_certificate": ([wn.Merchant(A, shop.apiv3_key, certificates=["garbage"])], {}, ()),
        "rsa_1024": ([wn.Merchant(A, shop.apiv3_key, public_keys={PUBLIC_KEY_ID: key_text("test-rsa-1024.pub.pem")})], {}, ()),
        "no_merchants": ([], {}, ("Merchant",)),
        "negative_max_clock_skew": ([shop.merchant(A)], {"max_clock_skew": -1}, ("max_clock_skew",)),
        "negative_max_body_size": ([shop.merchant(A)], {"max_body_size": -5}, ("max_body_size",)),
    }
    given, options, parts = merchants[case]
    config_error(lambda: wn.Verifier.for_merchants(given, **options), *parts, kits=(shop, group))


def test_an_apiv3_key_is_never_in_a_message(shop: Kit) -> None:
    # 31 bytes of a real-looking key: named by its merchant, never shown.
    key = shop.apiv3_key[:31]
    error = config_error(
        lambda: wn.Verifier.for_merchants([wn.Merchant("77", key, public_keys={shop.key_id: shop.public_key_pem})]),
        "merchant 77",
        kits=(shop,),
    )
    assert key not in str(error)


def test_type_errors(shop: Kit) -> None:
    merchant = shop.merchant(A)
    for bad in (merchant, A, b"x", 42, [merchant, "1900000002"], [(A, shop.apiv3_key)]):
        with pytest.raises(TypeError, match="Merchant"):
            wn.Verifier.for_merchants(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mchid"):
        wn.Merchant(1900000001, shop.apiv3_key, public_keys={shop.key_id: shop.public_key_pem})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        wn.Merchant(A, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        wn.Merchant(A, shop.apiv3_key, public_keys=[("only-id",)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        wn.Merchant(A, shop.apiv3_key, certificates=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        shop.merchant(42)  # type: ignore[arg-type]


def test_certificate_downloads_need_one_merchants_key(shop: Kit, three: wn.Verifier) -> None:
    config_error(lambda: three.decrypt_certificates(b"{}"), "decrypt_certificates", kits=(shop,))


def test_the_single_merchant_api_is_unchanged() -> None:
    assert str(inspect.signature(wn.Verifier)) == (
        "(apiv3_key, *, public_keys=None, certificates=None, max_clock_skew=300, max_body_size=1048576)"
    )
    assert str(inspect.signature(wn.Verifier.for_merchants)) == (
        "(merchants, *, max_clock_skew=300, max_body_size=1048576)"
    )
    assert str(inspect.signature(wn.Merchant)) == "(mchid, apiv3_key, *, public_keys=None, certificates=None)"
    assert "Merchant" in wn.__all__ and wn.Merchant.__module__ == "wechatpay_notify._native"
    for documented in (wn.Merchant, wn.Verifier.for_merchants, wn.Notification.mchid, wn.Verifier.mchids):
        assert documented.__doc__


# ---------------------------------------------------------------- the kit


def test_sharing_key_shares_the_platform_key_only(shop: Kit, group: Kit) -> None:
    for kit in (shop, group):
        other = kit.sharing_key()
        assert type(other) is Kit
        assert other.key_id == kit.key_id
        assert other.public_key_pem == kit.public_key_pem
        assert other.certificate_pem == kit.certificate_pem
        assert other.apiv3_key != kit.apiv3_key and other.v2_key != kit.v2_key
        assert len(other.apiv3_key) == 32
        # Signed by the same key: the original kit's verifier checks the signature, but cannot
        # decrypt (another merchant's APIv3 key).
        headers, body = other.notification()
        kit.verifier().verify(headers, body)
        error = raised(lambda: kit.verifier().parse(headers, body))
        assert getattr(error, "code") == "DECRYPT_FAILED"
        assert other.verifier().parse(headers, body).serial == kit.key_id
        assert other.v2_verifier().parse_payment(other.v2_payment())["return_code"] == "SUCCESS"
        # A kit shared again stays under the same key.
        assert other.sharing_key().key_id == kit.key_id


def test_sharing_key_keeps_the_callers_class(shop: Kit) -> None:
    class NamedKit(Kit):
        """A subclass whose constructor takes arguments: sharing_key does not call it."""

        def __new__(cls, name: str) -> NamedKit:
            return super().__new__(cls)

        def __init__(self, name: str) -> None:
            self.name = name

    mine = NamedKit("first")
    other = mine.sharing_key()
    assert type(other) is NamedKit and not hasattr(other, "name")
    assert other.key_id == mine.key_id and other.apiv3_key != mine.apiv3_key
    assert isinstance(other.notification(), tuple)
    # Kits made afterwards are fresh ones.
    assert Kit().key_id not in (shop.key_id, mine.key_id)


def test_kit_merchant(shop: Kit, group: Kit) -> None:
    for kit, mchid in ((shop, A), (group, B)):
        merchant = kit.merchant(mchid)
        assert isinstance(merchant, wn.Merchant) and merchant.mchid == mchid
        verifier = wn.Verifier.for_merchants([merchant])
        assert verifier.key_ids == kit.verifier().key_ids == [kit.key_id]
    assert Kit.merchant.__doc__ and Kit.sharing_key.__doc__


def test_the_testing_module_example() -> None:
    """The multi-merchant example of wechatpay_notify.testing's docstring runs."""
    import wechatpay_notify.testing as testing

    doc = testing.__doc__ or ""
    start = doc.index("    from wechatpay_notify import Verifier\n")
    block = doc[start : doc.index("\n\n", doc.index("assert", start))]
    code = "\n".join(line[4:] for line in block.splitlines())
    namespace: Dict[str, Any] = {"Kit": Kit}
    exec(compile(code, "testing.__doc__", "exec"), namespace)  # noqa: S102 - our own docstring
    assert namespace["verifier"].mchids == ["1900000001", "1900000002", "1900000003"]


# ---------------------------------------------------------------- hardening (issue 21)


def test_an_unknown_serial_is_cheap_and_its_reply_says_nothing_of_the_configuration(shop: Kit) -> None:
    """A made-up serial (no valid signature needed) made a message listing every merchant, in
    time proportional to the merchants, and ``reply_failure`` sent it back: 8,000 merchants
    gave a 416 KB reply. The reply is now fixed per code and the message bounded."""
    pem = shop.public_key_pem
    verifier = wn.Verifier.for_merchants(
        wn.Merchant(f"19{i:08d}", f"merchant-apiv3-key-{i:013d}", public_keys={f"PUB_KEY_ID_{i:032d}": pem})
        for i in range(4_000)
    )
    error = raised(lambda: verifier.parse(*Kit().notification()))
    assert isinstance(error, wn.NotificationError) and error.code == "UNKNOWN_SERIAL"
    assert len(error.message) < 1_000, len(error.message)
    assert "and 3997 more merchants (4000 keys in all)" in error.message
    reply = wn.reply_failure(error)
    assert reply.status == 401
    assert reply.body == b'{"code":"FAIL","message":"UNKNOWN_SERIAL: unknown Wechatpay-Serial"}'
    assert b"1900000000" not in reply.body and b"PUB_KEY_ID" not in reply.body


def test_merchants_sharing_a_serial_and_an_apiv3_key_are_refused(shop: Kit) -> None:
    """They cannot be told apart: the first one got the other's callbacks."""
    twin = shop.sharing_key()
    same = wn.Merchant("1900000002", twin.apiv3_key, public_keys={twin.key_id: twin.public_key_pem})
    error = raised(lambda: wn.Verifier.for_merchants([twin.merchant(A), same]))
    assert isinstance(error, wn.ConfigError) and "same APIv3 key" in str(error)
    assert twin.apiv3_key not in str(error)


def test_a_resource_for_another_merchant_is_refused(shop: Kit, group: Kit, branch: Kit, three: wn.Verifier) -> None:
    error = raised(lambda: three.parse(*branch.notification(mchid="1900000009")))
    assert isinstance(error, wn.DecryptionError) and error.code == "MALFORMED_RESOURCE"
    assert "`mchid`" in error.message and "1900000009" not in error.message


def test_typed_accessors_raise_notification_errors_only(shop: Kit) -> None:
    """Arrays where objects belong decoded as models, and the accessors then raised TypeError or
    AttributeError; a value in the wrong type was quoted in the message."""
    verifier = shop.verifier()
    cases: List[Tuple[str, Any]] = [
        ("amount", [100, 100, "CNY", "CNY"]),
        ("payer", ["o1"]),
        ("scene_info", []),
        ("amount", {"total": "expected oUpF8-SECRET at line"}),
    ]
    for field, value in cases:
        overrides: Dict[str, Any] = {field: value}
        n = verifier.parse(*shop.notification("transaction", None, **overrides))
        error = raised(n.transaction)
        assert isinstance(error, wn.NotificationError) and error.code == "MALFORMED_RESOURCE", error
        assert field in error.message and "SECRET" not in error.message


def test_a_deeply_nested_resource_is_refused_at_parse(shop: Kit) -> None:
    """An unknown field nested 5,000 deep passed the parse, and `.resource` raised RecursionError.
    The envelope's bound (32) now holds for the plaintext: 100 levels (what the kit's JSON can
    carry) are refused by the parse, before `.resource` is ever read."""
    deep: Any = []
    for _ in range(100):
        deep = [deep]
    error = raised(lambda: shop.verifier().parse(*shop.notification(unknown=deep)))
    assert isinstance(error, wn.NotificationError) and error.code == "MALFORMED_RESOURCE"
    assert "deeper than 32" in error.message


def test_null_is_absent_for_the_kind(shop: Kit) -> None:
    verifier = shop.verifier()
    n = verifier.parse(*shop.notification(combine_mchid=None))
    assert n.kind == "transaction"
    n.transaction()
    assert verifier.parse(*shop.notification(sp_mchid=None, sub_mchid=None)).kind == "transaction"
