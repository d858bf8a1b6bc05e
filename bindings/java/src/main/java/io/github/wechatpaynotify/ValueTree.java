package io.github.wechatpaynotify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the value tree that {@code wpn_event_decode} writes into its buffer (docs/c-abi.md,
 * "Event field trees"): our own binary format, not JSON. Each value is a tag byte and its
 * payload, integers little-endian:
 *
 * <ul>
 *   <li>{@code 'n'}: null; {@code 't'}, {@code 'f'}: true, false;
 *   <li>{@code 'i'} + int64: an integer; {@code 'd'} + float64: any other number;
 *   <li>{@code 's'} + uint32 length + that many bytes of UTF-8: a string;
 *   <li>{@code 'a'} + uint32 count + that many values: an array;
 *   <li>{@code 'o'} + uint32 count + that many (uint32 key length, key bytes, value): an object.
 * </ul>
 *
 * <p>The result is made of {@code null}, {@link Boolean}, {@link Long}, {@link Double}, {@link
 * String}, {@code List<Object>} and {@code Map<String, Object>} (insertion-ordered), all
 * unmodifiable: what the models' {@code fromTree} factories read. A buffer that does not follow
 * the format (truncated, trailing bytes, an unknown tag, nesting deeper than {@link #MAX_DEPTH})
 * is a bug of the native library, reported as {@link IllegalStateException}.
 */
final class ValueTree {
    /** Deeper nesting is refused, so a bad buffer cannot exhaust the stack. */
    static final int MAX_DEPTH = 128;

    private final byte[] bytes;
    private int at;

    private ValueTree(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Reads the one value that {@code bytes} holds.
     *
     * @param bytes the buffer's contents
     * @return the value
     * @throws IllegalStateException when the bytes are not exactly one well-formed value
     */
    static Object read(byte[] bytes) {
        ValueTree reader = new ValueTree(bytes);
        Object value = reader.value(0);
        if (reader.at != bytes.length) {
            throw reader.malformed((bytes.length - reader.at) + " bytes after the value");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH);
        }
        need(1);
        int tagAt = at;
        byte tag = bytes[at++];
        switch (tag) {
            case 'n':
                return null;
            case 't':
                return Boolean.TRUE;
            case 'f':
                return Boolean.FALSE;
            case 'i':
                return int64();
            case 'd':
                return Double.longBitsToDouble(int64());
            case 's':
                return string();
            case 'a': {
                // Every value takes at least one byte: a count beyond what is left is malformed.
                int count = count(1);
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(value(depth + 1));
                }
                return Collections.unmodifiableList(items);
            }
            case 'o': {
                // Every entry takes at least 5 bytes (a key length and a tag).
                int count = count(5);
                Map<String, Object> fields = new LinkedHashMap<>(Math.max(4, count * 2));
                for (int i = 0; i < count; i++) {
                    int keyAt = at;
                    String key = string();
                    if (fields.containsKey(key)) {
                        at = keyAt;
                        throw malformed("a repeated key");
                    }
                    fields.put(key, value(depth + 1));
                }
                return Collections.unmodifiableMap(fields);
            }
            default:
                at = tagAt;
                throw malformed("unknown tag 0x" + Integer.toHexString(tag & 0xff));
        }
    }

    private long int64() {
        return littleEndian(8);
    }

    private long uint32() {
        return littleEndian(4);
    }

    private long littleEndian(int size) {
        need(size);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (bytes[at + i] & 0xffL);
        }
        at += size;
        return v;
    }

    /** A count of items that each take at least {@code minSize} bytes. */
    private int count(int minSize) {
        long count = uint32();
        if (count * minSize > bytes.length - at) {
            throw malformed("a count of " + count + " with " + (bytes.length - at) + " bytes left");
        }
        return (int) count;
    }

    private String string() {
        long len = uint32();
        if (len > bytes.length - at) {
            throw malformed("a string of " + len + " bytes with " + (bytes.length - at) + " left");
        }
        String s = new String(bytes, at, (int) len, StandardCharsets.UTF_8);
        at += (int) len;
        return s;
    }

    private void need(int n) {
        if (bytes.length - at < n) {
            throw malformed("truncated");
        }
    }

    private IllegalStateException malformed(String what) {
        return new IllegalStateException("the wechatpay-notify native library wrote a malformed value tree ("
                + what + " at byte " + at + " of " + bytes.length + "), please report it");
    }
}
