/*
 * wechatpay_notify.h: verify, decrypt and explain WeChat Pay callbacks (回调通知) from C/C++.
 *
 * The C ABI of the wechatpay-notify Rust library: the same checks, error codes and messages
 * as the Rust, Python, Go and Java APIs. Install it with `scripts/install-c.sh --prefix DIR`,
 * then link with pkg-config (`pkg-config --cflags --libs wechatpay_notify`) or CMake
 * (`find_package(wechatpay_notify)`, targets `wechatpay_notify::wechatpay_notify` (shared) and
 * `wechatpay_notify::wechatpay_notify_static`).
 *
 * USAGE
 *
 *   wpn_verifier_builder *b = NULL;
 *   wpn_verifier *v = NULL;
 *   wpn_error *err = NULL;
 *   wpn_verifier_builder_new(&b, NULL);
 *   wpn_verifier_builder_apiv3_key(b, key, 32, NULL);
 *   wpn_verifier_builder_public_key(b, id, id_len, pem, pem_len, NULL);
 *   if (wpn_verifier_builder_build(b, &v, &err) != WPN_OK) { ...report err...; }
 *   wpn_verifier_builder_free(b);
 *
 *   // per request (any thread):
 *   // the request's headers: names and values back to back, and their lengths
 *   const uint8_t *hb = (const uint8_t *)"Wechatpay-Serial" "PUB_KEY_ID_..." "Wechatpay-Nonce" ...;
 *   size_t hl[] = {16, serial_len, 15, nonce_len, ...};       // 2 per header
 *   wpn_notification *n = NULL;
 *   wpn_envelope e;                                // filled by the same call
 *   wpn_reply *reply = NULL;
 *   if (wpn_verifier_parse(v, hb, hb_len, hl, 4, body, body_len, WPN_SYSTEM_CLOCK, &n, &e,
 *                          &err) == WPN_OK) {
 *       // e.id, e.kind, e.event_type, e.plaintext, ...
 *       ... handle it once per e.id ...
 *       wpn_reply_success(&reply, NULL);           // 204
 *       wpn_notification_free(n);
 *   } else {
 *       wpn_str m;
 *       wpn_error_message(err, &m);
 *       fprintf(stderr, "%s: %.*s\n", wpn_error_code_name(wpn_error_code(err)), (int)m.len, m.data);
 *       wpn_reply_for_error(err, &reply, NULL);    // 401 or 500 + JSON body
 *       wpn_error_free(err);
 *   }
 *   wpn_http_response r;
 *   wpn_reply_response(reply, &r);                 // r.status, r.content_type, r.body
 *   ... send it ...; wpn_reply_free(reply);
 *   wpn_verifier_free(v);
 *
 * CONVENTIONS
 *
 * The rules below are explained in docs/c-abi.md; the check order and the error codes in
 * docs/protocol.md and docs/errors.md.
 *
 * - Errors. Every fallible function returns a wpn_result: WPN_OK (0) or the code of the
 *   failure (the core's codes, numbered from 1 in the order of docs/errors.md, and the C-only
 *   WPN_NULL_ARGUMENT, WPN_PANIC and WPN_INVALID_ARGUMENT from 1000 on). Its last
 *   parameter, `wpn_error **error_out`, is optional: when not NULL it receives NULL on success
 *   and, on failure, a new wpn_error (code + detailed, log-safe message) that the caller frees
 *   with wpn_error_free(). wpn_error_code_name() gives a code's stable string; bindings
 *   match codes by that name, never by number.
 * - Time. Calls that check a timestamp take `int64_t now`, Unix seconds; WPN_SYSTEM_CLOCK
 *   means "read the system clock".
 * - Accessors. Nothing is returned by value except scalars and pointers: an accessor fills a
 *   caller-provided struct (wpn_str, wpn_envelope, wpn_check, ...) through its last pointer
 *   and returns true, or false (writing the empty value) for a NULL handle or an index out of
 *   range.
 * - Ownership. Every handle (wpn_verifier_builder, wpn_verifier, wpn_notification, wpn_error,
 *   wpn_reply, wpn_buffer, wpn_certificates, wpn_diagnosis, wpn_v2_verifier, wpn_v2_fields,
 *   wpn_v2_refund) is created by the library, written to an out-parameter (`*_out`, set to
 *   NULL on failure), owned by the caller and released by its own wpn_*_free() function.
 *   Every free function accepts NULL (a no-op). Pointers documented as **borrowed** (the fields
 *   of a refund, the verdict of a diagnosis) must not be freed. Nothing is ever to be released
 *   with free().
 * - Strings. Returned strings are wpn_str / wpn_slice views (pointer + length, not
 *   NUL-terminated) borrowed from the handle they came from, valid until that handle is freed.
 *   Static strings (wpn_version, wpn_error_code_name) are NUL-terminated.
 * - Inputs. Byte inputs are (const uint8_t *ptr, size_t len) pairs; ptr may be NULL when len
 *   is 0. Inputs are read during the call only: the library copies what it keeps and retains
 *   no caller pointer afterwards. Text inputs need not be NUL-terminated. Headers are their
 *   names and values back to back in one buffer plus 2 lengths per header (name, value);
 *   names match ASCII case-insensitively and the first of a repeated name counts.
 * - Safety. Every pointer must be NULL or valid for the documented length; a NULL where a
 *   value is required gives WPN_NULL_ARGUMENT (or the documented empty result for accessors).
 *   No panic unwinds out of the library: an internal error is reported as WPN_PANIC.
 *
 * THREAD SAFETY
 *
 * A wpn_verifier or wpn_v2_verifier is immutable once built: any number of threads may use
 * one verifier at the same time (build it once at start-up and share it). A wpn_notification
 * (and every other result handle) belongs to the caller that received it: it is immutable, so
 * reading it is safe anywhere, but it must not be freed while another thread reads it. A
 * wpn_verifier_builder must be used by one thread at a time. Free a handle only when no call
 * is using it.
 *
 * Keys are wiped from memory when the objects holding them are freed. Error messages never
 * contain a key or decrypted plaintext; the plaintext (wpn_envelope.plaintext) is
 * sensitive payment data.
 */


#ifndef WECHATPAY_NOTIFY_H
#define WECHATPAY_NOTIFY_H

/* Generated by cbindgen from crates/wechatpay-notify-ffi; do not edit. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Length of an APIv3 key (APIv3密钥) in bytes.
 */
#define WPN_APIV3_KEY_LEN 32

/**
 * Length of an APIv2 key (API密钥) in bytes.
 */
#define WPN_V2_KEY_LEN 32

/**
 * Default `max_clock_skew` of a verifier, in seconds.
 */
#define WPN_DEFAULT_MAX_CLOCK_SKEW 300

/**
 * Default `max_body_size` of a verifier, in bytes (1 MiB).
 */
#define WPN_DEFAULT_MAX_BODY_SIZE (1024 * 1024)

/**
 * Default `max_body_size` of an APIv2 verifier, in bytes (64 KiB).
 */
#define WPN_V2_DEFAULT_MAX_BODY_SIZE (64 * 1024)

/**
 * The value of a `now` argument that means "read the system clock" (`INT64_MIN`). Any other
 * value is the current time in Unix seconds (for tests, or a clock of the caller's own).
 */
#define WPN_SYSTEM_CLOCK INT64_MIN

/**
 * The outcome of a fallible call. `WPN_OK` is 0; every other value names why the call
 * failed, and `wpn_error_code_name()` gives its stable string (the same string in every
 * language binding). In C the type is a `uint32_t`; values may be added in later versions, so
 * bindings look codes up by name (`wpn_error_code_name()`, `wpn_error_code_from_name()`).
 */
enum wpn_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * Success.
   */
  WPN_OK = 0,
  /**
   * `BODY_TOO_LARGE`: the body is larger than the configured `max_body_size`.
   */
  WPN_BODY_TOO_LARGE = 1,
  /**
   * `WRONG_FORMAT`: XML sent to the APIv3 verifier, or JSON to the APIv2 one.
   */
  WPN_WRONG_FORMAT = 2,
  /**
   * `MISSING_HEADER`: a `Wechatpay-Serial/Signature/Timestamp/Nonce` header is missing or empty.
   */
  WPN_MISSING_HEADER = 3,
  /**
   * `UNSUPPORTED_SIGNATURE_TYPE`: `Wechatpay-Signature-Type` (or v2 `sign_type`) is not supported.
   */
  WPN_UNSUPPORTED_SIGNATURE_TYPE = 4,
  /**
   * `BAD_TIMESTAMP`: `Wechatpay-Timestamp` is not decimal seconds.
   */
  WPN_BAD_TIMESTAMP = 5,
  /**
   * `TIMESTAMP_SKEW`: the timestamp is outside the allowed clock skew.
   */
  WPN_TIMESTAMP_SKEW = 6,
  /**
   * `SIGNATURE_PROBE`: WeChat Pay's `WECHATPAY/SIGNTEST/` probe, which must be refused.
   */
  WPN_SIGNATURE_PROBE = 7,
  /**
   * `UNKNOWN_SERIAL`: no configured key matches `Wechatpay-Serial`.
   */
  WPN_UNKNOWN_SERIAL = 8,
  /**
   * `KEY_EXPIRED`: the certificate of that serial is outside its validity period.
   */
  WPN_KEY_EXPIRED = 9,
  /**
   * `MALFORMED_SIGNATURE`: the signature is not base64 of the key's length.
   */
  WPN_MALFORMED_SIGNATURE = 10,
  /**
   * `SIGNATURE_MISMATCH`: the signature does not match the message.
   */
  WPN_SIGNATURE_MISMATCH = 11,
  /**
   * `MALFORMED_BODY`: the body is not the expected JSON (v3) or flat XML (v2).
   */
  WPN_MALFORMED_BODY = 12,
  /**
   * `MISSING_FIELD`: a required field of an APIv2 notification is missing.
   */
  WPN_MISSING_FIELD = 13,
  /**
   * `RETURN_FAIL`: an APIv2 notification whose `return_code` is not `SUCCESS`.
   */
  WPN_RETURN_FAIL = 14,
  /**
   * `UNSUPPORTED_ALGORITHM`: `resource.algorithm` is not `AEAD_AES_256_GCM`.
   */
  WPN_UNSUPPORTED_ALGORITHM = 15,
  /**
   * `MALFORMED_RESOURCE`: the encrypted resource is malformed, or its plaintext is not JSON.
   */
  WPN_MALFORMED_RESOURCE = 16,
  /**
   * `DECRYPT_FAILED`: wrong key, or altered ciphertext, nonce or associated data.
   */
  WPN_DECRYPT_FAILED = 17,
  /**
   * `CONFIG_INVALID`: the verifier's configuration is invalid.
   */
  WPN_CONFIG_INVALID = 18,
  /**
   * `UNEXPECTED_EVENT`: a typed accessor was asked for a kind this notification is not.
   */
  WPN_UNEXPECTED_EVENT = 19,
  /**
   * `NULL_ARGUMENT`: a required pointer was NULL.
   */
  WPN_NULL_ARGUMENT = 1000,
  /**
   * `PANIC`: an internal error was caught at the boundary. Please report it.
   */
  WPN_PANIC = 1001,
  /**
   * `INVALID_ARGUMENT`: an argument has a value the function does not define: a
   * pointer/length pair that describes more memory than can exist, header lengths that do not
   * add up to the header bytes, or an unknown enum value.
   */
  WPN_INVALID_ARGUMENT = 1002,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum wpn_result wpn_result;
#else
typedef uint32_t wpn_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * The outcome of one check.
 */
enum wpn_check_status
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * The check ran and passed.
   */
  WPN_CHECK_PASSED = 0,
  /**
   * The check ran and failed; `code` and `message` say why.
   */
  WPN_CHECK_FAILED = 1,
  /**
   * The check could not run because an earlier one failed; `message` says which.
   */
  WPN_CHECK_SKIPPED = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum wpn_check_status wpn_check_status;
#else
typedef uint32_t wpn_check_status;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Groups of result codes, for bindings that map failures to exception classes.
 */
enum wpn_error_family
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * `WPN_OK`: not an error.
   */
  WPN_FAMILY_NONE = 0,
  /**
   * Signature, serial, timestamp or header problems (steps 2-10 of `docs/protocol.md`):
   * reply 401.
   */
  WPN_FAMILY_AUTHENTICITY = 1,
  /**
   * The resource could not be decrypted or decoded.
   */
  WPN_FAMILY_DECRYPTION = 2,
  /**
   * The body or its envelope is not what WeChat Pay sends (size, format, fields).
   */
  WPN_FAMILY_FORMAT = 3,
  /**
   * The verifier's configuration is invalid.
   */
  WPN_FAMILY_CONFIG = 4,
  /**
   * A misuse of the C API (`WPN_NULL_ARGUMENT`, `WPN_INVALID_ARGUMENT`), an internal error
   * (`WPN_PANIC`), or an unknown value.
   */
  WPN_FAMILY_INTERNAL = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum wpn_error_family wpn_error_family;
#else
typedef uint32_t wpn_error_family;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * The form in which `wpn_event_decode` gives a model's fields.
 */
enum wpn_fields_format
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * The value tree of `docs/c-abi.md` ("Event field trees"), written straight from the
   * checked model: what the Go and Java bindings decode their typed models from.
   */
  WPN_FIELDS_TREE = 0,
  /**
   * Compact JSON holding exactly the model's fields under their exact names: for a C or C++
   * program with a JSON library of its own, which then reads only what the core checked.
   */
  WPN_FIELDS_JSON = 1,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum wpn_fields_format wpn_fields_format;
#else
typedef uint32_t wpn_fields_format;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Bytes owned by the library (e.g. a decrypted resource). Read them with
 * `wpn_buffer_data()`; free with `wpn_buffer_free()`, which wipes them. Immutable.
 */
typedef struct wpn_buffer wpn_buffer;

/**
 * A test callback: headers and body as WeChat Pay would POST them. Made by
 * `wpn_kit_notification()`, freed with `wpn_callback_free()`.
 */
typedef struct wpn_callback wpn_callback;

/**
 * The certificates of one `GET /v3/certificates` response, decrypted and parsed.
 *
 * Owned by the caller, freed with `wpn_certificates_free()`; every string read from it is
 * valid until then. Immutable: it may be read from any thread.
 */
typedef struct wpn_certificates wpn_certificates;

/**
 * Every check of one callback (what `wechatpay-notify doctor` prints), the verdict that
 * `wpn_verifier_parse()` gives for the same input and time, and the signs of a re-serialized
 * body when the signature failed (`wpn_diagnosis_hint()`).
 *
 * Owned by the caller, freed with `wpn_diagnosis_free()`; everything read from it borrows
 * from it. Immutable: it may be read from any thread.
 */
typedef struct wpn_diagnosis wpn_diagnosis;

/**
 * A failure: its code and a detailed, log-safe message (never a key or plaintext).
 *
 * Returned through the `wpn_error **error_out` parameter of fallible functions. Owned by the
 * caller, who frees it with `wpn_error_free()`. Immutable: it may be read from any thread.
 */
typedef struct wpn_error wpn_error;

/**
 * A throwaway WeChat Pay: an RSA-2048 **test** key (under a `PUB_KEY_ID_` id, or with a
 * self-signed platform certificate), a test APIv3 key and a test APIv2 key, generated for it.
 * Made by `wpn_kit_new()`, freed with `wpn_kit_free()` (which wipes the keys). Immutable and
 * thread-safe.
 */
typedef struct wpn_kit wpn_kit;

/**
 * A notification whose signature was verified and whose resource was decrypted.
 *
 * Made by `wpn_verifier_parse()`, owned by the caller, freed with
 * `wpn_notification_free()`. Every `wpn_str` read from it borrows from it and is valid until
 * it is freed. It belongs to one caller: it is immutable, so reading it from several threads
 * is safe, but it must not be freed while any thread still reads it.
 */
typedef struct wpn_notification wpn_notification;

/**
 * An HTTP reply to a callback. Owned by the caller, freed with `wpn_reply_free()`; its strings
 * are valid until then. Immutable.
 *
 * APIv3: success is 204 with no body; an authenticity failure (steps 2-10 of `docs/protocol.md`) is 401 and
 * anything else 500, each with `{"code":"FAIL","message":"..."}`. APIv2: always 200 with the
 * `SUCCESS` or `FAIL` XML. WeChat Pay retries any non-2xx (or slower than 5 s) reply up to 15
 * times over about a day, so handle each notification id once (`docs/replies.md`).
 */
typedef struct wpn_reply wpn_reply;

/**
 * The fields of an APIv2 notification: name/value pairs sorted by name (byte order), values
 * as strings. Owned by the caller when returned by `wpn_v2_verifier_parse_payment()` (free
 * with `wpn_v2_fields_free()`); **borrowed** when returned by `wpn_v2_refund_fields()` or
 * `wpn_v2_refund_req_info()`. Every string read from it is valid until its owner is freed.
 * Immutable.
 */
typedef struct wpn_v2_fields wpn_v2_fields;

/**
 * A decrypted APIv2 refund notification: its outer fields, and `req_info` decrypted. Owned
 * by the caller, freed with `wpn_v2_refund_free()`. Immutable.
 */
typedef struct wpn_v2_refund wpn_v2_refund;

/**
 * An APIv2 verifier: the APIv2 key (API密钥). Made by `wpn_v2_verifier_new()`, freed with
 * `wpn_v2_verifier_free()` (which wipes the key). Immutable and thread-safe: it may be shared
 * by any number of threads at once.
 */
typedef struct wpn_v2_verifier wpn_v2_verifier;

/**
 * An APIv3 verifier: the APIv3 key and WeChat Pay's public keys / platform certificates,
 * parsed once. Made by `wpn_verifier_builder_build()`, freed with `wpn_verifier_free()`.
 *
 * Immutable and thread-safe: one verifier may be shared by any number of threads calling
 * any `wpn_verifier_*` function at the same time. Free it only when no call is using it.
 * To rotate keys, build a new verifier and free the old one.
 */
typedef struct wpn_verifier wpn_verifier;

/**
 * The configuration of a `wpn_verifier`, filled in by the `wpn_verifier_builder_*`
 * functions. Nothing is checked until `wpn_verifier_builder_build()`, except that a
 * public-key id must be UTF-8.
 *
 * Owned by the caller, freed with `wpn_verifier_builder_free()`. Building does not consume
 * it: it may be built again, changed and rebuilt, then freed. Not thread-safe: use it from
 * one thread at a time. The copy of the APIv3 key it holds is wiped when it is freed.
 */
typedef struct wpn_verifier_builder wpn_verifier_builder;

/**
 * A borrowed UTF-8 string: `len` bytes at `data`, **not** NUL-terminated (print it with
 * `printf("%.*s", (int)s.len, s.data)`).
 *
 * It is valid until the handle it came from is freed; never free it yourself. `data` is
 * never NULL for a string that exists (an empty string points at a static empty string);
 * it is NULL only where a function documents so (a NULL handle, an index out of range, an
 * absent value).
 */
typedef struct wpn_str {
  /**
   * The first byte, or NULL as documented by the function that returned it.
   */
  const char *data;
  /**
   * The length in bytes.
   */
  size_t len;
} wpn_str;

/**
 * One downloaded certificate, as written by `wpn_certificates_get()`. Its strings borrow
 * from the `wpn_certificates` list.
 */
typedef struct wpn_certificate {
  /**
   * Serial number, uppercase hex; checked equal to the certificate's own serial.
   * `{NULL, 0}` when the index was out of range.
   */
  struct wpn_str serial_no;
  /**
   * `effective_time` as sent (RFC 3339); may be empty.
   */
  struct wpn_str effective_time;
  /**
   * `expire_time` as sent (RFC 3339); may be empty.
   */
  struct wpn_str expire_time;
  /**
   * Start of validity read from the certificate, Unix seconds.
   */
  int64_t not_before;
  /**
   * End of validity read from the certificate, Unix seconds.
   */
  int64_t not_after;
  /**
   * The certificate as PEM, ready for `wpn_verifier_builder_platform_certificate()`.
   */
  struct wpn_str pem;
} wpn_certificate;

/**
 * One check of a diagnosis, as written by `wpn_diagnosis_get()`. Its strings borrow from the
 * `wpn_diagnosis`.
 */
typedef struct wpn_check {
  /**
   * The step number: 0-15 of `docs/protocol.md` (APIv3) or 0-6 of `docs/apiv2.md`.
   */
  uint32_t step;
  /**
   * What happened.
   */
  wpn_check_status status;
  /**
   * The failure's code when `status` is `WPN_CHECK_FAILED`, else `WPN_OK`.
   */
  wpn_result code;
  /**
   * What the step checks, in a few words.
   */
  struct wpn_str name;
  /**
   * The failure's message (failed), why it was skipped (skipped), or empty (passed).
   */
  struct wpn_str message;
} wpn_check;

/**
 * What a kit is: the values a handler under test is configured with. Filled by
 * `wpn_kit_describe()`; the strings borrow from the kit.
 */
typedef struct wpn_kit_info {
  /**
   * The `Wechatpay-Serial` the kit signs under: a `PUB_KEY_ID_` id or a certificate serial.
   */
  struct wpn_str key_id;
  /**
   * The test public key, SubjectPublicKeyInfo PEM.
   */
  struct wpn_str public_key_pem;
  /**
   * The self-signed test platform certificate (PEM); `{NULL, 0}` for a public-key kit.
   */
  struct wpn_str certificate_pem;
  /**
   * The test APIv3 key, 32 characters.
   */
  struct wpn_str apiv3_key;
  /**
   * The test APIv2 key, 32 characters.
   */
  struct wpn_str v2_key;
} wpn_kit_info;

/**
 * What to build with `wpn_kit_notification()`. Every string is optional: `{NULL, 0}` keeps
 * the default.
 */
typedef struct wpn_kit_request {
  /**
   * A kind of the event catalog (`docs/events.md`), whose sample resource is the default;
   * `{NULL, 0}` for a custom callback (give `event_type` and `resource_json`).
   */
  struct wpn_str kind;
  /**
   * The envelope's `event_type` (default: the kind's first documented one).
   */
  struct wpn_str event_type;
  /**
   * `resource.original_type` of a custom callback (a kind has its own).
   */
  struct wpn_str original_type;
  /**
   * JSON that replaces the whole resource.
   */
  struct wpn_str resource_json;
  /**
   * A JSON object merged into the resource (objects key by key), e.g.
   * `{"amount":{"total":500}}`.
   */
  struct wpn_str merge_json;
  /**
   * The notification `id` (default: a fresh `EV-...`).
   */
  struct wpn_str id;
  /**
   * The `Wechatpay-Timestamp`, Unix seconds, or `WPN_SYSTEM_CLOCK`.
   */
  int64_t timestamp;
  /**
   * A failure to build in, by name (`docs/testing.md`): `"probe"`, `"tampered_body"`,
   * `"stale_timestamp"`, `"future_timestamp"`, `"other_apiv3_key"`, `"unknown_serial"`,
   * `"xml_body"`, `"reserialized"`; `{NULL, 0}` for none.
   */
  struct wpn_str failure;
} wpn_kit_request;

/**
 * One field, as written by `wpn_v2_fields_get()`; both strings borrow from the fields.
 */
typedef struct wpn_field {
  /**
   * The field name, e.g. `out_trade_no`.
   */
  struct wpn_str name;
  /**
   * The field value (may be empty).
   */
  struct wpn_str value;
} wpn_field;

/**
 * Borrowed bytes: `len` bytes at `data`. Same lifetime rules as `wpn_str`; the bytes need not
 * be UTF-8.
 */
typedef struct wpn_slice {
  /**
   * The first byte, or NULL as documented by the function that returned it.
   */
  const uint8_t *data;
  /**
   * The length in bytes.
   */
  size_t len;
} wpn_slice;

/**
 * The contents of a test callback, filled by `wpn_callback_contents()`; everything borrows
 * from the callback.
 */
typedef struct wpn_callback_parts {
  /**
   * The request headers (`Wechatpay-*`, `Content-Type`): `headers_len` name/value pairs.
   */
  const struct wpn_field *headers;
  /**
   * The number of headers.
   */
  size_t headers_len;
  /**
   * The raw body.
   */
  struct wpn_slice body;
  /**
   * The notification `id` in the body.
   */
  struct wpn_str id;
} wpn_callback_parts;

/**
 * The envelope of a notification: every field WeChat Pay sends outside the encrypted
 * resource, the verified serial and timestamp, and the decrypted resource. Filled by
 * `wpn_verifier_parse()` (in the same call) or `wpn_notification_envelope()`; every string
 * borrows from the notification.
 */
typedef struct wpn_envelope {
  /**
   * The notification `id`: unique per event; the key for idempotent handling (WeChat Pay
   * delivers the same id again when a reply is late or not 2xx).
   */
  struct wpn_str id;
  /**
   * `create_time` as sent (RFC 3339, +08:00).
   */
  struct wpn_str create_time;
  /**
   * `event_type`, e.g. `TRANSACTION.SUCCESS` or `REFUND.SUCCESS`.
   */
  struct wpn_str event_type;
  /**
   * `resource_type`, normally `encrypt-resource`.
   */
  struct wpn_str resource_type;
  /**
   * `summary`, e.g. `支付成功` (UTF-8).
   */
  struct wpn_str summary;
  /**
   * `resource.original_type`, e.g. `transaction` or `refund`.
   */
  struct wpn_str original_type;
  /**
   * The `Wechatpay-Serial` of the key that verified this notification.
   */
  struct wpn_str serial;
  /**
   * The decrypted resource: a UTF-8 JSON document (e.g. the payment's `out_trade_no`,
   * `trade_state`, `amount`...). Sensitive: do not log it.
   */
  struct wpn_str plaintext;
  /**
   * The catalog kind (`docs/events.md`): `"transaction"`, `"refund"`, ..., or `"unknown"`
   * for a callback the catalog does not describe (not an error). A static string.
   */
  struct wpn_str kind;
  /**
   * The merchant (mchid) the notification was for, with a verifier of several merchants
   * (`docs/merchants.md`); `{NULL, 0}` for a single-merchant verifier.
   */
  struct wpn_str mchid;
  /**
   * The verified `Wechatpay-Timestamp`, Unix seconds.
   */
  int64_t timestamp;
} wpn_envelope;

/**
 * What to send for a reply, filled by `wpn_reply_response()`; its strings borrow from the
 * reply.
 */
typedef struct wpn_http_response {
  /**
   * The HTTP status: 204, 401 or 500 (APIv3), or 200 (APIv2).
   */
  uint16_t status;
  /**
   * The `Content-Type` of the body; `{NULL, 0}` when there is no body (204).
   */
  struct wpn_str content_type;
  /**
   * The body (empty for 204).
   */
  struct wpn_str body;
} wpn_http_response;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The library's version, e.g. `"0.2.0"`: a static, NUL-terminated string (never free it).
 */
const char *wpn_version(void);

/**
 * The cryptographic backend the library was built with: `"aws-lc"` (aws-lc-rs, chosen with
 * the cargo feature `aws-lc`) or `"ring"` (ring and RustCrypto's aes-gcm). A static,
 * NUL-terminated string (never free it).
 */
const char *wpn_backend(void);

/**
 * Starts a verifier configuration: no keys, default limits (`WPN_DEFAULT_MAX_CLOCK_SKEW`,
 * `WPN_DEFAULT_MAX_BODY_SIZE`). On success `*builder_out` is a new builder the caller frees
 * with `wpn_verifier_builder_free()`.
 */
wpn_result wpn_verifier_builder_new(struct wpn_verifier_builder **builder_out,
                                    struct wpn_error **error_out);

/**
 * Sets the APIv3 key (APIv3密钥): `key_len` bytes, which must be 32 (checked at build). The
 * bytes are copied; a second call replaces the first.
 */
wpn_result wpn_verifier_builder_apiv3_key(struct wpn_verifier_builder *builder,
                                          const uint8_t *key,
                                          size_t key_len,
                                          struct wpn_error **error_out);

/**
 * Adds a WeChat Pay public key (微信支付公钥) under its id (`PUB_KEY_ID_...`, UTF-8). `pem`
 * is SubjectPublicKeyInfo PEM, PKCS#1 PEM or bare base64; it is parsed at build. Both
 * buffers are copied. An id that is not UTF-8 is `WPN_CONFIG_INVALID` at once.
 */
wpn_result wpn_verifier_builder_public_key(struct wpn_verifier_builder *builder,
                                           const uint8_t *id,
                                           size_t id_len,
                                           const uint8_t *pem,
                                           size_t pem_len,
                                           struct wpn_error **error_out);

/**
 * Adds a WeChat Pay platform certificate (平台证书), PEM or bare base64 DER; its serial and
 * validity are read from it at build. The buffer is copied.
 */
wpn_result wpn_verifier_builder_platform_certificate(struct wpn_verifier_builder *builder,
                                                     const uint8_t *pem,
                                                     size_t pem_len,
                                                     struct wpn_error **error_out);

/**
 * Adds a merchant to a verifier for several merchants behind one notify_url
 * (`docs/merchants.md`): its merchant id (`mchid`, UTF-8) and APIv3 key. The public keys and
 * certificates added after it, until the next merchant, are this merchant's. A verifier has
 * either merchants or one merchant's `wpn_verifier_builder_apiv3_key()` and keys
 * (`WPN_CONFIG_INVALID` at build otherwise). A notification then names its merchant
 * (`wpn_envelope.mchid`).
 */
wpn_result wpn_verifier_builder_merchant(struct wpn_verifier_builder *builder,
                                         const uint8_t *mchid,
                                         size_t mchid_len,
                                         const uint8_t *apiv3_key,
                                         size_t apiv3_key_len,
                                         struct wpn_error **error_out);

/**
 * Sets the largest accepted difference between `Wechatpay-Timestamp` and now, in seconds
 * (default 300).
 */
wpn_result wpn_verifier_builder_max_clock_skew(struct wpn_verifier_builder *builder,
                                               uint64_t seconds,
                                               struct wpn_error **error_out);

/**
 * Sets the largest accepted body, in bytes (default 1 MiB).
 */
wpn_result wpn_verifier_builder_max_body_size(struct wpn_verifier_builder *builder,
                                              size_t bytes,
                                              struct wpn_error **error_out);

/**
 * Parses every key and builds a verifier. Any configuration problem (APIv3 key not 32
 * bytes, PEM that does not parse, a key that is not RSA-2048 or larger, no key at all, a
 * serial configured twice) is `WPN_CONFIG_INVALID` with a message saying which.
 *
 * On success `*verifier_out` is a new verifier the caller frees with `wpn_verifier_free()`.
 * The builder is not consumed and must still be freed.
 */
wpn_result wpn_verifier_builder_build(const struct wpn_verifier_builder *builder,
                                      struct wpn_verifier **verifier_out,
                                      struct wpn_error **error_out);

/**
 * Frees a builder, wiping its copy of the APIv3 key. NULL is a no-op.
 */
void wpn_verifier_builder_free(struct wpn_verifier_builder *builder);

/**
 * Decrypts every certificate of a `GET /v3/certificates` response body with the APIv3 key
 * (`apiv3_key_len` must be 32: `WPN_CONFIG_INVALID` otherwise). A body of the wrong shape is
 * `WPN_MALFORMED_BODY`; then `WPN_UNSUPPORTED_ALGORITHM`, `WPN_MALFORMED_RESOURCE` and
 * `WPN_DECRYPT_FAILED` as for notifications. On success `*certificates_out` is a new list
 * the caller frees with `wpn_certificates_free()`.
 */
wpn_result wpn_decrypt_certificates(const uint8_t *apiv3_key,
                                    size_t apiv3_key_len,
                                    const uint8_t *body,
                                    size_t body_len,
                                    struct wpn_certificates **certificates_out,
                                    struct wpn_error **error_out);

/**
 * The number of certificates in the list; 0 if `certificates` is NULL.
 */
size_t wpn_certificates_len(const struct wpn_certificates *certificates);

/**
 * Writes certificate `index` to `*certificate_out`; its strings borrow from the list.
 * Returns false, writing an empty record, if `certificates` is NULL or `index` is out of
 * range.
 */
bool wpn_certificates_get(const struct wpn_certificates *certificates,
                          size_t index,
                          struct wpn_certificate *certificate_out);

/**
 * Frees a certificate list. NULL is a no-op.
 */
void wpn_certificates_free(struct wpn_certificates *certificates);

/**
 * Runs every check of `docs/protocol.md` on a callback at `now` (Unix seconds, or
 * `WPN_SYSTEM_CLOCK`), continuing past failures wherever later checks still have their
 * inputs. Arguments as for `wpn_verifier_parse()`. Fails only for a bad argument (or a
 * panic): a refused callback is a successful diagnosis whose verdict is the refusal. On
 * success `*diagnosis_out` is a new diagnosis the caller frees with `wpn_diagnosis_free()`.
 */
wpn_result wpn_verifier_diagnose(const struct wpn_verifier *verifier,
                                 const uint8_t *headers,
                                 size_t headers_len,
                                 const size_t *header_lens,
                                 size_t header_count,
                                 const uint8_t *body,
                                 size_t body_len,
                                 int64_t now,
                                 struct wpn_diagnosis **diagnosis_out,
                                 struct wpn_error **error_out);

/**
 * Runs every check of `docs/apiv2.md` on an APIv2 notification (the raw XML body): a body
 * with a `req_info` field is checked as a refund (6 checks), anything else as a payment (7
 * checks). The verdict is what `wpn_v2_verifier_parse_refund()` or
 * `wpn_v2_verifier_parse_payment()` returns for it; `wpn_diagnosis_notification()` is always
 * NULL for an APIv2 diagnosis (parse the body to read its fields). Fails only for a bad
 * argument. On success `*diagnosis_out` is a new diagnosis the caller frees with
 * `wpn_diagnosis_free()`.
 */
wpn_result wpn_v2_verifier_diagnose(const struct wpn_v2_verifier *verifier,
                                    const uint8_t *xml,
                                    size_t xml_len,
                                    struct wpn_diagnosis **diagnosis_out,
                                    struct wpn_error **error_out);

/**
 * The number of checks (16 for APIv3, 7 or 6 for APIv2); 0 if `diagnosis` is NULL.
 */
size_t wpn_diagnosis_len(const struct wpn_diagnosis *diagnosis);

/**
 * Writes check `index` (in step order) to `*check_out`; its strings borrow from the
 * diagnosis. Returns false, writing an empty check, if `diagnosis` is NULL or `index` is out
 * of range.
 */
bool wpn_diagnosis_get(const struct wpn_diagnosis *diagnosis,
                       size_t index,
                       struct wpn_check *check_out);

/**
 * The number of signs that the body was re-serialized (parsed and written out again after
 * WeChat Pay signed it: pretty-printed, spaced, escaped), which an APIv3 diagnosis looks for
 * when step 10 (the signature) fails (`docs/protocol.md`, "Signs of a re-serialized body").
 * Step 10's message names them too. 0 when step 10 passed or did not run, for an APIv2
 * diagnosis, and if `diagnosis` is NULL.
 */
size_t wpn_diagnosis_hint_count(const struct wpn_diagnosis *diagnosis);

/**
 * Writes the stable name of sign `index` (in the order the signs first appear in the body)
 * to `*name_out`: `"line_breaks"`, `"indentation"`, `"space_after_colon"`,
 * `"space_after_comma"`, `"spaces"`, `"unicode_escapes"` or `"escaped_slashes"`
 * (`docs/protocol.md` lists them; later versions may add names), borrowed from the
 * diagnosis. Returns false, writing `{NULL, 0}`, if `diagnosis` is NULL or `index` is out of
 * range.
 */
bool wpn_diagnosis_hint(const struct wpn_diagnosis *diagnosis,
                        size_t index,
                        struct wpn_str *name_out);

/**
 * The verdict: exactly the result `wpn_verifier_parse()` returns for the same input
 * (`WPN_NULL_ARGUMENT` if `diagnosis` is NULL).
 */
wpn_result wpn_diagnosis_verdict(const struct wpn_diagnosis *diagnosis);

/**
 * The verdict's error when the callback was refused, else NULL. **Borrowed**: valid until
 * the diagnosis is freed; do not free it (copy it with `wpn_error_code()` /
 * `wpn_error_message()`, or pass it to `wpn_reply_for_error()`).
 */
const struct wpn_error *wpn_diagnosis_error(const struct wpn_diagnosis *diagnosis);

/**
 * The verdict's notification when the callback was accepted, else NULL. **Borrowed**: valid
 * until the diagnosis is freed; do not free it.
 */
const struct wpn_notification *wpn_diagnosis_notification(const struct wpn_diagnosis *diagnosis);

/**
 * Frees a diagnosis (and the notification or error it holds). NULL is a no-op.
 */
void wpn_diagnosis_free(struct wpn_diagnosis *diagnosis);

/**
 * The code of an error (`WPN_NULL_ARGUMENT` if `error` is NULL); its stable name is
 * `wpn_error_code_name(wpn_error_code(error))`.
 */
wpn_result wpn_error_code(const struct wpn_error *error);

/**
 * Writes the detailed message of an error (what went wrong and what to do) to `*message_out`,
 * valid until the error is freed. Returns false, writing `{NULL, 0}`, if `error` is NULL
 * (nothing is written if `message_out` is NULL).
 */
bool wpn_error_message(const struct wpn_error *error, struct wpn_str *message_out);

/**
 * Frees an error. NULL is a no-op.
 */
void wpn_error_free(struct wpn_error *error);

/**
 * Checks that a decrypted resource is of the catalog kind `kind` (`"transaction"`,
 * `"refund"`, ... as `docs/events.md` lists them) and decodes as that kind's model: the check
 * behind the typed accessors of every binding. `notification_kind`, `event_type` and
 * `plaintext` are the notification's, as `wpn_verifier_parse()` gave them in its
 * `wpn_envelope` (`kind`, `event_type`, `plaintext`): the notification's kind was decided
 * once, at parse, and is not decided again here; the plaintext is decoded once, as the model.
 *
 * Errors: `WPN_UNEXPECTED_EVENT` when the notification is of another kind than `kind` (the
 * message names it; `"unknown"`, or any name that is not a catalog kind, is never the kind
 * asked for), `WPN_MALFORMED_RESOURCE` naming the field when a required field is missing or
 * has the wrong JSON type. On success, when `fields_out` is not NULL, `*fields_out` is a new
 * buffer holding the model's fields (only those the catalog knows) in `format`, a
 * `wpn_fields_format` value (`WPN_FIELDS_TREE` or `WPN_FIELDS_JSON`; another value is
 * `WPN_INVALID_ARGUMENT`), which the caller frees with `wpn_buffer_free()`.
 */
wpn_result wpn_event_decode(const uint8_t *kind,
                            size_t kind_len,
                            const uint8_t *notification_kind,
                            size_t notification_kind_len,
                            const uint8_t *event_type,
                            size_t event_type_len,
                            const uint8_t *plaintext,
                            size_t plaintext_len,
                            uint32_t format,
                            struct wpn_buffer **fields_out,
                            struct wpn_error **error_out);

/**
 * Makes a kit with a fresh RSA-2048 test key, under a `PUB_KEY_ID_` id, or, when
 * `certificate` is true, with a self-signed platform certificate valid from a day ago for
 * five years. On success `*kit_out` is a new kit the caller frees with `wpn_kit_free()`.
 */
wpn_result wpn_kit_new(bool certificate, struct wpn_kit **kit_out, struct wpn_error **error_out);

/**
 * Fills `*info_out` with the kit's key id, public key, certificate and test keys. Returns
 * false (writing `{NULL, 0}` strings) if `kit` is NULL.
 */
bool wpn_kit_describe(const struct wpn_kit *kit, struct wpn_kit_info *info_out);

/**
 * Makes the kit's catalog callbacks name merchant `mchid` (UTF-8, `mchid_len` bytes) from now
 * on: their resource's `sp_mchid`, `combine_mchid` or `mchid`, whichever the kind's sample has.
 * Call it when configuring the kit as one merchant of a verifier for several
 * (`wpn_verifier_builder_merchant`), which checks that the resource names its merchant
 * (`docs/merchants.md`). `WPN_CONFIG_INVALID` for an mchid that is not UTF-8.
 */
wpn_result wpn_kit_set_mchid(const struct wpn_kit *kit,
                             const uint8_t *mchid,
                             size_t mchid_len,
                             struct wpn_error **error_out);

/**
 * A new verifier configured to accept the kit's callbacks (as a handler configured with the
 * kit's keys would be). The caller frees it with `wpn_verifier_free()`.
 */
wpn_result wpn_kit_verifier(const struct wpn_kit *kit,
                            struct wpn_verifier **verifier_out,
                            struct wpn_error **error_out);

/**
 * Builds a test callback signed and encrypted as WeChat Pay does (`request` says what; see
 * `wpn_kit_request`). `WPN_CONFIG_INVALID` for an unknown kind or failure name, or JSON that
 * does not parse. On success `*callback_out` is a new callback the caller frees with
 * `wpn_callback_free()`.
 */
wpn_result wpn_kit_notification(const struct wpn_kit *kit,
                                const struct wpn_kit_request *request,
                                struct wpn_callback **callback_out,
                                struct wpn_error **error_out);

/**
 * Fills `*parts_out` with the callback's headers, body and id. Returns false (writing NULLs)
 * if `callback` is NULL.
 */
bool wpn_callback_contents(const struct wpn_callback *callback,
                           struct wpn_callback_parts *parts_out);

/**
 * Frees a test callback. NULL is a no-op.
 */
void wpn_callback_free(struct wpn_callback *callback);

/**
 * An APIv2 test callback as XML: a payment result signed with the kit's APIv2 key (MD5, or
 * HMAC-SHA256 when `hmac_sha256`), or with `refund` a refund result whose `req_info` is
 * encrypted with it. `fields_json` (optional, `{NULL, 0}`) is a JSON object of strings set
 * into the payment's fields, or into the refund's `req_info`. On success `*xml_out` is a new
 * buffer the caller frees with `wpn_buffer_free()`.
 */
wpn_result wpn_kit_v2_callback(const struct wpn_kit *kit,
                               bool refund,
                               bool hmac_sha256,
                               struct wpn_str fields_json,
                               struct wpn_buffer **xml_out,
                               struct wpn_error **error_out);

/**
 * Frees a kit, wiping its keys. NULL is a no-op.
 */
void wpn_kit_free(struct wpn_kit *kit);

/**
 * Fills `*envelope_out` with every field of a notification in one call. Returns false (and
 * writes an envelope of `{NULL, 0}` strings) if `notification` is NULL; writes nothing if
 * `envelope_out` is NULL.
 */
bool wpn_notification_envelope(const struct wpn_notification *notification,
                               struct wpn_envelope *envelope_out);

/**
 * Frees a notification. NULL is a no-op.
 */
void wpn_notification_free(struct wpn_notification *notification);

/**
 * The APIv3 success reply: 204, no body. `*reply_out` is a new reply.
 */
wpn_result wpn_reply_success(struct wpn_reply **reply_out, struct wpn_error **error_out);

/**
 * The APIv3 failure reply for an error: 401 for authenticity failures, 500 otherwise, body
 * `{"code":"FAIL","message":"<CODE>: <fixed text>"}`: the text depends on the code only
 * (`docs/replies.md`), never on the error's message, which is for the merchant's logs.
 * `*reply_out` is a new reply.
 */
wpn_result wpn_reply_for_error(const struct wpn_error *error,
                               struct wpn_reply **reply_out,
                               struct wpn_error **error_out);

/**
 * The APIv3 reply for a result code (for bindings that keep only the code of an error):
 * `WPN_OK` gives the success reply; a core error code gives what `wpn_reply_for_error()`
 * gives; `WPN_NULL_ARGUMENT`, `WPN_PANIC`, `WPN_INVALID_ARGUMENT` or an unknown value gives
 * 500 with `<NAME>: internal error` (`UNKNOWN` for an unknown value). The reply carries the
 * code's fixed text only: a reply does not describe the request or the configuration.
 * `*reply_out` is a new reply.
 */
wpn_result wpn_reply_for_result(uint32_t code,
                                struct wpn_reply **reply_out,
                                struct wpn_error **error_out);

/**
 * An APIv3 failure reply with a status and message of the caller's choice (e.g. 500 when the
 * business logic failed and WeChat Pay should retry). `message` need not be UTF-8 (invalid
 * bytes become U+FFFD). `*reply_out` is a new reply.
 */
wpn_result wpn_reply_failure_message(uint16_t status,
                                     const uint8_t *message,
                                     size_t message_len,
                                     struct wpn_reply **reply_out,
                                     struct wpn_error **error_out);

/**
 * The APIv2 success reply: 200 with the `SUCCESS` XML. `*reply_out` is a new reply.
 */
wpn_result wpn_reply_v2_success(struct wpn_reply **reply_out, struct wpn_error **error_out);

/**
 * The APIv2 failure reply: 200 with the `FAIL` XML carrying `message` (lossy UTF-8).
 * `*reply_out` is a new reply.
 */
wpn_result wpn_reply_v2_failure(const uint8_t *message,
                                size_t message_len,
                                struct wpn_reply **reply_out,
                                struct wpn_error **error_out);

/**
 * Fills `*response_out` with the status, content type and body of a reply, valid until the
 * reply is freed. Returns false (and writes status 0 with `{NULL, 0}` strings) if `reply` is
 * NULL.
 */
bool wpn_reply_response(const struct wpn_reply *reply, struct wpn_http_response *response_out);

/**
 * Frees a reply. NULL is a no-op.
 */
void wpn_reply_free(struct wpn_reply *reply);

/**
 * Decrypts one AEAD_AES_256_GCM `resource` with the APIv3 key.
 *
 * `apiv3_key` must be 32 bytes (`WPN_CONFIG_INVALID` otherwise); `nonce` is the 12 bytes of
 * `resource.nonce`; `associated_data` the bytes of `resource.associated_data` (empty if
 * absent); `ciphertext_b64` the standard base64 of `resource.ciphertext`
 * (`WPN_MALFORMED_RESOURCE` for a wrong nonce length or bad base64). A wrong key or altered
 * input is `WPN_DECRYPT_FAILED`. On success `*plaintext_out` is a new buffer the caller frees
 * with `wpn_buffer_free()`.
 */
wpn_result wpn_decrypt_resource(const uint8_t *apiv3_key,
                                size_t apiv3_key_len,
                                const uint8_t *nonce,
                                size_t nonce_len,
                                const uint8_t *associated_data,
                                size_t associated_data_len,
                                const uint8_t *ciphertext_b64,
                                size_t ciphertext_b64_len,
                                struct wpn_buffer **plaintext_out,
                                struct wpn_error **error_out);

/**
 * Writes a view of a buffer's bytes to `*data_out`, valid until the buffer is freed. Returns
 * false, writing `{NULL, 0}`, if `buffer` is NULL.
 */
bool wpn_buffer_data(const struct wpn_buffer *buffer, struct wpn_slice *data_out);

/**
 * Wipes and frees a buffer. NULL is a no-op.
 */
void wpn_buffer_free(struct wpn_buffer *buffer);

/**
 * The stable name of a result code: `"OK"`, `"SIGNATURE_MISMATCH"`, ..., `"NULL_ARGUMENT"`,
 * `"PANIC"`, or `"UNKNOWN"` for a value that is not a `wpn_result`. The string is static and
 * NUL-terminated: never free it.
 */
const char *wpn_error_code_name(uint32_t code);

/**
 * Looks a result code up by its stable name (`name_len` bytes, not NUL-terminated, e.g.
 * `"DECRYPT_FAILED"`). Writes it to `*code_out` and returns true when found; returns false
 * (leaving `*code_out` unchanged) for an unknown name or a NULL argument.
 */
bool wpn_error_code_from_name(const uint8_t *name, size_t name_len, uint32_t *code_out);

/**
 * The family of a result code (`WPN_FAMILY_INTERNAL` for an unknown value). A code's family
 * decides the reply: `WPN_FAMILY_AUTHENTICITY` is answered with HTTP 401, the others with 500.
 */
wpn_error_family wpn_error_code_family(uint32_t code);

/**
 * Builds an APIv2 verifier from the APIv2 key (`key_len` must be 32, else
 * `WPN_CONFIG_INVALID`), accepting bodies up to `max_body_size` bytes (0 means
 * `WPN_V2_DEFAULT_MAX_BODY_SIZE`). On success `*verifier_out` is a new verifier the caller
 * frees with `wpn_v2_verifier_free()`.
 */
wpn_result wpn_v2_verifier_new(const uint8_t *key,
                               size_t key_len,
                               size_t max_body_size,
                               struct wpn_v2_verifier **verifier_out,
                               struct wpn_error **error_out);

/**
 * Verifies an APIv2 payment result notification (the raw XML body) and returns all its
 * fields, `sign` included. Errors, in order: `WPN_BODY_TOO_LARGE`, `WPN_WRONG_FORMAT` (JSON),
 * `WPN_MALFORMED_BODY`, `WPN_RETURN_FAIL`, `WPN_MISSING_FIELD` (no `sign`),
 * `WPN_UNSUPPORTED_SIGNATURE_TYPE`, `WPN_MALFORMED_SIGNATURE`, `WPN_SIGNATURE_MISMATCH`. On
 * success `*fields_out` is new fields the caller frees with `wpn_v2_fields_free()`.
 */
wpn_result wpn_v2_verifier_parse_payment(const struct wpn_v2_verifier *verifier,
                                         const uint8_t *xml,
                                         size_t xml_len,
                                         struct wpn_v2_fields **fields_out,
                                         struct wpn_error **error_out);

/**
 * Decrypts an APIv2 refund result notification (the raw XML body): its outer fields and its
 * `req_info`, decrypted with the MD5 of the APIv2 key (`WPN_DECRYPT_FAILED` when that fails).
 * On success `*refund_out` is a new refund the caller frees with `wpn_v2_refund_free()`.
 */
wpn_result wpn_v2_verifier_parse_refund(const struct wpn_v2_verifier *verifier,
                                        const uint8_t *xml,
                                        size_t xml_len,
                                        struct wpn_v2_refund **refund_out,
                                        struct wpn_error **error_out);

/**
 * Frees an APIv2 verifier, wiping its key. NULL is a no-op.
 */
void wpn_v2_verifier_free(struct wpn_v2_verifier *verifier);

/**
 * The number of fields; 0 if `fields` is NULL.
 */
size_t wpn_v2_fields_len(const struct wpn_v2_fields *fields);

/**
 * Writes field `index` (fields are sorted by name) to `*field_out`; its strings borrow from
 * the fields. Returns false, writing `{NULL, 0}` strings, if `fields` is NULL or `index` is
 * out of range.
 */
bool wpn_v2_fields_get(const struct wpn_v2_fields *fields,
                       size_t index,
                       struct wpn_field *field_out);

/**
 * Writes the value of the field called `name` (`name_len` bytes, exact match) to
 * `*value_out`. Returns false, writing `{NULL, 0}`, if there is no such field or an argument
 * is NULL. An empty value is a non-NULL empty string.
 */
bool wpn_v2_fields_find(const struct wpn_v2_fields *fields,
                        const uint8_t *name,
                        size_t name_len,
                        struct wpn_str *value_out);

/**
 * Frees fields returned by `wpn_v2_verifier_parse_payment()`. NULL is a no-op. Never pass
 * the borrowed fields of a refund.
 */
void wpn_v2_fields_free(struct wpn_v2_fields *fields);

/**
 * The outer fields of a refund notification (`return_code`, `appid`, `mch_id`, ...; without
 * `req_info`). **Borrowed**: valid until the refund is freed; do not free. NULL if `refund`
 * is NULL.
 */
const struct wpn_v2_fields *wpn_v2_refund_fields(const struct wpn_v2_refund *refund);

/**
 * The decrypted `req_info` fields (`out_refund_no`, `refund_status`, `refund_fee`, ...).
 * **Borrowed**: valid until the refund is freed; do not free. NULL if `refund` is NULL.
 */
const struct wpn_v2_fields *wpn_v2_refund_req_info(const struct wpn_v2_refund *refund);

/**
 * Frees a refund notification and the fields it holds. NULL is a no-op.
 */
void wpn_v2_refund_free(struct wpn_v2_refund *refund);

/**
 * Verifies and decrypts an APIv3 callback: runs every check of `docs/protocol.md` (steps
 * 0-15) in order and stops at the first failure.
 *
 * The request comes as the caller has it, in one call:
 * - `headers`/`headers_len`: the request's header names and values back to back (any
 *   headers; at least the four `Wechatpay-*` ones), and `header_lens`: `2 * header_count`
 *   lengths, each header's name length then its value length, which must add up to
 *   `headers_len` (else `WPN_INVALID_ARGUMENT`). Names match ASCII case-insensitively and the
 *   first of a repeated name counts. NULL pointers are allowed for zero lengths.
 * - `body`: the raw request body, byte for byte (NULL when `body_len` is 0).
 * - `now`: the current time in Unix seconds, or `WPN_SYSTEM_CLOCK`.
 *
 * On success `*notification_out` is a new notification the caller frees with
 * `wpn_notification_free()`, and, when `envelope_out` is not NULL, `*envelope_out` holds its
 * envelope (as `wpn_notification_envelope()` gives it, borrowing from the notification). On
 * failure `*notification_out` is NULL, `*envelope_out` is empty, and the result names the
 * check that failed.
 */
wpn_result wpn_verifier_parse(const struct wpn_verifier *verifier,
                              const uint8_t *headers,
                              size_t headers_len,
                              const size_t *header_lens,
                              size_t header_count,
                              const uint8_t *body,
                              size_t body_len,
                              int64_t now,
                              struct wpn_notification **notification_out,
                              struct wpn_envelope *envelope_out,
                              struct wpn_error **error_out);

/**
 * Checks a callback's authenticity only (steps 0-10 of `docs/protocol.md`) at `now` (Unix
 * seconds, or `WPN_SYSTEM_CLOCK`); the headers and body as for `wpn_verifier_parse()`. The body is not parsed or decrypted. `WPN_OK` means it
 * was signed by a configured key.
 */
wpn_result wpn_verifier_verify(const struct wpn_verifier *verifier,
                               const uint8_t *headers,
                               size_t headers_len,
                               const size_t *header_lens,
                               size_t header_count,
                               const uint8_t *body,
                               size_t body_len,
                               int64_t now,
                               struct wpn_error **error_out);

/**
 * Verifies the signature of a WeChat Pay API response (the same `Wechatpay-*` headers and
 * scheme as callbacks) at `now` (Unix seconds, or `WPN_SYSTEM_CLOCK`); the headers as for
 * `wpn_verifier_parse()`. The body may be any bytes, including none.
 */
wpn_result wpn_verifier_verify_response(const struct wpn_verifier *verifier,
                                        const uint8_t *headers,
                                        size_t headers_len,
                                        const size_t *header_lens,
                                        size_t header_count,
                                        const uint8_t *body,
                                        size_t body_len,
                                        int64_t now,
                                        struct wpn_error **error_out);

/**
 * Decrypts a `GET /v3/certificates` response body with this verifier's APIv3 key (verify
 * the response first with `wpn_verifier_verify_response()`). On success
 * `*certificates_out` is a new list the caller frees with `wpn_certificates_free()`.
 */
wpn_result wpn_verifier_decrypt_certificates(const struct wpn_verifier *verifier,
                                             const uint8_t *body,
                                             size_t body_len,
                                             struct wpn_certificates **certificates_out,
                                             struct wpn_error **error_out);

/**
 * The number of configured keys (public-key ids and certificate serials); 0 if `verifier`
 * is NULL.
 */
size_t wpn_verifier_key_count(const struct wpn_verifier *verifier);

/**
 * Writes the id or certificate serial of configured key `index` (configuration order) to
 * `*id_out`, valid until the verifier is freed. Returns false, writing `{NULL, 0}`, if
 * `verifier` is NULL or `index` is out of range.
 */
bool wpn_verifier_key_id(const struct wpn_verifier *verifier, size_t index, struct wpn_str *id_out);

/**
 * The configured `max_clock_skew` in seconds; 0 if `verifier` is NULL.
 */
int64_t wpn_verifier_max_clock_skew(const struct wpn_verifier *verifier);

/**
 * The configured `max_body_size` in bytes; 0 if `verifier` is NULL.
 */
size_t wpn_verifier_max_body_size(const struct wpn_verifier *verifier);

/**
 * Frees a verifier. NULL is a no-op. No other thread may be using it.
 */
void wpn_verifier_free(struct wpn_verifier *verifier);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* WECHATPAY_NOTIFY_H */
