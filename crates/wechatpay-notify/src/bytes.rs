//! Small helpers over raw bytes shared by the APIv3 and APIv2 paths.

/// The first byte of `body` that is not ASCII whitespace: how a body's format is sniffed
/// (`<` for XML, `{` or `[` for JSON) without parsing it.
pub(crate) fn first_non_whitespace(body: &[u8]) -> Option<u8> {
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// True when the body is XML by its first non-blank byte, `<`: an APIv2 notification (or a
/// refund made by hand in the merchant platform), never an APIv3 one. This is the sniff of
/// step 1 of `docs/protocol.md`.
pub fn looks_like_xml(body: &[u8]) -> bool {
    first_non_whitespace(body) == Some(b'<')
}

/// True when the body is JSON by its first non-blank byte (`{` or `[`): an APIv3
/// notification, never an APIv2 one (step 1 of `docs/apiv2.md`).
pub fn looks_like_json(body: &[u8]) -> bool {
    matches!(first_non_whitespace(body), Some(b'{' | b'['))
}

/// Decodes standard, padded base64 (RFC 4648 section 4) with nothing else in it: no
/// whitespace, no missing padding, no stray bits in the last character. The one base64 decoder
/// of every input this library reads.
pub(crate) fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    base64_simd::STANDARD.decode_to_vec(text).ok()
}

/// A header value made safe to quote in a message: printable ASCII up to 80 characters.
pub(crate) fn printable(value: &[u8]) -> String {
    if value.len() <= 80 && value.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        format!("\"{}\"", String::from_utf8_lossy(value))
    } else {
        format!("<{} bytes, not shown>", value.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_the_first_non_blank_byte() {
        assert!(looks_like_xml(b"\r\n <xml>"));
        assert!(!looks_like_xml(b"{}") && !looks_like_xml(b""));
        assert!(looks_like_json(b" \t{\"a\":1}") && looks_like_json(b"[]"));
        assert!(!looks_like_json(b"<xml/>"));
        assert_eq!(printable(b"PUB_KEY_ID_1"), "\"PUB_KEY_ID_1\"");
        assert_eq!(printable(&[0xff; 3]), "<3 bytes, not shown>");
    }

    #[test]
    fn base64_is_strict() {
        assert_eq!(decode_base64(b"QUI="), Some(b"AB".to_vec()));
        assert_eq!(decode_base64(b""), Some(Vec::new()));
        for bad in [
            "QUJ=", "QUI", "QUI==", " QUJD", "QU\nJD", "QUJD====", "QU-_", "====",
        ] {
            assert_eq!(decode_base64(bad.as_bytes()), None, "{bad:?}");
        }
    }
}
