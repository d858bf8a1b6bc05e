//! The APIv3 verifier: configuration, and the ordered checks of `docs/protocol.md`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use crate::checks::{self, SignedHeaders};
use crate::error::{Error, Result};
use crate::headers::Headers;
use crate::keys::{ConfiguredKey, KeyRing, NAMED_IN_MESSAGES};
use crate::notification::Notification;
use crate::resource::Apiv3Key;

/// Default `max_clock_skew`: 300 seconds, as WeChat Pay recommends.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(300);
/// Default `max_body_size`: 1 MiB (real notifications are about 1 KB).
pub const DEFAULT_MAX_BODY_SIZE: usize = 1024 * 1024;

/// One merchant (商户) of a verifier for several merchants behind one notify_url
/// ([`VerifierBuilder::merchant`]): its merchant id, its APIv3 key and the WeChat Pay keys its
/// callbacks are signed with. Nothing is parsed until the verifier is built.
#[derive(Clone)]
pub struct Merchant {
    mchid: String,
    apiv3_key: Zeroizing<Vec<u8>>,
    public_keys: Vec<(String, Vec<u8>)>,
    certificates: Vec<Vec<u8>>,
}

impl Merchant {
    /// A merchant by its id (mchid) and APIv3 key (APIv3密钥).
    pub fn new(mchid: impl Into<String>, apiv3_key: impl AsRef<[u8]>) -> Merchant {
        Merchant {
            mchid: mchid.into(),
            apiv3_key: Zeroizing::new(apiv3_key.as_ref().to_vec()),
            public_keys: Vec::new(),
            certificates: Vec::new(),
        }
    }

    /// A WeChat Pay public key (微信支付公钥) of this merchant, under its id.
    pub fn public_key(mut self, id: impl Into<String>, pem: impl AsRef<[u8]>) -> Self {
        self.public_keys.push((id.into(), pem.as_ref().to_vec()));
        self
    }

    /// A WeChat Pay platform certificate (平台证书) of this merchant.
    pub fn platform_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.certificates.push(pem.as_ref().to_vec());
        self
    }

    /// The merchant id.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }
}

impl fmt::Debug for Merchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Merchant")
            .field("mchid", &self.mchid)
            .field("apiv3_key", &"<redacted>")
            .field("public_keys", &self.public_keys.len())
            .field("certificates", &self.certificates.len())
            .finish()
    }
}

/// Builds a [`Verifier`]. Nothing is parsed until [`VerifierBuilder::build`].
pub struct VerifierBuilder {
    apiv3_key: Option<Zeroizing<Vec<u8>>>,
    public_keys: Vec<(String, Vec<u8>)>,
    certificates: Vec<Vec<u8>>,
    merchants: Vec<Merchant>,
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

    /// A merchant of a verifier for several merchants behind one notify_url
    /// (`docs/merchants.md`). Call once per merchant; a verifier has either merchants or the
    /// single merchant's `apiv3_key` and keys given to the builder directly, not both.
    pub fn merchant(mut self, merchant: Merchant) -> Self {
        self.merchants.push(merchant);
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
        let single = self.apiv3_key.is_some()
            || !self.public_keys.is_empty()
            || !self.certificates.is_empty();
        let merchants: Vec<Merchant> =
            match (single, self.merchants.is_empty()) {
                (true, false) => return Err(Error::config(
                    "configure either merchants (merchant) or one merchant's apiv3_key and keys \
                     on the builder, not both",
                )),
                (_, false) => self.merchants,
                (_, true) => vec![Merchant {
                    mchid: String::new(),
                    apiv3_key: self
                        .apiv3_key
                        .ok_or_else(|| Error::config("no APIv3 key configured"))?,
                    public_keys: self.public_keys,
                    certificates: self.certificates,
                }],
            };
        let named = !single;
        let mut keys = KeyRing::default();
        keys.set_mchids(
            merchants
                .iter()
                .map(|m| named.then(|| m.mchid.clone()))
                .collect(),
        );
        let mut entries = Vec::with_capacity(merchants.len());
        let mut seen = HashSet::with_capacity(merchants.len());
        for (index, m) in merchants.iter().enumerate() {
            let whose = if named {
                crate::identifier::check("merchant id (mchid)", &m.mchid)?;
                if !seen.insert(m.mchid.as_str()) {
                    return Err(Error::config(format!(
                        "merchant {} is configured twice",
                        m.mchid
                    )));
                }
                format!(" of merchant {}", m.mchid)
            } else {
                String::new()
            };
            let apiv3 = Apiv3Key::new(m.apiv3_key.as_slice())
                .map_err(|e| Error::config(format!("{}{whose}", e.message())))?;
            if m.public_keys.is_empty() && m.certificates.is_empty() {
                return Err(Error::config(format!(
                    "no WeChat Pay key configured{whose}: add the 微信支付公钥 (public_key) or \
                     the platform certificates (platform_certificate)"
                )));
            }
            let index = u32::try_from(index)
                .map_err(|_| Error::config("too many merchants for one verifier"))?;
            for (id, pem) in &m.public_keys {
                keys.push(ConfiguredKey::public_key(id, pem)?, index)?;
            }
            for pem in &m.certificates {
                keys.push(ConfiguredKey::certificate(pem)?, index)?;
            }
            entries.push(MerchantEntry {
                mchid: named.then(|| m.mchid.clone()),
                apiv3,
            });
        }
        distinct_apiv3_keys_per_serial(&merchants, &keys)?;
        keys.finish();
        Ok(Verifier {
            merchants: entries,
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
            .field("merchants", &self.merchants)
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
    merchants: Vec<MerchantEntry>,
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
            merchants: Vec::new(),
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
        let (plaintext, merchant) =
            checks::decrypt_envelope(&envelope, |open| self.open_for(Some(key), open))?;
        Ok(envelope.into_notification(key.id.clone(), timestamp, plaintext, merchant))
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
    /// For a verifier of several merchants, use [`crate::decrypt_certificates`] with the
    /// merchant's APIv3 key (`CONFIG_INVALID` here).
    pub fn decrypt_certificates(
        &self,
        body: &[u8],
    ) -> Result<Vec<crate::certificates::DownloadedCertificate>> {
        match self.merchants.as_slice() {
            [only] if only.mchid.is_none() => crate::certificates::decrypt_with(&only.apiv3, body),
            _ => Err(Error::config(
                "this verifier holds several merchants: decrypt a certificate download with \
                 decrypt_certificates(apiv3_key, body) and that merchant's APIv3 key",
            )),
        }
    }

    /// The merchant ids of a verifier for several merchants, in configuration order (none for
    /// a single-merchant verifier).
    pub fn mchids(&self) -> impl Iterator<Item = &str> {
        self.merchants.iter().filter_map(|m| m.mchid.as_deref())
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

    /// Step 14 for the merchants of `key` (all merchants when the serial is unknown, for the
    /// diagnosis): the first APIv3 key whose AES-GCM tag verifies gives the plaintext, and its
    /// merchant. A wrong key can never give a plaintext: the tag authenticates.
    pub(crate) fn open_for(
        &self,
        key: Option<&ConfiguredKey>,
        open: impl Fn(&Apiv3Key) -> Result<Vec<u8>>,
    ) -> Result<(Vec<u8>, Option<String>)> {
        let all: Vec<u32>;
        let candidates: &[u32] = match key {
            Some(k) => &k.merchants,
            None => {
                all = (0..self.merchants.len() as u32).collect();
                &all
            }
        };
        let mut last = None;
        for &m in candidates {
            let Some(entry) = self.merchants.get(m as usize) else {
                continue;
            };
            match open(&entry.apiv3) {
                Ok(plain) => return Ok((plain, entry.mchid.clone())),
                Err(e) => last = Some(e),
            }
        }
        let e = last.unwrap_or_else(|| Error::config("no merchant configured"));
        if candidates.len() > 1 && e.code() == crate::ErrorCode::DecryptFailed {
            let mut mchids = candidates
                .iter()
                .take(NAMED_IN_MESSAGES)
                .filter_map(|&m| self.merchants.get(m as usize)?.mchid.as_deref())
                .collect::<Vec<_>>()
                .join(", ");
            if candidates.len() > NAMED_IN_MESSAGES {
                mchids.push_str(&format!(
                    " and {} more",
                    candidates.len() - NAMED_IN_MESSAGES
                ));
            }
            return Err(Error::new(
                e.code(),
                format!(
                    "{} (tried the APIv3 keys of the {} merchants this key is configured for: {mchids})",
                    e.message(),
                    candidates.len(),
                ),
            ));
        }
        Err(e)
    }
}

/// Merchants that share a key id or serial (one platform key) are told apart by their APIv3
/// keys only, the one that opens the resource naming the merchant: two of them with the same
/// APIv3 key cannot be told apart, and are refused. Linear in the configuration.
fn distinct_apiv3_keys_per_serial(merchants: &[Merchant], keys: &KeyRing) -> Result<()> {
    let mut seen: HashMap<&[u8], u32> = HashMap::new();
    for key in keys.keys().iter().filter(|k| k.merchants.len() > 1) {
        seen.clear();
        for &m in &key.merchants {
            let Some(merchant) = merchants.get(m as usize) else {
                continue;
            };
            if let Some(&first) = seen.get(merchant.apiv3_key.as_slice()) {
                return Err(Error::config(format!(
                    "merchants {} and {} share the key id or serial {} and have the same APIv3 \
                     key, so a callback for one cannot be told from a callback for the other: \
                     configure each merchant once (a 服务商's sub-merchants are not configured \
                     apart: their callbacks come to the 服务商 with its APIv3 key)",
                    merchants[first as usize].mchid, merchant.mchid, key.id
                )));
            }
            seen.insert(merchant.apiv3_key.as_slice(), m);
        }
    }
    Ok(())
}

/// A merchant as the verifier holds it: its id (none for a single-merchant verifier) and its
/// parsed APIv3 key.
#[derive(Clone)]
struct MerchantEntry {
    mchid: Option<String>,
    apiv3: Apiv3Key,
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
            .field("apiv3_keys", &"<redacted>")
            .field("mchids", &self.mchids().collect::<Vec<_>>())
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
