"""Verify, decrypt and explain WeChat Pay callbacks (回调通知).

APIv3 JSON callbacks::

    from wechatpay_notify import Verifier, NotificationError, reply_failure, reply_success

    verifier = Verifier(
        APIV3_KEY,
        public_keys={"PUB_KEY_ID_0114232134912410000000000000": PUBLIC_KEY_PEM},
    )

    def notify(headers, body):
        try:
            notification = verifier.parse(headers, body)
        except NotificationError as error:
            return reply_failure(error)          # 401 or 500, {"code":"FAIL",...}
        record_once(notification.id, notification.resource)
        return reply_success()                   # 204

``headers`` may be a ``dict`` in any case, Flask, Starlette/FastAPI or Django
``request.headers``, Django ``request.META`` or any iterable of ``(name, value)`` pairs;
``body`` the raw request body as ``bytes`` (or ``bytearray``, ``memoryview``, ``str``).
Several merchants behind one notify_url: ``Verifier.for_merchants([Merchant(mchid, apiv3_key,
public_keys=...), ...])``; ``notification.mchid`` names the merchant of each callback.
The RSA, AES and JSON work runs with the GIL released. APIv2 XML callbacks:
:class:`V2Verifier`. Every error is a :class:`NotificationError` subclass with a stable
``.code``; a bad configuration raises :class:`ConfigError` (a ``ValueError``).

Tests: :mod:`wechatpay_notify.testing` builds callbacks signed as WeChat Pay signs them, with
throwaway test keys; with pytest, the ``wechatpay_kit`` fixture is one of its kits.
"""

from . import events
from ._errors import (
    ConfigError,
    DecryptionError,
    FormatError,
    NotificationError,
    SignatureError,
)
from ._native import (
    AUTHENTICITY_CODES,
    BACKEND,
    CORE_VERSION,
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_CLOCK_SKEW,
    DEFAULT_V2_MAX_BODY_SIZE,
    ERROR_CODES,
    Check,
    Diagnosis,
    DownloadedCertificate,
    Merchant,
    Notification,
    V2Verifier,
    Verifier,
    decrypt_certificates,
    decrypt_resource,
)
from ._replies import (
    Reply,
    reply_failure,
    reply_success,
    v2_reply_failure,
    v2_reply_success,
)
from ._types import BytesLike, HeadersLike

__version__: str = CORE_VERSION

__all__ = [
    "AUTHENTICITY_CODES",
    "BACKEND",
    "BytesLike",
    "CORE_VERSION",
    "ConfigError",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_MAX_CLOCK_SKEW",
    "DEFAULT_V2_MAX_BODY_SIZE",
    "DecryptionError",
    "Check",
    "Diagnosis",
    "DownloadedCertificate",
    "ERROR_CODES",
    "events",
    "FormatError",
    "HeadersLike",
    "Merchant",
    "Notification",
    "NotificationError",
    "Reply",
    "SignatureError",
    "V2Verifier",
    "Verifier",
    "__version__",
    "decrypt_certificates",
    "decrypt_resource",
    "reply_failure",
    "reply_success",
    "v2_reply_failure",
    "v2_reply_success",
]
