#!/usr/bin/env python3
"""Tests the gateway receiver examples (examples/gateway/php, examples/gateway/express) over real
HTTP with real Standard Webhooks messages. Run it through test_receivers.sh, which installs PHP,
the npm packages and the PyPI `standardwebhooks` library it needs.

For each receiver, started on a free loopback port:

- a message signed with the receiver's secret (by the PyPI `standardwebhooks` library, as serve
  signs: webhook-id, webhook-timestamp, webhook-signature over the body) is answered 204 and
  recorded once, also when it comes again (the same bytes, or re-signed later as a retry is);
  each kind is dispatched (a payment, a refund, a kind with no effect); a message with two
  signatures, one of them right (a secret being rotated), is accepted;
- a tampered body, a message signed with another secret, a stale and a future timestamp are
  refused with 401, a message without the headers with 400, and none of them is recorded.

When the `wechatpay-notify` binary (--binary) has the `serve` subcommand and the wechatpay_notify
Python package is installed (GATEWAY_TEST_SERVE=auto, the default; 1 requires it, 0 skips it),
each receiver is also fed by a real `wechatpay-notify serve`: a testing-kit callback POSTed to
serve arrives at the receiver, verified, once, and so does a repeat of it.

The last line is "N passed, N failed"; the exit status is 1 when any check failed.
"""

import abc
import argparse
import base64
import hashlib
import importlib.util
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from standardwebhooks import Webhook

TOLERANCE = 300  # seconds, the Standard Webhooks default both receivers use
PATH = "/wechatpay/events"


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            print(f"  ok    {name}")
        else:
            self.failed += 1
            print(f"  FAIL  {name}{': ' + detail if detail else ''}")
        sys.stdout.flush()
        return ok


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signed(secret: str, msg_id: str, body: bytes, at: Optional[int] = None) -> Dict[str, str]:
    """The headers serve sends, signed by the PyPI standardwebhooks library."""
    ts = int(time.time()) if at is None else at
    signature = Webhook(secret).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body.decode())
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": signature,
    }


def event(msg_id: str, kind: str, event_type: str, resource: Dict[str, Any]) -> bytes:
    """A body as serve forwards it (docs/gateway.md, "The forwarded message"), compact JSON."""
    body = {
        "id": msg_id,
        "kind": kind,
        "event_type": event_type,
        "mchid": "1900000001",
        "create_time": "2026-11-23T13:27:02+08:00",
        "summary": "支付成功",
        "resource": resource,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def payment(out_trade_no: str, total: int) -> Dict[str, Any]:
    return {
        "mchid": "1900000001", "appid": "wx0000000000000001", "out_trade_no": out_trade_no,
        "transaction_id": "4200000000000000000000000001", "trade_type": "JSAPI",
        "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
        "success_time": "2026-11-23T13:27:01+08:00",
        "payer": {"openid": "o-FAKE-openid-000000000001"},
        "amount": {"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"},
    }


def refund(out_refund_no: str, amount: int) -> Dict[str, Any]:
    return {
        "mchid": "1900000001", "out_trade_no": "TEST-ORDER-0001",
        "transaction_id": "4200000000000000000000000001", "out_refund_no": out_refund_no,
        "refund_id": "50000000000000000000000000001", "refund_status": "SUCCESS",
        "success_time": "2026-11-23T13:27:01+08:00",
        "amount": {"total": 999, "refund": amount, "payer_total": 999, "payer_refund": amount},
    }


def post(url: str, body: bytes, headers: Dict[str, str]) -> int:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            resp.read()
            return int(resp.status)
    except urllib.error.HTTPError as e:
        e.read()
        return int(e.code)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def msg_id(tag: str) -> str:
    # Shaped like a WeChat Pay notification id, unique per run.
    return f"EV-{tag}-{secrets.token_hex(6)}"


class Receiver(abc.ABC):
    name = ""

    def __init__(self, work: Path, secret: str) -> None:
        self.work = work
        self.secret = secret
        self.proc: Optional["subprocess.Popen[bytes]"] = None
        self.url = ""
        work.mkdir(parents=True, exist_ok=True)
        self.log = work / "receiver.log"

    @abc.abstractmethod
    def start(self) -> None:
        """Starts the receiver on a free loopback port and sets ``url``."""

    @abc.abstractmethod
    def events(self, webhook_id: str) -> int:
        """How many times webhook_id is recorded."""

    @abc.abstractmethod
    def effects(self, table: str, webhook_id: str) -> int:
        """How many payments or refunds webhook_id applied."""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
        except OSError:
            return ""

    def wait_ready(self) -> None:
        host, port = self.url.split("//", 1)[1].split("/", 1)[0].split(":")

        def up() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                socket.create_connection((host, int(port)), timeout=0.5).close()
                return True
            except OSError:
                return False

        if not wait_until(up, 20):
            raise RuntimeError(f"{self.name} did not start listening:\n{self.tail()}")


class PhpReceiver(Receiver):
    name = "php"

    def __init__(self, work: Path, secret: str, php_dir: Path) -> None:
        super().__init__(work, secret)
        self.php_dir = php_dir
        self.db = work / "events.sqlite3"

    def start(self) -> None:
        port = free_port()
        env = dict(os.environ, WEBHOOK_SECRET=self.secret, WEBHOOK_DB=str(self.db), WEBHOOK_PATH=PATH)
        self.proc = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{port}", str(self.php_dir / "index.php")],
            cwd=self.work, env=env, stdin=subprocess.DEVNULL,
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{port}{PATH}"
        self.wait_ready()

    def _count(self, sql: str, webhook_id: str) -> int:
        if not self.db.exists():
            return 0
        with sqlite3.connect(self.db, timeout=5) as db:
            try:
                return int(db.execute(sql, (webhook_id,)).fetchone()[0])
            except sqlite3.OperationalError:  # the table is not created yet
                return 0

    def events(self, webhook_id: str) -> int:
        return self._count("SELECT count(*) FROM webhook_events WHERE webhook_id = ?", webhook_id)

    def effects(self, table: str, webhook_id: str) -> int:
        assert table in ("payments", "refunds")
        return self._count(f"SELECT count(*) FROM {table} WHERE webhook_id = ?", webhook_id)


class ExpressReceiver(Receiver):
    name = "express"

    def __init__(self, work: Path, secret: str, app_dir: Path) -> None:
        super().__init__(work, secret)
        self.app_dir = app_dir
        self.data = work / "data"

    def start(self) -> None:
        env = dict(os.environ, WEBHOOK_SECRET=self.secret, PORT="0", HOST="127.0.0.1",
                   WEBHOOK_PATH=PATH, DATA_DIR=str(self.data))
        self.proc = subprocess.Popen(
            ["node", "server.js"], cwd=self.app_dir, env=env, stdin=subprocess.DEVNULL,
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )

        def listening() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"express exited with {self.proc.returncode}:\n{self.tail()}")
            for line in self.log.read_text(errors="replace").splitlines():
                if line.startswith("{") and json.loads(line).get("message") == "listening":
                    self.url = str(json.loads(line)["url"])
                    return True
            return False

        if not wait_until(listening, 20):
            raise RuntimeError(f"express did not start listening:\n{self.tail()}")
        self.wait_ready()

    def events(self, webhook_id: str) -> int:
        name = hashlib.sha256(webhook_id.encode()).hexdigest() + ".json"
        return 1 if (self.data / "events" / name).exists() else 0

    def effects(self, table: str, webhook_id: str) -> int:
        f = self.data / f"{table}.jsonl"
        if not f.exists():
            return 0
        return sum(1 for line in f.read_text().splitlines() if json.loads(line)["webhook_id"] == webhook_id)


def exercise(r: Receiver, c: Checks) -> None:
    """The signed-message checks, against a started receiver."""
    s = r.secret
    n = r.name

    # (a) A correctly signed payment: 204, recorded once, dispatched as a payment.
    pid = msg_id("PAY")
    body = event(pid, "transaction", "TRANSACTION.SUCCESS", payment("TEST-ORDER-0001", 100))
    headers = signed(s, pid, body)
    status = post(r.url, body, headers)
    c.check(f"{n}: a signed payment is answered 204", status == 204, f"got {status}")
    c.check(f"{n}: the payment is recorded and applied once",
            r.events(pid) == 1 and r.effects("payments", pid) == 1,
            f"events {r.events(pid)}, payments {r.effects('payments', pid)}")
    # The same message again (a reply serve did not receive), and re-signed later, as serve's
    # retries and replays are: same webhook-id, new webhook-timestamp and signature.
    status = post(r.url, body, headers)
    c.check(f"{n}: the same message again is answered 204", status == 204, f"got {status}")
    status = post(r.url, body, signed(s, pid, body, int(time.time()) + 1))
    c.check(f"{n}: a re-signed redelivery of the same webhook-id is answered 204", status == 204, f"got {status}")
    c.check(f"{n}: after three deliveries the payment is recorded and applied once",
            r.events(pid) == 1 and r.effects("payments", pid) == 1,
            f"events {r.events(pid)}, payments {r.effects('payments', pid)}")

    rid = msg_id("REF")
    body = event(rid, "refund", "REFUND.SUCCESS", refund("TEST-REFUND-0001", 999))
    status = post(r.url, body, signed(s, rid, body))
    c.check(f"{n}: a signed refund is answered 204 and dispatched as a refund",
            status == 204 and r.events(rid) == 1 and r.effects("refunds", rid) == 1
            and r.effects("payments", rid) == 0,
            f"status {status}, events {r.events(rid)}, refunds {r.effects('refunds', rid)}")

    oid = msg_id("CPL")
    body = event(oid, "complaint", "COMPLAINT.CREATE", {"complaint_id": "200000000000000001"})
    status = post(r.url, body, signed(s, oid, body))
    c.check(f"{n}: another kind is answered 204, recorded, with no payment or refund",
            status == 204 and r.events(oid) == 1 and r.effects("payments", oid) == 0
            and r.effects("refunds", oid) == 0, f"status {status}, events {r.events(oid)}")

    # Two signatures during a secret rotation: the old secret's, then the current one's.
    kid = msg_id("ROT")
    body = event(kid, "transaction", "TRANSACTION.SUCCESS", payment("TEST-ORDER-0002", 200))
    headers = signed(s, kid, body)
    other = signed(new_secret(), kid, body, int(headers["webhook-timestamp"]))["webhook-signature"]
    headers["webhook-signature"] = other + " " + headers["webhook-signature"]
    status = post(r.url, body, headers)
    c.check(f"{n}: two signatures, the second one right, is answered 204",
            status == 204 and r.events(kid) == 1, f"status {status}")

    # (b) Tampered body: signed, then the amount changed.
    tid = msg_id("TAM")
    body = event(tid, "transaction", "TRANSACTION.SUCCESS", payment("TEST-ORDER-0003", 100))
    headers = signed(s, tid, body)
    tampered = body.replace(b'"total":100', b'"total":1')
    assert tampered != body
    status = post(r.url, tampered, headers)
    c.check(f"{n}: a tampered body is refused with 401 and not recorded",
            status == 401 and r.events(tid) == 0, f"status {status}, events {r.events(tid)}")

    # (c) Signed with another secret.
    wid = msg_id("WRG")
    body = event(wid, "transaction", "TRANSACTION.SUCCESS", payment("TEST-ORDER-0004", 100))
    status = post(r.url, body, signed(new_secret(), wid, body))
    c.check(f"{n}: a message signed with another secret is refused with 401 and not recorded",
            status == 401 and r.events(wid) == 0, f"status {status}, events {r.events(wid)}")

    # (d) Stale and future timestamps, correctly signed over the timestamp they carry.
    for label, offset in (("stale (10 minutes old)", -600), ("future (10 minutes ahead)", 600)):
        sid = msg_id("OLD" if offset < 0 else "NEW")
        body = event(sid, "transaction", "TRANSACTION.SUCCESS", payment("TEST-ORDER-0005", 100))
        status = post(r.url, body, signed(s, sid, body, int(time.time()) + offset))
        c.check(f"{n}: a {label} timestamp is refused with 401 and not recorded",
                status == 401 and r.events(sid) == 0, f"status {status}, events {r.events(sid)}")

    # Without the webhook-signature header.
    mid = msg_id("HDR")
    body = event(mid, "transaction", "TRANSACTION.SUCCESS", payment("TEST-ORDER-0006", 100))
    headers = signed(s, mid, body)
    del headers["webhook-signature"]
    status = post(r.url, body, headers)
    c.check(f"{n}: a message without webhook-signature is refused with 400 and not recorded",
            status == 400 and r.events(mid) == 0, f"status {status}, events {r.events(mid)}")


# --- Through a real `wechatpay-notify serve`, when the binary has it ------------------------

def serve_available(binary: Path) -> bool:
    """The binary has `serve`, and the Python package (for its testing kit) is installed."""
    if not binary.is_file() or importlib.util.find_spec("wechatpay_notify") is None:
        return False
    done = subprocess.run([str(binary), "serve", "--help"], capture_output=True, timeout=30)
    return done.returncode == 0


def through_serve(binary: Path, r: Receiver, work: Path, c: Checks) -> None:
    """A testing-kit callback POSTed to serve reaches the receiver, verified, once."""
    from wechatpay_notify.testing import Kit  # the Python package built by scripts/test-python.sh

    work.mkdir(parents=True, exist_ok=True)
    kit = Kit()
    (work / "apiv3.key").write_text(kit.apiv3_key)
    (work / "pub_key.pem").write_text(kit.public_key_pem)
    (work / "forward.secret").write_text(r.secret + "\n")
    (work / "serve.toml").write_text(f"""\
[serve]
listen = "127.0.0.1:0"
store = "sqlite://inbox.db"
forward_to = "{r.url}"
forward_secret_file = "forward.secret"
retry_initial = "1s"
poll_interval = "200ms"

[[merchant]]
mchid = "1900000001"
apiv3_key_file = "apiv3.key"
public_keys = [{{ id = "{kit.key_id}", file = "pub_key.pem" }}]
""")
    log = work / "serve.log"
    proc = subprocess.Popen([str(binary), "serve", "--config", str(work / "serve.toml")],
                            cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=log.open("wb"))
    try:
        addr = ""

        def listening() -> bool:
            nonlocal addr
            if proc.poll() is not None:
                return True
            for line in log.read_text(errors="replace").splitlines():
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict) and obj.get("message") == "listening":
                    addr = str(obj["addr"])
                    return True
            return False

        wait_until(listening, 30)
        if not c.check(f"{r.name} via serve: serve starts and logs its address", bool(addr),
                       log.read_text(errors="replace")[-2000:]):
            return
        notify = f"http://{addr}/wechatpay/notify"
        nid = msg_id("SRV")
        headers, body = kit.notification("transaction", id=nid, mchid="1900000001",
                                         out_trade_no="TEST-ORDER-SERVE", amount={"total": 300})
        status = post(notify, body, headers)
        c.check(f"{r.name} via serve: serve answers the WeChat Pay callback 204", status == 204, f"got {status}")
        arrived = wait_until(lambda: r.events(nid) == 1, 30)
        c.check(f"{r.name} via serve: the receiver verified serve's message and recorded it",
                arrived and r.effects("payments", nid) == 1,
                f"events {r.events(nid)}, payments {r.effects('payments', nid)}\n{r.tail()}")
        # WeChat Pay's retry of the same callback: serve stores it once, the receiver has it once.
        status = post(notify, body, headers)
        time.sleep(1.5)
        c.check(f"{r.name} via serve: a repeated callback is answered 204 and applied once",
                status == 204 and r.events(nid) == 1 and r.effects("payments", nid) == 1,
                f"status {status}, payments {r.effects('payments', nid)}")
        proc.send_signal(signal.SIGTERM)
        try:
            code: Optional[int] = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            code = None
        c.check(f"{r.name} via serve: serve exits 0 on SIGTERM", code == 0, f"exit {code}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--php-dir", type=Path, required=True)
    ap.add_argument("--express-dir", type=Path, required=True, help="a copy with node_modules installed")
    ap.add_argument("--work", type=Path, required=True, help="a scratch directory")
    ap.add_argument("--binary", type=Path, help="wechatpay-notify, for the checks through serve")
    args = ap.parse_args()

    mode = os.environ.get("GATEWAY_TEST_SERVE", "auto")
    with_serve = False
    if mode != "0" and args.binary is not None:
        with_serve = serve_available(args.binary)
    if mode == "1" and not with_serve:
        print(f"GATEWAY_TEST_SERVE=1 but {args.binary} has no working `serve`, "
              "or the wechatpay_notify Python package is not installed", file=sys.stderr)
        return 1

    c = Checks()
    receivers: List[Tuple[Receiver, Path]] = [
        (PhpReceiver(args.work / "php", new_secret(), args.php_dir.resolve()), args.work / "php"),
        (ExpressReceiver(args.work / "express", new_secret(), args.express_dir.resolve()), args.work / "express"),
    ]

    for r, w in receivers:
        print(f"{r.name} receiver")
        try:
            r.start()
            print(f"  listening at {r.url}")
            exercise(r, c)
            if with_serve:
                assert args.binary is not None
                through_serve(args.binary, r, w / "serve", c)
        except Exception as e:  # a receiver that does not start fails its checks, not the run
            c.check(f"{r.name}: receiver runs", False, str(e))
        finally:
            r.stop()
    if not with_serve:
        print("(not through `wechatpay-notify serve`: "
              + ("skipped by GATEWAY_TEST_SERVE=0)" if mode == "0" else "no binary with a working `serve` subcommand, or no wechatpay_notify Python package)"))
    print(f"receivers: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
