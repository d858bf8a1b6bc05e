//! `--config merchants.toml`: several merchants behind one notify_url (`docs/merchants.md`).
//!
//! ```toml
//! max_clock_skew = 300        # optional
//! [[merchant]]
//! mchid = "1900000001"
//! apiv3_key_file = "keys/1900000001.apiv3"      # or apiv3_key_env = "WECHATPAY_APIV3_KEY_1900000001"
//! public_keys = [{ id = "PUB_KEY_ID_...", file = "keys/pub_key.pem" }]
//! certificates = ["keys/wechatpay_cert.pem"]
//! ```
//!
//! Relative paths are relative to the file's directory. An APIv3 key is read from a file or an
//! environment variable named in the file, never written in it, and never printed: messages
//! name the file, the merchant and the field, not a value that could be a key.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::{Table, Value};
use wechatpay_notify::{Apiv3Key, Merchant, PlatformCertificate, RsaPublicKey};

use crate::config::{
    pem_blocks, read_key_file, read_text, wrong_file_hint, KeyInfo, KeyKind, Secret,
};
use crate::error::UsageError;

/// The fields of the file's top level.
/// `serve` is the gateway's table, read by [`crate::serve::config`].
const TOP_FIELDS: &[&str] = &["max_clock_skew", "merchant", "serve"];
/// The fields of a `[[merchant]]`.
const MERCHANT_FIELDS: &[&str] = &[
    "mchid",
    "apiv3_key_file",
    "apiv3_key_env",
    "public_keys",
    "certificates",
];
/// The fields of a `public_keys` entry.
const PUBLIC_KEY_FIELDS: &[&str] = &["id", "file"];

/// A `public_keys` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicKeyEntry {
    id: String,
    file: String,
}

/// Where a merchant's APIv3 key is read from.
enum KeySource {
    /// `apiv3_key_file`, resolved against the file's directory.
    File(PathBuf),
    /// `apiv3_key_env`.
    Env(String),
}

/// The merchants of a `--config` file, every key read and checked.
pub struct Loaded {
    /// `max_clock_skew` of the file, if set.
    pub max_clock_skew: Option<u64>,
    /// The merchants, in the file's order, ready for `VerifierBuilder::merchant`.
    pub merchants: Vec<Merchant>,
    /// The merchant ids, in order.
    pub mchids: Vec<String>,
    /// Every configured key, with its merchant.
    pub keys: Vec<KeyInfo>,
    /// The APIv3 keys (to tell when the APIv2 key is one of them).
    pub apiv3_keys: Vec<Secret>,
    /// Notes about how keys were read.
    pub notes: Vec<String>,
}

/// Messages about one place of the file: `FILE: merchant 1900000001: FIELD: problem`.
struct Place<'a> {
    file: &'a Path,
    /// `merchant 1900000001`, `[[merchant]] #2` (no usable mchid), or empty (top level).
    merchant: String,
}

impl Place<'_> {
    fn error(&self, field: &str, problem: impl std::fmt::Display) -> UsageError {
        let merchant = if self.merchant.is_empty() {
            String::new()
        } else {
            format!("{}: ", self.merchant)
        };
        UsageError::new(format!(
            "{}: {merchant}{field}: {problem}",
            self.file.display()
        ))
    }

    fn note(&self, text: impl std::fmt::Display) -> String {
        format!("{}: {}: {text}", self.file.display(), self.merchant)
    }
}

/// A message of the toml crate or serde without the values it quotes (`invalid type: string
/// "…"` would print whatever was written, a key included).
fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            out.push(c);
            continue;
        }
        let mut escaped = false;
        for d in chars.by_ref() {
            match (escaped, d) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => break,
                _ => {}
            }
        }
        out.push_str("(value not shown)");
    }
    out
}

/// A value that is probably a key written where a file or variable name belongs: 32 letters
/// and digits (an APIv3 key), with no directory, extension or underscore. Such a value is not
/// printed.
fn looks_like_a_key(value: &str) -> bool {
    value.len() == wechatpay_notify::APIV3_KEY_LEN
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A value of the file for a message: as written when it is printable ASCII, quoted and
/// escaped otherwise (a newline or an invisible character shows as `\n`, `\u{feff}`), and not
/// shown at all when it looks like an APIv3 key.
fn shown(value: &str) -> String {
    if looks_like_a_key(value) {
        "(value not shown: it looks like an APIv3 key)".to_owned()
    } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic()) {
        value.to_owned()
    } else {
        format!("\"{}\"", value.escape_debug())
    }
}

/// Refuses a value written where a key id or a file name belongs that looks like an APIv3 key:
/// it is never printed, not even in a later message.
fn not_a_key(place: &Place<'_>, field: &str, value: &str, what: &str) -> Result<(), UsageError> {
    if looks_like_a_key(value) {
        return Err(place.error(
            field,
            format!(
                "the value looks like an APIv3 key (32 letters and digits, not shown), not {what}"
            ),
        ));
    }
    Ok(())
}

/// Deserializes a value with serde, the error naming the field and not the value.
fn value_as<T: DeserializeOwned>(
    place: &Place<'_>,
    name: &str,
    value: &Value,
    wanted: &str,
) -> Result<T, UsageError> {
    value.clone().try_into::<T>().map_err(|e| {
        place.error(
            name,
            format!("{}; it must be {wanted}", redact(e.message())),
        )
    })
}

/// Deserializes one field of `table`, if present.
fn field<T: DeserializeOwned>(
    place: &Place<'_>,
    table: &Table,
    name: &str,
    wanted: &str,
) -> Result<Option<T>, UsageError> {
    table
        .get(name)
        .map(|value| value_as(place, name, value, wanted))
        .transpose()
}

/// Refuses fields other than `known`, with advice for a key written inline.
fn known_fields(
    place: &Place<'_>,
    table: &Table,
    known: &[&str],
    prefix: &str,
) -> Result<(), UsageError> {
    let Some(unknown) = table.keys().find(|k| !known.contains(&k.as_str())) else {
        return Ok(());
    };
    let lower = unknown.to_ascii_lowercase();
    let advice = if prefix.starts_with("public_keys") && (lower == "pem" || lower.contains("key")) {
        "public keys are read from files: { id = \"PUB_KEY_ID_...\", file = \"pub_key.pem\" }"
            .to_owned()
    } else if lower.contains("key") || lower.contains("secret") {
        "keys are never written in the config file: name a file holding the APIv3 key \
         (apiv3_key_file = \"keys/1900000001.apiv3\") or an environment variable \
         (apiv3_key_env = \"WECHATPAY_APIV3_KEY_1900000001\")"
            .to_owned()
    } else {
        format!("the fields are {}", known.join(", "))
    };
    let shown = if looks_like_a_key(unknown) {
        "(name not shown)"
    } else {
        unknown.as_str()
    };
    Err(place.error(
        &format!("{prefix}{shown}"),
        format!("unknown field; {advice}"),
    ))
}

/// The directory relative paths of `file` are resolved against.
fn base_dir(file: &Path) -> PathBuf {
    // `merchants.toml` has the empty parent: its paths stay relative to the current directory.
    file.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// A path of the file, resolved against its directory.
fn resolve(base: &Path, path: &str) -> PathBuf {
    base.join(path)
}

/// The 1-based line and column of a byte offset of `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.len()
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// Reads and checks a `--config` file.
pub fn load(file: &Path) -> Result<Loaded, UsageError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        UsageError::new(format!("--config {}: cannot read it: {e}", file.display()))
    })?;
    let top: Table = text.parse().map_err(|e: toml::de::Error| {
        let at = e
            .span()
            .map(|s| {
                let (line, col) = line_col(&text, s.start);
                format!(" at line {line}, column {col}")
            })
            .unwrap_or_default();
        UsageError::new(format!(
            "{}: not valid TOML{at}: {}",
            file.display(),
            redact(e.message())
        ))
    })?;
    let top_place = Place {
        file,
        merchant: String::new(),
    };
    if top.contains_key("mchid") || top.keys().any(|k| MERCHANT_FIELDS.contains(&k.as_str())) {
        let misplaced = top
            .keys()
            .find(|k| MERCHANT_FIELDS.contains(&k.as_str()))
            .map_or("mchid", String::as_str);
        return Err(top_place.error(
            misplaced,
            "merchant fields go under a [[merchant]] table, one per merchant",
        ));
    }
    known_fields(&top_place, &top, TOP_FIELDS, "")?;
    let max_clock_skew: Option<u64> = field(
        &top_place,
        &top,
        "max_clock_skew",
        "a whole number of seconds",
    )?;
    let tables: Vec<Table> = match top.get("merchant") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::Table(t) => Ok(t.clone()),
                _ => Err(top_place.error("merchant", "each merchant is a [[merchant]] table")),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(top_place.error(
                "merchant",
                "write each merchant as a [[merchant]] table (double brackets)",
            ))
        }
    };
    if tables.is_empty() {
        return Err(UsageError::new(format!(
            "{}: no merchant: list each merchant as a [[merchant]] table with its mchid, \
             apiv3_key_file or apiv3_key_env, and public_keys or certificates",
            file.display()
        )));
    }
    let base = base_dir(file);
    let mut loaded = Loaded {
        max_clock_skew,
        merchants: Vec::new(),
        mchids: Vec::new(),
        keys: Vec::new(),
        apiv3_keys: Vec::new(),
        notes: Vec::new(),
    };
    for (index, table) in tables.iter().enumerate() {
        load_merchant(file, &base, index, table, &mut loaded)?;
    }
    Ok(loaded)
}

/// Reads and checks one `[[merchant]]`.
fn load_merchant(
    file: &Path,
    base: &Path,
    index: usize,
    table: &Table,
    loaded: &mut Loaded,
) -> Result<(), UsageError> {
    let nth = format!("[[merchant]] #{}", index + 1);
    let mut place = Place {
        file,
        merchant: match table.get("mchid") {
            Some(Value::String(id)) if !id.trim().is_empty() && !looks_like_a_key(id) => {
                format!("merchant {}", shown(id))
            }
            _ => nth.clone(),
        },
    };
    known_fields(&place, table, MERCHANT_FIELDS, "")?;
    let mchid: String = field(&place, table, "mchid", "a string (the merchant id, 商户号)")?
        .ok_or_else(|| {
            place.error(
                "mchid",
                "missing: the merchant id (商户号), e.g. mchid = \"1900000001\"",
            )
        })?;
    if mchid.trim().is_empty() {
        return Err(place.error("mchid", "empty"));
    }
    if looks_like_a_key(&mchid) && mchid.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Err(place.error(
            "mchid",
            "the value looks like an APIv3 key (32 letters and digits, not shown), not a \
             merchant id (商户号, digits)",
        ));
    }
    if mchid.trim() != mchid {
        return Err(place.error("mchid", "has leading or trailing spaces"));
    }
    if let Some(first) = loaded.mchids.iter().position(|m| *m == mchid) {
        return Err(place.error(
            "mchid",
            format!(
                "configured twice ([[merchant]] #{} and {nth}): list each merchant once, with \
                 all its keys",
                first + 1
            ),
        ));
    }
    place.merchant = format!("merchant {}", shown(&mchid));

    // The APIv3 key: a file or an environment variable, exactly one.
    let key_file: Option<String> =
        field(&place, table, "apiv3_key_file", "a string (a file path)")?;
    let key_env: Option<String> = field(
        &place,
        table,
        "apiv3_key_env",
        "a string (an environment variable name)",
    )?;
    let source = match (key_file, key_env) {
        (Some(_), Some(_)) => {
            return Err(place.error(
                "apiv3_key_file",
                "give apiv3_key_file or apiv3_key_env, not both",
            ))
        }
        (None, None) => {
            return Err(place.error(
                "apiv3_key_file",
                "missing: name the file holding the merchant's APIv3 key (apiv3_key_file = \
                 \"keys/1900000001.apiv3\") or an environment variable holding it \
                 (apiv3_key_env = \"WECHATPAY_APIV3_KEY_1900000001\")",
            ))
        }
        (Some(path), None) => {
            if looks_like_a_key(&path) {
                return Err(place.error(
                    "apiv3_key_file",
                    "the value looks like an APIv3 key itself (32 letters and digits, not \
                     shown): write the key into a file and name that file here",
                ));
            }
            KeySource::File(resolve(base, &path))
        }
        (None, Some(name)) => {
            if looks_like_a_key(&name) {
                return Err(place.error(
                    "apiv3_key_env",
                    "the value looks like an APIv3 key itself (32 letters and digits, not \
                     shown): set an environment variable to the key and name the variable here",
                ));
            }
            if name.is_empty() || name.contains('=') || name.contains('\0') {
                return Err(place.error("apiv3_key_env", "not an environment variable name"));
            }
            KeySource::Env(name)
        }
    };
    let (secret, field_name, from) = match &source {
        KeySource::File(path) => {
            let (secret, trimmed) = read_key_file(path).map_err(|e| {
                place.error(
                    "apiv3_key_file",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            if trimmed {
                loaded.notes.push(place.note(format!(
                    "apiv3_key_file {} ends with a newline, which was ignored here; make sure \
                     your application strips it too (a 33-byte key fails)",
                    path.display()
                )));
            }
            (secret, "apiv3_key_file", path.display().to_string())
        }
        KeySource::Env(name) => match std::env::var_os(name) {
            Some(v) if !v.is_empty() => (
                Secret::new(v.as_encoded_bytes().to_vec()),
                "apiv3_key_env",
                format!("${name}"),
            ),
            _ => {
                return Err(place.error(
                    "apiv3_key_env",
                    format!("the environment variable {name} is not set (or empty)"),
                ))
            }
        },
    };
    Apiv3Key::new(secret.bytes())
        .map_err(|e| place.error(field_name, format!("{from}: {}", e.message())))?;
    let mut merchant = Merchant::new(mchid.clone(), secret.bytes());

    // The WeChat Pay keys.
    let public_keys = match table.get("public_keys") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let name = format!("public_keys[{i}]");
                let Value::Table(t) = item else {
                    return Err(place.error(
                        &name,
                        "each public key is { id = \"PUB_KEY_ID_...\", file = \"pub_key.pem\" }",
                    ));
                };
                known_fields(&place, t, PUBLIC_KEY_FIELDS, &format!("{name}."))?;
                let entry: PublicKeyEntry = value_as(
                    &place,
                    &name,
                    item,
                    "{ id = \"PUB_KEY_ID_...\", file = \"pub_key.pem\" }, both strings",
                )?;
                out.push((name, entry));
            }
            out
        }
        Some(_) => return Err(place.error(
            "public_keys",
            "must be a list: public_keys = [{ id = \"PUB_KEY_ID_...\", file = \"pub_key.pem\" }]",
        )),
    };
    let certificates: Vec<String> = field(
        &place,
        table,
        "certificates",
        "a list of file paths: certificates = [\"keys/wechatpay_cert.pem\"]",
    )?
    .unwrap_or_default();
    if public_keys.is_empty() && certificates.is_empty() {
        return Err(place.error(
            "public_keys",
            "no WeChat Pay key: give public_keys = [{ id = \"PUB_KEY_ID_...\", file = \
             \"pub_key.pem\" }] (微信支付公钥) or certificates = [\"wechatpay_cert.pem\"] (平台证书), \
             or both",
        ));
    }
    for (name, entry) in public_keys {
        if entry.id.trim().is_empty() {
            return Err(place.error(&format!("{name}.id"), "empty"));
        }
        not_a_key(
            &place,
            &format!("{name}.id"),
            &entry.id,
            "a public key id (PUB_KEY_ID_...)",
        )?;
        not_a_key(&place, &format!("{name}.file"), &entry.file, "a file name")?;
        if entry.file.trim_start().starts_with("-----BEGIN") {
            return Err(place.error(
                &format!("{name}.file"),
                "holds PEM text: save the public key to a file and name the file here",
            ));
        }
        let path = resolve(base, &entry.file);
        let text =
            read_text(&path).map_err(|e| place.error(&format!("{name}.file"), e.message()))?;
        if let Err(e) = RsaPublicKey::from_pem(text.as_bytes()) {
            return Err(place.error(
                &format!("{name}.file"),
                format!(
                    "{}: {}; {}",
                    path.display(),
                    e.message(),
                    wrong_file_hint(
                        &text,
                        "the 微信支付公钥 file (pub_key.pem) starts with -----BEGIN PUBLIC KEY-----",
                        true
                    )
                ),
            ));
        }
        if !entry.id.starts_with(wechatpay_notify::PUBLIC_KEY_ID_PREFIX) {
            loaded.notes.push(place.note(format!(
                "{name}.id {} does not start with {}: WeChat Pay public key ids do, and a \
                 callback's Wechatpay-Serial must match the id exactly",
                shown(&entry.id),
                wechatpay_notify::PUBLIC_KEY_ID_PREFIX
            )));
        }
        merchant = merchant.public_key(entry.id.clone(), text.as_bytes());
        loaded.keys.push(KeyInfo {
            id: entry.id,
            kind: KeyKind::PublicKey,
            file: path,
            mchid: Some(mchid.clone()),
        });
    }
    for (i, cert) in certificates.iter().enumerate() {
        let name = format!("certificates[{i}]");
        not_a_key(&place, &name, cert, "a certificate file name")?;
        if cert.trim_start().starts_with("-----BEGIN") {
            return Err(place.error(
                &name,
                "holds PEM text: save the certificate to a file and name the file here",
            ));
        }
        let path = resolve(base, cert);
        let text = read_text(&path).map_err(|e| place.error(&name, e.message()))?;
        let blocks = pem_blocks(&text, "CERTIFICATE");
        if blocks.is_empty() {
            return Err(place.error(
                &name,
                format!(
                    "{}: no -----BEGIN CERTIFICATE----- block; {}",
                    path.display(),
                    wrong_file_hint(
                        &text,
                        "a platform certificate is an X.509 PEM certificate",
                        true
                    )
                ),
            ));
        }
        for block in blocks {
            let parsed = PlatformCertificate::from_pem(block)
                .map_err(|e| place.error(&name, format!("{}: {}", path.display(), e.message())))?;
            loaded.keys.push(KeyInfo {
                id: parsed.serial().to_owned(),
                kind: KeyKind::Certificate {
                    not_before: parsed.not_before(),
                    not_after: parsed.not_after(),
                },
                file: path.clone(),
                mchid: Some(mchid.clone()),
            });
            merchant = merchant.platform_certificate(block);
        }
    }
    loaded.merchants.push(merchant);
    loaded.mchids.push(mchid);
    loaded.apiv3_keys.push(secret);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_redacted() {
        assert_eq!(
            redact(r#"invalid type: string "0123\"abc", expected u64"#),
            "invalid type: string (value not shown), expected u64"
        );
        assert_eq!(redact("unknown field `x`"), "unknown field `x`");
    }

    #[test]
    fn lines_and_columns() {
        assert_eq!(line_col("a\nbc\nd", 0), (1, 1));
        assert_eq!(line_col("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_col("a\nbc\nd", 99), (3, 2));
    }

    #[test]
    fn keys_are_recognised() {
        assert!(looks_like_a_key("0123456789abcdef0123456789ABCDEF"));
        assert!(!looks_like_a_key("WECHATPAY_APIV3_KEY_190000000123"));
        assert!(!looks_like_a_key("keys/1900000001.apiv3"));
    }
}
