package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The official wechatpay-go and wechatpay-java SDKs' published samples (tests/vectors/peers/). */
class PeersTest {
    private static final String PLACEHOLDER_APIV3_KEY = "0000000000000000placeholder00000";

    @Test
    void goSdkNotificationVerifiesWithItsCertificate() {
        JsonNode go = TestData.load("peers/wechatpay-go-notify.json");
        Map<String, String> headers = TestData.stringMap(go.get("headers"));
        byte[] body = TestData.utf8(go.get("body").asText());
        long now = go.get("now").asLong();
        try (Verifier verifier = Verifier.builder()
                .apiV3Key(PLACEHOLDER_APIV3_KEY)
                .platformCertificate(go.get("platform_certificate_pem").asText())
                .clock(TestClock.at(now))
                .build()) {
            assertEquals(List.of("D7CE59D1F522D701"), verifier.keyIds());
            verifier.verify(headers, body);
            byte[] altered = body.clone();
            altered[10] ^= 1;
            assertEquals(ErrorCode.SIGNATURE_MISMATCH,
                    assertThrows(NotificationException.class, () -> verifier.verify(headers, altered)).code());
            // Verified, then refused at decryption: the key is not the one that sealed it.
            NotificationException e = assertThrows(NotificationException.class, () -> verifier.parse(headers, body));
            assertEquals(ErrorCode.DECRYPT_FAILED, e.code());
            assertTrue(e.detail().contains("APIv3"), e.getMessage());
        }
    }

    @Test
    void goSdkSixteenByteResourceKeyIsAConfigError() throws Exception {
        JsonNode go = TestData.load("peers/wechatpay-go-notify.json");
        String key = go.get("apiv3_key_16_bytes").asText();
        assertEquals(16, key.length());
        ConfigException e = assertThrows(ConfigException.class, () -> Verifier.builder()
                .apiV3Key(key)
                .platformCertificate(go.get("platform_certificate_pem").asText())
                .build());
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertFalse(e.getMessage().contains(key), "the key is never in a message");
        JsonNode resource = TestData.JSON.readTree(go.get("body").asText()).get("resource");
        ConfigException d = assertThrows(ConfigException.class, () -> WechatpayNotify.decryptResource(
                key,
                resource.get("nonce").asText(),
                resource.get("associated_data").asText(),
                resource.get("ciphertext").asText()));
        assertEquals(ErrorCode.CONFIG_INVALID, d.code());
    }

    @Test
    void javaSdkCertificateDownloadDecrypts() {
        JsonNode dl = TestData.load("peers/wechatpay-java.json").get("certificate_download");
        String key = dl.get("apiv3_key").asText();
        byte[] body = TestData.utf8(dl.get("response_body").asText());
        List<DownloadedCertificate> certs = WechatpayNotify.decryptCertificates(key, body);
        assertEquals(1, certs.size());
        DownloadedCertificate cert = certs.get(0);
        assertEquals(dl.get("expected_serials").get(0).asText(), cert.serialNo());
        assertTrue(cert.notBefore() < cert.notAfter());
        assertTrue(cert.pem().startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals("2023-09-19T23:15:58+08:00", cert.effectiveTime());
        assertEquals("2028-09-17T23:15:58+08:00", cert.expireTime());
        assertFalse(cert.toString().contains("BEGIN"));
        // The decrypted PEM configures a verifier directly, which decrypts the same response.
        try (Verifier v = Verifier.builder().apiV3Key(key).platformCertificate(cert.pem()).build()) {
            assertEquals(List.of(cert.serialNo()), v.keyIds());
            List<DownloadedCertificate> again = v.decryptCertificates(body);
            assertEquals(cert.pem(), again.get(0).pem());
        }
        NotificationException wrong = assertThrows(NotificationException.class,
                () -> WechatpayNotify.decryptCertificates(PLACEHOLDER_APIV3_KEY, body));
        assertEquals(ErrorCode.DECRYPT_FAILED, wrong.code());
        NotificationException notJson = assertThrows(NotificationException.class,
                () -> WechatpayNotify.decryptCertificates(key, TestData.utf8("<xml/>")));
        assertEquals(ErrorCode.MALFORMED_BODY, notJson.code());
    }

    /**
     * The wechatpay-java test key pair, whose private key is published, is the one fixed key
     * these tests need: the vectors' {@code valid_java_peer_*} and {@code
     * java_peer_certificate_expired} cases are signed with it (tests/vectors/generate.py).
     */
    @Test
    void javaSdkKeyPairVerifiesThroughCertificateAndPublicKey() {
        JsonNode kp = TestData.javaPeerKeyPair();
        JsonNode byCertCase = TestData.namedCase("valid_java_peer_certificate");
        JsonNode expiredCase = TestData.namedCase("java_peer_certificate_expired");
        JsonNode byKeyCase = TestData.namedCase("valid_java_peer_public_key");
        String apiV3Key = TestData.notifications().get("verifiers").get("java_peer_cert").get("apiv3_key").asText();
        String plaintext = byCertCase.get("expect").get("plaintext").asText();
        long now = byCertCase.get("now").asLong(); // inside the certificate's 2022-05-10..2025-05-09 validity
        long later = expiredCase.get("now").asLong();
        byte[] body = TestData.body(byCertCase);
        TestClock clock = TestClock.at(now);
        try (Verifier byCert = Verifier.builder()
                .apiV3Key(apiV3Key)
                .platformCertificate(kp.get("certificate_pem").asText())
                .clock(clock)
                .build()) {
            assertEquals(List.of(TestData.JAVA_PEER_SERIAL), byCert.keyIds());
            Notification n = byCert.parse(TestData.headers(byCertCase), body);
            assertEquals(byCertCase.get("expect").get("id").asText(), n.id());
            assertEquals(TestData.JAVA_PEER_SERIAL, n.serial());
            assertEquals(plaintext, n.plaintext());
            // The serial matches case-insensitively.
            Map<String, String> lower = new LinkedHashMap<>(TestData.headers(byCertCase));
            lower.put("Wechatpay-Serial", TestData.JAVA_PEER_SERIAL.toLowerCase(Locale.ROOT));
            byCert.verify(lower, body);
            // After the certificate expired (2025-05-09), the same key is refused as KEY_EXPIRED.
            clock.set(later);
            NotificationException e = assertThrows(NotificationException.class,
                    () -> byCert.parse(TestData.headers(expiredCase), TestData.body(expiredCase)));
            assertEquals(ErrorCode.KEY_EXPIRED, e.code());
        }
        // The same key pair as a 微信支付公钥, which has no validity period: under its
        // PUB_KEY_ID_, and under the certificate's serial, where it accepts what the expired
        // certificate no longer does.
        try (Verifier byKey = TestData.javaPeerBuilder(apiV3Key, TestData.JAVA_PEER_KEY_ID).clock(TestClock.at(now)).build();
                Verifier bySerial =
                        TestData.javaPeerBuilder(apiV3Key, TestData.JAVA_PEER_SERIAL).clock(TestClock.at(later)).build()) {
            Notification n = byKey.parse(TestData.headers(byKeyCase), TestData.body(byKeyCase));
            assertEquals(TestData.JAVA_PEER_KEY_ID, n.serial());
            assertEquals("支付成功", n.summary());
            assertArrayEquals(plaintext.getBytes(StandardCharsets.UTF_8), n.plaintextBytes());
            Notification afterExpiry = bySerial.parse(TestData.headers(expiredCase), TestData.body(expiredCase));
            assertEquals(TestData.JAVA_PEER_SERIAL, afterExpiry.serial());
        }
    }
}
