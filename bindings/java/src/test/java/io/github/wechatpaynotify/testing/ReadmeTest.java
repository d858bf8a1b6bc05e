package io.github.wechatpaynotify.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "Testing your handler" snippet of bindings/java/README.md is the code PaymentCallbackTest runs. */
class ReadmeTest {
    private static Path binding() {
        String root = System.getProperty("wechatpay.repo.root");
        return Paths.get(root != null ? root : "../..").toAbsolutePath().normalize().resolve("bindings/java");
    }

    @Test
    void theReadmeSnippetIsPaymentCallbackTest() throws IOException {
        List<String> source = Files.readAllLines(
                binding().resolve("src/test/java/io/github/wechatpaynotify/testing/PaymentCallbackTest.java"));
        int from = source.indexOf("class PaymentCallbackTest {");
        int to = source.indexOf("// README.md: end of the class it shows.");
        assertTrue(from > 0 && to > from, "markers of PaymentCallbackTest.java");
        String shown = String.join("\n", source.subList(from, to));

        List<String> readme = Files.readAllLines(binding().resolve("README.md"));
        int section = readme.indexOf("## Testing your handler");
        assertTrue(section > 0, "README.md has no \"## Testing your handler\" section");
        int open = readme.subList(section, readme.size()).indexOf("```java") + section;
        int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
        assertTrue(open > section && close > open, "no java block in \"## Testing your handler\"");
        assertEquals(shown, String.join("\n", readme.subList(open + 1, close)),
                "README.md's \"Testing your handler\" block differs from PaymentCallbackTest.java");
    }
}
