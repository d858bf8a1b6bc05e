"""Test a WeChat Pay notify handler without WeChat Pay: callbacks signed and encrypted exactly
as WeChat Pay sends them, with throwaway TEST keys made for each :class:`Kit`.

::

    from wechatpay_notify.testing import Kit

    kit = Kit()                                   # test keys, generated (~0.1 s)
    verifier = kit.verifier()                     # configure the handler under test with this
    headers, body = kit.notification("transaction", out_trade_no="T1", amount={"total": 100})
    assert verifier.parse(headers, body).transaction().amount.total == 100
    headers, body = kit.tampered("transaction")   # refused: SIGNATURE_MISMATCH

Several merchants behind one notify_url (``Verifier.for_merchants``): each kit is a merchant,
``kit.merchant(mchid)`` its :class:`~wechatpay_notify.Merchant`, and ``kit.sharing_key()``
another merchant's kit under the same platform key (same ``Wechatpay-Serial``, its own APIv3
key)::

    from wechatpay_notify import Verifier

    shop, group = Kit(), Kit()
    branch = shop.sharing_key()
    verifier = Verifier.for_merchants(
        [shop.merchant("1900000001"), branch.merchant("1900000002"), group.merchant("1900000003")]
    )
    headers, body = branch.notification("refund")
    assert verifier.parse(headers, body).mchid == "1900000002"

With pytest, the ``wechatpay_kit`` fixture (a session-wide :class:`Kit`) is available as soon
as this package is installed (``wechatpay_notify.pytest_plugin``). This module does not need
pytest.

The signing and encryption are the Rust core's testing kit (``wechatpay_notify::testing``),
the same that the ``wechatpay-notify simulate`` command uses. The kit's keys are test keys:
never WeChat Pay's, never a merchant's, and a verifier configured with them accepts only the
kit's callbacks.
"""

from typing import Any, Dict, Optional, Tuple

from ._native import KIT_FAILURES
from ._native import Kit as _NativeKit

__all__ = ["FAILURES", "Kit"]

#: Every failure the kit builds, by its name, with the error code a verifier configured for
#: the kit refuses it with: ``{"probe": "SIGNATURE_PROBE", "tampered_body": ...}``.
FAILURES: Dict[str, str] = dict(KIT_FAILURES)


class Kit(_NativeKit):
    """A throwaway WeChat Pay: an RSA-2048 TEST key pair made for this kit (under a
    ``PUB_KEY_ID_`` id, or with ``certificate=True`` a self-signed TEST platform certificate
    under its serial), a TEST APIv3 key and a TEST APIv2 key. They exist only in this process.

    ``kit.verifier()`` is the :class:`~wechatpay_notify.Verifier` the handler under test is
    configured with (or configure it yourself from ``kit.key_id``, ``kit.public_key_pem`` or
    ``kit.certificate_pem``, and ``kit.apiv3_key``); for a handler of several merchants,
    ``kit.merchant(mchid)`` is the kit's :class:`~wechatpay_notify.Merchant` and
    ``kit.sharing_key()`` another merchant's kit under the same platform key. Each method returns what WeChat Pay would
    POST: ``(headers, body)`` for APIv3, the XML body for APIv2. Immutable and thread-safe.
    """

    __slots__ = ()

    def notification(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """A callback of ``kind`` as WeChat Pay sends it, signed now (or at ``timestamp``,
        Unix seconds) and its resource encrypted with the kit's APIv3 key: ``(headers, body)``,
        the ``Wechatpay-*`` headers (and ``Content-Type``) and the raw body.

        ``kind`` is a kind of the event catalog (``wechatpay_notify.events.KINDS``, e.g.
        ``"transaction"``, ``"refund"``), whose realistic sample is the resource, or
        ``"unknown"`` (an empty resource under ``UNKNOWN.EVENT``). ``resource`` replaces the
        sample; ``overrides`` are merged into it, nested dicts key by key
        (``amount={"total": 1}`` changes only ``amount.total``). ``event_type`` and ``id``
        set the envelope's (default: the kind's first ``event_type``, a fresh ``EV-...`` id).
        """
        return self._callback(kind, resource, overrides, event_type, timestamp, id, None)

    def probe(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """Like :meth:`notification`, signed with WeChat Pay's ``WECHATPAY/SIGNTEST/`` probe
        signature (failure ``probe``): refused with ``SIGNATURE_PROBE``."""
        return self._callback(kind, resource, overrides, event_type, timestamp, id, "probe")

    def tampered(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """Like :meth:`notification`, the body altered after it was signed (failure
        ``tampered_body``): refused with ``SIGNATURE_MISMATCH``."""
        return self._callback(kind, resource, overrides, event_type, timestamp, id, "tampered_body")

    def stale(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """Like :meth:`notification`, signed 600 s before ``timestamp`` (default: now), past
        the default ``max_clock_skew`` (failure ``stale_timestamp``): refused with
        ``TIMESTAMP_SKEW``."""
        return self._callback(kind, resource, overrides, event_type, timestamp, id, "stale_timestamp")

    def future(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """Like :meth:`notification`, signed 600 s after ``timestamp`` (default: now)
        (failure ``future_timestamp``): refused with ``TIMESTAMP_SKEW``."""
        return self._callback(kind, resource, overrides, event_type, timestamp, id, "future_timestamp")

    def other_apiv3_key(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """Like :meth:`notification`, validly signed but the resource encrypted with another
        APIv3 key than the kit's (failure ``other_apiv3_key``): refused with
        ``DECRYPT_FAILED``, what a handler configured with the wrong APIv3 key sees."""
        return self._callback(kind, resource, overrides, event_type, timestamp, id, "other_apiv3_key")

    def unknown_serial(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """Like :meth:`notification`, signed under a ``Wechatpay-Serial`` the kit's verifier
        does not know (failure ``unknown_serial``): refused with ``UNKNOWN_SERIAL``, what a
        handler sees after WeChat Pay rotates to a key it was not given."""
        return self._callback(kind, resource, overrides, event_type, timestamp, id, "unknown_serial")

    def xml_body(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """An APIv2 XML payment result, signed with the ``Wechatpay-*`` headers, sent to the
        APIv3 handler (failure ``xml_body``): refused with ``WRONG_FORMAT``. The arguments
        are those of :meth:`notification` (the body is XML whatever they are)."""
        return self._callback(kind, resource, overrides, event_type, timestamp, id, "xml_body")

    def reserialized(
        self,
        kind: str = "transaction",
        resource: Optional[Any] = None,
        *,
        event_type: Optional[str] = None,
        timestamp: Optional[int] = None,
        id: Optional[str] = None,
        **overrides: Any,
    ) -> Tuple[Dict[str, str], bytes]:
        """Like :meth:`notification`, the JSON body re-serialized after it was signed, as a
        framework that parses and re-encodes the body would (failure ``reserialized``):
        refused with ``SIGNATURE_MISMATCH``. Verify the raw body as received."""
        return self._callback(kind, resource, overrides, event_type, timestamp, id, "reserialized")

    def v2_payment(self, sign_type: str = "MD5", **fields: Any) -> bytes:
        """An APIv2 payment result (XML) signed with the kit's APIv2 key, ``sign_type``
        ``"MD5"`` or ``"HMAC-SHA256"``. ``fields`` (``str`` or ``int``) are set before
        signing, e.g. ``out_trade_no="T1", total_fee=100``; ``None`` removes a field."""
        return self._v2_payment(sign_type, fields)

    def v2_refund(self, **req_info_fields: Any) -> bytes:
        """An APIv2 refund result (XML) whose ``req_info`` is encrypted with the kit's APIv2
        key; ``req_info_fields`` (``str`` or ``int``) are set in ``req_info``, e.g.
        ``out_refund_no="R1", refund_fee=100``."""
        return self._v2_refund(req_info_fields)
