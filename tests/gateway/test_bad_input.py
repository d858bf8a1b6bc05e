"""Bad input: whatever is not a genuine callback on the right path is refused with the right
status and code (the core's reply for what the core refuses; 413, 408, 404, 405 and 400 for
the rest), leaves a rejection record, is never forwarded, and the gateway stays healthy;
``/metrics`` counts it.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import httpx

import wechatpay_notify
from harness import (
    NOTIFY_PATH,
    Callbacks,
    Inbox,
    Metrics,
    RawResponse,
    Receiver,
    Serve,
    Site,
    failure_code,
    get,
    raw_exchange,
    read_until_closed,
    send_all,
    wait_until,
)

#: ``[serve] body_timeout`` of this test, seconds.
BODY_TIMEOUT = 2.0
LIMIT = wechatpay_notify.DEFAULT_MAX_BODY_SIZE


def request_head(path: str, *headers: str, method: str = "POST") -> bytes:
    """The head of a raw HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode()


def healthy(serve: Serve) -> None:
    """``/healthz`` answers 200 ``{"status":"ok","store":"sqlite"}``."""
    response = get(serve.url("/healthz"))
    assert response.status_code == 200, f"/healthz answered {response.status_code} {response.text}"
    assert (response.json()["status"], response.json()["store"]) == ("ok", "sqlite"), response.text


def slow_chunked_upload(port: int, total: int, chunk: int, pause: float) -> Tuple[RawResponse, int, float]:
    """POSTs a chunked body of ``total`` bytes in ``chunk``-byte chunks, ``pause`` s apart,
    stopping as soon as the gateway answers; returns the response, the body bytes sent by
    then, and the seconds the upload lasted."""
    start = time.monotonic()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request_head(NOTIFY_PATH, "Content-Type: application/json", "Transfer-Encoding: chunked"))
        piece = f"{chunk:x}\r\n".encode() + b"{" * chunk + b"\r\n"
        while sent < total:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += chunk
            time.sleep(pause)
        if sent >= total:
            try:
                sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass
        data, _ = read_until_closed(sock, 10)
    return RawResponse.parse(data), sent, time.monotonic() - start


def test_bad_input(
    site: Site, receiver: Receiver, callbacks: Callbacks,
    launch: Callable[..., Serve], inbox_of: Callable[[Path], Inbox],
) -> None:
    """Every kind of bad request, one after the other, then one genuine callback twice."""
    config = site.config("sqlite://inbox.db", receiver.url(), body_timeout=f"{BODY_TIMEOUT:g}s")
    inbox = inbox_of(config)
    serve = launch(config)
    healthy(serve)
    assert (site.root / "inbox.db").exists(), "sqlite://inbox.db is not relative to the config's directory"
    expected: Counter[str] = Counter()
    records: List[Tuple[str, str, str]] = []  # (code, method, path) of each rejection

    # Refused by the core: exactly the core's reply.
    refused = [callbacks.unsigned(callbacks.event_id(0))]
    for n, how in enumerate(("tampered", "stale", "unknown_serial", "probe", "other_apiv3_key", "xml_body"), 1):
        refused.append(callbacks.forged(how, callbacks.event_id(n)))
    assert {c.reply[0] for c in refused if c.reply} == {401, 500}, "both families of refusal are covered"
    for callback in refused:
        [answer] = send_all([(serve.url(), callback)], workers=1)
        assert (answer.status, answer.json()) == callback.reply, (
            f"{callback.code}: answered {answer.status} {answer.body!r}, the core replies {callback.reply}"
        )
        expected[callback.code or ""] += 1
        records.append((callback.code or "", "POST", NOTIFY_PATH))
        healthy(serve)

    # Content-Length beyond the limit: 413 at once, without the body.
    head = request_head(NOTIFY_PATH, "Content-Type: application/json", f"Content-Length: {2 * LIMIT}")
    data, first_byte = raw_exchange(serve.port, head + b"{", timeout=10)
    response = RawResponse.parse(data)
    assert response.status == 413 and failure_code(response.body) == "BODY_TOO_LARGE", data[:300]
    assert first_byte < BODY_TIMEOUT / 2, f"413 came after {first_byte:.2f} s: the gateway waited for the body"
    expected["BODY_TOO_LARGE"] += 1
    records.append(("BODY_TOO_LARGE", "POST", NOTIFY_PATH))
    healthy(serve)

    # A chunked body growing past the limit: 413 while it is still being sent.
    total, chunk = 4 * LIMIT, 64 * 1024
    response, sent, lasted = slow_chunked_upload(serve.port, total, chunk, pause=0.02)
    assert response.status == 413 and failure_code(response.body) == "BODY_TOO_LARGE", (response, sent)
    assert LIMIT <= sent < total, f"413 after {sent} bytes of {total} (limit {LIMIT})"
    assert lasted < BODY_TIMEOUT, f"the upload lasted {lasted:.2f} s"
    expected["BODY_TOO_LARGE"] += 1
    records.append(("BODY_TOO_LARGE", "POST", NOTIFY_PATH))
    healthy(serve)

    # A body that never completes: 408 after body_timeout.
    head = request_head(NOTIFY_PATH, "Content-Type: application/json", "Content-Length: 1000")
    data, first_byte = raw_exchange(serve.port, head + b'{"id":"EV-', timeout=BODY_TIMEOUT + 8)
    response = RawResponse.parse(data)
    assert response.status == 408 and failure_code(response.body) == "BODY_TIMEOUT", data[:300]
    assert 0.9 * BODY_TIMEOUT <= first_byte <= BODY_TIMEOUT + 3, f"408 after {first_byte:.2f} s"
    expected["BODY_TIMEOUT"] += 1
    records.append(("BODY_TIMEOUT", "POST", NOTIFY_PATH))
    healthy(serve)

    # Not HTTP: 400 or the connection closed.
    data, _ = raw_exchange(serve.port, b"\x16\x03\x01 GARBAGE \x00\xff NOT HTTP\r\n\r\n", timeout=10)
    response = RawResponse.parse(data)
    assert data == b"" or response.status == 400, data[:300]
    expected["MALFORMED_HTTP"] += 1
    records.append(("MALFORMED_HTTP", "", ""))
    healthy(serve)

    # Wrong path, wrong method: even with a genuine callback's headers and body.
    genuine = callbacks.genuine(callbacks.event_id(50))
    wrong_path = "/wechatpay/notify/other"
    for method, path, status, code in (
        ("POST", wrong_path, 404, "NOT_FOUND"),
        ("GET", "/", 404, "NOT_FOUND"),
        ("PUT", NOTIFY_PATH, 405, "METHOD_NOT_ALLOWED"),
        ("GET", NOTIFY_PATH, 405, "METHOD_NOT_ALLOWED"),
    ):
        content = genuine.body if method != "GET" else None
        got = httpx_request(method, serve.url(path), genuine.headers, content)
        assert got[0] == status and failure_code(got[1]) == code, (method, path, got)
        expected[code] += 1
        records.append((code, method, path))
        healthy(serve)

    # Nothing of it stored or forwarded.
    time.sleep(0.5)
    assert receiver.snapshot() == [], "a refused request was forwarded"
    assert inbox.list("all") == []

    # One genuine callback, twice: stored and forwarded once.
    answers = send_all([(serve.url(), genuine), (serve.url(), callbacks.genuine(genuine.id))], workers=1)
    assert [a.status for a in answers] == [204, 204]
    receiver.wait_delivered([genuine.id], 10)
    wait_until(lambda: inbox.stats()["delivered"] == 1, 10, "the delivery recorded")
    time.sleep(0.5)
    assert [a.webhook_id for a in receiver.snapshot()] == [genuine.id], "forwarded more than the genuine callback, once"

    # The rejection records: one per refusal, newest first, no secret.
    rejections = inbox.rejections()
    assert Counter(r["code"] for r in rejections) == expected, rejections
    assert [r["at_ms"] for r in rejections] == sorted((r["at_ms"] for r in rejections), reverse=True)
    for record in rejections:
        assert set(record) >= {"at_ms", "code", "message", "source", "method", "path"}, record
    for code, method, path in records:
        if method:
            assert any((r["code"], r["method"], r["path"]) == (code, method, path) for r in rejections), (
                f"no rejection record {code} {method} {path}"
            )
    assert not site.secrets_in(json.dumps(rejections))
    stats = inbox.stats()
    assert {k: v for k, v in stats["rejections"].items() if v} == dict(expected), stats
    assert (stats["store"], stats["pending"], stats["delivered"], stats["dead"]) == ("sqlite", 0, 1, 0), stats

    # The metrics count the same.
    metrics = Metrics.of(serve)
    refusals = {k: v for k, v in metrics.by_label("wechatpay_notify_refused_total", "code").items() if v}
    assert refusals == {code: float(n) for code, n in expected.items()}, refusals
    to_path = len(refused) + 2  # the core's refusals and the genuine callback twice
    requests_made = sum(expected.values()) + 2
    received = metrics.value("wechatpay_notify_received_total")
    assert to_path <= received <= requests_made, f"received_total {received}, {to_path} callbacks read whole"
    assert metrics.value("wechatpay_notify_stored_total") == 1
    assert metrics.value("wechatpay_notify_duplicates_total") == 1
    assert metrics.value("wechatpay_notify_delivered_total") == 1
    assert metrics.value("wechatpay_notify_queue_depth") == 0
    healthy(serve)
    assert serve.terminate() == 0, serve.tail()

    # The log: a "refused" line with its code for each refusal, the one "stored".
    assert Counter(r.get("code") for r in serve.messages("refused")) == expected, serve.bad_lines[:3]
    assert [r.get("id") for r in serve.messages("stored")] == [genuine.id]



def httpx_request(method: str, url: str, headers: Dict[str, str], content: Optional[bytes]) -> Tuple[int, bytes]:
    """One request with httpx: its status and body."""
    response = httpx.request(method, url, headers=headers, content=content, timeout=10)
    return response.status_code, response.content
