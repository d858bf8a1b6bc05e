package wechatpaynotify

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/internal/testkit"
)

// vectorsDir is the repository's shared conformance vectors directory.
var vectorsDir = filepath.Join("..", "..", "tests", "vectors")

// The APIv3 key of the conformance vectors and the id of their 微信支付公钥 B
// (tests/vectors/keys: throwaway, public), for configuration tests.
const (
	testAPIv3Key  = "wpnTestAPIv3Key0123456789abcdefg"
	testPubKeyIDB = "PUB_KEY_ID_0114232134912410000000000000"
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

// testKit is the testing kit of the core (internal/testkit, docs/testing.md): a throwaway
// WeChat Pay with test keys generated for it, and the only code that signs callbacks for these
// tests. (Package wechatpaynotifytest is the public API over it; the tests of this package
// cannot import it, since it imports this package.)
type testKit struct {
	*testkit.Kit
}

var sharedKit = sync.OnceValues(func() (*testkit.Kit, error) { return testkit.New(false) })

// theKit returns the kit shared by the tests of this package (a public-key kit).
func theKit(t testing.TB) *testKit {
	t.Helper()
	k, err := sharedKit()
	if err != nil {
		t.Fatal(err)
	}
	return &testKit{k}
}

// newTestKit returns a public-key kit of the test's own: other keys than theKit's.
func newTestKit(t testing.TB) *testKit {
	t.Helper()
	k, err := testkit.New(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return &testKit{k}
}

// config is what accepts the kit's callbacks.
func (k *testKit) config() Config {
	info := k.Info()
	cfg := Config{APIv3Key: info.APIv3Key}
	if info.CertificatePEM != "" {
		cfg.Certificates = []string{info.CertificatePEM}
	} else {
		cfg.PublicKeys = map[string]string{info.KeyID: info.PublicKeyPEM}
	}
	return cfg
}

// verifier is a verifier configured for the kit, closed when the test ends.
func (k *testKit) verifier(t testing.TB) *Verifier {
	t.Helper()
	v, err := NewVerifier(k.config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// callback builds the callback r asks for: its headers (as net/http would have them), body and
// notification id.
func (k *testKit) callback(t testing.TB, r testkit.Request) (http.Header, []byte, string) {
	t.Helper()
	cb, err := k.Notification(r)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for _, kv := range cb.Header {
		h.Add(kv[0], kv[1])
	}
	return h, cb.Body, cb.ID
}

// notification is a payment notification (the kit's sample transaction) signed at time at.
func (k *testKit) notification(t testing.TB, at time.Time) (http.Header, []byte, string) {
	t.Helper()
	return k.callback(t, testkit.Request{Kind: string(EventTransaction), At: at})
}

// testTransaction is a payment resource (plaintext) for the accessor tests.
const testTransaction = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_trade_no":"1217752501201407033233368018",` +
	`"transaction_id":"1217752501201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS",` +
	`"trade_state_desc":"支付成功","bank_type":"CMC","attach":"","success_time":"2018-06-08T10:34:56+08:00",` +
	`"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,` +
	`"currency":"CNY","payer_currency":"CNY"}}`

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
