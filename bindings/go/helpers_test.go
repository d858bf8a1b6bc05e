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
	// Merchants, instead of the keys above: a verifier for several merchants
	// (docs/merchants.md).
	Merchants    []vectorMerchant `json:"merchants"`
	MaxClockSkew int64            `json:"max_clock_skew"`
	MaxBodySize  int              `json:"max_body_size"`
}

type vectorMerchant struct {
	MchID        string                     `json:"mchid"`
	APIv3Key     string                     `json:"apiv3_key"`
	PublicKeys   []struct{ ID, PEM string } `json:"public_keys"`
	Certificates []string                   `json:"certificates"`
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
	Error        Code   `json:"error"`
	OK           bool   `json:"ok"`
	ID           string `json:"id"`
	CreateTime   string `json:"create_time"`
	EventType    string `json:"event_type"`
	ResourceType string `json:"resource_type"`
	Summary      string `json:"summary"`
	OriginalType string `json:"original_type"`
	Plaintext    string `json:"plaintext"`
	// MchID is the merchant of an accepted v3_parse case: nil (JSON null) for a
	// single-merchant verifier.
	MchID   *string           `json:"mchid"`
	Fields  map[string]string `json:"fields"`
	ReqInfo map[string]string `json:"req_info"`
	// The event catalog (models/events.json): the kind of an accepted v3_parse case and, for
	// the event_* cases, each accessor's outcome by kind name ("ok" or a code), substrings of
	// the own kind's accessor error, and fields of its typed result by dotted JSON path.
	Kind               EventKind       `json:"kind"`
	Events             map[string]Code `json:"events"`
	EventErrorContains string          `json:"event_error_contains"`
	EventErrorExcludes string          `json:"event_error_excludes"`
	EventFields        map[string]any  `json:"event_fields"`
	// MessageContains are substrings the error's message must contain.
	MessageContains []string `json:"message_contains"`

	has map[string]bool // the keys present
}

// vectorExpectKeys are the keys of expect this runner compares: a key it does not know fails
// the test rather than going unchecked.
var vectorExpectKeys = map[string]bool{
	"error": true, "ok": true, "id": true, "create_time": true, "event_type": true,
	"resource_type": true, "summary": true, "original_type": true, "plaintext": true,
	"mchid": true, "fields": true, "req_info": true, "kind": true, "events": true,
	"event_error_contains": true, "event_error_excludes": true, "event_fields": true,
	"message_contains": true,
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
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(c.Expect, &keys); err != nil {
		t.Fatalf("%s: expect: %v", c.Name, err)
	}
	e.has = make(map[string]bool, len(keys))
	for key := range keys {
		if !vectorExpectKeys[key] {
			t.Fatalf("%s: expect.%s is not known to this runner", c.Name, key)
		}
		e.has[key] = true
	}
	return e
}

func (c *vectorCase) now() time.Time { return time.Unix(c.Now, 0) }

// clockAt is a clock that always reads now, for Config.Now.
func clockAt(now time.Time) func() time.Time { return func() time.Time { return now } }

// verifier is a verifier of the case's configuration whose clock reads the case's time, closed
// when the test ends.
func (c *vectorCase) verifier(t testing.TB, vectors *vectorFile) *Verifier {
	t.Helper()
	cfg := vectors.Verifiers[c.Verifier].config(t)
	cfg.Now = clockAt(c.now())
	v, err := NewVerifier(cfg)
	if err != nil {
		t.Fatalf("%s: verifier %s: %v", c.Name, c.Verifier, err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

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

// config is the Config of a vector verifier. Everything it has is passed on (a verifier
// mixing merchants with top-level keys is the core's to refuse).
func (v vectorVerifier) config(t testing.TB) Config {
	t.Helper()
	cfg := Config{
		APIv3Key:     v.APIv3Key,
		PublicKeys:   vectorPublicKeys(t, v.PublicKeys),
		Certificates: v.Certificates,
		MaxClockSkew: time.Duration(v.MaxClockSkew) * time.Second,
		MaxBodySize:  v.MaxBodySize,
	}
	for _, m := range v.Merchants {
		cfg.Merchants = append(cfg.Merchants, Merchant{
			MchID:        m.MchID,
			APIv3Key:     m.APIv3Key,
			PublicKeys:   vectorPublicKeys(t, m.PublicKeys),
			Certificates: m.Certificates,
		})
	}
	return cfg
}

// vectorPublicKeys is a list of {id, pem} as a map (nil when empty). An id listed twice
// cannot be a map key: this runner does not support it.
func vectorPublicKeys(t testing.TB, list []struct{ ID, PEM string }) map[string]string {
	t.Helper()
	if len(list) == 0 {
		return nil
	}
	keys := make(map[string]string, len(list))
	for _, k := range list {
		if _, dup := keys[k.ID]; dup {
			t.Fatalf("public key id %s listed twice in one configuration: a Config cannot say it", k.ID)
		}
		keys[k.ID] = k.PEM
	}
	return keys
}

// apiv3Keys are the APIv3 keys of a vector verifier: its own and its merchants'.
func (v vectorVerifier) apiv3Keys() []string {
	keys := []string{v.APIv3Key}
	for _, m := range v.Merchants {
		keys = append(keys, m.APIv3Key)
	}
	return keys
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

// merchant is the kit as merchant mchid of a verifier for several merchants.
func (k *testKit) merchant(mchid string) Merchant {
	// The kit's callbacks name mchid from now on, as the verifier checks.
	if err := k.SetMchID(mchid); err != nil {
		panic(err)
	}
	cfg := k.config()
	return Merchant{MchID: mchid, APIv3Key: cfg.APIv3Key, PublicKeys: cfg.PublicKeys, Certificates: cfg.Certificates}
}

// verifier is a verifier configured for the kit (on the system clock), closed when the test
// ends.
func (k *testKit) verifier(t testing.TB) *Verifier {
	t.Helper()
	return k.verifierAt(t, nil)
}

// verifierAt is a verifier configured for the kit with the clock now (nil: the system clock),
// closed when the test ends.
func (k *testKit) verifierAt(t testing.TB, now func() time.Time) *Verifier {
	t.Helper()
	cfg := k.config()
	cfg.Now = now
	v, err := NewVerifier(cfg)
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
