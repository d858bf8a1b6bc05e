package main

// The samples of the peer SDKs (tests/vectors/peers/): a real notification that wechatpay-go's
// tests carry, and wechatpay-java's certificate download and test key pair, through the
// binding's public API.

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	wpn "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
)

// placeholderAPIv3Key is a 32-byte key that is not the one the go peer's resource uses.
const placeholderAPIv3Key = "0000000000000000placeholder00000"

type goPeer struct {
	Now         int64             `json:"now"`
	Headers     map[string]string `json:"headers"`
	Body        string            `json:"body"`
	Certificate string            `json:"platform_certificate_pem"`
	Key16       string            `json:"apiv3_key_16_bytes"`
}

type javaPeer struct {
	CertificateDownload struct {
		APIv3Key        string   `json:"apiv3_key"`
		ResponseBody    string   `json:"response_body"`
		ExpectedSerials []string `json:"expected_serials"`
	} `json:"certificate_download"`
	KeyPair struct {
		PrivateKey  string `json:"private_key_pem"`
		PublicKey   string `json:"public_key_pem"`
		Certificate string `json:"certificate_pem"`
	} `json:"wechat_pay_keypair"`
}

func TestPeerWechatpayGoNotification(t *testing.T) {
	var peer goPeer
	loadJSON(t, "peers/wechatpay-go-notify.json", &peer)
	header := http.Header{}
	for k, v := range peer.Headers {
		header.Set(k, v)
	}
	now := time.Unix(peer.Now, 0) // the clock reads now, then an hour later
	v, err := wpn.NewVerifier(wpn.Config{APIv3Key: placeholderAPIv3Key, Certificates: []string{peer.Certificate},
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if ids := v.KeyIDs(); len(ids) != 1 || ids[0] != "D7CE59D1F522D701" {
		t.Fatalf("key ids %v", ids)
	}
	if err := v.Verify(header, []byte(peer.Body)); err != nil {
		t.Fatalf("real WeChat Pay notification refused: %v", err)
	}
	altered := []byte(peer.Body)
	altered[10] ^= 1
	wantCode(t, v.Verify(header, altered), wpn.CodeSignatureMismatch)
	// Verified, then refused at decryption: the resource is not under this key.
	_, err = v.Parse(header, []byte(peer.Body))
	wantCode(t, err, wpn.CodeDecryptFailed)
	// An hour later the same request is a replay.
	now = now.Add(time.Hour)
	wantCode(t, v.Verify(header, []byte(peer.Body)), wpn.CodeTimestampSkew)

	// The SDK's 16-byte "APIv3 key" is refused as a configuration error, and never echoed.
	_, err = wpn.NewVerifier(wpn.Config{APIv3Key: peer.Key16, Certificates: []string{peer.Certificate}})
	wantCode(t, err, wpn.CodeConfigInvalid)
	if !errors.Is(err, wpn.ErrConfig) || strings.Contains(err.Error(), peer.Key16) {
		t.Fatalf("config error %v", err)
	}
	var body struct {
		Resource struct{ Nonce, AssociatedData, Ciphertext string } `json:"resource"`
	}
	if err := json.Unmarshal([]byte(peer.Body), &body); err != nil {
		t.Fatal(err)
	}
	r := body.Resource
	_, err = wpn.DecryptResource(peer.Key16, r.Nonce, r.AssociatedData, r.Ciphertext)
	wantCode(t, err, wpn.CodeConfigInvalid)
}

func TestPeerWechatpayJavaCertificateDownload(t *testing.T) {
	var peer javaPeer
	loadJSON(t, "peers/wechatpay-java.json", &peer)
	dl := peer.CertificateDownload
	certs, err := wpn.DecryptCertificates(dl.APIv3Key, []byte(dl.ResponseBody))
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 1 || certs[0].SerialNo != dl.ExpectedSerials[0] {
		t.Fatalf("certificates %+v", certs)
	}
	c := certs[0]
	if !c.NotBefore.Before(c.NotAfter) || !strings.HasPrefix(c.PEM, "-----BEGIN CERTIFICATE-----") ||
		c.EffectiveTime == "" || c.ExpireTime == "" {
		t.Fatalf("certificate %+v", c)
	}
	// The decrypted PEM configures a verifier, which can decrypt the same response itself.
	v, err := wpn.NewVerifier(wpn.Config{APIv3Key: dl.APIv3Key, Certificates: []string{c.PEM}})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if ids := v.KeyIDs(); len(ids) != 1 || ids[0] != c.SerialNo {
		t.Fatalf("key ids %v", ids)
	}
	again, err := v.DecryptCertificates([]byte(dl.ResponseBody))
	if err != nil || len(again) != 1 || again[0] != c {
		t.Fatalf("verifier decrypt %+v %v", again, err)
	}
	_, err = wpn.DecryptCertificates(placeholderAPIv3Key, []byte(dl.ResponseBody))
	wantCode(t, err, wpn.CodeDecryptFailed)
	_, err = wpn.DecryptCertificates(dl.APIv3Key, []byte("<xml/>"))
	wantCode(t, err, wpn.CodeMalformedBody)
}

// TestPeerWechatpayJavaKeyPair configures wechatpay-java's test key pair (a platform
// certificate and its public key) and verifies the conformance vectors signed with it
// (tests/vectors/generate.py): accepted inside the certificate's validity, KEY_EXPIRED after
// it, and accepted under a public-key id at any time.
func TestPeerWechatpayJavaKeyPair(t *testing.T) {
	var peer javaPeer
	loadJSON(t, "peers/wechatpay-java.json", &peer)
	kp := peer.KeyPair
	const serial = "440024045C4A427599D09BB4E3DE0279F2E813FD"
	const id = "PUB_KEY_ID_0114232134912410000000000042"
	vectors := loadVectors(t)
	cases := map[string]*vectorCase{}
	for i := range vectors.Cases {
		cases[vectors.Cases[i].Name] = &vectors.Cases[i]
	}
	// The vectors are signed at their own time, which the verifiers' clock reads.
	var now time.Time
	clock := func() time.Time { return now }
	byCert, err := wpn.NewVerifier(wpn.Config{APIv3Key: testAPIv3Key, Certificates: []string{kp.Certificate}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer byCert.Close()
	if ids := byCert.KeyIDs(); len(ids) != 1 || ids[0] != serial {
		t.Fatalf("key ids %v", ids)
	}
	byKey, err := wpn.NewVerifier(wpn.Config{APIv3Key: testAPIv3Key, PublicKeys: map[string]string{id: kp.PublicKey}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer byKey.Close()
	for name, v := range map[string]*wpn.Verifier{"valid_java_peer_certificate": byCert, "valid_java_peer_public_key": byKey} {
		c := cases[name]
		if c == nil {
			t.Fatalf("no vector %s", name)
		}
		now = c.now()
		n, err := v.Parse(c.header(), c.body(t))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tr, err := n.Transaction(); err != nil || tr.OutTradeNo == "" || n.ID != c.expectedID(t) {
			t.Fatalf("%s: %+v %v", name, tr, err)
		}
	}
	c := cases["java_peer_certificate_expired"]
	if c == nil {
		t.Fatal("no vector java_peer_certificate_expired")
	}
	now = c.now()
	_, err = byCert.Parse(c.header(), c.body(t))
	wantCode(t, err, wpn.CodeKeyExpired)
}
