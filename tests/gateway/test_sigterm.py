"""SIGTERM: ``serve`` stops accepting, finishes the request and the (slow) delivery in flight,
and exits 0; nothing is left half-done (the delivery in flight is recorded delivered, once),
and what was still pending is delivered after a restart, each message exactly once.
"""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path
from typing import Callable

from harness import (
    NOTIFY_PATH,
    Callbacks,
    Inbox,
    RawResponse,
    Receiver,
    Reply,
    Serve,
    Site,
    read_until_closed,
    send_all,
    wait_until,
)

#: How long the receiver takes to answer each delivery before the restart.
SLOW = 1.0


def test_sigterm_finishes_in_flight_work(
    store: str, site: Site, receiver: Receiver, callbacks: Callbacks,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """SIGTERM during a slow delivery and a half-received request; exit 0; restart delivers
    the rest."""
    config = site.config(store, receiver.url(), concurrency=1, poll_interval="200ms", forward_timeout="10s")
    inbox = inbox_of(config)
    receiver.behaviour = lambda webhook_id, nth: Reply(204, delay=SLOW)
    serve = launch(config)
    ids = [callbacks.event_id(n) for n in range(4)]
    answers = send_all([(serve.url(), callbacks.genuine(i)) for i in ids], workers=4)
    assert [a.status for a in answers] == [204] * len(ids)
    wait_until(lambda: len(receiver.snapshot()) >= 1, 10, "the first delivery to start")
    in_flight = receiver.snapshot()[0].webhook_id

    # A request in flight: its head and half its body before SIGTERM, the rest after.
    late = callbacks.genuine(callbacks.event_id(10))
    head = [f"POST {NOTIFY_PATH} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(late.body)}"]
    head += [f"{name}: {value}" for name, value in late.headers.items()]
    half = len(late.body) // 2
    with socket.create_connection(("127.0.0.1", serve.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + late.body[:half])
        time.sleep(0.2)
        signalled = time.monotonic()
        serve.signal(signal.SIGTERM)
        time.sleep(0.3)
        sock.sendall(late.body[half:])
        data, _ = read_until_closed(sock, 10)
    response = RawResponse.parse(data)
    assert response.status == 204, f"the request in flight at SIGTERM got {data[:300]!r}"

    code = serve.wait(30)
    stopped_after = time.monotonic() - signalled
    assert code == 0, f"serve exited {code} after SIGTERM:\n{serve.tail()}"
    assert serve.messages("stopping") and serve.messages("stopped"), serve.tail()

    # The delivery in flight completed: answered by the receiver, recorded delivered, once.
    first = receiver.of(in_flight)
    assert len(first) == 1 and first[0].status == 204, [(a.status, a.at) for a in first]
    shown = inbox.show(in_flight)
    assert shown["status"] == "delivered" and shown["attempts"] == 1, shown
    assert [(e["attempt"], e["ok"]) for e in shown["attempt_log"]] == [(1, True)]
    # Nothing half-done: what the receiver answered is recorded delivered, the rest pending.
    events = {e["id"]: e for e in inbox.list("all")}
    assert set(events) == set(ids) | {late.id}
    answered = {a.webhook_id for a in receiver.snapshot() if a.delivered}
    assert {i for i, e in events.items() if e["status"] == "delivered"} == answered
    assert {e["status"] for i, e in events.items() if i not in answered} <= {"pending"}
    pending_at_stop = len(events) - len(answered)
    oldest = inbox.stats()["oldest_pending_age_seconds"]
    assert (oldest is None) == (pending_at_stop == 0), oldest
    assert oldest is None or 0 <= oldest < 60, oldest
    print(f"SIGTERM ({store.split(':')[0]}): stopped {stopped_after:.2f} s after the signal, "
          f"{len(answered)} delivered, {pending_at_stop} pending", flush=True)

    # After a restart the pending events are delivered; every message exactly once.
    receiver.behaviour = lambda webhook_id, nth: Reply(204)
    again = launch(config, "again")
    receiver.wait_delivered(events, 30)
    wait_until(lambda: inbox.stats()["pending"] == 0, 10, "every event recorded as delivered")
    assert inbox.stats()["oldest_pending_age_seconds"] is None
    delivered = receiver.delivered()
    assert {i: len(a) for i, a in delivered.items()} == {i: 1 for i in events}, "a graceful stop caused duplicates"
    assert not receiver.unverified()
    assert again.terminate() == 0, again.tail()
