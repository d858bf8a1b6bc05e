package wechatpaynotify

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// catalogFile is the part of models/events.json these tests read.
type catalogFile struct {
	Kinds []struct {
		Kind          string   `json:"kind"`
		EventTypes    []string `json:"event_types"`
		OriginalTypes []string `json:"original_types"`
		Model         string   `json:"model"`
	} `json:"kinds"`
}

func loadCatalog(t *testing.T) *catalogFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "models", "events.json"))
	if err != nil {
		t.Skipf("no models/events.json in this checkout: %v", err)
	}
	var c catalogFile
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// sampleNotification is a notification of the catalog kind k with the first documented
// envelope of k and models/samples/<k>.json as its plaintext, as a caller could build it (Kind
// left empty: the accessors do not read it).
func sampleNotification(t *testing.T, c *catalogFile, kind string) (*Notification, []byte) {
	t.Helper()
	for _, k := range c.Kinds {
		if k.Kind != kind {
			continue
		}
		plain, err := os.ReadFile(filepath.Join("..", "..", "models", "samples", kind+".json"))
		if err != nil {
			t.Fatal(err)
		}
		// The kind as the parse decides it (wpn_envelope.kind), which the accessors are given.
		n := &Notification{EventType: k.EventTypes[0], Kind: EventKind(kind), Plaintext: plain}
		if len(k.OriginalTypes) > 0 {
			n.OriginalType = k.OriginalTypes[0]
		}
		return n, plain
	}
	t.Fatalf("no kind %s in the catalog", kind)
	return nil, nil
}

// TestEventKindsMatchTheCatalog checks the generated kinds against models/events.json: the
// same names in the same order, each with its accessor returning its model.
func TestEventKindsMatchTheCatalog(t *testing.T) {
	c := loadCatalog(t)
	if len(EventKinds) != len(c.Kinds) || len(eventAccessors) != len(c.Kinds) {
		t.Fatalf("%d kinds, %d accessors, catalog %d", len(EventKinds), len(eventAccessors), len(c.Kinds))
	}
	for i, k := range c.Kinds {
		kind := EventKinds[i]
		if string(kind) != k.Kind || kind.String() != k.Kind || kind == EventUnknown {
			t.Fatalf("kind %d: %s, catalog %s", i, kind, k.Kind)
		}
		n, _ := sampleNotification(t, c, k.Kind)
		v, err := eventAccessors[kind](n)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if got := reflect.TypeOf(v).Elem().Name(); got != k.Model {
			t.Fatalf("%s gives a %s, catalog %s", kind, got, k.Model)
		}
	}
	if EventUnknown.String() != "unknown" {
		t.Fatal("EventUnknown")
	}
}

// TestSamplesRoundTrip decodes every kind's sample and encodes the typed result again: as the
// samples hold every required field and no key the catalog does not know, the JSON must be the
// same, which checks every generated field name, type and tag.
func TestSamplesRoundTrip(t *testing.T) {
	c := loadCatalog(t)
	for _, kind := range EventKinds {
		n, plain := sampleNotification(t, c, string(kind))
		v, err := eventAccessors[kind](n)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		encoded, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var got, want any
		if err := json.Unmarshal(encoded, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(plain, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: re-encoded as\n%s\nsample\n%s", kind, encoded, plain)
		}
	}
}

// TestAccessorsAskTheCore checks that the accessors decide from the envelope's fields and the
// plaintext (in the core), not from the Kind field, and that optional fields are nil when
// absent or null.
func TestAccessorsAskTheCore(t *testing.T) {
	c := loadCatalog(t)
	n, _ := sampleNotification(t, c, "transaction")
	// The kind is the one the parse decided (n.Kind): a caller who changes it gets accessors
	// that follow it, and the core still decodes the plaintext as the model asked for, so a
	// payment never passes as a refund.
	n.Kind = EventRefund
	if _, err := n.Transaction(); !errors.Is(err, ErrUnexpectedEvent) {
		t.Fatalf("transaction of a notification said to be a refund: %v", err)
	}
	if _, err := n.Refund(); !errors.Is(err, ErrMalformedResource) {
		t.Fatalf("a payment's plaintext decoded as a refund: %v", err)
	}
	n.Kind = EventTransaction
	tr, err := n.Transaction()
	if err != nil || tr.MchID == "" || tr.Amount.Total <= 0 || tr.Attach == nil || len(tr.PromotionDetail) == 0 {
		t.Fatalf("transaction %+v %v", tr, err)
	}
	r, err := n.Refund()
	wantCode(t, err, CodeUnexpectedEvent)
	if r != nil || !errors.Is(err, ErrUnexpectedEvent) || !errors.Is(err, ErrFormat) {
		t.Fatalf("refund %v %v", r, err)
	}
	if !strings.Contains(err.Error(), "transaction") || !strings.Contains(err.Error(), "refund") {
		t.Fatalf("message %q", err)
	}

	// Optional keys: null or absent is nil; a required one missing names the field.
	var plain map[string]any
	if err := json.Unmarshal(n.Plaintext, &plain); err != nil {
		t.Fatal(err)
	}
	plain["attach"] = nil
	delete(plain, "scene_info")
	delete(plain, "promotion_detail")
	n.Plaintext, _ = json.Marshal(plain)
	tr, err = n.Transaction()
	if err != nil || tr.Attach != nil || tr.SceneInfo != nil || tr.PromotionDetail != nil {
		t.Fatalf("transaction without optional fields %+v %v", tr, err)
	}
	delete(plain["payer"].(map[string]any), "openid")
	n.Plaintext, _ = json.Marshal(plain)
	_, err = n.Transaction()
	wantCode(t, err, CodeMalformedResource)
	if !strings.Contains(err.Error(), "payer.openid") {
		t.Fatalf("message %q", err)
	}

	// A refund that has no success_time (ABNORMAL) and an unknown kind.
	pr, _ := sampleNotification(t, c, "partner_refund")
	refund, err := pr.PartnerRefund()
	if err != nil || refund.SuccessTime != nil || refund.RefundStatus != "ABNORMAL" || refund.SpMchID == "" {
		t.Fatalf("partner refund %+v %v", refund, err)
	}
	unknown := &Notification{EventType: "COUPON.USE", OriginalType: "coupon", Kind: EventUnknown, Plaintext: []byte(`{}`)}
	for _, kind := range EventKinds {
		if _, err := eventAccessors[kind](unknown); !errors.Is(err, ErrUnexpectedEvent) {
			t.Fatalf("%s on an unknown kind: %v", kind, err)
		}
	}
}

// TestAccessorsReadWhatTheCoreChecked checks that the typed result holds the values the core
// checked when the plaintext also has a key encoding/json would match case-insensitively (the
// core ignores it as unknown, and gives the binding only the model's exact fields).
func TestAccessorsReadWhatTheCoreChecked(t *testing.T) {
	for _, extra := range []string{`"TOTAL":1,`, `"\u0054otal":1,`, `"Total" : 1,`, "\"tot\u212Al\":1,"} {
		for _, order := range []string{"after", "before"} {
			plain := strings.Replace(testTransaction, `"total":100,`, `"total":100,`+extra, 1)
			if order == "before" {
				plain = strings.Replace(testTransaction, `"total":100,`, extra+`"total":100,`, 1)
			}
			plain = strings.Replace(plain, `"bank_type":"CMC",`, "\"bank_type\":\"CMC\",\"BANK_TYPE\":\"X\",\"ban\u212A_type\":\"Y\",", 1)
			n := &Notification{EventType: "TRANSACTION.SUCCESS", OriginalType: "transaction", Kind: EventTransaction, Plaintext: []byte(plain)}
			tr, err := n.Transaction()
			if err != nil || tr.Amount.Total != 100 || tr.BankType != "CMC" || tr.Payer.OpenID == "" {
				t.Fatalf("%s %s: %+v %v", extra, order, tr, err)
			}
		}
	}
}

// TestAccessorsNeedTheParsedKind checks that a Notification built by hand without the Kind
// Parse gave is refused by the typed accessors with a message that says so.
func TestAccessorsNeedTheParsedKind(t *testing.T) {
	n := &Notification{EventType: "TRANSACTION.SUCCESS", OriginalType: "transaction", Plaintext: []byte(testTransaction)}
	_, err := n.Transaction()
	wantCode(t, err, CodeUnexpectedEvent)
	if !strings.Contains(err.Error(), "no Kind") {
		t.Fatalf("message %q", err)
	}
	n.Kind = EventTransaction
	if tr, err := n.Transaction(); err != nil || tr.MchID == "" {
		t.Fatalf("with its kind: %+v %v", tr, err)
	}
}
