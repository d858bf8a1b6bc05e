"""Nothing lost, nothing forged: genuine callbacks, repeats and forgeries sent concurrently to
``serve``, which is killed with SIGKILL at a random point while callbacks are arriving and
deliveries are in flight; restarted on the same store, it gets again whatever got no answer
(as WeChat Pay retries). Every genuine callback answered 204 reaches the receiver, verified
under the forward secret, with the resource the kit encrypted; it is stored once; no forgery
is ever forwarded and each is refused with the core's reply.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Tuple

from harness import (
    Answer,
    Callback,
    Callbacks,
    Inbox,
    Receiver,
    Reply,
    Serve,
    Site,
    duplicate_problems,
    figures,
    forwarded_problems,
    seeded,
    send_all,
    wait_until,
)

GENUINE = 500
REPEATS = 50
FORGED = 50
WORKERS = 32
#: Rounds of re-sending after the restart, as WeChat Pay retries.
RESEND_ROUNDS = 4
DELIVERY_DEADLINE = 60.0


def plan(callbacks: Callbacks, rng: random.Random) -> Tuple[List[Callback], Dict[str, List[Callback]]]:
    """The requests in sending order, and the genuine callbacks by id (first, then repeats).

    Genuine callbacks go in id order; each repeat (the same id and resource, signed again)
    40 to 120 places after its first; forgeries (tampered, unknown serial, stale, in turn) at
    random places, half of them claiming the id of a genuine callback."""
    placed: List[Tuple[float, Callback]] = []
    genuine: Dict[str, List[Callback]] = {}
    for n in range(GENUINE):
        callback = callbacks.genuine(callbacks.event_id(n))
        genuine[callback.id] = [callback]
        placed.append((float(n), callback))
    for n in rng.sample(range(GENUINE), REPEATS):
        repeat = callbacks.genuine(callbacks.event_id(n))
        genuine[repeat.id].append(repeat)
        placed.append((n + rng.uniform(40, 120), repeat))
    for n in range(FORGED):
        how = Callbacks.FORGERIES[n % len(Callbacks.FORGERIES)]
        claimed = callbacks.event_id(rng.randrange(GENUINE)) if n % 2 else f"EV-{callbacks.run}-F{n:05d}"
        placed.append((rng.uniform(0, GENUINE), callbacks.forged(how, claimed)))
    placed.sort(key=lambda item: item[0])
    return [callback for _, callback in placed], genuine


def settled(callback: Callback, answers: List[Answer]) -> bool:
    """True when WeChat Pay would not send ``callback`` again: a genuine one was answered 204,
    a forged one was answered at all."""
    if callback.genuine:
        return any(a.status == 204 for a in answers)
    return any(a.status is not None for a in answers)


def test_nothing_lost(
    store: str, site: Site, receiver: Receiver, callbacks: Callbacks,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """500 genuine callbacks, 50 repeats and 50 forgeries, interleaved, 32 at a time; SIGKILL
    at a random point; restart and re-send; every 204'd id delivered and stored once."""
    label = store.split(":", 1)[0]
    rng = random.Random(seeded(f"nothing lost ({label})"))
    requests, genuine = plan(callbacks, rng)
    # SQLite: the lease is long, so a restart must release the killed process's leases (the
    # contract: serve releases all leases at start). PostgreSQL: a killed worker's leases
    # expire, so a short one, kept above forward_timeout (docs/gateway.md).
    lease = "60s" if label == "sqlite" else "3s"
    config = site.config(store, receiver.url(), lease=lease, forward_timeout="1s", poll_interval="200ms")
    receiver.behaviour = lambda webhook_id, nth: Reply(204, delay=0.01)
    inbox = inbox_of(config)

    first = launch(config, "first")
    receiver.watch({first.pid: "first"})
    answers: Dict[int, List[Answer]] = {id(c): [] for c in requests}
    kill_at = rng.randint(len(requests) // 5, len(requests) * 3 // 4)
    counted = {"answers": 0}
    at_kill: Dict[str, int] = {}
    lock = threading.Lock()

    def on_answer(callback: Callback, answer: Answer) -> None:
        """Records the answer; the kill_at-th answer kills the gateway."""
        with lock:
            answers[id(callback)].append(answer)
            counted["answers"] += 1
            if counted["answers"] != kill_at:
                return
            at_kill["answered_204"] = len(
                {c.id for c in requests if c.genuine and any(a.status == 204 for a in answers[id(c)])}
            )
        first.kill()
        at_kill["delivered"] = len(receiver.delivered())

    send_all([(first.url(), c) for c in requests], WORKERS, on_answer)
    assert not first.running(), "the first gateway was not killed"
    print(f"killed after {kill_at} answers: {at_kill.get('answered_204')} ids answered 204, "
          f"{at_kill.get('delivered')} delivered at that moment", flush=True)

    second = launch(config, "second")
    receiver.watch({first.pid: "first", second.pid: "second"})
    refused_by_second: Counter[str] = Counter()
    for _ in range(RESEND_ROUNDS):
        again = [c for c in requests if not settled(c, answers[id(c)])]
        if not again:
            break
        for callback, answer in zip(again, send_all([(second.url(), c) for c in again], WORKERS)):
            answers[id(callback)].append(answer)
            if not callback.genuine and answer.status is not None:
                refused_by_second[callback.code or ""] += 1

    # Every request has its final answer: 204 for the genuine, the core's reply for forgeries.
    unsettled = [
        (c.id, [a.status or a.error for a in answers[id(c)]]) for c in requests if not settled(c, answers[id(c)])
    ]
    assert not unsettled, f"{len(unsettled)} requests never answered as expected, e.g. {unsettled[:5]}"
    for callback in requests:
        statuses = [a.status for a in answers[id(callback)] if a.status is not None]
        if callback.genuine:
            assert set(statuses) == {204}, f"{callback.id}: answered {statuses}"
            assert all(a.body == b"" for a in answers[id(callback)] if a.status == 204)
        else:
            for answer in answers[id(callback)]:
                if answer.status is not None:
                    assert (answer.status, answer.json()) == callback.reply, (
                        f"forged {callback.id} ({callback.code}): answered {answer.status} {answer.body!r}, "
                        f"the core replies {callback.reply}"
                    )
    answered_204 = {c.id for c in requests if c.genuine and any(a.status == 204 for a in answers[id(c)])}
    assert answered_204 == set(genuine)

    receiver.wait_delivered(answered_204, DELIVERY_DEADLINE)
    wait_until(lambda: inbox.stats()["pending"] == 0, 30, "no pending event in the inbox")

    # Delivered: exactly the genuine ids, each message verified and as sent.
    delivered = receiver.delivered()
    assert not receiver.unverified(), f"{len(receiver.unverified())} messages failed Standard Webhooks verification"
    strangers = sorted(set(delivered) - answered_204)
    assert set(delivered) == answered_204, f"delivered ids not sent as genuine: {strangers[:5]}"
    problems = [p for attempts in delivered.values() for a in attempts for p in forwarded_problems(a, genuine)]
    assert not problems, "\n".join(problems[:10])
    for event_id, attempts in delivered.items():
        assert len({a.body for a in attempts}) == 1, f"{event_id} delivered with different bodies"
    forged_trade_nos = [a.webhook_id for a in receiver.snapshot() if b"FORGED-" in a.body]
    assert not forged_trade_nos, f"forged content forwarded under {forged_trade_nos[:5]}"

    # Stored once each, all delivered.
    events = inbox.list("all", 10000)
    ids = Counter(e["id"] for e in events)
    assert [i for i, n in ids.items() if n > 1] == [], "ids stored more than once"
    assert set(ids) == answered_204
    assert {e["status"] for e in events} == {"delivered"}
    assert all(e["attempts"] >= 1 and e["delivered_at_ms"] is not None for e in events)
    # Newest first; --limit takes the newest.
    received = [e["received_at_ms"] for e in events]
    assert received == sorted(received, reverse=True), "list is not newest first"
    assert [e["id"] for e in inbox.list("all", 10)] == [e["id"] for e in events[:10]]
    assert inbox.list("pending") == [] and inbox.list("dead") == []

    # Each forgery refused and recorded with its code. Rejection records are written after
    # the reply, so the killed process may have answered some it never recorded: at least as
    # many records as the restarted process answered, at most as many as forgeries sent.
    rejections = inbox.stats()["rejections"]
    forged = [c for c in requests if not c.genuine]
    for code in {c.code or "" for c in forged}:
        answered = sum(1 for c in forged if c.code == code for a in answers[id(c)] if a.status is not None)
        sent = sum(len(answers[id(c)]) for c in forged if c.code == code)
        assert refused_by_second[code] <= rejections.get(code, 0) <= sent, (
            f"{code}: {rejections.get(code, 0)} rejection records; {answered} refusals answered "
            f"({refused_by_second[code]} after the restart) of {sent} sent"
        )
        if rejections.get(code, 0) < answered:
            print(f"{code}: {answered - rejections.get(code, 0)} refusals answered by the killed process "
                  "have no rejection record", flush=True)

    # The logs hold no plaintext of a resource.
    for serve in (first, second):
        leaked = [i for i in genuine if Callbacks.trade_no(i) in serve.log_text()]
        assert not leaked, f"{serve.name}'s log contains decrypted resource data ({leaked[:3]})"

    # A duplicate is a delivery the killed process made but could not record, then the
    # restarted one's.
    problems = duplicate_problems(delivered, "first", "second")
    assert not problems, "duplicates not explained by the kill:\n" + "\n".join(problems[:10])
    duplicates = sum(1 for attempts in delivered.values() if len(attempts) > 1)
    figures(
        label, sent=GENUINE, repeats=REPEATS, forged=FORGED, killed_after=kill_at,
        answered_204=len(answered_204), delivered=len(delivered), duplicates=duplicates,
        forged_forwarded=len(forged_trade_nos),
    )

