"""The example apps (examples/python) driven through each framework's own test client."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Callable, Dict, Iterator, Optional, Tuple

import pytest

import wechatpay_notify as wn
from notify_store import NotificationStore
from testdata import TRANSACTION
from wechatpay_notify.testing import Kit

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
    app: Tuple[Post, NotificationStore], wechatpay_kit: Kit
) -> None:
    post, store = app
    headers, body = wechatpay_kit.notification("transaction", TRANSACTION, id="EV-valid-1")
    status, reply = post(headers, body)
    assert (status, reply) == (204, b"")
    assert store.notification_ids() == ["EV-valid-1"]
    payments = store.payments()
    assert len(payments) == 1
    assert payments[0]["out_trade_no"] == "1217752501201407033233368018"
    assert payments[0]["total"] == 100
    assert payments[0]["matches_order"] == 0  # no such order in this shop: recorded, not paid


def test_payment_marks_its_order_paid_only_for_the_right_amount(
    app: Tuple[Post, NotificationStore], wechatpay_kit: Kit
) -> None:
    post, store = app
    store.add_order("1217752501201407033233368018", 100)
    store.add_order("ORDER-2", 999)
    assert post(*wechatpay_kit.notification("transaction", TRANSACTION, id="EV-paid")) == (204, b"")
    underpaid = wechatpay_kit.notification("transaction", TRANSACTION, id="EV-underpaid", out_trade_no="ORDER-2")
    assert post(*underpaid) == (204, b"")
    orders = {o["out_trade_no"]: o["paid_by"] for o in store.orders()}
    assert orders == {"1217752501201407033233368018": TRANSACTION["transaction_id"], "ORDER-2": None}
    assert [p["matches_order"] for p in store.payments()] == [1, 0]


def test_refund_is_recorded_and_unknown_kinds_are_acknowledged(
    app: Tuple[Post, NotificationStore], wechatpay_kit: Kit
) -> None:
    post, store = app
    refund = wechatpay_kit.notification(
        "refund", id="EV-refund", out_refund_no="R1", amount={"refund": 40, "payer_refund": 40}
    )
    assert post(*refund) == (204, b"")
    coupon = wechatpay_kit.notification("unknown", {"stock_id": "S1"}, event_type="COUPON.USE", id="EV-coupon")
    assert post(*coupon) == (204, b"")
    assert store.notification_ids() == ["EV-refund", "EV-coupon"]
    assert store.payments() == []
    db = sqlite3.connect(store.path)
    assert db.execute("SELECT out_refund_no, refund FROM refunds").fetchall() == [("R1", 40)]
    db.close()


def test_payment_lacking_a_required_field_is_500_and_not_recorded(
    app: Tuple[Post, NotificationStore], wechatpay_kit: Kit
) -> None:
    post, store = app
    broken = {k: v for k, v in TRANSACTION.items() if k != "success_time"}
    status, reply = post(*wechatpay_kit.notification("transaction", broken, id="EV-broken"))
    # The reply is the code's fixed text: the field is named in the logged message only.
    assert status == 500 and fail_body(reply) == "MALFORMED_RESOURCE: malformed resource"
    assert store.notification_ids() == []


def test_repeated_id_is_acknowledged_but_not_processed_twice(
    app: Tuple[Post, NotificationStore], wechatpay_kit: Kit
) -> None:
    post, store = app
    headers, body = wechatpay_kit.notification(id="EV-repeat")
    assert post(headers, body) == (204, b"")
    # The same delivery again, and a later re-delivery signed (and sealed) afresh.
    assert post(headers, body) == (204, b"")
    again = wechatpay_kit.notification(id="EV-repeat")
    assert again[1] != body and again[0]["Wechatpay-Nonce"] != headers["Wechatpay-Nonce"]
    assert post(*again) == (204, b"")
    assert store.notification_ids() == ["EV-repeat"]
    assert len(store.payments()) == 1
    assert post(*wechatpay_kit.notification(id="EV-repeat-2")) == (204, b"")
    assert store.notification_ids() == ["EV-repeat", "EV-repeat-2"]
    assert len(store.payments()) == 2


def test_tampered_body_is_401(app: Tuple[Post, NotificationStore], wechatpay_kit: Kit) -> None:
    post, store = app
    status, reply = post(*wechatpay_kit.tampered(id="EV-tampered"))
    assert status == 401
    assert fail_body(reply).startswith("SIGNATURE_MISMATCH: ")
    # Re-serialized JSON (same data, other bytes) is refused the same way.
    status, reply = post(*wechatpay_kit.reserialized(id="EV-tampered"))
    assert status == 401 and fail_body(reply).startswith("SIGNATURE_MISMATCH: ")
    assert store.notification_ids() == []


def test_signtest_probe_is_401(app: Tuple[Post, NotificationStore], wechatpay_kit: Kit) -> None:
    post, store = app
    headers, body = wechatpay_kit.probe(id="EV-probe")
    assert headers["Wechatpay-Signature"].startswith("WECHATPAY/SIGNTEST/")
    status, reply = post(headers, body)
    assert status == 401
    assert fail_body(reply).startswith("SIGNATURE_PROBE: ")
    assert store.notification_ids() == []


def test_v2_xml_sent_by_mistake_is_500(app: Tuple[Post, NotificationStore], wechatpay_kit: Kit) -> None:
    post, store = app
    status, reply = post(*wechatpay_kit.xml_body())
    assert status == 500
    message = fail_body(reply)
    assert message == "WRONG_FORMAT: body in the wrong format for this notify_url"
    # Without any WeChat Pay header it is still recognised before the headers are checked.
    status, reply = post({"Content-Type": "text/xml"}, wechatpay_kit.v2_payment())
    assert status == 500 and fail_body(reply).startswith("WRONG_FORMAT: ")
    assert store.notification_ids() == []


def test_missing_headers_stale_timestamp_and_wrong_key(
    app: Tuple[Post, NotificationStore], wechatpay_kit: Kit
) -> None:
    post, store = app
    _, body = wechatpay_kit.notification(id="EV-other")
    status, reply = post({"Content-Type": "application/json"}, body)
    assert status == 401 and fail_body(reply).startswith("MISSING_HEADER: ")
    for late in (wechatpay_kit.stale(id="EV-other"), wechatpay_kit.future(id="EV-other")):
        status, reply = post(*late)
        assert status == 401 and fail_body(reply).startswith("TIMESTAMP_SKEW: ")
    status, reply = post(*wechatpay_kit.notification(id="EV-other", timestamp=1_700_000_000))
    assert status == 401 and fail_body(reply).startswith("TIMESTAMP_SKEW: ")
    status, reply = post(*wechatpay_kit.unknown_serial(id="EV-other"))
    assert status == 401 and fail_body(reply).startswith("UNKNOWN_SERIAL: ")
    status, reply = post(*wechatpay_kit.other_apiv3_key(id="EV-other"))
    assert status == 500 and fail_body(reply).startswith("DECRYPT_FAILED: ")
    assert store.notification_ids() == []


class BrokenStore(NotificationStore):
    def record(self, notification: wn.Notification) -> bool:
        raise sqlite3.OperationalError("disk I/O error")


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_database_failure_is_500_so_wechat_pay_retries(
    framework: str, tmp_path: Path, verifier: wn.Verifier, wechatpay_kit: Kit
) -> None:
    post = make_client(framework, verifier, BrokenStore(str(tmp_path / "db.sqlite3")))
    status, reply = post(*wechatpay_kit.notification(id="EV-db"))
    assert status == 500
    assert fail_body(reply) == "could not record the notification"


def test_examples_read_their_configuration_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, wechatpay_kit: Kit
) -> None:
    import notify_store

    public_key_file = tmp_path / "pub_key.pem"
    public_key_file.write_text(wechatpay_kit.public_key_pem)
    monkeypatch.setenv("WECHATPAY_APIV3_KEY", wechatpay_kit.apiv3_key)
    monkeypatch.setenv("WECHATPAY_PUBLIC_KEY_ID", wechatpay_kit.key_id)
    monkeypatch.setenv("WECHATPAY_PUBLIC_KEY_FILE", str(public_key_file))
    monkeypatch.setenv("NOTIFY_DB", str(tmp_path / "env.sqlite3"))
    verifier: Optional[wn.Verifier] = notify_store.verifier_from_env()
    assert verifier is not None and verifier.key_ids == [wechatpay_kit.key_id]
    store = notify_store.NotificationStore.from_env()
    assert store.path == str(tmp_path / "env.sqlite3")
    import flask_app

    client = flask_app.create_app().test_client()
    headers, body = wechatpay_kit.notification(id="EV-env")
    assert client.post("/wechatpay/notify", data=body, headers=headers).status_code == 204
    assert store.notification_ids() == ["EV-env"]
