package io.github.wechatpaynotify;

/**
 * Turns C results into Java exceptions.
 */
final class Errors {
    /** {@code WPN_OK}. */
    static final int OK = 0;

    private static final ErrorCode[] CODES = ErrorCode.values();

    private Errors() {}

    /**
     * The Java code of a C result code.
     *
     * @param result a {@code wpn_result} other than {@code WPN_OK}
     * @return the error code, or null for {@code NULL_ARGUMENT}, {@code PANIC} or unknown
     */
    static ErrorCode code(int result) {
        return result >= 1 && result <= CODES.length ? CODES[result - 1] : null;
    }

    /**
     * The C result code of a Java code.
     *
     * @param code an error code
     * @return its {@code wpn_result} value
     */
    static int result(ErrorCode code) {
        return code.ordinal() + 1;
    }

    /**
     * Builds the exception for a failed call and frees the error handle.
     *
     * @param result the call's result code
     * @param error the {@code wpn_error *} it wrote, or 0
     * @return the exception to throw: {@link ConfigException} for {@code CONFIG_INVALID},
     *     {@link NotificationException} for every other code of DESIGN section 4, and {@link
     *     IllegalStateException} for an internal error
     */
    static RuntimeException exception(int result, long error) {
        String message;
        try {
            message = error == 0 ? null : Lib.ERROR_MESSAGE.call(error).string(0);
        } finally {
            if (error != 0) {
                Lib.wpn_error_free(error);
            }
        }
        ErrorCode code = code(result);
        if (message == null) {
            message = code != null ? code.name() : "no detail";
        }
        if (code == ErrorCode.CONFIG_INVALID) {
            return new ConfigException(message);
        }
        if (code != null) {
            return new NotificationException(code, message);
        }
        return new IllegalStateException(
                "internal error in the wechatpay-notify native library (" + Lib.cString(Lib.wpn_error_code_name(result))
                        + "), please report it: " + message);
    }

    /**
     * Throws the exception for {@code result} unless it is {@code WPN_OK}.
     *
     * @param result the call's result code
     * @param errorOut the error out-parameter the call wrote
     */
    static void check(int result, long[] errorOut) {
        if (result != OK) {
            throw exception(result, errorOut[0]);
        }
    }
}
