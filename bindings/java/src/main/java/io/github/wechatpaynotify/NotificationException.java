package io.github.wechatpaynotify;

import java.util.Objects;

/**
 * A refused callback (or configuration): a stable {@link ErrorCode} and a message that says
 * what went wrong and what to do.
 *
 * <p>Unchecked. The message is safe to log: it never contains a key or decrypted plaintext.
 * {@link #getMessage()} is {@code "CODE: detail"}; {@link #detail()} is the detail alone.
 * Turn it into the reply WeChat Pay expects with {@link Reply#failure(NotificationException)}.
 */
public class NotificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The stable code. */
    private final ErrorCode code;
    /** The log-safe detail, without the code. */
    private final String detail;

    /**
     * Creates an exception with a code and a detail message.
     *
     * @param code the stable error code
     * @param detail what went wrong and what to do, safe to log
     */
    public NotificationException(ErrorCode code, String detail) {
        super(Objects.requireNonNull(code, "code").name() + ": " + Objects.requireNonNull(detail, "detail"));
        this.code = code;
        this.detail = detail;
    }

    /**
     * The stable error code.
     *
     * @return the code, e.g. {@link ErrorCode#SIGNATURE_MISMATCH}
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * The detail message without the code prefix.
     *
     * @return what went wrong and what to do
     */
    public String detail() {
        return detail;
    }

    /**
     * Whether the request is not proven to come from WeChat Pay (reply 401).
     *
     * @return {@code code().isAuthenticity()}
     */
    public boolean isAuthenticity() {
        return code.isAuthenticity();
    }
}
