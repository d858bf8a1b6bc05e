"""Makes callbacks as WeChat Pay does, with the repository's throwaway test keys.

Independent of the library under test: signatures, AES-GCM and the APIv2 sign are computed
with ``cryptography`` and ``hashlib`` straight from the WeChat Pay documentation.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

from cryptography.hazmat.primitives import hashes, padding as sym_padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
KEYS = VECTORS / "keys"

#: The APIv3 key of every verifier in the vectors (except ``wrong_apiv3_key``).
APIV3_KEY = "wpnTestAPIv3Key0123456789abcdefg"
#: The APIv2 key of the vectors.
APIV2_KEY = "wpnTestAPIv2Key0123456789ABCDEFG"
#: Public key B's id.
PUBLIC_KEY_ID = "PUB_KEY_ID_0114232134912410000000000000"
#: Certificate A's serial.
CERT_A_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"

TRANSACTION: Dict[str, Any] = {
    "mchid": "1900000109",
    "appid": "wxd678efh567hg6787",
    "out_trade_no": "1217752501201407033233368018",
    "transaction_id": "4200001234202311140123456789",
    "trade_type": "JSAPI",
    "trade_state": "SUCCESS",
    "trade_state_desc": "支付成功",
    "bank_type": "CMC",
    "attach": "",
    "success_time": "2023-11-14T22:13:19+08:00",
    "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    "amount": {"total": 100, "payer_total": 100, "currency": "CNY", "payer_currency": "CNY"},
}


def key_text(name: str) -> str:
    """A file of ``tests/vectors/keys`` as text."""
    return (KEYS / name).read_text()


class Signer:
    """Signs callbacks with an RSA private key under a serial or public-key id."""

    def __init__(self, private_key_pem: str, serial: str) -> None:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        self._key = key
        self.serial = serial

    @classmethod
    def public_key_b(cls) -> "Signer":
        """Signs as 微信支付公钥 B (the ``default`` verifier's public key)."""
        return cls(key_text("test-platform-b.key.pem"), PUBLIC_KEY_ID)

    @classmethod
    def certificate_a(cls) -> "Signer":
        """Signs as platform certificate A."""
        return cls(key_text("test-platform-a.key.pem"), CERT_A_SERIAL)

    def sign(self, timestamp: str, nonce: str, body: bytes) -> str:
        """Base64 RSASSA-PKCS1-v1_5 SHA-256 over ``timestamp\\nnonce\\nbody\\n``."""
        message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"
        return base64.b64encode(self._key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()

    def headers(
        self,
        body: bytes,
        *,
        timestamp: Optional[int] = None,
        nonce: str = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
    ) -> Dict[str, str]:
        """The ``Wechatpay-*`` headers for ``body``, signed at ``timestamp`` (default: now)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return {
            "Wechatpay-Serial": self.serial,
            "Wechatpay-Timestamp": ts,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": self.sign(ts, nonce, body),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }


def seal(apiv3_key: str, plaintext: bytes, *, nonce: str = "fdasflkja484", aad: str = "transaction") -> str:
    """Base64 AES-256-GCM ciphertext and tag, as in ``resource.ciphertext``."""
    return base64.b64encode(AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plaintext, aad.encode())).decode()


def notification_body(
    notification_id: str = "EV-2018022511223320873",
    resource: Optional[Mapping[str, Any]] = None,
    *,
    apiv3_key: str = APIV3_KEY,
    event_type: str = "TRANSACTION.SUCCESS",
    original_type: str = "transaction",
    plaintext: Optional[bytes] = None,
) -> bytes:
    """A notification body whose resource is sealed with ``apiv3_key``."""
    if plaintext is None:
        plaintext = json.dumps(TRANSACTION if resource is None else resource, ensure_ascii=False).encode()
    body = {
        "id": notification_id,
        "create_time": "2015-05-20T13:29:35+08:00",
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": "支付成功",
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": seal(apiv3_key, plaintext),
            "associated_data": "transaction",
            "nonce": "fdasflkja484",
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def v2_sign(fields: Mapping[str, str], api_key: str = APIV2_KEY, sign_type: str = "MD5") -> str:
    """The APIv2 sign: sorted non-empty fields except ``sign``, then ``&key=``."""
    text = "&".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "sign" and v != "")
    text += f"&key={api_key}"
    if sign_type == "MD5":
        return hashlib.md5(text.encode()).hexdigest().upper()
    import hmac

    return hmac.new(api_key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def v2_xml(fields: Mapping[str, str]) -> bytes:
    """A flat ``<xml>`` document with CDATA values."""
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>".encode()


def v2_payment(api_key: str = APIV2_KEY, **extra: str) -> bytes:
    """A signed APIv2 payment result notification."""
    fields = {
        "return_code": "SUCCESS",
        "appid": "wx2421b1c4370ec43b",
        "mch_id": "10000100",
        "nonce_str": "5d2b6c2a8db53831f7eda20af46e531c",
        "result_code": "SUCCESS",
        "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "out_trade_no": "1409811653",
        "total_fee": "1",
        "transaction_id": "1004400740201409030005092168",
        **extra,
    }
    fields["sign"] = v2_sign(fields, api_key)
    return v2_xml(fields)


def v2_refund(req_info: Mapping[str, str], api_key: str = APIV2_KEY) -> bytes:
    """An APIv2 refund notification whose ``req_info`` is AES-256-ECB under md5(key)."""
    root = "<root>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in req_info.items()) + "</root>"
    key = hashlib.md5(api_key.encode()).hexdigest().encode()
    padder = sym_padding.PKCS7(128).padder()
    padded = padder.update(root.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    sealed = base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()
    return v2_xml(
        {
            "return_code": "SUCCESS",
            "appid": "wx2421b1c4370ec43b",
            "mch_id": "10000100",
            "nonce_str": "TeqClE3i0mvn3DrK",
            "req_info": sealed,
        }
    )
