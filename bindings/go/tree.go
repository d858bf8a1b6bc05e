package wechatpaynotify

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// The value tree that wpn_event_decode gives with WPN_FIELDS_TREE (docs/c-abi.md, "Event field
// trees"): one value, each starting with a one-byte tag; counts, lengths and integers are
// little-endian. The core writes it from the typed, already-checked model, so its keys are the
// catalog's field names and its types the catalog's; the generated readTree methods of
// events.go read it with a treeReader, without reflection. The accessors call readTree
// statically (not through an interface), so that the reader stays on the stack.
const (
	tagNull   = 'n' // null (an absent optional field)
	tagTrue   = 't' // true
	tagFalse  = 'f' // false
	tagInt    = 'i' // a signed 64-bit integer: 8 bytes
	tagFloat  = 'd' // a 64-bit float: 8 bytes (not produced by the current models)
	tagString = 's' // a string: 4-byte length, then UTF-8 bytes
	tagArray  = 'a' // an array: 4-byte count, then the values
	tagObject = 'o' // an object: 4-byte count, then per member a 4-byte key length, the key, the value
)

// maxTreeDepth bounds the nesting skip follows (the models nest a few levels; the bound only
// keeps a malformed tree from recursing deeply).
const maxTreeDepth = 64

// treeReader reads one value tree held in Go memory. Strings it returns share buf's memory, so
// that every string of a model costs one allocation in all (buf, which is never written once
// the reader has it); pointers to optional scalars come from small shared chunks. Reads never
// panic: the first problem is kept in err, after which every read returns a zero value (and
// counts are zero, so loops end).
type treeReader struct {
	buf  []byte
	off  int
	kind EventKind // the kind of the resource being read, for messages
	key  string    // the key of the member being read, for messages
	err  error

	strs  []string // chunk for optional strings
	ints  []int64  // chunk for optional integers
	bools []bool   // chunk for optional booleans
}

// newTreeReader starts reading the value tree in buf (a Go copy of the library's buffer) for a
// resource of kind: the root must be an object, which the model's readTree reads, and end
// checks that nothing follows it.
func newTreeReader(buf []byte, kind EventKind) treeReader {
	r := treeReader{buf: buf, kind: kind}
	if len(buf) == 0 || buf[0] != tagObject {
		r.fail("the root is not an object")
	}
	return r
}

// end is the outcome of the read: the first problem, or bytes left after the root object.
func (r *treeReader) end() error {
	if r.err == nil && r.off != len(r.buf) {
		r.key = ""
		r.fail(fmt.Sprintf("%d bytes follow the root object", len(r.buf)-r.off))
	}
	return r.err
}

// fail keeps the first problem as an internal error (CodePanic, FamilyInternal): the library
// wrote a tree this package does not read. The message names the kind, the offset and the
// member being read when its key looks like a field name, never a value.
func (r *treeReader) fail(what string) {
	if r.err != nil {
		return
	}
	where := ""
	if fieldName(r.key) {
		where = fmt.Sprintf(", in the member %q", r.key)
	}
	r.err = &Error{Code: CodePanic, Message: fmt.Sprintf(
		"internal error: the field tree of a %s resource given by the library is malformed at byte %d%s: %s; "+
			"this is a bug of wechatpay-notify, please report it", r.kind, r.off, where, what)}
	r.off = len(r.buf) // nothing more is read
}

// fieldName reports whether key looks like a field name of the catalog (lower-case ASCII
// letters, digits and underscores), so that an error message may show it: in a malformed tree
// a "key" may be the bytes of a value.
func fieldName(key string) bool {
	if key == "" || len(key) > 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// left is the number of bytes not yet read.
func (r *treeReader) left() int { return len(r.buf) - r.off }

// u32 reads a 4-byte little-endian count or length (0 after a failure).
func (r *treeReader) u32() int {
	if r.left() < 4 {
		r.fail("truncated count or length")
		return 0
	}
	n := binary.LittleEndian.Uint32(r.buf[r.off:])
	r.off += 4
	if uint64(n) > uint64(r.left()) { // every value and key byte is in buf: a bound on any count
		r.fail(fmt.Sprintf("a count or length of %d with %d bytes left", n, r.left()))
		return 0
	}
	return int(n)
}

// peek is the tag of the next value (0 at the end of buf, or after a failure).
func (r *treeReader) peek() byte {
	if r.off >= len(r.buf) {
		return 0
	}
	return r.buf[r.off]
}

// tag reads the tag of the next value. At the end of buf it fails and returns tagNull, so that
// the caller reads a zero value.
func (r *treeReader) tag() byte {
	if r.off >= len(r.buf) {
		r.fail("truncated value")
		return tagNull
	}
	t := r.buf[r.off]
	r.off++
	return t
}

// wrongTag fails for a value of tag t where want was expected.
func (r *treeReader) wrongTag(t byte, want string) {
	r.off-- // point at the tag
	r.fail(fmt.Sprintf("expected %s, found tag %q", want, t))
}

// text reads a length and that many bytes as a string sharing buf's memory.
func (r *treeReader) text() string {
	n := r.u32()
	if n == 0 {
		return ""
	}
	s := unsafe.String(&r.buf[r.off], n)
	r.off += n
	return s
}

// null consumes a null and reports whether there was one.
func (r *treeReader) null() bool {
	if r.peek() == tagNull {
		r.off++
		return true
	}
	return false
}

// object reads the start of an object (a model) and returns its member count: 0 for null.
func (r *treeReader) object() int {
	switch t := r.tag(); t {
	case tagObject:
		return r.u32()
	case tagNull:
		return 0
	default:
		r.wrongTag(t, "an object")
		return 0
	}
}

// array reads the start of an array and returns its count: -1 for null.
func (r *treeReader) array() int {
	switch t := r.tag(); t {
	case tagArray:
		return r.u32()
	case tagNull:
		return -1
	default:
		r.wrongTag(t, "an array")
		return -1
	}
}

// member reads the key of an object's next member (a view into buf, for a switch).
func (r *treeReader) member() string {
	r.key = r.text()
	return r.key
}

// str reads a string ("" for null).
func (r *treeReader) str() string {
	switch t := r.tag(); t {
	case tagString:
		return r.text()
	case tagNull:
		return ""
	default:
		r.wrongTag(t, "a string")
		return ""
	}
}

// int64 reads an integer (0 for null).
func (r *treeReader) int64() int64 {
	switch t := r.tag(); t {
	case tagInt:
		if r.left() < 8 {
			r.fail("truncated integer")
			return 0
		}
		v := int64(binary.LittleEndian.Uint64(r.buf[r.off:]))
		r.off += 8
		return v
	case tagNull:
		return 0
	default:
		r.wrongTag(t, "an integer")
		return 0
	}
}

// bool reads a boolean (false for null).
func (r *treeReader) bool() bool {
	switch t := r.tag(); t {
	case tagTrue:
		return true
	case tagFalse, tagNull:
		return false
	default:
		r.wrongTag(t, "a boolean")
		return false
	}
}

// optStr reads an optional string: nil for null.
func (r *treeReader) optStr() *string {
	if r.null() {
		return nil
	}
	s := r.str()
	if r.err != nil {
		return nil
	}
	if len(r.strs) == cap(r.strs) {
		r.strs = make([]string, 0, 4)
	}
	r.strs = append(r.strs, s)
	return &r.strs[len(r.strs)-1]
}

// optInt64 reads an optional integer: nil for null.
func (r *treeReader) optInt64() *int64 {
	if r.null() {
		return nil
	}
	v := r.int64()
	if r.err != nil {
		return nil
	}
	if len(r.ints) == cap(r.ints) {
		r.ints = make([]int64, 0, 4)
	}
	r.ints = append(r.ints, v)
	return &r.ints[len(r.ints)-1]
}

// optBool reads an optional boolean: nil for null.
func (r *treeReader) optBool() *bool {
	if r.null() {
		return nil
	}
	v := r.bool()
	if r.err != nil {
		return nil
	}
	if len(r.bools) == cap(r.bools) {
		r.bools = make([]bool, 0, 8)
	}
	r.bools = append(r.bools, v)
	return &r.bools[len(r.bools)-1]
}

// skip reads past one value of any kind: a member the model does not know (a field of a newer
// library), kept for forward compatibility.
func (r *treeReader) skip() { r.skipDepth(0) }

// skipDepth is skip at nesting depth d.
func (r *treeReader) skipDepth(d int) {
	if d > maxTreeDepth {
		r.fail("nested too deeply")
		return
	}
	switch t := r.tag(); t {
	case tagNull, tagTrue, tagFalse:
	case tagInt, tagFloat:
		if r.left() < 8 {
			r.fail("truncated number")
			return
		}
		r.off += 8
	case tagString:
		r.off += r.u32()
	case tagArray:
		for n := r.u32(); n > 0 && r.err == nil; n-- {
			r.skipDepth(d + 1)
		}
	case tagObject:
		for n := r.u32(); n > 0 && r.err == nil; n-- {
			r.off += r.u32()
			r.skipDepth(d + 1)
		}
	default:
		r.wrongTag(t, "a value")
	}
}
