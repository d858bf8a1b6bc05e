package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wechatpaynotify.testing.Kit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifiers (and kits) that are never closed are freed once unreachable; closed ones exactly once. */
class CleanerTest {

    @Test
    void closeFreesExactlyOnce() {
        long before = NativeHandle.FREED.get();
        Verifier v = TestData.javaPeerVerifier();
        v.close();
        v.close();
        V2Verifier v2 = new V2Verifier("wpnTestAPIv2Key0123456789ABCDEFG");
        v2.close();
        v2.close();
        Kit kit = Kit.create();
        kit.close();
        kit.close();
        assertEquals(3, NativeHandle.FREED.get() - before);
    }

    @Test
    void unreachableVerifiersAreFreedByTheCleaner() throws InterruptedException {
        long before = NativeHandle.FREED.get();
        int made = 200;
        for (int i = 0; i < made; i++) {
            Verifier v = TestData.javaPeerVerifier();
            assertEquals(1, v.keyIds().size());
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (NativeHandle.FREED.get() - before < made && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(NativeHandle.FREED.get() - before >= made,
                "freed " + (NativeHandle.FREED.get() - before) + " of " + made);
    }

    @Test
    void headersFromMapKeepOrder() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("A", "1");
        m.put("b", "2");
        Headers h = Headers.fromMap(m);
        assertEquals(2, h.size());
        assertEquals("A", h.name(0));
        assertEquals("2", h.value(1));
        assertEquals("1", h.first("a"));
    }
}
