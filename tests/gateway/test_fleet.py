"""A fleet on PostgreSQL: two ``serve`` processes on one database share the load; repeats of
an id arrive at the other process (one row per id across processes); one process is killed
with SIGKILL mid-run, its leases expire (``lease = "2s"``) and the other delivers what it left.
Every id answered 204 is delivered; an id is delivered twice only as a delivery the killed
process could not record followed by the survivor's.
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
    create_database,
    duplicate_problems,
    figures,
    forwarded_problems,
    seeded,
    send_all,
    wait_until,
)

GENUINE = 500
REPEATS = 50
WORKERS = 32
RESEND_ROUNDS = 4
#: Ids whose attempt log is checked against the receiver (every duplicate, and these many more).
LOG_SAMPLE = 40


def worker_pid(entry: Dict[str, object]) -> int:
    """The process id in an attempt's ``worker`` (``hostname:pid:...``)."""
    parts = str(entry["worker"]).split(":")
    assert len(parts) >= 2 and parts[1].isdigit(), f"worker {entry['worker']!r} is not hostname:pid:..."
    return int(parts[1])


def test_fleet(
    pg_base_url: str, site: Site, receiver: Receiver, callbacks: Callbacks,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """Two processes, one database, one SIGKILL: nothing lost, duplicates only from the kill."""
    rng = random.Random(seeded("fleet (postgres)"))
    # A short lease, kept above forward_timeout (docs/gateway.md).
    config = site.config(
        create_database(pg_base_url), receiver.url(), lease="2s", forward_timeout="1s", poll_interval="200ms"
    )
    inbox = inbox_of(config)
    receiver.behaviour = lambda webhook_id, nth: Reply(204, delay=0.01)
    a, b = launch(config, "a"), launch(config, "b")
    receiver.watch({a.pid: "a", b.pid: "b"})

    # Genuine callbacks alternately to a and b; each repeat to the other process.
    placed: List[Tuple[float, Serve, Callback]] = []
    genuine: Dict[str, List[Callback]] = {}
    for n in range(GENUINE):
        callback = callbacks.genuine(callbacks.event_id(n))
        genuine[callback.id] = [callback]
        placed.append((float(n), (a, b)[n % 2], callback))
    for n in rng.sample(range(GENUINE), REPEATS):
        repeat = callbacks.genuine(callbacks.event_id(n))
        genuine[repeat.id].append(repeat)
        placed.append((n + rng.uniform(40, 120), (b, a)[n % 2], repeat))
    placed.sort(key=lambda item: item[0])
    jobs = [(serve.url(), callback) for _, serve, callback in placed]

    answers: Dict[int, List[Answer]] = {id(c): [] for _, c in jobs}
    kill_at = rng.randint(len(jobs) // 5, len(jobs) * 3 // 4)
    counted = {"answers": 0}
    lock = threading.Lock()

    def on_answer(callback: Callback, answer: Answer) -> None:
        """Records the answer; the kill_at-th answer kills process a."""
        with lock:
            answers[id(callback)].append(answer)
            counted["answers"] += 1
            if counted["answers"] != kill_at:
                return
        a.kill()

    send_all(jobs, WORKERS, on_answer)
    assert not a.running() and b.running()
    for _ in range(RESEND_ROUNDS):
        again = [c for _, c in jobs if not any(x.status == 204 for x in answers[id(c)])]
        if not again:
            break
        for callback, answer in zip(again, send_all([(b.url(), c) for c in again], WORKERS)):
            answers[id(callback)].append(answer)
    statuses = {c.id: [x.status for x in answers[id(c)] if x.status is not None] for _, c in jobs}
    wrong = {i: s for i, s in statuses.items() if set(s) != {204}}
    assert not wrong, f"{len(wrong)} ids not answered only 204, e.g. {list(wrong.items())[:5]}"
    answered_204 = set(statuses)

    receiver.wait_delivered(answered_204, 60)
    wait_until(lambda: inbox.stats()["pending"] == 0, 30, "no pending event in the inbox")
    delivered = receiver.delivered()
    assert not receiver.unverified()
    assert set(delivered) == answered_204
    problems = [p for attempts in delivered.values() for x in attempts for p in forwarded_problems(x, genuine)]
    assert not problems, "\n".join(problems[:10])

    # One row per id across both processes.
    events = inbox.list("all", 10000)
    ids = Counter(e["id"] for e in events)
    assert [i for i, n in ids.items() if n > 1] == [] and set(ids) == answered_204
    assert {e["status"] for e in events} == {"delivered"}
    stats = inbox.stats()
    assert (stats["store"], stats["delivered"]) == ("postgres", GENUINE), stats

    # Both processes delivered; duplicates only from the kill.
    by_sender = Counter(x.sender for attempts in delivered.values() for x in attempts)
    assert by_sender["b"] > 0 and by_sender["a"] + by_sender[None] > 0, by_sender
    problems = duplicate_problems(delivered, "a", "b")
    assert not problems, "duplicates not explained by the kill:\n" + "\n".join(problems[:10])
    duplicates = [i for i, attempts in delivered.items() if len(attempts) > 1]

    # The attempt log names the process that recorded the delivery: the one the receiver saw
    # last (a delivery the killed process made but did not record is followed by b's).
    checked = duplicates + rng.sample(sorted(set(delivered) - set(duplicates)), LOG_SAMPLE)
    pids = {a.pid: "a", b.pid: "b"}
    for event_id in checked:
        log = inbox.show(event_id)["attempt_log"]
        ok = [entry for entry in log if entry["ok"]]
        assert len(ok) == 1, f"{event_id}: {len(ok)} successful attempts logged: {log}"
        recorder = pids.get(worker_pid(ok[0]))
        last = sorted(delivered[event_id], key=lambda x: x.at)[-1].sender
        assert recorder is not None and (last is None or recorder == last), (
            f"{event_id}: delivery recorded by {recorder}, the receiver's last delivery came from {last}"
        )

    figures(
        "postgres-fleet", sent=GENUINE, repeats=REPEATS, killed_after=kill_at,
        answered_204=len(answered_204), delivered=len(delivered), duplicates=len(duplicates),
        deliveries_by_killed=by_sender["a"] + by_sender[None], deliveries_by_survivor=by_sender["b"],
    )
    assert b.terminate() == 0, b.tail()
