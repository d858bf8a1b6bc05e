package io.github.wechatpaynotify;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;

/**
 * Finds and loads the C library {@code wechatpay_notify} for {@link Lib}, after checking that
 * this JVM is one the binding's C types fit: {@code size_t} and pointers of 8 bytes (Lib passes
 * every {@code size_t} as a Java {@code long}, and {@code const size_t *} lengths as a {@code
 * long[]}), and that the library found is this binding's version: every 0.x minor version may
 * change the C ABI, so a library of another version (an older one installed in a system path,
 * which JNA finds before the jar's copy) is refused rather than called with the wrong arguments.
 */
final class NativeLibraryLoader {
    /** The name of the C library: {@code libwechatpay_notify.so} on Linux. */
    static final String LIBRARY_NAME = "wechatpay_notify";
    /**
     * System property naming the shared library file, or a directory that holds it. When
     * unset, JNA's search applies: {@code jna.library.path}, the system paths, then the copy
     * packaged in this jar under {@code linux-x86-64/} (or {@code linux-aarch64/}).
     */
    static final String LIBRARY_PATH_PROPERTY = "wechatpay.notify.library.path";

    /** The loaded library. */
    static final NativeLibrary LIBRARY;

    static {
        checkPlatform(Native.SIZE_T_SIZE, Native.POINTER_SIZE);
        NativeLibrary library = load();
        checkVersion(bindingVersion(), library.getFunction("wpn_version").invokeString(new Object[0], false),
                library.getFile());
        LIBRARY = library;
    }

    private NativeLibraryLoader() {}

    /**
     * Refuses a platform whose {@code size_t} or pointers are not 8 bytes.
     *
     * @param sizeTSize {@code sizeof(size_t)} ({@link Native#SIZE_T_SIZE})
     * @param pointerSize {@code sizeof(void *)} ({@link Native#POINTER_SIZE})
     * @throws UnsatisfiedLinkError on any other platform
     */
    static void checkPlatform(int sizeTSize, int pointerSize) {
        if (sizeTSize != 8 || pointerSize != 8) {
            throw new UnsatisfiedLinkError("wechatpay-notify needs a 64-bit JVM (size_t and pointers of 8 bytes, as on "
                    + "linux-x86-64 and linux-aarch64): this one has a " + sizeTSize + "-byte size_t and " + pointerSize
                    + "-byte pointers (" + System.getProperty("os.arch") + ")");
        }
    }

    /**
     * Refuses a native library of another version than this binding's.
     *
     * @param expected this binding's version
     * @param found the library's {@code wpn_version()}
     * @param file where the library was loaded from (for the message), or null
     * @throws UnsatisfiedLinkError when they differ
     */
    static void checkVersion(String expected, String found, File file) {
        if (!expected.equals(found)) {
            throw new UnsatisfiedLinkError("the wechatpay-notify native library" + (file == null ? "" : " " + file)
                    + " is version " + found + ", but this binding is " + expected + " and calls its C ABI, which "
                    + "every 0.x minor version may change: remove the other library from the library path (or "
                    + "point -D" + LIBRARY_PATH_PROPERTY + " at the " + expected + " one)");
        }
    }

    /** This binding's version, written into {@code wechatpay-notify.properties} by Maven. */
    private static String bindingVersion() {
        Properties p = new Properties();
        try (InputStream in = NativeLibraryLoader.class.getResourceAsStream("wechatpay-notify.properties")) {
            if (in == null) {
                throw new UnsatisfiedLinkError("wechatpay-notify.properties is missing from the binding's jar");
            }
            p.load(in);
        } catch (IOException e) {
            UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError("cannot read wechatpay-notify.properties");
            wrapped.initCause(e);
            throw wrapped;
        }
        return p.getProperty("version", "");
    }

    private static NativeLibrary load() {
        Map<String, Object> options = Collections.emptyMap();
        String configured = System.getProperty(LIBRARY_PATH_PROPERTY);
        if (configured != null && !configured.isEmpty()) {
            File path = new File(configured);
            if (path.isDirectory()) {
                NativeLibrary.addSearchPath(LIBRARY_NAME, path.getAbsolutePath());
            } else if (path.isFile()) {
                return NativeLibrary.getInstance(path.getAbsolutePath(), options);
            } else {
                throw new UnsatisfiedLinkError(
                        LIBRARY_PATH_PROPERTY + "=" + configured + " is neither a file nor a directory");
            }
        }
        try {
            return NativeLibrary.getInstance(LIBRARY_NAME, options);
        } catch (UnsatisfiedLinkError e) {
            UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError(
                    "cannot load the wechatpay-notify native library (lib" + LIBRARY_NAME + ".so): this jar "
                            + "packages it for linux-x86-64 and linux-aarch64; elsewhere build and install it "
                            + "(scripts/install-c.sh --prefix DIR) and point -D" + LIBRARY_PATH_PROPERTY
                            + " or -Djna.library.path at it. " + e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        }
    }
}
