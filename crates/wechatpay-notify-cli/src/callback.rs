//! What `simulate` and `demo` send. Every callback is signed and encrypted by the core's
//! testing kit (`wechatpay_notify::testing`), the one implementation that acts as WeChat Pay:
//! this module only picks the resource's values (order number, amount, times) and applies the
//! CLI's damage options to the callback the kit built, without signing anything itself.

use serde_json::Value;
use wechatpay_notify::testing::{self, CallbackBuilder, Failure, Kit};
use wechatpay_notify::v2::SignType;
use wechatpay_notify::{EventKind, HEADER_NONCE, HEADER_SIGNATURE};

use crate::cli::Tamper;
use crate::timefmt;

/// A built HTTP callback: headers and body.
#[derive(Clone, Debug)]
pub struct Callback {
    /// Request headers (Content-Type included).
    pub headers: Vec<(String, String)>,
    /// Request body.
    pub body: Vec<u8>,
    /// The notification id, or for APIv2 the transaction id (payment) or refund id (refund).
    pub id: String,
    /// `event_type`, or a description for APIv2.
    pub event: String,
}

/// What goes into a simulated notification.
#[derive(Clone, Debug)]
pub struct Params {
    /// Which notification.
    pub event: EventKind,
    /// Notification id (default: the kit's fresh one).
    pub id: Option<String>,
    /// Merchant order number (default: the kit's sample's).
    pub out_trade_no: Option<String>,
    /// Amount in fen, of a payment or refund.
    pub amount: u64,
    /// When the event happened, Unix seconds.
    pub time: i64,
}

impl Params {
    /// Defaults for `event` at `time`: the kit's id and order number, 1 fen.
    pub fn new(event: EventKind, time: i64) -> Params {
        Params {
            event,
            id: None,
            out_trade_no: None,
            amount: 1,
            time,
        }
    }

    /// The kit's sample resource of the kind, with this payment's or refund's values.
    fn apply<'k>(&self, mut b: CallbackBuilder<'k>) -> CallbackBuilder<'k> {
        if let Some(id) = &self.id {
            b = b.id(id);
        }
        let when = timefmt::beijing(self.time);
        let no = self.out_trade_no.as_deref();
        match self.event {
            EventKind::Transaction | EventKind::PartnerTransaction => {
                b = b
                    .set("amount.total", self.amount)
                    .set("amount.payer_total", self.amount)
                    // The sample's discount would no longer add up.
                    .remove("promotion_detail")
                    .set("success_time", when);
                if let Some(no) = no {
                    b = b
                        .set("out_trade_no", no)
                        .set("transaction_id", transaction_id(no));
                }
            }
            EventKind::Refund | EventKind::PartnerRefund => {
                for field in ["total", "refund", "payer_total", "payer_refund"] {
                    b = b.set(&format!("amount.{field}"), self.amount);
                }
                if self.event == EventKind::Refund {
                    b = b.set("success_time", when);
                }
                if let Some(no) = no {
                    b = b
                        .set("out_trade_no", no)
                        .set("transaction_id", transaction_id(no))
                        .set("out_refund_no", format!("R{no}"))
                        .set("refund_id", format!("50000{}", digits(no, 24)));
                }
            }
            // The other kinds: the kit's documented sample of that kind.
            _ => {}
        }
        b
    }
}

/// A WeChat-looking transaction id derived from an order number.
fn transaction_id(out_trade_no: &str) -> String {
    format!("42000{}", digits(out_trade_no, 23))
}

/// `n` decimal digits derived from `seed`, for WeChat-looking ids.
fn digits(seed: &str, n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        x = (x ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    while out.len() < n {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        out.push(char::from(b'0' + ((x >> 33) % 10) as u8));
    }
    out
}

/// How to damage or alter an APIv3 callback.
#[derive(Clone, Copy, Debug, Default)]
pub struct Variation {
    /// A failure the kit builds in (`--probe` is `Failure::Probe`).
    pub failure: Option<Failure>,
    /// Damage done to the built callback.
    pub tamper: Option<Tamper>,
    /// Seconds added to the timestamp.
    pub timestamp_offset: i64,
}

fn kit_error(e: &wechatpay_notify::Error) -> String {
    e.message().to_owned()
}

fn header_mut<'a>(headers: &'a mut [(String, String)], name: &str) -> Option<&'a mut String> {
    headers
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// A complete APIv3 callback built by `kit`, signed at `timestamp` (plus the variation's
/// offset), with the variation applied.
pub fn build_v3(
    kit: &Kit,
    params: &Params,
    timestamp: i64,
    variation: Variation,
) -> Result<Callback, String> {
    let at = timestamp.saturating_add(variation.timestamp_offset);
    let mut builder = params.apply(kit.notification(params.event)).timestamp(at);
    if let Some(failure) = variation.failure {
        builder = builder.failure(failure);
    }
    let testing::Callback {
        mut headers,
        mut body,
        id,
    } = builder.build().map_err(|e| kit_error(&e))?;
    match variation.tamper {
        Some(Tamper::Body) => {
            // Change the first digit of create_time's year: same length, still valid JSON, the
            // id left alone so that the receiver's log shows the same id.
            let field = b"\"create_time\":\"";
            if let Some(pos) = body.windows(field.len()).position(|w| w == field) {
                if let Some(b) = body.get_mut(pos + field.len()) {
                    *b = if *b == b'2' { b'3' } else { b'2' };
                }
            }
        }
        Some(Tamper::Signature) if variation.failure != Some(Failure::Probe) => {
            // A genuine signature of the platform key, over another callback the kit built.
            let other = params
                .apply(kit.notification(params.event))
                .timestamp(at)
                .build()
                .map_err(|e| kit_error(&e))?;
            let signature = other
                .headers
                .into_iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(HEADER_SIGNATURE))
                .map(|(_, v)| v);
            if let (Some(slot), Some(signature)) =
                (header_mut(&mut headers, HEADER_SIGNATURE), signature)
            {
                *slot = signature;
            }
        }
        Some(Tamper::Header) => headers.retain(|(k, _)| !k.eq_ignore_ascii_case(HEADER_NONCE)),
        _ => {}
    }
    let event = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("event_type")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| params.event.as_str().to_owned());
    Ok(Callback {
        headers,
        body,
        id,
        event,
    })
}

/// `yyyyMMddHHmmss` in Beijing time, as APIv2 writes `time_end`.
fn beijing_compact(secs: i64) -> String {
    timefmt::beijing(secs)
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect()
}

/// A complete APIv2 callback built by `kit` with its APIv2 key: a payment result signed with
/// `sign_type`, or (for a refund kind) a refund result with its `req_info` encrypted.
pub fn build_v2(kit: &Kit, params: &Params, sign_type: SignType) -> Result<Callback, String> {
    let amount = params.amount.to_string();
    let no = params.out_trade_no.as_deref();
    // APIv2 has payment and refund results only (simulate refuses other kinds with --v2).
    let (body, id, event) = match params.event {
        EventKind::Refund | EventKind::PartnerRefund => {
            let success_time = timefmt::beijing(params.time)
                .replace('T', " ")
                .trim_end_matches("+08:00")
                .to_owned();
            let mut b = kit
                .v2_refund()
                .set_req_info("total_fee", &amount)
                .set_req_info("refund_fee", &amount)
                .set_req_info("settlement_refund_fee", &amount)
                .set_req_info("success_time", &success_time);
            if let Some(no) = no {
                b = b
                    .set_req_info("out_trade_no", no)
                    .set_req_info("transaction_id", &transaction_id(no))
                    .set_req_info("out_refund_no", &format!("R{no}"))
                    .set_req_info("refund_id", &format!("50000{}", digits(no, 24)));
            }
            let body = b.build().map_err(|e| kit_error(&e))?;
            // The refund id is inside the encrypted req_info: read back with the kit's key.
            let refund = kit
                .v2_verifier()
                .and_then(|v| v.parse_refund(&body))
                .map_err(|e| kit_error(&e))?;
            let id = refund
                .req_info
                .get("refund_id")
                .cloned()
                .unwrap_or_default();
            (body, id, "v2 refund SUCCESS")
        }
        _ => {
            let mut b = kit
                .v2_payment()
                .sign_type(sign_type)
                .set("total_fee", &amount)
                .set("cash_fee", &amount)
                .set("time_end", &beijing_compact(params.time));
            if let Some(no) = no {
                b = b
                    .set("out_trade_no", no)
                    .set("transaction_id", &transaction_id(no));
            }
            let body = b.build().map_err(|e| kit_error(&e))?;
            let id = wechatpay_notify::v2::parse_xml_fields(&body, "xml")
                .ok()
                .and_then(|mut f| f.remove("transaction_id"))
                .unwrap_or_default();
            (body, id, "v2 payment SUCCESS")
        }
    };
    Ok(Callback {
        headers: vec![("Content-Type".to_owned(), "text/xml".to_owned())],
        body,
        id,
        event: event.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wechatpay_notify::ErrorCode;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn every_kind_verifies_with_the_kits_verifier() {
        let kit = Kit::new().unwrap();
        let verifier = kit.verifier().unwrap();
        for &event in EventKind::ALL {
            let mut params = Params::new(event, NOW);
            params.out_trade_no = Some("ORDER-7".into());
            params.amount = 250;
            let cb = build_v3(&kit, &params, NOW, Variation::default()).unwrap();
            let n = verifier.parse_at(&cb.headers, &cb.body, NOW).unwrap();
            assert_eq!(n.id(), cb.id);
            assert_eq!(n.event_type(), cb.event);
            // Every kind the CLI sends is the kind it says, and its typed accessor reads it.
            assert_eq!(n.kind(), event, "{}", event.as_str());
            match event {
                EventKind::Transaction => {
                    let t = n.transaction().unwrap();
                    assert_eq!((t.amount.total, t.out_trade_no.as_str()), (250, "ORDER-7"));
                    assert_eq!(t.transaction_id, transaction_id("ORDER-7"));
                }
                EventKind::Refund => {
                    let r = n.refund().unwrap();
                    assert_eq!(r.refund_status, "SUCCESS");
                    assert_eq!(r.out_refund_no, "RORDER-7");
                }
                other => assert_eq!(
                    wechatpay_notify::events::check_event(
                        other,
                        n.kind(),
                        n.event_type(),
                        n.plaintext(),
                        false
                    ),
                    Ok(None),
                    "{}",
                    other.as_str()
                ),
            }
        }
        // A fixed id is sent as given, on every build.
        let mut params = Params::new(EventKind::Transaction, NOW);
        params.id = Some("EV-fixed".into());
        for _ in 0..2 {
            let cb = build_v3(&kit, &params, NOW, Variation::default()).unwrap();
            assert_eq!(cb.id, "EV-fixed");
            assert_eq!(cb.event, "TRANSACTION.SUCCESS");
        }
    }

    #[test]
    fn variations_are_refused_with_their_codes() {
        let kit = Kit::new().unwrap();
        let verifier = kit.verifier().unwrap();
        let params = Params::new(EventKind::Transaction, NOW);
        let code = |v: Variation| {
            let cb = build_v3(&kit, &params, NOW, v).unwrap();
            verifier
                .parse_at(&cb.headers, &cb.body, NOW)
                .unwrap_err()
                .code()
        };
        let v = Variation::default();
        for failure in [
            Failure::Probe,
            Failure::OtherApiv3Key,
            Failure::StaleTimestamp,
        ] {
            let varied = Variation {
                failure: Some(failure),
                ..v
            };
            assert_eq!(code(varied), failure.expected_code());
        }
        for (t, c) in [
            (Tamper::Body, ErrorCode::SignatureMismatch),
            (Tamper::Signature, ErrorCode::SignatureMismatch),
            (Tamper::Header, ErrorCode::MissingHeader),
        ] {
            let varied = Variation {
                tamper: Some(t),
                ..v
            };
            assert_eq!(code(varied), c, "{t:?}");
        }
        let stale = Variation {
            timestamp_offset: -600,
            ..v
        };
        assert_eq!(code(stale), ErrorCode::TimestampSkew);
        // A tampered body keeps its id: the receiver logs the id simulate printed.
        let tampered = Variation {
            tamper: Some(Tamper::Body),
            ..v
        };
        let cb = build_v3(&kit, &params, NOW, tampered).unwrap();
        let sent: Value = serde_json::from_slice(&cb.body).unwrap();
        assert_eq!(sent["id"], cb.id.as_str());
    }

    #[test]
    fn v2_callbacks_verify_with_the_core() {
        let kit = Kit::new().unwrap();
        let v2 = kit.v2_verifier().unwrap();
        for st in [SignType::Md5, SignType::HmacSha256] {
            let mut params = Params::new(EventKind::Transaction, NOW);
            params.amount = 88;
            let cb = build_v2(&kit, &params, st).unwrap();
            let fields = v2.parse_payment(&cb.body).unwrap();
            assert_eq!(fields["transaction_id"], cb.id);
            assert_eq!(fields["total_fee"], "88");
            assert_eq!(fields["time_end"], "20231115061320");
        }
        let mut params = Params::new(EventKind::Refund, NOW);
        params.out_trade_no = Some("ORDER-8".into());
        let cb = build_v2(&kit, &params, SignType::Md5).unwrap();
        let refund = v2.parse_refund(&cb.body).unwrap();
        assert_eq!(refund.req_info["refund_id"], cb.id);
        assert_eq!(refund.req_info["out_refund_no"], "RORDER-8");
        let other = Kit::new().unwrap().v2_verifier().unwrap();
        assert_eq!(
            other.parse_refund(&cb.body).unwrap_err().code(),
            ErrorCode::DecryptFailed
        );
    }

    #[test]
    fn derived_ids_have_their_shapes() {
        assert_eq!(digits("x", 23).len(), 23);
        assert_eq!(digits("x", 23), digits("x", 23));
        assert_eq!(transaction_id("A").len(), 28);
    }
}
