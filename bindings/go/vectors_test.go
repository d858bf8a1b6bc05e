package wechatpaynotify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestVectors runs every case of tests/vectors/notifications.json through the public API.
func TestVectors(t *testing.T) {
	vectors := loadVectors(t)
	if len(vectors.Cases) < 100 {
		t.Fatalf("only %d cases", len(vectors.Cases))
	}
	seen := map[Code]bool{}
	names := map[string]bool{}
	for i := range vectors.Cases {
		c := &vectors.Cases[i]
		if names[c.Name] {
			t.Fatalf("duplicate case %s", c.Name)
		}
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			var err error
			switch c.Type {
			case "v3_parse", "v3_verify":
				err = runV3(t, vectors, c, seen)
			case "v3_config":
				_, err = NewVerifier(vectors.Verifiers[c.Verifier].config(t))
			case "v2_config":
				_, err = NewV2Verifier(vectors.V2Keys[c.V2Key])
			case "v2_payment", "v2_refund":
				err = runV2(t, vectors, c)
			default:
				t.Fatalf("unknown case type %s", c.Type)
			}
			want := c.expect(t)
			if want.Error == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(want.MessageContains) > 0 {
					t.Fatal("expect.message_contains on a case that expects no error")
				}
				return
			}
			wantCode(t, err, want.Error)
			if !errors.Is(err, &Error{Code: want.Error}) {
				t.Fatalf("errors.Is does not match the code sentinel of %v", err)
			}
			msg := err.(*Error).Message
			for _, sub := range want.MessageContains {
				if !strings.Contains(msg, sub) {
					t.Fatalf("message %q does not contain %q", msg, sub)
				}
			}
			seen[want.Error] = true
		})
	}
	for _, code := range Codes {
		if !seen[code] {
			t.Errorf("no vector case ran for %s", code)
		}
	}
}

// runV3 runs a v3 case with Parse/Verify on a verifier whose clock reads the case's time
// (Config.Now), checks the successful result (envelope, kind and every typed accessor), and
// checks that ParseRequest on an equivalent request agrees. The codes the accessors give are added to seen.
func runV3(t *testing.T, vectors *vectorFile, c *vectorCase, seen map[Code]bool) error {
	v := c.verifier(t, vectors) // its clock reads the case's time
	header, body := c.header(), c.body(t)
	if c.Type == "v3_verify" {
		return v.Verify(header, body)
	}
	n, err := v.Parse(header, body)
	verr := v.Verify(header, body)
	// Steps 0-10 agree with Verify.
	if err == nil && verr != nil {
		t.Fatalf("parse ok but verify failed: %v", verr)
	}
	if code := CodeOf(err); code != "" && (code.IsAuthenticity() || code == CodeWrongFormat) && CodeOf(verr) != code {
		t.Fatalf("parse %v, verify %v", err, verr)
	}
	// ParseRequest on the same request, same time, same outcome; the body stays readable.
	req := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
	req.Header = c.header()
	rn, rerr := v.ParseRequest(req)
	if CodeOf(rerr) != CodeOf(err) || (rerr == nil) != (err == nil) {
		t.Fatalf("ParseRequest %v, Parse %v", rerr, err)
	}
	restored := new(bytes.Buffer)
	if _, e := restored.ReadFrom(req.Body); e != nil || !bytes.Equal(restored.Bytes(), body) {
		t.Fatalf("request body not restored (%v)", e)
	}
	if err != nil {
		return err
	}
	want := c.expect(t)
	if !want.OK {
		t.Fatalf("accepted, expected %s", c.Expect)
	}
	got := vectorExpect{
		OK: true, ID: n.ID, CreateTime: n.CreateTime, EventType: n.EventType,
		ResourceType: n.ResourceType, Summary: n.Summary, OriginalType: n.OriginalType,
		Plaintext: string(n.Plaintext),
	}
	if got.ID != want.ID || got.CreateTime != want.CreateTime || got.EventType != want.EventType ||
		got.ResourceType != want.ResourceType || got.Summary != want.Summary ||
		got.OriginalType != want.OriginalType || got.Plaintext != want.Plaintext {
		t.Fatalf("notification %v, want %+v", n, want)
	}
	if n.Kind != want.Kind || want.Kind == "" {
		t.Fatalf("kind %q, want %q", n.Kind, want.Kind)
	}
	// expect.mchid: the merchant of a verifier with merchants, null for a single merchant.
	if !want.has["mchid"] {
		t.Fatal("an accepted v3_parse case without expect.mchid")
	}
	wantMchID := ""
	if want.MchID != nil {
		wantMchID = *want.MchID
		if wantMchID == "" {
			t.Fatal(`expect.mchid is "": a single merchant is null`)
		}
	}
	if n.MchID != wantMchID {
		t.Fatalf("mchid %q, want %q", n.MchID, wantMchID)
	}
	if (wantMchID != "") != (len(vectors.Verifiers[c.Verifier].Merchants) > 0) {
		t.Fatalf("expect.mchid %q with verifier %s", wantMchID, c.Verifier)
	}
	checkEvents(t, n, want, seen)
	if rn.ID != n.ID || rn.Serial != n.Serial || rn.MchID != n.MchID || rn.Kind != n.Kind || !bytes.Equal(rn.Plaintext, n.Plaintext) {
		t.Fatalf("ParseRequest gave %v, Parse %v", rn, n)
	}
	if n.Serial == "" || n.Timestamp.IsZero() {
		t.Fatalf("serial %q timestamp %v", n.Serial, n.Timestamp)
	}
	var anyJSON any
	if err := n.Decode(&anyJSON); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return nil
}

func runV2(t *testing.T, vectors *vectorFile, c *vectorCase) error {
	v, err := NewV2Verifier(vectors.V2Keys[c.V2Key])
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	want := c.expect(t)
	if c.Type == "v2_payment" {
		fields, err := v.ParsePayment(c.body(t))
		if err != nil {
			return err
		}
		if !want.OK || !maps.Equal(fields, want.Fields) {
			t.Fatalf("fields %v, want %s", fields, c.Expect)
		}
		return nil
	}
	refund, err := v.ParseRefund(c.body(t))
	if err != nil {
		return err
	}
	if !want.OK || !maps.Equal(refund.Fields, want.Fields) || !maps.Equal(refund.ReqInfo, want.ReqInfo) {
		t.Fatalf("refund %v, want %s", refund, c.Expect)
	}
	return nil
}

// checkEvents calls every typed accessor of an accepted notification, by kind name, and checks
// each outcome: the case's expect.events when it has them, and otherwise what the kind implies
// (another kind's accessor gives UNEXPECTED_EVENT, the own kind's decodes or names a malformed
// field). For the own kind it checks the error's message and the typed result's fields.
func checkEvents(t *testing.T, n *Notification, want vectorExpect, seen map[Code]bool) {
	t.Helper()
	if len(eventAccessors) != len(EventKinds) {
		t.Fatalf("%d accessors for %d kinds", len(eventAccessors), len(EventKinds))
	}
	// The kinds to call: every key of expect.events, by name (a kind Go lacks fails), or every
	// kind Go has.
	kinds := EventKinds
	if want.Events != nil {
		kinds = nil
		for name := range want.Events {
			kinds = append(kinds, EventKind(name))
		}
		slices.Sort(kinds)
		if len(kinds) != len(EventKinds) {
			t.Fatalf("expect.events has %d kinds, Go %d", len(kinds), len(EventKinds))
		}
	}
	for _, kind := range kinds {
		accessor, ok := eventAccessors[kind]
		if !ok {
			t.Fatalf("no accessor for the kind %s", kind)
		}
		result, err := accessor(n)
		var wantOutcome Code
		switch {
		case want.Events != nil:
			wantOutcome = want.Events[string(kind)]
		case kind != n.Kind:
			wantOutcome = CodeUnexpectedEvent
		case err == nil:
			wantOutcome = "ok"
		default:
			wantOutcome = CodeMalformedResource
		}
		if wantOutcome == "ok" {
			if err != nil || result == nil {
				t.Fatalf("%s(): %v", kind, err)
			}
			if kind == n.Kind {
				checkEventFields(t, kind, result, want.EventFields)
			}
			continue
		}
		wantCode(t, err, wantOutcome)
		if !errors.Is(err, &Error{Code: wantOutcome}) {
			t.Fatalf("%s(): errors.Is does not match the sentinel of %v", kind, err)
		}
		seen[wantOutcome] = true
		msg := err.Error()
		if wantOutcome == CodeUnexpectedEvent && (!strings.Contains(msg, string(kind)) ||
			(n.Kind != EventUnknown && !strings.Contains(msg, string(n.Kind)))) {
			t.Fatalf("%s(): UNEXPECTED_EVENT should name the kind asked for and the kind it is: %q", kind, msg)
		}
		if kind != n.Kind {
			continue
		}
		if want.EventErrorContains != "" && !strings.Contains(msg, want.EventErrorContains) {
			t.Fatalf("%s(): %q does not contain %q", kind, msg, want.EventErrorContains)
		}
		if want.EventErrorExcludes != "" && strings.Contains(msg, want.EventErrorExcludes) {
			t.Fatalf("%s(): %q reveals %q", kind, msg, want.EventErrorExcludes)
		}
	}
	if (want.EventErrorContains != "" || want.EventErrorExcludes != "") && want.Events[string(n.Kind)] == "ok" {
		t.Fatal("expect.event_error_* on a case whose own accessor succeeds")
	}
	if len(want.EventFields) > 0 && want.Events[string(n.Kind)] != "ok" {
		t.Fatal("expect.event_fields on a case whose own accessor fails")
	}
}

// checkEventFields checks fields of a typed result, found by dotted JSON path
// ("amount.total", "promotion_detail.0.amount") in its JSON encoding.
func checkEventFields(t *testing.T, kind EventKind, result any, fields map[string]any) {
	t.Helper()
	encoded, err := json.Marshal(result)
	if err != nil {
		t.Fatalf("%s(): %v", kind, err)
	}
	var tree any
	if err := json.Unmarshal(encoded, &tree); err != nil {
		t.Fatal(err)
	}
	for path, want := range fields {
		got, ok := jsonPath(tree, path)
		if !ok || got != want {
			t.Errorf("%s().%s = %v (found %v), want %v (%T)", kind, path, got, ok, want, want)
		}
	}
}

// jsonPath follows a dotted path through decoded JSON: object keys, and list indexes as
// decimal numbers.
func jsonPath(v any, path string) (any, bool) {
	for _, step := range strings.Split(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[step]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// lookup follows keys through nested JSON objects; nil when a key is absent.
func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestVectorsNoErrorMessageRevealsASecret checks that no error of any error case, and no error
// of a typed accessor on an accepted case, names an APIv3 key, a v2 key or a distinctive
// plaintext value (order numbers, openids) of a valid case.
func TestVectorsNoErrorMessageRevealsASecret(t *testing.T) {
	vectors := loadVectors(t)
	secrets := vectorSecrets(t, vectors)
	if len(secrets) <= 10 {
		t.Fatalf("only %d secrets", len(secrets))
	}
	checked := 0
	for i := range vectors.Cases {
		c := &vectors.Cases[i]
		var messages []string
		switch want := c.expect(t); {
		case want.Error != "":
			messages = vectorErrorMessages(t, vectors, c)
			if len(messages) == 0 {
				t.Fatalf("%s: no error", c.Name)
			}
		case c.Type == "v3_parse":
			messages = accessorErrorMessages(t, vectors, c)
		}
		for _, m := range messages {
			checked++
			for _, s := range secrets {
				if strings.Contains(m, s) {
					t.Fatalf("%s: an error message reveals a secret", c.Name)
				}
			}
		}
	}
	if checked <= 100 {
		t.Fatalf("only %d error messages checked", checked)
	}
	t.Logf("%d error messages checked against %d secrets", checked, len(secrets))
}

// vectorSecrets lists keys of length >= 8 and the distinctive plaintext values of every valid
// v3_parse case.
func vectorSecrets(t *testing.T, vectors *vectorFile) []string {
	var secrets []string
	for _, v := range vectors.Verifiers {
		for _, key := range v.apiv3Keys() {
			if len(key) >= 8 {
				secrets = append(secrets, key)
			}
		}
	}
	for _, k := range vectors.V2Keys {
		if len(k) >= 8 {
			secrets = append(secrets, k)
		}
	}
	for i := range vectors.Cases {
		c := &vectors.Cases[i]
		want := c.expect(t)
		if c.Type != "v3_parse" || !want.OK {
			continue
		}
		var plain map[string]any
		if json.Unmarshal([]byte(want.Plaintext), &plain) != nil {
			continue
		}
		for _, v := range []any{plain["out_trade_no"], plain["transaction_id"], plain["out_refund_no"], lookup(plain, "payer", "openid")} {
			if s, ok := v.(string); ok {
				secrets = append(secrets, s)
			}
		}
	}
	return secrets
}

// accessorErrorMessages returns every error the typed accessors give for an accepted v3_parse
// case, as Error() and %#v.
func accessorErrorMessages(t *testing.T, vectors *vectorFile, c *vectorCase) []string {
	n, err := c.verifier(t, vectors).Parse(c.header(), c.body(t))
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	var messages []string
	for _, kind := range EventKinds {
		if _, err := eventAccessors[kind](n); err != nil {
			messages = append(messages, err.Error(), fmt.Sprintf("%#v", err))
		}
	}
	return messages
}

// vectorErrorMessages returns every error the API gives for one case, as Error() and %#v.
func vectorErrorMessages(t *testing.T, vectors *vectorFile, c *vectorCase) []string {
	var errs []error
	switch c.Type {
	case "v3_config":
		_, err := NewVerifier(vectors.Verifiers[c.Verifier].config(t))
		errs = append(errs, err)
	case "v2_config":
		_, err := NewV2Verifier(vectors.V2Keys[c.V2Key])
		errs = append(errs, err)
	case "v3_parse", "v3_verify":
		v := c.verifier(t, vectors)
		_, perr := v.Parse(c.header(), c.body(t))
		errs = append(errs, perr, v.Verify(c.header(), c.body(t)))
	default:
		v, err := NewV2Verifier(vectors.V2Keys[c.V2Key])
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		defer v.Close()
		_, perr := v.ParsePayment(c.body(t))
		_, rerr := v.ParseRefund(c.body(t))
		errs = append(errs, perr, rerr)
	}
	var messages []string
	for _, err := range errs {
		if err != nil {
			messages = append(messages, err.Error(), fmt.Sprintf("%#v", err))
		}
	}
	return messages
}
