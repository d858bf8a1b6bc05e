package io.github.wechatpaynotify;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

/**
 * The C ABI of wechatpay-notify ({@code include/wechatpay_notify.h}; its conventions are
 * explained in docs/c-abi.md), bound with JNA direct mapping ({@link Native#register}).
 *
 * <p>Handles are {@link Pointer}s; {@code T **} out-parameters are {@link PointerByReference};
 * byte inputs are Java arrays (JNA copies them for the duration of the call) or {@link
 * com.sun.jna.Memory}; {@code size_t} is {@code long} (this binding supports 64-bit platforms
 * only); C {@code bool} results and arguments are {@code byte} (only the low byte of the
 * register is defined). Accessors fill a caller-provided {@link Structure}, which JNA passes as
 * a pointer; the one {@code wpn_str} passed by value is a {@link StrValue};
 * the structures here declare the C layout, and the binding reads the fields it needs straight
 * from their native memory (see {@link Struct}).
 *
 * <p>The calls of every callback ({@code wpn_verifier_parse}, {@code wpn_verifier_verify},
 * {@code wpn_verifier_verify_response}, {@code wpn_notification_envelope}, {@code
 * wpn_notification_free}, {@code wpn_event_decode}, {@code wpn_buffer_data}, {@code
 * wpn_buffer_free}) are declared with primitive arguments only: every pointer, handle and
 * {@code size_t} is a {@code long} (an address, 0 for NULL; the same registers as a pointer on
 * the 64-bit platforms this binding supports). JNA then converts no object: the inputs and
 * out-parameters are laid out in the calling thread's {@link Scratch} block, and the structures
 * the library fills are read there at the offsets of {@link Envelope} and {@link Slice}
 * (checked against the C header by {@code LayoutTest}).
 */
final class Lib {
    /** The name of the C library: {@code libwechatpay_notify.so} on Linux. */
    static final String LIBRARY_NAME = "wechatpay_notify";
    /**
     * System property naming the shared library file, or a directory that holds it. When
     * unset, JNA's search applies: {@code jna.library.path}, the system paths, then the copy
     * packaged in this jar under {@code linux-x86-64/}.
     */
    static final String LIBRARY_PATH_PROPERTY = "wechatpay.notify.library.path";

    /** {@code WPN_OK}. */
    static final int OK = 0;
    /** {@code WPN_SYSTEM_CLOCK} ({@code INT64_MIN}): a {@code now} argument meaning "read the system clock". */
    static final long SYSTEM_CLOCK = Long.MIN_VALUE;

    /** {@code WPN_FAMILY_AUTHENTICITY}. */
    static final int FAMILY_AUTHENTICITY = 1;
    /** {@code WPN_FAMILY_DECRYPTION}. */
    static final int FAMILY_DECRYPTION = 2;
    /** {@code WPN_FAMILY_FORMAT}. */
    static final int FAMILY_FORMAT = 3;
    /** {@code WPN_FAMILY_CONFIG}. */
    static final int FAMILY_CONFIG = 4;

    /** The loaded library. */
    static final NativeLibrary LIBRARY;

    static {
        if (Native.POINTER_SIZE != 8) {
            throw new UnsatisfiedLinkError("wechatpay-notify supports 64-bit JVMs only");
        }
        LIBRARY = load();
        Native.register(Lib.class, LIBRARY);
    }

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
                            + "packages it for linux-x86-64; elsewhere build and install it (scripts/install-c.sh "
                            + "--prefix DIR) and point -D" + LIBRARY_PATH_PROPERTY
                            + " or -Djna.library.path at it. " + e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        }
    }

    /**
     * Reads a static NUL-terminated string.
     *
     * @param p the string, or null
     * @return the string, or null for a null pointer
     */
    static String cString(Pointer p) {
        return p == null ? null : p.getString(0, StandardCharsets.UTF_8.name());
    }

    /**
     * Copies {@code len} bytes at {@code data} into a Java string (UTF-8).
     *
     * @param data the first byte, or null
     * @param len the length in bytes
     * @return the string, or null when {@code data} is null
     */
    static String string(Pointer data, long len) {
        if (data == null) {
            return null;
        }
        return len == 0 ? "" : new String(bytes(data, len), StandardCharsets.UTF_8);
    }

    /**
     * Copies {@code len} bytes at {@code data}.
     *
     * @param data the first byte, or null
     * @param len the length in bytes
     * @return the bytes, or null when {@code data} is null
     */
    static byte[] bytes(Pointer data, long len) {
        if (data == null) {
            return null;
        }
        if (len < 0 || len > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("native buffer of " + Long.toUnsignedString(len) + " bytes is too large for Java");
        }
        return data.getByteArray(0, (int) len);
    }

    /**
     * Turns a C {@code bool} result into a Java boolean.
     *
     * @param b the byte the call returned
     * @return whether it is true
     */
    static boolean isTrue(byte b) {
        return b != 0;
    }

    /**
     * Turns a Java boolean into a C {@code bool} argument.
     *
     * @param b the value
     * @return 1 or 0
     */
    static byte cBool(boolean b) {
        return (byte) (b ? 1 : 0);
    }

    // ---- structures (include/wechatpay_notify.h) --------------------------------------------

    /**
     * A structure whose Java fields declare the C layout. JNA neither writes its memory before
     * a call nor reads it after one (automatic synchronization is off): the library fills it
     * (or, for {@link Header}, the binding does), and the binding reads the fields it needs
     * straight from native memory at the offsets JNA computed. That copies each string once
     * and costs about half of {@link #read()}, which reflectively copies every field into the
     * Java fields first.
     */
    abstract static class Struct extends Structure {
        Struct() {
            setAutoSynch(false);
        }

        /**
         * The byte offset of a field in the native layout.
         *
         * @param field the Java field name
         * @return its offset
         */
        final int offsetOf(String field) {
            return fieldOffset(field);
        }

        /**
         * Reads a {@code wpn_str} field.
         *
         * @param field the name of a {@link Str} field
         * @return a copy of the string, or null for {@code {NULL, 0}}
         */
        final String string(String field) {
            int at = fieldOffset(field);
            Pointer p = getPointer();
            return Lib.string(p.getPointer(at + Str.DATA), p.getLong(at + Str.LEN));
        }

        /**
         * Reads an {@code int64_t} field.
         *
         * @param field the name of a {@code long} field
         * @return its value
         */
        final long int64(String field) {
            return getPointer().getLong(fieldOffset(field));
        }

        /**
         * Writes a {@code wpn_str} field: {@code len} bytes at {@code data}.
         *
         * @param field the name of a {@link Str} field
         * @param data the first byte, or null for {@code {NULL, 0}}
         * @param len the length in bytes
         */
        final void putString(String field, Pointer data, long len) {
            int at = fieldOffset(field);
            Pointer p = getPointer();
            p.setPointer(at + Str.DATA, data);
            p.setLong(at + Str.LEN, len);
        }

        /**
         * Writes an {@code int64_t} field.
         *
         * @param field the name of a {@code long} field
         * @param value its value
         */
        final void putInt64(String field, long value) {
            getPointer().setLong(fieldOffset(field), value);
        }

        /**
         * Reads a pointer field.
         *
         * @param field the name of a {@link Pointer} field
         * @return its value, or null
         */
        final Pointer pointer(String field) {
            return getPointer().getPointer(fieldOffset(field));
        }

        /**
         * Reads a {@code wpn_slice} field.
         *
         * @param field the name of a {@link Slice} field
         * @return a copy of the bytes, or null for {@code {NULL, 0}}
         */
        final byte[] bytes(String field) {
            int at = fieldOffset(field);
            Pointer p = getPointer();
            return Lib.bytes(p.getPointer(at + Str.DATA), p.getLong(at + Str.LEN));
        }

        /**
         * Reads a {@code uint16_t} field.
         *
         * @param field the name of a {@code short} field
         * @return its value, 0 to 65535
         */
        final int uint16(String field) {
            return Short.toUnsignedInt(getPointer().getShort(fieldOffset(field)));
        }
    }

    /** {@code wpn_str}: a borrowed UTF-8 string, {@code len} bytes at {@code data}. */
    @Structure.FieldOrder({"data", "len"})
    public static final class Str extends Struct {
        /** Offset of {@code data}. */
        static final int DATA;
        /** Offset of {@code len}. */
        static final int LEN;

        static {
            Str layout = new Str();
            DATA = layout.offsetOf("data");
            LEN = layout.offsetOf("len");
        }

        /** {@code const char *data}: the first byte, or null. */
        public Pointer data;
        /** {@code size_t len}: the length in bytes. */
        public long len;

        /** An empty string structure in its own native memory. */
        public Str() {}

        /**
         * Reads this string.
         *
         * @return a copy of it, or null for {@code {NULL, 0}}
         */
        String value() {
            Pointer p = getPointer();
            return Lib.string(p.getPointer(DATA), p.getLong(LEN));
        }
    }

    /**
     * {@code wpn_str} passed by value ({@code wpn_kit_v2_callback}'s {@code fields_json}). JNA
     * copies a by-value structure from its native memory, which {@link #set} writes.
     */
    @Structure.FieldOrder({"data", "len"})
    public static final class StrValue extends Struct implements Structure.ByValue {
        /** {@code const char *data}: the first byte, or null. */
        public Pointer data;
        /** {@code size_t len}: the length in bytes. */
        public long len;

        /** A {@code {NULL, 0}} string. */
        public StrValue() {}

        /**
         * Points this string at {@code len} bytes at {@code data}, in the Java fields and in
         * native memory.
         *
         * @param data the first byte, or null for {@code {NULL, 0}}
         * @param len the length in bytes
         * @return this structure
         */
        StrValue set(Pointer data, long len) {
            this.data = data;
            this.len = len;
            write();
            return this;
        }
    }

    /** {@code wpn_slice}: borrowed bytes, {@code len} bytes at {@code data}. */
    @Structure.FieldOrder({"data", "len"})
    public static final class Slice extends Struct {
        /** {@code const uint8_t *data}: the first byte, or null. */
        public Pointer data;
        /** {@code size_t len}: the length in bytes. */
        public long len;

        /** An empty slice structure in its own native memory. */
        public Slice() {}

        /**
         * Reads these bytes.
         *
         * @return a copy of them, or null for {@code {NULL, 0}}
         */
        byte[] value() {
            Pointer p = getPointer();
            return Lib.bytes(p.getPointer(Str.DATA), p.getLong(Str.LEN));
        }
    }

    /** {@code wpn_header}: one HTTP header, name and value as byte buffers. */
    @Structure.FieldOrder({"name", "name_len", "value", "value_len"})
    public static final class Header extends Struct {
        /** {@code const uint8_t *name}. */
        public Pointer name;
        /** {@code size_t name_len}. */
        public long name_len;
        /** {@code const uint8_t *value}. */
        public Pointer value;
        /** {@code size_t value_len}. */
        public long value_len;

        /** A header structure in its own native memory. */
        public Header() {}
    }

    /** {@code wpn_envelope}: every field of a notification, filled by {@code wpn_notification_envelope}. */
    @Structure.FieldOrder({
        "id", "create_time", "event_type", "resource_type", "summary", "original_type", "serial", "plaintext",
        "kind", "mchid", "timestamp"
    })
    public static final class Envelope extends Struct {
        /** The size of the structure. */
        static final int SIZE;
        /** Offset of {@code id}, a {@code wpn_str}. */
        static final int ID;
        /** Offset of {@code create_time}. */
        static final int CREATE_TIME;
        /** Offset of {@code event_type}. */
        static final int EVENT_TYPE;
        /** Offset of {@code resource_type}. */
        static final int RESOURCE_TYPE;
        /** Offset of {@code summary}. */
        static final int SUMMARY;
        /** Offset of {@code original_type}. */
        static final int ORIGINAL_TYPE;
        /** Offset of {@code serial}. */
        static final int SERIAL;
        /** Offset of {@code plaintext}. */
        static final int PLAINTEXT;
        /** Offset of {@code kind}. */
        static final int KIND;
        /** Offset of {@code mchid}. */
        static final int MCHID;
        /** Offset of {@code timestamp}, an {@code int64_t}. */
        static final int TIMESTAMP;

        static {
            Envelope layout = new Envelope();
            SIZE = layout.size();
            ID = layout.offsetOf("id");
            CREATE_TIME = layout.offsetOf("create_time");
            EVENT_TYPE = layout.offsetOf("event_type");
            RESOURCE_TYPE = layout.offsetOf("resource_type");
            SUMMARY = layout.offsetOf("summary");
            ORIGINAL_TYPE = layout.offsetOf("original_type");
            SERIAL = layout.offsetOf("serial");
            PLAINTEXT = layout.offsetOf("plaintext");
            KIND = layout.offsetOf("kind");
            MCHID = layout.offsetOf("mchid");
            TIMESTAMP = layout.offsetOf("timestamp");
        }

        /** {@code id}. */
        public Str id;
        /** {@code create_time}. */
        public Str create_time;
        /** {@code event_type}. */
        public Str event_type;
        /** {@code resource_type}. */
        public Str resource_type;
        /** {@code summary}. */
        public Str summary;
        /** {@code original_type}. */
        public Str original_type;
        /** {@code serial}. */
        public Str serial;
        /** {@code plaintext}. */
        public Str plaintext;
        /** {@code kind}: the catalog kind's name, or {@code "unknown"} (a static string). */
        public Str kind;
        /**
         * {@code mchid}: the merchant the notification was for, with a verifier of several
         * merchants; {@code {NULL, 0}} for a single-merchant verifier.
         */
        public Str mchid;
        /** {@code int64_t timestamp}. */
        public long timestamp;

        /** An envelope structure in its own native memory. */
        public Envelope() {}
    }

    /** {@code wpn_http_response}: a reply's status, content type and body. */
    @Structure.FieldOrder({"status", "content_type", "body"})
    public static final class HttpResponse extends Struct {
        /** {@code uint16_t status}. */
        public short status;
        /** {@code content_type}; {@code {NULL, 0}} when there is no body. */
        public Str content_type;
        /** {@code body}. */
        public Str body;

        /** A response structure in its own native memory. */
        public HttpResponse() {}
    }

    /** {@code wpn_certificate}: one downloaded platform certificate. */
    @Structure.FieldOrder({"serial_no", "effective_time", "expire_time", "not_before", "not_after", "pem"})
    public static final class Certificate extends Struct {
        /** {@code serial_no}. */
        public Str serial_no;
        /** {@code effective_time}. */
        public Str effective_time;
        /** {@code expire_time}. */
        public Str expire_time;
        /** {@code int64_t not_before}. */
        public long not_before;
        /** {@code int64_t not_after}. */
        public long not_after;
        /** {@code pem}. */
        public Str pem;

        /** A certificate structure in its own native memory. */
        public Certificate() {}
    }

    /** {@code wpn_field}: one APIv2 field. */
    @Structure.FieldOrder({"name", "value"})
    public static final class Field extends Struct {
        /** {@code name}. */
        public Str name;
        /** {@code value}. */
        public Str value;

        /** A field structure in its own native memory. */
        public Field() {}
    }

    /** {@code wpn_kit_info}: what a testing kit is, filled by {@code wpn_kit_describe}. */
    @Structure.FieldOrder({"key_id", "public_key_pem", "certificate_pem", "apiv3_key", "v2_key"})
    public static final class KitInfo extends Struct {
        /** {@code key_id}. */
        public Str key_id;
        /** {@code public_key_pem}. */
        public Str public_key_pem;
        /** {@code certificate_pem}; {@code {NULL, 0}} for a public-key kit. */
        public Str certificate_pem;
        /** {@code apiv3_key}. */
        public Str apiv3_key;
        /** {@code v2_key}. */
        public Str v2_key;

        /** A kit info structure in its own native memory. */
        public KitInfo() {}
    }

    /**
     * {@code wpn_kit_request}: what {@code wpn_kit_notification} builds. The binding writes
     * it; {@code {NULL, 0}} strings keep the defaults.
     */
    @Structure.FieldOrder({
        "kind", "event_type", "original_type", "resource_json", "merge_json", "id", "timestamp", "failure"
    })
    public static final class KitRequest extends Struct {
        /** {@code kind}: a catalog kind's name, or {@code {NULL, 0}} for a custom callback. */
        public Str kind;
        /** {@code event_type}. */
        public Str event_type;
        /** {@code original_type}. */
        public Str original_type;
        /** {@code resource_json}. */
        public Str resource_json;
        /** {@code merge_json}. */
        public Str merge_json;
        /** {@code id}. */
        public Str id;
        /** {@code int64_t timestamp}: Unix seconds, or {@link #SYSTEM_CLOCK}. */
        public long timestamp;
        /** {@code failure}: a failure's name, or {@code {NULL, 0}}. */
        public Str failure;

        /** A request structure in its own native memory, all zero. */
        public KitRequest() {}
    }

    /** {@code wpn_callback_parts}: a test callback's contents, filled by {@code wpn_callback_contents}. */
    @Structure.FieldOrder({"headers", "headers_len", "body", "id"})
    public static final class CallbackParts extends Struct {
        /** {@code const wpn_field *headers}: {@code headers_len} name/value pairs. */
        public Pointer headers;
        /** {@code size_t headers_len}. */
        public long headers_len;
        /** {@code body}. */
        public Slice body;
        /** {@code id}. */
        public Str id;

        /** A callback parts structure in its own native memory. */
        public CallbackParts() {}
    }

    // ---- library, result codes, errors ------------------------------------------------------

    /** @return {@code const char *}: the static version string */
    static native Pointer wpn_version();

    /** @return {@code const char *}: the static backend name */
    static native Pointer wpn_backend();

    /** @param code result code @return {@code const char *}: its static name */
    static native Pointer wpn_error_code_name(int code);

    /**
     * @param name the name's bytes @param nameLen length @param codeOut receives the code
     * @return C bool: found
     */
    static native byte wpn_error_code_from_name(byte[] name, long nameLen, IntByReference codeOut);

    /** @param code result code @return {@code wpn_error_family} */
    static native int wpn_error_code_family(int code);

    /** @param error {@code const wpn_error *} @return its code */
    static native int wpn_error_code(Pointer error);

    /** @param error {@code const wpn_error *} @param messageOut filled @return C bool */
    static native byte wpn_error_message(Pointer error, Str messageOut);

    /** @param error {@code wpn_error *} to free */
    static native void wpn_error_free(Pointer error);

    // ---- verifier builder -------------------------------------------------------------------

    /** @param builderOut out @param errorOut out @return result */
    static native int wpn_verifier_builder_new(PointerByReference builderOut, PointerByReference errorOut);

    /** @param b builder @param key key @param len length @param errorOut out @return result */
    static native int wpn_verifier_builder_apiv3_key(Pointer b, byte[] key, long len, PointerByReference errorOut);

    /**
     * @param b builder @param id id @param idLen length @param pem pem @param pemLen length
     * @param errorOut out @return result
     */
    static native int wpn_verifier_builder_public_key(
            Pointer b, byte[] id, long idLen, byte[] pem, long pemLen, PointerByReference errorOut);

    /** @param b builder @param pem pem @param pemLen length @param errorOut out @return result */
    static native int wpn_verifier_builder_platform_certificate(
            Pointer b, byte[] pem, long pemLen, PointerByReference errorOut);

    /**
     * @param b builder @param mchid merchant id @param mchidLen length @param key APIv3 key
     * @param keyLen length @param errorOut out @return result
     */
    static native int wpn_verifier_builder_merchant(
            Pointer b, byte[] mchid, long mchidLen, byte[] key, long keyLen, PointerByReference errorOut);

    /** @param b builder @param seconds skew @param errorOut out @return result */
    static native int wpn_verifier_builder_max_clock_skew(Pointer b, long seconds, PointerByReference errorOut);

    /** @param b builder @param bytes size @param errorOut out @return result */
    static native int wpn_verifier_builder_max_body_size(Pointer b, long bytes, PointerByReference errorOut);

    /** @param b builder @param verifierOut out @param errorOut out @return result */
    static native int wpn_verifier_builder_build(
            Pointer b, PointerByReference verifierOut, PointerByReference errorOut);

    /** @param b builder to free */
    static native void wpn_verifier_builder_free(Pointer b);

    // ---- verifier ---------------------------------------------------------------------------

    /**
     * All addresses ({@code long}, 0 for NULL).
     *
     * @param v verifier @param headers {@code wpn_header} array @param headersLen count
     * @param body body @param bodyLen length @param now Unix seconds or {@link #SYSTEM_CLOCK}
     * @param notificationOut {@code wpn_notification **} @param errorOut {@code wpn_error **}
     * @return result
     */
    static native int wpn_verifier_parse(
            long v, long headers, long headersLen, long body, long bodyLen, long now, long notificationOut,
            long errorOut);

    /**
     * All addresses ({@code long}, 0 for NULL).
     *
     * @param v verifier @param headers {@code wpn_header} array @param headersLen count
     * @param body body @param bodyLen length @param now Unix seconds or {@link #SYSTEM_CLOCK}
     * @param errorOut {@code wpn_error **} @return result
     */
    static native int wpn_verifier_verify(
            long v, long headers, long headersLen, long body, long bodyLen, long now, long errorOut);

    /**
     * All addresses ({@code long}, 0 for NULL).
     *
     * @param v verifier @param headers {@code wpn_header} array @param headersLen count
     * @param body body @param bodyLen length @param now Unix seconds or {@link #SYSTEM_CLOCK}
     * @param errorOut {@code wpn_error **} @return result
     */
    static native int wpn_verifier_verify_response(
            long v, long headers, long headersLen, long body, long bodyLen, long now, long errorOut);

    /**
     * @param v verifier @param body body @param bodyLen length @param certificatesOut out
     * @param errorOut out @return result
     */
    static native int wpn_verifier_decrypt_certificates(
            Pointer v, byte[] body, long bodyLen, PointerByReference certificatesOut, PointerByReference errorOut);

    /** @param v verifier @return key count */
    static native long wpn_verifier_key_count(Pointer v);

    /** @param v verifier @param index key index @param idOut filled @return C bool */
    static native byte wpn_verifier_key_id(Pointer v, long index, Str idOut);

    /** @param v verifier @return seconds */
    static native long wpn_verifier_max_clock_skew(Pointer v);

    /** @param v verifier @return bytes */
    static native long wpn_verifier_max_body_size(Pointer v);

    /** @param v verifier to free */
    static native void wpn_verifier_free(Pointer v);

    // ---- notification -----------------------------------------------------------------------

    /**
     * @param n {@code wpn_notification *} @param envelopeOut {@code wpn_envelope *}, filled
     * @return C bool
     */
    static native byte wpn_notification_envelope(long n, long envelopeOut);

    /** @param n {@code wpn_notification *} to free */
    static native void wpn_notification_free(long n);

    // ---- event catalog ----------------------------------------------------------------------

    /**
     * All addresses ({@code long}, 0 for NULL).
     *
     * @param kind kind name @param kindLen length @param eventType event type
     * @param eventTypeLen length @param originalType original type @param originalTypeLen length
     * @param plaintext plaintext @param plaintextLen length @param format {@link #FIELDS_TREE}
     * @param fieldsOut {@code wpn_buffer **} (a value-tree buffer) @param errorOut {@code
     * wpn_error **} @return result
     */
    static native int wpn_event_decode(
            long kind, long kindLen, long eventType, long eventTypeLen, long originalType, long originalTypeLen,
            long plaintext, long plaintextLen, int format, long fieldsOut, long errorOut);

    /** {@code WPN_FIELDS_TREE}: the value tree {@code wpn_event_decode} writes (docs/c-abi.md). */
    static final int FIELDS_TREE = 0;

    // ---- resources, certificates, buffers ---------------------------------------------------

    /**
     * @param key key @param keyLen length @param nonce nonce @param nonceLen length
     * @param aad associated data @param aadLen length @param ciphertext base64
     * @param ciphertextLen length @param plaintextOut out @param errorOut out @return result
     */
    static native int wpn_decrypt_resource(
            byte[] key, long keyLen, byte[] nonce, long nonceLen, byte[] aad, long aadLen, byte[] ciphertext,
            long ciphertextLen, PointerByReference plaintextOut, PointerByReference errorOut);

    /** @param buffer buffer @param dataOut filled @return C bool */
    static native byte wpn_buffer_data(Pointer buffer, Slice dataOut);

    /**
     * @param buffer {@code wpn_buffer *} @param dataOut {@code wpn_slice *}, filled
     * @return C bool
     */
    static native byte wpn_buffer_data(long buffer, long dataOut);

    /** @param buffer buffer to wipe and free */
    static native void wpn_buffer_free(Pointer buffer);

    /** @param buffer {@code wpn_buffer *} to wipe and free */
    static native void wpn_buffer_free(long buffer);

    /**
     * @param key key @param keyLen length @param body body @param bodyLen length
     * @param certificatesOut out @param errorOut out @return result
     */
    static native int wpn_decrypt_certificates(
            byte[] key, long keyLen, byte[] body, long bodyLen, PointerByReference certificatesOut,
            PointerByReference errorOut);

    /** @param list list @return count */
    static native long wpn_certificates_len(Pointer list);

    /** @param list list @param index index @param certificateOut filled @return C bool */
    static native byte wpn_certificates_get(Pointer list, long index, Certificate certificateOut);

    /** @param list list to free */
    static native void wpn_certificates_free(Pointer list);

    // ---- APIv2 ------------------------------------------------------------------------------

    /**
     * @param key key @param keyLen length @param maxBodySize bytes, 0 for the default
     * @param verifierOut out @param errorOut out @return result
     */
    static native int wpn_v2_verifier_new(
            byte[] key, long keyLen, long maxBodySize, PointerByReference verifierOut, PointerByReference errorOut);

    /**
     * @param v verifier @param xml body @param xmlLen length @param fieldsOut out
     * @param errorOut out @return result
     */
    static native int wpn_v2_verifier_parse_payment(
            Pointer v, byte[] xml, long xmlLen, PointerByReference fieldsOut, PointerByReference errorOut);

    /**
     * @param v verifier @param xml body @param xmlLen length @param refundOut out
     * @param errorOut out @return result
     */
    static native int wpn_v2_verifier_parse_refund(
            Pointer v, byte[] xml, long xmlLen, PointerByReference refundOut, PointerByReference errorOut);

    /** @param v verifier to free */
    static native void wpn_v2_verifier_free(Pointer v);

    /** @param fields fields @return count */
    static native long wpn_v2_fields_len(Pointer fields);

    /** @param fields fields @param index index @param fieldOut filled @return C bool */
    static native byte wpn_v2_fields_get(Pointer fields, long index, Field fieldOut);

    /** @param fields fields to free */
    static native void wpn_v2_fields_free(Pointer fields);

    /** @param refund refund @return borrowed outer fields */
    static native Pointer wpn_v2_refund_fields(Pointer refund);

    /** @param refund refund @return borrowed req_info fields */
    static native Pointer wpn_v2_refund_req_info(Pointer refund);

    /** @param refund refund to free */
    static native void wpn_v2_refund_free(Pointer refund);

    // ---- testing kit ------------------------------------------------------------------------

    /** @param certificate C bool @param kitOut out @param errorOut out @return result */
    static native int wpn_kit_new(byte certificate, PointerByReference kitOut, PointerByReference errorOut);

    /** @param kit kit @param infoOut filled @return C bool */
    static native byte wpn_kit_describe(Pointer kit, KitInfo infoOut);

    /** @param kit kit @param verifierOut out @param errorOut out @return result */
    static native int wpn_kit_verifier(Pointer kit, PointerByReference verifierOut, PointerByReference errorOut);

    /** @param kit kit @param mchid UTF-8 @param mchidLen length @param errorOut out @return result */
    static native int wpn_kit_set_mchid(Pointer kit, byte[] mchid, long mchidLen, PointerByReference errorOut);

    /**
     * @param kit kit @param request the request, written by the binding @param callbackOut out
     * @param errorOut out @return result
     */
    static native int wpn_kit_notification(
            Pointer kit, KitRequest request, PointerByReference callbackOut, PointerByReference errorOut);

    /** @param callback callback @param partsOut filled @return C bool */
    static native byte wpn_callback_contents(Pointer callback, CallbackParts partsOut);

    /** @param callback callback to free */
    static native void wpn_callback_free(Pointer callback);

    /**
     * @param kit kit @param refund C bool @param hmacSha256 C bool @param fieldsJson by value
     * @param xmlOut out (a buffer) @param errorOut out @return result
     */
    static native int wpn_kit_v2_callback(
            Pointer kit, byte refund, byte hmacSha256, StrValue fieldsJson, PointerByReference xmlOut,
            PointerByReference errorOut);

    /** @param kit kit to free */
    static native void wpn_kit_free(Pointer kit);

    // ---- replies ----------------------------------------------------------------------------

    /** @param replyOut out @param errorOut out @return result */
    static native int wpn_reply_success(PointerByReference replyOut, PointerByReference errorOut);

    /**
     * @param code result code @param message message @param messageLen length
     * @param replyOut out @param errorOut out @return result
     */
    static native int wpn_reply_for_result(
            int code, byte[] message, long messageLen, PointerByReference replyOut, PointerByReference errorOut);

    /**
     * @param status HTTP status @param message message @param messageLen length
     * @param replyOut out @param errorOut out @return result
     */
    static native int wpn_reply_failure_message(
            short status, byte[] message, long messageLen, PointerByReference replyOut, PointerByReference errorOut);

    /** @param replyOut out @param errorOut out @return result */
    static native int wpn_reply_v2_success(PointerByReference replyOut, PointerByReference errorOut);

    /**
     * @param message message @param messageLen length @param replyOut out @param errorOut out
     * @return result
     */
    static native int wpn_reply_v2_failure(
            byte[] message, long messageLen, PointerByReference replyOut, PointerByReference errorOut);

    /** @param reply reply @param responseOut filled @return C bool */
    static native byte wpn_reply_response(Pointer reply, HttpResponse responseOut);

    /** @param reply reply to free */
    static native void wpn_reply_free(Pointer reply);
}
