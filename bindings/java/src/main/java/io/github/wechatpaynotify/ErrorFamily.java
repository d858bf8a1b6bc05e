package io.github.wechatpaynotify;

import java.util.EnumMap;
import java.util.Map;

/**
 * Groups of {@link ErrorCode}s, for handlers that treat whole kinds of failure alike
 * (docs/errors.md). The family decides the reply: {@link #AUTHENTICITY} is answered with HTTP
 * 401, the others with 500 (docs/replies.md).
 */
public enum ErrorFamily {
    /** Headers, timestamp, serial, key validity or signature: the sender is not proven. */
    AUTHENTICITY,
    /** The resource could not be decrypted or decoded. */
    DECRYPTION,
    /** The body or its envelope is not what WeChat Pay sends (size, format, fields). */
    FORMAT,
    /** The configuration is invalid. */
    CONFIG;

    /** The families of every code, as the native library classifies them (docs/errors.md). */
    private static final class Table {
        static final Map<ErrorCode, ErrorFamily> FAMILIES = load();

        private static Map<ErrorCode, ErrorFamily> load() {
            Map<ErrorCode, ErrorFamily> out = new EnumMap<>(ErrorCode.class);
            for (ErrorCode code : ErrorCode.values()) {
                int family = Lib.wpn_error_code_family(Errors.result(code));
                out.put(code, fromNative(family, code));
            }
            return out;
        }

        /** A {@code wpn_error_family} value, by its named constant in the C header. */
        private static ErrorFamily fromNative(int family, ErrorCode code) {
            switch (family) {
                case Lib.FAMILY_AUTHENTICITY:
                    return AUTHENTICITY;
                case Lib.FAMILY_DECRYPTION:
                    return DECRYPTION;
                case Lib.FAMILY_FORMAT:
                    return FORMAT;
                case Lib.FAMILY_CONFIG:
                    return CONFIG;
                default:
                    throw new IllegalStateException(
                            "the native library gives " + code + " the family " + family + ", not one of this binding's");
            }
        }
    }

    static ErrorFamily of(ErrorCode code) {
        return Table.FAMILIES.get(code);
    }
}
