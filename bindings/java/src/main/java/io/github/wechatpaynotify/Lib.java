package io.github.wechatpaynotify;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

/**
 * The C ABI of wechatpay-notify ({@code include/wechatpay_notify.h}), bound with JNA direct
 * mapping.
 *
 * <p>Handles and pointers are passed as {@code long} addresses (this binding supports 64-bit
 * platforms only), {@code size_t} as {@code long}, C {@code bool} results as {@code byte}.
 * Functions that return a struct by value are called through {@link StructCall}.
 * Functions on the hot path take every argument as an address into a {@link CallBuffer};
 * the others take Java arrays, which JNA copies for the duration of the call.
 */
final class Lib {
    /** The base name of the shared library: {@code libwechatpay_notify_ffi.so} on Linux. */
    static final String LIBRARY_NAME = "wechatpay_notify_ffi";
    /**
     * System property naming the shared library file, or a directory that holds it. When
     * unset, JNA's search applies: {@code jna.library.path}, the system paths, then the copy
     * packaged in this jar under {@code linux-x86-64/}.
     */
    static final String LIBRARY_PATH_PROPERTY = "wechatpay.notify.library.path";

    /** The loaded library. */
    static final NativeLibrary LIBRARY;

    static {
        if (Native.POINTER_SIZE != 8) {
            throw new UnsatisfiedLinkError("wechatpay-notify supports 64-bit JVMs only");
        }
        LIBRARY = load();
        Native.register(Lib.class, LIBRARY);
    }

    // Functions returning a struct by value: wpn_str / wpn_slice (2 words), wpn_field (4),
    // wpn_certificate (10). See StructCall.

    /** {@code wpn_str wpn_error_message(const wpn_error *)}. */
    static final StructCall ERROR_MESSAGE = StructCall.of(LIBRARY, "wpn_error_message", 1, 2);
    /** {@code wpn_str wpn_verifier_key_id(const wpn_verifier *, size_t)}. */
    static final StructCall VERIFIER_KEY_ID = StructCall.of(LIBRARY, "wpn_verifier_key_id", 2, 2);
    /** {@code wpn_str wpn_notification_id(const wpn_notification *)}. */
    static final StructCall NOTIFICATION_ID = StructCall.of(LIBRARY, "wpn_notification_id", 1, 2);
    /** {@code wpn_notification_create_time}. */
    static final StructCall NOTIFICATION_CREATE_TIME = StructCall.of(LIBRARY, "wpn_notification_create_time", 1, 2);
    /** {@code wpn_notification_event_type}. */
    static final StructCall NOTIFICATION_EVENT_TYPE = StructCall.of(LIBRARY, "wpn_notification_event_type", 1, 2);
    /** {@code wpn_notification_resource_type}. */
    static final StructCall NOTIFICATION_RESOURCE_TYPE =
            StructCall.of(LIBRARY, "wpn_notification_resource_type", 1, 2);
    /** {@code wpn_notification_summary}. */
    static final StructCall NOTIFICATION_SUMMARY = StructCall.of(LIBRARY, "wpn_notification_summary", 1, 2);
    /** {@code wpn_notification_original_type}. */
    static final StructCall NOTIFICATION_ORIGINAL_TYPE =
            StructCall.of(LIBRARY, "wpn_notification_original_type", 1, 2);
    /** {@code wpn_notification_serial}. */
    static final StructCall NOTIFICATION_SERIAL = StructCall.of(LIBRARY, "wpn_notification_serial", 1, 2);
    /** {@code wpn_notification_plaintext}. */
    static final StructCall NOTIFICATION_PLAINTEXT = StructCall.of(LIBRARY, "wpn_notification_plaintext", 1, 2);
    /** {@code wpn_slice wpn_buffer_data(const wpn_buffer *)}. */
    static final StructCall BUFFER_DATA = StructCall.of(LIBRARY, "wpn_buffer_data", 1, 2);
    /** {@code wpn_certificate wpn_certificates_get(const wpn_certificates *, size_t)}. */
    static final StructCall CERTIFICATES_GET = StructCall.of(LIBRARY, "wpn_certificates_get", 2, 10);
    /** {@code wpn_field wpn_v2_fields_get(const wpn_v2_fields *, size_t)}. */
    static final StructCall V2_FIELDS_GET = StructCall.of(LIBRARY, "wpn_v2_fields_get", 2, 4);
    /** {@code wpn_str wpn_reply_content_type(const wpn_reply *)}. */
    static final StructCall REPLY_CONTENT_TYPE = StructCall.of(LIBRARY, "wpn_reply_content_type", 1, 2);
    /** {@code wpn_str wpn_reply_body(const wpn_reply *)}. */
    static final StructCall REPLY_BODY = StructCall.of(LIBRARY, "wpn_reply_body", 1, 2);

    private Lib() {}

    private static NativeLibrary load() {
        Map<String, Object> options = Collections.emptyMap();
        String configured = System.getProperty(LIBRARY_PATH_PROPERTY);
        if (configured != null && !configured.isEmpty()) {
            File path = new File(configured);
            if (path.isDirectory()) {
                NativeLibrary.addSearchPath(LIBRARY_NAME, path.getAbsolutePath());
            } else if (path.isFile()) {
                return NativeLibrary.getInstance(path.getAbsolutePath(), options);
            } else {
                throw new UnsatisfiedLinkError(
                        LIBRARY_PATH_PROPERTY + "=" + configured + " is neither a file nor a directory");
            }
        }
        try {
            return NativeLibrary.getInstance(LIBRARY_NAME, options);
        } catch (UnsatisfiedLinkError e) {
            UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError(
                    "cannot load the wechatpay-notify native library (lib" + LIBRARY_NAME + ".so): this jar "
                            + "packages it for linux-x86-64; elsewhere build it (cargo build --release -p "
                            + "wechatpay-notify-ffi) and point -D" + LIBRARY_PATH_PROPERTY
                            + " or -Djna.library.path at it. " + e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        }
    }

    /**
     * Reads a NUL-terminated static string.
     *
     * @param address the string's address, or 0
     * @return the string, or null for 0
     */
    static String cString(long address) {
        return address == 0 ? null : new Pointer(address).getString(0, StandardCharsets.UTF_8.name());
    }

    /**
     * Copies {@code len} bytes at {@code address} into a Java string (UTF-8).
     *
     * @param address the first byte, or 0
     * @param len the length in bytes
     * @return the string, or null when {@code address} is 0
     */
    static String string(long address, long len) {
        if (address == 0) {
            return null;
        }
        if (len == 0) {
            return "";
        }
        return new String(bytes(address, len), StandardCharsets.UTF_8);
    }

    /**
     * Copies {@code len} bytes at {@code address}.
     *
     * @param address the first byte, or 0
     * @param len the length in bytes
     * @return the bytes, or null when {@code address} is 0
     */
    static byte[] bytes(long address, long len) {
        if (address == 0) {
            return null;
        }
        if (len > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("native buffer of " + len + " bytes is too large for Java");
        }
        return new Pointer(address).getByteArray(0, (int) len);
    }

    // ---- library, result codes, errors ------------------------------------------------------

    /** @return {@code const char *} version */
    static native long wpn_version();

    /** @param code result code @return {@code const char *} name */
    static native long wpn_error_code_name(int code);

    /** @param code result code @return {@code wpn_error_family} */
    static native int wpn_error_code_family(int code);

    /** @param code result code @return C bool */
    static native byte wpn_error_code_is_authenticity(int code);

    /** @param error {@code const wpn_error *} @return its code */
    static native int wpn_error_code(long error);


    /** @param error {@code wpn_error *} to free */
    static native void wpn_error_free(long error);

    // ---- verifier builder -------------------------------------------------------------------

    /** @param builderOut out @param errorOut out @return result */
    static native int wpn_verifier_builder_new(long[] builderOut, long[] errorOut);

    /** @param b builder @param key key @param len length @param errorOut out @return result */
    static native int wpn_verifier_builder_apiv3_key(long b, byte[] key, long len, long[] errorOut);

    /**
     * @param b builder @param id id @param idLen length @param pem pem @param pemLen length
     * @param errorOut out @return result
     */
    static native int wpn_verifier_builder_public_key(
            long b, byte[] id, long idLen, byte[] pem, long pemLen, long[] errorOut);

    /** @param b builder @param pem pem @param pemLen length @param errorOut out @return result */
    static native int wpn_verifier_builder_platform_certificate(long b, byte[] pem, long pemLen, long[] errorOut);

    /** @param b builder @param seconds skew @param errorOut out @return result */
    static native int wpn_verifier_builder_max_clock_skew(long b, long seconds, long[] errorOut);

    /** @param b builder @param bytes size @param errorOut out @return result */
    static native int wpn_verifier_builder_max_body_size(long b, long bytes, long[] errorOut);

    /** @param b builder @param verifierOut out @param errorOut out @return result */
    static native int wpn_verifier_builder_build(long b, long[] verifierOut, long[] errorOut);

    /** @param b builder to free */
    static native void wpn_verifier_builder_free(long b);

    // ---- verifier (hot path: every pointer is an address into a CallBuffer) -----------------

    /**
     * @param v verifier @param headers header array @param headersLen count @param body body
     * @param bodyLen length @param notificationOut out @param errorOut out @return result
     */
    static native int wpn_verifier_parse(
            long v, long headers, long headersLen, long body, long bodyLen, long notificationOut, long errorOut);

    /**
     * @param v verifier @param headers header array @param headersLen count @param body body
     * @param bodyLen length @param now Unix seconds @param notificationOut out
     * @param errorOut out @return result
     */
    static native int wpn_verifier_parse_at(
            long v, long headers, long headersLen, long body, long bodyLen, long now, long notificationOut,
            long errorOut);

    /**
     * @param v verifier @param headers header array @param headersLen count @param body body
     * @param bodyLen length @param errorOut out @return result
     */
    static native int wpn_verifier_verify(
            long v, long headers, long headersLen, long body, long bodyLen, long errorOut);

    /**
     * @param v verifier @param headers header array @param headersLen count @param body body
     * @param bodyLen length @param now Unix seconds @param errorOut out @return result
     */
    static native int wpn_verifier_verify_at(
            long v, long headers, long headersLen, long body, long bodyLen, long now, long errorOut);

    /**
     * @param v verifier @param headers header array @param headersLen count @param body body
     * @param bodyLen length @param errorOut out @return result
     */
    static native int wpn_verifier_verify_response(
            long v, long headers, long headersLen, long body, long bodyLen, long errorOut);

    /**
     * @param v verifier @param headers header array @param headersLen count @param body body
     * @param bodyLen length @param now Unix seconds @param errorOut out @return result
     */
    static native int wpn_verifier_verify_response_at(
            long v, long headers, long headersLen, long body, long bodyLen, long now, long errorOut);

    /**
     * @param v verifier @param body body @param bodyLen length @param certificatesOut out
     * @param errorOut out @return result
     */
    static native int wpn_verifier_decrypt_certificates(
            long v, byte[] body, long bodyLen, long[] certificatesOut, long[] errorOut);

    /** @param v verifier @return key count */
    static native long wpn_verifier_key_count(long v);


    /** @param v verifier @return seconds */
    static native long wpn_verifier_max_clock_skew(long v);

    /** @param v verifier @return bytes */
    static native long wpn_verifier_max_body_size(long v);

    /** @param v verifier to free */
    static native void wpn_verifier_free(long v);

    // ---- notification -----------------------------------------------------------------------









    /** @param n notification @return Unix seconds */
    static native long wpn_notification_timestamp(long n);

    /** @param n notification to free */
    static native void wpn_notification_free(long n);

    // ---- resources, certificates, buffers ---------------------------------------------------

    /**
     * @param key key @param keyLen length @param nonce nonce @param nonceLen length
     * @param aad associated data @param aadLen length @param ciphertext base64
     * @param ciphertextLen length @param plaintextOut out @param errorOut out @return result
     */
    static native int wpn_decrypt_resource(
            byte[] key, long keyLen, byte[] nonce, long nonceLen, byte[] aad, long aadLen, byte[] ciphertext,
            long ciphertextLen, long[] plaintextOut, long[] errorOut);


    /** @param buffer buffer to wipe and free */
    static native void wpn_buffer_free(long buffer);

    /**
     * @param key key @param keyLen length @param body body @param bodyLen length
     * @param certificatesOut out @param errorOut out @return result
     */
    static native int wpn_decrypt_certificates(
            byte[] key, long keyLen, byte[] body, long bodyLen, long[] certificatesOut, long[] errorOut);

    /** @param list list @return count */
    static native long wpn_certificates_len(long list);


    /** @param list list to free */
    static native void wpn_certificates_free(long list);

    /**
     * @param pem public key @param pemLen length @param message message @param messageLen length
     * @param signature raw signature @param signatureLen length @param errorOut out @return result
     */
    static native int wpn_verify_rsa_signature(
            byte[] pem, long pemLen, byte[] message, long messageLen, byte[] signature, long signatureLen,
            long[] errorOut);

    // ---- APIv2 ------------------------------------------------------------------------------

    /** @param key key @param keyLen length @param verifierOut out @param errorOut out @return result */
    static native int wpn_v2_verifier_new(byte[] key, long keyLen, long[] verifierOut, long[] errorOut);

    /**
     * @param v verifier @param maxBodySize bytes @param verifierOut out @param errorOut out
     * @return result
     */
    static native int wpn_v2_verifier_with_max_body_size(
            long v, long maxBodySize, long[] verifierOut, long[] errorOut);

    /**
     * @param v verifier @param xml body @param xmlLen length @param fieldsOut out
     * @param errorOut out @return result
     */
    static native int wpn_v2_verifier_parse_payment(
            long v, byte[] xml, long xmlLen, long[] fieldsOut, long[] errorOut);

    /**
     * @param v verifier @param xml body @param xmlLen length @param refundOut out
     * @param errorOut out @return result
     */
    static native int wpn_v2_verifier_parse_refund(
            long v, byte[] xml, long xmlLen, long[] refundOut, long[] errorOut);

    /** @param v verifier to free */
    static native void wpn_v2_verifier_free(long v);

    /** @param fields fields @return count */
    static native long wpn_v2_fields_len(long fields);


    /** @param fields fields to free */
    static native void wpn_v2_fields_free(long fields);

    /** @param refund refund @return borrowed outer fields */
    static native long wpn_v2_refund_fields(long refund);

    /** @param refund refund @return borrowed req_info fields */
    static native long wpn_v2_refund_req_info(long refund);

    /** @param refund refund to free */
    static native void wpn_v2_refund_free(long refund);

    // ---- replies ----------------------------------------------------------------------------

    /** @param replyOut out @param errorOut out @return result */
    static native int wpn_reply_success(long[] replyOut, long[] errorOut);

    /**
     * @param code result code @param message message @param messageLen length
     * @param replyOut out @param errorOut out @return result
     */
    static native int wpn_reply_for_result(
            int code, byte[] message, long messageLen, long[] replyOut, long[] errorOut);

    /**
     * @param status HTTP status @param message message @param messageLen length
     * @param replyOut out @param errorOut out @return result
     */
    static native int wpn_reply_failure_message(
            short status, byte[] message, long messageLen, long[] replyOut, long[] errorOut);

    /** @param replyOut out @param errorOut out @return result */
    static native int wpn_reply_v2_success(long[] replyOut, long[] errorOut);

    /**
     * @param message message @param messageLen length @param replyOut out @param errorOut out
     * @return result
     */
    static native int wpn_reply_v2_failure(byte[] message, long messageLen, long[] replyOut, long[] errorOut);

    /** @param reply reply @return HTTP status (u16) */
    static native short wpn_reply_status(long reply);



    /** @param reply reply to free */
    static native void wpn_reply_free(long reply);
}
