//! The identifiers a configuration names: merchant ids (商户号) and WeChat Pay public key ids
//! (微信支付公钥ID). Each is compared byte for byte with what a callback carries, so one with
//! an invisible or surrounding character would be accepted and then never match: such an id
//! is refused when the verifier is built, with a message that shows where.

use crate::error::{Error, Result};

/// The longest id accepted, in bytes. Merchant ids are 10 digits and public key ids 43
/// characters (`PUB_KEY_ID_` and 32 digits); certificate serials are read from the
/// certificate, not configured.
pub(crate) const MAX_ID_LEN: usize = 64;

/// Checks that `id` (`what`: "merchant id", "public key id") is 1 to [`MAX_ID_LEN`] bytes
/// with no whitespace (surrounding or inner), control character, or invisible character
/// (BOM, zero-width space).
pub(crate) fn check(what: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::config(format!("a {what} must not be empty")));
    }
    if id.len() > MAX_ID_LEN {
        return Err(Error::config(format!(
            "{what} {} is {} bytes long; ids are at most {MAX_ID_LEN}",
            escaped(id),
            id.len()
        )));
    }
    if let Some((at, c)) = id.chars().enumerate().find(|(_, c)| invisible(*c)) {
        let what_char = match c {
            ' ' => "whitespace (a space)".to_owned(),
            c => format!("the character U+{:04X}", u32::from(c)),
        };
        return Err(Error::config(format!(
            "{what} {} has {what_char} at character {}: ids have no space, control or \
             invisible character, so it could never match; copy it again from the merchant \
             platform",
            escaped(id),
            at + 1
        )));
    }
    Ok(())
}

/// A character an id never has: whitespace, a control character, or an invisible format
/// character (soft hyphen, zero-width space and joiners, direction marks, word joiner, BOM).
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
}

/// An id quoted for a message, every character other than printable ASCII escaped (`\u{feff}`,
/// `\n`), at most 80 characters shown.
pub(crate) fn escaped(id: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in id.chars().enumerate() {
        if i == 80 {
            out.push('…');
            break;
        }
        if c.is_ascii_graphic() || c == ' ' {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_printable_ascii() {
        check("merchant id", "1900000001").unwrap();
        check("public key id", "PUB_KEY_ID_0114232134912410000000000000").unwrap();
        for (bad, shows) in [
            ("", "empty"),
            ("\u{feff}1900000001", "U+FEFF at character 1"),
            ("19000\u{200b}00001", "U+200B at character 6"),
            ("1900000001 ", "a space) at character 11"),
            (" 1900000001", "a space) at character 1"),
            ("1900\n000001", "U+000A"),
        ] {
            let e = check("merchant id", bad).unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::ConfigInvalid);
            assert!(e.message().contains(shows), "{e}");
            assert!(!e.message().contains('\n') && !e.message().contains('\u{feff}'));
        }
        let long = "1".repeat(MAX_ID_LEN + 1);
        assert!(check("merchant id", &long)
            .unwrap_err()
            .message()
            .contains("65 bytes"));
        assert_eq!(escaped("a\u{feff}\n"), "\"a\\u{feff}\\n\"");
    }
}
