//! A strict reader for the flat XML WeChat Pay APIv2 uses: one root element whose children
//! each hold only text or CDATA. Built on quick-xml; DTDs, custom entities, processing
//! instructions and nesting are refused, so XXE and entity expansion cannot happen.

use std::collections::BTreeMap;

use quick_xml::events::Event;
use quick_xml::Reader;

/// Most fields a flat document may have (real notifications have about 20).
pub(crate) const MAX_FIELDS: usize = 256;

/// Why a document was refused; the caller maps this to its own error code.
pub(crate) type XmlError = String;

enum State {
    BeforeRoot,
    InRoot,
    InField(Vec<u8>, String),
    AfterRoot,
}

/// Parses `<root><k>v</k>...</root>` into a map; duplicate names are refused.
pub(crate) fn parse_flat(xml: &[u8], root: &str) -> Result<BTreeMap<String, String>, XmlError> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut fields = BTreeMap::new();
    let mut state = State::BeforeRoot;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        state = match (state, event) {
            (_, Event::DocType(_)) => return Err("DOCTYPE is not allowed".into()),
            (_, Event::PI(_)) => return Err("processing instructions are not allowed".into()),
            (State::InField(name, mut value), Event::Text(text)) => {
                let text = text
                    .unescape()
                    .map_err(|e| format!("bad text or entity reference: {e}"))?;
                value.push_str(&text);
                State::InField(name, value)
            }
            (State::InField(name, mut value), Event::CData(data)) => {
                let data = std::str::from_utf8(&data).map_err(|_| "CDATA is not UTF-8")?;
                value.push_str(data);
                State::InField(name, value)
            }
            (State::InField(name, value), Event::End(end)) if end.name().as_ref() == name => {
                insert(&mut fields, &name, value)?;
                State::InRoot
            }
            (State::InField(..), Event::Start(_) | Event::Empty(_)) => {
                return Err("nested elements are not allowed in a flat document".into())
            }
            (state, Event::Comment(_)) => state,
            (State::BeforeRoot, Event::Decl(_)) => State::BeforeRoot,
            (state @ (State::BeforeRoot | State::InRoot | State::AfterRoot), Event::Text(t))
                if t.iter().all(u8::is_ascii_whitespace) =>
            {
                state
            }
            (State::BeforeRoot, Event::Start(start))
                if start.name().as_ref() == root.as_bytes() =>
            {
                State::InRoot
            }
            (State::BeforeRoot, Event::Start(_) | Event::Empty(_)) => {
                return Err(format!("root element must be <{root}>"))
            }
            (State::InRoot, Event::Start(start)) => {
                State::InField(start.name().as_ref().to_vec(), String::new())
            }
            (State::InRoot, Event::Empty(empty)) => {
                insert(&mut fields, empty.name().as_ref(), String::new())?;
                State::InRoot
            }
            (State::InRoot, Event::End(_)) => State::AfterRoot,
            (State::AfterRoot, Event::Eof) => return Ok(fields),
            (_, Event::Eof) => return Err("document ends early".into()),
            _ => return Err("unexpected content; expected a flat document of text fields".into()),
        };
    }
}

fn insert(
    fields: &mut BTreeMap<String, String>,
    name: &[u8],
    value: String,
) -> Result<(), XmlError> {
    let name = std::str::from_utf8(name).map_err(|_| "element name is not UTF-8")?;
    if fields.len() >= MAX_FIELDS {
        return Err(format!("more than {MAX_FIELDS} fields"));
    }
    if fields.insert(name.to_owned(), value).is_some() {
        return Err(format!("field <{name}> appears twice"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_flat;

    #[test]
    fn flat_documents() {
        let m = parse_flat(
            b"<?xml version=\"1.0\"?>\n<xml><a><![CDATA[x&y]]></a><b>1 &amp; 2</b><c/><d></d></xml>\n",
            "xml",
        )
        .unwrap();
        assert_eq!(m["a"], "x&y");
        assert_eq!(m["b"], "1 & 2");
        assert_eq!(m["c"], "");
        assert_eq!(m["d"], "");
    }

    #[test]
    fn refusals() {
        for (doc, why) in [
            (
                &b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><a>&e;</a></xml>"[..],
                "DOCTYPE",
            ),
            (b"<xml><a>&e;</a></xml>", "entity"),
            (b"<xml><a><b>1</b></a></xml>", "nested"),
            (b"<xml><a>1</a><a>2</a></xml>", "twice"),
            (b"<root><a>1</a></root>", "root"),
            (b"<xml><a>1</a>", "early"),
            (b"<xml><a>1</b></xml>", "well-formed"),
            (b"<xml>text<a>1</a></xml>", "unexpected"),
            (b"<xml><a>1</a></xml><xml/>", "unexpected"),
            (b"<?php x?><xml/>", "processing"),
            (b"", "early"),
        ] {
            let err = parse_flat(doc, "xml").unwrap_err();
            assert!(err.contains(why), "{err} should mention {why}");
        }
    }
}
