"""APIv2 callbacks: with ``v2_key_file``, serve takes APIv2 XML payment and refund results on
``path_v2``, answers APIv2's XML, stores each once (a payment under its ``transaction_id``, a
refund under its ``refund_id`` and ``refund_status``, since one refund can be reported
``CHANGE`` and then ``SUCCESS``) and forwards it as a Standard Webhooks message; a forged one
gets ``FAIL`` and a rejection record, and is never forwarded.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import httpx

from harness import MCHID, Inbox, Receiver, Serve, Site, cli, wait_until

V2_PATH = "/wechatpay/notify/v2"

def return_code(body: bytes) -> str:
    """The ``return_code`` of an APIv2 XML reply."""
    text = body.decode()
    start = text.index("<return_code><![CDATA[") + len("<return_code><![CDATA[")
    return text[start : text.index("]]>", start)]

def test_v2_payment_and_refund(
    site: Site, receiver: Receiver,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """A payment and a refund are stored and forwarded once, their repeats answered SUCCESS
    again, a later status of the same refund is a new event; a payment altered after signing
    gets FAIL with SIGNATURE_MISMATCH."""
    (site.root / "apiv2.key").write_text(site.kit.v2_key + "\n")
    config = site.config("sqlite://inbox.db", receiver.url(), v2_key_file="apiv2.key")
    serve = launch(config)
    payment = site.kit.v2_payment(transaction_id="4200000000000000000000000001", out_trade_no="V2-ORDER-1")
    refund = site.kit.v2_refund(
        refund_id="50000000000000000000000000001", out_refund_no="V2-REFUND-1", refund_status="CHANGE"
    )
    refunded = site.kit.v2_refund(
        refund_id="50000000000000000000000000001", out_refund_no="V2-REFUND-1", refund_status="SUCCESS"
    )
    forged = payment.replace(b"V2-ORDER-1", b"V2-ORDER-2")
    url = serve.url(V2_PATH)
    with httpx.Client(timeout=10) as client:
        answers = [
            client.post(url, content=body, headers={"content-type": "text/xml"})
            for body in (payment, refund, payment, forged, refunded, refund)
        ]
        # An APIv2 body on the APIv3 path is refused there, with the core's code.
        wrong = client.post(serve.url(), content=payment, headers={"content-type": "text/xml"})
    assert [(a.status_code, return_code(a.content)) for a in answers] == [
        (200, "SUCCESS"), (200, "SUCCESS"), (200, "SUCCESS"), (200, "FAIL"), (200, "SUCCESS"), (200, "SUCCESS"),
    ]
    assert b"SIGNATURE_MISMATCH" in answers[3].content
    assert wrong.status_code == 500 and b"WRONG_FORMAT" in wrong.content

    ids = [
        "v2-payment:4200000000000000000000000001",
        "v2-refund:50000000000000000000000000001:CHANGE",
        "v2-refund:50000000000000000000000000001:SUCCESS",
    ]
    receiver.wait_delivered(ids, 10)
    inbox = inbox_of(config)
    wait_until(lambda: inbox.stats()["delivered"] == 3, 10, "all three recorded as delivered")
    time.sleep(0.3)
    delivered = receiver.delivered()
    assert sorted(delivered) == sorted(ids)
    assert all(len(v) == 1 and v[0].verified for v in delivered.values())
    pay = delivered[ids[0]][0].json()
    assert (pay["kind"], pay["event_type"], pay["mchid"]) == ("transaction", "V2.PAYMENT", MCHID)
    assert pay["resource"]["out_trade_no"] == "V2-ORDER-1" and "sign" not in pay["resource"]
    for refund_id, status in ((ids[1], "CHANGE"), (ids[2], "SUCCESS")):
        ref = delivered[refund_id][0].json()
        assert (ref["kind"], ref["event_type"], ref["summary"]) == ("refund", "V2.REFUND", status)
        assert ref["resource"]["out_refund_no"] == "V2-REFUND-1"
        assert ref["resource"]["refund_status"] == status

    assert sorted(e["id"] for e in inbox.list()) == sorted(ids)
    codes = sorted(r["code"] for r in inbox.ok("rejections"))
    assert codes == ["SIGNATURE_MISMATCH", "WRONG_FORMAT"]
    assert serve.terminate() == 0, serve.tail()


def test_v2_path_needs_the_key(site: Site, receiver: Receiver) -> None:
    """``path_v2`` without ``v2_key_file`` is a configuration error (exit 2) naming the fix."""
    config = site.config("sqlite://inbox.db", receiver.url(), path_v2=V2_PATH)
    run = cli("serve", "--config", str(config))
    assert run.code == 2
    assert "v2_key_file" in run.stderr
