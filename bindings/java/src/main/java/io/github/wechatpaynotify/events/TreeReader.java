package io.github.wechatpaynotify.events;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A cursor over a value tree in its binary form (docs/c-abi.md, "Event field trees"), for the
 * models' {@code fromTreeBytes} factories: each model's generated {@code read(TreeReader)} reads
 * its object in one pass, matching keys as bytes, and builds no map, list or string it does not
 * keep. Each value is a tag byte and its payload, integers little-endian: {@code 'n'} null;
 * {@code 't'}, {@code 'f'} true, false; {@code 'i'} + int64; {@code 'd'} + float64; {@code 's'}
 * + uint32 length + UTF-8; {@code 'a'} + uint32 count + values; {@code 'o'} + uint32 count +
 * (uint32 key length, key, value) per member.
 *
 * <p>The native library writes a model's keys in the model's order, so a key is usually matched
 * at the first comparison ({@link #key}). Keys a model does not know are checked and skipped
 * ({@link #skip}). Every problem is an {@link IllegalArgumentException}: a malformed tree
 * (truncated, bytes after it, an unknown tag, a repeated key, nesting deeper than {@link
 * #MAX_DEPTH}) names the byte offset; a value of another type, a missing required field or a
 * {@code null} list item names the field by its path ({@code amount.total}, {@code
 * promotion_detail.0.amount}); never a value.
 */
final class TreeReader {
    /** Deeper nesting is refused, so a bad tree cannot exhaust the stack. */
    static final int MAX_DEPTH = 128;


    /**
     * The JSON keys of a model, in its order, as UTF-8 bytes, and which of them are required.
     * At most 64 (the generator checks).
     */
    static final class Keys {
        final String[] names;
        final byte[][] utf8;
        final long required;

        Keys(long required, String... names) {
            this.names = names;
            this.utf8 = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                utf8[i] = names[i].getBytes(StandardCharsets.UTF_8);
            }
            this.required = required;
        }
    }

    /**
     * Reads one item of a list.
     *
     * @param <T> what it reads
     */
    @FunctionalInterface
    interface Item<T> {
        /**
         * Reads the (non-null) value at the reader's position.
         *
         * @param reader the reader
         * @return what it holds
         */
        T read(TreeReader reader);
    }

    private final byte[] bytes;
    /** The same bytes, for little-endian reads of lengths and integers (Java 8 has no VarHandle). */
    private final ByteBuffer view;
    private int at;
    /** How many objects and lists are open: the depth of the values being read, 0 at the root. */
    private int depth;
    /**
     * Per open container (index {@code depth - 1}): the key being read ({@code null} in a list,
     * or for a key the model does not know) or the list index, for messages; the keys seen (a
     * mask over the model's {@code Keys}); the key expected next; and where unknown keys start
     * (for the repeated-key check: rarely needed, made on demand).
     */
    private String[] pathKey = new String[8];
    private int[] pathIndex = new int[8];
    private long[] seen = new long[8];
    private int[] next = new int[8];
    private int[][] unknown;

    TreeReader(byte[] bytes) {
        this.bytes = bytes;
        this.view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Ends the read of a whole tree: nothing may follow the root value. */
    void finish() {
        if (at != bytes.length) {
            throw malformed((bytes.length - at) + " bytes after the value");
        }
    }

    // ---- containers ---------------------------------------------------------------------

    /**
     * Opens the object at the position; {@link #end} closes it.
     *
     * @return its member count
     */
    int object() {
        expect('o', "an object");
        int count = count(5);
        open();
        return count;
    }

    /**
     * Reads the key of the next member of the open object.
     *
     * @param model the model's keys
     * @return the key's index in {@code model}, or -1 for a key it does not know (then {@link
     *     #skip()} its value)
     */
    int key(Keys model) {
        int d = depth - 1;
        int keyAt = at;
        int len = length("a key");
        int start = at;
        at += len;
        byte[][] utf8 = model.utf8;
        int n = utf8.length;
        int k = next[d];
        for (int tried = 0; tried < n; tried++, k = k + 1 == n ? 0 : k + 1) {
            byte[] name = utf8[k];
            if (name.length == len && same(name, start)) {
                long bit = 1L << k;
                if ((seen[d] & bit) != 0) {
                    at = keyAt;
                    throw malformed("a repeated key");
                }
                seen[d] |= bit;
                next[d] = k + 1 == n ? 0 : k + 1;
                pathKey[d] = model.names[k];
                return k;
            }
        }
        pathKey[d] = null;
        unknownKey(d, keyAt);
        return -1;
    }

    /**
     * Closes the object opened by {@link #object()}, after its last member.
     *
     * @param model the model's keys
     * @param present the keys read with a non-null value (a mask over {@code model})
     */
    void end(Keys model, long present) {
        long missing = model.required & ~present;
        if (missing != 0) {
            pathKey[depth - 1] = model.names[Long.numberOfTrailingZeros(missing)];
            throw new IllegalArgumentException("the required field `" + path() + "` is missing");
        }
        close();
    }

    /**
     * Reads the list at the position.
     *
     * @param <T> what its items are
     * @param reader reads one item
     * @return the items, unmodifiable
     */
    <T> List<T> list(Item<T> reader) {
        expect('a', "a list");
        int count = count(1);
        if (count == 0) {
            return Collections.emptyList();
        }
        open();
        int d = depth - 1;
        Object[] items = new Object[count];
        for (int i = 0; i < count; i++) {
            pathIndex[d] = i;
            if (nullValue()) {
                throw new IllegalArgumentException("the item `" + path() + "` is null");
            }
            items[i] = reader.read(this);
        }
        close();
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) (count == 1
                ? Collections.singletonList(items[0])
                : Collections.unmodifiableList(Arrays.asList(items)));
        return list;
    }

    // ---- scalars ------------------------------------------------------------------------

    /**
     * Reads a {@code null} when the position holds one.
     *
     * @return whether it did
     */
    boolean nullValue() {
        if (at < bytes.length && bytes[at] == 'n') {
            at++;
            return true;
        }
        return false;
    }

    String string() {
        expect('s', "a string");
        int len = length("a string");
        String s = new String(bytes, at, len, StandardCharsets.UTF_8);
        at += len;
        return s;
    }

    long int64() {
        expect('i', "an integer");
        need(8);
        long v = view.getLong(at);
        at += 8;
        return v;
    }

    Long int64Boxed() {
        return int64();
    }

    boolean bool() {
        need(1);
        byte tag = bytes[at];
        if (tag == 't' || tag == 'f') {
            at++;
            return tag == 't';
        }
        throw wrongType("a boolean");
    }

    Boolean boolBoxed() {
        return bool();
    }

    // ---- skipping -----------------------------------------------------------------------

    /** Skips the value at the position (a key the model does not know), checking it is well formed. */
    void skip() {
        skip(depth);
    }

    private void skip(int valueDepth) {
        if (valueDepth > MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH);
        }
        need(1);
        byte tag = bytes[at++];
        switch (tag) {
            case 'n':
            case 't':
            case 'f':
                return;
            case 'i':
            case 'd':
                need(8);
                at += 8;
                return;
            case 's': {
                int len = length("a string");
                at += len;
                return;
            }
            case 'a': {
                int count = count(1);
                for (int i = 0; i < count; i++) {
                    skip(valueDepth + 1);
                }
                return;
            }
            case 'o': {
                int count = count(5);
                int[] starts = new int[count];
                for (int i = 0; i < count; i++) {
                    starts[i] = at;
                    int len = length("a key");
                    for (int j = 0; j < i; j++) {
                        if (sameKey(starts[j], starts[i])) {
                            at = starts[i];
                            throw malformed("a repeated key");
                        }
                    }
                    at += len;
                    skip(valueDepth + 1);
                }
                return;
            }
            default:
                at--;
                throw malformed("unknown tag 0x" + Integer.toHexString(tag & 0xff));
        }
    }

    // ---- internals ----------------------------------------------------------------------

    private void open() {
        if (depth == pathKey.length) {
            int size = depth * 2;
            pathKey = Arrays.copyOf(pathKey, size);
            pathIndex = Arrays.copyOf(pathIndex, size);
            seen = Arrays.copyOf(seen, size);
            next = Arrays.copyOf(next, size);
            if (unknown != null) {
                unknown = Arrays.copyOf(unknown, size);
            }
        }
        pathKey[depth] = null;
        seen[depth] = 0;
        next[depth] = 0;
        if (unknown != null) {
            unknown[depth] = null;
        }
        depth++;
    }

    private void close() {
        depth--;
    }

    /** Records where an unknown key starts; a second one with the same bytes is malformed. */
    private void unknownKey(int d, int keyAt) {
        if (unknown == null) {
            unknown = new int[pathKey.length][];
        }
        int[] starts = unknown[d];
        if (starts == null) {
            starts = new int[] {0};
        }
        int n = starts[0];
        for (int i = 1; i <= n; i++) {
            if (sameKey(starts[i], keyAt)) {
                at = keyAt;
                throw malformed("a repeated key");
            }
        }
        if (n + 1 == starts.length) {
            starts = Arrays.copyOf(starts, starts.length * 2);
        }
        starts[n + 1] = keyAt;
        starts[0] = n + 1;
        unknown[d] = starts;
    }

    /** Whether {@code name} is at {@code start} (keys are short: a plain loop beats a vectorized compare). */
    private boolean same(byte[] name, int start) {
        for (int i = 0; i < name.length; i++) {
            if (bytes[start + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the keys whose length fields start at {@code a} and {@code b} are the same bytes. */
    private boolean sameKey(int a, int b) {
        int la = view.getInt(a);
        int lb = view.getInt(b);
        if (la != lb) {
            return false;
        }
        for (int i = 4; i < 4 + la; i++) {
            if (bytes[a + i] != bytes[b + i]) {
                return false;
            }
        }
        return true;
    }

    /** Consumes the tag {@code tag}, or fails: another tag is a wrong type, an unknown one malformed. */
    private void expect(char tag, String expected) {
        need(1);
        if (bytes[at] != tag) {
            throw wrongType(expected);
        }
        at++;
    }

    /** A uint32 length of bytes that must follow. */
    private int length(String what) {
        long len = uint32();
        if (len > bytes.length - at) {
            throw malformed(what + " of " + len + " bytes with " + (bytes.length - at) + " left");
        }
        return (int) len;
    }

    /** A uint32 count of items that each take at least {@code minSize} bytes. */
    private int count(int minSize) {
        long count = uint32();
        if (count * minSize > bytes.length - at) {
            throw malformed("a count of " + count + " with " + (bytes.length - at) + " bytes left");
        }
        return (int) count;
    }

    private long uint32() {
        need(4);
        long v = view.getInt(at) & 0xFFFF_FFFFL;
        at += 4;
        return v;
    }

    private void need(int n) {
        if (bytes.length - at < n) {
            throw malformed("truncated");
        }
    }

    /** The path of the value being read: keys and list indexes from the root, dot-separated. */
    private String path() {
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < depth; d++) {
            if (d > 0) {
                s.append('.');
            }
            if (pathKey[d] != null) {
                s.append(pathKey[d]);
            } else {
                s.append(pathIndex[d]);
            }
        }
        return s.toString();
    }

    private IllegalArgumentException wrongType(String expected) {
        String held;
        switch (bytes[at]) {
            case 'n':
                held = "null";
                break;
            case 't':
            case 'f':
                held = "a boolean";
                break;
            case 'i':
                held = "an integer";
                break;
            case 'd':
                held = "a float";
                break;
            case 's':
                held = "a string";
                break;
            case 'a':
                held = "a list";
                break;
            case 'o':
                held = "an object";
                break;
            default:
                return malformed("unknown tag 0x" + Integer.toHexString(bytes[at] & 0xff));
        }
        String where = depth == 0 ? "the resource" : "the field `" + path() + "`";
        return new IllegalArgumentException(where + " holds " + held + ", expected " + expected);
    }

    private IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException(
                "malformed value tree (" + what + " at byte " + at + " of " + bytes.length + ")");
    }
}
