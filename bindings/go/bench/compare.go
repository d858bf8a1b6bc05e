package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/wechatpaynotifytest"
)

// fixture is one payment notification (the testing kit's sample transaction) signed by a
// testing kit under its 微信支付公钥, and the three parsers compared, each configured with
// that key: the binding (on the system clock), the floor (bare C ABI calls) and wechatpay-go's
// notify.Handler in public-key mode.
type fixture struct {
	kit    *wechatpaynotifytest.Kit
	header http.Header
	body   []byte
	ours   *wechatpaynotify.Verifier
	floor  *floor
	theirs *notify.Handler
	req    *http.Request // the request wechatpay-go reads, its body set anew for every call
}

// newFixture makes a kit, signs a callback now and configures the three parsers.
func newFixture() (*fixture, error) {
	kit, err := wechatpaynotifytest.NewKit()
	if err != nil {
		return nil, err
	}
	f := &fixture{kit: kit}
	if f.ours, err = kit.Verifier(); err != nil {
		f.close()
		return nil, err
	}
	if f.floor, err = newFloor(kit.APIv3Key(), kit.KeyID(), kit.PublicKeyPEM()); err != nil {
		f.close()
		return nil, err
	}
	block, _ := pem.Decode([]byte(kit.PublicKeyPEM()))
	if block == nil {
		f.close()
		return nil, errors.New("the kit's public key is not PEM")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		f.close()
		return nil, err
	}
	f.theirs, err = notify.NewRSANotifyHandler(kit.APIv3Key(),
		verifiers.NewSHA256WithRSAPubkeyVerifier(kit.KeyID(), *pub.(*rsa.PublicKey)))
	if err != nil {
		f.close()
		return nil, err
	}
	if err := f.sign(); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// sign makes the fixture's callback: a payment signed now (wechatpay-go checks the timestamp
// against the system clock, as the binding and the floor do here).
func (f *fixture) sign() error {
	h, body, err := f.kit.Callback(wechatpaynotify.EventTransaction)
	if err != nil {
		return err
	}
	f.header, f.body = h, body
	f.req = httptest.NewRequest(http.MethodPost, "/wechatpay/notify", nil)
	f.req.Header = h
	return nil
}

// close frees what the fixture holds in the C library.
func (f *fixture) close() {
	if f.ours != nil {
		f.ours.Close()
	}
	if f.floor != nil {
		f.floor.close()
	}
	f.kit.Close()
}

// parseOurs is (a): the binding's Parse and Transaction().
func (f *fixture) parseOurs() (*wechatpaynotify.Transaction, error) {
	n, err := f.ours.Parse(f.header, f.body)
	if err != nil {
		return nil, err
	}
	return n.Transaction()
}

// parseFloor is (b): the same work by bare C ABI calls.
func (f *fixture) parseFloor() (floorResult, error) {
	return f.floor.parseTransaction(f.header, f.body)
}

// parseTheirs is (c): wechatpay-go's ParseNotifyRequest into the same Transaction type, on a
// request whose body is set anew, as a server gets it.
func (f *fixture) parseTheirs(ctx context.Context, req *http.Request) (*wechatpaynotify.Transaction, error) {
	req.Body = io.NopCloser(bytes.NewReader(f.body))
	var t wechatpaynotify.Transaction
	if _, err := f.theirs.ParseNotifyRequest(ctx, req, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// check runs the three once and compares what they give: the same payment, and the floor's
// copies equal to the binding's notification.
func (f *fixture) check() error {
	ours, err := f.parseOurs()
	if err != nil {
		return fmt.Errorf("binding: %w", err)
	}
	fl, err := f.parseFloor()
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	theirs, err := f.parseTheirs(context.Background(), f.req)
	if err != nil {
		return fmt.Errorf("wechatpay-go: %w", err)
	}
	n, err := f.ours.Parse(f.header, f.body)
	if err != nil {
		return err
	}
	if fl.strs[0] != n.ID || fl.strs[2] != n.EventType || !bytes.Equal(fl.plaintext, n.Plaintext) ||
		fl.kind != string(n.Kind) || len(fl.tree) == 0 {
		return fmt.Errorf("the floor's notification %q %q differs from the binding's %v", fl.strs[0], fl.kind, n)
	}
	if ours.OutTradeNo == "" || ours.OutTradeNo != theirs.OutTradeNo || ours.Amount.Total != theirs.Amount.Total ||
		ours.TransactionID != theirs.TransactionID {
		return fmt.Errorf("payments differ: %+v and %+v", ours, theirs)
	}
	return nil
}
