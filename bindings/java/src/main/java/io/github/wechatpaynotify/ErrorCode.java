package io.github.wechatpaynotify;

import java.util.Optional;

/**
 * The reason a callback or a configuration was refused: one stable code per failure, with the
 * same name in every language of wechatpay-notify (Rust, C, Python, Go, Java) and in the
 * conformance vectors.
 *
 * <p>{@link #name()} is the stable string, e.g. {@code "SIGNATURE_MISMATCH"}: the binding
 * matches the native library's codes by that name, never by number or by the order of these
 * constants. The codes, their families and their meaning are listed in docs/errors.md; APIv3
 * callbacks are checked in the order of docs/protocol.md (steps 0-15), and the first failing
 * check decides the code. The C ABI's own codes for misuse or internal errors ({@code
 * NULL_ARGUMENT}, {@code PANIC}, {@code INVALID_ARGUMENT}) are not listed here: the binding
 * reports them as {@link IllegalStateException}.
 */
public enum ErrorCode {
    /** The body is larger than the configured maximum body size. */
    BODY_TOO_LARGE,
    /**
     * The body is in the wrong format for this handler: XML (an APIv2 notification, or a
     * refund made by hand in the merchant platform) sent to an APIv3 handler, or JSON to an
     * APIv2 one.
     */
    WRONG_FORMAT,
    /** A required {@code Wechatpay-*} header is missing or empty. */
    MISSING_HEADER,
    /** {@code Wechatpay-Signature-Type} (or APIv2 {@code sign_type}) names an unsupported scheme. */
    UNSUPPORTED_SIGNATURE_TYPE,
    /** {@code Wechatpay-Timestamp} is not a decimal number of seconds. */
    BAD_TIMESTAMP,
    /** The timestamp is outside the allowed clock skew: a replay, or a wrong clock. */
    TIMESTAMP_SKEW,
    /**
     * The signature is WeChat Pay's {@code WECHATPAY/SIGNTEST/} probe, sent to check that the
     * merchant really verifies signatures; it must be refused.
     */
    SIGNATURE_PROBE,
    /** No configured public key or certificate matches {@code Wechatpay-Serial}. */
    UNKNOWN_SERIAL,
    /** The platform certificate of that serial is outside its validity period. */
    KEY_EXPIRED,
    /** The signature is not base64, or has the wrong length for the key. */
    MALFORMED_SIGNATURE,
    /** The signature does not match: a forged or altered body, or a re-serialized one. */
    SIGNATURE_MISMATCH,
    /** The body is not the expected JSON (APIv3) or flat XML (APIv2) structure. */
    MALFORMED_BODY,
    /** A required field of an APIv2 notification is missing. */
    MISSING_FIELD,
    /** An APIv2 notification whose {@code return_code} is not {@code SUCCESS}. */
    RETURN_FAIL,
    /** {@code resource.algorithm} is not {@code AEAD_AES_256_GCM}. */
    UNSUPPORTED_ALGORITHM,
    /** The encrypted resource is malformed, or its plaintext is not JSON. */
    MALFORMED_RESOURCE,
    /** Decryption failed: a wrong APIv3 key, or altered ciphertext, nonce or associated data. */
    DECRYPT_FAILED,
    /** The configuration is invalid (key length, unreadable PEM, weak key, no key...). */
    CONFIG_INVALID,
    /**
     * A typed accessor of the event catalog ({@link Notification#transaction()}, ...) was called
     * on a notification of another kind; the message says which kind it is. Not a failure of the
     * callback: dispatch on {@link Notification#kind()} first.
     */
    UNEXPECTED_EVENT;

    /**
     * Looks a code up by its stable name.
     *
     * @param name a code name such as {@code "DECRYPT_FAILED"}
     * @return the code, or empty when no code has that name
     */
    public static Optional<ErrorCode> fromName(String name) {
        for (ErrorCode code : values()) {
            if (code.name().equals(name)) {
                return Optional.of(code);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether this code means that the request is not proven to come from WeChat Pay
     * (headers, timestamp, serial, key validity or signature). The reply for these is HTTP
     * 401; for every other code it is 500.
     *
     * @return true for {@link #MISSING_HEADER}, {@link #UNSUPPORTED_SIGNATURE_TYPE}, {@link
     *     #BAD_TIMESTAMP}, {@link #TIMESTAMP_SKEW}, {@link #SIGNATURE_PROBE}, {@link
     *     #UNKNOWN_SERIAL}, {@link #KEY_EXPIRED}, {@link #MALFORMED_SIGNATURE} and {@link
     *     #SIGNATURE_MISMATCH}
     */
    public boolean isAuthenticity() {
        return family() == ErrorFamily.AUTHENTICITY;
    }

    /**
     * The group this code belongs to.
     *
     * @return the family of this code
     */
    public ErrorFamily family() {
        return ErrorFamily.of(this);
    }
}
