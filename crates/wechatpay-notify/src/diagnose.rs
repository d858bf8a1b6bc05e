//! Explaining a callback: every check of `docs/protocol.md`, run as far as its inputs allow,
//! instead of stopping at the first failure, and the signs of a re-serialized body when the
//! signature does not match. This is what `wechatpay-notify doctor` prints.

use crate::checks::{self, SignedHeaders};
use crate::error::{Error, ErrorCode, Result};
use crate::headers::{Headers, HEADER_NONCE, HEADER_SERIAL, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use crate::keys::ConfiguredKey;
use crate::notification::Notification;
use crate::reserialized;
use crate::resource::decode_sealed;
use crate::verifier::Verifier;

pub use crate::reserialized::Hint;

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckStatus {
    /// The check ran and passed.
    Passed,
    /// The check ran and failed with this error.
    Failed(Error),
    /// The check could not run because an earlier one failed; the reason says which.
    Skipped(&'static str),
}

impl CheckStatus {
    /// `"passed"`, `"failed"` or `"skipped"`: the status's name in every binding.
    pub fn as_str(&self) -> &'static str {
        match self {
            CheckStatus::Passed => "passed",
            CheckStatus::Failed(_) => "failed",
            CheckStatus::Skipped(_) => "skipped",
        }
    }

    /// The error code of a failed check; `None` when it passed or was skipped.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CheckStatus::Failed(e) => Some(e.code()),
            _ => None,
        }
    }

    /// Why it failed (the error's log-safe message), why it was skipped, or `""` when it passed.
    pub fn message(&self) -> &str {
        match self {
            CheckStatus::Passed => "",
            CheckStatus::Failed(e) => e.message(),
            CheckStatus::Skipped(why) => why,
        }
    }
}

/// One check of `docs/protocol.md` (or of `docs/apiv2.md`) and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The step number (0-15 for APIv3, `docs/protocol.md`; see `docs/apiv2.md` for APIv2).
    pub step: u8,
    /// What the step checks, in a few words.
    pub name: &'static str,
    /// What happened.
    pub status: CheckStatus,
}

/// Every check of one callback, and the verdict [`Verifier::parse_at`] gives for it.
#[derive(Clone, Debug)]
pub struct Diagnosis {
    /// The 16 checks, in order.
    pub checks: Vec<Check>,
    /// Exactly what `parse_at` returns for the same input.
    pub verdict: Result<Notification>,
    /// When step 10 (the signature) failed: the signs that the body was parsed and written
    /// out again after it was signed (pretty-printed, spaced, escaped), each once, in the
    /// order they first appear in the body. Step 10's message names them too (the verdict's
    /// message does not: `parse_at` never looks for them). Empty when step 10 passed, did not
    /// run, or the body shows no such sign.
    pub hints: Vec<Hint>,
}

impl Diagnosis {
    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = (&Check, &Error)> {
        self.checks.iter().filter_map(|c| match &c.status {
            CheckStatus::Failed(e) => Some((c, e)),
            _ => None,
        })
    }
}

/// Names of the 16 steps, indexed by step number.
pub const STEP_NAMES: [&str; 16] = [
    "body size within limit",
    "body is JSON, not APIv2 XML",
    "Wechatpay-Serial/Signature/Timestamp/Nonce present",
    "Wechatpay-Signature-Type supported",
    "Wechatpay-Timestamp is decimal seconds",
    "timestamp within allowed clock skew",
    "not a WECHATPAY/SIGNTEST/ probe",
    "serial matches a configured key",
    "certificate inside its validity period",
    "signature is base64 of the key's length",
    "RSA-SHA256 signature matches",
    "body is a JSON notification with a resource",
    "resource algorithm is AEAD_AES_256_GCM",
    "resource nonce and ciphertext well-formed",
    "AES-256-GCM decryption with the APIv3 key",
    "decrypted resource is JSON",
];

/// Collects the outcome of each step, named from a table of step names.
pub(crate) struct Recorder {
    names: &'static [&'static str],
    checks: Vec<Check>,
}

impl Recorder {
    /// A recorder for the steps named by `names` (indexed by step number).
    pub(crate) fn new(names: &'static [&'static str]) -> Recorder {
        Recorder {
            names,
            checks: Vec::with_capacity(names.len()),
        }
    }

    /// The checks recorded so far.
    pub(crate) fn into_checks(self) -> Vec<Check> {
        self.checks
    }

    /// Records a check's result; its value when it passed.
    pub(crate) fn record<T>(&mut self, step: u8, result: Result<T>) -> Option<T> {
        let (status, value) = match result {
            Ok(v) => (CheckStatus::Passed, Some(v)),
            Err(e) => (CheckStatus::Failed(e), None),
        };
        self.push(step, status);
        value
    }

    /// Records a check that could not run.
    pub(crate) fn skip(&mut self, step: u8, why: &'static str) {
        self.push(step, CheckStatus::Skipped(why));
    }

    /// Records every step from `from` to the last as skipped.
    pub(crate) fn skip_rest(&mut self, from: u8, why: &'static str) {
        let last = u8::try_from(self.names.len()).unwrap_or(u8::MAX);
        (from..last).for_each(|s| self.skip(s, why));
    }

    fn push(&mut self, step: u8, status: CheckStatus) {
        self.checks.push(Check {
            step,
            name: self.names.get(usize::from(step)).copied().unwrap_or(""),
            status,
        });
    }
}

impl Verifier {
    /// Runs every check of `docs/protocol.md` on a callback at time `now`, continuing past
    /// failures wherever the later checks still have their inputs.
    pub fn diagnose_at<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Diagnosis {
        let verdict = self.parse_at(headers, body, now);
        let mut r = Recorder::new(&STEP_NAMES);
        if r.record(0, checks::body_size(body, self.max_body_size()))
            .is_none()
        {
            r.skip_rest(1, "body too large to examine");
            return Diagnosis {
                checks: r.into_checks(),
                verdict,
                hints: Vec::new(),
            };
        }
        if r.record(1, checks::not_xml(body)).is_none() {
            r.skip_rest(2, "XML body: use the APIv2 checks");
            return Diagnosis {
                checks: r.into_checks(),
                verdict,
                hints: Vec::new(),
            };
        }
        let mut hints = Vec::new();
        let key = self.diagnose_signature(&mut r, &mut hints, headers, body, now);
        self.diagnose_resource(&mut r, body, key);
        Diagnosis {
            checks: r.into_checks(),
            verdict,
            hints,
        }
    }

    /// Steps 2-10; a failed step 10 gets the signs of a re-serialized body, in `hints` and in
    /// its message.
    fn diagnose_signature<H: Headers + ?Sized>(
        &self,
        r: &mut Recorder,
        hints: &mut Vec<Hint>,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Option<&ConfiguredKey> {
        r.record(2, SignedHeaders::read(headers));
        r.record(3, checks::signature_type(headers));
        let serial = checks::header(headers, HEADER_SERIAL);
        let signature = checks::header(headers, HEADER_SIGNATURE);
        let timestamp_value = checks::header(headers, HEADER_TIMESTAMP);
        let nonce = checks::header(headers, HEADER_NONCE);
        let timestamp = match timestamp_value {
            Some(v) => r.record(4, checks::timestamp(v)),
            None => {
                r.skip(4, "no Wechatpay-Timestamp");
                None
            }
        };
        match timestamp {
            Some(ts) => {
                r.record(5, checks::clock_skew(ts, now, self.max_clock_skew()));
            }
            None => r.skip(5, "no usable timestamp"),
        }
        let probe_free = match signature {
            Some(sig) => r.record(6, checks::not_probe(sig)).is_some(),
            None => {
                r.skip(6, "no Wechatpay-Signature");
                false
            }
        };
        let key = match serial {
            Some(serial) => r.record(7, self.keys().find(serial)),
            None => {
                r.skip(7, "no Wechatpay-Serial");
                None
            }
        };
        match key {
            Some(key) => {
                r.record(8, checks::key_validity(key, now));
            }
            None => r.skip(8, "no matching key"),
        }
        let decoded = match (key, signature) {
            (Some(key), Some(sig)) if probe_free => {
                r.record(9, checks::decode_signature(sig, &key.key))
            }
            _ => {
                r.skip(9, "no matching key or no real signature");
                None
            }
        };
        match (key, decoded, timestamp_value, nonce, serial, signature) {
            (
                Some(key),
                Some(decoded),
                Some(timestamp),
                Some(nonce),
                Some(serial),
                Some(signature),
            ) => {
                let signed = SignedHeaders {
                    serial,
                    signature,
                    timestamp,
                    nonce,
                };
                let checked =
                    checks::rsa_signature(&key.key, &signed, body, &decoded).map_err(|e| {
                        *hints = reserialized::reserialized_signs(body);
                        reserialized::explain(e, hints)
                    });
                r.record(10, checked);
            }
            _ => r.skip(10, "signature inputs incomplete"),
        }
        key
    }

    /// Steps 11-15; step 14 tries the APIv3 keys of the merchants of `key` (of every merchant
    /// when step 7 found none).
    fn diagnose_resource(&self, r: &mut Recorder, body: &[u8], key: Option<&ConfiguredKey>) {
        let Some(envelope) = r.record(11, checks::parse_envelope(body)) else {
            r.skip_rest(12, "no notification envelope");
            return;
        };
        r.record(12, checks::algorithm(&envelope));
        let Some(fields) = r.record(
            13,
            checks::resource_fields(&envelope).and_then(|f| {
                decode_sealed(f.nonce.as_bytes(), f.ciphertext.as_bytes()).map(|sealed| (f, sealed))
            }),
        ) else {
            r.skip_rest(14, "resource fields unusable");
            return;
        };
        let (f, sealed) = fields;
        let opened = self.open_for(key, |apiv3| {
            apiv3.open(
                f.nonce.as_bytes(),
                f.associated_data.as_bytes(),
                sealed.clone(),
            )
        });
        match r.record(14, opened) {
            Some((plain, _)) => {
                r.record(15, checks::plaintext_json(plain));
            }
            None => r.skip(15, "not decrypted"),
        }
    }
}
