//! Request headers as C passes them: an array of (name, value) byte buffers.

use wechatpay_notify::Headers;

use crate::error::wpn_error;
use crate::strings::{bytes_arg, slice_arg};

/// One HTTP header: `name_len` bytes at `name` and `value_len` bytes at `value`, neither
/// NUL-terminated (NULL is allowed when the length is 0).
///
/// Names are compared case-insensitively (ASCII); a name that is not UTF-8 simply matches
/// nothing. For repeated headers the first one wins. The library reads these buffers only
/// during the call and keeps no pointer to them afterwards, so they may live in memory the
/// caller reuses (for Go: pinned Go memory, or C memory).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_header {
    /// The header name, e.g. `Wechatpay-Serial`.
    pub name: *const u8,
    /// Length of `name` in bytes.
    pub name_len: usize,
    /// The header value, raw bytes as received.
    pub value: *const u8,
    /// Length of `value` in bytes.
    pub value_len: usize,
}

/// A header array whose every pointer has been checked.
pub(crate) struct HeaderArray<'a> {
    headers: &'a [wpn_header],
}

impl<'a> HeaderArray<'a> {
    /// Checks `len` headers at `ptr` (NULL allowed when `len` is 0).
    pub(crate) unsafe fn read(ptr: *const wpn_header, len: usize) -> Result<Self, wpn_error> {
        let headers = slice_arg(ptr, len, "headers")?;
        for h in headers {
            bytes_arg(h.name, h.name_len, "headers[].name")?;
            bytes_arg(h.value, h.value_len, "headers[].value")?;
        }
        Ok(HeaderArray { headers })
    }
}

impl<'a> HeaderArray<'a> {
    /// The bytes of a buffer already checked by [`HeaderArray::read`].
    fn checked(&self, ptr: *const u8, len: usize) -> &'a [u8] {
        // SAFETY: `read` checked this pointer and length, and the caller keeps the buffers
        // alive for `'a`, the duration of the call.
        unsafe { bytes_arg(ptr, len, "").unwrap_or_default() }
    }
}

impl Headers for HeaderArray<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|h| {
                self.checked(h.name, h.name_len)
                    .eq_ignore_ascii_case(name.as_bytes())
            })
            .map(|h| self.checked(h.value, h.value_len))
    }
}
