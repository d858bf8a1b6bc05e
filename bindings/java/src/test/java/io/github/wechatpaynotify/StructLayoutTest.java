package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout JNA computes for each structure of {@link Lib} (generated from the C header) is
 * the one the C compiler gives the header's struct: every field's offset and every size, as
 * {@code offsetof} and {@code sizeof} print them in a program compiled against
 * include/wechatpay_notify.h. No offset is written here: both sides are computed.
 */
class StructLayoutTest {

    @Test
    void jnaLaysOutEveryStructureAsTheCCompilerDoes(@TempDir Path dir) throws Exception {
        String cc = System.getenv().getOrDefault("CC", "cc");
        Assumptions.assumeTrue(runs(cc, "--version"), "no C compiler (" + cc + ")");

        // What JNA computes, keyed "wpn_x" (size) and "wpn_x.field" (offset).
        Map<String, Long> jna = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (Class<?> c : Lib.class.getDeclaredClasses()) {
            if (!Struct.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())
                    || Structure.ByValue.class.isAssignableFrom(c)) {
                continue;
            }
            String name = "wpn_" + c.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
            Struct s = (Struct) c.getConstructor().newInstance();
            jna.put(name, (long) s.size());
            lines.add("    printf(\"" + name + " %zu\\n\", sizeof(" + name + "));");
            for (String field : c.getAnnotation(Structure.FieldOrder.class).value()) {
                jna.put(name + "." + field, (long) s.offsetOf(field));
                lines.add("    printf(\"" + name + "." + field + " %zu\\n\", offsetof(" + name + ", " + field + "));");
            }
        }
        assertTrue(jna.containsKey("wpn_envelope.plaintext"), jna.keySet().toString());
        jna.put("size_t", (long) Native.SIZE_T_SIZE);
        lines.add("    printf(\"size_t %zu\\n\", sizeof(size_t));");

        Path source = dir.resolve("layout.c");
        Files.write(source, ("#include <stddef.h>\n#include <stdio.h>\n#include \"wechatpay_notify.h\"\n"
                + "int main(void) {\n" + String.join("\n", lines) + "\n    return 0;\n}\n")
                .getBytes(StandardCharsets.UTF_8));
        Path program = dir.resolve("layout");
        String include = TestData.repoRoot().resolve("include").toString();
        assertTrue(runs(cc, "-std=c11", "-I", include, "-o", program.toString(), source.toString()), "cc failed");
        Process p = new ProcessBuilder(program.toString()).redirectErrorStream(true).start();
        Map<String, Long> c = new LinkedHashMap<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] parts = line.trim().split(" ");
            c.put(parts[0], Long.parseLong(parts[1]));
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(c, jna);
    }

    private static boolean runs(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (done && p.exitValue() != 0) {
                System.err.println(out);
            }
            return done && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
