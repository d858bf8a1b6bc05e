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
        crate::identifier::check("public key id", id)?;
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

/// How many merchants, and keys of each, a message names before it gives a count: a message
/// costs the same for one merchant as for thousands, and never lists a whole configuration.
pub(crate) const NAMED_IN_MESSAGES: usize = 3;

/// The configured keys, in configuration order, each id or serial at most once, with an
/// index so that finding the key of a `Wechatpay-Serial`, or telling that none matches,
/// costs the same for one merchant as for thousands.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyRing {
    keys: Vec<ConfiguredKey>,
    /// Public-key ids, exactly as configured (they match exactly).
    by_id: HashMap<String, usize>,
    /// Every id and serial in uppercase: certificate serials match in any case through it, two
    /// ids that differ only in case are refused, and an unknown serial is told apart from a
    /// configured id in another case, in one lookup.
    by_folded: HashMap<String, usize>,
    /// The merchant ids, for messages (none for a single-merchant verifier).
    mchids: Vec<Option<String>>,
    /// What `UNKNOWN_SERIAL` says is configured, made once by [`KeyRing::finish`].
    summary: String,
}

impl KeyRing {
    /// Adds a key for `merchant`. An id or serial already configured is shared when it is the
    /// same key (the merchant is added to it), and `CONFIG_INVALID` when it is another key,
    /// the same merchant configures it twice, or the ids differ only in case.
    pub(crate) fn push(&mut self, mut new: ConfiguredKey, merchant: u32) -> Result<()> {
        let folded = new.id.to_ascii_uppercase();
        if let Some(&i) = self.by_folded.get(&folded) {
            let whose = |m: u32| -> String {
                self.mchids
                    .get(m as usize)
                    .cloned()
                    .flatten()
                    .map_or(String::new(), |id| format!(" of merchant {id}"))
            };
            let existing = &self.keys[i];
            if existing.id != new.id && !existing.is_certificate && !new.is_certificate {
                return Err(Error::config(format!(
                    "key ids {} and {}{} differ only in case: WeChat Pay public key ids match \
                     exactly, so one of them can never match; configure the id exactly as the \
                     merchant platform shows it",
                    printable(existing.id.as_bytes()),
                    printable(new.id.as_bytes()),
                    whose(merchant)
                )));
            }
            let twice = existing.merchants.contains(&merchant);
            if twice
                || !existing.key.same_key(&new.key)
                || existing.is_certificate != new.is_certificate
            {
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
            self.keys[i].merchants.push(merchant);
            return Ok(());
        }
        new.merchants = vec![merchant];
        let index = self.keys.len();
        if !new.is_certificate {
            self.by_id.insert(new.id.clone(), index);
        }
        self.by_folded.insert(folded, index);
        self.keys.push(new);
        Ok(())
    }

    /// The merchant ids, for messages; `None` entries for an anonymous (single) merchant.
    pub(crate) fn set_mchids(&mut self, mchids: Vec<Option<String>>) {
        self.mchids = mchids;
    }

    /// Ends the configuration: makes the summary `UNKNOWN_SERIAL` gives, once, in time linear
    /// in the configuration, naming at most [`NAMED_IN_MESSAGES`] merchants and keys.
    pub(crate) fn finish(&mut self) {
        self.summary = self.summarize();
    }

    /// The ids and serials, in configuration order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    /// The configured keys, in configuration order.
    pub(crate) fn keys(&self) -> &[ConfiguredKey] {
        &self.keys
    }

    /// Step 7: the key `Wechatpay-Serial` names, or `UNKNOWN_SERIAL` with what is configured
    /// (a bounded summary) and what the serial looks like.
    pub(crate) fn find(&self, serial: &[u8]) -> Result<&ConfiguredKey> {
        let found = std::str::from_utf8(serial).ok().and_then(|s| {
            self.by_id.get(s).or_else(|| {
                // Serials are hex: compare in uppercase (short; allocation only on this path).
                if s.len() <= 64 {
                    self.by_folded
                        .get(&s.to_ascii_uppercase())
                        .filter(|&&i| self.keys[i].is_certificate)
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

    /// The configured ids and serials for messages: the first merchants with their first
    /// ids, then counts.
    fn summarize(&self) -> String {
        if self.keys.is_empty() {
            return "none".to_owned();
        }
        let listed = |ids: &[&str], total: usize| -> String {
            let mut text = ids.join(", ");
            if total > ids.len() {
                text.push_str(&format!(" and {} more", total - ids.len()));
            }
            text
        };
        if self.mchids.iter().all(Option::is_none) {
            let ids: Vec<&str> = self.ids().take(NAMED_IN_MESSAGES).collect();
            return listed(&ids, self.keys.len());
        }
        // The first merchants' ids, in one pass over the keys.
        let shown = self.mchids.len().min(NAMED_IN_MESSAGES);
        let mut ids: Vec<(Vec<&str>, usize)> = vec![(Vec::new(), 0); shown];
        for key in &self.keys {
            for &m in &key.merchants {
                if let Some((names, count)) = ids.get_mut(m as usize) {
                    if names.len() < NAMED_IN_MESSAGES {
                        names.push(&key.id);
                    }
                    *count += 1;
                }
            }
        }
        let mut text = self
            .mchids
            .iter()
            .zip(&ids)
            .map(|(mchid, (names, count))| {
                format!(
                    "{} {}",
                    mchid.as_deref().unwrap_or("-"),
                    listed(names, *count).replace(", ", " ")
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        if self.mchids.len() > shown {
            text.push_str(&format!(
                "; and {} more merchants ({} keys in all)",
                self.mchids.len() - shown,
                self.keys.len()
            ));
        }
        text
    }

    fn unknown_serial(&self, serial: &[u8]) -> Error {
        let looks_like_id = serial.len() >= PUBLIC_KEY_ID_PREFIX.len()
            && serial[..PUBLIC_KEY_ID_PREFIX.len()]
                .eq_ignore_ascii_case(PUBLIC_KEY_ID_PREFIX.as_bytes());
        let hint = if looks_like_id {
            let in_another_case = serial.len() <= 64
                && std::str::from_utf8(serial)
                    .is_ok_and(|s| self.by_folded.contains_key(&s.to_ascii_uppercase()));
            if in_another_case {
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
                self.summary
            ),
        )
    }
}
