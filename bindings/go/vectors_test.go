package wechatpaynotify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
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
				err = runV3(t, vectors, c)
			case "v3_config":
				_, err = NewVerifier(vectors.Verifiers[c.Verifier].config())
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
				return
			}
			wantCode(t, err, want.Error)
			if !errors.Is(err, &Error{Code: want.Error}) {
				t.Fatalf("errors.Is does not match the code sentinel of %v", err)
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

// runV3 runs a v3 case with Parse/Verify at the case's time, checks the successful result, and
// checks that ParseRequest on an equivalent request agrees.
func runV3(t *testing.T, vectors *vectorFile, c *vectorCase) error {
	v, err := NewVerifier(vectors.Verifiers[c.Verifier].config())
	if err != nil {
		t.Fatalf("verifier %s: %v", c.Verifier, err)
	}
	defer v.Close()
	header, body := c.header(), c.body(t)
	if c.Type == "v3_verify" {
		return v.VerifyAt(header, body, c.now())
	}
	n, err := v.ParseAt(header, body, c.now())
	verr := v.VerifyAt(header, body, c.now())
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
	rn, rerr := v.ParseRequestAt(req, c.now())
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
	if rn.ID != n.ID || rn.Serial != n.Serial || !bytes.Equal(rn.Plaintext, n.Plaintext) {
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

// TestVectorTypedModels decodes every successful vector resource into the typed models.
func TestVectorTypedModels(t *testing.T) {
	vectors := loadVectors(t)
	kinds := map[string]bool{}
	for i := range vectors.Cases {
		c := &vectors.Cases[i]
		if c.Type != "v3_parse" || !c.expect(t).OK {
			continue
		}
		v, err := NewVerifier(vectors.Verifiers[c.Verifier].config())
		if err != nil {
			t.Fatal(err)
		}
		n, err := v.ParseAt(c.header(), c.body(t), c.now())
		v.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var raw any
		if err := n.Decode(&raw); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		plain, isObject := raw.(map[string]any)
		if !isObject {
			if _, err := n.Transaction(); !errors.Is(err, ErrMalformedResource) {
				t.Fatalf("%s: a non-object resource decoded as a Transaction: %v", c.Name, err)
			}
			continue
		}
		switch {
		case n.OriginalType == "transaction" && plain["sp_mchid"] != nil:
			p, err := n.PartnerTransaction()
			if err != nil || p.SpMchID != plain["sp_mchid"] || !sameNumber(p.Amount.Total, lookup(plain, "amount", "total")) {
				t.Fatalf("%s: partner %+v %v", c.Name, p, err)
			}
			kinds["partner"] = true
		case n.OriginalType == "transaction":
			tr, err := n.Transaction()
			if err != nil || tr.OutTradeNo != plain["out_trade_no"] || !sameString(tr.Payer.OpenID, lookup(plain, "payer", "openid")) ||
				!sameNumber(tr.Amount.Total, lookup(plain, "amount", "total")) {
				t.Fatalf("%s: transaction %+v %v", c.Name, tr, err)
			}
			kinds["transaction"] = true
		case n.OriginalType == "refund":
			r, err := n.Refund()
			if err != nil || r.OutRefundNo != plain["out_refund_no"] || !sameNumber(r.Amount.Refund, lookup(plain, "amount", "refund")) {
				t.Fatalf("%s: refund %+v %v", c.Name, r, err)
			}
			kinds["refund"] = true
		}
	}
	if len(kinds) != 3 {
		t.Fatalf("vectors cover only %v", kinds)
	}
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

// sameNumber compares a typed amount with a decoded JSON value (absent means 0).
func sameNumber(got int64, want any) bool {
	if want == nil {
		return got == 0
	}
	f, ok := want.(float64)
	return ok && float64(got) == f
}

// sameString compares a typed field with a decoded JSON value (absent means "").
func sameString(got string, want any) bool {
	if want == nil {
		return got == ""
	}
	s, ok := want.(string)
	return ok && got == s
}

// TestVectorsNoErrorMessageRevealsASecret checks that no error of any error case names an APIv3
// key, a v2 key or a distinctive plaintext value (order numbers, openids) of a valid case.
func TestVectorsNoErrorMessageRevealsASecret(t *testing.T) {
	vectors := loadVectors(t)
	secrets := vectorSecrets(t, vectors)
	if len(secrets) <= 10 {
		t.Fatalf("only %d secrets", len(secrets))
	}
	checked := 0
	for i := range vectors.Cases {
		c := &vectors.Cases[i]
		if c.expect(t).Error == "" {
			continue
		}
		messages := vectorErrorMessages(t, vectors, c)
		if len(messages) == 0 {
			t.Fatalf("%s: no error", c.Name)
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
		if len(v.APIv3Key) >= 8 {
			secrets = append(secrets, v.APIv3Key)
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

// vectorErrorMessages returns every error the API gives for one case, as Error() and %#v.
func vectorErrorMessages(t *testing.T, vectors *vectorFile, c *vectorCase) []string {
	var errs []error
	switch c.Type {
	case "v3_config":
		_, err := NewVerifier(vectors.Verifiers[c.Verifier].config())
		errs = append(errs, err)
	case "v2_config":
		_, err := NewV2Verifier(vectors.V2Keys[c.V2Key])
		errs = append(errs, err)
	case "v3_parse", "v3_verify":
		v, err := NewVerifier(vectors.Verifiers[c.Verifier].config())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		defer v.Close()
		_, perr := v.ParseAt(c.header(), c.body(t), c.now())
		errs = append(errs, perr, v.VerifyAt(c.header(), c.body(t), c.now()))
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
