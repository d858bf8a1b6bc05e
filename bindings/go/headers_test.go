package wechatpaynotify

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHeaderShapes covers the headers handed to C (every header: names and values back to back
// in a pooled Go buffer, their lengths in a pooled []C.size_t, both passed to the library as
// they are): many headers (the pooled buffers grow, then serve smaller sets), names in any
// case, a repeated header, empty values (empty counts as absent, by the core's rule), and a
// nil header.
func TestHeaderShapes(t *testing.T) {
	k := theKit(t)
	now := time.Now()
	v := k.verifierAt(t, clockAt(now))
	h, b, _ := k.notification(t, now)

	many := h.Clone()
	for i := 0; i < 40; i++ {
		many.Add(fmt.Sprintf("Wechatpay-Extra-%d", i), "x")
		many.Add(fmt.Sprintf("X-Other-%d", i), "y")
	}
	if _, err := v.Parse(many, b); err != nil {
		t.Fatalf("many headers: %v", err)
	}

	lower := http.Header{}
	for k, vs := range h {
		lower[strings.ToLower(k)] = vs
	}
	if _, err := v.Parse(lower, b); err != nil {
		t.Fatalf("lower-case names: %v", err)
	}

	// The first value of a repeated header counts.
	dup := h.Clone()
	dup.Add("Wechatpay-Timestamp", "0")
	if _, err := v.Parse(dup, b); err != nil {
		t.Fatalf("repeated header: %v", err)
	}
	dup = h.Clone()
	dup["Wechatpay-Timestamp"] = append([]string{"0"}, dup["Wechatpay-Timestamp"]...)
	_, err := v.Parse(dup, b)
	wantCode(t, err, CodeTimestampSkew)

	// After the large set above, the pooled buffers serve smaller sets again, including one
	// whose bytes need a new, larger buffer.
	big := h.Clone()
	big.Set("Wechatpay-Extra", strings.Repeat("x", 16<<10))
	for _, hs := range []http.Header{h, big, h} {
		if _, err := v.Parse(hs, b); err != nil {
			t.Fatalf("after many headers: %v", err)
		}
	}

	// An empty value is passed with length 0: empty counts as absent.
	empty := h.Clone()
	empty.Set("Wechatpay-Signature-Type", "")
	if _, err := v.Parse(empty, b); err != nil {
		t.Fatalf("empty optional header: %v", err)
	}
	empty.Set("Wechatpay-Nonce", "")
	_, err = v.Parse(empty, b)
	wantCode(t, err, CodeMissingHeader)

	_, err = v.Parse(nil, b)
	wantCode(t, err, CodeMissingHeader)
	_, err = v.Parse(h, nil)
	wantCode(t, err, CodeSignatureMismatch)
}

// TestHeaderCasingsInADefinedOrder: a hand-built http.Header may hold one header under two
// casings (net/http's server canonicalizes, so servers never see this). The result used to
// depend on map iteration order; now the canonical name wins, as h.Get reads it (issue 21).
func TestHeaderCasingsInADefinedOrder(t *testing.T) {
	k := theKit(t)
	now := time.Now()
	v := k.verifierAt(t, clockAt(now))
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
			_, err := v.Parse(two, b)
			if canonicalGood && err != nil {
				t.Fatalf("run %d: the canonical Wechatpay-Signature must win: %v", i, err)
			}
			if !canonicalGood {
				wantCode(t, err, CodeSignatureMismatch)
			}
		}
	}
}

// TestHeaderLayout: fill passes every header (not only Wechatpay-* ones: which names count is
// the core's rule), every value of a name in order, each name followed by its value in one
// buffer with two lengths per header, and the names in a defined order: canonical ones first,
// then the others, each group in byte order.
func TestHeaderLayout(t *testing.T) {
	s := scratchPool.Get().(*callScratch)
	defer s.release()
	h := http.Header{"B": {"1", "22"}, "a": {"x"}, "A": {"y"}, "X-Other": {""}, "b": {"z"},
		"wechatpay-nonce": {"n"}, "Wechatpay-Nonce": {"N"}}
	for i := 0; i < 20; i++ { // map order is randomized per iteration
		hp, n, lens, count := s.fill(h)
		if hp == nil || lens == nil || int(count) != 8 || int(n) != len(s.buf) || len(s.lens) != 16 {
			t.Fatalf("count %d, %d bytes, %d lengths", count, n, len(s.lens))
		}
		var got []string
		off := 0
		for _, l := range s.lens {
			got = append(got, string(s.buf[off:off+int(l)]))
			off += int(l)
		}
		want := []string{"A", "y", "B", "1", "B", "22", "Wechatpay-Nonce", "N", "X-Other", "",
			"a", "x", "b", "z", "wechatpay-nonce", "n"}
		if !slices.Equal(got, want) || off != len(s.buf) {
			t.Fatalf("layout %q, want %q", got, want)
		}
	}
	hp, n, lens, count := s.fill(nil)
	if hp != nil || n != 0 || lens != nil || count != 0 {
		t.Fatalf("no header: %v %d %v %d", hp, n, lens, count)
	}
}
