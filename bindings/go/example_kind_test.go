package wechatpaynotify_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
)

// The business side of a notify_url: one case per kind of callback the shop handles.
type shop struct {
	orders map[string]*order // by out_trade_no
	log    *log.Logger
}

type order struct {
	total   int64    // the price in fen
	paid    bool     // set by the payment notification
	refunds []string // refund numbers and states, from refund notifications
}

// onNotification is the function given to NewHandler: nil means 204 (done), an error 500
// (WeChat Pay delivers the notification again later). A real shop records n.ID in the same
// transaction, to handle each notification once.
func (s *shop) onNotification(ctx context.Context, n *wechatpaynotify.Notification) error {
	switch n.Kind {
	case wechatpaynotify.EventTransaction:
		payment, err := n.Transaction()
		if err != nil {
			return err // MALFORMED_RESOURCE: the message names the field
		}
		o, ok := s.orders[payment.OutTradeNo]
		if !ok || payment.Amount.Total != o.total {
			// Not this shop's order, or not its price: never mark it paid. The error keeps
			// the notification coming back while someone looks.
			return fmt.Errorf("payment %s does not match order %s", payment.TransactionID, payment.OutTradeNo)
		}
		o.paid = true
	case wechatpaynotify.EventRefund:
		refund, err := n.Refund()
		if err != nil {
			return err
		}
		o, ok := s.orders[refund.OutTradeNo]
		if !ok {
			return fmt.Errorf("refund %s of unknown order %s", refund.RefundID, refund.OutTradeNo)
		}
		o.refunds = append(o.refunds, refund.OutRefundNo+" "+refund.RefundStatus)
	default:
		// A kind this shop does not handle, or one the catalog does not describe
		// (EventUnknown): acknowledge it, or WeChat Pay sends it again for a day.
		s.log.Printf("acknowledged notification %s of kind %s (%s)", n.ID, n.Kind, n.EventType)
	}
	return nil
}

// Dispatching verified notifications on their kind, as the function given to NewHandler does.
// vectorCase (example_test.go) reads a request of the conformance vectors.
func ExampleNotification_Kind() {
	pub, _ := os.ReadFile("../../tests/vectors/keys/test-platform-b.pub.pem")
	var receivedAt time.Time // the stored callbacks are replayed at the time each was received
	v, err := wechatpaynotify.NewVerifier(wechatpaynotify.Config{
		APIv3Key:   "wpnTestAPIv3Key0123456789abcdefg",
		PublicKeys: map[string]string{"PUB_KEY_ID_0114232134912410000000000000": string(pub)},
		Now:        func() time.Time { return receivedAt },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()
	s := &shop{
		orders: map[string]*order{"TEST-ORDER-0001": {total: 100}},
		log:    log.New(os.Stdout, "", 0),
	}
	for _, name := range []string{"event_transaction", "event_refund", "event_unknown_coupon_use"} {
		var header http.Header
		var body []byte
		header, body, receivedAt = vectorCase(name)
		n, err := v.Parse(header, body)
		if err != nil {
			log.Fatal(err)
		}
		status := http.StatusNoContent // what NewHandler replies
		if err := s.onNotification(context.Background(), n); err != nil {
			status = http.StatusInternalServerError
		}
		fmt.Println(n.Kind, status)
	}
	o := s.orders["TEST-ORDER-0001"]
	fmt.Println("paid:", o.paid, "refunds:", o.refunds)
	// Output:
	// transaction 204
	// refund 204
	// acknowledged notification EV-2018022511223320873 of kind unknown (COUPON.USE)
	// unknown 204
	// paid: true refunds: [TEST-REFUND-0001 SUCCESS]
}
