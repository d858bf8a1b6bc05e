//! Gives the shared library the SONAME of the C library's one name, `wechatpay_notify`
//! (`docs/c-abi.md`, "Linking"): `libwechatpay_notify.so.<major>`. Cargo names the file after
//! the crate (`libwechatpay_notify_ffi.so`); `scripts/install-c.sh` installs it under the
//! library name with the SONAME link, so programs linked against it load
//! `libwechatpay_notify.so.<major>`.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "android" || os.ends_with("bsd") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwechatpay_notify.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
