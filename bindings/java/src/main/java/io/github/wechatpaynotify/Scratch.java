package io.github.wechatpaynotify;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Per-thread JNA objects reused from call to call, so that a request allocates no native
 * memory and builds no {@link com.sun.jna.Structure} (whose construction is reflective): the
 * two out-parameters, one structure of each kind the library fills, and a {@link Memory}
 * block for the {@code wpn_header} array.
 *
 * <p>Only the thread that owns a scratch uses it, and only between the start and the end of
 * one binding call (nothing here calls back into Java), so no state is shared.
 */
final class Scratch {
    /** Header memory kept per thread between calls; larger requests get a temporary block. */
    static final int RETAINED = 16 * 1024;

    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    /** Size of one {@code wpn_header}, and the offsets of its fields, as JNA lays it out. */
    private static final int HEADER_SIZE;
    private static final int NAME;
    private static final int NAME_LEN;
    private static final int VALUE;
    private static final int VALUE_LEN;

    static {
        Lib.Header layout = new Lib.Header();
        HEADER_SIZE = layout.size();
        NAME = offset(layout, "name");
        NAME_LEN = offset(layout, "name_len");
        VALUE = offset(layout, "value");
        VALUE_LEN = offset(layout, "value_len");
    }

    /** A {@code T **} out-parameter for the handle a call makes. */
    final PointerByReference handleOut = new PointerByReference();
    /** The {@code wpn_error **} out-parameter. */
    final PointerByReference errorOut = new PointerByReference();
    /** For {@code wpn_notification_envelope}. */
    final Lib.Envelope envelope = new Lib.Envelope();
    /** For {@code wpn_error_message} and {@code wpn_verifier_key_id}. */
    final Lib.Str str = new Lib.Str();
    /** For {@code wpn_buffer_data}. */
    final Lib.Slice slice = new Lib.Slice();
    /** For {@code wpn_reply_response}. */
    final Lib.HttpResponse response = new Lib.HttpResponse();
    /** For {@code wpn_v2_fields_get}. */
    final Lib.Field field = new Lib.Field();
    /** For {@code wpn_certificates_get}. */
    final Lib.Certificate certificate = new Lib.Certificate();

    private final Memory headers = new Memory(RETAINED);

    private Scratch() {}

    /**
     * This thread's scratch, as it is.
     *
     * @return the scratch
     */
    static Scratch get() {
        return PER_THREAD.get();
    }

    /**
     * This thread's scratch, ready for a call that writes {@link #handleOut} and {@link
     * #errorOut}: both are cleared, so a stale pointer can never be read back.
     *
     * @return the scratch
     */
    static Scratch forCall() {
        Scratch s = PER_THREAD.get();
        s.handleOut.setValue(null);
        s.errorOut.setValue(null);
        return s;
    }

    /**
     * Lays headers out as a {@code wpn_header} array followed by their bytes (UTF-8).
     *
     * @param names header names
     * @param values header values, as many as {@code names}
     * @return the memory holding the array at offset 0: this thread's block, or a temporary
     *     one when the headers do not fit; pass it to {@link #release(Memory)} after the call
     */
    Memory headers(List<String> names, List<String> values) {
        int n = names.size();
        byte[][] bytes = new byte[2 * n][];
        long size = (long) HEADER_SIZE * n;
        for (int i = 0; i < n; i++) {
            bytes[2 * i] = names.get(i).getBytes(StandardCharsets.UTF_8);
            bytes[2 * i + 1] = values.get(i).getBytes(StandardCharsets.UTF_8);
            size += bytes[2 * i].length + bytes[2 * i + 1].length;
        }
        Memory m = size <= RETAINED ? headers : new Memory(Math.max(size, 1));
        long data = (long) HEADER_SIZE * n;
        for (int i = 0; i < n; i++) {
            long at = (long) HEADER_SIZE * i;
            data = put(m, at + NAME, at + NAME_LEN, data, bytes[2 * i]);
            data = put(m, at + VALUE, at + VALUE_LEN, data, bytes[2 * i + 1]);
        }
        return m;
    }

    /**
     * Ends the use of memory returned by {@link #headers}: a temporary block is freed at once.
     *
     * @param m the memory
     */
    void release(Memory m) {
        if (m != headers) {
            m.close();
        }
    }

    /** Writes {@code b} at {@code data} and its pointer and length into the header at the given offsets. */
    private static long put(Memory m, long pointerAt, long lengthAt, long data, byte[] b) {
        Pointer p = m.share(data);
        m.write(data, b, 0, b.length);
        m.setPointer(pointerAt, p);
        m.setLong(lengthAt, b.length);
        return data + b.length;
    }

    private static int offset(Lib.Header layout, String field) {
        return layout.offsetOf(field);
    }
}
