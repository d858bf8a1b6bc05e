package io.github.wechatpaynotify;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Per-thread native memory and JNA objects reused from call to call, so that a callback
 * allocates no native memory, builds no {@link com.sun.jna.Structure} (whose construction is
 * reflective) and makes no JNI call per field.
 *
 * <p>The callback path ({@link Verifier#parse}, the typed accessors) uses one direct block,
 * written and read through a {@link ByteBuffer} (plain memory accesses, no JNI): the two
 * out-parameters ({@code T **} and {@code wpn_error **}), room for the structure the library
 * fills ({@code wpn_envelope}, {@code wpn_slice}), and the request: the {@code wpn_header}
 * array, the header bytes and the body, or the arguments of {@code wpn_event_decode}. Their
 * addresses are passed to the primitive-only calls of {@link Lib}. A request larger than
 * {@link #RETAINED} bytes gets a temporary block, freed when the call ends. The other calls
 * use the JNA objects below ({@link #handleOut}, {@link #errorOut}, the structures).
 *
 * <p>Only the thread that owns a scratch uses it, and only between the start and the end of
 * one binding call (nothing here calls back into Java), so no state is shared and nothing is
 * locked.
 */
final class Scratch {
    /** Request bytes kept per thread between calls; larger requests get a temporary block. */
    static final int RETAINED = 16 * 1024;

    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
    /** What {@link #wipe} copies over the bytes it clears, a chunk at a time. */
    private static final byte[] ZEROS = new byte[1024];

    /** Size of one {@code wpn_header}, and the offsets of its fields, as JNA lays it out. */
    private static final int HEADER_SIZE;
    private static final int NAME;
    private static final int NAME_LEN;
    private static final int VALUE;
    private static final int VALUE_LEN;

    /** Offsets in the block: the out-parameters, the filled structure, the request. */
    private static final int OUT = 0;
    private static final int ERROR = 8;
    private static final int STRUCT = 16;
    private static final int REQUEST;

    static {
        Lib.Header layout = new Lib.Header();
        HEADER_SIZE = layout.size();
        NAME = layout.offsetOf("name");
        NAME_LEN = layout.offsetOf("name_len");
        VALUE = layout.offsetOf("value");
        VALUE_LEN = layout.offsetOf("value_len");
        int struct = Math.max(Lib.Envelope.SIZE, new Lib.Slice().size());
        REQUEST = STRUCT + ((struct + 15) & ~15);
    }

    /** A {@code T **} out-parameter for the handle a call makes. */
    final PointerByReference handleOut = new PointerByReference();
    /** The {@code wpn_error **} out-parameter. */
    final PointerByReference errorOut = new PointerByReference();
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

    /** The block, in native byte order, and its address. */
    private final ByteBuffer block;
    private final long address;
    /** The request of the call in progress: its address, and its temporary block if any. */
    private long request;
    private Memory temporary;
    /** The encoded header names and values of the call in progress (cleared after it). */
    private byte[][] parts = new byte[32][];

    private Scratch() {
        block = ByteBuffer.allocateDirect(REQUEST + RETAINED).order(ByteOrder.nativeOrder());
        address = Pointer.nativeValue(Native.getDirectBufferPointer(block));
    }

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
     * This thread's scratch, ready for a call that writes the block's out-parameters ({@link
     * #outAddress()}, {@link #errorAddress()}): both are cleared, so a stale pointer can never
     * be read back.
     *
     * @return the scratch
     */
    static Scratch forBlockCall() {
        Scratch s = PER_THREAD.get();
        s.block.putLong(OUT, 0);
        s.block.putLong(ERROR, 0);
        return s;
    }

    // ---- the block's out-parameters and structure ---------------------------------------------

    /**
     * The address of the {@code T **} out-parameter.
     *
     * @return the address to pass
     */
    long outAddress() {
        return address + OUT;
    }

    /**
     * The address of the {@code wpn_error **} out-parameter.
     *
     * @return the address to pass
     */
    long errorAddress() {
        return address + ERROR;
    }

    /**
     * The handle the call wrote to {@link #outAddress()}.
     *
     * @return its address, 0 for NULL
     */
    long out() {
        return block.getLong(OUT);
    }

    /**
     * The error the call wrote to {@link #errorAddress()}.
     *
     * @return the {@code wpn_error *}, or null
     */
    Pointer error() {
        long e = block.getLong(ERROR);
        return e == 0 ? null : new Pointer(e);
    }

    /**
     * The address of the structure a call fills ({@code wpn_envelope}, {@code wpn_slice}).
     *
     * @return the address to pass
     */
    long structAddress() {
        return address + STRUCT;
    }

    /**
     * Reads an {@code int64_t} of the filled structure.
     *
     * @param offset the field's offset in the structure
     * @return its value
     */
    long int64(int offset) {
        return block.getLong(STRUCT + offset);
    }

    /**
     * Copies a {@code wpn_str} of the filled structure into a Java string (UTF-8).
     *
     * @param offset the field's offset in the structure
     * @return the string, or null for {@code {NULL, 0}}
     */
    String string(int offset) {
        byte[] b = bytes(offset);
        return b == null ? null : b.length == 0 ? "" : new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Copies a {@code wpn_str} or {@code wpn_slice} of the filled structure: one JNI call.
     *
     * @param offset the field's offset in the structure
     * @return the bytes, or null for {@code {NULL, 0}}
     */
    byte[] bytes(int offset) {
        long data = block.getLong(STRUCT + offset + Lib.Str.DATA);
        long len = block.getLong(STRUCT + offset + Lib.Str.LEN);
        if (data == 0) {
            return null;
        }
        if (len < 0 || len > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("native buffer of " + Long.toUnsignedString(len) + " bytes is too large for Java");
        }
        byte[] b = new byte[(int) len];
        if (len > 0) {
            new Pointer(data).read(0, b, 0, (int) len);
        }
        return b;
    }

    // ---- the request ------------------------------------------------------------------------

    /**
     * The array of encoded header names and values for the next request, at least {@code n}
     * long; {@link #headers} reads it.
     *
     * @param n how many entries are needed
     * @return the array
     */
    byte[][] parts(int n) {
        if (parts.length < n) {
            parts = Arrays.copyOf(parts, Math.max(n, parts.length * 2));
        }
        return parts;
    }

    /**
     * Lays out a request: the {@code wpn_header} array of the {@code count} names and values in
     * {@link #parts(int)} ({@code parts[2i]} and {@code parts[2i + 1]}), their bytes, then the
     * body. End it with {@link #end()}.
     *
     * @param count the number of headers
     * @param body the body
     * @return the offset of the body in the request; the array is at {@link #request()}
     */
    long headers(int count, byte[] body) {
        long size = (long) HEADER_SIZE * count + body.length;
        for (int i = 0; i < 2 * count; i++) {
            size += parts[i].length;
        }
        begin(size);
        long data = (long) HEADER_SIZE * count;
        for (int i = 0; i < count; i++) {
            long at = (long) HEADER_SIZE * i;
            data = field(at + NAME, at + NAME_LEN, data, parts[2 * i]);
            data = field(at + VALUE, at + VALUE_LEN, data, parts[2 * i + 1]);
        }
        Arrays.fill(parts, 0, 2 * count, null);
        put(data, body);
        return data;
    }

    /**
     * Starts a request of {@code size} bytes: in the block when it fits, else in a temporary
     * block.
     *
     * @param size the request's size in bytes
     */
    void begin(long size) {
        if (size <= RETAINED) {
            temporary = null;
            request = address + REQUEST;
        } else {
            temporary = new Memory(size);
            request = Pointer.nativeValue(temporary);
        }
    }

    /**
     * The address of the request started by {@link #begin(long)}.
     *
     * @return the address
     */
    long request() {
        return request;
    }

    /**
     * Writes bytes into the request.
     *
     * @param offset where, from the request's start
     * @param b the bytes
     */
    void put(long offset, byte[] b) {
        if (temporary != null) {
            temporary.write(offset, b, 0, b.length);
        } else {
            block.position(REQUEST + (int) offset);
            block.put(b);
        }
    }

    /**
     * Zeroes {@code len} bytes of the request (decrypted data the call no longer needs).
     *
     * @param offset where, from the request's start
     * @param len how many bytes
     */
    void wipe(long offset, int len) {
        if (temporary != null) {
            temporary.setMemory(offset, len, (byte) 0);
            return;
        }
        block.position(REQUEST + (int) offset);
        for (int left = len; left > 0; left -= ZEROS.length) {
            block.put(ZEROS, 0, Math.min(left, ZEROS.length));
        }
    }

    /** Ends the request: a temporary block is freed at once. */
    void end() {
        if (temporary != null) {
            temporary.close();
            temporary = null;
        }
    }

    /** Writes {@code b} at {@code data}, and its address and length at the given offsets. */
    private long field(long pointerAt, long lengthAt, long data, byte[] b) {
        put(data, b);
        putLong(pointerAt, request + data);
        putLong(lengthAt, b.length);
        return data + b.length;
    }

    private void putLong(long offset, long value) {
        if (temporary != null) {
            temporary.setLong(offset, value);
        } else {
            block.putLong(REQUEST + (int) offset, value);
        }
    }
}
