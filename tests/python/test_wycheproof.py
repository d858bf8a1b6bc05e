"""Project Wycheproof vectors through decrypt_resource and the RSA signature check."""

from __future__ import annotations

import base64
import json
from typing import Any, Dict

import pytest

import wechatpay_notify as wn
from signing import VECTORS


def load(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((VECTORS / "wycheproof" / name).read_text())
    return data


def test_aes_gcm_through_decrypt_resource() -> None:
    wechat_sized = other_sized = 0
    for group in load("aes_gcm_test.json")["testGroups"]:
        sizes = (group["keySize"], group["ivSize"], group["tagSize"])
        for t in group["tests"]:
            key, iv, aad = bytes.fromhex(t["key"]), bytes.fromhex(t["iv"]), bytes.fromhex(t["aad"])
            sealed = base64.b64encode(bytes.fromhex(t["ct"]) + bytes.fromhex(t["tag"]))
            label = f"tcId {t['tcId']}"
            if sizes == (256, 96, 128):
                wechat_sized += 1
                if t["result"] == "valid":
                    assert wn.decrypt_resource(key, iv, aad, sealed) == bytes.fromhex(t["msg"]), label
                else:
                    assert t["result"] == "invalid", label
                    with pytest.raises(wn.DecryptionError) as caught:
                        wn.decrypt_resource(key, iv, aad, sealed)
                    assert caught.value.code in ("DECRYPT_FAILED", "MALFORMED_RESOURCE"), label
            else:
                other_sized += 1
                with pytest.raises((wn.DecryptionError, wn.ConfigError)) as refused:
                    wn.decrypt_resource(key, iv, aad, sealed)
                if sizes[0] != 256:
                    expected = "CONFIG_INVALID"
                elif sizes[1] != 96:
                    expected = "MALFORMED_RESOURCE"
                else:
                    expected = "DECRYPT_FAILED"
                error = refused.value
                assert isinstance(error, (wn.DecryptionError, wn.ConfigError))
                assert error.code in (expected, "MALFORMED_RESOURCE"), label
    assert wechat_sized == 66
    assert other_sized > 0


def test_rsa_pkcs1_sha256_through_the_signature_check() -> None:
    count = valid = 0
    for group in load("rsa_signature_2048_sha256_test.json")["testGroups"]:
        key = wn.RsaPublicKey(group["publicKeyPem"])
        assert key.bits == 2048 and key.modulus_len == 256
        for t in group["tests"]:
            count += 1
            msg, sig = bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"])
            label = f"tcId {t['tcId']}"
            if t["result"] == "valid":
                valid += 1
                key.verify(msg, sig)  # raises on failure
            elif t["result"] == "invalid":
                with pytest.raises(wn.SignatureError) as caught:
                    key.verify(msg, sig)
                assert caught.value.code in ("SIGNATURE_MISMATCH", "MALFORMED_SIGNATURE"), label
            else:
                assert t["result"] == "acceptable", label
                try:
                    key.verify(msg, sig)
                except wn.SignatureError:
                    pass
    assert count == 259
    assert valid > 0
