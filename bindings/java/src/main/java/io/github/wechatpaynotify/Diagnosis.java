package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every check of one callback and its outcome, the verdict, and the signs of a re-serialized
 * body: what the {@code wechatpay-notify doctor} command shows, to find out why a callback is
 * refused. Made by {@link Verifier#diagnose(java.util.Map, byte[])} (the 16 checks of
 * docs/protocol.md, steps 0-15) and {@link V2Verifier#diagnose(byte[])} (the checks of
 * docs/apiv2.md: 7 for a payment, 6 for a refund).
 *
 * <pre>{@code
 * Diagnosis d = verifier.diagnose(headers, body);
 * if (!d.accepted()) {
 *     log.warn(d.toString());                  // every check, the verdict and the signs
 *     if (!d.hints().isEmpty()) {              // e.g. [line_breaks, indentation]
 *         // the body was parsed and written out again before it was verified
 *     }
 * }
 * }</pre>
 *
 * <p>Unlike {@code parse}, which stops at the first failure, the diagnosis runs every check
 * whose inputs are there (a check is {@link Check.Status#SKIPPED} only when an earlier failure
 * left it nothing to check), so one call shows everything that is wrong. The verdict ({@link
 * #accepted()}, {@link #notification()}, {@link #error()}) is exactly what {@code parse} gives
 * for the same request at the same time: decide with it, or better with {@code parse} itself;
 * use the checks and the hints to explain.
 *
 * <p>{@link #hints()} names the signs that the body was re-serialized (parsed and written out
 * again after WeChat Pay signed it, the most common cause of {@link
 * ErrorCode#SIGNATURE_MISMATCH}), looked for when step 10 (the signature) failed; step 10's
 * {@link Check#message()} names them too (docs/protocol.md, "Signs of a re-serialized body").
 *
 * <p>Immutable and thread-safe: everything is copied out of native memory when it is made, and
 * it holds none. Its messages never contain a key or decrypted plaintext, so {@link
 * #toString()} is safe to log.
 */
public final class Diagnosis {
    /** Which checks ran, for {@link #toString()}: {@code "APIv3"} or {@code "APIv2"}. */
    private final String protocol;
    private final List<Check> checks;
    private final List<String> hints;
    /** The accepted notification (APIv3), or null. */
    private final Notification notification;
    /** The refusal, or null when accepted. */
    private final NotificationException error;

    private Diagnosis(String protocol, List<Check> checks, List<String> hints, Notification notification,
            NotificationException error) {
        this.protocol = protocol;
        this.checks = Collections.unmodifiableList(checks);
        this.hints = Collections.unmodifiableList(hints);
        this.notification = notification;
        this.error = error;
    }

    /**
     * Copies a diagnosis out of native memory and frees it, whatever happens.
     *
     * @param d the {@code wpn_diagnosis *} a diagnose call wrote; owned, freed here
     * @param v3 whether it is an APIv3 diagnosis, whose accepted verdict has a notification
     * @return the diagnosis
     * @throws IllegalStateException when the library reports what the C ABI rules out, or a code
     *     this binding does not know as the verdict (as {@code parse} would)
     */
    static Diagnosis read(Pointer d, boolean v3) {
        try {
            if (d == null) {
                throw new IllegalStateException("the diagnose call succeeded without a diagnosis");
            }
            Reusable r = Reusable.get();
            long count = Lib.wpn_diagnosis_len(d);
            List<Check> checks = new ArrayList<>((int) Math.min(count, 64));
            Lib.Check c = r.check;
            for (long i = 0; i < count; i++) {
                if (!Marshal.isTrue(Lib.wpn_diagnosis_get(d, i, c.getPointer()))) {
                    throw new IllegalStateException("wpn_diagnosis_get(" + i + ") of " + count + " failed");
                }
                checks.add(Check.read(c));
            }
            long hintCount = Lib.wpn_diagnosis_hint_count(d);
            List<String> hints = new ArrayList<>((int) Math.min(hintCount, 16));
            Lib.Str name = r.str;
            for (long i = 0; i < hintCount; i++) {
                if (!Marshal.isTrue(Lib.wpn_diagnosis_hint(d, i, name.getPointer()))) {
                    throw new IllegalStateException("wpn_diagnosis_hint(" + i + ") of " + hintCount + " failed");
                }
                hints.add(name.asString());
            }
            int verdict = Lib.wpn_diagnosis_verdict(d);
            Notification notification = null;
            NotificationException error = null;
            if (verdict == Lib.WPN_OK) {
                Pointer n = Lib.wpn_diagnosis_notification(d); // borrowed
                if (n != null) {
                    Lib.Envelope e = r.envelope;
                    if (!Marshal.isTrue(Lib.wpn_notification_envelope(n, e.getPointer()))) {
                        throw new IllegalStateException("wpn_notification_envelope failed");
                    }
                    notification = Verifier.notificationOf(e);
                } else if (v3) {
                    throw new IllegalStateException("an accepted APIv3 diagnosis without a notification");
                }
            } else {
                // Borrowed too: read, never freed (wpn_diagnosis_free frees it).
                RuntimeException refusal = Errors.borrowedException(verdict, Lib.wpn_diagnosis_error(d));
                if (!(refusal instanceof NotificationException)) {
                    throw refusal; // what parse throws for such a code
                }
                error = (NotificationException) refusal;
            }
            return new Diagnosis(v3 ? "APIv3" : "APIv2", checks, hints, notification, error);
        } finally {
            Lib.wpn_diagnosis_free(d);
        }
    }

    /**
     * The checks, in step order: 16 for an APIv3 callback (steps 0-15 of docs/protocol.md, so
     * {@code checks().get(10)} is the signature), 7 for an APIv2 payment and 6 for an APIv2
     * refund (docs/apiv2.md).
     *
     * @return an unmodifiable list
     */
    public List<Check> checks() {
        return checks;
    }

    /**
     * The stable names of the signs that the body was re-serialized, in the order they first
     * appear in the body: {@code "line_breaks"}, {@code "indentation"}, {@code
     * "space_after_colon"}, {@code "space_after_comma"}, {@code "spaces"}, {@code
     * "unicode_escapes"}, {@code "escaped_slashes"} (docs/protocol.md lists them and their usual
     * authors; later versions may add names). They are looked for only when step 10 (the
     * signature) failed, so the list is empty otherwise, and always for APIv2. Whatever the
     * signs, the fix is the same: verify the raw body bytes exactly as received.
     *
     * @return an unmodifiable list, empty when there is no sign
     */
    public List<String> hints() {
        return hints;
    }

    /**
     * Whether the callback would be accepted: {@code parse} returns a notification for it.
     *
     * @return whether {@link #error()} is empty
     */
    public boolean accepted() {
        return error == null;
    }

    /**
     * The notification {@code parse} returns for this APIv3 callback, when it is accepted. Empty
     * when it is refused, and always for an APIv2 diagnosis (read an accepted APIv2 body with
     * {@link V2Verifier#parsePayment(byte[])} or {@link V2Verifier#parseRefund(byte[])}).
     *
     * @return the notification, or empty
     */
    public Optional<Notification> notification() {
        return Optional.ofNullable(notification);
    }

    /**
     * The exception {@code parse} (or, for APIv2, {@code parsePayment} / {@code parseRefund})
     * throws for this callback: the same code and message. Its message is that of the first
     * failed check, without the signs of {@link #hints()}. Turn it into the reply with {@link
     * Reply#failure(NotificationException)}.
     *
     * @return the refusal, or empty when the callback is accepted
     */
    public Optional<NotificationException> error() {
        return Optional.ofNullable(error);
    }

    /**
     * The checks, the verdict and the signs, one line each, as {@code wechatpay-notify doctor}
     * prints them: {@code ✓} passed, {@code ✗} failed (with the message on the next line),
     * {@code -} skipped. Never contains a key or decrypted plaintext.
     *
     * @return a multi-line description
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Checks (").append(protocol).append(")\n");
        for (Check c : checks) {
            s.append("  ").append(c.line()).append('\n');
            if (c.status == Check.Status.FAILED) {
                s.append("       ").append(c.codeName).append(": ").append(c.message).append('\n');
            }
        }
        s.append("Verdict: ");
        if (error == null) {
            s.append("OK (accepted)");
            if (notification != null) {
                s.append(", id ").append(notification.id());
            }
        } else {
            s.append(error.code().name()).append(" (rejected)");
        }
        if (!hints.isEmpty()) {
            s.append("\nSigns of a re-serialized body: ").append(String.join(", ", hints));
        }
        return s.toString();
    }

    /**
     * One check of a {@link Diagnosis}: its step number, what it checks, and its outcome.
     * Immutable.
     */
    public static final class Check {
        /** The outcome of a check. */
        public enum Status {
            /** The check ran and passed. */
            PASSED,
            /** The check ran and failed: {@link Check#code()} and {@link Check#message()} say why. */
            FAILED,
            /**
             * The check could not run because an earlier one failed: {@link Check#message()} says
             * which.
             */
            SKIPPED
        }

        private final int step;
        private final String name;
        private final Status status;
        /** The failure's code, or null when passed, skipped, or a code this binding does not know. */
        private final ErrorCode code;
        /** The failure's code name as the library gives it ({@code "UNKNOWN"} when it has none), or null. */
        private final String codeName;
        private final String message;

        private Check(int step, String name, Status status, ErrorCode code, String codeName, String message) {
            this.step = step;
            this.name = name;
            this.status = status;
            this.code = code;
            this.codeName = codeName;
            this.message = message;
        }

        /** Copies the {@code wpn_check} the library wrote into {@code c}. */
        static Check read(Lib.Check c) {
            int step = c.int32("step");
            int rawStatus = c.int32("status");
            Status status;
            if (rawStatus == Lib.WPN_CHECK_PASSED) {
                status = Status.PASSED;
            } else if (rawStatus == Lib.WPN_CHECK_FAILED) {
                status = Status.FAILED;
            } else if (rawStatus == Lib.WPN_CHECK_SKIPPED) {
                status = Status.SKIPPED;
            } else {
                throw new IllegalStateException("step " + step + " has the unknown status " + rawStatus);
            }
            String name = c.string("name");
            String message = c.string("message");
            ErrorCode code = null;
            String codeName = null;
            if (status == Status.FAILED) {
                codeName = Errors.name(c.int32("code"));
                code = ErrorCode.fromName(codeName).orElse(null);
            }
            return new Check(step, name == null ? "" : name, status, code, codeName,
                    message == null ? "" : message);
        }

        /**
         * The step number: 0-15 of docs/protocol.md for APIv3, 0-6 of docs/apiv2.md for APIv2.
         *
         * @return the step number
         */
        public int step() {
            return step;
        }

        /**
         * What the step checks, in a few words (e.g. {@code "signature"}).
         *
         * @return the step's name
         */
        public String name() {
            return name;
        }

        /**
         * What happened.
         *
         * @return passed, failed or skipped
         */
        public Status status() {
            return status;
        }

        /**
         * Whether the check ran and passed.
         *
         * @return whether {@link #status()} is {@link Status#PASSED}
         */
        public boolean passed() {
            return status == Status.PASSED;
        }

        /**
         * The failure's code, e.g. {@link ErrorCode#SIGNATURE_MISMATCH} for step 10.
         *
         * @return the code when the check failed; empty when it passed or was skipped
         */
        public Optional<ErrorCode> code() {
            return Optional.ofNullable(code);
        }

        /**
         * Why the check failed (the failure's message, without the code; step 10's goes on with
         * the signs of {@link Diagnosis#hints()}), why it was skipped, or {@code ""} when it
         * passed. Never contains a key or decrypted plaintext.
         *
         * @return the message
         */
        public String message() {
            return message;
        }

        /** The check's line in {@link Diagnosis#toString()}, without the failure's message. */
        String line() {
            String number = step < 10 ? " " + step : Integer.toString(step);
            switch (status) {
                case PASSED:
                    return "✓ " + number + " " + name;
                case FAILED:
                    return "✗ " + number + " " + name;
                default:
                    return "- " + number + " " + name + " (skipped: " + message + ")";
            }
        }

        /**
         * The check in one line: its mark, step and name, and the code and message of a failure.
         *
         * @return a description of this check
         */
        @Override
        public String toString() {
            return status == Status.FAILED ? line() + ": " + codeName + ": " + message : line();
        }

        /**
         * Whether {@code o} is a check with the same step, name, outcome, code and message.
         *
         * @param o another object
         * @return whether they are equal
         */
        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Check)) {
                return false;
            }
            Check other = (Check) o;
            return step == other.step && name.equals(other.name) && status == other.status
                    && Objects.equals(codeName, other.codeName) && message.equals(other.message);
        }

        /**
         * A hash of the fields {@link #equals(Object)} compares.
         *
         * @return the hash
         */
        @Override
        public int hashCode() {
            return Objects.hash(step, name, status, codeName, message);
        }
    }
}
