package io.github.wechatpaynotify;

/**
 * An invalid configuration, found when a verifier is built or a key is used: an APIv3 or
 * APIv2 key that is not exactly 32 bytes, a PEM that does not parse, a key that is not RSA or
 * is under 2048 bits, no key at all, or the same serial twice. Its code is always {@link
 * ErrorCode#CONFIG_INVALID}.
 *
 * <p>The message never contains a key.
 */
public class ConfigException extends NotificationException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates a configuration error.
     *
     * @param detail what is wrong with the configuration, safe to log
     */
    public ConfigException(String detail) {
        super(ErrorCode.CONFIG_INVALID, detail);
    }
}
