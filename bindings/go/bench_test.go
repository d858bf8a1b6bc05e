package wechatpaynotify

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/internal/testkit"
)

// benchFixture is one payment notification (the resource testTransaction) signed now by the
// testing kit under its 微信支付公钥, and both libraries configured in public-key mode with
// that key.
type benchFixture struct {
	header http.Header
	body   []byte
	ours   *Verifier
	theirs *notify.Handler
}

func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	k := theKit(b)
	info := k.Info()
	header, body, _ := k.callback(b, testkit.Request{Kind: string(EventTransaction), ResourceJSON: testTransaction})
	ours := k.verifier(b)
	block, _ := pem.Decode([]byte(info.PublicKeyPEM))
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	theirs, err := notify.NewRSANotifyHandler(info.APIv3Key,
		verifiers.NewSHA256WithRSAPubkeyVerifier(info.KeyID, *pub.(*rsa.PublicKey)))
	if err != nil {
		b.Fatal(err)
	}
	return &benchFixture{header: header, body: body, ours: ours, theirs: theirs}
}

func (f *benchFixture) request() *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/notify", nil)
	req.Header = f.header
	return req
}

// BenchmarkParse compares this package with wechatpay-go's notify.Handler on the same signed
// notification: verify the RSA signature, decrypt the resource, decode it into a Transaction.
// Besides ns/op it reports cpu-ns/op, the process CPU time per operation, which stays
// meaningful on a busy machine.
//
//	go test -run '^$' -bench Parse -benchmem
func BenchmarkParse(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()

	b.Run("wechatpay-notify/Parse", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if _, err := f.ours.Parse(f.header, f.body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wechatpay-notify/ParseRequest+Transaction", func(b *testing.B) {
		b.ReportAllocs()
		req := f.request()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			req.Body = io.NopCloser(bytes.NewReader(f.body))
			n, err := f.ours.ParseRequest(req)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := n.Transaction(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wechatpay-go/ParseNotifyRequest", func(b *testing.B) {
		b.ReportAllocs()
		req := f.request()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			req.Body = io.NopCloser(bytes.NewReader(f.body))
			var t Transaction
			if _, err := f.theirs.ParseNotifyRequest(ctx, req, &t); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParseParallel is BenchmarkParse with every CPU parsing through one shared verifier.
func BenchmarkParseParallel(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	b.Run("wechatpay-notify/Parse", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := f.ours.Parse(f.header, f.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("wechatpay-go/ParseNotifyRequest", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			req := f.request()
			for pb.Next() {
				req.Body = io.NopCloser(bytes.NewReader(f.body))
				var t Transaction
				if _, err := f.theirs.ParseNotifyRequest(ctx, req, &t); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
