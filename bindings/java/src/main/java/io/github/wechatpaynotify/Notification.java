package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import io.github.wechatpaynotify.events.EventKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * An APIv3 callback whose signature was verified and whose resource was decrypted.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the envelope but never the
 * plaintext, so logging a notification is safe. Handle each {@link #id()} once: WeChat Pay
 * delivers the same notification again when a reply is late or not 2xx.
 *
 * <p>The resource is typed by the event catalog (docs/events.md): {@link #kind()} says which
 * kind of callback this is, and that kind's accessor ({@link #transaction()}, {@link
 * #refund()}, ..., inherited from {@link NotificationEvents}) gives the resource as an immutable
 * class of {@link io.github.wechatpaynotify.events}, checked and decoded by the native library;
 * no JSON library is needed. {@link #plaintext()} and {@link #resource(Class)} stay available
 * for everything else, {@link EventKind#UNKNOWN} callbacks included.
 */
public final class Notification extends NotificationEvents {
    private static final boolean JACKSON_PRESENT = jacksonPresent();
    /** The kinds, and their wire names as UTF-8, by ordinal. */
    private static final EventKind[] KINDS = EventKind.values();
    private static final byte[][] WIRE_NAMES = new byte[KINDS.length][];

    static {
        for (EventKind k : KINDS) {
            WIRE_NAMES[k.ordinal()] = k.wireName().getBytes(StandardCharsets.UTF_8);
        }
    }

    private final String id;
    private final String createTime;
    private final String eventType;
    private final String resourceType;
    private final String summary;
    private final String originalType;
    private final String serial;
    private final long timestamp;
    /** {@code event_type} as the library gave it, UTF-8, for {@link #event}. */
    private final byte[] eventTypeUtf8;
    /** The plaintext as the library gave it, UTF-8; never exposed (copied by {@link #plaintextBytes()}). */
    private final byte[] plaintextUtf8;
    /** The plaintext as a string, decoded on first use (a benign race: strings are immutable). */
    private String plaintext;
    private final EventKind kind;
    private final String mchid;

    /**
     * A notification from the fields of its {@code wpn_envelope}, each as UTF-8 bytes (null for
     * {@code {NULL, 0}}).
     */
    Notification(
            byte[] id,
            byte[] createTime,
            byte[] eventType,
            byte[] resourceType,
            byte[] summary,
            byte[] originalType,
            byte[] serial,
            long timestamp,
            byte[] plaintext,
            byte[] kind,
            byte[] mchid) {
        this.id = Marshal.string(id);
        this.createTime = Marshal.string(createTime);
        this.eventType = Marshal.string(eventType);
        this.resourceType = Marshal.string(resourceType);
        this.summary = Marshal.string(summary);
        this.originalType = Marshal.string(originalType);
        this.serial = Marshal.string(serial);
        this.timestamp = timestamp;
        this.eventTypeUtf8 = eventType == null ? new byte[0] : eventType;
        this.plaintextUtf8 = plaintext == null ? new byte[0] : plaintext;
        this.kind = kindOf(kind);
        this.mchid = Marshal.string(mchid);
    }

    /**
     * The kind named by {@code wpn_envelope.kind}. A kind the loaded library knows and this
     * binding does not (a newer library) has no accessor here: it is UNKNOWN to this binding.
     *
     * @param wireName the name's UTF-8 bytes, or null
     * @return the kind
     */
    static EventKind kindOf(byte[] wireName) {
        if (wireName != null) {
            for (int i = 0; i < KINDS.length; i++) {
                if (Arrays.equals(WIRE_NAMES[i], wireName)) {
                    return KINDS[i];
                }
            }
        }
        return EventKind.UNKNOWN;
    }

    /**
     * The notification id ({@code id}): unique per event, the key for idempotent handling.
     *
     * @return the notification id
     */
    public String id() {
        return id;
    }

    /**
     * {@code create_time}, as sent (RFC 3339 with {@code +08:00}).
     *
     * @return the creation time text
     */
    public String createTime() {
        return createTime;
    }

    /**
     * {@code event_type}, e.g. {@code TRANSACTION.SUCCESS} or {@code REFUND.SUCCESS}.
     *
     * @return the event type
     */
    public String eventType() {
        return eventType;
    }

    /**
     * {@code resource_type}, normally {@code encrypt-resource}.
     *
     * @return the resource type
     */
    public String resourceType() {
        return resourceType;
    }

    /**
     * {@code summary}, e.g. {@code 支付成功}.
     *
     * @return the summary
     */
    public String summary() {
        return summary;
    }

    /**
     * {@code resource.original_type}, e.g. {@code transaction} or {@code refund}.
     *
     * @return the original type of the encrypted resource
     */
    public String originalType() {
        return originalType;
    }

    /**
     * The {@code Wechatpay-Serial} of the key that verified this notification: a public-key
     * id ({@code PUB_KEY_ID_...}) or a platform certificate serial.
     *
     * @return the serial or key id
     */
    public String serial() {
        return serial;
    }

    /**
     * The merchant this notification was for, with a verifier of several merchants ({@link
     * Verifier.Builder#merchant(Merchant)}, docs/merchants.md): the mchid of the merchant whose
     * key verified it and whose APIv3 key decrypted it.
     *
     * @return the merchant id, or empty for a verifier of a single merchant
     */
    public Optional<String> mchid() {
        return Optional.ofNullable(mchid);
    }

    /**
     * The verified {@code Wechatpay-Timestamp}.
     *
     * @return Unix seconds
     */
    public long timestamp() {
        return timestamp;
    }

    /**
     * The catalog kind of this notification (docs/events.md, "Dispatch"), as the native library
     * decided it from {@code event_type}, {@code resource.original_type} and the plaintext's
     * top-level keys: switch on it, then call that kind's accessor ({@link #transaction()},
     * {@link #refund()}, ...). {@link EventKind#UNKNOWN} for a callback the catalog does not
     * describe, which is not an error: acknowledge it, and read {@link #plaintext()} if needed.
     *
     * @return the kind
     */
    @Override
    public EventKind kind() {
        return kind;
    }

    /**
     * The typed accessors' one implementation: {@code wpn_event_decode} checks that this
     * notification's kind (decided at parse) is {@code wanted} and that its resource decodes as
     * that kind's model (the native library decides, as for every language), and gives the model's fields as a value
     * tree, which {@code fromTreeBytes} reads into the model in one pass. The tree's copy is
     * wiped once read (the library wipes its buffer when it is freed).
     */
    @Override
    <T> T event(EventKind wanted, Function<byte[], T> fromTreeBytes) {
        byte[] name = WIRE_NAMES[wanted.ordinal()];
        // The kind decided at parse (the library's name for it), not decided again.
        byte[] kindUtf8 = WIRE_NAMES[kind.ordinal()];
        Reusable r = Reusable.get();
        int result = Lib.wpn_event_decode(
                name, name.length,
                kindUtf8, kindUtf8.length,
                Marshal.input(eventTypeUtf8), eventTypeUtf8.length,
                Marshal.input(plaintextUtf8), plaintextUtf8.length,
                Lib.WPN_FIELDS_TREE, r.handleOut, r.errorOut);
        if (result != Lib.WPN_OK) {
            throw Errors.exception(result, r.errorOut.getValue());
        }
        byte[] tree = takeBuffer(r);
        try {
            return fromTreeBytes.apply(tree);
        } catch (IllegalArgumentException e) {
            // The library checked the resource against the same catalog: a mismatch means the
            // library and this binding were generated from different catalogs (or a bug).
            throw new IllegalStateException("the " + wanted.wireName() + " fields given by the wechatpay-notify "
                    + "native library do not fit this binding's model (" + e.getMessage()
                    + "): are the library and the binding of the same version? If they are, please report it", e);
        } finally {
            Arrays.fill(tree, (byte) 0);
        }
    }

    /** Copies the bytes of the {@code wpn_buffer} a call wrote to {@code r.handleOut}, and frees it. */
    private static byte[] takeBuffer(Reusable r) {
        Pointer buffer = r.handleOut.getValue();
        if (buffer == null) {
            throw new IllegalStateException("wpn_event_decode succeeded without a buffer");
        }
        try {
            if (!Marshal.isTrue(Lib.wpn_buffer_data(buffer, r.slice.getPointer()))) {
                throw new IllegalStateException("wpn_event_decode gave an unreadable buffer");
            }
            byte[] bytes = r.slice.asBytes();
            return bytes == null ? new byte[0] : bytes;
        } finally {
            Lib.wpn_buffer_free(buffer);
        }
    }

    /**
     * The decrypted resource: a UTF-8 JSON document such as a payment or refund result.
     * Never log it: it holds the payer's data.
     *
     * @return the decrypted JSON text
     */
    public String plaintext() {
        String text = plaintext;
        if (text == null) {
            text = new String(plaintextUtf8, StandardCharsets.UTF_8);
            plaintext = text;
        }
        return text;
    }

    /**
     * The decrypted resource as UTF-8 bytes, for JSON libraries that read bytes.
     *
     * @return a new array holding the UTF-8 plaintext
     */
    public byte[] plaintextBytes() {
        return plaintextUtf8.clone();
    }

    /**
     * The decrypted resource JSON, for decoding with any JSON library (Gson, JSON-B, org.json)
     * when Jackson is not used. The same text as {@link #plaintext()}.
     *
     * @return the decrypted JSON text
     */
    public String resourceJson() {
        return plaintext();
    }

    /**
     * Decodes the decrypted resource into {@code type} with Jackson, which must be on the
     * class path ({@code com.fasterxml.jackson.core:jackson-databind}; it is an optional
     * dependency of this library). Snake-case JSON names map to camel-case Java names,
     * unknown JSON fields are ignored, and {@code @JsonProperty} annotations are honoured.
     * For a kind of the event catalog, the typed accessor ({@link #transaction()}, ...) needs
     * no Jackson and applies the same checks as every language; this method is for the rest.
     *
     * @param type the class to decode into, e.g. a payment result class
     * @param <T> the decoded type
     * @return the decoded resource
     * @throws NotificationException {@link ErrorCode#MALFORMED_RESOURCE} when the JSON does
     *     not fit {@code type}; the message gives the position, never the data
     * @throws IllegalStateException when Jackson is not on the class path
     */
    public <T> T resource(Class<T> type) {
        if (!JACKSON_PRESENT) {
            throw new IllegalStateException(
                    "Notification.resource(Class) needs Jackson (com.fasterxml.jackson.core:jackson-databind) on "
                            + "the class path; add it, or decode Notification.resourceJson() with your JSON library");
        }
        return JacksonSupport.decode(plaintext(), type);
    }

    private static boolean jacksonPresent() {
        try {
            Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, Notification.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The envelope, without the plaintext: safe to log.
     *
     * @return a description of this notification
     */
    @Override
    public String toString() {
        return "Notification{id=" + id
                + (mchid == null ? "" : ", mchid=" + mchid)
                + ", createTime=" + createTime
                + ", eventType=" + eventType
                + ", resourceType=" + resourceType
                + ", summary=" + summary
                + ", originalType=" + originalType
                + ", kind=" + kind.wireName()
                + ", serial=" + serial
                + ", timestamp=" + timestamp
                + ", plaintext=<" + plaintext().length() + " chars redacted>}";
    }
}
