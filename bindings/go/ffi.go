package wechatpaynotify

// The boundary with the C ABI (include/wechatpay_notify.h; its conventions are in
// docs/c-abi.md). Rules followed everywhere:
//
//   - Go memory is passed to C only for the duration of a call. Byte slices and strings go by
//     pointer and length, never holding a Go pointer: headers go as their names and values
//     back to back in one Go byte buffer with their lengths in a second one, from which the
//     small C functions below lay out the wpn_header array on the C side. The library keeps no
//     pointer to Go memory.
//   - Everything C returns is copied into Go memory before the C handle is freed, so no Go
//     value refers to C memory and no C handle outlives the call, except the verifiers, which
//     are freed by Close or their finalizer.
//   - Several C calls that always go together are made as one call of a small C function of
//     this file (wpn_go_*), which returns its results by value: one cgo transition instead of
//     several, and no Go memory for C to write into (nothing escapes to the heap for it).
//   - Result codes are matched by name (wpn_error_code_name, wpn_error_code_from_name), never
//     by number.
//   - runtime.KeepAlive follows every C call that uses a Go-owned handle.

/*
#include <stdlib.h>
#include <string.h>
#include "wechatpay_notify.h"

// The outcome of wpn_go_check: the result, the error or (for a parse) the notification and its
// envelope.
typedef struct {
	wpn_result rc;
	wpn_error *err;
	wpn_notification *n;
	wpn_envelope env;
} wpn_go_checked;

// The operations of wpn_go_check.
enum { WPN_GO_PARSE = 0, WPN_GO_VERIFY = 1, WPN_GO_VERIFY_RESPONSE = 2 };

// The headers laid out on the C stack; more take one malloc.
enum { WPN_GO_STACK_HEADERS = 16 };

// Returned by wpn_go_check when malloc fails (not a wpn_result).
#define WPN_GO_NO_MEMORY 0xFFFFFFFFu

// wpn_go_check runs one verifier operation on count headers whose names and values are back
// to back in names (lens holds each name's length then its value's; an empty value is passed
// as NULL) and, for a successful parse, reads the envelope: one cgo call.
static wpn_go_checked wpn_go_check(const wpn_verifier *v, int op, const uint8_t *names,
		const size_t *lens, size_t count, const uint8_t *body, size_t body_len, int64_t now) {
	wpn_go_checked out;
	memset(&out, 0, sizeof out);
	wpn_header stack[WPN_GO_STACK_HEADERS];
	wpn_header *h = NULL;
	if (count > WPN_GO_STACK_HEADERS) {
		h = malloc(count * sizeof *h);
		if (h == NULL) {
			out.rc = WPN_GO_NO_MEMORY;
			return out;
		}
	} else if (count > 0) {
		h = stack;
	}
	const uint8_t *p = names;
	for (size_t i = 0; i < count; i++) {
		h[i].name = p;
		h[i].name_len = lens[2 * i];
		p += lens[2 * i];
		h[i].value = lens[2 * i + 1] > 0 ? p : NULL;
		h[i].value_len = lens[2 * i + 1];
		p += lens[2 * i + 1];
	}
	switch (op) {
	case WPN_GO_PARSE:
		out.rc = wpn_verifier_parse(v, h, count, body, body_len, now, &out.n, &out.err);
		if (out.rc == WPN_OK) {
			wpn_notification_envelope(out.n, &out.env);
		}
		break;
	case WPN_GO_VERIFY:
		out.rc = wpn_verifier_verify(v, h, count, body, body_len, now, &out.err);
		break;
	default:
		out.rc = wpn_verifier_verify_response(v, h, count, body, body_len, now, &out.err);
	}
	if (h != stack) {
		free(h);
	}
	return out;
}

// The outcome of wpn_go_event_decode: the result, the error or the field tree.
typedef struct {
	wpn_result rc;
	wpn_error *err;
	wpn_buffer *fields;
	wpn_slice data;
} wpn_go_decoded;

// wpn_go_event_decode is wpn_event_decode asking for the value tree, and the tree's bytes:
// one cgo call.
static wpn_go_decoded wpn_go_event_decode(const uint8_t *kind, size_t kind_len,
		const uint8_t *event_type, size_t event_type_len, const uint8_t *original_type,
		size_t original_type_len, const uint8_t *plaintext, size_t plaintext_len) {
	wpn_go_decoded out;
	memset(&out, 0, sizeof out);
	out.rc = wpn_event_decode(kind, kind_len, event_type, event_type_len, original_type,
		original_type_len, plaintext, plaintext_len, WPN_FIELDS_TREE, &out.fields, &out.err);
	if (out.rc == WPN_OK) {
		wpn_buffer_data(out.fields, &out.data);
	}
	return out;
}
*/
import "C"

import (
	"net/http"
	"net/textproto"
	"runtime"
	"slices"
	"strconv"
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

// callScratch is the Go memory of one verifier call's headers, pooled and reused across calls.
// It holds bytes and lengths only, no pointer: wpn_go_check points into it on the C side, for
// the duration of the call.
type callScratch struct {
	buf   []byte     // the names and values of the headers, back to back
	lens  []C.size_t // each header's name length, then its value length
	names []string   // the Wechatpay-* header names, in the order fill passes them
	calls uint32     // calls made with this scratch (see yieldEvery)
}

// yieldEvery is how many verifier calls a goroutine makes between two passes through the
// scheduler (runtime.Gosched), counted per scratch (and so about per P, as sync.Pool keeps one
// per P). A call spends most of its time in C, where the runtime sees the goroutine as in a
// system call. A goroutine that loops over such calls without ever being rescheduled (a batch,
// a benchmark) is found by sysmon on the same scheduling tick after 10 ms and has its P handed
// to another thread while it is in C; this repeats every 10 ms and keeps sysmon polling every
// 20 µs. Two such goroutines on two cores then did about 3% less work per CPU second than one,
// and 7% fewer calls per second than with a yield every 64 calls (1.7 ms at 27 µs a call,
// under 10 ms up to 150 µs a call), which costs one Gosched per 64 calls. A server goroutine
// passes through the scheduler anyway, each time it waits for a request.
const yieldEvery = 64

// scratchPool holds the callScratch of the verifier calls, one per P in practice.
var scratchPool = sync.Pool{New: func() any {
	return &callScratch{buf: make([]byte, 0, 512), lens: make([]C.size_t, 0, 16), names: make([]string, 0, 8)}
}}

// wechatpayPrefix is the prefix of every header the verifier reads.
const wechatpayPrefix = "wechatpay-"

// fill lays out the Wechatpay-* headers of h (the only ones the verifier reads): every value
// of each such header, in order, copied into buf, with the lengths in lens. Names are passed as
// they are; the library matches them case-insensitively, the first value winning, so the
// names go in a defined order, not the map's: a name in canonical form (the one net/http
// writes and h.Get reads) first, then the others in byte order. It returns the arguments of
// wpn_go_check (nil pointers when there is no such header).
func (s *callScratch) fill(h http.Header) (*C.uint8_t, *C.size_t, C.size_t) {
	s.buf, s.lens, s.names = s.buf[:0], s.lens[:0], s.names[:0]
	for name := range h {
		if len(name) < len(wechatpayPrefix) || name[0]|0x20 != 'w' ||
			!strings.EqualFold(name[:len(wechatpayPrefix)], wechatpayPrefix) {
			continue
		}
		s.names = append(s.names, name)
	}
	if len(s.names) > 1 {
		slices.SortFunc(s.names, headerOrder)
	}
	for _, name := range s.names {
		for _, value := range h[name] {
			s.buf = append(append(s.buf, name...), value...)
			s.lens = append(s.lens, C.size_t(len(name)), C.size_t(len(value)))
		}
	}
	if len(s.lens) == 0 {
		return nil, nil, 0
	}
	p, _ := bytesPtr(s.buf)
	return p, &s.lens[0], C.size_t(len(s.lens) / 2)
}

// headerOrder orders header names for fill: canonical names first, then byte order.
func headerOrder(a, b string) int {
	ca, cb := a == textproto.CanonicalMIMEHeaderKey(a), b == textproto.CanonicalMIMEHeaderKey(b)
	if ca != cb {
		if ca {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// release puts s back in the pool, unless its buffers grew unusually large.
func (s *callScratch) release() {
	if cap(s.buf) > 64<<10 || cap(s.lens) > 2048 {
		return
	}
	scratchPool.Put(s)
}

// operation is one of the verifier's calls, as wpn_go_check numbers them.
type operation C.int

const (
	opParse          operation = C.WPN_GO_PARSE           // wpn_verifier_parse
	opVerify         operation = C.WPN_GO_VERIFY          // wpn_verifier_verify
	opVerifyResponse operation = C.WPN_GO_VERIFY_RESPONSE // wpn_verifier_verify_response
)

// errNoMemory is what a call returns when wpn_go_check cannot allocate its header array.
func errNoMemory(count C.size_t) error {
	return &Error{Code: CodePanic, Message: "internal error: out of memory laying out " +
		strconv.FormatUint(uint64(count), 10) + " headers"}
}

// check runs one verifier operation at now (Unix seconds, or systemClock). For a successful
// parse it returns the notification, copied into Go memory: one C call to parse and read the
// envelope, one to free the notification.
func check(v *C.wpn_verifier, op operation, h http.Header, body []byte, now cTime) (*Notification, error) {
	s := scratchPool.Get().(*callScratch)
	names, lens, count := s.fill(h)
	bp, bn := bytesPtr(body)
	out := C.wpn_go_check(v, C.int(op), names, lens, count, bp, bn, now)
	runtime.KeepAlive(body)
	s.calls++
	if s.calls%yieldEvery == 0 {
		defer runtime.Gosched() // once the notification is copied and freed
	}
	s.release()
	switch {
	case out.rc == C.WPN_GO_NO_MEMORY:
		return nil, errNoMemory(count)
	case out.rc != C.WPN_OK:
		return nil, takeError(out.rc, out.err)
	case op != opParse:
		return nil, nil
	}
	n := copyNotification(&out.env)
	C.wpn_notification_free(out.n)
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
// gives the model's fields as a value tree (docs/c-abi.md, "Event field trees"), copied into
// one Go buffer: the returned reader, from which the accessor's model reads itself (its
// generated readTree; its strings share that buffer). A tree this package cannot read is a
// CodePanic *Error, from the reader's end.
func (n *Notification) event(kind EventKind) (treeReader, error) {
	kp, kn := stringPtr(string(kind))
	ep, en := stringPtr(n.EventType)
	op, on := stringPtr(n.OriginalType)
	pp, pn := bytesPtr(n.Plaintext)
	d := C.wpn_go_event_decode(kp, kn, ep, en, op, on, pp, pn)
	runtime.KeepAlive(n)
	if d.rc != C.WPN_OK {
		return treeReader{}, takeError(d.rc, d.err)
	}
	src := cBytes(unsafe.Pointer(d.data.data), d.data.len)
	tree := make([]byte, len(src))
	copy(tree, src) // with the make above: one allocation, not cleared first
	C.wpn_buffer_free(d.fields)
	return newTreeReader(tree, kind), nil
}
