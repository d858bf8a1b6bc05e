package wechatpaynotify

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestErrorsIsAsAndFamilies(t *testing.T) {
	v := testVerifier(t)
	h, b := testSignerB(t).notification(t, time.Now())
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
	// The Go codes are exactly the C library's, plus NULL_ARGUMENT and PANIC.
	for _, c := range append([]Code{CodePanic}, Codes...) {
		if _, ok := rawCode(c); !ok {
			t.Errorf("the C library does not know %s", c)
		}
	}
	if len(codes()) != len(Codes)+2 {
		t.Errorf("the C library has %d codes, Go %d", len(codes()), len(Codes))
	}
	if Code("NOPE").Family() != FamilyInternal || CodePanic.Family() != FamilyInternal {
		t.Error("unknown codes are internal")
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
	n := &Notification{Plaintext: []byte(`{"amount":{"total":"secret-value"}}`)}
	_, err := n.Transaction()
	wantCode(t, err, CodeMalformedResource)
	if strings.Contains(err.Error(), "secret-value") || !strings.Contains(err.Error(), "amount.total") {
		t.Fatalf("message %q", err)
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
