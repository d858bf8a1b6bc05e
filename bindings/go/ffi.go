package wechatpaynotify

// The boundary with the C ABI (include/wechatpay_notify.h). Rules followed everywhere:
//
//   - Go memory is passed to C only for the duration of a call and never contains Go
//     pointers: byte slices and strings by pointer and length, headers as one flat byte
//     buffer plus a length array, which the C helpers below turn into a wpn_header array on
//     the C stack (or in C heap memory for many headers) that dies with the call.
//   - Everything C returns is copied into Go memory before the C handle is freed, so no Go
//     value refers to C memory and no C handle outlives the call, except the verifiers, which
//     are freed by Close or their finalizer.
//   - runtime.KeepAlive follows every C call that uses a Go-owned handle.

/*
#include <stdlib.h>
#include "wechatpay_notify.h"

// The fields of a notification, read with one call.
typedef struct {
	wpn_str id, create_time, event_type, resource_type, summary, original_type, serial, plaintext;
	int64_t timestamp;
} wpn_go_fields;

enum { WPN_GO_PARSE = 0, WPN_GO_VERIFY = 1, WPN_GO_VERIFY_RESPONSE = 2 };
enum { WPN_GO_STACK_HEADERS = 16 };

// Runs parse / verify / verify_response at the time `now` when `at` is non-zero, else with
// the system clock.
// Headers arrive as `count` (name, value) pairs laid out back to back in `buf`, with their
// lengths in `lens` (name0, value0, name1, value1, ...). On a successful parse the fields of
// the notification are written to *fields and the notification to *n_out.
static uint32_t wpn_go_check(const wpn_verifier *v, int op, int at, int64_t now,
		const uint8_t *buf, const size_t *lens, size_t count,
		const uint8_t *body, size_t body_len,
		wpn_notification **n_out, wpn_go_fields *fields, wpn_error **error_out) {
	wpn_header stack[WPN_GO_STACK_HEADERS];
	wpn_header *headers = stack;
	if (count > WPN_GO_STACK_HEADERS) {
		headers = malloc(count * sizeof(wpn_header));
		if (headers == NULL) {
			count = 0; // out of memory: the verifier reports MISSING_HEADER
			headers = stack;
		}
	}
	size_t off = 0;
	for (size_t i = 0; i < count; i++) {
		headers[i].name = buf + off;
		headers[i].name_len = lens[2 * i];
		off += lens[2 * i];
		headers[i].value = buf + off;
		headers[i].value_len = lens[2 * i + 1];
		off += lens[2 * i + 1];
	}
	uint32_t rc;
	switch (op) {
	case WPN_GO_PARSE:
		rc = at ? wpn_verifier_parse_at(v, headers, count, body, body_len, now, n_out, error_out)
		             : wpn_verifier_parse(v, headers, count, body, body_len, n_out, error_out);
		if (rc == WPN_OK) {
			const wpn_notification *n = *n_out;
			fields->id = wpn_notification_id(n);
			fields->create_time = wpn_notification_create_time(n);
			fields->event_type = wpn_notification_event_type(n);
			fields->resource_type = wpn_notification_resource_type(n);
			fields->summary = wpn_notification_summary(n);
			fields->original_type = wpn_notification_original_type(n);
			fields->serial = wpn_notification_serial(n);
			fields->plaintext = wpn_notification_plaintext(n);
			fields->timestamp = wpn_notification_timestamp(n);
		}
		break;
	case WPN_GO_VERIFY:
		rc = at ? wpn_verifier_verify_at(v, headers, count, body, body_len, now, error_out)
		             : wpn_verifier_verify(v, headers, count, body, body_len, error_out);
		break;
	default:
		rc = at ? wpn_verifier_verify_response_at(v, headers, count, body, body_len, now, error_out)
		             : wpn_verifier_verify_response(v, headers, count, body, body_len, error_out);
		break;
	}
	if (headers != stack) {
		free(headers);
	}
	return rc;
}
*/
import "C"

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
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

// codes maps C result values to Codes, by the names the library gives them.
var codes = sync.OnceValue(func() map[C.uint32_t]Code {
	m := make(map[C.uint32_t]Code)
	for raw := C.uint32_t(1); raw < 1024; raw++ {
		name := C.GoString(C.wpn_error_code_name(raw))
		if name == "UNKNOWN" {
			break
		}
		m[raw] = Code(name)
	}
	return m
})

// rawCode is the C result value of a code, and whether the library knows it.
func rawCode(c Code) (C.uint32_t, bool) {
	var raw C.uint32_t
	p, n := stringPtr(string(c))
	ok := bool(C.wpn_error_code_from_name(p, n, &raw))
	runtime.KeepAlive(c)
	return raw, ok && raw != C.WPN_OK
}

// families caches the core's classification of every code.
var families = sync.OnceValue(func() map[Code]Family {
	m := make(map[Code]Family)
	for raw, code := range codes() {
		switch C.wpn_error_code_family(raw) {
		case C.WPN_FAMILY_AUTHENTICITY:
			m[code] = FamilyAuthenticity
		case C.WPN_FAMILY_DECRYPTION:
			m[code] = FamilyDecryption
		case C.WPN_FAMILY_FORMAT:
			m[code] = FamilyFormat
		case C.WPN_FAMILY_CONFIG:
			m[code] = FamilyConfig
		default:
			m[code] = FamilyInternal
		}
	}
	return m
})

func codeFamily(c Code) Family {
	if f, ok := families()[c]; ok {
		return f
	}
	return FamilyInternal
}

// takeError converts a C error (which may be NULL) with its result code into an *Error and
// frees it.
func takeError(rc C.uint32_t, e *C.wpn_error) error {
	code, ok := codes()[rc]
	if !ok {
		code = Code(C.GoString(C.wpn_error_code_name(rc)))
	}
	msg := ""
	if e != nil {
		msg = goString(C.wpn_error_message(e))
		C.wpn_error_free(e)
	}
	return &Error{Code: code, Message: msg}
}

// headerScratch holds the flat header buffer handed to C, reused across calls.
type headerScratch struct {
	buf    []byte
	lens   []C.size_t
	fields C.wpn_go_fields
	n      *C.wpn_notification
	err    *C.wpn_error
}

var scratchPool = sync.Pool{New: func() any {
	return &headerScratch{buf: make([]byte, 0, 1024), lens: make([]C.size_t, 0, 16)}
}}

// wechatpayPrefix is the prefix of every header the verifier reads.
const wechatpayPrefix = "wechatpay-"

// fill lays out the Wechatpay-* headers of h (the only ones the verifier reads) in the
// scratch buffer: every value of each such header, in order. Names are passed as they are;
// the library matches them case-insensitively, the first value winning.
func (s *headerScratch) fill(h http.Header) {
	s.buf, s.lens = s.buf[:0], s.lens[:0]
	for name, values := range h {
		if len(name) < len(wechatpayPrefix) || !strings.EqualFold(name[:len(wechatpayPrefix)], wechatpayPrefix) {
			continue
		}
		for _, value := range values {
			s.buf = append(s.buf, name...)
			s.buf = append(s.buf, value...)
			s.lens = append(s.lens, C.size_t(len(name)), C.size_t(len(value)))
		}
	}
}

func (s *headerScratch) release() {
	if cap(s.buf) > 64<<10 || cap(s.lens) > 1024 {
		return // do not keep unusually large buffers alive
	}
	s.fields = C.wpn_go_fields{}
	s.n, s.err = nil, nil
	scratchPool.Put(s)
}

// Operations of wpn_go_check.
const (
	opParse          = C.WPN_GO_PARSE
	opVerify         = C.WPN_GO_VERIFY
	opVerifyResponse = C.WPN_GO_VERIFY_RESPONSE
)

// check runs one verifier operation. now is used when atTime is true (else the system
// clock). For a successful parse it returns the notification, copied into Go memory.
func check(v *C.wpn_verifier, op C.int, h http.Header, body []byte, atTime bool, now int64) (*Notification, error) {
	s := scratchPool.Get().(*headerScratch)
	defer s.release()
	s.fill(h)
	var bufp *C.uint8_t
	var lensp *C.size_t
	if len(s.buf) > 0 {
		bufp = (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(s.buf)))
	}
	if len(s.lens) > 0 {
		lensp = unsafe.SliceData(s.lens)
	}
	bodyp, bodyn := bytesPtr(body)
	at := C.int(0)
	if atTime {
		at = 1
	}
	rc := C.wpn_go_check(v, op, at, C.int64_t(now), bufp, lensp, C.size_t(len(s.lens)/2),
		bodyp, bodyn, &s.n, &s.fields, &s.err)
	runtime.KeepAlive(body)
	runtime.KeepAlive(s)
	if rc != C.WPN_OK {
		return nil, takeError(rc, s.err)
	}
	if op != opParse {
		return nil, nil
	}
	n := copyNotification(&s.fields)
	C.wpn_notification_free(s.n)
	return n, nil
}

// copyNotification copies the fields of a C notification into one Go allocation.
func copyNotification(f *C.wpn_go_fields) *Notification {
	views := [...]C.wpn_str{f.id, f.create_time, f.event_type, f.resource_type, f.summary,
		f.original_type, f.serial, f.plaintext}
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
	copy(plain, cBytes(unsafe.Pointer(f.plaintext.data), f.plaintext.len))
	return &Notification{
		ID: out[0], CreateTime: out[1], EventType: out[2], ResourceType: out[3], Summary: out[4],
		OriginalType: out[5], Serial: out[6],
		Timestamp: unixTime(int64(f.timestamp)),
		Plaintext: plain[:len(plain):len(plain)],
	}
}
