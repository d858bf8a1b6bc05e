package wechatpaynotify

// The boundary with the C ABI (include/wechatpay_notify.h; its conventions are in
// docs/c-abi.md). Rules followed everywhere:
//
//   - Go memory is passed to C only for the duration of a call. Byte slices and strings go by
//     pointer and length. Headers go as a []C.wpn_header in Go memory whose name and value
//     pointers point into one Go byte buffer, pinned with a runtime.Pinner for the call (cgo
//     allows Go memory passed to C to hold pinned Go pointers) and unpinned after it; the
//     library keeps no pointer to them.
//   - Everything C returns is copied into Go memory before the C handle is freed, so no Go
//     value refers to C memory and no C handle outlives the call, except the verifiers, which
//     are freed by Close or their finalizer.
//   - Result codes are matched by name (wpn_error_code_name, wpn_error_code_from_name), never
//     by number.
//   - runtime.KeepAlive follows every C call that uses a Go-owned handle.

/*
#include "wechatpay_notify.h"
*/
import "C"

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// bytesPtr returns a C view of b, valid while b is kept alive (nil for an empty slice).
func bytesPtr(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b))
}

// stringPtr returns a C view of s, valid while s is kept alive (nil for an empty string).
func stringPtr(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
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

// The codes only the C ABI produces (docs/errors.md). A Go caller cannot cause the first two;
// they are looked up so that they are reported by name if they ever happen.
const (
	codeNullArgument    Code = "NULL_ARGUMENT"
	codeInvalidArgument Code = "INVALID_ARGUMENT"
)

// codeTable is the library's view of every code this package knows, looked up by name.
type codeTable struct {
	raw    map[Code]C.uint32_t // name -> the library's wpn_result value
	code   map[C.uint32_t]Code // the reverse
	family map[Code]Family     // name -> the library's family
}

// codes is built once, from the names: each is looked up with wpn_error_code_from_name and
// classified with wpn_error_code_family. No code number is assumed.
var codes = sync.OnceValue(func() *codeTable {
	names := append(append([]Code(nil), Codes...), CodePanic, codeNullArgument, codeInvalidArgument)
	t := &codeTable{
		raw:    make(map[Code]C.uint32_t, len(names)),
		code:   make(map[C.uint32_t]Code, len(names)),
		family: make(map[Code]Family, len(names)),
	}
	for _, c := range names {
		raw, ok := lookupCode(c)
		if !ok {
			continue // a name this version of the library does not have
		}
		t.raw[c] = raw
		t.code[raw] = c
		t.family[c] = familyOf(raw)
	}
	return t
})

// lookupCode asks the library for the value of the code named c.
func lookupCode(c Code) (C.uint32_t, bool) {
	var raw C.uint32_t
	p, n := stringPtr(string(c))
	ok := bool(C.wpn_error_code_from_name(p, n, &raw))
	runtime.KeepAlive(c)
	return raw, ok && raw != C.WPN_OK
}

// familyOf is the library's family of a code value.
func familyOf(raw C.uint32_t) Family {
	switch C.wpn_error_code_family(raw) {
	case C.WPN_FAMILY_AUTHENTICITY:
		return FamilyAuthenticity
	case C.WPN_FAMILY_DECRYPTION:
		return FamilyDecryption
	case C.WPN_FAMILY_FORMAT:
		return FamilyFormat
	case C.WPN_FAMILY_CONFIG:
		return FamilyConfig
	default:
		return FamilyInternal
	}
}

// rawCode is the library's value of a code, and whether the library knows it.
func rawCode(c Code) (C.uint32_t, bool) {
	if raw, ok := codes().raw[c]; ok {
		return raw, true
	}
	return lookupCode(c)
}

// codeOf is the Code of a result value: its name in the library ("UNKNOWN" for a value the
// library does not define).
func codeOf(rc C.wpn_result) Code {
	if c, ok := codes().code[C.uint32_t(rc)]; ok {
		return c
	}
	return Code(C.GoString(C.wpn_error_code_name(C.uint32_t(rc))))
}

// codeFamily is the library's family of a code, FamilyInternal for a name it does not know.
func codeFamily(c Code) Family {
	if f, ok := codes().family[c]; ok {
		return f
	}
	if raw, ok := lookupCode(c); ok {
		return familyOf(raw)
	}
	return FamilyInternal
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
	return &Error{Code: codeOf(rc), Message: msg}
}

// The time argument of the verifier calls: Unix seconds, or systemClock.
type cTime = C.int64_t

// systemClock is the time argument that makes the library read the system clock.
const systemClock cTime = C.WPN_SYSTEM_CLOCK

// at is the time argument for now.
func at(now time.Time) cTime { return cTime(now.Unix()) }

// callScratch is the Go memory of one verifier call, pooled and reused across calls.
//
// Invariant between calls: every element of headers[:cap(headers)] is zero, so the array never
// holds a pointer into a buffer that is not pinned (cgo checks the whole array).
type callScratch struct {
	buf     []byte         // the names and values of the headers, back to back
	headers []C.wpn_header // views into buf, handed to C
	pin     runtime.Pinner // pins buf during the call
	env     C.wpn_envelope // filled by wpn_notification_envelope
	n       *C.wpn_notification
	err     *C.wpn_error
}

var scratchPool = sync.Pool{New: func() any {
	return &callScratch{buf: make([]byte, 0, 1024), headers: make([]C.wpn_header, 0, 16)}
}}

// wechatpayPrefix is the prefix of every header the verifier reads.
const wechatpayPrefix = "wechatpay-"

// fill lays out the Wechatpay-* headers of h (the only ones the verifier reads): every value
// of each such header, in order, copied into buf, and pins buf. Names are passed as they are;
// the library matches them case-insensitively, the first value winning. It returns the
// header array for C (nil when there is none); unpin must follow the call.
func (s *callScratch) fill(h http.Header) (*C.wpn_header, C.size_t) {
	s.buf, s.headers = s.buf[:0], s.headers[:0]
	for name, values := range h {
		if len(name) < len(wechatpayPrefix) || !strings.EqualFold(name[:len(wechatpayPrefix)], wechatpayPrefix) {
			continue
		}
		for _, value := range values {
			s.buf = append(s.buf, name...)
			s.buf = append(s.buf, value...)
			s.headers = append(s.headers, C.wpn_header{
				name_len: C.size_t(len(name)), value_len: C.size_t(len(value))})
		}
	}
	if len(s.headers) == 0 {
		return nil, 0
	}
	// buf is final: pin it and point the headers into it (an empty value stays NULL).
	base := unsafe.Pointer(unsafe.SliceData(s.buf))
	s.pin.Pin(base)
	off := uintptr(0)
	for i := range s.headers {
		hd := &s.headers[i]
		hd.name = (*C.uint8_t)(unsafe.Add(base, off))
		off += uintptr(hd.name_len)
		if hd.value_len > 0 {
			hd.value = (*C.uint8_t)(unsafe.Add(base, off))
			off += uintptr(hd.value_len)
		}
	}
	return &s.headers[0], C.size_t(len(s.headers))
}

// unpin ends the call: it unpins buf and clears the header views.
func (s *callScratch) unpin() {
	if len(s.headers) > 0 {
		s.pin.Unpin()
		clear(s.headers)
	}
}

// release puts s back in the pool, without the handles of the call.
func (s *callScratch) release() {
	if cap(s.buf) > 64<<10 || cap(s.headers) > 1024 {
		return // do not keep unusually large buffers alive
	}
	s.env = C.wpn_envelope{}
	s.n, s.err = nil, nil
	scratchPool.Put(s)
}

// operation is one of the verifier's calls.
type operation int

const (
	opParse          operation = iota // wpn_verifier_parse
	opVerify                          // wpn_verifier_verify
	opVerifyResponse                  // wpn_verifier_verify_response
)

// check runs one verifier operation at now (Unix seconds, or systemClock). For a successful
// parse it returns the notification, copied into Go memory: one C call to parse, one to read
// the envelope, one to free it.
func check(v *C.wpn_verifier, op operation, h http.Header, body []byte, now cTime) (*Notification, error) {
	s := scratchPool.Get().(*callScratch)
	defer s.release()
	hp, hn := s.fill(h)
	bp, bn := bytesPtr(body)
	var rc C.wpn_result
	switch op {
	case opParse:
		rc = C.wpn_verifier_parse(v, hp, hn, bp, bn, now, &s.n, &s.err)
	case opVerify:
		rc = C.wpn_verifier_verify(v, hp, hn, bp, bn, now, &s.err)
	default:
		rc = C.wpn_verifier_verify_response(v, hp, hn, bp, bn, now, &s.err)
	}
	s.unpin()
	runtime.KeepAlive(body)
	if rc != C.WPN_OK {
		return nil, takeError(rc, s.err)
	}
	if op != opParse {
		return nil, nil
	}
	C.wpn_notification_envelope(s.n, &s.env)
	n := copyNotification(&s.env)
	C.wpn_notification_free(s.n)
	return n, nil
}

// copyNotification copies an envelope into one Go allocation (plus the Notification).
func copyNotification(e *C.wpn_envelope) *Notification {
	views := [...]C.wpn_str{e.id, e.create_time, e.event_type, e.resource_type, e.summary,
		e.original_type, e.serial, e.mchid, e.plaintext}
	total := 0
	for _, v := range views {
		total += int(v.len)
	}
	buf := make([]byte, total)
	var out [len(views)]string
	off := 0
	for i, v := range views[:len(views)-1] {
		n := copy(buf[off:], cBytes(unsafe.Pointer(v.data), v.len))
		out[i] = unsafe.String(unsafe.SliceData(buf[off:]), n)
		off += n
	}
	plain := buf[off:]
	copy(plain, cBytes(unsafe.Pointer(e.plaintext.data), e.plaintext.len))
	return &Notification{
		ID: out[0], CreateTime: out[1], EventType: out[2], ResourceType: out[3], Summary: out[4],
		OriginalType: out[5], Serial: out[6], MchID: out[7], Kind: eventKind(e.kind),
		Timestamp: unixTime(int64(e.timestamp)),
		Plaintext: plain[:len(plain):len(plain)],
	}
}

// eventKind is the EventKind named by the envelope's kind: one of the constants (no allocation),
// or a copy of a name this package does not know (a kind of a newer library).
func eventKind(s C.wpn_str) EventKind {
	name := cBytes(unsafe.Pointer(s.data), s.len)
	if string(name) == string(EventUnknown) {
		return EventUnknown
	}
	for _, k := range EventKinds {
		if string(name) == string(k) {
			return k
		}
	}
	return EventKind(name)
}

// event is the check behind every typed accessor (events.go). The core decides, from the
// notification's event_type, original_type and plaintext, whether it is of kind and decodes as
// that kind's model (wpn_event_decode): UNEXPECTED_EVENT for another kind, MALFORMED_RESOURCE
// naming the field for a missing required field or a wrong JSON type. On success the core
// gives the model's fields as JSON, which encoding/json reads into out, a pointer to the
// kind's model.
func (n *Notification) event(kind EventKind, out any) error {
	kp, kn := stringPtr(string(kind))
	ep, en := stringPtr(n.EventType)
	op, on := stringPtr(n.OriginalType)
	pp, pn := bytesPtr(n.Plaintext)
	s := scratchPool.Get().(*callScratch) // for its error slot: no allocation per call
	var fields *C.wpn_buffer
	rc := C.wpn_event_decode(kp, kn, ep, en, op, on, pp, pn, C.WPN_FIELDS_JSON, &fields, &s.err)
	runtime.KeepAlive(kind)
	runtime.KeepAlive(n)
	cerr := s.err
	s.release()
	if rc != C.WPN_OK {
		return takeError(rc, cerr)
	}
	defer C.wpn_buffer_free(fields)
	var data C.wpn_slice
	C.wpn_buffer_data(fields, &data)
	// The core's JSON holds exactly the model's fields under their exact names, so
	// encoding/json (whose key matching ignores case) reads only what the core checked.
	return decodeResource(cBytes(unsafe.Pointer(data.data), data.len), out)
}
