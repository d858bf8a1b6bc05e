package io.github.wechatpaynotify.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RSAPublicKeyNotificationConfig;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.service.payments.model.Transaction;
import io.github.wechatpaynotify.Notification;
import io.github.wechatpaynotify.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Compares, in one run and on the same signed notification (public-key mode in both), this
 * binding's {@code Verifier.parse} with wechatpay-java's {@code NotificationParser.parse}
 * configured with {@code RSAPublicKeyNotificationConfig}.
 *
 * <p>Not a test: run it with {@code mvn -B -q test-compile exec:java} from bindings/java
 * (system properties: {@code bench.warmup.seconds}, {@code bench.seconds}, {@code
 * bench.rounds}; {@code -Dbench.verify=true} instead compares {@code verify} with {@code parse}). Each candidate is warmed up, then measured in alternating rounds; the
 * median round is reported.
 */
public final class ParseBenchmark {
    private static final String APIV3_KEY = "bench-apiv3-key-0123456789abcde!";
    private static final String KEY_ID = "PUB_KEY_ID_0114232134912410000000000042";
    private static final String PLAINTEXT = "{\"mchid\":\"1900000001\",\"appid\":\"wxd678efh567hg6787\","
            + "\"out_trade_no\":\"1217752501201407033233368018\",\"transaction_id\":\"4200000001201407033233368018\","
            + "\"trade_type\":\"JSAPI\",\"trade_state\":\"SUCCESS\",\"trade_state_desc\":\"支付成功\",\"bank_type\":\"CMC\","
            + "\"attach\":\"\",\"success_time\":\"2018-06-08T10:34:56+08:00\",\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},"
            + "\"amount\":{\"total\":100,\"payer_total\":100,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";

    private ParseBenchmark() {}

    /** The payment fields this benchmark reads, decoded by Jackson on our side. */
    public static final class Payment {
        /** {@code out_trade_no}. */
        public String outTradeNo;
        /** {@code trade_state}. */
        public String tradeState;
        /** {@code amount}. */
        public Amount amount;
    }

    /** {@code amount}. */
    public static final class Amount {
        /** {@code total}, fen. */
        public long total;
    }

    /**
     * Runs the comparison and prints ns per callback for each candidate and the ratio.
     *
     * @param args ignored
     * @throws Exception on setup failure
     */
    public static void main(String[] args) throws Exception {
        double warmup = Double.parseDouble(System.getProperty("bench.warmup.seconds", "5"));
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "2"));
        int rounds = Integer.getInteger("bench.rounds", 7);

        Path root = Paths.get(System.getProperty("wechatpay.repo.root", "../..")).toAbsolutePath().normalize();
        JsonNode pair = new ObjectMapper()
                .readTree(root.resolve("tests/vectors/peers/wechatpay-java.json").toFile())
                .get("wechat_pay_keypair");
        String publicPem = pair.get("public_key_pem").asText();
        PrivateKey privateKey = privateKey(pair.get("private_key_pem").asText());

        // One notification as WeChat Pay sends it, signed now.
        String bodyText = sealedBody();
        byte[] body = bodyText.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        String nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
        String signature = sign(privateKey, timestamp, nonce, body);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "merchant.example.com");
        headers.put("User-Agent", "Mozilla/4.0");
        headers.put("Content-Type", "application/json");
        headers.put("Content-Length", Integer.toString(body.length));
        headers.put("Wechatpay-Nonce", nonce);
        headers.put("Wechatpay-Serial", KEY_ID);
        headers.put("Wechatpay-Signature", signature);
        headers.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        headers.put("Wechatpay-Timestamp", timestamp);

        try (Verifier verifier = Verifier.builder().apiV3Key(APIV3_KEY).publicKey(KEY_ID, publicPem).build()) {
            NotificationParser parser = new NotificationParser(new RSAPublicKeyNotificationConfig.Builder()
                    .publicKey(publicPem)
                    .publicKeyId(KEY_ID)
                    .apiV3Key(APIV3_KEY)
                    .build());

            IntSupplier ours = () -> {
                Notification n = verifier.parse(headers, body);
                return n.id().length() + n.plaintext().length();
            };
            IntSupplier oursTyped = () -> {
                Payment p = verifier.parse(headers, body).resource(Payment.class);
                return p.outTradeNo.length() + (int) p.amount.total;
            };
            IntSupplier oursCatalog = () -> {
                io.github.wechatpaynotify.events.Transaction x = verifier.parse(headers, body).transaction();
                return x.getOutTradeNo().length() + (int) x.getAmount().getTotal();
            };
            IntSupplier theirs = () -> {
                RequestParam param = new RequestParam.Builder()
                        .serialNumber(headers.get("Wechatpay-Serial"))
                        .nonce(headers.get("Wechatpay-Nonce"))
                        .signature(headers.get("Wechatpay-Signature"))
                        .timestamp(headers.get("Wechatpay-Timestamp"))
                        .signType(headers.get("Wechatpay-Signature-Type"))
                        .body(new String(body, StandardCharsets.UTF_8))
                        .build();
                Transaction t = parser.parse(param, Transaction.class);
                return t.getOutTradeNo().length() + t.getAmount().getTotal();
            };
            // Same answer from both before timing anything.
            Payment p = verifier.parse(headers, body).resource(Payment.class);
            Transaction t = parser.parse(new RequestParam.Builder()
                    .serialNumber(KEY_ID).nonce(nonce).signature(signature).timestamp(timestamp)
                    .body(bodyText).build(), Transaction.class);
            io.github.wechatpaynotify.events.Transaction x = verifier.parse(headers, body).transaction();
            if (!p.outTradeNo.equals(t.getOutTradeNo()) || p.amount.total != t.getAmount().getTotal()
                    || !x.getOutTradeNo().equals(t.getOutTradeNo()) || x.getAmount().getTotal() != t.getAmount().getTotal()) {
                throw new IllegalStateException("the two parsers disagree");
            }

            String[] names = {
                "wechatpay-notify Verifier.parse (plaintext)",
                "wechatpay-notify Verifier.parse + resource(Payment.class) (Jackson)",
                "wechatpay-notify Verifier.parse + transaction() (event catalog)",
                "wechatpay-java NotificationParser.parse(Transaction.class)"
            };
            IntSupplier[] candidates = {ours, oursTyped, oursCatalog, theirs};
            if (Boolean.getBoolean("bench.verify")) {
                // The binding's own cost: parse against verify (signature only, nothing decoded).
                IntSupplier verifyOnly = () -> {
                    verifier.verify(headers, body);
                    return 1;
                };
                names = new String[] {"wechatpay-notify Verifier.verify (signature only)", names[0]};
                candidates = new IntSupplier[] {verifyOnly, ours};
            }
            System.out.printf("JVM %s, %d CPUs; warm-up %.0f s each, %d rounds of %.1f s%n",
                    System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(),
                    warmup, rounds, seconds);
            for (IntSupplier c : candidates) {
                measure(c, warmup);
            }
            List<List<Double>> results = new ArrayList<>();
            for (int i = 0; i < candidates.length; i++) {
                results.add(new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < candidates.length; i++) {
                    results.get(i).add(measure(candidates[i], seconds));
                }
            }
            double[] medians = new double[candidates.length];
            for (int i = 0; i < candidates.length; i++) {
                List<Double> rs = results.get(i);
                Collections.sort(rs);
                medians[i] = rs.get(rs.size() / 2);
                System.out.printf("%-70s %9.2f us/op  (rounds %.2f..%.2f)%n",
                        names[i], medians[i] / 1000, rs.get(0) / 1000, rs.get(rs.size() - 1) / 1000);
            }
            if (candidates.length < 3) {
                return;
            }
            System.out.printf("ratio wechatpay-java / wechatpay-notify parse: %.2fx (typed: %.2fx Jackson, %.2fx catalog)%n",
                    medians[3] / medians[0], medians[3] / medians[1], medians[3] / medians[2]);
        }
    }

    /** Runs {@code op} for about {@code seconds}; returns nanoseconds per call. */
    private static double measure(IntSupplier op, double seconds) {
        long budget = (long) (seconds * 1e9);
        long sink = 0;
        long calls = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (int i = 0; i < 100; i++) {
                sink += op.getAsInt();
            }
            calls += 100;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        if (sink == 42) {
            System.out.print("");
        }
        return (double) elapsed / calls;
    }

    private static PrivateKey privateKey(String pem) throws Exception {
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    private static String sign(PrivateKey key, String timestamp, String nonce, byte[] body) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update((timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
        s.update(body);
        s.update((byte) '\n');
        return Base64.getEncoder().encodeToString(s.sign());
    }

    private static String sealedBody() throws Exception {
        String nonce = "fdasflkja484";
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(APIV3_KEY.getBytes(StandardCharsets.UTF_8), "AES"),
                new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
        c.updateAAD("transaction".getBytes(StandardCharsets.UTF_8));
        String ciphertext = Base64.getEncoder().encodeToString(c.doFinal(PLAINTEXT.getBytes(StandardCharsets.UTF_8)));
        return "{\"id\":\"EV-2018022511223320873\",\"create_time\":\"2015-05-20T13:29:35+08:00\","
                + "\"resource_type\":\"encrypt-resource\",\"event_type\":\"TRANSACTION.SUCCESS\","
                + "\"summary\":\"支付成功\",\"resource\":{\"original_type\":\"transaction\","
                + "\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"" + ciphertext + "\","
                + "\"associated_data\":\"transaction\",\"nonce\":\"" + nonce + "\"}}";
    }
}
