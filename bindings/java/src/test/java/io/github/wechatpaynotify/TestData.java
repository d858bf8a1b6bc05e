package io.github.wechatpaynotify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.testing.Kit;
import io.github.wechatpaynotify.testing.TestCallback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tests' data: the repository's tests/vectors/ (vectors, keys, peer samples), and callbacks
 * of the testing kit ({@link Kit}) for the tests that need a signed callback but no particular
 * key.
 */
final class TestData {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A well-formed APIv3 key for the tests of the verifier's configuration. */
    static final String APIV3_KEY = "test-apiv3-key-0123456789abcdef!";
    /** The public-key id the wechatpay-java test key pair is configured under. */
    static final String JAVA_PEER_KEY_ID = "PUB_KEY_ID_0114232134912410000000000042";
    /** Serial of the wechatpay-java test key pair's certificate. */
    static final String JAVA_PEER_SERIAL = "440024045C4A427599D09BB4E3DE0279F2E813FD";

    private static JsonNode notifications;
    private static Kit kit;

    private TestData() {}

    static Path repoRoot() {
        String root = System.getProperty("wechatpay.repo.root");
        return Paths.get(root != null ? root : "../..").toAbsolutePath().normalize();
    }

    static Path vectorsDir() {
        return repoRoot().resolve("tests/vectors");
    }

    static JsonNode load(String relative) {
        try {
            return JSON.readTree(vectorsDir().resolve(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String key(String fileName) {
        try {
            return Files.readString(vectorsDir().resolve("keys").resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized JsonNode notifications() {
        if (notifications == null) {
            notifications = load("notifications.json");
        }
        return notifications;
    }

    static List<JsonNode> cases(String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : notifications().get("cases")) {
            if (type == null || c.get("type").asText().equals(type)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * A builder configured as the named verifier of notifications.json: the single merchant's
     * {@code apiv3_key}, {@code public_keys} and {@code certificates}, and/or a {@code merchants}
     * list (each with {@code mchid}, {@code apiv3_key}, {@code public_keys} and {@code
     * certificates}), given as they are so that the core judges any mix.
     */
    static Verifier.Builder builderFor(String verifierName) {
        JsonNode cfg = notifications().get("verifiers").get(verifierName);
        if (cfg == null) {
            throw new IllegalArgumentException("no verifier " + verifierName);
        }
        Verifier.Builder b = Verifier.builder();
        if (cfg.hasNonNull("apiv3_key")) {
            b.apiV3Key(cfg.get("apiv3_key").asText());
        }
        for (JsonNode pk : cfg.path("public_keys")) {
            b.publicKey(pk.get("id").asText(), pk.get("pem").asText());
        }
        for (JsonNode cert : cfg.path("certificates")) {
            b.platformCertificate(cert.asText());
        }
        for (JsonNode m : cfg.path("merchants")) {
            b.merchant(merchant(m));
        }
        if (cfg.hasNonNull("max_clock_skew")) {
            b.maxClockSkew(Duration.ofSeconds(cfg.get("max_clock_skew").asLong()));
        }
        if (cfg.hasNonNull("max_body_size")) {
            b.maxBodySize(cfg.get("max_body_size").asLong());
        }
        return b;
    }

    /** A {@code merchants} entry of a verifier of notifications.json. */
    static Merchant merchant(JsonNode m) {
        Merchant.Builder b = Merchant.builder(m.get("mchid").asText(), m.get("apiv3_key").asText());
        for (JsonNode pk : m.path("public_keys")) {
            b.publicKey(pk.get("id").asText(), pk.get("pem").asText());
        }
        for (JsonNode cert : m.path("certificates")) {
            b.platformCertificate(cert.asText());
        }
        return b.build();
    }

    /** The {@code mchid}s of the {@code merchants} of a verifier of notifications.json, in order. */
    static List<String> mchids(String verifierName) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : notifications().get("verifiers").get(verifierName).path("merchants")) {
            out.add(m.get("mchid").asText());
        }
        return out;
    }

    /** A case's headers, in order (a later duplicate name does not replace the first). */
    static Map<String, String> headers(JsonNode c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode pair : c.get("headers")) {
            out.putIfAbsent(pair.get(0).asText(), pair.get(1).asText());
        }
        return out;
    }

    /** Whether a case has two header entries with the same name (a Map cannot hold both). */
    static boolean hasDuplicateHeaderNames(JsonNode c) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode pair : c.get("headers")) {
            if (!seen.add(pair.get(0).asText())) {
                return true;
            }
        }
        return false;
    }

    static byte[] body(JsonNode c) {
        return hex(c.get("body_hex").asText());
    }

    static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The wechatpay-java SDK's published test key pair (peers/wechatpay-java.json). */
    static JsonNode javaPeerKeyPair() {
        return load("peers/wechatpay-java.json").get("wechat_pay_keypair");
    }

    /** A verifier trusting the wechatpay-java test public key under {@link #JAVA_PEER_KEY_ID}. */
    static Verifier javaPeerVerifier() {
        return javaPeerVerifier(APIV3_KEY, JAVA_PEER_KEY_ID);
    }

    /** A verifier trusting the wechatpay-java test public key under {@code keyId}. */
    static Verifier javaPeerVerifier(String apiV3Key, String keyId) {
        return javaPeerBuilder(apiV3Key, keyId).build();
    }

    /** A builder of {@link #javaPeerVerifier(String, String)}, for more settings. */
    static Verifier.Builder javaPeerBuilder(String apiV3Key, String keyId) {
        return Verifier.builder()
                .apiV3Key(apiV3Key)
                .publicKey(keyId, javaPeerKeyPair().get("public_key_pem").asText());
    }

    /** A case of notifications.json by name. */
    static JsonNode namedCase(String name) {
        for (JsonNode c : notifications().get("cases")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no case " + name);
    }

    /**
     * The kit the tests sign their callbacks with when no particular key is needed: one per
     * run (its key is generated once), never closed.
     */
    static synchronized Kit kit() {
        if (kit == null) {
            kit = Kit.create();
        }
        return kit;
    }

    /** A verifier that accepts {@link #kit()}'s callbacks, checking them at {@code unixSeconds}. */
    static Verifier kitVerifierAt(long unixSeconds) {
        return kit().verifierBuilder().clock(TestClock.at(unixSeconds)).build();
    }

    /** A signed payment callback of {@link #kit()} with this id, signed at {@code timestamp}. */
    static TestCallback transaction(String id, long timestamp) {
        return kit().notification(EventKind.TRANSACTION).id(id).timestamp(timestamp).build();
    }
}
