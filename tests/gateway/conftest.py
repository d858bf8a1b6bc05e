"""Fixtures of the gateway tests: the kit, a site directory (keys, forward secret, configs), the
receiver, the store (a SQLite file, or a fresh PostgreSQL database of the server named by
``WPN_PG_URL``), and a launcher of ``wechatpay-notify serve`` processes that are killed after
the test and whose logs must never hold a secret.

``scripts/test-gateway.sh`` starts PostgreSQL and sets ``WPN_PG_URL``; run directly, without
it, the session starts its own server through ``scripts/postgres.sh`` on first use.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from wechatpay_notify.testing import Kit  # noqa: E402

from harness import CLI, REPO, Callbacks, Inbox, Receiver, Serve, Site, create_database  # noqa: E402


def pytest_report_header() -> List[str]:
    """Names the binary under test in pytest's header."""
    return [f"wechatpay-notify under test: {CLI}"]


@pytest.fixture(scope="session")
def kit() -> Kit:
    """The session's testing kit: WeChat Pay with TEST keys."""
    return Kit()


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    """The URL of a database on the PostgreSQL server of the run: ``WPN_PG_URL``, or a server
    started here with scripts/postgres.sh (and stopped at the end of the session)."""
    url = os.environ.get("WPN_PG_URL")
    if url:
        yield url
        return
    directory = tempfile.mkdtemp(prefix="wpn-pg-")
    script = 'set -e; source scripts/postgres.sh; pg_start "$1" >&2; printf %s "$WPN_PG_URL"'
    started = subprocess.run(
        ["bash", "-c", script, "pg_start", directory],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert started.returncode == 0, f"could not start PostgreSQL: {started.stderr}"
    try:
        yield started.stdout
    finally:
        subprocess.run(
            ["bash", "-c", 'source scripts/postgres.sh; pg_stop "$1"', "pg_stop", directory],
            cwd=REPO, timeout=120, check=False,
        )


@pytest.fixture
def site(tmp_path: Path, kit: Kit) -> Site:
    """A fresh site directory: the kit's keys for merchant MCHID and a fresh forward secret."""
    return Site(tmp_path / "site", kit)


@pytest.fixture
def callbacks(kit: Kit) -> Callbacks:
    """Callbacks of the session's kit, with ids of their own for this test."""
    return Callbacks(kit)


@pytest.fixture
def receiver(site: Site) -> Iterator[Receiver]:
    """The application the gateway forwards to, verifying under the site's forward secret."""
    server = Receiver(site.forward_secret)
    yield server
    server.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> str:
    """The ``[serve] store`` URL: ``sqlite://inbox.db`` (relative to the config's directory),
    or a fresh PostgreSQL database of its own for this test."""
    if request.param == "sqlite":
        return "sqlite://inbox.db"
    base = request.getfixturevalue("pg_base_url")
    return create_database(base)


@pytest.fixture
def launch(site: Site, tmp_path: Path) -> Iterator[Callable[..., Serve]]:
    """Starts ``serve`` processes: ``launch(config, name="serve")``. After the test every one
    still running is killed; each log must be JSON objects with distinct keys, one a line,
    and none may contain the APIv3 key or the forward secret."""
    started: List[Serve] = []

    def start(config: Path, name: str = "serve") -> Serve:
        """Starts ``serve --config CONFIG`` and waits until it listens."""
        serve = Serve(config, tmp_path, f"{name}-{len(started)}")
        started.append(serve)
        return serve.start()

    yield start
    for serve in started:
        serve.kill()
    for serve in started:
        leaked = site.secrets_in(serve.log_text())
        assert not leaked, f"{serve.name}'s log contains the {', '.join(leaked)}"
        assert not serve.bad_lines, f"{serve.name}'s log has lines that are not one JSON object:\n" + "\n".join(
            serve.bad_lines[:5]
        )


@pytest.fixture
def inbox_of() -> Callable[[Path], Inbox]:
    """``inbox_of(config)``: the inbox commands for a config."""
    return Inbox

