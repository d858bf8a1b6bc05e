"""Type stubs for the ``wechatpay_notify._native`` extension module (PyO3).

Checked against the compiled module by ``python -m mypy.stubtest wechatpay_notify``.
"""

from datetime import timedelta
from typing import (
    Any,
    Dict,
    Final,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Union,
    final,
)

from typing_extensions import Self, disjoint_base

from wechatpay_notify import events
from wechatpay_notify._errors import NotificationError
from wechatpay_notify._types import BytesLike, HeadersLike

__all__ = [
    "Verifier",
    "Merchant",
    "Notification",
    "V2Verifier",
    "DownloadedCertificate",
    "Diagnosis",
    "Check",
    "Kit",
    "KIT_FAILURES",
    "decrypt_resource",
    "decrypt_certificates",
    "reply_success",
    "reply_failure",
    "reply_failure_message",
    "v2_reply_success",
    "v2_reply_failure",
    "ERROR_CODES",
    "AUTHENTICITY_CODES",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_MAX_CLOCK_SKEW",
    "DEFAULT_V2_MAX_BODY_SIZE",
    "CORE_VERSION",
    "BACKEND",
]

ERROR_CODES: Final[Tuple[str, ...]]
AUTHENTICITY_CODES: Final[Tuple[str, ...]]
DEFAULT_MAX_BODY_SIZE: Final[int]
DEFAULT_MAX_CLOCK_SKEW: Final[int]
DEFAULT_V2_MAX_BODY_SIZE: Final[int]
CORE_VERSION: Final[str]
#: The cryptographic backend the extension was built with: ``"aws-lc"`` (aws-lc-rs, the
#: released wheels) or ``"ring"`` (ring and RustCrypto's aes-gcm).
BACKEND: Final[str]
KIT_FAILURES: Final[Tuple[Tuple[str, str], ...]]

_PemLike = Union[str, bytes, bytearray, memoryview]
_Seconds = Union[int, float]
_PublicKeys = Union[Mapping[str, _PemLike], Iterable[Tuple[str, _PemLike]]]
_Certificates = Union[_PemLike, Iterable[_PemLike]]

@final
class Merchant:
    """One merchant (商户) of a verifier for several merchants behind one notify_url: its
    merchant id (mchid), its APIv3 key and the WeChat Pay keys its callbacks are signed with
    (the forms of ``Verifier``'s ``public_keys`` and ``certificates``). Nothing is parsed until
    ``Verifier.for_merchants`` builds the verifier (``ConfigError`` there)."""

    def __new__(
        cls,
        mchid: str,
        apiv3_key: BytesLike,
        *,
        public_keys: Optional[_PublicKeys] = None,
        certificates: Optional[_Certificates] = None,
    ) -> Merchant: ...
    @property
    def mchid(self) -> str:
        """The merchant id (mchid)."""

@final
class Verifier:
    """Verifies and decrypts WeChat Pay APIv3 callbacks. Immutable and safe to share between
    threads; build one at start-up and reuse it."""

    def __new__(
        cls,
        apiv3_key: BytesLike,
        *,
        public_keys: Optional[_PublicKeys] = None,
        certificates: Optional[_Certificates] = None,
        max_clock_skew: Union[_Seconds, timedelta, None] = 300,
        max_body_size: Optional[int] = 1048576,
    ) -> Verifier: ...
    @staticmethod
    def for_merchants(
        merchants: Iterable[Merchant],
        *,
        max_clock_skew: Union[_Seconds, timedelta, None] = 300,
        max_body_size: Optional[int] = 1048576,
    ) -> Verifier:
        """A verifier for several merchants behind one notify_url (``docs/merchants.md``): each
        callback is verified with the key its ``Wechatpay-Serial`` names and decrypted with the
        APIv3 key of that key's merchant; ``Notification.mchid`` says which. ``ConfigError``
        for every configuration rule."""
    def parse(
        self, headers: HeadersLike, body: BytesLike, *, now: Optional[_Seconds] = None
    ) -> Notification:
        """Verifies and decrypts a callback (every check, in order)."""
    def verify(
        self, headers: HeadersLike, body: BytesLike, *, now: Optional[_Seconds] = None
    ) -> None:
        """Checks a callback's authenticity only; the body is not parsed."""
    def verify_response(
        self, headers: HeadersLike, body: BytesLike, *, now: Optional[_Seconds] = None
    ) -> None:
        """Verifies the signature of a WeChat Pay API response (any body, including empty)."""
    def diagnose(
        self, headers: HeadersLike, body: BytesLike, *, now: Optional[_Seconds] = None
    ) -> Diagnosis:
        """Runs every check of ``docs/protocol.md``, continuing past failures; never raises
        for a refused callback."""
    def decrypt_certificates(self, body: BytesLike) -> List[DownloadedCertificate]:
        """Decrypts a ``GET /v3/certificates`` response body with this verifier's APIv3 key."""
    @property
    def mchids(self) -> List[str]:
        """The merchant ids of a verifier for several merchants, in configuration order (empty
        for a single-merchant verifier)."""
    @property
    def key_ids(self) -> List[str]:
        """The configured public-key ids and certificate serials, in configuration order."""
    @property
    def max_clock_skew(self) -> int:
        """The largest accepted clock difference, in seconds."""
    @property
    def max_body_size(self) -> int:
        """The largest accepted body, in bytes."""

@final
class Notification:
    """A verified, decrypted notification. Immutable; ``resource`` and the typed resource
    (``transaction()``, ...) are built on first access, both from the one parse of the
    plaintext."""

    @property
    def id(self) -> str:
        """The notification id: unique per event, the key for idempotent handling."""
    @property
    def create_time(self) -> str:
        """``create_time``, as sent (RFC 3339, +08:00)."""
    @property
    def event_type(self) -> str:
        """``event_type``, e.g. ``TRANSACTION.SUCCESS`` or ``REFUND.SUCCESS``."""
    @property
    def resource_type(self) -> str:
        """``resource_type``, normally ``encrypt-resource``."""
    @property
    def summary(self) -> str:
        """``summary``, e.g. ``支付成功``."""
    @property
    def original_type(self) -> str:
        """``resource.original_type``, e.g. ``transaction`` or ``refund``."""
    @property
    def serial(self) -> str:
        """The ``Wechatpay-Serial`` (public-key id or certificate serial) that verified it."""
    @property
    def mchid(self) -> Optional[str]:
        """The merchant (mchid) the notification was for, with a verifier of several
        merchants (``Verifier.for_merchants``); ``None`` for a single-merchant verifier."""
    @property
    def timestamp(self) -> int:
        """The verified ``Wechatpay-Timestamp``, Unix seconds."""
    @property
    def plaintext(self) -> str:
        """The decrypted resource: UTF-8 JSON text."""
    @property
    def resource(self) -> Dict[str, Any]:
        """The decrypted resource as a dict, equal to ``json.loads(plaintext)``; the same
        object is returned on every access."""
    @property
    def kind(self) -> str:
        """The catalog kind (``docs/events.md``): one of ``wechatpay_notify.events.KINDS``, or
        ``"unknown"`` for a callback the catalog does not describe (not an error)."""
    # --- event catalog accessors (generated by models/generate.py; do not edit) ---
    def transaction(self) -> events.Transaction:
        """The resource of a 直连支付 payment result (TRANSACTION.SUCCESS)."""
    def partner_transaction(self) -> events.PartnerTransaction:
        """The resource of a 服务商 payment result (TRANSACTION.SUCCESS)."""
    def combine_transaction(self) -> events.CombineTransaction:
        """The resource of a 合单支付 payment result (TRANSACTION.SUCCESS)."""
    def refund(self) -> events.Refund:
        """The resource of a 直连退款 result (REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED)."""
    def partner_refund(self) -> events.PartnerRefund:
        """The resource of a 服务商退款 result (REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED)."""
    def profit_sharing(self) -> events.ProfitSharing:
        """The resource of a 分账动账 movement (PROFITSHARING.SUCCESS, PROFITSHARING.RETURN,
        TRANSACTION.SUCCESS)."""
    def transfer_bill(self) -> events.TransferBill:
        """The resource of a 商家转账 bill final state (MCHTRANSFER.BILL.FINISHED)."""
    def complaint(self) -> events.Complaint:
        """The resource of a 消费者投诉 event (COMPLAINT.CREATE, COMPLAINT.STATE_CHANGE)."""
    # --- end of the generated accessors ---

@final
class V2Verifier:
    """Verifies APIv2 payment notifications and decrypts APIv2 refund notifications."""

    def __new__(cls, api_key: BytesLike, *, max_body_size: Optional[int] = 65536) -> V2Verifier: ...
    def parse_payment(self, xml: BytesLike) -> Dict[str, str]:
        """Verifies a payment result notification; returns every field received."""
    def diagnose(self, xml: BytesLike) -> Diagnosis:
        """Runs every check of ``docs/apiv2.md`` (a body with ``req_info`` as a refund,
        anything else as a payment), continuing past failures; never raises for a refused
        notification."""
    def parse_refund(self, xml: BytesLike) -> Dict[str, Any]:
        """Decrypts a refund result notification: the outer fields, with ``req_info``
        replaced by the ``Dict[str, str]`` of its decrypted fields."""

@final
class DownloadedCertificate:
    """One platform certificate from a ``GET /v3/certificates`` response."""

    @property
    def serial_no(self) -> str: ...
    @property
    def effective_time(self) -> str: ...
    @property
    def expire_time(self) -> str: ...
    @property
    def not_before(self) -> int: ...
    @property
    def not_after(self) -> int: ...
    @property
    def pem(self) -> str: ...

@final
class Check:
    """One check of a diagnosis: its step number (``docs/protocol.md`` for APIv3,
    ``docs/apiv2.md`` for APIv2), what it checks, and its outcome."""

    @property
    def step(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def status(self) -> Literal["passed", "failed", "skipped"]: ...
    @property
    def code(self) -> Optional[str]:
        """The error code when the check failed, else ``None``."""
    @property
    def message(self) -> str:
        """Why it failed, why it was skipped, or ``""`` when it passed."""

@final
class Diagnosis:
    """Every check of one callback and the verdict: what ``wechatpay-notify doctor`` shows."""

    @property
    def kind(self) -> Literal["v3", "v2_payment", "v2_refund"]: ...
    @property
    def checks(self) -> List[Check]:
        """The checks, in step order."""
    @property
    def ok(self) -> bool:
        """True when the callback would be accepted."""
    @property
    def hints(self) -> Tuple[str, ...]:
        """The names of the signs that the body was parsed and written out again after WeChat
        Pay signed it (``"line_breaks"``, ``"indentation"``, ``"space_after_colon"``,
        ``"space_after_comma"``, ``"spaces"``, ``"unicode_escapes"``, ``"escaped_slashes"``;
        ``docs/protocol.md``), looked for when step 10 (the signature) failed, in the order
        they first appear. Step 10's ``message`` names them too. Empty otherwise, and always
        for APIv2."""
    @property
    def error(self) -> Optional[NotificationError]:
        """The exception ``parse`` raises for this callback, or ``None``."""

@disjoint_base
class Kit:
    """A throwaway WeChat Pay for tests: an RSA-2048 TEST key pair made for this kit (under a
    ``PUB_KEY_ID_`` id, or with a self-signed platform certificate), a TEST APIv3 key and a
    TEST APIv2 key. The public class is ``wechatpay_notify.testing.Kit``."""

    def __new__(cls, *, certificate: bool = False) -> Self: ...
    @property
    def key_id(self) -> str:
        """The ``Wechatpay-Serial`` the kit signs under: a ``PUB_KEY_ID_`` id of a TEST public
        key, or the serial of the kit's self-signed TEST certificate."""
    @property
    def public_key_pem(self) -> str:
        """The kit's TEST public key (SubjectPublicKeyInfo PEM); never WeChat Pay's."""
    @property
    def certificate_pem(self) -> Optional[str]:
        """The kit's self-signed TEST platform certificate (PEM), for
        ``Kit(certificate=True)``; ``None`` for a public-key kit."""
    @property
    def apiv3_key(self) -> str:
        """The kit's TEST APIv3 key (32 random characters, made for this kit)."""
    @property
    def v2_key(self) -> str:
        """The kit's TEST APIv2 key (32 random characters, made for this kit)."""
    def verifier(
        self,
        *,
        max_clock_skew: Union[_Seconds, timedelta, None] = 300,
        max_body_size: Optional[int] = 1048576,
    ) -> Verifier:
        """The ``Verifier`` a handler accepting this kit's callbacks is configured with."""
    def merchant(self, mchid: str) -> Merchant:
        """The ``Merchant`` ``mchid`` of a verifier for several merchants, configured with the
        kit's TEST APIv3 key and its public key (or certificate)."""
    def sharing_key(self) -> Self:
        """Another merchant's kit served by the same TEST platform key: the same ``key_id``
        and public key (or certificate), a fresh TEST APIv3 key and APIv2 key."""
    def v2_verifier(self) -> V2Verifier:
        """The ``V2Verifier`` of the kit's APIv2 key."""
    def _callback(
        self,
        kind: str,
        resource: Optional[Any],
        overrides: Optional[Dict[str, Any]],
        event_type: Optional[str],
        timestamp: Optional[int],
        id: Optional[str],
        failure: Optional[str],
    ) -> Tuple[Dict[str, str], bytes]: ...
    def _v2_payment(self, sign_type: str, fields: Dict[str, Any]) -> bytes: ...
    def _v2_refund(self, req_info: Dict[str, Any]) -> bytes: ...

def decrypt_resource(
    apiv3_key: BytesLike, nonce: BytesLike, associated_data: BytesLike, ciphertext: BytesLike
) -> bytes:
    """Decrypts one AEAD_AES_256_GCM resource with the APIv3 key."""

def decrypt_certificates(apiv3_key: BytesLike, body: BytesLike) -> List[DownloadedCertificate]:
    """Decrypts every certificate of a ``GET /v3/certificates`` response body."""

def reply_success() -> Tuple[int, Optional[str], str]: ...
def reply_failure(code: str, status: Optional[int] = None) -> Tuple[int, Optional[str], str]: ...
def reply_failure_message(status: int, message: str) -> Tuple[int, Optional[str], str]: ...
def v2_reply_success() -> Tuple[int, Optional[str], str]: ...
def v2_reply_failure(message: str) -> Tuple[int, Optional[str], str]: ...
