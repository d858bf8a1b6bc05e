//! APIv2 signatures: MD5 or HMAC-SHA256 over the sorted fields, compared in constant time.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The two APIv2 signature algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignType {
    /// `MD5` (the default of most APIv2 interfaces).
    Md5,
    /// `HMAC-SHA256`, keyed by the APIv2 key.
    HmacSha256,
}

impl SignType {
    /// The `sign_type` value of this algorithm.
    pub fn as_str(self) -> &'static str {
        match self {
            SignType::Md5 => "MD5",
            SignType::HmacSha256 => "HMAC-SHA256",
        }
    }
}

/// The string that is signed: non-empty fields except `sign`, sorted by name, `k=v` joined by
/// `&`, then `&key=<APIv2 key>`. Wiped when dropped, since it contains the key.
fn sign_string(fields: &BTreeMap<String, String>, key: &[u8]) -> zeroize::Zeroizing<Vec<u8>> {
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(512));
    for (name, value) in fields {
        if name == "sign" || value.is_empty() {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.push(b'=');
        out.extend_from_slice(value.as_bytes());
        out.push(b'&');
    }
    out.extend_from_slice(b"key=");
    out.extend_from_slice(key);
    out
}

/// Computes the uppercase-hex APIv2 sign of `fields` (BTreeMap order is byte order).
pub fn compute_sign(fields: &BTreeMap<String, String>, key: &[u8], sign_type: SignType) -> String {
    let input = sign_string(fields, key);
    match sign_type {
        SignType::Md5 => hex::encode_upper(Md5::digest(&input[..])),
        SignType::HmacSha256 => {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
                .expect("HMAC accepts keys of any length");
            mac.update(&input);
            hex::encode_upper(mac.finalize().into_bytes())
        }
    }
}

/// Compares a received sign with the expected uppercase hex, case-insensitively and in
/// constant time for equal lengths.
pub(crate) fn sign_matches(expected_upper: &str, received: &str) -> bool {
    let received = received.to_ascii_uppercase();
    expected_upper.as_bytes().ct_eq(received.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_md5_sign() {
        // The example from the WeChat Pay APIv2 signing guide (安全规范).
        let mut f = BTreeMap::new();
        for (k, v) in [
            ("appid", "wxd930ea5d5a258f4f"),
            ("mch_id", "10000100"),
            ("device_info", "1000"),
            ("body", "test"),
            ("nonce_str", "ibuaiVcKdpRxkhJA"),
            ("empty", ""),
        ] {
            f.insert(k.to_owned(), v.to_owned());
        }
        let key = b"192006250b4c09247ec02edce69f6a2d";
        assert_eq!(
            compute_sign(&f, key, SignType::Md5),
            "9A0A8659F005D6984697E2CA0A9CF3B7"
        );
        assert_eq!(
            compute_sign(&f, key, SignType::HmacSha256),
            "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"
        );
        assert!(sign_matches(
            "9A0A8659F005D6984697E2CA0A9CF3B7",
            "9a0a8659f005d6984697e2ca0a9cf3b7"
        ));
        assert!(!sign_matches(
            "9A0A8659F005D6984697E2CA0A9CF3B7",
            "9A0A8659F005D6984697E2CA0A9CF3B8"
        ));
        assert!(!sign_matches("9A0A", "9A0A8659"));
    }
}
