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
 * number or by the order of {@link ErrorCode}'s constants.
 */
final class Errors {
    private Errors() {}

    /** The C value of every Java code, looked up by name once. */
    private static final class Results {
        static final Map<ErrorCode, Integer> BY_CODE = load();

        private static Map<ErrorCode, Integer> load() {
            Map<ErrorCode, Integer> out = new EnumMap<>(ErrorCode.class);
            for (ErrorCode code : ErrorCode.values()) {
                byte[] name = code.name().getBytes(StandardCharsets.US_ASCII);
                IntByReference raw = new IntByReference();
                if (Lib.isTrue(Lib.wpn_error_code_from_name(name, name.length, raw))) {
                    out.put(code, raw.getValue());
                }
            }
            return out;
        }
    }

    /**
     * The stable name of a C result code.
     *
     * @param result a {@code wpn_result}
     * @return its name, e.g. {@code "SIGNATURE_MISMATCH"}, or {@code "UNKNOWN"}
     */
    static String name(int result) {
        String name = Lib.cString(Lib.wpn_error_code_name(result));
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
        Integer raw = Results.BY_CODE.get(code);
        if (raw == null) {
            throw new IllegalStateException("the wechatpay-notify native library has no error code " + code.name()
                    + ": it is older than this binding");
        }
        return raw;
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
        String message = null;
        if (error != null) {
            try {
                Lib.Str m = Scratch.get().str;
                if (Lib.isTrue(Lib.wpn_error_message(error, m))) {
                    message = m.value();
                }
            } finally {
                Lib.wpn_error_free(error);
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
        if (result != Lib.OK) {
            throw exception(result, errorOut.getValue());
        }
    }
}
