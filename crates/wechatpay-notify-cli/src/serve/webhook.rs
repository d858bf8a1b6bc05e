//! The message `serve` forwards: a [Standard Webhooks](https://www.standardwebhooks.com/)
//! request, so that the receiving application verifies it with an existing library in its own
//! language (`docs/gateway.md`, "The message").
//!
//! `webhook-id` is the notification id (the same on every retry and replay),
//! `webhook-timestamp` the Unix seconds of sending, and `webhook-signature` `v1,` and the
//! base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::store::Leased;

/// `webhook-id`.
pub const HEADER_ID: &str = "webhook-id";
/// `webhook-timestamp`.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// `webhook-signature`.
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// The JSON body for an event: `{id, kind, event_type, mchid, create_time, summary,
/// resource}`, the resource as the JSON WeChat Pay encrypted.
pub fn body(event: &Leased) -> Vec<u8> {
    // The resource as WeChat Pay encrypted it, byte for byte (the core decoded it as JSON
    // before it was stored); one that somehow is not JSON is passed as a string, not lost.
    let raw = serde_json::value::RawValue::from_string(event.plaintext.clone());
    let string;
    let resource: &serde_json::value::RawValue = match &raw {
        Ok(raw) => raw,
        Err(_) => {
            string =
                serde_json::value::to_raw_value(&event.plaintext).expect("a string serializes");
            &string
        }
    };
    #[derive(serde::Serialize)]
    struct Message<'a> {
        #[serde(flatten)]
        envelope: &'a super::store::Envelope,
        resource: &'a serde_json::value::RawValue,
    }
    serde_json::to_vec(&Message {
        envelope: &event.envelope,
        resource,
    })
    .expect("a JSON value serializes")
}

/// `webhook-signature` for a message: `v1,` + base64(HMAC-SHA256(key, "id.timestamp.body")).
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mac = mac(key, id, timestamp, body);
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// HMAC-SHA256 under `key` of the signed content `id.timestamp.body`.
fn mac(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// True when one of the space-separated `v1,` signatures of a `webhook-signature` header is the
/// message's, compared in constant time (what a receiver does; `demo` checks its messages so).
pub fn verify(key: &[u8], id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
    header.split(' ').any(|entry| {
        let Some(encoded) = entry.strip_prefix("v1,") else {
            return false;
        };
        let Ok(given) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
            return false;
        };
        mac(key, id, timestamp, body).verify_slice(&given).is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification (its reference libraries' tests):
    /// secret `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`, id `msg_p5jXN8AQM9LWM0D4loKWxJek`,
    /// timestamp 1614265330, body `{"test": 2432232314}`.
    #[test]
    fn the_specification_example() {
        let key = base64::engine::general_purpose::STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap();
        assert_eq!(
            signature(
                &key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let header = "v1,bm90IGl0 v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let body = br#"{"test": 2432232314}"#;
        assert!(verify(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            body,
            header
        ));
        assert!(!verify(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265331,
            body,
            header
        ));
        assert!(!verify(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b"{}",
            header
        ));
    }
}
