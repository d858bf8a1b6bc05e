"""Routes: ``[[serve.route]]`` sends events of a kind (and merchant) to another URL, the first
matching route wins, anything unrouted goes to ``forward_to``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from harness import MCHID, Callbacks, Inbox, Receiver, Serve, Site, send_all, wait_until


def test_routes(
    site: Site, receiver: Receiver, callbacks: Callbacks,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """A refund goes to its route (not to a route of another merchant listed first), a
    payment to forward_to."""
    refunds, never = Receiver(site.forward_secret), Receiver(site.forward_secret)
    try:
        routes = [
            {"kind": "refund", "mchid": "1900000009", "forward_to": never.url("/never")},
            {"kind": "refund", "mchid": MCHID, "forward_to": refunds.url("/refunds")},
            {"kind": "refund", "forward_to": never.url("/never")},
        ]
        config = site.config("sqlite://inbox.db", receiver.url(), routes=routes)
        serve = launch(config)
        payment = callbacks.genuine(callbacks.event_id(1))
        refund = callbacks.genuine(callbacks.event_id(2), kind="refund")
        assert [a.status for a in send_all([(serve.url(), payment), (serve.url(), refund)])] == [204, 204]
        receiver.wait_delivered([payment.id], 10)
        refunds.wait_delivered([refund.id], 10)
        wait_until(lambda: inbox_of(config).stats()["pending"] == 0, 10, "both recorded as delivered")
        time.sleep(0.3)
        assert [(a.webhook_id, a.path) for a in receiver.snapshot()] == [(payment.id, "/wechatpay/events")]
        [routed] = refunds.snapshot()
        assert (routed.webhook_id, routed.path, routed.verified) == (refund.id, "/refunds", True)
        body = routed.json()
        assert (body["kind"], body["event_type"], body["mchid"]) == ("refund", refund.envelope["event_type"], MCHID)
        assert body["resource"] == refund.resource
        assert never.snapshot() == []
        assert serve.terminate() == 0, serve.tail()
    finally:
        refunds.close()
        never.close()
