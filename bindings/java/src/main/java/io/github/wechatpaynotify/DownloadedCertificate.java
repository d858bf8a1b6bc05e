package io.github.wechatpaynotify;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One platform certificate from a {@code GET /v3/certificates} response, decrypted and
 * parsed. Immutable.
 *
 * @see WechatpayNotify#decryptCertificates(String, byte[])
 * @see Verifier#decryptCertificates(byte[])
 */
public final class DownloadedCertificate {
    private final String serialNo;
    private final String effectiveTime;
    private final String expireTime;
    private final long notBefore;
    private final long notAfter;
    private final String pem;

    private DownloadedCertificate(
            String serialNo, String effectiveTime, String expireTime, long notBefore, long notAfter, String pem) {
        this.serialNo = serialNo;
        this.effectiveTime = effectiveTime;
        this.expireTime = expireTime;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        this.pem = pem;
    }

    /** Copies a native {@code wpn_certificates} list and frees it. */
    static List<DownloadedCertificate> readList(Pointer list) {
        try {
            long n = Lib.wpn_certificates_len(list);
            Lib.Certificate c = Reusable.get().certificate;
            List<DownloadedCertificate> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                if (!Marshal.isTrue(Lib.wpn_certificates_get(list, i, c.getPointer()))) {
                    throw new IllegalStateException("wpn_certificates_get(" + i + ") of " + n + " failed");
                }
                out.add(new DownloadedCertificate(
                        c.string("serial_no"), c.string("effective_time"), c.string("expire_time"),
                        c.int64("not_before"), c.int64("not_after"), c.string("pem")));
            }
            return Collections.unmodifiableList(out);
        } finally {
            Lib.wpn_certificates_free(list);
        }
    }

    /**
     * The serial number, uppercase hex; checked equal to the certificate's own serial.
     *
     * @return the serial
     */
    public String serialNo() {
        return serialNo;
    }

    /**
     * {@code effective_time} as sent (RFC 3339); may be empty.
     *
     * @return the effective time text
     */
    public String effectiveTime() {
        return effectiveTime;
    }

    /**
     * {@code expire_time} as sent (RFC 3339); may be empty.
     *
     * @return the expiry time text
     */
    public String expireTime() {
        return expireTime;
    }

    /**
     * Start of validity, read from the certificate.
     *
     * @return Unix seconds
     */
    public long notBefore() {
        return notBefore;
    }

    /**
     * End of validity, read from the certificate.
     *
     * @return Unix seconds
     */
    public long notAfter() {
        return notAfter;
    }

    /**
     * The certificate as PEM, ready for {@link Verifier.Builder#platformCertificate(String)}.
     *
     * @return the PEM text
     */
    public String pem() {
        return pem;
    }

    /**
     * The serial and validity.
     *
     * @return a description of this certificate
     */
    @Override
    public String toString() {
        return "DownloadedCertificate{serialNo=" + serialNo + ", notBefore=" + notBefore + ", notAfter=" + notAfter
                + "}";
    }
}
