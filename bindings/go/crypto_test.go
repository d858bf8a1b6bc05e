package wechatpaynotify

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

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
