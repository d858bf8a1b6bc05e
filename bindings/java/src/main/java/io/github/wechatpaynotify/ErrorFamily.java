package io.github.wechatpaynotify;

/** Groups of {@link ErrorCode}s, for handlers that treat whole kinds of failure alike. */
public enum ErrorFamily {
    /** Headers, timestamp, serial, key validity or signature: the sender is not proven. */
    AUTHENTICITY,
    /** The resource could not be decrypted or decoded. */
    DECRYPTION,
    /** The body or its envelope is not what WeChat Pay sends (size, format, fields). */
    FORMAT,
    /** The configuration is invalid. */
    CONFIG;

    /** The families of every code, as the native library classifies them. */
    private static final class Table {
        static final ErrorFamily[] FAMILIES = load();

        private static ErrorFamily[] load() {
            ErrorCode[] codes = ErrorCode.values();
            ErrorFamily[] out = new ErrorFamily[codes.length];
            for (ErrorCode code : codes) {
                // wpn_error_family: 1 AUTHENTICITY, 2 DECRYPTION, 3 FORMAT, 4 CONFIG.
                int family = Lib.wpn_error_code_family(Errors.result(code));
                if (family < 1 || family > 4) {
                    throw new IllegalStateException("native library has no family for " + code);
                }
                out[code.ordinal()] = values()[family - 1];
            }
            return out;
        }
    }

    static ErrorFamily of(ErrorCode code) {
        return Table.FAMILIES[code.ordinal()];
    }
}
