package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API around the native verifier: builder, header maps, clocks, lifecycle, decoding. */
class VerifierTest {
    private static final long NOW = 1_700_000_000L;

    /** A payment result as an application would declare it (camel case, unknown fields ignored). */
    public static final class Payment {
        public String mchid;
        public String outTradeNo;
        public String tradeState;
        public Payer payer;
        public Amount amount;
    }

    /** {@code payer}. */
    public static final class Payer {
        public String openid;
    }

    /** {@code amount}, with an explicit Jackson name. */
    public static final class Amount {
        @JsonProperty("total")
        public long totalFen;
        public String currency;
    }

    /** A type the resource does not fit. */
    public static final class Wrong {
        public List<String> amount;
    }

    private static byte[] body(String id) {
        return TestSigner.sealedBody(TestData.APIV3_KEY, id, TestSigner.TRANSACTION_PLAINTEXT);
    }

    @Test
    void parsesWithTheSystemClockAndAnyHeaderCase() {
        TestSigner signer = TestData.javaPeerSigner();
        byte[] body = body("EV-clock");
        long now = System.currentTimeMillis() / 1000;
        try (Verifier v = TestData.javaPeerVerifier()) {
            Map<String, String> signed = signer.headers(now, body);
            Map<String, String> lower = new HashMap<>();
            Map<String, String> upper = new TreeMap<>();
            signed.forEach((k, val) -> {
                lower.put(k.toLowerCase(), val);
                upper.put(k.toUpperCase(), val);
            });
            for (Map<String, String> h : List.of(signed, lower, upper)) {
                Notification n = v.parse(h, body);
                assertEquals("EV-clock", n.id());
                assertEquals("TRANSACTION.SUCCESS", n.eventType());
                assertEquals("encrypt-resource", n.resourceType());
                assertEquals("transaction", n.originalType());
                assertEquals("2015-05-20T13:29:35+08:00", n.createTime());
                assertEquals(TestData.JAVA_PEER_KEY_ID, n.serial());
                assertEquals(now, n.timestamp());
                v.verify(h, body);
            }
            // A request signed 10 minutes ago is refused with both clocks in the message.
            Map<String, String> old = signer.headers(now - 600, body);
            NotificationException e = assertThrows(NotificationException.class, () -> v.parse(old, body));
            assertEquals(ErrorCode.TIMESTAMP_SKEW, e.code());
            assertTrue(e.isAuthenticity());
            assertEquals(ErrorFamily.AUTHENTICITY, e.code().family());
            assertEquals(ErrorCode.TIMESTAMP_SKEW,
                    assertThrows(NotificationException.class, () -> v.verify(old, body)).code());
        }
    }

    @Test
    void multiValuedAndRepeatedHeaders() {
        TestSigner signer = TestData.javaPeerSigner();
        byte[] body = body("EV-multi");
        try (Verifier v = TestData.javaPeerVerifier()) {
            Map<String, List<String>> multi = new LinkedHashMap<>();
            signer.headers(NOW, body).forEach((k, val) -> multi.put(k, List.of(val)));
            multi.put("Accept", List.of("a", "b"));
            assertEquals("EV-multi", v.parseAt(Headers.fromMultiMap(multi), body, NOW).id());
            v.verifyAt(Headers.fromMultiMap(multi), body, NOW);
            // The first of a repeated header wins.
            Headers.Builder b = Headers.builder();
            signer.headers(NOW, body).forEach(b::add);
            b.add("wechatpay-serial", "PUB_KEY_ID_SOMETHING_ELSE");
            Headers first = b.build();
            assertEquals("EV-multi", v.parseAt(first, body, NOW).id());
            assertEquals(TestData.JAVA_PEER_KEY_ID, first.first("WECHATPAY-SERIAL"));
            assertFalse(first.toString().contains(TestData.JAVA_PEER_KEY_ID), "toString shows names only");
            Headers.Builder c = Headers.builder().add("Wechatpay-Serial", "PUB_KEY_ID_SOMETHING_ELSE");
            signer.headers(NOW, body).forEach(c::add);
            assertEquals(ErrorCode.UNKNOWN_SERIAL,
                    assertThrows(NotificationException.class, () -> v.parseAt(c.build(), body, NOW)).code());
            // Null keys or values in a map are ignored, not a crash.
            Map<String, String> withNulls = new HashMap<>(signer.headers(NOW, body));
            withNulls.put("X-Null", null);
            assertEquals("EV-multi", v.parseAt(withNulls, body, NOW).id());
        }
    }

    @Test
    void missingHeadersAndEmptyBodiesAreErrorsNotCrashes() {
        try (Verifier v = TestData.javaPeerVerifier()) {
            assertEquals(ErrorCode.MISSING_HEADER,
                    assertThrows(NotificationException.class, () -> v.parse(Map.of(), new byte[0])).code());
            assertEquals(ErrorCode.WRONG_FORMAT,
                    assertThrows(NotificationException.class, () -> v.parse(Map.of(), TestData.utf8(" <xml/>"))).code());
            assertThrows(NullPointerException.class, () -> v.parse((Map<String, String>) null, new byte[0]));
            assertThrows(NullPointerException.class, () -> v.parse(Map.of(), null));
        }
    }

    @Test
    void resourceDecodesWithJacksonAndMismatchIsMalformedResource() {
        TestSigner signer = TestData.javaPeerSigner();
        byte[] body = body("EV-typed");
        try (Verifier v = TestData.javaPeerVerifier()) {
            Notification n = v.parseAt(signer.headers(NOW, body), body, NOW);
            Payment p = n.resource(Payment.class);
            assertEquals("1217752501201407033233368018", p.outTradeNo);
            assertEquals("SUCCESS", p.tradeState);
            assertEquals("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", p.payer.openid);
            assertEquals(100, p.amount.totalFen);
            assertEquals("CNY", p.amount.currency);
            NotificationException e = assertThrows(NotificationException.class, () -> n.resource(Wrong.class));
            assertEquals(ErrorCode.MALFORMED_RESOURCE, e.code());
            assertTrue(e.detail().contains("$.amount"), e.detail());
            assertFalse(e.getMessage().contains("CNY"), "no data in the message");
            assertFalse(n.toString().contains("openid"));
        }
    }

    @Test
    void builderRefusesBadConfigurationWithConfigException() {
        String pem = TestData.javaPeerKeyPair().get("public_key_pem").asText();
        ConfigException noKey = assertThrows(ConfigException.class,
                () -> Verifier.builder().publicKey("PUB_KEY_ID_1", pem).build());
        assertEquals(ErrorCode.CONFIG_INVALID, noKey.code());
        assertThrows(ConfigException.class, () -> Verifier.builder().apiV3Key(TestData.APIV3_KEY).build());
        assertThrows(ConfigException.class,
                () -> Verifier.builder().apiV3Key(TestData.APIV3_KEY).publicKey("PUB_KEY_ID_1", "not a pem").build());
        assertThrows(ConfigException.class, () -> Verifier.builder()
                .apiV3Key(TestData.APIV3_KEY).publicKey("PUB_KEY_ID_1", pem).publicKey("PUB_KEY_ID_1", pem).build());
        assertThrows(ConfigException.class, () -> Verifier.builder()
                .apiV3Key(TestData.APIV3_KEY).publicKey("PUB_KEY_ID_1", pem).maxClockSkew(Duration.ofSeconds(-1)).build());
        assertThrows(ConfigException.class, () -> Verifier.builder()
                .apiV3Key(TestData.APIV3_KEY).publicKey("PUB_KEY_ID_1", pem).maxBodySize(-1).build());
        ConfigException file = assertThrows(ConfigException.class, () -> Verifier.builder()
                .publicKeyFile("PUB_KEY_ID_1", Path.of("/nonexistent/pub_key.pem")));
        assertTrue(file.detail().contains("/nonexistent/pub_key.pem"));
        Verifier.Builder b = Verifier.builder().apiV3Key(TestData.APIV3_KEY).publicKey("PUB_KEY_ID_1", pem);
        assertFalse(b.toString().contains(TestData.APIV3_KEY));
    }

    @Test
    void builderOptionsAndKeyFiles(@TempDir Path dir) throws Exception {
        Path pub = dir.resolve("pub_key.pem");
        Files.writeString(pub, TestData.javaPeerKeyPair().get("public_key_pem").asText());
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, TestData.key("test-platform-a.cert.pem"));
        try (Verifier v = Verifier.builder()
                .apiV3Key(TestData.APIV3_KEY.getBytes(StandardCharsets.UTF_8))
                .publicKeyFile(TestData.JAVA_PEER_KEY_ID, pub)
                .platformCertificateFile(cert)
                .maxClockSkew(Duration.ofSeconds(60))
                .maxBodySize(2048)
                .build()) {
            assertEquals(2, v.keyIds().size());
            assertEquals(TestData.JAVA_PEER_KEY_ID, v.keyIds().get(0));
            assertEquals(Duration.ofSeconds(60), v.maxClockSkew());
            assertEquals(2048, v.maxBodySize());
            assertFalse(v.toString().contains(TestData.APIV3_KEY));
            byte[] big = new byte[4096];
            assertEquals(ErrorCode.BODY_TOO_LARGE,
                    assertThrows(NotificationException.class, () -> v.parse(Map.of(), big)).code());
            TestSigner signer = TestData.javaPeerSigner();
            byte[] body = body("EV-skew");
            assertEquals(ErrorCode.TIMESTAMP_SKEW, assertThrows(NotificationException.class,
                    () -> v.parseAt(signer.headers(NOW - 61, body), body, NOW)).code());
            assertEquals("EV-skew", v.parseAt(signer.headers(NOW - 60, body), body, NOW).id());
        }
        try (Verifier defaults = TestData.javaPeerVerifier()) {
            assertEquals(Verifier.DEFAULT_MAX_CLOCK_SKEW, defaults.maxClockSkew());
            assertEquals(Verifier.DEFAULT_MAX_BODY_SIZE, defaults.maxBodySize());
        }
    }

    @Test
    void largeBodiesAndHeadersArePassedWhole() {
        StringBuilder attach = new StringBuilder();
        while (attach.length() < 200_000) {
            attach.append("0123456789");
        }
        String plaintext = TestSigner.TRANSACTION_PLAINTEXT.replace("\"attach\":\"\"", "\"attach\":\"" + attach + "\"");
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-big", plaintext);
        try (Verifier v = TestData.javaPeerVerifier()) {
            Map<String, String> headers = TestData.javaPeerSigner().headers(NOW, body);
            Notification n = v.parseAt(headers, body, NOW);
            assertEquals(plaintext, n.plaintext());
            // Headers larger than the per-thread header memory go through a temporary block.
            Map<String, String> big = new LinkedHashMap<>();
            big.put("X-Padding", attach.substring(0, Scratch.RETAINED + 1));
            big.putAll(headers);
            assertEquals("EV-big", v.parseAt(big, body, NOW).id());
            v.verifyAt(big, body, NOW);
            // ... and the thread's own memory still works afterwards.
            assertEquals("EV-big", v.parseAt(headers, body, NOW).id());
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsRefused() {
        byte[] body = body("EV-close");
        Map<String, String> headers = TestData.javaPeerSigner().headers(NOW, body);
        Verifier v = TestData.javaPeerVerifier();
        assertEquals("EV-close", v.parseAt(headers, body, NOW).id());
        v.close();
        v.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.parseAt(headers, body, NOW));
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, () -> v.verifyAt(headers, body, NOW));
        assertThrows(IllegalStateException.class, () -> v.decryptCertificates(new byte[0]));
        assertTrue(v.toString().contains("closed"));
        // Metadata stays readable.
        assertEquals(List.of(TestData.JAVA_PEER_KEY_ID), v.keyIds());
    }

    @Test
    void verifyResponseChecksApiResponses() {
        TestSigner signer = TestData.javaPeerSigner();
        byte[] body = TestData.utf8("{\"data\":[]}");
        try (Verifier v = TestData.javaPeerVerifier()) {
            v.verifyResponseAt(signer.headers(NOW, body), body, NOW);
            byte[] empty = new byte[0];
            v.verifyResponseAt(signer.headers(NOW, empty), empty, NOW);
            byte[] xml = TestData.utf8("<xml/>");
            // Responses are not sniffed for XML, but still must be signed.
            v.verifyResponseAt(signer.headers(NOW, xml), xml, NOW);
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, assertThrows(NotificationException.class,
                    () -> v.verifyResponseAt(signer.headers(NOW, body), TestData.utf8("{\"data\":[1]}"), NOW)).code());
            long now = System.currentTimeMillis() / 1000;
            v.verifyResponse(signer.headers(now, body), body);
        }
    }

    @Test
    void decryptResourceHelper() {
        String sealed = java.util.Base64.getEncoder().encodeToString(
                TestSigner.seal(TestData.APIV3_KEY, "0123456789ab", "certificate", "{\"a\":1}"));
        assertEquals("{\"a\":1}", WechatpayNotify.decryptResource(TestData.APIV3_KEY, "0123456789ab", "certificate", sealed));
        assertEquals(ErrorCode.DECRYPT_FAILED, assertThrows(NotificationException.class,
                () -> WechatpayNotify.decryptResource(TestData.APIV3_KEY, "0123456789ab", null, sealed)).code());
        assertEquals(ErrorCode.MALFORMED_RESOURCE, assertThrows(NotificationException.class,
                () -> WechatpayNotify.decryptResource(TestData.APIV3_KEY, "short", "certificate", sealed)).code());
        assertEquals(ErrorCode.MALFORMED_RESOURCE, assertThrows(NotificationException.class,
                () -> WechatpayNotify.decryptResource(TestData.APIV3_KEY, "0123456789ab", "certificate", "!!")).code());
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ConfigException.class,
                () -> WechatpayNotify.decryptResource("short", "0123456789ab", "certificate", sealed)).code());
        byte[] empty = WechatpayNotify.decryptResource(
                TestData.utf8(TestData.APIV3_KEY), TestData.utf8("0123456789ab"), new byte[0],
                java.util.Base64.getEncoder().encode(TestSigner.seal(TestData.APIV3_KEY, "0123456789ab", "", "")));
        assertEquals(0, empty.length);
    }

    @Test
    void notificationHasNoPublicConstructorAndNullsAreAbsent() {
        assertEquals(0, Notification.class.getConstructors().length);
        assertNull(Headers.builder().add(null, "x").add("x", null).build().first("x"));
    }
}
