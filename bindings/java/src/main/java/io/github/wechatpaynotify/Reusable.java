package io.github.wechatpaynotify;

import com.sun.jna.ptr.PointerByReference;

/**
 * The JNA objects one thread reuses from call to call: the out-parameters and the structures
 * the library fills. Building a {@link com.sun.jna.Structure} is reflective and allocates native
 * memory, so a callback builds none.
 *
 * <p>Only the thread that owns them uses them, and only from the start to the end of one binding
 * call (nothing here calls back into Java during a native call), so nothing is shared or locked.
 * An out-parameter needs no clearing before a call: the C ABI sets it to NULL when the call
 * starts (docs/c-abi.md, "Out-parameters").
 */
final class Reusable {
    private static final ThreadLocal<Reusable> PER_THREAD = ThreadLocal.withInitial(Reusable::new);

    /** A {@code T **} out-parameter for the handle a call makes. */
    final PointerByReference handleOut = new PointerByReference();
    /** The {@code wpn_error **} out-parameter. */
    final PointerByReference errorOut = new PointerByReference();
    /** For {@code wpn_verifier_parse}. */
    final Lib.Envelope envelope = new Lib.Envelope();
    /** For {@code wpn_buffer_data}. */
    final Lib.Slice slice = new Lib.Slice();
    /** For {@code wpn_error_message} and {@code wpn_verifier_key_id}. */
    final Lib.Str str = new Lib.Str();
    /** For {@code wpn_reply_response}. */
    final Lib.HttpResponse response = new Lib.HttpResponse();
    /** For {@code wpn_v2_fields_get}. */
    final Lib.Field field = new Lib.Field();
    /** For {@code wpn_certificates_get}. */
    final Lib.Certificate certificate = new Lib.Certificate();
    /** For {@code wpn_diagnosis_get}. */
    final Lib.Check check = new Lib.Check();

    private Reusable() {}

    /**
     * This thread's objects.
     *
     * @return them
     */
    static Reusable get() {
        return PER_THREAD.get();
    }
}
