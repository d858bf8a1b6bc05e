package wechatpaynotify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/wechatpaynotifytest"
)

// The diagnosis of the Go binding: every check of docs/protocol.md past failures, the verdict
// Parse gives, and the signs of a re-serialized body (docs/protocol.md, "Signs of a
// re-serialized body"), on callbacks of the testing kit (package wechatpaynotifytest).

// diagKit is a kit of the test's own, closed when the test ends.
func diagKit(t testing.TB) *wechatpaynotifytest.Kit {
	t.Helper()
	k, err := wechatpaynotifytest.NewKit()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

// diagVerifier is a verifier for k with the clock now (nil: the system clock), closed when the
// test ends.
func diagVerifier(t testing.TB, k *wechatpaynotifytest.Kit, now func() time.Time) *wechatpaynotify.Verifier {
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

// diagCallback builds a payment callback of k.
func diagCallback(t testing.TB, k *wechatpaynotifytest.Kit, opts ...wechatpaynotifytest.CallbackOption) (http.Header, []byte) {
	t.Helper()
	h, b, err := k.Callback(wechatpaynotify.EventTransaction, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h, b
}

// mustDiagnose diagnoses a callback, which must succeed (a refusal is a diagnosis), and checks
// what holds for every APIv3 diagnosis: 16 checks, steps 0-15 in order, each named, a code on
// the failed ones only, and a verdict that is Parse's.
func mustDiagnose(t testing.TB, v *wechatpaynotify.Verifier, h http.Header, body []byte) *wechatpaynotify.Diagnosis {
	t.Helper()
	d, err := v.Diagnose(h, body)
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if len(d.Checks) != 16 {
		t.Fatalf("%d checks, want 16:\n%v", len(d.Checks), d)
	}
	for i, c := range d.Checks {
		if c.Step != i || c.Name == "" {
			t.Fatalf("check %d: %+v", i, c)
		}
		if (c.Status == wechatpaynotify.Failed) != (c.Code != "") {
			t.Fatalf("check %d: status %v with code %q", i, c.Status, c.Code)
		}
		if (c.Status == wechatpaynotify.Passed) != (c.Message == "") {
			t.Fatalf("check %d: status %v with message %q", i, c.Status, c.Message)
		}
	}
	n, err := v.Parse(h, body)
	if d.Accepted() != (err == nil) {
		t.Fatalf("diagnosis accepted %v, Parse: %v\n%v", d.Accepted(), err, d)
	}
	if err != nil {
		var got, want *wechatpaynotify.Error
		if !errors.As(d.Err, &got) || !errors.As(err, &want) || *got != *want {
			t.Fatalf("verdict %v, Parse %v", d.Err, err)
		}
		if d.Notification != nil {
			t.Fatalf("a refused callback with a notification: %v", d.Notification)
		}
	} else if d.Notification == nil || d.Err != nil || d.Notification.ID != n.ID ||
		!bytes.Equal(d.Notification.Plaintext, n.Plaintext) || d.Notification.String() != n.String() {
		t.Fatalf("diagnosis %v, Parse %v", d.Notification, n)
	}
	return d
}

// step10 is the signature check, which must have failed with SIGNATURE_MISMATCH.
func step10(t testing.TB, d *wechatpaynotify.Diagnosis) wechatpaynotify.Check {
	t.Helper()
	c := d.Checks[10]
	if c.Status != wechatpaynotify.Failed || c.Code != wechatpaynotify.CodeSignatureMismatch {
		t.Fatalf("step 10: %v\n%v", c, d)
	}
	if d.Accepted() || !errors.Is(d.Err, wechatpaynotify.ErrSignatureMismatch) {
		t.Fatalf("verdict %v", d.Err)
	}
	return c
}

func TestDiagnoseAccepted(t *testing.T) {
	k := diagKit(t)
	v := diagVerifier(t, k, nil)
	h, body := diagCallback(t, k, wechatpaynotifytest.ID("EV-DIAGNOSE-0001"))
	d := mustDiagnose(t, v, h, body)
	for _, c := range d.Checks {
		if c.Status != wechatpaynotify.Passed {
			t.Fatalf("check %v\n%v", c, d)
		}
	}
	if !d.Accepted() || d.Err != nil || len(d.Hints) != 0 {
		t.Fatalf("accepted %v, err %v, hints %q", d.Accepted(), d.Err, d.Hints)
	}
	if d.Notification.ID != "EV-DIAGNOSE-0001" || d.Notification.Kind != wechatpaynotify.EventTransaction ||
		d.Notification.Serial != k.KeyID() {
		t.Fatalf("notification %v", d.Notification)
	}
	payment, err := d.Notification.Transaction()
	if err != nil || payment.OutTradeNo == "" {
		t.Fatalf("the diagnosis's notification: %+v %v", payment, err)
	}
	s := d.String()
	for _, want := range []string{"Checks (APIv3)\n  ✓  0 ", "\n  ✓ 10 ", "\n  ✓ 15 ", "\nVerdict: OK (accepted), id EV-DIAGNOSE-0001"} {
		if !strings.Contains(s, want) {
			t.Fatalf("String lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "Signs") || strings.Count(s, "\n") != 17 {
		t.Fatalf("String:\n%s", s)
	}
}

func TestDiagnoseTampered(t *testing.T) {
	k := diagKit(t)
	v := diagVerifier(t, k, nil)
	h, body := diagCallback(t, k, wechatpaynotifytest.Failure(wechatpaynotifytest.FailureTamperedBody))
	d := mustDiagnose(t, v, h, body)
	c := step10(t, d)
	// A compact body: no sign, and step 10's message is the verdict's.
	if len(d.Hints) != 0 || c.Message != d.Err.(*wechatpaynotify.Error).Message {
		t.Fatalf("hints %q, step 10 %q, verdict %v", d.Hints, c.Message, d.Err)
	}
	for i, c := range d.Checks {
		if i != 10 && c.Status == wechatpaynotify.Failed {
			t.Fatalf("check %v also failed", c)
		}
	}
	s := d.String()
	for _, want := range []string{"\n  ✗ 10 ", "\n       SIGNATURE_MISMATCH: " + c.Message + "\n",
		"\nVerdict: SIGNATURE_MISMATCH (rejected)"} {
		if !strings.Contains(s, want) {
			t.Fatalf("String lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "Signs") || !strings.HasSuffix(s, "(rejected)") {
		t.Fatalf("String:\n%s", s)
	}
	if got := c.String(); got != "✗ 10 "+c.Name+": SIGNATURE_MISMATCH: "+c.Message {
		t.Fatalf("Check.String %q", got)
	}
	if wechatpaynotify.Passed.String() != "passed" || wechatpaynotify.Failed.String() != "failed" ||
		wechatpaynotify.Skipped.String() != "skipped" {
		t.Fatal("CheckStatus.String")
	}
}

// The signs of a re-serialized body: the exact names the core gives
// (crates/wechatpay-notify/tests/reserialized.rs, tests/python/test_diagnosis_hints.py), in
// Hints and in step 10's message, never in the verdict.
func TestDiagnoseReserialized(t *testing.T) {
	k := diagKit(t)
	v := diagVerifier(t, k, nil)
	pretty := []string{"line_breaks", "indentation", "space_after_colon"}

	// The kit's re-serialized callback (serde_json's pretty printer).
	h, body := diagCallback(t, k, wechatpaynotifytest.Failure(wechatpaynotifytest.FailureReserialized))
	d := mustDiagnose(t, v, h, body)
	c := step10(t, d)
	if !slices.Equal(d.Hints, pretty) {
		t.Fatalf("hints %q, want %q", d.Hints, pretty)
	}
	verdict := d.Err.(*wechatpaynotify.Error).Message
	if !strings.Contains(c.Message, "the body looks re-serialized: it has") || !strings.HasPrefix(c.Message, verdict+"; ") ||
		!strings.Contains(c.Message, "line breaks inside the JSON (pretty-printed)") {
		t.Fatalf("step 10: %q", c.Message)
	}
	if strings.Contains(verdict, "looks re-serialized") {
		t.Fatalf("the verdict names the signs: %q", verdict)
	}
	// The diagnosis goes on: the re-serialized resource still decrypts.
	if d.Checks[14].Status != wechatpaynotify.Passed {
		t.Fatalf("step 14: %v", d.Checks[14])
	}
	if !strings.HasSuffix(d.String(), "\nSigns of a re-serialized body: line_breaks, indentation, space_after_colon") {
		t.Fatalf("String:\n%s", d)
	}

	// A good body re-indented by encoding/json.
	h, body = diagCallback(t, k)
	var indented bytes.Buffer
	if err := json.Indent(&indented, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	d = mustDiagnose(t, v, h, indented.Bytes())
	if c := step10(t, d); !slices.Equal(d.Hints, pretty) || !strings.Contains(c.Message, "looks re-serialized") {
		t.Fatalf("json.Indent: hints %q, step 10 %q", d.Hints, c.Message)
	}

	// Python's json.dumps defaults: ", " and ": " separators, non-ASCII as \uXXXX.
	h, body = diagCallback(t, k, wechatpaynotifytest.ID("EV/2024/1"))
	compact := string(body)
	if !strings.Contains(compact, "支付成功") {
		t.Fatalf("the kit's payment has another summary: %s", compact)
	}
	python := strings.NewReplacer(`","`, `", "`, `":`, `": `, "支付成功", `\u652f\u4ed8\u6210\u529f`).Replace(compact)
	d = mustDiagnose(t, v, h, []byte(python))
	step10(t, d)
	got := slices.Clone(d.Hints)
	slices.Sort(got)
	if !slices.Equal(got, []string{"space_after_colon", "space_after_comma", "unicode_escapes"}) {
		t.Fatalf("json.dumps: hints %q", d.Hints)
	}
	if !strings.Contains(d.Checks[10].Message, `non-ASCII text escaped as \uXXXX`) {
		t.Fatalf("step 10: %q", d.Checks[10].Message)
	}
	// PHP's json_encode default: "\/".
	php := strings.ReplaceAll(compact, "EV/2024/1", `EV\/2024\/1`)
	d = mustDiagnose(t, v, h, []byte(php))
	step10(t, d)
	if !slices.Equal(d.Hints, []string{"escaped_slashes"}) {
		t.Fatalf("json_encode: hints %q", d.Hints)
	}
}

// A compact body whose signature does not match has no sign of re-serialization.
func TestDiagnoseNoHints(t *testing.T) {
	k := diagKit(t)
	v := diagVerifier(t, k, nil)
	// Another callback's signature.
	h, body := diagCallback(t, k, wechatpaynotifytest.ID("EV-DIAGNOSE-0002"))
	other, _ := diagCallback(t, k, wechatpaynotifytest.ID("EV-DIAGNOSE-0003"))
	h.Set("Wechatpay-Signature", other.Get("Wechatpay-Signature"))
	d := mustDiagnose(t, v, h, body)
	if c := step10(t, d); len(d.Hints) != 0 || c.Message != d.Err.(*wechatpaynotify.Error).Message ||
		strings.Contains(c.Message, "looks re-serialized") {
		t.Fatalf("hints %q, step 10 %q", d.Hints, c.Message)
	}
	// A capture's final line break is not a sign either.
	h, body = diagCallback(t, k, wechatpaynotifytest.Failure(wechatpaynotifytest.FailureTamperedBody))
	d = mustDiagnose(t, v, h, append(body, "\r\n"...))
	if step10(t, d); len(d.Hints) != 0 {
		t.Fatalf("hints %q", d.Hints)
	}
	// A pretty-printed body under an unknown serial: step 10 never runs, so no sign is looked for.
	h, body = diagCallback(t, k, wechatpaynotifytest.Failure(wechatpaynotifytest.FailureReserialized))
	h.Set("Wechatpay-Serial", "PUB_KEY_ID_0000000000000000000000000000")
	d = mustDiagnose(t, v, h, body)
	if wechatpaynotify.CodeOf(d.Err) != wechatpaynotify.CodeUnknownSerial || len(d.Hints) != 0 ||
		d.Checks[10].Status != wechatpaynotify.Skipped || d.Checks[10].Message == "" {
		t.Fatalf("unknown serial: %v, hints %q\n%v", d.Err, d.Hints, d)
	}
	if !strings.Contains(d.String(), "\n  - 10 "+d.Checks[10].Name+" (skipped: ") {
		t.Fatalf("String:\n%s", d)
	}
}

// The diagnosis reads the verifier's clock (Config.Now), as Parse does, and goes on past a
// failed timestamp.
func TestDiagnoseClock(t *testing.T) {
	k := diagKit(t)
	sent := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	h, body := diagCallback(t, k, wechatpaynotifytest.At(sent))
	d := mustDiagnose(t, diagVerifier(t, k, func() time.Time { return sent.Add(time.Minute) }), h, body)
	if !d.Accepted() || !d.Notification.Timestamp.Equal(sent) {
		t.Fatalf("at the time sent: %v", d)
	}
	d = mustDiagnose(t, diagVerifier(t, k, nil), h, body)
	if wechatpaynotify.CodeOf(d.Err) != wechatpaynotify.CodeTimestampSkew ||
		d.Checks[5].Code != wechatpaynotify.CodeTimestampSkew || d.Checks[10].Status != wechatpaynotify.Passed {
		t.Fatalf("now: %v", d)
	}
}

func TestDiagnoseRequest(t *testing.T) {
	k := diagKit(t)
	v := diagVerifier(t, k, nil)
	req, err := k.Request(wechatpaynotify.EventRefund, wechatpaynotifytest.ID("EV-DIAGNOSE-0004"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := v.DiagnoseRequest(req)
	if err != nil || !d.Accepted() || d.Notification.ID != "EV-DIAGNOSE-0004" || d.Notification.Kind != wechatpaynotify.EventRefund {
		t.Fatalf("%v %v", d, err)
	}
	// The body can be read again, and parses.
	if _, err := v.ParseRequest(req); err != nil {
		t.Fatal(err)
	}
	// A body too large is step 0's failure.
	big := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(make([]byte, v.MaxBodySize()+10)))
	big.Header = req.Header
	d, err = v.DiagnoseRequest(big)
	if err != nil || d.Checks[0].Code != wechatpaynotify.CodeBodyTooLarge || wechatpaynotify.CodeOf(d.Err) != wechatpaynotify.CodeBodyTooLarge {
		t.Fatalf("%v %v", d, err)
	}
	if rest, _ := io.ReadAll(big.Body); len(rest) != v.MaxBodySize()+10 {
		t.Fatalf("%d bytes read back", len(rest))
	}
	// A body that cannot be read is not a diagnosis.
	broken := httptest.NewRequest(http.MethodPost, "/notify", io.MultiReader(strings.NewReader("{"), errReader{}))
	if d, err := v.DiagnoseRequest(broken); d != nil || err == nil || wechatpaynotify.CodeOf(err) != "" {
		t.Fatalf("%v %v", d, err)
	}
}

// errReader fails every read.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestDiagnoseClosed(t *testing.T) {
	k := diagKit(t)
	v := diagVerifier(t, k, nil)
	h, body := diagCallback(t, k)
	v.Close()
	if d, err := v.Diagnose(h, body); d != nil || !errors.Is(err, wechatpaynotify.ErrClosed) {
		t.Fatalf("%v %v", d, err)
	}
	v2, err := k.V2Verifier()
	if err != nil {
		t.Fatal(err)
	}
	v2.Close()
	if d, err := v2.Diagnose([]byte("<xml></xml>")); d != nil || !errors.Is(err, wechatpaynotify.ErrClosed) {
		t.Fatalf("%v %v", d, err)
	}
}

func TestV2Diagnose(t *testing.T) {
	k := diagKit(t)
	v, err := k.V2Verifier()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	payment, err := k.V2Payment(wechatpaynotifytest.Fields(map[string]string{"total_fee": "888"}))
	if err != nil {
		t.Fatal(err)
	}
	d, err := v.Diagnose(payment)
	if err != nil || !d.Accepted() || d.Err != nil || d.Notification != nil || len(d.Hints) != 0 || len(d.Checks) != 7 {
		t.Fatalf("%v %v", d, err)
	}
	for i, c := range d.Checks {
		if c.Step != i || c.Name == "" || c.Status != wechatpaynotify.Passed || c.Code != "" {
			t.Fatalf("check %v", c)
		}
	}
	if s := d.String(); !strings.HasPrefix(s, "Checks (APIv2)\n  ✓  0 ") || !strings.HasSuffix(s, "\nVerdict: OK (accepted)") {
		t.Fatalf("String:\n%s", s)
	}
	// A changed amount: the verdict is ParsePayment's.
	tampered := bytes.Replace(payment, []byte("888"), []byte("1"), 1)
	d, err = v.Diagnose(tampered)
	_, want := v.ParsePayment(tampered)
	if err != nil || d.Accepted() || !errors.Is(d.Err, wechatpaynotify.ErrSignatureMismatch) || d.Err.Error() != want.Error() {
		t.Fatalf("%v %v, ParsePayment %v", d, err, want)
	}
	failed := slices.IndexFunc(d.Checks, func(c wechatpaynotify.Check) bool { return c.Status == wechatpaynotify.Failed })
	if failed < 0 || d.Checks[failed].Code != wechatpaynotify.CodeSignatureMismatch || len(d.Hints) != 0 {
		t.Fatalf("%v", d)
	}
	// A refund: 6 checks.
	refund, err := k.V2Refund()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/v2/notify", bytes.NewReader(refund))
	d, err = v.DiagnoseRequest(req)
	if err != nil || !d.Accepted() || len(d.Checks) != 6 || d.Notification != nil {
		t.Fatalf("%v %v", d, err)
	}
	if _, err := v.ParseRefundRequest(req); err != nil {
		t.Fatal(err)
	}
	// An APIv3 body: refused as the parse functions refuse it.
	_, json3, err := k.Callback(wechatpaynotify.EventTransaction)
	if err != nil {
		t.Fatal(err)
	}
	d, err = v.Diagnose(json3)
	if err != nil || wechatpaynotify.CodeOf(d.Err) != wechatpaynotify.CodeWrongFormat {
		t.Fatalf("%v %v", d, err)
	}
}

// One verifier diagnosing from many goroutines (run with -race).
func TestDiagnoseConcurrent(t *testing.T) {
	k := diagKit(t)
	v := diagVerifier(t, k, nil)
	good, goodBody := diagCallback(t, k)
	bad, badBody := diagCallback(t, k, wechatpaynotifytest.Failure(wechatpaynotifytest.FailureReserialized))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				d, err := v.Diagnose(good, goodBody)
				if err != nil || !d.Accepted() {
					errs <- errors.Join(err, errors.New("good callback refused"))
					return
				}
				d, err = v.Diagnose(bad, badBody)
				if err != nil || d.Accepted() || len(d.Hints) != 3 {
					errs <- errors.Join(err, errors.New("re-serialized callback misdiagnosed"))
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
