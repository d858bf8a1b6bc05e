//! The one place where core errors become JavaScript errors.
//!
//! The error classes are JavaScript classes (`bindings/node/errors.js`), so that they work
//! with `instanceof`, print and subclass like any `Error`. The package hands them to
//! [`register_error_classes`] when it loads, in every environment that loads it (the main
//! thread and each worker thread), and they are kept in that environment's instance data.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use wechatpay_notify::{Error as CoreError, ErrorCode, ErrorFamily};

/// An error class: `new Class(code, message)`.
type Class = FunctionRef<FnArgs<(&'static str, String)>, ()>;

/// The class of each error family, for one environment.
struct Classes {
    signature: Class,
    decryption: Class,
    format: Class,
    config: Class,
}

/// Registers the error classes of this environment: `SignatureError`, `DecryptionError`,
/// `FormatError` (the `NotificationError` families) and `ConfigError`, each constructed as
/// `new Class(code, message)`. Called once by the package as it loads.
#[napi(
    ts_args_type = "signature: ErrorClass, decryption: ErrorClass, format: ErrorClass, config: ErrorClass"
)]
pub fn register_error_classes(
    env: &Env,
    signature: Function<FnArgs<(&'static str, String)>, ()>,
    decryption: Function<FnArgs<(&'static str, String)>, ()>,
    format: Function<FnArgs<(&'static str, String)>, ()>,
    config: Function<FnArgs<(&'static str, String)>, ()>,
) -> Result<()> {
    let classes = Classes {
        signature: signature.create_ref()?,
        decryption: decryption.create_ref()?,
        format: format.create_ref()?,
        config: config.create_ref()?,
    };
    env.set_instance_data(classes, (), |_| {})
}

/// The JavaScript error for a core error: an instance of its family's class carrying `.code`
/// and the log-safe `.message`. Without registered classes (the addon loaded on its own) it
/// is a plain `Error` whose message starts with the code.
pub(crate) fn to_js_error(env: &Env, error: CoreError) -> Error {
    let code = error.code();
    let made = env
        .get_instance_data::<Classes>()
        .ok()
        .flatten()
        .map(|classes| {
            let class = match code.family() {
                ErrorFamily::Authenticity => &classes.signature,
                ErrorFamily::Decryption => &classes.decryption,
                ErrorFamily::Format => &classes.format,
                ErrorFamily::Config => &classes.config,
            };
            class
                .borrow_back(env)?
                .new_instance(FnArgs::from((code.as_str(), error.message().to_owned())))
        });
    match made {
        Some(Ok(instance)) => Error::from(instance),
        Some(Err(failed)) => failed,
        None => Error::new(
            Status::GenericFailure,
            format!("{}: {}", code.as_str(), error.message()),
        ),
    }
}

/// A `ConfigError` (`CONFIG_INVALID`) for the binding's own checks of a configuration.
pub(crate) fn config_error(env: &Env, message: impl Into<String>) -> Error {
    to_js_error(env, CoreError::new(ErrorCode::ConfigInvalid, message))
}

/// Throws a JavaScript `TypeError` (an argument of the wrong type) and returns the error that
/// tells napi-rs it is already thrown.
pub(crate) fn type_error(env: &Env, message: &str) -> Error {
    match env.throw_type_error(message, None) {
        Ok(()) => Error::new(Status::PendingException, message.to_owned()),
        Err(failed) => failed,
    }
}

/// Extension for core results: `result.js_err(env)?`.
pub(crate) trait IntoJsResult<T> {
    /// Maps the core error with [`to_js_error`].
    fn js_err(self, env: &Env) -> Result<T>;
}

impl<T> IntoJsResult<T> for std::result::Result<T, CoreError> {
    fn js_err(self, env: &Env) -> Result<T> {
        self.map_err(|e| to_js_error(env, e))
    }
}
