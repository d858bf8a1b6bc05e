package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/** Conversions between the C ABI's values and Java's (docs/c-abi.md). */
final class Marshal {
    private Marshal() {}

    /**
     * Reads a static NUL-terminated string ({@code wpn_version}, {@code wpn_error_code_name}).
     *
     * @param p the string, or null
     * @return the string, or null for a null pointer
     */
    static String cString(Pointer p) {
        return p == null ? null : p.getString(0, StandardCharsets.UTF_8.name());
    }

    /**
     * Copies the {@code len} bytes at {@code address}: one JNI call.
     *
     * @param address the first byte, 0 for NULL
     * @param len the length in bytes
     * @return the bytes, or null when {@code address} is 0
     * @throws IllegalStateException when {@code len} does not fit a Java array
     */
    static byte[] bytes(long address, long len) {
        if (address == 0) {
            return null;
        }
        if (len < 0 || len > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(
                    "native buffer of " + Long.toUnsignedString(len) + " bytes is too large for Java");
        }
        byte[] b = new byte[(int) len];
        if (len > 0) {
            new Pointer(address).read(0, b, 0, (int) len);
        }
        return b;
    }

    /**
     * Decodes UTF-8 bytes.
     *
     * @param utf8 the bytes, or null
     * @return the string, or null for null
     */
    static String string(byte[] utf8) {
        return utf8 == null ? null : utf8.length == 0 ? "" : new String(utf8, StandardCharsets.UTF_8);
    }

    /**
     * A byte input of the C ABI: NULL for no bytes (docs/c-abi.md, "Inputs"), so that an empty
     * Java array never passes JNI's placeholder address.
     *
     * @param b the bytes
     * @return {@code b}, or null when it is empty
     */
    static byte[] input(byte[] b) {
        return b.length == 0 ? null : b;
    }

    /**
     * Turns a C {@code bool} result into a Java boolean.
     *
     * @param b the byte the call returned
     * @return whether it is true
     */
    static boolean isTrue(byte b) {
        return b != 0;
    }

    /**
     * Turns a Java boolean into a C {@code bool} argument.
     *
     * @param b the value
     * @return 1 or 0
     */
    static byte cBool(boolean b) {
        return (byte) (b ? 1 : 0);
    }
}
