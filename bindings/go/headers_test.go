package wechatpaynotify

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHeaderShapes covers the headers handed to C (names and values back to back in a pooled Go
// buffer, their lengths in another, laid out as a wpn_header array on the C side, on the C
// stack up to 16 headers and in one malloc beyond): many Wechatpay-* headers (the pooled
// buffers grow, then serve smaller sets), names in any case, other headers (not passed to C),
// empty values (passed as NULL), and a nil header.
func TestHeaderShapes(t *testing.T) {
	k := theKit(t)
	v := k.verifier(t)
	now := time.Now()
	h, b, _ := k.notification(t, now)

	many := h.Clone()
	for i := 0; i < 40; i++ {
		many.Add(fmt.Sprintf("Wechatpay-Extra-%d", i), "x")
		many.Add(fmt.Sprintf("X-Other-%d", i), "y")
	}
	if _, err := v.ParseAt(many, b, now); err != nil {
		t.Fatalf("many headers: %v", err)
	}

	lower := http.Header{}
	for k, vs := range h {
		lower[strings.ToLower(k)] = vs
	}
	if _, err := v.ParseAt(lower, b, now); err != nil {
		t.Fatalf("lower-case names: %v", err)
	}

	// The first value of a repeated header counts.
	dup := h.Clone()
	dup.Add("Wechatpay-Timestamp", "0")
	if _, err := v.ParseAt(dup, b, now); err != nil {
		t.Fatalf("repeated header: %v", err)
	}
	dup = h.Clone()
	dup["Wechatpay-Timestamp"] = append([]string{"0"}, dup["Wechatpay-Timestamp"]...)
	_, err := v.ParseAt(dup, b, now)
	wantCode(t, err, CodeTimestampSkew)

	// After the large set above, the pooled buffers serve smaller sets again, including one
	// whose bytes need a new, larger buffer.
	big := h.Clone()
	big.Set("Wechatpay-Extra", strings.Repeat("x", 16<<10))
	for _, hs := range []http.Header{h, big, h} {
		if _, err := v.ParseAt(hs, b, now); err != nil {
			t.Fatalf("after many headers: %v", err)
		}
	}

	// An empty value is passed as NULL with length 0: empty counts as absent.
	empty := h.Clone()
	empty.Set("Wechatpay-Signature-Type", "")
	if _, err := v.ParseAt(empty, b, now); err != nil {
		t.Fatalf("empty optional header: %v", err)
	}
	empty.Set("Wechatpay-Nonce", "")
	_, err = v.ParseAt(empty, b, now)
	wantCode(t, err, CodeMissingHeader)

	_, err = v.ParseAt(nil, b, now)
	wantCode(t, err, CodeMissingHeader)
	_, err = v.ParseAt(h, nil, now)
	wantCode(t, err, CodeSignatureMismatch)
}

// TestHeaderCasingsInADefinedOrder: a hand-built http.Header may hold one header under two
// casings (net/http's server canonicalizes, so servers never see this). The result used to
// depend on map iteration order; now the canonical name wins, as h.Get reads it (issue 21).
func TestHeaderCasingsInADefinedOrder(t *testing.T) {
	k := theKit(t)
	v := k.verifier(t)
	now := time.Now()
	h, b, _ := k.notification(t, now)
	for _, canonicalGood := range []bool{true, false} {
		two := h.Clone()
		good := two.Get("Wechatpay-Signature")
		bad := "AAAA" + good[4:]
		if canonicalGood {
			two["wechatpay-signature"] = []string{bad}
		} else {
			two["Wechatpay-Signature"] = []string{bad}
			two["wechatpay-signature"] = []string{good}
		}
		// Many runs: map order is randomized per iteration.
		for i := 0; i < 50; i++ {
			_, err := v.ParseAt(two, b, now)
			if canonicalGood && err != nil {
				t.Fatalf("run %d: the canonical Wechatpay-Signature must win: %v", i, err)
			}
			if !canonicalGood {
				wantCode(t, err, CodeSignatureMismatch)
			}
		}
	}
}
