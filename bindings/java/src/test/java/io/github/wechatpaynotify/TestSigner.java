package io.github.wechatpaynotify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and encrypts notifications as WeChat Pay does, with java.security only (test-only
 * keys): SHA256withRSA over {@code timestamp\nnonce\nbody\n}, AES-256-GCM resource.
 */
final class TestSigner {
    static final String NONCE = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
    static final String TRANSACTION_PLAINTEXT = "{\"mchid\":\"1900000001\",\"appid\":\"wxd678efh567hg6787\","
            + "\"out_trade_no\":\"1217752501201407033233368018\",\"transaction_id\":\"4200000001201407033233368018\","
            + "\"trade_type\":\"JSAPI\",\"trade_state\":\"SUCCESS\",\"trade_state_desc\":\"支付成功\",\"bank_type\":\"CMC\","
            + "\"attach\":\"\",\"success_time\":\"2018-06-08T10:34:56+08:00\",\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},"
            + "\"amount\":{\"total\":100,\"payer_total\":100,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";

    private final PrivateKey key;
    final String serial;

    TestSigner(String pkcs8Pem, String serial) {
        this.key = privateKey(pkcs8Pem);
        this.serial = serial;
    }

    static PrivateKey privateKey(String pkcs8Pem) {
        String b64 = pkcs8Pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64 SHA256withRSA signature over {@code timestamp\nnonce\nbody\n}. */
    String sign(String timestamp, String nonce, byte[] body) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update((timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
            s.update(body);
            s.update((byte) '\n');
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The four {@code Wechatpay-*} headers for {@code body} signed at {@code timestamp}. */
    Map<String, String> headers(long timestamp, byte[] body) {
        String ts = Long.toString(timestamp);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Wechatpay-Serial", serial);
        h.put("Wechatpay-Timestamp", ts);
        h.put("Wechatpay-Nonce", NONCE);
        h.put("Wechatpay-Signature", sign(ts, NONCE, body));
        h.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        return h;
    }

    /** A notification body whose resource is {@code plaintext} sealed with {@code apiv3Key}. */
    static byte[] sealedBody(String apiv3Key, String id, String plaintext) {
        return sealedBody(apiv3Key, id, "TRANSACTION.SUCCESS", "transaction", plaintext);
    }

    /**
     * A notification body of {@code eventType} whose resource ({@code original_type}
     * {@code originalType}, left out when null) is {@code plaintext} sealed with {@code apiv3Key}.
     */
    static byte[] sealedBody(String apiv3Key, String id, String eventType, String originalType, String plaintext) {
        String nonce = "fdasflkja484";
        String aad = originalType == null ? "" : originalType;
        String ciphertext = Base64.getEncoder().encodeToString(seal(apiv3Key, nonce, aad, plaintext));
        String body = "{\"id\":\"" + id + "\",\"create_time\":\"2015-05-20T13:29:35+08:00\","
                + "\"resource_type\":\"encrypt-resource\",\"event_type\":\"" + eventType + "\","
                + "\"summary\":\"支付成功\",\"resource\":{"
                + (originalType == null ? "" : "\"original_type\":\"" + originalType + "\",")
                + "\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"" + ciphertext + "\","
                + "\"associated_data\":\"" + aad + "\",\"nonce\":\"" + nonce + "\"}}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** AES-256-GCM: ciphertext followed by the 16-byte tag, as WeChat Pay sends it. */
    static byte[] seal(String apiv3Key, String nonce, String aad, String plaintext) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(apiv3Key.getBytes(StandardCharsets.UTF_8), "AES"),
                    new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
