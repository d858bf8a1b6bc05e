#!/usr/bin/env bash
# Java binding (bindings/java): the JUnit 5 suite, run by Maven against the C ABI library that
# scripts/test-rust.sh built (target/release/libwechatpay_notify_ffi.so, copied into the jar).
# Maven downloads JNA, Jackson, JUnit and wechatpay-java from Maven Central on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f target/release/libwechatpay_notify_ffi.so ]; then
    # Run on its own: build the one library this suite needs (scripts/test.sh already has it).
    cargo build --release -p wechatpay-notify-ffi
fi
cd bindings/java
# -ntp: no download progress lines; Surefire's "Tests run:" summary stays visible.
mvn -B -ntp test
