//! The APIv3 verifier: configuration, and the ordered checks of `docs/protocol.md`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use crate::checks::{self, SignedHeaders};
use crate::error::{Error, Result};
use crate::headers::Headers;
use crate::keys::{ConfiguredKey, KeyRing};
use crate::notification::Notification;
use crate::resource::Apiv3Key;

/// Default `max_clock_skew`: 300 seconds, as WeChat Pay recommends.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(300);
/// Default `max_body_size`: 1 MiB (real notifications are about 1 KB).
pub const DEFAULT_MAX_BODY_SIZE: usize = 1024 * 1024;

/// Builds a [`Verifier`]. Nothing is parsed until [`VerifierBuilder::build`].
pub struct VerifierBuilder {
    apiv3_key: Option<Zeroizing<Vec<u8>>>,
    public_keys: Vec<(String, Vec<u8>)>,
    certificates: Vec<Vec<u8>>,
    max_clock_skew: Duration,
    max_body_size: usize,
}

impl VerifierBuilder {
    /// The APIv3 key (APIv3密钥): the 32 characters set in the merchant platform.
    pub fn apiv3_key(mut self, key: impl AsRef<[u8]>) -> Self {
        self.apiv3_key = Some(Zeroizing::new(key.as_ref().to_vec()));
        self
    }

    /// A WeChat Pay public key (微信支付公钥) and its id (`PUB_KEY_ID_...`), as SPKI PEM,
    /// PKCS#1 PEM or bare base64. Call again to add more (rotation, migration).
    pub fn public_key(mut self, id: impl Into<String>, pem: impl AsRef<[u8]>) -> Self {
        self.public_keys.push((id.into(), pem.as_ref().to_vec()));
        self
    }

    /// A WeChat Pay platform certificate (平台证书) as PEM or bare base64 DER; its serial and
    /// validity are read from it. Call again to add more.
    pub fn platform_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Largest accepted difference between `Wechatpay-Timestamp` and now (default 300 s).
    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_clock_skew = skew;
        self
    }

    /// Largest accepted body in bytes (default 1 MiB).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Parses every key and builds the verifier; any problem is `CONFIG_INVALID`.
    pub fn build(self) -> Result<Verifier> {
        let apiv3 = match &self.apiv3_key {
            Some(key) => Apiv3Key::new(key.as_slice())?,
            None => return Err(Error::config("no APIv3 key configured")),
        };
        if self.public_keys.is_empty() && self.certificates.is_empty() {
            return Err(Error::config(
                "no WeChat Pay key configured: add the 微信支付公钥 (public_key) or the platform \
                 certificates (platform_certificate)",
            ));
        }
        let mut keys = KeyRing::default();
        for (id, pem) in &self.public_keys {
            keys.push(ConfiguredKey::public_key(id, pem)?)?;
        }
        for pem in &self.certificates {
            keys.push(ConfiguredKey::certificate(pem)?)?;
        }
        Ok(Verifier {
            apiv3,
            keys,
            max_clock_skew: i64::try_from(self.max_clock_skew.as_secs()).unwrap_or(i64::MAX),
            max_body_size: self.max_body_size,
        })
    }
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("apiv3_key", &self.apiv3_key.as_ref().map(|_| "<redacted>"))
            .field("public_keys", &self.public_keys.len())
            .field("certificates", &self.certificates.len())
            .field("max_clock_skew", &self.max_clock_skew)
            .field("max_body_size", &self.max_body_size)
            .finish()
    }
}

/// Verifies and decrypts WeChat Pay APIv3 callbacks.
///
/// Immutable once built, `Send + Sync`, and meant to be shared by every request handler.
/// Every key is parsed once, when it is built. Rotating keys means building a new verifier.
#[derive(Clone)]
pub struct Verifier {
    apiv3: Apiv3Key,
    keys: KeyRing,
    max_clock_skew: i64,
    max_body_size: usize,
}

impl Verifier {
    /// Starts a configuration.
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder {
            apiv3_key: None,
            public_keys: Vec::new(),
            certificates: Vec::new(),
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
        }
    }

    /// Verifies and decrypts a callback, using the system clock.
    ///
    /// `body` must be the raw request body, byte for byte, as received.
    pub fn parse<H: Headers + ?Sized>(&self, headers: &H, body: &[u8]) -> Result<Notification> {
        self.parse_at(headers, body, unix_now())
    }

    /// Verifies and decrypts a callback at the given time (Unix seconds). All 16 checks of
    /// `docs/protocol.md` (steps 0-15) run in order; the first failure is returned.
    pub fn parse_at<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<Notification> {
        let (key, timestamp) = self.verify_request(headers, body, now, Signed::Callback)?;
        let envelope = checks::parse_envelope(body)?;
        let plaintext = checks::decrypt_envelope(&self.apiv3, &envelope)?;
        Ok(envelope.into_notification(key.id.clone(), timestamp, plaintext))
    }

    /// Checks a callback's authenticity only (steps 0-10 of `docs/protocol.md`), using the system clock.
    /// The body is not parsed.
    pub fn verify<H: Headers + ?Sized>(&self, headers: &H, body: &[u8]) -> Result<()> {
        self.verify_at(headers, body, unix_now())
    }

    /// Checks a callback's authenticity only (steps 0-10 of `docs/protocol.md`) at the given time.
    pub fn verify_at<H: Headers + ?Sized>(&self, headers: &H, body: &[u8], now: i64) -> Result<()> {
        self.verify_request(headers, body, now, Signed::Callback)
            .map(|_| ())
    }

    /// Verifies the signature of a WeChat Pay API response (same headers, same scheme, same
    /// time window), using the system clock. The body may be any bytes, including empty.
    pub fn verify_response<H: Headers + ?Sized>(&self, headers: &H, body: &[u8]) -> Result<()> {
        self.verify_response_at(headers, body, unix_now())
    }

    /// Verifies the signature of a WeChat Pay API response at the given time.
    pub fn verify_response_at<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<()> {
        self.verify_request(headers, body, now, Signed::Response)
            .map(|_| ())
    }

    /// Decrypts a `GET /v3/certificates` response with this verifier's APIv3 key.
    /// Verify the response first with [`Verifier::verify_response`].
    pub fn decrypt_certificates(
        &self,
        body: &[u8],
    ) -> Result<Vec<crate::certificates::DownloadedCertificate>> {
        crate::certificates::decrypt_with(&self.apiv3, body)
    }

    /// The configured public-key ids and certificate serials, in configuration order.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.ids()
    }

    /// The configured `max_clock_skew`, in seconds.
    pub fn max_clock_skew(&self) -> i64 {
        self.max_clock_skew
    }

    /// The configured `max_body_size`, in bytes.
    pub fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// Steps 0-10 of `docs/protocol.md` for a signed callback or API response.
    fn verify_request<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
        signed: Signed,
    ) -> Result<(&ConfiguredKey, i64)> {
        checks::body_size(body, self.max_body_size)?;
        if signed == Signed::Callback {
            checks::not_xml(body)?;
        }
        let headers_read = SignedHeaders::read(headers)?;
        checks::signature_type(headers)?;
        let timestamp = checks::timestamp(headers_read.timestamp)?;
        checks::clock_skew(timestamp, now, self.max_clock_skew)?;
        checks::not_probe(headers_read.signature)?;
        let key = self.keys.find(headers_read.serial)?;
        checks::key_validity(key, now)?;
        let signature = checks::decode_signature(headers_read.signature, &key.key)?;
        checks::rsa_signature(&key.key, &headers_read, body, &signature)?;
        Ok((key, timestamp))
    }

    /// The configured keys (for the diagnosis).
    pub(crate) fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The APIv3 key (for the diagnosis).
    pub(crate) fn apiv3_key(&self) -> &Apiv3Key {
        &self.apiv3
    }
}

/// What a signature covers: a callback (whose body must not be APIv2 XML, step 1) or an API
/// response (any body).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Signed {
    Callback,
    Response,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("apiv3_key", &"<redacted>")
            .field("keys", &self.key_ids().collect::<Vec<_>>())
            .field("max_clock_skew", &self.max_clock_skew)
            .field("max_body_size", &self.max_body_size)
            .finish()
    }
}

/// The system clock as Unix seconds: the time `parse`, `verify` and `verify_response` check
/// the `Wechatpay-Timestamp` against. Bindings that take an optional time use it as the
/// default so that both paths read the same clock.
pub fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}
