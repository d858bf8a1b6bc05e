//! Reading a captured raw HTTP message: the file `doctor` and `parse` are given.
//!
//! The input is what a packet capture, `nc -l`, a proxy log or a hand-written file holds: an
//! optional start line (`POST /notify HTTP/1.1`, or a status line `HTTP/1.1 200 OK` for a
//! captured response), header lines, a blank line, then the body. Lines may end in CRLF or a
//! bare LF. The body is everything after the blank line, byte for byte (a `chunked` body is
//! de-chunked), because the signature covers those exact bytes.
//!
//! [`parse`] is a pure function over bytes, so it can be fuzzed: it never panics and never
//! allocates more than a small multiple of its input.

use std::fmt;

/// The first line of a captured message, when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartLine {
    /// `METHOD TARGET HTTP/x.y`.
    Request {
        /// The method, e.g. `POST`.
        method: String,
        /// The request target, e.g. `/pay/notify`.
        target: String,
        /// The version, e.g. `HTTP/1.1`.
        version: String,
    },
    /// `HTTP/x.y CODE REASON`, for a captured response (e.g. of `GET /v3/certificates`).
    Status {
        /// The version, e.g. `HTTP/1.1`.
        version: String,
        /// The status code.
        code: u16,
        /// The reason phrase, possibly empty.
        reason: String,
    },
}

/// A captured HTTP message, split into its parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawRequest {
    /// The start line, if the capture has one.
    pub start: Option<StartLine>,
    /// The headers in order, names as written, values with surrounding blanks removed.
    /// HTTP/2 pseudo-headers (`:method`, `:path`...) copied from browser tools are kept here
    /// too, under their `:` names.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, byte for byte (de-chunked if `Transfer-Encoding: chunked`).
    pub body: Vec<u8>,
    /// Whether the header lines ended in CRLF, bare LF, or both.
    pub line_endings: LineEndings,
    /// False when the input had no blank line after the headers (so no body at all).
    pub has_blank_line: bool,
    /// True when a UTF-8 byte order mark at the very start was skipped.
    pub had_bom: bool,
    /// True when the body was de-chunked.
    pub dechunked: bool,
}

/// The line endings seen in the start line and headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LineEndings {
    /// No line ended in the head (e.g. the input is only a blank line and a body).
    #[default]
    None,
    /// Every line ended in CRLF, as HTTP requires.
    Crlf,
    /// Every line ended in a bare LF.
    Lf,
    /// Some of each.
    Mixed,
}

impl LineEndings {
    fn add(self, crlf: bool) -> LineEndings {
        match (self, crlf) {
            (LineEndings::None, true) | (LineEndings::Crlf, true) => LineEndings::Crlf,
            (LineEndings::None, false) | (LineEndings::Lf, false) => LineEndings::Lf,
            _ => LineEndings::Mixed,
        }
    }
}

/// Why a capture could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number of the problem (0 for the body).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "body: {}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

impl RawRequest {
    /// The first header called `name` (case-insensitive), as bytes.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// `Content-Length`, when present and a valid number.
    pub fn content_length(&self) -> Option<usize> {
        let value = self.header("content-length")?;
        std::str::from_utf8(value).ok()?.trim().parse().ok()
    }

    /// The method, from the request line or an HTTP/2 `:method` pseudo-header.
    pub fn method(&self) -> Option<&str> {
        match &self.start {
            Some(StartLine::Request { method, .. }) => Some(method),
            _ => self.pseudo(":method"),
        }
    }

    /// The request target, from the request line or an HTTP/2 `:path` pseudo-header.
    pub fn target(&self) -> Option<&str> {
        match &self.start {
            Some(StartLine::Request { target, .. }) => Some(target),
            _ => self.pseudo(":path"),
        }
    }

    fn pseudo(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(|v| std::str::from_utf8(v).ok())
    }
}

const MAX_VERSION_LEN: usize = 16;

/// Splits a captured HTTP message into start line, headers and body.
///
/// Accepted: an optional start line; header lines `Name: value` (a leading blank continues
/// the previous header, as obsolete HTTP/1.1 folding did); CRLF or LF line ends; a blank line;
/// the body. Input that ends inside the headers has an empty body. A first line that is
/// neither a start line nor a header is an error, as is a header line without a colon.
pub fn parse(input: &[u8]) -> Result<RawRequest, ParseError> {
    let mut out = RawRequest::default();
    let mut rest = input;
    if let Some(stripped) = rest.strip_prefix(b"\xEF\xBB\xBF") {
        rest = stripped;
        out.had_bom = true;
    }
    let mut line_no = 0usize;
    loop {
        let Some((line, crlf, after)) = next_line(rest) else {
            // No line end left: the last line is unterminated.
            line_no += 1;
            let last = rest.strip_suffix(b"\r").unwrap_or(rest);
            if !last.is_empty() {
                read_head_line(&mut out, last, line_no)?;
            }
            return Ok(out);
        };
        line_no += 1;
        out.line_endings = out.line_endings.add(crlf);
        rest = after;
        if line.is_empty() {
            out.has_blank_line = true;
            break;
        }
        read_head_line(&mut out, line, line_no)?;
    }
    out.body = rest.to_vec();
    let chunked = out
        .header("transfer-encoding")
        .map(|v| {
            v.split(|&b| b == b',')
                .any(|t| t.trim_ascii().eq_ignore_ascii_case(b"chunked"))
        })
        .unwrap_or(false);
    if chunked {
        out.body = dechunk(rest)?;
        out.dechunked = true;
    }
    Ok(out)
}

/// The next line without its end, whether it ended in CRLF, and what follows.
fn next_line(input: &[u8]) -> Option<(&[u8], bool, &[u8])> {
    let lf = input.iter().position(|&b| b == b'\n')?;
    let (line, crlf) = match input[..lf].strip_suffix(b"\r") {
        Some(line) => (line, true),
        None => (&input[..lf], false),
    };
    Some((line, crlf, &input[lf + 1..]))
}

fn read_head_line(out: &mut RawRequest, line: &[u8], line_no: usize) -> Result<(), ParseError> {
    if line_no == 1 && out.headers.is_empty() {
        if let Some(start) = start_line(line) {
            out.start = Some(start);
            return Ok(());
        }
    }
    if matches!(line.first(), Some(b' ' | b'\t')) {
        // Obsolete line folding: continues the previous header's value.
        let Some((_, value)) = out.headers.last_mut() else {
            return Err(ParseError {
                line: line_no,
                message: "a continuation line (starting with a blank) before any header".into(),
            });
        };
        value.push(b' ');
        value.extend_from_slice(line.trim_ascii());
        return Ok(());
    }
    // HTTP/2 pseudo-headers as copied from browser tools: ":method: POST".
    let (name_part, pseudo) = match line.strip_prefix(b":") {
        Some(rest) => (rest, true),
        None => (line, false),
    };
    let Some(colon) = name_part.iter().position(|&b| b == b':') else {
        let message = if line_no == 1 {
            "neither a request line (METHOD /path HTTP/1.1) nor a header (Name: value)"
        } else {
            "not a header line (Name: value); is a blank line missing before the body?"
        };
        return Err(ParseError {
            line: line_no,
            message: message.into(),
        });
    };
    let name = &name_part[..colon];
    if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
        return Err(ParseError {
            line: line_no,
            message: "header name is empty or has characters HTTP does not allow (spaces, \
                      control characters, separators)"
                .into(),
        });
    }
    let name = String::from_utf8_lossy(name);
    let name = if pseudo {
        format!(":{name}")
    } else {
        name.into_owned()
    };
    let value = name_part[colon + 1..].trim_ascii().to_vec();
    out.headers.push((name, value));
    Ok(())
}

/// `tchar` of RFC 9110.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn start_line(line: &[u8]) -> Option<StartLine> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.splitn(3, ' ');
    let first = parts.next()?;
    let second = parts.next()?;
    let third = parts.next();
    if is_version(first) {
        let code = second
            .parse::<u16>()
            .ok()
            .filter(|c| (100..=999).contains(c))?;
        if second.len() != 3 {
            return None;
        }
        return Some(StartLine::Status {
            version: first.to_owned(),
            code,
            reason: third.unwrap_or_default().to_owned(),
        });
    }
    let version = third?;
    if first.is_empty()
        || !first.bytes().all(is_token)
        || second.is_empty()
        || second.contains(' ')
        || !is_version(version)
    {
        return None;
    }
    Some(StartLine::Request {
        method: first.to_owned(),
        target: second.to_owned(),
        version: version.to_owned(),
    })
}

fn is_version(s: &str) -> bool {
    s.len() <= MAX_VERSION_LEN
        && s.strip_prefix("HTTP/")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Decodes a `chunked` body: hex size lines (extensions ignored), data, a zero chunk, and
/// optional trailers. Sizes and data are checked against the input, so nothing is trusted.
fn dechunk(mut input: &[u8]) -> Result<Vec<u8>, ParseError> {
    let bad = |message: &str| ParseError {
        line: 0,
        message: format!("Transfer-Encoding is chunked, but {message}"),
    };
    let mut body = Vec::with_capacity(input.len());
    loop {
        let (line, _, after) =
            next_line(input).ok_or_else(|| bad("a chunk size line is missing"))?;
        let size_text = line
            .split(|&b| b == b';')
            .next()
            .unwrap_or_default()
            .trim_ascii();
        if size_text.is_empty()
            || size_text.len() > 16
            || !size_text.iter().all(u8::is_ascii_hexdigit)
        {
            return Err(bad("a chunk size is not hexadecimal"));
        }
        let size = std::str::from_utf8(size_text)
            .ok()
            .and_then(|s| usize::from_str_radix(s, 16).ok())
            .ok_or_else(|| bad("a chunk size is too large"))?;
        input = after;
        if size == 0 {
            return Ok(body);
        }
        if input.len() < size {
            return Err(bad("a chunk is shorter than its size"));
        }
        body.extend_from_slice(&input[..size]);
        input = &input[size..];
        input = input
            .strip_prefix(b"\r\n")
            .or_else(|| input.strip_prefix(b"\n"))
            .ok_or_else(|| bad("a chunk does not end with a line break"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_line_crlf_headers_and_exact_body() {
        let raw = b"POST /pay/notify HTTP/1.1\r\nHost: example.com\r\nWechatpay-Serial:  ABC \r\n\r\n{\"a\": 1}\n";
        let r = parse(raw).unwrap();
        assert_eq!(
            r.start,
            Some(StartLine::Request {
                method: "POST".into(),
                target: "/pay/notify".into(),
                version: "HTTP/1.1".into()
            })
        );
        assert_eq!(r.header("wechatpay-serial"), Some(&b"ABC"[..]));
        assert_eq!(r.body, b"{\"a\": 1}\n");
        assert_eq!(r.line_endings, LineEndings::Crlf);
        assert!(r.has_blank_line);
        assert_eq!(r.method(), Some("POST"));
        assert_eq!(r.target(), Some("/pay/notify"));
    }

    #[test]
    fn no_request_line_lf_endings() {
        let r = parse(b"Wechatpay-Nonce: n\nContent-Length: 2\n\n{}").unwrap();
        assert_eq!(r.start, None);
        assert_eq!(r.headers.len(), 2);
        assert_eq!(r.content_length(), Some(2));
        assert_eq!(r.body, b"{}");
        assert_eq!(r.line_endings, LineEndings::Lf);
    }

    #[test]
    fn body_bytes_are_kept_exactly_including_crlf_and_binary() {
        let mut raw = b"POST / HTTP/1.1\n\n".to_vec();
        let body: Vec<u8> = (0u8..=255).chain(*b"\r\n\r\n\n").collect();
        raw.extend_from_slice(&body);
        assert_eq!(parse(&raw).unwrap().body, body);
    }

    #[test]
    fn blank_first_line_means_no_headers() {
        let r = parse(b"\n  <xml></xml>").unwrap();
        assert!(r.headers.is_empty());
        assert_eq!(r.body, b"  <xml></xml>");
    }

    #[test]
    fn empty_input_and_headers_only() {
        let r = parse(b"").unwrap();
        assert!(!r.has_blank_line);
        assert!(r.body.is_empty());
        let r = parse(b"A: 1\r\nB: 2").unwrap();
        assert_eq!(r.headers.len(), 2);
        assert!(!r.has_blank_line);
    }

    #[test]
    fn status_line_for_responses() {
        let r = parse(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}").unwrap();
        assert_eq!(
            r.start,
            Some(StartLine::Status {
                version: "HTTP/1.1".into(),
                code: 200,
                reason: "OK".into()
            })
        );
        assert_eq!(r.body, b"{}");
    }

    #[test]
    fn folding_duplicates_and_empty_values() {
        let r = parse(b"X-A: one\r\n  two\r\nX-A: second\r\nX-E:\r\n\r\n").unwrap();
        assert_eq!(r.header("x-a"), Some(&b"one two"[..]));
        assert_eq!(r.headers[1].1, b"second");
        assert_eq!(r.header("X-E"), Some(&b""[..]));
    }

    #[test]
    fn pseudo_headers_from_browser_tools() {
        let r = parse(b":method: POST\n:path: /notify\nwechatpay-serial: S\n\n{}").unwrap();
        assert_eq!(r.method(), Some("POST"));
        assert_eq!(r.target(), Some("/notify"));
        assert_eq!(r.header("Wechatpay-Serial"), Some(&b"S"[..]));
    }

    #[test]
    fn bom_is_skipped_and_mixed_endings_noted() {
        let r = parse(b"\xEF\xBB\xBFA: 1\r\nB: 2\n\n").unwrap();
        assert!(r.had_bom);
        assert_eq!(r.line_endings, LineEndings::Mixed);
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        let r = parse(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body, b"Wikipedia");
        assert!(r.dechunked);
        for bad in [&b"zz\r\n"[..], b"10\r\nshort", b"4\r\nWikiX0\r\n", b""] {
            let mut raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            raw.extend_from_slice(bad);
            let e = parse(&raw).unwrap_err();
            assert_eq!(e.line, 0, "{e}");
        }
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse(b"hello world\n\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse(b"POST / HTTP/1.1\nA: 1\nnot a header\n\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().starts_with("line 3:"));
        assert_eq!(parse(b" folded\n\n").unwrap_err().line, 1);
        assert_eq!(parse(b"Bad Name: x\n\n").unwrap_err().line, 1);
    }

    #[test]
    fn request_line_only_on_the_first_line() {
        // A later line that looks like a request line is not a header.
        assert!(parse(b"A: 1\nPOST / HTTP/1.1\n\n").is_err());
        // "GET /x" without a version is not a request line.
        assert!(parse(b"GET /x\n\n").is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A small deterministic sweep standing in for the fuzz target.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..400 {
            let mut input = Vec::with_capacity(len);
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let alphabet = b"\r\n: \tPOSTHTP/1.0;aA\xEF\xBB\xBFchunked-Transfer-Encoding";
                input.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            if let Ok(r) = parse(&input) {
                assert!(r.body.len() <= input.len());
            }
        }
    }
}
