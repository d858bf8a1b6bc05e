package wechatpaynotify

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/internal/testkit"
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
	now := time.Unix(peer.Now, 0)
	v, err := NewVerifier(Config{APIv3Key: placeholderAPIv3Key, Certificates: []string{peer.Certificate}})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if ids := v.KeyIDs(); len(ids) != 1 || ids[0] != "D7CE59D1F522D701" {
		t.Fatalf("key ids %v", ids)
	}
	if err := v.VerifyAt(header, []byte(peer.Body), now); err != nil {
		t.Fatalf("real WeChat Pay notification refused: %v", err)
	}
	altered := []byte(peer.Body)
	altered[10] ^= 1
	wantCode(t, v.VerifyAt(header, altered, now), CodeSignatureMismatch)
	// Verified, then refused at decryption: the resource is not under this key.
	_, err = v.ParseAt(header, []byte(peer.Body), now)
	wantCode(t, err, CodeDecryptFailed)
	// An hour later the same request is a replay.
	wantCode(t, v.VerifyAt(header, []byte(peer.Body), now.Add(time.Hour)), CodeTimestampSkew)

	// The SDK's 16-byte "APIv3 key" is refused as a configuration error, and never echoed.
	_, err = NewVerifier(Config{APIv3Key: peer.Key16, Certificates: []string{peer.Certificate}})
	wantCode(t, err, CodeConfigInvalid)
	if !errors.Is(err, ErrConfig) || strings.Contains(err.Error(), peer.Key16) {
		t.Fatalf("config error %v", err)
	}
	var body struct {
		Resource struct{ Nonce, AssociatedData, Ciphertext string } `json:"resource"`
	}
	if err := json.Unmarshal([]byte(peer.Body), &body); err != nil {
		t.Fatal(err)
	}
	r := body.Resource
	_, err = DecryptResource(peer.Key16, r.Nonce, r.AssociatedData, r.Ciphertext)
	wantCode(t, err, CodeConfigInvalid)
}

func TestPeerWechatpayJavaCertificateDownload(t *testing.T) {
	var peer javaPeer
	loadJSON(t, "peers/wechatpay-java.json", &peer)
	dl := peer.CertificateDownload
	certs, err := DecryptCertificates(dl.APIv3Key, []byte(dl.ResponseBody))
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
	v, err := NewVerifier(Config{APIv3Key: dl.APIv3Key, Certificates: []string{c.PEM}})
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
	_, err = DecryptCertificates(placeholderAPIv3Key, []byte(dl.ResponseBody))
	wantCode(t, err, CodeDecryptFailed)
	_, err = DecryptCertificates(dl.APIv3Key, []byte("<xml/>"))
	wantCode(t, err, CodeMalformedBody)
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
	byCert, err := NewVerifier(Config{APIv3Key: testAPIv3Key, Certificates: []string{kp.Certificate}})
	if err != nil {
		t.Fatal(err)
	}
	defer byCert.Close()
	if ids := byCert.KeyIDs(); len(ids) != 1 || ids[0] != serial {
		t.Fatalf("key ids %v", ids)
	}
	byKey, err := NewVerifier(Config{APIv3Key: testAPIv3Key, PublicKeys: map[string]string{id: kp.PublicKey}})
	if err != nil {
		t.Fatal(err)
	}
	defer byKey.Close()
	for name, v := range map[string]*Verifier{"valid_java_peer_certificate": byCert, "valid_java_peer_public_key": byKey} {
		c := cases[name]
		if c == nil {
			t.Fatalf("no vector %s", name)
		}
		n, err := v.ParseAt(c.header(), c.body(t), c.now())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tr, err := n.Transaction(); err != nil || tr.OutTradeNo == "" || n.ID != c.expect(t).ID {
			t.Fatalf("%s: %+v %v", name, tr, err)
		}
	}
	c := cases["java_peer_certificate_expired"]
	if c == nil {
		t.Fatal("no vector java_peer_certificate_expired")
	}
	_, err = byCert.ParseAt(c.header(), c.body(t), c.now())
	wantCode(t, err, CodeKeyExpired)
}

// TestDecryptResource decrypts the resource of a kit's callback by hand.
func TestDecryptResource(t *testing.T) {
	k := theKit(t)
	key := k.Info().APIv3Key
	h, b, _ := k.notification(t, time.Now())
	n, err := k.verifier(t).Parse(h, b)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Resource struct {
			Nonce          string `json:"nonce"`
			AssociatedData string `json:"associated_data"`
			Ciphertext     string `json:"ciphertext"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	r := body.Resource
	plain, err := DecryptResource(key, r.Nonce, r.AssociatedData, r.Ciphertext)
	if err != nil || !bytes.Equal(plain, n.Plaintext) || r.AssociatedData != "transaction" {
		t.Fatalf("%q %v", plain, err)
	}
	_, err = DecryptResource(key, r.Nonce, "refund", r.Ciphertext)
	wantCode(t, err, CodeDecryptFailed)
	_, err = DecryptResource(testAPIv3Key, r.Nonce, r.AssociatedData, r.Ciphertext)
	wantCode(t, err, CodeDecryptFailed)
	_, err = DecryptResource(key, "short", r.AssociatedData, r.Ciphertext)
	wantCode(t, err, CodeMalformedResource)
	_, err = DecryptResource(key, r.Nonce, "", "")
	wantCode(t, err, CodeMalformedResource)
}

// TestVerifyResponse verifies signed bodies as API responses: a JSON one and an XML one (a
// response is not sniffed for its format, unlike a callback). A response body that is not
// what was signed, an empty one included, is SIGNATURE_MISMATCH.
func TestVerifyResponse(t *testing.T) {
	k := theKit(t)
	v := k.verifier(t)
	now := time.Now()
	jsonHeader, jsonBody, _ := k.notification(t, now)
	xmlHeader, xmlBody, _ := k.callback(t, testkit.Request{Kind: string(EventTransaction), Failure: "xml_body"})
	if !bytes.HasPrefix(xmlBody, []byte("<xml>")) {
		t.Fatalf("xml body %q", xmlBody)
	}
	for _, r := range []struct {
		h    http.Header
		body []byte
	}{{jsonHeader, jsonBody}, {xmlHeader, xmlBody}} {
		if err := v.VerifyResponse(r.h, r.body); err != nil {
			t.Fatalf("%q: %v", r.body, err)
		}
		if err := v.VerifyResponseAt(r.h, append(r.body, ' '), now); !errors.Is(err, ErrSignatureMismatch) {
			t.Fatalf("altered response: %v", err)
		}
		if err := v.VerifyResponse(r.h, nil); !errors.Is(err, ErrSignatureMismatch) {
			t.Fatalf("empty response: %v", err)
		}
	}
	// A callback body that is XML is refused before any header check; a response is not sniffed.
	wantCode(t, v.Verify(xmlHeader, xmlBody), CodeWrongFormat)
	wantCode(t, v.Verify(http.Header{}, []byte(" <xml></xml>")), CodeWrongFormat)
}
