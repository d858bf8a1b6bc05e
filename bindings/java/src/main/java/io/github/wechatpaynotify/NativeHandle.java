package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Owns one native handle and frees it exactly once, never while a call is using it.
 *
 * <p>Every use brackets the native call with {@link #acquire()} and {@link #release()}; {@link
 * #close()} (from {@code AutoCloseable.close} or the {@code Cleaner}) drops the owner's
 * reference, and the handle is freed when the last user releases it. Once closed, no new use
 * starts ({@link IllegalStateException}); uses already started finish first. Suitable as a
 * {@code Cleaner} action: it holds no reference to the object that owns it.
 */
final class NativeHandle implements Runnable {
    /** How many handles have been freed, for tests of the {@code Cleaner} backstop. */
    static final AtomicLong FREED = new AtomicLong();

    private final Pointer pointer;
    private final long address;
    private final Consumer<Pointer> free;
    private final String what;
    /** The owner's reference (1 until closed) plus one per call in progress. */
    private final AtomicInteger users = new AtomicInteger(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Takes ownership of a native pointer.
     *
     * @param pointer the handle, not null
     * @param free frees the handle; called exactly once
     * @param what names the object in the error after close, e.g. "Verifier"
     */
    NativeHandle(Pointer pointer, Consumer<Pointer> free, String what) {
        if (pointer == null) {
            throw new IllegalArgumentException("null native handle");
        }
        this.pointer = pointer;
        this.address = Pointer.nativeValue(pointer);
        this.free = free;
        this.what = what;
    }

    /**
     * Marks the start of a native call and returns the pointer to pass.
     *
     * @return the native pointer, valid until {@link #release()}
     * @throws IllegalStateException when the owner was closed
     */
    Pointer acquire() {
        enter();
        return pointer;
    }

    /**
     * Marks the start of a native call and returns the address to pass to the primitive-only
     * calls of {@link Lib}.
     *
     * @return the native address, valid until {@link #release()}
     * @throws IllegalStateException when the owner was closed
     */
    long acquireAddress() {
        enter();
        return address;
    }

    /**
     * Counts a call in: one compare-and-set, no lock (threads sharing the handle never wait for
     * one another).
     */
    private void enter() {
        while (true) {
            int n = users.get();
            if (n == 0 || closed.get()) {
                throw new IllegalStateException(what + " is closed");
            }
            if (users.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    /** Marks the end of a native call started with {@link #acquire()}. */
    void release() {
        if (users.decrementAndGet() == 0) {
            free.accept(pointer);
            FREED.incrementAndGet();
        }
    }

    /** Drops the owner's reference; idempotent. The handle is freed once no call uses it. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    boolean isClosed() {
        return closed.get();
    }

    /** The {@code Cleaner} action: the same as {@link #close()}. */
    @Override
    public void run() {
        close();
    }
}
