package io.github.wechatpaynotify;

import java.nio.charset.StandardCharsets;

/**
 * An APIv3 callback whose signature was verified and whose resource was decrypted.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the envelope but never the
 * plaintext, so logging a notification is safe. Handle each {@link #id()} once: WeChat Pay
 * delivers the same notification again when a reply is late or not 2xx.
 */
public final class Notification {
    private static final boolean JACKSON_PRESENT = jacksonPresent();

    private final String id;
    private final String createTime;
    private final String eventType;
    private final String resourceType;
    private final String summary;
    private final String originalType;
    private final String serial;
    private final long timestamp;
    private final String plaintext;

    Notification(
            String id,
            String createTime,
            String eventType,
            String resourceType,
            String summary,
            String originalType,
            String serial,
            long timestamp,
            String plaintext) {
        this.id = id;
        this.createTime = createTime;
        this.eventType = eventType;
        this.resourceType = resourceType;
        this.summary = summary;
        this.originalType = originalType;
        this.serial = serial;
        this.timestamp = timestamp;
        this.plaintext = plaintext;
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
     * The verified {@code Wechatpay-Timestamp}.
     *
     * @return Unix seconds
     */
    public long timestamp() {
        return timestamp;
    }

    /**
     * The decrypted resource: a UTF-8 JSON document such as a payment or refund result.
     * Never log it: it holds the payer's data.
     *
     * @return the decrypted JSON text
     */
    public String plaintext() {
        return plaintext;
    }

    /**
     * The decrypted resource as UTF-8 bytes, for JSON libraries that read bytes.
     *
     * @return a new array holding the UTF-8 plaintext
     */
    public byte[] plaintextBytes() {
        return plaintext.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The decrypted resource JSON, for decoding with any JSON library (Gson, JSON-B, org.json)
     * when Jackson is not used. The same text as {@link #plaintext()}.
     *
     * @return the decrypted JSON text
     */
    public String resourceJson() {
        return plaintext;
    }

    /**
     * Decodes the decrypted resource into {@code type} with Jackson, which must be on the
     * class path ({@code com.fasterxml.jackson.core:jackson-databind}; it is an optional
     * dependency of this library). Snake-case JSON names map to camel-case Java names,
     * unknown JSON fields are ignored, and {@code @JsonProperty} annotations are honoured.
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
        return JacksonSupport.decode(plaintext, type);
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
                + ", createTime=" + createTime
                + ", eventType=" + eventType
                + ", resourceType=" + resourceType
                + ", summary=" + summary
                + ", originalType=" + originalType
                + ", serial=" + serial
                + ", timestamp=" + timestamp
                + ", plaintext=<" + plaintext.length() + " chars redacted>}";
    }
}
