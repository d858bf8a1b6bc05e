package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP reply to send WeChat Pay: status, content type and body.
 *
 * <p>APIv3: success is 204 with no body; an authenticity failure is 401 and anything else 500,
 * each with {@code {"code":"FAIL","message":"..."}}. APIv2: always 200 with the {@code SUCCESS}
 * or {@code FAIL} XML. WeChat Pay retries a non-2xx (or slower than 5 s) reply up to 15 times
 * over about a day, so handle each notification id once (docs/replies.md). Immutable.
 */
public final class Reply {
    private final int status;
    private final String contentType;
    private final String body;

    private Reply(int status, String contentType, String body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    /**
     * The APIv3 success reply: 204, no body.
     *
     * @return the reply
     */
    public static Reply success() {
        Reusable s = Reusable.get();
        return read(Lib.wpn_reply_success(s.handleOut, s.errorOut), s);
    }

    /**
     * The APIv3 failure reply for a refused callback: 401 for an authenticity failure, 500
     * otherwise; the body's message is {@code "CODE: fixed text"}, the same for every error of
     * that code: the reply never describes the request or the configuration (log
     * {@link NotificationException#getMessage()} for the details).
     *
     * @param error the exception {@link Verifier#parse} threw
     * @return the reply
     */
    public static Reply failure(NotificationException error) {
        Objects.requireNonNull(error, "error");
        int code = Errors.result(error.code());
        Reusable s = Reusable.get();
        return read(Lib.wpn_reply_for_result(code, s.handleOut, s.errorOut), s);
    }

    /**
     * An APIv3 failure reply with a status and message of your choice, e.g. 500 when your
     * own processing failed and WeChat Pay should retry later.
     *
     * @param status the HTTP status, 100 to 599
     * @param message the message for the body
     * @return the reply
     */
    public static Reply failure(int status, String message) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        byte[] m = Objects.requireNonNull(message, "message").getBytes(StandardCharsets.UTF_8);
        Reusable s = Reusable.get();
        return read(Lib.wpn_reply_failure_message((short) status, m, m.length, s.handleOut, s.errorOut), s);
    }

    /**
     * The APIv2 success reply: 200 with the {@code SUCCESS} XML.
     *
     * @return the reply
     */
    public static Reply v2Success() {
        Reusable s = Reusable.get();
        return read(Lib.wpn_reply_v2_success(s.handleOut, s.errorOut), s);
    }

    /**
     * The APIv2 failure reply: 200 with the {@code FAIL} XML carrying {@code message}.
     *
     * @param message why the notification was refused
     * @return the reply
     */
    public static Reply v2Failure(String message) {
        byte[] m = Objects.requireNonNull(message, "message").getBytes(StandardCharsets.UTF_8);
        Reusable s = Reusable.get();
        return read(Lib.wpn_reply_v2_failure(m, m.length, s.handleOut, s.errorOut), s);
    }

    /** Copies the reply a call made (status, content type, body: one call) and frees it. */
    private static Reply read(int result, Reusable s) {
        Errors.check(result, s.errorOut);
        Pointer r = s.handleOut.getValue();
        try {
            Lib.HttpResponse response = s.response;
            if (!Marshal.isTrue(Lib.wpn_reply_response(r, response.getPointer()))) {
                throw new IllegalStateException("a reply call succeeded without a reply");
            }
            return new Reply(
                    response.uint16("status"), response.string("content_type"), response.string("body"));
        } finally {
            Lib.wpn_reply_free(r);
        }
    }

    /**
     * The HTTP status.
     *
     * @return e.g. 204, 401, 500 or 200
     */
    public int status() {
        return status;
    }

    /**
     * The {@code Content-Type} of the body.
     *
     * @return {@code application/json} or {@code application/xml}, or empty when there is no
     *     body (204)
     */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /**
     * The body text (empty for 204).
     *
     * @return the body
     */
    public String body() {
        return body;
    }

    /**
     * The body as UTF-8 bytes, ready to write.
     *
     * @return a new array
     */
    public byte[] bodyBytes() {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Status, content type and body.
     *
     * @return a description of this reply
     */
    @Override
    public String toString() {
        return "Reply{status=" + status + ", contentType=" + contentType + ", body=" + body + "}";
    }
}
