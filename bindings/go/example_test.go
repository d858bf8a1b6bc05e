package wechatpaynotify_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
)

// A notify_url handler: parse, dispatch on the kind, record once per notification id, reply.
func ExampleNewHandler() {
	v, err := wechatpaynotify.NewVerifier(wechatpaynotify.Config{
		APIv3Key:   os.Getenv("WECHATPAY_APIV3_KEY"),
		PublicKeys: map[string]string{os.Getenv("WECHATPAY_PUBLIC_KEY_ID"): os.Getenv("WECHATPAY_PUBLIC_KEY")},
	})
	if err != nil {
		log.Fatal(err) // CONFIG_INVALID: the message says what is wrong, never the key
	}
	defer v.Close()
	// onNotification dispatches on the notification's kind: see the example of
	// Notification.Kind.
	s := &shop{orders: map[string]*order{}, log: log.Default()}
	http.Handle("/wechatpay/notify", wechatpaynotify.NewHandler(v, s.onNotification,
		wechatpaynotify.WithErrorHook(func(r *http.Request, err error) {
			log.Printf("refused WeChat Pay callback from %s: %v", r.RemoteAddr, err)
		})))
}

// Parsing by hand, and telling failures apart with errors.Is. The callback is a stored one,
// replayed at the time it was received: Config.Now is the verifier's clock (nil, the usual
// setting, is the system clock).
func ExampleVerifier_Parse() {
	header, body, receivedAt := vectorCase("valid_transaction_public_key")
	pub, _ := os.ReadFile("../../tests/vectors/keys/test-platform-b.pub.pem")
	now := receivedAt
	v, err := wechatpaynotify.NewVerifier(wechatpaynotify.Config{
		APIv3Key:   "wpnTestAPIv3Key0123456789abcdefg",
		PublicKeys: map[string]string{"PUB_KEY_ID_0114232134912410000000000000": string(pub)},
		Now:        func() time.Time { return now },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()

	n, err := v.Parse(header, body)
	if err != nil {
		log.Fatal(err)
	}
	payment, _ := n.Transaction()
	fmt.Println(n.EventType, n.Summary, payment.TradeState, payment.Amount.Total)

	now = receivedAt.Add(time.Hour) // the same request an hour later: a replay
	_, err = v.Parse(header, body)
	fmt.Println(errors.Is(err, wechatpaynotify.ErrTimestampSkew), errors.Is(err, wechatpaynotify.ErrAuthenticity))
	var e *wechatpaynotify.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.HTTPStatus())
	}
	// Output:
	// TRANSACTION.SUCCESS 支付成功 SUCCESS 100
	// true true
	// TIMESTAMP_SKEW 401
}

// vectorCase reads one conformance vector's request.
func vectorCase(name string) (http.Header, []byte, time.Time) {
	data, err := os.ReadFile("../../tests/vectors/notifications.json")
	if err != nil {
		log.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Name    string      `json:"name"`
			Now     int64       `json:"now"`
			Headers [][2]string `json:"headers"`
			BodyHex string      `json:"body_hex"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		log.Fatal(err)
	}
	for _, c := range file.Cases {
		if c.Name == name {
			h := http.Header{}
			for _, kv := range c.Headers {
				h.Add(kv[0], kv[1])
			}
			body, _ := hex.DecodeString(c.BodyHex)
			return h, body, time.Unix(c.Now, 0)
		}
	}
	log.Fatalf("no vector %s", name)
	return nil, nil, time.Time{}
}

// APIv2 payment notifications: verify, then reply with the XML WeChat Pay expects.
func ExampleV2Verifier_ParsePayment() {
	v2, err := wechatpaynotify.NewV2Verifier(os.Getenv("WECHATPAY_APIV2_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	defer v2.Close()
	http.HandleFunc("/wechatpay/v2/notify", func(w http.ResponseWriter, r *http.Request) {
		fields, err := v2.ParsePaymentRequest(r)
		if err != nil {
			wechatpaynotify.WriteV2Failure(w, err)
			return
		}
		log.Printf("order %s paid", fields["out_trade_no"])
		wechatpaynotify.WriteV2Success(w)
	})
}
