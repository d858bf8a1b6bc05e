//! The likely cause of a verdict, and what to do about it: what `doctor` adds to the core's
//! error messages. Also the capture's own oddities (a Content-Length that does not match,
//! an editor's final newline). The signs of a re-serialized body are the core's diagnosis
//! (`Diagnosis::hints`, named in step 10's message); the advice only says what to do.

use wechatpay_notify::{ErrorCode, PUBLIC_KEY_ID_PREFIX};

use crate::config::{Config, KeyKind};
use crate::inspect::{Protocol, Report};
use crate::raw_request::{LineEndings, RawRequest};
use crate::timefmt;

/// Oddities of the capture itself that change the body's bytes or the request's meaning.
pub fn capture_warnings(req: &RawRequest) -> Vec<String> {
    let mut out = Vec::new();
    if req.had_bom {
        out.push(
            "the file starts with a UTF-8 byte order mark, which was skipped; it is not part of \
             what WeChat Pay sends"
                .to_owned(),
        );
    }
    if !req.has_blank_line && !req.headers.is_empty() {
        out.push(
            "no blank line after the headers, so the body is empty; a raw request is headers, \
             a blank line, then the body"
                .to_owned(),
        );
    }
    if let Some(len) = req.content_length() {
        let actual = req.body.len();
        if !req.dechunked && len != actual {
            let why = if actual > len && req.body[len..].iter().all(|b| matches!(b, b'\r' | b'\n'))
            {
                "the extra bytes are line breaks: an editor or `echo` probably added them when \
                 the capture was saved, and they change the signed bytes"
            } else if actual > len {
                "the capture has extra bytes after the body"
            } else {
                "the capture is truncated"
            };
            out.push(format!(
                "Content-Length says {len} bytes but the body is {actual}: {why}"
            ));
        }
    } else if req.body.ends_with(b"\n") && !req.body.is_empty() {
        out.push(
            "the body ends with a line break, which WeChat Pay does not send: if an editor added \
             it, the signature will not match"
                .to_owned(),
        );
    }
    if let Some(method) = req.method() {
        if method != "POST" {
            out.push(format!(
                "the method is {method}: WeChat Pay sends callbacks with POST"
            ));
        }
    }
    if req.line_endings == LineEndings::Mixed {
        out.push("the header lines mix CRLF and LF line ends (accepted here)".to_owned());
    }
    out
}

fn configured_list(config: &Config) -> String {
    if config.keys.is_empty() {
        return "none".to_owned();
    }
    config
        .keys
        .iter()
        .map(|k| {
            let whose = k
                .mchid
                .as_deref()
                .map_or(String::new(), |m| format!("merchant {m}: "));
            format!("{whose}{}", describe_key(k))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe_key(k: &crate::config::KeyInfo) -> String {
    match k.kind {
        KeyKind::PublicKey => format!("public key id {} ({})", k.id, k.file.display()),
        KeyKind::Certificate {
            not_before,
            not_after,
        } => format!(
            "certificate serial {} ({}, valid {} to {})",
            k.id,
            k.file.display(),
            timefmt::utc(not_before),
            timefmt::utc(not_after)
        ),
    }
}

fn header_str(req: &RawRequest, name: &str) -> Option<String> {
    req.header(name)
        .map(|v| String::from_utf8_lossy(v.trim_ascii()).into_owned())
        .filter(|v| !v.is_empty())
}

/// Advice for the verdict of `report` on `req`, most likely cause first.
pub fn advice(report: &Report, req: &RawRequest, config: &Config) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(code) = report.code() else {
        out.push(
            "Accepted. Reply as shown below, then handle the notification idempotently: WeChat \
             Pay delivers the same id again when a reply is lost or late."
                .to_owned(),
        );
        if report.protocol == Protocol::V3 {
            out.push(
                "Before shipping a handler, check that it refuses a signature probe: \
                 `wechatpay-notify simulate URL --probe ...` must get a 4xx/5xx."
                    .to_owned(),
            );
        }
        return out;
    };
    let v2 = report.protocol.is_v2();
    let serial = header_str(req, wechatpay_notify::HEADER_SERIAL);
    match code {
        ErrorCode::BodyTooLarge => out.push(
            "WeChat Pay notifications are about 1 KB: this is not one, or the capture holds more \
             than the body (several requests?)."
                .to_owned(),
        ),
        ErrorCode::WrongFormat if v2 => out.push(
            "An APIv3 (JSON) callback reached an APIv2 handler: the order was placed through an \
             APIv3 API, so its callbacks are JSON signed with the platform key; check it with the \
             APIv3 key and a --public-key or --certificate instead of --v2-key."
                .to_owned(),
        ),
        ErrorCode::WrongFormat => {
            out.push(
                "The body is XML: an APIv2 callback, or a refund made by hand in the merchant \
                 platform (商户平台), which is always notified as APIv2 XML, reached an APIv3 \
                 handler. Route XML bodies to an APIv2 handler (V2Verifier with the APIv2 key, \
                 API密钥) and answer it with the XML reply."
                    .to_owned(),
            );
            if config.v2.is_none() {
                out.push("Pass --v2-key-file FILE to run the APIv2 checks on it.".to_owned());
            }
        }
        ErrorCode::MissingHeader => {
            let present: Vec<&str> = req
                .headers
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| k.to_ascii_lowercase().starts_with("wechatpay-"))
                .collect();
            if present.is_empty() {
                out.push(
                    "The request has no Wechatpay-* header at all: it may not come from WeChat \
                     Pay (a health check, a scanner, a test by hand), or a proxy, gateway or \
                     framework dropped the headers. Capture the request where it reaches your \
                     application."
                        .to_owned(),
                );
            } else {
                out.push(format!(
                    "Only {} arrived: a proxy or framework dropped the others, or the capture \
                     lost them. Pass every request header to the verifier (in PHP they are \
                     $_SERVER['HTTP_WECHATPAY_SIGNATURE'] and so on).",
                    present.join(", ")
                ));
            }
        }
        ErrorCode::UnsupportedSignatureType if v2 => {
            out.push("APIv2 notifications are signed with MD5 or HMAC-SHA256 only.".to_owned())
        }
        ErrorCode::UnsupportedSignatureType => out.push(
            "The callback uses a signature scheme other than RSA (e.g. 国密 SM2, \
             WECHATPAY2-SM2-WITH-SM3); this library verifies WECHATPAY2-SHA256-RSA2048 only."
                .to_owned(),
        ),
        ErrorCode::BadTimestamp => out.push(
            "Wechatpay-Timestamp must be decimal Unix seconds, exactly as sent; something \
             rewrote the header."
                .to_owned(),
        ),
        ErrorCode::TimestampSkew => {
            let ts = header_str(req, wechatpay_notify::HEADER_TIMESTAMP)
                .and_then(|t| t.parse::<i64>().ok());
            if let Some(ts) = ts {
                let diff = report.now.saturating_sub(ts);
                out.push(format!(
                    "The callback was signed at {} ({}) and the clock checked against says {} \
                     ({}): {} apart, over the allowed {} s.",
                    ts,
                    timefmt::utc(ts),
                    report.now,
                    timefmt::utc(report.now),
                    timefmt::duration(diff.unsigned_abs()),
                    config
                        .verifier
                        .as_ref()
                        .map_or(300, wechatpay_notify::Verifier::max_clock_skew)
                ));
                if (diff.abs() - 8 * 3600).abs() <= 300 || (diff.abs() - 3600).abs() <= 300 {
                    out.push(
                        "That is a whole number of hours: a clock set to local time as if it \
                         were UTC (or a wrong time zone). Fix the server clock and enable NTP."
                            .to_owned(),
                    );
                }
                if ts > 100_000_000_000 {
                    out.push(
                        "The timestamp has 13 digits: milliseconds. WeChat Pay sends seconds; \
                         something rewrote the header."
                            .to_owned(),
                    );
                }
            }
            out.push(
                "A capture checked later is stale by design: pass --now with the time it was \
                 received (e.g. its Wechatpay-Timestamp) to check everything else. A live \
                 callback this far off is a replay, or this server's clock is wrong (check NTP)."
                    .to_owned(),
            );
        }
        ErrorCode::SignatureProbe => out.push(
            "This is WeChat Pay's signature probe (WECHATPAY/SIGNTEST/): it checks that your \
             endpoint really verifies signatures. Refusing it with a 4xx/5xx, as below, is the \
             correct answer; an endpoint that accepts it does not verify."
                .to_owned(),
        ),
        ErrorCode::UnknownSerial => {
            let serial = serial.unwrap_or_default();
            out.push(format!("Configured here: {}.", configured_list(config)));
            if serial
                .to_ascii_uppercase()
                .starts_with(PUBLIC_KEY_ID_PREFIX)
            {
                let configure = match &config.merchants_file {
                    Some(file) => format!(
                        "add {{ id = \"{serial}\", file = \"pub_key.pem\" }} to the public_keys of \
                         the merchant it belongs to in {}",
                        file.display()
                    ),
                    None => format!("pass --public-key {serial}=pub_key.pem"),
                };
                out.push(format!(
                    "The callback is signed with the WeChat Pay public key {serial} (微信支付公钥): \
                     download that public key in the merchant platform (商户平台 > 账户中心 > API安全 \
                     > 微信支付公钥) and {configure}. The id must match exactly."
                ));
            } else {
                out.push(format!(
                    "The callback is signed with the platform certificate serial {serial} \
                     (平台证书): download the platform certificates (GET /v3/certificates, then \
                     `wechatpay-notify decrypt-certs`) and {}. Your own merchant \
                     certificate (apiclient_cert.pem, its serial shown in 商户平台 > API安全 > \
                     API证书) signs your requests, never WeChat Pay's callbacks.",
                    match &config.merchants_file {
                        Some(file) => format!(
                            "list it under the certificates of the merchant it belongs to in {}",
                            file.display()
                        ),
                        None => "pass --certificate".to_owned(),
                    }
                ));
                if config.keys.iter().all(|k| k.kind == KeyKind::PublicKey)
                    && !config.keys.is_empty()
                {
                    out.push(
                        "Only 微信支付公钥 ids are configured, but this callback is signed with a \
                         certificate serial: while WeChat Pay still signs with the platform \
                         certificate (as during a migration to the public key), configure both."
                            .to_owned(),
                    );
                }
            }
        }
        ErrorCode::KeyExpired => out.push(
            "The platform certificate is outside its validity period: download the current \
             platform certificates (GET /v3/certificates, `wechatpay-notify decrypt-certs`), or \
             switch to the 微信支付公钥, which does not expire. A capture checked later may need \
             --now."
                .to_owned(),
        ),
        ErrorCode::MalformedSignature if v2 => out.push(
            "The sign is neither 32 (MD5) nor 64 (HMAC-SHA256) hex digits: the notification was \
             altered."
                .to_owned(),
        ),
        ErrorCode::MalformedSignature => out.push(
            "Wechatpay-Signature must be standard base64 of exactly the key's size (256 bytes \
             for RSA-2048): a proxy re-encoded or cut the header, or the serial names a key of \
             another size."
                .to_owned(),
        ),
        ErrorCode::SignatureMismatch if v2 => {
            out.push(
                "The APIv2 key (API密钥, 商户平台 > 账户中心 > API安全 > 设置API密钥) is not the one \
                 used to sign, or the notification was altered. A sandbox (仿真测试) key differs \
                 from the production one."
                    .to_owned(),
            );
            if config.same_v2_and_v3_key {
                out.push(
                    "The same value was given as APIv2 key and APIv3 key: they are two different \
                     keys, set separately in the merchant platform."
                        .to_owned(),
                );
            }
        }
        ErrorCode::SignatureMismatch => {
            let reserialized = !report.hints.is_empty();
            if reserialized {
                out.push(
                    "The body looks re-serialized (step 10 names the signs): WeChat Pay signs \
                     compact one-line JSON, and the signature covers those raw bytes. Verify \
                     the raw body bytes exactly as received, before any JSON parsing (Flask \
                     request.get_data(), Django request.body, Express express.raw(), Spring a \
                     String or byte[] @RequestBody, Go io.ReadAll(r.Body))."
                        .to_owned(),
                );
            }
            out.push(format!(
                "{} the key configured for {} is not the one that signed (the public \
                 key of another merchant, or an old key), or something altered the body or the \
                 Wechatpay-Timestamp/Nonce headers on the way (a proxy, a charset conversion).",
                if !reserialized {
                    "Either"
                } else {
                    "Otherwise,"
                },
                serial.as_deref().unwrap_or("this serial")
            ));
        }
        ErrorCode::MalformedBody if v2 => out.push(
            "The body is not a flat APIv2 <xml> document (DTDs and entities are refused): not a \
             WeChat Pay notification, or the capture is damaged."
                .to_owned(),
        ),
        ErrorCode::MalformedBody => out.push(
            "The signature is valid, so WeChat Pay sent this body, but it is not a notification \
             envelope with a resource object: it may be a response or another message type."
                .to_owned(),
        ),
        ErrorCode::MissingField if report.protocol == Protocol::V2Refund => {
            out.push("A refund notification without req_info: nothing to decrypt.".to_owned())
        }
        ErrorCode::MissingField => out.push(
            "A payment notification without sign: if it has req_info it is a refund \
             notification; otherwise it is not a WeChat Pay payment notification."
                .to_owned(),
        ),
        ErrorCode::ReturnFail => out.push(
            "return_code is not SUCCESS: a communication failure notice, which carries no \
             payment data. Check return_msg; nothing needs to be recorded."
                .to_owned(),
        ),
        ErrorCode::UnsupportedAlgorithm | ErrorCode::MalformedResource => out.push(
            "The signature is valid, but the encrypted resource is not what WeChat Pay sends \
             for notifications; check the capture, or whether this message is another kind."
                .to_owned(),
        ),
        ErrorCode::DecryptFailed if v2 => out.push(
            "req_info did not decrypt: the APIv2 key (API密钥) is not the one set in the merchant \
             platform (req_info is encrypted with the MD5 of the APIv2 key, not with the APIv3 \
             key)."
                .to_owned(),
        ),
        ErrorCode::DecryptFailed => {
            out.push(
                "The signature is valid, so the callback is genuine, but the APIv3 key differs \
                 from the one set in the merchant platform (商户平台 > 账户中心 > API安全 > \
                 设置APIv3密钥), or was never set there. Setting a new APIv3 key there changes it \
                 for every notification from then on."
                    .to_owned(),
            );
            out.push(
                "The APIv3 key is neither the APIv2 key (API密钥) nor a certificate password; a \
                 service provider (服务商) uses its own APIv3 key, not the sub-merchant's."
                    .to_owned(),
            );
            if let (Some(file), Some(serial)) = (&config.merchants_file, &serial) {
                let mchids = config.merchants_of(serial);
                out.push(format!(
                    "With {}, the APIv3 keys tried are those of the merchants {serial} is \
                     configured for ({}): the merchant this callback was sent for is not among \
                     them, or its apiv3_key_file / apiv3_key_env holds another merchant's key.",
                    file.display(),
                    if mchids.is_empty() {
                        "none".to_owned()
                    } else {
                        mchids.join(", ")
                    }
                ));
            }
            if config.same_v2_and_v3_key {
                out.push(
                    "The same value was given as APIv2 key and APIv3 key: they are two different \
                     keys."
                        .to_owned(),
                );
            }
        }
        ErrorCode::ConfigInvalid => {}
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_warnings_catch_an_editor_newline() {
        let req =
            crate::raw_request::parse(b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\n").unwrap();
        let w = capture_warnings(&req);
        assert!(
            w[0].contains("Content-Length says 2 bytes but the body is 3"),
            "{w:?}"
        );
        assert!(w[0].contains("line breaks"));
        let req = crate::raw_request::parse(b"GET / HTTP/1.1\n\n{}").unwrap();
        assert!(capture_warnings(&req)[0].contains("GET"));
        let req = crate::raw_request::parse(b"POST / HTTP/1.1\nContent-Length: 2\n\n{}").unwrap();
        assert!(capture_warnings(&req).is_empty());
    }
}
