package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.events.Payer;
import io.github.wechatpaynotify.events.PromotionDetail;
import io.github.wechatpaynotify.events.Refund;
import io.github.wechatpaynotify.events.SceneInfo;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The value tree reader of the models, the generated models and kinds, and the accessors end to end. */
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
    void treeBytesAreReadWithUnknownKeysOfEveryTagSkipped() {
        // A promotion in another key order than the model's, with unknown keys holding every tag
        // (nested), an optional field set to null, and a list of models.
        byte[] bytes = new Tree()
                .tag('o').u32(9)
                .str("amount").i(10)
                .str("金额").tag('a').u32(3).i(Long.MAX_VALUE).i(Long.MIN_VALUE).tag('f')
                .str("coupon_id").s("109519")
                .str("x").tag('o').u32(2).str("a").tag('a').u32(4).i(1).s("x").tag('t').tag('n')
                        .str("b").tag('o').u32(1).str("c").i(-2)
                .str("d").tag('d').i64(Double.doubleToLongBits(1.5))
                .str("type").tag('n')
                .str("goods_detail").tag('a').u32(1)
                        .tag('o').u32(5).str("goods_id").s("M1").str("quantity").i(1).str("unit_price").i(100)
                        .str("discount_amount").i(1).str("y").tag('o').u32(0)
                .str("name").s("单品惠-6")
                .str("wechatpay_contribute").i(0)
                .bytes();
        PromotionDetail p = PromotionDetail.fromTreeBytes(bytes);
        Map<String, Object> goods = Map.of("goods_id", "M1", "quantity", 1L, "unit_price", 100L, "discount_amount", 1L);
        Map<String, Object> tree = new HashMap<>();
        tree.put("coupon_id", "109519");
        tree.put("amount", 10L);
        tree.put("name", "单品惠-6");
        tree.put("wechatpay_contribute", 0L);
        tree.put("goods_detail", List.of(goods));
        assertEquals(PromotionDetail.fromTree(tree), p);
        assertEquals(Optional.of("单品惠-6"), p.getName());
        assertEquals(Optional.empty(), p.getType(), "null is absent");
        assertEquals(OptionalLong.of(0), p.getWechatpayContribute());
        assertThrows(UnsupportedOperationException.class, () -> p.getGoodsDetail().clear());

        // The exact bytes of the core's unit test (crates/wechatpay-notify-ffi/src/events.rs),
        // {"a": [1, "x", true, null], "b": {"c": -2}}: read through, then Payer's key is missing.
        byte[] core = {
            'o', 2, 0, 0, 0, 1, 0, 0, 0, 'a', 'a', 4, 0, 0, 0, 'i', 1, 0, 0, 0, 0, 0, 0, 0,
            's', 1, 0, 0, 0, 'x', 't', 'n', 1, 0, 0, 0, 'b', 'o', 1, 0, 0, 0, 1, 0, 0, 0, 'c',
            'i', -2, -1, -1, -1, -1, -1, -1, -1,
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Payer.fromTreeBytes(core));
        assertEquals("the required field `openid` is missing", e.getMessage());
        assertEquals("o", Payer.fromTreeBytes(new Tree().tag('o').u32(1).str("openid").s("o").bytes()).getOpenid());
        assertEquals(Optional.empty(), SceneInfo.fromTreeBytes(new Tree().tag('o').u32(0).bytes()).getDeviceId());
        assertThrows(NullPointerException.class, () -> Payer.fromTreeBytes(null));
    }

    @Test
    void treeBytesThatDoNotFitNameTheFieldNeverTheValue() {
        String[][] cases = {
            {"a required field missing", "the required field `amount.payer_total` is missing"},
            {"a required field null", "the required field `amount.total` is missing"},
            {"a wrong type", "the field `refund_status` holds an integer, expected a string"},
            {"a null item", "the item `goods_detail.0` is null"},
            {"a wrong item", "the field `goods_detail.0.quantity` holds a string, expected an integer"},
            {"not an object", "the resource holds a list, expected an object"},
        };
        Tree amountWithoutPayerTotal = new Tree().str("amount").tag('o').u32(2).str("total").i(9).str("refund").i(9);
        Tree amountWithNullTotal = new Tree().str("amount").tag('o').u32(4).str("total").tag('n').str("refund").i(9)
                .str("payer_total").i(9).str("payer_refund").i(9);
        Tree amount = new Tree().str("amount").tag('o').u32(4).str("total").i(9).str("refund").i(9)
                .str("payer_total").i(9).str("payer_refund").i(9);
        byte[][] trees = {
            refundBytes("SUCCESS", amountWithoutPayerTotal),
            refundBytes("SUCCESS", amountWithNullTotal),
            refundBytes(null, amount),
            new Tree().tag('o').u32(3).str("coupon_id").s("c").str("amount").i(1)
                    .str("goods_detail").tag('a').u32(1).tag('n').bytes(),
            new Tree().tag('o').u32(3).str("coupon_id").s("c").str("amount").i(1)
                    .str("goods_detail").tag('a').u32(1).tag('o').u32(4).str("goods_id").s("g")
                    .str("quantity").s("12345").str("unit_price").i(1).str("discount_amount").i(0).bytes(),
            new Tree().tag('a').u32(0).bytes(),
        };
        for (int i = 0; i < cases.length; i++) {
            byte[] b = trees[i];
            boolean refund = i < 3;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> {
                        if (refund) {
                            Refund.fromTreeBytes(b);
                        } else {
                            PromotionDetail.fromTreeBytes(b);
                        }
                    }, cases[i][0]);
            assertEquals(cases[i][1], e.getMessage(), cases[i][0]);
            assertFalse(e.getMessage().contains("12345"), e.getMessage());
        }
    }

    /** A refund's tree; {@code status} null makes refund_status an integer. */
    private static byte[] refundBytes(String status, Tree amount) {
        Tree t = new Tree().tag('o').u32(8)
                .str("mchid").s("1900000001").str("out_trade_no").s("TEST-ORDER").str("transaction_id").s("4200000001")
                .str("out_refund_no").s("TEST-REFUND").str("refund_id").s("50000000001");
        t = status == null ? t.str("refund_status").i(12345) : t.str("refund_status").s(status);
        t.str("user_received_account").s("招商银行信用卡0403");
        byte[] head = t.bytes();
        byte[] tail = amount.bytes();
        byte[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    @Test
    void malformedTreeBytesAreRefused() {
        byte[][] bad = {
            {},                                                         // nothing
            new Tree().tag('o').u32(1).str("openid").s("o").tag('n').bytes(), // trailing bytes
            {'x'},                                                      // unknown tag
            new Tree().tag('o').u32(1).str("openid").tag('x').bytes(), // unknown tag of a field
            new Tree().tag('o').u32(1).str("k").tag('x').bytes(),      // unknown tag of an unknown key
            new Tree().tag('o').u32(1).str("k").tag('i').u32(3).bytes(), // truncated integer
            new Tree().tag('o').u32(1).str("openid").tag('s').u32(5).bytes(), // string longer than the buffer
            new Tree().tag('o').u32(1).str("k").tag('a').u32(0xFFFF_FFFFL).bytes(), // a count the buffer cannot hold
            new Tree().tag('o').u32(0xFFFF_FFFFL).bytes(),
            new Tree().tag('o').u32(1).str("k").bytes(),                // key without a value
            new Tree().tag('o').u32(2).str("k").tag('n').str("k").tag('t').bytes(), // repeated unknown key
            new Tree().tag('o').u32(2).str("openid").s("a").str("openid").s("b").bytes(), // repeated key
            new Tree().tag('o').u32(2).str("openid").s("a").str("openid").tag('n').bytes(),
            new Tree().tag('o').u32(2).str("k").tag('o').u32(2).str("j").tag('n').str("j").tag('n').bytes(),
        };
        for (byte[] b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Payer.fromTreeBytes(b),
                    Arrays.toString(b));
            assertTrue(e.getMessage().startsWith("malformed value tree ("), e.getMessage());
        }
        // Nesting is bounded: the root is at depth 0, its members' values at 1.
        assertThrows(IllegalArgumentException.class, () -> SceneInfo.fromTreeBytes(nested(128)));
        SceneInfo.fromTreeBytes(nested(127));
    }

    /** {"x": [[...[null]...]]} with {@code arrays} arrays: the null is at depth {@code arrays + 1}. */
    private static byte[] nested(int arrays) {
        Tree t = new Tree().tag('o').u32(1).str("x");
        for (int i = 0; i < arrays; i++) {
            t.tag('a').u32(1);
        }
        return t.tag('n').bytes();
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
