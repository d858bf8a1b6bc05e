package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Library-wide functions: the decryption helpers and version information.
 *
 * <p>For callbacks use {@link Verifier} (APIv3) or {@link V2Verifier} (APIv2); these helpers
 * are for the other places WeChat Pay encrypts data with the APIv3 key.
 */
public final class WechatpayNotify {
    private WechatpayNotify() {}

    /**
     * The version of the native wechatpay-notify library that was loaded.
     *
     * @return a version such as {@code 0.2.0}
     */
    public static String nativeVersion() {
        return Marshal.cString(Lib.wpn_version());
    }

    /**
     * The cryptographic backend the loaded native library was built with.
     *
     * @return {@code aws-lc} (aws-lc-rs, the released library) or {@code ring} (ring and
     *     RustCrypto's aes-gcm)
     */
    public static String nativeBackend() {
        return Marshal.cString(Lib.wpn_backend());
    }

    /**
     * Decrypts one {@code AEAD_AES_256_GCM} resource with the APIv3 key.
     *
     * @param apiV3Key the APIv3 key, exactly 32 bytes
     * @param nonce {@code resource.nonce}, 12 bytes
     * @param associatedData {@code resource.associated_data}, empty when absent
     * @param ciphertextBase64 {@code resource.ciphertext}: standard base64 of the ciphertext and tag
     * @return the plaintext bytes
     * @throws ConfigException when the key is not 32 bytes
     * @throws NotificationException {@link ErrorCode#MALFORMED_RESOURCE} for a wrong nonce
     *     length or bad base64, {@link ErrorCode#DECRYPT_FAILED} for a wrong key or altered data
     */
    public static byte[] decryptResource(byte[] apiV3Key, byte[] nonce, byte[] associatedData, byte[] ciphertextBase64) {
        Objects.requireNonNull(apiV3Key, "apiV3Key");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(associatedData, "associatedData");
        Objects.requireNonNull(ciphertextBase64, "ciphertextBase64");
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Errors.check(
                Lib.wpn_decrypt_resource(
                        apiV3Key, apiV3Key.length, nonce, nonce.length, associatedData, associatedData.length,
                        ciphertextBase64, ciphertextBase64.length, out, err),
                err);
        Pointer buffer = out.getValue();
        try {
            Lib.Slice data = Reusable.get().slice;
            if (!Marshal.isTrue(Lib.wpn_buffer_data(buffer, data.getPointer()))) {
                throw new IllegalStateException("wpn_decrypt_resource succeeded without a buffer");
            }
            byte[] bytes = data.asBytes();
            return bytes == null ? new byte[0] : bytes;
        } finally {
            Lib.wpn_buffer_free(buffer);
        }
    }

    /**
     * Decrypts one {@code AEAD_AES_256_GCM} resource given as strings, returning UTF-8 text
     * (WeChat Pay resources are JSON).
     *
     * @param apiV3Key the APIv3 key, 32 characters
     * @param nonce {@code resource.nonce}
     * @param associatedData {@code resource.associated_data}, or null or empty when absent
     * @param ciphertextBase64 {@code resource.ciphertext}
     * @return the plaintext as text
     * @throws ConfigException when the key is not 32 bytes
     * @throws NotificationException {@link ErrorCode#MALFORMED_RESOURCE} or {@link
     *     ErrorCode#DECRYPT_FAILED}
     */
    public static String decryptResource(String apiV3Key, String nonce, String associatedData, String ciphertextBase64) {
        byte[] plain = decryptResource(
                utf8(apiV3Key, "apiV3Key"),
                utf8(nonce, "nonce"),
                associatedData == null ? new byte[0] : associatedData.getBytes(StandardCharsets.UTF_8),
                utf8(ciphertextBase64, "ciphertextBase64"));
        return new String(plain, StandardCharsets.UTF_8);
    }

    /**
     * Decrypts every certificate of a {@code GET /v3/certificates} response body with the
     * APIv3 key. Verify the response's signature first ({@link Verifier#verifyResponse}) when
     * a verifier is already configured.
     *
     * @param apiV3Key the APIv3 key, 32 characters
     * @param body the response body
     * @return the platform certificates
     * @throws ConfigException when the key is not 32 bytes
     * @throws NotificationException {@link ErrorCode#MALFORMED_BODY}, {@link
     *     ErrorCode#UNSUPPORTED_ALGORITHM}, {@link ErrorCode#MALFORMED_RESOURCE} or {@link
     *     ErrorCode#DECRYPT_FAILED}
     */
    public static List<DownloadedCertificate> decryptCertificates(String apiV3Key, byte[] body) {
        byte[] key = utf8(apiV3Key, "apiV3Key");
        Objects.requireNonNull(body, "body");
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        Errors.check(Lib.wpn_decrypt_certificates(key, key.length, body, body.length, out, err), err);
        return DownloadedCertificate.readList(out.getValue());
    }

    private static byte[] utf8(String s, String name) {
        return Objects.requireNonNull(s, name).getBytes(StandardCharsets.UTF_8);
    }
}
