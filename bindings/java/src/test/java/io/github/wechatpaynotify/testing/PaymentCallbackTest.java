package io.github.wechatpaynotify.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wechatpaynotify.Verifier;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.example.ExampleServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

// README.md ("Testing your handler") shows this class, from the next line to the end marker
// (ReadmeTest checks that it does).
class PaymentCallbackTest {
    @Test
    void aPaymentMarksTheOrderPaidAndFailuresAreRefused() throws Exception {
        ExampleServer.Shop shop = new ExampleServer.Shop();           // the application under test
        shop.placeOrder("ORDER-1", 500);
        try (Kit kit = Kit.create();                                   // a WeChat Pay with TEST keys
             Verifier verifier = kit.verifier();                       // configured with the kit's keys
             ExampleServer server = ExampleServer.start(new InetSocketAddress("127.0.0.1", 0), verifier, null, shop)) {
            URI notifyUrl = URI.create("http://127.0.0.1:" + server.port() + "/wechatpay/notify");

            TestCallback paid = kit.notification(EventKind.TRANSACTION)   // the kind's sample resource,
                    .merge(Map.of("out_trade_no", "ORDER-1", "amount", Map.of("total", 500)))
                    .build();                                              // signed and encrypted
            assertEquals(204, post(notifyUrl, paid).statusCode());
            assertTrue(shop.isPaid("ORDER-1"));

            for (Failure failure : Failure.values()) {                     // probe, tampered body, replay...
                TestCallback bad = kit.notification(EventKind.TRANSACTION).failure(failure).build();
                HttpResponse<String> refused = post(notifyUrl, bad);
                assertEquals(failure.expectedCode().isAuthenticity() ? 401 : 500, refused.statusCode());
                assertTrue(refused.body().contains(failure.expectedCode().name()), failure.wireName());
            }
        }
    }

    /** POSTs a callback with any HTTP client: its headers, and its body byte for byte. */
    static HttpResponse<String> post(URI url, TestCallback callback) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .POST(HttpRequest.BodyPublishers.ofByteArray(callback.body()));
        callback.headers().forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
// README.md: end of the class it shows.
