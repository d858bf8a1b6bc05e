"""Replies to WeChat Pay, as ``(status, headers, body)``; the core builds every one."""

from typing import Dict, NamedTuple, Optional, Tuple, Union

from . import _native
from ._errors import ConfigError, NotificationError

__all__ = [
    "Reply",
    "reply_failure",
    "reply_success",
    "v2_reply_failure",
    "v2_reply_success",
]


class Reply(NamedTuple):
    """An HTTP reply: unpack it as ``status, headers, body``.

    Flask: ``return reply.body, reply.status, reply.headers``; Django:
    ``HttpResponse(reply.body, status=reply.status, headers=reply.headers)``; Starlette and
    FastAPI: ``Response(reply.body, reply.status, reply.headers)``.
    """

    status: int
    """HTTP status: 204 for APIv3 success, 401 or 500 for failures, 200 for APIv2."""
    headers: Dict[str, str]
    """``{"Content-Type": ...}`` when there is a body, else empty."""
    body: bytes
    """The body: empty, the ``{"code":"FAIL","message":...}`` JSON, or the APIv2 XML."""


def _reply(raw: Tuple[int, Optional[str], str]) -> Reply:
    status, content_type, body = raw
    headers = {"Content-Type": content_type} if content_type else {}
    return Reply(status, headers, body.encode("utf-8"))


def reply_success() -> Reply:
    """APIv3 success: ``204`` with no body. Answer it once the notification is recorded."""
    return _reply(_native.reply_success())


def reply_failure(
    error_or_message: Union[BaseException, str], *, status: Optional[int] = None
) -> Reply:
    """APIv3 failure, body ``{"code":"FAIL","message":...}``.

    For a :class:`NotificationError` the status is 401 when the request is not proven
    authentic and 500 otherwise, and the message is ``"CODE: <fixed text>"``: the same for
    every error of that code, so whoever sent the request learns nothing about the
    configuration; log ``error.message`` for the details. For any other exception (your own
    processing failed and WeChat Pay should retry) the status is 500 and the message a fixed
    ``"internal error"``, never the exception's text; a message string is sent as given.
    ``status`` overrides the status in every case.
    """
    if isinstance(error_or_message, (NotificationError, ConfigError)):
        return _reply(_native.reply_failure(error_or_message.code, status))
    if isinstance(error_or_message, BaseException):
        text = "internal error"
    else:
        text = error_or_message
    return _reply(_native.reply_failure_message(500 if status is None else status, text))


def v2_reply_success() -> Reply:
    """APIv2 success: ``200`` with the ``SUCCESS`` XML."""
    return _reply(_native.v2_reply_success())


def v2_reply_failure(message: str) -> Reply:
    """APIv2 failure: ``200`` with the ``FAIL`` XML carrying ``message``."""
    return _reply(_native.v2_reply_failure(message))
