"""A Django notify endpoint for WeChat Pay APIv3 callbacks, as a one-file project.

    WECHATPAY_APIV3_KEY=... WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_... \\
    WECHATPAY_PUBLIC_KEY_FILE=pub_key.pem python django_app.py runserver 8000

In an existing project, copy ``notify`` into a views module and route it; ``parse`` reads
``request.headers`` and ``request.META`` alike.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from typing import Optional, Tuple

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notify_store import NotificationStore, verifier_from_env
from wechatpay_notify import NotificationError, Reply, Verifier, reply_failure, reply_success

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "example-only-not-secret"),
        ALLOWED_HOSTS=os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(","),
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
        DATABASES={},
    )
    django.setup()

log = logging.getLogger("wechatpay.notify")


class _Config:
    verifier: Optional[Verifier] = None
    store: Optional[NotificationStore] = None


def setup(verifier: Verifier, store: NotificationStore) -> None:
    """Uses this verifier and store instead of the environment's (tests do this)."""
    _Config.verifier, _Config.store = verifier, store


def _configured() -> Tuple[Verifier, NotificationStore]:
    if _Config.verifier is None or _Config.store is None:
        setup(verifier_from_env(), NotificationStore.from_env())
    assert _Config.verifier is not None and _Config.store is not None
    return _Config.verifier, _Config.store


def to_response(reply: Reply) -> HttpResponse:
    return HttpResponse(reply.body, status=reply.status, headers=reply.headers)


@csrf_exempt  # WeChat Pay cannot send a CSRF token; the signature authenticates the request.
@require_POST
def notify(request: HttpRequest) -> HttpResponse:
    verifier, store = _configured()
    try:
        # request.body is the raw bytes as received: the signature covers them exactly.
        notification = verifier.parse(request.headers, request.body)
    except NotificationError as error:
        log.warning("refused a WeChat Pay callback: %s", error)
        return to_response(reply_failure(error))  # 401 or 500: WeChat Pay retries
    try:
        if not store.record(notification):
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


urlpatterns = [path("wechatpay/notify", notify)]


if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
