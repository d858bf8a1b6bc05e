package wechatpaynotify

/*
#include "wechatpay_notify.h"
*/
import "C"

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of [Config], from the Rust core.
const (
	// DefaultMaxClockSkew is the largest accepted difference between Wechatpay-Timestamp and
	// now when Config.MaxClockSkew is zero: 300 seconds, as WeChat Pay recommends.
	DefaultMaxClockSkew = 300 * time.Second
	// DefaultMaxBodySize is the largest accepted body when Config.MaxBodySize is zero: 1 MiB
	// (real notifications are about 1 KB).
	DefaultMaxBodySize = 1 << 20
)

// The defaults above are the C library's; the build fails if they ever differ.
const (
	_ = uint(DefaultMaxClockSkew/time.Second-C.WPN_DEFAULT_MAX_CLOCK_SKEW) + uint(C.WPN_DEFAULT_MAX_CLOCK_SKEW-DefaultMaxClockSkew/time.Second)
	_ = uint(DefaultMaxBodySize-C.WPN_DEFAULT_MAX_BODY_SIZE) + uint(C.WPN_DEFAULT_MAX_BODY_SIZE-DefaultMaxBodySize)
)

// Config configures a [Verifier]. At least one public key or certificate is required.
// Several at once are normal: platform certificates and a public key during the migration to
// 微信支付公钥, old and new keys during a rotation.
//
// A verifier is for one merchant (APIv3Key with PublicKeys and/or Certificates) or, with
// Merchants, for several merchants whose notify_url is the same endpoint; not both: with
// Merchants set, APIv3Key, PublicKeys and Certificates must be empty (CodeConfigInvalid
// otherwise).
type Config struct {
	// APIv3Key is the APIv3 key (APIv3密钥): the 32 characters set in the merchant platform.
	APIv3Key string
	// PublicKeys maps WeChat Pay public-key ids (微信支付公钥ID, "PUB_KEY_ID_...") to the
	// public keys (微信支付公钥), as SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY", the file
	// downloaded from the merchant platform), PKCS#1 PEM or bare base64.
	PublicKeys map[string]string
	// Certificates are WeChat Pay platform certificates (平台证书), PEM or bare base64 DER;
	// each one's serial and validity period are read from it.
	Certificates []string
	// Merchants configures a verifier for several merchants behind one notify_url
	// (docs/merchants.md), in this order: each with its merchant id, APIv3 key and keys. A
	// callback's Wechatpay-Serial selects the key, and the resource is decrypted with the APIv3
	// key of the merchant that key belongs to ([Notification.MchID] names it). Merchants
	// sharing a key configure it under the same serial (the same key; a serial configured for
	// two merchants with different keys is CodeConfigInvalid), and their APIv3 keys are then
	// tried in this order. Leave APIv3Key, PublicKeys and Certificates empty when it is set.
	Merchants []Merchant
	// MaxClockSkew is the largest accepted difference between Wechatpay-Timestamp and now,
	// in whole seconds; zero means DefaultMaxClockSkew.
	MaxClockSkew time.Duration
	// MaxBodySize is the largest accepted body in bytes; zero means DefaultMaxBodySize.
	MaxBodySize int
	// Now is the verifier's clock, read once per call to check Wechatpay-Timestamp (and a
	// certificate's validity) against it. nil, the usual setting, is the system clock, read
	// by the library as the Rust core reads it. Set it in tests, or to replay a stored
	// callback at the time it was received:
	//
	//	cfg.Now = func() time.Time { return receivedAt }
	//
	// Only whole seconds count. Now is called by every call that checks a timestamp, from any
	// goroutine the verifier is used in, so it must be safe for concurrent use.
	Now func() time.Time
}

// Merchant is one merchant (商户) of a verifier for several merchants ([Config.Merchants]):
// its merchant id, its APIv3 key and the WeChat Pay keys its callbacks are signed with. Every
// merchant needs a non-empty mchid unique in the verifier, a 32-byte APIv3 key and at least one
// key, and configures a serial at most once.
type Merchant struct {
	// MchID is the merchant id (商户号), e.g. "1900000001": what [Notification.MchID] gives for
	// this merchant's callbacks.
	MchID string
	// APIv3Key is this merchant's APIv3 key (APIv3密钥), 32 characters.
	APIv3Key string
	// PublicKeys maps this merchant's WeChat Pay public-key ids (微信支付公钥ID) to the public
	// keys, as in [Config.PublicKeys]; they are added in sorted id order.
	PublicKeys map[string]string
	// Certificates are this merchant's WeChat Pay platform certificates (平台证书), as in
	// [Config.Certificates].
	Certificates []string
}

// String describes the merchant without its APIv3 key.
func (m Merchant) String() string {
	return fmt.Sprintf("Merchant{MchID:%q APIv3Key:<redacted> PublicKeys:%d Certificates:%d}",
		m.MchID, len(m.PublicKeys), len(m.Certificates))
}

// GoString is String, so that %#v does not print the APIv3 key either.
func (m Merchant) GoString() string { return m.String() }

// Verifier verifies and decrypts WeChat Pay APIv3 callbacks.
//
// It is immutable once built, every key is parsed once, and it is safe for concurrent use
// by any number of goroutines: build one at start-up and share it. Rotating keys means
// building a new one. It holds memory of the Rust library: call Close when done (a finalizer
// frees it if you forget). A Verifier must not be copied.
type Verifier struct {
	mu           sync.RWMutex // read-held by every call, write-held by Close
	ptr          *C.wpn_verifier
	now          func() time.Time // Config.Now; nil for the system clock
	maxBodySize  int
	maxClockSkew time.Duration
	mchids       []string // the merchant ids of Config.Merchants, in order; nil for one merchant
}

// liveHandles counts the C verifiers not yet freed (for the tests).
var liveHandles atomic.Int64

// NewVerifier parses every key of cfg and builds a verifier. Any problem (an APIv3 key that
// is not 32 bytes, a PEM that does not parse, a key that is not RSA of at least 2048 bits, no
// key at all, a key configured twice; with Merchants also merchants mixed with the top-level
// APIv3Key or keys, an empty or repeated MchID, a merchant without keys, a serial configured
// for two merchants with different keys) is an *Error with CodeConfigInvalid whose message
// says which; it never contains a key.
func NewVerifier(cfg Config) (*Verifier, error) {
	if cfg.MaxClockSkew < 0 || (cfg.MaxClockSkew > 0 && cfg.MaxClockSkew < time.Second) {
		return nil, &Error{Code: CodeConfigInvalid, Message: fmt.Sprintf(
			"MaxClockSkew must be zero (the default, %v) or at least one second, got %v", DefaultMaxClockSkew, cfg.MaxClockSkew)}
	}
	if cfg.MaxBodySize < 0 {
		return nil, &Error{Code: CodeConfigInvalid, Message: fmt.Sprintf(
			"MaxBodySize must be zero (the default, %d bytes) or positive, got %d", DefaultMaxBodySize, cfg.MaxBodySize)}
	}
	var b *C.wpn_verifier_builder
	var cerr *C.wpn_error
	if rc := C.wpn_verifier_builder_new(&b, &cerr); rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	defer C.wpn_verifier_builder_free(b)
	step := func(rc C.wpn_result) error {
		if rc != C.WPN_OK {
			return takeError(rc, cerr)
		}
		return nil
	}
	// The single merchant's APIv3 key is set unless there are merchants (and then only when
	// given, so that the core refuses the mix). Keys added after a merchant are that merchant's:
	// the top-level keys come first.
	if len(cfg.Merchants) == 0 || cfg.APIv3Key != "" {
		p, n := stringPtr(cfg.APIv3Key)
		err := step(C.wpn_verifier_builder_apiv3_key(b, p, n, &cerr))
		runtime.KeepAlive(cfg.APIv3Key)
		if err != nil {
			return nil, err
		}
	}
	if err := addKeys(b, cfg.PublicKeys, cfg.Certificates); err != nil {
		return nil, err
	}
	var mchids []string
	for _, m := range cfg.Merchants {
		ip, in := stringPtr(m.MchID)
		kp, kn := stringPtr(m.APIv3Key)
		err := step(C.wpn_verifier_builder_merchant(b, ip, in, kp, kn, &cerr))
		runtime.KeepAlive(m.MchID)
		runtime.KeepAlive(m.APIv3Key)
		if err != nil {
			return nil, err
		}
		if err := addKeys(b, m.PublicKeys, m.Certificates); err != nil {
			return nil, err
		}
		mchids = append(mchids, m.MchID)
	}
	if cfg.MaxClockSkew > 0 {
		if err := step(C.wpn_verifier_builder_max_clock_skew(b, C.uint64_t(cfg.MaxClockSkew/time.Second), &cerr)); err != nil {
			return nil, err
		}
	}
	if cfg.MaxBodySize > 0 {
		if err := step(C.wpn_verifier_builder_max_body_size(b, C.size_t(cfg.MaxBodySize), &cerr)); err != nil {
			return nil, err
		}
	}
	var ptr *C.wpn_verifier
	if err := step(C.wpn_verifier_builder_build(b, &ptr, &cerr)); err != nil {
		return nil, err
	}
	liveHandles.Add(1)
	v := &Verifier{
		ptr:          ptr,
		now:          cfg.Now,
		mchids:       mchids,
		maxBodySize:  int(C.wpn_verifier_max_body_size(ptr)),
		maxClockSkew: time.Duration(C.wpn_verifier_max_clock_skew(ptr)) * time.Second,
	}
	runtime.SetFinalizer(v, (*Verifier).Close)
	return v, nil
}

// addKeys adds public keys (sorted by id, a deterministic configuration order) and
// certificates to the builder: the single merchant's, or those of the merchant added last.
func addKeys(b *C.wpn_verifier_builder, publicKeys map[string]string, certificates []string) error {
	ids := make([]string, 0, len(publicKeys))
	for id := range publicKeys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var cerr *C.wpn_error
	for _, id := range ids {
		pem := publicKeys[id]
		ip, in := stringPtr(id)
		pp, pn := stringPtr(pem)
		rc := C.wpn_verifier_builder_public_key(b, ip, in, pp, pn, &cerr)
		runtime.KeepAlive(id)
		runtime.KeepAlive(pem)
		if rc != C.WPN_OK {
			return takeError(rc, cerr)
		}
	}
	for _, pem := range certificates {
		pp, pn := stringPtr(pem)
		rc := C.wpn_verifier_builder_platform_certificate(b, pp, pn, &cerr)
		runtime.KeepAlive(pem)
		if rc != C.WPN_OK {
			return takeError(rc, cerr)
		}
	}
	return nil
}

// Close frees the verifier's memory in the Rust library (wiping the APIv3 key). It waits for
// calls in progress on other goroutines; later calls return ErrClosed. Close is idempotent
// and always returns nil.
func (v *Verifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ptr != nil {
		C.wpn_verifier_free(v.ptr)
		v.ptr = nil
		liveHandles.Add(-1)
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

// Parse verifies and decrypts an APIv3 callback at the time of the verifier's clock
// ([Config.Now]; the system clock by default). header holds the request's headers as the
// server has them, all of them (the library reads the Wechatpay-* ones: names compare
// case-insensitively and the first of a repeated name counts), and body the raw request body,
// byte for byte.
//
// Every check of docs/protocol.md (steps 0-15) runs in order and the first failure is
// returned as an *Error: body size, format (XML is WRONG_FORMAT), headers, signature type,
// timestamp, clock skew, signature probe, key serial, key validity, signature, body,
// algorithm, resource, decryption.
func (v *Verifier) Parse(header http.Header, body []byte) (*Notification, error) {
	return v.run(opParse, header, body)
}

// ParseRequest reads r's body (at most MaxBodySize+1 bytes), puts it back so that r.Body can
// be read again, and parses it with r's headers, as Parse does. A body too large is
// CodeBodyTooLarge; an error reading the body is returned as it is (not an *Error).
func (v *Verifier) ParseRequest(r *http.Request) (*Notification, error) {
	body, err := readBody(r, v.maxBodySize)
	if err != nil {
		return nil, err
	}
	return v.run(opParse, r.Header, body)
}

// Verify checks a callback's authenticity only (the checks of Parse up to and including the
// signature: steps 0-10 of docs/protocol.md), at the time of the verifier's clock. The body is
// neither parsed nor decrypted.
func (v *Verifier) Verify(header http.Header, body []byte) error {
	_, err := v.run(opVerify, header, body)
	return err
}

// VerifyResponse verifies the signature of a WeChat Pay API response (the same Wechatpay-*
// headers, scheme and time window as callbacks), at the time of the verifier's clock. The
// body may be any bytes, including none.
func (v *Verifier) VerifyResponse(header http.Header, body []byte) error {
	_, err := v.run(opVerifyResponse, header, body)
	return err
}

// Diagnose runs every check of docs/protocol.md (steps 0-15) on a callback, continuing past
// failures, at the time of the verifier's clock ([Config.Now]), and returns what each check
// found, the verdict and the signs of a re-serialized body (see [Diagnosis]). header and body
// are what Parse takes; the verdict (Diagnosis.Accepted, Notification, Err) is exactly what
// Parse returns for them at the same time. Use it to find out why callbacks are refused (log
// the diagnosis of a refused one), not instead of Parse.
//
// A refused callback is a successful diagnosis whose Err is set: the error is non-nil only for
// a misuse, ErrClosed after Close.
func (v *Verifier) Diagnose(header http.Header, body []byte) (*Diagnosis, error) {
	now := clockArg(v.now) // the caller's clock, outside the lock
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return nil, ErrClosed
	}
	d, err := diagnose(v.ptr, header, body, now)
	runtime.KeepAlive(v)
	return d, err
}

// DiagnoseRequest reads r's body (at most MaxBodySize+1 bytes) as ParseRequest does, puts it
// back so that r.Body can be read again, and diagnoses it with r's headers, as Diagnose does
// (a body too large is a diagnosis whose step 0 failed with CodeBodyTooLarge). An error
// reading the body is returned as it is (not an *Error).
func (v *Verifier) DiagnoseRequest(r *http.Request) (*Diagnosis, error) {
	body, err := readBody(r, v.maxBodySize)
	if err != nil {
		return nil, err
	}
	return v.Diagnose(r.Header, body)
}

// run is the one code path of Parse, ParseRequest, Verify and VerifyResponse, at the time of
// the verifier's clock.
func (v *Verifier) run(op operation, header http.Header, body []byte) (*Notification, error) {
	now := clockArg(v.now) // the caller's clock, outside the lock
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return nil, ErrClosed
	}
	n, err := check(v.ptr, op, header, body, now)
	runtime.KeepAlive(v)
	return n, err
}

// DecryptCertificates decrypts a GET /v3/certificates response body with this verifier's
// APIv3 key. Verify the response first with VerifyResponse. A verifier of several merchants
// ([Config.Merchants]) has no one APIv3 key and refuses with CodeConfigInvalid: use the
// package-level [DecryptCertificates] with that merchant's key.
func (v *Verifier) DecryptCertificates(body []byte) ([]Certificate, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return nil, ErrClosed
	}
	var list *C.wpn_certificates
	var cerr *C.wpn_error
	p, n := bytesPtr(body)
	rc := C.wpn_verifier_decrypt_certificates(v.ptr, p, n, &list, &cerr)
	runtime.KeepAlive(body)
	runtime.KeepAlive(v)
	if rc != C.WPN_OK {
		return nil, takeError(rc, cerr)
	}
	return takeCertificates(list), nil
}

// KeyIDs returns the configured public-key ids and certificate serials, in configuration
// order (public keys sorted by id, then certificates; merchant by merchant with
// [Config.Merchants], a key shared by several merchants once); nil after Close.
func (v *Verifier) KeyIDs() []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return nil
	}
	count := int(C.wpn_verifier_key_count(v.ptr))
	ids := make([]string, count)
	var id C.wpn_str
	for i := range ids {
		C.wpn_verifier_key_id(v.ptr, C.size_t(i), &id)
		ids[i] = goString(id)
	}
	runtime.KeepAlive(v)
	return ids
}

// MchIDs returns the merchant ids of a verifier for several merchants, in configuration order
// ([Config.Merchants]); nil for a single-merchant verifier. The slice is a copy.
func (v *Verifier) MchIDs() []string { return slices.Clone(v.mchids) }

// MaxBodySize is the largest body the verifier accepts, in bytes.
func (v *Verifier) MaxBodySize() int { return v.maxBodySize }

// MaxClockSkew is the largest accepted difference between Wechatpay-Timestamp and now.
func (v *Verifier) MaxClockSkew() time.Duration { return v.maxClockSkew }

// readBody reads at most limit+1 bytes of r's body and puts back everything it read, so that
// the whole body can be read again. It allocates the body once, at its size (read straight
// into it when Content-Length gives the size, else through a pooled buffer), and the reader
// put back.
func readBody(r *http.Request, limit int) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	upTo := limit + 1 // one byte more than the limit tells a body too large
	var data []byte
	var err error
	if r.ContentLength > 0 && r.ContentLength <= int64(limit) {
		// Room for the read that gives EOF, so that the buffer never grows.
		data, err = readUpTo(r.Body, make([]byte, 0, int(r.ContentLength)+1), upTo)
	} else {
		p := bodyPool.Get().(*[]byte)
		var read []byte
		read, err = readUpTo(r.Body, (*p)[:0], upTo)
		if err == nil {
			data = make([]byte, len(read))
			copy(data, read) // with the make above: one allocation, not cleared first
		}
		if cap(read) <= 64<<10 { // do not keep unusually large buffers alive
			*p = read[:0]
			bodyPool.Put(p)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("wechatpay-notify: reading the request body: %w", err)
	}
	if len(data) > limit {
		// Too large: the rest stays unread; the body reads as what was read, then the rest.
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), r.Body), r.Body}
	} else {
		r.Body.Close()
		b := new(replayBody)
		b.Reset(data)
		r.Body = b
	}
	return data, nil
}

// bodyPool holds the buffers readBody reads a body of unknown size into.
var bodyPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

// readUpTo appends what body reads to data until EOF or until data holds upTo bytes, growing
// data when it is full.
func readUpTo(body io.Reader, data []byte, upTo int) ([]byte, error) {
	for len(data) < upTo {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := body.Read(data[len(data):min(cap(data), upTo)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return data, nil
}

// replayBody is a request body that ParseRequest read, put back to be read again (io.NopCloser
// around a bytes.Reader, in one allocation).
type replayBody struct {
	bytes.Reader
}

// Close does nothing: the body was read into memory.
func (*replayBody) Close() error { return nil }

// unixTime converts Unix seconds to a time.Time.
func unixTime(sec int64) time.Time { return time.Unix(sec, 0) }
