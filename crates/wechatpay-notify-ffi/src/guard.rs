//! The one place where panics are caught and pointer arguments are checked.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::wpn_error;
use crate::result::wpn_result;

/// Runs `f`, catching any panic, and reports its outcome the C way: the returned code, plus a
/// new error handle in `*error_out` when `error_out` is not NULL (NULL is written on success).
pub(crate) fn guard(
    error_out: *mut *mut wpn_error,
    f: impl FnOnce() -> Result<(), wpn_error>,
) -> wpn_result {
    if !error_out.is_null() {
        // SAFETY: the caller passes NULL or a valid `wpn_error **`.
        unsafe { *error_out = std::ptr::null_mut() };
    }
    let error = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => return wpn_result::WPN_OK,
        Ok(Err(error)) => error,
        Err(payload) => wpn_error::panic(payload.as_ref()),
    };
    let code = error.code;
    if !error_out.is_null() {
        let boxed = Box::into_raw(Box::new(error));
        // SAFETY: as above.
        unsafe { *error_out = boxed };
    }
    code
}

/// Runs an infallible accessor, returning `fallback` if it panics.
pub(crate) fn guard_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Borrows the object behind a handle argument.
pub(crate) unsafe fn arg<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, wpn_error> {
    ptr.as_ref().ok_or_else(|| wpn_error::null_argument(name))
}

/// Borrows the object behind a mutable handle argument.
pub(crate) unsafe fn arg_mut<'a, T>(
    ptr: *mut T,
    name: &'static str,
) -> Result<&'a mut T, wpn_error> {
    ptr.as_mut().ok_or_else(|| wpn_error::null_argument(name))
}

/// Checks an out-parameter for a new handle and sets it to NULL, so it is NULL on failure.
pub(crate) unsafe fn out_arg<'a, T>(
    ptr: *mut *mut T,
    name: &'static str,
) -> Result<&'a mut *mut T, wpn_error> {
    let out = ptr.as_mut().ok_or_else(|| wpn_error::null_argument(name))?;
    *out = std::ptr::null_mut();
    Ok(out)
}

/// Moves a value into a new handle.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`into_handle`]; NULL is a no-op.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        guard_value((), || drop(Box::from_raw(ptr)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_wpn_panic_with_a_message() {
        let mut error: *mut wpn_error = std::ptr::null_mut();
        let code = guard(&mut error, || panic!("boom"));
        assert_eq!(code, wpn_result::WPN_PANIC);
        let e = unsafe { &*error };
        assert_eq!(e.code, wpn_result::WPN_PANIC);
        assert!(e.message.contains("boom"), "{}", e.message);
        unsafe { crate::error::wpn_error_free(error) };
        // Without an error out-parameter the code alone is returned.
        let code = guard(std::ptr::null_mut(), || panic!("{}", String::from("owned")));
        assert_eq!(code, wpn_result::WPN_PANIC);
        assert!(guard_value(true, || panic!("accessor")));
    }

    #[test]
    fn success_clears_the_error_out_parameter() {
        let mut error = 8usize as *mut wpn_error;
        assert_eq!(guard(&mut error, || Ok(())), wpn_result::WPN_OK);
        assert!(error.is_null());
    }
}
