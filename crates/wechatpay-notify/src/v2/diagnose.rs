//! Explaining an APIv2 notification: every check of `docs/apiv2.md`, run as far as its inputs
//! allow, with the same [`Check`] records as the APIv3 diagnosis.

use std::collections::BTreeMap;

use super::{
    flat_xml, format, refund, req_info_field, return_code, sign_field, sign_type, V2Refund,
    V2Verifier,
};
use crate::diagnose::{Check, Recorder};
use crate::error::Result;

/// Names of the APIv2 steps, indexed by step number: 0-3 for both kinds, then 4-6 for a
/// payment (`V2_STEP_NAMES`) or 4-5 for a refund (`V2_REFUND_STEP_NAMES`).
pub const V2_STEP_NAMES: [&str; 7] = [
    "body size within limit",
    "body is XML, not APIv3 JSON",
    "flat <xml> document, no DTD or entities",
    "return_code is SUCCESS",
    "sign present",
    "sign_type supported (or sign length tells it)",
    "sign matches, with the APIv2 key",
];

/// The refund's steps: 0-3 as for payments, then `req_info`.
pub const V2_REFUND_STEP_NAMES: [&str; 6] = [
    V2_STEP_NAMES[0],
    V2_STEP_NAMES[1],
    V2_STEP_NAMES[2],
    V2_STEP_NAMES[3],
    "req_info present",
    "req_info decrypts (AES-256-ECB, key MD5 of the APIv2 key) to a flat <root>",
];

/// Which APIv2 notification a diagnosis checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V2Kind {
    /// A payment result (支付结果通知), signed with the APIv2 key.
    Payment,
    /// A refund result (退款结果通知), with an encrypted `req_info`.
    Refund,
}

impl V2Kind {
    /// `"payment"` or `"refund"`.
    pub fn as_str(self) -> &'static str {
        match self {
            V2Kind::Payment => "payment",
            V2Kind::Refund => "refund",
        }
    }
}

/// An accepted APIv2 notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum V2Notification {
    /// Every field of a payment result, `sign` included.
    Payment(BTreeMap<String, String>),
    /// A refund result, `req_info` decrypted.
    Refund(V2Refund),
}

/// Every check of one APIv2 notification, and the verdict.
#[derive(Clone, Debug)]
pub struct V2Diagnosis {
    /// What the body was checked as: a refund when it has a `req_info` field, else a payment.
    pub kind: V2Kind,
    /// The checks, in step order (7 for a payment, 6 for a refund).
    pub checks: Vec<Check>,
    /// Exactly what `parse_payment` (payment) or `parse_refund` (refund) returns.
    pub verdict: Result<V2Notification>,
}

pub(super) fn run(v: &V2Verifier, xml: &[u8]) -> V2Diagnosis {
    let fields = flat_xml(xml).ok();
    let kind = match &fields {
        Some(f) if f.contains_key("req_info") => V2Kind::Refund,
        _ => V2Kind::Payment,
    };
    let (names, verdict): (&'static [&'static str], _) = match kind {
        V2Kind::Payment => (
            &V2_STEP_NAMES,
            v.parse_payment(xml).map(V2Notification::Payment),
        ),
        V2Kind::Refund => (
            &V2_REFUND_STEP_NAMES,
            v.parse_refund(xml).map(V2Notification::Refund),
        ),
    };
    let mut r = Recorder::new(names);
    if r.record(0, v.size(xml)).is_none() {
        r.skip_rest(1, "body too large to examine");
    } else if r.record(1, format(xml)).is_none() {
        r.skip_rest(2, "JSON body: use the APIv3 checks");
    } else if let Some(fields) = r.record(2, flat_xml(xml)) {
        r.record(3, return_code(&fields));
        match kind {
            V2Kind::Payment => payment(v, &mut r, &fields),
            V2Kind::Refund => refund(v, &mut r, &fields),
        }
    } else {
        r.skip_rest(3, "no XML fields");
    }
    V2Diagnosis {
        kind,
        checks: r.into_checks(),
        verdict,
    }
}

fn payment(v: &V2Verifier, r: &mut Recorder, fields: &BTreeMap<String, String>) {
    let Some(received) = r.record(4, sign_field(fields)) else {
        r.skip_rest(5, "no sign");
        return;
    };
    match r.record(5, sign_type(fields, received)) {
        Some(t) => {
            r.record(6, v.sign_matches(fields, received, t));
        }
        None => r.skip(6, "no usable sign type"),
    }
}

fn refund(v: &V2Verifier, r: &mut Recorder, fields: &BTreeMap<String, String>) {
    match r.record(4, req_info_field(fields)) {
        Some(info) => {
            r.record(5, refund::decrypt_req_info(&v.refund_key, info));
        }
        None => r.skip(5, "no req_info"),
    }
}
