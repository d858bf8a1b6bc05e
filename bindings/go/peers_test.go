package wechatpaynotify

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
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

func TestPeerWechatpayJavaKeyPair(t *testing.T) {
	var peer javaPeer
	loadJSON(t, "peers/wechatpay-java.json", &peer)
	kp := peer.KeyPair
	const apiv3 = "java-peer-apiv3-key-32-bytes-ok!"
	const serial = "440024045C4A427599D09BB4E3DE0279F2E813FD"
	byCert, err := NewVerifier(Config{APIv3Key: apiv3, Certificates: []string{kp.Certificate}})
	if err != nil {
		t.Fatal(err)
	}
	defer byCert.Close()
	s := newSigner(t, kp.PrivateKey, serial, apiv3)
	inside := time.Unix(1_700_000_000, 0) // inside the certificate's 2022-05-10..2025-05-09
	h, b := s.notification(t, inside)
	n, err := byCert.ParseAt(h, b, inside)
	if err != nil {
		t.Fatal(err)
	}
	if tr, err := n.Transaction(); err != nil || tr.OutTradeNo != "1217752501201407033233368018" || n.Serial != serial {
		t.Fatalf("%+v %v", tr, err)
	}
	later := time.Unix(1_760_000_000, 0)
	h, b = s.notification(t, later)
	_, err = byCert.ParseAt(h, b, later)
	wantCode(t, err, CodeKeyExpired)

	const id = "PUB_KEY_ID_0114232134912410000000000042"
	byKey, err := NewVerifier(Config{APIv3Key: apiv3, PublicKeys: map[string]string{id: kp.PublicKey}})
	if err != nil {
		t.Fatal(err)
	}
	defer byKey.Close()
	s.serial = id
	h, b = s.notification(t, later)
	n, err = byKey.ParseAt(h, b, later)
	if err != nil || n.Summary != "支付成功" || n.ID != "EV-2018022511223320873" {
		t.Fatalf("%v %v", n, err)
	}
}

func TestDecryptResource(t *testing.T) {
	block, _ := aes.NewCipher([]byte(testAPIv3Key))
	gcm, _ := cipher.NewGCM(block)
	sealed := gcm.Seal(nil, []byte("0123456789ab"), []byte(`{"a":1}`), []byte("transaction"))
	ct := base64.StdEncoding.EncodeToString(sealed)
	plain, err := DecryptResource(testAPIv3Key, "0123456789ab", "transaction", ct)
	if err != nil || string(plain) != `{"a":1}` {
		t.Fatalf("%q %v", plain, err)
	}
	_, err = DecryptResource(testAPIv3Key, "0123456789ab", "refund", ct)
	wantCode(t, err, CodeDecryptFailed)
	_, err = DecryptResource(testAPIv3Key, "short", "transaction", ct)
	wantCode(t, err, CodeMalformedResource)
	_, err = DecryptResource(testAPIv3Key, "0123456789ab", "", "")
	wantCode(t, err, CodeMalformedResource)
}

func TestVerifyResponse(t *testing.T) {
	v := testVerifier(t)
	s := testSignerB(t)
	now := time.Now()
	for _, body := range [][]byte{nil, []byte(`{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}`), []byte("<xml/>")} {
		h := s.header(t, now, body)
		if err := v.VerifyResponse(h, body); err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if err := v.VerifyResponseAt(h, append(body, ' '), now); !errors.Is(err, ErrSignatureMismatch) {
			t.Fatalf("altered response: %v", err)
		}
	}
	// A callback body that is XML is refused before any header check; a response is not sniffed.
	wantCode(t, v.Verify(http.Header{}, []byte(" <xml></xml>")), CodeWrongFormat)
}
