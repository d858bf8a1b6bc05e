package io.github.wechatpaynotify.testing;

import java.util.Map;

/**
 * One test callback as WeChat Pay would POST it: the request headers and the raw body, for any
 * HTTP test client (the JDK's {@code HttpClient}, Spring's {@code MockMvc} or {@code
 * WebTestClient}, RestAssured, ...) or for a {@link io.github.wechatpaynotify.Verifier} directly.
 *
 * <pre>{@code
 * HttpRequest.Builder request = HttpRequest.newBuilder(notifyUrl)   // java.net.http
 *     .POST(HttpRequest.BodyPublishers.ofByteArray(callback.body()));
 * callback.headers().forEach(request::header);
 *
 * MockHttpServletRequestBuilder mock = post("/wechatpay/notify").content(callback.body());
 * callback.headers().forEach(mock::header);                 // Spring MockMvc
 * mockMvc.perform(mock).andExpect(status().isNoContent());
 * }</pre>
 *
 * <p>Immutable. Send the body byte for byte: a client that re-encodes it (a JSON object rather
 * than the bytes) breaks the signature, as it would for a real callback.
 */
public final class TestCallback {
    private final Map<String, String> headers;
    private final byte[] body;
    private final String id;

    TestCallback(Map<String, String> headers, byte[] body, String id) {
        this.headers = headers;
        this.body = body;
        this.id = id;
    }

    /**
     * The request headers, in the order WeChat Pay sends them: {@code Wechatpay-Serial}, {@code
     * Wechatpay-Signature}, {@code Wechatpay-Timestamp}, {@code Wechatpay-Nonce}, {@code
     * Wechatpay-Signature-Type} and {@code Content-Type}.
     *
     * @return an unmodifiable, insertion-ordered map of names to values
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The raw body.
     *
     * @return a copy of the body bytes
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * The notification {@code id} in the body: what a handler is idempotent on.
     *
     * @return the id, e.g. {@code EV-} and 20 digits unless set
     */
    public String id() {
        return id;
    }

    /**
     * The id, the header names and the body's size; never a header value or the body.
     *
     * @return a description of this callback
     */
    @Override
    public String toString() {
        return "TestCallback{id=" + id + ", headers=" + headers.keySet() + ", body=" + body.length + " bytes}";
    }
}
