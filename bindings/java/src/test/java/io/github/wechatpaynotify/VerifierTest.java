package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.testing.Kit;
import io.github.wechatpaynotify.testing.TestCallback;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API around the native verifier: builder, header maps, clocks, lifecycle, decoding;
 * with callbacks of the testing kit, and the vectors where a particular key is needed.
 */
class VerifierTest {
    private static final long NOW = 1_700_000_000L;
    /** {@code create_time} as WeChat Pay writes it: RFC 3339 in Beijing time. */
    private static final DateTimeFormatter BEIJING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.ofHours(8));

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

    @Test
    void parsesWithTheSystemClockAndAnyHeaderCase() {
        Kit kit = TestData.kit();
        long now = System.currentTimeMillis() / 1000;
        TestCallback callback = TestData.transaction("EV-clock", now);
        byte[] body = callback.body();
        try (Verifier v = kit.verifier()) {
            Map<String, String> signed = callback.headers();
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
                assertEquals(BEIJING.format(Instant.ofEpochSecond(now)), n.createTime());
                assertEquals(kit.keyId(), n.serial());
                assertEquals(now, n.timestamp());
                v.verify(h, body);
            }
            // A request signed 10 minutes ago is refused with both clocks in the message.
            TestCallback old = TestData.transaction("EV-clock", now - 600);
            NotificationException e = assertThrows(NotificationException.class, () -> v.parse(old.headers(), old.body()));
            assertEquals(ErrorCode.TIMESTAMP_SKEW, e.code());
            assertTrue(e.detail().contains(Long.toString(now - 600)), e.detail());
            assertTrue(e.isAuthenticity());
            assertEquals(ErrorFamily.AUTHENTICITY, e.code().family());
            assertEquals(ErrorCode.TIMESTAMP_SKEW,
                    assertThrows(NotificationException.class, () -> v.verify(old.headers(), old.body())).code());
        }
    }

    @Test
    void theClockIsAnOptionOfTheVerifier() {
        Kit kit = TestData.kit();
        TestCallback callback = TestData.transaction("EV-clock-option", NOW);
        TestClock clock = TestClock.at(NOW);
        try (Verifier at = kit.verifierBuilder().clock(clock).build();
                Verifier system = kit.verifierBuilder().build();
                Verifier javaSystem = kit.verifierBuilder().clock(Clock.systemUTC()).build()) {
            // A fixed clock checks the recorded callback at its own time, read at each call.
            assertEquals("EV-clock-option", at.parse(callback.headers(), callback.body()).id());
            at.verify(callback.headers(), callback.body());
            clock.set(NOW + 301);
            assertEquals(ErrorCode.TIMESTAMP_SKEW, assertThrows(NotificationException.class,
                    () -> at.parse(callback.headers(), callback.body())).code());
            clock.set(NOW - 300);
            assertEquals("EV-clock-option", at.parse(callback.headers(), callback.body()).id());
            assertTrue(at.toString().contains("TestClock"), at.toString());
            // The default (the library reads the system clock) and a Java system clock agree.
            for (Verifier v : List.of(system, javaSystem)) {
                assertEquals(ErrorCode.TIMESTAMP_SKEW, assertThrows(NotificationException.class,
                        () -> v.parse(callback.headers(), callback.body())).code());
                TestCallback now = TestData.transaction("EV-clock-now", System.currentTimeMillis() / 1000);
                assertEquals("EV-clock-now", v.parse(now.headers(), now.body()).id());
            }
        }
        assertThrows(NullPointerException.class, () -> Verifier.builder().clock(null));
    }

    @Test
    void multiValuedAndRepeatedHeaders() {
        Kit kit = TestData.kit();
        TestCallback callback = TestData.transaction("EV-multi", NOW);
        byte[] body = callback.body();
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            Map<String, List<String>> multi = new LinkedHashMap<>();
            callback.headers().forEach((k, val) -> multi.put(k, List.of(val)));
            multi.put("Accept", List.of("a", "b"));
            assertEquals("EV-multi", v.parse(Headers.fromMultiMap(multi), body).id());
            v.verify(Headers.fromMultiMap(multi), body);
            // The first of a repeated header wins.
            Headers.Builder b = Headers.builder();
            callback.headers().forEach(b::add);
            b.add("wechatpay-serial", "PUB_KEY_ID_SOMETHING_ELSE");
            Headers first = b.build();
            assertEquals("EV-multi", v.parse(first, body).id());
            assertEquals(kit.keyId(), first.first("WECHATPAY-SERIAL"));
            assertFalse(first.toString().contains(kit.keyId()), "toString shows names only");
            Headers.Builder c = Headers.builder().add("Wechatpay-Serial", "PUB_KEY_ID_SOMETHING_ELSE");
            callback.headers().forEach(c::add);
            assertEquals(ErrorCode.UNKNOWN_SERIAL,
                    assertThrows(NotificationException.class, () -> v.parse(c.build(), body)).code());
            // Null keys or values in a map are ignored, not a crash.
            Map<String, String> withNulls = new HashMap<>(callback.headers());
            withNulls.put("X-Null", null);
            assertEquals("EV-multi", v.parse(withNulls, body).id());
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
        TestCallback callback = TestData.kit().notification(EventKind.TRANSACTION)
                .merge(Map.of("out_trade_no", "ORDER-TYPED", "payer", Map.of("openid", "o-typed"), "amount", Map.of("total", 321)))
                .build();
        try (Verifier v = TestData.kit().verifier()) {
            Notification n = v.parse(callback.headers(), callback.body());
            Payment p = n.resource(Payment.class);
            assertEquals("ORDER-TYPED", p.outTradeNo);
            assertEquals("SUCCESS", p.tradeState);
            assertEquals("o-typed", p.payer.openid);
            assertEquals(321, p.amount.totalFen);
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
        Kit kit = TestData.kit();
        Path pub = dir.resolve("pub_key.pem");
        Files.writeString(pub, kit.publicKeyPem());
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, TestData.key("test-platform-a.cert.pem"));
        try (Verifier v = Verifier.builder()
                .apiV3Key(kit.apiV3Key().getBytes(StandardCharsets.UTF_8))
                .publicKeyFile(kit.keyId(), pub)
                .platformCertificateFile(cert)
                .maxClockSkew(Duration.ofSeconds(60))
                .maxBodySize(2048)
                .clock(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC))
                .build()) {
            assertEquals(2, v.keyIds().size());
            assertEquals(kit.keyId(), v.keyIds().get(0));
            assertEquals(Duration.ofSeconds(60), v.maxClockSkew());
            assertEquals(2048, v.maxBodySize());
            assertFalse(v.toString().contains(kit.apiV3Key()));
            byte[] big = new byte[4096];
            assertEquals(ErrorCode.BODY_TOO_LARGE,
                    assertThrows(NotificationException.class, () -> v.parse(Map.of(), big)).code());
            TestCallback late = TestData.transaction("EV-skew", NOW - 61);
            assertEquals(ErrorCode.TIMESTAMP_SKEW, assertThrows(NotificationException.class,
                    () -> v.parse(late.headers(), late.body())).code());
            TestCallback inTime = TestData.transaction("EV-skew", NOW - 60);
            assertEquals("EV-skew", v.parse(inTime.headers(), inTime.body()).id());
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
        TestCallback callback = TestData.kit().notification(EventKind.TRANSACTION)
                .id("EV-big")
                .timestamp(NOW)
                .merge(Map.of("attach", attach.toString()))
                .build();
        byte[] body = callback.body();
        assertTrue(body.length > 200_000);
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            Map<String, String> headers = callback.headers();
            Notification n = v.parse(headers, body);
            assertEquals(attach.toString(), n.transaction().getAttach().orElseThrow());
            // A large header is passed whole, like the others.
            Map<String, String> big = new LinkedHashMap<>();
            big.put("X-Padding", attach.substring(0, 100_000));
            big.putAll(headers);
            assertEquals("EV-big", v.parse(big, body).id());
            v.verify(big, body);
            assertEquals("EV-big", v.parse(headers, body).id());
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsRefused() {
        TestCallback callback = TestData.transaction("EV-close", NOW);
        byte[] body = callback.body();
        Map<String, String> headers = callback.headers();
        Verifier v = TestData.kitVerifierAt(NOW);
        assertEquals("EV-close", v.parse(headers, body).id());
        v.close();
        v.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.parse(headers, body));
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, () -> v.verify(headers, body));
        assertThrows(IllegalStateException.class, () -> v.decryptCertificates(new byte[0]));
        assertTrue(v.toString().contains("closed"));
        // Metadata stays readable.
        assertEquals(List.of(TestData.kit().keyId()), v.keyIds());
    }

    @Test
    void verifyResponseChecksApiResponses() {
        // Bodies of any kind, signed by the vectors' default platform key.
        JsonNode text = TestData.namedCase("verify_ok_body_not_json");
        JsonNode xml = TestData.namedCase("verify_wrong_format");
        long now = text.get("now").asLong();
        assertEquals(now, xml.get("now").asLong());
        try (Verifier v = TestData.builderFor("default").clock(TestClock.at(now)).build()) {
            Map<String, String> headers = TestData.headers(text);
            v.verifyResponse(headers, TestData.body(text));
            // Responses are not sniffed for XML, but still must be signed.
            assertEquals(ErrorCode.WRONG_FORMAT, assertThrows(NotificationException.class,
                    () -> v.verify(TestData.headers(xml), TestData.body(xml))).code());
            v.verifyResponse(TestData.headers(xml), TestData.body(xml));
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, assertThrows(NotificationException.class,
                    () -> v.verifyResponse(headers, TestData.utf8("hello, not JSON."))).code());
            // An empty body crosses the boundary and is checked like any other.
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, assertThrows(NotificationException.class,
                    () -> v.verifyResponse(headers, new byte[0])).code());
        }
        // With the system clock.
        TestCallback callback = TestData.kit().notification(EventKind.REFUND).build();
        try (Verifier v = TestData.kit().verifier()) {
            v.verifyResponse(callback.headers(), callback.body());
        }
    }

    @Test
    void decryptResourceHelper() throws Exception {
        // The resource of a kit callback, sealed with the kit's APIv3 key.
        Kit kit = TestData.kit();
        TestCallback callback = kit.notification(EventKind.REFUND).merge(Map.of("out_refund_no", "R-1")).build();
        JsonNode resource = TestData.JSON.readTree(callback.body()).get("resource");
        String key = kit.apiV3Key();
        String nonce = resource.get("nonce").asText();
        String aad = resource.get("associated_data").asText();
        String sealed = resource.get("ciphertext").asText();
        assertEquals("refund", aad);
        String plaintext = WechatpayNotify.decryptResource(key, nonce, aad, sealed);
        assertEquals("R-1", TestData.JSON.readTree(plaintext).get("out_refund_no").asText());
        try (Verifier v = kit.verifier()) {
            assertEquals(v.parse(callback.headers(), callback.body()).plaintext(), plaintext);
        }
        assertEquals(ErrorCode.DECRYPT_FAILED, assertThrows(NotificationException.class,
                () -> WechatpayNotify.decryptResource(key, nonce, null, sealed)).code());
        assertEquals(ErrorCode.MALFORMED_RESOURCE, assertThrows(NotificationException.class,
                () -> WechatpayNotify.decryptResource(key, "short", aad, sealed)).code());
        assertEquals(ErrorCode.MALFORMED_RESOURCE, assertThrows(NotificationException.class,
                () -> WechatpayNotify.decryptResource(key, nonce, aad, "!!")).code());
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ConfigException.class,
                () -> WechatpayNotify.decryptResource("short", nonce, aad, sealed)).code());
        // An empty plaintext (Wycheproof AES-GCM tcId 92: 256-bit key, 96-bit IV) is an empty array.
        JsonNode wycheproof = TestData.JSON.readTree(TestData.vectorsDir().resolve("wycheproof/aes_gcm_test.json").toFile());
        JsonNode emptyCase = null;
        for (JsonNode group : wycheproof.get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                if (t.get("tcId").asInt() == 92) {
                    emptyCase = t;
                }
            }
        }
        assertEquals("", emptyCase.get("msg").asText());
        byte[] empty = WechatpayNotify.decryptResource(
                TestData.hex(emptyCase.get("key").asText()), TestData.hex(emptyCase.get("iv").asText()),
                TestData.hex(emptyCase.get("aad").asText()),
                java.util.Base64.getEncoder().encode(TestData.hex(emptyCase.get("ct").asText() + emptyCase.get("tag").asText())));
        assertEquals(0, empty.length);
    }

    @Test
    void notificationHasNoPublicConstructorAndNullsAreAbsent() {
        assertEquals(0, Notification.class.getConstructors().length);
        assertNull(Headers.builder().add(null, "x").add("x", null).build().first("x"));
    }
}
