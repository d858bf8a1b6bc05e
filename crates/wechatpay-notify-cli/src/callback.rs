//! Building callbacks as WeChat Pay does: APIv3 JSON with the resource sealed by AES-256-GCM
//! under the APIv3 key and the request signed with RSA-SHA256 by the platform key; APIv2
//! payment XML signed with MD5 or HMAC-SHA256; APIv2 refund XML whose `req_info` is
//! AES-256-ECB under the MD5 of the APIv2 key. Used by `simulate` and `demo`.

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::KeyInit as _;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ecb::cipher::block_padding::Pkcs7;
use ecb::cipher::BlockEncryptMut as _;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use wechatpay_notify::v2::{compute_sign, SignType};

use wechatpay_notify::EventKind;

use crate::cli::Tamper;
use crate::timefmt;

/// A platform private key and the serial (or public key id) its signatures are sent under.
pub struct PlatformSigner {
    pair: RsaKeyPair,
    serial: String,
}

impl std::fmt::Debug for PlatformSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformSigner")
            .field("serial", &self.serial)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl PlatformSigner {
    /// From a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM.
    pub fn from_pem(pem: &[u8], serial: &str) -> Result<PlatformSigner, String> {
        let (label, der) = der::pem::decode_vec(pem)
            .map_err(|_| "not a PEM private key (-----BEGIN PRIVATE KEY----- ...)".to_owned())?;
        let pair = match label {
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
            other => {
                return Err(format!(
                    "a {other} PEM, not an RSA private key (PKCS#8 PRIVATE KEY or PKCS#1 RSA \
                     PRIVATE KEY)"
                ))
            }
        }
        .map_err(|e| format!("the RSA private key was refused: {e}"))?;
        Ok(PlatformSigner {
            pair,
            serial: serial.to_owned(),
        })
    }

    /// From PKCS#8 DER (the demo's generated keys).
    pub fn from_pkcs8_der(der: &[u8], serial: &str) -> Result<PlatformSigner, String> {
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|e| format!("RSA key refused: {e}"))?;
        Ok(PlatformSigner {
            pair,
            serial: serial.to_owned(),
        })
    }

    /// The serial sent in `Wechatpay-Serial`.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// Base64 RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> String {
        let mut sig = vec![0u8; self.pair.public().modulus_len()];
        // Signing with a valid key pair into a buffer of the modulus length cannot fail.
        self.pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut sig)
            .expect("RSA signing with a checked key");
        B64.encode(sig)
    }
}

/// Random characters from `[A-Z0-9]`, like WeChat Pay's nonces.
pub fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut bytes = vec![0u8; len];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("system random source");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// A fresh notification id in WeChat Pay's shape (a UUID).
pub fn random_id() -> String {
    let mut b = [0u8; 16];
    SystemRandom::new()
        .fill(&mut b)
        .expect("system random source");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// What goes into a simulated notification.
#[derive(Clone, Debug)]
pub struct Params {
    /// Which notification.
    pub event: EventKind,
    /// Notification id.
    pub id: String,
    /// Merchant order number.
    pub out_trade_no: String,
    /// Amount in fen.
    pub amount: u64,
    /// When the event happened, Unix seconds.
    pub time: i64,
}

impl Params {
    /// Defaults for `event` at `time`: a random id and order number, 1 fen.
    pub fn new(event: EventKind, time: i64) -> Params {
        Params {
            event,
            id: random_id(),
            out_trade_no: format!("WPN{}", random_token(16)),
            amount: 1,
            time,
        }
    }

    /// `event_type`, e.g. `TRANSACTION.SUCCESS`.
    pub fn event_type(&self) -> &'static str {
        match self.event {
            EventKind::Refund | EventKind::PartnerRefund => "REFUND.SUCCESS",
            kind => kind
                .event_types()
                .first()
                .copied()
                .unwrap_or("TRANSACTION.SUCCESS"),
        }
    }

    /// `resource.original_type` and `associated_data` (none for a kind that documents none).
    fn original_type(&self) -> Option<&'static str> {
        self.event.original_types().first().copied()
    }

    /// The envelope's `summary`.
    fn summary(&self) -> &'static str {
        match self.event {
            EventKind::Transaction
            | EventKind::PartnerTransaction
            | EventKind::CombineTransaction => "支付成功",
            EventKind::Refund | EventKind::PartnerRefund => "退款成功",
            EventKind::ProfitSharing => "分账",
            EventKind::TransferBill => "商家转账单据终态通知",
            _ => "通知",
        }
    }

    fn transaction_id(&self) -> String {
        format!("42000{}", &digits(&self.out_trade_no, 23))
    }

    /// The plaintext resource, as WeChat Pay documents it.
    pub fn resource(&self) -> serde_json::Value {
        let when = timefmt::beijing(self.time);
        match self.event {
            EventKind::Transaction => serde_json::json!({
                "mchid": "1900000001",
                "appid": "wxd678efh567hg6787",
                "out_trade_no": self.out_trade_no,
                "transaction_id": self.transaction_id(),
                "trade_type": "JSAPI",
                "trade_state": "SUCCESS",
                "trade_state_desc": "支付成功",
                "bank_type": "OTHERS",
                "attach": "",
                "success_time": when,
                "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
                "amount": {
                    "total": self.amount,
                    "payer_total": self.amount,
                    "currency": "CNY",
                    "payer_currency": "CNY"
                }
            }),
            EventKind::Refund => serde_json::json!({
                "mchid": "1900000001",
                "out_trade_no": self.out_trade_no,
                "transaction_id": self.transaction_id(),
                "out_refund_no": format!("R{}", self.out_trade_no),
                "refund_id": format!("50000{}", digits(&self.out_trade_no, 24)),
                "refund_status": "SUCCESS",
                "success_time": when,
                "user_received_account": "支付用户零钱",
                "amount": {
                    "total": self.amount,
                    "refund": self.amount,
                    "payer_total": self.amount,
                    "payer_refund": self.amount
                }
            }),
            // The other kinds: WeChat Pay's documented sample of that kind.
            kind => crate::samples::sample(kind)
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or_else(|| serde_json::json!({})),
        }
    }
}

/// `n` decimal digits derived from `seed`, for WeChat-looking order numbers.
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

/// A built HTTP callback: headers and body.
#[derive(Clone, Debug)]
pub struct Callback {
    /// Request headers (Content-Type included).
    pub headers: Vec<(String, String)>,
    /// Request body.
    pub body: Vec<u8>,
    /// The notification id, or the order number for APIv2.
    pub id: String,
    /// `event_type`, or a description for APIv2.
    pub event: String,
}

/// How to damage or alter an APIv3 callback.
#[derive(Clone, Copy, Debug, Default)]
pub struct Variation {
    /// Send a SIGNTEST probe signature.
    pub probe: bool,
    /// Damage after signing.
    pub tamper: Option<Tamper>,
    /// Seconds added to the timestamp.
    pub timestamp_offset: i64,
}

/// The APIv3 notification body for `params`, its resource sealed with `apiv3_key`.
pub fn v3_body(params: &Params, apiv3_key: &[u8]) -> Result<Vec<u8>, String> {
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(apiv3_key)
        .map_err(|_| format!("the APIv3 key must be 32 bytes, got {}", apiv3_key.len()))?;
    let nonce = random_token(12);
    let original_type = params.original_type();
    let associated_data = original_type.unwrap_or_default();
    let summary = params.summary();
    let plaintext = params.resource().to_string();
    let sealed = cipher
        .encrypt(
            aes_gcm::Nonce::from_slice(nonce.as_bytes()),
            Payload {
                msg: plaintext.as_bytes(),
                aad: associated_data.as_bytes(),
            },
        )
        .map_err(|_| "AES-256-GCM encryption failed".to_owned())?;
    let body = serde_json::json!({
        "id": params.id,
        "create_time": timefmt::beijing(params.time),
        "resource_type": "encrypt-resource",
        "event_type": params.event_type(),
        "summary": summary,
        "resource": {
            "algorithm": wechatpay_notify::ALGORITHM_AES_GCM,
            "ciphertext": B64.encode(sealed),
            "associated_data": associated_data,
            "nonce": nonce,
        }
    });
    let mut body = body;
    if let Some(original_type) = original_type {
        body["resource"]["original_type"] = original_type.into();
    }
    // serde_json writes compact JSON with raw UTF-8, as WeChat Pay does.
    Ok(body.to_string().into_bytes())
}

/// Signs `body` as WeChat Pay does at `timestamp`, applying `variation`.
pub fn sign_v3(
    signer: &PlatformSigner,
    body: Vec<u8>,
    timestamp: i64,
    variation: Variation,
) -> (Vec<(String, String)>, Vec<u8>) {
    let ts = (timestamp + variation.timestamp_offset).to_string();
    let nonce = random_token(32);
    let signature = if variation.probe {
        format!(
            "{}{}",
            wechatpay_notify::SIGNTEST_PREFIX,
            B64.encode(random_token(96))
        )
    } else if variation.tamper == Some(Tamper::Signature) {
        let other = wechatpay_notify::signed_message(ts.as_bytes(), nonce.as_bytes(), b"{}");
        signer.sign(&other)
    } else {
        signer.sign(&wechatpay_notify::signed_message(
            ts.as_bytes(),
            nonce.as_bytes(),
            &body,
        ))
    };
    let mut body = body;
    if variation.tamper == Some(Tamper::Body) {
        // Change the first digit of create_time's year: same length, still valid JSON, the
        // id left alone so that the receiver's log shows the same id.
        let field = b"\"create_time\":\"";
        if let Some(pos) = body.windows(field.len()).position(|w| w == field) {
            if let Some(b) = body.get_mut(pos + field.len()) {
                *b = if *b == b'2' { b'3' } else { b'2' };
            }
        }
    }
    let mut headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Wechatpay-Serial".to_owned(), signer.serial.clone()),
        ("Wechatpay-Signature".to_owned(), signature),
        ("Wechatpay-Timestamp".to_owned(), ts),
        ("Wechatpay-Nonce".to_owned(), nonce),
        (
            "Wechatpay-Signature-Type".to_owned(),
            wechatpay_notify::SIGNATURE_TYPE_RSA.to_owned(),
        ),
    ];
    if variation.tamper == Some(Tamper::Header) {
        headers.retain(|(k, _)| k != "Wechatpay-Nonce");
    }
    (headers, body)
}

/// A complete APIv3 callback.
pub fn build_v3(
    signer: &PlatformSigner,
    apiv3_key: &[u8],
    params: &Params,
    timestamp: i64,
    variation: Variation,
) -> Result<Callback, String> {
    let body = v3_body(params, apiv3_key)?;
    let (headers, body) = sign_v3(signer, body, timestamp, variation);
    Ok(Callback {
        headers,
        body,
        id: params.id.clone(),
        event: params.event_type().to_owned(),
    })
}

fn xml_document(root: &str, fields: &BTreeMap<String, String>) -> String {
    let mut xml = format!("<{root}>");
    for (k, v) in fields {
        // Values here never contain "]]>".
        xml.push_str(&format!("<{k}><![CDATA[{v}]]></{k}>"));
    }
    xml.push_str(&format!("</{root}>"));
    xml
}

fn map(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn beijing_compact(secs: i64) -> String {
    // yyyyMMddHHmmss, as APIv2 writes times.
    timefmt::beijing(secs)
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect()
}

/// A complete APIv2 callback (payment XML signed, or refund XML with encrypted req_info).
pub fn build_v2(v2_key: &[u8], params: &Params, sign_type: SignType) -> Callback {
    let common = [
        ("return_code", "SUCCESS".to_owned()),
        ("appid", "wxd678efh567hg6787".to_owned()),
        ("mch_id", "1900000001".to_owned()),
        ("nonce_str", random_token(32)),
    ];
    // APIv2 has payment and refund results only (simulate refuses other kinds with --v2).
    let (xml, id, event) = match params.event {
        EventKind::Refund | EventKind::PartnerRefund => {
            let refund_id = format!("50000{}", digits(&params.out_trade_no, 24));
            let info = map(&[
                ("transaction_id", params.transaction_id()),
                ("out_trade_no", params.out_trade_no.clone()),
                ("refund_id", refund_id.clone()),
                ("out_refund_no", format!("R{}", params.out_trade_no)),
                ("total_fee", params.amount.to_string()),
                ("refund_fee", params.amount.to_string()),
                ("settlement_refund_fee", params.amount.to_string()),
                ("refund_status", "SUCCESS".to_owned()),
                (
                    "success_time",
                    timefmt::beijing(params.time)
                        .replace('T', " ")
                        .trim_end_matches("+08:00")
                        .to_owned(),
                ),
                ("refund_recv_accout", "支付用户零钱".to_owned()),
                ("refund_account", "REFUND_SOURCE_RECHARGE_FUNDS".to_owned()),
                ("refund_request_source", "API".to_owned()),
            ]);
            let plain = xml_document("root", &info);
            let key = wechatpay_notify::v2::req_info_key(v2_key);
            let cipher = ecb::Encryptor::<aes::Aes256>::new(key.as_slice().into());
            let sealed = cipher.encrypt_padded_vec_mut::<Pkcs7>(plain.as_bytes());
            let mut fields = map(&common);
            fields.insert("req_info".into(), B64.encode(sealed));
            (
                xml_document("xml", &fields),
                refund_id,
                "v2 refund SUCCESS".to_owned(),
            )
        }
        _ => {
            let transaction_id = params.transaction_id();
            let mut fields = map(&common);
            fields.extend(map(&[
                ("result_code", "SUCCESS".to_owned()),
                ("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".to_owned()),
                ("is_subscribe", "N".to_owned()),
                ("trade_type", "JSAPI".to_owned()),
                ("bank_type", "OTHERS".to_owned()),
                ("total_fee", params.amount.to_string()),
                ("cash_fee", params.amount.to_string()),
                ("fee_type", "CNY".to_owned()),
                ("transaction_id", transaction_id.clone()),
                ("out_trade_no", params.out_trade_no.clone()),
                ("attach", String::new()),
                ("time_end", beijing_compact(params.time)),
            ]));
            if sign_type == SignType::HmacSha256 {
                fields.insert("sign_type".into(), "HMAC-SHA256".into());
            }
            let sign = compute_sign(&fields, v2_key, sign_type);
            fields.insert("sign".into(), sign);
            (
                xml_document("xml", &fields),
                transaction_id,
                "v2 payment SUCCESS".to_owned(),
            )
        }
    };
    Callback {
        headers: vec![("Content-Type".to_owned(), "text/xml".to_owned())],
        body: xml.into_bytes(),
        id,
        event,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};
    use wechatpay_notify::v2::V2Verifier;
    use wechatpay_notify::{ErrorCode, Verifier};

    const APIV3: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn keys() -> (String, String, String) {
        let key = crate::demo::generate_key().unwrap();
        let pkcs8 = key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).unwrap();
        let pkcs1 = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).unwrap();
        let public = key
            .to_public_key()
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
            .unwrap();
        (pkcs8.to_string(), pkcs1.to_string(), public)
    }

    #[test]
    fn pkcs8_and_pkcs1_keys_sign_callbacks_the_core_accepts() {
        let (pkcs8, pkcs1, public) = keys();
        let id = "PUB_KEY_ID_0000000000000000000000000001";
        let verifier = Verifier::builder()
            .apiv3_key(APIV3)
            .public_key(id, &public)
            .build()
            .unwrap();
        for pem in [&pkcs8, &pkcs1] {
            let signer = PlatformSigner::from_pem(pem.as_bytes(), id).unwrap();
            for &event in EventKind::ALL {
                let params = Params::new(event, 1_700_000_000);
                let cb =
                    build_v3(&signer, APIV3, &params, 1_700_000_000, Variation::default()).unwrap();
                let n = verifier
                    .parse_at(&cb.headers, &cb.body, 1_700_000_000)
                    .unwrap();
                assert_eq!(n.id(), params.id);
                assert_eq!(n.event_type(), params.event_type());
                // Every kind the CLI sends is the kind it says, and its typed accessor reads it.
                assert_eq!(n.kind(), event, "{}", event.as_str());
                match event {
                    EventKind::Transaction => {
                        assert_eq!(n.transaction().unwrap().amount.total, 1)
                    }
                    EventKind::Refund => {
                        assert_eq!(n.refund().unwrap().refund_status, "SUCCESS")
                    }
                    other => assert_eq!(
                        wechatpay_notify::events::check_event(
                            other,
                            n.kind(),
                            n.event_type(),
                            n.plaintext(),
                            false
                        ),
                        Ok(None)
                    ),
                }
            }
        }
        let signer = PlatformSigner::from_pem(pkcs8.as_bytes(), id).unwrap();
        let params = Params::new(EventKind::Transaction, 1_700_000_000);
        let code = |v: Variation| {
            let cb = build_v3(&signer, APIV3, &params, 1_700_000_000, v).unwrap();
            verifier
                .parse_at(&cb.headers, &cb.body, 1_700_000_000)
                .unwrap_err()
                .code()
        };
        let v = Variation::default();
        assert_eq!(
            code(Variation { probe: true, ..v }),
            ErrorCode::SignatureProbe
        );
        for (t, c) in [
            (Tamper::Body, ErrorCode::SignatureMismatch),
            (Tamper::Signature, ErrorCode::SignatureMismatch),
            (Tamper::Header, ErrorCode::MissingHeader),
        ] {
            assert_eq!(
                code(Variation {
                    tamper: Some(t),
                    ..v
                }),
                c
            );
        }
        assert_eq!(
            code(Variation {
                timestamp_offset: -600,
                ..v
            }),
            ErrorCode::TimestampSkew
        );
        assert!(PlatformSigner::from_pem(public.as_bytes(), id)
            .unwrap_err()
            .contains("PUBLIC KEY"));
    }

    #[test]
    fn v2_callbacks_verify_with_the_core() {
        let key = b"wpnTestAPIv2Key0123456789ABCDEFG";
        let v2 = V2Verifier::new(key).unwrap();
        for st in [SignType::Md5, SignType::HmacSha256] {
            let cb = build_v2(key, &Params::new(EventKind::Transaction, 1_700_000_000), st);
            let fields = v2.parse_payment(&cb.body).unwrap();
            assert_eq!(fields["transaction_id"], cb.id);
            assert_eq!(fields["time_end"].len(), 14);
        }
        let cb = build_v2(
            key,
            &Params::new(EventKind::Refund, 1_700_000_000),
            SignType::Md5,
        );
        let refund = v2.parse_refund(&cb.body).unwrap();
        assert_eq!(refund.req_info["refund_id"], cb.id);
        let other = V2Verifier::new(b"otherKey0123456789ABCDEFGHIJKLMN").unwrap();
        assert_eq!(
            other.parse_refund(&cb.body).unwrap_err().code(),
            ErrorCode::DecryptFailed
        );
    }

    #[test]
    fn ids_and_tokens_have_their_shapes() {
        let id = random_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert_ne!(random_id(), id);
        let t = random_token(32);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        assert_eq!(digits("x", 23).len(), 23);
    }
}
