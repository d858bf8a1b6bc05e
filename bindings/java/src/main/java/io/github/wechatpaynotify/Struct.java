package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The base of the C structures of {@link Lib} (generated from the header), whose Java fields
 * declare the C layout: JNA computes every offset from them. JNA neither writes a structure's
 * memory before a call nor reads it after one (automatic synchronization is off): the library
 * fills it (or, for the few the binding passes in, the binding writes the fields it sets with
 * {@link #putString} and {@link #putInt64}), and the binding reads the fields it needs straight
 * from native memory, through a direct {@link ByteBuffer} over it (plain memory reads, no JNI
 * call per field), at the offsets JNA computed ({@link #offsetOf}). That copies each string once
 * and costs a fraction of {@link #read()}, which reflectively copies every field into the Java
 * fields first.
 *
 * <p>A {@code wpn_str} or {@code wpn_slice} field is read as its {@code data} pointer and {@code
 * len}, at their offsets in {@link Lib.Str}; pointers and {@code size_t} are 8 bytes (checked
 * when the library is loaded).
 */
abstract class Struct extends Structure {
    /** Where {@code data} and {@code len} are in a {@code wpn_str} (and a {@code wpn_slice}), as JNA lays it out. */
    private static final class StrLayout {
        static final int DATA;
        static final int LEN;

        static {
            Lib.Str layout = new Lib.Str();
            DATA = layout.offsetOf("data");
            LEN = layout.offsetOf("len");
            Lib.Slice slice = new Lib.Slice();
            if (slice.offsetOf("data") != DATA || slice.offsetOf("len") != LEN) {
                throw new IllegalStateException("wpn_str and wpn_slice have different layouts");
            }
        }
    }

    /** A direct view of this structure's memory, in native byte order; made on first use. */
    private ByteBuffer view;

    /** A zeroed structure in memory of its own. */
    Struct() {
        setAutoSynch(false);
    }

    /**
     * The structure at {@code p}.
     *
     * @param p its first byte
     */
    Struct(Pointer p) {
        super(p);
        setAutoSynch(false);
    }

    /**
     * The byte offset of a field, as JNA laid the structure out.
     *
     * @param field the field's name (the C name)
     * @return its offset
     */
    final int offsetOf(String field) {
        return fieldOffset(field);
    }

    private ByteBuffer view() {
        ByteBuffer v = view;
        if (v == null) {
            v = getPointer().getByteBuffer(0, size()).order(ByteOrder.nativeOrder());
            view = v;
        }
        return v;
    }

    // ---- reading at an offset (computed once with offsetOf) ---------------------------------

    /**
     * Copies the {@code wpn_str} or {@code wpn_slice} at {@code offset}.
     *
     * @param offset the field's offset
     * @return its bytes, or null for {@code {NULL, 0}}
     */
    final byte[] bytesAt(int offset) {
        ByteBuffer v = view();
        return Marshal.bytes(v.getLong(offset + StrLayout.DATA), v.getLong(offset + StrLayout.LEN));
    }

    /**
     * Copies the {@code wpn_str} at {@code offset} into a Java string (UTF-8).
     *
     * @param offset the field's offset
     * @return the string, or null for {@code {NULL, 0}}
     */
    final String stringAt(int offset) {
        return Marshal.string(bytesAt(offset));
    }

    /**
     * Reads the {@code int64_t} or {@code size_t} at {@code offset}.
     *
     * @param offset the field's offset
     * @return its value
     */
    final long int64At(int offset) {
        return view().getLong(offset);
    }

    /**
     * Copies this structure, a {@code wpn_str} or {@code wpn_slice}.
     *
     * @return its bytes, or null for {@code {NULL, 0}}
     */
    final byte[] asBytes() {
        return bytesAt(0);
    }

    /**
     * Copies this structure, a {@code wpn_str}, into a Java string (UTF-8).
     *
     * @return the string, or null for {@code {NULL, 0}}
     */
    final String asString() {
        return stringAt(0);
    }

    // ---- reading by field name --------------------------------------------------------------

    /**
     * Copies a {@code wpn_str} field into a Java string (UTF-8).
     *
     * @param field the field's name
     * @return the string, or null for {@code {NULL, 0}}
     */
    final String string(String field) {
        return stringAt(fieldOffset(field));
    }

    /**
     * Copies a {@code wpn_str} or {@code wpn_slice} field.
     *
     * @param field the field's name
     * @return the bytes, or null for {@code {NULL, 0}}
     */
    final byte[] bytes(String field) {
        return bytesAt(fieldOffset(field));
    }

    /**
     * Reads an {@code int64_t} or {@code size_t} field.
     *
     * @param field the field's name
     * @return its value
     */
    final long int64(String field) {
        return int64At(fieldOffset(field));
    }

    /**
     * Reads a {@code uint32_t} or 32-bit enum field ({@code wpn_result}, {@code
     * wpn_check_status}).
     *
     * @param field the field's name
     * @return its 32 bits
     */
    final int int32(String field) {
        return view().getInt(fieldOffset(field));
    }

    /**
     * Reads a {@code uint16_t} field.
     *
     * @param field the field's name
     * @return its value, 0 to 65535
     */
    final int uint16(String field) {
        return Short.toUnsignedInt(view().getShort(fieldOffset(field)));
    }

    /**
     * Reads a pointer field.
     *
     * @param field the field's name
     * @return its value, or null for NULL
     */
    final Pointer pointer(String field) {
        long address = view().getLong(fieldOffset(field));
        return address == 0 ? null : new Pointer(address);
    }

    // ---- writing (structures the binding passes in) -----------------------------------------

    /**
     * Writes a {@code wpn_str} field: {@code len} bytes at {@code data}.
     *
     * @param field the field's name
     * @param data the first byte, or null for {@code {NULL, 0}}
     * @param len the length in bytes
     */
    final void putString(String field, Pointer data, long len) {
        putStringAt(fieldOffset(field), data, len);
    }

    /**
     * Points this structure, a {@code wpn_str}, at {@code len} bytes at {@code data}.
     *
     * @param data the first byte, or null for {@code {NULL, 0}}
     * @param len the length in bytes
     */
    final void point(Pointer data, long len) {
        putStringAt(0, data, len);
    }

    private void putStringAt(int at, Pointer data, long len) {
        ByteBuffer v = view();
        v.putLong(at + StrLayout.DATA, Pointer.nativeValue(data));
        v.putLong(at + StrLayout.LEN, len);
    }

    /**
     * Writes an {@code int64_t} field.
     *
     * @param field the field's name
     * @param value its value
     */
    final void putInt64(String field, long value) {
        view().putLong(fieldOffset(field), value);
    }
}
