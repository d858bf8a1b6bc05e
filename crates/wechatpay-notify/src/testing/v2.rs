//! APIv2 test callbacks: payment results signed with the APIv2 key (MD5 or HMAC-SHA256) and
//! refund results whose `req_info` is encrypted with it, as WeChat Pay sends them.

use std::collections::BTreeMap;

use base64::Engine as _;
use ecb::cipher::block_padding::Pkcs7;
use ecb::cipher::{BlockEncryptMut, KeyInit};

use super::keys::{self, random_digits, random_token};
use quick_xml::events::{BytesCData, BytesEnd, BytesStart, Event};
use quick_xml::Writer;

use crate::error::{Error, ErrorCode, Result};
use crate::v2::{compute_sign, req_info_key, SignType};

/// A flat XML document of `fields` under `root`, each value in CDATA (a `]]>` in a value is
/// split across two CDATA sections, which a reader joins again). A field name that is not an
/// XML name is refused (`CONFIG_INVALID`): it could not be written as an element.
fn xml_document(root: &str, fields: &BTreeMap<String, String>) -> Result<String> {
    let mut writer = Writer::new(Vec::new());
    let mut write = |event: Event<'_>| {
        writer
            .write_event(event)
            .map_err(|_| keys::failed("XML writing"))
    };
    write(Event::Start(BytesStart::new(root)))?;
    for (name, value) in fields {
        xml_name(name)?;
        write(Event::Start(BytesStart::new(name.as_str())))?;
        for part in BytesCData::escaped(value) {
            write(Event::CData(part))?;
        }
        write(Event::End(BytesEnd::new(name.as_str())))?;
    }
    write(Event::End(BytesEnd::new(root)))?;
    String::from_utf8(writer.into_inner()).map_err(|_| keys::failed("XML writing"))
}

/// An APIv2 field name: ASCII letters, digits and `_`, starting with a letter or `_`, as every
/// field WeChat Pay sends is.
fn xml_name(name: &str) -> Result<()> {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    if first_ok && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::ConfigInvalid,
        format!(
            "the testing kit cannot write an APIv2 field named {}: field names are ASCII letters, \
             digits and _, starting with a letter or _",
            crate::bytes::printable(name.as_bytes())
        ),
    ))
}

fn fields(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// The fields every APIv2 result carries.
fn common() -> BTreeMap<String, String> {
    fields(&[
        ("return_code", "SUCCESS".to_owned()),
        ("appid", "wx0000000000000001".to_owned()),
        ("mch_id", "1900000001".to_owned()),
        ("nonce_str", random_token(32)),
    ])
}

/// An APIv2 payment result being built (`Kit::v2_payment`).
#[derive(Debug)]
pub struct V2PaymentBuilder<'k> {
    key: &'k str,
    sign_type: SignType,
    fields: BTreeMap<String, String>,
}

impl<'k> V2PaymentBuilder<'k> {
    pub(super) fn new(key: &'k str) -> Self {
        let mut f = common();
        f.extend(fields(&[
            ("result_code", "SUCCESS".to_owned()),
            ("openid", "oTestOpenId000000000000000000".to_owned()),
            ("is_subscribe", "N".to_owned()),
            ("trade_type", "JSAPI".to_owned()),
            ("bank_type", "OTHERS".to_owned()),
            ("total_fee", "1".to_owned()),
            ("cash_fee", "1".to_owned()),
            ("fee_type", "CNY".to_owned()),
            ("transaction_id", format!("4200{}", random_digits(24))),
            ("out_trade_no", format!("TEST-{}", random_token(16))),
            ("time_end", "20231114221320".to_owned()),
        ]));
        V2PaymentBuilder {
            key,
            sign_type: SignType::Md5,
            fields: f,
        }
    }

    /// Signs with HMAC-SHA256 (and says so in `sign_type`) instead of MD5.
    pub fn sign_type(mut self, sign_type: SignType) -> Self {
        self.sign_type = sign_type;
        self
    }

    /// Sets a field (before signing).
    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.fields.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Removes a field (before signing).
    pub fn remove(mut self, name: &str) -> Self {
        self.fields.remove(name);
        self
    }

    /// The signed XML body.
    pub fn build(self) -> Result<Vec<u8>> {
        let mut fields = self.fields;
        if self.sign_type == SignType::HmacSha256 {
            fields.insert("sign_type".into(), "HMAC-SHA256".into());
        }
        fields.remove("sign");
        let sign = compute_sign(&fields, self.key.as_bytes(), self.sign_type);
        fields.insert("sign".into(), sign);
        Ok(xml_document("xml", &fields)?.into_bytes())
    }
}

/// An APIv2 refund result being built (`Kit::v2_refund`).
#[derive(Debug)]
pub struct V2RefundBuilder<'k> {
    key: &'k str,
    fields: BTreeMap<String, String>,
    req_info: BTreeMap<String, String>,
}

impl<'k> V2RefundBuilder<'k> {
    pub(super) fn new(key: &'k str) -> Self {
        let out_trade_no = format!("TEST-{}", random_token(16));
        let req_info = fields(&[
            ("transaction_id", format!("4200{}", random_digits(24))),
            ("out_trade_no", out_trade_no.clone()),
            ("refund_id", format!("5000{}", random_digits(25))),
            ("out_refund_no", format!("R{out_trade_no}")),
            ("total_fee", "1".to_owned()),
            ("refund_fee", "1".to_owned()),
            ("settlement_refund_fee", "1".to_owned()),
            ("refund_status", "SUCCESS".to_owned()),
            ("success_time", "2023-11-14 22:13:20".to_owned()),
            ("refund_recv_accout", "支付用户零钱".to_owned()),
            ("refund_account", "REFUND_SOURCE_RECHARGE_FUNDS".to_owned()),
            ("refund_request_source", "API".to_owned()),
        ]);
        V2RefundBuilder {
            key,
            fields: common(),
            req_info,
        }
    }

    /// Sets an outer field.
    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.fields.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Sets a field of the encrypted `req_info`.
    pub fn set_req_info(mut self, name: &str, value: &str) -> Self {
        self.req_info.insert(name.to_owned(), value.to_owned());
        self
    }

    /// The XML body, `req_info` encrypted with the APIv2 key (AES-256-ECB, PKCS#7, under the
    /// hex MD5 of the key: `docs/apiv2.md`).
    pub fn build(self) -> Result<Vec<u8>> {
        let plain = xml_document("root", &self.req_info)?;
        let key = req_info_key(self.key.as_bytes());
        let cipher = ecb::Encryptor::<aes::Aes256>::new_from_slice(key.as_slice())
            .map_err(|_| keys::failed("AES-256-ECB"))?;
        let sealed = cipher.encrypt_padded_vec_mut::<Pkcs7>(plain.as_bytes());
        let mut fields = self.fields;
        fields.insert(
            "req_info".into(),
            base64::engine::general_purpose::STANDARD.encode(sealed),
        );
        Ok(xml_document("xml", &fields)?.into_bytes())
    }
}
