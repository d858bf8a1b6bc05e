"""The exceptions raised by :mod:`wechatpay_notify`.

Every refused callback raises a :class:`NotificationError` subclass chosen by the error's
family; ``.code`` is one of the stable strings of :data:`wechatpay_notify.ERROR_CODES` and
``.message`` says what went wrong and what to do. Messages never contain a key or decrypted
plaintext, so they are safe to log. A bad configuration raises :class:`ConfigError`.
"""

__all__ = [
    "ConfigError",
    "DecryptionError",
    "FormatError",
    "NotificationError",
    "SignatureError",
]


class _CodedError(Exception):
    """An error with a stable ``code`` and a log-safe ``message``: the shape shared by
    :class:`NotificationError` and :class:`ConfigError`."""

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class NotificationError(_CodedError):
    """A callback was refused. ``code`` is the stable error code, ``message`` the details."""


class SignatureError(NotificationError):
    """The callback is not proven to come from WeChat Pay: a missing or malformed
    ``Wechatpay-*`` header, a timestamp outside the allowed skew, the ``SIGNTEST`` probe, an
    unknown or expired key, or a signature that does not match (answer 401)."""


class DecryptionError(NotificationError):
    """The signed resource could not be decrypted or decoded: ``UNSUPPORTED_ALGORITHM``,
    ``MALFORMED_RESOURCE`` or ``DECRYPT_FAILED`` (usually the wrong APIv3 key)."""


class FormatError(NotificationError):
    """The body is not what this handler expects: too large, XML sent to the APIv3 handler
    (or JSON to the APIv2 one), malformed, a missing field, or an APIv2 ``return_code`` that is
    not ``SUCCESS``."""


class ConfigError(_CodedError, ValueError):
    """The configuration is invalid (``code`` is always ``CONFIG_INVALID``): an APIv3 or
    APIv2 key that is not 32 bytes, a key or certificate that does not parse, a key that is not
    RSA or is under 2048 bits, or no key at all."""
