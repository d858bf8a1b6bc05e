//! Gives the shared library the SONAME of the C library's one name, `wechatpay_notify`
//! (`docs/c-abi.md`, "Linking"): `libwechatpay_notify.so.<abi>`, where `<abi>` is the major
//! version from 1.0 on and `0.<minor>` before it: any 0.x minor release may change the ABI
//! (Cargo's rule for 0.x versions), so a program linked against 0.2 never loads a 0.3 library.
//! Cargo names the file after the crate (`libwechatpay_notify_ffi.so`);
//! `scripts/install-c.sh` installs it under the library name with a link named after the
//! SONAME it reads from the file.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_else(|_| "0".to_owned());
    let abi = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "android" || os.ends_with("bsd") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwechatpay_notify.so.{abi}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
