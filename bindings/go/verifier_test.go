package wechatpaynotify

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/internal/testkit"
)

// TestVerifyResponse verifies signed bodies as API responses: a JSON one and an XML one (a
// response is not sniffed for its format, unlike a callback). A response body that is not
// what was signed, an empty one included, is SIGNATURE_MISMATCH.
func TestVerifyResponse(t *testing.T) {
	k := theKit(t)
	v := k.verifier(t)
	now := time.Now()
	jsonHeader, jsonBody, _ := k.notification(t, now)
	xmlHeader, xmlBody, _ := k.callback(t, testkit.Request{Kind: string(EventTransaction), Failure: "xml_body"})
	if !bytes.HasPrefix(xmlBody, []byte("<xml>")) {
		t.Fatalf("xml body %q", xmlBody)
	}
	for _, r := range []struct {
		h    http.Header
		body []byte
	}{{jsonHeader, jsonBody}, {xmlHeader, xmlBody}} {
		if err := v.VerifyResponse(r.h, r.body); err != nil {
			t.Fatalf("%q: %v", r.body, err)
		}
		if err := v.VerifyResponse(r.h, append(r.body, ' ')); !errors.Is(err, ErrSignatureMismatch) {
			t.Fatalf("altered response: %v", err)
		}
		if err := v.VerifyResponse(r.h, nil); !errors.Is(err, ErrSignatureMismatch) {
			t.Fatalf("empty response: %v", err)
		}
	}
	// A callback body that is XML is refused before any header check; a response is not sniffed.
	wantCode(t, v.Verify(xmlHeader, xmlBody), CodeWrongFormat)
	wantCode(t, v.Verify(http.Header{}, []byte(" <xml></xml>")), CodeWrongFormat)
}

// TestConfigNow: every call reads the verifier's clock, Config.Now, once (nil is the system
// clock): a callback signed two hours ago is accepted by Parse, ParseRequest, Verify and
// VerifyResponse when the clock reads that time, and refused with TIMESTAMP_SKEW when it reads
// now, by the same verifier.
func TestConfigNow(t *testing.T) {
	k := theKit(t)
	signed := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	h, b, _ := k.notification(t, signed)
	var reads atomic.Int64
	var clock atomic.Pointer[time.Time]
	clock.Store(&signed)
	v := k.verifierAt(t, func() time.Time {
		reads.Add(1)
		return *clock.Load()
	})
	calls := map[string]func() error{
		"Parse": func() error { _, err := v.Parse(h, b); return err },
		"ParseRequest": func() error {
			req := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(b))
			req.Header = h
			_, err := v.ParseRequest(req)
			return err
		},
		"Verify":         func() error { return v.Verify(h, b) },
		"VerifyResponse": func() error { return v.VerifyResponse(h, b) },
	}
	for name, call := range calls {
		clock.Store(&signed)
		before := reads.Load()
		if err := call(); err != nil {
			t.Fatalf("%s at the signing time: %v", name, err)
		}
		if reads.Load() != before+1 {
			t.Fatalf("%s read the clock %d times", name, reads.Load()-before)
		}
		now := time.Now()
		clock.Store(&now)
		wantCode(t, call(), CodeTimestampSkew)
	}
	// nil: the system clock.
	wantCode(t, k.verifier(t).Verify(h, b), CodeTimestampSkew)
	if err := k.verifierAt(t, clockAt(signed.Add(time.Minute))).Verify(h, b); err != nil {
		t.Fatal(err)
	}
	// After Close the clock is not what fails.
	v.Close()
	if err := v.Verify(h, b); err != ErrClosed {
		t.Fatalf("after Close: %v", err)
	}
}
