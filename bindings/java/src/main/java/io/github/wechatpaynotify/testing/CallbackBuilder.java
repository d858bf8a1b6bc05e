package io.github.wechatpaynotify.testing;

import io.github.wechatpaynotify.ConfigException;
import io.github.wechatpaynotify.KitNative;
import java.time.Instant;
import java.util.Map;

/**
 * A test callback being built: {@link Kit#notification} or {@link Kit#custom} starts one, the
 * setters change it and {@link #build()} signs and encrypts it as WeChat Pay does.
 *
 * <pre>{@code
 * TestCallback paid = kit.notification(EventKind.TRANSACTION)
 *     .merge(Map.of("out_trade_no", "ORDER-1", "amount", Map.of("total", 500)))
 *     .build();
 * }</pre>
 *
 * <p>The resource starts as the kind's realistic sample (docs/testing.md);
 * {@link #resource} replaces it, then {@link #merge} merges into it. JSON is given as text or
 * as Java values ({@code Map}s, {@code List}s, {@code String}s, numbers, {@code Boolean}s,
 * null), so no JSON library is needed. Each setter replaces what an earlier call of it set;
 * null restores the default. Not thread-safe; reusable: each {@link #build()} makes a new
 * callback (with a fresh nonce, and a fresh id unless {@link #id} is set).
 */
public final class CallbackBuilder {
    private final KitNative kit;
    private final String kind;
    private final String originalType;
    private String eventType;
    private String resourceJson;
    private String mergeJson;
    private String id;
    private long timestamp = KitNative.SYSTEM_CLOCK;
    private Failure failure;

    CallbackBuilder(KitNative kit, String kind, String eventType, String originalType) {
        this.kit = kit;
        this.kind = kind;
        this.eventType = eventType;
        this.originalType = originalType;
    }

    /**
     * The envelope's {@code event_type} (default: the kind's first documented one, e.g.
     * {@code TRANSACTION.SUCCESS}; {@code REFUND.SUCCESS} for the refund kinds).
     *
     * @param eventType e.g. {@code REFUND.ABNORMAL}, or null for the kind's default
     * @return this builder
     * @throws NullPointerException when {@code eventType} is null for a custom callback, which
     *     has no default
     */
    public CallbackBuilder eventType(String eventType) {
        if (eventType == null && kind == null) {
            throw new NullPointerException("a custom callback needs an event type");
        }
        this.eventType = eventType;
        return this;
    }

    /**
     * Replaces the whole resource (before any {@link #merge}).
     *
     * @param json the resource as JSON text, or null for the kind's sample
     * @return this builder
     */
    public CallbackBuilder resource(String json) {
        this.resourceJson = json;
        return this;
    }

    /**
     * Replaces the whole resource (before any {@link #merge}) with Java values written as JSON.
     *
     * @param resource the resource's fields, e.g. {@code Map.of("coupon_id", "98674556")}, or
     *     null for the kind's sample
     * @return this builder
     * @throws IllegalArgumentException when a value cannot be written as JSON
     */
    public CallbackBuilder resource(Map<String, ?> resource) {
        this.resourceJson = resource == null ? null : Json.write(resource);
        return this;
    }

    /**
     * Merges a JSON object into the resource: objects key by key (so {@code
     * {"amount":{"total":500}}} changes the total and keeps the currency), anything else
     * replacing what is there. One object per callback: a later call replaces this one.
     *
     * @param json a JSON object as text, or null to merge nothing
     * @return this builder
     */
    public CallbackBuilder merge(String json) {
        this.mergeJson = json;
        return this;
    }

    /**
     * As {@link #merge(String)}, with Java values written as JSON.
     *
     * @param fields e.g. {@code Map.of("amount", Map.of("total", 500))}, or null to merge
     *     nothing
     * @return this builder
     * @throws IllegalArgumentException when a value cannot be written as JSON
     */
    public CallbackBuilder merge(Map<String, ?> fields) {
        this.mergeJson = fields == null ? null : Json.write(fields);
        return this;
    }

    /**
     * The notification {@code id}.
     *
     * @param id the id, or null for a fresh {@code EV-} and 20 digits
     * @return this builder
     */
    public CallbackBuilder id(String id) {
        this.id = id;
        return this;
    }

    /**
     * The {@code Wechatpay-Timestamp} (default: now). A verifier reading the system clock
     * refuses a callback signed more than its maximum clock skew away with {@code
     * TIMESTAMP_SKEW}: check such a callback with a verifier whose clock is at the same time
     * ({@link io.github.wechatpaynotify.Verifier.Builder#clock(java.time.Clock)}).
     *
     * @param unixSeconds the time, Unix seconds ({@code Long.MIN_VALUE} for now)
     * @return this builder
     */
    public CallbackBuilder timestamp(long unixSeconds) {
        this.timestamp = unixSeconds;
        return this;
    }

    /**
     * As {@link #timestamp(long)}, from an {@code Instant} (in whole seconds).
     *
     * @param instant the time, or null for now
     * @return this builder
     */
    public CallbackBuilder at(Instant instant) {
        this.timestamp = instant == null ? KitNative.SYSTEM_CLOCK : instant.getEpochSecond();
        return this;
    }

    /**
     * Builds a failure into the callback, for testing that the handler refuses it.
     *
     * @param failure the failure, or null for none
     * @return this builder
     */
    public CallbackBuilder failure(Failure failure) {
        this.failure = failure;
        return this;
    }

    /**
     * Encrypts the resource with the kit's APIv3 key, signs the body with the kit's key and
     * gives the callback.
     *
     * @return the callback
     * @throws ConfigException when the resource or the merged object is not valid JSON, or
     *     the kit does not know the kind
     * @throws IllegalStateException when the kit is closed
     */
    public TestCallback build() {
        KitNative.Callback c = kit.notification(
                kind, eventType, originalType, resourceJson, mergeJson, id, timestamp,
                failure == null ? null : failure.wireName());
        return new TestCallback(c.headers(), c.body(), c.id());
    }

    /**
     * What is being built; never a key.
     *
     * @return a description of this builder
     */
    @Override
    public String toString() {
        return "CallbackBuilder{" + (kind != null ? "kind=" + kind : "custom " + eventType)
                + (failure == null ? "" : ", failure=" + failure.wireName()) + "}";
    }
}
