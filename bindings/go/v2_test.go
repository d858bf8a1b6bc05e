package wechatpaynotify

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// firstV2Case returns the first successful vector case of a type.
func firstV2Case(t *testing.T, vectors *vectorFile, typ string) *vectorCase {
	for i := range vectors.Cases {
		c := &vectors.Cases[i]
		if c.Type == typ && c.expect(t).OK {
			return c
		}
	}
	t.Fatalf("no successful %s vector", typ)
	return nil
}

func TestV2Requests(t *testing.T) {
	vectors := loadVectors(t)
	pay := firstV2Case(t, vectors, "v2_payment")
	v, err := NewV2Verifier(vectors.V2Keys[pay.V2Key])
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	body := pay.body(t)
	req := httptest.NewRequest(http.MethodPost, "/v2/notify", bytes.NewReader(body))
	fields, err := v.ParsePaymentRequest(req)
	if err != nil || fields["sign"] == "" || fields["return_code"] != "SUCCESS" {
		t.Fatalf("%v %v", fields, err)
	}
	if again, _ := io.ReadAll(req.Body); !bytes.Equal(again, body) {
		t.Fatal("body not restored")
	}

	refund := firstV2Case(t, vectors, "v2_refund")
	rv, err := NewV2Verifier(vectors.V2Keys[refund.V2Key])
	if err != nil {
		t.Fatal(err)
	}
	defer rv.Close()
	r, err := rv.ParseRefundRequest(httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(refund.body(t))))
	if err != nil || r.ReqInfo["out_refund_no"] == "" || r.Fields["req_info"] != "" {
		t.Fatalf("%+v %v", r, err)
	}

	// An APIv3 JSON notification sent to the APIv2 handler is a clear WRONG_FORMAT.
	_, err = v.ParsePayment([]byte(`{"id":"EV-1","resource":{}}`))
	wantCode(t, err, CodeWrongFormat)
	if !strings.Contains(err.Error(), "APIv3") {
		t.Fatalf("message %q", err)
	}

	small, err := NewV2Verifier(vectors.V2Keys[pay.V2Key], WithV2MaxBodySize(64))
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	_, err = small.ParsePayment(body)
	wantCode(t, err, CodeBodyTooLarge)

	_, err = NewV2Verifier("short")
	wantCode(t, err, CodeConfigInvalid)
	if strings.Contains(err.Error(), "short") {
		t.Fatalf("message leaks the key: %v", err)
	}

	v.Close()
	v.Close()
	if _, err := v.ParsePayment(body); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := v.ParseRefund(body); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); v == "" || strings.Count(v, ".") != 2 {
		t.Fatalf("version %q", v)
	}
}

// TestBackend: the backend, and the one scripts/backend.sh chose when it is in the environment.
func TestBackend(t *testing.T) {
	b, want := Backend(), os.Getenv("WPN_BACKEND")
	if (b != "ring" && b != "aws-lc") || (want != "" && b != want) {
		t.Fatalf("backend %q, WPN_BACKEND %q", b, want)
	}
}
