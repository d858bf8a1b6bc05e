package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wechatpaynotify.testing.TestCallback;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One verifier shared by many threads, as in a server. */
class ConcurrencyTest {
    private static final long NOW = 1_700_000_000L;
    private static final int THREADS = 8;
    private static final int PARSES = 10_000;

    @Test
    void eightThreadsTimesTenThousandParsesShareOneVerifier() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (Verifier verifier = TestData.kitVerifierAt(NOW)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String id = "EV-thread-" + t;
                TestCallback callback = TestData.transaction(id, NOW);
                byte[] body = callback.body();
                Map<String, String> headers = callback.headers();
                String plaintext = verifier.parse(headers, body).plaintext();
                byte[] tampered = body.clone();
                tampered[tampered.length - 3] ^= 1;
                results.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    int refused = 0;
                    for (int i = 0; i < PARSES; i++) {
                        if (i % 10 == 9) {
                            // Failures travel the same paths concurrently.
                            try {
                                verifier.parse(headers, tampered);
                            } catch (NotificationException e) {
                                if (e.code() == ErrorCode.SIGNATURE_MISMATCH) {
                                    refused++;
                                }
                            }
                        } else {
                            Notification n = verifier.parse(headers, body);
                            if (n.id().equals(id) && n.plaintext().equals(plaintext)) {
                                ok++;
                            }
                        }
                    }
                    return new int[] {ok, refused};
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            int ok = 0;
            int refused = 0;
            for (Future<int[]> f : results) {
                int[] r = f.get(300, TimeUnit.SECONDS);
                ok += r[0];
                refused += r[1];
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(THREADS * PARSES / 10 * 9, ok);
            assertEquals(THREADS * PARSES / 10, refused);
            System.out.printf("concurrency: %d threads x %d parses in %.2f s (%.0f parses/s)%n",
                    THREADS, PARSES, seconds, THREADS * PARSES / seconds);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingWhileOtherThreadsParseIsSafe() throws Exception {
        TestCallback callback = TestData.transaction("EV-close-race", NOW);
        byte[] body = callback.body();
        Map<String, String> headers = callback.headers();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                Verifier verifier = TestData.kitVerifierAt(NOW);
                AtomicInteger parsed = new AtomicInteger();
                AtomicInteger closed = new AtomicInteger();
                CountDownLatch running = new CountDownLatch(4);
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    fs.add(pool.submit(() -> {
                        running.countDown();
                        while (true) {
                            try {
                                assertEquals("EV-close-race", verifier.parse(headers, body).id());
                                parsed.incrementAndGet();
                            } catch (IllegalStateException e) {
                                assertTrue(e.getMessage().contains("closed"));
                                closed.incrementAndGet();
                                return null;
                            }
                        }
                    }));
                }
                running.await();
                Thread.sleep(2);
                verifier.close();
                for (Future<?> f : fs) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertEquals(4, closed.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
