package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.example.ExampleServer;
import io.github.wechatpaynotify.testing.Failure;
import io.github.wechatpaynotify.testing.Kit;
import io.github.wechatpaynotify.testing.TestCallback;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example server, driven over loopback (the JDK's HttpClient) with callbacks of the testing
 * kit: signed and encrypted as WeChat Pay does, with the kit's throwaway keys.
 */
class ExampleServerTest {
    private static Kit kit;
    private static Verifier verifier;
    private static V2Verifier v2Verifier;
    private static ExampleServer server;
    private static final List<Notification> RECEIVED = new CopyOnWriteArrayList<>();
    private static final ExampleServer.Shop SHOP = new ExampleServer.Shop();
    private static final AtomicBoolean FAIL_NEXT = new AtomicBoolean();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        kit = Kit.create();
        verifier = kit.verifier();
        v2Verifier = kit.v2Verifier();
        server = ExampleServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), verifier, v2Verifier, n -> {
            if (FAIL_NEXT.getAndSet(false)) {
                throw new IllegalStateException("database unavailable");
            }
            RECEIVED.add(n);
            SHOP.accept(n);
        });
    }

    @AfterAll
    static void stop() {
        server.close();
        verifier.close();
        v2Verifier.close();
        kit.close();
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(TestCallback callback) throws Exception {
        return post("/wechatpay/notify", callback.headers(), callback.body());
    }

    /** A payment of {@code totalFen} for the order {@code outTradeNo}. */
    private static TestCallback payment(String id, String outTradeNo, long totalFen) {
        return kit.notification(EventKind.TRANSACTION)
                .id(id)
                .merge(Map.of("out_trade_no", outTradeNo, "amount", Map.of("total", totalFen)))
                .build();
    }

    private static String failureCode(HttpResponse<String> r) throws Exception {
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = TestData.JSON.readTree(r.body());
        assertEquals("FAIL", body.get("code").asText());
        return body.get("message").asText().split(":")[0];
    }

    private static boolean received(String id) {
        return RECEIVED.stream().anyMatch(n -> n.id().equals(id));
    }

    @Test
    void validCallbackIsAcceptedAndHandledOnce() throws Exception {
        SHOP.placeOrder("ORDER-VALID", 100);
        TestCallback callback = payment("EV-server-valid", "ORDER-VALID", 100);
        HttpResponse<String> r = post(callback);
        assertEquals(204, r.statusCode());
        assertEquals("", r.body());
        // WeChat Pay delivers the same notification again: accepted, not handled twice.
        assertEquals(204, post(callback).statusCode());
        long count = RECEIVED.stream().filter(n -> n.id().equals("EV-server-valid")).count();
        assertEquals(1, count);
        Notification n = RECEIVED.stream().filter(x -> x.id().equals("EV-server-valid")).findFirst().orElseThrow();
        assertEquals(EventKind.TRANSACTION, n.kind());
        assertEquals("ORDER-VALID", n.transaction().getOutTradeNo());
        assertEquals(kit.keyId(), n.serial());
        assertTrue(SHOP.isPaid("ORDER-VALID"));
    }

    @Test
    void paymentOfAnotherAmountIsAcknowledgedButNotPaid() throws Exception {
        SHOP.placeOrder("TEST-ORDER-CHEAP", 1);
        HttpResponse<String> r = post(payment("EV-server-amount", "TEST-ORDER-CHEAP", 100));
        assertEquals(204, r.statusCode());
        assertFalse(SHOP.isPaid("TEST-ORDER-CHEAP"));
        assertTrue(SHOP.isSuspicious("TEST-ORDER-CHEAP"));
    }

    @Test
    void refundIsRecorded() throws Exception {
        TestCallback refund = kit.notification(EventKind.REFUND)
                .id("EV-server-refund")
                .merge(Map.of("out_refund_no", "TEST-REFUND-1", "amount", Map.of("refund", 40)))
                .build();
        HttpResponse<String> r = post(refund);
        assertEquals(204, r.statusCode());
        assertEquals(40, SHOP.refund("TEST-REFUND-1").orElseThrow().getAmount().getRefund());
    }

    @Test
    void callbackOfAnUnknownKindIsAcknowledged() throws Exception {
        TestCallback coupon = kit.custom("COUPON.USE", "coupon")
                .id("EV-server-coupon")
                .resource(Map.of("stock_id", "9856000", "coupon_id", "98674556", "status", "USED"))
                .build();
        HttpResponse<String> r = post(coupon);
        assertEquals(204, r.statusCode());
        Notification n = RECEIVED.stream().filter(x -> x.id().equals("EV-server-coupon")).findFirst().orElseThrow();
        assertEquals(EventKind.UNKNOWN, n.kind());
    }

    @Test
    void paymentMissingARequiredFieldIsA500() throws Exception {
        Map<String, Object> noSuccessTime = new java.util.HashMap<>();
        noSuccessTime.put("success_time", null);
        TestCallback callback = kit.notification(EventKind.TRANSACTION)
                .id("EV-server-malformed")
                .merge(noSuccessTime)
                .build();
        HttpResponse<String> r = post(callback);
        assertEquals(500, r.statusCode());
        assertEquals("MALFORMED_RESOURCE", failureCode(r));
        // The reply is the code's fixed text; the field is named in the logged message only.
        assertEquals("{\"code\":\"FAIL\",\"message\":\"MALFORMED_RESOURCE: malformed resource\"}", r.body());
    }

    /** Each failure of the kit gets the reply of its code, and never reaches the shop. */
    @Test
    void everyFailureIsRefused() throws Exception {
        for (Failure failure : Failure.values()) {
            String id = "EV-server-" + failure.wireName();
            HttpResponse<String> r = post(kit.notification(EventKind.TRANSACTION).id(id).failure(failure).build());
            assertEquals(failure.expectedCode().isAuthenticity() ? 401 : 500, r.statusCode(), failure.wireName());
            assertEquals(failure.expectedCode().name(), failureCode(r), failure.wireName());
            assertFalse(received(id), failure.wireName());
        }
    }

    @Test
    void callbackSignedWithAnotherKeyIsRefusedWith401() throws Exception {
        try (Kit attacker = Kit.create()) {
            // Another key under the configured serial: the signature does not match.
            TestCallback forged = attacker.notification(EventKind.TRANSACTION).id("EV-server-wrong-key").build();
            Map<String, String> headers = new LinkedHashMap<>(forged.headers());
            headers.put("Wechatpay-Serial", kit.keyId());
            HttpResponse<String> r = post("/wechatpay/notify", headers, forged.body());
            assertEquals(401, r.statusCode());
            assertEquals("SIGNATURE_MISMATCH", failureCode(r));
            // Under its own serial: 401 too, and the reply says nothing of what is configured
            // (issue 21: it listed every merchant and key id to whoever sent it).
            HttpResponse<String> unknown = post(forged);
            assertEquals(401, unknown.statusCode());
            assertEquals("UNKNOWN_SERIAL", failureCode(unknown));
            assertFalse(unknown.body().contains(kit.keyId()), unknown.body());
            assertEquals("{\"code\":\"FAIL\",\"message\":\"UNKNOWN_SERIAL: unknown Wechatpay-Serial\"}",
                    unknown.body());
            assertFalse(received("EV-server-wrong-key"));
        }
    }

    @Test
    void apiV2XmlSentToTheV3EndpointIsWrongFormat() throws Exception {
        byte[] xml = kit.v2Payment(Map.of("total_fee", "88"));
        HttpResponse<String> r = post("/wechatpay/notify", Map.of("Content-Type", "text/xml"), xml);
        assertEquals(500, r.statusCode());
        assertEquals("WRONG_FORMAT", failureCode(r));
        // The same XML at the APIv2 endpoint is accepted with the SUCCESS XML, HMAC-SHA256 too.
        HttpResponse<String> v2 = post("/wechatpay/notify/v2", Map.of("Content-Type", "text/xml"), xml);
        assertEquals(200, v2.statusCode());
        assertTrue(v2.body().contains("<return_code><![CDATA[SUCCESS]]></return_code>"), v2.body());
        HttpResponse<String> hmac = post("/wechatpay/notify/v2", Map.of(), kit.v2PaymentHmacSha256(Map.of()));
        assertTrue(hmac.body().contains("<return_code><![CDATA[SUCCESS]]></return_code>"), hmac.body());
        // And an APIv2 notification with a wrong sign gets the FAIL XML.
        String forged = new String(xml, StandardCharsets.UTF_8).replaceFirst("<total_fee><!\\[CDATA\\[88", "<total_fee><![CDATA[1");
        assertTrue(forged.contains("<total_fee><![CDATA[1]]>"), forged);
        HttpResponse<String> bad = post("/wechatpay/notify/v2", Map.of(), forged.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, bad.statusCode());
        assertTrue(bad.body().contains("<return_code><![CDATA[FAIL]]></return_code>"), bad.body());
    }

    @Test
    void businessFailureIsA500AndTheRetryIsHandled() throws Exception {
        TestCallback callback = kit.notification(EventKind.REFUND).id("EV-server-retry").build();
        FAIL_NEXT.set(true);
        HttpResponse<String> first = post(callback);
        assertEquals(500, first.statusCode());
        assertEquals(204, post(callback).statusCode());
        assertEquals(1, RECEIVED.stream().filter(n -> n.id().equals("EV-server-retry")).count());
    }

    @Test
    void oversizedBodyAndWrongMethod() throws Exception {
        HttpResponse<String> big = post("/wechatpay/notify", Map.of(), new byte[(int) verifier.maxBodySize() + 100]);
        assertEquals(500, big.statusCode());
        assertEquals("BODY_TOO_LARGE", failureCode(big));
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/wechatpay/notify")).GET().build();
        assertEquals(405, CLIENT.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
