//! The signs of a re-serialized body: what the diagnosis adds to a failed step 10
//! (`docs/protocol.md`, "Diagnosis"). WeChat Pay sends compact, one-line UTF-8 JSON; a handler
//! that parses the body and writes it out again before verifying it (a framework's JSON body
//! parser, `json.dumps`, `json_encode`) changes the bytes, and the signature no longer
//! matches. Only the diagnosis looks for these signs, never `parse`: they explain a refusal,
//! they decide nothing.

use crate::error::Error;

/// A sign, found in a body whose signature did not match, that the body was parsed and
/// written out again after WeChat Pay signed it. Each has a stable name ([`Hint::as_str`],
/// the same in every binding) and a fixed description ([`Hint::description`]); neither
/// contains anything of the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Hint {
    /// A line break between JSON tokens: pretty-printed (`"line_breaks"`).
    LineBreaks,
    /// Spaces or tabs at the start of a line: pretty-printed (`"indentation"`).
    Indentation,
    /// A space after `:` (`"space_after_colon"`).
    SpaceAfterColon,
    /// A space after `,` (`"space_after_comma"`).
    SpaceAfterComma,
    /// Other spaces or tabs between JSON tokens (`"spaces"`).
    Spaces,
    /// A non-ASCII character escaped as `\uXXXX` (`"unicode_escapes"`).
    UnicodeEscapes,
    /// A slash escaped as `\/` (`"escaped_slashes"`).
    EscapedSlashes,
}

impl Hint {
    /// Every hint, in declaration order.
    pub const ALL: &'static [Hint] = &[
        Hint::LineBreaks,
        Hint::Indentation,
        Hint::SpaceAfterColon,
        Hint::SpaceAfterComma,
        Hint::Spaces,
        Hint::UnicodeEscapes,
        Hint::EscapedSlashes,
    ];

    /// The stable name of this hint, e.g. `"line_breaks"` (`docs/protocol.md` lists them).
    pub const fn as_str(self) -> &'static str {
        match self {
            Hint::LineBreaks => "line_breaks",
            Hint::Indentation => "indentation",
            Hint::SpaceAfterColon => "space_after_colon",
            Hint::SpaceAfterComma => "space_after_comma",
            Hint::Spaces => "spaces",
            Hint::UnicodeEscapes => "unicode_escapes",
            Hint::EscapedSlashes => "escaped_slashes",
        }
    }

    /// What was found, in a few words that fit after "the body has".
    pub const fn description(self) -> &'static str {
        match self {
            Hint::LineBreaks => "line breaks inside the JSON (pretty-printed)",
            Hint::Indentation => "indentation (pretty-printed)",
            Hint::SpaceAfterColon => "a space after ':'",
            Hint::SpaceAfterComma => "a space after ','",
            Hint::Spaces => "spaces between JSON tokens",
            Hint::UnicodeEscapes => {
                "non-ASCII text escaped as \\uXXXX (the default of Python's json.dumps, PHP's \
                 json_encode, Jackson with ESCAPE_NON_ASCII)"
            }
            Hint::EscapedSlashes => "slashes escaped as \\/ (the default of PHP's json_encode)",
        }
    }

    /// The hint of a name given by [`Hint::as_str`].
    pub fn from_name(name: &str) -> Option<Hint> {
        Hint::ALL.iter().copied().find(|h| h.as_str() == name)
    }
}

impl std::fmt::Display for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The signs that `body` was re-serialized, each once, in the order they first appear.
/// Whitespace before and after the JSON is ignored (a capture's final newline is not a sign),
/// and so is everything inside strings except their escapes. Any bytes are accepted: the scan
/// never fails, it only finds fewer signs in what is not JSON.
pub(crate) fn reserialized_signs(body: &[u8]) -> Vec<Hint> {
    let mut signs = Vec::new();
    let mut add = |hint: Hint| {
        if !signs.contains(&hint) {
            signs.push(hint);
        }
    };
    let body = body.trim_ascii();
    let mut in_string = false;
    let mut in_indent = false;
    let mut prev: u8 = 0;
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        if in_string {
            match b {
                b'\\' => {
                    match body.get(i + 1) {
                        Some(b'u') if escapes_non_ascii(body.get(i + 2..i + 6)) => {
                            add(Hint::UnicodeEscapes)
                        }
                        Some(b'/') => add(Hint::EscapedSlashes),
                        _ => {}
                    }
                    i += 2;
                    continue;
                }
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'\n' | b'\r' => {
                    add(Hint::LineBreaks);
                    in_indent = true;
                }
                b' ' | b'\t' if in_indent => add(Hint::Indentation),
                b' ' if prev == b':' => add(Hint::SpaceAfterColon),
                b' ' if prev == b',' => add(Hint::SpaceAfterComma),
                b' ' | b'\t' => add(Hint::Spaces),
                _ => {}
            }
            if !b.is_ascii_whitespace() {
                in_indent = false;
            }
        }
        if !b.is_ascii_whitespace() {
            prev = b;
        }
        i += 1;
    }
    signs
}

/// True when the four bytes after `\u` are hex digits naming a character outside ASCII.
fn escapes_non_ascii(hex: Option<&[u8]>) -> bool {
    hex.and_then(|h| std::str::from_utf8(h).ok())
        .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .is_some_and(|c| c >= 0x80)
}

/// Step 10's error with the signs of a re-serialized body appended to its message (same
/// code), or unchanged when there are none.
pub(crate) fn explain(error: Error, signs: &[Hint]) -> Error {
    if signs.is_empty() {
        return error;
    }
    let found: Vec<&str> = signs.iter().map(|s| s.description()).collect();
    Error::new(
        error.code(),
        format!(
            "{}; the body looks re-serialized: it has {}, which WeChat Pay never sends",
            error.message(),
            found.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn compact_json_has_no_signs() {
        let body = "{\"id\":\"EV-1\",\"summary\":\"支付成功: a, b\",\"n\":[1,2]}".as_bytes();
        assert!(reserialized_signs(body).is_empty());
        // Whitespace around the JSON (a capture's final newline) is not a sign.
        assert!(reserialized_signs(b"  {\"a\":1}\n").is_empty());
        // Escapes WeChat Pay's own encoder writes: quotes, backslashes, ASCII \u.
        assert!(reserialized_signs(br#"{"s":"\"x\" \\ \u001f"}"#).is_empty());
        assert!(reserialized_signs(b"").is_empty());
    }

    #[test]
    fn pretty_printing_is_found() {
        let pretty = b"{\n  \"id\": \"EV-1\",\n  \"a\": 1\n}";
        assert_eq!(
            reserialized_signs(pretty),
            [Hint::LineBreaks, Hint::Indentation, Hint::SpaceAfterColon]
        );
        let tabs = b"{\r\n\t\"id\":\"EV-1\"\r\n}";
        assert_eq!(
            reserialized_signs(tabs),
            [Hint::LineBreaks, Hint::Indentation]
        );
    }

    #[test]
    fn spacing_is_found() {
        // Python's json.dumps default separators: ", " and ": ".
        let spaced = br#"{"id": "EV-1", "a": 1}"#;
        assert_eq!(
            reserialized_signs(spaced),
            [Hint::SpaceAfterColon, Hint::SpaceAfterComma]
        );
        assert_eq!(reserialized_signs(br#"{ "id":"EV-1"}"#), [Hint::Spaces]);
        assert_eq!(reserialized_signs(b"{\"a\":1\t}"), [Hint::Spaces]);
    }

    #[test]
    fn php_escaped_slashes_are_found() {
        assert_eq!(
            reserialized_signs(br#"{"url":"https:\/\/x"}"#),
            [Hint::EscapedSlashes]
        );
    }

    #[test]
    fn non_ascii_unicode_escapes_are_found() {
        // 支付成功 as json.dumps / json_encode write it by default.
        let body = br#"{"summary":"\u652f\u4ed8\u6210\u529f"}"#;
        assert_eq!(reserialized_signs(body), [Hint::UnicodeEscapes]);
        assert_eq!(
            reserialized_signs(br#"{"s":"\u00E9"}"#),
            [Hint::UnicodeEscapes]
        );
        // Not hex, or cut short: not a sign (and no panic).
        assert!(reserialized_signs(br#"{"s":"\u+0ff"}"#).is_empty());
        assert!(reserialized_signs(br#"{"s":"\u65"#).is_empty());
        assert!(reserialized_signs(b"{\"s\":\"\\").is_empty());
    }

    #[test]
    fn strings_are_not_scanned_for_whitespace() {
        let body = "{\"summary\":\"a, b: c\\nd\",\"x\":\"\n\"}".as_bytes();
        assert!(reserialized_signs(body).is_empty());
    }

    #[test]
    fn every_sign_once_in_order_of_appearance() {
        let body = br#"{"url": "\/", "b": "\/",
  "c": "\u4e2d"}"#;
        assert_eq!(
            reserialized_signs(body),
            [
                Hint::SpaceAfterColon,
                Hint::EscapedSlashes,
                Hint::SpaceAfterComma,
                Hint::LineBreaks,
                Hint::Indentation,
                Hint::UnicodeEscapes,
            ]
        );
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &hint in Hint::ALL {
            assert!(seen.insert(hint.as_str()));
            assert_eq!(Hint::from_name(hint.as_str()), Some(hint));
            assert_eq!(hint.to_string(), hint.as_str());
            assert!(!hint.description().is_empty());
        }
        assert_eq!(Hint::from_name("reordered"), None);
    }

    #[test]
    fn explain_appends_the_signs_to_the_message() {
        let e = Error::new(ErrorCode::SignatureMismatch, "signature does not match");
        assert_eq!(explain(e.clone(), &[]), e);
        let explained = explain(e, &[Hint::LineBreaks, Hint::EscapedSlashes]);
        assert_eq!(explained.code(), ErrorCode::SignatureMismatch);
        assert_eq!(
            explained.message(),
            "signature does not match; the body looks re-serialized: it has line breaks inside \
             the JSON (pretty-printed), slashes escaped as \\/ (the default of PHP's \
             json_encode), which WeChat Pay never sends"
        );
    }
}
