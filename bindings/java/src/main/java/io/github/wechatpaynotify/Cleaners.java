package io.github.wechatpaynotify;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The library's cleaner: frees native handles whose owner became unreachable without being
 * closed. Java 8 has no {@code java.lang.ref.Cleaner}, so this is the same mechanism in a few
 * lines: a phantom reference per registered owner, and one daemon thread that runs each action
 * once the collector has found its owner unreachable. An action runs at most once, whether by
 * {@link Cleanable#clean()} (an explicit close) or by the thread.
 */
final class Cleaners {
    /** The one cleaner of this library, and its one thread. */
    static final Cleaners CLEANER = new Cleaners();

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    /** The registered references, kept reachable until they are cleaned. */
    private final Set<Cleanable> live = ConcurrentHashMap.newKeySet();

    private Cleaners() {
        Thread thread = new Thread(this::drain, "wechatpay-notify-cleaner");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Registers {@code action} to run once {@code owner} is unreachable, unless it is run
     * before by {@link Cleanable#clean()}.
     *
     * @param owner the object whose collection runs the action; the action must not refer to it
     * @param action what frees the owner's native memory
     * @return the registration, whose {@code clean()} runs the action now
     */
    Cleanable register(Object owner, Runnable action) {
        Cleanable cleanable = new Cleanable(owner, action);
        live.add(cleanable);
        return cleanable;
    }

    /** The cleaner thread: runs the action of every reference the collector enqueues. */
    private void drain() {
        while (true) {
            try {
                Reference<?> enqueued = queue.remove();
                if (enqueued instanceof Cleanable) {
                    ((Cleanable) enqueued).clean();
                }
            } catch (InterruptedException e) {
                // The thread is the library's own and is never interrupted on purpose: go on.
            } catch (RuntimeException | Error e) {
                // An action that fails must not stop the cleaning of every other handle.
            }
        }
    }

    /** One registration: {@link #clean()} runs its action, once. */
    final class Cleanable extends PhantomReference<Object> {
        private final Runnable action;
        private final AtomicBoolean cleaned = new AtomicBoolean();

        private Cleanable(Object owner, Runnable action) {
            super(owner, queue);
            this.action = action;
        }

        /** Unregisters and runs the action, unless it has run already. */
        void clean() {
            if (cleaned.compareAndSet(false, true)) {
                live.remove(this);
                clear();
                action.run();
            }
        }
    }
}
