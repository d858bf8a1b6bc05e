package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The floor under the binding's typed parse, for {@code ParseBenchmark}: the natives that
 * {@code verifier.parse(headers, body).transaction()} makes, called through the same JNA
 * declarations ({@link Lib}) with nothing around them: {@code wpn_verifier_parse} with the
 * envelope, a copy of every envelope string's bytes, {@code wpn_event_decode} to the value tree,
 * {@code wpn_buffer_data} and a copy of the tree, {@code wpn_buffer_free} and {@code
 * wpn_notification_free}. The headers are encoded once, up front; the JNA objects are made once;
 * no string is decoded and no model is built. In this package for {@link Lib}'s package-private
 * declarations; a benchmark only.
 */
public final class NativeFloor implements AutoCloseable {
    private static final byte[] TRANSACTION = "transaction".getBytes(StandardCharsets.UTF_8);

    private final Pointer verifier;
    private final byte[] headers;
    private final long[] headerLens;
    private final int headerCount;
    private final byte[] body;
    private final PointerByReference handleOut = new PointerByReference();
    private final PointerByReference errorOut = new PointerByReference();
    private final Lib.Envelope envelope = new Lib.Envelope();
    private final Lib.Slice slice = new Lib.Slice();
    private final Pointer envelopeMemory = envelope.getPointer();
    private final Pointer sliceMemory = slice.getPointer();
    private final int[] strings;
    private final int eventType;
    private final int kind;
    private final int plaintext;
    private final int timestamp;
    private byte[] tree;

    /**
     * A native verifier configured as the binding's (an APIv3 key and one public key), and the
     * request encoded as the C ABI takes it.
     *
     * @param apiV3Key the APIv3 key
     * @param keyId the public key's id
     * @param publicKeyPem the public key
     * @param requestHeaders the request's headers
     * @param requestBody the request's body
     */
    public NativeFloor(String apiV3Key, String keyId, String publicKeyPem, Map<String, String> requestHeaders,
            byte[] requestBody) {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Errors.check(Lib.wpn_verifier_builder_new(out, err), err);
        Pointer b = out.getValue();
        try {
            byte[] key = apiV3Key.getBytes(StandardCharsets.UTF_8);
            byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
            byte[] pem = publicKeyPem.getBytes(StandardCharsets.UTF_8);
            Errors.check(Lib.wpn_verifier_builder_apiv3_key(b, key, key.length, err), err);
            Errors.check(Lib.wpn_verifier_builder_public_key(b, id, id.length, pem, pem.length, err), err);
            Errors.check(Lib.wpn_verifier_builder_build(b, out, err), err);
            verifier = out.getValue();
        } finally {
            Lib.wpn_verifier_builder_free(b);
        }
        HeaderBytes h = HeaderBytes.of(requestHeaders);
        headers = h.bytes;
        headerLens = h.lens;
        headerCount = h.count;
        body = requestBody.clone();
        strings = new int[] {
            envelope.offsetOf("id"), envelope.offsetOf("create_time"), envelope.offsetOf("resource_type"),
            envelope.offsetOf("summary"), envelope.offsetOf("serial"), envelope.offsetOf("original_type"),
            envelope.offsetOf("mchid"),
        };
        eventType = envelope.offsetOf("event_type");
        kind = envelope.offsetOf("kind");
        plaintext = envelope.offsetOf("plaintext");
        timestamp = envelope.offsetOf("timestamp");
    }

    /**
     * One callback: the natives of a typed parse and the copies of their bytes.
     *
     * @return a number that depends on the bytes copied (so that nothing is optimised away)
     */
    public int parse() {
        int r = Lib.wpn_verifier_parse(verifier, headers, headers.length, headerLens, headerCount, body, body.length,
                Lib.WPN_SYSTEM_CLOCK, handleOut, envelopeMemory, errorOut);
        if (r != Lib.WPN_OK) {
            throw Errors.exception(r, errorOut.getValue());
        }
        Pointer n = handleOut.getValue();
        int sum = (int) envelope.int64At(timestamp);
        for (int at : strings) {
            byte[] b = envelope.bytesAt(at);
            sum += b == null ? 0 : b.length;
        }
        byte[] event = envelope.bytesAt(eventType);
        byte[] kindName = envelope.bytesAt(kind);
        byte[] resource = envelope.bytesAt(plaintext);
        Lib.wpn_notification_free(n);
        r = Lib.wpn_event_decode(TRANSACTION, TRANSACTION.length, kindName, kindName.length, event, event.length,
                resource, resource.length, Lib.WPN_FIELDS_TREE, handleOut, errorOut);
        if (r != Lib.WPN_OK) {
            throw Errors.exception(r, errorOut.getValue());
        }
        Pointer buffer = handleOut.getValue();
        Lib.wpn_buffer_data(buffer, sliceMemory);
        tree = slice.asBytes();
        Lib.wpn_buffer_free(buffer);
        return sum + event.length + resource.length + tree.length;
    }

    /**
     * The value tree of the last {@link #parse()}.
     *
     * @return its bytes
     */
    public byte[] lastTree() {
        return tree.clone();
    }

    /** Frees the native verifier. */
    @Override
    public void close() {
        Lib.wpn_verifier_free(verifier);
    }
}
