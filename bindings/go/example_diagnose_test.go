package wechatpaynotify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
)

// Why is a callback refused? The diagnosis runs every check and names the signs of a body that
// was parsed and written out again before it was verified (here re-indented, as a framework's
// pretty printer would), the most reported cause of SIGNATURE_MISMATCH. The callback is a
// stored one, replayed at the time it was received; vectorCase (example_test.go) reads it.
func ExampleVerifier_Diagnose() {
	header, body, receivedAt := vectorCase("valid_transaction_public_key")
	pub, _ := os.ReadFile("../../tests/vectors/keys/test-platform-b.pub.pem")
	v, err := wechatpaynotify.NewVerifier(wechatpaynotify.Config{
		APIv3Key:   "wpnTestAPIv3Key0123456789abcdefg",
		PublicKeys: map[string]string{"PUB_KEY_ID_0114232134912410000000000000": string(pub)},
		Now:        func() time.Time { return receivedAt },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()

	var pretty bytes.Buffer
	// What the handler verified instead of the raw body:
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		log.Fatal(err)
	}
	d, err := v.Diagnose(header, pretty.Bytes())
	if err != nil {
		log.Fatal(err) // a misuse (a closed verifier), never a refused callback
	}
	fmt.Println(d)
	fmt.Println(errors.Is(d.Err, wechatpaynotify.ErrSignatureMismatch), d.Checks[10].Status, d.Hints)

	d, _ = v.Diagnose(header, body) // the raw body, byte for byte
	fmt.Println(d.Accepted(), d.Notification.ID, len(d.Hints))
	// Output:
	// Checks (APIv3)
	//   ✓  0 body size within limit
	//   ✓  1 body is JSON, not APIv2 XML
	//   ✓  2 Wechatpay-Serial/Signature/Timestamp/Nonce present
	//   ✓  3 Wechatpay-Signature-Type supported
	//   ✓  4 Wechatpay-Timestamp is decimal seconds
	//   ✓  5 timestamp within allowed clock skew
	//   ✓  6 not a WECHATPAY/SIGNTEST/ probe
	//   ✓  7 serial matches a configured key
	//   ✓  8 certificate inside its validity period
	//   ✓  9 signature is base64 of the key's length
	//   ✗ 10 RSA-SHA256 signature matches
	//        SIGNATURE_MISMATCH: signature does not match timestamp, nonce and body: verify the raw body bytes as received (not a re-serialized JSON object), and check the request was not altered; the body looks re-serialized: it has line breaks inside the JSON (pretty-printed), indentation (pretty-printed), a space after ':', which WeChat Pay never sends
	//   ✓ 11 body is a JSON notification with a resource
	//   ✓ 12 resource algorithm is AEAD_AES_256_GCM
	//   ✓ 13 resource nonce and ciphertext well-formed
	//   ✓ 14 AES-256-GCM decryption with the APIv3 key
	//   ✓ 15 decrypted resource is JSON
	// Verdict: SIGNATURE_MISMATCH (rejected)
	// Signs of a re-serialized body: line_breaks, indentation, space_after_colon
	// true failed [line_breaks indentation space_after_colon]
	// true EV-2018022511223320873 0
}
