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
/// Every header the verifier reads: what a binding keeps of a request's headers (the others are
/// never looked at).
pub const HEADER_NAMES: [&str; 5] = [
    HEADER_SERIAL,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    HEADER_NONCE,
    HEADER_SIGNATURE_TYPE,
];

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

/// Headers as a C program, Go or Java has them without building structs: every name and value
/// back to back in one buffer, and their lengths in a second (name, value, name, value, ...).
/// The C ABI takes headers in this form (`docs/c-abi.md`, "Inputs").
///
/// Lookups follow the rule of every [`Headers`]: names compare ASCII case-insensitively, the
/// first of a repeated name counts, and a name that is not ASCII matches nothing.
#[derive(Clone, Copy, Debug)]
pub struct PackedHeaders<'a> {
    bytes: &'a [u8],
    lens: &'a [usize],
}

/// Why a [`PackedHeaders`] could not be made: the lengths do not describe the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackedHeadersError {
    /// The lengths are not in (name, value) pairs: their count is odd.
    OddLengths,
    /// The lengths add up to another size than the buffer's (or overflow).
    LengthsMismatch,
}

impl std::fmt::Display for PackedHeadersError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PackedHeadersError::OddLengths => "the header lengths are not (name, value) pairs",
            PackedHeadersError::LengthsMismatch => {
                "the header lengths do not add up to the size of the header bytes"
            }
        })
    }
}

impl std::error::Error for PackedHeadersError {}

impl<'a> PackedHeaders<'a> {
    /// Headers whose names and values are back to back in `bytes`, `lens` holding each
    /// header's name length then its value length. The lengths must add up to `bytes.len()`.
    pub fn new(bytes: &'a [u8], lens: &'a [usize]) -> Result<Self, PackedHeadersError> {
        if lens.len() % 2 != 0 {
            return Err(PackedHeadersError::OddLengths);
        }
        let total = lens
            .iter()
            .try_fold(0usize, |sum, &n| sum.checked_add(n))
            .ok_or(PackedHeadersError::LengthsMismatch)?;
        if total != bytes.len() {
            return Err(PackedHeadersError::LengthsMismatch);
        }
        Ok(PackedHeaders { bytes, lens })
    }

    /// The (name, value) pairs, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + '_ {
        let mut rest = self.bytes;
        self.lens.chunks_exact(2).map(move |pair| {
            // `new` checked that the lengths add up to the buffer, so neither split fails.
            let (name, tail) = rest.split_at(pair[0]);
            let (value, tail) = tail.split_at(pair[1]);
            rest = tail;
            (name, value)
        })
    }
}

impl Headers for PackedHeaders<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.pairs()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v)
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

    #[test]
    fn packed_headers_follow_the_same_rule() {
        let bytes = b"wechatpay-serialAWechatpay-SerialBX-Empty";
        let lens = [16, 1, 16, 1, 7, 0];
        let packed = PackedHeaders::new(bytes, &lens).unwrap();
        assert_eq!(packed.header(HEADER_SERIAL), Some(&b"A"[..]));
        assert_eq!(packed.header("x-empty"), Some(&b""[..]));
        assert_eq!(packed.header(HEADER_NONCE), None);
        assert_eq!(packed.pairs().count(), 3);
        let none = PackedHeaders::new(b"", &[]).unwrap();
        assert_eq!(none.header(HEADER_SERIAL), None);
        let latin = [0xC0u8, b'x'];
        let latin1 = PackedHeaders::new(&latin, &[2, 0]).unwrap();
        assert_eq!(latin1.header("\u{c0}x"), None);
        assert_eq!(
            PackedHeaders::new(bytes, &[16, 1, 16]).unwrap_err(),
            PackedHeadersError::OddLengths
        );
        assert_eq!(
            PackedHeaders::new(bytes, &[16, 1, 16, 2, 7, 0]).unwrap_err(),
            PackedHeadersError::LengthsMismatch
        );
        assert_eq!(
            PackedHeaders::new(bytes, &[usize::MAX, 2]).unwrap_err(),
            PackedHeadersError::LengthsMismatch
        );
    }
}
