//! Borrowed byte and string views, in both directions across the boundary.

use std::os::raw::c_char;

use crate::error::wpn_error;
use crate::guard::guard_value;

/// A borrowed UTF-8 string: `len` bytes at `data`, **not** NUL-terminated (print it with
/// `printf("%.*s", (int)s.len, s.data)`).
///
/// It is valid until the handle it came from is freed; never free it yourself. `data` is
/// never NULL for a string that exists (an empty string points at a static empty string);
/// it is NULL only where a function documents so (a NULL handle, an index out of range, an
/// absent value).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_str {
    /// The first byte, or NULL as documented by the function that returned it.
    pub data: *const c_char,
    /// The length in bytes.
    pub len: usize,
}

/// Borrowed bytes: `len` bytes at `data`. Same lifetime rules as `wpn_str`; the bytes need not
/// be UTF-8.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_slice {
    /// The first byte, or NULL as documented by the function that returned it.
    pub data: *const u8,
    /// The length in bytes.
    pub len: usize,
}

static EMPTY: &str = "\0";

impl wpn_str {
    /// The "absent" value: NULL data, zero length.
    pub(crate) const NONE: wpn_str = wpn_str {
        data: std::ptr::null(),
        len: 0,
    };

    /// A view of `s`; an empty `s` gets a pointer to a static empty string, never NULL.
    pub(crate) fn of(s: &str) -> wpn_str {
        if s.is_empty() {
            wpn_str {
                data: EMPTY.as_ptr().cast(),
                len: 0,
            }
        } else {
            wpn_str {
                data: s.as_ptr().cast(),
                len: s.len(),
            }
        }
    }
}

impl wpn_slice {
    /// The "absent" value: NULL data, zero length.
    pub(crate) const NONE: wpn_slice = wpn_slice {
        data: std::ptr::null(),
        len: 0,
    };

    /// A view of `b`; an empty `b` gets a non-NULL pointer.
    pub(crate) fn of(b: &[u8]) -> wpn_slice {
        if b.is_empty() {
            wpn_slice {
                data: EMPTY.as_ptr(),
                len: 0,
            }
        } else {
            wpn_slice {
                data: b.as_ptr(),
                len: b.len(),
            }
        }
    }
}

/// Writes an accessor's value to its out-parameter: `value`, or the type's empty value when
/// there is none. Returns whether there was a value; writes nothing when `out` is NULL. The
/// value is computed under [`guard_value`], so a panic gives the empty value.
pub(crate) unsafe fn put<T: Empty>(out: *mut T, value: impl FnOnce() -> Option<T>) -> bool {
    let Some(out) = out.as_mut() else {
        return false;
    };
    let value = guard_value(None, value);
    let found = value.is_some();
    *out = value.unwrap_or(T::EMPTY);
    found
}

/// The value an accessor writes when it has nothing to give (a NULL handle, an index out of
/// range): NULL pointers and zeros.
pub(crate) trait Empty: Sized {
    /// The empty value.
    const EMPTY: Self;
}

impl Empty for wpn_str {
    const EMPTY: Self = wpn_str::NONE;
}

impl Empty for wpn_slice {
    const EMPTY: Self = wpn_slice::NONE;
}

/// Reads an input buffer: `len` bytes at `ptr`. NULL is accepted when `len` is 0.
pub(crate) unsafe fn bytes_arg<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], wpn_error> {
    slice_arg(ptr, len, name)
}

/// Reads an input array of `len` items at `ptr`. NULL is accepted when `len` is 0.
pub(crate) unsafe fn slice_arg<'a, T>(
    ptr: *const T,
    len: usize,
    name: &'static str,
) -> Result<&'a [T], wpn_error> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(wpn_error::null_argument(name));
    }
    if !ptr.is_aligned() {
        return Err(wpn_error::misaligned(name));
    }
    if len.saturating_mul(std::mem::size_of::<T>()) > isize::MAX as usize {
        return Err(wpn_error::bad_length(name));
    }
    Ok(std::slice::from_raw_parts(ptr, len))
}

/// Reads an input string that must be UTF-8; `what` names it in the error message.
pub(crate) fn utf8_arg<'a>(
    bytes: &'a [u8],
    what: &str,
    code: wechatpay_notify::ErrorCode,
) -> Result<&'a str, wpn_error> {
    std::str::from_utf8(bytes).map_err(|e| {
        wpn_error::from(wechatpay_notify::Error::new(
            code,
            format!(
                "{what} is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        ))
    })
}
