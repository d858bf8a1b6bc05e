//! The signs of a re-serialized body through the C ABI: `wpn_diagnosis_hint_count()` and
//! `wpn_diagnosis_hint()`, and step 10's message, for callbacks made by the C kit.

use std::ptr;

use wechatpay_notify_ffi::*;

const NOW: i64 = 1_700_000_000;

/// The absent view, `{NULL, 0}`.
const NONE: wpn_str = wpn_str {
    data: ptr::null(),
    len: 0,
};

/// A view as a Rust string (`None` for `{NULL, 0}`).
unsafe fn text(s: wpn_str) -> Option<String> {
    if s.data.is_null() {
        return None;
    }
    let bytes = std::slice::from_raw_parts(s.data.cast::<u8>(), s.len);
    Some(String::from_utf8(bytes.to_vec()).unwrap())
}

fn view(s: &str) -> wpn_str {
    wpn_str {
        data: s.as_ptr().cast(),
        len: s.len(),
    }
}

/// A C kit and the verifier that accepts its callbacks.
struct Fixture {
    kit: *mut wpn_kit,
    verifier: *mut wpn_verifier,
}

impl Fixture {
    fn new() -> Fixture {
        unsafe {
            let mut kit = ptr::null_mut();
            assert_eq!(
                wpn_kit_new(false, &mut kit, ptr::null_mut()),
                wpn_result::WPN_OK
            );
            let mut verifier = ptr::null_mut();
            assert_eq!(
                wpn_kit_verifier(kit, &mut verifier, ptr::null_mut()),
                wpn_result::WPN_OK
            );
            Fixture { kit, verifier }
        }
    }

    /// The diagnosis of a transaction callback with `failure` built in (the caller frees it).
    fn diagnose(&self, failure: &str) -> *mut wpn_diagnosis {
        unsafe {
            let request = wpn_kit_request {
                kind: view("transaction"),
                event_type: NONE,
                original_type: NONE,
                resource_json: NONE,
                merge_json: NONE,
                id: NONE,
                timestamp: NOW,
                failure: view(failure),
            };
            let mut callback = ptr::null_mut();
            assert_eq!(
                wpn_kit_notification(self.kit, &request, &mut callback, ptr::null_mut()),
                wpn_result::WPN_OK
            );
            let mut parts = std::mem::zeroed::<wpn_callback_parts>();
            assert!(wpn_callback_contents(callback, &mut parts));
            // The headers as the C ABI takes them: names and values back to back.
            let fields = std::slice::from_raw_parts(parts.headers, parts.headers_len);
            let mut bytes = Vec::new();
            let mut lens = Vec::new();
            for f in fields {
                for s in [f.name, f.value] {
                    let s = text(s).unwrap();
                    bytes.extend_from_slice(s.as_bytes());
                    lens.push(s.len());
                }
            }
            let mut diagnosis = ptr::null_mut();
            assert_eq!(
                wpn_verifier_diagnose(
                    self.verifier,
                    bytes.as_ptr(),
                    bytes.len(),
                    lens.as_ptr(),
                    fields.len(),
                    parts.body.data,
                    parts.body.len,
                    NOW,
                    &mut diagnosis,
                    ptr::null_mut(),
                ),
                wpn_result::WPN_OK
            );
            wpn_callback_free(callback);
            diagnosis
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        unsafe {
            wpn_verifier_free(self.verifier);
            wpn_kit_free(self.kit);
        }
    }
}

/// Step 10's check of a diagnosis: its status and message.
unsafe fn step_10(d: *const wpn_diagnosis) -> (wpn_check_status, String) {
    let mut check = std::mem::zeroed::<wpn_check>();
    assert!(wpn_diagnosis_get(d, 10, &mut check));
    assert_eq!(check.step, 10);
    (check.status, text(check.message).unwrap())
}

unsafe fn hints(d: *const wpn_diagnosis) -> Vec<String> {
    (0..wpn_diagnosis_hint_count(d))
        .map(|i| {
            let mut name = NONE;
            assert!(wpn_diagnosis_hint(d, i, &mut name));
            text(name).unwrap()
        })
        .collect()
}

#[test]
fn a_reserialized_callback_has_hints_and_says_so_in_step_10() {
    let f = Fixture::new();
    unsafe {
        let d = f.diagnose("reserialized");
        assert_eq!(wpn_diagnosis_verdict(d), wpn_result::WPN_SIGNATURE_MISMATCH);
        assert_eq!(
            hints(d),
            ["line_breaks", "indentation", "space_after_colon"]
        );
        let (status, message) = step_10(d);
        assert_eq!(status, wpn_check_status::WPN_CHECK_FAILED);
        assert!(
            message.contains("the body looks re-serialized: it has line breaks inside the JSON"),
            "{message}"
        );
        // The verdict's error is parse's: without the signs.
        let mut verdict = NONE;
        assert!(wpn_error_message(wpn_diagnosis_error(d), &mut verdict));
        let verdict = text(verdict).unwrap();
        assert!(message.starts_with(&verdict) && message.len() > verdict.len());
        // Out of range: false and the empty view.
        let mut name = view("untouched");
        assert!(!wpn_diagnosis_hint(d, 3, &mut name));
        assert!(name.data.is_null() && name.len == 0);
        wpn_diagnosis_free(d);
    }
}

#[test]
fn a_compact_body_or_a_good_signature_has_none() {
    let f = Fixture::new();
    unsafe {
        for failure in ["tampered_body", "stale_timestamp", "other_apiv3_key"] {
            let d = f.diagnose(failure);
            assert_eq!(wpn_diagnosis_hint_count(d), 0, "{failure}");
            let mut name = view("untouched");
            assert!(!wpn_diagnosis_hint(d, 0, &mut name));
            assert!(name.data.is_null());
            if failure == "tampered_body" {
                let (status, message) = step_10(d);
                assert_eq!(status, wpn_check_status::WPN_CHECK_FAILED);
                assert!(!message.contains("looks re-serialized"), "{message}");
            }
            wpn_diagnosis_free(d);
        }
    }
}

#[test]
fn null_diagnosis_has_no_hints() {
    unsafe {
        assert_eq!(wpn_diagnosis_hint_count(ptr::null()), 0);
        let mut name = view("untouched");
        assert!(!wpn_diagnosis_hint(ptr::null(), 0, &mut name));
        assert!(name.data.is_null() && name.len == 0);
        // A NULL out-pointer is written nothing.
        assert!(!wpn_diagnosis_hint(ptr::null(), 0, ptr::null_mut()));
    }
}
