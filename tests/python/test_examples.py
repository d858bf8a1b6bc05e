"""The example apps (examples/python) driven through each framework's own test client."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Callable, Dict, Iterator, Optional, Tuple

import pytest

import wechatpay_notify as wn
from notify_store import NotificationStore
from signing import APIV3_KEY, TRANSACTION, Signer, notification_body, v2_payment

Post = Callable[[Dict[str, str], bytes], Tuple[int, bytes]]
FRAMEWORKS = ["flask", "fastapi", "django"]


def make_client(framework: str, verifier: wn.Verifier, store: NotificationStore) -> Post:
    if framework == "flask":
        import flask_app

        flask_client = flask_app.create_app(verifier, store).test_client()

        def post_flask(headers: Dict[str, str], body: bytes) -> Tuple[int, bytes]:
            r = flask_client.post("/wechatpay/notify", data=body, headers=headers)
            return r.status_code, r.get_data()

        return post_flask
    if framework == "fastapi":
        from fastapi.testclient import TestClient

        import fastapi_app

        fastapi_client = TestClient(fastapi_app.create_app(verifier, store))

        def post_fastapi(headers: Dict[str, str], body: bytes) -> Tuple[int, bytes]:
            r = fastapi_client.post("/wechatpay/notify", content=body, headers=headers)
            return r.status_code, r.content

        return post_fastapi
    assert framework == "django"
    import django_app
    from django.test import Client

    django_app.setup(verifier, store)
    django_client = Client()

    def post_django(headers: Dict[str, str], body: bytes) -> Tuple[int, bytes]:
        r = django_client.post(
            "/wechatpay/notify", data=body, content_type="application/json", headers=headers
        )
        return r.status_code, r.content

    return post_django


@pytest.fixture(params=FRAMEWORKS)
def app(
    request: pytest.FixtureRequest, tmp_path: Path, verifier: wn.Verifier
) -> Iterator[Tuple[Post, NotificationStore]]:
    store = NotificationStore(str(tmp_path / "notifications.sqlite3"))
    yield make_client(str(request.param), verifier, store), store


def fail_body(body: bytes) -> str:
    """Asserts the FAIL JSON; returns its message."""
    data = json.loads(body)
    assert data["code"] == "FAIL" and set(data) == {"code", "message"}
    message = data["message"]
    assert isinstance(message, str)
    return message


def test_valid_callback_is_processed_and_acknowledged(
    app: Tuple[Post, NotificationStore], signer: Signer
) -> None:
    post, store = app
    body = notification_body("EV-valid-1")
    status, reply = post(signer.headers(body), body)
    assert (status, reply) == (204, b"")
    assert store.notification_ids() == ["EV-valid-1"]
    payments = store.payments()
    assert len(payments) == 1
    assert payments[0]["out_trade_no"] == "1217752501201407033233368018"
    assert payments[0]["total"] == 100
    assert payments[0]["matches_order"] == 0  # no such order in this shop: recorded, not paid


def test_payment_marks_its_order_paid_only_for_the_right_amount(
    app: Tuple[Post, NotificationStore], signer: Signer
) -> None:
    post, store = app
    store.add_order("1217752501201407033233368018", 100)
    store.add_order("ORDER-2", 999)
    body = notification_body("EV-paid")
    assert post(signer.headers(body), body) == (204, b"")
    underpaid = notification_body("EV-underpaid", {**TRANSACTION, "out_trade_no": "ORDER-2"})
    assert post(signer.headers(underpaid), underpaid) == (204, b"")
    orders = {o["out_trade_no"]: o["paid_by"] for o in store.orders()}
    assert orders == {"1217752501201407033233368018": TRANSACTION["transaction_id"], "ORDER-2": None}
    assert [p["matches_order"] for p in store.payments()] == [1, 0]


def test_refund_is_recorded_and_unknown_kinds_are_acknowledged(
    app: Tuple[Post, NotificationStore], signer: Signer
) -> None:
    post, store = app
    refund = {
        "mchid": "1900000109", "out_trade_no": "T1", "transaction_id": "4200000001",
        "out_refund_no": "R1", "refund_id": "50000001", "refund_status": "SUCCESS",
        "user_received_account": "支付用户零钱",
        "amount": {"total": 100, "refund": 40, "payer_total": 100, "payer_refund": 40},
    }
    body = notification_body("EV-refund", refund, event_type="REFUND.SUCCESS", original_type="refund")
    assert post(signer.headers(body), body) == (204, b"")
    coupon = notification_body("EV-coupon", {"stock_id": "S1"}, event_type="COUPON.USE", original_type="coupon")
    assert post(signer.headers(coupon), coupon) == (204, b"")
    assert store.notification_ids() == ["EV-refund", "EV-coupon"]
    assert store.payments() == []
    db = sqlite3.connect(store.path)
    assert db.execute("SELECT out_refund_no, refund FROM refunds").fetchall() == [("R1", 40)]
    db.close()


def test_payment_lacking_a_required_field_is_500_and_not_recorded(
    app: Tuple[Post, NotificationStore], signer: Signer
) -> None:
    post, store = app
    broken = {k: v for k, v in TRANSACTION.items() if k != "success_time"}
    body = notification_body("EV-broken", broken)
    status, reply = post(signer.headers(body), body)
    assert status == 500 and "success_time" in fail_body(reply)
    assert store.notification_ids() == []


def test_repeated_id_is_acknowledged_but_not_processed_twice(
    app: Tuple[Post, NotificationStore], signer: Signer
) -> None:
    post, store = app
    body = notification_body("EV-repeat")
    headers = signer.headers(body)
    assert post(headers, body) == (204, b"")
    # The same delivery again, and a later re-delivery signed afresh.
    assert post(headers, body) == (204, b"")
    assert post(signer.headers(body, nonce="ANOTHERNONCE0123456789"), body) == (204, b"")
    assert store.notification_ids() == ["EV-repeat"]
    assert len(store.payments()) == 1
    other = notification_body("EV-repeat-2")
    assert post(signer.headers(other), other) == (204, b"")
    assert store.notification_ids() == ["EV-repeat", "EV-repeat-2"]
    assert len(store.payments()) == 2


def test_tampered_body_is_401(app: Tuple[Post, NotificationStore], signer: Signer) -> None:
    post, store = app
    body = notification_body("EV-tampered")
    headers = signer.headers(body)
    tampered = body.replace(b"EV-tampered", b"EV-tampereD")
    status, reply = post(headers, tampered)
    assert status == 401
    assert fail_body(reply).startswith("SIGNATURE_MISMATCH: ")
    # Re-serialized JSON (same data, other bytes) is refused the same way.
    reserialized = json.dumps(json.loads(body)).encode()
    status, reply = post(headers, reserialized)
    assert status == 401 and fail_body(reply).startswith("SIGNATURE_MISMATCH: ")
    assert store.notification_ids() == []


def test_signtest_probe_is_401(app: Tuple[Post, NotificationStore], signer: Signer) -> None:
    post, store = app
    body = notification_body("EV-probe")
    headers = signer.headers(body)
    headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"][19:]
    status, reply = post(headers, body)
    assert status == 401
    assert fail_body(reply).startswith("SIGNATURE_PROBE: ")
    assert store.notification_ids() == []


def test_v2_xml_sent_by_mistake_is_500(app: Tuple[Post, NotificationStore], signer: Signer) -> None:
    post, store = app
    xml = v2_payment()
    status, reply = post(signer.headers(xml), xml)
    assert status == 500
    message = fail_body(reply)
    assert message.startswith("WRONG_FORMAT: ") and "APIv2" in message
    # Without any WeChat Pay header it is still recognised before the headers are checked.
    status, reply = post({"Content-Type": "text/xml"}, xml)
    assert status == 500 and fail_body(reply).startswith("WRONG_FORMAT: ")
    assert store.notification_ids() == []


def test_missing_headers_stale_timestamp_and_wrong_key(
    app: Tuple[Post, NotificationStore], signer: Signer
) -> None:
    post, store = app
    body = notification_body("EV-other")
    status, reply = post({"Content-Type": "application/json"}, body)
    assert status == 401 and fail_body(reply).startswith("MISSING_HEADER: ")
    status, reply = post(signer.headers(body, timestamp=1_700_000_000), body)
    assert status == 401 and fail_body(reply).startswith("TIMESTAMP_SKEW: ")
    sealed_elsewhere = notification_body("EV-other", apiv3_key="another-apiv3-key-0123456789abcd")
    status, reply = post(signer.headers(sealed_elsewhere), sealed_elsewhere)
    assert status == 500 and fail_body(reply).startswith("DECRYPT_FAILED: ")
    assert store.notification_ids() == []


class BrokenStore(NotificationStore):
    def record(self, notification: wn.Notification) -> bool:
        raise sqlite3.OperationalError("disk I/O error")


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_database_failure_is_500_so_wechat_pay_retries(
    framework: str, tmp_path: Path, verifier: wn.Verifier, signer: Signer
) -> None:
    post = make_client(framework, verifier, BrokenStore(str(tmp_path / "db.sqlite3")))
    body = notification_body("EV-db")
    status, reply = post(signer.headers(body), body)
    assert status == 500
    assert fail_body(reply) == "could not record the notification"


def test_examples_read_their_configuration_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import notify_store
    from signing import KEYS, PUBLIC_KEY_ID

    monkeypatch.setenv("WECHATPAY_APIV3_KEY", APIV3_KEY)
    monkeypatch.setenv("WECHATPAY_PUBLIC_KEY_ID", PUBLIC_KEY_ID)
    monkeypatch.setenv("WECHATPAY_PUBLIC_KEY_FILE", str(KEYS / "test-platform-b.pub.pem"))
    monkeypatch.setenv("NOTIFY_DB", str(tmp_path / "env.sqlite3"))
    verifier: Optional[wn.Verifier] = notify_store.verifier_from_env()
    assert verifier is not None and verifier.key_ids == [PUBLIC_KEY_ID]
    store = notify_store.NotificationStore.from_env()
    assert store.path == str(tmp_path / "env.sqlite3")
    import flask_app

    client = flask_app.create_app().test_client()
    body = notification_body("EV-env")
    assert client.post("/wechatpay/notify", data=body, headers=Signer.public_key_b().headers(body)).status_code == 204
    assert store.notification_ids() == ["EV-env"]
