package wechatpaynotifytest

import wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"

// FailureKind is a failure WeChat Pay, the network or a mistaken setup can produce, built into
// a callback on purpose ([Failure]) to see that the handler refuses it. Its value is the
// failure's name, the same in every language of wechatpay-notify (docs/testing.md).
type FailureKind string

// The failures, each with the code a verifier configured for the kit refuses it with.
const (
	// FailureProbe is WeChat Pay's WECHATPAY/SIGNTEST/ probe signature: SIGNATURE_PROBE.
	FailureProbe FailureKind = "probe"
	// FailureTamperedBody is the body changed after it was signed: SIGNATURE_MISMATCH.
	FailureTamperedBody FailureKind = "tampered_body"
	// FailureStaleTimestamp is signed 600 seconds in the past: TIMESTAMP_SKEW.
	FailureStaleTimestamp FailureKind = "stale_timestamp"
	// FailureFutureTimestamp is signed 600 seconds in the future: TIMESTAMP_SKEW.
	FailureFutureTimestamp FailureKind = "future_timestamp"
	// FailureOtherAPIv3Key is the resource encrypted with another APIv3 key than the kit's:
	// DECRYPT_FAILED.
	FailureOtherAPIv3Key FailureKind = "other_apiv3_key"
	// FailureUnknownSerial is signed under a Wechatpay-Serial nobody configured:
	// UNKNOWN_SERIAL.
	FailureUnknownSerial FailureKind = "unknown_serial"
	// FailureXMLBody is an APIv2 XML body sent to the APIv3 notify_url: WRONG_FORMAT.
	FailureXMLBody FailureKind = "xml_body"
	// FailureReserialized is the JSON body re-encoded after it was signed, as a framework that
	// parses and re-serializes the body would: SIGNATURE_MISMATCH.
	FailureReserialized FailureKind = "reserialized"
)

// FailureKinds lists every failure.
var FailureKinds = []FailureKind{
	FailureProbe,
	FailureTamperedBody,
	FailureStaleTimestamp,
	FailureFutureTimestamp,
	FailureOtherAPIv3Key,
	FailureUnknownSerial,
	FailureXMLBody,
	FailureReserialized,
}

// Code is the code a verifier configured for the kit ([Kit.Config]) refuses the failure
// with, at the system clock; "" for a name that is not a failure.
func (f FailureKind) Code() wechatpaynotify.Code {
	switch f {
	case FailureProbe:
		return wechatpaynotify.CodeSignatureProbe
	case FailureTamperedBody, FailureReserialized:
		return wechatpaynotify.CodeSignatureMismatch
	case FailureStaleTimestamp, FailureFutureTimestamp:
		return wechatpaynotify.CodeTimestampSkew
	case FailureOtherAPIv3Key:
		return wechatpaynotify.CodeDecryptFailed
	case FailureUnknownSerial:
		return wechatpaynotify.CodeUnknownSerial
	case FailureXMLBody:
		return wechatpaynotify.CodeWrongFormat
	default:
		return ""
	}
}

// String returns the failure's name, e.g. "probe".
func (f FailureKind) String() string { return string(f) }
