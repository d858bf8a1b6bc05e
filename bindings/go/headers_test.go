package wechatpaynotify

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHeaderShapes covers header sets the C helper lays out differently: more Wechatpay-*
// headers than fit its stack array, names in any case, other headers (not passed to C), and a
// nil header.
func TestHeaderShapes(t *testing.T) {
	v := testVerifier(t)
	now := time.Now()
	h, b := testSignerB(t).notification(t, now)

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

	_, err = v.ParseAt(nil, b, now)
	wantCode(t, err, CodeMissingHeader)
	_, err = v.ParseAt(h, nil, now)
	wantCode(t, err, CodeSignatureMismatch)
}
