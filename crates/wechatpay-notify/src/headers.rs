//! Header access: a small trait over the header collections callers already have.

use std::collections::{BTreeMap, HashMap};

/// `Wechatpay-Serial`: the serial of the certificate, or the public-key id, that signed.
pub const HEADER_SERIAL: &str = "Wechatpay-Serial";
/// `Wechatpay-Signature`: base64 RSA-SHA256 signature.
pub const HEADER_SIGNATURE: &str = "Wechatpay-Signature";
/// `Wechatpay-Timestamp`: Unix seconds at signing.
pub const HEADER_TIMESTAMP: &str = "Wechatpay-Timestamp";
/// `Wechatpay-Nonce`: random string included in the signed message.
pub const HEADER_NONCE: &str = "Wechatpay-Nonce";
/// `Wechatpay-Signature-Type`: optional, `WECHATPAY2-SHA256-RSA2048`.
pub const HEADER_SIGNATURE_TYPE: &str = "Wechatpay-Signature-Type";

/// A read-only view of request headers.
///
/// Lookups are case-insensitive and return the first value of a repeated header, trimmed of
/// surrounding ASCII whitespace by the verifier. Implemented for slices, arrays and vectors of
/// `(name, value)` pairs, for `HashMap`/`BTreeMap` of strings, and for [`http::HeaderMap`].
pub trait Headers {
    /// The raw bytes of the first header called `name` (compared case-insensitively).
    fn header(&self, name: &str) -> Option<&[u8]>;
}

fn find_pair<'a, K, V>(pairs: impl IntoIterator<Item = &'a (K, V)>, name: &str) -> Option<&'a [u8]>
where
    K: AsRef<str> + 'a,
    V: AsRef<[u8]> + 'a,
{
    pairs
        .into_iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self, name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self, name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self, name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, S> Headers for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl Headers for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(http::HeaderValue::as_bytes)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_are_case_insensitive_first_wins() {
        let pairs = [("wechatpay-serial", "A"), ("Wechatpay-Serial", "B")];
        assert_eq!(pairs.header(HEADER_SERIAL), Some(&b"A"[..]));
        let v: Vec<(String, String)> = vec![("X".into(), "1".into())];
        assert_eq!(v.header("x"), Some(&b"1"[..]));
        let mut map = http::HeaderMap::new();
        map.insert("wechatpay-nonce", http::HeaderValue::from_static("n"));
        assert_eq!(map.header(HEADER_NONCE), Some(&b"n"[..]));
        assert_eq!(map.header(HEADER_SERIAL), None);
        let mut h = HashMap::new();
        h.insert("WECHATPAY-TIMESTAMP", "1");
        assert_eq!(h.header(HEADER_TIMESTAMP), Some(&b"1"[..]));
    }
}
