"""The repository's fixed test data: the conformance vectors, their keys, a sample resource.

Nothing here signs or encrypts. Callbacks are made by the testing kit
(``wechatpay_notify.testing``, the ``wechatpay_kit`` fixture) or read, byte for byte, from
the conformance vectors (``tests/vectors/notifications.json``), which ``tests/vectors/
generate.py`` signs with the fixed keys of ``tests/vectors/keys``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import wechatpay_notify as wn

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
KEYS = VECTORS / "keys"

#: The APIv3 key, public-key id and certificate serial of the vectors' ``default`` verifier
#: (configuration tests; the matching public key and certificate are in ``KEYS``).
APIV3_KEY = "wpnTestAPIv3Key0123456789abcdefg"
PUBLIC_KEY_ID = "PUB_KEY_ID_0114232134912410000000000000"
CERT_A_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"

#: A payment result resource (a 直连支付 transaction).
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
    """A file of ``tests/vectors/keys`` (public keys and certificates for configuration)."""
    return (KEYS / name).read_text()


@functools.lru_cache(maxsize=None)
def load_vectors() -> Dict[str, Any]:
    """``tests/vectors/notifications.json``."""
    data: Dict[str, Any] = json.loads((VECTORS / "notifications.json").read_text(encoding="utf-8"))
    assert data["format"] == 1
    return data


def vector_case(name: str) -> Dict[str, Any]:
    """One case of the conformance vectors, by name."""
    found: List[Dict[str, Any]] = [case for case in load_vectors()["cases"] if case["name"] == name]
    assert len(found) == 1, name
    return found[0]


def vector_request(name: str) -> Tuple[List[Tuple[str, str]], bytes, int]:
    """A vector case's signed request: its headers, body and the time it is checked at."""
    case = vector_case(name)
    return [(k, v) for k, v in case["headers"]], bytes.fromhex(case["body_hex"]), int(case["now"])


def vector_verifier(name: str) -> wn.Verifier:
    """A verifier of the vectors' ``verifiers`` section, by name."""
    return verifier_from_config(load_vectors()["verifiers"][name])


#: The keys of a verifier configuration's single-merchant form (tests/vectors/README.md).
SINGLE_MERCHANT_KEYS = ("apiv3_key", "public_keys", "certificates")


def verifier_from_config(config: Dict[str, Any]) -> wn.Verifier:
    """A verifier configuration of the vectors, in either form: the single merchant's
    ``apiv3_key``, ``public_keys`` and ``certificates``, or ``merchants`` (never both), each
    entry a ``Merchant`` in array order with its own keys."""
    options: Dict[str, Any] = {
        "max_clock_skew": config["max_clock_skew"],
        "max_body_size": config["max_body_size"],
    }
    if "merchants" not in config:
        return wn.Verifier(
            config["apiv3_key"],
            public_keys=[(k["id"], k["pem"]) for k in config["public_keys"]],
            certificates=config["certificates"],
            **options,
        )
    assert not any(key in config for key in SINGLE_MERCHANT_KEYS), "merchants and single-merchant keys"
    return wn.Verifier.for_merchants(
        [
            wn.Merchant(
                m["mchid"],
                m["apiv3_key"],
                public_keys=[(k["id"], k["pem"]) for k in m["public_keys"]],
                certificates=m["certificates"],
            )
            for m in config["merchants"]
        ],
        **options,
    )


def apiv3_keys_of(config: Dict[str, Any]) -> List[str]:
    """The APIv3 keys of a verifier configuration, in either form."""
    if "merchants" in config:
        return [str(m["apiv3_key"]) for m in config["merchants"]]
    return [str(config["apiv3_key"])]
