"""A FastAPI notify endpoint for WeChat Pay APIv3 callbacks.

    WECHATPAY_APIV3_KEY=... WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_... \\
    WECHATPAY_PUBLIC_KEY_FILE=pub_key.pem uvicorn fastapi_app:app --port 8000

(``app`` is created on first import; tests call ``create_app`` with their own verifier.)
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Optional

from fastapi import FastAPI, Request, Response

from notify_store import NotificationStore, verifier_from_env
from wechatpay_notify import NotificationError, Reply, Verifier, reply_failure, reply_success

log = logging.getLogger("wechatpay.notify")


def to_response(reply: Reply) -> Response:
    return Response(reply.body, status_code=reply.status, headers=reply.headers)


def create_app(
    verifier: Optional[Verifier] = None, store: Optional[NotificationStore] = None
) -> FastAPI:
    app = FastAPI()
    wechatpay = verifier or verifier_from_env()
    notifications = store or NotificationStore.from_env()

    @app.post("/wechatpay/notify")
    async def notify(request: Request) -> Response:
        # The raw bytes as received: the signature covers them exactly. parse() takes tens of
        # microseconds with the GIL released, so calling it in the event loop is fine.
        body = await request.body()
        try:
            notification = wechatpay.parse(request.headers, body)
        except NotificationError as error:
            log.warning("refused a WeChat Pay callback: %s", error)
            return to_response(reply_failure(error))  # 401 or 500: WeChat Pay retries
        try:
            if not notifications.record(notification):
                log.info("notification %s was already processed", notification.id)
        except NotificationError as error:
            # The typed resource is not what its kind documents (MALFORMED_RESOURCE): nothing was
            # recorded; 500 so that WeChat Pay retries.
            log.warning("notification %s refused: %s", notification.id, error)
            return to_response(reply_failure(error))
        except sqlite3.Error:
            log.exception("could not record notification %s", notification.id)
            return to_response(reply_failure("could not record the notification"))
        return to_response(reply_success())  # 204

    return app


def __getattr__(name: str) -> FastAPI:
    # `uvicorn fastapi_app:app` builds the app from the environment on first use.
    if name == "app":
        application = create_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
