package io.github.wechatpaynotify;

import java.lang.ref.Cleaner;

/** The one {@link Cleaner} thread of this library. */
final class Cleaners {
    /** Frees native handles whose owner became unreachable without being closed. */
    static final Cleaner CLEANER = Cleaner.create();

    private Cleaners() {}
}
