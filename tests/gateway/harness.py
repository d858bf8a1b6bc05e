"""The parts the gateway tests are built from: the site (keys, forward secret, config files),
the receiver the gateway forwards to, the ``wechatpay-notify serve`` process, the ``inbox``
commands, callbacks and their expected replies, a concurrent sender, and ``/metrics``.

Everything runs for real: the released ``wechatpay-notify`` binary (``WPN_CLI``, default
``target/release/wechatpay-notify``), loopback HTTP, SQLite files or a PostgreSQL server
(``scripts/postgres.sh``). Nothing here knows how the gateway is built; it knows only the
contract (the ``[serve]`` table, the HTTP replies, the forwarded Standard Webhooks messages,
the JSON of ``inbox --json``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import httpx
from standardwebhooks import Webhook, WebhookVerificationError

import wechatpay_notify
from wechatpay_notify import NotificationError, Verifier
from wechatpay_notify.testing import Kit

REPO = Path(__file__).resolve().parents[2]
#: The command under test.
CLI = Path(os.environ.get("WPN_CLI", str(REPO / "target" / "release" / "wechatpay-notify")))
#: The merchant of every site.
MCHID = "1900000001"
#: The default path of the gateway's callback endpoint.
NOTIFY_PATH = "/wechatpay/notify"
#: The fields of every forwarded body, per the contract.
FORWARDED_FIELDS = {"id", "kind", "event_type", "mchid", "create_time", "summary", "resource"}


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> float:
    """Polls ``predicate`` until it is true and returns the seconds it took; fails the test
    with ``what`` when ``timeout`` seconds pass first."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout:.1f} s waiting for {what}")
        time.sleep(interval)
    return time.monotonic() - start


# --- the site: keys, forward secret, configs -------------------------------------------------


def toml_value(value: Any) -> str:
    """A TOML literal for a str, bool, int or float (strings as JSON-escaped basic strings,
    which TOML reads the same)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    raise TypeError(f"no TOML form for {type(value).__name__}")


class Site:
    """A directory holding what a gateway is configured with: the kit's TEST APIv3 key and
    public key (one merchant, ``MCHID``), a fresh forward secret (``whsec_`` and base64 of 32
    random bytes), and the config files written by :meth:`config`."""

    def __init__(self, root: Path, kit: Kit) -> None:
        """Writes the keys and a fresh forward secret into ``root``."""
        self.root = root
        self.kit = kit
        root.mkdir(parents=True, exist_ok=True)
        (root / "apiv3.key").write_text(kit.apiv3_key)
        (root / "pub_key.pem").write_text(kit.public_key_pem)
        self.forward_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        (root / "forward.secret").write_text(self.forward_secret + "\n")

    def config(
        self, store: str, forward_to: str, name: str = "serve.toml",
        routes: Sequence[Mapping[str, str]] = (), **serve: Any,
    ) -> Path:
        """Writes config file ``name``: the ``[serve]`` table (``store``, ``forward_to``,
        ``forward_secret_file``, ``listen = "127.0.0.1:0"`` and the options ``serve``), a
        ``[[serve.route]]`` per entry of ``routes``, and the one ``[[merchant]]``; returns its
        path."""
        options: Dict[str, Any] = {
            "listen": "127.0.0.1:0",
            "store": store,
            "forward_to": forward_to,
            "forward_secret_file": "forward.secret",
        }
        options.update(serve)
        lines = ["[serve]"]
        lines += [f"{key} = {toml_value(value)}" for key, value in options.items()]
        for route in routes:
            lines += ["", "[[serve.route]]"]
            lines += [f"{key} = {toml_value(value)}" for key, value in route.items()]
        lines += [
            "",
            "[[merchant]]",
            f"mchid = {toml_value(MCHID)}",
            'apiv3_key_file = "apiv3.key"',
            f'public_keys = [{{ id = {toml_value(self.kit.key_id)}, file = "pub_key.pem" }}]',
            "",
        ]
        path = self.root / name
        path.write_text("\n".join(lines))
        return path

    def secrets_in(self, text: str) -> List[str]:
        """The names of the site's secrets that occur in ``text`` (the APIv3 key, the forward
        secret or its base64 part); empty when none does."""
        found = []
        if self.kit.apiv3_key in text:
            found.append("APIv3 key")
        if self.forward_secret.removeprefix("whsec_") in text:
            found.append("forward secret")
        return found


# --- PostgreSQL --------------------------------------------------------------------------------


def psql_command() -> str:
    """The ``psql`` of Debian's PostgreSQL 15 package, else the one on PATH."""
    packaged = Path("/usr/lib/postgresql/15/bin/psql")
    if packaged.exists():
        return str(packaged)
    found = shutil.which("psql")
    if found is None:
        raise AssertionError("psql not found: source scripts/postgres.sh and run pg_start")
    return found


def psql(url: str, *commands: str) -> str:
    """Runs SQL ``commands`` with psql on the database of ``url``; returns the output
    (unaligned, tuples only)."""
    args = [psql_command(), "--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "-At", url]
    for command in commands:
        args += ["--command", command]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"psql failed: {done.stderr}"
    return done.stdout


def create_database(base_url: str) -> str:
    """Creates a fresh database on the server of ``base_url`` (a ``postgres://`` URL of any
    database there) and returns that URL with the new database's name."""
    name = "gw_" + uuid.uuid4().hex[:16]
    psql(base_url, f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


# --- the receiver --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """How the receiver answers one delivery attempt: ``status`` after ``delay`` seconds."""

    status: int = 204
    delay: float = 0.0


@dataclass
class Attempt:
    """One request the receiver got: its ``webhook-id``, body, headers, arrival time
    (``time.time()``), the process that sent it (by ``Receiver.watch``'s name, ``None`` when
    not found), whether its Standard Webhooks signature verified, which request of this id it
    was (from 1), its path, and the status answered (``None`` until answered)."""

    webhook_id: str
    body: bytes
    headers: Dict[str, str]
    at: float
    sender: Optional[str]
    verified: bool
    nth: int
    path: str
    status: Optional[int] = None
    answered_at: Optional[float] = None

    @property
    def delivered(self) -> bool:
        """True when the receiver answered 2xx: the message counts as delivered."""
        return self.status is not None and 200 <= self.status < 300

    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body)


def socket_owner(client_port: int, server_port: int, pids: Mapping[int, str]) -> Optional[str]:
    """The name (in ``pids``) of the process holding the loopback TCP socket from
    ``client_port`` to ``server_port``, found through /proc; ``None`` when none of them does
    (or the process is gone)."""
    inode = None
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            local_port = int(fields[1].split(":")[1], 16)
            remote_port = int(fields[2].split(":")[1], 16)
            if local_port == client_port and remote_port == server_port and fields[9] != "0":
                inode = fields[9]
                break
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid, name in pids.items():
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return name
        except OSError:
            continue
    return None


class Receiver:
    """The application the gateway forwards to: a real HTTP server on loopback (a thread per
    connection) that verifies every message with ``standardwebhooks`` under the site's
    forward secret and records it as an :class:`Attempt`.

    ``behaviour(webhook_id, nth)`` (``nth`` counts this id's requests from 1) says how to
    answer: by default 204 at once. A message whose signature does not verify is answered 400
    and recorded with ``verified=False``.
    """

    def __init__(self, secret: str) -> None:
        """Starts the server on a free loopback port, verifying under ``secret``."""
        self.webhook = Webhook(secret)
        self.behaviour: Callable[[str, int], Reply] = lambda webhook_id, nth: Reply()
        self.attempts: List[Attempt] = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.watched: Dict[int, str] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            """One connection from the gateway."""

            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests print what matters."""

            def do_POST(self) -> None:
                """Records the delivery, verifies it, answers per the behaviour."""
                receiver.handle(self)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        """The port the receiver listens on."""
        return int(self.server.server_address[1])

    def url(self, path: str = "/wechatpay/events") -> str:
        """The URL of ``path`` on the receiver (the gateway's ``forward_to``)."""
        return f"http://127.0.0.1:{self.port}{path}"

    def watch(self, pids: Mapping[int, str]) -> None:
        """Names the processes whose deliveries should be told apart (``Attempt.sender``)."""
        self.watched = dict(pids)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        """Reads, verifies, records and answers one request. A request cut off before its
        body is complete (its sender was killed) is not one: nothing is recorded."""
        try:
            body = read_body(request)
        except (OSError, ValueError):
            request.close_connection = True
            return
        headers = {key.lower(): value for key, value in request.headers.items()}
        try:
            self.webhook.verify(body, headers)
            verified = True
        except WebhookVerificationError:
            verified = False
        # One connection comes from one process: found once per connection.
        sender = getattr(request, "wpn_sender", None)
        if sender is None and self.watched:
            sender = socket_owner(request.client_address[1], self.port, self.watched)
            setattr(request, "wpn_sender", sender)
        webhook_id = headers.get("webhook-id", "")
        with self.lock:
            nth = 1 + sum(1 for a in self.attempts if a.webhook_id == webhook_id)
            attempt = Attempt(webhook_id, body, headers, time.time(), sender, verified, nth, request.path)
            self.attempts.append(attempt)
            self.changed.notify_all()
        reply = self.behaviour(webhook_id, nth) if verified else Reply(400)
        if reply.delay:
            time.sleep(reply.delay)
        try:
            request.send_response(reply.status)
            request.send_header("Content-Length", "0")
            request.end_headers()
            request.wfile.flush()
        except OSError:
            request.close_connection = True
        with self.lock:
            attempt.status = reply.status
            attempt.answered_at = time.time()
            self.changed.notify_all()

    def snapshot(self) -> List[Attempt]:
        """Every attempt so far, in arrival order."""
        with self.lock:
            return list(self.attempts)

    def delivered(self) -> Dict[str, List[Attempt]]:
        """The attempts answered 2xx, by webhook-id."""
        result: Dict[str, List[Attempt]] = {}
        for attempt in self.snapshot():
            if attempt.delivered:
                result.setdefault(attempt.webhook_id, []).append(attempt)
        return result

    def of(self, webhook_id: str) -> List[Attempt]:
        """Every attempt carrying ``webhook_id``, in arrival order."""
        return [a for a in self.snapshot() if a.webhook_id == webhook_id]

    def unverified(self) -> List[Attempt]:
        """The attempts whose Standard Webhooks signature did not verify."""
        return [a for a in self.snapshot() if not a.verified]

    def wait_delivered(self, ids: Iterable[str], timeout: float) -> float:
        """Waits until every id of ``ids`` was delivered (answered 2xx) at least once."""
        wanted = set(ids)

        def done() -> bool:
            """True once every wanted id was delivered."""
            return wanted <= set(self.delivered())

        try:
            return wait_until(done, timeout, f"{len(wanted)} deliveries")
        except AssertionError:
            missing = sorted(wanted - set(self.delivered()))
            raise AssertionError(
                f"{len(missing)} of {len(wanted)} ids not delivered within {timeout} s, "
                f"e.g. {missing[:5]}; {len(self.unverified())} messages failed Standard "
                "Webhooks verification"
            ) from None

    def close(self) -> None:
        """Stops the server."""
        self.server.shutdown()
        self.server.server_close()


class QuietServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print a traceback when a client (a killed
    gateway) drops its connection."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignores connections reset or cut off by the client; reports anything else."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def read_body(request: BaseHTTPRequestHandler) -> bytes:
    """The request's body, by Content-Length or chunked."""
    if request.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks: List[bytes] = []
        while True:
            size = int(request.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while request.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(read_exactly(request, size))
            request.rfile.readline()
    return read_exactly(request, int(request.headers.get("Content-Length", "0")))


def read_exactly(request: BaseHTTPRequestHandler, size: int) -> bytes:
    """``size`` bytes of the request; ``ConnectionResetError`` when the connection ends
    first."""
    data = request.rfile.read(size)
    if len(data) != size:
        raise ConnectionResetError(f"connection closed after {len(data)} of {size} bytes")
    return data


# --- the gateway process -------------------------------------------------------------------------


class Serve:
    """A ``wechatpay-notify serve --config CONFIG --listen 127.0.0.1:0`` process. Its stderr
    (one JSON object per line) is drained by a thread into ``LOG_DIR/NAME.log`` and parsed
    (lines that are not a JSON object with distinct keys are kept in ``bad_lines``); the
    address comes from the first ``"listening"`` line."""

    def __init__(self, config: Path, log_dir: Path, name: str = "serve") -> None:
        """A process of ``config``, not started yet, logging to ``log_dir/NAME.log``."""
        self.config = config
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.records: List[Dict[str, Any]] = []
        self.lines: List[str] = []
        #: The stderr lines that are not one JSON object with distinct keys, and why.
        self.bad_lines: List[str] = []
        self.addr: Optional[str] = None
        self.listening = threading.Event()
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.drainer: Optional[threading.Thread] = None

    def start(self, timeout: float = 30.0) -> "Serve":
        """Starts the process and waits for its ``listening`` line."""
        self.proc = subprocess.Popen(
            [str(CLI), "serve", "--config", str(self.config), "--listen", "127.0.0.1:0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self.drainer = threading.Thread(target=self._drain, daemon=True)
        self.drainer.start()
        deadline = time.monotonic() + timeout
        while not self.listening.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.drainer.join(5)
                state = f"exited {self.proc.returncode}" if self.proc.poll() is not None else "no listening line"
                raise AssertionError(f"{self.name} did not start ({state}):\n{self.tail()}")
        return self

    @staticmethod
    def _unique_keys(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
        """A JSON object's dict, refusing a key that occurs twice (a consumer of the log would
        see only one of the values)."""
        keys = [key for key, _ in pairs]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"key(s) {', '.join(repeated)} more than once")
        return dict(pairs)

    def _drain(self) -> None:
        """Copies stderr to the log file, parsing each line."""
        assert self.proc is not None and self.proc.stderr is not None
        with open(self.log_path, "ab") as log:
            for raw in self.proc.stderr:
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.lines.append(line)
                try:
                    record = json.loads(line, object_pairs_hook=self._unique_keys)
                except ValueError as error:
                    self.bad_lines.append(f"{error}: {line}")
                    continue
                if not isinstance(record, dict):
                    self.bad_lines.append(f"not a JSON object: {line}")
                    continue
                record = flatten(record)
                self.records.append(record)
                if record.get("message") == "listening" and self.addr is None:
                    self.addr = str(record.get("addr"))
                    self.listening.set()

    @property
    def pid(self) -> int:
        """The process id."""
        assert self.proc is not None
        return self.proc.pid

    @property
    def port(self) -> int:
        """The port it listens on."""
        assert self.addr is not None
        return int(self.addr.rsplit(":", 1)[1])

    def url(self, path: str = NOTIFY_PATH) -> str:
        """The URL of ``path`` on this gateway."""
        return f"http://{self.addr}{path}"

    def running(self) -> bool:
        """True while the process has not exited."""
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        """Sends ``sig`` without waiting."""
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        """Waits for the exit (the test fails after ``timeout`` s) and returns its status."""
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} still running after {timeout} s:\n{self.tail()}")
        self._join()
        return code

    def kill(self) -> None:
        """SIGKILL, and reap."""
        if self.running():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)
        self._join()

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, wait for the exit (the test fails after ``timeout`` s), return the exit
        status."""
        self.signal(signal.SIGTERM)
        return self.wait(timeout)

    def _join(self) -> None:
        """Waits for stderr to be drained."""
        if self.drainer is not None:
            self.drainer.join(10)

    def messages(self, message: str) -> List[Dict[str, Any]]:
        """The log records whose message is ``message``."""
        return [r for r in list(self.records) if r.get("message") == message]

    def log_text(self) -> str:
        """Everything written to stderr so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tail(self, lines: int = 30) -> str:
        """The last lines of stderr, for failure messages."""
        return "\n".join(self.log_text().splitlines()[-lines:])


def flatten(record: Dict[str, Any]) -> Dict[str, Any]:
    """A tracing JSON record with its ``fields`` object (if any) merged into the top level, so
    that flattened and nested layouts read the same."""
    fields = record.get("fields")
    if isinstance(fields, dict):
        merged = {k: v for k, v in record.items() if k != "fields"}
        merged.update(fields)
        return merged
    return record


# --- the inbox commands ----------------------------------------------------------------------------


@dataclass
class Run:
    """The outcome of one CLI command: exit status, stdout, stderr."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout, parsed."""
        return json.loads(self.stdout)


def cli(*args: str, timeout: float = 120.0) -> Run:
    """Runs ``wechatpay-notify ARGS`` and returns what it did."""
    done = subprocess.run([str(CLI), *args], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


class Inbox:
    """``wechatpay-notify inbox --config CONFIG --json ...``."""

    def __init__(self, config: Path) -> None:
        """The inbox of ``config``'s store."""
        self.config = config

    def run(self, *args: str) -> Run:
        """Runs ``inbox --config CONFIG --json ARGS`` and returns what it did."""
        return cli("inbox", "--config", str(self.config), "--json", *args)

    def ok(self, *args: str) -> Any:
        """Runs ``inbox ARGS``, which must exit 0, and returns its JSON output."""
        run = self.run(*args)
        assert run.code == 0, f"inbox {' '.join(args)} exited {run.code}: {run.stderr.strip()}"
        return run.json()

    def list(self, status: str = "all", limit: int = 10000) -> List[Dict[str, Any]]:
        """``list --status STATUS --limit LIMIT``."""
        return list(self.ok("list", "--status", status, "--limit", str(limit)))

    def show(self, event_id: str, resource: bool = False) -> Dict[str, Any]:
        """``show ID`` (with ``--resource``)."""
        return dict(self.ok("show", event_id, *(["--resource"] if resource else [])))

    def stats(self) -> Dict[str, Any]:
        """``stats``."""
        return dict(self.ok("stats"))

    def rejections(self, limit: int = 10000) -> List[Dict[str, Any]]:
        """``rejections --limit LIMIT``."""
        return list(self.ok("rejections", "--limit", str(limit)))


# --- callbacks ---------------------------------------------------------------------------------------


@dataclass
class Callback:
    """One request as WeChat Pay would send it, and what the gateway must do with it: for a
    genuine one (``code is None``) store and forward ``resource``; for a forged one refuse it
    with ``code`` and exactly ``reply`` (status and JSON body, from the core's
    ``reply_failure``)."""

    id: str
    headers: Dict[str, str]
    body: bytes
    code: Optional[str] = None
    reply: Optional[Tuple[int, Any]] = None
    resource: Optional[Dict[str, Any]] = None
    envelope: Dict[str, Any] = field(default_factory=dict)

    @property
    def genuine(self) -> bool:
        """True for a callback the gateway must accept."""
        return self.code is None


class Callbacks:
    """Makes :class:`Callback` s with the site's kit; the expected outcome of each comes from
    the Python binding's verifier configured like the gateway (the same core, an independent
    path)."""

    #: The kit's failures used as forgeries, by method name.
    FORGERIES = ("tampered", "unknown_serial", "stale")

    def __init__(self, kit: Kit) -> None:
        """Callbacks of ``kit``, with ids of a fresh run."""
        self.kit = kit
        self.verifier = Verifier.for_merchants([kit.merchant(MCHID)])
        self.run = uuid.uuid4().hex[:8].upper()

    def event_id(self, n: int) -> str:
        """The id of genuine callback ``n`` of this run."""
        return f"EV-{self.run}-{n:06d}"

    @staticmethod
    def trade_no(event_id: str) -> str:
        """The out_trade_no written into the resource of ``event_id``."""
        return "T-" + event_id

    def genuine(self, event_id: str, kind: str = "transaction") -> Callback:
        """A genuine callback ``event_id`` of ``kind`` (``transaction`` or ``refund``), signed
        now; its resource's out_trade_no (out_refund_no) is :meth:`trade_no` of the id."""
        number = "out_refund_no" if kind == "refund" else "out_trade_no"
        overrides: Dict[str, Any] = {number: self.trade_no(event_id)}
        headers, body = self.kit.notification(kind, id=event_id, **overrides)
        parsed = self.verifier.parse(headers, body)
        envelope = json.loads(body)
        return Callback(event_id, dict(headers), body, resource=parsed.resource, envelope=envelope)

    def forged(self, how: str, event_id: str) -> Callback:
        """A forged callback claiming ``event_id``, with out_trade_no ``FORGED-...``: ``how``
        is a failure method of the kit (:attr:`FORGERIES`, ``probe``, ``other_apiv3_key``,
        ``xml_body``, ...)."""
        make = getattr(self.kit, how)
        headers, body = make("transaction", id=event_id, out_trade_no="FORGED-" + event_id)
        return self.refused(event_id, headers, body)

    def unsigned(self, event_id: str) -> Callback:
        """A genuine callback's body sent without any ``Wechatpay-*`` header."""
        _, body = self.kit.notification("transaction", id=event_id, out_trade_no="FORGED-" + event_id)
        return self.refused(event_id, {"Content-Type": "application/json"}, body)

    def refused(self, event_id: str, headers: Mapping[str, str], body: bytes) -> Callback:
        """A request the verifier refuses, with the code and the core's reply for it."""
        try:
            self.verifier.parse(headers, body)
        except NotificationError as error:
            reply = wechatpay_notify.reply_failure(error)
            return Callback(event_id, dict(headers), body, code=error.code,
                            reply=(reply.status, json.loads(reply.body)))
        raise AssertionError(f"the verifier accepted the forged request {event_id}")


# --- sending -------------------------------------------------------------------------------------------


@dataclass
class Answer:
    """The gateway's answer to one request: status and body, or ``error`` (no answer: the
    connection failed)."""

    status: Optional[int]
    body: bytes = b""
    error: Optional[str] = None

    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body)


def post(client: httpx.Client, url: str, callback: Callback) -> Answer:
    """POSTs one callback; a failed connection is an :class:`Answer` with ``error``."""
    try:
        response = client.post(url, headers=callback.headers, content=callback.body)
    except httpx.HTTPError as error:
        return Answer(None, error=type(error).__name__)
    return Answer(response.status_code, response.content)


def send_all(
    jobs: Sequence[Tuple[str, Callback]],
    workers: int = 32,
    on_answer: Optional[Callable[[Callback, Answer], None]] = None,
) -> List[Answer]:
    """POSTs every ``(url, callback)`` of ``jobs``, ``workers`` at a time, in order of
    submission; returns the answers in the same order. ``on_answer`` is called (from the
    sending threads) after each answer."""
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    with httpx.Client(limits=limits, timeout=httpx.Timeout(30.0)) as client:

        def one(job: Tuple[str, Callback]) -> Answer:
            """Sends one job and reports its answer."""
            url, callback = job
            answer = post(client, url, callback)
            if on_answer is not None:
                on_answer(callback, answer)
            return answer

        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(one, jobs))


def get(url: str, timeout: float = 10.0) -> httpx.Response:
    """GET ``url``."""
    return httpx.get(url, timeout=timeout)


# --- metrics ---------------------------------------------------------------------------------------------

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    """A Prometheus text exposition, parsed: ``metrics.value(name, code="...")``."""

    def __init__(self, text: str) -> None:
        """Parses ``text``; fails the test on a line that is not a sample or a comment."""
        self.text = text
        self.samples: Dict[Tuple[str, frozenset[Tuple[str, str]]], float] = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            match = _SAMPLE.match(line)
            if match is None:
                raise AssertionError(f"not a Prometheus sample line: {line!r}")
            labels = frozenset(_LABEL.findall(match.group(2) or ""))
            self.samples[(match.group(1), labels)] = float(match.group(3))

    @classmethod
    def of(cls, serve: Serve) -> "Metrics":
        """``GET /metrics`` of ``serve``, parsed."""
        response = get(serve.url("/metrics"))
        assert response.status_code == 200, f"/metrics answered {response.status_code}"
        return cls(response.text)

    def value(self, name: str, **labels: str) -> float:
        """The sample ``name{labels}``; fails the test when it is absent."""
        key = (name, frozenset(labels.items()))
        assert key in self.samples, f"no sample {name}{labels or ''} in /metrics:\n{self.text}"
        return self.samples[key]

    def by_label(self, name: str, label: str) -> Dict[str, float]:
        """Every sample of ``name``, by the value of its ``label``."""
        return {
            dict(labels)[label]: value
            for (sample, labels), value in self.samples.items()
            if sample == name and label in dict(labels)
        }


# --- raw HTTP ---------------------------------------------------------------------------------------------


def raw_exchange(port: int, data: bytes, timeout: float = 10.0) -> Tuple[bytes, float]:
    """Sends ``data`` on a fresh TCP connection to 127.0.0.1:``port`` and returns everything
    read until the peer closes the connection (or ``timeout`` s pass), and the seconds from
    the end of sending to the first byte read (``timeout`` when none came)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_until_closed(sock, timeout)


def read_until_closed(sock: socket.socket, timeout: float) -> Tuple[bytes, float]:
    """Everything ``sock`` yields until EOF, a reset, or ``timeout`` s; and the seconds until
    the first byte (``timeout`` when none came)."""
    start = time.monotonic()
    deadline = start + timeout
    received = b""
    first = timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        if not received:
            first = time.monotonic() - start
        received += chunk
    return received, first


@dataclass
class RawResponse:
    """An HTTP/1.x response read off a socket: status (``None`` when there was none), headers
    (lower-case names) and body (de-chunked)."""

    status: Optional[int]
    headers: Dict[str, str]
    body: bytes

    @classmethod
    def parse(cls, data: bytes) -> "RawResponse":
        """Parses the first response in ``data``."""
        match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
        if match is None or b"\r\n\r\n" not in data:
            return cls(None, {}, b"")
        head, body = data.split(b"\r\n\r\n", 1)
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = dechunk(body)
        elif "content-length" in headers:
            body = body[: int(headers["content-length"])]
        return cls(int(match.group(1)), headers, body)


def dechunk(data: bytes) -> bytes:
    """The payload of a chunked body (as far as it is complete)."""
    payload = b""
    while b"\r\n" in data:
        size_line, data = data.split(b"\r\n", 1)
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        payload += data[:size]
        data = data[size + 2:]
    return payload


def failure_code(body: bytes) -> str:
    """The ``CODE`` of a ``{"code":"FAIL","message":"CODE: ..."}`` body; fails the test when
    the body does not have that form."""
    parsed = json.loads(body)
    assert parsed.get("code") == "FAIL", f"error body without code FAIL: {body!r}"
    message = parsed.get("message", "")
    assert ": " in message, f"error message not 'CODE: text': {body!r}"
    return str(message.split(": ", 1)[0])


# --- checks and figures ----------------------------------------------------------------------------------


def forwarded_problems(attempt: Attempt, sent: Mapping[str, Sequence[Callback]]) -> List[str]:
    """What is wrong with one forwarded message, given every genuine callback sent, by id
    (the first, then its repeats): empty when it verified under the forward secret, names a
    genuine id, carries exactly the contract's fields, the envelope of one of the callbacks
    sent with that id, merchant ``MCHID`` and the resource the kit encrypted, and a
    ``webhook-timestamp`` of when it was sent (a retry's is the retry's)."""
    where = f"delivery of {attempt.webhook_id!r}"
    if not attempt.verified:
        return [f"{where}: Standard Webhooks signature did not verify"]
    if attempt.webhook_id not in sent:
        return [f"{where}: not the id of a genuine callback"]
    variants = sent[attempt.webhook_id]
    problems = []
    if not attempt.headers.get("content-type", "").startswith("application/json"):
        problems.append(f"{where}: content-type {attempt.headers.get('content-type')!r}")
    try:
        body = attempt.json()
    except ValueError:
        return problems + [f"{where}: body is not JSON"]
    if set(body) != FORWARDED_FIELDS:
        problems.append(f"{where}: fields {sorted(body)}, expected {sorted(FORWARDED_FIELDS)}")
    expected = {
        "id": {attempt.webhook_id},
        "kind": {"transaction"},
        "mchid": {MCHID},
        "event_type": {c.envelope["event_type"] for c in variants},
        "create_time": {c.envelope["create_time"] for c in variants},
        "summary": {c.envelope["summary"] for c in variants},
    }
    for name, allowed in expected.items():
        if body.get(name) not in allowed:
            problems.append(f"{where}: {name} {body.get(name)!r}, expected one of {sorted(allowed)}")
    if body.get("resource") != variants[0].resource:
        problems.append(f"{where}: resource differs from what the kit encrypted")
    # Whole seconds, taken before sending: a little earlier than the arrival, never later (a
    # few seconds of slack for a loaded machine).
    sent_at = int(attempt.headers.get("webhook-timestamp", "0"))
    if not attempt.at - 5 <= sent_at <= attempt.at + 1:
        problems.append(f"{where}: webhook-timestamp {sent_at} is not when it was sent ({attempt.at:.0f})")
    return problems


def duplicate_problems(delivered: Mapping[str, Sequence[Attempt]], killed: str, survivor: str) -> List[str]:
    """What is wrong with the ids delivered more than once, when process ``killed`` was killed
    with SIGKILL and ``survivor`` lived on: a duplicate is allowed only as one delivery by the
    killed process (or by a process gone before it could be named) that it could not record,
    then one by the survivor. Empty when every duplicate has that form."""
    problems = []
    for event_id, attempts in delivered.items():
        if len(attempts) < 2:
            continue
        senders = [a.sender for a in sorted(attempts, key=lambda a: a.at)]
        if len(senders) != 2 or senders[0] not in (killed, None) or senders[1] != survivor:
            problems.append(f"{event_id} delivered {len(senders)} times, by {senders}")
    return problems


def figures(label: str, **numbers: object) -> None:
    """Prints the figures of a run on one line (``GATEWAY-FIGURES store=LABEL k=v ...``), for
    the closing note."""
    words = [f"store={label}"] + [f"{key}={value}" for key, value in numbers.items()]
    print("GATEWAY-FIGURES " + " ".join(words), flush=True)


def seeded(name: str) -> int:
    """The seed of a randomized test: ``WPN_GATEWAY_SEED`` when set, else a fresh one; printed
    with the way to repeat the run."""
    seed = int(os.environ.get("WPN_GATEWAY_SEED") or secrets.randbelow(2**32))
    print(f"{name}: seed {seed} (WPN_GATEWAY_SEED={seed} repeats it)", flush=True)
    return seed
