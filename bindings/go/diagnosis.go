package wechatpaynotify

import (
	"fmt"
	"strings"
)

// The protocols of a diagnosis, as its String method names them.
const (
	protocolV3 = "APIv3"
	protocolV2 = "APIv2"
)

// Diagnosis is every check of one callback and its outcome, the verdict, and the signs of a
// re-serialized body: what the wechatpay-notify doctor command shows, to find out why a
// callback is refused. [Verifier.Diagnose] makes it for an APIv3 callback (the 16 checks of
// docs/protocol.md, steps 0-15), [V2Verifier.Diagnose] for an APIv2 notification (the checks
// of docs/apiv2.md: 7 for a payment, 6 for a refund).
//
// Unlike Parse, which stops at the first failure, the diagnosis runs every check whose inputs
// are there (a check is [Skipped] only when an earlier failure left it nothing to check), so
// one call shows everything that is wrong. The verdict (Accepted, Notification, Err) is
// exactly what Parse gives for the same request at the same time: decide with it, or better
// with Parse itself; use the checks and the hints to explain.
//
//	d, err := v.Diagnose(r.Header, body)
//	if err == nil && !d.Accepted() {
//		log.Print(d) // every check, the verdict and the signs
//		if len(d.Hints) > 0 {
//			// e.g. [line_breaks indentation]: the body was parsed and written out
//			// again before it was verified
//		}
//	}
//
// It is a plain Go value (no C memory). Its messages never contain a key or decrypted
// plaintext, so its String is safe to log; the Notification's plaintext is sensitive as
// always.
type Diagnosis struct {
	// Checks are the checks, in step order: 16 for an APIv3 callback (steps 0-15 of
	// docs/protocol.md, so Checks[10] is the signature), 7 for an APIv2 payment and 6 for an
	// APIv2 refund (docs/apiv2.md).
	Checks []Check
	// Hints are the stable names of the signs that the body was re-serialized (parsed and
	// written out again after WeChat Pay signed it, the most common cause of
	// CodeSignatureMismatch), in the order they first appear in the body: "line_breaks",
	// "indentation", "space_after_colon", "space_after_comma", "spaces", "unicode_escapes",
	// "escaped_slashes" (docs/protocol.md, "Signs of a re-serialized body", lists them and
	// their usual authors; later versions may add names). They are looked for only when step
	// 10 (the signature) failed, so Hints is empty otherwise, and always for APIv2; step 10's
	// Message names them too. Whatever the signs, the fix is the same: verify the raw body
	// bytes exactly as received.
	Hints []string
	// Notification is the notification Parse returns for this APIv3 callback when it is
	// accepted; nil when it is refused, and always for an APIv2 diagnosis (read an accepted
	// APIv2 body with [V2Verifier.ParsePayment] or [V2Verifier.ParseRefund]).
	Notification *Notification
	// Err is the error Parse (for APIv2, ParsePayment or ParseRefund) returns for this
	// callback, an *[Error] with the same Code and Message, or nil when it is accepted. Its
	// message is that of the first failed check, without the signs of Hints. Reply with it as
	// with Parse's error ([WriteFailure]).
	Err error
	// protocol is protocolV3 or protocolV2, for String.
	protocol string
}

// Accepted reports whether the callback would be accepted: Parse returns a notification for
// it (Err is nil).
func (d *Diagnosis) Accepted() bool { return d.Err == nil }

// String gives the checks, the verdict and the signs, one line each, as wechatpay-notify
// doctor prints them: ✓ passed, ✗ failed (with the code and message on the next line), -
// skipped (with the reason). It never contains a key or decrypted plaintext.
//
//	Checks (APIv3)
//	  ✓  0 body size
//	  ...
//	  ✗ 10 signature
//	       SIGNATURE_MISMATCH: signature does not match ...
//	  ...
//	Verdict: SIGNATURE_MISMATCH (rejected)
//	Signs of a re-serialized body: line_breaks, indentation, space_after_colon
func (d *Diagnosis) String() string {
	var b strings.Builder
	b.WriteString("Checks")
	if d.protocol != "" {
		b.WriteString(" (" + d.protocol + ")")
	}
	b.WriteString("\n")
	for _, c := range d.Checks {
		b.WriteString("  " + c.line() + "\n")
		if c.Status == Failed {
			b.WriteString("       " + string(c.Code) + ": " + c.Message + "\n")
		}
	}
	b.WriteString("Verdict: ")
	if d.Err == nil {
		b.WriteString("OK (accepted)")
		if d.Notification != nil {
			b.WriteString(", id " + d.Notification.ID)
		}
	} else {
		code := CodeOf(d.Err)
		if code == "" {
			code = CodePanic // never: Err is always an *Error
		}
		b.WriteString(string(code) + " (rejected)")
	}
	if len(d.Hints) > 0 {
		b.WriteString("\nSigns of a re-serialized body: " + strings.Join(d.Hints, ", "))
	}
	return b.String()
}

// CheckStatus is the outcome of one [Check].
type CheckStatus int

// The outcomes of a check.
const (
	// Passed: the check ran and passed.
	Passed CheckStatus = iota
	// Failed: the check ran and failed; the check's Code and Message say why.
	Failed
	// Skipped: the check could not run because an earlier one failed; the check's Message
	// says which.
	Skipped
)

// String returns "passed", "failed" or "skipped" (the names of the JSON output of
// wechatpay-notify doctor and of the Python binding).
func (s CheckStatus) String() string {
	switch s {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	default:
		return fmt.Sprintf("CheckStatus(%d)", int(s))
	}
}

// Check is one check of a [Diagnosis]: its step number, what it checks, and its outcome.
type Check struct {
	// Step is the step number: 0-15 of docs/protocol.md for APIv3, 0-6 of docs/apiv2.md for
	// APIv2.
	Step int
	// Name is what the step checks, in a few words (e.g. "signature").
	Name string
	// Status is what happened.
	Status CheckStatus
	// Code is the failure's code when Status is Failed (e.g. CodeSignatureMismatch for step
	// 10), else "".
	Code Code
	// Message is why the check failed (the failure's message, without the code; step 10's goes
	// on with the signs of [Diagnosis.Hints]), why it was skipped, or "" when it passed. It
	// never contains a key or decrypted plaintext.
	Message string
}

// String gives the check in one line: its mark (✓, ✗ or -), step and name, and the code and
// message of a failure or the reason for a skip.
func (c Check) String() string {
	if c.Status == Failed {
		return c.line() + ": " + string(c.Code) + ": " + c.Message
	}
	return c.line()
}

// line is the check's line in Diagnosis.String, without a failure's message.
func (c Check) line() string {
	switch c.Status {
	case Passed:
		return fmt.Sprintf("✓ %2d %s", c.Step, c.Name)
	case Failed:
		return fmt.Sprintf("✗ %2d %s", c.Step, c.Name)
	case Skipped:
		return fmt.Sprintf("- %2d %s (skipped: %s)", c.Step, c.Name, c.Message)
	default:
		return fmt.Sprintf("? %2d %s (%v)", c.Step, c.Name, c.Status)
	}
}
