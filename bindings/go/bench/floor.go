package main

// The floor of the comparison: the work of the binding's Parse + Transaction() done by bare C
// ABI calls from Go, with nothing of the binding's own (no pool, no lock, no header order, no
// typed model): pack the headers, wpn_verifier_parse with the envelope, copy the envelope's
// strings and plaintext into one Go buffer, wpn_notification_free, wpn_event_decode asking for
// the field tree, wpn_buffer_data, copy the tree into Go memory, wpn_buffer_free. That is what
// the binding copies out of C; what the binding does beyond it (reading the tree into a
// *Transaction, ordering header names, pooling) is its overhead over the floor.
//
// The preamble only includes the header: every C function is the library's.

/*
#include "wechatpay_notify.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"unsafe"
)

// floor is a C verifier built by bare C ABI calls, with the Go memory of its calls. It is for
// one goroutine at a time.
type floor struct {
	ptr  *C.wpn_verifier
	buf  []byte     // the headers' names and values, back to back
	lens []C.size_t // 2 lengths per header
	out  *floorOut  // what C writes: Go memory that holds no Go pointer
}

// floorOut holds the out-parameters of the floor's C calls.
type floorOut struct {
	n      *C.wpn_notification
	env    C.wpn_envelope
	err    *C.wpn_error
	fields *C.wpn_buffer
	data   C.wpn_slice
}

// floorResult is what the floor copies out of C: the envelope's strings (ID, CreateTime,
// EventType, ResourceType, Summary, OriginalType, Serial, MchID, in that order) and plaintext
// in one buffer, and the payment's field tree.
type floorResult struct {
	strs      [8]string
	kind      string
	plaintext []byte
	tree      []byte
}

// newFloor builds a C verifier for one APIv3 key and one public key.
func newFloor(apiv3Key, keyID, publicKeyPEM string) (*floor, error) {
	var b *C.wpn_verifier_builder
	var cerr *C.wpn_error
	if rc := C.wpn_verifier_builder_new(&b, &cerr); rc != C.WPN_OK {
		return nil, floorError(rc, cerr)
	}
	defer C.wpn_verifier_builder_free(b)
	kp, kn := strPtr(apiv3Key)
	if rc := C.wpn_verifier_builder_apiv3_key(b, kp, kn, &cerr); rc != C.WPN_OK {
		return nil, floorError(rc, cerr)
	}
	ip, in := strPtr(keyID)
	pp, pn := strPtr(publicKeyPEM)
	if rc := C.wpn_verifier_builder_public_key(b, ip, in, pp, pn, &cerr); rc != C.WPN_OK {
		return nil, floorError(rc, cerr)
	}
	runtime.KeepAlive(apiv3Key)
	runtime.KeepAlive(keyID)
	runtime.KeepAlive(publicKeyPEM)
	var v *C.wpn_verifier
	if rc := C.wpn_verifier_builder_build(b, &v, &cerr); rc != C.WPN_OK {
		return nil, floorError(rc, cerr)
	}
	return &floor{ptr: v, buf: make([]byte, 0, 1024), lens: make([]C.size_t, 0, 32), out: new(floorOut)}, nil
}

// close frees the C verifier.
func (f *floor) close() {
	C.wpn_verifier_free(f.ptr)
	f.ptr = nil
}

// transactionKind is the catalog kind of a direct payment.
const transactionKind = "transaction"

// parseTransaction is the floor's Parse + Transaction(), at the system clock.
func (f *floor) parseTransaction(h http.Header, body []byte) (floorResult, error) {
	f.buf, f.lens = f.buf[:0], f.lens[:0]
	for name, values := range h { // every header, in the map's order
		for _, v := range values {
			f.buf = append(append(f.buf, name...), v...)
			f.lens = append(f.lens, C.size_t(len(name)), C.size_t(len(v)))
		}
	}
	var lens *C.size_t
	if len(f.lens) > 0 {
		lens = &f.lens[0]
	}
	hp, hn := bytesPtr(f.buf)
	bp, bn := bytesPtr(body)
	o := f.out
	rc := C.wpn_verifier_parse(f.ptr, hp, hn, lens, C.size_t(len(f.lens)/2), bp, bn,
		C.WPN_SYSTEM_CLOCK, &o.n, &o.env, &o.err)
	runtime.KeepAlive(body)
	if rc != C.WPN_OK {
		err := floorError(rc, o.err)
		o.err = nil
		return floorResult{}, err
	}
	var r floorResult
	e := &o.env
	views := [...]C.wpn_str{e.id, e.create_time, e.event_type, e.resource_type, e.summary,
		e.original_type, e.serial, e.mchid, e.plaintext}
	total := 0
	for _, v := range views {
		total += int(v.len)
	}
	buf := make([]byte, total)
	off := 0
	for i, v := range views[:len(views)-1] {
		n := copy(buf[off:], cView(unsafe.Pointer(v.data), v.len))
		r.strs[i] = unsafe.String(unsafe.SliceData(buf[off:]), n)
		off += n
	}
	copy(buf[off:], cView(unsafe.Pointer(e.plaintext.data), e.plaintext.len))
	r.plaintext = buf[off:]
	if string(cView(unsafe.Pointer(e.kind.data), e.kind.len)) == transactionKind {
		r.kind = transactionKind // a static string in C: no copy, as the binding
	}
	o.env = C.wpn_envelope{}
	C.wpn_notification_free(o.n)
	o.n = nil

	kp, kn := strPtr(transactionKind)
	ep, en := strPtr(r.strs[2])
	tp, tn := strPtr(r.kind)
	pp, pn := bytesPtr(r.plaintext)
	rc = C.wpn_event_decode(kp, kn, tp, tn, ep, en, pp, pn, C.WPN_FIELDS_TREE, &o.fields, &o.err)
	runtime.KeepAlive(buf)
	if rc != C.WPN_OK {
		err := floorError(rc, o.err)
		o.err = nil
		return floorResult{}, err
	}
	C.wpn_buffer_data(o.fields, &o.data)
	src := cView(unsafe.Pointer(o.data.data), o.data.len)
	r.tree = make([]byte, len(src))
	copy(r.tree, src)
	o.data = C.wpn_slice{}
	C.wpn_buffer_free(o.fields)
	o.fields = nil
	return r, nil
}

// floorError turns a C error into a Go error and frees it.
func floorError(rc C.wpn_result, e *C.wpn_error) error {
	name := C.GoString(C.wpn_error_code_name(C.uint32_t(rc)))
	if e == nil {
		return errors.New(name)
	}
	var m C.wpn_str
	C.wpn_error_message(e, &m)
	msg := string(cView(unsafe.Pointer(m.data), m.len))
	C.wpn_error_free(e)
	return fmt.Errorf("%s: %s", name, msg)
}

// bytesPtr is a C view of b (NULL when empty).
func bytesPtr(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b))
}

// strPtr is a C view of s (NULL when empty).
func strPtr(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// cView is n bytes of C memory at p, for copying.
func cView(p unsafe.Pointer, n C.size_t) []byte {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(p), int(n))
}
