package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Error codes agree with the native library; replies are what WeChat Pay expects. */
class ReplyAndCodesTest {

    @Test
    void errorCodesMatchTheNativeCodesByName() {
        ErrorCode[] codes = ErrorCode.values();
        // ErrorCode (generated from the header) names exactly the core codes the loaded library
        // knows: every value with a name and a family other than none (OK) and internal (the
        // C ABI's own codes).
        Set<String> libraryCodes = new TreeSet<>();
        for (int raw = 0; raw < 2000; raw++) {
            int family = Lib.wpn_error_code_family(raw);
            if (!Errors.name(raw).equals("UNKNOWN") && family != Lib.WPN_FAMILY_NONE && family != Lib.WPN_FAMILY_INTERNAL) {
                libraryCodes.add(Errors.name(raw));
            }
        }
        Set<String> javaCodes = new TreeSet<>();
        for (ErrorCode code : codes) {
            javaCodes.add(code.name());
        }
        assertEquals(libraryCodes, javaCodes);
        assertTrue(codes.length >= 19, Arrays.toString(codes));
        Set<Integer> raws = new HashSet<>();
        for (ErrorCode code : codes) {
            int raw = Errors.result(code);
            assertTrue(raws.add(raw), code.name());
            assertEquals(code.name(), Errors.name(raw));
            assertEquals(Optional.of(code), ErrorCode.fromName(Errors.name(raw)));
            assertEquals(Optional.of(code), ErrorCode.fromName(code.name()));
        }
        // The C-only codes are known to the library by name, and are not ErrorCodes.
        for (String cOnly : List.of("NULL_ARGUMENT", "PANIC", "INVALID_ARGUMENT")) {
            int raw = nativeCode(cOnly);
            assertEquals(cOnly, Errors.name(raw));
            assertEquals(Optional.empty(), ErrorCode.fromName(Errors.name(raw)), cOnly);
            assertFalse(raws.contains(raw), cOnly);
        }
        assertEquals("OK", Errors.name(nativeCode("OK")));
        assertEquals("UNKNOWN", Errors.name(987_654));
        assertEquals(Optional.empty(), ErrorCode.fromName(Errors.name(987_654)));
        assertEquals(Optional.empty(), ErrorCode.fromName("NOPE"));
        Set<ErrorCode> authenticity = EnumSet.of(
                ErrorCode.MISSING_HEADER, ErrorCode.UNSUPPORTED_SIGNATURE_TYPE, ErrorCode.BAD_TIMESTAMP,
                ErrorCode.TIMESTAMP_SKEW, ErrorCode.SIGNATURE_PROBE, ErrorCode.UNKNOWN_SERIAL, ErrorCode.KEY_EXPIRED,
                ErrorCode.MALFORMED_SIGNATURE, ErrorCode.SIGNATURE_MISMATCH);
        for (ErrorCode code : codes) {
            assertEquals(authenticity.contains(code), code.isAuthenticity(), code.name());
        }
        assertEquals(ErrorFamily.DECRYPTION, ErrorCode.DECRYPT_FAILED.family());
        assertEquals(ErrorFamily.FORMAT, ErrorCode.BODY_TOO_LARGE.family());
        assertEquals(ErrorFamily.CONFIG, ErrorCode.CONFIG_INVALID.family());
        assertEquals(ErrorFamily.AUTHENTICITY, ErrorCode.SIGNATURE_PROBE.family());
    }

    /** A result code looked up by name in the native library. */
    private static int nativeCode(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        IntByReference out = new IntByReference(-1);
        assertTrue(Marshal.isTrue(Lib.wpn_error_code_from_name(bytes, bytes.length, out)), name);
        return out.getValue();
    }

    @Test
    void internalErrorsAreNotNotificationExceptions() {
        for (String internal : List.of("PANIC", "NULL_ARGUMENT", "INVALID_ARGUMENT")) {
            RuntimeException e = Errors.exception(nativeCode(internal), null);
            assertTrue(e instanceof IllegalStateException, internal);
            assertTrue(e.getMessage().contains(internal), e.getMessage());
        }
        RuntimeException unknown = Errors.exception(987_654, null);
        assertTrue(unknown instanceof IllegalStateException);
        assertTrue(unknown.getMessage().contains("UNKNOWN"), unknown.getMessage());
        assertTrue(Errors.exception(nativeCode("CONFIG_INVALID"), null) instanceof ConfigException);
        assertEquals(ErrorCode.KEY_EXPIRED,
                ((NotificationException) Errors.exception(nativeCode("KEY_EXPIRED"), null)).code());
    }

    @Test
    void v3Replies() throws Exception {
        Reply ok = Reply.success();
        assertEquals(204, ok.status());
        assertEquals(Optional.empty(), ok.contentType());
        assertEquals("", ok.body());

        Reply unauthorized = Reply.failure(new NotificationException(ErrorCode.SIGNATURE_MISMATCH, "bad \"sig\""));
        assertEquals(401, unauthorized.status());
        assertEquals(Optional.of("application/json"), unauthorized.contentType());
        JsonNode body = TestData.JSON.readTree(unauthorized.body());
        assertEquals("FAIL", body.get("code").asText());
        assertEquals("SIGNATURE_MISMATCH: signature verification failed", body.get("message").asText());
        // The body depends on the code only, never on the error's detailed message (issue 21).
        for (ErrorCode code : ErrorCode.values()) {
            Reply a = Reply.failure(new NotificationException(code, "x"));
            Reply b = Reply.failure(new NotificationException(code, "configured: 1900000001 PUB_KEY_ID_0114"));
            assertEquals(a.body(), b.body(), code.name());
            assertFalse(b.body().contains("1900000001"), b.body());
            assertTrue(b.body().length() < 120, b.body());
        }

        assertEquals(500, Reply.failure(new NotificationException(ErrorCode.DECRYPT_FAILED, "x")).status());
        assertEquals(500, Reply.failure(new NotificationException(ErrorCode.WRONG_FORMAT, "x")).status());
        assertEquals(500, Reply.failure(new ConfigException("x")).status());
        for (ErrorCode code : ErrorCode.values()) {
            int expected = code.isAuthenticity() ? 401 : 500;
            assertEquals(expected, Reply.failure(new NotificationException(code, "m")).status(), code.name());
        }

        Reply custom = Reply.failure(503, "数据库暂时不可用");
        assertEquals(503, custom.status());
        assertEquals("数据库暂时不可用", TestData.JSON.readTree(custom.body()).get("message").asText());
        assertEquals(custom.body(), new String(custom.bodyBytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> Reply.failure(99, "x"));
    }

    @Test
    void v2Replies() {
        Reply ok = Reply.v2Success();
        assertEquals(200, ok.status());
        assertEquals(Optional.of("application/xml"), ok.contentType());
        assertEquals("<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>",
                ok.body());
        Reply fail = Reply.v2Failure("签名错误 ]]> here");
        assertEquals(200, fail.status());
        assertTrue(fail.body().contains("<return_code><![CDATA[FAIL]]></return_code>"));
        assertFalse(fail.body().contains("错误 ]]> here"), "CDATA terminator is escaped");
        assertTrue(fail.toString().contains("200"));
    }

    @Test
    void v2VerifierEndToEnd() {
        JsonNode vectors = TestData.notifications();
        String key = vectors.get("v2_keys").get("default").asText();
        try (V2Verifier v2 = new V2Verifier(key)) {
            JsonNode valid = TestData.cases("v2_payment").stream()
                    .filter(c -> c.get("expect").path("ok").asBoolean(false))
                    .findFirst().orElseThrow();
            String xml = new String(TestData.body(valid), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(TestData.stringMap(valid.get("expect").get("fields")), v2.parsePayment(xml));
            assertThrows(UnsupportedOperationException.class, () -> v2.parsePayment(xml).put("a", "b"));
            // JSON to the v2 parser is WRONG_FORMAT.
            assertEquals(ErrorCode.WRONG_FORMAT,
                    assertThrows(NotificationException.class, () -> v2.parsePayment("{\"a\":1}")).code());
            int size = TestData.body(valid).length;
            try (V2Verifier small = v2.withMaxBodySize(10); V2Verifier exact = v2.withMaxBodySize(size)) {
                assertEquals(ErrorCode.BODY_TOO_LARGE,
                        assertThrows(NotificationException.class, () -> small.parsePayment(xml)).code());
                assertEquals(TestData.stringMap(valid.get("expect").get("fields")), exact.parsePayment(xml));
                assertEquals(ErrorCode.BODY_TOO_LARGE,
                        assertThrows(NotificationException.class, () -> exact.parsePayment(xml + " ")).code());
            }
            assertThrows(ConfigException.class, () -> v2.withMaxBodySize(-1));
            // 0 would mean "the default" to the C ABI: refused rather than silently 64 KiB.
            assertThrows(ConfigException.class, () -> v2.withMaxBodySize(0));
            // The default limit is V2Verifier.DEFAULT_MAX_BODY_SIZE.
            StringBuilder padded = new StringBuilder(xml);
            while (padded.length() <= V2Verifier.DEFAULT_MAX_BODY_SIZE) {
                padded.append("          ");
            }
            assertEquals(ErrorCode.BODY_TOO_LARGE,
                    assertThrows(NotificationException.class, () -> v2.parsePayment(padded.toString())).code());
            JsonNode refund = TestData.cases("v2_refund").stream()
                    .filter(c -> c.get("expect").path("ok").asBoolean(false))
                    .findFirst().orElseThrow();
            V2Refund r = v2.parseRefund(new String(TestData.body(refund), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(TestData.stringMap(refund.get("expect").get("req_info")), r.reqInfo());
            assertFalse(r.fields().containsKey("req_info"));
            assertFalse(r.toString().contains(r.reqInfo().values().iterator().next()));
        }
        V2Verifier closed = new V2Verifier(key);
        closed.close();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.parsePayment("<xml/>"));
        assertThrows(IllegalStateException.class, () -> closed.withMaxBodySize(100));
        assertTrue(closed.toString().contains("closed"));
        assertFalse(closed.toString().contains(key));
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ConfigException.class, () -> new V2Verifier("short")).code());
    }
}
