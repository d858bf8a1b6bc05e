package wechatpaynotify

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Notification is an APIv3 notification whose signature was verified and whose resource was
// decrypted. It is a plain Go value (no C memory).
//
// Its String and GoString methods show the envelope but never the plaintext, so printing or
// logging a Notification with fmt is safe.
type Notification struct {
	// ID is the notification id: unique per event and the key for idempotent handling
	// (WeChat Pay delivers the same id again when a reply is late or not 2xx).
	ID string
	// CreateTime is create_time as sent (RFC 3339 with +08:00).
	CreateTime string
	// EventType is event_type, e.g. TRANSACTION.SUCCESS or REFUND.SUCCESS.
	EventType string
	// ResourceType is resource_type, normally encrypt-resource.
	ResourceType string
	// Summary is summary, e.g. 支付成功.
	Summary string
	// OriginalType is resource.original_type, e.g. transaction or refund.
	OriginalType string
	// Kind is the notification's kind in the event catalog (docs/events.md), decided by the
	// core from EventType, OriginalType and the plaintext's top-level keys: it says which
	// typed accessor applies ([Notification.Transaction] for [EventTransaction], and so on).
	// A callback the catalog does not describe is [EventUnknown], which is not an error.
	// The typed accessors use this kind (the core does not decide it again): a Notification
	// built by hand, e.g. from storage, must carry the Kind that Parse gave.
	Kind EventKind
	// Serial is the Wechatpay-Serial of the key (public-key id or certificate serial) that
	// verified this notification.
	Serial string
	// MchID is the merchant id (商户号) of the merchant the notification was for, with a
	// verifier of several merchants ([Config.Merchants]): the merchant whose key verified it and
	// whose APIv3 key decrypted it. It is "" for a single-merchant verifier.
	MchID string
	// Timestamp is the verified Wechatpay-Timestamp.
	Timestamp time.Time
	// Plaintext is the decrypted resource, a UTF-8 JSON document. Do not log it: it holds
	// the payer's and the order's details.
	Plaintext []byte
}

// Decode unmarshals the decrypted resource (encoding/json) into v, which must be a non-nil
// pointer. A resource that does not match v's type is an *Error with CodeMalformedResource
// whose message gives the position, never the data.
//
// Decode checks nothing but the JSON types. For a kind of the event catalog, prefer its typed
// accessor ([Notification.Transaction], [Notification.Refund]...), which also checks the kind
// and every required field.
func (n *Notification) Decode(v any) error {
	return decodeResource(n.Plaintext, v)
}

// String describes the notification without its plaintext.
func (n Notification) String() string {
	mchid := ""
	if n.MchID != "" {
		mchid = fmt.Sprintf(" MchID:%q", n.MchID)
	}
	return fmt.Sprintf("Notification{ID:%q EventType:%q Summary:%q OriginalType:%q Kind:%q Serial:%q%s "+
		"CreateTime:%q Timestamp:%d Plaintext:<%d bytes redacted>}",
		n.ID, n.EventType, n.Summary, n.OriginalType, n.Kind, n.Serial, mchid, n.CreateTime,
		n.Timestamp.Unix(), len(n.Plaintext))
}

// GoString is String, so that %#v does not print the plaintext either.
func (n Notification) GoString() string { return n.String() }

// decodeResource unmarshals JSON plaintext into v, turning data errors into a log-safe
// MALFORMED_RESOURCE error (positions and Go types only, never values).
func decodeResource(plaintext []byte, v any) error {
	err := json.Unmarshal(plaintext, v)
	if err == nil {
		return nil
	}
	var invalid *json.InvalidUnmarshalError
	if errors.As(err, &invalid) {
		return err // a programming error (not a pointer), not a problem of the data
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var msg string
	switch {
	case errors.As(err, &syntax):
		msg = fmt.Sprintf("decrypted resource is not valid JSON (syntax error at offset %d)", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(top level)"
		}
		msg = fmt.Sprintf("decrypted resource does not match the requested type (field %s "+
			"at offset %d cannot be decoded into %s)", field, typ.Offset, typ.Type)
	default:
		msg = fmt.Sprintf("decrypted resource does not match the requested type (%T)", err)
	}
	return &Error{Code: CodeMalformedResource, Message: msg}
}
