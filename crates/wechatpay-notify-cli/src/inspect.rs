//! Running the checks on one callback through the core's diagnoses: APIv3
//! (`docs/protocol.md`) with `Verifier::diagnose_at`, APIv2 (`docs/apiv2.md`) with
//! `V2Verifier::diagnose`. Shared by `doctor`, `parse` and `listen`.

use std::collections::BTreeMap;

use wechatpay_notify::diagnose::{Check, CheckStatus, Hint};
use wechatpay_notify::v2::{parse_xml_fields, V2Kind, V2Notification, V2Refund};
use wechatpay_notify::{looks_like_xml, Error, ErrorCode, Headers, Notification, Reply};

use crate::config::Config;
use crate::error::UsageError;

/// Which kind of callback was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// APIv3 JSON.
    V3,
    /// APIv2 payment result XML.
    V2Payment,
    /// APIv2 refund result XML (encrypted `req_info`).
    V2Refund,
}

impl Protocol {
    /// A short name: `v3`, `v2-payment`, `v2-refund`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::V3 => "v3",
            Protocol::V2Payment => "v2-payment",
            Protocol::V2Refund => "v2-refund",
        }
    }

    /// True for the APIv2 kinds.
    pub fn is_v2(self) -> bool {
        self != Protocol::V3
    }
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepStatus {
    /// Passed.
    Passed,
    /// Failed with this error.
    Failed(Error),
    /// Not run, for this reason.
    Skipped(String),
}

/// One check and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Step number within its protocol's list.
    pub number: u8,
    /// What it checks.
    pub name: &'static str,
    /// What happened.
    pub status: StepStatus,
}

/// A verified (and decrypted) callback.
#[derive(Clone, Debug)]
pub enum Accepted {
    /// APIv3.
    V3(Notification),
    /// APIv2 payment: every field.
    V2Payment(BTreeMap<String, String>),
    /// APIv2 refund: outer fields and decrypted `req_info`.
    V2Refund(V2Refund),
}

/// Every check of one callback and the verdict.
#[derive(Clone, Debug)]
pub struct Report {
    /// Which checks ran.
    pub protocol: Protocol,
    /// The checks, in order.
    pub steps: Vec<Step>,
    /// What a handler using the library gets.
    pub verdict: Result<Accepted, Error>,
    /// The time checked against.
    pub now: i64,
    /// The core's signs of a re-serialized body, when the signature failed (APIv3 only).
    pub hints: Vec<Hint>,
}

impl Report {
    /// The verdict code, or `None` when accepted.
    pub fn code(&self) -> Option<ErrorCode> {
        self.verdict.as_ref().err().map(Error::code)
    }

    /// True when accepted.
    pub fn accepted(&self) -> bool {
        self.verdict.is_ok()
    }

    /// The exact reply the endpoint should send.
    pub fn reply(&self) -> Reply {
        match (&self.verdict, self.protocol.is_v2()) {
            (Ok(_), false) => Reply::success(),
            (Ok(_), true) => Reply::v2_success(),
            (Err(e), false) => Reply::failure(e),
            (Err(e), true) => Reply::v2_failure(&e.to_string()),
        }
    }

    /// The notification id: verified when accepted, else read from the body (unverified;
    /// for APIv2 the `transaction_id`, or the refund's id once `req_info` is decrypted).
    pub fn id(&self, body: &[u8]) -> Option<String> {
        match &self.verdict {
            Ok(Accepted::V3(n)) => Some(n.id().to_owned()),
            Ok(Accepted::V2Payment(f)) => f
                .get("transaction_id")
                .or_else(|| f.get("out_trade_no"))
                .cloned(),
            Ok(Accepted::V2Refund(r)) => r
                .req_info
                .get("refund_id")
                .or_else(|| r.req_info.get("out_refund_no"))
                .cloned(),
            Err(_) if self.protocol.is_v2() => parse_xml_fields(body, "xml")
                .ok()
                .and_then(|mut fields| fields.remove("transaction_id")),
            Err(_) => sniff_json_str(body, "id"),
        }
    }

    /// The merchant (mchid) of an accepted APIv3 callback, with `--config`.
    pub fn mchid(&self) -> Option<&str> {
        match &self.verdict {
            Ok(Accepted::V3(n)) => n.mchid(),
            _ => None,
        }
    }

    /// The event catalog kind of an accepted APIv3 callback (`docs/events.md`).
    pub fn kind(&self) -> Option<&'static str> {
        match &self.verdict {
            Ok(Accepted::V3(n)) => Some(n.kind().as_str()),
            _ => None,
        }
    }

    /// The event: `event_type` for APIv3, a description for APIv2.
    pub fn event(&self, body: &[u8]) -> Option<String> {
        match &self.verdict {
            Ok(Accepted::V3(n)) => Some(n.event_type().to_owned()),
            Ok(Accepted::V2Payment(f)) => Some(format!(
                "v2 payment {}",
                f.get("result_code").map_or("?", String::as_str)
            )),
            Ok(Accepted::V2Refund(r)) => Some(format!(
                "v2 refund {}",
                r.req_info.get("refund_status").map_or("?", String::as_str)
            )),
            Err(_) if self.protocol.is_v2() => Some(format!(
                "v2 {}",
                match self.protocol {
                    Protocol::V2Refund => "refund",
                    _ => "payment",
                }
            )),
            Err(_) => sniff_json_str(body, "event_type"),
        }
    }
}

/// A top-level string field of a JSON body, without verifying anything (for display only).
pub fn sniff_json_str(body: &[u8], field: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get(field)?.as_str().map(str::to_owned)
}

/// Runs the checks that fit the body and the configuration.
///
/// XML goes to the APIv2 checks when an APIv2 key is configured (to the APIv3 ones, which
/// refuse it, otherwise); anything else to the APIv3 checks, or to the APIv2 ones when only
/// an APIv2 key is configured or `force_v2` is set.
pub fn inspect<H: Headers + ?Sized>(
    config: &Config,
    headers: &H,
    body: &[u8],
    force_v2: bool,
) -> Result<Report, UsageError> {
    let now = config.now();
    let xml = looks_like_xml(body);
    let use_v2 = force_v2 || (xml && config.v2.is_some()) || config.verifier.is_none();
    if use_v2 {
        let Some(v2) = &config.v2 else {
            let why = if xml || force_v2 {
                "this is an APIv2 (XML) callback: pass the APIv2 key with --v2-key-file FILE, \
                 --v2-key KEY or WECHATPAY_V2_KEY"
                    .to_owned()
            } else {
                config.missing_v3_reason()
            };
            return Err(UsageError::new(why));
        };
        let d = v2.diagnose(body);
        let protocol = match d.kind {
            V2Kind::Payment => Protocol::V2Payment,
            V2Kind::Refund => Protocol::V2Refund,
        };
        return Ok(Report {
            protocol,
            steps: steps(d.checks),
            verdict: d.verdict.map(|n| match n {
                V2Notification::Payment(fields) => Accepted::V2Payment(fields),
                V2Notification::Refund(refund) => Accepted::V2Refund(refund),
            }),
            now,
            hints: Vec::new(),
        });
    }
    let verifier = config
        .verifier
        .as_ref()
        .ok_or_else(|| UsageError::new(config.missing_v3_reason()))?;
    let diagnosis = verifier.diagnose_at(headers, body, now);
    Ok(Report {
        protocol: Protocol::V3,
        steps: steps(diagnosis.checks),
        verdict: diagnosis.verdict.map(Accepted::V3),
        now,
        hints: diagnosis.hints,
    })
}

/// The core's checks as the CLI shows them.
fn steps(checks: Vec<Check>) -> Vec<Step> {
    checks
        .into_iter()
        .map(|c| Step {
            number: c.step,
            name: c.name,
            status: match c.status {
                CheckStatus::Passed => StepStatus::Passed,
                CheckStatus::Failed(e) => StepStatus::Failed(e),
                CheckStatus::Skipped(why) => StepStatus::Skipped(why.to_owned()),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_sniffing() {
        assert_eq!(
            sniff_json_str(br#"{"id":"EV-1","x":2}"#, "id").as_deref(),
            Some("EV-1")
        );
        assert_eq!(sniff_json_str(b"<xml/>", "id"), None);
    }
}
