package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
 * No other exception is thrown for bad input.
 *
 * <p>{@link #diagnose(Map, byte[])} runs the same checks past the first failure and reports
 * each one, the verdict and the signs of a re-serialized body ({@link Diagnosis}): what to call
 * when a callback is refused and the reason is not obvious.
 *
 * <p>The time the timestamp is checked against is the verifier's clock: by default the native
 * library reads the system clock itself (the C ABI's {@code WPN_SYSTEM_CLOCK}, docs/c-abi.md);
 * {@link Builder#clock(Clock)} gives another, e.g. {@code Clock.fixed(...)} to replay a
 * captured request or in tests.
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
    /** Default maximum clock skew: 300 seconds, as WeChat Pay recommends ({@code WPN_DEFAULT_MAX_CLOCK_SKEW}). */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(Lib.WPN_DEFAULT_MAX_CLOCK_SKEW);
    /** Default maximum body size: 1 MiB, real notifications are about 1 KB ({@code WPN_DEFAULT_MAX_BODY_SIZE}). */
    public static final long DEFAULT_MAX_BODY_SIZE = Lib.WPN_DEFAULT_MAX_BODY_SIZE;

    private final NativeHandle handle;
    private final Cleaners.Cleanable cleanable;
    private final List<String> keyIds;
    private final List<String> mchids;
    private final Duration maxClockSkew;
    private final long maxBodySize;
    /** The clock, or null for the system clock read by the native library. */
    private final Clock clock;

    /**
     * Takes ownership of a native verifier ({@code wpn_kit_verifier}), with the system clock.
     *
     * @param pointer the {@code wpn_verifier *}, not null
     */
    Verifier(Pointer pointer) {
        this(pointer, Collections.emptyList(), null);
    }

    /**
     * Takes ownership of a native verifier built with these merchants.
     *
     * @param pointer the {@code wpn_verifier *}, not null
     * @param mchids the merchant ids, in configuration order; empty for a single merchant
     * @param clock the clock, or null for the system clock read by the native library
     */
    private Verifier(Pointer pointer, List<String> mchids, Clock clock) {
        this.handle = new NativeHandle(pointer, Lib::wpn_verifier_free, "Verifier");
        this.cleanable = Cleaners.CLEANER.register(this, handle);
        this.clock = clock;
        long count = Lib.wpn_verifier_key_count(pointer);
        List<String> ids = new ArrayList<>();
        Lib.Str id = Reusable.get().str;
        for (long i = 0; i < count; i++) {
            if (!Marshal.isTrue(Lib.wpn_verifier_key_id(pointer, i, id.getPointer()))) {
                throw new IllegalStateException("wpn_verifier_key_id(" + i + ") of " + count + " failed");
            }
            ids.add(id.asString());
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
     * Verifies and decrypts a callback at the time of the verifier's clock ({@link
     * Builder#clock(Clock)}; by default the system clock).
     *
     * @param headers the request headers, every one as received (names in any case); an entry
     *     with a null name or value is left out
     * @param body the raw request body, byte for byte as received (never a re-serialized
     *     JSON object: that breaks the signature)
     * @return the verified, decrypted notification
     * @throws NotificationException when any check fails; {@link NotificationException#code()}
     *     says which
     * @throws IllegalStateException when this verifier is closed
     */
    public Notification parse(Map<String, String> headers, byte[] body) {
        return parse(HeaderBytes.of(Objects.requireNonNull(headers, "headers")), body);
    }

    /**
     * Verifies and decrypts a callback, as {@link #parse(Map, byte[])}; for multi-valued or
     * repeated headers (the first value of a name counts).
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @return the verified, decrypted notification
     * @throws NotificationException when any check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public Notification parse(Headers headers, byte[] body) {
        return parse(HeaderBytes.of(Objects.requireNonNull(headers, "headers")), body);
    }

    /**
     * Runs every check of docs/protocol.md (steps 0-15) on a callback instead of stopping at the
     * first failure, at the time of the verifier's clock, to explain why it is refused: which
     * checks pass, fail or cannot run, the verdict {@link #parse(Map, byte[])} gives for it, and
     * the signs that the body was re-serialized when the signature fails ({@link
     * Diagnosis#hints()}). For troubleshooting (a log line of a refused callback, a captured
     * request replayed with {@link Builder#clock(Clock)} set to its time); decide with {@code
     * parse}.
     *
     * <pre>{@code
     * Diagnosis d = verifier.diagnose(headers, body);
     * System.out.println(d);     // the checks, the verdict and the signs, as the CLI's doctor
     * }</pre>
     *
     * @param headers the request headers, as for {@link #parse(Map, byte[])}; an entry with a
     *     null name or value is left out
     * @param body the raw request body, as received
     * @return the diagnosis: 16 checks, the verdict and the hints; a refused callback is a
     *     diagnosis too, never an exception
     * @throws IllegalStateException when this verifier is closed
     */
    public Diagnosis diagnose(Map<String, String> headers, byte[] body) {
        return diagnose(HeaderBytes.of(Objects.requireNonNull(headers, "headers")), body);
    }

    /**
     * As {@link #diagnose(Map, byte[])}, for multi-valued or repeated headers (the first value
     * of a name counts, as for {@link #parse(Headers, byte[])}).
     *
     * @param headers the request headers
     * @param body the raw request body, as received
     * @return the diagnosis
     * @throws IllegalStateException when this verifier is closed
     */
    public Diagnosis diagnose(Headers headers, byte[] body) {
        return diagnose(HeaderBytes.of(Objects.requireNonNull(headers, "headers")), body);
    }

    /**
     * Checks a callback's authenticity only (body size and format, headers, timestamp, serial,
     * key validity, signature) at the time of the verifier's clock. The body is not parsed or
     * decrypted.
     *
     * @param headers the request headers; an entry with a null name or value is left out
     * @param body the raw request body, as received
     * @throws NotificationException when a check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public void verify(Map<String, String> headers, byte[] body) {
        check(Kind.VERIFY, HeaderBytes.of(Objects.requireNonNull(headers, "headers")), body);
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
        check(Kind.VERIFY, HeaderBytes.of(Objects.requireNonNull(headers, "headers")), body);
    }

    /**
     * Verifies the signature of a WeChat Pay API <em>response</em> (same headers and scheme as
     * callbacks) at the time of the verifier's clock. The body may be any bytes, including
     * empty.
     *
     * @param headers the response headers; an entry with a null name or value is left out
     * @param body the raw response body
     * @throws NotificationException when a check fails
     * @throws IllegalStateException when this verifier is closed
     */
    public void verifyResponse(Map<String, String> headers, byte[] body) {
        check(Kind.RESPONSE, HeaderBytes.of(Objects.requireNonNull(headers, "headers")), body);
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
                + maxBodySize + (clock == null ? "" : ", clock=" + clock) + (handle.isClosed() ? ", closed" : "") + "}";
    }

    // ---- the calls -------------------------------------------------------------------------

    private enum Kind {
        VERIFY,
        RESPONSE
    }

    /**
     * The {@code now} argument: the clock's time in Unix seconds, or {@code WPN_SYSTEM_CLOCK}
     * for the native library to read the system clock.
     */
    private long now() {
        return clock == null ? Lib.WPN_SYSTEM_CLOCK : clock.instant().getEpochSecond();
    }

    /**
     * {@code wpn_verifier_parse}, which fills the envelope in the same call: each of its
     * strings is then one copy, and the notification is freed before returning. The plaintext
     * stays UTF-8 bytes until {@link Notification#plaintext()} asks for a string.
     */
    private Notification parse(HeaderBytes h, byte[] body) {
        Objects.requireNonNull(body, "body");
        long now = now();
        Reusable r = Reusable.get();
        Lib.Envelope e = r.envelope;
        Pointer v = handle.acquire();
        int result;
        try {
            result = Lib.wpn_verifier_parse(v, h.bytes, h.size, h.lens, h.count,
                    Marshal.input(body), body.length, now, r.handleOut, e.getPointer(), r.errorOut);
        } finally {
            handle.release();
        }
        if (result != Lib.WPN_OK) {
            throw Errors.exception(result, r.errorOut.getValue());
        }
        Pointer n = r.handleOut.getValue();
        if (n == null) {
            throw new IllegalStateException("wpn_verifier_parse succeeded without a notification");
        }
        try {
            return notificationOf(e);
        } finally {
            Lib.wpn_notification_free(n);
        }
    }

    /**
     * Copies a filled {@code wpn_envelope} into a notification: by {@link #parse(HeaderBytes,
     * byte[])} and for the verdict of a {@link Diagnosis}, so that both give the same object.
     *
     * @param e the envelope the library filled; its strings must still be valid
     * @return the notification
     */
    static Notification notificationOf(Lib.Envelope e) {
        return new Notification(
                e.bytesAt(Envelope.ID),
                e.bytesAt(Envelope.CREATE_TIME),
                e.bytesAt(Envelope.EVENT_TYPE),
                e.bytesAt(Envelope.RESOURCE_TYPE),
                e.bytesAt(Envelope.SUMMARY),
                e.bytesAt(Envelope.ORIGINAL_TYPE),
                e.bytesAt(Envelope.SERIAL),
                e.int64At(Envelope.TIMESTAMP),
                e.bytesAt(Envelope.PLAINTEXT),
                e.bytesAt(Envelope.KIND),
                e.bytesAt(Envelope.MCHID));
    }

    /**
     * {@code wpn_verifier_diagnose}, with the headers, body and time exactly as {@link
     * #parse(HeaderBytes, byte[])} passes them; the diagnosis is copied and freed before
     * returning.
     */
    private Diagnosis diagnose(HeaderBytes h, byte[] body) {
        Objects.requireNonNull(body, "body");
        long now = now();
        Reusable r = Reusable.get();
        Pointer v = handle.acquire();
        int result;
        try {
            result = Lib.wpn_verifier_diagnose(v, h.bytes, h.size, h.lens, h.count,
                    Marshal.input(body), body.length, now, r.handleOut, r.errorOut);
        } finally {
            handle.release();
        }
        if (result != Lib.WPN_OK) {
            throw Errors.exception(result, r.errorOut.getValue());
        }
        return Diagnosis.read(r.handleOut.getValue(), true);
    }

    /** {@code wpn_verifier_verify} or {@code wpn_verifier_verify_response}. */
    private void check(Kind kind, HeaderBytes h, byte[] body) {
        Objects.requireNonNull(body, "body");
        long now = now();
        PointerByReference errorOut = Reusable.get().errorOut;
        byte[] b = Marshal.input(body);
        Pointer v = handle.acquire();
        int result;
        try {
            result = kind == Kind.VERIFY
                    ? Lib.wpn_verifier_verify(v, h.bytes, h.size, h.lens, h.count, b, body.length, now, errorOut)
                    : Lib.wpn_verifier_verify_response(v, h.bytes, h.size, h.lens, h.count, b, body.length, now, errorOut);
        } finally {
            handle.release();
        }
        if (result != Lib.WPN_OK) {
            throw Errors.exception(result, errorOut.getValue());
        }
    }

    /** Where the fields of {@code wpn_envelope} are, as JNA laid the structure out (read once). */
    private static final class Envelope {
        static final int ID;
        static final int CREATE_TIME;
        static final int EVENT_TYPE;
        static final int RESOURCE_TYPE;
        static final int SUMMARY;
        static final int ORIGINAL_TYPE;
        static final int SERIAL;
        static final int PLAINTEXT;
        static final int KIND;
        static final int MCHID;
        static final int TIMESTAMP;

        static {
            Lib.Envelope layout = new Lib.Envelope();
            ID = layout.offsetOf("id");
            CREATE_TIME = layout.offsetOf("create_time");
            EVENT_TYPE = layout.offsetOf("event_type");
            RESOURCE_TYPE = layout.offsetOf("resource_type");
            SUMMARY = layout.offsetOf("summary");
            ORIGINAL_TYPE = layout.offsetOf("original_type");
            SERIAL = layout.offsetOf("serial");
            PLAINTEXT = layout.offsetOf("plaintext");
            KIND = layout.offsetOf("kind");
            MCHID = layout.offsetOf("mchid");
            TIMESTAMP = layout.offsetOf("timestamp");
        }
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
        private Clock clock;

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
         * The clock the callbacks' timestamps are checked against ({@code Wechatpay-Timestamp},
         * within {@link #maxClockSkew(Duration)}), read at each call: its instant's epoch second
         * is the time of the check. For replaying a captured request at the time it was
         * received, and for tests ({@code Clock.fixed(...)}). Without it (the default) the
         * native library reads the system clock itself.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
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
                return new Verifier(out.getValue(), mchids, clock);
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
