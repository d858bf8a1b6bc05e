package wechatpaynotifytest_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/wechatpaynotifytest"
)

// Testing a notify_url handler with httptest: the kit plays WeChat Pay, with test keys.
func Example() {
	kit, err := wechatpaynotifytest.NewKit()
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	v, err := kit.Verifier() // configured with the kit's test keys, as yours is with the real ones
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()
	h := wechatpaynotify.NewHandler(v, func(ctx context.Context, n *wechatpaynotify.Notification) error {
		payment, err := n.Transaction()
		if err != nil {
			return err
		}
		fmt.Println("paid:", payment.OutTradeNo, payment.Amount.Total)
		return nil
	})

	rec := httptest.NewRecorder()
	req, _ := kit.Request(wechatpaynotify.EventTransaction, wechatpaynotifytest.Merge(map[string]any{
		"out_trade_no": "ORDER-1",
		"amount":       map[string]any{"total": 500},
	}))
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)

	rec = httptest.NewRecorder()
	req, _ = kit.Request(wechatpaynotify.EventTransaction,
		wechatpaynotifytest.Failure(wechatpaynotifytest.FailureTamperedBody))
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// paid: ORDER-1 500
	// 204
	// 401
}

// Every failure the kit can build, and what a handler replies.
func ExampleFailure() {
	kit, err := wechatpaynotifytest.NewKit()
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	v, err := kit.Verifier()
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()
	h := wechatpaynotify.NewHandler(v, func(context.Context, *wechatpaynotify.Notification) error { return nil })
	for _, f := range wechatpaynotifytest.FailureKinds {
		rec := httptest.NewRecorder()
		req, _ := kit.Request(wechatpaynotify.EventRefund, wechatpaynotifytest.Failure(f))
		h.ServeHTTP(rec, req)
		fmt.Println(f, rec.Code, f.Code())
	}
	// Output:
	// probe 401 SIGNATURE_PROBE
	// tampered_body 401 SIGNATURE_MISMATCH
	// stale_timestamp 401 TIMESTAMP_SKEW
	// future_timestamp 401 TIMESTAMP_SKEW
	// other_apiv3_key 500 DECRYPT_FAILED
	// unknown_serial 401 UNKNOWN_SERIAL
	// xml_body 500 WRONG_FORMAT
	// reserialized 401 SIGNATURE_MISMATCH
}

// A callback for a client of your own, or to call a Verifier directly.
func ExampleKit_Callback() {
	kit, err := wechatpaynotifytest.NewKit(wechatpaynotifytest.WithCertificate())
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	v, err := kit.Verifier()
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()
	header, body, err := kit.Callback(wechatpaynotify.EventRefund,
		wechatpaynotifytest.ID("EV-1"),
		wechatpaynotifytest.EventType("REFUND.ABNORMAL"),
		wechatpaynotifytest.Merge(map[string]any{"refund_status": "ABNORMAL"}))
	if err != nil {
		log.Fatal(err)
	}
	n, err := v.Parse(header, body)
	if err != nil {
		log.Fatal(err)
	}
	refund, _ := n.Refund()
	fmt.Println(n.ID, n.EventType, n.Kind, refund.RefundStatus, n.Serial == kit.KeyID())
	// Output:
	// EV-1 REFUND.ABNORMAL refund ABNORMAL true
}

// One verifier for several merchants behind one notify_url: a kit per merchant.
func ExampleKit_Merchant() {
	shop, err := wechatpaynotifytest.NewKit()
	if err != nil {
		log.Fatal(err)
	}
	defer shop.Close()
	outlet, err := wechatpaynotifytest.NewKit(wechatpaynotifytest.WithCertificate())
	if err != nil {
		log.Fatal(err)
	}
	defer outlet.Close()
	v, err := wechatpaynotify.NewVerifier(wechatpaynotify.Config{
		Merchants: []wechatpaynotify.Merchant{shop.Merchant("1900000001"), outlet.Merchant("1900000002")},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()
	for _, kit := range []*wechatpaynotifytest.Kit{outlet, shop} {
		header, body, err := kit.Callback(wechatpaynotify.EventTransaction)
		if err != nil {
			log.Fatal(err)
		}
		n, err := v.Parse(header, body)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(n.MchID, n.Serial == kit.KeyID())
	}
	fmt.Println(v.MchIDs())
	// Output:
	// 1900000002 true
	// 1900000001 true
	// [1900000001 1900000002]
}
