"""Samples from the official wechatpay-go and wechatpay-java SDK tests (tests/vectors/peers/)."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

import wechatpay_notify as wn
from testdata import VECTORS, load_vectors, vector_case, vector_request

PLACEHOLDER_APIV3_KEY = "0000000000000000placeholder00000"


def peer(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((VECTORS / "peers" / name).read_text())
    return data


def test_go_sdk_notification_verifies_with_its_certificate() -> None:
    go = peer("wechatpay-go-notify.json")
    headers: Dict[str, str] = go["headers"]
    body = go["body"].encode()
    verifier = wn.Verifier(PLACEHOLDER_APIV3_KEY, certificates=go["platform_certificate_pem"])
    assert verifier.key_ids == ["D7CE59D1F522D701"]
    verifier.verify(headers, body, now=go["now"])  # raises on failure
    altered = bytearray(body)
    altered[10] ^= 1
    with pytest.raises(wn.SignatureError) as mismatch:
        verifier.verify(headers, altered, now=go["now"])
    assert mismatch.value.code == "SIGNATURE_MISMATCH"
    # Verified, then refused at decryption: the sample was sealed with a 16-byte key.
    with pytest.raises(wn.DecryptionError) as failed:
        verifier.parse(headers, body, now=go["now"])
    assert failed.value.code == "DECRYPT_FAILED"
    assert "APIv3" in failed.value.message
    # Outside the clock window the same request is refused before the signature.
    with pytest.raises(wn.SignatureError) as skew:
        verifier.verify(headers, body, now=go["now"] + 301)
    assert skew.value.code == "TIMESTAMP_SKEW"


def test_go_sdk_sixteen_byte_key_is_a_config_error() -> None:
    go = peer("wechatpay-go-notify.json")
    key = go["apiv3_key_16_bytes"]
    with pytest.raises(wn.ConfigError) as caught:
        wn.Verifier(key, certificates=[go["platform_certificate_pem"]])
    assert caught.value.code == "CONFIG_INVALID"
    assert key not in caught.value.message
    resource = json.loads(go["body"])["resource"]
    with pytest.raises(ValueError):
        wn.decrypt_resource(key, resource["nonce"], resource["associated_data"], resource["ciphertext"])


def test_java_sdk_certificate_download_decrypts() -> None:
    download = peer("wechatpay-java.json")["certificate_download"]
    certs = wn.decrypt_certificates(download["apiv3_key"], download["response_body"])
    assert [c.serial_no for c in certs] == download["expected_serials"]
    cert = certs[0]
    assert cert.not_before < cert.not_after
    assert cert.pem.startswith("-----BEGIN CERTIFICATE-----")
    assert cert.serial_no in repr(cert)
    verifier = wn.Verifier(download["apiv3_key"], certificates=[cert.pem])
    assert verifier.key_ids == [cert.serial_no]
    again = verifier.decrypt_certificates(download["response_body"].encode())
    assert [c.pem for c in again] == [cert.pem]
    with pytest.raises(wn.DecryptionError) as wrong:
        wn.decrypt_certificates(PLACEHOLDER_APIV3_KEY, download["response_body"])
    assert wrong.value.code == "DECRYPT_FAILED"
    with pytest.raises(wn.FormatError) as garbage:
        wn.decrypt_certificates(PLACEHOLDER_APIV3_KEY, "not json")
    assert garbage.value.code == "MALFORMED_BODY"


def test_java_sdk_key_pair_through_certificate_and_public_key() -> None:
    """Callbacks signed with the wechatpay-java test key pair (the conformance vectors'
    java_peer cases), verified through its certificate and through its public key."""
    pair = peer("wechatpay-java.json")["wechat_pay_keypair"]
    apiv3_key = load_vectors()["verifiers"]["java_peer_cert"]["apiv3_key"]
    serial = "440024045C4A427599D09BB4E3DE0279F2E813FD"
    by_cert = wn.Verifier(apiv3_key, certificates=[pair["certificate_pem"]])
    assert by_cert.key_ids == [serial]
    headers, body, inside = vector_request("valid_java_peer_certificate")
    n = by_cert.parse(headers, body, now=inside)
    assert n.plaintext == vector_case("valid_java_peer_certificate")["expect"]["plaintext"]
    assert n.resource["out_trade_no"] and n.summary == "支付成功"
    assert n.serial == serial and n.timestamp == inside
    headers, body, later = vector_request("java_peer_certificate_expired")
    with pytest.raises(wn.SignatureError) as expired:
        by_cert.parse(headers, body, now=later)
    assert expired.value.code == "KEY_EXPIRED"

    # The same key as a 微信支付公钥 under an id: no validity period. The serial is not signed,
    # so the request of the expired certificate is re-addressed to the id.
    key_id = "PUB_KEY_ID_0114232134912410000000000042"
    by_key = wn.Verifier(apiv3_key, public_keys={key_id: pair["public_key_pem"]})
    n = by_key.parse(*vector_request("valid_java_peer_public_key")[:2], now=inside)
    assert n.serial == key_id
    readdressed = [(k, key_id if k.lower() == "wechatpay-serial" else v) for k, v in headers]
    n = by_key.parse(readdressed, body, now=later)
    assert n.serial == key_id and n.timestamp == later
