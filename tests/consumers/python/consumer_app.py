"""A WeChat Pay merchant's Flask app, written against the released package only.

One notify URL per merchant (``/wechatpay/notify/<merchant>``), each with its own
:class:`wechatpay_notify.Verifier`; the clock is injected so the conformance vectors, signed
at fixed times, can be replayed. Everything else is what a user of the package writes: the raw
body and Flask's ``request.headers`` go to ``Verifier.parse``, and the reply helpers answer.
"""

from __future__ import annotations

import threading
from typing import Callable, List, Mapping, Tuple

from flask import Flask, Response, request

from wechatpay_notify import (
    Notification,
    NotificationError,
    Reply,
    Verifier,
    reply_failure,
    reply_success,
)


def to_response(reply: Reply) -> Response:
    return Response(reply.body, status=reply.status, headers=reply.headers)


class Recorder:
    """The notifications the app accepted, in order (a real app stores them once by id)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accepted: List[Tuple[str, Notification]] = []

    def record(self, merchant: str, notification: Notification) -> None:
        with self._lock:
            self._accepted.append((merchant, notification))

    def accepted(self) -> List[Tuple[str, Notification]]:
        with self._lock:
            return list(self._accepted)


def create_app(
    verifiers: Mapping[str, Verifier], clock: Callable[[], int], recorder: Recorder
) -> Flask:
    app = Flask(__name__)

    @app.post("/wechatpay/notify/<merchant>")
    def notify(merchant: str) -> Response:
        verifier = verifiers.get(merchant)
        if verifier is None:
            return Response(status=404)
        # The raw bytes as received: the signature covers them exactly.
        body = request.get_data(cache=False)
        try:
            notification = verifier.parse(request.headers, body, now=clock())
        except NotificationError as error:
            return to_response(reply_failure(error))  # 401, or 500 (WeChat Pay retries)
        recorder.record(merchant, notification)
        return to_response(reply_success())  # 204

    return app
