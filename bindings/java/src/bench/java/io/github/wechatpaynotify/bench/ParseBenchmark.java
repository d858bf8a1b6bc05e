package io.github.wechatpaynotify.bench;

import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RSAPublicKeyNotificationConfig;
import com.wechat.pay.java.core.notification.RequestParam;
import io.github.wechatpaynotify.NativeFloor;
import io.github.wechatpaynotify.Verifier;
import io.github.wechatpaynotify.WechatpayNotify;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.events.Transaction;
import io.github.wechatpaynotify.testing.Kit;
import io.github.wechatpaynotify.testing.TestCallback;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntSupplier;

/**
 * Measures, in one run and on the same signed notification (public-key mode in all), this
 * binding against the floor under it and against the official SDK wechatpay-java, like for
 * like: each verifies the signature, decrypts the resource and gets the payment's fields.
 *
 * <ul>
 *   <li>(a) wechatpay-notify: {@code Verifier.parse(headers, body).transaction()}, the catalog's
 *       {@link Transaction} from the library's own typed accessor, then two of its fields;
 *   <li>(b) the floor ({@link NativeFloor}): the natives that (a) makes, called through the
 *       same JNA declarations with nothing around them: {@code wpn_verifier_parse} with the
 *       envelope, {@code wpn_event_decode} to the value tree, {@code wpn_buffer_data}, the
 *       frees, and the copies of the same bytes (headers encoded once, no string decoded, no
 *       model built). (a) over (b) is what the binding's Java costs; the target is 1.10 at
 *       most;
 *   <li>(c) wechatpay-java: {@code NotificationParser.parse(requestParam,
 *       com.wechat.pay.java.service.payments.model.Transaction.class)} with {@code
 *       RSAPublicKeyNotificationConfig}, its {@code RequestParam} built from the same headers
 *       and body for each callback, as a handler does, then two of its fields. (c) over (a):
 *       the target is 2 at least.
 * </ul>
 *
 * <p>The notification is a payment of the testing kit ({@link Kit}), signed now with its
 * throwaway key, which both are configured with, sent with the headers of a real request.
 *
 * <p>Not a test: run it with {@code mvn -B -q test-compile exec:java} from bindings/java.
 * {@code -Dbench.mode=} chooses what it measures:
 *
 * <ul>
 *   <li>{@code compare} (the default): the three above, and for reference our {@code parse}
 *       alone (no typed model), warmed up, then measured in interleaved rounds (each round runs
 *       every candidate once, in a rotating order); prints each one's time per callback (median,
 *       min and max over the rounds) and the two ratios, taken round by round (median, min,
 *       max);
 *   <li>{@code threads}: throughput of our parse and typed accessor with 1 thread and with
 *       {@code bench.threads} threads (default 2) sharing one {@code Verifier}, in alternating
 *       rounds; prints the median callbacks per second of each and their ratio (ideally the
 *       thread count, on a machine with that many idle cores), and the same for wechatpay-java
 *       sharing one {@code NotificationParser}, as a yardstick of the machine;
 *   <li>{@code verify}: our {@code verify} (signature only) against {@code parse}, the cost of
 *       decrypting and reading the envelope.
 * </ul>
 *
 * <p>Other settings: {@code bench.warmup.seconds} (default 5), {@code bench.seconds} per round
 * (2), {@code bench.rounds} (7). Times are wall-clock: run it on an otherwise idle machine. On a
 * shared one, {@code -Dbench.clock=process} times {@code compare} and {@code verify} with the
 * process's CPU time instead (what the callbacks cost, the garbage collector's threads included,
 * not the time other processes held the CPU), and {@code -Dbench.clock=cpu} with the measuring
 * thread's CPU time (which leaves out the collector's threads, to the advantage of whichever
 * allocates more); {@code threads} is always wall-clock throughput.
 */
public final class ParseBenchmark {
    private ParseBenchmark() {}

    /** What {@code compare} and {@code verify} time with: {@code wall}, {@code process} or {@code cpu}. */
    private static final String CLOCK = System.getProperty("bench.clock", "wall");
    /** Whether they time with the measuring thread's CPU time ({@code bench.clock=cpu}). */
    private static final boolean CPU_CLOCK = "cpu".equals(CLOCK);
    /** Whether they time with the process's CPU time ({@code bench.clock=process}). */
    private static final boolean PROCESS_CLOCK = "process".equals(CLOCK);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * Runs the measurement chosen by {@code bench.mode} and prints its results.
     *
     * @param args ignored
     * @throws Exception on setup failure
     */
    public static void main(String[] args) throws Exception {
        double warmup = Double.parseDouble(System.getProperty("bench.warmup.seconds", "5"));
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "2"));
        int rounds = Integer.getInteger("bench.rounds", 7);
        String mode = System.getProperty("bench.mode", "compare");

        // One notification as WeChat Pay sends it, signed now, with the headers of a real request.
        try (Kit kit = Kit.create();
                Verifier verifier = Verifier.builder().apiV3Key(kit.apiV3Key()).publicKey(kit.keyId(), kit.publicKeyPem()).build()) {
            TestCallback callback = kit.notification(EventKind.TRANSACTION).build();
            byte[] body = callback.body();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", "merchant.example.com");
            headers.put("User-Agent", "Mozilla/4.0");
            headers.put("Content-Length", Integer.toString(body.length));
            headers.putAll(callback.headers());
            NativeFloor floor = new NativeFloor(kit.apiV3Key(), kit.keyId(), kit.publicKeyPem(), headers, body);
            NotificationParser parser = new NotificationParser(new RSAPublicKeyNotificationConfig.Builder()
                    .publicKey(kit.publicKeyPem())
                    .publicKeyId(kit.keyId())
                    .apiV3Key(kit.apiV3Key())
                    .build());

            IntSupplier ours = () -> {
                Transaction t = verifier.parse(headers, body).transaction();
                return t.getOutTradeNo().length() + (int) t.getAmount().getTotal();
            };
            IntSupplier theirs = () -> {
                com.wechat.pay.java.service.payments.model.Transaction t =
                        parser.parse(requestParam(headers, body), com.wechat.pay.java.service.payments.model.Transaction.class);
                return t.getOutTradeNo().length() + t.getAmount().getTotal();
            };
            IntSupplier oursParseOnly = () -> verifier.parse(headers, body).id().length();
            IntSupplier theFloor = floor::parse;

            // Same answer from both before timing anything.
            Transaction x = verifier.parse(headers, body).transaction();
            com.wechat.pay.java.service.payments.model.Transaction t =
                    parser.parse(requestParam(headers, body), com.wechat.pay.java.service.payments.model.Transaction.class);
            if (!x.getOutTradeNo().equals(t.getOutTradeNo()) || x.getAmount().getTotal() != t.getAmount().getTotal()
                    || !x.getPayer().getOpenid().equals(t.getPayer().getOpenid())) {
                throw new IllegalStateException("the two parsers disagree");
            }
            floor.parse();
            if (!Transaction.fromTreeBytes(floor.lastTree()).equals(x)) {
                throw new IllegalStateException("the floor decodes another transaction");
            }

            System.out.printf("JVM %s, %d CPUs, native %s (%s); warm-up %.0f s each, %d rounds of %.1f s%s%n",
                    System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(),
                    WechatpayNotify.nativeVersion(), WechatpayNotify.nativeBackend(), warmup, rounds, seconds,
                    mode.equals("threads") ? "" : CPU_CLOCK ? ", thread CPU time" : PROCESS_CLOCK ? ", process CPU time" : "");
            switch (mode) {
                case "compare": {
                    List<List<Double>> r = compare(new IntSupplier[] {ours, theFloor, theirs, oursParseOnly}, new String[] {
                        "(a) wechatpay-notify Verifier.parse + transaction()",
                        "(b) floor: the same natives through JNA, nothing around",
                        "(c) wechatpay-java NotificationParser.parse(Transaction.class)",
                        "    (reference) wechatpay-notify Verifier.parse alone",
                    }, warmup, seconds, rounds);
                    ratio("a / b  binding over floor   (target <= 1.10)", r.get(0), r.get(1));
                    ratio("c / a  official over binding (target >= 2.0)", r.get(2), r.get(0));
                    break;
                }
                case "threads": {
                    int threads = Integer.getInteger("bench.threads", 2);
                    threads("wechatpay-notify parse + transaction(), one Verifier", ours, threads, warmup, seconds, rounds);
                    threads("wechatpay-java parse(Transaction.class), one NotificationParser", theirs, threads, warmup,
                            seconds, rounds);
                    break;
                }
                case "verify": {
                    IntSupplier verifyOnly = () -> {
                        verifier.verify(headers, body);
                        return 1;
                    };
                    compare(new IntSupplier[] {verifyOnly, oursParseOnly}, new String[] {
                        "wechatpay-notify Verifier.verify (signature only)",
                        "wechatpay-notify Verifier.parse",
                    }, warmup, seconds, rounds);
                    break;
                }
                default:
                    throw new IllegalArgumentException("bench.mode is compare, threads or verify, not " + mode);
            }
            floor.close();
        }
    }

    /** wechatpay-java's input, built from the request as its documentation shows. */
    private static RequestParam requestParam(Map<String, String> headers, byte[] body) {
        return new RequestParam.Builder()
                .serialNumber(headers.get("Wechatpay-Serial"))
                .nonce(headers.get("Wechatpay-Nonce"))
                .signature(headers.get("Wechatpay-Signature"))
                .timestamp(headers.get("Wechatpay-Timestamp"))
                .signType(headers.get("Wechatpay-Signature-Type"))
                .body(new String(body, StandardCharsets.UTF_8))
                .build();
    }

    /**
     * Warms each candidate up, then measures them in interleaved rounds (every candidate once a
     * round, the first one rotating); prints each one's median, min and max, and returns the
     * times of every round (ns per call), candidate by candidate, in round order.
     */
    private static List<List<Double>> compare(
            IntSupplier[] candidates, String[] names, double warmup, double seconds, int rounds) {
        for (IntSupplier c : candidates) {
            measure(c, warmup);
        }
        List<List<Double>> results = new ArrayList<>();
        for (int i = 0; i < candidates.length; i++) {
            results.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < candidates.length; k++) {
                int i = (r + k) % candidates.length;
                results.get(i).add(measure(candidates[i], seconds));
            }
        }
        System.out.printf("%-62s %9s %9s %9s%n", "us/op over " + rounds + " interleaved rounds", "median", "min", "max");
        for (int i = 0; i < candidates.length; i++) {
            double[] s = spread(results.get(i));
            System.out.printf("%-62s %9.2f %9.2f %9.2f%n", names[i], s[0] / 1000, s[1] / 1000, s[2] / 1000);
        }
        return results;
    }

    /** Prints the ratio {@code top / bottom}, round by round: median, min and max. */
    private static void ratio(String name, List<Double> top, List<Double> bottom) {
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < top.size(); r++) {
            ratios.add(top.get(r) / bottom.get(r));
        }
        double[] s = spread(ratios);
        double medians = spread(top)[0] / spread(bottom)[0];
        System.out.printf("ratio %-56s %8.2fx %8.2fx %8.2fx  (ratio of the medians %.2fx)%n",
                name, s[0], s[1], s[2], medians);
    }

    /** The median, min and max of {@code values}. */
    private static double[] spread(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new double[] {median, sorted.get(0), sorted.get(n - 1)};
    }

    /** Runs {@code op} for about {@code seconds} (of the chosen clock); returns nanoseconds per call. */
    private static double measure(IntSupplier op, double seconds) {
        long budget = (long) (seconds * 1e9);
        long sink = 0;
        long calls = 0;
        long start = now();
        long elapsed;
        do {
            for (int i = 0; i < 100; i++) {
                sink += op.getAsInt();
            }
            calls += 100;
            elapsed = now() - start;
        } while (elapsed < budget);
        if (sink == 42) {
            System.out.print("");
        }
        return (double) elapsed / calls;
    }

    /** Nanoseconds of the chosen clock: wall-clock, or this thread's CPU time. */
    private static long now() {
        return CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : PROCESS_CLOCK ? OS.getProcessCpuTime() : System.nanoTime();
    }

    /**
     * Throughput of {@code op} on 1 thread and on {@code threads} threads at once (sharing
     * whatever {@code op} uses), in alternating rounds; prints the medians and their ratio.
     */
    private static void threads(String name, IntSupplier op, int threads, double warmup, double seconds, int rounds)
            throws InterruptedException {
        run(op, threads, warmup);
        List<Double> one = new ArrayList<>();
        List<Double> many = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            one.add(run(op, 1, seconds));
            many.add(run(op, threads, seconds));
        }
        Collections.sort(one);
        Collections.sort(many);
        double a = one.get(rounds / 2);
        double b = many.get(rounds / 2);
        System.out.printf("%s%n  1 thread:  %9.0f callbacks/s  (rounds %.0f..%.0f)%n  %d threads: %9.0f callbacks/s"
                        + "  (rounds %.0f..%.0f)%n  scaling %d threads / 1 thread: %.2fx%n",
                name, a, one.get(0), one.get(rounds - 1), threads, b, many.get(0), many.get(rounds - 1), threads, b / a);
    }

    /** Runs {@code op} on {@code threads} threads for about {@code seconds}; returns calls per second, all threads together. */
    private static double run(IntSupplier op, int threads, double seconds) throws InterruptedException {
        long[] calls = new long[threads];
        long[] sinks = new long[threads];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long budget = (long) (seconds * 1e9);
        Thread[] workers = new Thread[threads];
        long[] start = new long[1];
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers[t] = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long n = 0;
                long sink = 0;
                do {
                    for (int i = 0; i < 100; i++) {
                        sink += op.getAsInt();
                    }
                    n += 100;
                } while (System.nanoTime() - start[0] < budget);
                calls[me] = n;
                sinks[me] = sink;
            }, "bench-" + t);
            workers[t].start();
        }
        ready.await();
        start[0] = System.nanoTime();
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - start[0]) / 1e9;
        long total = 0;
        for (int t = 0; t < threads; t++) {
            total += calls[t];
            if (sinks[t] == 42) {
                System.out.print("");
            }
        }
        return total / elapsed;
    }
}
