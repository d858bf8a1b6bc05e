package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies and decrypts WeChat Pay APIv3 callbacks (回调通知).
 *
 * <p>Build one at start-up and share it between every request handler: it is immutable and
 * thread-safe, and every key is parsed once, when it is built. Rotating keys means building a
 * new verifier (and closing the old one).
 *
 * <pre>{@code
 * Verifier verifier = Verifier.builder()
 *     .apiV3Key(apiV3Key)                                   // the 32-character APIv3密钥
 *     .publicKey("PUB_KEY_ID_0114232134912410000000000000", publicKeyPem) // 微信支付公钥
 *     .build();
 * try {
 *     Notification n = verifier.parse(headers, body);      // raw body bytes, as received
 *     if (n.kind() == EventKind.TRANSACTION) {            // handle each n.id() once
 *         Transaction t = n.transaction();                 // typed, checked by the native library
 *     }
 *     reply = Reply.success();
 * } catch (NotificationException e) {
 *     log.warn(e.getMessage());                             // safe to log
 *     reply = Reply.failure(e);
 * }
 * }</pre>
 *
 * <p>{@code parse} runs every check of docs/protocol.md (steps 0-15) in a fixed order (body
 * size, format, headers, signature type, timestamp, clock skew, signature probe, serial, key
 * validity, signature, body, algorithm, resource, decryption) and throws a {@link
 * NotificationException} naming the first that fails (the codes are those of docs/errors.md).
 * No other exception is thrown for bad input. Each method without a time reads the system
 * clock; its {@code ...At} twin takes the time in Unix seconds, and both make the same native
 * call ({@code Long.MIN_VALUE}, the C ABI's {@code WPN_SYSTEM_CLOCK}, also means the system
 * clock; docs/c-abi.md).
 *
 * <p>One verifier can serve many merchants behind one {@code notify_url} (docs/merchants.md):
 * configure each with {@link Builder#merchant(Merchant)} instead of {@link
 * Builder#apiV3Key(String)} and the keys, and {@link Notification#mchid()} says which merchant
 * each callback was for.
 *
 * <p>The verifier holds native memory. {@link #close()} frees it at once; a verifier that is
 * never closed is freed by a cleaner thread after it becomes unreachable. Calls after {@code
 * close()} throw {@link IllegalStateException}; calls in progress on other threads finish
 * first.
 */
public final class Verifier implements AutoCloseable {
    /** Default maximum clock skew: 300 seconds, as WeChat Pay recommends. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(300);
    /** Default maximum body size: 1 MiB (real notifications are about 1 KB). */
    public static final long DEFAULT_MAX_BODY_SIZE = 1024 * 1024;

    private final NativeHandle handle;
    private final Cleaners.Cleanable cleanable;
    private final List<String> keyIds;
    private final List<String> mchids;
    private final Duration maxClockSkew;
    private final long maxBodySize;

    /**
     * Takes ownership of a native verifier ({@code wpn_verifier_builder_build} or {@code
     * wpn_kit_verifier}).
     *
     * @param pointer the {@code wpn_verifier *}, not null
     */
    Verifier(Pointer pointer) {
        this(pointer, Collections.emptyList());
    }

    /**
     * Takes ownership of a native verifier built with these merchants.
     *
     * @param pointer the {@code wpn_verifier *}, not null
     * @param mchids the merchant ids, in configuration order; empty for a single merchant
     */
    private Verifier(Pointer pointer, List<String> mchids) {
        this.handle = new NativeHandle(pointer, Lib::wpn_verifier_free, "Verifier");
        this.cleanable = Cleaners.CLEANER.register(this, handle);
        long count = Lib.wpn_verifier_key_count(pointer);
        List<String> ids = new ArrayList<>();
        Lib.Str id = Scratch.get().str;
        for (long i = 0; i < count; i++) {
            if (!Lib.isTrue(Lib.wpn_verifier_key_id(pointer, i, id))) {
                throw new IllegalStateException("wpn_verifier_key_id(" + i + ") of " + count + " failed");
            }
            ids.add(id.value());
        }
        this.keyIds = Collections.unmodifiableList(ids);
        this.mchids = Collections.unmodifiableList(new ArrayList<>(mchids));
        this.maxClockSkew = Duration.ofSeconds(Lib.wpn_verifier_max_clock_skew(pointer));
        this.maxBodySize = Lib.wpn_verifier_max_body_size(pointer);
    }

    /**
     * Starts a configuration.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies and decrypts a callback, using the system clock.
     *
     * @param headers the request headers; names are matched case-insensitively
     * @param body the raw request body, byte for byte as received (never a re-serialized
     *     JSON object: that breaks the signature)
     * @return the verified, decrypted notification
     * @throws NotificationException when any check fails; {@link NotificationException#code()}
     *     says which
     * @throws IllegalStateException when this verifier is closed
     */
    public Notification parse(Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        return parse(headers, body, Lib.SYSTEM_CLOCK);
    }

    /**
     * Verifies and decrypts a callback, using the system clock; for multi-valued or repeated
     * headers (the first value of a name wins).
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @return the verified, decrypted notification
     * @throws NotificationException when any check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public Notification parse(Headers headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        return parse(headers, body, Lib.SYSTEM_CLOCK);
    }

    /**
     * Verifies and decrypts a callback as if the time were {@code nowUnixSeconds}: for
     * replaying a captured request, and for tests.
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @param nowUnixSeconds the current time, Unix seconds
     * @return the verified, decrypted notification
     * @throws NotificationException when any check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public Notification parseAt(Map<String, String> headers, byte[] body, long nowUnixSeconds) {
        Objects.requireNonNull(headers, "headers");
        return parse(headers, body, nowUnixSeconds);
    }

    /**
     * As {@link #parseAt(Map, byte[], long)}, for multi-valued or repeated headers.
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @param nowUnixSeconds the current time, Unix seconds
     * @return the verified, decrypted notification
     * @throws NotificationException when any check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public Notification parseAt(Headers headers, byte[] body, long nowUnixSeconds) {
        Objects.requireNonNull(headers, "headers");
        return parse(headers, body, nowUnixSeconds);
    }

    /**
     * Checks a callback's authenticity only (body size and format, headers, timestamp, serial,
     * key validity, signature), using the system clock. The body is not parsed or decrypted.
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @throws NotificationException when a check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public void verify(Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        check(Kind.VERIFY, headers, body, Lib.SYSTEM_CLOCK);
    }

    /**
     * As {@link #verify(Map, byte[])}, for multi-valued or repeated headers.
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @throws NotificationException when a check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public void verify(Headers headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        check(Kind.VERIFY, headers, body, Lib.SYSTEM_CLOCK);
    }

    /**
     * As {@link #verify(Map, byte[])}, at the time {@code nowUnixSeconds}.
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @param nowUnixSeconds the current time, Unix seconds
     * @throws NotificationException when a check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public void verifyAt(Map<String, String> headers, byte[] body, long nowUnixSeconds) {
        Objects.requireNonNull(headers, "headers");
        check(Kind.VERIFY, headers, body, nowUnixSeconds);
    }

    /**
     * As {@link #verifyAt(Map, byte[], long)}, for multi-valued or repeated headers.
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @param nowUnixSeconds the current time, Unix seconds
     * @throws NotificationException when a check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public void verifyAt(Headers headers, byte[] body, long nowUnixSeconds) {
        Objects.requireNonNull(headers, "headers");
        check(Kind.VERIFY, headers, body, nowUnixSeconds);
    }

    /**
     * Verifies the signature of a WeChat Pay API <em>response</em> (same headers and scheme as
     * callbacks), using the system clock. The body may be any bytes, including empty.
     *
     * @param headers the response headers
     * @param body the raw response body
     * @throws NotificationException when a check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public void verifyResponse(Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        check(Kind.RESPONSE, headers, body, Lib.SYSTEM_CLOCK);
    }

    /**
     * As {@link #verifyResponse(Map, byte[])}, at the time {@code nowUnixSeconds}.
     *
     * @param headers the response headers
     * @param body the raw response body
     * @param nowUnixSeconds the current time, Unix seconds
     * @throws NotificationException when a check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public void verifyResponseAt(Map<String, String> headers, byte[] body, long nowUnixSeconds) {
        Objects.requireNonNull(headers, "headers");
        check(Kind.RESPONSE, headers, body, nowUnixSeconds);
    }

    /**
     * Decrypts a {@code GET /v3/certificates} response body with this verifier's APIv3 key.
     * Verify the response first with {@link #verifyResponse(Map, byte[])}. A verifier of
     * several merchants has no one APIv3 key: use {@link
     * WechatpayNotify#decryptCertificates(String, byte[])} with that merchant's key.
     *
     * @param body the response body
     * @return the platform certificates, decrypted and parsed
     * @throws NotificationException {@link ErrorCode#MALFORMED_BODY}, {@link
     *     ErrorCode#UNSUPPORTED_ALGORITHM}, {@link ErrorCode#MALFORMED_RESOURCE} or {@link
     *     ErrorCode#DECRYPT_FAILED}
     * @throws ConfigException when this verifier holds several merchants
     * @throws IllegalStateException when this verifier is closed
     */
    public List<DownloadedCertificate> decryptCertificates(byte[] body) {
        Objects.requireNonNull(body, "body");
        Pointer v = handle.acquire();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            Errors.check(Lib.wpn_verifier_decrypt_certificates(v, body, body.length, out, err), err);
            return DownloadedCertificate.readList(out.getValue());
        } finally {
            handle.release();
        }
    }

    /**
     * The configured public-key ids and certificate serials, in configuration order.
     *
     * @return an unmodifiable list of ids and serials
     */
    public List<String> keyIds() {
        return keyIds;
    }

    /**
     * The merchant ids of a verifier for several merchants, in configuration order.
     *
     * @return an unmodifiable list of mchids; empty for a single-merchant verifier
     */
    public List<String> mchids() {
        return mchids;
    }

    /**
     * The configured maximum clock skew.
     *
     * @return the skew
     */
    public Duration maxClockSkew() {
        return maxClockSkew;
    }

    /**
     * The configured maximum body size.
     *
     * @return bytes
     */
    public long maxBodySize() {
        return maxBodySize;
    }

    /**
     * Frees the native verifier. Idempotent; calls in progress on other threads finish first.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    /**
     * The configured key ids and limits; never a key.
     *
     * @return a description of this verifier
     */
    @Override
    public String toString() {
        return "Verifier{" + (mchids.isEmpty() ? "" : "merchants=" + mchids + ", ") + "keys=" + keyIds + ", maxClockSkew=" + maxClockSkew.getSeconds() + "s, maxBodySize="
                + maxBodySize + (handle.isClosed() ? ", closed" : "") + "}";
    }

    // ---- the calls -------------------------------------------------------------------------

    private enum Kind {
        VERIFY,
        RESPONSE
    }

    /**
     * {@code wpn_verifier_parse}; {@code now} is Unix seconds or {@link Lib#SYSTEM_CLOCK}.
     */
    private Notification parse(Map<String, String> headers, byte[] body, long now) {
        Scratch s = Scratch.forBlockCall();
        return parse(s, encode(headers, s), body, now);
    }

    private Notification parse(Headers headers, byte[] body, long now) {
        Scratch s = Scratch.forBlockCall();
        return parse(s, encode(headers, s), body, now);
    }

    /**
     * {@code wpn_verifier_verify} or {@code wpn_verifier_verify_response}; {@code now} is Unix
     * seconds or {@link Lib#SYSTEM_CLOCK}.
     */
    private void check(Kind kind, Map<String, String> headers, byte[] body, long now) {
        Scratch s = Scratch.forBlockCall();
        check(kind, s, encode(headers, s), body, now);
    }

    private void check(Kind kind, Headers headers, byte[] body, long now) {
        Scratch s = Scratch.forBlockCall();
        check(kind, s, encode(headers, s), body, now);
    }

    /**
     * One native call with the headers and body laid out in the thread's scratch block, then one
     * to read the envelope; the notification is freed before returning.
     */
    private Notification parse(Scratch s, int count, byte[] body, long now) {
        Objects.requireNonNull(body, "body");
        try {
            long bodyAt = s.headers(count, body);
            long request = s.request();
            long v = handle.acquireAddress();
            int r;
            try {
                r = Lib.wpn_verifier_parse(
                        v, request, count, request + bodyAt, body.length, now, s.outAddress(), s.errorAddress());
            } finally {
                handle.release();
            }
            if (r != Lib.OK) {
                throw Errors.exception(r, s.error());
            }
        } finally {
            s.end();
        }
        return readNotification(s);
    }

    private void check(Kind kind, Scratch s, int count, byte[] body, long now) {
        Objects.requireNonNull(body, "body");
        try {
            long bodyAt = s.headers(count, body);
            long request = s.request();
            long v = handle.acquireAddress();
            int r;
            try {
                r = kind == Kind.VERIFY
                        ? Lib.wpn_verifier_verify(v, request, count, request + bodyAt, body.length, now, s.errorAddress())
                        : Lib.wpn_verifier_verify_response(
                                v, request, count, request + bodyAt, body.length, now, s.errorAddress());
            } finally {
                handle.release();
            }
            if (r != Lib.OK) {
                throw Errors.exception(r, s.error());
            }
        } finally {
            s.end();
        }
    }

    /**
     * Copies the envelope of the notification a parse wrote to the scratch's out-parameter (one
     * call fills it, each string is one copy) and frees the notification. The plaintext stays
     * bytes until {@link Notification#plaintext()} is asked for.
     */
    private static Notification readNotification(Scratch s) {
        long n = s.out();
        if (n == 0) {
            throw new IllegalStateException("wpn_verifier_parse succeeded without a notification");
        }
        try {
            if (!Lib.isTrue(Lib.wpn_notification_envelope(n, s.structAddress()))) {
                throw new IllegalStateException("wpn_notification_envelope failed");
            }
            return new Notification(
                    s.string(Lib.Envelope.ID),
                    s.string(Lib.Envelope.CREATE_TIME),
                    s.string(Lib.Envelope.EVENT_TYPE),
                    s.string(Lib.Envelope.RESOURCE_TYPE),
                    s.string(Lib.Envelope.SUMMARY),
                    s.string(Lib.Envelope.ORIGINAL_TYPE),
                    s.string(Lib.Envelope.SERIAL),
                    s.int64(Lib.Envelope.TIMESTAMP),
                    s.bytes(Lib.Envelope.PLAINTEXT),
                    Notification.kindOf(s.bytes(Lib.Envelope.KIND)),
                    s.string(Lib.Envelope.MCHID));
        } finally {
            Lib.wpn_notification_free(n);
        }
    }

    /** UTF-8 encodes the headers (those with a null name or value are left out) into {@link Scratch#parts}. */
    private static int encode(Map<String, String> headers, Scratch s) {
        byte[][] parts = s.parts(2 * headers.size());
        int count = 0;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name != null && value != null) {
                if (2 * count + 2 > parts.length) {
                    parts = s.parts(2 * count + 2); // a map whose size() was stale
                }
                parts[2 * count] = name.getBytes(StandardCharsets.UTF_8);
                parts[2 * count + 1] = value.getBytes(StandardCharsets.UTF_8);
                count++;
            }
        }
        return count;
    }

    private static int encode(Headers headers, Scratch s) {
        int count = headers.size();
        byte[][] parts = s.parts(2 * count);
        for (int i = 0; i < count; i++) {
            parts[2 * i] = headers.name(i).getBytes(StandardCharsets.UTF_8);
            parts[2 * i + 1] = headers.value(i).getBytes(StandardCharsets.UTF_8);
        }
        return count;
    }

    /**
     * Configures a {@link Verifier}. Nothing is parsed until {@link #build()}, which reports
     * every problem as a {@link ConfigException}. Not thread-safe; reusable.
     *
     * <p>A verifier serves either one merchant, configured with {@link #apiV3Key(String)} and
     * that merchant's keys ({@link #publicKey(String, String)}, {@link
     * #platformCertificate(String)}), or several merchants, each added with {@link
     * #merchant(Merchant)}; {@link #build()} refuses a mix of the two.
     */
    public static final class Builder {
        private final List<Merchant> merchants = new ArrayList<>();
        private byte[] apiV3Key;
        private final List<String> publicKeyIds = new ArrayList<>();
        private final List<byte[]> publicKeys = new ArrayList<>();
        private final List<byte[]> certificates = new ArrayList<>();
        private Duration maxClockSkew;
        private Long maxBodySize;

        private Builder() {}

        /**
         * The APIv3 key (APIv3密钥): the 32 characters set in the merchant platform. For a
         * verifier of one merchant; several merchants each give theirs in a {@link Merchant}.
         *
         * @param key the key; must be exactly 32 bytes in UTF-8
         * @return this builder
         */
        public Builder apiV3Key(String key) {
            this.apiV3Key = Objects.requireNonNull(key, "key").getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * The APIv3 key as bytes.
         *
         * @param key the key; must be exactly 32 bytes
         * @return this builder
         */
        public Builder apiV3Key(byte[] key) {
            this.apiV3Key = Objects.requireNonNull(key, "key").clone();
            return this;
        }

        /**
         * Adds a WeChat Pay public key (微信支付公钥) under its id ({@code PUB_KEY_ID_...}), as
         * SubjectPublicKeyInfo PEM ({@code BEGIN PUBLIC KEY}, the downloaded {@code
         * pub_key.pem}), PKCS#1 PEM or bare base64. Call again to add more (rotation).
         *
         * @param id the public-key id, as shown in the merchant platform
         * @param pem the key
         * @return this builder
         */
        public Builder publicKey(String id, String pem) {
            return publicKey(id, Objects.requireNonNull(pem, "pem").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Adds a WeChat Pay public key given as bytes.
         *
         * @param id the public-key id
         * @param pem the key, PEM or base64
         * @return this builder
         */
        public Builder publicKey(String id, byte[] pem) {
            publicKeyIds.add(Objects.requireNonNull(id, "id"));
            publicKeys.add(Objects.requireNonNull(pem, "pem").clone());
            return this;
        }

        /**
         * Adds a WeChat Pay public key read from a file such as {@code pub_key.pem}.
         *
         * @param id the public-key id
         * @param pemFile the key file
         * @return this builder
         * @throws ConfigException when the file cannot be read
         */
        public Builder publicKeyFile(String id, Path pemFile) {
            return publicKey(id, read(pemFile, "public key"));
        }

        /**
         * Adds a WeChat Pay platform certificate (平台证书), PEM or bare base64 DER; its serial
         * and validity period are read from it. Call again to add more.
         *
         * @param pem the certificate
         * @return this builder
         */
        public Builder platformCertificate(String pem) {
            return platformCertificate(Objects.requireNonNull(pem, "pem").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Adds a WeChat Pay platform certificate given as bytes.
         *
         * @param pem the certificate, PEM or base64 DER
         * @return this builder
         */
        public Builder platformCertificate(byte[] pem) {
            certificates.add(Objects.requireNonNull(pem, "pem").clone());
            return this;
        }

        /**
         * Adds a platform certificate read from a PEM file.
         *
         * @param pemFile the certificate file
         * @return this builder
         * @throws ConfigException when the file cannot be read
         */
        public Builder platformCertificateFile(Path pemFile) {
            return platformCertificate(read(pemFile, "platform certificate"));
        }

        /**
         * Adds a merchant of a verifier for many merchants behind one {@code notify_url}
         * (docs/merchants.md): its mchid, APIv3 key and WeChat Pay keys. Call once per
         * merchant. Such a verifier has no single-merchant configuration: {@link #build()}
         * refuses merchants together with {@link #apiV3Key(String)}, {@link #publicKey(String,
         * String)} or {@link #platformCertificate(String)} on this builder.
         *
         * @param merchant the merchant
         * @return this builder
         */
        public Builder merchant(Merchant merchant) {
            merchants.add(Objects.requireNonNull(merchant, "merchant"));
            return this;
        }

        /**
         * The largest accepted difference between {@code Wechatpay-Timestamp} and now
         * (default 300 seconds). Whole seconds; must not be negative.
         *
         * @param skew the maximum skew
         * @return this builder
         */
        public Builder maxClockSkew(Duration skew) {
            this.maxClockSkew = Objects.requireNonNull(skew, "skew");
            return this;
        }

        /**
         * The largest accepted body in bytes (default 1 MiB); must not be negative.
         *
         * @param bytes the maximum body size
         * @return this builder
         */
        public Builder maxBodySize(long bytes) {
            this.maxBodySize = bytes;
            return this;
        }

        /**
         * Parses every key and builds the verifier.
         *
         * @return the verifier; close it when it is no longer needed
         * @throws ConfigException when the APIv3 key is not 32 bytes, a PEM does not parse, a
         *     key is not RSA or is under 2048 bits, no key is configured, a serial is
         *     configured twice, or a limit is negative; with merchants, also when the
         *     single-merchant settings are used too, a mchid is empty or repeated, a merchant
         *     has no key, or one serial is configured with different keys for two merchants
         */
        public Verifier build() {
            if (maxClockSkew != null && maxClockSkew.isNegative()) {
                throw new ConfigException("maxClockSkew must not be negative");
            }
            if (maxBodySize != null && maxBodySize < 0) {
                throw new ConfigException("maxBodySize must not be negative");
            }
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            Errors.check(Lib.wpn_verifier_builder_new(out, err), err);
            Pointer b = out.getValue();
            try {
                if (apiV3Key != null) {
                    Errors.check(Lib.wpn_verifier_builder_apiv3_key(b, apiV3Key, apiV3Key.length, err), err);
                }
                for (int i = 0; i < publicKeys.size(); i++) {
                    byte[] id = publicKeyIds.get(i).getBytes(StandardCharsets.UTF_8);
                    byte[] pem = publicKeys.get(i);
                    Errors.check(Lib.wpn_verifier_builder_public_key(b, id, id.length, pem, pem.length, err), err);
                }
                for (byte[] pem : certificates) {
                    Errors.check(Lib.wpn_verifier_builder_platform_certificate(b, pem, pem.length, err), err);
                }
                // After the single-merchant keys: the C ABI gives each key added after a
                // merchant to that merchant.
                List<String> mchids = new ArrayList<>(merchants.size());
                for (Merchant m : merchants) {
                    m.addTo(b, err);
                    mchids.add(m.mchid());
                }
                if (maxClockSkew != null) {
                    Errors.check(Lib.wpn_verifier_builder_max_clock_skew(b, maxClockSkew.getSeconds(), err), err);
                }
                if (maxBodySize != null) {
                    Errors.check(Lib.wpn_verifier_builder_max_body_size(b, maxBodySize, err), err);
                }
                Errors.check(Lib.wpn_verifier_builder_build(b, out, err), err);
                return new Verifier(out.getValue(), mchids);
            } finally {
                Lib.wpn_verifier_builder_free(b);
            }
        }

        /**
         * Reads a key or certificate file (also for {@link Merchant.Builder}).
         *
         * @param file the file
         * @param what what it holds, for the message
         * @return its bytes
         * @throws ConfigException when the file cannot be read
         */
        static byte[] read(Path file, String what) {
            Objects.requireNonNull(file, "file");
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                ConfigException c = new ConfigException("cannot read the " + what + " file " + file + ": " + e);
                c.initCause(e);
                throw c;
            }
        }

        /**
         * The configuration's shape, never a key.
         *
         * @return a description of this builder
         */
        @Override
        public String toString() {
            return "Verifier.Builder{apiV3Key=" + (apiV3Key == null ? "unset" : "<redacted>") + ", publicKeys="
                    + publicKeyIds + ", certificates=" + certificates.size()
                    + (merchants.isEmpty() ? "" : ", merchants=" + merchants) + "}";
        }
    }
}
