//! The keys a verifier holds: WeChat Pay platform certificates and 微信支付公钥, each under
//! the id or serial that `Wechatpay-Serial` names, and the lookup of step 7 of
//! `docs/protocol.md`.
//!
//! Everything is parsed and checked once here, at configuration time.

use std::fmt;

use std::collections::HashMap;

use crate::bytes::printable;
use crate::error::{Error, ErrorCode, Result};
use crate::key_text::{self, Decoded};
use crate::rsa_key::RsaPublicKey;

/// Prefix of WeChat Pay public-key ids (微信支付公钥ID).
pub const PUBLIC_KEY_ID_PREFIX: &str = "PUB_KEY_ID_";

/// A WeChat Pay platform certificate (平台证书): its serial, validity and RSA key.
#[derive(Clone)]
pub struct PlatformCertificate {
    serial: String,
    not_before: i64,
    not_after: i64,
    key: RsaPublicKey,
}

impl PlatformCertificate {
    /// Parses a certificate from PEM (`BEGIN CERTIFICATE`) or from base64 DER without armour.
    pub fn from_pem(text: impl AsRef<[u8]>) -> Result<Self> {
        match key_text::decode_key_text(text.as_ref())? {
            Decoded::Pem(label, der) if label == "CERTIFICATE" => Self::from_der(&der),
            Decoded::Pem(label, _) if label.contains("PUBLIC KEY") => Err(Error::config(
                "this is a public key, not a certificate: configure it as a public key with the \
                 PUB_KEY_ID_ shown next to it in the merchant platform",
            )),
            Decoded::Pem(label, _) => Err(key_text::wrong_label(&label)),
            Decoded::Der(der) => Self::from_der(&der),
        }
    }

    /// Parses a DER-encoded X.509 certificate.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let parts = key_text::parse_certificate(der)?;
        let key = RsaPublicKey::from_spki_der(&parts.spki)
            .map_err(|e| Error::config(format!("certificate {}: {}", parts.serial, e.message())))?;
        Ok(PlatformCertificate {
            serial: parts.serial,
            not_before: parts.not_before,
            not_after: parts.not_after,
            key,
        })
    }

    /// The serial number as uppercase hex, as WeChat Pay writes it in `Wechatpay-Serial`.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// Start of validity, Unix seconds.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// End of validity, Unix seconds.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// True when `now` (Unix seconds) is inside the validity period, ends included.
    pub fn is_valid_at(&self, now: i64) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    /// The certificate's RSA public key.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.key
    }

    pub(crate) fn into_key(self) -> RsaPublicKey {
        self.key
    }
}

impl fmt::Debug for PlatformCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformCertificate")
            .field("serial", &self.serial)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("bits", &self.key.bits())
            .finish()
    }
}

/// One configured key: a public key under its id, or a certificate under its serial.
///
/// Every field is fully initialised (no `Option` payload left undefined), so moving a value
/// never copies stale stack bytes, such as key material left by cipher setup, to the heap.
#[derive(Clone, Debug)]
pub(crate) struct ConfiguredKey {
    pub(crate) id: String,
    /// True for certificates, which have a validity period; public keys never expire.
    pub(crate) is_certificate: bool,
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    pub(crate) key: RsaPublicKey,
    /// The merchants (indexes into the verifier's merchants) this key is configured for: one,
    /// or several when merchants share a key (a 服务商 and its sub-merchants, or a group).
    pub(crate) merchants: Vec<u32>,
}

impl ConfiguredKey {
    /// A 微信支付公钥 under its id (`PUB_KEY_ID_...`), in any form
    /// [`RsaPublicKey::from_pem`] reads.
    pub(crate) fn public_key(id: &str, pem: &[u8]) -> Result<ConfiguredKey> {
        if id.trim().is_empty() || id.trim() != id {
            return Err(Error::config(
                "public key id must be non-empty with no surrounding whitespace",
            ));
        }
        let key = RsaPublicKey::from_pem(pem)
            .map_err(|e| Error::config(format!("public key {id}: {}", e.message())))?;
        Ok(ConfiguredKey {
            id: id.to_owned(),
            is_certificate: false,
            not_before: i64::MIN,
            not_after: i64::MAX,
            key,
            merchants: Vec::new(),
        })
    }

    /// A platform certificate under its serial.
    pub(crate) fn certificate(pem: &[u8]) -> Result<ConfiguredKey> {
        let cert = PlatformCertificate::from_pem(pem)?;
        Ok(ConfiguredKey {
            id: cert.serial().to_owned(),
            is_certificate: true,
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            key: cert.into_key(),
            merchants: Vec::new(),
        })
    }

    /// The validity period of a certificate; `None` for a public key, which never expires.
    pub(crate) fn validity(&self) -> Option<(i64, i64)> {
        self.is_certificate
            .then_some((self.not_before, self.not_after))
    }
}

/// The configured keys, in configuration order, each id or serial at most once, with an
/// index so that finding the key of a `Wechatpay-Serial` costs the same for one merchant as
/// for thousands.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyRing {
    keys: Vec<ConfiguredKey>,
    /// Public-key ids, exactly as configured (they match exactly).
    by_id: HashMap<String, usize>,
    /// Certificate serials in uppercase (they match in any case).
    by_serial: HashMap<String, usize>,
    /// The merchant ids, for messages (none for a single-merchant verifier).
    mchids: Vec<Option<String>>,
}

impl KeyRing {
    /// Adds a key for `merchant`. An id or serial already configured is shared when it is the
    /// same key (the merchant is added to it), and `CONFIG_INVALID` when it is another key or
    /// the same merchant configures it twice.
    pub(crate) fn push(&mut self, mut new: ConfiguredKey, merchant: u32) -> Result<()> {
        if let Some(i) = self.position_ci(&new.id) {
            let existing = &mut self.keys[i];
            let twice = existing.merchants.contains(&merchant);
            if twice
                || !existing.key.same_key(&new.key)
                || existing.is_certificate != new.is_certificate
            {
                let whose = |m: u32| -> String {
                    self.mchids
                        .get(m as usize)
                        .cloned()
                        .flatten()
                        .map_or(String::new(), |id| format!(" of merchant {id}"))
                };
                return Err(Error::config(if twice {
                    format!(
                        "key id or serial {} is configured twice{}",
                        new.id,
                        whose(merchant)
                    )
                } else {
                    format!(
                        "key id or serial {} is configured{} and{} with different keys: one \
                         serial names one key",
                        new.id,
                        whose(existing.merchants[0]),
                        whose(merchant)
                    )
                }));
            }
            existing.merchants.push(merchant);
            return Ok(());
        }
        new.merchants = vec![merchant];
        let index = self.keys.len();
        if new.is_certificate {
            self.by_serial.insert(new.id.to_ascii_uppercase(), index);
        } else {
            self.by_id.insert(new.id.clone(), index);
        }
        self.keys.push(new);
        Ok(())
    }

    /// The merchant ids, for messages; `None` entries for an anonymous (single) merchant.
    pub(crate) fn set_mchids(&mut self, mchids: Vec<Option<String>>) {
        self.mchids = mchids;
    }

    fn position_ci(&self, id: &str) -> Option<usize> {
        self.by_id
            .iter()
            .chain(self.by_serial.iter())
            .find(|(k, _)| k.eq_ignore_ascii_case(id))
            .map(|(_, i)| *i)
    }

    /// The ids and serials, in configuration order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    /// Step 7: the key `Wechatpay-Serial` names, or `UNKNOWN_SERIAL` listing what is
    /// configured and what the serial looks like.
    pub(crate) fn find(&self, serial: &[u8]) -> Result<&ConfiguredKey> {
        let found = std::str::from_utf8(serial).ok().and_then(|s| {
            self.by_id.get(s).or_else(|| {
                // Serials are hex: compare in uppercase (short; allocation only on this path).
                if s.len() <= 64 {
                    self.by_serial.get(&s.to_ascii_uppercase())
                } else {
                    None
                }
            })
        });
        match found {
            Some(&i) => Ok(&self.keys[i]),
            None => Err(self.unknown_serial(serial)),
        }
    }

    /// The configured ids and serials, grouped by merchant when there are merchants.
    fn configured(&self) -> String {
        if self.keys.is_empty() {
            return "none".to_owned();
        }
        if self.mchids.iter().all(Option::is_none) {
            return self.ids().collect::<Vec<_>>().join(", ");
        }
        self.mchids
            .iter()
            .enumerate()
            .map(|(m, mchid)| {
                let ids: Vec<&str> = self
                    .keys
                    .iter()
                    .filter(|k| k.merchants.contains(&(m as u32)))
                    .map(|k| k.id.as_str())
                    .collect();
                format!("{} {}", mchid.as_deref().unwrap_or("-"), ids.join(" "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn unknown_serial(&self, serial: &[u8]) -> Error {
        let looks_like_id = serial.len() >= PUBLIC_KEY_ID_PREFIX.len()
            && serial[..PUBLIC_KEY_ID_PREFIX.len()]
                .eq_ignore_ascii_case(PUBLIC_KEY_ID_PREFIX.as_bytes());
        let hint = if looks_like_id {
            if self
                .keys
                .iter()
                .any(|k| k.id.as_bytes().eq_ignore_ascii_case(serial))
            {
                "it is signed with a WeChat Pay public key id (微信支付公钥ID), which matches \
                 exactly, case included: copy the id from the merchant platform as shown"
            } else {
                "it is signed with a WeChat Pay public key id (微信支付公钥ID): configure the \
                 微信支付公钥 downloaded from the merchant platform under this id"
            }
        } else {
            "it is signed with a platform certificate serial: configure that WeChat Pay platform \
             certificate (from GET /v3/certificates), not your own merchant certificate \
             apiclient_cert.pem"
        };
        Error::new(
            ErrorCode::UnknownSerial,
            format!(
                "Wechatpay-Serial {} matches no configured key (configured: {}); {hint}",
                printable(serial),
                self.configured()
            ),
        )
    }
}
