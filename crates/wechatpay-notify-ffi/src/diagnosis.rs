//! Explaining a callback: every check of `docs/protocol.md` and its outcome.

use wechatpay_notify::diagnose::{Check, CheckStatus, Hint};

use crate::error::wpn_error;
use crate::guard::{arg, free_handle, guard, into_handle, out_arg};
use crate::notification::wpn_notification;
use crate::result::wpn_result;
use crate::strings::{bytes_arg, put, wpn_str, Empty};
use crate::v2::wpn_v2_verifier;
use crate::verifier::{resolve_now, wpn_verifier, Request};

/// The outcome of one check.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wpn_check_status {
    /// The check ran and passed.
    WPN_CHECK_PASSED = 0,
    /// The check ran and failed; `code` and `message` say why.
    WPN_CHECK_FAILED = 1,
    /// The check could not run because an earlier one failed; `message` says which.
    WPN_CHECK_SKIPPED = 2,
}

/// One check of a diagnosis, as written by `wpn_diagnosis_get()`. Its strings borrow from the
/// `wpn_diagnosis`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_check {
    /// The step number: 0-15 of `docs/protocol.md` (APIv3) or 0-6 of `docs/apiv2.md`.
    pub step: u32,
    /// What happened.
    pub status: wpn_check_status,
    /// The failure's code when `status` is `WPN_CHECK_FAILED`, else `WPN_OK`.
    pub code: wpn_result,
    /// What the step checks, in a few words.
    pub name: wpn_str,
    /// The failure's message (failed), why it was skipped (skipped), or empty (passed).
    pub message: wpn_str,
}

impl Empty for wpn_check {
    const EMPTY: wpn_check = wpn_check {
        step: 0,
        status: wpn_check_status::WPN_CHECK_SKIPPED,
        code: wpn_result::WPN_OK,
        name: wpn_str::NONE,
        message: wpn_str::NONE,
    };
}

impl wpn_check {
    fn of(check: &Check) -> wpn_check {
        let (status, code, message) = match &check.status {
            CheckStatus::Passed => (wpn_check_status::WPN_CHECK_PASSED, wpn_result::WPN_OK, ""),
            CheckStatus::Failed(e) => (
                wpn_check_status::WPN_CHECK_FAILED,
                e.code().into(),
                e.message(),
            ),
            CheckStatus::Skipped(why) => (
                wpn_check_status::WPN_CHECK_SKIPPED,
                wpn_result::WPN_OK,
                *why,
            ),
        };
        wpn_check {
            step: u32::from(check.step),
            status,
            code,
            name: wpn_str::of(check.name),
            message: wpn_str::of(message),
        }
    }
}

/// Every check of one callback (what `wechatpay-notify doctor` prints), the verdict that
/// `wpn_verifier_parse()` gives for the same input and time, and the signs of a re-serialized
/// body when the signature failed (`wpn_diagnosis_hint()`).
///
/// Owned by the caller, freed with `wpn_diagnosis_free()`; everything read from it borrows
/// from it. Immutable: it may be read from any thread.
pub struct wpn_diagnosis {
    checks: Vec<Check>,
    /// The signs of a re-serialized body (APIv3, failed step 10); empty for APIv2.
    hints: Vec<Hint>,
    /// The accepted notification (APIv3 only; `None` for an accepted APIv2 notification), or
    /// the refusal.
    verdict: Result<Option<wpn_notification>, wpn_error>,
}

/// Runs every check of `docs/protocol.md` on a callback at `now` (Unix seconds, or
/// `WPN_SYSTEM_CLOCK`), continuing past failures wherever later checks still have their
/// inputs. Arguments as for `wpn_verifier_parse()`. Fails only for a bad argument (or a
/// panic): a refused callback is a successful diagnosis whose verdict is the refusal. On
/// success `*diagnosis_out` is a new diagnosis the caller frees with `wpn_diagnosis_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_diagnose(
    verifier: *const wpn_verifier,
    headers: *const u8,
    headers_len: usize,
    header_lens: *const usize,
    header_count: usize,
    body: *const u8,
    body_len: usize,
    now: i64,
    diagnosis_out: *mut *mut wpn_diagnosis,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(diagnosis_out, "diagnosis_out")?;
        let r = Request::read(
            verifier,
            headers,
            headers_len,
            header_lens,
            header_count,
            body,
            body_len,
        )?;
        let d = r.verifier.diagnose_at(&r.headers, r.body, resolve_now(now));
        *out = into_handle(wpn_diagnosis {
            checks: d.checks,
            hints: d.hints,
            verdict: d
                .verdict
                .map(|n| Some(wpn_notification::new(n)))
                .map_err(Into::into),
        });
        Ok(())
    })
}

/// Runs every check of `docs/apiv2.md` on an APIv2 notification (the raw XML body): a body
/// with a `req_info` field is checked as a refund (6 checks), anything else as a payment (7
/// checks). The verdict is what `wpn_v2_verifier_parse_refund()` or
/// `wpn_v2_verifier_parse_payment()` returns for it; `wpn_diagnosis_notification()` is always
/// NULL for an APIv2 diagnosis (parse the body to read its fields). Fails only for a bad
/// argument. On success `*diagnosis_out` is a new diagnosis the caller frees with
/// `wpn_diagnosis_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_verifier_diagnose(
    verifier: *const wpn_v2_verifier,
    xml: *const u8,
    xml_len: usize,
    diagnosis_out: *mut *mut wpn_diagnosis,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(diagnosis_out, "diagnosis_out")?;
        let verifier = arg(verifier, "verifier")?;
        let xml = bytes_arg(xml, xml_len, "xml")?;
        let d = verifier.inner.diagnose(xml);
        *out = into_handle(wpn_diagnosis {
            checks: d.checks,
            hints: Vec::new(),
            verdict: d.verdict.map(|_| None).map_err(Into::into),
        });
        Ok(())
    })
}

/// The number of checks (16 for APIv3, 7 or 6 for APIv2); 0 if `diagnosis` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_diagnosis_len(diagnosis: *const wpn_diagnosis) -> usize {
    diagnosis.as_ref().map_or(0, |d| d.checks.len())
}

/// Writes check `index` (in step order) to `*check_out`; its strings borrow from the
/// diagnosis. Returns false, writing an empty check, if `diagnosis` is NULL or `index` is out
/// of range.
#[no_mangle]
pub unsafe extern "C" fn wpn_diagnosis_get(
    diagnosis: *const wpn_diagnosis,
    index: usize,
    check_out: *mut wpn_check,
) -> bool {
    put(check_out, || {
        diagnosis
            .as_ref()
            .and_then(|d| d.checks.get(index))
            .map(wpn_check::of)
    })
}

/// The number of signs that the body was re-serialized (parsed and written out again after
/// WeChat Pay signed it: pretty-printed, spaced, escaped), which an APIv3 diagnosis looks for
/// when step 10 (the signature) fails (`docs/protocol.md`, "Signs of a re-serialized body").
/// Step 10's message names them too. 0 when step 10 passed or did not run, for an APIv2
/// diagnosis, and if `diagnosis` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_diagnosis_hint_count(diagnosis: *const wpn_diagnosis) -> usize {
    diagnosis.as_ref().map_or(0, |d| d.hints.len())
}

/// Writes the stable name of sign `index` (in the order the signs first appear in the body)
/// to `*name_out`: `"line_breaks"`, `"indentation"`, `"space_after_colon"`,
/// `"space_after_comma"`, `"spaces"`, `"unicode_escapes"` or `"escaped_slashes"`
/// (`docs/protocol.md` lists them; later versions may add names), borrowed from the
/// diagnosis. Returns false, writing `{NULL, 0}`, if `diagnosis` is NULL or `index` is out of
/// range.
#[no_mangle]
pub unsafe extern "C" fn wpn_diagnosis_hint(
    diagnosis: *const wpn_diagnosis,
    index: usize,
    name_out: *mut wpn_str,
) -> bool {
    put(name_out, || {
        diagnosis
            .as_ref()
            .and_then(|d| d.hints.get(index))
            .map(|h| wpn_str::of(h.as_str()))
    })
}

/// The verdict: exactly the result `wpn_verifier_parse()` returns for the same input
/// (`WPN_NULL_ARGUMENT` if `diagnosis` is NULL).
#[no_mangle]
pub unsafe extern "C" fn wpn_diagnosis_verdict(diagnosis: *const wpn_diagnosis) -> wpn_result {
    match diagnosis.as_ref() {
        Some(d) => match &d.verdict {
            Ok(_) => wpn_result::WPN_OK,
            Err(e) => e.code,
        },
        None => wpn_result::WPN_NULL_ARGUMENT,
    }
}

/// The verdict's error when the callback was refused, else NULL. **Borrowed**: valid until
/// the diagnosis is freed; do not free it (copy it with `wpn_error_code()` /
/// `wpn_error_message()`, or pass it to `wpn_reply_for_error()`).
#[no_mangle]
pub unsafe extern "C" fn wpn_diagnosis_error(diagnosis: *const wpn_diagnosis) -> *const wpn_error {
    match diagnosis.as_ref().map(|d| &d.verdict) {
        Some(Err(e)) => e,
        _ => std::ptr::null(),
    }
}

/// The verdict's notification when the callback was accepted, else NULL. **Borrowed**: valid
/// until the diagnosis is freed; do not free it.
#[no_mangle]
pub unsafe extern "C" fn wpn_diagnosis_notification(
    diagnosis: *const wpn_diagnosis,
) -> *const wpn_notification {
    match diagnosis.as_ref().map(|d| &d.verdict) {
        Some(Ok(Some(n))) => n,
        _ => std::ptr::null(),
    }
}

/// Frees a diagnosis (and the notification or error it holds). NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_diagnosis_free(diagnosis: *mut wpn_diagnosis) {
    free_handle(diagnosis)
}
