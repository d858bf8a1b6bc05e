//! What to answer WeChat Pay: status and body for success and for each failure.

use crate::error::{Error, ErrorCode};

/// An HTTP reply to a callback.
///
/// APIv3: success is 204 with no body; an authenticity failure (steps 2-10 of `docs/protocol.md`) is 401,
/// anything else 500, each with `{"code":"FAIL","message":"<CODE>: <fixed text>"}`. The body
/// of a refused callback depends on its code only ([`ErrorCode::reply_text`]): whoever sent it
/// learns nothing about the configuration, and the detailed message stays in the merchant's
/// logs. WeChat Pay retries any non-2xx (or slower than 5 s) reply up to 15 times over about a
/// day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` of the body, or `None` when there is no body.
    pub content_type: Option<&'static str>,
    /// The body (empty for 204).
    pub body: String,
}

impl Reply {
    /// APIv3 success: 204, no body.
    pub fn success() -> Reply {
        Reply {
            status: 204,
            content_type: None,
            body: String::new(),
        }
    }

    /// APIv3 failure for an error: 401 for authenticity failures, 500 otherwise, with the
    /// code's fixed text (never the error's detailed message, which is for logs).
    pub fn failure(error: &Error) -> Reply {
        Reply::for_code(error.code())
    }

    /// APIv3 failure for an error code: what [`Reply::failure`] answers for any error of
    /// that code.
    pub fn for_code(code: ErrorCode) -> Reply {
        let status = if code.is_authenticity() { 401 } else { 500 };
        Reply::failure_message(status, &format!("{code}: {}", code.reply_text()))
    }

    /// APIv3 failure with a status and message of the caller's choice (e.g. 500 when the
    /// business logic failed and WeChat Pay should retry).
    pub fn failure_message(status: u16, message: &str) -> Reply {
        let body = serde_json::json!({ "code": "FAIL", "message": message }).to_string();
        Reply {
            status,
            content_type: Some("application/json"),
            body,
        }
    }

    /// APIv2 success: 200 with the `SUCCESS` XML.
    pub fn v2_success() -> Reply {
        Reply::v2(true, "OK")
    }

    /// APIv2 failure: 200 with the `FAIL` XML carrying `message`.
    pub fn v2_failure(message: &str) -> Reply {
        Reply::v2(false, message)
    }

    fn v2(ok: bool, message: &str) -> Reply {
        let code = if ok { "SUCCESS" } else { "FAIL" };
        let message = message.replace("]]>", "]]]]><![CDATA[>");
        Reply {
            status: 200,
            content_type: Some("application/xml"),
            body: format!(
                "<xml><return_code><![CDATA[{code}]]></return_code><return_msg><![CDATA[{message}]]></return_msg></xml>"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn statuses_and_bodies() {
        assert_eq!(Reply::success().status, 204);
        assert!(Reply::success().body.is_empty());
        let r = Reply::failure(&Error::new(ErrorCode::SignatureMismatch, "bad \"sig\""));
        assert_eq!(r.status, 401);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["code"], "FAIL");
        assert_eq!(
            v["message"],
            "SIGNATURE_MISMATCH: signature verification failed"
        );
        assert_eq!(
            Reply::failure(&Error::new(ErrorCode::DecryptFailed, "x")).status,
            500
        );
        assert_eq!(
            Reply::failure(&Error::new(ErrorCode::WrongFormat, "x")).status,
            500
        );
        assert_eq!(
            Reply::v2_success().body,
            "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>"
        );
        assert!(Reply::v2_failure("a]]>b")
            .body
            .contains("a]]]]><![CDATA[>b"));
    }

    #[test]
    fn a_failure_body_depends_on_the_code_only() {
        for &code in ErrorCode::ALL {
            let short = Reply::failure(&Error::new(code, "x"));
            let long = Reply::failure(&Error::new(code, "configured: 1900000001 PUB_KEY_ID_1"));
            assert_eq!(short, long);
            assert_eq!(short, Reply::for_code(code));
            assert!(short.body.len() < 120, "{}", short.body);
            assert!(short.body.contains(code.as_str()));
        }
    }
}
