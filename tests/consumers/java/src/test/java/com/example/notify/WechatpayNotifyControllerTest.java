package com.example.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wechatpaynotify.Notification;
import io.github.wechatpaynotify.WechatpayNotify;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Real HTTP requests to the embedded server: the conformance vectors' valid APIv3 callbacks
 * are accepted (204) with the right notification, a tampered one is refused (401, JSON body).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WechatpayNotifyControllerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers the JDK's HttpClient sets itself and refuses from callers; none is signed. */
    private static final Set<String> CLIENT_SET_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private static final JsonNode VECTORS = loadVectors();
    /** The case whose verifier and time the application is configured with. */
    private static final JsonNode FIRST = validCases().get(0);

    @DynamicPropertySource
    static void wechatpayProperties(DynamicPropertyRegistry registry) {
        registry.add("wechatpay.verifier", () -> FIRST.get("verifier").asText());
        registry.add("wechatpay.now", () -> FIRST.get("now").asLong());
    }

    @LocalServerPort
    private int port;

    @Autowired
    private NotificationLog log;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void validCallbacksGet204AndTheControllerSeesTheirNotification() throws Exception {
        List<String> sent = new ArrayList<>();
        for (JsonNode c : validCases()) {
            // The application has one verifier and one time: the cases that share them.
            if (!c.get("verifier").equals(FIRST.get("verifier")) || !c.get("now").equals(FIRST.get("now"))) {
                continue;
            }
            // HTTP/1.1 carries header values as ISO-8859-1 bytes: a case with UTF-8 text in a
            // header tests the core, not what a real callback can carry.
            if (!StandardCharsets.US_ASCII.newEncoder().canEncode(c.get("headers").toString())) {
                continue;
            }
            String name = c.get("name").asText();
            JsonNode expect = c.get("expect");
            int before = log.accepted().size();
            HttpResponse<byte[]> response = post(c, body(c));
            assertEquals(204, response.statusCode(), name + ": " + new String(response.body(), StandardCharsets.UTF_8));
            assertEquals(0, response.body().length, name);
            List<Notification> accepted = log.accepted();
            assertEquals(before + 1, accepted.size(), name);
            Notification n = accepted.get(before);
            assertEquals(expect.get("id").asText(), n.id(), name);
            assertEquals(expect.get("event_type").asText(), n.eventType(), name);
            assertEquals(expect.get("plaintext").asText(), n.plaintext(), name);
            sent.add(name);
        }
        assertTrue(sent.contains(FIRST.get("name").asText()), String.valueOf(sent));
        System.out.println("accepted over HTTP: " + sent);
    }

    @Test
    void aTamperedBodyGets401WithTheJsonFailureBody() throws Exception {
        byte[] body = body(FIRST);
        body[body.length / 2] ^= 1;
        int before = log.accepted().size();
        HttpResponse<byte[]> response = post(FIRST, body);
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(401, response.statusCode(), text);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                String.valueOf(response.headers().map()));
        JsonNode reply = JSON.readTree(text);
        assertEquals("FAIL", reply.get("code").asText(), text);
        assertTrue(reply.get("message").asText().startsWith("SIGNATURE_MISMATCH"), text);
        assertEquals(before, log.accepted().size(), "a refused callback reached the application");
    }

    @Test
    void theNativeLibraryIsTheReleasedVersion() {
        String version = System.getProperty("wpn.version");
        assertFalse(version == null || version.isEmpty(), "-Dwpn.version is not set");
        assertEquals(version, WechatpayNotify.nativeVersion());
    }

    @Test
    void theNativeLibraryHasTheReleasedBackend() {
        String backend = System.getProperty("wpn.backend");
        assertFalse(backend == null || backend.isEmpty(), "-Dwpn.backend is not set");
        assertEquals(backend, WechatpayNotify.nativeBackend());
    }

    private HttpResponse<byte[]> post(JsonNode c, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/wechatpay/notify"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (JsonNode header : c.get("headers")) {
            String name = header.get(0).asText();
            if (!CLIENT_SET_HEADERS.contains(name.toLowerCase())) {
                request.header(name, header.get(1).asText());
            }
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] body(JsonNode c) {
        // By hand: the tests also run on Java 11, which has no HexFormat.
        String hex = c.get("body_hex").asText();
        byte[] body = new byte[hex.length() / 2];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return body;
    }

    /** The v3_parse cases expected to succeed, with valid_transaction_public_key first. */
    private static List<JsonNode> validCases() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : VECTORS.get("cases")) {
            if (c.get("type").asText().equals("v3_parse") && c.get("expect").path("ok").asBoolean()) {
                if (c.get("name").asText().equals("valid_transaction_public_key")) {
                    out.add(0, c);
                } else {
                    out.add(c);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no valid v3_parse case in " + System.getProperty("wpn.vectors"));
        }
        return out;
    }

    private static JsonNode loadVectors() {
        String path = System.getProperty("wpn.vectors");
        if (path == null || path.isEmpty() || path.startsWith("${")) {
            throw new IllegalStateException("set -Dwpn.vectors to tests/vectors/notifications.json");
        }
        try {
            JsonNode vectors = JSON.readTree(new File(path));
            if (vectors.path("format").asInt() != 1) {
                throw new IllegalStateException(path + ": not format 1");
            }
            return vectors;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
