package wechatpaynotify

// The boundary with the C ABI (include/wechatpay_notify.h; its conventions are in
// docs/c-abi.md). Rules followed everywhere:
//
//   - The cgo preambles of this package hold #include lines (and #cgo directives) only: every
//     C function called is one of the library's, called directly from Go.
//   - Go memory is passed to C only for the duration of a call, and never memory holding a Go
//     pointer (the cgo pointer rules): byte slices and strings go by pointer and length;
//     headers go as the library takes them, their names and values back to back in one Go
//     byte buffer and their lengths in a Go []C.size_t; out-parameters (the envelope, handles)
//     are fields of a pooled Go struct that C writes C pointers into. The library keeps no
//     pointer to Go memory.
//   - Everything C returns is copied into Go memory before the C handle is freed, and the C
//     pointers left in the pooled struct are cleared, so no Go value refers to C memory and no
//     C handle outlives the call, except the verifiers, which are freed by Close or their
//     finalizer.
//   - Result codes are matched by name (wpn_error_code_name, wpn_error_code_from_name), never
//     by number.
//   - runtime.KeepAlive follows every C call that uses a Go-owned handle.

/*
#include "wechatpay_notify.h"
*/
import "C"

import (
	"fmt"
	"net/http"
	"net/textproto"
	"runtime"
	"slices"
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

// codeTable is the library's view of every code this package knows, looked up by name.
type codeTable struct {
	raw    map[Code]C.uint32_t // name -> the library's wpn_result value
	code   map[C.uint32_t]Code // the reverse
	family map[Code]Family     // name -> the library's family
}

// codes is built once, from the names of every code of the header (allCodes, codes_gen.go):
// each is looked up with wpn_error_code_from_name and classified with wpn_error_code_family.
// No code number is assumed.
var codes = sync.OnceValue(func() *codeTable {
	names := allCodes
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
	err := copyError(rc, e)
	if e != nil {
		C.wpn_error_free(e)
	}
	return err
}

// copyError converts a C error (which may be NULL) with its result code into an *Error,
// copying its message; the C error is left as it is (a borrowed one is not the caller's to
// free).
func copyError(rc C.wpn_result, e *C.wpn_error) *Error {
	msg := ""
	if e != nil {
		var m C.wpn_str
		C.wpn_error_message(e, &m)
		msg = goString(m)
	}
	return &Error{Code: codeOf(rc), Message: msg}
}

// The time argument of the verifier calls: Unix seconds, or systemClock.
type cTime = C.int64_t

// systemClock is the time argument that makes the library read the system clock, as the Rust
// core does.
const systemClock cTime = C.WPN_SYSTEM_CLOCK

// clockArg is the time argument for a clock: systemClock for nil (the library reads the
// clock), else now's Unix seconds.
func clockArg(now func() time.Time) cTime {
	if now == nil {
		return systemClock
	}
	return cTime(now().Unix())
}

// callScratch is the Go memory of one C call, pooled and reused across calls: the request's
// headers laid out as the library takes them, and the out-parameters the library writes. The
// fields passed to C hold no Go pointer: bytes, lengths, and C pointers, which are cleared
// once what they point to is copied and freed, so a pooled scratch holds none.
type callScratch struct {
	buf   []byte      // the names and values of the headers, back to back
	lens  []C.size_t  // each header's name length, then its value length
	names []headerKey // the header names, in the order fill passes them

	env    C.wpn_envelope      // wpn_verifier_parse's envelope (and a diagnosis's notification's)
	n      *C.wpn_notification // wpn_verifier_parse's notification
	err    *C.wpn_error        // the error of any call
	fields *C.wpn_buffer       // wpn_event_decode's field tree
	data   C.wpn_slice         // the bytes of fields
	diag   *C.wpn_diagnosis    // wpn_verifier_diagnose's or wpn_v2_verifier_diagnose's diagnosis
	check  C.wpn_check         // one check of diag (wpn_diagnosis_get)
	hint   C.wpn_str           // one hint of diag (wpn_diagnosis_hint)
}

// headerKey is a header name and whether it is in canonical form (as net/http writes it and
// h.Get reads it).
type headerKey struct {
	name      string
	canonical bool
}

// scratchPool holds the callScratch of the C calls, one per P in practice.
var scratchPool = sync.Pool{New: func() any {
	return &callScratch{buf: make([]byte, 0, 1024), lens: make([]C.size_t, 0, 32), names: make([]headerKey, 0, 16)}
}}

// fill lays out every header of h as the library takes them (docs/c-abi.md, "Inputs"): every
// value of each name, in order, copied into buf, with the lengths in lens. Which names the
// library reads, how their case compares and which of a repeated name counts (the first) is
// the core's rule, not this package's; as http.Header is a map, fill only gives its names a
// defined order: a name in canonical form (the one net/http writes and h.Get reads) first,
// then the others, each group in byte order. It returns the header arguments of the verifier
// calls (nil pointers when there is no header).
func (s *callScratch) fill(h http.Header) (headers *C.uint8_t, headersLen C.size_t, lens *C.size_t, count C.size_t) {
	s.buf, s.lens, s.names = s.buf[:0], s.lens[:0], s.names[:0]
	for name := range h {
		s.names = append(s.names, headerKey{name, textproto.CanonicalMIMEHeaderKey(name) == name})
	}
	if len(s.names) > 1 {
		slices.SortFunc(s.names, headerOrder)
	}
	for _, k := range s.names {
		for _, value := range h[k.name] {
			s.buf = append(append(s.buf, k.name...), value...)
			s.lens = append(s.lens, C.size_t(len(k.name)), C.size_t(len(value)))
		}
	}
	headers, headersLen = bytesPtr(s.buf)
	if len(s.lens) > 0 {
		lens, count = &s.lens[0], C.size_t(len(s.lens)/2)
	}
	return headers, headersLen, lens, count
}

// headerOrder orders header names for fill: canonical names first, then byte order.
func headerOrder(a, b headerKey) int {
	if a.canonical != b.canonical {
		if a.canonical {
			return -1
		}
		return 1
	}
	return strings.Compare(a.name, b.name)
}

// release clears the scratch's strings and puts it back in the pool, unless its buffers grew
// unusually large.
func (s *callScratch) release() {
	clear(s.names) // no reference to the caller's header names
	clear(s.buf)   // nor a copy of the request's header values (cookies, tokens) left in the pool
	if cap(s.buf) > 64<<10 || cap(s.lens) > 2048 {
		return
	}
	scratchPool.Put(s)
}

// operation is one of the verifier's calls.
type operation int

const (
	opParse          operation = iota // wpn_verifier_parse
	opVerify                          // wpn_verifier_verify
	opVerifyResponse                  // wpn_verifier_verify_response
)

// check runs one verifier operation at now (Unix seconds, or systemClock) on the headers of h
// and body. For a successful parse it returns the notification, copied into Go memory: one C
// call to parse and fill the envelope, one to free the notification.
func check(v *C.wpn_verifier, op operation, h http.Header, body []byte, now cTime) (*Notification, error) {
	s := scratchPool.Get().(*callScratch)
	hp, hn, lp, count := s.fill(h)
	bp, bn := bytesPtr(body)
	var rc C.wpn_result
	switch op {
	case opParse:
		rc = C.wpn_verifier_parse(v, hp, hn, lp, count, bp, bn, now, &s.n, &s.env, &s.err)
	case opVerify:
		rc = C.wpn_verifier_verify(v, hp, hn, lp, count, bp, bn, now, &s.err)
	default:
		rc = C.wpn_verifier_verify_response(v, hp, hn, lp, count, bp, bn, now, &s.err)
	}
	runtime.KeepAlive(body)
	var n *Notification
	var err error
	switch {
	case rc != C.WPN_OK:
		err = takeError(rc, s.err)
		s.err = nil
	case op == opParse:
		n = copyNotification(&s.env)
		s.env = C.wpn_envelope{}
		C.wpn_notification_free(s.n)
		s.n = nil
	}
	s.release()
	return n, err
}

// diagnose runs every check of docs/protocol.md (wpn_verifier_diagnose) at now on the headers of
// h, laid out by fill as for check, and body, and returns the diagnosis copied into Go memory.
// The C diagnosis is freed before it returns. An error means a misuse of the C ABI (which this
// package never makes) or a diagnosis this package cannot read: a refused callback is a
// diagnosis whose Err is set.
func diagnose(v *C.wpn_verifier, h http.Header, body []byte, now cTime) (*Diagnosis, error) {
	s := scratchPool.Get().(*callScratch)
	hp, hn, lp, count := s.fill(h)
	bp, bn := bytesPtr(body)
	rc := C.wpn_verifier_diagnose(v, hp, hn, lp, count, bp, bn, now, &s.diag, &s.err)
	runtime.KeepAlive(body)
	d, err := s.takeDiagnosis(rc, protocolV3)
	s.release()
	return d, err
}

// diagnoseV2 runs every check of docs/apiv2.md (wpn_v2_verifier_diagnose) on an APIv2 body,
// as diagnose does for APIv3.
func diagnoseV2(v *C.wpn_v2_verifier, xml []byte) (*Diagnosis, error) {
	s := scratchPool.Get().(*callScratch)
	p, n := bytesPtr(xml)
	rc := C.wpn_v2_verifier_diagnose(v, p, n, &s.diag, &s.err)
	runtime.KeepAlive(xml)
	d, err := s.takeDiagnosis(rc, protocolV2)
	s.release()
	return d, err
}

// takeDiagnosis takes the result of a diagnose call: the error of a failed call, or the
// diagnosis in s.diag copied into Go memory (checks, hints, and the verdict's notification or
// error, both borrowed from the diagnosis), after which the C diagnosis is freed and every C
// pointer left in s is cleared.
func (s *callScratch) takeDiagnosis(rc C.wpn_result, protocol string) (*Diagnosis, error) {
	if rc != C.WPN_OK {
		err := takeError(rc, s.err)
		s.err = nil
		return nil, err
	}
	defer func() {
		s.check, s.hint, s.env = C.wpn_check{}, C.wpn_str{}, C.wpn_envelope{}
		C.wpn_diagnosis_free(s.diag)
		s.diag = nil
	}()
	d := s.diag
	if d == nil {
		return nil, internalError("the diagnose call succeeded without a diagnosis")
	}
	out := &Diagnosis{protocol: protocol}
	if n := int(C.wpn_diagnosis_len(d)); n > 0 {
		out.Checks = make([]Check, n)
	}
	for i := range out.Checks {
		if !bool(C.wpn_diagnosis_get(d, C.size_t(i), &s.check)) {
			return nil, internalError(fmt.Sprintf("wpn_diagnosis_get(%d) of %d checks failed", i, len(out.Checks)))
		}
		c := &out.Checks[i]
		c.Step = int(s.check.step)
		c.Name = goString(s.check.name)
		c.Message = goString(s.check.message)
		switch s.check.status {
		case C.WPN_CHECK_PASSED:
			c.Status = Passed
		case C.WPN_CHECK_FAILED:
			c.Status = Failed
			c.Code = codeOf(s.check.code)
		case C.WPN_CHECK_SKIPPED:
			c.Status = Skipped
		default:
			return nil, internalError(fmt.Sprintf("step %d has the unknown status %d", c.Step, s.check.status))
		}
	}
	if n := int(C.wpn_diagnosis_hint_count(d)); n > 0 {
		out.Hints = make([]string, n)
	}
	for i := range out.Hints {
		if !bool(C.wpn_diagnosis_hint(d, C.size_t(i), &s.hint)) {
			return nil, internalError(fmt.Sprintf("wpn_diagnosis_hint(%d) of %d hints failed", i, len(out.Hints)))
		}
		out.Hints[i] = goString(s.hint)
	}
	if verdict := C.wpn_diagnosis_verdict(d); verdict != C.WPN_OK {
		out.Err = copyError(verdict, C.wpn_diagnosis_error(d)) // borrowed: freed with d
	} else if n := C.wpn_diagnosis_notification(d); n != nil { // borrowed: freed with d
		if !bool(C.wpn_notification_envelope(n, &s.env)) {
			return nil, internalError("wpn_notification_envelope failed")
		}
		out.Notification = copyNotification(&s.env)
	} else if protocol == protocolV3 {
		return nil, internalError("an accepted APIv3 diagnosis without a notification")
	}
	return out, nil
}

// internalError is the CodePanic *Error (FamilyInternal) of a diagnosis that breaks a rule of
// the C ABI.
func internalError(what string) error {
	return &Error{Code: CodePanic, Message: "internal error: " + what +
		"; this is a bug of wechatpay-notify, please report it"}
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

// event is the check behind every typed accessor (events.go). The core checks, from the
// notification's kind (decided once, at parse), event_type and plaintext, whether it is of kind
// and decodes as that kind's model (wpn_event_decode): UNEXPECTED_EVENT for another kind, MALFORMED_RESOURCE
// naming the field for a missing required field or a wrong JSON type. On success the core
// gives the model's fields as a value tree (docs/c-abi.md, "Event field trees"; read with
// wpn_buffer_data), copied into one Go buffer: the returned reader, from which the accessor's
// model reads itself (its generated readTree; its strings share that buffer). A tree this
// package cannot read is a CodePanic *Error, from the reader's end.
func (n *Notification) event(kind EventKind) (treeReader, error) {
	if n.Kind == "" {
		return treeReader{}, &Error{Code: CodeUnexpectedEvent, Message: "this Notification has no Kind: " +
			"the typed accessors use the kind Parse decided, so copy Kind along with the other fields " +
			"when you build a Notification yourself"}
	}
	kp, kn := stringPtr(string(kind))
	ak, an := stringPtr(string(n.Kind))
	ep, en := stringPtr(n.EventType)
	pp, pn := bytesPtr(n.Plaintext)
	s := scratchPool.Get().(*callScratch)
	rc := C.wpn_event_decode(kp, kn, ak, an, ep, en, pp, pn, C.WPN_FIELDS_TREE, &s.fields, &s.err)
	runtime.KeepAlive(n)
	if rc != C.WPN_OK {
		err := takeError(rc, s.err)
		s.err = nil
		s.release()
		return treeReader{}, err
	}
	C.wpn_buffer_data(s.fields, &s.data)
	src := cBytes(unsafe.Pointer(s.data.data), s.data.len)
	tree := make([]byte, len(src))
	copy(tree, src) // with the make above: one allocation, not cleared first
	s.data = C.wpn_slice{}
	C.wpn_buffer_free(s.fields)
	s.fields = nil
	s.release()
	return newTreeReader(tree, kind), nil
}
