"""A Flask notify endpoint for WeChat Pay APIv3 callbacks.

    WECHATPAY_APIV3_KEY=... WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_... \\
    WECHATPAY_PUBLIC_KEY_FILE=pub_key.pem flask --app flask_app run --port 8000

Set ``notify_url`` to ``https://<your host>/wechatpay/notify``.
"""

from __future__ import annotations

import sqlite3
from typing import Optional

from flask import Flask, Response, request

from notify_store import NotificationStore, verifier_from_env
from wechatpay_notify import NotificationError, Reply, Verifier, reply_failure, reply_success


def to_response(reply: Reply) -> Response:
    return Response(reply.body, status=reply.status, headers=reply.headers)


def create_app(
    verifier: Optional[Verifier] = None, store: Optional[NotificationStore] = None
) -> Flask:
    app = Flask(__name__)
    wechatpay = verifier or verifier_from_env()
    notifications = store or NotificationStore.from_env()

    @app.post("/wechatpay/notify")
    def notify() -> Response:
        # The raw bytes as received: the signature covers them exactly.
        body = request.get_data(cache=False)
        try:
            notification = wechatpay.parse(request.headers, body)
        except NotificationError as error:
            app.logger.warning("refused a WeChat Pay callback: %s", error)
            return to_response(reply_failure(error))  # 401 or 500: WeChat Pay retries
        try:
            if not notifications.record(notification):
                app.logger.info("notification %s was already processed", notification.id)
        except NotificationError as error:
            # The typed resource is not what its kind documents (MALFORMED_RESOURCE): nothing was
            # recorded; 500 so that WeChat Pay retries.
            app.logger.warning("notification %s refused: %s", notification.id, error)
            return to_response(reply_failure(error))
        except sqlite3.Error:
            app.logger.exception("could not record notification %s", notification.id)
            return to_response(reply_failure("could not record the notification"))
        return to_response(reply_success())  # 204

    return app


if __name__ == "__main__":
    create_app().run(port=8000)
