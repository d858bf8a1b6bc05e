package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * refused. Reply with {@link Reply#v2Success()} or {@link Reply#v2Failure(String)}. The rules
 * are those of docs/apiv2.md; {@link #diagnose(byte[])} runs every one of them and reports each.
 *
 * <p>Immutable and thread-safe; {@link #close()} frees the native memory at once, otherwise a
 * cleaner thread does after it becomes unreachable. A copy of the key is kept for {@link
 * #withMaxBodySize(long)} and wiped (overwritten with zeros) when the verifier is freed.
 */
public final class V2Verifier implements AutoCloseable {
    /** Default largest accepted body: 64 KiB, real notifications are about 1 KB ({@code WPN_V2_DEFAULT_MAX_BODY_SIZE}). */
    public static final long DEFAULT_MAX_BODY_SIZE = Lib.WPN_V2_DEFAULT_MAX_BODY_SIZE;

    private final NativeHandle handle;
    private final Cleaners.Cleanable cleanable;
    /** The key, for {@link #withMaxBodySize(long)}; zeroed when the native verifier is freed. */
    private final byte[] key;

    /**
     * Builds a verifier from the APIv2 key.
     *
     * @param apiKey the APIv2 key (API密钥), exactly 32 bytes in UTF-8
     * @throws ConfigException when the key is not 32 bytes
     */
    public V2Verifier(String apiKey) {
        this(Objects.requireNonNull(apiKey, "apiKey").getBytes(StandardCharsets.UTF_8), 0);
    }

    /**
     * Builds the native verifier ({@code wpn_v2_verifier_new}) and takes ownership of
     * {@code key}.
     *
     * @param key the key bytes; wiped when this verifier is freed (or at once on failure)
     * @param maxBodySize the largest accepted body, or 0 for {@link #DEFAULT_MAX_BODY_SIZE}
     */
    private V2Verifier(byte[] key, long maxBodySize) {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        try {
            Errors.check(Lib.wpn_v2_verifier_new(key, key.length, maxBodySize, out, err), err);
        } catch (RuntimeException e) {
            Arrays.fill(key, (byte) 0);
            throw e;
        }
        this.key = key;
        this.handle = new NativeHandle(out.getValue(), p -> {
            Lib.wpn_v2_verifier_free(p);
            Arrays.fill(key, (byte) 0);
        }, "V2Verifier");
        this.cleanable = Cleaners.CLEANER.register(this, handle);
    }

    /**
     * A new verifier with the same key that accepts bodies up to {@code bytes}.
     *
     * @param bytes the largest accepted body, at least 1 (the default is {@link
     *     #DEFAULT_MAX_BODY_SIZE})
     * @return a new verifier (this one is unchanged; close both)
     * @throws ConfigException when {@code bytes} is less than 1
     * @throws IllegalStateException when this verifier is closed
     */
    public V2Verifier withMaxBodySize(long bytes) {
        if (bytes < 1) {
            // 0 means "the default" to wpn_v2_verifier_new, so it cannot stand for a limit.
            throw new ConfigException("maxBodySize must be at least 1 byte, not " + bytes);
        }
        handle.acquire();
        try {
            return new V2Verifier(key.clone(), bytes);
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
        Pointer v = handle.acquire();
        try {
            Reusable s = Reusable.get();
            Errors.check(Lib.wpn_v2_verifier_parse_payment(v, xml, xml.length, s.handleOut, s.errorOut), s.errorOut);
            Pointer fields = s.handleOut.getValue();
            try {
                return readFields(fields, s.field);
            } finally {
                Lib.wpn_v2_fields_free(fields);
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
        Pointer v = handle.acquire();
        try {
            Reusable s = Reusable.get();
            Errors.check(Lib.wpn_v2_verifier_parse_refund(v, xml, xml.length, s.handleOut, s.errorOut), s.errorOut);
            Pointer refund = s.handleOut.getValue();
            try {
                return new V2Refund(
                        readFields(Lib.wpn_v2_refund_fields(refund), s.field),
                        readFields(Lib.wpn_v2_refund_req_info(refund), s.field));
            } finally {
                Lib.wpn_v2_refund_free(refund);
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

    /**
     * Runs every check of docs/apiv2.md on an APIv2 notification instead of stopping at the
     * first failure, to explain why it is refused: a body with a {@code req_info} field is
     * checked as a refund (6 checks, steps 0-5), anything else as a payment (7 checks, steps
     * 0-6). The verdict is what {@link #parseRefund(byte[])} or {@link #parsePayment(byte[])}
     * gives for it; {@link Diagnosis#notification()} is always empty and {@link
     * Diagnosis#hints()} always empty for APIv2.
     *
     * @param xml the raw request body
     * @return the diagnosis; a refused notification is a diagnosis too, never an exception
     * @throws IllegalStateException when this verifier is closed
     */
    public Diagnosis diagnose(byte[] xml) {
        Objects.requireNonNull(xml, "xml");
        Reusable s = Reusable.get();
        Pointer v = handle.acquire();
        int result;
        try {
            result = Lib.wpn_v2_verifier_diagnose(v, Marshal.input(xml), xml.length, s.handleOut, s.errorOut);
        } finally {
            handle.release();
        }
        Errors.check(result, s.errorOut);
        return Diagnosis.read(s.handleOut.getValue(), false);
    }

    /**
     * As {@link #diagnose(byte[])}, for a body already decoded as text.
     *
     * @param xml the request body
     * @return the diagnosis
     * @throws IllegalStateException when this verifier is closed
     */
    public Diagnosis diagnose(String xml) {
        return diagnose(Objects.requireNonNull(xml, "xml").getBytes(StandardCharsets.UTF_8));
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

    /** Copies a {@code wpn_v2_fields}, field by field (they come sorted by name). */
    private static Map<String, String> readFields(Pointer fields, Lib.Field f) {
        long n = Lib.wpn_v2_fields_len(fields);
        Map<String, String> out = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            if (!Marshal.isTrue(Lib.wpn_v2_fields_get(fields, i, f.getPointer()))) {
                throw new IllegalStateException("wpn_v2_fields_get(" + i + ") of " + n + " failed");
            }
            out.put(f.string("name"), f.string("value"));
        }
        return Collections.unmodifiableMap(out);
    }
}
