package wechatpaynotify

import "errors"

// Code is the stable reason a callback or a configuration was refused: the code's name, the
// same string in every language of wechatpay-notify (Rust, C, Python, Go, Java) and in the
// conformance vectors (docs/errors.md). Codes are exchanged with the C library by this name,
// never by number.
type Code string

// The Code constants, one per result code of the C header (enum wpn_result but WPN_OK), the
// list Codes and one sentinel error per exported code are generated from the header into
// codes_gen.go, with each constant's doc comment taken from the header's comment for that
// code. The families are read from the library when the package first needs them.
//
//go:generate go run ./internal/gencodes -header ../../include/wechatpay_notify.h -o codes_gen.go

// Family groups codes by what went wrong; see [Code.Family].
type Family string

// The families of codes.
const (
	// FamilyAuthenticity: signature, serial, timestamp or header problems; the sender is not
	// proven to be WeChat Pay. The reply is HTTP 401.
	FamilyAuthenticity Family = "AUTHENTICITY"
	// FamilyDecryption: the resource could not be decrypted or decoded.
	FamilyDecryption Family = "DECRYPTION"
	// FamilyFormat: the body or its envelope is not what WeChat Pay sends (size, format,
	// fields), or a typed accessor was asked for another kind (CodeUnexpectedEvent).
	FamilyFormat Family = "FORMAT"
	// FamilyConfig: the verifier's configuration is invalid.
	FamilyConfig Family = "CONFIG"
	// FamilyInternal: an internal error of the library (CodePanic), a misuse of its C ABI, or
	// a code the library does not know.
	FamilyInternal Family = "INTERNAL"
)

// Family is the group of the code, as classified by the Rust core (looked up by the code's
// name; FamilyInternal for a name the library does not know).
func (c Code) Family() Family { return codeFamily(c) }

// IsAuthenticity reports whether the code means "this request is not proven to come from
// WeChat Pay" (the reply for these is HTTP 401).
func (c Code) IsAuthenticity() bool { return c.Family() == FamilyAuthenticity }

// String returns the code's stable string, e.g. "SIGNATURE_MISMATCH".
func (c Code) String() string { return string(c) }

// Error is a refused callback or configuration: a stable [Code] and a message that says what
// went wrong and what to do. Messages are safe to log: they never contain a key, the request or
// decrypted plaintext.
//
// Match it with errors.Is against a sentinel ([ErrSignatureMismatch]...) or a family
// ([ErrAuthenticity]...), or get it with errors.As:
//
//	var e *wechatpaynotify.Error
//	if errors.As(err, &e) && e.Code == wechatpaynotify.CodeTimestampSkew { ... }
type Error struct {
	// Code is the stable reason.
	Code Code
	// Message is the detailed, log-safe explanation.
	Message string
}

// Error returns "CODE: message".
func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Message
}

// Is reports whether target is the sentinel of this error's code or of its family, so that
// errors.Is(err, ErrSignatureMismatch) and errors.Is(err, ErrAuthenticity) work.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case *Error:
		return t.Message == "" && t.Code == e.Code
	case *familyError:
		return t.family == e.Code.Family()
	}
	return false
}

// HTTPStatus is the status of the APIv3 reply for this error (docs/replies.md): 401 for an
// authenticity failure, 500 otherwise.
func (e *Error) HTTPStatus() int { return failureStatus(e.Code) }

// familyError is the sentinel of a family of codes.
type familyError struct {
	family Family
}

// Error names the family.
func (f *familyError) Error() string {
	return "wechatpay-notify: " + string(f.family) + " error"
}

// Family sentinels, for errors.Is: each matches every *Error whose code is in the family.
var (
	// ErrAuthenticity matches every authenticity failure (missing headers, timestamp, serial,
	// key validity, signature): the request is not proven to come from WeChat Pay.
	ErrAuthenticity error = &familyError{FamilyAuthenticity}
	// ErrDecryption matches every failure to decrypt or decode the resource.
	ErrDecryption error = &familyError{FamilyDecryption}
	// ErrFormat matches every body or envelope format failure, and CodeUnexpectedEvent.
	ErrFormat error = &familyError{FamilyFormat}
	// ErrConfig matches every configuration error.
	ErrConfig error = &familyError{FamilyConfig}
)

// ErrClosed is returned by every method of a [Verifier] or [V2Verifier] after Close.
var ErrClosed = errors.New("wechatpay-notify: verifier is closed")

// CodeOf returns the code of err if it is (or wraps) an *Error, and "" otherwise.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
