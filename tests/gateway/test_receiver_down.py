"""The receiver down: failed deliveries are retried on the contract's schedule (after the n-th
failed attempt, min(retry_max, retry_initial * 2^(n-1)) with a jitter in [0.8, 1.2]) until
they succeed; with a small ``max_attempts`` they are dead-lettered, counted, and delivered
after ``inbox retry-dead``; ``inbox replay`` delivers a delivered event again under the same
webhook-id.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Dict, List

from harness import (
    Callbacks,
    Inbox,
    Metrics,
    Receiver,
    Reply,
    Serve,
    Site,
    send_all,
    wait_until,
)

RETRY_INITIAL = 0.2
RETRY_MAX = 2.0
FORWARD_TIMEOUT = 0.5
POLL_INTERVAL = 0.1
#: Beyond the schedule, a retry may start late by up to a poll interval and some scheduling.
SLACK = POLL_INTERVAL + 0.3
#: Failed attempts before the receiver recovers: the delays 0.2, 0.4, 0.8, 1.6 and 2 s (capped).
FAILURES = 5
#: How long the receiver hangs on a delivery it times out.
HANG = 3 * FORWARD_TIMEOUT


def scheduled_delay(n: int) -> float:
    """The contract's delay after the n-th failed attempt, before jitter."""
    return min(RETRY_MAX, RETRY_INITIAL * 2.0 ** (n - 1))


def serve_options(**overrides: Any) -> Dict[str, Any]:
    """The ``[serve]`` options of these tests: fast retries, a short forward timeout."""
    options: Dict[str, Any] = {
        "retry_initial": "200ms",
        "retry_max": "2s",
        "forward_timeout": "500ms",
        "poll_interval": "100ms",
    }
    options.update(overrides)
    return options


def schedule_problems(event_id: str, times: List[float], hung: List[bool]) -> List[str]:
    """The gaps between consecutive attempts (``times`` in seconds) that the schedule does not
    allow; ``hung[n-1]`` when attempt n timed out (then the gap after it may also hold the
    forward timeout, whether an attempt's time is its start or its end)."""
    problems = []
    for n in range(1, len(times)):
        gap = times[n] - times[n - 1]
        delay = scheduled_delay(n)
        low = 0.8 * delay - 0.01
        high = 1.2 * delay + SLACK + (FORWARD_TIMEOUT if hung[n - 1] else 0.0)
        if not low <= gap <= high:
            problems.append(f"{event_id}: gap after attempt {n} is {gap:.3f} s, allowed [{low:.3f}, {high:.3f}]")
    return problems


def test_retries_dead_letters_and_replay(
    store: str, site: Site, receiver: Receiver, callbacks: Callbacks,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """Retry schedule (500, 503 and a timeout), then dead letters and retry-dead, then replay."""
    # --- phase 1: the receiver fails each message FAILURES times, then recovers ---------------
    config = site.config(store, receiver.url(), **serve_options())
    inbox = inbox_of(config)
    ids = [callbacks.event_id(n) for n in range(5)]
    failing = {
        ids[0]: [Reply(500)] * FAILURES,
        ids[1]: [Reply(500)] * FAILURES,
        ids[2]: [Reply(503)] * FAILURES,
        ids[3]: [Reply(500), Reply(503)] * 2 + [Reply(500)],
        ids[4]: [Reply(500, delay=HANG)] + [Reply(500)] * (FAILURES - 1),
    }
    receiver.behaviour = lambda webhook_id, nth: (
        failing[webhook_id][nth - 1] if nth <= len(failing.get(webhook_id, [])) else Reply(204)
    )
    serve = launch(config)
    sent = {i: callbacks.genuine(i) for i in ids}
    answers = send_all([(serve.url(), sent[i]) for i in ids])
    assert [a.status for a in answers] == [204] * len(ids), [a.status or a.error for a in answers]
    receiver.wait_delivered(ids, 30)
    wait_until(lambda: inbox.stats()["pending"] == 0, 10, "every event recorded as delivered")

    problems: List[str] = []
    for event_id in ids:
        shown = inbox.show(event_id)
        log = shown["attempt_log"]
        seen = receiver.of(event_id)
        assert shown["status"] == "delivered" and shown["attempts"] == FAILURES + 1, shown
        assert len(log) == len(seen) == FAILURES + 1, (
            f"{event_id}: {len(log)} attempts logged, {len(seen)} received, expected {FAILURES + 1}"
        )
        assert [entry["attempt"] for entry in log] == list(range(1, FAILURES + 2))
        for entry, planned in zip(log, failing[event_id]):
            assert entry["ok"] is False and entry["error"], entry
            assert entry["status"] == (None if planned.delay else planned.status), (event_id, entry)
        assert log[-1]["ok"] is True and log[-1]["status"] == 204, log[-1]
        # Each attempt is signed when it is sent: the retries' timestamps move on.
        stamps = [int(a.headers["webhook-timestamp"]) for a in seen]
        assert stamps == sorted(stamps) and stamps[-1] - stamps[0] >= 4, f"{event_id}: webhook-timestamps {stamps}"
        hung = [bool(p.delay) for p in failing[event_id]]
        problems += schedule_problems(event_id, [e["at_ms"] / 1000 for e in log], hung)
        problems += schedule_problems(event_id + " (as received)", [a.at for a in seen], hung)
    assert not problems, "retries off the schedule:\n" + "\n".join(problems)
    # show: the resource only with --resource, and then the one the kit encrypted.
    assert "resource" not in inbox.show(ids[0])
    assert inbox.show(ids[0], resource=True)["resource"] == sent[ids[0]].resource

    metrics = Metrics.of(serve)
    failed_attempts = FAILURES * len(ids)
    assert metrics.value("wechatpay_notify_delivered_total") == len(ids)
    assert metrics.value("wechatpay_notify_retried_total") == failed_attempts
    assert metrics.value("wechatpay_notify_dead_total") == 0
    assert metrics.value("wechatpay_notify_queue_depth") == 0
    assert serve.terminate() == 0, serve.tail()

    # --- phase 2: max_attempts = 2 and the receiver down: dead letters ---------------------------
    config = site.config(store, receiver.url(), name="dead.toml", **serve_options(max_attempts=2))
    inbox = inbox_of(config)
    doomed = [callbacks.event_id(n) for n in range(100, 103)]
    receiver.behaviour = lambda webhook_id, nth: Reply(204) if webhook_id in ids else Reply(500)
    serve = launch(config, "dead")
    answers = send_all([(serve.url(), callbacks.genuine(i)) for i in doomed])
    assert [a.status for a in answers] == [204] * len(doomed), [a.status or a.error for a in answers]
    wait_until(lambda: inbox.stats()["dead"] == len(doomed), 15, "the events to be dead-lettered")
    time.sleep(1.0)  # long enough for a third attempt, which must not come
    for event_id in doomed:
        shown = inbox.show(event_id)
        assert shown["status"] == "dead" and shown["attempts"] == 2, shown
        assert [(e["ok"], e["status"]) for e in shown["attempt_log"]] == [(False, 500)] * 2
        assert len(receiver.of(event_id)) == 2, f"{event_id}: {len(receiver.of(event_id))} attempts, max_attempts is 2"
    assert {e["id"] for e in inbox.list("dead")} == set(doomed)
    stats = inbox.stats()
    assert (stats["pending"], stats["delivered"], stats["dead"]) == (0, len(ids), len(doomed)), stats
    metrics = Metrics.of(serve)
    assert metrics.value("wechatpay_notify_dead_total") == len(doomed)
    assert metrics.value("wechatpay_notify_delivered_total") == 0

    # The receiver recovers; retry-dead requeues every dead event with its attempts reset.
    receiver.behaviour = lambda webhook_id, nth: Reply(204)
    assert inbox.ok("retry-dead") == {"requeued": len(doomed)}
    receiver.wait_delivered(doomed, 15)
    wait_until(lambda: inbox.stats()["delivered"] == len(ids) + len(doomed), 10, "the requeued events delivered")
    for event in inbox.list("all"):
        if event["id"] in doomed:
            assert event["status"] == "delivered" and event["attempts"] == 1, event
    assert inbox.ok("retry-dead") == {"requeued": 0}
    assert Metrics.of(serve).value("wechatpay_notify_delivered_total") == len(doomed)

    # --- replay: a delivered event again, same webhook-id and body ---------------------------------
    replayed = ids[0]
    before = receiver.delivered()[replayed]
    assert inbox.ok("replay", replayed) == {"id": replayed, "status": "pending"}
    wait_until(lambda: len(receiver.delivered()[replayed]) == len(before) + 1, 10, "the replay")
    again = receiver.delivered()[replayed][-1]
    assert again.verified and again.webhook_id == replayed
    assert again.json() == before[0].json()
    wait_until(lambda: inbox.show(replayed)["status"] == "delivered", 10, "the replay recorded")
    # Unknown ids: exit status 1.
    unknown = callbacks.event_id(999)
    for command in ("replay", "show"):
        run = inbox.run(command, unknown)
        assert run.code == 1, f"inbox {command} of an unknown id exited {run.code}: {run.stderr}"
    assert serve.terminate() == 0, serve.tail()


def test_max_age(
    store: str, site: Site, receiver: Receiver, callbacks: Callbacks,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """With the receiver down, an event is dead-lettered at its first failure after max_age
    (since it was received), long before max_attempts."""
    config = site.config(store, receiver.url(), **serve_options(max_age="1s"))
    inbox = inbox_of(config)
    receiver.behaviour = lambda webhook_id, nth: Reply(500)
    serve = launch(config)
    callback = callbacks.genuine(callbacks.event_id(1))
    assert [a.status for a in send_all([(serve.url(), callback)])] == [204]
    wait_until(lambda: inbox.stats()["dead"] == 1, 15, "the event dead-lettered by max_age")
    shown = inbox.show(callback.id)
    ages = [entry["at_ms"] - shown["received_at_ms"] for entry in shown["attempt_log"]]
    assert shown["status"] == "dead" and 2 <= len(ages) < 15, shown
    assert ages[-1] > 1000 and ages[-2] <= 1000 + 50, f"attempts at {ages} ms after receipt, max_age 1 s"
    assert len(receiver.of(callback.id)) == len(ages)
    assert Metrics.of(serve).value("wechatpay_notify_dead_total") == 1
    assert serve.terminate() == 0, serve.tail()
