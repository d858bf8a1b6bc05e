package io.github.wechatpaynotify;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A request's headers as the C ABI takes them (docs/c-abi.md, "Inputs"): every name and value
 * UTF-8 encoded back to back in one {@code byte[]}, and their lengths in a {@code long[]} ({@code
 * size_t} on the 64-bit platforms the binding runs on), two per header: the name's, then the
 * value's. Every header is passed, in the application's order: which names count, how case
 * compares and which of a repeated name wins is the native library's rule, the same in every
 * language.
 */
final class HeaderBytes {
    /** The names and values, or null when there are none (a NULL pointer with length 0). */
    final byte[] bytes;
    /** Their length in bytes. */
    final long size;
    /** Their lengths, or null when there are no headers. */
    final long[] lens;
    /** The number of headers: {@code lens.length / 2}. */
    final int count;

    private HeaderBytes(byte[][] parts, int count) {
        long size = 0;
        for (int i = 0; i < 2 * count; i++) {
            size += parts[i].length;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the headers are " + size + " bytes long, more than a Java array holds");
        }
        byte[] b = new byte[(int) size];
        long[] l = new long[2 * count];
        int at = 0;
        for (int i = 0; i < 2 * count; i++) {
            byte[] part = parts[i];
            System.arraycopy(part, 0, b, at, part.length);
            at += part.length;
            l[i] = part.length;
        }
        this.bytes = size == 0 ? null : b;
        this.size = size;
        this.lens = count == 0 ? null : l;
        this.count = count;
    }

    /**
     * The headers of a map, in its iteration order. A map may hold a null name or value, which
     * no HTTP request has: such an entry is left out.
     *
     * @param headers the headers
     * @return their bytes
     */
    static HeaderBytes of(Map<String, String> headers) {
        byte[][] parts = new byte[2 * headers.size()][];
        int count = 0;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name == null || value == null) {
                continue;
            }
            if (2 * count + 2 > parts.length) { // a concurrent map that grew since size()
                parts = Arrays.copyOf(parts, 2 * count + 2);
            }
            parts[2 * count] = name.getBytes(StandardCharsets.UTF_8);
            parts[2 * count + 1] = value.getBytes(StandardCharsets.UTF_8);
            count++;
        }
        return new HeaderBytes(parts, count);
    }

    /**
     * The (name, value) pairs of a {@link Headers}, in order, repeated names included.
     *
     * @param headers the headers
     * @return their bytes
     */
    static HeaderBytes of(Headers headers) {
        int count = headers.size();
        byte[][] parts = new byte[2 * count][];
        for (int i = 0; i < count; i++) {
            parts[2 * i] = headers.name(i).getBytes(StandardCharsets.UTF_8);
            parts[2 * i + 1] = headers.value(i).getBytes(StandardCharsets.UTF_8);
        }
        return new HeaderBytes(parts, count);
    }
}
