package com.example.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wechatpaynotify.Verifier;
import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The verifier of the callback endpoint. Like a real backend, it reads the APIv3 key and the
 * WeChat Pay public key from its configuration (wechatpay.apiv3-key, wechatpay.public-key-id,
 * wechatpay.public-key: the PEM text), which a test fills with the testing kit's keys. Without
 * them it takes a named verifier (wechatpay.verifier) of the project's conformance vectors
 * (wpn.vectors: the path of tests/vectors/notifications.json) and, for those recorded callbacks,
 * a fixed time (wechatpay.now, Unix seconds) as the verifier's clock.
 */
@Configuration
public class WechatpayConfiguration {

    /** Built once and shared by every request (a Verifier is immutable and thread-safe). */
    @Bean
    public Verifier verifier(
            @Value("${wechatpay.apiv3-key:}") String apiV3Key,
            @Value("${wechatpay.public-key-id:}") String publicKeyId,
            @Value("${wechatpay.public-key:}") String publicKeyPem,
            @Value("${wpn.vectors:}") String vectorsFile,
            @Value("${wechatpay.verifier:default}") String name,
            @Value("${wechatpay.now:#{null}}") Long now)
            throws IOException {
        if (!apiV3Key.isEmpty()) {
            return withClock(Verifier.builder().apiV3Key(apiV3Key).publicKey(publicKeyId, publicKeyPem), now).build();
        }
        JsonNode cfg = new ObjectMapper().readTree(new File(vectorsFile)).path("verifiers").path(name);
        if (!cfg.isObject()) {
            throw new IllegalStateException("no verifier " + name + " in " + vectorsFile);
        }
        Verifier.Builder builder = Verifier.builder().apiV3Key(cfg.get("apiv3_key").asText());
        for (JsonNode key : cfg.path("public_keys")) {
            builder.publicKey(key.get("id").asText(), key.get("pem").asText());
        }
        for (JsonNode certificate : cfg.path("certificates")) {
            builder.platformCertificate(certificate.asText());
        }
        return withClock(builder, now)
                .maxClockSkew(Duration.ofSeconds(cfg.path("max_clock_skew").asLong(300)))
                .maxBodySize(cfg.path("max_body_size").asLong(Verifier.DEFAULT_MAX_BODY_SIZE))
                .build();
    }

    /** The time callbacks are checked at: wechatpay.now when set, else the system clock (the default). */
    private static Verifier.Builder withClock(Verifier.Builder builder, Long now) {
        return now == null ? builder : builder.clock(Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
    }
}
