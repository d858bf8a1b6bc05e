package wechatpaynotify

/*
#include "wechatpay_notify.h"
*/
import "C"

import (
	"net/http"
	"runtime"
	"sync"
)

// DefaultV2MaxBodySize is the largest body a [V2Verifier] accepts by default: 64 KiB (real
// notifications are about 1 KB).
const DefaultV2MaxBodySize = 64 << 10

// The default above is the C library's; the build fails if it ever differs.
const _ = uint(DefaultV2MaxBodySize-C.WPN_V2_DEFAULT_MAX_BODY_SIZE) + uint(C.WPN_V2_DEFAULT_MAX_BODY_SIZE-DefaultV2MaxBodySize)

// V2Verifier verifies APIv2 (XML) payment result notifications and decrypts APIv2 refund
// result notifications with the APIv2 key (API密钥), following the rules of docs/apiv2.md.
//
// Like [Verifier] it is immutable, safe for concurrent use, holds memory of the Rust library
// (call Close; a finalizer is the backstop) and must not be copied.
type V2Verifier struct {
	mu          sync.RWMutex
	ptr         *C.wpn_v2_verifier
	maxBodySize int
}

// V2Refund is a decrypted APIv2 refund result notification.
type V2Refund struct {
	// Fields holds the outer fields (return_code, appid, mch_id, nonce_str...), without
	// req_info.
	Fields map[string]string
	// ReqInfo holds the decrypted req_info fields (out_refund_no, refund_status,
	// refund_fee...).
	ReqInfo map[string]string
}

// V2Option configures [NewV2Verifier].
type V2Option func(*v2Options)

type v2Options struct {
	maxBodySize int
}

// WithV2MaxBodySize sets the largest accepted body in bytes (default DefaultV2MaxBodySize).
func WithV2MaxBodySize(bytes int) V2Option {
	return func(o *v2Options) { o.maxBodySize = bytes }
}

// NewV2Verifier builds an APIv2 verifier from the APIv2 key (API密钥, 32 characters; anything
// else is an *Error with CodeConfigInvalid).
func NewV2Verifier(apiKey string, opts ...V2Option) (*V2Verifier, error) {
	var o v2Options
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxBodySize < 0 {
		return nil, &Error{Code: CodeConfigInvalid, Message: "the APIv2 max body size must not be negative"}
	}
	var ptr *C.wpn_v2_verifier
	var cerr *C.wpn_error
	kp, kn := stringPtr(apiKey)
	// A max body size of 0 is the library's default (WPN_V2_DEFAULT_MAX_BODY_SIZE).
	rc := C.wpn_v2_verifier_new(kp, kn, C.size_t(o.maxBodySize), &ptr, &cerr)
	runtime.KeepAlive(apiKey)
	if rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	liveHandles.Add(1)
	v := &V2Verifier{ptr: ptr, maxBodySize: DefaultV2MaxBodySize}
	if o.maxBodySize > 0 {
		v.maxBodySize = o.maxBodySize
	}
	runtime.SetFinalizer(v, (*V2Verifier).Close)
	return v, nil
}

// Close frees the verifier's memory in the Rust library (wiping the key). It waits for calls
// in progress; later calls return ErrClosed. Close is idempotent and always returns nil.
func (v *V2Verifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ptr != nil {
		C.wpn_v2_verifier_free(v.ptr)
		v.ptr = nil
		liveHandles.Add(-1)
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

// ParsePayment verifies a payment result notification (the raw XML body) and returns all its
// fields, sign included, values as strings.
//
// Errors, in order: CodeBodyTooLarge, CodeWrongFormat (a JSON body: an APIv3 notification),
// CodeMalformedBody (not flat XML; any DOCTYPE or entity), CodeReturnFail, CodeMissingField
// (no sign), CodeUnsupportedSignatureType, CodeMalformedSignature, CodeSignatureMismatch.
func (v *V2Verifier) ParsePayment(body []byte) (map[string]string, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return nil, ErrClosed
	}
	var fields *C.wpn_v2_fields
	var cerr *C.wpn_error
	p, n := bytesPtr(body)
	rc := C.wpn_v2_verifier_parse_payment(v.ptr, p, n, &fields, &cerr)
	runtime.KeepAlive(body)
	runtime.KeepAlive(v)
	if rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	defer C.wpn_v2_fields_free(fields)
	return copyFields(fields), nil
}

// ParseRefund decrypts a refund result notification (the raw XML body): its outer fields,
// and req_info decrypted with the MD5 of the APIv2 key (CodeDecryptFailed when that fails).
func (v *V2Verifier) ParseRefund(body []byte) (*V2Refund, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return nil, ErrClosed
	}
	var refund *C.wpn_v2_refund
	var cerr *C.wpn_error
	p, n := bytesPtr(body)
	rc := C.wpn_v2_verifier_parse_refund(v.ptr, p, n, &refund, &cerr)
	runtime.KeepAlive(body)
	runtime.KeepAlive(v)
	if rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	defer C.wpn_v2_refund_free(refund)
	return &V2Refund{
		Fields:  copyFields(C.wpn_v2_refund_fields(refund)),
		ReqInfo: copyFields(C.wpn_v2_refund_req_info(refund)),
	}, nil
}

// Diagnose runs every check of docs/apiv2.md on an APIv2 notification (the raw XML body),
// continuing past failures: a body with a req_info field is checked as a refund (6 checks),
// anything else as a payment (7 checks). The verdict (Diagnosis.Accepted, Err) is exactly what
// ParseRefund or ParsePayment returns for it; [Diagnosis.Notification] is always nil and
// [Diagnosis.Hints] empty for APIv2 (parse an accepted body to read its fields).
//
// A refused notification is a successful diagnosis whose Err is set: the error is non-nil only
// for a misuse, ErrClosed after Close.
func (v *V2Verifier) Diagnose(xml []byte) (*Diagnosis, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return nil, ErrClosed
	}
	d, err := diagnoseV2(v.ptr, xml)
	runtime.KeepAlive(v)
	return d, err
}

// DiagnoseRequest reads r's body like ParsePaymentRequest and diagnoses it with Diagnose.
func (v *V2Verifier) DiagnoseRequest(r *http.Request) (*Diagnosis, error) {
	body, err := readBody(r, v.maxBodySize)
	if err != nil {
		return nil, err
	}
	return v.Diagnose(body)
}

// ParsePaymentRequest reads r's body (at most the maximum body size plus one byte), puts it
// back so that r.Body can be read again, and verifies it with ParsePayment.
func (v *V2Verifier) ParsePaymentRequest(r *http.Request) (map[string]string, error) {
	body, err := readBody(r, v.maxBodySize)
	if err != nil {
		return nil, err
	}
	return v.ParsePayment(body)
}

// ParseRefundRequest reads r's body like ParsePaymentRequest and decrypts it with
// ParseRefund.
func (v *V2Verifier) ParseRefundRequest(r *http.Request) (*V2Refund, error) {
	body, err := readBody(r, v.maxBodySize)
	if err != nil {
		return nil, err
	}
	return v.ParseRefund(body)
}

// copyFields copies C v2 fields into a Go map.
func copyFields(f *C.wpn_v2_fields) map[string]string {
	count := int(C.wpn_v2_fields_len(f))
	out := make(map[string]string, count)
	if count == 0 {
		return out
	}
	var fv C.wpn_field
	for i := 0; i < count; i++ {
		C.wpn_v2_fields_get(f, C.size_t(i), &fv)
		out[goString(fv.name)] = goString(fv.value)
	}
	return out
}
