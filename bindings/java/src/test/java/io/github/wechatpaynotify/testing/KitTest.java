package io.github.wechatpaynotify.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wechatpaynotify.ConfigException;
import io.github.wechatpaynotify.ErrorCode;
import io.github.wechatpaynotify.Notification;
import io.github.wechatpaynotify.NotificationException;
import io.github.wechatpaynotify.V2Verifier;
import io.github.wechatpaynotify.Verifier;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.events.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The testing kit through its public API only, as a merchant's tests use it. */
class KitTest {
    /** The codes of docs/testing.md, written out here to check {@link Failure#expectedCode()}. */
    private static final Map<Failure, ErrorCode> DOCUMENTED = new EnumMap<>(Map.of(
            Failure.PROBE, ErrorCode.SIGNATURE_PROBE,
            Failure.TAMPERED_BODY, ErrorCode.SIGNATURE_MISMATCH,
            Failure.STALE_TIMESTAMP, ErrorCode.TIMESTAMP_SKEW,
            Failure.FUTURE_TIMESTAMP, ErrorCode.TIMESTAMP_SKEW,
            Failure.OTHER_APIV3_KEY, ErrorCode.DECRYPT_FAILED,
            Failure.UNKNOWN_SERIAL, ErrorCode.UNKNOWN_SERIAL,
            Failure.XML_BODY, ErrorCode.WRONG_FORMAT,
            Failure.RESERIALIZED, ErrorCode.SIGNATURE_MISMATCH));

    private static Kit publicKeyKit;
    private static Kit certificateKit;

    @BeforeAll
    static void makeKits() {
        publicKeyKit = Kit.create();
        certificateKit = Kit.withCertificate();
    }

    @AfterAll
    static void closeKits() {
        publicKeyKit.close();
        certificateKit.close();
    }

    private static List<Kit> kits() {
        return List.of(publicKeyKit, certificateKit);
    }

    @Test
    void everyFailureIsRefusedWithItsCode() {
        assertEquals(Set.of(Failure.values()), DOCUMENTED.keySet());
        for (Kit kit : kits()) {
            try (Verifier verifier = kit.verifier(); Verifier built = kit.verifierBuilder().build()) {
                for (Failure failure : Failure.values()) {
                    assertEquals(DOCUMENTED.get(failure), failure.expectedCode(), failure.name());
                    TestCallback callback = kit.notification(EventKind.TRANSACTION).failure(failure).build();
                    for (Verifier v : List.of(verifier, built)) {
                        NotificationException e = assertThrows(NotificationException.class,
                                () -> v.parse(callback.headers(), callback.body()), failure.wireName());
                        assertEquals(failure.expectedCode(), e.code(), kit + " " + failure.wireName() + ": " + e);
                    }
                }
                // The failure can be taken out again: the same builder then builds a good callback.
                CallbackBuilder builder = kit.notification(EventKind.TRANSACTION).failure(Failure.PROBE);
                assertThrows(NotificationException.class, () -> {
                    TestCallback probe = builder.build();
                    verifier.parse(probe.headers(), probe.body());
                });
                TestCallback good = builder.failure(null).build();
                verifier.parse(good.headers(), good.body());
            }
        }
    }

    @Test
    void failuresHaveStableWireNames() {
        for (Failure failure : Failure.values()) {
            assertEquals(failure.name().toLowerCase(Locale.ROOT), failure.wireName());
            assertEquals(Optional.of(failure), Failure.fromWireName(failure.wireName()));
        }
        assertEquals(Optional.empty(), Failure.fromWireName("PROBE"));
        assertEquals(Optional.empty(), Failure.fromWireName(null));
    }

    /** The accessor of each kind, called on a notification of that kind. */
    private static Object typed(Notification n, EventKind kind) {
        switch (kind) {
            case TRANSACTION:
                return n.transaction();
            case PARTNER_TRANSACTION:
                return n.partnerTransaction();
            case COMBINE_TRANSACTION:
                return n.combineTransaction();
            case REFUND:
                return n.refund();
            case PARTNER_REFUND:
                return n.partnerRefund();
            case PROFIT_SHARING:
                return n.profitSharing();
            case TRANSFER_BILL:
                return n.transferBill();
            case COMPLAINT:
                return n.complaint();
            case UNKNOWN:
                return n.plaintext();
            default:
                throw new AssertionError("a kind this test does not know: " + kind + "; add its accessor");
        }
    }

    @Test
    void everyKindParsesAndItsAccessorWorks() {
        for (Kit kit : kits()) {
            try (Verifier verifier = kit.verifier()) {
                for (EventKind kind : EventKind.values()) {
                    String id = "EV-kit-" + kind.wireName();
                    TestCallback callback = kit.notification(kind).id(id).build();
                    assertEquals(id, callback.id());
                    Notification n = verifier.parse(callback.headers(), callback.body());
                    assertEquals(kind, n.kind(), kind.wireName());
                    assertEquals(id, n.id());
                    assertEquals(kit.keyId(), n.serial());
                    assertNotNull(typed(n, kind), kind.wireName());
                    if (kind != EventKind.TRANSACTION) {
                        assertEquals(ErrorCode.UNEXPECTED_EVENT,
                                assertThrows(NotificationException.class, n::transaction).code(), kind.wireName());
                    }
                }
            }
        }
        TestCallback unknown = publicKeyKit.notification(EventKind.UNKNOWN).build();
        try (Verifier verifier = publicKeyKit.verifier()) {
            Notification n = verifier.parse(unknown.headers(), unknown.body());
            assertEquals("UNKNOWN.EVENT", n.eventType());
            assertEquals("{}", n.plaintext());
        }
    }

    @Test
    void settersReachTheNotification() {
        long at = 1_700_000_000L;
        Map<String, Object> amount = new LinkedHashMap<>();
        amount.put("total", 500);
        amount.put("currency", "CNY");
        Map<String, Object> merge = new LinkedHashMap<>();
        merge.put("out_trade_no", "ORDER-42");
        merge.put("amount", amount);
        merge.put("attach", null);
        try (Verifier verifier = publicKeyKit.verifier();
                Verifier atItsTime = publicKeyKit.verifierBuilder()
                        .clock(Clock.fixed(Instant.ofEpochSecond(at), ZoneOffset.UTC))
                        .build()) {
            TestCallback paid = publicKeyKit.notification(EventKind.TRANSACTION)
                    .merge(merge)
                    .id("EV-set-1")
                    .timestamp(at)
                    .build();
            assertEquals(Long.toString(at), paid.headers().get("Wechatpay-Timestamp"));
            // Signed in 2023: refused at the system clock, accepted at its own time.
            assertEquals(ErrorCode.TIMESTAMP_SKEW, assertThrows(NotificationException.class,
                    () -> verifier.parse(paid.headers(), paid.body())).code());
            Notification n = atItsTime.parse(paid.headers(), paid.body());
            assertEquals("EV-set-1", n.id());
            assertEquals(at, n.timestamp());
            Transaction t = n.transaction();
            assertEquals("ORDER-42", t.getOutTradeNo());
            assertEquals(500, t.getAmount().getTotal());
            assertEquals(90, t.getAmount().getPayerTotal(), "merged key by key: the sample's payer_total stays");
            assertEquals(Optional.empty(), t.getAttach(), "null is JSON null");

            // JSON text works the same; at(Instant) is timestamp(seconds).
            TestCallback text = publicKeyKit.notification(EventKind.TRANSACTION)
                    .merge("{\"amount\":{\"total\":7}}")
                    .at(Instant.ofEpochSecond(at, 999_000_000))
                    .build();
            assertEquals(7, atItsTime.parse(text.headers(), text.body()).transaction().getAmount().getTotal());

            // A later merge replaces an earlier one; null merges nothing.
            TestCallback replaced = publicKeyKit.notification(EventKind.TRANSACTION)
                    .merge(Map.of("out_trade_no", "FIRST"))
                    .merge(Map.of("amount", Map.of("total", 8)))
                    .build();
            Transaction r = verifier.parse(replaced.headers(), replaced.body()).transaction();
            assertEquals(8, r.getAmount().getTotal());
            assertEquals("TEST-ORDER-0001", r.getOutTradeNo());
            TestCallback none = publicKeyKit.notification(EventKind.TRANSACTION).merge((String) null).build();
            assertEquals(100, verifier.parse(none.headers(), none.body()).transaction().getAmount().getTotal());

            // Another event type, and a resource replaced whole then merged into.
            TestCallback abnormal = publicKeyKit.notification(EventKind.REFUND)
                    .eventType("REFUND.ABNORMAL")
                    .merge(Map.of("refund_status", "ABNORMAL"))
                    .build();
            Notification a = verifier.parse(abnormal.headers(), abnormal.body());
            assertEquals("REFUND.ABNORMAL", a.eventType());
            assertEquals("ABNORMAL", a.refund().getRefundStatus());
            TestCallback missing = publicKeyKit.notification(EventKind.TRANSACTION)
                    .resource("{\"mchid\":\"1900000001\"}")
                    .merge(Map.of("appid", "wx1"))
                    .build();
            Notification m = verifier.parse(missing.headers(), missing.body());
            assertEquals("{\"appid\":\"wx1\",\"mchid\":\"1900000001\"}", m.plaintext());
            NotificationException e = assertThrows(NotificationException.class, m::transaction);
            assertEquals(ErrorCode.MALFORMED_RESOURCE, e.code());
        }
    }

    @Test
    void stringsAndNumbersAreWrittenAsJson() {
        String attach = "quote \" backslash \\ slash / newline \n tab \t bell \u0007 中文 😀";
        Map<String, Object> merge = new LinkedHashMap<>();
        merge.put("attach", attach);
        merge.put("amount", Map.of("total", Long.MAX_VALUE));
        merge.put("promotion_detail", List.of());
        merge.put("scene_info", Map.of("device_id", "d", "ok", true, "ratio", 0.5, "list", new Object[] {1, "x", null}));
        try (Verifier verifier = publicKeyKit.verifier()) {
            TestCallback callback = publicKeyKit.notification(EventKind.TRANSACTION).merge(merge).build();
            Notification n = verifier.parse(callback.headers(), callback.body());
            Transaction t = n.transaction();
            assertEquals(Optional.of(attach), t.getAttach());
            assertEquals(Long.MAX_VALUE, t.getAmount().getTotal());
            assertEquals(List.of(), t.getPromotionDetail());
            assertTrue(n.plaintext().contains("\"list\":[1,\"x\",null]"), n.plaintext());
            assertTrue(n.plaintext().contains("\"ratio\":0.5"), n.plaintext());
        }
        CallbackBuilder b = publicKeyKit.notification(EventKind.TRANSACTION);
        assertThrows(IllegalArgumentException.class, () -> b.merge(Map.of("x", Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> b.merge(Map.of("x", new Object())));
        assertThrows(IllegalArgumentException.class, () -> b.merge(Map.of("x", Map.of(1, 2))));
    }

    @Test
    void customCallbacksAreOfAnyEventType() {
        try (Verifier verifier = publicKeyKit.verifier()) {
            TestCallback coupon = publicKeyKit.custom("COUPON.USE", "coupon")
                    .resource(Map.of("coupon_id", "98674556"))
                    .id("EV-coupon")
                    .build();
            Notification n = verifier.parse(coupon.headers(), coupon.body());
            assertEquals(EventKind.UNKNOWN, n.kind());
            assertEquals("COUPON.USE", n.eventType());
            assertEquals("coupon", n.originalType());
            assertEquals("{\"coupon_id\":\"98674556\"}", n.plaintext());
            TestCallback bare = publicKeyKit.custom("MARKETING.EVENT", null).build();
            Notification b = verifier.parse(bare.headers(), bare.body());
            assertEquals("MARKETING.EVENT", b.eventType());
            assertEquals("{}", b.plaintext());
        }
        assertThrows(NullPointerException.class, () -> publicKeyKit.custom(null, "x"));
        assertThrows(NullPointerException.class, () -> publicKeyKit.custom("A.B", null).eventType(null));
        assertThrows(NullPointerException.class, () -> publicKeyKit.notification(null));
    }

    @Test
    void badJsonIsAConfigException() {
        ConfigException merge = assertThrows(ConfigException.class,
                () -> publicKeyKit.notification(EventKind.TRANSACTION).merge("{not json").build());
        assertEquals(ErrorCode.CONFIG_INVALID, merge.code());
        assertTrue(merge.detail().contains("merge_json"), merge.detail());
        assertThrows(ConfigException.class, () -> publicKeyKit.notification(EventKind.REFUND).resource("[").build());
    }

    @Test
    void headersAndBodyAreWhatWechatPaySends() {
        TestCallback callback = publicKeyKit.notification(EventKind.TRANSACTION).build();
        assertEquals(List.of("Wechatpay-Serial", "Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce",
                "Wechatpay-Signature-Type", "Content-Type"), new ArrayList<>(callback.headers().keySet()));
        assertEquals(publicKeyKit.keyId(), callback.headers().get("Wechatpay-Serial"));
        assertEquals("WECHATPAY2-SHA256-RSA2048", callback.headers().get("Wechatpay-Signature-Type"));
        assertEquals("application/json", callback.headers().get("Content-Type"));
        assertThrows(UnsupportedOperationException.class, () -> callback.headers().put("X", "y"));
        byte[] body = callback.body();
        body[0] = 'x';
        assertNotEquals('x', callback.body()[0], "body() is a copy");
        String text = new String(callback.body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"id\":\"" + callback.id() + "\""), text);
        assertTrue(callback.id().matches("EV-[0-9]{20}"), callback.id());
        assertFalse(callback.toString().contains(callback.headers().get("Wechatpay-Signature")));
        // Each build is a new callback.
        TestCallback again = publicKeyKit.notification(EventKind.TRANSACTION).build();
        assertNotEquals(callback.id(), again.id());
        assertNotEquals(callback.headers().get("Wechatpay-Nonce"), again.headers().get("Wechatpay-Nonce"));
        TestCallback xml = publicKeyKit.notification(EventKind.TRANSACTION).failure(Failure.XML_BODY).build();
        assertEquals("text/xml", xml.headers().get("Content-Type"));
    }

    @Test
    void certificateAndPublicKeyKits() {
        assertTrue(publicKeyKit.keyId().matches("PUB_KEY_ID_[0-9]+"), publicKeyKit.keyId());
        assertEquals(Optional.empty(), publicKeyKit.certificatePem());
        assertTrue(publicKeyKit.publicKeyPem().startsWith("-----BEGIN PUBLIC KEY-----"));
        assertTrue(publicKeyKit.toString().contains("public key"));

        String certificate = certificateKit.certificatePem().orElseThrow();
        assertTrue(certificate.startsWith("-----BEGIN CERTIFICATE-----"), certificate);
        assertTrue(certificateKit.keyId().matches("[0-9A-F]+"), certificateKit.keyId());
        assertTrue(certificateKit.toString().contains("certificate"));
        for (Kit kit : kits()) {
            assertEquals(32, kit.apiV3Key().length());
            assertEquals(32, kit.v2Key().length());
            assertFalse(kit.toString().contains(kit.apiV3Key()));
            assertFalse(kit.toString().contains(kit.v2Key()));
            try (Verifier verifier = kit.verifier(); Verifier built = kit.verifierBuilder().build()) {
                assertEquals(List.of(kit.keyId()), verifier.keyIds());
                assertEquals(List.of(kit.keyId()), built.keyIds());
                assertEquals(Verifier.DEFAULT_MAX_CLOCK_SKEW, verifier.maxClockSkew());
            }
        }
        // The certificate's serial is what the verifier reads from it.
        try (Verifier fromPem = Verifier.builder()
                .apiV3Key(certificateKit.apiV3Key())
                .platformCertificate(certificate)
                .build()) {
            assertEquals(List.of(certificateKit.keyId()), fromPem.keyIds());
        }
        // The builder takes more settings.
        try (Verifier strict = publicKeyKit.verifierBuilder().maxClockSkew(Duration.ofSeconds(10)).build()) {
            TestCallback late = publicKeyKit.notification(EventKind.REFUND).at(Instant.now().minusSeconds(60)).build();
            assertEquals(ErrorCode.TIMESTAMP_SKEW, assertThrows(NotificationException.class,
                    () -> strict.parse(late.headers(), late.body())).code());
        }
        // Kits have their own keys: one kit's callbacks are another's unknown serial.
        assertNotEquals(publicKeyKit.apiV3Key(), certificateKit.apiV3Key());
        try (Verifier other = certificateKit.verifier()) {
            TestCallback callback = publicKeyKit.notification(EventKind.REFUND).build();
            assertEquals(ErrorCode.UNKNOWN_SERIAL, assertThrows(NotificationException.class,
                    () -> other.parse(callback.headers(), callback.body())).code());
        }
    }

    @Test
    void apiV2PaymentsAndRefundsVerify() {
        try (V2Verifier v2 = publicKeyKit.v2Verifier(); V2Verifier other = certificateKit.v2Verifier()) {
            assertEquals("SUCCESS", v2.parsePayment(publicKeyKit.v2Payment()).get("result_code"));
            Map<String, String> md5 = v2.parsePayment(publicKeyKit.v2Payment(Map.of("total_fee", "88", "attach", "a&b<c>")));
            assertEquals("88", md5.get("total_fee"));
            assertEquals("a&b<c>", md5.get("attach"));
            Map<String, String> hmac = v2.parsePayment(publicKeyKit.v2PaymentHmacSha256(Map.of("total_fee", "99")));
            assertEquals("99", hmac.get("total_fee"));
            assertEquals("HMAC-SHA256", hmac.get("sign_type"));
            assertEquals("1", v2.parseRefund(publicKeyKit.v2Refund()).reqInfo().get("refund_fee"));
            assertEquals("7", v2.parseRefund(publicKeyKit.v2Refund(Map.of("refund_fee", "7"))).reqInfo().get("refund_fee"));
            // Another kit's APIv2 key refuses them.
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, assertThrows(NotificationException.class,
                    () -> other.parsePayment(publicKeyKit.v2Payment())).code());
            assertEquals(ErrorCode.DECRYPT_FAILED, assertThrows(NotificationException.class,
                    () -> other.parseRefund(publicKeyKit.v2Refund())).code());
        }
        assertThrows(NullPointerException.class, () -> publicKeyKit.v2Payment(null));
    }

    @Test
    void closeIsIdempotentAndLaterCallsAreRefused() {
        Kit kit = Kit.create();
        Verifier verifier = kit.verifier();
        CallbackBuilder builder = kit.notification(EventKind.TRANSACTION);
        TestCallback before = builder.build();
        String keyId = kit.keyId();
        kit.close();
        kit.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, kit::verifier);
        assertThrows(IllegalStateException.class, kit::v2Payment);
        assertThrows(IllegalStateException.class, () -> kit.notification(EventKind.REFUND).build());
        assertTrue(kit.toString().contains("closed"), kit.toString());
        // What was read or made before stays usable.
        assertEquals(keyId, kit.keyId());
        try (Verifier built = kit.verifierBuilder().build()) {
            assertEquals(List.of(keyId), built.keyIds());
        }
        assertEquals(before.id(), verifier.parse(before.headers(), before.body()).id());
        verifier.close();
    }

    @Test
    void oneKitIsSharedByThreads() throws Exception {
        int threads = 8;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Verifier verifier = publicKeyKit.verifier()) {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < each; i++) {
                        Failure failure = i % 4 == 3 ? Failure.values()[(thread + i) % Failure.values().length] : null;
                        TestCallback callback = publicKeyKit.notification(EventKind.TRANSACTION)
                                .merge(Map.of("amount", Map.of("total", thread * 1000 + i)))
                                .failure(failure)
                                .build();
                        if (failure == null) {
                            Notification n = verifier.parse(callback.headers(), callback.body());
                            if (n.transaction().getAmount().getTotal() == thread * 1000 + i && ids.add(n.id())) {
                                ok++;
                            }
                        } else {
                            try {
                                verifier.parse(callback.headers(), callback.body());
                            } catch (NotificationException e) {
                                if (e.code() == failure.expectedCode()) {
                                    ok++;
                                }
                            }
                        }
                    }
                    return ok;
                }));
            }
            start.countDown();
            int ok = 0;
            for (Future<Integer> f : results) {
                ok += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(threads * each, ok);
            assertEquals(threads * each * 3 / 4, ids.size(), "every callback has its own id");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingWhileOtherThreadsBuildIsSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 3; round++) {
                Kit kit = Kit.create();
                AtomicInteger built = new AtomicInteger();
                CountDownLatch running = new CountDownLatch(4);
                List<Future<Boolean>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    fs.add(pool.submit(() -> {
                        running.countDown();
                        while (true) {
                            try {
                                assertTrue(kit.notification(EventKind.REFUND).build().body().length > 0);
                                built.incrementAndGet();
                            } catch (IllegalStateException e) {
                                return e.getMessage().contains("closed");
                            }
                        }
                    }));
                }
                running.await();
                Thread.sleep(20);
                kit.close();
                for (Future<Boolean> f : fs) {
                    assertTrue(f.get(60, TimeUnit.SECONDS));
                }
                assertTrue(built.get() > 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void testCallbackToStringShowsNoValues() {
        TestCallback callback = publicKeyKit.notification(EventKind.TRANSACTION).build();
        String s = callback.toString();
        for (String value : callback.headers().values()) {
            if (!value.startsWith("application/")) {
                assertFalse(s.contains(value), s);
            }
        }
        assertTrue(s.contains(callback.id()));
        String builder = publicKeyKit.notification(EventKind.REFUND).failure(Failure.PROBE).toString();
        assertEquals("CallbackBuilder{kind=refund, failure=probe}", builder);
    }
}
