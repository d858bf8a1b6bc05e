#!/usr/bin/env python3
"""Generate the conformance vectors of wechatpay-notify: tests/vectors/notifications.json.

What it makes
    notifications.json: named APIv3 verifier configurations, APIv2 keys, and well over a
    hundred cases (APIv3 JSON notifications to parse or verify, APIv2 XML payment and refund
    notifications, configurations that must be refused), each with the exact result the
    library must give: the decrypted fields, or one error code of docs/errors.md.
    Every language's tests (Rust, C, Python, Go, Java) run this one file; README.md next to
    this script documents its format.

    Every accepted APIv3 case also says which kind of the event catalog (models/events.json)
    the notification is, computed here by the rule of models/README.md, section "Dispatch";
    the `event_` cases add, for every kind's typed accessor, "ok" or the error it must give.
    Their plaintexts are the samples of models/samples/, as they are or with one change.

    Every accepted APIv3 case also says which merchant it was for (`mchid`, null for a
    single-merchant verifier); the `merchants_` cases use a verifier holding several merchants
    (docs/merchants.md), one of whose serials is shared by two of them.

    keys/: throwaway RSA and EC test keys and self-signed certificates. They are created on
    the first run and reused afterwards, so re-running is stable.

Why it signs on its own
    The project's one signer is the testing kit of the core (docs/testing.md). This script
    keeps an independent implementation (the `cryptography` package) on purpose: the vectors
    must not be produced by the code they test, and tests/python/test_kit.py checks the kit's
    callbacks against this independent code (signature, encryption, APIv2 sign and req_info).

Determinism
    RSASSA-PKCS1-v1_5 signatures are deterministic, AES-GCM nonces are fixed (derived from
    each case's name) and AES-ECB has no IV, so with the same keys/ two runs write
    byte-identical output.

Usage
    pip install cryptography
    python3 tests/vectors/generate.py            # write notifications.json
    python3 tests/vectors/generate.py --check    # fail if it is stale, else re-verify it (check_vectors.py)

The wechatpay-java test key pair is read from peers/wechatpay-java.json and the real
wechatpay-go notification from peers/wechatpay-go-notify.json (both copied from the official
SDKs' test suites, Apache-2.0; see peers/README.md).
"""

from __future__ import annotations

import argparse
import base64
import collections
import copy
import datetime
import functools
import hashlib
import hmac
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
MODELS_DIR = HERE.parent.parent / "models"
KEYS_DIR = HERE / "keys"
PEERS_DIR = HERE / "peers"
OUTPUT = HERE / "notifications.json"

# ----------------------------------------------------------------------------------------
# Constants shared by many cases
# ----------------------------------------------------------------------------------------

NOW = 1_700_000_000  # 2023-11-14T22:13:20Z, inside every "valid" certificate's period
MAX_CLOCK_SKEW = 300
MAX_BODY_SIZE = 1_048_576
SMALL_BODY_SIZE = 512

APIV3_KEY = "wpnTestAPIv3Key0123456789abcdefg"  # 32 ASCII bytes
WRONG_APIV3_KEY = "WRONGapiv3KeyWRONGapiv3KeyWRONG0"
V2_KEY = "wpnTestAPIv2Key0123456789ABCDEFG"  # 32 ASCII bytes
OTHER_V2_KEY = "someOtherMerchantsAPIv2Key012345"

# Many merchants behind one notify_url (docs/merchants.md): each merchant its own APIv3 key.
MCHID_1, MCHID_2, MCHID_3 = "1900000001", "1900000002", "1900000003"
MERCHANT_APIV3_KEYS = {
    MCHID_1: "wpnMerchant1APIv3Key0123456789ab",
    MCHID_2: "wpnMerchant2APIv3Key0123456789ab",
    MCHID_3: "wpnMerchant3APIv3Key0123456789ab",
}
NO_MERCHANTS_APIV3_KEY = "wpnNoMerchantsAPIv3Key0123456789"  # 32 bytes, no merchant's key

PUB_KEY_ID_B = "PUB_KEY_ID_0114232134912410000000000000"
PUB_KEY_ID_B_NEXT = "PUB_KEY_ID_0114232134912410000000000001"
PUB_KEY_ID_JAVA = "PUB_KEY_ID_0114232134912410000000000042"

SERIAL_A = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
SERIAL_C = "7C4096D0C0FFEE0123456789ABCDEF0123456789"
SERIAL_EXPIRED = "3A9C0E1B2D4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B"
SERIAL_FUTURE = "20402050AB0123456789ABCDEF0123456789ABCD"
SERIAL_JAVA = "440024045C4A427599D09BB4E3DE0279F2E813FD"

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
ALGORITHM = "AEAD_AES_256_GCM"

SERIAL, SIGNATURE, TIMESTAMP, NONCE = (
    "Wechatpay-Serial",
    "Wechatpay-Signature",
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
)
SIGNATURE_TYPE_HEADER = "Wechatpay-Signature-Type"

ENVELOPE_FIELDS = ("id", "create_time", "event_type", "resource_type", "summary")


def utc(year: int, month: int = 1, day: int = 1) -> datetime.datetime:
    return datetime.datetime(year, month, day, tzinfo=datetime.timezone.utc)


def unix(moment: datetime.datetime) -> int:
    return int(moment.timestamp())


VALID_FROM, VALID_UNTIL = utc(2020), utc(2035)
EXPIRED_FROM, EXPIRED_UNTIL = utc(2015), utc(2020)
FUTURE_FROM, FUTURE_UNTIL = utc(2040), utc(2050)

# ----------------------------------------------------------------------------------------
# Test keys (keys/), created once and reused
# ----------------------------------------------------------------------------------------

PEM = serialization.Encoding.PEM


def ensure_file(path: Path, make: Callable[[], str]) -> str:
    """Return the text of `path`, writing it with `make()` first if it does not exist."""
    if not path.exists():
        path.write_text(make(), encoding="ascii")
    return path.read_text(encoding="ascii")


def spki_pem(public_key) -> str:
    return public_key.public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def pkcs8_pem(private_key) -> str:
    return private_key.private_bytes(
        PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def rsa_key(name: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """keys/<name>.key.pem (PKCS#8) and keys/<name>.pub.pem (SPKI)."""
    pem = ensure_file(
        KEYS_DIR / f"{name}.key.pem",
        lambda: pkcs8_pem(rsa.generate_private_key(public_exponent=65537, key_size=bits)),
    )
    key = load_private_key(pem)
    assert key.key_size == bits, f"{name}: expected {bits} bits"
    ensure_file(KEYS_DIR / f"{name}.pub.pem", lambda: spki_pem(key.public_key()))
    return key


def public_key_only(name: str, make_private: Callable[[], object]) -> str:
    """keys/<name>.pub.pem for keys whose private half is never needed."""
    return ensure_file(KEYS_DIR / f"{name}.pub.pem", lambda: spki_pem(make_private().public_key()))


def self_signed(
    name: str,
    key: rsa.RSAPrivateKey,
    serial_hex: str,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
) -> str:
    """keys/<name>.cert.pem: a self-signed X.509 certificate with a chosen serial."""

    def make() -> str:
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "wechatpay-notify test keys"),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{name} (TEST ONLY, NOT WECHAT PAY)"),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(int(serial_hex, 16))
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .sign(key, hashes.SHA256())
        )
        return certificate.public_bytes(PEM).decode()

    pem = ensure_file(KEYS_DIR / f"{name}.cert.pem", make)
    assert f"{x509.load_pem_x509_certificate(pem.encode()).serial_number:X}" == serial_hex
    return pem


@dataclass(frozen=True)
class Signer:
    """A private key and the Wechatpay-Serial that names its public half."""

    key: rsa.RSAPrivateKey
    serial: str


@dataclass(frozen=True)
class Keys:
    platform_a: Signer  # certificate SERIAL_A
    platform_a_cert: str
    platform_b: Signer  # public key PUB_KEY_ID_B
    platform_b_pub: str
    platform_b_next: Signer  # public key PUB_KEY_ID_B_NEXT (the key after a rotation)
    platform_b_next_pub: str
    platform_c: Signer  # RSA 4096, certificate SERIAL_C
    platform_c_cert: str
    expired: Signer
    expired_cert: str
    future: Signer
    future_cert: str
    attacker: rsa.RSAPrivateKey
    rsa_1024_pub: str
    ec_p256_pub: str
    java_cert: Signer
    java_pub: Signer
    java_cert_pem: str
    java_pub_pem: str
    go_peer: dict


def load_keys() -> Keys:
    KEYS_DIR.mkdir(exist_ok=True)
    a = rsa_key("test-platform-a")
    b = rsa_key("test-platform-b")
    b_next = rsa_key("test-platform-b-next")
    c = rsa_key("test-platform-c-4096", 4096)
    expired = rsa_key("test-expired")
    future = rsa_key("test-not-yet-valid")
    java = json.loads((PEERS_DIR / "wechatpay-java.json").read_text(encoding="utf-8"))
    pair = java["wechat_pay_keypair"]
    java_key = load_private_key(pair["private_key_pem"])
    return Keys(
        platform_a=Signer(a, SERIAL_A),
        platform_a_cert=self_signed("test-platform-a", a, SERIAL_A, VALID_FROM, VALID_UNTIL),
        platform_b=Signer(b, PUB_KEY_ID_B),
        platform_b_pub=spki_pem(b.public_key()),
        platform_b_next=Signer(b_next, PUB_KEY_ID_B_NEXT),
        platform_b_next_pub=spki_pem(b_next.public_key()),
        platform_c=Signer(c, SERIAL_C),
        platform_c_cert=self_signed("test-platform-c-4096", c, SERIAL_C, VALID_FROM, VALID_UNTIL),
        expired=Signer(expired, SERIAL_EXPIRED),
        expired_cert=self_signed("test-expired", expired, SERIAL_EXPIRED, EXPIRED_FROM, EXPIRED_UNTIL),
        future=Signer(future, SERIAL_FUTURE),
        future_cert=self_signed("test-not-yet-valid", future, SERIAL_FUTURE, FUTURE_FROM, FUTURE_UNTIL),
        attacker=rsa_key("test-attacker"),
        rsa_1024_pub=public_key_only(
            "test-rsa-1024", lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024)
        ),
        ec_p256_pub=public_key_only("test-ec-p256", lambda: ec.generate_private_key(ec.SECP256R1())),
        java_cert=Signer(java_key, SERIAL_JAVA),
        java_pub=Signer(java_key, PUB_KEY_ID_JAVA),
        java_cert_pem=pair["certificate_pem"],
        java_pub_pem=pair["public_key_pem"],
        go_peer=json.loads((PEERS_DIR / "wechatpay-go-notify.json").read_text(encoding="utf-8")),
    )


# ----------------------------------------------------------------------------------------
# Verifier configurations and APIv2 keys
# ----------------------------------------------------------------------------------------

GARBAGE_PUBLIC_KEY_PEM = (
    "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5LCBqdXN0IHNvbWUgdGV4dA==\n-----END PUBLIC KEY-----\n"
)
GARBAGE_CERTIFICATE_PEM = (
    "-----BEGIN CERTIFICATE-----\nTUlJRHRoaXMgaXMgbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
)


def verifier(apiv3_key: str, public_keys=(), certificates=(), max_body_size=MAX_BODY_SIZE) -> dict:
    return {
        "apiv3_key": apiv3_key,
        "public_keys": [{"id": key_id, "pem": pem} for key_id, pem in public_keys],
        "certificates": list(certificates),
        "max_clock_skew": MAX_CLOCK_SKEW,
        "max_body_size": max_body_size,
    }


def merchant(mchid: str, apiv3_key: str, public_keys=(), certificates=()) -> dict:
    """One entry of a verifier's `merchants`: the keys given here are this merchant's."""
    return {
        "mchid": mchid,
        "apiv3_key": apiv3_key,
        "public_keys": [{"id": key_id, "pem": pem} for key_id, pem in public_keys],
        "certificates": list(certificates),
    }


def merchants_verifier(*merchants: dict, max_body_size=MAX_BODY_SIZE) -> dict:
    """A verifier for several merchants (docs/merchants.md), in configuration order."""
    return {"merchants": list(merchants), "max_clock_skew": MAX_CLOCK_SKEW, "max_body_size": max_body_size}


def verifiers(k: Keys) -> dict:
    default_keys = {"public_keys": [(PUB_KEY_ID_B, k.platform_b_pub)], "certificates": [k.platform_a_cert]}
    return {
        "default": verifier(APIV3_KEY, **default_keys),
        "rotation": verifier(
            APIV3_KEY,
            public_keys=[(PUB_KEY_ID_B, k.platform_b_pub), (PUB_KEY_ID_B_NEXT, k.platform_b_next_pub)],
        ),
        "cert_4096": verifier(APIV3_KEY, certificates=[k.platform_c_cert]),
        "expired": verifier(APIV3_KEY, certificates=[k.expired_cert, k.future_cert]),
        "wrong_apiv3_key": verifier(WRONG_APIV3_KEY, **default_keys),
        "small_body": verifier(APIV3_KEY, max_body_size=SMALL_BODY_SIZE, **default_keys),
        "java_peer_cert": verifier(APIV3_KEY, certificates=[k.java_cert_pem]),
        "java_peer_pubkey": verifier(APIV3_KEY, public_keys=[(PUB_KEY_ID_JAVA, k.java_pub_pem)]),
        "go_peer": verifier(APIV3_KEY, certificates=[k.go_peer["platform_certificate_pem"]]),
        # Three merchants behind one notify_url: 1 and 3 share public key B under one id.
        "merchants": merchants_verifier(
            merchant(MCHID_1, MERCHANT_APIV3_KEYS[MCHID_1], public_keys=[(PUB_KEY_ID_B, k.platform_b_pub)]),
            merchant(MCHID_2, MERCHANT_APIV3_KEYS[MCHID_2], certificates=[k.platform_a_cert]),
            merchant(MCHID_3, MERCHANT_APIV3_KEYS[MCHID_3], public_keys=[(PUB_KEY_ID_B, k.platform_b_pub)]),
        ),
        # Each of these must fail to build (CONFIG_INVALID).
        "invalid_apiv3_key_31_bytes": verifier(APIV3_KEY[:31], **default_keys),
        "invalid_apiv3_key_33_bytes": verifier(APIV3_KEY + "h", **default_keys),
        "invalid_apiv3_key_16_bytes": verifier("testMchAPIv3Key0", **default_keys),
        "invalid_apiv3_key_32_chars_36_bytes": verifier(APIV3_KEY[:30] + "密钥", **default_keys),
        "invalid_garbage_public_key_pem": verifier(
            APIV3_KEY, public_keys=[(PUB_KEY_ID_B, GARBAGE_PUBLIC_KEY_PEM)], certificates=[k.platform_a_cert]
        ),
        "invalid_garbage_certificate_pem": verifier(
            APIV3_KEY, public_keys=[(PUB_KEY_ID_B, k.platform_b_pub)], certificates=[GARBAGE_CERTIFICATE_PEM]
        ),
        "invalid_ec_p256_key": verifier(
            APIV3_KEY, public_keys=[(PUB_KEY_ID_B, k.ec_p256_pub)], certificates=[k.platform_a_cert]
        ),
        "invalid_rsa_1024_key": verifier(
            APIV3_KEY, public_keys=[(PUB_KEY_ID_B, k.rsa_1024_pub)], certificates=[k.platform_a_cert]
        ),
        "invalid_no_keys": verifier(APIV3_KEY),
        # One id for two merchants with different keys (B and B-next): one serial names one key.
        "invalid_merchants_serial_two_keys": merchants_verifier(
            merchant(MCHID_1, MERCHANT_APIV3_KEYS[MCHID_1], public_keys=[(PUB_KEY_ID_B, k.platform_b_pub)]),
            merchant(MCHID_2, MERCHANT_APIV3_KEYS[MCHID_2], public_keys=[(PUB_KEY_ID_B, k.platform_b_next_pub)]),
        ),
    }


V2_KEYS = {
    "default": V2_KEY,
    "invalid_31_bytes": V2_KEY[:31],
    "invalid_33_bytes": V2_KEY + "H",
}

# ----------------------------------------------------------------------------------------
# Encoding and crypto helpers
# ----------------------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def compact_json(value) -> bytes:
    """JSON as WeChat Pay sends it: no spaces, UTF-8 text unescaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def derived(label: str, name: str, length: int) -> str:
    """A fixed, case-specific alphanumeric string (nonces), so runs are deterministic."""
    return hashlib.sha256(f"{label}/{name}".encode()).hexdigest()[:length]


def gcm_nonce(name: str) -> str:
    return derived("gcm-nonce", name, 12)


def header_nonce(name: str) -> str:
    return derived("header-nonce", name, 32).upper()


def seal(plaintext: bytes, nonce: bytes, aad: bytes, key: str = APIV3_KEY) -> str:
    """AEAD_AES_256_GCM as WeChat Pay does it: base64(ciphertext || 16-byte tag)."""
    return b64(AESGCM(key.encode()).encrypt(nonce, plaintext, aad))


def signed_message(timestamp: str, nonce: str, body: bytes, trailing_newline: bool = True) -> bytes:
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return message + b"\n" if trailing_newline else message


def rsa_sign(key: rsa.RSAPrivateKey, message: bytes, algorithm=None) -> str:
    return b64(key.sign(message, PKCS1v15(), algorithm or hashes.SHA256()))


# ----------------------------------------------------------------------------------------
# APIv3 notification bodies
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    event_type: str
    summary: str
    original_type: str | None  # None: the resource has no original_type key
    plaintext: dict


TRANSACTION = Event(
    "TRANSACTION.SUCCESS",
    "支付成功",
    "transaction",
    {
        "mchid": "1900000109",
        "appid": "wxd678efh567hg6787",
        "out_trade_no": "1217752501201407033233368018",
        "transaction_id": "4200001234202311140123456789",
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "CMC",
        "attach": "自定义数据：订单 #8848",
        "success_time": "2023-11-14T22:13:19+08:00",
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": 100, "payer_total": 90, "currency": "CNY", "payer_currency": "CNY"},
        "scene_info": {"device_id": "013467007045764"},
        "promotion_detail": [
            {
                "coupon_id": "109519",
                "name": "单品惠-6",
                "scope": "SINGLE",
                "type": "CASH",
                "amount": 10,
                "stock_id": "931386",
                "wechatpay_contribute": 0,
                "merchant_contribute": 10,
                "other_contribute": 0,
                "currency": "CNY",
                "goods_detail": [
                    {"goods_id": "M1006", "quantity": 1, "unit_price": 100, "discount_amount": 10}
                ],
            }
        ],
    },
)

REFUND = Event(
    "REFUND.SUCCESS",
    "退款成功",
    "refund",
    {
        "mchid": "1900000100",
        "out_trade_no": "20150806125346",
        "transaction_id": "1008450740201411110005820873",
        "out_refund_no": "7752501201407033233368018",
        "refund_id": "50200207182018070300011301001",
        "refund_status": "SUCCESS",
        "success_time": "2018-06-08T10:34:56+08:00",
        "user_received_account": "招商银行信用卡0403",
        "amount": {"total": 999, "refund": 999, "payer_total": 999, "payer_refund": 999},
    },
)

PARTNER_TRANSACTION = Event(
    "TRANSACTION.SUCCESS",
    "支付成功",
    "transaction",
    {
        "sp_mchid": "1230000109",
        "sub_mchid": "1900000109",
        "sp_appid": "wx8888888888888888",
        "sub_appid": "wxd678efh567hg6999",
        "out_trade_no": "1217752501201407033233368018",
        "transaction_id": "4200001234202311140123456790",
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "CMC",
        "attach": "",
        "success_time": "2023-11-14T22:13:19+08:00",
        "payer": {"sp_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "sub_openid": "oXkQ45Hv7yO3hW_6bTy9JVV0xK2s"},
        "amount": {"total": 2000, "payer_total": 2000, "currency": "CNY", "payer_currency": "CNY"},
    },
)

SMALL_PLAINTEXT = {
    "mchid": "1900000109",
    "out_trade_no": "1217752501201407033233368018",
    "trade_state": "SUCCESS",
}

_ORIGINAL_TYPE = object()  # sentinel: associated_data = the event's original_type


def resource(
    name: str, event: Event, plaintext: bytes, associated_data=_ORIGINAL_TYPE, apiv3_key: str = APIV3_KEY
) -> dict:
    """The `resource` object sealed under `apiv3_key`; associated_data=None leaves the field out."""
    aad = event.original_type if associated_data is _ORIGINAL_TYPE else associated_data
    nonce = gcm_nonce(name)
    sealed = seal(plaintext, nonce.encode(), (aad or "").encode(), apiv3_key)
    fields = {"original_type": event.original_type, "algorithm": ALGORITHM, "ciphertext": sealed}
    if event.original_type is None:
        del fields["original_type"]
    if aad is not None:
        fields["associated_data"] = aad
    fields["nonce"] = nonce
    return fields


def envelope(
    name: str, event: Event = TRANSACTION, plaintext: bytes | None = None, **resource_options
) -> dict:
    """A complete notification body (as a dict) whose resource encrypts `plaintext`."""
    if plaintext is None:
        plaintext = compact_json(event.plaintext)
    return {
        "id": "EV-2018022511223320873",
        "create_time": "2015-05-20T13:29:35+08:00",
        "resource_type": "encrypt-resource",
        "event_type": event.event_type,
        "summary": event.summary,
        "resource": resource(name, event, plaintext, **resource_options),
    }


def parsed(
    env: dict, event: Event = TRANSACTION, plaintext: str | None = None, mchid: str | None = None
) -> dict:
    """The `expect` of a v3_parse case that succeeds, with the catalog kind it dispatches to and
    the merchant it was for (`mchid`: None for a single-merchant verifier)."""
    fields = {field: env.get(field, "") for field in ENVELOPE_FIELDS}
    text = plaintext if plaintext is not None else compact_json(event.plaintext).decode("utf-8")
    original_type = env["resource"].get("original_type", "")
    kind = kind_of(env.get("event_type", ""), env["resource"].get("original_type"), json.loads(text))
    return {
        "ok": True,
        **fields,
        "original_type": original_type,
        "plaintext": text,
        "kind": kind,
        "mchid": mchid,
    }


def padded_to(body: bytes, size: int) -> bytes:
    """Insert spaces before the final `}` of a JSON object so it is exactly `size` bytes."""
    assert body.endswith(b"}") and len(body) <= size, (len(body), size)
    return body[:-1] + b" " * (size - len(body)) + b"}"


def nested_arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# ----------------------------------------------------------------------------------------
# Event catalog (models/events.json) and its dispatch rule
# ----------------------------------------------------------------------------------------

UNKNOWN = "unknown"
UNEXPECTED_EVENT = "UNEXPECTED_EVENT"


@dataclass(frozen=True)
class Catalog:
    kinds: tuple[dict, ...]  # as in events.json, in its order
    models: dict  # model name -> model
    samples: dict  # kind -> the decrypted plaintext of models/samples/<kind>.json

    @property
    def names(self) -> list[str]:
        return [kind["kind"] for kind in self.kinds]

    def kind(self, name: str) -> dict:
        return next(kind for kind in self.kinds if kind["kind"] == name)


@functools.cache
def catalog() -> Catalog:
    data = json.loads((MODELS_DIR / "events.json").read_text(encoding="utf-8"))
    kinds = tuple(data["kinds"])
    samples = {
        kind["kind"]: json.loads(
            (MODELS_DIR / "samples" / f"{kind['kind']}.json").read_text(encoding="utf-8")
        )
        for kind in kinds
    }
    return Catalog(kinds, {model["name"]: model for model in data["models"]}, samples)


def kind_of(event_type: str, original_type: str | None, plaintext) -> str:
    """The catalog kind of a notification: models/README.md, section "Dispatch".

    `original_type` is None when the resource has none; `plaintext` is the decoded resource.
    """
    candidates = [
        kind
        for kind in catalog().kinds
        if event_type in kind["event_types"]
        and (not kind["original_types"] or original_type in kind["original_types"])
    ]
    if len(candidates) == 1:  # whatever the plaintext holds
        return candidates[0]["kind"]
    keys = set(plaintext) if isinstance(plaintext, dict) else set()
    fitting = [kind for kind in candidates if keys.issuperset(kind["requires_fields"])]
    if not fitting:  # no candidate at all, or none whose requires_fields are all present
        return UNKNOWN
    longest = max(len(kind["requires_fields"]) for kind in fitting)
    winners = [kind["kind"] for kind in fitting if len(kind["requires_fields"]) == longest]
    assert len(winners) == 1, f"the Dispatch rule cannot choose between {winners}"
    return winners[0]


def path_steps(path: str) -> list[str | int]:
    """`promotion_detail.0.amount` -> ["promotion_detail", 0, "amount"]."""
    return [int(step) if step.isdigit() else step for step in path.split(".")]


def value_at(value, path: str):
    for step in path_steps(path):
        value = value[step]
    return value


def parent_of(plaintext, path: str) -> tuple[dict | list, str | int]:
    """The object or list holding the last step of `path`, and that step."""
    *parents, last = path_steps(path)
    for step in parents:
        plaintext = plaintext[step]
    return plaintext, last


def without_field(plaintext: dict, path: str) -> dict:
    """A copy of `plaintext` without the key at `path`."""
    result = copy.deepcopy(plaintext)
    parent, last = parent_of(result, path)
    assert last in parent, path
    del parent[last]
    return result


def with_field(plaintext: dict, path: str, value) -> dict:
    """A copy of `plaintext` whose key at `path` holds `value` (in place, or added last)."""
    result = copy.deepcopy(plaintext)
    parent, last = parent_of(result, path)
    parent[last] = value
    return result


def model_field(kind: str, path: str) -> dict:
    """The field of the kind's model that `path` names (list indexes step into the item)."""
    model, field = catalog().models[catalog().kind(kind)["model"]], None
    for step in path_steps(path):
        if isinstance(step, int):
            assert field is not None and field["type"].startswith("list<"), path
            model = catalog().models.get(field["type"][5:-1])
            continue
        assert model is not None, f"{path}: {step} is inside a scalar"
        field = next(f for f in model["fields"] if f["name"] == step)
        model = catalog().models.get(field["type"])
    assert field is not None
    return field


# ----------------------------------------------------------------------------------------
# APIv3 headers
# ----------------------------------------------------------------------------------------

HEADER_NAMES = {SERIAL: SERIAL, SIGNATURE: SIGNATURE, TIMESTAMP: TIMESTAMP, NONCE: NONCE}


def signed_headers(
    name: str,
    body: bytes,
    signer: Signer,
    *,
    timestamp: int | str = NOW,
    names: Callable[[str], str] = lambda n: n,
    signature_type: str | None = None,
) -> list[list[str]]:
    """Headers of a request whose body is signed by `signer`, as WeChat Pay sends them."""
    ts, nonce = str(timestamp), header_nonce(name)
    signature = rsa_sign(signer.key, signed_message(ts, nonce, body))
    headers = [
        [names(NONCE), nonce],
        [names(SIGNATURE), signature],
        [names(TIMESTAMP), ts],
        [names(SERIAL), signer.serial],
    ]
    if signature_type is not None:
        headers.append([names(SIGNATURE_TYPE_HEADER), signature_type])
    return headers


def header_value(headers: list[list[str]], name: str) -> str:
    return next(value for key, value in headers if key.lower() == name.lower())


def with_header(headers: list[list[str]], name: str, value: str) -> list[list[str]]:
    """A copy of `headers` with the value of `name` replaced."""
    return [[key, value if key.lower() == name.lower() else old] for key, old in headers]


def without_header(headers: list[list[str]], name: str) -> list[list[str]]:
    return [[key, value] for key, value in headers if key.lower() != name.lower()]


# ----------------------------------------------------------------------------------------
# Case records
# ----------------------------------------------------------------------------------------


def body_fields(body: bytes) -> dict:
    """`body_hex`, plus `body` when the bytes are valid UTF-8."""
    fields = {"body_hex": body.hex()}
    try:
        fields["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return fields


def error(code: str) -> dict:
    return {"error": code}


OK = {"ok": True}


def v3_case(
    name: str,
    description: str,
    headers: list[list[str]],
    body: bytes,
    expect: dict,
    *,
    kind: str = "v3_parse",
    verifier: str = "default",
    now: int = NOW,
) -> dict:
    return {
        "name": name,
        "description": description,
        "type": kind,
        "verifier": verifier,
        "now": now,
        "headers": headers,
        **body_fields(body),
        "expect": expect,
    }


def v3_signed_case(
    name: str,
    description: str,
    body: bytes,
    expect: dict,
    signer: Signer,
    *,
    kind: str = "v3_parse",
    verifier: str = "default",
    now: int = NOW,
    **header_options,
) -> dict:
    """A case whose headers correctly sign `body` (so any failure lies elsewhere)."""
    headers = signed_headers(name, body, signer, **header_options)
    return v3_case(name, description, headers, body, expect, kind=kind, verifier=verifier, now=now)


def v3_body_case(
    name: str, description: str, body: bytes, code: str, k: Keys, signer: Signer | None = None, **options
) -> dict:
    """A validly signed body (by public key B unless told) that must be refused with `code`."""
    return v3_signed_case(name, description, body, error(code), signer or k.platform_b, **options)


def v3_resource_case(name: str, description: str, env: dict, code: str, k: Keys, **options) -> dict:
    return v3_body_case(name, description, compact_json(env), code, k, **options)


# ----------------------------------------------------------------------------------------
# APIv3 cases, grouped by the step of docs/protocol.md
# ----------------------------------------------------------------------------------------


def v3_valid_cases(k: Keys) -> list[dict]:
    def valid(name, description, signer, event=TRANSACTION, verifier="default", **options):
        env = envelope(name, event)
        return v3_signed_case(
            name, description, compact_json(env), parsed(env, event), signer, verifier=verifier, **options
        )

    return [
        valid(
            "valid_transaction_public_key",
            "A payment notification signed with the 微信支付公钥 B, found by its PUB_KEY_ID.",
            k.platform_b,
        ),
        valid(
            "valid_transaction_certificate",
            "A payment notification signed with platform certificate A, found by its serial.",
            k.platform_a,
        ),
        valid(
            "valid_certificate_serial_lowercase",
            "Certificate serials match as hex case-insensitively: a lowercase Wechatpay-Serial finds certificate A.",
            Signer(k.platform_a.key, SERIAL_A.lower()),
        ),
        valid(
            "valid_lowercase_header_names",
            "Header names are case-insensitive: all lowercase (as HTTP/2 delivers them).",
            k.platform_b,
            names=str.lower,
        ),
        valid(
            "valid_uppercase_header_names",
            "Header names are case-insensitive: all uppercase.",
            k.platform_b,
            names=str.upper,
        ),
        valid(
            "valid_with_signature_type",
            "Wechatpay-Signature-Type WECHATPAY2-SHA256-RSA2048 is accepted.",
            k.platform_b,
            signature_type=SIGNATURE_TYPE,
        ),
        valid(
            "valid_certificate_rsa_4096",
            "A 4096-bit platform certificate verifies a 512-byte signature.",
            k.platform_c,
            verifier="cert_4096",
        ),
        valid(
            "valid_refund",
            "A refund notification (REFUND.SUCCESS, original_type refund).",
            k.platform_b,
            event=REFUND,
        ),
        valid(
            "valid_partner_transaction",
            "A service-provider (partner) payment notification with sp_/sub_ fields.",
            k.platform_b,
            event=PARTNER_TRANSACTION,
        ),
        valid(
            "valid_rotation_old_key",
            "During a key rotation the old public key still verifies.",
            k.platform_b,
            verifier="rotation",
        ),
        valid(
            "valid_rotation_new_key",
            "During a key rotation the new public key verifies.",
            k.platform_b_next,
            verifier="rotation",
        ),
        valid(
            "valid_skew_plus_300",
            "A timestamp 300 s ahead of now is inside the allowed skew.",
            k.platform_b,
            timestamp=NOW + 300,
        ),
        valid(
            "valid_skew_minus_300",
            "A timestamp 300 s behind now is inside the allowed skew.",
            k.platform_b,
            timestamp=NOW - 300,
        ),
        valid(
            "valid_java_peer_certificate",
            "Signed with the wechatpay-java test key pair, verified through its certificate 440024045C4A427599D09BB4E3DE0279F2E813FD.",
            k.java_cert,
            verifier="java_peer_cert",
        ),
        valid(
            "valid_java_peer_public_key",
            "Signed with the wechatpay-java test key pair, verified through its SPKI public key under a PUB_KEY_ID.",
            k.java_pub,
            verifier="java_peer_pubkey",
        ),
        valid(
            "valid_expired_certificate_at_not_after",
            "A certificate is still valid at exactly its notAfter second (2020-01-01T00:00:00Z).",
            k.expired,
            verifier="expired",
            timestamp=unix(EXPIRED_UNTIL),
            now=unix(EXPIRED_UNTIL),
        ),
        valid(
            "valid_future_certificate_at_not_before",
            "A certificate is valid from exactly its notBefore second (2040-01-01T00:00:00Z).",
            k.future,
            verifier="expired",
            timestamp=unix(FUTURE_FROM),
            now=unix(FUTURE_FROM),
        ),
    ] + v3_valid_variants(k)


def v3_ok_case(
    name: str,
    description: str,
    env: dict,
    k: Keys,
    *,
    body: bytes | None = None,
    plaintext: str | None = None,
    edit_headers: Callable[[list[list[str]]], list[list[str]]] = lambda headers: headers,
    **options,
) -> dict:
    """A v3_parse case that succeeds: `body` (default: compact `env`) signed by public key B."""
    body = compact_json(env) if body is None else body
    verifier = options.pop("verifier", "default")
    headers = edit_headers(signed_headers(name, body, k.platform_b, **options))
    return v3_case(name, description, headers, body, parsed(env, plaintext=plaintext), verifier=verifier)


def with_cjk_nonce(env: dict, nonce: str = "微信支付") -> dict:
    """Re-seal the transaction under a resource.nonce of 4 CJK characters (12 UTF-8 bytes)."""
    env["resource"]["nonce"] = nonce
    env["resource"]["ciphertext"] = seal(compact_json(TRANSACTION.plaintext), nonce.encode(), b"transaction")
    return env


OTHER_REQUEST_HEADERS = [
    ["Host", "merchant.example.com"],
    ["User-Agent", "Mozilla/4.0"],
    ["Content-Type", "application/json"],
    ["Pragma", "no-cache"],
]


def v3_valid_variants(k: Keys) -> list[dict]:
    """Valid notifications whose body or headers differ from the usual shape."""
    small = compact_json(SMALL_PLAINTEXT)
    array = '[{"any":"JSON value"},1,"二"]'
    leading = envelope("valid_leading_whitespace_body")
    exact = envelope("valid_body_exactly_max_size", plaintext=small)
    return [
        v3_ok_case(
            "valid_no_associated_data",
            "resource without associated_data: the AAD is empty.",
            envelope("valid_no_associated_data", associated_data=None),
            k,
        ),
        v3_ok_case(
            "valid_leading_whitespace_body",
            "Whitespace before the JSON object is part of the signed body and allowed.",
            leading,
            k,
            body=b"\r\n \t" + compact_json(leading),
        ),
        v3_ok_case(
            "valid_header_values_padded",
            "Header values are trimmed of surrounding spaces and tabs before use.",
            envelope("valid_header_values_padded"),
            k,
            edit_headers=lambda headers: [[key, f" \t{value}  "] for key, value in headers],
        ),
        v3_ok_case(
            "valid_duplicate_header_first_wins",
            "When a header is repeated, the first occurrence is used.",
            envelope("valid_duplicate_header_first_wins"),
            k,
            edit_headers=lambda headers: headers + [[TIMESTAMP, "garbage"], ["wechatpay-serial", "UNKNOWN"]],
        ),
        v3_ok_case(
            "valid_with_other_headers",
            "The other headers of a real callback request are ignored.",
            envelope("valid_with_other_headers"),
            k,
            edit_headers=lambda headers: OTHER_REQUEST_HEADERS + headers,
            signature_type=SIGNATURE_TYPE,
        ),
        v3_ok_case(
            "valid_minimal_envelope",
            "A body with only resource: absent envelope fields read as empty strings.",
            {"resource": envelope("valid_minimal_envelope")["resource"]},
            k,
        ),
        v3_ok_case(
            "valid_body_exactly_max_size",
            "A body of exactly max_body_size (512) bytes is accepted.",
            exact,
            k,
            body=padded_to(compact_json(exact), SMALL_BODY_SIZE),
            plaintext=small.decode(),
            verifier="small_body",
        ),
        v3_ok_case(
            "valid_nonce_4_cjk_characters",
            "resource.nonce is used as raw bytes: 4 CJK characters are 12 bytes.",
            with_cjk_nonce(envelope("valid_nonce_4_cjk_characters")),
            k,
        ),
        v3_ok_case(
            "valid_plaintext_json_array",
            "The decrypted resource may be any JSON value, here an array.",
            envelope("valid_plaintext_json_array", plaintext=array.encode()),
            k,
            plaintext=array,
        ),
    ]


def v3_verify_cases(k: Keys) -> list[dict]:
    """verify does steps 0-10 only: it never looks inside the body."""

    def verify(name, description, body, expect, signer=k.platform_b, **options):
        return v3_signed_case(name, description, body, expect, signer, kind="v3_verify", **options)

    valid_body = compact_json(envelope("verify_ok_notification"))
    cases = [
        verify("verify_ok_notification", "verify accepts a validly signed notification.", valid_body, OK),
        verify(
            "verify_ok_garbage_resource",
            "verify accepts a validly signed body whose resource is garbage.",
            b'{"resource":"garbage"}',
            OK,
        ),
        verify(
            "verify_ok_body_not_json",
            "verify does not parse the body: validly signed text that is not JSON passes.",
            b"hello, not JSON",
            OK,
        ),
        verify(
            "verify_ok_wrong_apiv3_key",
            "verify never decrypts, so a wrong APIv3 key does not matter.",
            compact_json(envelope("verify_ok_wrong_apiv3_key")),
            OK,
            verifier="wrong_apiv3_key",
        ),
        verify(
            "verify_body_too_large",
            "verify checks the body size (step 0).",
            valid_body,
            error("BODY_TOO_LARGE"),
            verifier="small_body",
        ),
        verify(
            "verify_wrong_format",
            "verify checks for an XML body (step 1).",
            b"<xml><return_code>SUCCESS</return_code></xml>",
            error("WRONG_FORMAT"),
        ),
        verify(
            "verify_timestamp_skew",
            "verify checks the clock skew (step 5).",
            valid_body,
            error("TIMESTAMP_SKEW"),
            timestamp=NOW - 3600,
        ),
        verify(
            "verify_unknown_serial",
            "verify checks the serial (step 7).",
            valid_body,
            error("UNKNOWN_SERIAL"),
            signer=Signer(k.platform_b.key, "ABCDEF0123456789"),
        ),
        verify(
            "verify_signature_mismatch",
            "verify checks the signature (step 10).",
            valid_body,
            error("SIGNATURE_MISMATCH"),
            signer=Signer(k.attacker, PUB_KEY_ID_B),
        ),
    ]
    name = "verify_missing_header"
    headers = without_header(signed_headers(name, valid_body, k.platform_b), NONCE)
    cases.append(
        v3_case(
            name,
            "verify checks the headers (step 2).",
            headers,
            valid_body,
            error("MISSING_HEADER"),
            kind="v3_verify",
        )
    )
    return cases


def v3_format_and_header_cases(k: Keys) -> list[dict]:
    """Steps 0-3."""
    cases = []
    big = compact_json(envelope("body_too_large"))
    assert len(big) > SMALL_BODY_SIZE
    cases.append(
        v3_body_case(
            "body_too_large",
            "A ~1 KB notification is over max_body_size 512.",
            big,
            "BODY_TOO_LARGE",
            k,
            verifier="small_body",
        )
    )

    name = "body_one_byte_over_max_size"
    env = envelope(name, plaintext=compact_json(SMALL_PLAINTEXT))
    body = padded_to(compact_json(env), SMALL_BODY_SIZE + 1)
    cases.append(
        v3_body_case(
            name,
            "A body of max_body_size + 1 (513) bytes is refused.",
            body,
            "BODY_TOO_LARGE",
            k,
            verifier="small_body",
        )
    )

    xml = v2_xml(v2_signed(PAYMENT_FIELDS))
    cases.append(
        v3_body_case(
            "xml_body_with_headers",
            "An APIv2 XML notification sent to the v3 handler, even with v3 headers.",
            xml,
            "WRONG_FORMAT",
            k,
        )
    )
    cases.append(
        v3_case(
            "xml_body_leading_whitespace_no_headers",
            "XML after leading whitespace is found before headers are checked.",
            [],
            b"\n  " + xml,
            error("WRONG_FORMAT"),
        )
    )

    body = compact_json(envelope("missing_header"))
    for header in (SERIAL, SIGNATURE, TIMESTAMP, NONCE):
        name = "missing_header_" + header.split("-")[1].lower()
        headers = without_header(signed_headers(name, body, k.platform_b), header)
        cases.append(v3_case(name, f"{header} is absent.", headers, body, error("MISSING_HEADER")))
    name = "empty_header_serial"
    cases.append(
        v3_case(
            name,
            "Wechatpay-Serial is present but empty.",
            with_header(signed_headers(name, body, k.platform_b), SERIAL, ""),
            body,
            error("MISSING_HEADER"),
        )
    )
    name = "whitespace_header_nonce"
    cases.append(
        v3_case(
            name,
            "Wechatpay-Nonce is only whitespace, empty once trimmed.",
            with_header(signed_headers(name, body, k.platform_b), NONCE, " \t "),
            body,
            error("MISSING_HEADER"),
        )
    )
    cases.append(
        v3_case("no_headers", "A JSON body with no headers at all.", [], body, error("MISSING_HEADER"))
    )

    for name, value, description in (
        (
            "signature_type_sm2",
            "WECHATPAY2-SM2-WITH-SM3",
            "The national (SM2) signature type is not supported.",
        ),
        (
            "signature_type_lowercase",
            SIGNATURE_TYPE.lower(),
            "Wechatpay-Signature-Type must match exactly, case included.",
        ),
    ):
        cases.append(
            v3_body_case(name, description, body, "UNSUPPORTED_SIGNATURE_TYPE", k, signature_type=value)
        )
    return cases


def v3_timestamp_cases(k: Keys) -> list[dict]:
    """Steps 4-6."""
    body = compact_json(envelope("timestamp"))
    cases = []
    for name, value, description in (
        ("timestamp_letters", "abc", "A timestamp that is not a number."),
        ("timestamp_decimal_point", "12.5", "A timestamp with a decimal point."),
        ("timestamp_negative", "-5", "A signed (negative) timestamp."),
        ("timestamp_plus_sign", "+1700000000", "A timestamp with a plus sign."),
        ("timestamp_inner_space", "1700 000000", "A timestamp with a space inside."),
        ("timestamp_20_digits", "99999999999999999999", "A timestamp of 20 digits."),
        ("timestamp_overflows_i64", "9999999999999999999", "A 19-digit timestamp over i64::MAX."),
    ):
        cases.append(v3_body_case(name, description, body, "BAD_TIMESTAMP", k, timestamp=value))
    for name, value, description in (
        ("timestamp_skew_plus_301", NOW + 301, "A timestamp 301 s ahead of now."),
        ("timestamp_skew_minus_301", NOW - 301, "A timestamp 301 s behind now (a replay, or a slow clock)."),
        ("timestamp_in_milliseconds", NOW * 1000, "A timestamp in milliseconds is far in the future."),
        ("timestamp_i64_max", 2**63 - 1, "The largest i64 timestamp is refused for skew without overflow."),
    ):
        cases.append(v3_body_case(name, description, body, "TIMESTAMP_SKEW", k, timestamp=value))

    name = "signature_probe"
    headers = with_header(
        signed_headers(name, body, k.platform_b), SIGNATURE, "WECHATPAY/SIGNTEST/" + b64(b"\x00" * 256)
    )
    cases.append(
        v3_case(
            name,
            "WeChat Pay's WECHATPAY/SIGNTEST/ probe must be rejected.",
            headers,
            body,
            error("SIGNATURE_PROBE"),
        )
    )
    return cases


def v3_key_cases(k: Keys) -> list[dict]:
    """Steps 7-8."""
    body = compact_json(envelope("keys"))
    b_key = k.platform_b.key
    cases = [
        v3_body_case(
            "unknown_serial",
            "A certificate serial that is not configured.",
            body,
            "UNKNOWN_SERIAL",
            k,
            signer=Signer(k.attacker, "1DEADBEEF00112233445566778899AABBCCDDEEF"),
        ),
        v3_body_case(
            "unknown_serial_public_key_id_wrong_case",
            "PUB_KEY_ID ids match exactly: a lowercase id is unknown.",
            body,
            "UNKNOWN_SERIAL",
            k,
            signer=Signer(b_key, PUB_KEY_ID_B.lower()),
        ),
        v3_body_case(
            "unknown_serial_certificate_on_public_key_verifier",
            "A certificate serial sent to a verifier configured with public keys only.",
            body,
            "UNKNOWN_SERIAL",
            k,
            signer=k.platform_a,
            verifier="rotation",
        ),
        v3_body_case(
            "key_expired",
            "Signed with a platform certificate that expired in 2020.",
            body,
            "KEY_EXPIRED",
            k,
            signer=k.expired,
            verifier="expired",
        ),
        v3_body_case(
            "key_not_yet_valid",
            "Signed with a platform certificate valid only from 2040.",
            body,
            "KEY_EXPIRED",
            k,
            signer=k.future,
            verifier="expired",
        ),
    ]
    after = unix(EXPIRED_UNTIL) + 1
    cases.append(
        v3_body_case(
            "key_expired_one_second_after",
            "One second after notAfter the certificate has expired.",
            body,
            "KEY_EXPIRED",
            k,
            signer=k.expired,
            verifier="expired",
            timestamp=after,
            now=after,
        )
    )
    before = unix(FUTURE_FROM) - 1
    cases.append(
        v3_body_case(
            "key_not_yet_valid_one_second_before",
            "One second before notBefore the certificate is not yet valid.",
            body,
            "KEY_EXPIRED",
            k,
            signer=k.future,
            verifier="expired",
            timestamp=before,
            now=before,
        )
    )
    later = unix(utc(2025, 6, 1))
    cases.append(
        v3_body_case(
            "java_peer_certificate_expired",
            "The wechatpay-java certificate expired on 2025-05-09.",
            body,
            "KEY_EXPIRED",
            k,
            signer=k.java_cert,
            verifier="java_peer_cert",
            timestamp=later,
            now=later,
        )
    )
    return cases


def v3_signature_format_cases(k: Keys) -> list[dict]:
    """Step 9."""
    body = compact_json(envelope("signature_format"))
    cases = []

    def malformed(name, description, make_signature):
        headers = signed_headers(name, body, k.platform_b)
        signature = make_signature(header_value(headers, SIGNATURE))
        cases.append(
            v3_case(
                name,
                description,
                with_header(headers, SIGNATURE, signature),
                body,
                error("MALFORMED_SIGNATURE"),
            )
        )

    def url_safe(signature: str) -> str:
        assert "+" in signature or "/" in signature, "pick another case name"
        return signature.replace("+", "-").replace("/", "_")

    malformed("signature_not_base64", "The signature is not base64 at all.", lambda s: "this is not base64!")
    malformed(
        "signature_255_bytes",
        "Valid base64 of 255 bytes, one short of a 2048-bit signature.",
        lambda s: b64(base64.b64decode(s)[:255]),
    )
    malformed(
        "signature_url_safe_alphabet",
        "The URL-safe base64 alphabet (- and _) is not standard base64.",
        url_safe,
    )
    malformed(
        "signature_without_padding",
        "Standard base64 without its == padding is refused.",
        lambda s: s.rstrip("="),
    )
    malformed(
        "signature_inner_space", "A space inside the base64 is refused.", lambda s: s[:100] + " " + s[100:]
    )

    name = "signature_4096_bit_length_for_2048_key"
    headers = signed_headers(name, body, k.platform_c)
    headers = with_header(headers, SERIAL, PUB_KEY_ID_B)
    cases.append(
        v3_case(
            name,
            "A 512-byte signature for a 2048-bit key has the wrong length.",
            headers,
            body,
            error("MALFORMED_SIGNATURE"),
        )
    )
    return cases


def v3_signature_mismatch_cases(k: Keys) -> list[dict]:
    """Step 10."""
    name = "signature_mismatch"
    env = envelope(name)
    body = compact_json(env)
    headers = signed_headers(name, body, k.platform_b)
    cases = []

    def mismatch(case_name, description, case_headers=headers, case_body=body):
        cases.append(v3_case(case_name, description, case_headers, case_body, error("SIGNATURE_MISMATCH")))

    tampered = body.replace(b"EV-2018022511223320873", b"EV-2018022511223320874")
    assert len(tampered) == len(body) and tampered != body
    mismatch("mismatch_body_byte_changed", "One byte of the body changed after signing.", case_body=tampered)
    mismatch(
        "mismatch_nonce_changed",
        "Wechatpay-Nonce changed after signing.",
        with_header(headers, NONCE, header_nonce("another")),
    )
    mismatch(
        "mismatch_timestamp_changed",
        "Wechatpay-Timestamp changed by one second, still inside the window.",
        with_header(headers, TIMESTAMP, str(NOW + 1)),
    )
    mismatch(
        "mismatch_serial_of_other_key",
        "Signed by public key B but naming certificate A.",
        with_header(headers, SERIAL, SERIAL_A),
    )
    reindented = json.dumps(env, ensure_ascii=False, indent=2).encode("utf-8")
    mismatch(
        "mismatch_body_reserialized",
        "The body re-serialized with indentation after signing.",
        case_body=reindented,
    )
    mismatch(
        "mismatch_body_trailing_newline_added",
        "A newline appended to the body after signing.",
        case_body=body + b"\n",
    )

    cases.append(
        v3_body_case(
            "mismatch_attacker_key",
            "Signed by an attacker's key, naming public key B.",
            body,
            "SIGNATURE_MISMATCH",
            k,
            signer=Signer(k.attacker, PUB_KEY_ID_B),
        )
    )

    def resigned(case_name, description, message, algorithm=None):
        signature = rsa_sign(k.platform_b.key, message, algorithm)
        mismatch(case_name, description, with_header(headers, SIGNATURE, signature))

    ts, nonce = str(NOW), header_nonce(name)
    resigned(
        "mismatch_signed_without_trailing_newline",
        "Signed over timestamp\\nnonce\\nbody without the final \\n.",
        signed_message(ts, nonce, body, trailing_newline=False),
    )
    resigned(
        "mismatch_signed_with_sha1",
        "An RSA PKCS#1 v1.5 signature with SHA-1 instead of SHA-256.",
        signed_message(ts, nonce, body),
        hashes.SHA1(),
    )
    resigned("mismatch_signed_body_only", "A signature over the body alone.", body)
    return cases


def v3_body_cases(k: Keys) -> list[dict]:
    """Step 11: all validly signed."""
    inner = envelope("nested_in_resource")
    inner["resource"]["extra"] = "@NESTED@"
    nested_in_resource = compact_json(inner).replace(b'"@NESTED@"', nested_arrays(200))
    outer = envelope("nested_unknown_field")
    outer["extra"] = "@NESTED@"
    nested_unknown = compact_json(outer).replace(b'"@NESTED@"', nested_arrays(200))
    id_number = envelope("id_not_string")
    id_number["id"] = 2018022511223320873
    resource_null = envelope("resource_null")
    resource_null["resource"] = None

    bodies = (
        ("body_not_json", "A body that is not JSON.", b"this is not JSON"),
        ("body_json_array", "A JSON array, not an object.", b'[{"resource":{}}]'),
        ("body_truncated_json", "JSON cut short.", compact_json(envelope("truncated"))[:-2]),
        (
            "body_resource_missing",
            "An object without resource.",
            compact_json({k_: v for k_, v in envelope("x").items() if k_ != "resource"}),
        ),
        (
            "body_resource_string",
            "resource is a string, not an object.",
            compact_json({**envelope("x"), "resource": "encrypted"}),
        ),
        ("body_resource_null", "resource is null.", compact_json(resource_null)),
        ("body_id_not_string", "The envelope id is a number, not a string.", compact_json(id_number)),
        (
            "body_invalid_utf8",
            "The body is not UTF-8 (a Latin-1 byte in summary).",
            compact_json(envelope("latin1")).replace("支付成功".encode(), b"pay\xe9"),
        ),
        (
            "body_nested_200_deep",
            "A body nested 200 deep inside resource, over the parser's depth limit.",
            nested_in_resource,
        ),
        (
            "body_nested_200_deep_unknown_field",
            "An unknown envelope field nested 200 deep, over the depth limit.",
            nested_unknown,
        ),
        ("body_nested_200_deep_arrays", "A body that is 200 nested arrays.", nested_arrays(200)),
    )
    return [v3_body_case(name, description, body, "MALFORMED_BODY", k) for name, description, body in bodies]


def v3_resource_cases(k: Keys) -> list[dict]:
    """Steps 12-15: all validly signed."""
    cases = []

    def changed(name, description, code, **changes):
        env = envelope(name)
        for field, value in changes.items():
            if value is None:
                del env["resource"][field]
            else:
                env["resource"][field] = value
        cases.append(v3_resource_case(name, description, env, code, k))

    changed(
        "algorithm_aes_128_gcm",
        "resource.algorithm AEAD_AES_128_GCM is not supported.",
        "UNSUPPORTED_ALGORITHM",
        algorithm="AEAD_AES_128_GCM",
    )
    changed(
        "algorithm_lowercase",
        "resource.algorithm must match exactly, case included.",
        "UNSUPPORTED_ALGORITHM",
        algorithm="aead_aes_256_gcm",
    )
    changed("algorithm_missing", "A resource without algorithm.", "UNSUPPORTED_ALGORITHM", algorithm=None)

    changed(
        "resource_nonce_11_bytes", "resource.nonce of 11 bytes.", "MALFORMED_RESOURCE", nonce="abcdefghijk"
    )
    changed(
        "resource_nonce_12_chars_13_bytes",
        "resource.nonce of 12 characters but 13 UTF-8 bytes.",
        "MALFORMED_RESOURCE",
        nonce="abcdefghijké",
    )
    changed("resource_nonce_missing", "A resource without nonce.", "MALFORMED_RESOURCE", nonce=None)
    changed(
        "resource_ciphertext_missing", "A resource without ciphertext.", "MALFORMED_RESOURCE", ciphertext=None
    )
    changed(
        "resource_ciphertext_not_base64",
        "resource.ciphertext is not base64.",
        "MALFORMED_RESOURCE",
        ciphertext="not*base64*at*all",
    )
    changed(
        "resource_ciphertext_15_bytes",
        "resource.ciphertext decodes to 15 bytes, shorter than the GCM tag.",
        "MALFORMED_RESOURCE",
        ciphertext=b64(bytes(range(15))),
    )
    unpadded = envelope("resource_ciphertext_unpadded", plaintext=b'{"a":1}')
    assert unpadded["resource"]["ciphertext"].endswith("=")
    unpadded["resource"]["ciphertext"] = unpadded["resource"]["ciphertext"].rstrip("=")
    cases.append(
        v3_resource_case(
            "resource_ciphertext_unpadded",
            "resource.ciphertext without its = padding is not strict base64.",
            unpadded,
            "MALFORMED_RESOURCE",
            k,
        )
    )

    for name, plaintext, description in (
        (
            "plaintext_not_json",
            b"not json",
            "The resource decrypts (authentically) to text that is not JSON.",
        ),
        (
            "plaintext_invalid_utf8",
            b'{"attach":"\xff"}',
            "The resource decrypts to bytes that are not UTF-8.",
        ),
        (
            "plaintext_empty",
            b"",
            "The ciphertext is only a valid 16-byte tag: the empty plaintext is not JSON.",
        ),
    ):
        cases.append(
            v3_resource_case(name, description, envelope(name, plaintext=plaintext), "MALFORMED_RESOURCE", k)
        )
    return cases + v3_decrypt_cases(k)


def flip_byte(text_b64: str, index: int) -> str:
    data = bytearray(base64.b64decode(text_b64))
    data[index] ^= 0x01
    return b64(bytes(data))


def v3_decrypt_cases(k: Keys) -> list[dict]:
    """Step 14."""
    cases = []
    name = "decrypt_wrong_apiv3_key"
    env = envelope(name)
    cases.append(
        v3_resource_case(
            name,
            "The verifier's APIv3 key is not the one that encrypted the resource.",
            env,
            "DECRYPT_FAILED",
            k,
            verifier="wrong_apiv3_key",
        )
    )

    def altered(name, description, change):
        env = envelope(name)
        change(env["resource"])
        cases.append(v3_resource_case(name, description, env, "DECRYPT_FAILED", k))

    altered(
        "decrypt_ciphertext_byte_flipped",
        "One ciphertext byte flipped: the GCM tag fails.",
        lambda r: r.update(ciphertext=flip_byte(r["ciphertext"], 10)),
    )
    altered(
        "decrypt_tag_byte_flipped",
        "One byte of the GCM tag flipped.",
        lambda r: r.update(ciphertext=flip_byte(r["ciphertext"], -1)),
    )
    altered(
        "decrypt_wrong_associated_data",
        "associated_data changed from transaction to refund.",
        lambda r: r.update(associated_data="refund"),
    )
    altered(
        "decrypt_associated_data_removed",
        "associated_data removed although it was authenticated.",
        lambda r: r.pop("associated_data"),
    )
    altered(
        "decrypt_wrong_nonce",
        "resource.nonce replaced by another 12-byte nonce.",
        lambda r: r.update(nonce="000000000000"),
    )

    go = k.go_peer
    headers = [[key, value] for key, value in go["headers"].items()]
    body = go["body"].encode("utf-8")
    cases.append(
        v3_case(
            "go_peer_real_notification_verify",
            "A real notification from wechatpay-go's tests verifies with its platform certificate.",
            headers,
            body,
            OK,
            kind="v3_verify",
            verifier="go_peer",
            now=go["now"],
        )
    )
    cases.append(
        v3_case(
            "go_peer_real_notification_wrong_key",
            "The real wechatpay-go notification is sealed with a 16-byte key, so a 32-byte APIv3 key cannot open it.",
            headers,
            body,
            error("DECRYPT_FAILED"),
            verifier="go_peer",
            now=go["now"],
        )
    )
    return cases


def v3_config_cases(all_verifiers: dict) -> list[dict]:
    descriptions = {
        "invalid_apiv3_key_31_bytes": "An APIv3 key of 31 bytes.",
        "invalid_apiv3_key_33_bytes": "An APIv3 key of 33 bytes (a stray character, like a newline).",
        "invalid_apiv3_key_16_bytes": "A 16-byte key (testMchAPIv3Key0, AES-128 size).",
        "invalid_apiv3_key_32_chars_36_bytes": "An APIv3 key of 32 characters but 36 UTF-8 bytes.",
        "invalid_garbage_public_key_pem": "A public key PEM whose content is not a key.",
        "invalid_garbage_certificate_pem": "A certificate PEM whose content is not a certificate.",
        "invalid_ec_p256_key": "An EC P-256 public key: only RSA is accepted.",
        "invalid_rsa_1024_key": "An RSA key of 1024 bits, under the 2048-bit minimum.",
        "invalid_no_keys": "No public key and no certificate at all.",
    }
    generic = {
        name
        for name in all_verifiers
        if name.startswith("invalid_") and not name.startswith("invalid_merchants_")
    }
    assert set(descriptions) == generic  # invalid_merchants_*: see v3_merchants_cases
    return [
        {
            "name": f"config_{name.removeprefix('invalid_')}",
            "description": description,
            "type": "v3_config",
            "verifier": name,
            "expect": error("CONFIG_INVALID"),
        }
        for name, description in descriptions.items()
    ]


# ----------------------------------------------------------------------------------------
# Many merchants behind one notify_url (docs/merchants.md)
# ----------------------------------------------------------------------------------------


def merchant_event(mchid: str) -> Event:
    """The transaction sample as merchant `mchid` would receive it."""
    return Event(
        TRANSACTION.event_type,
        TRANSACTION.summary,
        TRANSACTION.original_type,
        with_field(TRANSACTION.plaintext, "mchid", mchid),
    )


def configured_serials(config: dict) -> list[str]:
    """`"<mchid> <id or serial>"` for each key of each merchant of a `merchants` verifier."""
    found = []
    for entry in config["merchants"]:
        ids = [key["id"] for key in entry["public_keys"]]
        for pem in entry["certificates"]:
            ids.append(f"{x509.load_pem_x509_certificate(pem.encode()).serial_number:X}")
        assert len(ids) == 1, "message_contains assumes one key per merchant"
        found.extend(f"{entry['mchid']} {key_id}" for key_id in ids)
    return found


def v3_merchants_cases(k: Keys, all_verifiers: dict) -> list[dict]:
    """The `merchants` verifier: the serial selects the key, the APIv3 key names the merchant."""
    config = all_verifiers["merchants"]
    mchids = [entry["mchid"] for entry in config["merchants"]]
    assert mchids == [MCHID_1, MCHID_2, MCHID_3]
    cases = []

    def callback(name, description, signer, apiv3_key, mchid=None, event=None, expect=None):
        event = event or merchant_event(mchid)
        env = envelope(name, event, apiv3_key=apiv3_key)
        expect = expect or parsed(env, event, mchid=mchid)
        cases.append(v3_signed_case(name, description, compact_json(env), expect, signer, verifier="merchants"))

    callback(
        "merchants_first_public_key",
        f"Merchant {MCHID_1}'s callback, signed with public key B (an id shared with {MCHID_3}) and sealed with "
        f"{MCHID_1}'s APIv3 key: the first key tried opens it, mchid {MCHID_1}.",
        k.platform_b,
        MERCHANT_APIV3_KEYS[MCHID_1],
        MCHID_1,
    )
    callback(
        "merchants_second_certificate",
        f"Merchant {MCHID_2}'s callback, signed with platform certificate A, configured for {MCHID_2} "
        f"only: decrypted with {MCHID_2}'s APIv3 key, mchid {MCHID_2}.",
        k.platform_a,
        MERCHANT_APIV3_KEYS[MCHID_2],
        MCHID_2,
    )
    callback(
        "merchants_third_shared_serial",
        f"Merchant {MCHID_3}'s callback under the id it shares with {MCHID_1} (same key B): {MCHID_1}'s "
        f"APIv3 key is tried first and fails, {MCHID_3}'s opens it, mchid {MCHID_3}.",
        k.platform_b,
        MERCHANT_APIV3_KEYS[MCHID_3],
        MCHID_3,
    )
    callback(
        "merchants_shared_serial_no_key_decrypts",
        f"A callback under the shared id sealed with an APIv3 key neither {MCHID_1} nor {MCHID_3} has: "
        "DECRYPT_FAILED, naming both merchants tried.",
        k.platform_b,
        NO_MERCHANTS_APIV3_KEY,
        event=merchant_event(MCHID_1),
        expect={"error": "DECRYPT_FAILED", "message_contains": [MCHID_1, MCHID_3]},
    )
    callback(
        "merchants_unknown_serial",
        "Signed with public key B-next under an id no merchant configures: UNKNOWN_SERIAL, the message "
        "lists the configured serials by merchant.",
        k.platform_b_next,
        MERCHANT_APIV3_KEYS[MCHID_1],
        event=merchant_event(MCHID_1),
        expect={"error": "UNKNOWN_SERIAL", "message_contains": configured_serials(config)},
    )
    assert all(PUB_KEY_ID_B_NEXT not in key for key in configured_serials(config))

    invalid = all_verifiers["invalid_merchants_serial_two_keys"]
    ids = [key["id"] for entry in invalid["merchants"] for key in entry["public_keys"]]
    pems = [key["pem"] for entry in invalid["merchants"] for key in entry["public_keys"]]
    assert ids == [PUB_KEY_ID_B, PUB_KEY_ID_B] and pems[0] != pems[1]
    cases.append(
        {
            "name": "merchants_config_serial_two_keys",
            "description": f"{PUB_KEY_ID_B} configured for {MCHID_1} with key B and for {MCHID_2} with key "
            "B-next: one serial names one key, CONFIG_INVALID.",
            "type": "v3_config",
            "verifier": "invalid_merchants_serial_two_keys",
            "expect": error("CONFIG_INVALID"),
        }
    )
    return cases


# ----------------------------------------------------------------------------------------
# Event catalog cases: kind() and every typed accessor
# ----------------------------------------------------------------------------------------

SUMMARIES = {
    "TRANSACTION.SUCCESS": "支付成功",
    "REFUND.SUCCESS": "退款成功",
    "REFUND.ABNORMAL": "退款异常",
    "REFUND.CLOSED": "退款关闭",
    "PROFITSHARING.SUCCESS": "分账动账通知",
    "PROFITSHARING.RETURN": "分账回退动账通知",
    "MCHTRANSFER.BILL.FINISHED": "商家转账单据终态通知",
    "COMPLAINT.CREATE": "产生新投诉",
    "COMPLAINT.STATE_CHANGE": "投诉单状态变化",
    "COUPON.USE": "代金券核销通知",
}

_FIRST = object()  # sentinel: the kind's first documented event_type / original_type

# Fields read back from each kind's typed result (dotted JSON paths, list items by index):
# at least one nested field where the model has one, and a list item where the sample has a list.
SAMPLE_FIELDS = {
    "transaction": ("out_trade_no", "amount.total", "payer.openid", "promotion_detail.0.amount"),
    "partner_transaction": ("sub_mchid", "amount.payer_total", "payer.sub_openid"),
    "combine_transaction": (
        "combine_out_trade_no",
        "sub_orders.1.amount.total_amount",
        "combine_payer_info.openid",
    ),
    "refund": ("out_refund_no", "amount.refund", "success_time"),
    "partner_refund": ("sp_mchid", "refund_status", "amount.payer_refund"),
    "profit_sharing": ("out_order_no", "receiver.account", "receiver.amount"),
    "transfer_bill": ("transfer_bill_no", "state", "transfer_amount", "mchid"),  # a flat model
    "complaint": ("complaint_id", "action_type"),  # a flat model
}

# One required field per kind to leave out (never a requires_fields entry that would change the
# kind: complaint has no other required field, but being the only candidate of its envelope it
# stays complaint whatever its plaintext lacks).
MISSING_FIELDS = {
    "transaction": ("success_time", "amount.total"),
    "partner_transaction": ("trade_type",),
    "combine_transaction": ("combine_out_trade_no",),
    "refund": ("refund_id",),
    "partner_refund": ("user_received_account",),
    "profit_sharing": ("transaction_id",),
    "transfer_bill": ("transfer_amount",),
    "complaint": ("action_type",),
}

COUPON_PLAINTEXT = {
    "stock_creator_mchid": "1900000001",
    "stock_id": "9856000",
    "coupon_id": "98674556",
    "coupon_name": "微信支付代金券",
    "description": "微信支付营销",
    "status": "USED",
    "create_time": "2019-12-27T20:42:13+08:00",
    "coupon_type": "NORMAL",
    "no_cash": False,
    "singleitem": False,
    "normal_coupon_information": {"coupon_amount": 100, "transaction_minimum": 100},
    "consume_information": {
        "consume_time": "2019-12-27T20:43:13+08:00",
        "consume_mchid": "1900000001",
        "transaction_id": "4200000000000000000000000009",
    },
}


def catalog_event(kind: str, plaintext: dict | None = None, event_type=_FIRST, original_type=_FIRST) -> Event:
    """An Event of catalog `kind`: its first documented envelope and its sample unless told."""
    entry = catalog().kind(kind)
    if event_type is _FIRST:
        event_type = entry["event_types"][0]
    if original_type is _FIRST:
        original_type = entry["original_types"][0] if entry["original_types"] else None
    if plaintext is None:
        plaintext = catalog().samples[kind]
    return Event(event_type, SUMMARIES[event_type], original_type, plaintext)


def v3_event_cases(k: Keys) -> list[dict]:
    """Accepted notifications of every kind: kind(), and each typed accessor's result."""
    cases = []
    kinds = catalog().names

    def case(name, description, event, kind, own="ok", fields=(), contains=None, excludes=None):
        assert name.startswith("event_") and kind in kinds + [UNKNOWN], (name, kind)
        assert own in ("ok", "MALFORMED_RESOURCE"), name
        if kind == UNKNOWN:
            assert own == "ok" and not fields and contains is None, name
        else:
            assert (own == "ok") == bool(fields) == (contains is None), name
        env = envelope(name, event)
        expect = parsed(env, event)
        assert expect["kind"] == kind, f"{name}: dispatches to {expect['kind']}, meant {kind}"
        expect["events"] = {name_: own if name_ == kind else UNEXPECTED_EVENT for name_ in kinds}
        if contains is not None:
            assert model_field(kind, contains)["required"], f"{name}: {contains} is optional"
            expect["event_error_contains"] = contains
        if excludes is not None:
            assert compact_json(event.plaintext).decode().count(excludes) == 1, name
            expect["event_error_excludes"] = excludes
        if fields:
            assert 2 <= len(fields) <= 4, name
            values = {}
            for path in fields:
                value = value_at(event.plaintext, path)
                assert model_field(kind, path)["type"] in ("string", "int", "bool"), path
                assert isinstance(value, (str, int)), (name, path, value)
                values[path] = value
            expect["event_fields"] = values
        cases.append(v3_signed_case(name, description, compact_json(env), expect, k.platform_b))

    # a. Each kind's sample under its first documented envelope.
    for kind in kinds:
        entry = catalog().kind(kind)
        envelope_text = (
            f"{entry['event_types'][0]} / original_type {entry['original_types'][0]}"
            if entry["original_types"]
            else f"{entry['event_types'][0]} with no original_type in the resource"
        )
        case(
            f"event_{kind}",
            f"The {kind} sample of models/samples under {envelope_text}: kind {kind}, its accessor reads it.",
            catalog_event(kind),
            kind,
            fields=SAMPLE_FIELDS[kind],
        )

    # b. The other documented envelopes of profit sharing and refunds.
    case(
        "event_profit_sharing_transaction_success",
        "Profit sharing under the newer envelope TRANSACTION.SUCCESS / original_type profitsharing: still profit_sharing.",
        catalog_event("profit_sharing", event_type="TRANSACTION.SUCCESS"),
        "profit_sharing",
        fields=SAMPLE_FIELDS["profit_sharing"],
    )
    case(
        "event_profit_sharing_return",
        "A profit-sharing return (PROFITSHARING.RETURN / profitsharing) has the profit_sharing shape.",
        catalog_event("profit_sharing", event_type="PROFITSHARING.RETURN"),
        "profit_sharing",
        fields=SAMPLE_FIELDS["profit_sharing"],
    )
    abnormal = without_field(catalog().samples["refund"], "success_time")
    abnormal = with_field(abnormal, "refund_status", "ABNORMAL")
    case(
        "event_refund_abnormal",
        "A direct refund under REFUND.ABNORMAL, without the optional success_time: refund, read as it is.",
        catalog_event("refund", abnormal, event_type="REFUND.ABNORMAL"),
        "refund",
        fields=("refund_status", "amount.total", "out_refund_no"),
    )

    # c. One required field missing: same kind, its accessor names the field.
    for kind in kinds:
        for path in MISSING_FIELDS[kind]:
            case(
                f"event_{kind}_missing_{path.replace('.', '_')}",
                f"A {kind} without the required {path}: still {kind}, its accessor is MALFORMED_RESOURCE naming {path}.",
                catalog_event(kind, without_field(catalog().samples[kind], path)),
                kind,
                own="MALFORMED_RESOURCE",
                contains=path,
            )

    # d. A required field of the wrong JSON type: the error names it, never shows its value.
    transaction = catalog().samples["transaction"]
    case(
        "event_transaction_amount_total_string",
        'amount.total is the string "12345", not an integer: MALFORMED_RESOURCE naming amount.total, not its value.',
        catalog_event("transaction", with_field(transaction, "amount.total", "12345")),
        "transaction",
        own="MALFORMED_RESOURCE",
        contains="amount.total",
        excludes="12345",
    )

    # e. Unknown keys are ignored, an optional field may be null.
    extended = with_field(transaction, "attach", None)
    extended = with_field(extended, "amount.future_rate", 100000000)
    extended = with_field(extended, "future_field", {"added": "2030-01-01", "items": [1, "二", None]})
    case(
        "event_transaction_unknown_fields_and_null_attach",
        "A transaction with an unknown top-level object, an unknown key inside amount and attach null: read as usual.",
        catalog_event("transaction", extended),
        "transaction",
        fields=("amount.total", "payer.openid", "promotion_detail.0.amount", "trade_state"),
    )

    # f-h. Unknown kinds, and the requires_fields tie-break.
    partner = catalog().samples["partner_transaction"]
    case(
        "event_unknown_coupon_use",
        "COUPON.USE / original_type coupon is not in the catalog: kind unknown, every accessor UNEXPECTED_EVENT.",
        Event("COUPON.USE", SUMMARIES["COUPON.USE"], "coupon", COUPON_PLAINTEXT),
        UNKNOWN,
    )
    case(
        "event_unknown_payment_without_merchant",
        "TRANSACTION.SUCCESS / transaction with none of mchid, sp_mchid, combine_mchid: kind unknown, not a malformed transaction.",
        catalog_event("transaction", without_field(transaction, "mchid")),
        UNKNOWN,
    )
    case(
        "event_unknown_payment_sp_mchid_only",
        "TRANSACTION.SUCCESS / transaction with sp_mchid but no sub_mchid (and no mchid): no candidate has all its requires_fields, unknown.",
        catalog_event("partner_transaction", without_field(partner, "sub_mchid")),
        UNKNOWN,
    )
    case(
        "event_partner_transaction_with_mchid",
        "A payment with sp_mchid, sub_mchid and mchid: the longest requires_fields list wins, partner_transaction.",
        catalog_event("partner_transaction", {"mchid": "1900000001", **partner}),
        "partner_transaction",
        fields=("sp_mchid", "amount.total"),
    )
    case(
        "event_complaint_state_change_with_original_type",
        "COMPLAINT.STATE_CHANGE with an original_type: complaint is matched on event_type alone, whatever original_type says.",
        catalog_event("complaint", event_type="COMPLAINT.STATE_CHANGE", original_type="complaint"),
        "complaint",
        fields=SAMPLE_FIELDS["complaint"],
    )
    return cases


# ----------------------------------------------------------------------------------------
# APIv2 (XML)
# ----------------------------------------------------------------------------------------

PAYMENT_FIELDS = (
    ("appid", "wx2421b1c4370ec43b"),
    ("attach", "支付测试"),
    ("bank_type", "CFT"),
    ("cash_fee", "1"),
    ("fee_type", "CNY"),
    ("is_subscribe", "Y"),
    ("mch_id", "10000100"),
    ("nonce_str", "5d2b6c2a8db53831f7eda20af46e531c"),
    ("openid", "oUpF8uMEb4qRXf22hE3X68TekukE"),
    ("out_trade_no", "1409811653"),
    ("result_code", "SUCCESS"),
    ("return_code", "SUCCESS"),
    ("time_end", "20140903131540"),
    ("total_fee", "1"),
    ("trade_type", "JSAPI"),
    ("transaction_id", "1004400740201409030005092168"),
)

REFUND_OUTER_FIELDS = (
    ("appid", "wx2421b1c4370ec43b"),
    ("mch_id", "10000100"),
    ("nonce_str", "TeqClE3i0mvn3DrK"),
    ("return_code", "SUCCESS"),
)

REFUND_REQ_INFO = (
    ("out_refund_no", "1415701182"),
    ("out_trade_no", "1415757673"),
    ("refund_account", "REFUND_SOURCE_RECHARGE_FUNDS"),
    ("refund_fee", "1"),
    ("refund_id", "50000408942018111907145868882"),
    ("refund_recv_accout", "支付用户零钱"),
    ("refund_request_source", "API"),
    ("refund_status", "SUCCESS"),
    ("settlement_refund_fee", "1"),
    ("settlement_total_fee", "1"),
    ("success_time", "2018-11-19 16:24:13"),
    ("total_fee", "1"),
    ("transaction_id", "4200000215201811190261405420"),
)


def v2_sign_string(fields, key: str = V2_KEY) -> bytes:
    """Every field but sign, empty values skipped, sorted by key bytes, then &key=."""
    pairs = sorted(
        ((k, v) for k, v in fields if k != "sign" and v != ""), key=lambda kv: kv[0].encode("utf-8")
    )
    return ("&".join(f"{k}={v}" for k, v in pairs) + f"&key={key}").encode("utf-8")


def v2_sign(fields, algorithm: str = "MD5", key: str = V2_KEY) -> str:
    message = v2_sign_string(fields, key)
    if algorithm == "MD5":
        return hashlib.md5(message).hexdigest().upper()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest().upper()


def v2_signed(
    fields, algorithm: str = "MD5", sign_type: str | None = None, key: str = V2_KEY
) -> list[tuple[str, str]]:
    """`fields` plus sign_type (if given) and sign, in name order like WeChat Pay."""
    fields = list(fields) + ([("sign_type", sign_type)] if sign_type is not None else [])
    return sorted(fields + [("sign", v2_sign(fields, algorithm, key))])


def cdata(name: str, value: str) -> str:
    return f"<![CDATA[{value}]]>"


def xml_text(name: str, value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def v2_xml(
    fields, content: Callable[[str, str], str] = cdata, root: str = "xml", separator: str = ""
) -> bytes:
    elements = [f"<{name}>{content(name, value)}</{name}>" for name, value in fields]
    return f"<{root}>{separator}{separator.join(elements)}{separator}</{root}>".encode("utf-8")


def v2_case(kind: str, name: str, description: str, body: bytes, expect: dict, key: str = "default") -> dict:
    return {
        "name": name,
        "description": description,
        "type": kind,
        "v2_key": key,
        **body_fields(body),
        "expect": expect,
    }


def v2_fields_ok(fields) -> dict:
    return {"ok": True, "fields": dict(fields)}


def v2_payment_valid_cases() -> list[dict]:
    cases = []

    def valid(name, description, fields, **xml_options):
        cases.append(
            v2_case("v2_payment", name, description, v2_xml(fields, **xml_options), v2_fields_ok(fields))
        )

    valid("v2_payment_md5", "An MD5-signed payment result without sign_type.", v2_signed(PAYMENT_FIELDS))
    valid(
        "v2_payment_md5_with_sign_type",
        "An MD5-signed payment result with sign_type MD5.",
        v2_signed(PAYMENT_FIELDS, sign_type="MD5"),
    )
    valid(
        "v2_payment_hmac_sha256",
        "An HMAC-SHA256-signed payment result with sign_type HMAC-SHA256.",
        v2_signed(PAYMENT_FIELDS, "HMAC-SHA256", sign_type="HMAC-SHA256"),
    )
    valid(
        "v2_payment_hmac_by_length",
        "Without sign_type a 64-character sign means HMAC-SHA256.",
        v2_signed(PAYMENT_FIELDS, "HMAC-SHA256"),
    )
    lower = [(k, v.lower() if k == "sign" else v) for k, v in v2_signed(PAYMENT_FIELDS)]
    valid("v2_payment_lowercase_sign", "The received sign is compared case-insensitively.", lower)
    with_empty = list(PAYMENT_FIELDS) + [("device_info", ""), ("coupon_fee", "")]
    valid(
        "v2_payment_empty_fields_skipped",
        "Empty fields are kept in the result but skipped when signing.",
        v2_signed(with_empty),
    )
    failed_trade = [(k, "FAIL" if k == "result_code" else v) for k, v in PAYMENT_FIELDS] + [
        ("err_code", "NOTENOUGH"),
        ("err_code_des", "余额不足"),
    ]
    valid(
        "v2_payment_result_code_fail",
        "return_code SUCCESS with result_code FAIL is an authentic notification.",
        v2_signed(failed_trade),
    )

    def mixed(name, value):
        return xml_text(name, value) if value.isdigit() else cdata(name, value)

    valid(
        "v2_payment_cdata_and_text_mixed",
        "Some fields in CDATA, numbers as plain text, one element per line.",
        v2_signed(PAYMENT_FIELDS),
        content=mixed,
        separator="\n",
    )

    name = "v2_payment_entities_decoded"
    fields = [(k, "A&B <中> 'q' \"d\"" if k == "attach" else v) for k, v in PAYMENT_FIELDS]
    signed = v2_signed(fields)

    def entities(field, value):
        return (
            "A&amp;B &lt;&#x4E2D;&#62; &apos;q&apos; &quot;d&quot;"
            if field == "attach"
            else cdata(field, value)
        )

    cases.append(
        v2_case(
            "v2_payment",
            name,
            "The 5 predefined entities and numeric character references are decoded before signing.",
            v2_xml(signed, content=entities),
            v2_fields_ok(signed),
        )
    )
    declared = b'<?xml version="1.0" encoding="UTF-8"?>\n' + v2_xml(v2_signed(PAYMENT_FIELDS))
    cases.append(
        v2_case(
            "v2_payment",
            "v2_payment_xml_declaration",
            "An XML declaration before the root is allowed.",
            declared,
            v2_fields_ok(v2_signed(PAYMENT_FIELDS)),
        )
    )
    return cases


def v2_payment_error_cases() -> list[dict]:
    signed = v2_signed(PAYMENT_FIELDS)
    good_xml = v2_xml(signed)
    cases = []

    def refused(name, description, body, code):
        cases.append(v2_case("v2_payment", name, description, body, error(code)))

    refused(
        "v2_payment_return_fail",
        "return_code FAIL with a return_msg.",
        v2_xml([("return_code", "FAIL"), ("return_msg", "签名失败")]),
        "RETURN_FAIL",
    )
    refused(
        "v2_payment_missing_sign",
        "A payment result without sign.",
        v2_xml(PAYMENT_FIELDS),
        "MISSING_FIELD",
    )
    refused(
        "v2_payment_empty_sign",
        "A payment result with an empty sign.",
        v2_xml(sorted(list(PAYMENT_FIELDS) + [("sign", "")])),
        "MISSING_FIELD",
    )
    changed_fee = [(k, "100" if k == "total_fee" else v) for k, v in signed]
    refused(
        "v2_payment_total_fee_changed",
        "total_fee changed from 1 to 100 after signing.",
        v2_xml(changed_fee),
        "SIGNATURE_MISMATCH",
    )
    refused(
        "v2_payment_other_merchant_key",
        "Signed with another APIv2 key.",
        v2_xml(v2_signed(PAYMENT_FIELDS, key=OTHER_V2_KEY)),
        "SIGNATURE_MISMATCH",
    )
    hmac_as_md5 = v2_signed(PAYMENT_FIELDS, "HMAC-SHA256", sign_type="MD5")
    refused(
        "v2_payment_sign_type_md5_hmac_sign",
        "sign_type MD5 with an HMAC-SHA256 sign: MD5 is computed and differs.",
        v2_xml(hmac_as_md5),
        "SIGNATURE_MISMATCH",
    )
    refused(
        "v2_payment_sign_type_sha1",
        "sign_type SHA1 is not supported.",
        v2_xml(v2_signed(PAYMENT_FIELDS, sign_type="SHA1")),
        "UNSUPPORTED_SIGNATURE_TYPE",
    )
    sha1_sign = [
        (k, hashlib.sha1(v2_sign_string(PAYMENT_FIELDS)).hexdigest().upper() if k == "sign" else v)
        for k, v in signed
    ]
    refused(
        "v2_payment_sign_40_chars",
        "A 40-character sign without sign_type is neither MD5 nor HMAC-SHA256.",
        v2_xml(sha1_sign),
        "MALFORMED_SIGNATURE",
    )

    refused(
        "v2_payment_json_body",
        "A JSON (APIv3) body sent to the v2 handler.",
        compact_json(envelope("v2_json")),
        "WRONG_FORMAT",
    )
    refused("v2_payment_json_array_body", "A JSON array after whitespace.", b"  [1,2,3]", "WRONG_FORMAT")

    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        + good_xml.replace("<![CDATA[支付测试]]>".encode(), b"&xxe;")
    )
    assert b"&xxe;" in xxe
    refused("v2_payment_xxe_doctype", "A DOCTYPE declaring an external entity (XXE).", xxe, "MALFORMED_BODY")
    refused(
        "v2_payment_undefined_entity",
        "An entity reference other than the 5 predefined ones.",
        good_xml.replace(b"<![CDATA[CFT]]>", b"&xxe;"),
        "MALFORMED_BODY",
    )
    refused(
        "v2_payment_nested_element",
        "A field holding a child element.",
        good_xml.replace(b"<![CDATA[CFT]]>", b"<code>CFT</code>"),
        "MALFORMED_BODY",
    )
    refused(
        "v2_payment_duplicate_field",
        "The same field twice.",
        good_xml.replace(b"</xml>", b"<total_fee>100</total_fee></xml>"),
        "MALFORMED_BODY",
    )
    refused(
        "v2_payment_wrong_root",
        "A root element other than <xml>.",
        v2_xml(signed, root="root"),
        "MALFORMED_BODY",
    )
    refused("v2_payment_truncated", "XML cut short.", good_xml[:-7], "MALFORMED_BODY")
    refused(
        "v2_payment_not_xml",
        "A body that is neither XML nor JSON.",
        b"return_code=SUCCESS&total_fee=1",
        "MALFORMED_BODY",
    )
    return cases


def req_info_key(v2_key: str) -> bytes:
    return hashlib.md5(v2_key.encode()).hexdigest().encode("ascii")


def encrypt_req_info(plaintext: bytes, v2_key: str = V2_KEY) -> str:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(req_info_key(v2_key)), modes.ECB()).encryptor()
    return b64(encryptor.update(padded) + encryptor.finalize())


def has_valid_padding(req_info: str, v2_key: str = V2_KEY) -> bool:
    decryptor = Cipher(algorithms.AES(req_info_key(v2_key)), modes.ECB()).decryptor()
    padded = decryptor.update(base64.b64decode(req_info)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        unpadder.update(padded) + unpadder.finalize()
        return True
    except ValueError:
        return False


def refund_xml(req_info: str | None, outer=REFUND_OUTER_FIELDS) -> bytes:
    fields = list(outer) + ([("req_info", req_info)] if req_info is not None else [])
    return v2_xml(sorted(fields))


def v2_refund_cases() -> list[dict]:
    plaintext = v2_xml(REFUND_REQ_INFO, root="root")
    req_info = encrypt_req_info(plaintext)
    cases = [
        v2_case(
            "v2_refund",
            "v2_refund_valid",
            "A refund result whose req_info decrypts to a flat <root>.",
            refund_xml(req_info),
            {"ok": True, "fields": dict(REFUND_OUTER_FIELDS), "req_info": dict(REFUND_REQ_INFO)},
        )
    ]

    def refused(name, description, body, code):
        cases.append(v2_case("v2_refund", name, description, body, error(code)))

    tampered = flip_byte(req_info, -1)
    assert not has_valid_padding(tampered)
    refused(
        "v2_refund_req_info_tampered",
        "A byte of req_info's last block flipped: the padding is wrong.",
        refund_xml(tampered),
        "DECRYPT_FAILED",
    )
    other_key = encrypt_req_info(plaintext, OTHER_V2_KEY)
    assert not has_valid_padding(other_key)
    refused(
        "v2_refund_req_info_other_key",
        "req_info encrypted under another merchant's APIv2 key.",
        refund_xml(other_key),
        "DECRYPT_FAILED",
    )
    refused(
        "v2_refund_req_info_not_base64",
        "req_info is not base64.",
        refund_xml("!!!not-base64!!!"),
        "DECRYPT_FAILED",
    )
    refused(
        "v2_refund_req_info_not_block_multiple",
        "req_info decodes to 20 bytes, not a multiple of the AES block.",
        refund_xml(b64(bytes(20))),
        "DECRYPT_FAILED",
    )
    refused(
        "v2_refund_req_info_not_xml",
        "req_info decrypts (valid padding) to text that is not XML.",
        refund_xml(encrypt_req_info(b"refund_status=SUCCESS")),
        "DECRYPT_FAILED",
    )
    refused(
        "v2_refund_req_info_wrong_root",
        "req_info decrypts to an <xml> document instead of <root>.",
        refund_xml(encrypt_req_info(v2_xml(REFUND_REQ_INFO))),
        "DECRYPT_FAILED",
    )
    refused(
        "v2_refund_missing_req_info", "A refund result without req_info.", refund_xml(None), "MISSING_FIELD"
    )
    refused(
        "v2_refund_empty_req_info", "A refund result with an empty req_info.", refund_xml(""), "MISSING_FIELD"
    )
    refused(
        "v2_refund_return_fail",
        "return_code FAIL with a return_msg.",
        v2_xml([("return_code", "FAIL"), ("return_msg", "参数格式校验错误")]),
        "RETURN_FAIL",
    )
    refused(
        "v2_refund_json_body",
        "A JSON body sent to the v2 refund handler.",
        compact_json(envelope("v2_refund_json", REFUND)),
        "WRONG_FORMAT",
    )
    return cases


def v2_config_cases() -> list[dict]:
    return [
        {
            "name": "v2_config_key_31_bytes",
            "description": "An APIv2 key of 31 bytes.",
            "type": "v2_config",
            "v2_key": "invalid_31_bytes",
            "expect": error("CONFIG_INVALID"),
        },
        {
            "name": "v2_config_key_33_bytes",
            "description": "An APIv2 key of 33 bytes.",
            "type": "v2_config",
            "v2_key": "invalid_33_bytes",
            "expect": error("CONFIG_INVALID"),
        },
    ]


# ----------------------------------------------------------------------------------------
# Document
# ----------------------------------------------------------------------------------------


def all_cases(k: Keys, all_verifiers: dict) -> list[dict]:
    groups = (
        v3_valid_cases(k),
        v3_verify_cases(k),
        v3_format_and_header_cases(k),
        v3_timestamp_cases(k),
        v3_key_cases(k),
        v3_signature_format_cases(k),
        v3_signature_mismatch_cases(k),
        v3_body_cases(k),
        v3_resource_cases(k),
        v3_config_cases(all_verifiers),
        v3_merchants_cases(k, all_verifiers),
        v3_event_cases(k),
        v2_payment_valid_cases(),
        v2_payment_error_cases(),
        v2_refund_cases(),
        v2_config_cases(),
    )
    cases = [case for group in groups for case in group]
    names = collections.Counter(case["name"] for case in cases)
    duplicates = [name for name, count in names.items() if count > 1]
    assert not duplicates, f"duplicate case names: {duplicates}"
    for case in cases:  # expect.mchid: the merchant with merchants, null for a single merchant
        if case["type"] == "v3_parse" and case["expect"].get("ok"):
            merchants = "merchants" in all_verifiers[case["verifier"]]
            assert "mchid" in case["expect"], case["name"]
            assert (case["expect"]["mchid"] is not None) == merchants, case["name"]
    return cases


def document(k: Keys) -> dict:
    all_verifiers = verifiers(k)
    return {
        "format": 1,
        "generated_by": "tests/vectors/generate.py",
        "verifiers": all_verifiers,
        "v2_keys": dict(V2_KEYS),
        "cases": all_cases(k, all_verifiers),
    }


def render(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def outcome(case: dict) -> str:
    return case["expect"].get("error", "ok")


def print_summary(doc: dict) -> None:
    cases = doc["cases"]
    print(f"{len(cases)} cases in {OUTPUT.relative_to(HERE.parent.parent)}")
    by_type = collections.Counter(case["type"] for case in cases)
    print("by type:  " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())))
    by_outcome = collections.Counter(outcome(case) for case in cases)
    for code, count in sorted(by_outcome.items()):
        print(f"  {code:28} {count}")
    by_kind = collections.Counter(case["expect"]["kind"] for case in cases if "kind" in case["expect"])
    print("accepted v3_parse by kind:  " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    events = [case for case in cases if "events" in case["expect"]]
    own = collections.Counter(
        case["expect"]["events"].get(case["expect"]["kind"], UNKNOWN) for case in events
    )
    counts = ", ".join(f"{k} {n}" for k, n in sorted(own.items()))
    print(f"event_ cases: {len(events)} (own accessor: {counts})")
    merchants = [case["name"] for case in cases if case["name"].startswith("merchants_")]
    print(f"merchants_ cases: {len(merchants)}")


ALL_CODES = (
    "BODY_TOO_LARGE WRONG_FORMAT MISSING_HEADER UNSUPPORTED_SIGNATURE_TYPE BAD_TIMESTAMP "
    "TIMESTAMP_SKEW SIGNATURE_PROBE UNKNOWN_SERIAL KEY_EXPIRED MALFORMED_SIGNATURE "
    "SIGNATURE_MISMATCH MALFORMED_BODY MISSING_FIELD RETURN_FAIL UNSUPPORTED_ALGORITHM "
    "MALFORMED_RESOURCE DECRYPT_FAILED CONFIG_INVALID"
).split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing: fail if notifications.json is stale, else re-verify it with check_vectors.py",
    )
    args = parser.parse_args()

    doc = document(load_keys())
    missing = set(ALL_CODES) - {outcome(case) for case in doc["cases"]}
    assert not missing, f"codes without a case: {sorted(missing)}"
    accepted = [c for c in doc["cases"] if c["type"] == "v3_parse" and c["expect"].get("ok")]
    assert all("kind" in case["expect"] for case in accepted)
    text = render(doc)
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(HERE.parent.parent)} is stale: run python3 tests/vectors/generate.py")
            return 1
    else:
        OUTPUT.write_text(text, encoding="utf-8")
    print_summary(doc)
    if args.check:
        sys.path.insert(0, str(HERE))
        import check_vectors

        return check_vectors.main([str(OUTPUT)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
