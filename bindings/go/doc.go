// Package wechatpaynotify verifies, decrypts and explains WeChat Pay callbacks (回调通知).
//
// It is the Go binding of the wechatpay-notify Rust core, called through its C ABI with cgo,
// and replaces wechatpay-go's notify.Handler in a merchant backend:
//
//	v, err := wechatpaynotify.NewVerifier(wechatpaynotify.Config{
//		APIv3Key:   apiv3Key, // the 32 characters set in the merchant platform
//		PublicKeys: map[string]string{"PUB_KEY_ID_0114232134912410000000000000": publicKeyPEM},
//	})
//	if err != nil {
//		log.Fatal(err) // a *Error with Code CodeConfigInvalid
//	}
//	defer v.Close()
//
//	http.Handle("/notify", wechatpaynotify.NewHandler(v,
//		func(ctx context.Context, n *wechatpaynotify.Notification) error {
//			switch n.Kind {
//			case wechatpaynotify.EventTransaction:
//				payment, err := n.Transaction()
//				if err != nil {
//					return err
//				}
//				// Check payment.OutTradeNo and payment.Amount.Total against the order,
//				// then mark it paid, once per n.ID: WeChat Pay delivers the same
//				// notification again when a reply is late or not 2xx.
//			case wechatpaynotify.EventRefund:
//				refund, err := n.Refund()
//				if err != nil {
//					return err
//				}
//				// Record refund.OutRefundNo and refund.RefundStatus.
//			default:
//				// Another kind, or EventUnknown: acknowledge it (204), or it comes back.
//			}
//			return nil
//		}))
//
// # Kinds of callback
//
// [Notification.Kind] is the notification's kind in the event catalog of wechatpay-notify
// (docs/events.md), decided by the Rust core from event_type, resource.original_type and, where
// kinds share both (direct, partner and combined payments; direct and partner refunds), the
// plaintext's top-level keys. Each kind has a typed accessor returning its model:
// [Notification.Transaction], [Notification.PartnerTransaction],
// [Notification.CombineTransaction], [Notification.Refund], [Notification.PartnerRefund],
// [Notification.ProfitSharing], [Notification.TransferBill] and [Notification.Complaint]
// ([EventKinds] lists the kinds). An accessor asks the core whether the resource is of its kind
// and holds every required field with the right JSON type, and fills the model from the fields
// the core decoded (a compact value tree, read by generated code: no encoding/json, no
// reflection): it fails with [CodeUnexpectedEvent] ([ErrUnexpectedEvent]) for a notification
// of another kind, and with [CodeMalformedResource] naming the field (never its value) for a
// missing or mistyped one. In the models, required fields are values and optional ones
// pointers, or slices for lists, nil when absent; keys the catalog does not know are ignored.
// A callback the catalog does not describe is [EventUnknown], which is not an error: its
// [Notification.Plaintext] and [Notification.Decode] stay available. The kinds, models and
// accessors are generated (events.go) from models/events.json, as in every other language.
//
// # Many merchants
//
// One verifier can hold several merchants whose notify_url is the same endpoint:
// [Config.Merchants] lists each [Merchant] with its mchid, APIv3 key and keys, and
// [Notification.MchID] names the merchant a callback was for (docs/merchants.md).
//
// # Checks and errors
//
// [Verifier.Parse] runs every check of the APIv3 protocol in a fixed order (body size,
// format, headers, signature type, timestamp, clock skew, signature probe, key serial, key
// validity, signature, body, algorithm, resource, decryption) and returns either a
// [Notification] or an *[Error] whose [Code] names the first check that failed. Every code has
// a sentinel error for [errors.Is] ([ErrSignatureMismatch], [ErrDecryptFailed]...), and the
// families [ErrAuthenticity], [ErrDecryption], [ErrFormat] and [ErrConfig] match every code of
// their group. Messages say what to do and are safe to log: they never contain a key, the
// request or the decrypted plaintext. The checks are steps 0-15 of docs/protocol.md in the
// wechatpay-notify repository, and the codes and families are listed in docs/errors.md. The
// codes are generated from the C header (codes_gen.go) and their families read from the
// library.
//
// # Why a callback fails
//
// [Verifier.Diagnose] (and [Verifier.DiagnoseRequest]) runs every check past failures and
// returns a [Diagnosis]: each [Check] with its [CheckStatus] ([Passed], [Failed], [Skipped]),
// the verdict Parse gives for the same request at the same time ([Diagnosis.Accepted],
// [Diagnosis.Notification], [Diagnosis.Err]), and [Diagnosis.Hints], the signs that the body
// was parsed and written out again before it was verified (pretty-printed, spaced, escaped),
// the most common cause of [CodeSignatureMismatch]. Its String prints what the
// wechatpay-notify doctor command prints. [V2Verifier.Diagnose] does the same for APIv2.
//
// # Time and headers
//
// The timestamp checks read the verifier's clock, [Config.Now]: nil, the usual setting, is the
// system clock, read by the library as the Rust core reads it; a func gives the time in tests
// or to replay a stored callback at the time it was received. There is one method per
// operation, with no time argument. A call takes the request's headers as the server has them
// (an [net/http.Header]); which of them the library reads, how names compare
// (case-insensitively) and which of a repeated name counts (the first) is the core's rule, the
// same in every language.
//
// # Replies
//
// WeChat Pay expects 204 (or 200) with no body for success; anything else is retried up to 15
// times over about a day, so handlers must be idempotent on [Notification.ID]. [WriteSuccess]
// and [WriteFailure] write the replies (401 for an authenticity failure, 500 otherwise, each
// with the {"code":"FAIL","message":"..."} body); [NewHandler] does parse, business call and
// reply in one [net/http.Handler]. The replies and WeChat Pay's retry schedule are described
// in docs/replies.md.
//
// # APIv2
//
// [V2Verifier] verifies APIv2 (XML) payment notifications and decrypts APIv2 refund
// notifications; [WriteV2Success] and [WriteV2Failure] write their XML replies. Their rules
// are in docs/apiv2.md.
//
// # Memory and concurrency
//
// A [Verifier] or [V2Verifier] owns memory in the Rust library: call Close when it is no longer
// needed (a finalizer frees it otherwise). Both are immutable and safe for concurrent use by any
// number of goroutines; rotating keys means building a new verifier. Results ([Notification],
// [V2Refund], [Certificate]) are plain Go values that hold no C memory.
//
// # Testing
//
// Package wechatpaynotifytest plays WeChat Pay in tests: a Kit with throwaway test keys builds
// callbacks of every kind, signed and encrypted as WeChat Pay does them, as httptest requests
// for a handler configured with the kit's keys, and with any failure built in (a probe, a
// tampered body, a stale timestamp, another APIv3 key...).
//
// # Building
//
// The package needs cgo (CGO_ENABLED=1 and a C compiler) and nothing else: on linux/amd64 and
// linux/arm64 the module carries the C library it links, build/include/wechatpay_notify.h and
// a static library per platform (build/linux-x86_64, build/linux-aarch64, and for musl, chosen
// with -tags musl, build/linux-x86_64-musl and build/linux-aarch64-musl; see link.go), so
//
//	go get github.com/wechatpay-notify/wechatpay-notify/bindings/go
//
// is enough, with no Rust toolchain, and the library ends up inside the Go binary (glibc 2.17
// or newer; with -tags musl, a fully static binary is possible: CC=musl-gcc go build -tags
// musl -ldflags '-linkmode external -extldflags -static'). `go mod vendor` keeps the files. On other platforms, or to link a library installed elsewhere
// (scripts/install-c.sh of the repository), build with -tags wechatpay_notify_external and
// point cgo at it with CGO_CFLAGS and CGO_LDFLAGS (or pkg-config); see link_external.go and the
// README.
package wechatpaynotify
