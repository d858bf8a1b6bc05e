package io.github.wechatpaynotify;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the tests set, for a {@link Verifier} that checks callbacks recorded at different
 * times ({@link Verifier.Builder#clock(Clock)}). Not for sharing between threads that set it.
 */
final class TestClock extends Clock {
    private volatile Instant now;

    private TestClock(Instant now) {
        this.now = now;
    }

    /** A clock at {@code unixSeconds}. */
    static TestClock at(long unixSeconds) {
        return new TestClock(Instant.ofEpochSecond(unixSeconds));
    }

    /** Moves the clock to {@code unixSeconds}; returns it. */
    TestClock set(long unixSeconds) {
        now = Instant.ofEpochSecond(unixSeconds);
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String toString() {
        return "TestClock[" + now + "]";
    }
}
