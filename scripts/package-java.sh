#!/usr/bin/env bash
# Packages the Java binding (bindings/java) for a release and deploys it into a Maven repository
# directory, usable as a file:// <repository>:
#   $WPN_DIST/maven/io/github/wechatpay-notify/wechatpay-notify/maven-metadata.xml
#   $WPN_DIST/maven/io/github/wechatpay-notify/wechatpay-notify/$WPN_VERSION/
#       wechatpay-notify-$WPN_VERSION.jar           the classes, linux-x86-64/ and linux-aarch64/libwechatpay_notify.so
#       wechatpay-notify-$WPN_VERSION-sources.jar
#       wechatpay-notify-$WPN_VERSION-javadoc.jar
#       wechatpay-notify-$WPN_VERSION.pom
#   (each with its .md5 and .sha1)
#
# Environment (set by scripts/release.sh):
#   WPN_NATIVE_PREFIX  an installed C library (scripts/install-c.sh --prefix): its
#                      lib/libwechatpay_notify.so is the one the jar carries
#   WPN_DIST           the absolute path of the release's dist/ directory
#   WPN_VERSION        the release version; must equal the workspace version of Cargo.toml
#                      and the version of bindings/java/pom.xml (default: the former)
#
# The tests are not run here (scripts/test-java.sh runs them); the release is built in a build
# directory of its own, so bindings/java/target/ of a concurrent test run is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "package-java.sh: $*" >&2; exit 1; }

: "${WPN_NATIVE_PREFIX:?set WPN_NATIVE_PREFIX to an installed C library prefix}"
: "${WPN_DIST:?set WPN_DIST to the absolute path of dist/}"
case "$WPN_DIST" in /*) ;; *) fail "WPN_DIST must be an absolute path: $WPN_DIST" ;; esac

workspace_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
version="${WPN_VERSION:-$workspace_version}"
# The project's own <version> (the pom has no parent, so it is the first top-level one).
pom_version="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' bindings/java/pom.xml | head -n 1)"
[ "$version" = "$workspace_version" ] ||
    fail "WPN_VERSION $version differs from the workspace version $workspace_version (Cargo.toml)"
[ "$pom_version" = "$workspace_version" ] ||
    fail "bindings/java/pom.xml has version $pom_version, the workspace (Cargo.toml) $workspace_version"

[ -f "$WPN_NATIVE_PREFIX/lib/libwechatpay_notify.so" ] ||
    fail "missing $WPN_NATIVE_PREFIX/lib/libwechatpay_notify.so (scripts/install-c.sh --prefix $WPN_NATIVE_PREFIX)"
native_dir="$(cd "$WPN_NATIVE_PREFIX/lib" && pwd)"
library="$native_dir/libwechatpay_notify.so"
# The linux/aarch64 library, from its prefix beside WPN_NATIVE_PREFIX (scripts/release.sh).
aarch64_dir="$(dirname "$WPN_NATIVE_PREFIX")/wechatpay-notify-$version-aarch64-unknown-linux-gnu/lib"
[ -f "$aarch64_dir/libwechatpay_notify.so" ] || fail "missing $aarch64_dir/libwechatpay_notify.so"
aarch64_library="$aarch64_dir/libwechatpay_notify.so"

repo="$WPN_DIST/maven"
artifact_dir="$repo/io/github/wechatpay-notify/wechatpay-notify"
mkdir -p "$repo"
# A release is deployed once: a rerun replaces this version's files.
rm -rf "${artifact_dir:?}/$version"

build_dir="$(mktemp -d "${TMPDIR:-/tmp}/wpn-java-package.XXXXXX")"
trap 'rm -rf "$build_dir"' EXIT

# deploy runs package (jar with the native library, -sources and -javadoc jars) and deploys the
# jars and the pom; install into ~/.m2 and the tests (even their compilation) are skipped.
mvn -B -ntp -q -f bindings/java/pom.xml deploy \
    -Dbuild.dir="$build_dir" \
    -Dnative.dir="$native_dir" \
    -Dnative.dir.aarch64="$aarch64_dir" \
    -Dmaven.test.skip=true \
    -Dmaven.install.skip=true \
    -DaltDeploymentRepository="dist::file://$repo"

# What was deployed: every file, and the jar's native library is the prefix's.
jar="$artifact_dir/$version/wechatpay-notify-$version.jar"
for f in "$jar" "${jar%.jar}-sources.jar" "${jar%.jar}-javadoc.jar" "${jar%.jar}.pom" \
        "$artifact_dir/maven-metadata.xml"; do
    [ -s "$f" ] || fail "missing $f"
done
python3 - "$jar" "$library" "$aarch64_library" <<'EOF' || fail "the jar's native libraries are not $library and $aarch64_library"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for entry, path in (("linux-x86-64/libwechatpay_notify.so", sys.argv[2]),
                        ("linux-aarch64/libwechatpay_notify.so", sys.argv[3])):
        with open(path, "rb") as lib:
            if z.read(entry) != lib.read():
                sys.exit(1)
EOF
echo "deployed io.github.wechatpay-notify:wechatpay-notify:$version to $repo"
