package wechatpaynotifytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/wechatpaynotifytest"
)

type (
	kitT = wechatpaynotifytest.Kit
	opt  = wechatpaynotifytest.CallbackOption
)

var (
	merge   = wechatpaynotifytest.Merge
	failure = wechatpaynotifytest.Failure
)

func newKit(t testing.TB, opts ...wechatpaynotifytest.KitOption) *kitT {
	t.Helper()
	k, err := wechatpaynotifytest.NewKit(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func newVerifier(t testing.TB, k *kitT) *wechatpaynotify.Verifier {
	t.Helper()
	v, err := k.Verifier()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// newVerifierAt is newVerifier with the clock now (Config.Now).
func newVerifierAt(t testing.TB, k *kitT, now func() time.Time) *wechatpaynotify.Verifier {
	t.Helper()
	cfg := k.Config()
	cfg.Now = now
	v, err := wechatpaynotify.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func callback(t testing.TB, k *kitT, kind wechatpaynotify.EventKind, opts ...opt) (http.Header, []byte) {
	t.Helper()
	h, b, err := k.Callback(kind, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h, b
}

func wantCode(t testing.TB, err error, code wechatpaynotify.Code) {
	t.Helper()
	var e *wechatpaynotify.Error
	if !errors.As(err, &e) || e.Code != code || e.Message == "" {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// The kits of both kinds: a WeChat Pay public key under a PUB_KEY_ID_, and a platform
// certificate.
func bothKits(t *testing.T) map[string]*kitT {
	return map[string]*kitT{"public key": newKit(t), "certificate": newKit(t, wechatpaynotifytest.WithCertificate())}
}

func TestKeys(t *testing.T) {
	kits := bothKits(t)
	pub, cert := kits["public key"], kits["certificate"]
	for name, k := range kits {
		if len(k.APIv3Key()) != 32 || len(k.V2Key()) != 32 || k.APIv3Key() == k.V2Key() {
			t.Fatalf("%s: test keys of %d and %d characters", name, len(k.APIv3Key()), len(k.V2Key()))
		}
		if !strings.HasPrefix(k.PublicKeyPEM(), "-----BEGIN PUBLIC KEY-----") {
			t.Fatalf("%s: public key %q", name, k.PublicKeyPEM())
		}
		v := newVerifier(t, k)
		if ids := v.KeyIDs(); len(ids) != 1 || ids[0] != k.KeyID() {
			t.Fatalf("%s: verifier keys %v, kit %s", name, ids, k.KeyID())
		}
	}
	if !strings.HasPrefix(pub.KeyID(), "PUB_KEY_ID_") || pub.CertificatePEM() != "" {
		t.Fatalf("public-key kit: %s, certificate %q", pub.KeyID(), pub.CertificatePEM())
	}
	if cfg := pub.Config(); cfg.APIv3Key != pub.APIv3Key() || cfg.PublicKeys[pub.KeyID()] != pub.PublicKeyPEM() || cfg.Certificates != nil {
		t.Fatalf("public-key kit config %+v", cfg)
	}
	if strings.HasPrefix(cert.KeyID(), "PUB_KEY_ID_") || !strings.HasPrefix(cert.CertificatePEM(), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("certificate kit: %s, certificate %q", cert.KeyID(), cert.CertificatePEM())
	}
	if cfg := cert.Config(); len(cfg.Certificates) != 1 || cfg.Certificates[0] != cert.CertificatePEM() || cfg.PublicKeys != nil {
		t.Fatalf("certificate kit config %+v", cfg)
	}
	// Every kit has keys of its own.
	if pub.KeyID() == cert.KeyID() || pub.PublicKeyPEM() == cert.PublicKeyPEM() || pub.APIv3Key() == cert.APIv3Key() {
		t.Fatal("two kits share keys")
	}
}

// TestFailures: every failure is refused by the kit's verifier with its code, through Parse
// and through the handler, for both kinds of kit; the same callback without the failure is
// accepted.
func TestFailures(t *testing.T) {
	for name, k := range bothKits(t) {
		v := newVerifier(t, k)
		h := wechatpaynotify.NewHandler(v, func(context.Context, *wechatpaynotify.Notification) error { return nil })
		for _, f := range wechatpaynotifytest.FailureKinds {
			t.Run(name+"/"+f.String(), func(t *testing.T) {
				if f.Code() == "" {
					t.Fatal("no code")
				}
				header, body := callback(t, k, wechatpaynotify.EventTransaction, failure(f))
				_, err := v.Parse(header, body)
				wantCode(t, err, f.Code())
				if f.Code().IsAuthenticity() || f == wechatpaynotifytest.FailureXMLBody {
					wantCode(t, v.Verify(header, body), f.Code()) // refused before decryption
				}
				rec := httptest.NewRecorder()
				req, err := k.Request(wechatpaynotify.EventTransaction, failure(f))
				if err != nil {
					t.Fatal(err)
				}
				h.ServeHTTP(rec, req)
				var reply struct{ Code, Message string }
				if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil || reply.Code != "FAIL" ||
					!strings.HasPrefix(reply.Message, string(f.Code())+": ") {
					t.Fatalf("reply %d %q", rec.Code, rec.Body)
				}
				if want := (&wechatpaynotify.Error{Code: f.Code()}).HTTPStatus(); rec.Code != want {
					t.Fatalf("status %d, want %d", rec.Code, want)
				}
			})
		}
	}
	k := newKit(t)
	if _, _, err := k.Callback(wechatpaynotify.EventTransaction, failure("no_such_failure")); wechatpaynotify.CodeOf(err) != wechatpaynotify.CodeConfigInvalid {
		t.Fatalf("unknown failure: %v", err)
	}
	if wechatpaynotifytest.FailureKind("no_such_failure").Code() != "" {
		t.Fatal("a code for an unknown failure")
	}
}

// The accessor of each kind, returning the field the test merges.
var accessors = map[wechatpaynotify.EventKind]struct {
	field string
	get   func(*wechatpaynotify.Notification) (string, error)
}{
	wechatpaynotify.EventTransaction: {"out_trade_no", func(n *wechatpaynotify.Notification) (string, error) {
		r, err := n.Transaction()
		return field(err, func() string { return r.OutTradeNo })
	}},
	wechatpaynotify.EventPartnerTransaction: {"out_trade_no", func(n *wechatpaynotify.Notification) (string, error) {
		r, err := n.PartnerTransaction()
		return field(err, func() string { return r.OutTradeNo })
	}},
	wechatpaynotify.EventCombineTransaction: {"combine_out_trade_no", func(n *wechatpaynotify.Notification) (string, error) {
		r, err := n.CombineTransaction()
		return field(err, func() string { return r.CombineOutTradeNo })
	}},
	wechatpaynotify.EventRefund: {"out_refund_no", func(n *wechatpaynotify.Notification) (string, error) {
		r, err := n.Refund()
		return field(err, func() string { return r.OutRefundNo })
	}},
	wechatpaynotify.EventPartnerRefund: {"out_refund_no", func(n *wechatpaynotify.Notification) (string, error) {
		r, err := n.PartnerRefund()
		return field(err, func() string { return r.OutRefundNo })
	}},
	wechatpaynotify.EventProfitSharing: {"out_order_no", func(n *wechatpaynotify.Notification) (string, error) {
		r, err := n.ProfitSharing()
		return field(err, func() string { return r.OutOrderNo })
	}},
	wechatpaynotify.EventTransferBill: {"out_bill_no", func(n *wechatpaynotify.Notification) (string, error) {
		r, err := n.TransferBill()
		return field(err, func() string { return r.OutBillNo })
	}},
	wechatpaynotify.EventComplaint: {"complaint_id", func(n *wechatpaynotify.Notification) (string, error) {
		r, err := n.Complaint()
		return field(err, func() string { return r.ComplaintID })
	}},
}

func field(err error, get func() string) (string, error) {
	if err != nil {
		return "", err
	}
	return get(), nil
}

// TestKinds: a callback of every kind parses as that kind, its accessor gives the typed
// resource (with a merged field), and every other accessor refuses it.
func TestKinds(t *testing.T) {
	if len(accessors) != len(wechatpaynotify.EventKinds) {
		t.Fatalf("%d accessors for %d kinds", len(accessors), len(wechatpaynotify.EventKinds))
	}
	for name, k := range bothKits(t) {
		v := newVerifier(t, k)
		for _, kind := range wechatpaynotify.EventKinds {
			t.Run(name+"/"+kind.String(), func(t *testing.T) {
				want := "WPN-" + strings.ToUpper(kind.String())
				acc := accessors[kind]
				header, body := callback(t, k, kind, merge(map[string]any{acc.field: want}))
				n, err := v.Parse(header, body)
				if err != nil {
					t.Fatal(err)
				}
				if n.Kind != kind || n.Serial != k.KeyID() {
					t.Fatalf("kind %s serial %s", n.Kind, n.Serial)
				}
				if got, err := acc.get(n); err != nil || got != want {
					t.Fatalf("%s: %q %v", acc.field, got, err)
				}
				for other, acc := range accessors {
					if other != kind {
						if _, err := acc.get(n); !errors.Is(err, wechatpaynotify.ErrUnexpectedEvent) {
							t.Fatalf("accessor of %s: %v", other, err)
						}
					}
				}
			})
		}
	}
}

func TestUnknownAndCustomCallbacks(t *testing.T) {
	k := newKit(t)
	v := newVerifier(t, k)
	header, body := callback(t, k, wechatpaynotify.EventUnknown)
	n, err := v.Parse(header, body)
	if err != nil || n.Kind != wechatpaynotify.EventUnknown {
		t.Fatalf("%v %v", n, err)
	}

	header, body = callback(t, k, "",
		wechatpaynotifytest.EventType("COUPON.USE"),
		wechatpaynotifytest.OriginalType("coupon"),
		wechatpaynotifytest.Resource(map[string]any{"stock_id": "9856000", "coupon_id": "98674556"}),
		wechatpaynotifytest.ID("EV-COUPON"))
	n, err = v.Parse(header, body)
	if err != nil {
		t.Fatal(err)
	}
	var coupon struct {
		StockID  string `json:"stock_id"`
		CouponID string `json:"coupon_id"`
	}
	if err := n.Decode(&coupon); err != nil || coupon.StockID != "9856000" || coupon.CouponID != "98674556" {
		t.Fatalf("%+v %v", coupon, err)
	}
	if n.ID != "EV-COUPON" || n.EventType != "COUPON.USE" || n.OriginalType != "coupon" || n.Kind != wechatpaynotify.EventUnknown {
		t.Fatalf("%v", n)
	}

	// Mistakes are errors, never a silently different callback.
	for name, build := range map[string]func() error{
		"custom without event_type": func() error { _, _, err := k.Callback(""); return err },
		"unknown kind":              func() error { _, _, err := k.Callback("no_such_kind"); return err },
	} {
		if err := build(); wechatpaynotify.CodeOf(err) != wechatpaynotify.CodeConfigInvalid {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for name, opts := range map[string][]opt{
		"original_type of a kind":   {wechatpaynotifytest.OriginalType("x")},
		"resource that is not JSON": {wechatpaynotifytest.Resource(make(chan int))},
		"merge that is not JSON":    {merge(map[string]any{"f": func() {}})},
	} {
		if _, _, err := k.Callback(wechatpaynotify.EventTransaction, opts...); err == nil {
			t.Fatalf("%s: built", name)
		}
	}
}

func TestOptions(t *testing.T) {
	k := newKit(t)
	v := newVerifier(t, k)
	parse := func(opts ...opt) (*wechatpaynotify.Notification, *wechatpaynotify.Transaction) {
		t.Helper()
		header, body := callback(t, k, wechatpaynotify.EventTransaction, opts...)
		n, err := v.Parse(header, body)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := n.Transaction()
		if err != nil {
			t.Fatal(err)
		}
		return n, tr
	}

	// The sample, then merges: objects key by key, in order.
	_, sample := parse()
	if sample.OutTradeNo == "" || sample.Amount.Total <= 0 || sample.Amount.Currency == "" {
		t.Fatalf("sample %+v", sample)
	}
	_, tr := parse(
		merge(nil), merge(map[string]any{}),
		merge(map[string]any{"amount": map[string]any{"total": 500}, "attach": "a"}),
		merge(map[string]any{"amount": map[string]any{"payer_total": 450}, "attach": "b"}))
	if tr.Amount.Total != 500 || tr.Amount.PayerTotal != 450 ||
		tr.Amount.Currency != sample.Amount.Currency || tr.Attach == nil || *tr.Attach != "b" ||
		tr.OutTradeNo != sample.OutTradeNo {
		t.Fatalf("merged %+v", tr)
	}

	// A whole resource, then a merge on top; a raw JSON resource as it is.
	whole := map[string]any{
		"appid": "wx1", "mchid": "1900000001", "out_trade_no": "O-1", "transaction_id": "T-1",
		"trade_type": "NATIVE", "trade_state": "SUCCESS", "trade_state_desc": "ok", "bank_type": "OTHERS",
		"success_time": "2024-01-01T00:00:00+08:00", "payer": map[string]any{"openid": "o"},
		"amount": map[string]any{"total": 1, "payer_total": 1, "currency": "CNY", "payer_currency": "CNY"},
	}
	n, tr := parse(wechatpaynotifytest.Resource(whole), merge(map[string]any{"out_trade_no": "O-2"}))
	if tr.OutTradeNo != "O-2" || tr.TradeType != "NATIVE" || tr.Amount.Total != 1 || tr.Attach != nil {
		t.Fatalf("resource %+v", tr)
	}
	raw, _ := json.Marshal(whole)
	n2, _ := parse(wechatpaynotifytest.Resource(json.RawMessage(raw)))
	if !bytes.Equal(n.Plaintext, bytes.Replace(n2.Plaintext, []byte(`"O-1"`), []byte(`"O-2"`), 1)) {
		t.Fatalf("raw resource %s, %s", n2.Plaintext, n.Plaintext)
	}

	// id, event_type; a fresh id by default.
	n, _ = parse(wechatpaynotifytest.ID("EV-42"), wechatpaynotifytest.EventType("TRANSACTION.SUCCESS"))
	a, _ := parse()
	b, _ := parse()
	if n.ID != "EV-42" || !strings.HasPrefix(a.ID, "EV-") || a.ID == b.ID {
		t.Fatalf("ids %s %s %s", n.ID, a.ID, b.ID)
	}
	header, body := callback(t, k, wechatpaynotify.EventRefund, wechatpaynotifytest.EventType("REFUND.CLOSED"))
	if n, err := v.Parse(header, body); err != nil || n.EventType != "REFUND.CLOSED" || n.Kind != wechatpaynotify.EventRefund {
		t.Fatalf("%v %v", n, err)
	}

	// At: the timestamp, in whole seconds; refused at the system clock.
	at := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	header, body = callback(t, k, wechatpaynotify.EventTransaction, wechatpaynotifytest.At(at))
	if header.Get("Wechatpay-Timestamp") != fmt.Sprint(at.Unix()) {
		t.Fatalf("timestamp %s", header.Get("Wechatpay-Timestamp"))
	}
	now := at.Add(time.Minute)
	atV := newVerifierAt(t, k, func() time.Time { return now })
	if n, err := atV.Parse(header, body); err != nil || !n.Timestamp.Equal(at) {
		t.Fatalf("%v %v", n, err)
	}
	_, err := v.Parse(header, body)
	wantCode(t, err, wechatpaynotify.CodeTimestampSkew)
	// A failure on the timestamp moves the given one.
	header, body = callback(t, k, wechatpaynotify.EventTransaction, wechatpaynotifytest.At(at), failure(wechatpaynotifytest.FailureStaleTimestamp))
	now = at.Add(-9 * time.Minute)
	if _, err := atV.Parse(header, body); err != nil {
		t.Fatal(err)
	}
}

func TestRequest(t *testing.T) {
	k := newKit(t)
	v := newVerifier(t, k)
	req, err := k.Request(wechatpaynotify.EventTransaction, wechatpaynotifytest.ID("EV-R"))
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != http.MethodPost || req.URL.Path != wechatpaynotifytest.DefaultTarget ||
		req.Header.Get("Content-Type") != "application/json" || req.Header.Get("Wechatpay-Signature") == "" ||
		req.ContentLength <= 0 || req.RemoteAddr == "" {
		t.Fatalf("request %s %s %v %d", req.Method, req.URL, req.Header, req.ContentLength)
	}
	n, err := v.ParseRequest(req)
	if err != nil || n.ID != "EV-R" {
		t.Fatalf("%v %v", n, err)
	}

	for target, want := range map[string]string{
		"/pay/notify?x=1":                     "/pay/notify",
		"https://shop.example/wechatpay/cb/1": "/wechatpay/cb/1",
	} {
		req, err := k.Request(wechatpaynotify.EventRefund, wechatpaynotifytest.Target(target))
		if err != nil || req.URL.Path != want {
			t.Fatalf("%s: %v %v", target, req, err)
		}
		if _, err := v.ParseRequest(req); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := k.Request(wechatpaynotify.EventRefund, wechatpaynotifytest.Target("no spaces allowed")); err == nil {
		t.Fatal("bad target accepted")
	}

	// The same callback posted to a real server by a client of one's own.
	var got *wechatpaynotify.Notification
	srv := httptest.NewServer(wechatpaynotify.NewHandler(v, func(_ context.Context, n *wechatpaynotify.Notification) error {
		got = n
		return nil
	}))
	defer srv.Close()
	header, body := callback(t, k, wechatpaynotify.EventTransferBill, wechatpaynotifytest.ID("EV-HTTP"))
	post, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	post.Header = header
	resp, err := http.DefaultClient.Do(post)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || got == nil || got.ID != "EV-HTTP" || got.Kind != wechatpaynotify.EventTransferBill {
		t.Fatalf("status %d, handler saw %v", resp.StatusCode, got)
	}
}

// TestCertificateKit: a certificate kit signs within its certificate's validity; outside it
// the callback is refused with KEY_EXPIRED. A kit's callbacks are refused by another kit's
// verifier.
func TestCertificateKit(t *testing.T) {
	k := newKit(t, wechatpaynotifytest.WithCertificate())
	v := newVerifier(t, k)
	now := time.Now()
	clock := now
	atV := newVerifierAt(t, k, func() time.Time { return clock })
	for _, at := range []time.Time{now.AddDate(6, 0, 0), now.AddDate(0, 0, -2)} {
		header, body := callback(t, k, wechatpaynotify.EventTransaction, wechatpaynotifytest.At(at))
		clock = at
		_, err := atV.Parse(header, body)
		wantCode(t, err, wechatpaynotify.CodeKeyExpired)
	}
	header, body := callback(t, k, wechatpaynotify.EventTransaction, wechatpaynotifytest.At(now.AddDate(4, 0, 0)))
	clock = now.AddDate(4, 0, 0)
	if _, err := atV.Parse(header, body); err != nil {
		t.Fatal(err)
	}

	other := newKit(t)
	header, body = callback(t, other, wechatpaynotify.EventTransaction)
	_, err := v.Parse(header, body)
	wantCode(t, err, wechatpaynotify.CodeUnknownSerial)
	// Under the serial the verifier knows, another key's signature does not verify.
	header.Set("Wechatpay-Serial", k.KeyID())
	_, err = v.Parse(header, body)
	wantCode(t, err, wechatpaynotify.CodeSignatureMismatch)
}

// TestMerchant: Kit.Merchant configures a kit as one merchant of a verifier for several; each
// kit's callbacks name their merchant, through the handler too.
func TestMerchant(t *testing.T) {
	kits := bothKits(t)
	pub, cert := kits["public key"], kits["certificate"]
	mp, mc := pub.Merchant("1900000001"), cert.Merchant("1900000002")
	if mp.MchID != "1900000001" || mp.APIv3Key != pub.APIv3Key() || mp.PublicKeys[pub.KeyID()] != pub.PublicKeyPEM() ||
		len(mp.PublicKeys) != 1 || mp.Certificates != nil {
		t.Fatalf("public-key kit merchant %v", mp)
	}
	if mc.APIv3Key != cert.APIv3Key() || len(mc.Certificates) != 1 || mc.Certificates[0] != cert.CertificatePEM() || mc.PublicKeys != nil {
		t.Fatalf("certificate kit merchant %v", mc)
	}
	v, err := wechatpaynotify.NewVerifier(wechatpaynotify.Config{Merchants: []wechatpaynotify.Merchant{mp, mc}})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	seen := map[string]string{}
	h := wechatpaynotify.NewHandler(v, func(_ context.Context, n *wechatpaynotify.Notification) error {
		seen[n.Serial] = n.MchID
		return nil
	})
	for _, k := range []*kitT{pub, cert} {
		rec := httptest.NewRecorder()
		req, err := k.Request(wechatpaynotify.EventRefund)
		if err != nil {
			t.Fatal(err)
		}
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	if seen[pub.KeyID()] != "1900000001" || seen[cert.KeyID()] != "1900000002" {
		t.Fatalf("merchants seen %v", seen)
	}
	// Another kit's callback: UNKNOWN_SERIAL listing the merchants' serials.
	header, body := callback(t, newKit(t), wechatpaynotify.EventTransaction)
	_, err = v.Parse(header, body)
	wantCode(t, err, wechatpaynotify.CodeUnknownSerial)
	if msg := err.Error(); !strings.Contains(msg, "1900000001 "+pub.KeyID()) || !strings.Contains(msg, "1900000002 "+cert.KeyID()) {
		t.Fatalf("UNKNOWN_SERIAL message %q", msg)
	}
	// A kit's failures are the same for a merchant: another APIv3 key fails to decrypt.
	header, body = callback(t, pub, wechatpaynotify.EventTransaction, failure(wechatpaynotifytest.FailureOtherAPIv3Key))
	_, err = v.Parse(header, body)
	wantCode(t, err, wechatpaynotify.CodeDecryptFailed)
}

func TestV2(t *testing.T) {
	k := newKit(t)
	v, err := k.V2Verifier()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()

	xml, err := k.V2Payment()
	if err != nil {
		t.Fatal(err)
	}
	fields, err := v.ParsePayment(xml)
	if err != nil || fields["return_code"] != "SUCCESS" || fields["out_trade_no"] == "" || fields["sign"] == "" {
		t.Fatalf("%v %v", fields, err)
	}
	xml, err = k.V2Payment(wechatpaynotifytest.Fields(map[string]string{"out_trade_no": "O-1"}),
		wechatpaynotifytest.Fields(map[string]string{"total_fee": "500"}), wechatpaynotifytest.SignHMACSHA256())
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/wechatpay/v2/notify", bytes.NewReader(xml))
	fields, err = v.ParsePaymentRequest(req)
	if err != nil || fields["out_trade_no"] != "O-1" || fields["total_fee"] != "500" || fields["sign_type"] != "HMAC-SHA256" {
		t.Fatalf("%v %v", fields, err)
	}

	xml, err = k.V2Refund(wechatpaynotifytest.Fields(map[string]string{"out_refund_no": "R-1"}))
	if err != nil {
		t.Fatal(err)
	}
	refund, err := v.ParseRefund(xml)
	if err != nil || refund.ReqInfo["out_refund_no"] != "R-1" || refund.Fields["return_code"] != "SUCCESS" {
		t.Fatalf("%+v %v", refund, err)
	}
	if _, err := k.V2Refund(wechatpaynotifytest.SignHMACSHA256()); err == nil {
		t.Fatal("a signed refund")
	}

	// Another kit's APIv2 key neither verifies the payment nor decrypts the refund.
	other, err := newKit(t).V2Verifier()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	payment, _ := k.V2Payment()
	_, err = other.ParsePayment(payment)
	wantCode(t, err, wechatpaynotify.CodeSignatureMismatch)
	_, err = other.ParseRefund(xml)
	wantCode(t, err, wechatpaynotify.CodeDecryptFailed)
}

func TestClose(t *testing.T) {
	k, err := wechatpaynotifytest.NewKit()
	if err != nil {
		t.Fatal(err)
	}
	v, err := k.Verifier()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	header, body := callback(t, k, wechatpaynotify.EventTransaction)
	id, cfg := k.KeyID(), k.Config()
	for i := 0; i < 3; i++ {
		if err := k.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for name, err := range map[string]error{
		"Callback":  func() error { _, _, err := k.Callback(wechatpaynotify.EventTransaction); return err }(),
		"Request":   func() error { _, err := k.Request(wechatpaynotify.EventTransaction); return err }(),
		"V2Payment": func() error { _, err := k.V2Payment(); return err }(),
		"V2Refund":  func() error { _, err := k.V2Refund(); return err }(),
	} {
		if !errors.Is(err, wechatpaynotifytest.ErrClosed) {
			t.Fatalf("%s after Close: %v", name, err)
		}
	}
	// What was read from the kit, and verifiers made from it, still work.
	if _, err := v.Parse(header, body); err != nil {
		t.Fatal(err)
	}
	if k.KeyID() != id || k.Config().APIv3Key != cfg.APIv3Key {
		t.Fatal("values changed by Close")
	}
	v2, err := k.Verifier()
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	if _, err := v2.Parse(header, body); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentUse shares one kit and one verifier between goroutines, each building
// callbacks of every kind and failure and parsing them, then closes the kit while others still
// build: every call either completes or returns ErrClosed.
func TestConcurrentUse(t *testing.T) {
	k := newKit(t)
	v := newVerifier(t, k)
	const goroutines, rounds = 8, 12
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				kind := wechatpaynotify.EventKinds[(g+i)%len(wechatpaynotify.EventKinds)]
				id := fmt.Sprintf("EV-%d-%d", g, i)
				header, body, err := k.Callback(kind, wechatpaynotifytest.ID(id))
				if err != nil {
					errs <- err
					return
				}
				n, err := v.Parse(header, body)
				if err != nil || n.ID != id || n.Kind != kind {
					errs <- fmt.Errorf("%s: %v %v", kind, n, err)
					return
				}
				f := wechatpaynotifytest.FailureKinds[(g+i)%len(wechatpaynotifytest.FailureKinds)]
				header, body, err = k.Callback(kind, failure(f))
				if err != nil {
					errs <- err
					return
				}
				if _, err := v.Parse(header, body); wechatpaynotify.CodeOf(err) != f.Code() {
					errs <- fmt.Errorf("%s: %v", f, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	closing := newKit(t)
	start := make(chan struct{})
	var built sync.WaitGroup
	for g := 0; g < 4; g++ {
		built.Add(1)
		go func() {
			defer built.Done()
			<-start
			for {
				_, err := closing.Request(wechatpaynotify.EventRefund)
				if errors.Is(err, wechatpaynotifytest.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("request: %v", err)
					return
				}
			}
		}()
	}
	close(start)
	time.Sleep(20 * time.Millisecond)
	closing.Close()
	built.Wait()
}
