package io.github.wechatpaynotify;

import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies APIv2 (XML) payment notifications and decrypts APIv2 refund notifications, with
 * the APIv2 key (API密钥).
 *
 * <p>Payment results are checked with their {@code sign} (MD5 or HMAC-SHA256); refund results
 * carry no sign, and their {@code req_info} is decrypted. XML with a DTD or entities is
 * refused. Reply with {@link Reply#v2Success()} or {@link Reply#v2Failure(String)}.
 *
 * <p>Immutable and thread-safe; {@link #close()} frees the native memory at once, otherwise a
 * {@link Cleaner} does after it becomes unreachable.
 */
public final class V2Verifier implements AutoCloseable {
    /** Default largest accepted body: 64 KiB (real notifications are about 1 KB). */
    public static final long DEFAULT_MAX_BODY_SIZE = 64 * 1024;

    private final NativeHandle handle;
    private final Cleaner.Cleanable cleanable;

    private V2Verifier(long pointer) {
        this.handle = new NativeHandle(pointer, Lib::wpn_v2_verifier_free, "V2Verifier");
        this.cleanable = Cleaners.CLEANER.register(this, handle);
    }

    /**
     * Builds a verifier from the APIv2 key.
     *
     * @param apiKey the APIv2 key (API密钥), exactly 32 bytes in UTF-8
     * @throws ConfigException when the key is not 32 bytes
     */
    public V2Verifier(String apiKey) {
        this(create(Objects.requireNonNull(apiKey, "apiKey").getBytes(StandardCharsets.UTF_8)));
    }

    private static long create(byte[] key) {
        long[] out = new long[1];
        long[] err = new long[1];
        Errors.check(Lib.wpn_v2_verifier_new(key, key.length, out, err), err);
        return out[0];
    }

    /**
     * A new verifier with the same key that accepts bodies up to {@code bytes}.
     *
     * @param bytes the largest accepted body, not negative
     * @return a new verifier (this one is unchanged; close both)
     * @throws ConfigException when {@code bytes} is negative
     * @throws IllegalStateException when this verifier is closed
     */
    public V2Verifier withMaxBodySize(long bytes) {
        if (bytes < 0) {
            throw new ConfigException("maxBodySize must not be negative");
        }
        long v = handle.acquire();
        try {
            long[] out = new long[1];
            long[] err = new long[1];
            Errors.check(Lib.wpn_v2_verifier_with_max_body_size(v, bytes, out, err), err);
            return new V2Verifier(out[0]);
        } finally {
            handle.release();
        }
    }

    /**
     * Verifies a payment result notification and returns all its fields, {@code sign}
     * included, sorted by name. Values stay strings.
     *
     * @param xml the raw request body
     * @return an unmodifiable map of field names to values
     * @throws NotificationException in order: {@link ErrorCode#BODY_TOO_LARGE}, {@link
     *     ErrorCode#WRONG_FORMAT} (JSON), {@link ErrorCode#MALFORMED_BODY}, {@link
     *     ErrorCode#RETURN_FAIL}, {@link ErrorCode#MISSING_FIELD} (no {@code sign}), {@link
     *     ErrorCode#UNSUPPORTED_SIGNATURE_TYPE}, {@link ErrorCode#MALFORMED_SIGNATURE}, {@link
     *     ErrorCode#SIGNATURE_MISMATCH}
     * @throws IllegalStateException when this verifier is closed
     */
    public Map<String, String> parsePayment(byte[] xml) {
        Objects.requireNonNull(xml, "xml");
        long v = handle.acquire();
        try {
            long[] out = new long[1];
            long[] err = new long[1];
            Errors.check(Lib.wpn_v2_verifier_parse_payment(v, xml, xml.length, out, err), err);
            try {
                return readFields(out[0]);
            } finally {
                Lib.wpn_v2_fields_free(out[0]);
            }
        } finally {
            handle.release();
        }
    }

    /**
     * As {@link #parsePayment(byte[])}, for a body already decoded as text.
     *
     * @param xml the request body
     * @return the fields
     * @throws NotificationException as {@link #parsePayment(byte[])}
     */
    public Map<String, String> parsePayment(String xml) {
        return parsePayment(Objects.requireNonNull(xml, "xml").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decrypts a refund result notification: its outer fields, and {@code req_info}
     * decrypted with the key derived from the APIv2 key.
     *
     * @param xml the raw request body
     * @return the outer fields and the decrypted {@code req_info} fields
     * @throws NotificationException {@link ErrorCode#BODY_TOO_LARGE}, {@link
     *     ErrorCode#WRONG_FORMAT}, {@link ErrorCode#MALFORMED_BODY}, {@link
     *     ErrorCode#RETURN_FAIL}, {@link ErrorCode#MISSING_FIELD} (no {@code req_info}),
     *     {@link ErrorCode#DECRYPT_FAILED}
     * @throws IllegalStateException when this verifier is closed
     */
    public V2Refund parseRefund(byte[] xml) {
        Objects.requireNonNull(xml, "xml");
        long v = handle.acquire();
        try {
            long[] out = new long[1];
            long[] err = new long[1];
            Errors.check(Lib.wpn_v2_verifier_parse_refund(v, xml, xml.length, out, err), err);
            try {
                return new V2Refund(
                        readFields(Lib.wpn_v2_refund_fields(out[0])), readFields(Lib.wpn_v2_refund_req_info(out[0])));
            } finally {
                Lib.wpn_v2_refund_free(out[0]);
            }
        } finally {
            handle.release();
        }
    }

    /**
     * As {@link #parseRefund(byte[])}, for a body already decoded as text.
     *
     * @param xml the request body
     * @return the refund
     * @throws NotificationException as {@link #parseRefund(byte[])}
     */
    public V2Refund parseRefund(String xml) {
        return parseRefund(Objects.requireNonNull(xml, "xml").getBytes(StandardCharsets.UTF_8));
    }

    /** Frees the native verifier; idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /**
     * Never shows the key.
     *
     * @return a description of this verifier
     */
    @Override
    public String toString() {
        return "V2Verifier{apiKey=<redacted>" + (handle.isClosed() ? ", closed" : "") + "}";
    }

    private static Map<String, String> readFields(long fields) {
        long n = Lib.wpn_v2_fields_len(fields);
        Map<String, String> out = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            StructCall.Scratch f = Lib.V2_FIELDS_GET.call(fields, i);
            String name = f.string(0);
            out.put(name, f.string(2));
        }
        return Collections.unmodifiableMap(out);
    }
}
