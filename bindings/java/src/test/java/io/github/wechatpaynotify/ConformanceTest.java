package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.wechatpaynotify.events.EventKind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every case of tests/vectors/notifications.json through the public Java API. */
class ConformanceTest {
    /** Cases with {@code events}, and {@code event_fields} entries, checked by the last run. */
    private static int eventCases;
    private static int eventFieldsChecked;
    /** {@code expect.message_contains} substrings and accepted {@code merchants} cases checked by the last run. */
    private static int messageChecks;
    private static int merchantCases;

    @Test
    void everyVectorCaseGivesItsExpectedResult() {
        JsonNode vectors = TestData.notifications();
        assertEquals(1, vectors.get("format").asInt());
        List<JsonNode> all = TestData.cases(null);
        assertTrue(all.size() >= 40, "only " + all.size() + " cases");
        Set<ErrorCode> codesSeen = EnumSet.noneOf(ErrorCode.class);
        Set<String> names = new HashSet<>();
        Map<String, Verifier> verifiers = new HashMap<>();
        // Every case is checked at its own time: the verifiers' clock is set before each.
        TestClock clock = TestClock.at(0);
        int ran = 0;
        try {
            for (JsonNode c : all) {
                String name = c.get("name").asText();
                assertTrue(names.add(name), "duplicate case " + name);
                String type = c.get("type").asText();
                ErrorCode seen;
                switch (type) {
                    case "v3_parse":
                    case "v3_verify":
                        clock.set(c.get("now").asLong());
                        seen = runV3(verifiers.computeIfAbsent(
                                c.get("verifier").asText(), v -> TestData.builderFor(v).clock(clock).build()), c, codesSeen);
                        break;
                    case "v3_config":
                        seen = expectError(c, () -> TestData.builderFor(c.get("verifier").asText()).build().close());
                        break;
                    case "v2_config":
                        seen = expectError(c, () -> new V2Verifier(v2Key(c)).close());
                        break;
                    case "v2_payment":
                    case "v2_refund":
                        seen = runV2(c);
                        break;
                    default:
                        throw new AssertionError(name + ": unknown case type " + type);
                }
                if (seen != null) {
                    codesSeen.add(seen);
                }
                ran++;
            }
        } finally {
            verifiers.values().forEach(Verifier::close);
        }
        assertEquals(all.size(), ran);
        assertTrue(eventCases >= 25, "only " + eventCases + " event_ cases");
        assertTrue(eventFieldsChecked >= 30, "only " + eventFieldsChecked + " event_fields checked");
        assertTrue(merchantCases >= 3, "only " + merchantCases + " accepted cases name a merchant");
        assertTrue(messageChecks >= 4, "only " + messageChecks + " message_contains substrings checked");
        assertEquals(EnumSet.allOf(ErrorCode.class), codesSeen, "every error code has a vector case");
    }

    private static String v2Key(JsonNode c) {
        return TestData.notifications().get("v2_keys").get(c.get("v2_key").asText()).asText();
    }

    /** Runs {@code action}; checks it fails with the case's code, or succeeds when none is expected. */
    private static ErrorCode expectError(JsonNode c, Runnable action) {
        String name = c.get("name").asText();
        JsonNode expected = c.get("expect").get("error");
        try {
            action.run();
        } catch (NotificationException e) {
            if (expected == null) {
                fail(name + ": refused with " + e.getMessage());
            }
            assertEquals(expected.asText(), e.code().name(), name + ": " + e.getMessage());
            assertFalse(e.detail().isEmpty(), name + ": empty message");
            for (JsonNode part : c.get("expect").path("message_contains")) {
                messageChecks++;
                assertTrue(e.getMessage().contains(part.asText()),
                        name + ": the message lacks \"" + part.asText() + "\": " + e.getMessage());
            }
            assertTrue(e.getMessage().startsWith(e.code().name() + ": "), name);
            if (e.code() == ErrorCode.CONFIG_INVALID) {
                assertTrue(e instanceof ConfigException, name + ": CONFIG_INVALID is a ConfigException");
            }
            return e.code();
        }
        if (expected != null) {
            fail(name + ": accepted, expected " + expected.asText());
        }
        return null;
    }

    private static Headers headers(JsonNode c) {
        Headers.Builder b = Headers.builder();
        for (JsonNode pair : c.get("headers")) {
            b.add(pair.get(0).asText(), pair.get(1).asText());
        }
        return b.build();
    }

    private static ErrorCode runV3(Verifier verifier, JsonNode c, Set<ErrorCode> codesSeen) {
        String name = c.get("name").asText();
        Headers headers = headers(c);
        byte[] body = TestData.body(c);
        if (c.get("type").asText().equals("v3_verify")) {
            return expectError(c, () -> verifier.verify(headers, body));
        }
        // A Map gives the same result as the pair list whenever it can hold the headers.
        if (!TestData.hasDuplicateHeaderNames(c)) {
            ErrorCode viaMap = expectError(c, () -> verifier.parse(TestData.headers(c), body));
            ErrorCode viaPairs = expectError(c, () -> verifier.parse(headers, body));
            assertEquals(viaMap, viaPairs, name);
        }
        Notification n;
        try {
            n = verifier.parse(headers, body);
        } catch (NotificationException e) {
            // Steps 0-10 agree with verify(): an authenticity or format failure is also a verify failure.
            if (e.code().isAuthenticity() || e.code() == ErrorCode.WRONG_FORMAT || e.code() == ErrorCode.BODY_TOO_LARGE) {
                ErrorCode fromVerify = expectErrorCode(() -> verifier.verify(headers, body));
                assertEquals(e.code(), fromVerify, name + ": verify agrees");
            }
            return expectError(c, () -> {
                throw e;
            });
        }
        JsonNode expect = c.get("expect");
        assertTrue(expect.path("ok").asBoolean(false), name + ": accepted, expected " + expect);
        verifier.verify(headers, body);
        assertEquals(expect.get("id").asText(), n.id(), name);
        assertEquals(expect.get("create_time").asText(), n.createTime(), name);
        assertEquals(expect.get("event_type").asText(), n.eventType(), name);
        assertEquals(expect.get("resource_type").asText(), n.resourceType(), name);
        assertEquals(expect.get("summary").asText(), n.summary(), name);
        assertEquals(expect.get("original_type").asText(), n.originalType(), name);
        assertEquals(expect.get("plaintext").asText(), n.plaintext(), name);
        assertEquals(n.plaintext(), n.resourceJson(), name);
        // expect.mchid: the merchant of a verifier of several merchants, null for a single one.
        assertTrue(expect.has("mchid"), name + ": an accepted case without expect.mchid");
        JsonNode mchid = expect.get("mchid");
        assertEquals(mchid.isNull() ? Optional.empty() : Optional.of(mchid.asText()), n.mchid(), name + ": mchid");
        List<String> mchids = TestData.mchids(c.get("verifier").asText());
        assertEquals(mchids, verifier.mchids(), name);
        // A merchant is named exactly when the verifier has merchants, and is one of them.
        assertEquals(!mchids.isEmpty(), n.mchid().isPresent(), name + ": mchid " + n.mchid());
        n.mchid().ifPresent(m -> assertTrue(mchids.contains(m), name + ": mchid " + m));
        if (n.mchid().isPresent()) {
            merchantCases++;
            assertTrue(n.toString().contains("mchid=" + n.mchid().get()), name);
        }
        assertTrue(verifier.keyIds().stream().anyMatch(id -> id.equalsIgnoreCase(n.serial())), name);
        assertEquals(Long.parseLong(headers.first("Wechatpay-Timestamp").trim()), n.timestamp(), name);
        assertNotNull(n.resource(JsonNode.class), name);
        assertFalse(n.toString().contains(n.plaintext()), name + ": toString hides the plaintext");
        checkEvents(n, c, codesSeen);
        return null;
    }

    /** The event catalog expectations of an accepted case: its kind, accessors and fields. */
    private static void checkEvents(Notification n, JsonNode c, Set<ErrorCode> codesSeen) {
        String name = c.get("name").asText();
        JsonNode expect = c.get("expect");
        String kind = expect.get("kind").asText();
        assertEquals(kind, n.kind().wireName(), name + ": kind");
        assertEquals(Optional.of(n.kind()), EventKind.fromWireName(kind), name);
        JsonNode events = expect.get("events");
        if (events == null) {
            assertFalse(name.startsWith("event_"), name + ": an event_ case without events");
            return;
        }
        eventCases++;
        Set<String> accessors = new HashSet<>();
        for (EventKind k : EventKind.values()) {
            if (k != EventKind.UNKNOWN) {
                accessors.add(k.wireName());
            }
        }
        Set<String> expected = new HashSet<>();
        events.fieldNames().forEachRemaining(expected::add);
        assertEquals(accessors, expected, name + ": every catalog kind has exactly one expectation");
        Object own = null;
        for (String k : expected) {
            String want = events.get(k).asText();
            Object result;
            try {
                result = call(k, n);
            } catch (NotificationException error) {
                assertEquals(want, error.code().name(), name + ": " + k + "(): " + error.getMessage());
                codesSeen.add(error.code());
                for (String value : plaintextValues(n.plaintext())) {
                    // The message may name the event_type (REFUND.ABNORMAL), not the resource's values.
                    if (!n.eventType().contains(value)) {
                        assertFalse(error.getMessage().contains(value), name + ": " + k + "() shows a resource value");
                    }
                }
                if (k.equals(kind)) {
                    JsonNode contains = expect.get("event_error_contains");
                    JsonNode excludes = expect.get("event_error_excludes");
                    if (contains != null) {
                        assertTrue(error.getMessage().contains(contains.asText()), name + ": " + error.getMessage());
                    }
                    if (excludes != null) {
                        assertFalse(error.getMessage().contains(excludes.asText()), name + ": " + error.getMessage());
                    }
                } else {
                    // Another kind's accessor says what this notification is.
                    assertEquals(ErrorCode.UNEXPECTED_EVENT, error.code(), name);
                }
                continue;
            }
            assertEquals("ok", want, name + ": " + k + "() succeeded");
            assertEquals(k, kind, name + ": only the notification's own kind decodes");
            assertNotNull(result, name);
            // Decoding is deterministic: a second call gives an equal model.
            Object again = call(k, n);
            assertEquals(result, again, name);
            assertEquals(result.hashCode(), again.hashCode(), name);
            assertEquals(result.toString(), again.toString(), name);
            own = result;
        }
        JsonNode fields = expect.get("event_fields");
        if (fields != null) {
            assertNotNull(own, name + ": event_fields without a successful accessor");
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                Object value = EventFields.resolve(own, f.getKey());
                JsonNode want = f.getValue();
                eventFieldsChecked++;
                if (want.isIntegralNumber()) {
                    assertEquals(want.asLong(), value, name + ": " + f.getKey());
                } else if (want.isTextual()) {
                    assertEquals(want.asText(), value, name + ": " + f.getKey());
                } else if (want.isBoolean()) {
                    assertEquals(want.asBoolean(), value, name + ": " + f.getKey());
                } else {
                    fail(name + ": unexpected event_fields value " + want);
                }
            }
        }
    }

    /** The string values of at least 8 characters anywhere in a JSON plaintext (none if it is not JSON). */
    private static List<String> plaintextValues(String plaintext) {
        List<String> out = new ArrayList<>();
        JsonNode root;
        try {
            root = TestData.JSON.readTree(plaintext);
        } catch (JsonProcessingException e) {
            return out;
        }
        List<JsonNode> todo = new ArrayList<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            JsonNode node = todo.remove(todo.size() - 1);
            if (node == null) {
                continue;
            }
            if (node.isTextual() && node.asText().length() >= 8) {
                out.add(node.asText());
            }
            node.elements().forEachRemaining(todo::add);
        }
        return out;
    }

    /** Calls the accessor of a kind; a {@link NotificationException} it throws is rethrown as it is. */
    private static Object call(String kind, Notification n) {
        try {
            return accessor(kind).invoke(n);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof NotificationException) {
                throw (NotificationException) e.getCause();
            }
            throw new AssertionError(kind + "() threw " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** The accessor of a kind, by the kind's wire name: {@code partner_refund} is {@code partnerRefund()}. */
    private static Method accessor(String kind) {
        try {
            Method m = Notification.class.getMethod(EventFields.camel(kind));
            assertTrue(Modifier.isPublic(m.getModifiers()), kind);
            return m;
        } catch (NoSuchMethodException e) {
            throw new AssertionError("Notification has no accessor for the kind " + kind, e);
        }
    }

    private static ErrorCode expectErrorCode(Runnable action) {
        try {
            action.run();
        } catch (NotificationException e) {
            return e.code();
        }
        return null;
    }

    private static ErrorCode runV2(JsonNode c) {
        String name = c.get("name").asText();
        JsonNode expect = c.get("expect");
        byte[] body = TestData.body(c);
        try (V2Verifier v2 = new V2Verifier(v2Key(c))) {
            if (c.get("type").asText().equals("v2_payment")) {
                Map<String, String>[] fields = newMapArray();
                ErrorCode code = expectError(c, () -> fields[0] = v2.parsePayment(body));
                if (code == null) {
                    assertEquals(TestData.stringMap(expect.get("fields")), fields[0], name);
                }
                return code;
            }
            V2Refund[] refund = new V2Refund[1];
            ErrorCode code = expectError(c, () -> refund[0] = v2.parseRefund(body));
            if (code == null) {
                assertEquals(TestData.stringMap(expect.get("fields")), refund[0].fields(), name);
                assertEquals(TestData.stringMap(expect.get("req_info")), refund[0].reqInfo(), name);
            }
            return code;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String>[] newMapArray() {
        return (Map<String, String>[]) new Map<?, ?>[1];
    }

    /** No error of any error case names an APIv3 key, a v2 key or a distinctive plaintext value. */
    @Test
    void noErrorMessageContainsAKeyOrPlaintext() {
        List<String> secrets = vectorSecrets();
        assertTrue(secrets.size() > 10, "only " + secrets.size() + " secrets");
        int checked = 0;
        for (JsonNode c : TestData.cases(null)) {
            if (!c.get("expect").has("error")) {
                continue;
            }
            String name = c.get("name").asText();
            List<String> messages = errorMessages(c);
            assertFalse(messages.isEmpty(), name + ": no error");
            for (String message : messages) {
                checked++;
                for (String secret : secrets) {
                    assertFalse(message.contains(secret), name + ": an error message reveals a secret");
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " error messages checked");
    }

    /** Keys of length >= 8 and the order numbers and openids of every valid v3_parse case. */
    private static List<String> vectorSecrets() {
        JsonNode vectors = TestData.notifications();
        List<String> secrets = new ArrayList<>();
        vectors.get("verifiers").forEach(v -> {
            List<JsonNode> configs = new ArrayList<>();
            configs.add(v);
            v.path("merchants").forEach(configs::add);
            for (JsonNode config : configs) {
                String key = config.path("apiv3_key").asText("");
                if (key.length() >= 8) {
                    secrets.add(key);
                }
            }
        });
        vectors.get("v2_keys").forEach(k -> {
            if (k.asText("").length() >= 8) {
                secrets.add(k.asText());
            }
        });
        for (JsonNode c : TestData.cases("v3_parse")) {
            JsonNode plaintext = c.get("expect").get("plaintext");
            if (plaintext == null || !plaintext.isTextual()) {
                continue;
            }
            JsonNode resource;
            try {
                resource = TestData.JSON.readTree(plaintext.asText());
            } catch (JsonProcessingException e) {
                continue;
            }
            if (resource == null || !resource.isObject()) {
                continue;
            }
            for (String field : new String[] {"out_trade_no", "transaction_id", "out_refund_no"}) {
                if (resource.path(field).isTextual()) {
                    secrets.add(resource.get(field).asText());
                }
            }
            if (resource.path("payer").path("openid").isTextual()) {
                secrets.add(resource.get("payer").get("openid").asText());
            }
        }
        return secrets;
    }

    /** Every exception the API throws for one case, as getMessage(), detail() and toString(). */
    private static List<String> errorMessages(JsonNode c) {
        List<Runnable> runs = new ArrayList<>();
        List<AutoCloseable> opened = new ArrayList<>();
        byte[] body = c.has("body_hex") ? TestData.body(c) : new byte[0];
        switch (c.get("type").asText()) {
            case "v3_config":
                runs.add(() -> TestData.builderFor(c.get("verifier").asText()).build().close());
                break;
            case "v2_config":
                runs.add(() -> new V2Verifier(v2Key(c)).close());
                break;
            case "v3_parse":
            case "v3_verify": {
                Verifier verifier = TestData.builderFor(c.get("verifier").asText())
                        .clock(TestClock.at(c.get("now").asLong()))
                        .build();
                opened.add(verifier);
                Headers headers = headers(c);
                runs.add(() -> verifier.parse(headers, body));
                runs.add(() -> verifier.verify(headers, body));
                break;
            }
            default: {
                V2Verifier v2 = new V2Verifier(v2Key(c));
                opened.add(v2);
                runs.add(() -> v2.parsePayment(body));
                runs.add(() -> v2.parseRefund(body));
            }
        }
        List<String> messages = new ArrayList<>();
        try {
            for (Runnable run : runs) {
                try {
                    run.run();
                } catch (NotificationException e) {
                    messages.add(e.getMessage());
                    messages.add(e.detail());
                    messages.add(e.toString());
                } catch (RuntimeException e) {
                    messages.add(String.valueOf(e.getMessage()));
                    messages.add(e.toString());
                }
            }
        } finally {
            for (AutoCloseable handle : opened) {
                try {
                    handle.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        return messages;
    }
}
