package io.github.wechatpaynotify;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Internal: the C calls of the testing kit ({@code wpn_kit_*}, {@code wpn_callback_*}) behind
 * {@link io.github.wechatpaynotify.testing.Kit}, which is the API to use. This class is public
 * only because the C bindings it calls are private to this package; it may change in any
 * release.
 *
 * <p>Marshalling only: every decision (the sample resources, signing, encryption, the built-in
 * failures) is the native library's. Immutable and thread-safe, like the native kit; {@link
 * #close()} frees it (wiping its keys) once no call uses it, and a kit never closed is freed
 * by a cleaner thread after it becomes unreachable.
 */
public final class KitNative implements AutoCloseable {
    /**
     * The {@code timestamp} of {@link #notification} that means "now" ({@code WPN_SYSTEM_CLOCK},
     * {@code Long.MIN_VALUE}).
     */
    public static final long SYSTEM_CLOCK = Lib.WPN_SYSTEM_CLOCK;

    private final NativeHandle handle;
    private final Cleaners.Cleanable cleanable;
    private final String keyId;
    private final String publicKeyPem;
    private final String certificatePem;
    private final String apiV3Key;
    private final String v2Key;

    private KitNative(Pointer pointer) {
        this.handle = new NativeHandle(pointer, Lib::wpn_kit_free, "Kit");
        this.cleanable = Cleaners.CLEANER.register(this, handle);
        Lib.KitInfo info = new Lib.KitInfo();
        if (!Marshal.isTrue(Lib.wpn_kit_describe(pointer, info.getPointer()))) {
            cleanable.clean();
            throw new IllegalStateException("wpn_kit_describe failed on a new kit");
        }
        this.keyId = info.string("key_id");
        this.publicKeyPem = info.string("public_key_pem");
        this.certificatePem = info.string("certificate_pem");
        this.apiV3Key = info.string("apiv3_key");
        this.v2Key = info.string("v2_key");
    }

    /**
     * {@code wpn_kit_new}: a kit with a fresh RSA-2048 test key.
     *
     * @param certificate true for a self-signed platform certificate, false for a {@code
     *     PUB_KEY_ID_} public key
     * @return the kit; close it when done
     */
    public static KitNative create(boolean certificate) {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Errors.check(Lib.wpn_kit_new(Marshal.cBool(certificate), out, err), err);
        return new KitNative(out.getValue());
    }

    /**
     * {@code wpn_kit_info.key_id}.
     *
     * @return the {@code Wechatpay-Serial} the kit signs under
     */
    public String keyId() {
        return keyId;
    }

    /**
     * {@code wpn_kit_info.public_key_pem}.
     *
     * @return the test public key, SubjectPublicKeyInfo PEM
     */
    public String publicKeyPem() {
        return publicKeyPem;
    }

    /**
     * {@code wpn_kit_info.certificate_pem}.
     *
     * @return the test platform certificate (PEM), or null for a public-key kit
     */
    public String certificatePem() {
        return certificatePem;
    }

    /**
     * {@code wpn_kit_info.apiv3_key}.
     *
     * @return the test APIv3 key
     */
    public String apiV3Key() {
        return apiV3Key;
    }

    /**
     * {@code wpn_kit_info.v2_key}.
     *
     * @return the test APIv2 key
     */
    public String v2Key() {
        return v2Key;
    }

    /**
     * {@code wpn_kit_verifier}.
     *
     * @return a new verifier that accepts the kit's callbacks; the caller closes it
     * @throws IllegalStateException when this kit is closed
     */
    public Verifier verifier() {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Pointer kit = handle.acquire();
        try {
            Errors.check(Lib.wpn_kit_verifier(kit, out, err), err);
        } finally {
            handle.release();
        }
        return new Verifier(out.getValue());
    }

    /**
     * {@code wpn_kit_set_mchid}: the kit's catalog callbacks name {@code mchid} from now on.
     *
     * @param mchid the merchant id
     * @throws IllegalStateException when this kit is closed
     */
    public void setMchid(String mchid) {
        byte[] m = mchid.getBytes(StandardCharsets.UTF_8);
        PointerByReference err = new PointerByReference();
        Pointer kit = handle.acquire();
        try {
            Errors.check(Lib.wpn_kit_set_mchid(kit, m, m.length, err), err);
        } finally {
            handle.release();
        }
    }

    /**
     * {@code wpn_kit_notification}: the fields of {@code wpn_kit_request}, null for {@code
     * {NULL, 0}} (the default).
     *
     * @param kind a catalog kind's wire name, or null for a custom callback
     * @param eventType the envelope's {@code event_type}
     * @param originalType {@code resource.original_type} of a custom callback
     * @param resourceJson JSON that replaces the whole resource
     * @param mergeJson a JSON object merged into the resource
     * @param id the notification id
     * @param timestamp Unix seconds, or {@link #SYSTEM_CLOCK} for the system clock
     * @param failure a failure's wire name
     * @return the callback's headers, body and id
     * @throws ConfigException for an unknown kind or failure, or JSON that does not parse
     * @throws IllegalStateException when this kit is closed
     */
    public Callback notification(
            String kind, String eventType, String originalType, String resourceJson, String mergeJson, String id,
            long timestamp, String failure) {
        String[] fields = {"kind", "event_type", "original_type", "resource_json", "merge_json", "id", "failure"};
        String[] values = {kind, eventType, originalType, resourceJson, mergeJson, id, failure};
        byte[][] bytes = new byte[values.length][];
        long size = 1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                bytes[i] = values[i].getBytes(StandardCharsets.UTF_8);
                size += bytes[i].length;
            }
        }
        Lib.KitRequest request = new Lib.KitRequest();
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        try (Memory text = new Memory(size)) {
            long at = 0;
            for (int i = 0; i < fields.length; i++) {
                if (bytes[i] == null) {
                    request.putString(fields[i], null, 0);
                } else {
                    text.write(at, bytes[i], 0, bytes[i].length);
                    request.putString(fields[i], text.share(at), bytes[i].length);
                    at += bytes[i].length;
                }
            }
            request.putInt64("timestamp", timestamp);
            Pointer kit = handle.acquire();
            try {
                Errors.check(Lib.wpn_kit_notification(kit, request.getPointer(), out, err), err);
            } finally {
                handle.release();
            }
        }
        return readCallback(out.getValue());
    }

    /** Copies a callback's headers, body and id ({@code wpn_callback_contents}) and frees it. */
    private static Callback readCallback(Pointer callback) {
        try {
            Lib.CallbackParts parts = new Lib.CallbackParts();
            if (!Marshal.isTrue(Lib.wpn_callback_contents(callback, parts.getPointer()))) {
                throw new IllegalStateException("wpn_kit_notification succeeded without a callback");
            }
            long count = parts.int64("headers_len");
            Pointer array = parts.pointer("headers");
            Map<String, String> headers = new LinkedHashMap<>();
            if (count > 0) {
                // The wpn_field array: each element where JNA's layout puts it.
                long size = new Lib.Field(array).size();
                for (long i = 0; i < count; i++) {
                    Lib.Field field = new Lib.Field(array.share(i * size));
                    headers.put(field.string("name"), field.string("value"));
                }
            }
            byte[] body = parts.bytes("body");
            return new Callback(
                    Collections.unmodifiableMap(headers), body == null ? new byte[0] : body, parts.string("id"));
        } finally {
            Lib.wpn_callback_free(callback);
        }
    }

    /**
     * {@code wpn_kit_v2_callback}.
     *
     * @param refund true for a refund result, false for a payment result
     * @param hmacSha256 sign a payment result with HMAC-SHA256 instead of MD5
     * @param fieldsJson a JSON object of strings set into the payment's fields (or the
     *     refund's {@code req_info}), or null
     * @return the XML body
     * @throws ConfigException when {@code fieldsJson} is not a JSON object
     * @throws IllegalStateException when this kit is closed
     */
    public byte[] v2Callback(boolean refund, boolean hmacSha256, String fieldsJson) {
        byte[] json = fieldsJson == null ? null : fieldsJson.getBytes(StandardCharsets.UTF_8);
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        try (Memory text = new Memory(json == null ? 1 : Math.max(json.length, 1))) {
            Lib.Str.ByValue fields = new Lib.Str.ByValue();
            if (json == null) {
                fields.point(null, 0);
            } else {
                text.write(0, json, 0, json.length);
                fields.point(text, json.length);
            }
            Pointer kit = handle.acquire();
            try {
                Errors.check(
                        Lib.wpn_kit_v2_callback(kit, Marshal.cBool(refund), Marshal.cBool(hmacSha256), fields, out, err), err);
            } finally {
                handle.release();
            }
        }
        Pointer buffer = out.getValue();
        try {
            Lib.Slice data = new Lib.Slice();
            if (!Marshal.isTrue(Lib.wpn_buffer_data(buffer, data.getPointer()))) {
                throw new IllegalStateException("wpn_kit_v2_callback succeeded without a buffer");
            }
            byte[] xml = data.asBytes();
            return xml == null ? new byte[0] : xml;
        } finally {
            Lib.wpn_buffer_free(buffer);
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees the native kit, wiping its keys. Idempotent; calls in progress finish first. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** The contents of one test callback ({@code wpn_callback_parts}), copied. */
    public static final class Callback {
        private final Map<String, String> headers;
        private final byte[] body;
        private final String id;

        private Callback(Map<String, String> headers, byte[] body, String id) {
            this.headers = headers;
            this.body = body;
            this.id = id;
        }

        /**
         * The headers, in the library's order (the names are distinct).
         *
         * @return an unmodifiable map
         */
        public Map<String, String> headers() {
            return headers;
        }

        /**
         * The raw body.
         *
         * @return a copy of the body
         */
        public byte[] body() {
            return body.clone();
        }

        /**
         * The notification id in the body.
         *
         * @return the id
         */
        public String id() {
            return id;
        }
    }
}
