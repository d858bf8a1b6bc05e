#!/usr/bin/env bash
# Java binding (bindings/java): the JUnit 5 suite, run by Maven against the C ABI library that
# scripts/test-rust.sh built and installed (target/native/lib/libwechatpay_notify.so, copied into
# the jar at JNA's resource path).
# Maven downloads JNA, Jackson, JUnit and wechatpay-java from Maven Central on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# The shared build (a no-op after scripts/test-rust.sh).
source scripts/native-build.sh
native_build
cd bindings/java
# -ntp: no download progress lines; Surefire's "Tests run:" summary stays visible.
mvn -B -ntp test
