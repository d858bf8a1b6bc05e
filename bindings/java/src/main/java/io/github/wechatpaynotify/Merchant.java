package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One merchant (商户) of a verifier for many merchants behind one {@code notify_url}
 * (docs/merchants.md): its merchant id ({@code mchid}), its APIv3 key (APIv3密钥) and the WeChat
 * Pay keys its callbacks are signed with (微信支付公钥 under their {@code PUB_KEY_ID_} ids,
 * platform certificates, or both during the switch from certificates to the public key).
 *
 * <pre>{@code
 * Verifier verifier = Verifier.builder()
 *     .merchant(Merchant.builder("1900000001", apiV3Key1)
 *         .publicKey("PUB_KEY_ID_0119000000012025000000000000", publicKeyPem1)
 *         .build())
 *     .merchant(Merchant.builder("1900000002", apiV3Key2)
 *         .platformCertificate(certificatePem2)
 *         .build())
 *     .build();
 * Notification n = verifier.parse(headers, body);
 * String mchid = n.mchid().get();                          // the merchant it was for
 * }</pre>
 *
 * <p>A callback's {@code Wechatpay-Serial} selects the key, and the resource is decrypted with
 * the APIv3 key of the merchant that key belongs to; {@link Notification#mchid()} names that
 * merchant. Merchants may share a key (the same serial and the same key configured for
 * several of them): each of their APIv3 keys is then tried in configuration order, and the
 * one that opens the resource names the merchant.
 *
 * <p>Immutable and thread-safe. Nothing is parsed here: {@link Verifier.Builder#build()}
 * checks every merchant and reports each problem as a {@link ConfigException} (an empty or
 * repeated mchid, an APIv3 key that is not 32 bytes, a merchant without a key, a PEM that does
 * not parse, one serial configured with different keys for two merchants, or a serial
 * configured twice for one merchant). {@link #toString()} never shows the APIv3 key.
 */
public final class Merchant {
    private final String mchid;
    private final byte[] apiV3Key;
    private final List<String> publicKeyIds;
    private final List<byte[]> publicKeys;
    private final List<byte[]> certificates;

    private Merchant(Builder b) {
        this.mchid = b.mchid;
        this.apiV3Key = b.apiV3Key.clone();
        this.publicKeyIds = Collections.unmodifiableList(new ArrayList<>(b.publicKeyIds));
        List<byte[]> keys = new ArrayList<>(b.publicKeys.size());
        for (byte[] pem : b.publicKeys) {
            keys.add(pem.clone());
        }
        this.publicKeys = Collections.unmodifiableList(keys);
        List<byte[]> certs = new ArrayList<>(b.certificates.size());
        for (byte[] pem : b.certificates) {
            certs.add(pem.clone());
        }
        this.certificates = Collections.unmodifiableList(certs);
    }

    /**
     * Starts a merchant.
     *
     * @param mchid the merchant id (商户号), e.g. {@code "1900000001"}
     * @param apiV3Key the merchant's APIv3 key: the 32 characters set in the merchant platform
     * @return a builder; add the merchant's WeChat Pay keys, then {@link Builder#build()}
     */
    public static Builder builder(String mchid, String apiV3Key) {
        return builder(mchid, Objects.requireNonNull(apiV3Key, "apiV3Key").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Starts a merchant whose APIv3 key is given as bytes.
     *
     * @param mchid the merchant id (商户号)
     * @param apiV3Key the merchant's APIv3 key; must be exactly 32 bytes
     * @return a builder
     */
    public static Builder builder(String mchid, byte[] apiV3Key) {
        return new Builder(Objects.requireNonNull(mchid, "mchid"), Objects.requireNonNull(apiV3Key, "apiV3Key"));
    }

    /**
     * The merchant id, as {@link Notification#mchid()} gives it.
     *
     * @return the mchid
     */
    public String mchid() {
        return mchid;
    }

    /**
     * The ids of this merchant's WeChat Pay public keys, in configuration order (the serials of
     * its certificates are read when the verifier is built: see {@link Verifier#keyIds()}).
     *
     * @return an unmodifiable list of {@code PUB_KEY_ID_} ids
     */
    public List<String> publicKeyIds() {
        return publicKeyIds;
    }

    /**
     * The number of this merchant's platform certificates.
     *
     * @return how many certificates were added
     */
    public int certificateCount() {
        return certificates.size();
    }

    /**
     * Adds this merchant to a native builder: {@code wpn_verifier_builder_merchant}, then its
     * keys, which the C ABI assigns to the merchant added last.
     *
     * @param b the {@code wpn_verifier_builder *}
     * @param err the error out-parameter
     * @throws ConfigException when the library refuses a value
     */
    void addTo(Pointer b, PointerByReference err) {
        byte[] id = mchid.getBytes(StandardCharsets.UTF_8);
        byte[] key = apiV3Key.clone();
        try {
            Errors.check(Lib.wpn_verifier_builder_merchant(b, id, id.length, key, key.length, err), err);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        for (int i = 0; i < publicKeys.size(); i++) {
            byte[] keyId = publicKeyIds.get(i).getBytes(StandardCharsets.UTF_8);
            byte[] pem = publicKeys.get(i);
            Errors.check(Lib.wpn_verifier_builder_public_key(b, keyId, keyId.length, pem, pem.length, err), err);
        }
        for (byte[] pem : certificates) {
            Errors.check(Lib.wpn_verifier_builder_platform_certificate(b, pem, pem.length, err), err);
        }
    }

    /**
     * The merchant id and its keys' ids; never the APIv3 key.
     *
     * @return a description of this merchant
     */
    @Override
    public String toString() {
        return "Merchant{mchid=" + mchid + ", apiV3Key=<redacted>, publicKeys=" + publicKeyIds + ", certificates="
                + certificates.size() + "}";
    }

    /**
     * Configures a {@link Merchant}. Not thread-safe; {@link #build()} may be called more than
     * once (each merchant built is a snapshot).
     */
    public static final class Builder {
        private final String mchid;
        private final byte[] apiV3Key;
        private final List<String> publicKeyIds = new ArrayList<>();
        private final List<byte[]> publicKeys = new ArrayList<>();
        private final List<byte[]> certificates = new ArrayList<>();

        private Builder(String mchid, byte[] apiV3Key) {
            this.mchid = mchid;
            this.apiV3Key = apiV3Key.clone();
        }

        /**
         * Adds a WeChat Pay public key (微信支付公钥) of this merchant under its id ({@code
         * PUB_KEY_ID_...}), as SubjectPublicKeyInfo PEM, PKCS#1 PEM or bare base64. Call again
         * to add more (rotation).
         *
         * @param id the public-key id, as shown in the merchant platform
         * @param pem the key
         * @return this builder
         */
        public Builder publicKey(String id, String pem) {
            return publicKey(id, Objects.requireNonNull(pem, "pem").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Adds a WeChat Pay public key of this merchant given as bytes.
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
         * Adds a WeChat Pay public key of this merchant read from a file such as {@code
         * pub_key.pem}.
         *
         * @param id the public-key id
         * @param pemFile the key file
         * @return this builder
         * @throws ConfigException when the file cannot be read
         */
        public Builder publicKeyFile(String id, Path pemFile) {
            return publicKey(id, Verifier.Builder.read(pemFile, "public key"));
        }

        /**
         * Adds a WeChat Pay platform certificate (平台证书) of this merchant, PEM or bare base64
         * DER; its serial and validity period are read from it. Call again to add more.
         *
         * @param pem the certificate
         * @return this builder
         */
        public Builder platformCertificate(String pem) {
            return platformCertificate(Objects.requireNonNull(pem, "pem").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Adds a platform certificate of this merchant given as bytes.
         *
         * @param pem the certificate, PEM or base64 DER
         * @return this builder
         */
        public Builder platformCertificate(byte[] pem) {
            certificates.add(Objects.requireNonNull(pem, "pem").clone());
            return this;
        }

        /**
         * Adds a platform certificate of this merchant read from a PEM file.
         *
         * @param pemFile the certificate file
         * @return this builder
         * @throws ConfigException when the file cannot be read
         */
        public Builder platformCertificateFile(Path pemFile) {
            return platformCertificate(Verifier.Builder.read(pemFile, "platform certificate"));
        }

        /**
         * The merchant, for {@link Verifier.Builder#merchant(Merchant)}. Nothing is checked
         * here: the verifier's {@link Verifier.Builder#build()} does.
         *
         * @return an immutable merchant
         */
        public Merchant build() {
            return new Merchant(this);
        }

        /**
         * The merchant id and its keys' ids; never the APIv3 key.
         *
         * @return a description of this builder
         */
        @Override
        public String toString() {
            return "Merchant.Builder{mchid=" + mchid + ", apiV3Key=<redacted>, publicKeys=" + publicKeyIds
                    + ", certificates=" + certificates.size() + "}";
        }
    }
}
