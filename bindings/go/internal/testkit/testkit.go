package testkit

// The rules of ../../ffi.go hold here too: Go memory goes to C only for the duration of a
// call (strings through one pinned buffer), everything C returns is copied into Go memory
// before its handle is freed, and the only C handle that outlives a call is the kit's, freed
// by Close or its finalizer.

/*
#include "wechatpay_notify.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// Info is what a kit is: the values a handler under test is configured with (wpn_kit_info).
type Info struct {
	KeyID          string // the Wechatpay-Serial it signs under: a PUB_KEY_ID_ id or a certificate serial
	PublicKeyPEM   string // SubjectPublicKeyInfo PEM
	CertificatePEM string // the self-signed platform certificate; "" for a public-key kit
	APIv3Key       string // 32 characters
	V2Key          string // 32 characters
}

// Request is what to build (wpn_kit_request). Every string is optional: "" keeps the default.
type Request struct {
	Kind         string    // a kind of the event catalog; "" for a custom callback (needs EventType)
	EventType    string    // the envelope's event_type
	OriginalType string    // resource.original_type of a custom callback
	ResourceJSON string    // JSON that replaces the whole resource
	MergeJSON    string    // a JSON object merged into the resource, objects key by key
	ID           string    // the notification id
	At           time.Time // the Wechatpay-Timestamp; zero for the system clock
	Failure      string    // a failure by name (docs/testing.md)
}

// Callback is a test callback as WeChat Pay would POST it.
type Callback struct {
	Header [][2]string // name and value of each header, in the library's order
	Body   []byte      // the raw body
	ID     string      // the notification id in the body
}

// Error is a failure of the library: Code is the name of its result code
// (wpn_error_code_name), Message its message.
type Error struct {
	Code    string // the name of the result code, e.g. CONFIG_INVALID
	Message string // the library's message
}

// Error returns "CODE: message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ErrClosed is returned by every call that needs the kit after Close.
var ErrClosed = errors.New("testkit: kit is closed")

// Kit is a wpn_kit: immutable and safe for concurrent use.
type Kit struct {
	mu   sync.RWMutex // read-held by every call, write-held by Close
	ptr  *C.wpn_kit
	info Info
}

// New makes a kit with a fresh RSA-2048 test key: under a PUB_KEY_ID_ id, or with a
// self-signed platform certificate when certificate is true.
func New(certificate bool) (*Kit, error) {
	var ptr *C.wpn_kit
	var cerr *C.wpn_error
	if rc := C.wpn_kit_new(C.bool(certificate), &ptr, &cerr); rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	var info C.wpn_kit_info
	C.wpn_kit_describe(ptr, &info)
	k := &Kit{ptr: ptr, info: Info{
		KeyID:          goString(info.key_id),
		PublicKeyPEM:   goString(info.public_key_pem),
		CertificatePEM: goString(info.certificate_pem),
		APIv3Key:       goString(info.apiv3_key),
		V2Key:          goString(info.v2_key),
	}}
	runtime.SetFinalizer(k, (*Kit).Close)
	return k, nil
}

// Info returns the kit's key id, keys and certificate (copies, valid after Close).
func (k *Kit) Info() Info { return k.info }

// Close frees the kit, wiping its keys in the library. It is idempotent; later calls that
// build callbacks return ErrClosed.
func (k *Kit) Close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ptr != nil {
		C.wpn_kit_free(k.ptr)
		k.ptr = nil
		runtime.SetFinalizer(k, nil)
	}
}

// SetMchID makes the kit's catalog callbacks name merchant mchid from now on
// (wpn_kit_set_mchid): a verifier of several merchants checks that a resource names its
// merchant.
func (k *Kit) SetMchID(mchid string) error {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.ptr == nil {
		return ErrClosed
	}
	b := []byte(mchid)
	var p *C.uint8_t
	if len(b) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&b[0]))
	}
	var cerr *C.wpn_error
	rc := C.wpn_kit_set_mchid(k.ptr, p, C.size_t(len(b)), &cerr)
	runtime.KeepAlive(b)
	runtime.KeepAlive(k)
	if rc != C.WPN_OK {
		return takeError(rc, cerr)
	}
	return nil
}

// Notification builds a callback signed and encrypted as WeChat Pay does.
func (k *Kit) Notification(r Request) (*Callback, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.ptr == nil {
		return nil, ErrClosed
	}
	var s strs
	req := C.wpn_kit_request{timestamp: C.WPN_SYSTEM_CLOCK}
	if !r.At.IsZero() {
		req.timestamp = C.int64_t(r.At.Unix())
	}
	s.add(&req.kind, r.Kind)
	s.add(&req.event_type, r.EventType)
	s.add(&req.original_type, r.OriginalType)
	s.add(&req.resource_json, r.ResourceJSON)
	s.add(&req.merge_json, r.MergeJSON)
	s.add(&req.id, r.ID)
	s.add(&req.failure, r.Failure)
	s.pin()
	var cb *C.wpn_callback
	var cerr *C.wpn_error
	rc := C.wpn_kit_notification(k.ptr, &req, &cb, &cerr)
	s.unpin()
	runtime.KeepAlive(k)
	if rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	defer C.wpn_callback_free(cb)
	var parts C.wpn_callback_parts
	C.wpn_callback_contents(cb, &parts)
	out := &Callback{
		Header: make([][2]string, 0, int(parts.headers_len)),
		Body:   append([]byte(nil), cBytes(unsafe.Pointer(parts.body.data), parts.body.len)...),
		ID:     goString(parts.id),
	}
	if parts.headers_len > 0 {
		for _, f := range unsafe.Slice(parts.headers, int(parts.headers_len)) {
			out.Header = append(out.Header, [2]string{goString(f.name), goString(f.value)})
		}
	}
	return out, nil
}

// V2Callback builds an APIv2 callback (XML): a payment result signed with the kit's APIv2
// key (MD5, or HMAC-SHA256), or with refund a refund result whose req_info is encrypted with
// it. fieldsJSON ("" for none) is a JSON object of strings set into the payment's fields, or
// into the refund's req_info.
func (k *Kit) V2Callback(refund, hmacSHA256 bool, fieldsJSON string) ([]byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.ptr == nil {
		return nil, ErrClosed
	}
	var s strs
	var fields C.wpn_str
	s.add(&fields, fieldsJSON)
	s.pin()
	var buf *C.wpn_buffer
	var cerr *C.wpn_error
	rc := C.wpn_kit_v2_callback(k.ptr, C.bool(refund), C.bool(hmacSHA256), fields, &buf, &cerr)
	s.unpin()
	runtime.KeepAlive(k)
	if rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	defer C.wpn_buffer_free(buf)
	var data C.wpn_slice
	C.wpn_buffer_data(buf, &data)
	return append([]byte(nil), cBytes(unsafe.Pointer(data.data), data.len)...), nil
}

// strs lays out the string arguments of one call in one Go buffer, pinned for the call: the
// wpn_str views handed to C point into it (an empty string stays {NULL, 0}, the default).
type strs struct {
	buf   []byte
	views []*C.wpn_str
	lens  []int
	pins  runtime.Pinner
}

// add records that *view is to point at a copy of s.
func (s *strs) add(view *C.wpn_str, v string) {
	*view = C.wpn_str{}
	if v == "" {
		return
	}
	s.buf = append(s.buf, v...)
	s.views = append(s.views, view)
	s.lens = append(s.lens, len(v))
}

// pin pins the final buffer and points the views into it.
func (s *strs) pin() {
	if len(s.buf) == 0 {
		return
	}
	base := unsafe.Pointer(unsafe.SliceData(s.buf))
	s.pins.Pin(base)
	off := 0
	for i, view := range s.views {
		*view = C.wpn_str{data: (*C.char)(unsafe.Add(base, off)), len: C.size_t(s.lens[i])}
		off += s.lens[i]
	}
}

// unpin ends the call: the views are cleared and the buffer unpinned.
func (s *strs) unpin() {
	for _, view := range s.views {
		*view = C.wpn_str{}
	}
	s.pins.Unpin()
}

// takeError converts a C error (which may be NULL) with its result code into an *Error and
// frees it.
func takeError(rc C.wpn_result, e *C.wpn_error) error {
	msg := ""
	if e != nil {
		var m C.wpn_str
		C.wpn_error_message(e, &m)
		msg = goString(m)
		C.wpn_error_free(e)
	}
	return &Error{Code: C.GoString(C.wpn_error_code_name(C.uint32_t(rc))), Message: msg}
}

// cBytes views n bytes of C memory at p as a Go slice, for copying only.
func cBytes(p unsafe.Pointer, n C.size_t) []byte {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(p), int(n))
}

// goString copies a C string view into a Go string.
func goString(s C.wpn_str) string {
	return string(cBytes(unsafe.Pointer(s.data), s.len))
}
