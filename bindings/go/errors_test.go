package wechatpaynotify

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestErrorsIsAsAndFamilies(t *testing.T) {
	k := theKit(t)
	v := k.verifier(t)
	h, b, _ := k.notification(t, time.Now())
	b[len(b)-3] ^= 1 // tamper
	_, err := v.Parse(h, b)
	wrapped := fmt.Errorf("callback: %w", err)
	if !errors.Is(wrapped, ErrSignatureMismatch) || errors.Is(wrapped, ErrDecryptFailed) {
		t.Fatalf("errors.Is by code: %v", err)
	}
	if !errors.Is(wrapped, ErrAuthenticity) || errors.Is(wrapped, ErrDecryption) || errors.Is(wrapped, ErrConfig) {
		t.Fatalf("errors.Is by family: %v", err)
	}
	var e *Error
	if !errors.As(wrapped, &e) || e.Code != CodeSignatureMismatch || e.HTTPStatus() != 401 {
		t.Fatalf("errors.As: %#v", e)
	}
	if got := e.Error(); !strings.HasPrefix(got, "SIGNATURE_MISMATCH: ") || len(got) < 30 {
		t.Fatalf("message %q", got)
	}
	if CodeOf(wrapped) != CodeSignatureMismatch || CodeOf(errors.New("x")) != "" || CodeOf(nil) != "" {
		t.Fatal("CodeOf")
	}
	// A sentinel is not matched by another code, and a message-bearing *Error is no sentinel.
	if errors.Is(ErrSignatureMismatch, ErrKeyExpired) || errors.Is(e, &Error{Code: CodeSignatureMismatch, Message: "x"}) {
		t.Fatal("sentinel matching is too loose")
	}
}

func TestCodeFamiliesComeFromTheCore(t *testing.T) {
	want := map[Code]Family{
		CodeBodyTooLarge: FamilyFormat, CodeWrongFormat: FamilyFormat, CodeMissingHeader: FamilyAuthenticity,
		CodeUnsupportedSignatureType: FamilyAuthenticity, CodeBadTimestamp: FamilyAuthenticity,
		CodeTimestampSkew: FamilyAuthenticity, CodeSignatureProbe: FamilyAuthenticity,
		CodeUnknownSerial: FamilyAuthenticity, CodeKeyExpired: FamilyAuthenticity,
		CodeMalformedSignature: FamilyAuthenticity, CodeSignatureMismatch: FamilyAuthenticity,
		CodeMalformedBody: FamilyFormat, CodeMissingField: FamilyFormat, CodeReturnFail: FamilyFormat,
		CodeUnsupportedAlgorithm: FamilyDecryption, CodeMalformedResource: FamilyDecryption,
		CodeDecryptFailed: FamilyDecryption, CodeConfigInvalid: FamilyConfig,
		CodeUnexpectedEvent: FamilyFormat,
	}
	if len(want) != len(Codes) {
		t.Fatalf("%d codes", len(Codes))
	}
	for _, c := range Codes {
		if c.Family() != want[c] {
			t.Errorf("%s: family %s, want %s", c, c.Family(), want[c])
		}
		status := (&Error{Code: c}).HTTPStatus()
		if (status == 401) != (want[c] == FamilyAuthenticity) || (status != 401 && status != 500) {
			t.Errorf("%s: status %d", c, status)
		}
	}
	if Code("NOPE").Family() != FamilyInternal || CodePanic.Family() != FamilyInternal ||
		codeNullArgument.Family() != FamilyInternal || codeInvalidArgument.Family() != FamilyInternal {
		t.Error("unknown and C-only codes are internal")
	}
	if _, ok := rawCode("NOPE"); ok {
		t.Error("the C library knows NOPE")
	}
}

// TestCodesMatchTheHeaderByName checks that the Go codes are exactly the result codes the C
// header declares (every WPN_<NAME> of enum wpn_result but WPN_OK), and that each one is
// found in the library by its name and maps back to the same name. No number is compared.
func TestCodesMatchTheHeaderByName(t *testing.T) {
	header, err := os.ReadFile(filepath.Join("..", "..", "include", "wechatpay_notify.h"))
	if err != nil {
		t.Skipf("no header in this checkout: %v", err)
	}
	enum := regexp.MustCompile(`(?s)enum wpn_result\b[^{]*\{(.*?)\};`).FindSubmatch(header)
	if enum == nil {
		t.Fatal("enum wpn_result not found in the header")
	}
	declared := map[Code]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*WPN_([A-Z0-9_]+)\s*=`).FindAllSubmatch(enum[1], -1) {
		if name := Code(m[1]); name != "OK" {
			declared[name] = true
		}
	}
	known := append(append([]Code(nil), Codes...), CodePanic, codeNullArgument, codeInvalidArgument)
	if len(declared) != len(known) {
		t.Errorf("the header declares %d codes, Go knows %d: %v", len(declared), len(known), declared)
	}
	for _, c := range known {
		if !declared[c] {
			t.Errorf("the header does not declare %s", c)
		}
		raw, ok := rawCode(c)
		if !ok {
			t.Errorf("the C library does not know %s", c)
			continue
		}
		if got := codeOf(raw); got != c {
			t.Errorf("%s maps back to %s", c, got)
		}
	}
}

func TestConfigErrorsNeverContainKeys(t *testing.T) {
	pub := readKeyFile(t, "test-platform-b.pub.pem")
	cases := []Config{
		{APIv3Key: "short-key", PublicKeys: map[string]string{testPubKeyIDB: pub}},
		{APIv3Key: testAPIv3Key + "\n", PublicKeys: map[string]string{testPubKeyIDB: pub}},
		{APIv3Key: testAPIv3Key},
		{APIv3Key: testAPIv3Key, PublicKeys: map[string]string{testPubKeyIDB: "not a pem"}},
		{APIv3Key: testAPIv3Key, Certificates: []string{pub}},
		{APIv3Key: testAPIv3Key, PublicKeys: map[string]string{" ": pub}},
		{APIv3Key: testAPIv3Key, PublicKeys: map[string]string{testPubKeyIDB: pub}, MaxClockSkew: -time.Second},
		{APIv3Key: testAPIv3Key, PublicKeys: map[string]string{testPubKeyIDB: pub}, MaxBodySize: -1},
	}
	for i, cfg := range cases {
		v, err := NewVerifier(cfg)
		if v != nil {
			t.Fatalf("case %d: built", i)
		}
		wantCode(t, err, CodeConfigInvalid)
		if strings.Contains(err.Error(), "short-key") || strings.Contains(err.Error(), testAPIv3Key) {
			t.Fatalf("case %d: message leaks the key: %v", i, err)
		}
	}
}

func TestDecodeErrorsAreLogSafe(t *testing.T) {
	n := &Notification{EventType: "TRANSACTION.SUCCESS", OriginalType: "transaction", Kind: EventTransaction,
		Plaintext: []byte(strings.Replace(testTransaction, `"total":100`, `"total":"secret-value"`, 1))}
	_, err := n.Transaction()
	wantCode(t, err, CodeMalformedResource)
	if strings.Contains(err.Error(), "secret-value") || !strings.Contains(err.Error(), "amount.total") {
		t.Fatalf("message %q", err)
	}
	// Decode checks JSON types only, and says where without saying what.
	var tr Transaction
	wantCode(t, n.Decode(&tr), CodeMalformedResource)
	if msg := n.Decode(&tr).Error(); strings.Contains(msg, "secret-value") || !strings.Contains(msg, "amount.total") {
		t.Fatalf("Decode message %q", msg)
	}
	n.Plaintext = []byte(`{"x":secret}`)
	var m map[string]any
	wantCode(t, n.Decode(&m), CodeMalformedResource)
	if strings.Contains(n.Decode(&m).Error(), "secret") {
		t.Fatal("syntax error message leaks data")
	}
	n.Plaintext = []byte(`{"x":1}`)
	if err := n.Decode(m); err == nil || CodeOf(err) != "" {
		t.Fatalf("non-pointer: %v", err)
	}
	// Printing a notification never shows the plaintext.
	n.Plaintext = []byte(`{"payer":{"openid":"oUpF8uMuAJO_secret"}}`)
	for _, s := range []string{fmt.Sprint(n), fmt.Sprintf("%+v", n), fmt.Sprintf("%#v", n), n.String(), fmt.Sprintf("%v %+v %#v", *n, *n, *n)} {
		if strings.Contains(s, "secret") || !strings.Contains(s, "redacted") {
			t.Fatalf("printed %q", s)
		}
	}
}
