package wechatpaynotify

/*
#include "wechatpay_notify.h"
*/
import "C"

import (
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"sync"
)

// reply is a reply built by the Rust core, copied into Go memory.
type reply struct {
	status      int
	contentType string
	body        []byte
}

// takeReply copies a C reply and frees it; a failure to build one (which does not happen)
// becomes a bare 500.
func takeReply(rc C.wpn_result, r *C.wpn_reply, cerr *C.wpn_error) reply {
	if rc != C.WPN_OK {
		_ = takeError(rc, cerr)
		return reply{status: http.StatusInternalServerError}
	}
	defer C.wpn_reply_free(r)
	var resp C.wpn_http_response
	C.wpn_reply_response(r, &resp)
	return reply{
		status:      int(resp.status),
		contentType: goString(resp.content_type),
		body:        []byte(goString(resp.body)),
	}
}

func (r reply) write(w http.ResponseWriter) {
	if r.contentType != "" {
		w.Header().Set("Content-Type", r.contentType)
	}
	if len(r.body) > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(r.status)
	if len(r.body) > 0 {
		_, _ = w.Write(r.body)
	}
}

// The constant replies, built once.
var (
	successReply = sync.OnceValue(func() reply {
		var r *C.wpn_reply
		var cerr *C.wpn_error
		return takeReply(C.wpn_reply_success(&r, &cerr), r, cerr)
	})
	v2SuccessReply = sync.OnceValue(func() reply {
		var r *C.wpn_reply
		var cerr *C.wpn_error
		return takeReply(C.wpn_reply_v2_success(&r, &cerr), r, cerr)
	})
)

// failureReply is the APIv3 reply for err: the core's reply for an *Error, 500 otherwise.
func failureReply(err error) reply {
	var r *C.wpn_reply
	var cerr *C.wpn_error
	var e *Error
	if errors.As(err, &e) {
		if raw, ok := rawCode(e.Code); ok {
			rc := C.wpn_reply_for_result(raw, &r, &cerr)
			return takeReply(rc, r, cerr)
		}
	}
	return statusReply(http.StatusInternalServerError, "internal error")
}

// statusReply is an APIv3 FAIL reply with the given status and message.
func statusReply(status int, message string) reply {
	var r *C.wpn_reply
	var cerr *C.wpn_error
	mp, mn := stringPtr(message)
	rc := C.wpn_reply_failure_message(C.uint16_t(status), mp, mn, &r, &cerr)
	runtime.KeepAlive(message)
	return takeReply(rc, r, cerr)
}

// failureStatus is the status of the APIv3 reply for a code, as the core decides it.
func failureStatus(c Code) int {
	if s, ok := failureStatuses()[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// failureStatuses is the status of the core's reply for every code the library knows (by
// name), built once.
var failureStatuses = sync.OnceValue(func() map[Code]int {
	m := make(map[Code]int)
	for code := range codes().raw {
		m[code] = failureReply(&Error{Code: code}).status
	}
	return m
})

// WriteSuccess writes the APIv3 success reply: 204 No Content, no body.
func WriteSuccess(w http.ResponseWriter) {
	successReply().write(w)
}

// WriteFailure writes the APIv3 failure reply for err: for an *Error, 401 if it is an
// authenticity failure and 500 otherwise, with the body {"code":"FAIL","message":"CODE:
// fixed text"}, the same for every error of that code (log err.Error() for the details: the
// reply never describes the request or the configuration); for any other error (your own
// processing failed), 500 with the message "internal error", never err's text. WeChat Pay delivers the notification again after any failure reply (the schedule is
// in docs/replies.md).
func WriteFailure(w http.ResponseWriter, err error) {
	failureReply(err).write(w)
}

// writeFailureStatus writes an APIv3 FAIL reply with a status of the caller's choice.
func writeFailureStatus(w http.ResponseWriter, status int, message string) {
	statusReply(status, message).write(w)
}

// WriteV2Success writes the APIv2 success reply: 200 with
// <xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>.
func WriteV2Success(w http.ResponseWriter) {
	v2SuccessReply().write(w)
}

// WriteV2Failure writes the APIv2 failure reply: 200 with the FAIL XML carrying the code of
// an *Error (e.g. SIGNATURE_MISMATCH), or "internal error" for any other error: never err's
// text, which is for your logs.
func WriteV2Failure(w http.ResponseWriter, err error) {
	msg := "internal error"
	var e *Error
	if errors.As(err, &e) {
		msg = string(e.Code)
	}
	var r *C.wpn_reply
	var cerr *C.wpn_error
	mp, mn := stringPtr(msg)
	rc := C.wpn_reply_v2_failure(mp, mn, &r, &cerr)
	runtime.KeepAlive(msg)
	takeReply(rc, r, cerr).write(w)
}
