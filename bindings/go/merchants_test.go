package wechatpaynotify

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/internal/testkit"
)

// newCertKit returns a certificate kit of the test's own.
func newCertKit(t testing.TB) *testKit {
	t.Helper()
	k, err := testkit.New(true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return &testKit{k}
}

// merchantVerifier builds a verifier of cfg, closed when the test ends.
func merchantVerifier(t testing.TB, cfg Config) *Verifier {
	t.Helper()
	v, err := NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// wantMessage checks that err has code and that its message contains every one of subs and
// none of the secrets.
func wantMessage(t testing.TB, err error, code Code, subs []string, secrets ...string) {
	t.Helper()
	wantCode(t, err, code)
	msg := err.(*Error).Message
	for _, s := range subs {
		if !strings.Contains(msg, s) {
			t.Fatalf("%s message %q does not contain %q", code, msg, s)
		}
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) || strings.Contains(fmt.Sprintf("%#v", err), s) {
			t.Fatalf("%s message reveals a key: %q", code, msg)
		}
	}
}

// TestMerchants: one verifier for three merchants (two public keys, one certificate) names
// each callback's merchant, through Parse, ParseRequest and the handler; a single-merchant
// verifier names none.
func TestMerchants(t *testing.T) {
	a, b, c := newTestKit(t), newCertKit(t), newTestKit(t)
	v := merchantVerifier(t, Config{Merchants: []Merchant{
		a.merchant("1900000001"), b.merchant("1900000002"), c.merchant("1900000003"),
	}})
	if got := v.MchIDs(); !slices.Equal(got, []string{"1900000001", "1900000002", "1900000003"}) {
		t.Fatalf("MchIDs %v", got)
	}
	v.MchIDs()[0] = "changed" // a copy
	if v.MchIDs()[0] != "1900000001" {
		t.Fatal("MchIDs returned the verifier's own slice")
	}
	if got, want := v.KeyIDs(), []string{a.Info().KeyID, b.Info().KeyID, c.Info().KeyID}; !slices.Equal(got, want) {
		t.Fatalf("KeyIDs %v, want %v (merchant by merchant)", got, want)
	}

	now := time.Now()
	for _, m := range []struct {
		kit   *testKit
		mchid string
	}{{a, "1900000001"}, {b, "1900000002"}, {c, "1900000003"}, {a, "1900000001"}} {
		h, body, id := m.kit.notification(t, now)
		n, err := v.Parse(h, body)
		if err != nil {
			t.Fatalf("%s: %v", m.mchid, err)
		}
		if n.MchID != m.mchid || n.ID != id || n.Serial != m.kit.Info().KeyID || n.Kind != EventTransaction {
			t.Fatalf("%s: %v", m.mchid, n)
		}
		if s := n.String(); !strings.Contains(s, `MchID:"`+m.mchid+`"`) || strings.Contains(s, "out_trade_no") {
			t.Fatalf("String %s", s)
		}
		if err := v.Verify(h, body); err != nil {
			t.Fatalf("%s: verify: %v", m.mchid, err)
		}
		req := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
		req.Header = h
		if rn, err := v.ParseRequest(req); err != nil || rn.MchID != m.mchid {
			t.Fatalf("%s: ParseRequest %v %v", m.mchid, rn, err)
		}
		if _, err := n.Transaction(); err != nil {
			t.Fatalf("%s: %v", m.mchid, err)
		}
	}

	// Through the handler.
	var got []string
	handler := NewHandler(v, func(_ context.Context, n *Notification) error {
		got = append(got, n.MchID)
		return nil
	})
	for _, k := range []*testKit{c, b, a} {
		h, body, _ := k.notification(t, time.Now())
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
		req.Header = h
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("handler: %d %s", rec.Code, rec.Body)
		}
	}
	if !slices.Equal(got, []string{"1900000003", "1900000002", "1900000001"}) {
		t.Fatalf("handler saw %v", got)
	}

	// A verifier of several merchants has no one APIv3 key for a certificate download.
	_, err := v.DecryptCertificates([]byte(`{"data":[]}`))
	wantMessage(t, err, CodeConfigInvalid, nil, a.Info().APIv3Key, b.Info().APIv3Key, c.Info().APIv3Key)

	// A single-merchant verifier names no merchant, and has none; an empty Merchants is the
	// single-merchant form.
	for _, cfg := range []Config{a.config(), func() Config { cfg := a.config(); cfg.Merchants = []Merchant{}; return cfg }()} {
		single := merchantVerifier(t, cfg)
		h, body, _ := a.notification(t, now)
		n, err := single.Parse(h, body)
		if err != nil || n.MchID != "" || strings.Contains(n.String(), "MchID") {
			t.Fatalf("single merchant: %v %v", n, err)
		}
		if ids := single.MchIDs(); ids != nil {
			t.Fatalf("single merchant MchIDs %v", ids)
		}
	}

	// Closed: MchIDs stays what it was, calls fail with ErrClosed.
	v.Close()
	if len(v.MchIDs()) != 3 {
		t.Fatal("MchIDs after Close")
	}
	h, body, _ := a.notification(t, now)
	if _, err := v.Parse(h, body); err != ErrClosed {
		t.Fatalf("after Close: %v", err)
	}
}

// TestMerchantsUnknownSerial: UNKNOWN_SERIAL lists the configured serials merchant by
// merchant, and no APIv3 key.
func TestMerchantsUnknownSerial(t *testing.T) {
	a, b, stranger := newTestKit(t), newCertKit(t), newTestKit(t)
	v := merchantVerifier(t, Config{Merchants: []Merchant{a.merchant("1900000001"), b.merchant("1900000002")}})
	now := time.Now()
	h, body, _ := stranger.notification(t, now)
	_, err := v.Parse(h, body)
	wantMessage(t, err, CodeUnknownSerial, []string{
		stranger.Info().KeyID,
		"1900000001 " + a.Info().KeyID,
		"1900000002 " + b.Info().KeyID,
	}, a.Info().APIv3Key, b.Info().APIv3Key)
	wantCode(t, v.Verify(h, body), CodeUnknownSerial)
}

// TestMerchantsSharedKey: one serial for several merchants with the same key is shared, their
// APIv3 keys tried in configuration order; with another key under it, it is CONFIG_INVALID.
func TestMerchantsSharedKey(t *testing.T) {
	a, b, c := newTestKit(t), newTestKit(t), newCertKit(t)
	ai := a.Info()
	// Merchant "other" configures a's key with its own APIv3 key (b's): a sub-merchant of the
	// same 服务商, say.
	other := func(mchid string, apiv3Key string) Merchant {
		return Merchant{MchID: mchid, APIv3Key: apiv3Key, PublicKeys: map[string]string{ai.KeyID: ai.PublicKeyPEM}}
	}
	now := time.Now()
	h, body, _ := a.notification(t, now)

	// a's callback opens with a's APIv3 key: after trying merchant 1900000002's first.
	v := merchantVerifier(t, Config{Merchants: []Merchant{other("1900000002", b.Info().APIv3Key), a.merchant("1900000001")}})
	if ids := v.KeyIDs(); !slices.Equal(ids, []string{ai.KeyID}) {
		t.Fatalf("a shared key is one key: %v", ids)
	}
	n, err := v.Parse(h, body)
	if err != nil || n.MchID != "1900000001" || n.Serial != ai.KeyID {
		t.Fatalf("shared key: %v %v", n, err)
	}

	// No merchant of the key has the APIv3 key that opens it: DECRYPT_FAILED naming them.
	v = merchantVerifier(t, Config{Merchants: []Merchant{
		other("1900000002", b.Info().APIv3Key), c.merchant("1900000003"), other("1900000004", c.Info().APIv3Key),
	}})
	_, err = v.Parse(h, body)
	wantMessage(t, err, CodeDecryptFailed, []string{"1900000002", "1900000004"}, ai.APIv3Key, b.Info().APIv3Key, c.Info().APIv3Key)
	if strings.Contains(err.Error(), "1900000003") {
		t.Fatalf("names a merchant the key is not configured for: %v", err)
	}
	if err := v.Verify(h, body); err != nil {
		t.Fatalf("verify needs no APIv3 key: %v", err)
	}

	// One serial, two different keys: refused, naming the serial and both merchants.
	_, err = NewVerifier(Config{Merchants: []Merchant{
		a.merchant("1900000001"),
		{MchID: "1900000002", APIv3Key: b.Info().APIv3Key, PublicKeys: map[string]string{ai.KeyID: b.Info().PublicKeyPEM}},
	}})
	wantMessage(t, err, CodeConfigInvalid, []string{ai.KeyID, "1900000001", "1900000002"}, ai.APIv3Key, b.Info().APIv3Key)
}

// TestMerchantsConfig: the rules of docs/merchants.md, each CONFIG_INVALID with a message
// saying what and never a key.
func TestMerchantsConfig(t *testing.T) {
	a, b := newTestKit(t), newCertKit(t)
	ma, mb := a.merchant("1900000001"), b.merchant("1900000002")
	secrets := []string{a.Info().APIv3Key, b.Info().APIv3Key}
	cases := []struct {
		name string
		cfg  Config
		subs []string
	}{
		{"merchants and an APIv3 key", Config{APIv3Key: a.Info().APIv3Key, Merchants: []Merchant{ma}}, []string{"not both"}},
		{"merchants and public keys", Config{PublicKeys: a.config().PublicKeys, Merchants: []Merchant{mb}}, []string{"not both"}},
		{"merchants and certificates", Config{Certificates: b.config().Certificates, Merchants: []Merchant{ma}}, []string{"not both"}},
		{"the single form in full and merchants", func() Config { cfg := a.config(); cfg.Merchants = []Merchant{mb}; return cfg }(), []string{"not both"}},
		{"empty mchid", Config{Merchants: []Merchant{ma, {APIv3Key: b.Info().APIv3Key, Certificates: mb.Certificates}}}, []string{"mchid"}},
		{"blank mchid", Config{Merchants: []Merchant{{MchID: " ", APIv3Key: b.Info().APIv3Key, Certificates: mb.Certificates}}}, []string{"mchid"}},
		{"a merchant twice", Config{Merchants: []Merchant{ma, {MchID: "1900000001", APIv3Key: b.Info().APIv3Key, Certificates: mb.Certificates}}}, []string{"1900000001"}},
		{"a merchant without keys", Config{Merchants: []Merchant{ma, {MchID: "1900000002", APIv3Key: b.Info().APIv3Key}}}, []string{"1900000002"}},
		{"a short APIv3 key", Config{Merchants: []Merchant{ma, {MchID: "1900000002", APIv3Key: "short", Certificates: mb.Certificates}}}, []string{"1900000002"}},
		{"no APIv3 key", Config{Merchants: []Merchant{{MchID: "1900000002", Certificates: mb.Certificates}}}, []string{"1900000002"}},
		{"a certificate twice in one merchant", Config{Merchants: []Merchant{{MchID: "1900000002", APIv3Key: b.Info().APIv3Key,
			Certificates: []string{mb.Certificates[0], mb.Certificates[0]}}}}, []string{b.Info().KeyID, "1900000002"}},
		{"a garbage key", Config{Merchants: []Merchant{ma, {MchID: "1900000002", APIv3Key: b.Info().APIv3Key,
			PublicKeys: map[string]string{"PUB_KEY_ID_0114232134912410000000000099": "garbage"}}}}, nil},
		{"an mchid that is not UTF-8", Config{Merchants: []Merchant{{MchID: "19\xff", APIv3Key: b.Info().APIv3Key, Certificates: mb.Certificates}}}, []string{"mchid"}},
	}
	before := liveHandles.Load()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := NewVerifier(c.cfg)
			if v != nil {
				v.Close()
			}
			wantMessage(t, err, CodeConfigInvalid, c.subs, secrets...)
			if v != nil {
				t.Fatal("a verifier was returned")
			}
		})
	}
	if liveHandles.Load() != before {
		t.Fatal("a refused configuration left a verifier behind")
	}

	// Merchant prints no APIv3 key.
	for _, s := range []string{fmt.Sprint(ma), fmt.Sprintf("%v %+v %#v", ma, ma, ma), fmt.Sprintf("%+v", Config{Merchants: []Merchant{ma}})} {
		if strings.Contains(s, a.Info().APIv3Key) || !strings.Contains(s, "1900000001") {
			t.Fatalf("Merchant prints %s", s)
		}
	}
}

// TestMerchantsConcurrent: goroutines parse the callbacks of different merchants with one
// verifier at the same time, each getting its own merchant.
func TestMerchantsConcurrent(t *testing.T) {
	kits := []*testKit{newTestKit(t), newCertKit(t), newTestKit(t)}
	var merchants []Merchant
	for i, k := range kits {
		merchants = append(merchants, k.merchant(fmt.Sprintf("19000000%02d", i+1)))
	}
	v := merchantVerifier(t, Config{Merchants: merchants})
	now := time.Now()
	type signed struct {
		h     http.Header
		body  []byte
		mchid string
	}
	var calls []signed
	for i, k := range kits {
		h, body, _ := k.notification(t, now)
		calls = append(calls, signed{h, body, merchants[i].MchID})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				c := calls[(g+i)%len(calls)]
				n, err := v.Parse(c.h, c.body)
				if err != nil || n.MchID != c.mchid {
					errs <- fmt.Errorf("want %s: %v %v", c.mchid, n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
