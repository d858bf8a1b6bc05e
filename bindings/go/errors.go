package wechatpaynotify

import "errors"

// Code is the stable reason a callback or a configuration was refused: the code's name, the
// same string in every language of wechatpay-notify (Rust, C, Python, Go, Java) and in the
// conformance vectors (docs/errors.md). Codes are exchanged with the C library by this name,
// never by number.
type Code string

// The error codes, in the order of the checks that produce them.
const (
	// CodeBodyTooLarge: the body is larger than Config.MaxBodySize.
	CodeBodyTooLarge Code = "BODY_TOO_LARGE"
	// CodeWrongFormat: the body is in the wrong format for this handler (APIv2 XML sent to an
	// APIv3 handler, or APIv3 JSON sent to an APIv2 one).
	CodeWrongFormat Code = "WRONG_FORMAT"
	// CodeMissingHeader: a required Wechatpay-* header is missing or empty.
	CodeMissingHeader Code = "MISSING_HEADER"
	// CodeUnsupportedSignatureType: Wechatpay-Signature-Type (or APIv2 sign_type) names a
	// scheme this library does not verify.
	CodeUnsupportedSignatureType Code = "UNSUPPORTED_SIGNATURE_TYPE"
	// CodeBadTimestamp: Wechatpay-Timestamp is not a decimal number of seconds.
	CodeBadTimestamp Code = "BAD_TIMESTAMP"
	// CodeTimestampSkew: the timestamp is outside Config.MaxClockSkew (a replay, or a wrong
	// clock).
	CodeTimestampSkew Code = "TIMESTAMP_SKEW"
	// CodeSignatureProbe: the signature is WeChat Pay's WECHATPAY/SIGNTEST/ probe, which a
	// merchant must reject.
	CodeSignatureProbe Code = "SIGNATURE_PROBE"
	// CodeUnknownSerial: no configured key matches Wechatpay-Serial.
	CodeUnknownSerial Code = "UNKNOWN_SERIAL"
	// CodeKeyExpired: the certificate of that serial is outside its validity period.
	CodeKeyExpired Code = "KEY_EXPIRED"
	// CodeMalformedSignature: the signature is not base64, or has the wrong length for the key.
	CodeMalformedSignature Code = "MALFORMED_SIGNATURE"
	// CodeSignatureMismatch: the signature does not match: a forged, altered or re-serialized
	// body.
	CodeSignatureMismatch Code = "SIGNATURE_MISMATCH"
	// CodeMalformedBody: the body is not the expected JSON (APIv3) or flat XML (APIv2).
	CodeMalformedBody Code = "MALFORMED_BODY"
	// CodeMissingField: a required field of an APIv2 notification is missing.
	CodeMissingField Code = "MISSING_FIELD"
	// CodeReturnFail: an APIv2 notification whose return_code is not SUCCESS.
	CodeReturnFail Code = "RETURN_FAIL"
	// CodeUnsupportedAlgorithm: resource.algorithm is not AEAD_AES_256_GCM.
	CodeUnsupportedAlgorithm Code = "UNSUPPORTED_ALGORITHM"
	// CodeMalformedResource: the encrypted resource is malformed, or its plaintext is not
	// JSON, or does not match the type given to [Notification.Decode].
	CodeMalformedResource Code = "MALFORMED_RESOURCE"
	// CodeDecryptFailed: decryption failed: a wrong APIv3 (or APIv2) key, or an altered
	// ciphertext, nonce or associated data.
	CodeDecryptFailed Code = "DECRYPT_FAILED"
	// CodeConfigInvalid: the verifier's configuration is invalid (key length, unreadable PEM,
	// weak key, no key...).
	CodeConfigInvalid Code = "CONFIG_INVALID"
	// CodeUnexpectedEvent: a typed accessor ([Notification.Transaction]...) was asked for a
	// kind of the event catalog that the notification is not; the message says what it is.
	// Dispatch on [Notification.Kind] first. Not a failure of the callback itself.
	CodeUnexpectedEvent Code = "UNEXPECTED_EVENT"
	// CodePanic: an internal error in the Rust library. It never happens; if it does, please
	// report it.
	CodePanic Code = "PANIC"
)

// Codes lists every code a verifier or a typed accessor returns, in the order of
// docs/errors.md (CodePanic and the other codes only the C ABI produces, which never happen,
// are not included).
var Codes = []Code{
	CodeBodyTooLarge, CodeWrongFormat, CodeMissingHeader, CodeUnsupportedSignatureType,
	CodeBadTimestamp, CodeTimestampSkew, CodeSignatureProbe, CodeUnknownSerial,
	CodeKeyExpired, CodeMalformedSignature, CodeSignatureMismatch, CodeMalformedBody,
	CodeMissingField, CodeReturnFail, CodeUnsupportedAlgorithm, CodeMalformedResource,
	CodeDecryptFailed, CodeConfigInvalid, CodeUnexpectedEvent,
}

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

// Sentinel errors, one per code, for errors.Is. They carry no message; the errors the library
// returns are distinct *Error values with a message, matched by code.
var (
	// ErrBodyTooLarge matches errors with CodeBodyTooLarge.
	ErrBodyTooLarge = &Error{Code: CodeBodyTooLarge}
	// ErrWrongFormat matches errors with CodeWrongFormat.
	ErrWrongFormat = &Error{Code: CodeWrongFormat}
	// ErrMissingHeader matches errors with CodeMissingHeader.
	ErrMissingHeader = &Error{Code: CodeMissingHeader}
	// ErrUnsupportedSignatureType matches errors with CodeUnsupportedSignatureType.
	ErrUnsupportedSignatureType = &Error{Code: CodeUnsupportedSignatureType}
	// ErrBadTimestamp matches errors with CodeBadTimestamp.
	ErrBadTimestamp = &Error{Code: CodeBadTimestamp}
	// ErrTimestampSkew matches errors with CodeTimestampSkew.
	ErrTimestampSkew = &Error{Code: CodeTimestampSkew}
	// ErrSignatureProbe matches errors with CodeSignatureProbe.
	ErrSignatureProbe = &Error{Code: CodeSignatureProbe}
	// ErrUnknownSerial matches errors with CodeUnknownSerial.
	ErrUnknownSerial = &Error{Code: CodeUnknownSerial}
	// ErrKeyExpired matches errors with CodeKeyExpired.
	ErrKeyExpired = &Error{Code: CodeKeyExpired}
	// ErrMalformedSignature matches errors with CodeMalformedSignature.
	ErrMalformedSignature = &Error{Code: CodeMalformedSignature}
	// ErrSignatureMismatch matches errors with CodeSignatureMismatch.
	ErrSignatureMismatch = &Error{Code: CodeSignatureMismatch}
	// ErrMalformedBody matches errors with CodeMalformedBody.
	ErrMalformedBody = &Error{Code: CodeMalformedBody}
	// ErrMissingField matches errors with CodeMissingField.
	ErrMissingField = &Error{Code: CodeMissingField}
	// ErrReturnFail matches errors with CodeReturnFail.
	ErrReturnFail = &Error{Code: CodeReturnFail}
	// ErrUnsupportedAlgorithm matches errors with CodeUnsupportedAlgorithm.
	ErrUnsupportedAlgorithm = &Error{Code: CodeUnsupportedAlgorithm}
	// ErrMalformedResource matches errors with CodeMalformedResource.
	ErrMalformedResource = &Error{Code: CodeMalformedResource}
	// ErrDecryptFailed matches errors with CodeDecryptFailed.
	ErrDecryptFailed = &Error{Code: CodeDecryptFailed}
	// ErrConfigInvalid matches errors with CodeConfigInvalid.
	ErrConfigInvalid = &Error{Code: CodeConfigInvalid}
	// ErrUnexpectedEvent matches errors with CodeUnexpectedEvent.
	ErrUnexpectedEvent = &Error{Code: CodeUnexpectedEvent}
	// ErrPanic matches errors with CodePanic.
	ErrPanic = &Error{Code: CodePanic}
)

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
