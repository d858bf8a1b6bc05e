//! napi-build's link setup for the addon (the N-API symbols are resolved by Node at load time).
fn main() {
    napi_build::setup();
}
