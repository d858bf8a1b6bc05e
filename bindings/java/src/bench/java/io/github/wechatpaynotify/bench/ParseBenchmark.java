package io.github.wechatpaynotify.bench;

import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RSAPublicKeyNotificationConfig;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.service.payments.model.Transaction;
import io.github.wechatpaynotify.Notification;
import io.github.wechatpaynotify.Verifier;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.testing.Kit;
import io.github.wechatpaynotify.testing.TestCallback;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Compares, in one run and on the same signed notification (public-key mode in both), this
 * binding's {@code Verifier.parse} with wechatpay-java's {@code NotificationParser.parse}
 * configured with {@code RSAPublicKeyNotificationConfig}. The notification is a payment of the
 * testing kit ({@link Kit}), signed now with its throwaway key, which both are configured with.
 *
 * <p>Not a test: run it with {@code mvn -B -q test-compile exec:java} from bindings/java
 * (system properties: {@code bench.warmup.seconds}, {@code bench.seconds}, {@code
 * bench.rounds}; {@code -Dbench.verify=true} instead compares {@code verify} with {@code parse}). Each candidate is warmed up, then measured in alternating rounds; the
 * median round is reported.
 */
public final class ParseBenchmark {
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

        // One notification as WeChat Pay sends it, signed now, with the headers of a real request.
        try (Kit kit = Kit.create();
                Verifier verifier = Verifier.builder().apiV3Key(kit.apiV3Key()).publicKey(kit.keyId(), kit.publicKeyPem()).build()) {
            TestCallback callback = kit.notification(EventKind.TRANSACTION).build();
            byte[] body = callback.body();
            String bodyText = new String(body, StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", "merchant.example.com");
            headers.put("User-Agent", "Mozilla/4.0");
            headers.put("Content-Length", Integer.toString(body.length));
            headers.putAll(callback.headers());
            NotificationParser parser = new NotificationParser(new RSAPublicKeyNotificationConfig.Builder()
                    .publicKey(kit.publicKeyPem())
                    .publicKeyId(kit.keyId())
                    .apiV3Key(kit.apiV3Key())
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
                    .serialNumber(headers.get("Wechatpay-Serial"))
                    .nonce(headers.get("Wechatpay-Nonce"))
                    .signature(headers.get("Wechatpay-Signature"))
                    .timestamp(headers.get("Wechatpay-Timestamp"))
                    .body(bodyText)
                    .build(), Transaction.class);
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
}
