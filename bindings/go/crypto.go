package wechatpaynotify

/*
#include "wechatpay_notify.h"
*/
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// Certificate is one WeChat Pay platform certificate from a GET /v3/certificates response,
// decrypted and parsed.
type Certificate struct {
	// SerialNo is the serial number (uppercase hex), checked equal to the certificate's own.
	SerialNo string
	// EffectiveTime is effective_time as sent (RFC 3339).
	EffectiveTime string
	// ExpireTime is expire_time as sent (RFC 3339).
	ExpireTime string
	// NotBefore is the start of validity read from the certificate.
	NotBefore time.Time
	// NotAfter is the end of validity read from the certificate.
	NotAfter time.Time
	// PEM is the certificate, ready for Config.Certificates.
	PEM string
}

// DecryptCertificates decrypts every certificate of a GET /v3/certificates response body with
// the APIv3 key. Verify the response's signature first ([Verifier.VerifyResponse]) when a
// verifier is already configured.
//
// Errors: CodeConfigInvalid for a key that is not 32 bytes, CodeMalformedBody for a body of
// the wrong shape, then CodeUnsupportedAlgorithm, CodeMalformedResource and CodeDecryptFailed
// as for notifications.
func DecryptCertificates(apiv3Key string, body []byte) ([]Certificate, error) {
	var list *C.wpn_certificates
	var cerr *C.wpn_error
	kp, kn := stringPtr(apiv3Key)
	bp, bn := bytesPtr(body)
	rc := C.wpn_decrypt_certificates(kp, kn, bp, bn, &list, &cerr)
	runtime.KeepAlive(apiv3Key)
	runtime.KeepAlive(body)
	if rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	return takeCertificates(list), nil
}

// takeCertificates copies a C certificate list into Go values and frees it.
func takeCertificates(list *C.wpn_certificates) []Certificate {
	defer C.wpn_certificates_free(list)
	certs := make([]Certificate, int(C.wpn_certificates_len(list)))
	var c C.wpn_certificate
	for i := range certs {
		C.wpn_certificates_get(list, C.size_t(i), &c)
		certs[i] = Certificate{
			SerialNo:      goString(c.serial_no),
			EffectiveTime: goString(c.effective_time),
			ExpireTime:    goString(c.expire_time),
			NotBefore:     unixTime(int64(c.not_before)),
			NotAfter:      unixTime(int64(c.not_after)),
			PEM:           goString(c.pem),
		}
	}
	return certs
}

// DecryptResource decrypts one AEAD_AES_256_GCM resource with the APIv3 key: nonce is
// resource.nonce (12 characters), associatedData resource.associated_data ("" if absent) and
// ciphertext resource.ciphertext (standard base64 of the ciphertext and its 16-byte tag).
//
// Errors: CodeConfigInvalid for a key that is not 32 bytes, CodeMalformedResource for a wrong
// nonce length or bad base64, CodeDecryptFailed for a wrong key or altered input.
func DecryptResource(apiv3Key, nonce, associatedData, ciphertext string) ([]byte, error) {
	var buf *C.wpn_buffer
	var cerr *C.wpn_error
	kp, kn := stringPtr(apiv3Key)
	np, nn := stringPtr(nonce)
	ap, an := stringPtr(associatedData)
	cp, cn := stringPtr(ciphertext)
	rc := C.wpn_decrypt_resource(kp, kn, np, nn, ap, an, cp, cn, &buf, &cerr)
	runtime.KeepAlive(apiv3Key)
	runtime.KeepAlive(nonce)
	runtime.KeepAlive(associatedData)
	runtime.KeepAlive(ciphertext)
	if rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	defer C.wpn_buffer_free(buf)
	var data C.wpn_slice
	C.wpn_buffer_data(buf, &data)
	out := make([]byte, int(data.len))
	copy(out, cBytes(unsafe.Pointer(data.data), data.len))
	return out, nil
}

// Version is the version of the linked wechatpay-notify library, e.g. "0.2.0".
func Version() string { return C.GoString(C.wpn_version()) }

// Backend is the cryptographic backend the linked library was built with: "aws-lc"
// (aws-lc-rs, the released library) or "ring" (ring and RustCrypto's aes-gcm).
func Backend() string { return C.GoString(C.wpn_backend()) }
