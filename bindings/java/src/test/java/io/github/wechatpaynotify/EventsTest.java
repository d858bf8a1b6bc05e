package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.events.PromotionDetail;
import io.github.wechatpaynotify.events.Refund;
import io.github.wechatpaynotify.events.Transaction;
import io.github.wechatpaynotify.testing.TestCallback;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The value tree reader, the generated models and kinds, and the accessors end to end. */
class EventsTest {

    // ---- the value tree reader, on hand-made buffers ---------------------------------------

    /** Builds a value tree buffer by hand, as docs/c-abi.md describes it. */
    private static final class Tree {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tree tag(char tag) {
            out.write(tag);
            return this;
        }

        Tree u32(long v) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            return this;
        }

        Tree i64(long v) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        Tree str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            out.writeBytes(b);
            return this;
        }

        Tree s(String s) {
            return tag('s').str(s);
        }

        Tree i(long v) {
            return tag('i').i64(v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Test
    void valueTreeReadsEveryTag() {
        // The core's own test value, {"a": [1, "x", true, null], "b": {"c": -2}}, plus the other tags.
        byte[] bytes = new Tree()
                .tag('o').u32(4)
                .str("a").tag('a').u32(4).i(1).s("x").tag('t').tag('n')
                .str("b").tag('o').u32(1).str("c").i(-2)
                .str("金额").tag('a').u32(3).i(Long.MAX_VALUE).i(Long.MIN_VALUE).tag('f')
                .str("d").tag('d').i64(Double.doubleToLongBits(1.5))
                .bytes();
        Object tree = ValueTree.read(bytes);
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("a", Arrays.asList(1L, "x", true, null));
        want.put("b", Map.of("c", -2L));
        want.put("金额", List.of(Long.MAX_VALUE, Long.MIN_VALUE, false));
        want.put("d", 1.5);
        assertEquals(want, tree);
        assertEquals(List.of("a", "b", "金额", "d"), List.copyOf(((Map<?, ?>) tree).keySet()), "key order is kept");
        assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) tree).clear());

        // The exact bytes of the core's unit test (crates/wechatpay-notify-ffi/src/events.rs).
        byte[] core = {
            'o', 2, 0, 0, 0, 1, 0, 0, 0, 'a', 'a', 4, 0, 0, 0, 'i', 1, 0, 0, 0, 0, 0, 0, 0,
            's', 1, 0, 0, 0, 'x', 't', 'n', 1, 0, 0, 0, 'b', 'o', 1, 0, 0, 0, 1, 0, 0, 0, 'c',
            'i', -2, -1, -1, -1, -1, -1, -1, -1,
        };
        assertEquals(Map.of("a", Arrays.asList(1L, "x", true, null), "b", Map.of("c", -2L)), ValueTree.read(core));

        assertNull(ValueTree.read(new byte[] {'n'}));
        assertEquals("", ValueTree.read(new Tree().s("").bytes()));
        assertEquals(List.of(), ValueTree.read(new Tree().tag('a').u32(0).bytes()));
        assertEquals(Map.of(), ValueTree.read(new Tree().tag('o').u32(0).bytes()));
    }

    @Test
    void valueTreeRefusesMalformedBuffers() {
        byte[][] bad = {
            {},                                                         // nothing
            {'n', 'n'},                                                 // trailing bytes
            {'x'},                                                      // unknown tag
            {'i', 1, 2, 3},                                             // truncated integer
            new Tree().tag('s').u32(5).bytes(),                         // string longer than the buffer
            new Tree().tag('a').u32(0xFFFF_FFFFL).bytes(),              // a count the buffer cannot hold
            new Tree().tag('o').u32(1).str("k").bytes(),                // key without a value
            new Tree().tag('o').u32(2).str("k").tag('n').str("k").tag('t').bytes(), // repeated key
        };
        for (byte[] b : bad) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ValueTree.read(b),
                    Arrays.toString(b));
            assertTrue(e.getMessage().contains("malformed value tree"), e.getMessage());
        }
        // Nesting is bounded.
        Tree deep = new Tree();
        for (int i = 0; i <= ValueTree.MAX_DEPTH; i++) {
            deep.tag('a').u32(1);
        }
        deep.tag('n');
        assertThrows(IllegalStateException.class, () -> ValueTree.read(deep.bytes()));
        Tree ok = new Tree();
        for (int i = 0; i < ValueTree.MAX_DEPTH; i++) {
            ok.tag('a').u32(1);
        }
        ok.tag('n');
        ValueTree.read(ok.bytes());
    }

    // ---- generated models -------------------------------------------------------------------

    private static Map<String, Object> refundTree() {
        Map<String, Object> amount = new HashMap<>();
        amount.put("total", 999L);
        amount.put("refund", 999);        // an Integer is accepted as well
        amount.put("payer_total", 999L);
        amount.put("payer_refund", 999L);
        Map<String, Object> tree = new HashMap<>();
        tree.put("mchid", "1900000001");
        tree.put("out_trade_no", "TEST-ORDER");
        tree.put("transaction_id", "4200000001");
        tree.put("out_refund_no", "TEST-REFUND");
        tree.put("refund_id", "50000000001");
        tree.put("refund_status", "ABNORMAL");
        tree.put("user_received_account", "招商银行信用卡0403");
        tree.put("amount", amount);
        tree.put("some_future_field", List.of("ignored"));
        return tree;
    }

    @Test
    void modelsAreBuiltFromTreesWithOptionalFieldsEmpty() {
        Refund r = Refund.fromTree(refundTree());
        assertEquals("TEST-REFUND", r.getOutRefundNo());
        assertEquals(999, r.getAmount().getRefund());
        assertEquals(Optional.empty(), r.getSuccessTime());
        assertEquals(r, Refund.fromTree(refundTree()));
        assertEquals(r.hashCode(), Refund.fromTree(refundTree()).hashCode());
        assertTrue(r.toString().startsWith("Refund{mchid=1900000001, out_trade_no=TEST-ORDER,"), r.toString());
        assertTrue(r.toString().contains("amount=RefundAmount{total=999, refund=999,"), r.toString());
        assertFalse(r.toString().contains("success_time"), "absent optional fields are left out");

        Map<String, Object> withTime = refundTree();
        withTime.put("success_time", "2018-06-08T10:34:56+08:00");
        Refund r2 = Refund.fromTree(withTime);
        assertEquals(Optional.of("2018-06-08T10:34:56+08:00"), r2.getSuccessTime());
        assertNotEquals(r, r2);
        // null is absent.
        withTime.put("success_time", null);
        assertEquals(r, Refund.fromTree(withTime));
    }

    @Test
    void optionalListsAndIntegers() {
        Map<String, Object> detail = new HashMap<>();
        detail.put("coupon_id", "109519");
        detail.put("amount", 10L);
        detail.put("type", "CASH");
        PromotionDetail p = PromotionDetail.fromTree(detail);
        assertEquals(Optional.of("CASH"), p.getType());
        assertEquals(OptionalLong.empty(), p.getWechatpayContribute());
        assertEquals(List.of(), p.getGoodsDetail(), "an absent optional list is empty");
        detail.put("wechatpay_contribute", 0L);
        detail.put("goods_detail", List.of(Map.of(
                "goods_id", "M1", "quantity", 1L, "unit_price", 100L, "discount_amount", 1L)));
        PromotionDetail q = PromotionDetail.fromTree(detail);
        assertEquals(OptionalLong.of(0), q.getWechatpayContribute());
        assertEquals("M1", q.getGoodsDetail().get(0).getGoodsId());
        assertThrows(UnsupportedOperationException.class, () -> q.getGoodsDetail().clear());
    }

    @Test
    void badTreesNameTheFieldNeverTheValue() {
        Map<String, Object> missing = refundTree();
        ((Map<?, ?>) missing.get("amount")).remove("payer_refund");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Refund.fromTree(missing));
        assertTrue(e.getMessage().contains("`amount.payer_refund`"), e.getMessage());

        Map<String, Object> wrong = refundTree();
        wrong.put("refund_status", 12345L);
        e = assertThrows(IllegalArgumentException.class, () -> Refund.fromTree(wrong));
        assertTrue(e.getMessage().contains("`refund_status`"), e.getMessage());
        assertFalse(e.getMessage().contains("12345"), e.getMessage());

        Map<String, Object> nullItem = new HashMap<>();
        nullItem.put("coupon_id", "c");
        nullItem.put("amount", 1L);
        nullItem.put("goods_detail", Arrays.asList((Object) null));
        e = assertThrows(IllegalArgumentException.class, () -> PromotionDetail.fromTree(nullItem));
        assertTrue(e.getMessage().contains("`goods_detail.0`"), e.getMessage());

        Map<String, Object> notAList = new HashMap<>(nullItem);
        notAList.put("goods_detail", "x");
        e = assertThrows(IllegalArgumentException.class, () -> PromotionDetail.fromTree(notAList));
        assertTrue(e.getMessage().contains("`goods_detail`"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Refund.fromTree(null));
    }

    // ---- kinds and accessors ----------------------------------------------------------------

    @Test
    void everyKindHasAWireNameAndAnAccessor() {
        for (EventKind kind : EventKind.values()) {
            assertEquals(Optional.of(kind), EventKind.fromWireName(kind.wireName()));
            assertEquals(kind.name().toLowerCase(java.util.Locale.ROOT), kind.wireName());
            assertFalse(kind.title().isEmpty());
            if (kind == EventKind.UNKNOWN) {
                continue;
            }
            Method m;
            try {
                m = Notification.class.getMethod(EventFields.camel(kind.wireName()));
            } catch (NoSuchMethodException e) {
                throw new AssertionError("no accessor for " + kind, e);
            }
            assertTrue(Modifier.isFinal(m.getModifiers()), m.toString());
            assertEquals("io.github.wechatpaynotify.events", m.getReturnType().getPackageName());
            assertTrue(Modifier.isFinal(m.getReturnType().getModifiers()), m.getReturnType() + " is final");
        }
        assertEquals(Optional.empty(), EventKind.fromWireName("TRANSACTION"));
        assertEquals(Optional.empty(), EventKind.fromWireName(null));
    }

    /** A signed refund notification through the public API: kind, accessor, other accessors. */
    @Test
    void accessorsOfASignedRefund() {
        TestCallback callback = TestData.kit().notification(EventKind.REFUND)
                .merge(Map.of("out_refund_no", "TEST-REFUND", "success_time", "2018-06-08T10:34:56+08:00"))
                .build();
        try (Verifier verifier = TestData.kit().verifier()) {
            Notification n = verifier.parse(callback.headers(), callback.body());
            assertEquals(EventKind.REFUND, n.kind());
            assertTrue(n.toString().contains("kind=refund"), n.toString());
            Refund r = n.refund();
            assertEquals("TEST-REFUND", r.getOutRefundNo());
            assertEquals(Optional.of("2018-06-08T10:34:56+08:00"), r.getSuccessTime());
            NotificationException e = assertThrows(NotificationException.class, n::transaction);
            assertEquals(ErrorCode.UNEXPECTED_EVENT, e.code());
            assertTrue(e.getMessage().contains("refund"), e.getMessage());
            assertFalse(e.getMessage().contains("TEST-REFUND"), e.getMessage());
            assertEquals(500, Reply.failure(e).status());
        }
    }

    @Test
    void accessorsOfAPaymentMatchTheJsonDecode() throws Exception {
        // The kit's sample payment, with an empty attach and without the optional scene and promotions.
        Map<String, Object> merge = new HashMap<>();
        merge.put("attach", "");
        merge.put("scene_info", null);
        merge.put("promotion_detail", null);
        TestCallback callback = TestData.kit().notification(EventKind.TRANSACTION).merge(merge).build();
        try (Verifier verifier = TestData.kit().verifier()) {
            Notification n = verifier.parse(callback.headers(), callback.body());
            assertEquals(EventKind.TRANSACTION, n.kind());
            Transaction t = n.transaction();
            var json = TestData.JSON.readTree(n.plaintext());
            assertEquals(json.get("out_trade_no").asText(), t.getOutTradeNo());
            assertEquals(json.get("amount").get("total").asLong(), t.getAmount().getTotal());
            assertEquals(json.get("payer").get("openid").asText(), t.getPayer().getOpenid());
            assertEquals(Optional.of(""), t.getAttach());
            assertEquals(Optional.empty(), t.getSceneInfo());
            assertEquals(List.of(), t.getPromotionDetail());
            assertEquals(ErrorCode.UNEXPECTED_EVENT, assertThrows(NotificationException.class, n::refund).code());
        }
    }
}
