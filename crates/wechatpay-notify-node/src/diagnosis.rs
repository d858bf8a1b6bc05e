//! `Diagnosis` and `Check`: every check of a callback and its outcome, as the core's
//! diagnosis reports it (`Verifier.diagnose`, `V2Verifier.diagnose`).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use wechatpay_notify::diagnose::{Check as CoreCheck, Hint};
use wechatpay_notify::Error as CoreError;

use crate::errors::to_js_error;

/// One check: its step number (`docs/protocol.md` for APIv3, `docs/apiv2.md` for APIv2),
/// what it checks, and its outcome.
#[napi(object, object_from_js = false)]
pub struct Check {
    /// The step number.
    pub step: u8,
    /// What the step checks, in a few words.
    pub name: &'static str,
    /// `"passed"`, `"failed"` or `"skipped"`.
    #[napi(ts_type = "'passed' | 'failed' | 'skipped'")]
    pub status: &'static str,
    /// The error code when the check failed, else `null`.
    #[napi(ts_type = "string | null")]
    pub code: Either<&'static str, Null>,
    /// Why it failed (the error's message), why it was skipped, or `""` when it passed.
    pub message: String,
}

impl From<CoreCheck> for Check {
    fn from(check: CoreCheck) -> Self {
        let status = &check.status;
        Check {
            step: check.step,
            name: check.name,
            status: status.as_str(),
            code: status
                .code()
                .map_or(Either::B(Null), |c| Either::A(c.as_str())),
            message: status.message().to_owned(),
        }
    }
}

/// Every check of one callback and the verdict: what `wechatpay-notify doctor` shows.
#[napi]
pub struct Diagnosis {
    kind: &'static str,
    checks: Vec<CoreCheck>,
    error: Option<CoreError>,
    hints: Vec<&'static str>,
}

impl Diagnosis {
    /// A core diagnosis: its kind, checks and the verdict's error, if any.
    pub(crate) fn new(
        kind: &'static str,
        checks: Vec<CoreCheck>,
        error: Option<CoreError>,
    ) -> Self {
        Diagnosis {
            kind,
            checks,
            error,
            hints: Vec::new(),
        }
    }

    /// The diagnosis with the core's signs of a re-serialized body (APIv3 only).
    pub(crate) fn with_hints(mut self, hints: &[Hint]) -> Self {
        self.hints = hints.iter().map(|h| h.as_str()).collect();
        self
    }
}

#[napi]
impl Diagnosis {
    /// What was checked: `"v3"`, `"v2_payment"` or `"v2_refund"`.
    #[napi(getter, ts_return_type = "'v3' | 'v2_payment' | 'v2_refund'")]
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The checks, in order.
    #[napi(getter)]
    pub fn checks(&self) -> Vec<Check> {
        self.checks.iter().cloned().map(Check::from).collect()
    }

    /// Whether the callback would be accepted.
    #[napi(getter)]
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// Signs that the body was re-serialized before it reached the verifier (a framework
    /// parsed the JSON and wrote it out again), as short explanations.
    #[napi(getter)]
    pub fn hints(&self) -> Vec<&'static str> {
        self.hints.clone()
    }

    /// The error `parse` throws for this callback, or `null` when it would be accepted.
    #[napi(getter, ts_return_type = "NotificationError | null")]
    pub fn error(&self, env: &Env) -> Option<Error> {
        // The error object itself (napi-rs hands back the object made), not thrown.
        self.error.clone().map(|e| to_js_error(env, e))
    }
}
