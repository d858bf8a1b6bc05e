// Command notifyapp is the merchant application of the Go consumer test (run.sh): built in a
// new module outside the repository against the released module, it serves a WeChat Pay
// notify_url twice, under gin and under plain net/http, each on its own 127.0.0.1 port, and
// drives both with real HTTP requests.
//
// Each server has two routes:
//
//   - /wechatpay/notify-live: the package's handler (wechatpaynotify.NewHandler), verifying at
//     the system clock with the configuration of a testing kit (wechatpaynotifytest.Kit, the
//     module's stand-in for WeChat Pay, with throwaway test keys). The requests are the kit's
//     callbacks, built on the fly: a payment, the same altered, and every failure the kit
//     builds in.
//   - /wechatpay/notify: a handler written with Verifier.ParseRequest, WriteSuccess and
//     WriteFailure, for the conformance vectors (tests/vectors/notifications.json): they are
//     signed at a fixed time, so this test route uses a verifier of the vector's configuration
//     (`verifier` in the query) whose clock (Config.Now) reads the `now` given in the query.
//
// Every v3_parse vector is sent to both servers: a valid one must get 204 and the handler must
// have seen its notification id and plaintext; a refused one its status (401 for an
// authenticity failure, 500 otherwise) and {"code":"FAIL","message":"CODE: ..."}. Every valid
// one is also sent with one body byte changed, which must get 401 SIGNATURE_MISMATCH.
//
//	notifyapp -vectors tests/vectors/notifications.json -version 0.2.0
//
// The last line is "notifyapp: N passed, M failed"; the exit status is 1 on any failure.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/wechatpaynotifytest"
)

// The conformance vectors (format described in tests/vectors/README.md).
type vectorFile struct {
	Format    int                       `json:"format"`
	Verifiers map[string]vectorVerifier `json:"verifiers"`
	Cases     []vectorCase              `json:"cases"`
}

type vectorVerifier struct {
	APIv3Key     string                     `json:"apiv3_key"`
	PublicKeys   []struct{ ID, PEM string } `json:"public_keys"`
	Certificates []string                   `json:"certificates"`
	MaxClockSkew int64                      `json:"max_clock_skew"`
	MaxBodySize  int                        `json:"max_body_size"`
	// Several merchants behind one notify_url (docs/merchants.md), instead of the keys above.
	Merchants []struct {
		MchID        string                     `json:"mchid"`
		APIv3Key     string                     `json:"apiv3_key"`
		PublicKeys   []struct{ ID, PEM string } `json:"public_keys"`
		Certificates []string                   `json:"certificates"`
	} `json:"merchants"`
}

type vectorCase struct {
	Name     string      `json:"name"`
	Type     string      `json:"type"`
	Verifier string      `json:"verifier"`
	Now      int64       `json:"now"`
	Headers  [][2]string `json:"headers"`
	BodyHex  string      `json:"body_hex"`
	Expect   struct {
		OK        bool   `json:"ok"`
		Error     string `json:"error"`
		ID        string `json:"id"`
		Plaintext string `json:"plaintext"`
	} `json:"expect"`
}

// tagHeader carries a per-request tag from the client to the handler, so that the client can
// check what the handler saw for that very request.
const tagHeader = "X-Test-Request"

type seen struct {
	id        string
	plaintext string
}

// app is the merchant application: the verifiers, built once at start-up and shared by both
// servers, and what the handlers saw.
type app struct {
	verifiers map[verifierKey]*wechatpaynotify.Verifier // the vectors' configurations at their times
	live      *wechatpaynotify.Verifier            // the testing kit's configuration
	mu        sync.Mutex
	seen      map[string]seen
}

func (a *app) record(tag string, n *wechatpaynotify.Notification) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen[tag] = seen{id: n.ID, plaintext: string(n.Plaintext)}
}

func (a *app) take(tag string) (seen, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.seen[tag]
	delete(a.seen, tag)
	return s, ok
}

// verifierKey names a verifier of the vectors: its configuration, and the time its clock reads
// (Unix seconds).
type verifierKey struct {
	name string
	now  int64
}

// vectorParams reads the test route's query: the verifier's configuration and the time its
// clock reads.
func (a *app) vectorParams(q url.Values) (*wechatpaynotify.Verifier, error) {
	now, err := strconv.ParseInt(q.Get("now"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("now: %v", err)
	}
	v := a.verifiers[verifierKey{q.Get("verifier"), now}]
	if v == nil {
		return nil, fmt.Errorf("unknown verifier %q at %d", q.Get("verifier"), now)
	}
	return v, nil
}

// liveFn is the business function given to NewHandler: decode the payment, record it.
func (a *app) liveFn(ctx context.Context, n *wechatpaynotify.Notification) error {
	t, err := n.Transaction()
	if err != nil {
		return err
	}
	if t.OutTradeNo == "" {
		return errors.New("no out_trade_no")
	}
	a.record(ctx.Value(tagKey{}).(string), n)
	return nil
}

type tagKey struct{}

// withTag puts the request's tag into its context, where liveFn finds it.
func withTag(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), tagKey{}, r.Header.Get(tagHeader))
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// netHTTPServer is the notify_url with plain net/http.
func (a *app) netHTTPServer() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/wechatpay/notify-live", withTag(wechatpaynotify.NewHandler(a.live, a.liveFn)))
	mux.HandleFunc("POST /wechatpay/notify", func(w http.ResponseWriter, r *http.Request) {
		v, err := a.vectorParams(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n, err := v.ParseRequest(r)
		if err != nil {
			wechatpaynotify.WriteFailure(w, err)
			return
		}
		a.record(r.Header.Get(tagHeader), n)
		wechatpaynotify.WriteSuccess(w)
	})
	return mux
}

// ginServer is the same notify_url under gin.
func (a *app) ginServer() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	live := withTag(wechatpaynotify.NewHandler(a.live, a.liveFn))
	r.Any("/wechatpay/notify-live", gin.WrapH(live))
	r.POST("/wechatpay/notify", func(c *gin.Context) {
		v, err := a.vectorParams(c.Request.URL.Query())
		if err != nil {
			c.String(http.StatusBadRequest, err.Error())
			return
		}
		n, err := v.ParseRequest(c.Request)
		if err != nil {
			wechatpaynotify.WriteFailure(c.Writer, err)
			c.Abort()
			return
		}
		a.record(c.GetHeader(tagHeader), n)
		c.Status(http.StatusNoContent)
	})
	return r
}

func serve(h http.Handler) (base string, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}

// expectation is what one request must get.
type expectation struct {
	status    int    // 204, 401, 405 or 500
	code      string // the error code at the start of the FAIL message, for 401 and 500
	id        string // for 204: the id the handler saw
	plaintext string // for 204: the plaintext the handler saw
	contains  string // for 204: text the plaintext the handler saw contains
}

type client struct {
	app    *app
	http   *http.Client
	tags   int
	passed int
	failed int
}

func (c *client) check(server, name string, req *http.Request, want expectation) {
	c.tags++
	tag := strconv.Itoa(c.tags)
	req.Header.Set(tagHeader, tag)
	err := c.do(req, tag, want)
	if err != nil {
		c.failed++
		fmt.Printf("FAIL %s %s: %v\n", server, name, err)
		return
	}
	c.passed++
}

func (c *client) do(req *http.Request, tag string, want expectation) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	got, saw := c.app.take(tag)
	if resp.StatusCode != want.status {
		return fmt.Errorf("status %d, want %d (body %q)", resp.StatusCode, want.status, body)
	}
	if want.status == http.StatusNoContent {
		if len(body) != 0 {
			return fmt.Errorf("204 with a body %q", body)
		}
		if !saw {
			return errors.New("accepted, but the handler saw no notification")
		}
		if got.id != want.id {
			return fmt.Errorf("handler saw id %q, want %q", got.id, want.id)
		}
		if want.plaintext != "" && got.plaintext != want.plaintext {
			return fmt.Errorf("handler saw plaintext %q, want %q", got.plaintext, want.plaintext)
		}
		if !strings.Contains(got.plaintext, want.contains) {
			return fmt.Errorf("handler saw plaintext %q, want one with %s", got.plaintext, want.contains)
		}
		return nil
	}
	if saw {
		return fmt.Errorf("refused with %d, but the handler saw notification %q", resp.StatusCode, got.id)
	}
	var reply struct{ Code, Message string }
	if err := json.Unmarshal(body, &reply); err != nil {
		return fmt.Errorf("reply body %q: %v", body, err)
	}
	if reply.Code != "FAIL" || (want.code != "" && !strings.HasPrefix(reply.Message, want.code+":")) {
		return fmt.Errorf("reply %+v, want FAIL with message %s: ...", reply, want.code)
	}
	return nil
}

func vectorRequest(base string, c vectorCase, body []byte) *http.Request {
	q := url.Values{"verifier": {c.Verifier}, "now": {strconv.FormatInt(c.Now, 10)}}
	req, err := http.NewRequest(http.MethodPost, base+"/wechatpay/notify?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range c.Headers {
		req.Header.Add(h[0], h[1]) // in the vector's order: the first of a repeated name counts
	}
	return req
}

// failure is the reply a refused vector must get: 401 for an authenticity failure, 500
// otherwise.
func failure(code string) expectation {
	status := http.StatusInternalServerError
	if wechatpaynotify.Code(code).Family() == wechatpaynotify.FamilyAuthenticity {
		status = http.StatusUnauthorized
	}
	return expectation{status: status, code: code}
}

func randomText(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		log.Fatal(err)
	}
	return strings.ToUpper(hex.EncodeToString(b))[:n]
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("notifyapp: ")
	vectorsPath := flag.String("vectors", "", "path of tests/vectors/notifications.json")
	wantVersion := flag.String("version", "", "the library version Version() must return")
	wantBackend := flag.String("backend", "", "the cryptographic backend Backend() must return")
	flag.Parse()
	if *vectorsPath == "" || *wantVersion == "" || *wantBackend == "" {
		log.Fatal("usage: notifyapp -vectors FILE -version X.Y.Z -backend aws-lc|ring")
	}

	if v := wechatpaynotify.Version(); v != *wantVersion {
		log.Fatalf("FAIL: Version() is %q, want %q", v, *wantVersion)
	}
	if b := wechatpaynotify.Backend(); b != *wantBackend {
		log.Fatalf("FAIL: Backend() is %q, want %q", b, *wantBackend)
	}
	data, err := os.ReadFile(*vectorsPath)
	if err != nil {
		log.Fatal(err)
	}
	var vf vectorFile
	if err := json.Unmarshal(data, &vf); err != nil {
		log.Fatal(err)
	}
	if vf.Format != 1 {
		log.Fatalf("vector format %d, want 1", vf.Format)
	}

	var cases []vectorCase
	a := &app{verifiers: map[verifierKey]*wechatpaynotify.Verifier{}, seen: map[string]seen{}}
	for _, c := range vf.Cases {
		if c.Type != "v3_parse" {
			continue
		}
		cases = append(cases, c)
		key := verifierKey{c.Verifier, c.Now}
		if _, done := a.verifiers[key]; done {
			continue
		}
		cfg := vf.Verifiers[c.Verifier]
		now := time.Unix(c.Now, 0) // the vector's time: this verifier's clock
		keys := map[string]string{}
		for _, k := range cfg.PublicKeys {
			keys[k.ID] = k.PEM
		}
		var merchants []wechatpaynotify.Merchant
		for _, m := range cfg.Merchants {
			mkeys := map[string]string{}
			for _, k := range m.PublicKeys {
				mkeys[k.ID] = k.PEM
			}
			merchants = append(merchants, wechatpaynotify.Merchant{
				MchID: m.MchID, APIv3Key: m.APIv3Key, PublicKeys: mkeys, Certificates: m.Certificates,
			})
		}
		v, err := wechatpaynotify.NewVerifier(wechatpaynotify.Config{
			APIv3Key: cfg.APIv3Key, PublicKeys: keys, Certificates: cfg.Certificates,
			Merchants:    merchants,
			MaxClockSkew: time.Duration(cfg.MaxClockSkew) * time.Second, MaxBodySize: cfg.MaxBodySize,
			Now:          func() time.Time { return now },
		})
		if err != nil {
			log.Fatalf("verifier %s: %v", c.Verifier, err)
		}
		defer v.Close()
		a.verifiers[key] = v
	}
	// The live route is configured for a testing kit, which plays WeChat Pay with test keys.
	kit, err := wechatpaynotifytest.NewKit()
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	if a.live, err = kit.Verifier(); err != nil {
		log.Fatal(err)
	}
	defer a.live.Close()

	servers := []struct {
		name    string
		handler http.Handler
	}{{"net/http", a.netHTTPServer()}, {"gin", a.ginServer()}}
	cl := &client{app: a, http: &http.Client{Timeout: 10 * time.Second}}
	valid := 0
	for _, s := range servers {
		base, stop := serve(s.handler)
		for _, c := range cases {
			body, err := hex.DecodeString(c.BodyHex)
			if err != nil {
				log.Fatalf("%s: body_hex: %v", c.Name, err)
			}
			if !c.Expect.OK {
				cl.check(s.name, c.Name, vectorRequest(base, c, body), failure(c.Expect.Error))
				continue
			}
			valid++
			cl.check(s.name, c.Name, vectorRequest(base, c, body),
				expectation{status: http.StatusNoContent, id: c.Expect.ID, plaintext: c.Expect.Plaintext})
			tampered := append([]byte(nil), body...)
			tampered[len(tampered)/2] ^= 0x01
			cl.check(s.name, c.Name+"/tampered", vectorRequest(base, c, tampered), failure("SIGNATURE_MISMATCH"))
		}

		// The package's handler at the system clock: a fresh notification from the kit, the
		// same one altered, every failure the kit builds in, and a GET.
		id := "EV-LIVE-" + randomText(8)
		order := "ORDER-" + randomText(8)
		header, body, err := kit.Callback(wechatpaynotify.EventTransaction, wechatpaynotifytest.ID(id),
			wechatpaynotifytest.Merge(map[string]any{"out_trade_no": order}))
		if err != nil {
			log.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/wechatpay/notify-live", bytes.NewReader(body))
		req.Header = header.Clone()
		cl.check(s.name, "live", req, expectation{status: http.StatusNoContent, id: id,
			contains: fmt.Sprintf("%q:%q", "out_trade_no", order)})
		tampered := bytes.Replace(body, []byte(id), []byte(id[:len(id)-1]+"X"), 1)
		req, _ = http.NewRequest(http.MethodPost, base+"/wechatpay/notify-live", bytes.NewReader(tampered))
		req.Header = header.Clone()
		cl.check(s.name, "live/tampered", req, failure("SIGNATURE_MISMATCH"))
		for _, f := range wechatpaynotifytest.FailureKinds {
			header, body, err := kit.Callback(wechatpaynotify.EventTransaction, wechatpaynotifytest.Failure(f))
			if err != nil {
				log.Fatal(err)
			}
			req, _ = http.NewRequest(http.MethodPost, base+"/wechatpay/notify-live", bytes.NewReader(body))
			req.Header = header
			cl.check(s.name, "live/"+f.String(), req, failure(string(f.Code())))
		}
		req, _ = http.NewRequest(http.MethodGet, base+"/wechatpay/notify-live", nil)
		cl.check(s.name, "live/GET", req, expectation{status: http.StatusMethodNotAllowed})
		stop()
	}
	fmt.Printf("notifyapp: library %s; %d v3_parse vectors (%d valid, each also tampered) and %d live requests from a testing kit, per server (net/http, gin)\n",
		wechatpaynotify.Version(), len(cases), valid/len(servers), 3+len(wechatpaynotifytest.FailureKinds))
	fmt.Printf("notifyapp: %d passed, %d failed\n", cl.passed, cl.failed)
	if cl.failed > 0 {
		os.Exit(1)
	}
}
