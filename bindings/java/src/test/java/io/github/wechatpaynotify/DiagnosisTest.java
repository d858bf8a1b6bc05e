package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.github.wechatpaynotify.Diagnosis.Check;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.testing.Failure;
import io.github.wechatpaynotify.testing.Kit;
import io.github.wechatpaynotify.testing.TestCallback;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Verifier#diagnose} and {@link V2Verifier#diagnose} on callbacks of the testing kit:
 * every check, the verdict (exactly parse's) and the signs of a re-serialized body, as the core
 * gives them (crates/wechatpay-notify/tests/reserialized.rs, tests/python/test_diagnosis_hints.py).
 */
class DiagnosisTest {
    private static final long NOW = 1_700_000_000L;
    /** The APIv3 step of the signature (docs/protocol.md). */
    private static final int SIGNATURE = 10;

    private static TestCallback callback(Failure failure) {
        return TestData.kit().notification(EventKind.TRANSACTION).timestamp(NOW).failure(failure).build();
    }

    /** The exception parse throws for the callback. */
    private static NotificationException parseError(Verifier v, Map<String, String> headers, byte[] body) {
        return assertThrows(NotificationException.class, () -> v.parse(headers, body));
    }

    /** Asserts that every step but those listed passed, and that the steps are 0, 1, ... in order. */
    private static void assertPassedExcept(Diagnosis d, int... notPassed) {
        List<Check> checks = d.checks();
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            assertEquals(i, c.step(), c.toString());
            assertFalse(c.name().isEmpty(), c.toString());
            boolean listed = false;
            for (int s : notPassed) {
                listed |= s == i;
            }
            if (!listed) {
                assertEquals(Check.Status.PASSED, c.status(), d.toString());
                assertTrue(c.passed());
                assertEquals("", c.message(), c.toString());
                assertTrue(c.code().isEmpty(), c.toString());
            }
        }
    }

    /** Asserts that the verdict is the refusal parse throws, with the same code and message. */
    private static NotificationException assertRefusedAsParse(Diagnosis d, NotificationException parsed) {
        assertFalse(d.accepted(), d.toString());
        assertTrue(d.notification().isEmpty());
        NotificationException e = d.error().orElseThrow();
        assertEquals(parsed.code(), e.code());
        assertEquals(parsed.getMessage(), e.getMessage());
        assertEquals(parsed.detail(), e.detail());
        assertEquals(parsed.getClass(), e.getClass());
        return e;
    }

    @Test
    void anAcceptedCallbackPassesAllSixteenChecks() {
        TestCallback cb = TestData.transaction("EV-diagnose-ok", NOW);
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            for (Diagnosis d : List.of(v.diagnose(cb.headers(), cb.body()),
                    v.diagnose(Headers.fromMap(cb.headers()), cb.body()))) {
                assertEquals(16, d.checks().size(), d.toString());
                assertPassedExcept(d);
                assertTrue(d.accepted(), d.toString());
                assertTrue(d.error().isEmpty());
                assertEquals(List.of(), d.hints());
                // The verdict is what parse returns, copied before the diagnosis was freed.
                Notification n = d.notification().orElseThrow();
                Notification parsed = v.parse(cb.headers(), cb.body());
                assertEquals("EV-diagnose-ok", n.id());
                assertEquals(cb.id(), n.id());
                assertEquals(parsed.createTime(), n.createTime());
                assertEquals(parsed.eventType(), n.eventType());
                assertEquals(parsed.serial(), n.serial());
                assertEquals(parsed.timestamp(), n.timestamp());
                assertEquals(parsed.plaintext(), n.plaintext());
                assertEquals(EventKind.TRANSACTION, n.kind());
                assertEquals(parsed.transaction().getOutTradeNo(), n.transaction().getOutTradeNo());
                String text = d.toString();
                assertTrue(text.startsWith("Checks (APIv3)\n  ✓  0 "), text);
                assertTrue(text.contains("\n  ✓ 15 "), text);
                assertTrue(text.endsWith("Verdict: OK (accepted), id EV-diagnose-ok"), text);
                assertFalse(text.contains(n.plaintext()), "no plaintext in the text");
            }
            // Immutable.
            Diagnosis d = v.diagnose(cb.headers(), cb.body());
            assertThrows(UnsupportedOperationException.class, () -> d.checks().clear());
            assertThrows(UnsupportedOperationException.class, () -> d.hints().add("spaces"));
            assertEquals(d.checks(), v.diagnose(cb.headers(), cb.body()).checks());
        }
    }

    @Test
    void aTamperedBodyFailsStepTenWithoutHints() {
        TestCallback cb = callback(Failure.TAMPERED_BODY);
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            Diagnosis d = v.diagnose(cb.headers(), cb.body());
            assertEquals(16, d.checks().size());
            Check signature = d.checks().get(SIGNATURE);
            assertEquals(Check.Status.FAILED, signature.status(), d.toString());
            assertFalse(signature.passed());
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, signature.code().orElseThrow());
            // Only the signature fails: the tampered create_time still decrypts (steps 11-15).
            assertPassedExcept(d, SIGNATURE);
            NotificationException e = assertRefusedAsParse(d, parseError(v, cb.headers(), cb.body()));
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, e.code());
            assertEquals(401, Reply.failure(e).status());
            // A compact body: no sign of re-serialization, and step 10 says what parse says.
            assertEquals(List.of(), d.hints());
            assertEquals(e.detail(), signature.message());
            assertFalse(signature.message().contains("looks re-serialized"), signature.message());
            String text = d.toString();
            assertTrue(text.contains("\n  ✗ 10 " + signature.name() + "\n       SIGNATURE_MISMATCH: " + e.detail()), text);
            assertTrue(text.endsWith("Verdict: SIGNATURE_MISMATCH (rejected)"), text);
            assertFalse(text.contains("looks re-serialized"), text);
            assertEquals("✗ 10 " + signature.name() + ": SIGNATURE_MISMATCH: " + e.detail(), signature.toString());
        }
    }

    @Test
    void theKitsReserializedCallbackIsNamedReSerialized() {
        TestCallback cb = callback(Failure.RESERIALIZED);
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            Diagnosis d = v.diagnose(cb.headers(), cb.body());
            // serde_json's pretty printer: line breaks, two-space indentation, ": ".
            assertEquals(List.of("line_breaks", "indentation", "space_after_colon"), d.hints());
            Check signature = d.checks().get(SIGNATURE);
            assertEquals(Check.Status.FAILED, signature.status());
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, signature.code().orElseThrow());
            NotificationException e = assertRefusedAsParse(d, parseError(v, cb.headers(), cb.body()));
            // Step 10's message is the verdict's, then the signs; the verdict stays parse's.
            assertEquals(e.detail() + "; the body looks re-serialized: it has line breaks inside the JSON "
                    + "(pretty-printed), indentation (pretty-printed), a space after ':', which WeChat Pay never sends",
                    signature.message());
            assertTrue(signature.message().contains("the body looks re-serialized"));
            assertFalse(e.getMessage().contains("looks re-serialized"), e.getMessage());
            // The diagnosis goes on: the re-serialized resource still decrypts.
            assertPassedExcept(d, SIGNATURE);
            assertTrue(d.toString().endsWith(
                    "(rejected)\nSigns of a re-serialized body: line_breaks, indentation, space_after_colon"), d.toString());
        }
    }

    @Test
    void bodiesReEncodedByJacksonOrPhpAreNamed() throws Exception {
        TestCallback cb = TestData.kit().notification(EventKind.TRANSACTION).id("EV/2024/1").timestamp(NOW).build();
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            Object tree = TestData.JSON.readTree(cb.body());
            // Jackson's default pretty printer writes " : ": a space before the colon too.
            byte[] pretty = TestData.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
            Diagnosis d = v.diagnose(cb.headers(), pretty);
            assertEquals(List.of("line_breaks", "indentation", "spaces", "space_after_colon"), d.hints());
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, d.error().orElseThrow().code());
            assertTrue(d.checks().get(SIGNATURE).message().contains("the body looks re-serialized"));
            // Jackson with ESCAPE_NON_ASCII: the summary 支付成功 as \\uXXXX.
            byte[] escaped = TestData.JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsBytes(tree);
            d = v.diagnose(cb.headers(), escaped);
            assertEquals(List.of("unicode_escapes"), d.hints());
            assertTrue(d.checks().get(SIGNATURE).message().contains("\\uXXXX"), d.checks().get(SIGNATURE).message());
            // PHP's json_encode default: "\/".
            String php = new String(cb.body(), StandardCharsets.UTF_8).replace("EV/2024/1", "EV\\/2024\\/1");
            d = v.diagnose(cb.headers(), php.getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("escaped_slashes"), d.hints());
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, d.checks().get(SIGNATURE).code().orElseThrow());
        }
    }

    @Test
    void aCompactBodyWithAWrongSignatureGetsNoHint() {
        TestCallback cb = TestData.transaction("EV-diagnose-1", NOW);
        TestCallback other = TestData.transaction("EV-diagnose-2", NOW);
        Map<String, String> headers = new LinkedHashMap<>(cb.headers());
        headers.put("Wechatpay-Signature", other.headers().get("Wechatpay-Signature"));
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            Diagnosis d = v.diagnose(headers, cb.body());
            NotificationException e = assertRefusedAsParse(d, parseError(v, headers, cb.body()));
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, e.code());
            assertEquals(List.of(), d.hints());
            assertEquals(e.detail(), d.checks().get(SIGNATURE).message());
            // A trailing line break (an editor's, a capture's) is not a sign either.
            byte[] crlf = (new String(cb.body(), StandardCharsets.UTF_8) + "\r\n").getBytes(StandardCharsets.UTF_8);
            d = v.diagnose(cb.headers(), crlf);
            assertEquals(ErrorCode.SIGNATURE_MISMATCH, d.error().orElseThrow().code());
            assertEquals(List.of(), d.hints());
        }
    }

    @Test
    void laterFailuresAreReportedAndMissingInputsSkipTheirChecks() {
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            // An unknown serial: steps 8-10 have no key to check with.
            TestCallback unknown = callback(Failure.UNKNOWN_SERIAL);
            Diagnosis d = v.diagnose(unknown.headers(), unknown.body());
            assertEquals(ErrorCode.UNKNOWN_SERIAL, d.checks().get(7).code().orElseThrow());
            for (int step : new int[] {8, 9, 10}) {
                Check c = d.checks().get(step);
                assertEquals(Check.Status.SKIPPED, c.status(), d.toString());
                assertFalse(c.message().isEmpty(), c.toString());
                assertTrue(c.code().isEmpty());
                assertTrue(c.toString().startsWith(String.format("- %2d %s (skipped: ", step, c.name())), c.toString());
            }
            assertPassedExcept(d, 7, 8, 9, 10);
            assertRefusedAsParse(d, parseError(v, unknown.headers(), unknown.body()));
            assertEquals(List.of(), d.hints(), "step 10 did not run: no sign is looked for");
            // An XML body: nothing after step 1 can run.
            TestCallback xml = callback(Failure.XML_BODY);
            d = v.diagnose(xml.headers(), xml.body());
            assertEquals(ErrorCode.WRONG_FORMAT, d.checks().get(1).code().orElseThrow());
            for (Check c : d.checks().subList(2, 16)) {
                assertEquals(Check.Status.SKIPPED, c.status(), c.toString());
            }
            assertRefusedAsParse(d, parseError(v, xml.headers(), xml.body()));
            // Another APIv3 key: the signature passes, decryption (step 14) fails, 15 is skipped.
            TestCallback otherKey = callback(Failure.OTHER_APIV3_KEY);
            d = v.diagnose(otherKey.headers(), otherKey.body());
            assertEquals(ErrorCode.DECRYPT_FAILED, d.checks().get(14).code().orElseThrow());
            assertEquals(Check.Status.SKIPPED, d.checks().get(15).status());
            assertPassedExcept(d, 14, 15);
            assertRefusedAsParse(d, parseError(v, otherKey.headers(), otherKey.body()));
            // No headers at all, and an empty body: a diagnosis, not an exception.
            d = v.diagnose(Map.of(), new byte[0]);
            assertFalse(d.accepted());
            assertEquals(16, d.checks().size());
            assertRefusedAsParse(d, parseError(v, Map.of(), new byte[0]));
        }
    }

    @Test
    void theTimeIsTheVerifiersClock() {
        TestCallback cb = TestData.transaction("EV-diagnose-clock", NOW);
        TestClock clock = TestClock.at(NOW);
        try (Verifier v = TestData.kit().verifierBuilder().clock(clock).build();
                Verifier system = TestData.kit().verifier()) {
            assertTrue(v.diagnose(cb.headers(), cb.body()).accepted());
            clock.set(NOW + 301);
            Diagnosis d = v.diagnose(cb.headers(), cb.body());
            assertEquals(ErrorCode.TIMESTAMP_SKEW, d.checks().get(5).code().orElseThrow());
            assertTrue(d.checks().get(5).message().contains(Long.toString(NOW)), d.checks().get(5).message());
            // The clock is the only problem: every other check still passes.
            assertPassedExcept(d, 5);
            assertRefusedAsParse(d, parseError(v, cb.headers(), cb.body()));
            // Without a clock the library reads the system clock, years after NOW.
            d = system.diagnose(cb.headers(), cb.body());
            assertEquals(ErrorCode.TIMESTAMP_SKEW, d.error().orElseThrow().code());
            TestCallback now = TestData.transaction("EV-diagnose-now", System.currentTimeMillis() / 1000);
            assertEquals("EV-diagnose-now", system.diagnose(now.headers(), now.body()).notification().orElseThrow().id());
        }
    }

    @Test
    void apiV2PaymentsAndRefundsAreDiagnosed() {
        Kit kit = TestData.kit();
        try (V2Verifier v = kit.v2Verifier(); V2Verifier wrongKey = new V2Verifier("0123456789abcdef0123456789abcdef")) {
            byte[] payment = kit.v2Payment(Map.of("total_fee", "500"));
            for (Diagnosis d : List.of(v.diagnose(payment), v.diagnose(new String(payment, StandardCharsets.UTF_8)))) {
                assertEquals(7, d.checks().size(), d.toString());
                assertPassedExcept(d);
                assertTrue(d.accepted());
                assertTrue(d.error().isEmpty());
                assertTrue(d.notification().isEmpty(), "no notification for APIv2: parse the body");
                assertEquals(List.of(), d.hints());
                assertTrue(d.toString().startsWith("Checks (APIv2)\n  ✓  0 "), d.toString());
                assertTrue(d.toString().endsWith("\nVerdict: OK (accepted)"), d.toString());
            }
            // Another key, or a changed amount: step 6 (the sign) fails as parsePayment does.
            byte[] changed = new String(payment, StandardCharsets.UTF_8).replace("[500]", "[501]")
                    .getBytes(StandardCharsets.UTF_8);
            assertNotEquals(new String(payment, StandardCharsets.UTF_8), new String(changed, StandardCharsets.UTF_8));
            for (Object[] c : new Object[][] {{wrongKey, payment}, {v, changed}}) {
                V2Verifier verifier = (V2Verifier) c[0];
                byte[] body = (byte[]) c[1];
                Diagnosis d = verifier.diagnose(body);
                assertEquals(ErrorCode.SIGNATURE_MISMATCH, d.checks().get(6).code().orElseThrow(), d.toString());
                assertPassedExcept(d, 6);
                assertRefusedAsParse(d, assertThrows(NotificationException.class, () -> verifier.parsePayment(body)));
                assertEquals(List.of(), d.hints(), "no hints for APIv2");
            }
            // A refund: 6 checks, the last one decrypting req_info.
            byte[] refund = kit.v2Refund();
            Diagnosis d = v.diagnose(refund);
            assertEquals(6, d.checks().size(), d.toString());
            assertPassedExcept(d);
            assertTrue(d.accepted());
            d = wrongKey.diagnose(refund);
            assertEquals(ErrorCode.DECRYPT_FAILED, d.checks().get(5).code().orElseThrow(), d.toString());
            assertRefusedAsParse(d, assertThrows(NotificationException.class, () -> wrongKey.parseRefund(refund)));
            // JSON sent to the APIv2 verifier: step 1, and nothing later runs.
            d = v.diagnose(TestData.transaction("EV-json", NOW).body());
            assertEquals(ErrorCode.WRONG_FORMAT, d.checks().get(1).code().orElseThrow());
            assertEquals(Check.Status.SKIPPED, d.checks().get(d.checks().size() - 1).status());
            assertFalse(d.accepted());
        }
    }

    @Test
    void closedVerifiersAndNullsAreRefused() {
        TestCallback cb = TestData.transaction("EV-diagnose-closed", NOW);
        Verifier v = TestData.kitVerifierAt(NOW);
        V2Verifier v2 = TestData.kit().v2Verifier();
        assertThrows(NullPointerException.class, () -> v.diagnose((Map<String, String>) null, cb.body()));
        assertThrows(NullPointerException.class, () -> v.diagnose((Headers) null, cb.body()));
        assertThrows(NullPointerException.class, () -> v.diagnose(cb.headers(), null));
        assertThrows(NullPointerException.class, () -> v2.diagnose((byte[]) null));
        assertThrows(NullPointerException.class, () -> v2.diagnose((String) null));
        v.close();
        v2.close();
        assertThrows(IllegalStateException.class, () -> v.diagnose(cb.headers(), cb.body()));
        assertThrows(IllegalStateException.class, () -> v2.diagnose(TestData.kit().v2Payment()));
    }

    @Test
    void manyDiagnosesOnSeveralThreadsAgree() throws Exception {
        TestCallback ok = TestData.transaction("EV-diagnose-threads", NOW);
        TestCallback pretty = callback(Failure.RESERIALIZED);
        try (Verifier v = TestData.kitVerifierAt(NOW)) {
            Diagnosis expectedOk = v.diagnose(ok.headers(), ok.body());
            Diagnosis expectedPretty = v.diagnose(pretty.headers(), pretty.body());
            List<Thread> threads = new java.util.ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        for (int i = 0; i < 500; i++) {
                            Diagnosis a = v.diagnose(ok.headers(), ok.body());
                            Diagnosis b = v.diagnose(pretty.headers(), pretty.body());
                            assertEquals(expectedOk.checks(), a.checks());
                            assertEquals("EV-diagnose-threads", a.notification().orElseThrow().id());
                            assertEquals(expectedPretty.checks(), b.checks());
                            assertEquals(expectedPretty.hints(), b.hints());
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(List.of(), failures);
        }
    }
}
