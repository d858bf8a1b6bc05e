package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns C results into Java exceptions. Result codes are matched by their stable names
 * ({@code wpn_error_code_name}, {@code wpn_error_code_from_name}; docs/errors.md), never by
 * number or by the order of {@link ErrorCode}'s constants; each code's family is the library's
 * ({@code wpn_error_code_family}). Both are read from the library once, when first needed.
 */
final class Errors {
    private Errors() {}

    /** The C value and the family of every Java code, read from the library. */
    private static final class Table {
        static final Map<ErrorCode, Integer> RESULTS = new EnumMap<>(ErrorCode.class);
        static final Map<ErrorCode, ErrorFamily> FAMILIES = new EnumMap<>(ErrorCode.class);

        static {
            for (ErrorCode code : ErrorCode.values()) {
                byte[] name = code.name().getBytes(StandardCharsets.US_ASCII);
                IntByReference raw = new IntByReference();
                if (Marshal.isTrue(Lib.wpn_error_code_from_name(name, name.length, raw))) {
                    RESULTS.put(code, raw.getValue());
                    int family = Lib.wpn_error_code_family(raw.getValue());
                    ErrorFamily f = ErrorFamily.fromValue(family);
                    if (f == null) {
                        throw new IllegalStateException("the wechatpay-notify native library gives " + code
                                + " the family " + family + ", not one of this binding's");
                    }
                    FAMILIES.put(code, f);
                }
            }
        }
    }

    /**
     * The stable name of a C result code.
     *
     * @param result a {@code wpn_result}
     * @return its name, e.g. {@code "SIGNATURE_MISMATCH"}, or {@code "UNKNOWN"}
     */
    static String name(int result) {
        String name = Marshal.cString(Lib.wpn_error_code_name(result));
        return name == null ? "UNKNOWN" : name;
    }

    /**
     * The C result code of a Java code, by name.
     *
     * @param code an error code
     * @return its {@code wpn_result} value
     * @throws IllegalStateException when the loaded native library does not know the code
     */
    static int result(ErrorCode code) {
        Integer raw = Table.RESULTS.get(code);
        if (raw == null) {
            throw olderLibrary(code);
        }
        return raw;
    }

    /**
     * The family of a code, as the native library classifies it.
     *
     * @param code an error code
     * @return its family
     * @throws IllegalStateException when the loaded native library does not know the code
     */
    static ErrorFamily family(ErrorCode code) {
        ErrorFamily family = Table.FAMILIES.get(code);
        if (family == null) {
            throw olderLibrary(code);
        }
        return family;
    }

    private static IllegalStateException olderLibrary(ErrorCode code) {
        return new IllegalStateException("the wechatpay-notify native library has no error code " + code.name()
                + ": it is older than this binding");
    }

    /**
     * Builds the exception for a failed call and frees the error handle.
     *
     * @param result the call's result code
     * @param error the {@code wpn_error *} it wrote, or null
     * @return the exception to throw: {@link ConfigException} for {@code CONFIG_INVALID},
     *     {@link NotificationException} for every other code of {@link ErrorCode}
     *     (docs/errors.md), and {@link IllegalStateException} for a misuse of the C ABI, an
     *     internal error or a code this binding does not know
     */
    static RuntimeException exception(int result, Pointer error) {
        try {
            return borrowedException(result, error);
        } finally {
            if (error != null) {
                Lib.wpn_error_free(error);
            }
        }
    }

    /**
     * Builds the exception for an error the caller does not own (the verdict of a diagnosis,
     * {@code wpn_diagnosis_error}): as {@link #exception(int, Pointer)}, but the error handle is
     * only read, never freed.
     *
     * @param result the result code
     * @param error the borrowed {@code const wpn_error *}, or null
     * @return the exception, as {@link #exception(int, Pointer)} returns it
     */
    static RuntimeException borrowedException(int result, Pointer error) {
        String message = null;
        if (error != null) {
            Lib.Str m = Reusable.get().str;
            if (Marshal.isTrue(Lib.wpn_error_message(error, m.getPointer()))) {
                message = m.asString();
            }
        }
        String name = name(result);
        // By name: the C-only codes (NULL_ARGUMENT, PANIC, INVALID_ARGUMENT) and any code this
        // binding does not know have no ErrorCode.
        Optional<ErrorCode> code = ErrorCode.fromName(name);
        if (message == null) {
            message = name;
        }
        if (!code.isPresent()) {
            return new IllegalStateException(
                    "internal error in the wechatpay-notify native library (" + name + "), please report it: " + message);
        }
        if (code.get() == ErrorCode.CONFIG_INVALID) {
            return new ConfigException(message);
        }
        return new NotificationException(code.get(), message);
    }

    /**
     * Throws the exception for {@code result} unless it is {@code WPN_OK}.
     *
     * @param result the call's result code
     * @param errorOut the error out-parameter the call wrote
     */
    static void check(int result, PointerByReference errorOut) {
        if (result != Lib.WPN_OK) {
            throw exception(result, errorOut.getValue());
        }
    }
}
