//! Request headers as C passes them: every name and value back to back in one buffer, and
//! their lengths in a second (`docs/c-abi.md`, "Inputs"). The lookup rule (case, repeats) is
//! the core's ([`PackedHeaders`]); this module only checks the pointers.

use wechatpay_notify::{PackedHeaders, PackedHeadersError};

use crate::error::wpn_error;
use crate::strings::{bytes_arg, slice_arg};

/// Reads the four header arguments of a verifier call: `headers_len` bytes at `headers` and
/// `2 * header_count` lengths at `header_lens` (NULL allowed for an empty buffer or none).
pub(crate) unsafe fn read<'a>(
    headers: *const u8,
    headers_len: usize,
    header_lens: *const usize,
    header_count: usize,
) -> Result<PackedHeaders<'a>, wpn_error> {
    let bytes = bytes_arg(headers, headers_len, "headers")?;
    let lens_len = header_count
        .checked_mul(2)
        .ok_or_else(|| wpn_error::bad_length("header_count"))?;
    let lens = slice_arg(header_lens, lens_len, "header_lens")?;
    PackedHeaders::new(bytes, lens)
        .map_err(|e: PackedHeadersError| wpn_error::mismatched("header_lens", &e))
}
