package io.github.wechatpaynotify.testing;

import io.github.wechatpaynotify.ErrorCode;
import java.util.Optional;

/**
 * A failure WeChat Pay, the network or a mistaken setup can produce, built into a test callback
 * on purpose ({@link CallbackBuilder#failure(Failure)}) to see that the handler refuses it.
 *
 * <p>{@link #wireName()} is the failure's stable name, the same in every language of
 * wechatpay-notify (docs/testing.md); {@link #expectedCode()} is the code a verifier configured
 * for the kit refuses it with, at the system clock.
 */
public enum Failure {
    /** WeChat Pay's {@code WECHATPAY/SIGNTEST/} probe signature: {@link ErrorCode#SIGNATURE_PROBE}. */
    PROBE("probe", ErrorCode.SIGNATURE_PROBE),
    /** The body changed after it was signed: {@link ErrorCode#SIGNATURE_MISMATCH}. */
    TAMPERED_BODY("tampered_body", ErrorCode.SIGNATURE_MISMATCH),
    /** Signed 600 seconds in the past: {@link ErrorCode#TIMESTAMP_SKEW}. */
    STALE_TIMESTAMP("stale_timestamp", ErrorCode.TIMESTAMP_SKEW),
    /** Signed 600 seconds in the future: {@link ErrorCode#TIMESTAMP_SKEW}. */
    FUTURE_TIMESTAMP("future_timestamp", ErrorCode.TIMESTAMP_SKEW),
    /** The resource encrypted with another APIv3 key than the kit's: {@link ErrorCode#DECRYPT_FAILED}. */
    OTHER_APIV3_KEY("other_apiv3_key", ErrorCode.DECRYPT_FAILED),
    /** Signed under a {@code Wechatpay-Serial} nobody configured: {@link ErrorCode#UNKNOWN_SERIAL}. */
    UNKNOWN_SERIAL("unknown_serial", ErrorCode.UNKNOWN_SERIAL),
    /** An APIv2 XML body sent to the APIv3 notify_url: {@link ErrorCode#WRONG_FORMAT}. */
    XML_BODY("xml_body", ErrorCode.WRONG_FORMAT),
    /**
     * The JSON body re-encoded after it was signed, as a framework that parses and
     * re-serializes the body would: {@link ErrorCode#SIGNATURE_MISMATCH}.
     */
    RESERIALIZED("reserialized", ErrorCode.SIGNATURE_MISMATCH);

    private final String wireName;
    private final ErrorCode expectedCode;

    Failure(String wireName, ErrorCode expectedCode) {
        this.wireName = wireName;
        this.expectedCode = expectedCode;
    }

    /**
     * The failure's stable name.
     *
     * @return e.g. {@code "probe"} or {@code "tampered_body"}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * The code a verifier configured for the kit ({@link Kit#verifier()}) refuses a callback
     * with this failure with, at the system clock.
     *
     * @return the error code
     */
    public ErrorCode expectedCode() {
        return expectedCode;
    }

    /**
     * The failure of a stable name.
     *
     * @param wireName a name such as {@code "probe"}
     * @return the failure, or empty for any other name (null included)
     */
    public static Optional<Failure> fromWireName(String wireName) {
        for (Failure f : values()) {
            if (f.wireName.equals(wireName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
