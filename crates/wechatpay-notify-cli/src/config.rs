//! Turning the key options into verifiers, with advice when a key file is the wrong one.
//!
//! Keys are never printed: messages name files and ids, not contents.

use std::path::{Path, PathBuf};
use std::time::Duration;

use wechatpay_notify::v2::V2Verifier;
use wechatpay_notify::{PlatformCertificate, Verifier};
use zeroize::Zeroizing;

use crate::cli::{Apiv3KeyArgs, V2KeyArgs, VerifierArgs};
use crate::error::UsageError;

/// Environment variable read for the APIv3 key when no option gives it.
pub const APIV3_KEY_ENV: &str = "WECHATPAY_APIV3_KEY";
/// Environment variable read for the APIv2 key when no option gives it.
pub const V2_KEY_ENV: &str = "WECHATPAY_V2_KEY";

/// A key's bytes, wiped from memory when dropped.
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps key bytes.
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(Zeroizing::new(bytes))
    }

    /// The key's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A key read from an option, a file or the environment, and where it came from.
pub struct LoadedKey {
    /// The key.
    pub secret: Secret,
    /// Where it came from, for messages (`--apiv3-key-file key.txt`), never the key itself.
    pub source: String,
    /// A note about how it was read (e.g. a trailing newline that was removed).
    pub note: Option<String>,
}

/// Reads a key file; one trailing newline (LF or CRLF) is removed, and then `true`.
pub(crate) fn read_key_file(path: &Path) -> std::io::Result<(Secret, bool)> {
    let mut bytes = Zeroizing::new(std::fs::read(path)?);
    let trimmed_len = bytes
        .strip_suffix(b"\r\n")
        .or_else(|| bytes.strip_suffix(b"\n"))
        .map(<[u8]>::len);
    if let Some(len) = trimmed_len {
        bytes.truncate(len);
    }
    Ok((Secret(bytes), trimmed_len.is_some()))
}

fn load_key(
    value: &Option<String>,
    file: &Option<PathBuf>,
    flag: &str,
    env: &str,
) -> Result<Option<LoadedKey>, UsageError> {
    if let Some(v) = value {
        return Ok(Some(LoadedKey {
            secret: Secret::new(v.as_bytes().to_vec()),
            source: format!("--{flag}"),
            note: None,
        }));
    }
    if let Some(path) = file {
        let (secret, trimmed) = read_key_file(path)
            .map_err(|e| UsageError::new(format!("cannot read {}: {e}", path.display())))?;
        let note = trimmed.then(|| {
            format!(
                "{} ends with a newline, which was ignored here; make sure your application \
                 strips it too (a 33-byte key fails)",
                path.display()
            )
        });
        return Ok(Some(LoadedKey {
            secret,
            source: format!("--{flag}-file {}", path.display()),
            note,
        }));
    }
    match std::env::var_os(env) {
        Some(v) if !v.is_empty() => Ok(Some(LoadedKey {
            secret: Secret::new(v.as_encoded_bytes().to_vec()),
            source: format!("${env}"),
            note: None,
        })),
        _ => Ok(None),
    }
}

impl Apiv3KeyArgs {
    /// The APIv3 key, if one was given.
    pub fn load(&self) -> Result<Option<LoadedKey>, UsageError> {
        load_key(
            &self.apiv3_key,
            &self.apiv3_key_file,
            "apiv3-key",
            APIV3_KEY_ENV,
        )
    }
}

impl V2KeyArgs {
    /// The APIv2 key, if one was given.
    pub fn load(&self) -> Result<Option<LoadedKey>, UsageError> {
        load_key(&self.v2_key, &self.v2_key_file, "v2-key", V2_KEY_ENV)
    }
}

/// What kind of key a configured id names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// A WeChat Pay public key (微信支付公钥) under its id.
    PublicKey,
    /// A platform certificate, valid from/to (Unix seconds).
    Certificate {
        /// Start of validity.
        not_before: i64,
        /// End of validity.
        not_after: i64,
    },
}

/// One configured key, for listing in messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The public key id or the certificate serial.
    pub id: String,
    /// What it is.
    pub kind: KeyKind,
    /// The file it came from.
    pub file: PathBuf,
    /// The merchant it is configured for (`--config`); `None` for the single-merchant options.
    pub mchid: Option<String>,
}

/// The verifiers built from the options.
pub struct Config {
    /// The APIv3 key, when one was given (for `decrypt-certs`, which needs no other key).
    pub apiv3_key: Option<LoadedKey>,
    /// The APIv3 verifier, when an APIv3 key and at least one key were given.
    pub verifier: Option<Verifier>,
    /// The APIv2 verifier, when an APIv2 key was given.
    pub v2: Option<V2Verifier>,
    /// The configured public keys and certificates.
    pub keys: Vec<KeyInfo>,
    /// The time to check against, if fixed by `--now`.
    pub now: Option<i64>,
    /// Notes about how keys were read.
    pub notes: Vec<String>,
    /// The APIv2 key and the APIv3 key were given the same value (they are different keys).
    pub same_v2_and_v3_key: bool,
    /// The `--config` file the merchants came from, if any.
    pub merchants_file: Option<PathBuf>,
    /// The merchant ids of `--config`, in its order (empty for the single-merchant options).
    pub mchids: Vec<String>,
}

impl Config {
    /// Why there is no APIv3 verifier, as the fix to apply.
    pub fn missing_v3_reason(&self) -> String {
        if self.apiv3_key.is_some() {
            "an APIv3 key was given but no WeChat Pay key to verify signatures with: pass \
             --public-key PUB_KEY_ID_...=pub_key.pem (微信支付公钥) or --certificate FILE (平台证书)"
                .to_owned()
        } else {
            format!(
                "APIv3 callbacks need the APIv3 key (--apiv3-key-file FILE, --apiv3-key KEY or \
                 {APIV3_KEY_ENV}) and a WeChat Pay key (--public-key PUB_KEY_ID_...=pub_key.pem \
                 or --certificate FILE)"
            )
        }
    }

    /// The merchants the key `serial` (`Wechatpay-Serial`) is configured for, with
    /// `--config` (ids exactly, certificate serials in any case).
    pub fn merchants_of(&self, serial: &str) -> Vec<&str> {
        self.keys
            .iter()
            .filter(|k| match k.kind {
                KeyKind::PublicKey => k.id == serial,
                KeyKind::Certificate { .. } => k.id.eq_ignore_ascii_case(serial),
            })
            .filter_map(|k| k.mchid.as_deref())
            .collect()
    }

    /// The time to check against: `--now`, or the system clock.
    pub fn now(&self) -> i64 {
        self.now.unwrap_or_else(crate::timefmt::now)
    }
}

/// Splits a file into its PEM blocks of the given label (e.g. `CERTIFICATE`).
pub fn pem_blocks<'a>(text: &'a str, label: &str) -> Vec<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let Some(stop) = rest[start..].find(&end) else {
            break;
        };
        let stop = start + stop + end.len();
        blocks.push(&rest[start..stop]);
        rest = &rest[stop..];
    }
    blocks
}

/// Advice when a key file holds the wrong kind of thing; `in_config` words it for a
/// `--config` file rather than for the options.
pub(crate) fn wrong_file_hint(text: &str, wanted: &str, in_config: bool) -> String {
    if text.contains("PRIVATE KEY-----") {
        format!("it holds a private key (apiclient_key.pem is your merchant private key); {wanted}")
    } else if text.contains("-----BEGIN CERTIFICATE-----") && wanted.contains("public key") {
        if in_config {
            "it holds a certificate: list certificates under certificates = [\"FILE\"]".to_owned()
        } else {
            "it holds a certificate: pass certificates with --certificate FILE".to_owned()
        }
    } else if text.contains("-----BEGIN PUBLIC KEY-----") && wanted.contains("certificate") {
        if in_config {
            "it holds a public key: list a 微信支付公钥 under public_keys = [{ id = \
             \"PUB_KEY_ID_...\", file = \"FILE\" }]"
                .to_owned()
        } else {
            "it holds a public key: pass a 微信支付公钥 with --public-key PUB_KEY_ID_...=FILE"
                .to_owned()
        }
    } else {
        wanted.to_owned()
    }
}

/// Reads a PEM file as text.
pub(crate) fn read_text(path: &Path) -> Result<String, UsageError> {
    let bytes = std::fs::read(path)
        .map_err(|e| UsageError::new(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|_| UsageError::new(format!("{} is not a text (PEM) file", path.display())))
}

impl VerifierArgs {
    /// `--max-clock-skew`, else `max_clock_skew` of a `--config` file, else 300 s.
    fn clock_skew(&self, from_file: Option<u64>) -> Duration {
        self.max_clock_skew.or(from_file).map_or(
            wechatpay_notify::DEFAULT_MAX_CLOCK_SKEW,
            Duration::from_secs,
        )
    }

    /// The APIv2 verifier of `--v2-key*`, if given.
    fn v2_verifier(&self, v2_key: &Option<LoadedKey>) -> Result<Option<V2Verifier>, UsageError> {
        v2_key
            .as_ref()
            .map(|key| {
                V2Verifier::new(key.secret.bytes())
                    .map(|v| v.with_max_body_size(self.max_body_size))
                    .map_err(|e| UsageError::new(format!("{}: {}", key.source, e.message())))
            })
            .transpose()
    }

    /// Builds the verifiers from the options, or with `merchants_file` (`--config`) from the
    /// merchants it lists (the single-merchant key options are then refused by the command
    /// line).
    pub fn load_with(&self, merchants_file: Option<&Path>) -> Result<Config, UsageError> {
        match merchants_file {
            Some(file) => self.load_merchants(file),
            None => self.load(),
        }
    }

    /// Builds a verifier for the merchants of a `--config` file (`docs/merchants.md`).
    fn load_merchants(&self, file: &Path) -> Result<Config, UsageError> {
        let loaded = crate::merchants::load(file)?;
        let v2_key = self.v2.load()?;
        let mut notes = loaded.notes;
        notes.extend(v2_key.as_ref().and_then(|k| k.note.clone()));
        let mut builder = Verifier::builder()
            .max_clock_skew(self.clock_skew(loaded.max_clock_skew))
            .max_body_size(self.max_body_size);
        for merchant in loaded.merchants {
            builder = builder.merchant(merchant);
        }
        // What the core still refuses: a serial configured with different keys.
        let verifier = builder
            .build()
            .map_err(|e| UsageError::new(format!("{}: {}", file.display(), e.message())))?;
        let same_v2_and_v3_key = v2_key.as_ref().is_some_and(|v2| {
            loaded
                .apiv3_keys
                .iter()
                .any(|k| k.bytes() == v2.secret.bytes())
        });
        Ok(Config {
            apiv3_key: None,
            verifier: Some(verifier),
            v2: self.v2_verifier(&v2_key)?,
            keys: loaded.keys,
            now: self.now,
            notes,
            same_v2_and_v3_key,
            merchants_file: Some(file.to_path_buf()),
            mchids: loaded.mchids,
        })
    }

    /// Builds the verifiers. APIv3 material that is incomplete or invalid is a usage error
    /// naming the problem; none at all leaves `verifier` empty.
    pub fn load(&self) -> Result<Config, UsageError> {
        let apiv3 = self.apiv3.load()?;
        let v2_key = self.v2.load()?;
        let mut notes: Vec<String> = Vec::new();
        notes.extend(apiv3.as_ref().and_then(|k| k.note.clone()));
        notes.extend(v2_key.as_ref().and_then(|k| k.note.clone()));
        let mut builder = Verifier::builder()
            .max_clock_skew(self.clock_skew(None))
            .max_body_size(self.max_body_size);
        let mut keys = Vec::new();
        for spec in &self.public_keys {
            let Some((id, file)) = spec.split_once('=') else {
                return Err(UsageError::new(format!(
                    "--public-key wants ID=FILE (e.g. PUB_KEY_ID_0114...=pub_key.pem), got {spec:?}"
                )));
            };
            let path = PathBuf::from(file);
            let text = read_text(&path)?;
            if let Err(e) = wechatpay_notify::RsaPublicKey::from_pem(text.as_bytes()) {
                return Err(UsageError::new(format!(
                    "--public-key {id}={file}: {}; {}",
                    e.message(),
                    wrong_file_hint(
                        &text,
                        "the 微信支付公钥 file (pub_key.pem) starts with -----BEGIN PUBLIC KEY-----",
                        false
                    )
                )));
            }
            if !id.starts_with(wechatpay_notify::PUBLIC_KEY_ID_PREFIX) {
                notes.push(format!(
                    "public key id {id} does not start with {}: WeChat Pay public key ids do, \
                     and a callback's Wechatpay-Serial must match the id exactly",
                    wechatpay_notify::PUBLIC_KEY_ID_PREFIX
                ));
            }
            builder = builder.public_key(id, text.as_bytes());
            keys.push(KeyInfo {
                id: id.to_owned(),
                kind: KeyKind::PublicKey,
                file: path,
                mchid: None,
            });
        }
        for path in &self.certificates {
            let text = read_text(path)?;
            let blocks = pem_blocks(&text, "CERTIFICATE");
            if blocks.is_empty() {
                return Err(UsageError::new(format!(
                    "--certificate {}: no -----BEGIN CERTIFICATE----- block; {}",
                    path.display(),
                    wrong_file_hint(
                        &text,
                        "a platform certificate is an X.509 PEM certificate",
                        false
                    )
                )));
            }
            for block in blocks {
                let cert = PlatformCertificate::from_pem(block).map_err(|e| {
                    UsageError::new(format!("--certificate {}: {}", path.display(), e.message()))
                })?;
                keys.push(KeyInfo {
                    id: cert.serial().to_owned(),
                    kind: KeyKind::Certificate {
                        not_before: cert.not_before(),
                        not_after: cert.not_after(),
                    },
                    file: path.clone(),
                    mchid: None,
                });
                builder = builder.platform_certificate(block);
            }
        }
        let verifier = match (&apiv3, keys.is_empty()) {
            (None, true) => None,
            (None, false) => {
                return Err(UsageError::new(format!(
                    "keys were given but no APIv3 key: pass --apiv3-key-file FILE, --apiv3-key \
                     KEY or set {APIV3_KEY_ENV}"
                )))
            }
            (Some(_), true) => None,
            (Some(key), false) => Some(
                builder
                    .apiv3_key(key.secret.bytes())
                    .build()
                    .map_err(|e| UsageError::new(format!("{}: {}", key.source, e.message())))?,
            ),
        };
        let v2 = self.v2_verifier(&v2_key)?;
        let same_v2_and_v3_key =
            matches!((&apiv3, &v2_key), (Some(a), Some(b)) if a.secret.bytes() == b.secret.bytes());
        Ok(Config {
            apiv3_key: apiv3,
            verifier,
            v2,
            keys,
            now: self.now,
            notes,
            same_v2_and_v3_key,
            merchants_file: None,
            mchids: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_splits_concatenated_certificates() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\
                    -----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n\
                    -----BEGIN CERTIFICATE-----\nunterminated";
        let blocks = pem_blocks(text, "CERTIFICATE");
        assert_eq!(blocks.len(), 2);
        assert!(blocks[1].contains("BBB"));
    }

    #[test]
    fn hints_name_the_kind_of_file() {
        assert!(wrong_file_hint("-----BEGIN PRIVATE KEY-----", "x", false).contains("private key"));
        assert!(
            wrong_file_hint("-----BEGIN RSA PRIVATE KEY-----", "x", false)
                .contains("apiclient_key")
        );
        assert!(
            wrong_file_hint("-----BEGIN CERTIFICATE-----", "a public key", false)
                .contains("--certificate")
        );
        assert!(
            wrong_file_hint("-----BEGIN CERTIFICATE-----", "a public key", true)
                .contains("certificates = [")
        );
        assert_eq!(wrong_file_hint("garbage", "wanted", false), "wanted");
    }

    #[test]
    fn key_file_newline_is_trimmed_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        std::fs::write(&path, "0123456789abcdef0123456789abcdef\n").unwrap();
        let args = Apiv3KeyArgs {
            apiv3_key: None,
            apiv3_key_file: Some(path),
        };
        let key = args.load().unwrap().unwrap();
        assert_eq!(key.secret.bytes().len(), 32);
        assert!(key.note.unwrap().contains("newline"));
        assert!(!key.source.contains("0123"));
    }
}
