package wechatpaynotify

import (
	"context"
	"errors"
	"net/http"
)

// HandlerOption configures [NewHandler].
type HandlerOption func(*handler)

// WithErrorHook calls hook for every callback the handler refuses or that fn fails, before the
// reply is written: the place to log or count failures. err is an *Error for refused callbacks
// (its message is safe to log) and fn's error otherwise.
func WithErrorHook(hook func(r *http.Request, err error)) HandlerOption {
	return func(h *handler) { h.onError = hook }
}

// NewHandler returns an http.Handler for a WeChat Pay APIv3 notify_url: it parses the request
// with v ([Verifier.ParseRequest]), calls fn with the verified notification and the request's
// context, and replies as WeChat Pay expects:
//
//   - fn returned nil: 204 No Content ([WriteSuccess]);
//   - the callback was refused: 401 for an authenticity failure, 500 otherwise, with the
//     {"code":"FAIL","message":"..."} body ([WriteFailure]); fn is not called;
//   - fn returned an error: 500 with a FAIL body, so that WeChat Pay delivers the notification
//     again later (up to 15 times over about a day). fn must therefore be idempotent on
//     [Notification.ID]. The body says only that processing failed; fn's error is given to
//     the [WithErrorHook] hook, not to WeChat Pay.
//
// Requests other than POST get 405. WeChat Pay gives up on a callback that takes more than 5
// seconds, so fn should be quick (record the notification, process it later).
func NewHandler(v *Verifier, fn func(ctx context.Context, n *Notification) error, opts ...HandlerOption) http.Handler {
	if v == nil || fn == nil {
		panic("wechatpaynotify: NewHandler needs a verifier and a function")
	}
	h := &handler{verifier: v, fn: fn}
	for _, opt := range opts {
		opt(h)
	}
	return h
}

type handler struct {
	verifier *Verifier
	fn       func(context.Context, *Notification) error
	onError  func(*http.Request, error)
}

// errBusiness is what WeChat Pay is told when the merchant's function fails.
var errBusiness = errors.New("notification processing failed; please retry")

// ServeHTTP parses the callback, calls the merchant's function and writes the reply.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeFailureStatus(w, http.StatusMethodNotAllowed, "WeChat Pay notifications are POST requests")
		return
	}
	n, err := h.verifier.ParseRequest(r)
	if err != nil {
		h.report(r, err)
		WriteFailure(w, err)
		return
	}
	if err := h.fn(r.Context(), n); err != nil {
		h.report(r, err)
		writeFailureStatus(w, http.StatusInternalServerError, errBusiness.Error())
		return
	}
	WriteSuccess(w)
}

func (h *handler) report(r *http.Request, err error) {
	if h.onError != nil {
		h.onError(r, err)
	}
}
