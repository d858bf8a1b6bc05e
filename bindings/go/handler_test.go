package wechatpaynotify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/internal/testkit"
)

type failReply struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// post sends body with header to url and returns the status and the reply body.
func post(t *testing.T, url string, header http.Header, body []byte) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data, resp.Header
}

// wantFail checks a FAIL reply with the given status whose message starts with code.
func wantFail(t *testing.T, status int, body []byte, header http.Header, wantStatus int, code Code) string {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d (%s)", status, wantStatus, body)
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	var r failReply
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	if r.Code != "FAIL" || (code != "" && !strings.HasPrefix(r.Message, string(code)+": ")) {
		t.Fatalf("reply %+v, want FAIL %s", r, code)
	}
	return r.Message
}

func TestHandler(t *testing.T) {
	k := theKit(t)
	info := k.Info()
	v := k.verifier(t)
	var mu sync.Mutex
	var got []*Notification
	var hookErrs []error
	fail := false
	srv := httptest.NewServer(NewHandler(v, func(ctx context.Context, n *Notification) error {
		if ctx == nil {
			return errors.New("no context")
		}
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("database is down: dsn=secret")
		}
		got = append(got, n)
		return nil
	}, WithErrorHook(func(r *http.Request, err error) {
		mu.Lock()
		defer mu.Unlock()
		hookErrs = append(hookErrs, err)
	})))
	defer srv.Close()
	// failing is a payment notification with a failure built in (docs/testing.md).
	failing := func(t *testing.T, failure string) (http.Header, []byte) {
		h, b, _ := k.callback(t, testkit.Request{Kind: string(EventTransaction), Failure: failure})
		return h, b
	}

	t.Run("valid is 204 and calls fn", func(t *testing.T) {
		h, b, id := k.callback(t, testkit.Request{Kind: string(EventTransaction), MergeJSON: `{"amount":{"total":100}}`})
		status, body, _ := post(t, srv.URL, h, b)
		if status != http.StatusNoContent || len(body) != 0 {
			t.Fatalf("status %d body %q", status, body)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 || got[0].ID != id {
			t.Fatalf("fn got %v", got)
		}
		tr, err := got[0].Transaction()
		if err != nil || tr.Amount.Total != 100 || tr.TradeState != "SUCCESS" {
			t.Fatalf("%+v %v", tr, err)
		}
	})
	t.Run("tampered is 401", func(t *testing.T) {
		h, b := failing(t, "tampered_body")
		status, body, hd := post(t, srv.URL, h, b)
		wantFail(t, status, body, hd, 401, CodeSignatureMismatch)
	})
	t.Run("re-serialized is 401", func(t *testing.T) {
		h, b := failing(t, "reserialized")
		status, body, hd := post(t, srv.URL, h, b)
		wantFail(t, status, body, hd, 401, CodeSignatureMismatch)
	})
	t.Run("probe is 401", func(t *testing.T) {
		h, b := failing(t, "probe")
		status, body, hd := post(t, srv.URL, h, b)
		wantFail(t, status, body, hd, 401, CodeSignatureProbe)
	})
	t.Run("signed with another key is 401", func(t *testing.T) {
		// Another kit's callback, under the serial this verifier knows.
		h, b, _ := newTestKit(t).notification(t, time.Now())
		h.Set("Wechatpay-Serial", info.KeyID)
		status, body, hd := post(t, srv.URL, h, b)
		wantFail(t, status, body, hd, 401, CodeSignatureMismatch)
	})
	// lastHookErr is the error the hook saw last: the detailed message, for logs.
	lastHookErr := func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(hookErrs) == 0 {
			return ""
		}
		return hookErrs[len(hookErrs)-1].Error()
	}
	t.Run("unknown serial is 401; the reply names nothing configured, the hook's error does", func(t *testing.T) {
		// Issue 21: the reply listed every configured merchant and key id to whoever sent a
		// made-up serial.
		h, b := failing(t, "unknown_serial")
		status, body, hd := post(t, srv.URL, h, b)
		msg := wantFail(t, status, body, hd, 401, CodeUnknownSerial)
		if msg != "UNKNOWN_SERIAL: unknown Wechatpay-Serial" || strings.Contains(string(body), info.KeyID) {
			t.Fatalf("reply %q", body)
		}
		if !strings.Contains(lastHookErr(), info.KeyID) {
			t.Fatalf("hook error %q", lastHookErr())
		}
	})
	t.Run("wrong APIv3 key is 500", func(t *testing.T) {
		h, b := failing(t, "other_apiv3_key")
		status, body, hd := post(t, srv.URL, h, b)
		if msg := wantFail(t, status, body, hd, 500, CodeDecryptFailed); msg != "DECRYPT_FAILED: decryption failed" {
			t.Fatalf("reply %q", msg)
		}
		if !strings.Contains(lastHookErr(), "APIv3") {
			t.Fatalf("the logged error does not name the likely cause: %q", lastHookErr())
		}
	})
	t.Run("old timestamp is 401", func(t *testing.T) {
		h, b, _ := k.notification(t, time.Now().Add(-time.Hour))
		status, body, hd := post(t, srv.URL, h, b)
		wantFail(t, status, body, hd, 401, CodeTimestampSkew)
	})
	t.Run("future timestamp is 401", func(t *testing.T) {
		h, b := failing(t, "future_timestamp")
		status, body, hd := post(t, srv.URL, h, b)
		wantFail(t, status, body, hd, 401, CodeTimestampSkew)
	})
	t.Run("v2 XML sent by mistake is a clear 500", func(t *testing.T) {
		h, b := failing(t, "xml_body")
		status, body, rh := post(t, srv.URL, h, b)
		wantFail(t, status, body, rh, 500, CodeWrongFormat)
		if msg := lastHookErr(); !strings.Contains(msg, "v2") && !strings.Contains(msg, "V2") {
			t.Fatalf("the logged error does not say APIv2: %q", msg)
		}
	})
	t.Run("missing headers is 401", func(t *testing.T) {
		_, b, _ := k.notification(t, time.Now())
		status, body, hd := post(t, srv.URL, http.Header{}, b)
		wantFail(t, status, body, hd, 401, CodeMissingHeader)
	})
	t.Run("business error is 500 so WeChat Pay retries", func(t *testing.T) {
		mu.Lock()
		fail = true
		hookErrs = nil
		mu.Unlock()
		defer func() { mu.Lock(); fail = false; mu.Unlock() }()
		h, b, _ := k.notification(t, time.Now())
		status, body, hd := post(t, srv.URL, h, b)
		msg := wantFail(t, status, body, hd, 500, "")
		if strings.Contains(msg, "secret") {
			t.Fatalf("business error leaked to the reply: %q", msg)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(hookErrs) != 1 || !strings.Contains(hookErrs[0].Error(), "database is down") {
			t.Fatalf("hook got %v", hookErrs)
		}
	})
	t.Run("GET is 405", func(t *testing.T) {
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

func TestHandlerBodyLimit(t *testing.T) {
	k := theKit(t)
	cfg := k.config()
	cfg.MaxBodySize = 512
	v, err := NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.MaxBodySize() != 512 {
		t.Fatalf("max body size %d", v.MaxBodySize())
	}
	srv := httptest.NewServer(NewHandler(v, func(context.Context, *Notification) error { return nil }))
	defer srv.Close()
	h, b, _ := k.notification(t, time.Now())
	big := append(b, bytes.Repeat([]byte(" "), 10<<20)...)
	status, body, hd := post(t, srv.URL, h, big)
	wantFail(t, status, body, hd, 500, CodeBodyTooLarge)

	// ParseRequest reads at most the limit (plus one byte) and restores the whole body.
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(big))
	_, err = v.ParseRequest(req)
	wantCode(t, err, CodeBodyTooLarge)
	rest, _ := io.ReadAll(req.Body)
	if !bytes.Equal(rest, big) {
		t.Fatalf("restored %d bytes of %d", len(rest), len(big))
	}
}

func TestReplies(t *testing.T) {
	w := httptest.NewRecorder()
	WriteSuccess(w)
	if w.Code != 204 || w.Body.Len() != 0 {
		t.Fatalf("success %d %q", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	WriteFailure(w, &Error{Code: CodeKeyExpired, Message: `certificate "A" expired`})
	msg := wantFail(t, w.Code, w.Body.Bytes(), w.Header(), 401, CodeKeyExpired)
	if msg != `KEY_EXPIRED: platform certificate expired` {
		t.Fatalf("message %q: the reply is the code's fixed text, never the error's message", msg)
	}
	w = httptest.NewRecorder()
	WriteFailure(w, errors.New("order service at 10.0.0.5 unavailable"))
	if m := wantFail(t, w.Code, w.Body.Bytes(), w.Header(), 500, ""); m != "internal error" {
		t.Fatalf("message %q", m)
	}
	w = httptest.NewRecorder()
	WriteV2Success(w)
	if w.Code != 200 || w.Body.String() != "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>" {
		t.Fatalf("v2 success %d %q", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	WriteV2Failure(w, &Error{Code: CodeSignatureMismatch, Message: "a]]>b"})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<![CDATA[FAIL]]>") ||
		!strings.Contains(w.Body.String(), "<![CDATA[SIGNATURE_MISMATCH]]>") || strings.Contains(w.Body.String(), "a]]") {
		t.Fatalf("v2 failure %d %q", w.Code, w.Body)
	}
}
