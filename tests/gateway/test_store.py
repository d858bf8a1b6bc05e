"""The store and the config: versioned migrations (``inbox migrate``, also applied by
``serve``), ``--json`` anywhere, exit status 2 for config errors, and an outage of
PostgreSQL while ``serve`` runs: callbacks are answered 500 ``INBOX_UNAVAILABLE`` (so WeChat
Pay retries), ``/healthz`` says 503, and once the database is back the retried callback is
stored and delivered.
"""

from __future__ import annotations

import base64
import secrets
import time
from pathlib import Path
from typing import Callable

from harness import (
    Callbacks,
    Inbox,
    Receiver,
    Serve,
    Site,
    cli,
    create_database,
    failure_code,
    get,
    psql,
    send_all,
    wait_until,
)


def test_migrate(
    store: str, site: Site, receiver: Receiver, inbox_of: Callable[[Path], Inbox],
    launch: Callable[..., Serve],
) -> None:
    """A fresh store: ``migrate`` applies every version once; again, none; serve agrees."""
    inbox = inbox_of(site.config(store, receiver.url()))
    first = inbox.ok("migrate")
    version = first["schema_version"]
    assert isinstance(version, int) and version >= 1, first
    assert first["applied"] == list(range(1, version + 1)), first
    assert inbox.ok("migrate") == {"schema_version": version, "applied": []}
    serve = launch(site.config(store, receiver.url()))
    assert inbox.ok("migrate") == {"schema_version": version, "applied": []}
    assert inbox.stats()["schema_version"] == version
    # --json is global: after the subcommand too.
    config = str(site.config(store, receiver.url()))
    for args in (("--json", "--config", config, "stats"), ("--config", config, "stats", "--json")):
        run = cli("inbox", *args)
        assert run.code == 0 and run.json()["schema_version"] == version, (args, run)
    assert serve.terminate() == 0, serve.tail()


def test_config_errors(site: Site, receiver: Receiver) -> None:
    """A config error is exit status 2 for serve and inbox, before anything listens, and the
    message does not show the forward secret."""
    short = "whsec_" + base64.b64encode(secrets.token_bytes(8)).decode()
    (site.root / "short.secret").write_text(short + "\n")
    cases = {
        "short forward secret": site.config("sqlite://inbox.db", receiver.url(), name="c1.toml",
                                            forward_secret_file="short.secret"),
        "forward_to not http": site.config("sqlite://inbox.db", "ftp://127.0.0.1/events", name="c2.toml"),
        "bad duration": site.config("sqlite://inbox.db", receiver.url(), name="c3.toml", retry_max="10 parsecs"),
        "unknown field": site.config("sqlite://inbox.db", receiver.url(), name="c4.toml", retries=3),
        "unknown store": site.config("mysql://127.0.0.1/inbox", receiver.url(), name="c5.toml"),
    }
    for what, config in cases.items():
        for command in (("serve", "--config", str(config)), ("inbox", "--config", str(config), "stats")):
            run = cli(*command, timeout=30)
            assert run.code == 2, f"{what}: {command[0]} exited {run.code}: {run.stderr.strip()[:300]}"
            assert run.stderr.strip(), f"{what}: {command[0]} gave no message"
            assert short.removeprefix("whsec_") not in run.stderr + run.stdout, f"{what}: the secret was printed"


def test_postgres_outage(
    pg_base_url: str, site: Site, receiver: Receiver, callbacks: Callbacks,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """The database refuses connections for a while: 500 INBOX_UNAVAILABLE and 503 health,
    then recovery without a restart."""
    url = create_database(pg_base_url)
    name = url.rsplit("/", 1)[1]
    config = site.config(url, receiver.url(), poll_interval="200ms")
    inbox = inbox_of(config)
    serve = launch(config)
    before = callbacks.genuine(callbacks.event_id(0))
    assert [a.status for a in send_all([(serve.url(), before)])] == [204]
    receiver.wait_delivered([before.id], 10)

    psql(pg_base_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
         f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    during = callbacks.genuine(callbacks.event_id(1))
    try:
        started = time.monotonic()
        [answer] = send_all([(serve.url(), during)])
        took = time.monotonic() - started
        assert answer.status == 500 and failure_code(answer.body) == "INBOX_UNAVAILABLE", (
            f"with the database down: {answer.status or answer.error} {answer.body!r}"
        )
        print(f"INBOX_UNAVAILABLE answered in {took:.2f} s", flush=True)
        health = get(serve.url("/healthz"))
        assert health.status_code == 503 and health.json()["status"] == "unavailable", health.text
        assert serve.running()
    finally:
        psql(pg_base_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    wait_until(lambda: get(serve.url("/healthz")).status_code == 200, 30, "/healthz 200 again")
    # WeChat Pay retries the callback that got 500: now stored and delivered, once.
    assert [a.status for a in send_all([(serve.url(), during)])] == [204]
    receiver.wait_delivered([during.id], 15)
    wait_until(lambda: inbox.stats()["pending"] == 0, 10, "every event recorded as delivered")
    assert sorted(e["id"] for e in inbox.list("all")) == sorted([before.id, during.id])
    assert {i: len(a) for i, a in receiver.delivered().items()} == {before.id: 1, during.id: 1}
    assert serve.terminate() == 0, serve.tail()
