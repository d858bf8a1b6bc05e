// Package wechatpaynotifytest tests code that handles WeChat Pay callbacks without WeChat Pay,
// as net/http/httptest tests HTTP handlers.
//
// A [Kit] acts as WeChat Pay: it holds a throwaway RSA-2048 platform key pair (under a
// PUB_KEY_ID_ id, or with a self-signed platform certificate), an APIv3 key and an APIv2 key,
// all TEST keys generated for it in memory, never WeChat Pay's. The handler under test is
// configured with the kit's keys ([Kit.Config], [Kit.Verifier]), and the test sends it the
// kit's callbacks, signed and encrypted exactly as WeChat Pay signs and encrypts them:
//
//	kit, _ := wechatpaynotifytest.NewKit()
//	defer kit.Close()
//	v, _ := kit.Verifier()
//	h := wechatpaynotify.NewHandler(v, onNotification)
//	rec := httptest.NewRecorder()
//	req, _ := kit.Request(wechatpaynotify.EventTransaction,
//		wechatpaynotifytest.Merge(map[string]any{"amount": map[string]any{"total": 500}}))
//	h.ServeHTTP(rec, req) // rec.Code == 204
//
// A callback of each kind of the event catalog ([wechatpaynotify.EventKinds]) starts from a
// realistic resource of that kind; [Merge], [Resource], [ID], [EventType] and [At] change it,
// and [Failure] builds in one of the failures WeChat Pay, the network or a mistaken setup
// produce ([FailureKinds]), each refused with the code [FailureKind.Code] gives. [Kit.V2Payment]
// and [Kit.V2Refund] build APIv2 (XML) callbacks. [Kit.Merchant] configures a kit as one
// merchant of a verifier for several ([wechatpaynotify.Config.Merchants]): a kit per merchant.
//
// The kit is the testing kit of the wechatpay-notify Rust core (docs/testing.md in the
// repository), the one implementation of WeChat Pay's side in every language of the project,
// reached through the same C library as package wechatpaynotify.
package wechatpaynotifytest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	wechatpaynotify "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
	"github.com/wechatpay-notify/wechatpay-notify/bindings/go/internal/testkit"
)

// DefaultTarget is the request target of [Kit.Request] unless [Target] says otherwise.
const DefaultTarget = "/wechatpay/notify"

// ErrClosed is returned by the methods that build callbacks after [Kit.Close].
var ErrClosed = errors.New("wechatpaynotifytest: kit is closed")

// Kit is a throwaway WeChat Pay for tests: TEST keys generated for it, and callbacks signed
// and encrypted with them. It is immutable and safe for concurrent use by any number of
// goroutines. It holds memory of the C library: call Close when done (a finalizer frees a
// kit you forget).
type Kit struct {
	kit  *testkit.Kit
	info testkit.Info
}

// KitOption configures [NewKit].
type KitOption func(*kitOptions)

type kitOptions struct {
	certificate bool
}

// WithCertificate makes the kit's platform key come with a self-signed platform certificate
// (平台证书), valid from a day ago for five years, under its serial ([Kit.KeyID]) instead of a
// WeChat Pay public key (微信支付公钥) under a PUB_KEY_ID_ id. [Kit.Config] then configures the
// certificate.
func WithCertificate() KitOption {
	return func(o *kitOptions) { o.certificate = true }
}

// NewKit makes a kit with a fresh RSA-2048 test key pair, a test APIv3 key and a test APIv2 key.
func NewKit(opts ...KitOption) (*Kit, error) {
	var o kitOptions
	for _, opt := range opts {
		opt(&o)
	}
	k, err := testkit.New(o.certificate)
	if err != nil {
		return nil, convertError(err)
	}
	return &Kit{kit: k, info: k.Info()}, nil
}

// Close frees the kit's memory in the C library, wiping its keys there. The values read from
// the kit (KeyID, Config...) and the verifiers made from it stay usable; building a callback
// afterwards fails with [ErrClosed]. Close is idempotent and always returns nil.
func (k *Kit) Close() error {
	k.kit.Close()
	return nil
}

// KeyID is the Wechatpay-Serial the kit signs under: a PUB_KEY_ID_ id, or the serial of its
// certificate ([WithCertificate]).
func (k *Kit) KeyID() string { return k.info.KeyID }

// PublicKeyPEM is the kit's TEST platform public key, SubjectPublicKeyInfo PEM.
func (k *Kit) PublicKeyPEM() string { return k.info.PublicKeyPEM }

// CertificatePEM is the kit's TEST platform certificate (PEM), or "" unless the kit was made
// [WithCertificate].
func (k *Kit) CertificatePEM() string { return k.info.CertificatePEM }

// APIv3Key is the kit's TEST APIv3 key (APIv3密钥), 32 characters.
func (k *Kit) APIv3Key() string { return k.info.APIv3Key }

// V2Key is the kit's TEST APIv2 key (API密钥), 32 characters.
func (k *Kit) V2Key() string { return k.info.V2Key }

// Config is what a handler accepting the kit's callbacks is configured with: the APIv3 key and
// either the public key under its id or the certificate. Add settings (MaxClockSkew,
// MaxBodySize) to it to test them.
func (k *Kit) Config() wechatpaynotify.Config {
	cfg := wechatpaynotify.Config{APIv3Key: k.info.APIv3Key}
	if k.info.CertificatePEM != "" {
		cfg.Certificates = []string{k.info.CertificatePEM}
	} else {
		cfg.PublicKeys = map[string]string{k.info.KeyID: k.info.PublicKeyPEM}
	}
	return cfg
}

// Merchant is the kit as one merchant of a verifier for several merchants
// ([wechatpaynotify.Config.Merchants]): mchid with the kit's APIv3 key and either its public
// key under [Kit.KeyID] or its certificate, as in [Kit.Config]. A kit is one merchant's WeChat
// Pay: make a kit per merchant (their keys differ) and configure one verifier with all of them:
//
//	a, _ := wechatpaynotifytest.NewKit()
//	b, _ := wechatpaynotifytest.NewKit(wechatpaynotifytest.WithCertificate())
//	v, _ := wechatpaynotify.NewVerifier(wechatpaynotify.Config{
//		Merchants: []wechatpaynotify.Merchant{a.Merchant("1900000001"), b.Merchant("1900000002")},
//	})
//	// a's callbacks parse with MchID "1900000001", b's with "1900000002".
//
// Kits never share a platform key (the library gives each its own), so merchants sharing a
// key are configured by hand: another merchant with its own APIv3Key and this kit's
// PublicKeyPEM under KeyID.
//
// Merchant also makes the kit's catalog callbacks name mchid (their resource's mchid, sp_mchid
// or combine_mchid), as the verifier checks (docs/merchants.md); the mchid given last counts.
func (k *Kit) Merchant(mchid string) wechatpaynotify.Merchant {
	// From now on the kit's catalog callbacks name mchid, as the verifier checks. A closed
	// kit builds no callback, so its error is the one Request or Notification gives.
	_ = k.kit.SetMchID(mchid)
	m := wechatpaynotify.Merchant{MchID: mchid, APIv3Key: k.info.APIv3Key}
	if k.info.CertificatePEM != "" {
		m.Certificates = []string{k.info.CertificatePEM}
	} else {
		m.PublicKeys = map[string]string{k.info.KeyID: k.info.PublicKeyPEM}
	}
	return m
}

// Verifier is wechatpaynotify.NewVerifier(k.Config()): a verifier that accepts the kit's
// callbacks. Close it when done.
func (k *Kit) Verifier() (*wechatpaynotify.Verifier, error) {
	return wechatpaynotify.NewVerifier(k.Config())
}

// V2Verifier is wechatpaynotify.NewV2Verifier(k.V2Key(), opts...): an APIv2 verifier that
// accepts the kit's APIv2 callbacks. Close it when done.
func (k *Kit) V2Verifier(opts ...wechatpaynotify.V2Option) (*wechatpaynotify.V2Verifier, error) {
	return wechatpaynotify.NewV2Verifier(k.info.V2Key, opts...)
}

// CallbackOption changes the callback built by [Kit.Request] or [Kit.Callback].
type CallbackOption func(*callbackOptions)

type callbackOptions struct {
	req      testkit.Request
	merges   []map[string]any
	resource any
	replace  bool // Resource was given
	target   string
}

// Merge merges fields into the resource: JSON objects key by key (so
// {"amount": {"total": 500}} changes the total and keeps the currency), anything else
// replacing what is there. Values are encoded with encoding/json. Several Merge options are
// merged, in order, into one; an empty one changes nothing.
func Merge(fields map[string]any) CallbackOption {
	return func(o *callbackOptions) {
		if len(fields) > 0 {
			o.merges = append(o.merges, fields)
		}
	}
}

// Resource replaces the whole resource (before any [Merge]) with resource, encoded with
// encoding/json (a json.RawMessage is used as it is).
func Resource(resource any) CallbackOption {
	return func(o *callbackOptions) { o.resource, o.replace = resource, true }
}

// ID sets the notification id (default: a fresh "EV-" and 20 digits).
func ID(id string) CallbackOption {
	return func(o *callbackOptions) { o.req.ID = id }
}

// EventType sets the envelope's event_type (default: the kind's first documented one, e.g.
// TRANSACTION.SUCCESS). A custom callback (kind "") must have one.
func EventType(eventType string) CallbackOption {
	return func(o *callbackOptions) { o.req.EventType = eventType }
}

// OriginalType sets resource.original_type (and the associated data) of a custom callback
// (kind ""); a kind of the catalog has its own.
func OriginalType(originalType string) CallbackOption {
	return func(o *callbackOptions) { o.req.OriginalType = originalType }
}

// At signs the callback at t (its Wechatpay-Timestamp, in whole seconds) instead of now (the
// zero time means now). A verifier using the system clock refuses it with TIMESTAMP_SKEW when t
// is more than MaxClockSkew away: test it with a verifier whose clock reads t instead
// ([wechatpaynotify.Config.Now]).
func At(t time.Time) CallbackOption {
	return func(o *callbackOptions) { o.req.At = t }
}

// Failure builds the callback with a failure in it (the last Failure option counts).
func Failure(f FailureKind) CallbackOption {
	return func(o *callbackOptions) { o.req.Failure = string(f) }
}

// Target sets the request target of [Kit.Request] (default [DefaultTarget]): a path, or an
// absolute URL, as for httptest.NewRequest.
func Target(target string) CallbackOption {
	return func(o *callbackOptions) { o.target = target }
}

// Callback builds a callback of kind and returns its headers (Wechatpay-Serial,
// Wechatpay-Signature, Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature-Type and
// Content-Type) and its body, byte for byte as WeChat Pay would POST them: for an HTTP client
// of your own, a framework's test recorder, or calling a Verifier directly.
//
// kind is a kind of the event catalog, whose sample resource is the default; "" builds a
// custom callback, which needs [EventType] and usually [Resource] and [OriginalType].
func (k *Kit) Callback(kind wechatpaynotify.EventKind, opts ...CallbackOption) (http.Header, []byte, error) {
	_, cb, err := k.build(kind, opts)
	if err != nil {
		return nil, nil, err
	}
	return cb.header(), cb.Body, nil
}

// Request builds a callback like [Kit.Callback] and returns it as an incoming server request
// for a handler, made with httptest.NewRequest: POST to [DefaultTarget] (or [Target]).
func (k *Kit) Request(kind wechatpaynotify.EventKind, opts ...CallbackOption) (*http.Request, error) {
	o, cb, err := k.build(kind, opts)
	if err != nil {
		return nil, err
	}
	target := DefaultTarget
	if o.target != "" {
		target = o.target
	}
	// httptest.NewRequest panics on a target it cannot read: check it the same way first.
	if _, err := http.ReadRequest(bufio.NewReader(strings.NewReader(http.MethodPost + " " + target + " HTTP/1.0\r\n\r\n"))); err != nil {
		return nil, fmt.Errorf("wechatpaynotifytest: invalid request target %q: %w", target, err)
	}
	req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(cb.Body))
	req.Header = cb.header()
	return req, nil
}

// build applies opts and asks the kit for the callback.
func (k *Kit) build(kind wechatpaynotify.EventKind, opts []CallbackOption) (*callbackOptions, callback, error) {
	o := &callbackOptions{}
	for _, opt := range opts {
		opt(o)
	}
	o.req.Kind = string(kind)
	if kind != "" && o.req.OriginalType != "" {
		return nil, callback{}, fmt.Errorf("wechatpaynotifytest: OriginalType is for a custom callback (kind \"\"); kind %q has its own", kind)
	}
	if o.replace {
		data, err := json.Marshal(o.resource)
		if err != nil {
			return nil, callback{}, fmt.Errorf("wechatpaynotifytest: Resource: %w", err)
		}
		o.req.ResourceJSON = string(data)
	}
	if len(o.merges) > 0 {
		data, err := mergeJSON(o.merges)
		if err != nil {
			return nil, callback{}, fmt.Errorf("wechatpaynotifytest: Merge: %w", err)
		}
		o.req.MergeJSON = string(data)
	}
	cb, err := k.kit.Notification(o.req)
	if err != nil {
		return nil, callback{}, convertError(err)
	}
	return o, callback{cb}, nil
}

// mergeJSON encodes the Merge options as one JSON object.
func mergeJSON(merges []map[string]any) ([]byte, error) {
	if len(merges) == 1 {
		return json.Marshal(merges[0])
	}
	acc := map[string]any{}
	for _, m := range merges {
		data, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // numbers stay as written
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			return nil, err
		}
		mergeInto(acc, obj)
	}
	return json.Marshal(acc)
}

// mergeInto merges from into into: objects key by key, anything else replaces.
func mergeInto(into, from map[string]any) {
	for key, v := range from {
		sub, isObj := v.(map[string]any)
		have, hadObj := into[key].(map[string]any)
		if isObj && hadObj {
			mergeInto(have, sub)
			continue
		}
		into[key] = v
	}
}

// callback is a testkit callback with its headers as an http.Header.
type callback struct{ *testkit.Callback }

func (c callback) header() http.Header {
	h := make(http.Header, len(c.Header))
	for _, kv := range c.Header {
		h.Add(kv[0], kv[1])
	}
	return h
}

// V2CallbackOption changes an APIv2 callback built by [Kit.V2Payment] or [Kit.V2Refund].
type V2CallbackOption func(*v2Options)

type v2Options struct {
	fields     map[string]string
	hmacSHA256 bool
}

// Fields sets fields of an APIv2 callback: of the payment result ([Kit.V2Payment]), e.g.
// "out_trade_no" or "total_fee", or of the refund's decrypted req_info ([Kit.V2Refund]), e.g.
// "out_refund_no". Several Fields options add up, later ones winning.
func Fields(fields map[string]string) V2CallbackOption {
	return func(o *v2Options) {
		if o.fields == nil {
			o.fields = map[string]string{}
		}
		for k, v := range fields {
			o.fields[k] = v
		}
	}
}

// SignHMACSHA256 signs an APIv2 payment result with HMAC-SHA256 (sign_type HMAC-SHA256)
// instead of MD5. A refund result is not signed (its req_info is encrypted).
func SignHMACSHA256() V2CallbackOption {
	return func(o *v2Options) { o.hmacSHA256 = true }
}

// V2Payment builds an APIv2 payment result (XML), signed with the kit's APIv2 key, as WeChat
// Pay POSTs it to an APIv2 notify_url: verify it with [Kit.V2Verifier].
func (k *Kit) V2Payment(opts ...V2CallbackOption) ([]byte, error) {
	return k.v2(false, opts)
}

// V2Refund builds an APIv2 refund result (XML) whose req_info is encrypted with the kit's
// APIv2 key, as WeChat Pay POSTs it: decrypt it with [Kit.V2Verifier].
func (k *Kit) V2Refund(opts ...V2CallbackOption) ([]byte, error) {
	return k.v2(true, opts)
}

func (k *Kit) v2(refund bool, opts []V2CallbackOption) ([]byte, error) {
	var o v2Options
	for _, opt := range opts {
		opt(&o)
	}
	if refund && o.hmacSHA256 {
		return nil, errors.New("wechatpaynotifytest: SignHMACSHA256 is for payment results; a refund result is not signed")
	}
	fields := ""
	if o.fields != nil {
		data, err := json.Marshal(o.fields)
		if err != nil {
			return nil, err
		}
		fields = string(data)
	}
	xml, err := k.kit.V2Callback(refund, o.hmacSHA256, fields)
	if err != nil {
		return nil, convertError(err)
	}
	return xml, nil
}

// convertError gives the error of the library as a *wechatpaynotify.Error.
func convertError(err error) error {
	var e *testkit.Error
	switch {
	case errors.Is(err, testkit.ErrClosed):
		return ErrClosed
	case errors.As(err, &e):
		return &wechatpaynotify.Error{Code: wechatpaynotify.Code(e.Code), Message: e.Message}
	default:
		return err
	}
}
