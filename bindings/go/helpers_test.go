package wechatpaynotify

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// vectorsDir is the repository's shared conformance vectors directory.
var vectorsDir = filepath.Join("..", "..", "tests", "vectors")

// Test keys and ids from tests/vectors/keys (throwaway, public).
const (
	testAPIv3Key   = "wpnTestAPIv3Key0123456789abcdefg"
	testPubKeyIDB  = "PUB_KEY_ID_0114232134912410000000000000"
	testSerialA    = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	testOtherKeyID = "PUB_KEY_ID_0114232134912410000000000001"
)

type vectorFile struct {
	Format    int                       `json:"format"`
	Verifiers map[string]vectorVerifier `json:"verifiers"`
	V2Keys    map[string]string         `json:"v2_keys"`
	Cases     []vectorCase              `json:"cases"`
}

type vectorVerifier struct {
	APIv3Key     string                     `json:"apiv3_key"`
	PublicKeys   []struct{ ID, PEM string } `json:"public_keys"`
	Certificates []string                   `json:"certificates"`
	MaxClockSkew int64                      `json:"max_clock_skew"`
	MaxBodySize  int                        `json:"max_body_size"`
}

type vectorCase struct {
	Name     string          `json:"name"`
	Type     string          `json:"type"`
	Verifier string          `json:"verifier"`
	V2Key    string          `json:"v2_key"`
	Now      int64           `json:"now"`
	Headers  [][2]string     `json:"headers"`
	BodyHex  string          `json:"body_hex"`
	Expect   json.RawMessage `json:"expect"`
}

type vectorExpect struct {
	Error        Code              `json:"error"`
	OK           bool              `json:"ok"`
	ID           string            `json:"id"`
	CreateTime   string            `json:"create_time"`
	EventType    string            `json:"event_type"`
	ResourceType string            `json:"resource_type"`
	Summary      string            `json:"summary"`
	OriginalType string            `json:"original_type"`
	Plaintext    string            `json:"plaintext"`
	Fields       map[string]string `json:"fields"`
	ReqInfo      map[string]string `json:"req_info"`
	// The event catalog (models/events.json): the kind of an accepted v3_parse case and, for
	// the event_* cases, each accessor's outcome by kind name ("ok" or a code), substrings of
	// the own kind's accessor error, and fields of its typed result by dotted JSON path.
	Kind               EventKind       `json:"kind"`
	Events             map[string]Code `json:"events"`
	EventErrorContains string          `json:"event_error_contains"`
	EventErrorExcludes string          `json:"event_error_excludes"`
	EventFields        map[string]any  `json:"event_fields"`
}

func (c *vectorCase) body(t testing.TB) []byte {
	b, err := hex.DecodeString(c.BodyHex)
	if err != nil {
		t.Fatalf("%s: body_hex: %v", c.Name, err)
	}
	return b
}

// header builds an http.Header from the case's ordered pairs, as net/http would.
func (c *vectorCase) header() http.Header {
	h := http.Header{}
	for _, kv := range c.Headers {
		h.Add(kv[0], kv[1])
	}
	return h
}

func (c *vectorCase) expect(t testing.TB) vectorExpect {
	var e vectorExpect
	if err := json.Unmarshal(c.Expect, &e); err != nil {
		t.Fatalf("%s: expect: %v", c.Name, err)
	}
	return e
}

func (c *vectorCase) now() time.Time { return time.Unix(c.Now, 0) }

func loadJSON(t testing.TB, rel string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorsDir, rel))
	if err != nil {
		t.Fatalf("cannot read vectors (run from bindings/go in the repository): %v", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

func loadVectors(t testing.TB) *vectorFile {
	t.Helper()
	var v vectorFile
	loadJSON(t, "notifications.json", &v)
	if v.Format != 1 {
		t.Fatalf("notifications.json format %d, want 1", v.Format)
	}
	return &v
}

func (v vectorVerifier) config() Config {
	cfg := Config{
		APIv3Key:     v.APIv3Key,
		Certificates: v.Certificates,
		MaxClockSkew: time.Duration(v.MaxClockSkew) * time.Second,
		MaxBodySize:  v.MaxBodySize,
	}
	if len(v.PublicKeys) > 0 {
		cfg.PublicKeys = map[string]string{}
		for _, k := range v.PublicKeys {
			cfg.PublicKeys[k.ID] = k.PEM
		}
	}
	return cfg
}

func readKeyFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorsDir, "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// signer signs and encrypts notifications as WeChat Pay does, with a test private key.
type signer struct {
	key      *rsa.PrivateKey
	serial   string
	apiv3Key []byte
}

func newSigner(t testing.TB, privatePEM, serial, apiv3Key string) *signer {
	t.Helper()
	block, _ := pem.Decode([]byte(privatePEM))
	if block == nil {
		t.Fatal("private key is not PEM")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{key: key.(*rsa.PrivateKey), serial: serial, apiv3Key: []byte(apiv3Key)}
}

// testSignerB signs as 微信支付公钥 B of the vectors' default verifier.
func testSignerB(t testing.TB) *signer {
	return newSigner(t, readKeyFile(t, "test-platform-b.key.pem"), testPubKeyIDB, testAPIv3Key)
}

// testVerifier is the vectors' default configuration: public key B and certificate A.
func testVerifier(t testing.TB) *Verifier {
	t.Helper()
	v, err := NewVerifier(Config{
		APIv3Key:     testAPIv3Key,
		PublicKeys:   map[string]string{testPubKeyIDB: readKeyFile(t, "test-platform-b.pub.pem")},
		Certificates: []string{readKeyFile(t, "test-platform-a.cert.pem")},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

const testTransaction = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_trade_no":"1217752501201407033233368018",` +
	`"transaction_id":"1217752501201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS",` +
	`"trade_state_desc":"支付成功","bank_type":"CMC","attach":"","success_time":"2018-06-08T10:34:56+08:00",` +
	`"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,` +
	`"currency":"CNY","payer_currency":"CNY"}}`

// body seals plaintext into a notification body.
func (s *signer) body(t testing.TB, id, eventType, originalType, plaintext string) []byte {
	t.Helper()
	block, err := aes.NewCipher(s.apiv3Key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := "fdasflkja484"
	sealed := gcm.Seal(nil, []byte(nonce), []byte(plaintext), []byte(originalType))
	body, err := json.Marshal(map[string]any{
		"id":            id,
		"create_time":   "2015-05-20T13:29:35+08:00",
		"resource_type": "encrypt-resource",
		"event_type":    eventType,
		"summary":       "支付成功",
		"resource": map[string]string{
			"original_type":   originalType,
			"algorithm":       "AEAD_AES_256_GCM",
			"ciphertext":      base64.StdEncoding.EncodeToString(sealed),
			"associated_data": originalType,
			"nonce":           nonce,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// sign returns the base64 RSA-SHA256 signature of timestamp\nnonce\nbody\n.
func (s *signer) sign(t testing.TB, timestamp, nonce string, body []byte) string {
	t.Helper()
	msg := make([]byte, 0, len(timestamp)+len(nonce)+len(body)+3)
	msg = append(msg, timestamp...)
	msg = append(msg, '\n')
	msg = append(msg, nonce...)
	msg = append(msg, '\n')
	msg = append(msg, body...)
	msg = append(msg, '\n')
	digest := sha256.Sum256(msg)
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// header returns the Wechatpay-* headers of body signed at the given time.
func (s *signer) header(t testing.TB, at time.Time, body []byte) http.Header {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	nonce := "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Wechatpay-Serial", s.serial)
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Signature", s.sign(t, ts, nonce, body))
	h.Set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
	return h
}

// notification returns a freshly signed payment notification (header, body) at time at.
func (s *signer) notification(t testing.TB, at time.Time) (http.Header, []byte) {
	t.Helper()
	body := s.body(t, "EV-2018022511223320873", "TRANSACTION.SUCCESS", "transaction", testTransaction)
	return s.header(t, at, body), body
}

func wantCode(t testing.TB, err error, code Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, want %s", code)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if e.Message == "" {
		t.Fatalf("%s has an empty message", code)
	}
}
