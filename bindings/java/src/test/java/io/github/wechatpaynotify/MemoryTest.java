package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wechatpaynotify.testing.TestCallback;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Many parses with the Java heap and the process's resident memory flat: no native handle,
 * buffer or string leaks across the JNA boundary.
 *
 * <p>The count is {@code -Dwechatpay.soak.parses} (100,000 in the default build; the full
 * figure is 1,000,000). The figures are printed and written to target/memory-report.txt.
 */
class MemoryTest {
    private static final long NOW = 1_700_000_000L;
    private static final long MIB = 1024 * 1024;

    @Test
    void heapAndRssStayFlatOverManyParses() throws Exception {
        long total = Long.getLong("wechatpay.soak.parses", 100_000L);
        assertTrue(total >= 20_000, "at least 20,000 parses");
        TestCallback callback = TestData.transaction("EV-soak", NOW);
        byte[] body = callback.body();
        Map<String, String> headers = callback.headers();
        byte[] tampered = body.clone();
        tampered[40] ^= 1;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (Verifier verifier = TestData.kitVerifierAt(NOW)) {
            long warmup = total / 10;
            run(verifier, headers, body, tampered, warmup);
            long heapStart = heapAfterGc(memory);
            long rssStart = rss();
            long t0 = System.nanoTime();
            long checkpoints = 5;
            long maxRss = rssStart;
            long done = warmup;
            for (long c = 1; c <= checkpoints; c++) {
                long target = warmup + (total - warmup) * c / checkpoints;
                run(verifier, headers, body, tampered, target - done);
                done = target;
                maxRss = Math.max(maxRss, rss());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long heapEnd = heapAfterGc(memory);
            long rssEnd = rss();
            String report = String.format(
                    "memory: %,d parses (1 in 100 refused) in %.1f s, %.1f us/parse; heap after GC %.1f -> %.1f MiB; "
                            + "RSS %.1f -> %.1f MiB (max %.1f)",
                    total, seconds, seconds * 1e6 / (total - warmup), heapStart / (double) MIB, heapEnd / (double) MIB,
                    rssStart / (double) MIB, rssEnd / (double) MIB, maxRss / (double) MIB);
            System.out.println(report);
            Files.writeString(Path.of("target", "memory-report.txt"), report + System.lineSeparator());
            assertTrue(heapEnd - heapStart < 16 * MIB, report);
            assertTrue(rssEnd - rssStart < 32 * MIB, report);
        }
    }

    private static void run(Verifier verifier, Map<String, String> headers, byte[] body, byte[] tampered, long count) {
        long ok = 0;
        for (long i = 0; i < count; i++) {
            if (i % 100 == 99) {
                try {
                    verifier.parse(headers, tampered);
                } catch (NotificationException e) {
                    ok++;
                }
            } else if (verifier.parse(headers, body).id().equals("EV-soak")) {
                ok++;
            }
        }
        assertEquals(count, ok);
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Resident set size from /proc/self/status, in bytes. */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
