package io.github.wechatpaynotify;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Calls a C function that returns a small struct by value ({@code wpn_str}, {@code wpn_field},
 * {@code wpn_certificate}) through libffi directly ({@link Native#ffi_prep_cif} and {@link
 * Native#ffi_call}), into per-thread native memory.
 *
 * <p>JNA's own by-value {@code Structure} return allocates, registers with a cleaner and
 * reflects over a new object on every call (about 10 µs); this path costs about 50 ns and
 * allocates nothing. Every such struct here is a sequence of 8-byte words (pointers, {@code
 * size_t}, {@code int64_t}), and every argument is a pointer or a {@code size_t}.
 */
final class StructCall {
    private static final int FFI_TYPE_UINT64 = 11;
    private static final int FFI_TYPE_STRUCT = 13;
    private static final int FFI_TYPE_POINTER = 14;
    /** The largest struct returned: {@code wpn_certificate}, 10 words. */
    private static final int MAX_WORDS = 10;
    private static final int MAX_ARGS = 2;

    /** libffi's FFI_DEFAULT_ABI for this platform. */
    private static final int ABI = defaultAbi();
    /** ffi_type descriptions; never freed. */
    private static final Memory TYPES = new Memory(1024);
    private static final long U64;
    private static final long POINTER;
    private static int typesUsed;

    static {
        ByteBuffer t = TYPES.getByteBuffer(0, TYPES.size()).order(ByteOrder.nativeOrder());
        U64 = scalarType(t, FFI_TYPE_UINT64);
        POINTER = scalarType(t, FFI_TYPE_POINTER);
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final long cif;
    private final long function;
    private final int args;
    private final String name;

    private StructCall(NativeLibrary library, String name, int args, int words) {
        this.name = name;
        this.args = args;
        this.function = Pointer.nativeValue(library.getFunction(name));
        this.cif = prepare(args, words);
    }

    /**
     * Binds a function of {@code library}.
     *
     * @param library the loaded library
     * @param name the C function
     * @param args how many arguments (1 or 2), each a pointer or {@code size_t}
     * @param words the size of the returned struct in 8-byte words
     * @return the bound function
     */
    static StructCall of(NativeLibrary library, String name, int args, int words) {
        if (args < 1 || args > MAX_ARGS || words < 1 || words > MAX_WORDS) {
            throw new IllegalArgumentException(name);
        }
        return new StructCall(library, name, args, words);
    }

    /**
     * Calls the function with one argument.
     *
     * @param a0 the argument
     * @return this thread's scratch holding the result until the next call on this thread
     */
    Scratch call(long a0) {
        if (args != 1) {
            throw new IllegalStateException(name + " takes " + args + " arguments");
        }
        Scratch s = SCRATCH.get();
        s.buf.putLong(0, a0);
        Native.ffi_call(cif, function, s.address + Scratch.RESULT, s.address + Scratch.AVALUES);
        return s;
    }

    /**
     * Calls the function with two arguments.
     *
     * @param a0 the first argument
     * @param a1 the second argument
     * @return this thread's scratch holding the result until the next call on this thread
     */
    Scratch call(long a0, long a1) {
        if (args != 2) {
            throw new IllegalStateException(name + " takes " + args + " arguments");
        }
        Scratch s = SCRATCH.get();
        s.buf.putLong(0, a0).putLong(8, a1);
        Native.ffi_call(cif, function, s.address + Scratch.RESULT, s.address + Scratch.AVALUES);
        return s;
    }

    /** Per-thread memory: argument values, the libffi argument array, and the result. */
    static final class Scratch {
        static final int AVALUES = 16;
        static final int RESULT = 32;
        private final Memory memory = new Memory(RESULT + 8 * MAX_WORDS);
        final ByteBuffer buf = memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
        final long address = Pointer.nativeValue(memory);

        private Scratch() {
            buf.putLong(AVALUES, address).putLong(AVALUES + 8, address + 8);
        }

        /**
         * Word {@code i} of the result.
         *
         * @param i the word index
         * @return its value
         */
        long word(int i) {
            return buf.getLong(RESULT + 8 * i);
        }

        /**
         * The {@code wpn_str} at words {@code i}, {@code i + 1} of the result, copied.
         *
         * @param i the index of its data word
         * @return the string, or null for {@code {NULL, 0}}
         */
        String string(int i) {
            return Lib.string(word(i), word(i + 1));
        }

        /**
         * The {@code wpn_slice} at words {@code i}, {@code i + 1} of the result, copied.
         *
         * @param i the index of its data word
         * @return the bytes, or null for {@code {NULL, 0}}
         */
        byte[] bytes(int i) {
            return Lib.bytes(word(i), word(i + 1));
        }
    }

    private static long prepare(int args, int words) {
        long ret;
        long argTypes;
        synchronized (TYPES) {
            ByteBuffer t = TYPES.getByteBuffer(0, TYPES.size()).order(ByteOrder.nativeOrder());
            long base = Pointer.nativeValue(TYPES);
            long elements = base + reserve(8 * (words + 1));
            for (int i = 0; i < words; i++) {
                t.putLong((int) (elements - base) + 8 * i, U64);
            }
            t.putLong((int) (elements - base) + 8 * words, 0L);
            ret = base + reserve(24);
            int r = (int) (ret - base);
            t.putLong(r, 0L).putShort(r + 8, (short) 0).putShort(r + 10, (short) FFI_TYPE_STRUCT).putLong(r + 16, elements);
            argTypes = base + reserve(8 * args);
            for (int i = 0; i < args; i++) {
                t.putLong((int) (argTypes - base) + 8 * i, i == 0 ? POINTER : U64);
            }
        }
        long cif = Native.ffi_prep_cif(ABI, args, ret, argTypes);
        if (cif == 0) {
            throw new UnsatisfiedLinkError("libffi could not prepare a call interface");
        }
        return cif;
    }

    private static long scalarType(ByteBuffer t, int type) {
        long base = Pointer.nativeValue(TYPES);
        int at = (int) (base + reserve(24) - base);
        t.putLong(at, 8L).putShort(at + 8, (short) 8).putShort(at + 10, (short) type).putLong(at + 16, 0L);
        return base + at;
    }

    /** Reserves {@code bytes} (8-aligned) of {@link #TYPES}; returns the offset. */
    private static long reserve(int bytes) {
        int at = typesUsed;
        typesUsed += (bytes + 7) & ~7;
        if (typesUsed > TYPES.size()) {
            throw new IllegalStateException("too many struct calls");
        }
        return at;
    }

    private static int defaultAbi() {
        if (Native.POINTER_SIZE != 8 || Platform.isWindows()) {
            throw new UnsatisfiedLinkError("wechatpay-notify supports 64-bit Linux and macOS");
        }
        if (Platform.isIntel()) {
            return 2; // FFI_UNIX64
        }
        if (Platform.isARM()) {
            return 1; // FFI_SYSV (AArch64)
        }
        throw new UnsatisfiedLinkError("wechatpay-notify does not support the " + Platform.ARCH + " architecture");
    }
}
