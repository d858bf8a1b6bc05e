package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.example.ExampleServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example server, driven over loopback with callbacks signed as WeChat Pay signs them. */
class ExampleServerTest {
    private static Verifier verifier;
    private static V2Verifier v2Verifier;
    private static ExampleServer server;
    private static final List<Notification> RECEIVED = new CopyOnWriteArrayList<>();
    private static final ExampleServer.Shop SHOP = new ExampleServer.Shop();
    private static final AtomicBoolean FAIL_NEXT = new AtomicBoolean();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        verifier = TestData.javaPeerVerifier();
        v2Verifier = new V2Verifier(TestData.notifications().get("v2_keys").get("default").asText());
        server = ExampleServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), verifier, v2Verifier, n -> {
            if (FAIL_NEXT.getAndSet(false)) {
                throw new IllegalStateException("database unavailable");
            }
            RECEIVED.add(n);
            SHOP.accept(n);
        });
        // The order of TestSigner.TRANSACTION_PLAINTEXT: 100 fen.
        SHOP.placeOrder("1217752501201407033233368018", 100);
    }

    @AfterAll
    static void stop() {
        server.close();
        verifier.close();
        v2Verifier.close();
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String failureCode(HttpResponse<String> r) throws Exception {
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = TestData.JSON.readTree(r.body());
        assertEquals("FAIL", body.get("code").asText());
        return body.get("message").asText().split(":")[0];
    }

    @Test
    void validCallbackIsAcceptedAndHandledOnce() throws Exception {
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-valid", TestSigner.TRANSACTION_PLAINTEXT);
        Map<String, String> headers = TestData.javaPeerSigner().headers(now(), body);
        HttpResponse<String> r = post("/wechatpay/notify", headers, body);
        assertEquals(204, r.statusCode());
        assertEquals("", r.body());
        // WeChat Pay delivers the same notification again: accepted, not handled twice.
        assertEquals(204, post("/wechatpay/notify", headers, body).statusCode());
        long count = RECEIVED.stream().filter(n -> n.id().equals("EV-server-valid")).count();
        assertEquals(1, count);
        Notification n = RECEIVED.stream().filter(x -> x.id().equals("EV-server-valid")).findFirst().orElseThrow();
        assertEquals(TestSigner.TRANSACTION_PLAINTEXT, n.plaintext());
        assertEquals(EventKind.TRANSACTION, n.kind());
        assertTrue(SHOP.isPaid("1217752501201407033233368018"));
    }

    @Test
    void paymentOfAnotherAmountIsAcknowledgedButNotPaid() throws Exception {
        SHOP.placeOrder("TEST-ORDER-CHEAP", 1);
        String plaintext = TestSigner.TRANSACTION_PLAINTEXT.replace("1217752501201407033233368018", "TEST-ORDER-CHEAP");
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-amount", plaintext);
        HttpResponse<String> r = post("/wechatpay/notify", TestData.javaPeerSigner().headers(now(), body), body);
        assertEquals(204, r.statusCode());
        assertFalse(SHOP.isPaid("TEST-ORDER-CHEAP"));
        assertTrue(SHOP.isSuspicious("TEST-ORDER-CHEAP"));
    }

    @Test
    void refundIsRecorded() throws Exception {
        String plaintext = "{\"mchid\":\"1900000001\",\"out_trade_no\":\"1217752501201407033233368018\","
                + "\"transaction_id\":\"4200000001201407033233368018\",\"out_refund_no\":\"TEST-REFUND-1\","
                + "\"refund_id\":\"50000000382019052709732678859\",\"refund_status\":\"SUCCESS\","
                + "\"success_time\":\"2018-06-08T10:34:56+08:00\",\"user_received_account\":\"招商银行信用卡0403\","
                + "\"amount\":{\"total\":100,\"refund\":40,\"payer_total\":100,\"payer_refund\":40}}";
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-refund", "REFUND.SUCCESS", "refund", plaintext);
        HttpResponse<String> r = post("/wechatpay/notify", TestData.javaPeerSigner().headers(now(), body), body);
        assertEquals(204, r.statusCode());
        assertEquals(40, SHOP.refund("TEST-REFUND-1").orElseThrow().getAmount().getRefund());
    }

    @Test
    void callbackOfAnUnknownKindIsAcknowledged() throws Exception {
        String plaintext = "{\"stock_id\":\"9856000\",\"coupon_id\":\"98674556\",\"status\":\"USED\"}";
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-coupon", "COUPON.USE", "coupon", plaintext);
        HttpResponse<String> r = post("/wechatpay/notify", TestData.javaPeerSigner().headers(now(), body), body);
        assertEquals(204, r.statusCode());
        Notification n = RECEIVED.stream().filter(x -> x.id().equals("EV-server-coupon")).findFirst().orElseThrow();
        assertEquals(EventKind.UNKNOWN, n.kind());
    }

    @Test
    void paymentMissingARequiredFieldIsA500() throws Exception {
        String plaintext = TestSigner.TRANSACTION_PLAINTEXT.replace("\"success_time\"", "\"paid_at\"");
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-malformed", plaintext);
        HttpResponse<String> r = post("/wechatpay/notify", TestData.javaPeerSigner().headers(now(), body), body);
        assertEquals(500, r.statusCode());
        assertEquals("MALFORMED_RESOURCE", failureCode(r));
        assertTrue(r.body().contains("success_time"), r.body());
    }

    @Test
    void tamperedBodyIsRefusedWith401() throws Exception {
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-tampered", TestSigner.TRANSACTION_PLAINTEXT);
        Map<String, String> headers = TestData.javaPeerSigner().headers(now(), body);
        byte[] tampered = new String(body, java.nio.charset.StandardCharsets.UTF_8)
                .replace("EV-server-tampered", "EV-server-tamperee").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> r = post("/wechatpay/notify", headers, tampered);
        assertEquals(401, r.statusCode());
        assertEquals("SIGNATURE_MISMATCH", failureCode(r));
        assertTrue(RECEIVED.stream().noneMatch(n -> n.id().startsWith("EV-server-tampere")));
    }

    @Test
    void signatureProbeIsRefusedWith401() throws Exception {
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-probe", TestSigner.TRANSACTION_PLAINTEXT);
        Map<String, String> headers = new java.util.LinkedHashMap<>(TestData.javaPeerSigner().headers(now(), body));
        headers.put("Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + headers.get("Wechatpay-Signature").substring(19));
        HttpResponse<String> r = post("/wechatpay/notify", headers, body);
        assertEquals(401, r.statusCode());
        assertEquals("SIGNATURE_PROBE", failureCode(r));
    }

    @Test
    void callbackSignedWithAnotherKeyIsRefusedWith401() throws Exception {
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-wrong-key", TestSigner.TRANSACTION_PLAINTEXT);
        TestSigner attacker = new TestSigner(TestData.key("test-attacker.key.pem"), TestData.JAVA_PEER_KEY_ID);
        HttpResponse<String> r = post("/wechatpay/notify", attacker.headers(now(), body), body);
        assertEquals(401, r.statusCode());
        assertEquals("SIGNATURE_MISMATCH", failureCode(r));
        // Right key, unknown serial: 401 too, and the message lists what is configured.
        TestSigner otherId = new TestSigner(TestData.key("test-attacker.key.pem"), "PUB_KEY_ID_0114232134912410000000009999");
        HttpResponse<String> unknown = post("/wechatpay/notify", otherId.headers(now(), body), body);
        assertEquals(401, unknown.statusCode());
        assertEquals("UNKNOWN_SERIAL", failureCode(unknown));
        assertTrue(unknown.body().contains(TestData.JAVA_PEER_KEY_ID), unknown.body());
    }

    @Test
    void apiV2XmlSentToTheV3EndpointIsWrongFormat() throws Exception {
        JsonNode v2Case = TestData.cases("v2_payment").stream()
                .filter(c -> c.get("expect").path("ok").asBoolean(false))
                .findFirst().orElseThrow();
        byte[] xml = TestData.body(v2Case);
        HttpResponse<String> r = post("/wechatpay/notify", Map.of("Content-Type", "text/xml"), xml);
        assertEquals(500, r.statusCode());
        assertEquals("WRONG_FORMAT", failureCode(r));
        // The same XML at the APIv2 endpoint is accepted with the SUCCESS XML.
        HttpResponse<String> v2 = post("/wechatpay/notify/v2", Map.of("Content-Type", "text/xml"), xml);
        assertEquals(200, v2.statusCode());
        assertTrue(v2.body().contains("<return_code><![CDATA[SUCCESS]]></return_code>"), v2.body());
        // And an APIv2 notification with a wrong sign gets the FAIL XML.
        String forged = new String(xml, java.nio.charset.StandardCharsets.UTF_8).replaceFirst("<total_fee>", "<total_fee>1");
        HttpResponse<String> bad = post("/wechatpay/notify/v2", Map.of(), forged.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(200, bad.statusCode());
        assertTrue(bad.body().contains("<return_code><![CDATA[FAIL]]></return_code>"), bad.body());
    }

    @Test
    void businessFailureIsA500AndTheRetryIsHandled() throws Exception {
        byte[] body = TestSigner.sealedBody(TestData.APIV3_KEY, "EV-server-retry", TestSigner.TRANSACTION_PLAINTEXT);
        Map<String, String> headers = TestData.javaPeerSigner().headers(now(), body);
        FAIL_NEXT.set(true);
        HttpResponse<String> first = post("/wechatpay/notify", headers, body);
        assertEquals(500, first.statusCode());
        assertEquals(204, post("/wechatpay/notify", headers, body).statusCode());
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
