package io.github.wechatpaynotify;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Native memory for one hot-path call (parse or verify): out-parameters, the {@code
 * wpn_header} array, header bytes and the body, laid out with Java writes only, then passed to
 * C as addresses. One buffer per thread is reused; calls that need more than {@link
 * #RETAINED} bytes get a temporary buffer freed at the end of the call.
 *
 * <p>Layout: [0] notification/handle out, [8] error out, [16] header array (32 bytes per
 * header: name, name_len, value, value_len), then names and values, then the body.
 *
 */
final class CallBuffer implements AutoCloseable {
    /** Largest buffer kept per thread between calls. */
    static final int RETAINED = 64 * 1024;
    private static final int HEADER_STRUCT = 32;
    private static final int OUTS = 16;

    private static final ThreadLocal<CallBuffer> PER_THREAD = new ThreadLocal<>();

    private final ByteBuffer buf;
    private final long address;
    private final Memory owned;
    private final boolean temporary;

    private int headersLen;
    private long headersAddress;
    private long bodyAddress;
    private long bodyLen;

    private CallBuffer(int capacity, boolean temporary) {
        this.owned = new Memory(capacity);
        this.buf = owned.getByteBuffer(0, capacity).order(ByteOrder.nativeOrder());
        this.address = Pointer.nativeValue(owned);
        this.temporary = temporary;
    }

    /**
     * A buffer holding {@code names}/{@code values} as a {@code wpn_header} array and {@code
     * body}, with both out-parameters zeroed.
     *
     * @param names header names
     * @param values header values, same length as {@code names}
     * @param body the raw body
     * @return the filled buffer; close it after the call
     */
    static CallBuffer of(List<String> names, List<String> values, byte[] body) {
        int n = names.size();
        byte[][] encoded = new byte[2 * n][];
        long size = OUTS + (long) HEADER_STRUCT * n + body.length;
        for (int i = 0; i < n; i++) {
            encoded[2 * i] = names.get(i).getBytes(StandardCharsets.UTF_8);
            encoded[2 * i + 1] = values.get(i).getBytes(StandardCharsets.UTF_8);
            size += encoded[2 * i].length + encoded[2 * i + 1].length;
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("request too large: " + size + " bytes");
        }
        CallBuffer cb = obtain((int) size);
        cb.fill(encoded, body);
        return cb;
    }

    private static CallBuffer obtain(int size) {
        if (size > RETAINED) {
            return new CallBuffer(size, true);
        }
        CallBuffer cb = PER_THREAD.get();
        if (cb == null) {
            cb = new CallBuffer(RETAINED, false);
            PER_THREAD.set(cb);
        }
        return cb;
    }

    private void fill(byte[][] encoded, byte[] body) {
        int n = encoded.length / 2;
        buf.putLong(0, 0L).putLong(8, 0L);
        int structs = OUTS;
        int data = OUTS + HEADER_STRUCT * n;
        for (int i = 0; i < n; i++) {
            byte[] name = encoded[2 * i];
            byte[] value = encoded[2 * i + 1];
            int at = structs + HEADER_STRUCT * i;
            buf.putLong(at, address + data).putLong(at + 8, name.length);
            buf.position(data);
            buf.put(name);
            data += name.length;
            buf.putLong(at + 16, address + data).putLong(at + 24, value.length);
            buf.position(data);
            buf.put(value);
            data += value.length;
        }
        buf.position(data);
        buf.put(body);
        headersLen = n;
        headersAddress = address + OUTS;
        bodyAddress = address + data;
        bodyLen = body.length;
    }

    /** @return address of the {@code wpn_header} array */
    long headers() {
        return headersAddress;
    }

    /** @return number of headers */
    long headersLen() {
        return headersLen;
    }

    /** @return address of the body */
    long body() {
        return bodyAddress;
    }

    /** @return length of the body */
    long bodyLen() {
        return bodyLen;
    }

    /** @return address of the handle out-parameter ({@code T **}) */
    long handleOut() {
        return address;
    }

    /** @return address of the error out-parameter ({@code wpn_error **}) */
    long errorOut() {
        return address + 8;
    }

    /** @return the handle the call wrote */
    long handle() {
        return buf.getLong(0);
    }

    /** @return the error the call wrote */
    long error() {
        return buf.getLong(8);
    }

    /** Frees a temporary buffer; the per-thread buffer is kept. */
    @Override
    public void close() {
        buf.clear();
        if (temporary) {
            owned.close();
        }
    }
}
