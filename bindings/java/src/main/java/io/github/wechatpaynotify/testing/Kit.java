package io.github.wechatpaynotify.testing;

import io.github.wechatpaynotify.KitNative;
import io.github.wechatpaynotify.Merchant;
import io.github.wechatpaynotify.V2Verifier;
import io.github.wechatpaynotify.Verifier;
import io.github.wechatpaynotify.events.EventKind;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A throwaway WeChat Pay for tests: an RSA-2048 platform key pair, an APIv3 key and an APIv2
 * key, all <strong>TEST keys</strong> generated for this kit in memory (never WeChat Pay's,
 * never a merchant's), and callbacks signed and encrypted with them exactly as WeChat Pay signs
 * and encrypts its own.
 *
 * <p>Configure the handler under test with the kit's keys ({@link #apiV3Key()}, {@link
 * #keyId()} and {@link #publicKeyPem()}, or {@link #verifier()}), then send it the kit's
 * callbacks with any HTTP test client:
 *
 * <pre>{@code
 * try (Kit kit = Kit.create();
 *      Verifier verifier = kit.verifier()) {                 // accepts the kit's callbacks
 *     TestCallback paid = kit.notification(EventKind.TRANSACTION)
 *         .merge(Map.of("amount", Map.of("total", 500)))
 *         .build();
 *     Notification n = verifier.parse(paid.headers(), paid.body());
 *     assert n.transaction().getAmount().getTotal() == 500;
 *
 *     TestCallback probe = kit.notification(EventKind.TRANSACTION).failure(Failure.PROBE).build();
 *     // verifier.parse(probe.headers(), probe.body()) throws SIGNATURE_PROBE
 * }
 * }</pre>
 *
 * <p>The kit is the testing kit of the native library (docs/testing.md): the one
 * implementation of WeChat Pay's side in every language of wechatpay-notify. Immutable and
 * thread-safe: share one kit between tests and threads (making one generates an RSA key). It
 * holds native memory: {@link #close()} frees it (idempotent; calls in progress finish first;
 * later callbacks and {@link #verifier()} throw {@link IllegalStateException}, while the keys
 * stay readable), and a kit never closed is freed by a cleaner thread after it becomes
 * unreachable. The verifiers it makes are the caller's, and stay usable after the kit is
 * closed.
 */
public final class Kit implements AutoCloseable {
    private final KitNative kit;

    private Kit(KitNative kit) {
        this.kit = kit;
    }

    /**
     * A kit whose platform key is a WeChat Pay public key (微信支付公钥) under a fresh {@code
     * PUB_KEY_ID_} id.
     *
     * @return a new kit; close it when done
     */
    public static Kit create() {
        return new Kit(KitNative.create(false));
    }

    /**
     * A kit whose platform key comes with a self-signed platform certificate (平台证书), valid
     * from a day ago for five years; it signs under the certificate's serial.
     *
     * @return a new kit; close it when done
     */
    public static Kit withCertificate() {
        return new Kit(KitNative.create(true));
    }

    /**
     * The {@code Wechatpay-Serial} the kit signs under.
     *
     * @return a {@code PUB_KEY_ID_} id, or the certificate's serial
     */
    public String keyId() {
        return kit.keyId();
    }

    /**
     * The TEST platform public key, what {@link Verifier.Builder#publicKey(String, String)}
     * takes with {@link #keyId()}.
     *
     * @return SubjectPublicKeyInfo PEM ({@code BEGIN PUBLIC KEY})
     */
    public String publicKeyPem() {
        return kit.publicKeyPem();
    }

    /**
     * The TEST platform certificate of a kit made by {@link #withCertificate()}, what {@link
     * Verifier.Builder#platformCertificate(String)} takes.
     *
     * @return the certificate PEM, or empty for a public-key kit
     */
    public Optional<String> certificatePem() {
        return Optional.ofNullable(kit.certificatePem());
    }

    /**
     * The TEST APIv3 key (APIv3密钥).
     *
     * @return 32 characters
     */
    public String apiV3Key() {
        return kit.apiV3Key();
    }

    /**
     * The TEST APIv2 key (API密钥), what {@link V2Verifier} takes.
     *
     * @return 32 characters
     */
    public String v2Key() {
        return kit.v2Key();
    }

    /**
     * A new verifier that accepts the kit's callbacks, as a handler configured with the kit's
     * keys would (default clock skew and body size). The caller closes it.
     *
     * @return the verifier
     * @throws IllegalStateException when this kit is closed
     */
    public Verifier verifier() {
        return kit.verifier();
    }

    /**
     * A verifier builder configured as {@link #verifier()} (the APIv3 key, and the public key
     * under its id or the certificate), to add settings such as {@link
     * Verifier.Builder#maxClockSkew} before building.
     *
     * @return a new builder
     */
    public Verifier.Builder verifierBuilder() {
        Verifier.Builder builder = Verifier.builder().apiV3Key(apiV3Key());
        Optional<String> certificate = certificatePem();
        return certificate.isPresent()
                ? builder.platformCertificate(certificate.get())
                : builder.publicKey(keyId(), publicKeyPem());
    }

    /**
     * The merchant {@code mchid} of a verifier for several merchants (docs/merchants.md),
     * configured with the kit's APIv3 key and its public key under its id (or its
     * certificate): a verifier built with it accepts the kit's callbacks and names {@code mchid}
     * as their merchant ({@link io.github.wechatpaynotify.Notification#mchid()}). From then on
     * the kit's catalog callbacks name {@code mchid} in their resource ({@code mchid},
     * {@code sp_mchid} or {@code combine_mchid}), as the verifier checks; the mchid given last
     * counts. Use one kit per merchant to test several:
     *
     * <pre>{@code
     * try (Kit a = Kit.create(); Kit b = Kit.withCertificate();
     *      Verifier verifier = Verifier.builder()
     *          .merchant(a.merchant("1900000001"))
     *          .merchant(b.merchant("1900000002"))
     *          .build()) {
     *     TestCallback paid = b.notification(EventKind.TRANSACTION).build();
     *     assert verifier.parse(paid.headers(), paid.body()).mchid().get().equals("1900000002");
     * }
     * }</pre>
     *
     * @param mchid the merchant id
     * @return the merchant, for {@link Verifier.Builder#merchant(Merchant)}
     */
    public Merchant merchant(String mchid) {
        Merchant.Builder merchant = Merchant.builder(Objects.requireNonNull(mchid, "mchid"), apiV3Key());
        // From now on the kit's catalog callbacks name mchid, as the verifier checks.
        kit.setMchid(mchid);
        Optional<String> certificate = certificatePem();
        return (certificate.isPresent()
                        ? merchant.platformCertificate(certificate.get())
                        : merchant.publicKey(keyId(), publicKeyPem()))
                .build();
    }

    /**
     * A new APIv2 verifier with the kit's APIv2 key, which accepts {@link #v2Payment()} and
     * {@link #v2Refund()}. The caller closes it.
     *
     * @return the verifier
     */
    public V2Verifier v2Verifier() {
        return new V2Verifier(v2Key());
    }

    /**
     * Starts a callback of a kind of the event catalog, from that kind's realistic sample
     * resource under its first documented {@code event_type} ({@link EventKind#UNKNOWN}: an
     * empty resource under {@code UNKNOWN.EVENT}).
     *
     * @param kind the kind
     * @return a builder; {@link CallbackBuilder#build()} makes the callback
     */
    public CallbackBuilder notification(EventKind kind) {
        Objects.requireNonNull(kind, "kind");
        return new CallbackBuilder(kit, kind.wireName(), null, null);
    }

    /**
     * Starts a callback of any {@code event_type}, outside the catalog (e.g. {@code COUPON.USE}),
     * whose resource is an empty object until {@link CallbackBuilder#resource} sets it.
     *
     * @param eventType the envelope's {@code event_type}
     * @param originalType {@code resource.original_type} (and the associated data), or null to
     *     leave it out
     * @return a builder
     */
    public CallbackBuilder custom(String eventType, String originalType) {
        Objects.requireNonNull(eventType, "eventType");
        return new CallbackBuilder(kit, null, eventType, originalType);
    }

    /**
     * An APIv2 payment result (XML) signed with MD5 and the kit's APIv2 key.
     *
     * @return the XML body
     * @throws IllegalStateException when this kit is closed
     */
    public byte[] v2Payment() {
        return kit.v2Callback(false, false, null);
    }

    /**
     * An APIv2 payment result (XML) with fields set, signed with MD5 and the kit's APIv2 key.
     *
     * @param fields fields to set before signing, e.g. {@code Map.of("total_fee", "500")}
     * @return the XML body
     * @throws IllegalStateException when this kit is closed
     */
    public byte[] v2Payment(Map<String, String> fields) {
        return kit.v2Callback(false, false, Json.write(Objects.requireNonNull(fields, "fields")));
    }

    /**
     * An APIv2 payment result (XML) with fields set, signed with HMAC-SHA256 (and {@code
     * sign_type} saying so) and the kit's APIv2 key.
     *
     * @param fields fields to set before signing
     * @return the XML body
     * @throws IllegalStateException when this kit is closed
     */
    public byte[] v2PaymentHmacSha256(Map<String, String> fields) {
        return kit.v2Callback(false, true, Json.write(Objects.requireNonNull(fields, "fields")));
    }

    /**
     * An APIv2 refund result (XML) whose {@code req_info} is encrypted with the kit's APIv2 key.
     *
     * @return the XML body
     * @throws IllegalStateException when this kit is closed
     */
    public byte[] v2Refund() {
        return kit.v2Callback(true, false, null);
    }

    /**
     * An APIv2 refund result (XML) with fields of {@code req_info} set, encrypted with the kit's
     * APIv2 key.
     *
     * @param reqInfo fields to set in {@code req_info}, e.g. {@code Map.of("refund_fee", "7")}
     * @return the XML body
     * @throws IllegalStateException when this kit is closed
     */
    public byte[] v2Refund(Map<String, String> reqInfo) {
        return kit.v2Callback(true, false, Json.write(Objects.requireNonNull(reqInfo, "reqInfo")));
    }

    /**
     * Frees the native kit, wiping its keys there. Idempotent; calls in progress on other
     * threads finish first.
     */
    @Override
    public void close() {
        kit.close();
    }

    /**
     * The key id and the kind of key; never a key.
     *
     * @return a description of this kit
     */
    @Override
    public String toString() {
        return "Kit{keyId=" + keyId() + (certificatePem().isPresent() ? ", certificate" : ", public key")
                + (kit.isClosed() ? ", closed" : "") + "}";
    }
}
