package io.github.wechatpaynotify;

import java.util.Map;

/**
 * A decrypted APIv2 refund result notification. Immutable.
 *
 * @see V2Verifier#parseRefund(byte[])
 */
public final class V2Refund {
    private final Map<String, String> fields;
    private final Map<String, String> reqInfo;

    V2Refund(Map<String, String> fields, Map<String, String> reqInfo) {
        this.fields = fields;
        this.reqInfo = reqInfo;
    }

    /**
     * The outer fields ({@code return_code}, {@code appid}, {@code mch_id}, {@code nonce_str},
     * ...), without {@code req_info}, sorted by name.
     *
     * @return an unmodifiable map of names to values
     */
    public Map<String, String> fields() {
        return fields;
    }

    /**
     * The decrypted {@code req_info} fields ({@code out_refund_no}, {@code refund_status},
     * {@code refund_fee}, ...), sorted by name.
     *
     * @return an unmodifiable map of names to values
     */
    public Map<String, String> reqInfo() {
        return reqInfo;
    }

    /**
     * The field names only; values may hold personal data.
     *
     * @return a description of this refund
     */
    @Override
    public String toString() {
        return "V2Refund{fields=" + fields.keySet() + ", reqInfo=" + reqInfo.keySet() + "}";
    }
}
