"""Type aliases for the arguments of :mod:`wechatpay_notify`."""

from typing import Any, Iterable, Protocol, Tuple, Union

__all__ = ["BytesLike", "HeaderName", "HeaderValue", "HeadersLike", "SupportsItems"]

#: A request body or a key: ``bytes``, ``bytearray``, ``memoryview`` or ``str`` (UTF-8).
BytesLike = Union[bytes, bytearray, memoryview, str]

#: A header name as frameworks give it.
HeaderName = Union[str, bytes]

#: A header value as frameworks give it (``str`` values are read as Latin-1 when they fit,
#: as WSGI and ASGI decode them, else UTF-8).
HeaderValue = Union[str, bytes, bytearray]


class SupportsItems(Protocol):
    """Anything with ``items()``: a ``dict``, Flask/Werkzeug ``request.headers``,
    Starlette/FastAPI ``request.headers``, Django ``request.headers`` or ``request.META``."""

    def items(self) -> Iterable[Tuple[Any, Any]]: ...


#: Request headers: a mapping (any case; CGI-style ``HTTP_WECHATPAY_*`` names too) or an
#: iterable of ``(name, value)`` pairs such as ASGI ``scope["headers"]``.
HeadersLike = Union[SupportsItems, Iterable[Tuple[HeaderName, HeaderValue]]]
