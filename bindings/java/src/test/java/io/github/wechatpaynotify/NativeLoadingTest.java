package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Where the native library comes from, and life without Jackson. */
class NativeLoadingTest {
    /**
     * The installed library the jar copies ({@code native.dir} of the pom, passed by Surefire):
     * {@code libwechatpay_notify.so}, a symbolic link to the versioned file.
     */
    private static final Path INSTALLED_LIB = Paths.get(System.getProperty(
                    "wechatpay.native.dir", TestData.repoRoot().resolve("target/native/lib").toString()))
            .toAbsolutePath()
            .resolve("libwechatpay_notify.so");

    /** Prints the file the library was loaded from; run in a child JVM. */
    public static final class PrintLoadedFile {
        public static void main(String[] args) {
            System.out.println("version=" + WechatpayNotify.nativeVersion());
            System.out.println("file=" + NativeLibraryLoader.LIBRARY.getFile().getAbsolutePath());
        }
    }

    @Test
    void theLibraryIsPackagedAtJnaResourcePath() throws Exception {
        URL resource = NativeLoadingTest.class.getResource("/linux-x86-64/libwechatpay_notify.so");
        assertNotNull(resource, "the build copies the native library into the jar");
        // The file itself, not the installed symbolic link (which would dangle in the jar).
        Path packaged = Paths.get(resource.toURI());
        assertFalse(Files.isSymbolicLink(packaged), packaged + " is a symbolic link");
        assertTrue(Files.isSymbolicLink(INSTALLED_LIB), INSTALLED_LIB + " (scripts/install-c.sh) is a symbolic link");
        assertTrue(Arrays.equals(Files.readAllBytes(packaged), Files.readAllBytes(INSTALLED_LIB)),
                "the packaged copy differs from " + INSTALLED_LIB);
    }

    /** One version: the root Cargo.toml's workspace version = this pom's version = the native library's. */
    @Test
    void versionsMatchTheWorkspace() throws IOException {
        String cargo = Files.readString(TestData.repoRoot().resolve("Cargo.toml"));
        Matcher m = Pattern.compile("(?m)^version = \"([^\"]+)\"$").matcher(cargo);
        assertTrue(m.find());
        String workspace = m.group(1);
        assertEquals(workspace, System.getProperty("wechatpay.project.version"),
                "the version in bindings/java/pom.xml differs from the workspace version in Cargo.toml");
        assertEquals(workspace, WechatpayNotify.nativeVersion());
    }

    /**
     * A native library of another version is refused at load (every 0.x minor version may change
     * the C ABI), naming both versions and the file; the same version loads.
     */
    @Test
    void onlyTheBindingsVersionOfTheLibraryLoads() {
        NativeLibraryLoader.checkVersion("0.2.0", "0.2.0", null);
        UnsatisfiedLinkError e = org.junit.jupiter.api.Assertions.assertThrows(UnsatisfiedLinkError.class,
                () -> NativeLibraryLoader.checkVersion("0.2.0", "0.1.0", new java.io.File("/usr/lib/libwechatpay_notify.so")));
        assertTrue(e.getMessage().contains("version 0.1.0") && e.getMessage().contains("this binding is 0.2.0"),
                e.getMessage());
        assertTrue(e.getMessage().contains("/usr/lib/libwechatpay_notify.so"), e.getMessage());
    }

    /** The C types of Lib (size_t as a Java long) fit 64-bit platforms only, which loading checks. */
    @Test
    void onlyA64BitPlatformLoads() {
        NativeLibraryLoader.checkPlatform(8, 8);
        for (int[] sizes : new int[][] {{4, 4}, {4, 8}, {8, 4}}) {
            UnsatisfiedLinkError e = org.junit.jupiter.api.Assertions.assertThrows(UnsatisfiedLinkError.class,
                    () -> NativeLibraryLoader.checkPlatform(sizes[0], sizes[1]));
            assertTrue(e.getMessage().contains("64-bit JVM"), e.getMessage());
            assertTrue(e.getMessage().contains(sizes[0] + "-byte size_t"), e.getMessage());
        }
    }

    /** The backend, and the one scripts/backend.sh chose when it is in the environment. */
    @Test
    void backendIsRingOrAwsLc() {
        String backend = WechatpayNotify.nativeBackend();
        assertTrue(backend.equals("ring") || backend.equals("aws-lc"), backend);
        String want = System.getenv("WPN_BACKEND");
        assertTrue(want == null || want.isEmpty() || want.equals(backend), backend + ", WPN_BACKEND " + want);
    }

    @Test
    void loadsFromThePropertyFromJnaLibraryPathOrFromTheJar() throws Exception {
        String lib = INSTALLED_LIB.toRealPath().toString();
        assertEquals(lib, loadedFile("-Dwechatpay.notify.library.path=" + INSTALLED_LIB));
        assertEquals(lib, loadedFile("-Dwechatpay.notify.library.path=" + INSTALLED_LIB.getParent()));
        assertEquals(lib, loadedFile("-Djna.library.path=" + INSTALLED_LIB.getParent()));
        // With neither, JNA finds the copy packaged under linux-x86-64/ on the class path.
        String packaged = loadedFile();
        assertTrue(packaged.endsWith("/linux-x86-64/libwechatpay_notify.so") && !packaged.equals(lib), packaged);
        // A wrong path is a clear error.
        ChildResult bad = runChild("-Dwechatpay.notify.library.path=/nonexistent/lib.so");
        assertTrue(bad.exit != 0);
        assertTrue(bad.output.contains("wechatpay.notify.library.path"), bad.output);
    }

    private static String loadedFile(String... jvmArgs) throws Exception {
        ChildResult r = runChild(jvmArgs);
        assertEquals(0, r.exit, r.output);
        Matcher m = Pattern.compile("(?m)^file=(.*)$").matcher(r.output);
        assertTrue(m.find(), r.output);
        return Path.of(m.group(1)).toRealPath().toString();
    }

    private static final class ChildResult {
        int exit;
        String output;
    }

    private static ChildResult runChild(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(jvmArgs));
        cmd.add(PrintLoadedFile.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        ChildResult r = new ChildResult();
        r.exit = p.exitValue();
        r.output = new String(out, StandardCharsets.UTF_8);
        return r;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Notification.resource(Class) without Jackson on the class path is a clear IllegalStateException. */
    @Test
    void resourceWithoutJacksonIsAClearError() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("jackson")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            Class<?> jackson = null;
            try {
                jackson = Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, isolated);
            } catch (ClassNotFoundException expected) {
                // Jackson is absent, as intended.
            }
            if (jackson != null) {
                // Surefire's manifest-only jar lists the class path inside; fall back to the test dirs.
                throw new AssertionError("could not isolate Jackson: " + urls);
            }
            Class<?> type = Class.forName(Notification.class.getName(), true, isolated);
            Constructor<?> ctor = type.getDeclaredConstructors()[0];
            ctor.setAccessible(true);
            // The envelope's fields as UTF-8 (id, create_time, event_type, resource_type, summary,
            // original_type, serial), timestamp, plaintext, kind, mchid.
            Object n = ctor.newInstance(utf8("id"), utf8("t"), utf8("e"), utf8("r"), utf8("s"), utf8("o"),
                    utf8("serial"), 1L, utf8("{\"a\":1}"), utf8("unknown"), null);
            assertEquals("{\"a\":1}", type.getMethod("resourceJson").invoke(n));
            Method resource = type.getMethod("resource", Class.class);
            InvocationTargetException e = org.junit.jupiter.api.Assertions.assertThrows(
                    InvocationTargetException.class, () -> resource.invoke(n, Object.class));
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("jackson-databind"));
            assertTrue(e.getCause().getMessage().contains("resourceJson"));

            // The typed accessors need no Jackson (a payment of 100 fen from the vectors).
            String plaintext = TestData.namedCase("valid_java_peer_public_key").get("expect").get("plaintext").asText();
            Object payment = ctor.newInstance(utf8("id"), utf8("t"), utf8("TRANSACTION.SUCCESS"), utf8("r"), utf8("s"),
                    utf8("transaction"), utf8("serial"), 1L, utf8(plaintext), utf8("transaction"), null);
            Object t = type.getMethod("transaction").invoke(payment);
            Object amount = t.getClass().getMethod("getAmount").invoke(t);
            assertEquals(100L, amount.getClass().getMethod("getTotal").invoke(amount));
        }
    }
}
