/* The C API's edges (docs/c-abi.md): NULL arguments, impossible lengths, zero lengths,
 * invalid UTF-8, frees of NULL, accessors of NULL handles and indexes out of range, the
 * `now` argument and WPN_SYSTEM_CLOCK, replies, names and families of codes; the request in
 * one call: packed headers (lengths that must add up, case, repeats, other headers) and the
 * envelope filled by wpn_verifier_parse. */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define U8(s) ((const uint8_t *)(s))

/* Fills an out struct with 0xA5 bytes, so a function that writes nothing to it is caught. */
#define POISON(x) memset(&(x), 0xa5, sizeof(x))

/* A valid notification from the vectors, for the tests that need one. */
typedef struct {
    json_t *root;
    const json_t *config;
    headers_t headers;
    bytes_t body;
    int64_t now;
    const char *v2_key; /* an APIv2 key and a payment notification it verifies */
    bytes_t v2_body;
} sample_t;

static sample_t load_sample(void) {
    sample_t s;
    memset(&s, 0, sizeof s);
    s.root = load_vectors("notifications.json");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(s.root, "cases"), i, c) {
        const char *type = jstr(c, "type", NULL);
        if (!json_is_true(json_object_get(json_object_get(c, "expect"), "ok"))) continue;
        if (strcmp(type, "v3_parse") == 0 && s.config == NULL) {
            s.config = json_object_get(json_object_get(s.root, "verifiers"),
                                       jstr(c, "verifier", NULL));
            s.headers = headers_from_json(json_object_get(c, "headers"));
            s.body = hex_decode(jstr(c, "body_hex", NULL));
            s.now = json_integer_value(json_object_get(c, "now"));
        } else if (strcmp(type, "v2_payment") == 0 && s.v2_key == NULL) {
            s.v2_key = jstr(json_object_get(s.root, "v2_keys"), jstr(c, "v2_key", NULL), NULL);
            s.v2_body = hex_decode(jstr(c, "body_hex", NULL));
        }
    }
    if (s.config == NULL || s.v2_key == NULL) {
        fprintf(stderr, "no valid v3_parse or v2_payment case in the vectors\n");
        exit(2);
    }
    return s;
}

static void free_sample(sample_t *s) {
    headers_free(&s->headers);
    bytes_free(&s->body);
    bytes_free(&s->v2_body);
    json_decref(s->root);
}

/* A NULL-argument failure: the code, and an error naming the argument. */
static void check_null(wpn_result rc, wpn_error *err, const char *arg, const char *ctx) {
    CHECK(rc == WPN_NULL_ARGUMENT, ctx);
    CHECK(wpn_error_code(err) == WPN_NULL_ARGUMENT, ctx);
    wpn_str m = message_of(err);
    CHECK(m.data != NULL && memmem(m.data, m.len, arg, strlen(arg)) != NULL, ctx);
    CHECK(strcmp(wpn_error_code_name(wpn_error_code(err)), "NULL_ARGUMENT") == 0, ctx);
    wpn_error_free(err);
}

/* Runs `call` (which writes `err`), then checks it failed with WPN_NULL_ARGUMENT naming `arg`. */
#define NULL_CASE(call, arg, ctx)              \
    do {                                       \
        wpn_result rc_ = (call);               \
        check_null(rc_, err, (arg), (ctx));    \
        err = NULL;                            \
    } while (0)

static void null_arguments(const sample_t *s) {
    wpn_error *err = NULL;
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "sample verifier");
    const headers_t h = s->headers;
    const uint8_t *body = s->body.data;
    size_t bl = s->body.len;
    wpn_notification *n = (wpn_notification *)&err;
    wpn_envelope e;

    POISON(e);
    NULL_CASE(wpn_verifier_parse(NULL, HEADERS(h), body, bl, s->now, &n, &e, &err), "verifier",
               "parse NULL verifier");
    CHECK(n == NULL, "out set to NULL on failure");
    CHECK(envelope_is_empty(&e), "envelope empty on failure");
    POISON(e);
    NULL_CASE(wpn_verifier_parse(v, HEADERS(h), body, bl, s->now, NULL, &e, &err),
               "notification_out", "parse NULL out");
    CHECK(envelope_is_empty(&e), "envelope empty without notification_out");
    /* The header buffer: NULL with a length (whatever the lengths say). */
    NULL_CASE(wpn_verifier_parse(v, NULL, h.bytes_len, HEADERS_LENS(h), body, bl, s->now, &n,
                                 NULL, &err),
               "headers", "parse NULL headers");
    NULL_CASE(wpn_verifier_parse(v, NULL, 1, NULL, 0, body, bl, s->now, &n, NULL, &err),
               "headers", "parse NULL headers, no lengths");
    /* The lengths: NULL with a count of headers. */
    NULL_CASE(wpn_verifier_parse(v, h.bytes, h.bytes_len, NULL, h.count, body, bl, s->now, &n,
                                 NULL, &err),
               "header_lens", "parse NULL header_lens");
    NULL_CASE(wpn_verifier_parse(v, NULL, 0, NULL, 1, body, bl, s->now, &n, NULL, &err),
               "header_lens", "parse NULL header_lens, no bytes");
    NULL_CASE(wpn_verifier_verify(v, h.bytes, h.bytes_len, NULL, h.count, body, bl, s->now,
                                  &err),
               "header_lens", "verify NULL header_lens");
    NULL_CASE(wpn_verifier_verify_response(v, NULL, h.bytes_len, HEADERS_LENS(h), body, bl,
                                           s->now, &err),
               "headers", "verify_response NULL headers");
    NULL_CASE(wpn_verifier_parse(v, HEADERS(h), NULL, bl, s->now, &n, NULL, &err), "body",
               "parse NULL body");
    /* Arguments are checked before the clock is read. */
    NULL_CASE(wpn_verifier_parse(v, HEADERS(h), NULL, bl, WPN_SYSTEM_CLOCK, &n, NULL, &err),
               "body", "parse NULL body, system clock");
    NULL_CASE(wpn_verifier_verify(NULL, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, &err), "verifier",
               "verify");
    NULL_CASE(wpn_verifier_verify_response(NULL, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, &err),
               "verifier", "verify_response");
    NULL_CASE(wpn_verifier_verify_response(v, HEADERS(h), NULL, 1, 0, &err), "body",
               "verify_response NULL body");
    wpn_certificates *certs = NULL;
    NULL_CASE(wpn_verifier_decrypt_certificates(v, body, bl, NULL, &err),
               "certificates_out", "decrypt_certificates");
    NULL_CASE(wpn_decrypt_certificates(NULL, 32, body, bl, &certs, &err), "apiv3_key",
               "decrypt_certificates key");
    wpn_diagnosis *d = NULL;
    NULL_CASE(wpn_verifier_diagnose(v, HEADERS(h), body, bl, 0, NULL, &err), "diagnosis_out",
               "diagnose NULL out");
    d = (wpn_diagnosis *)&err; /* must be overwritten with NULL */
    NULL_CASE(wpn_verifier_diagnose(NULL, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, &d, &err),
               "verifier", "diagnose");
    CHECK(d == NULL, "diagnose NULL");
    d = (wpn_diagnosis *)&err;
    NULL_CASE(wpn_verifier_diagnose(v, h.bytes, h.bytes_len, NULL, h.count, body, bl, s->now, &d,
                                    &err),
               "header_lens", "diagnose NULL header_lens");
    CHECK(d == NULL, "diagnose NULL header_lens");
    NULL_CASE(wpn_verifier_diagnose(v, NULL, h.bytes_len, HEADERS_LENS(h), body, bl, s->now, &d,
                                    &err),
               "headers", "diagnose NULL headers");

    /* The error out-parameter is optional: the code alone comes back. */
    CHECK(wpn_verifier_parse(NULL, HEADERS(h), body, bl, s->now, &n, NULL, NULL) ==
              WPN_NULL_ARGUMENT,
          "no error_out");

    /* Builder. */
    wpn_verifier_builder *b = NULL;
    NULL_CASE(wpn_verifier_builder_new(NULL, &err), "builder_out", "builder_new");
    NULL_CASE(wpn_verifier_builder_apiv3_key(NULL, U8("k"), 1, &err), "builder",
               "apiv3_key");
    CHECK(wpn_verifier_builder_new(&b, NULL) == WPN_OK && b != NULL, "builder_new");
    NULL_CASE(wpn_verifier_builder_apiv3_key(b, NULL, 32, &err), "key", "apiv3_key NULL");
    NULL_CASE(wpn_verifier_builder_public_key(b, NULL, 3, U8("x"), 1, &err), "id",
               "public_key id");
    NULL_CASE(wpn_verifier_builder_public_key(b, U8("id"), 2, NULL, 1, &err), "pem",
               "public_key pem");
    NULL_CASE(wpn_verifier_builder_platform_certificate(b, NULL, 9, &err), "pem",
               "platform_certificate");
    NULL_CASE(wpn_verifier_builder_max_clock_skew(NULL, 1, &err), "builder", "skew");
    NULL_CASE(wpn_verifier_builder_max_body_size(NULL, 1, &err), "builder", "size");
    wpn_verifier *unbuilt = NULL;
    NULL_CASE(wpn_verifier_builder_build(NULL, &unbuilt, &err), "builder", "build");
    CHECK(unbuilt == NULL, "build out NULL");
    NULL_CASE(wpn_verifier_builder_build(b, NULL, &err), "verifier_out", "build out");
    wpn_verifier_builder_free(b);

    /* Resource, v2, replies. */
    wpn_buffer *buf = NULL;
    NULL_CASE(wpn_decrypt_resource(U8("k"), 1, U8("n"), 1, NULL, 0, U8("c"), 1, NULL, &err),
               "plaintext_out", "decrypt_resource out");
    NULL_CASE(wpn_decrypt_resource(U8("k"), 1, NULL, 12, NULL, 0, U8("c"), 1, &buf, &err),
               "nonce", "decrypt_resource nonce");
    wpn_v2_verifier *v2 = NULL;
    NULL_CASE(wpn_v2_verifier_new(NULL, 32, 0, &v2, &err), "key", "v2 new");
    NULL_CASE(wpn_v2_verifier_new(U8("0123456789abcdef0123456789abcdef"), 32, 0, NULL, &err),
               "verifier_out", "v2 new out");
    wpn_v2_fields *f = NULL;
    wpn_v2_refund *r = NULL;
    NULL_CASE(wpn_v2_verifier_parse_payment(NULL, U8("<xml/>"), 6, &f, &err), "verifier",
               "v2 payment");
    NULL_CASE(wpn_v2_verifier_parse_refund(NULL, U8("<xml/>"), 6, &r, &err), "verifier",
               "v2 refund");
    NULL_CASE(wpn_v2_verifier_parse_payment(NULL, U8("<xml/>"), 6, NULL, &err), "fields_out",
               "v2 payment out");
    NULL_CASE(wpn_v2_verifier_parse_refund(NULL, U8("<xml/>"), 6, NULL, &err), "refund_out",
               "v2 refund out");
    wpn_reply *reply = NULL;
    NULL_CASE(wpn_reply_success(NULL, &err), "reply_out", "reply_success");
    reply = (wpn_reply *)&err;
    NULL_CASE(wpn_reply_for_error(NULL, &reply, &err), "error", "reply_for_error");
    CHECK(reply == NULL, "reply out set to NULL on failure");
    NULL_CASE(wpn_reply_for_result(WPN_OK, NULL, &err), "reply_out", "reply_for_result");
    NULL_CASE(wpn_reply_failure_message(500, NULL, 1, &reply, &err), "message",
               "failure_message");
    NULL_CASE(wpn_reply_v2_success(NULL, &err), "reply_out", "v2_success");
    NULL_CASE(wpn_reply_v2_failure(NULL, 1, &reply, &err), "message", "v2_failure");
    /* A NULL pointer with a huge length is still a NULL argument (checked first). */
    NULL_CASE(wpn_verifier_parse(v, HEADERS(h), NULL, SIZE_MAX, s->now, &n, NULL, &err), "body",
               "parse NULL body, huge length");
    NULL_CASE(wpn_verifier_parse(v, NULL, SIZE_MAX, HEADERS_LENS(h), body, bl, s->now, &n, NULL,
                                 &err),
               "headers", "parse NULL headers, huge length");
    NULL_CASE(wpn_verifier_verify(v, h.bytes, h.bytes_len, NULL, SIZE_MAX / 4, body, bl, s->now,
                                  &err),
               "header_lens", "verify NULL header_lens, huge count");

    /* Scalar accessors of a NULL handle give their documented values. */
    CHECK(wpn_error_code(NULL) == WPN_NULL_ARGUMENT, "error_code");
    CHECK(strcmp(wpn_error_code_name(wpn_error_code(NULL)), "NULL_ARGUMENT") == 0,
          "error_code name");
    CHECK(wpn_verifier_key_count(NULL) == 0, "key count");
    CHECK(wpn_verifier_max_clock_skew(NULL) == 0 && wpn_verifier_max_body_size(NULL) == 0,
          "limits");
    CHECK(wpn_certificates_len(NULL) == 0, "certificates");
    CHECK(wpn_diagnosis_len(NULL) == 0, "diagnosis");
    CHECK(wpn_diagnosis_verdict(NULL) == WPN_NULL_ARGUMENT, "verdict");
    CHECK(wpn_diagnosis_error(NULL) == NULL && wpn_diagnosis_notification(NULL) == NULL,
          "diagnosis borrowed");
    CHECK(wpn_v2_fields_len(NULL) == 0, "v2 fields");
    CHECK(wpn_v2_refund_fields(NULL) == NULL && wpn_v2_refund_req_info(NULL) == NULL,
          "v2 refund");
    uint32_t code = 77;
    CHECK(!wpn_error_code_from_name(NULL, 3, &code) && code == 77, "from_name NULL");
    CHECK(!wpn_error_code_from_name(U8("OK"), 2, NULL), "from_name NULL out");

    wpn_verifier_free(v);
}

/* An impossible-length failure: WPN_INVALID_ARGUMENT, an error naming the argument, and the
 * out-parameter left NULL. */
static void check_invalid(wpn_result rc, wpn_error *err, const char *arg, const char *ctx) {
    CHECK(rc == WPN_INVALID_ARGUMENT, ctx);
    CHECK(wpn_error_code(err) == WPN_INVALID_ARGUMENT, ctx);
    CHECK(strcmp(wpn_error_code_name(wpn_error_code(err)), "INVALID_ARGUMENT") == 0, ctx);
    CHECK(wpn_error_code_family(rc) == WPN_FAMILY_INTERNAL, ctx);
    wpn_str m = message_of(err);
    CHECK(m.data != NULL && memmem(m.data, m.len, arg, strlen(arg)) != NULL, ctx);
    char quoted[64];
    snprintf(quoted, sizeof quoted, "`%s`", arg);
    CHECK(memmem(m.data, m.len, quoted, strlen(quoted)) != NULL, ctx);
    wpn_error_free(err);
}

#define INVALID_CASE(call, arg, ctx)             \
    do {                                         \
        wpn_result rc_ = (call);                 \
        check_invalid(rc_, err, (arg), (ctx));   \
        err = NULL;                              \
    } while (0)

/* A (pointer, length) pair describing more memory than can exist (SIZE_MAX, or just over
 * PTRDIFF_MAX bytes) with a non-NULL pointer: WPN_INVALID_ARGUMENT, never a read. */
static void invalid_lengths(const sample_t *s) {
    static const uint8_t one[1] = {'x'};
    static const uint8_t key[] = "0123456789abcdef0123456789abcdef";
    const size_t lengths[] = {SIZE_MAX, (size_t)PTRDIFF_MAX + 1};
    wpn_error *err = NULL;
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "invalid: verifier");
    const headers_t h = s->headers;
    const uint8_t *body = s->body.data;
    size_t bl = s->body.len;
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        size_t huge = lengths[k];
        wpn_notification *n = (wpn_notification *)&err;
        wpn_envelope e;
        POISON(e);
        INVALID_CASE(wpn_verifier_parse(v, HEADERS(h), one, huge, s->now, &n, &e, &err), "body",
                     "parse body");
        CHECK(n == NULL, "parse out NULL");
        CHECK(envelope_is_empty(&e), "parse envelope empty");
        INVALID_CASE(wpn_verifier_parse(v, HEADERS(h), one, huge, WPN_SYSTEM_CLOCK, &n, NULL,
                                        &err),
                     "body", "parse body, system clock");
        /* The header buffer's length (headers_len). */
        INVALID_CASE(wpn_verifier_parse(v, h.bytes, huge, HEADERS_LENS(h), body, bl, s->now, &n,
                                        NULL, &err),
                     "headers", "parse headers_len");
        INVALID_CASE(wpn_verifier_verify(v, h.bytes, huge, HEADERS_LENS(h), body, bl,
                                         WPN_SYSTEM_CLOCK, &err),
                     "headers", "verify headers_len");
        /* A count of headers whose 2 lengths each overflow size_t (header_count), or whose
         * lengths need more than PTRDIFF_MAX bytes (header_lens). */
        INVALID_CASE(wpn_verifier_parse(v, h.bytes, h.bytes_len, h.lens, huge, body, bl, s->now,
                                        &n, NULL, &err),
                     "header_count", "parse header_count overflows");
        INVALID_CASE(wpn_verifier_verify(v, h.bytes, h.bytes_len, NULL, huge, body, bl, s->now,
                                         &err),
                     "header_count", "verify header_count overflows, NULL header_lens");
        INVALID_CASE(wpn_verifier_verify(v, h.bytes, h.bytes_len, h.lens, huge / 2, body, bl,
                                         s->now, &err),
                     "header_lens", "verify header_count too large");
        /* One header's name or value length that is huge: the lengths cannot add up to the
         * buffer (nor be read). */
        const size_t huge_name[] = {huge, 1}, huge_value[] = {15, huge};
        INVALID_CASE(wpn_verifier_parse(v, one, 1, huge_name, 1, body, bl, s->now, &n, NULL,
                                        &err),
                     "header_lens", "parse header name length");
        INVALID_CASE(wpn_verifier_verify(v, U8("Wechatpay-Nonce"), 15, huge_value, 1, body, bl,
                                         s->now, &err),
                     "header_lens", "verify header value length");
        INVALID_CASE(wpn_verifier_verify(v, HEADERS(h), one, huge, s->now, &err), "body",
                     "verify body");
        INVALID_CASE(wpn_verifier_verify_response(v, HEADERS(h), one, huge, s->now, &err), "body",
                     "verify_response body");
        INVALID_CASE(wpn_verifier_verify_response(v, h.bytes, huge, HEADERS_LENS(h), body, bl,
                                                  s->now, &err),
                     "headers", "verify_response headers_len");
        wpn_diagnosis *d = (wpn_diagnosis *)&err;
        INVALID_CASE(wpn_verifier_diagnose(v, HEADERS(h), one, huge, s->now, &d, &err), "body",
                     "diagnose body");
        CHECK(d == NULL, "diagnose out NULL");
        d = (wpn_diagnosis *)&err;
        INVALID_CASE(wpn_verifier_diagnose(v, h.bytes, huge, HEADERS_LENS(h), body, bl, s->now,
                                           &d, &err),
                     "headers", "diagnose headers_len");
        CHECK(d == NULL, "diagnose out NULL");
        INVALID_CASE(wpn_verifier_diagnose(v, h.bytes, h.bytes_len, h.lens, huge, body, bl,
                                           s->now, &d, &err),
                     "header_count", "diagnose header_count");
        wpn_certificates *certs = (wpn_certificates *)&err;
        INVALID_CASE(wpn_verifier_decrypt_certificates(v, one, huge, &certs, &err), "body",
                     "verifier decrypt_certificates");
        CHECK(certs == NULL, "certificates out NULL");
        INVALID_CASE(wpn_decrypt_certificates(key, huge, one, 1, &certs, &err), "apiv3_key",
                     "decrypt_certificates key");
        INVALID_CASE(wpn_decrypt_certificates(key, 32, one, huge, &certs, &err), "body",
                     "decrypt_certificates body");

        wpn_verifier_builder *b = NULL;
        CHECK(wpn_verifier_builder_new(&b, NULL) == WPN_OK, "invalid: builder");
        INVALID_CASE(wpn_verifier_builder_apiv3_key(b, key, huge, &err), "key",
                     "builder apiv3_key");
        INVALID_CASE(wpn_verifier_builder_public_key(b, one, huge, one, 1, &err), "id",
                     "builder public_key id");
        INVALID_CASE(wpn_verifier_builder_public_key(b, one, 1, one, huge, &err), "pem",
                     "builder public_key pem");
        INVALID_CASE(wpn_verifier_builder_platform_certificate(b, one, huge, &err), "pem",
                     "builder platform_certificate");
        /* Nothing of the refused calls was kept: the builder has no key at all. */
        wpn_verifier *none = (wpn_verifier *)&err;
        err = NULL;
        CHECK(wpn_verifier_builder_build(b, &none, &err) == WPN_CONFIG_INVALID && none == NULL,
              "builder unchanged");
        wpn_error_free(err);
        err = NULL;
        wpn_verifier_builder_free(b);

        wpn_buffer *buf = (wpn_buffer *)&err;
        INVALID_CASE(wpn_decrypt_resource(key, huge, one, 1, one, 1, one, 1, &buf, &err),
                     "apiv3_key", "decrypt_resource key");
        CHECK(buf == NULL, "buffer out NULL");
        INVALID_CASE(wpn_decrypt_resource(key, 32, one, huge, one, 1, one, 1, &buf, &err),
                     "nonce", "decrypt_resource nonce");
        INVALID_CASE(wpn_decrypt_resource(key, 32, one, 1, one, huge, one, 1, &buf, &err),
                     "associated_data", "decrypt_resource associated_data");
        INVALID_CASE(wpn_decrypt_resource(key, 32, one, 1, one, 1, one, huge, &buf, &err),
                     "ciphertext_b64", "decrypt_resource ciphertext");

        wpn_v2_verifier *v2 = (wpn_v2_verifier *)&err;
        INVALID_CASE(wpn_v2_verifier_new(key, huge, 0, &v2, &err), "key", "v2 new key");
        CHECK(v2 == NULL, "v2 out NULL");
        CHECK(wpn_v2_verifier_new(key, 32, 0, &v2, NULL) == WPN_OK, "v2 verifier");
        wpn_v2_fields *f = (wpn_v2_fields *)&err;
        INVALID_CASE(wpn_v2_verifier_parse_payment(v2, one, huge, &f, &err), "xml",
                     "v2 payment xml");
        CHECK(f == NULL, "v2 fields out NULL");
        wpn_v2_refund *r = (wpn_v2_refund *)&err;
        INVALID_CASE(wpn_v2_verifier_parse_refund(v2, one, huge, &r, &err), "xml",
                     "v2 refund xml");
        CHECK(r == NULL, "v2 refund out NULL");
        wpn_v2_verifier_free(v2);

        wpn_reply *reply = (wpn_reply *)&err;
        INVALID_CASE(wpn_reply_failure_message(500, one, huge, &reply, &err), "message",
                     "failure_message");
        INVALID_CASE(wpn_reply_v2_failure(one, huge, &reply, &err), "message", "v2_failure");

        /* The functions without an error report the same as "not found". */
        uint32_t code = 77;
        CHECK(!wpn_error_code_from_name(U8("OK"), huge, &code) && code == 77,
              "from_name huge length");
        /* Without error_out the code alone comes back. */
        CHECK(wpn_verifier_verify(v, HEADERS(h), one, huge, s->now, NULL) == WPN_INVALID_ARGUMENT,
              "no error_out");
    }
    /* A huge APIv2 max_body_size is a limit, not a length. */
    wpn_v2_verifier *v2 = NULL;
    CHECK(wpn_v2_verifier_new(key, 32, SIZE_MAX, &v2, NULL) == WPN_OK, "v2 SIZE_MAX limit");
    wpn_v2_fields *f = NULL;
    CHECK(wpn_v2_verifier_parse_payment(v2, U8("<xml></xml>"), 11, &f, NULL) == WPN_RETURN_FAIL,
          "v2 SIZE_MAX limit");
    wpn_v2_verifier_free(v2);
    wpn_verifier_free(v);
}

/* Every accessor that fills a caller struct (docs/c-abi.md): true and the value for a valid
 * handle and index; false and the empty value (NULL strings, zeros) for a NULL handle or an
 * index out of range; and nothing written, no crash, when the out pointer is NULL. Each out
 * struct is first filled with 0xA5 bytes, so an accessor that writes nothing is caught. */
static int str_is_empty(wpn_str s) { return s.data == NULL && s.len == 0; }

static int certificate_is_empty(const wpn_certificate *c) {
    return str_is_empty(c->serial_no) && str_is_empty(c->effective_time) &&
           str_is_empty(c->expire_time) && str_is_empty(c->pem) && c->not_before == 0 &&
           c->not_after == 0;
}

/* The empty check: NULL strings, step 0, code WPN_OK, and the status WPN_CHECK_SKIPPED (the
 * library's choice for "no such check"; it is neither passed nor failed). */
static int check_is_empty(const wpn_check *c) {
    return str_is_empty(c->name) && str_is_empty(c->message) && c->step == 0 &&
           c->code == WPN_OK && c->status == WPN_CHECK_SKIPPED;
}

static int response_is_empty(const wpn_http_response *r) {
    return r->status == 0 && str_is_empty(r->content_type) && str_is_empty(r->body);
}

static void accessors(const sample_t *s) {
    const size_t out_of_range[] = {0, 1, 16, SIZE_MAX}; /* offsets past the last index */
    size_t n_oor = sizeof out_of_range / sizeof out_of_range[0];
    wpn_str str;
    wpn_slice slice;
    wpn_envelope env;
    wpn_certificate cert;
    wpn_field field;
    wpn_check check;
    wpn_http_response resp;

    /* NULL handles. */
    POISON(str);
    CHECK(!wpn_error_message(NULL, &str) && str_is_empty(str), "error_message NULL");
    POISON(env);
    CHECK(!wpn_notification_envelope(NULL, &env) && envelope_is_empty(&env),
          "notification_envelope NULL");
    POISON(str);
    CHECK(!wpn_verifier_key_id(NULL, 0, &str) && str_is_empty(str), "key_id NULL");
    POISON(slice);
    CHECK(!wpn_buffer_data(NULL, &slice) && slice.data == NULL && slice.len == 0,
          "buffer_data NULL");
    POISON(cert);
    CHECK(!wpn_certificates_get(NULL, 0, &cert) && certificate_is_empty(&cert),
          "certificates_get NULL");
    POISON(field);
    CHECK(!wpn_v2_fields_get(NULL, 0, &field) && str_is_empty(field.name) &&
              str_is_empty(field.value),
          "v2_fields_get NULL");
    POISON(str);
    CHECK(!wpn_v2_fields_find(NULL, U8("a"), 1, &str) && str_is_empty(str), "v2_fields_find NULL");
    POISON(check);
    CHECK(!wpn_diagnosis_get(NULL, 0, &check) && check_is_empty(&check), "diagnosis_get NULL");
    POISON(resp);
    CHECK(!wpn_reply_response(NULL, &resp) && response_is_empty(&resp), "reply_response NULL");
    /* NULL handle and NULL out: nothing to do, no crash. */
    CHECK(!wpn_error_message(NULL, NULL), "error_message NULL, NULL");
    CHECK(!wpn_notification_envelope(NULL, NULL), "notification_envelope NULL, NULL");
    CHECK(!wpn_verifier_key_id(NULL, 0, NULL), "key_id NULL, NULL");
    CHECK(!wpn_buffer_data(NULL, NULL), "buffer_data NULL, NULL");
    CHECK(!wpn_certificates_get(NULL, 0, NULL), "certificates_get NULL, NULL");
    CHECK(!wpn_v2_fields_get(NULL, 0, NULL), "v2_fields_get NULL, NULL");
    CHECK(!wpn_v2_fields_find(NULL, U8("a"), 1, NULL), "v2_fields_find NULL, NULL");
    CHECK(!wpn_diagnosis_get(NULL, 0, NULL), "diagnosis_get NULL, NULL");
    CHECK(!wpn_reply_response(NULL, NULL), "reply_response NULL, NULL");

    /* Valid handles. */
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "accessors: verifier");
    wpn_notification *n = NULL;
    wpn_error *err = NULL;
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now, &n,
                             NULL, NULL) == WPN_OK,
          "accessors: notification");
    CHECK(wpn_verifier_parse(NULL, NULL, 0, NULL, 0, NULL, 0, s->now, NULL, NULL, &err) ==
              WPN_NULL_ARGUMENT,
          "accessors: error");
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose(v, HEADERS(s->headers), s->body.data, s->body.len, s->now, &d,
                                NULL) == WPN_OK,
          "accessors: diagnosis");
    wpn_reply *reply = NULL;
    CHECK(wpn_reply_for_error(err, &reply, NULL) == WPN_OK, "accessors: reply");
    wpn_buffer *buf = NULL;
    json_t *parsed = json_loadb((const char *)s->body.data, s->body.len, 0, NULL);
    const json_t *res = json_object_get(parsed, "resource");
    size_t key_len, nl, al, cl;
    const char *key = jstr(s->config, "apiv3_key", &key_len);
    const char *nonce = jstr(res, "nonce", &nl), *aad = jstr(res, "associated_data", &al),
               *ct = jstr(res, "ciphertext", &cl);
    CHECK(wpn_decrypt_resource(U8(key), key_len, U8(nonce), nl, U8(aad), al, U8(ct), cl, &buf,
                               NULL) == WPN_OK,
          "accessors: buffer");
    json_t *java = load_vectors("peers/wechatpay-java.json");
    const json_t *dl = json_object_get(java, "certificate_download");
    size_t jk_len, jb_len;
    const char *jk = jstr(dl, "apiv3_key", &jk_len), *jb = jstr(dl, "response_body", &jb_len);
    wpn_certificates *certs = NULL;
    CHECK(wpn_decrypt_certificates(U8(jk), jk_len, U8(jb), jb_len, &certs, NULL) == WPN_OK,
          "accessors: certificates");
    wpn_v2_verifier *v2 = NULL;
    wpn_v2_fields *fields = NULL;
    CHECK(wpn_v2_verifier_new(U8(s->v2_key), strlen(s->v2_key), 0, &v2, NULL) == WPN_OK,
          "accessors: v2 verifier");
    CHECK(wpn_v2_verifier_parse_payment(v2, s->v2_body.data, s->v2_body.len, &fields, NULL) ==
              WPN_OK,
          "accessors: v2 fields");

    /* ... give their values ... */
    POISON(str);
    CHECK(wpn_error_message(err, &str) && str.data != NULL && str.len > 0, "error_message");
    POISON(env);
    CHECK(wpn_notification_envelope(n, &env) && env.id.data != NULL && env.id.len > 0 &&
              env.plaintext.len > 0 && env.timestamp == s->now,
          "notification_envelope");
    POISON(slice);
    CHECK(wpn_buffer_data(buf, &slice) && str_eq((wpn_str){(const char *)slice.data, slice.len},
                                                 env.plaintext.data, env.plaintext.len),
          "buffer_data is the notification's plaintext");
    POISON(resp);
    CHECK(wpn_reply_response(reply, &resp) && resp.status == 500 && resp.body.len > 0,
          "reply_response");
    size_t keys = wpn_verifier_key_count(v);
    CHECK(keys >= 1, "key_count");
    for (size_t i = 0; i < keys; i++) {
        POISON(str);
        CHECK(wpn_verifier_key_id(v, i, &str) && str.data != NULL && str.len > 0, "key_id");
    }
    size_t n_certs = wpn_certificates_len(certs);
    CHECK(n_certs == 1, "certificates_len");
    POISON(cert);
    CHECK(wpn_certificates_get(certs, 0, &cert) && cert.serial_no.len > 0 && cert.pem.len > 0 &&
              cert.not_after > cert.not_before,
          "certificates_get");
    size_t n_fields = wpn_v2_fields_len(fields);
    CHECK(n_fields > 3, "v2_fields_len");
    for (size_t i = 0; i < n_fields; i++) {
        POISON(field);
        CHECK(wpn_v2_fields_get(fields, i, &field) && field.name.data != NULL &&
                  field.name.len > 0 && field.value.data != NULL,
              "v2_fields_get");
        /* Every listed field is found by its name, with the same value. */
        POISON(str);
        CHECK(wpn_v2_fields_find(fields, U8(field.name.data), field.name.len, &str) &&
                  str.data == field.value.data && str.len == field.value.len,
              "v2_fields_find");
    }
    CHECK(wpn_diagnosis_len(d) == 16, "diagnosis_len");
    for (size_t i = 0; i < 16; i++) {
        POISON(check);
        CHECK(wpn_diagnosis_get(d, i, &check) && check.step == i &&
                  check.status == WPN_CHECK_PASSED && check.code == WPN_OK &&
                  check.name.len > 0 && check.message.data != NULL && check.message.len == 0,
              "diagnosis_get");
    }

    /* ... are empty for an index out of range ... */
    for (size_t k = 0; k < n_oor; k++) {
        size_t off = out_of_range[k];
        POISON(str);
        CHECK(!wpn_verifier_key_id(v, keys + off < keys ? SIZE_MAX : keys + off, &str) &&
                  str_is_empty(str),
              "key_id out of range");
        POISON(cert);
        CHECK(!wpn_certificates_get(certs, n_certs + off < n_certs ? SIZE_MAX : n_certs + off,
                                    &cert) &&
                  certificate_is_empty(&cert),
              "certificates_get out of range");
        POISON(field);
        CHECK(!wpn_v2_fields_get(fields, n_fields + off < n_fields ? SIZE_MAX : n_fields + off,
                                 &field) &&
                  str_is_empty(field.name) && str_is_empty(field.value),
              "v2_fields_get out of range");
        POISON(check);
        CHECK(!wpn_diagnosis_get(d, 16 + off < 16 ? SIZE_MAX : 16 + off, &check) &&
                  check_is_empty(&check),
              "diagnosis_get out of range");
    }
    /* ... and for a name that is not there (or an impossible name). */
    POISON(str);
    CHECK(!wpn_v2_fields_find(fields, U8("no_such_field"), 13, &str) && str_is_empty(str),
          "v2_fields_find absent");
    POISON(str);
    CHECK(!wpn_v2_fields_find(fields, U8("sign"), 3, &str) && str_is_empty(str),
          "v2_fields_find prefix");
    POISON(str);
    CHECK(!wpn_v2_fields_find(fields, NULL, 4, &str) && str_is_empty(str),
          "v2_fields_find NULL name");
    POISON(str);
    CHECK(!wpn_v2_fields_find(fields, U8("sign"), SIZE_MAX, &str) && str_is_empty(str),
          "v2_fields_find huge name");

    /* A NULL out pointer with a valid handle and index: nothing written, no crash. */
    wpn_error_message(err, NULL);
    wpn_notification_envelope(n, NULL);
    wpn_verifier_key_id(v, 0, NULL);
    wpn_buffer_data(buf, NULL);
    wpn_certificates_get(certs, 0, NULL);
    wpn_v2_fields_get(fields, 0, NULL);
    wpn_v2_fields_find(fields, U8("sign"), 4, NULL);
    wpn_diagnosis_get(d, 0, NULL);
    wpn_reply_response(reply, NULL);
    CHECK(1, "NULL out pointers returned");
    /* A NULL out pointer with an index out of range: no crash either. */
    wpn_verifier_key_id(v, SIZE_MAX, NULL);
    wpn_certificates_get(certs, SIZE_MAX, NULL);
    wpn_v2_fields_get(fields, SIZE_MAX, NULL);
    wpn_diagnosis_get(d, SIZE_MAX, NULL);
    CHECK(1, "NULL out pointers out of range returned");

    wpn_v2_fields_free(fields);
    wpn_v2_verifier_free(v2);
    wpn_certificates_free(certs);
    json_decref(java);
    wpn_buffer_free(buf);
    json_decref(parsed);
    wpn_reply_free(reply);
    wpn_diagnosis_free(d);
    wpn_error_free(err);
    wpn_notification_free(n);
    wpn_verifier_free(v);
}

static void frees_of_null(void) {
    /* Every free function accepts NULL, any number of times. */
    for (int i = 0; i < 2; i++) {
        wpn_error_free(NULL);
        wpn_verifier_builder_free(NULL);
        wpn_verifier_free(NULL);
        wpn_notification_free(NULL);
        wpn_reply_free(NULL);
        wpn_buffer_free(NULL);
        wpn_certificates_free(NULL);
        wpn_diagnosis_free(NULL);
        wpn_v2_verifier_free(NULL);
        wpn_v2_fields_free(NULL);
        wpn_v2_refund_free(NULL);
    }
    CHECK(1, "frees of NULL returned");
}

static void zero_lengths(const sample_t *s) {
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "zero: verifier");
    wpn_notification *n = NULL;
    /* No headers at all (NULL, 0, NULL, 0): the first header check fails. */
    CHECK(wpn_verifier_parse(v, NULL, 0, NULL, 0, s->body.data, s->body.len, s->now, &n, NULL,
                             NULL) == WPN_MISSING_HEADER,
          "zero headers");
    /* No headers with non-NULL pointers (an empty buffer, a lengths array of 0 headers). */
    static const size_t no_lens[2] = {0, 0};
    CHECK(wpn_verifier_parse(v, U8(""), 0, no_lens, 0, s->body.data, s->body.len, s->now, &n,
                             NULL, NULL) == WPN_MISSING_HEADER,
          "zero headers, non-NULL pointers");
    /* An empty body (NULL, 0) with real headers: signed over a different body. */
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), NULL, 0, s->now, &n, NULL, NULL) ==
              WPN_SIGNATURE_MISMATCH,
          "zero body");
    CHECK(n == NULL, "zero body");
    /* Empty header names and values (a NULL buffer of 0 bytes, lengths all 0) are allowed and
     * match nothing. */
    static const size_t zeros[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(wpn_verifier_verify(v, NULL, 0, zeros, 4, s->body.data, s->body.len, s->now, NULL) ==
              WPN_MISSING_HEADER,
          "zero header buffers");
    header_item empty[4] = {{NULL, 0, NULL, 0}, {NULL, 0, NULL, 0}, {NULL, 0, NULL, 0},
                            {NULL, 0, NULL, 0}};
    headers_t packed = headers_pack(empty, 4);
    CHECK(packed.bytes_len == 0 && packed.count == 4, "zero header buffers packed");
    CHECK(wpn_verifier_verify(v, HEADERS(packed), s->body.data, s->body.len, s->now, NULL) ==
              WPN_MISSING_HEADER,
          "zero header buffers packed");
    headers_free(&packed);
    /* An empty value of a required header is MISSING_HEADER too. */
    header_item *items = headers_items(&s->headers);
    items_set_value(items, s->headers.count, "Wechatpay-Nonce", NULL, 0);
    packed = headers_pack(items, s->headers.count);
    CHECK(wpn_verifier_verify(v, HEADERS(packed), s->body.data, s->body.len, s->now, NULL) ==
              WPN_MISSING_HEADER,
          "zero nonce");
    headers_free(&packed);
    free(items);
    wpn_verifier_free(v);

    /* An empty APIv3 key is a configuration error at build. */
    wpn_verifier_builder *b = NULL;
    wpn_error *err = NULL;
    wpn_verifier_builder_new(&b, NULL);
    CHECK(wpn_verifier_builder_apiv3_key(b, NULL, 0, NULL) == WPN_OK, "zero key accepted");
    CHECK(wpn_verifier_builder_build(b, &v, &err) == WPN_CONFIG_INVALID && v == NULL,
          "zero key build");
    wpn_str m = message_of(err);
    CHECK(memmem(m.data, m.len, "32", 2) != NULL, "zero key message");
    wpn_error_free(err);
    err = NULL;
    /* A key but no WeChat Pay key at all. */
    wpn_verifier_builder_apiv3_key(b, U8("0123456789abcdef0123456789abcdef"), 32, NULL);
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_CONFIG_INVALID, "no keys");
    /* Empty public key PEM and empty certificate. */
    wpn_verifier_builder_public_key(b, U8("PUB_KEY_ID_1"), 12, NULL, 0, NULL);
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_CONFIG_INVALID, "empty pem");
    wpn_verifier_builder_free(b);

    wpn_v2_verifier *v2 = NULL;
    CHECK(wpn_v2_verifier_new(NULL, 0, 0, &v2, NULL) == WPN_CONFIG_INVALID && v2 == NULL,
          "zero v2 key");
    CHECK(wpn_v2_verifier_new(U8("0123456789abcdef0123456789abcdef"), 32, 0, &v2, NULL) ==
              WPN_OK,
          "v2 key");
    wpn_v2_fields *f = NULL;
    CHECK(wpn_v2_verifier_parse_payment(v2, NULL, 0, &f, NULL) == WPN_MALFORMED_BODY,
          "zero v2 body");
    wpn_v2_refund *r = NULL;
    CHECK(wpn_v2_verifier_parse_refund(v2, NULL, 0, &r, NULL) == WPN_MALFORMED_BODY,
          "zero v2 refund body");
    /* max_body_size: a body of exactly the limit is read, one byte more is BODY_TOO_LARGE. */
    wpn_v2_verifier *tiny = NULL;
    CHECK(wpn_v2_verifier_new(U8("0123456789abcdef0123456789abcdef"), 32, 10, &tiny, NULL) ==
              WPN_OK,
          "v2 limit");
    CHECK(wpn_v2_verifier_parse_payment(tiny, U8("<xml></xml>"), 11, &f, NULL) ==
              WPN_BODY_TOO_LARGE,
          "v2 limit applies");
    wpn_v2_verifier_free(tiny);
    tiny = NULL;
    CHECK(wpn_v2_verifier_new(U8("0123456789abcdef0123456789abcdef"), 32, 11, &tiny, NULL) ==
              WPN_OK,
          "v2 limit");
    CHECK(wpn_v2_verifier_parse_payment(tiny, U8("<xml></xml>"), 11, &f, NULL) ==
              WPN_RETURN_FAIL,
          "v2 body at the limit");
    wpn_v2_verifier_free(tiny);
    /* max_body_size 0 means WPN_V2_DEFAULT_MAX_BODY_SIZE (64 KiB), not "nothing". */
    CHECK(wpn_v2_verifier_parse_payment(v2, U8("<xml></xml>"), 11, &f, NULL) == WPN_RETURN_FAIL,
          "v2 default limit, small body");
    static const char pre[] = "<xml><return_code>FAIL</return_code><return_msg>";
    static const char post[] = "</return_msg></xml>";
    size_t big = WPN_V2_DEFAULT_MAX_BODY_SIZE + 1;
    uint8_t *xml = malloc(big);
    memset(xml, 'a', big);
    memcpy(xml, pre, sizeof pre - 1);
    memcpy(xml + big - (sizeof post - 1), post, sizeof post - 1);
    CHECK(wpn_v2_verifier_parse_payment(v2, xml, big, &f, NULL) == WPN_BODY_TOO_LARGE,
          "v2 default limit + 1");
    memcpy(xml + big - 1 - (sizeof post - 1), post, sizeof post - 1);
    CHECK(wpn_v2_verifier_parse_payment(v2, xml, big - 1, &f, NULL) == WPN_RETURN_FAIL,
          "v2 default limit");
    CHECK(f == NULL, "v2 fields NULL on failure");
    free(xml);
    wpn_v2_verifier_free(v2);

    wpn_buffer *buf = NULL;
    CHECK(wpn_decrypt_resource(NULL, 0, NULL, 0, NULL, 0, NULL, 0, &buf, NULL) ==
              WPN_CONFIG_INVALID,
          "zero decrypt_resource");
    CHECK(wpn_decrypt_resource(U8("0123456789abcdef0123456789abcdef"), 32, NULL, 0, NULL, 0,
                               NULL, 0, &buf, NULL) == WPN_MALFORMED_RESOURCE,
          "zero nonce");
    CHECK(buf == NULL, "zero decrypt_resource out");
    wpn_certificates *certs = NULL;
    CHECK(wpn_decrypt_certificates(U8("0123456789abcdef0123456789abcdef"), 32, NULL, 0, &certs,
                                   NULL) == WPN_MALFORMED_BODY,
          "zero certificate body");

    /* A zero-length message in a reply. */
    wpn_reply *reply = NULL;
    CHECK(wpn_reply_failure_message(503, NULL, 0, &reply, NULL) == WPN_OK, "zero message");
    wpn_http_response resp = response_of(reply);
    CHECK(resp.status == 503, "zero message status");
    CHECK(str_eq(resp.body, "{\"code\":\"FAIL\",\"message\":\"\"}", 28), "zero message body");
    wpn_reply_free(reply);
    uint32_t code = 5;
    CHECK(!wpn_error_code_from_name(NULL, 0, &code) && code == 5, "zero name");
    wpn_str found = {"x", 1};
    CHECK(!wpn_v2_fields_find(NULL, NULL, 0, &found) && found.data == NULL && found.len == 0,
          "zero find");
}

static void invalid_utf8(const sample_t *s) {
    static const uint8_t bad[] = {'P', 'U', 'B', 0xff, 0xfe, '_', 0xc3};
    wpn_verifier_builder *b = NULL;
    wpn_error *err = NULL;
    wpn_verifier_builder_new(&b, NULL);
    CHECK(wpn_verifier_builder_public_key(b, bad, sizeof bad, U8("x"), 1, &err) ==
              WPN_CONFIG_INVALID,
          "utf8 id");
    wpn_str m = message_of(err);
    CHECK(memmem(m.data, m.len, "UTF-8", 5) != NULL, "utf8 id message");
    wpn_error_free(err);
    wpn_verifier_builder_free(b);

    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "utf8 verifier");
    /* A header name that is not UTF-8 matches nothing. */
    header_item *items = headers_items(&s->headers);
    items[0].name = (const char *)bad;
    items[0].name_len = sizeof bad;
    headers_t packed = headers_pack(items, s->headers.count);
    CHECK(wpn_verifier_verify(v, HEADERS(packed), s->body.data, s->body.len, s->now, NULL) ==
              WPN_MISSING_HEADER,
          "utf8 header name");
    headers_free(&packed);
    free(items);
    /* A header value that is not UTF-8: a serial, nonce or signature that cannot match. */
    items = headers_items(&s->headers);
    items_set_value(items, s->headers.count, "Wechatpay-Signature", (const char *)bad,
                    sizeof bad);
    packed = headers_pack(items, s->headers.count);
    wpn_error *e2 = NULL;
    wpn_result rc = wpn_verifier_verify(v, HEADERS(packed), s->body.data, s->body.len, s->now,
                                        &e2);
    CHECK(rc == WPN_MALFORMED_SIGNATURE, "utf8 signature value");
    CHECK(message_of(e2).len > 0, "utf8 signature message");
    wpn_error_free(e2);
    headers_free(&packed);
    free(items);
    /* A body that is not UTF-8: the signature no longer matches. */
    uint8_t *body = malloc(s->body.len);
    memcpy(body, s->body.data, s->body.len);
    body[s->body.len / 2] = 0xff;
    wpn_notification *n = NULL;
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), body, s->body.len, s->now, &n, NULL,
                             NULL) == WPN_SIGNATURE_MISMATCH,
          "utf8 body");
    free(body);
    /* The diagnosis of a non-UTF-8 body reports the malformed body too. */
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose(v, NULL, 0, NULL, 0, bad, sizeof bad, s->now, &d, NULL) ==
              WPN_OK,
          "utf8 diagnose");
    CHECK(wpn_diagnosis_verdict(d) == WPN_MISSING_HEADER, "utf8 diagnose verdict");
    wpn_check step11 = check_of(d, 11);
    CHECK(step11.step == 11 && step11.status == WPN_CHECK_FAILED &&
              step11.code == WPN_MALFORMED_BODY,
          "utf8 diagnose step 11");
    wpn_diagnosis_free(d);
    wpn_verifier_free(v);

    /* v2: XML that is not UTF-8 is refused as a malformed body. */
    wpn_v2_verifier *v2 = NULL;
    wpn_v2_verifier_new(U8("0123456789abcdef0123456789abcdef"), 32, 0, &v2, NULL);
    static const uint8_t xml[] = "<xml><return_code>\xff\xfe</return_code></xml>";
    wpn_v2_fields *f = NULL;
    rc = wpn_v2_verifier_parse_payment(v2, xml, sizeof xml - 1, &f, NULL);
    CHECK(rc == WPN_MALFORMED_BODY || rc == WPN_RETURN_FAIL, "utf8 v2");
    CHECK(f == NULL, "utf8 v2");
    wpn_v2_verifier_free(v2);

    /* Reply messages: invalid bytes become U+FFFD. */
    wpn_reply *reply = NULL;
    CHECK(wpn_reply_failure_message(500, bad, sizeof bad, &reply, NULL) == WPN_OK, "utf8 reply");
    wpn_str body_text = response_of(reply).body;
    CHECK(memmem(body_text.data, body_text.len, "\xef\xbf\xbd", 3) != NULL, "utf8 reply U+FFFD");
    wpn_reply_free(reply);
    CHECK(wpn_reply_v2_failure(bad, sizeof bad, &reply, NULL) == WPN_OK, "utf8 v2 reply");
    body_text = response_of(reply).body;
    CHECK(memmem(body_text.data, body_text.len, "\xef\xbf\xbd", 3) != NULL, "utf8 v2 reply");
    wpn_reply_free(reply);
    uint32_t code = 3;
    CHECK(!wpn_error_code_from_name(bad, sizeof bad, &code) && code == 3, "utf8 code name");
}

/* The body of a reply as JSON: {"code":"FAIL","message":"<CODE>: <message>"}. */
/* A FAIL reply of status: its message is "<code_name>: <fixed text>", short, and never quotes
 * the error's detailed message (`detail`, when given): replies say nothing of the request or
 * the configuration (docs/replies.md). */
static void check_json_reply(const wpn_reply *reply, uint16_t status, const char *code_name,
                             wpn_str detail, const char *ctx) {
    wpn_http_response r = {0, {NULL, 0}, {NULL, 0}};
    CHECK(wpn_reply_response(reply, &r), ctx);
    CHECK(r.status == status, ctx);
    CHECK(str_eq(r.content_type, "application/json", 16), ctx);
    CHECK(r.body.len < 120, ctx);
    json_t *body = json_loadb(r.body.data ? r.body.data : "", r.body.len, 0, NULL);
    CHECK(json_is_object(body) && json_object_size(body) == 2, ctx);
    CHECK(str_eq_json((wpn_str){"FAIL", 4}, body, "code"), ctx);
    size_t len;
    const char *text = jstr(body, "message", &len);
    size_t name_len = strlen(code_name);
    CHECK(text != NULL && len > name_len + 2 && memcmp(text, code_name, name_len) == 0 &&
              memcmp(text + name_len, ": ", 2) == 0,
          ctx);
    if (text != NULL && detail.len > 0) {
        int quoted = 0;
        for (size_t i = 0; i + detail.len <= len; i++) {
            quoted |= memcmp(text + i, detail.data, detail.len) == 0;
        }
        CHECK(!quoted, ctx);
    }
    json_decref(body);
}

static void replies(const sample_t *s) {
    wpn_reply *r = NULL;
    wpn_error *err = (wpn_error *)&r;
    CHECK(wpn_reply_success(&r, &err) == WPN_OK && err == NULL, "success");
    wpn_http_response resp;
    memset(&resp, 0xa5, sizeof resp);
    CHECK(wpn_reply_response(r, &resp), "success response");
    CHECK(resp.status == 204, "success status");
    CHECK(resp.body.len == 0 && resp.body.data != NULL, "success body");
    CHECK(resp.content_type.data == NULL && resp.content_type.len == 0,
          "success content type is NULL");
    wpn_reply_free(r);

    CHECK(wpn_reply_for_result(WPN_OK, &r, NULL) == WPN_OK, "for_result OK");
    resp = response_of(r);
    CHECK(resp.status == 204 && resp.content_type.data == NULL && resp.body.len == 0,
          "for_result OK is 204");
    wpn_reply_free(r);
    CHECK(wpn_reply_for_result(WPN_SIGNATURE_MISMATCH, &r, NULL) == WPN_OK,
          "for_result");
    resp = response_of(r);
    CHECK(resp.status == 401, "for_result 401");
    CHECK(str_eq(resp.body,
                 "{\"code\":\"FAIL\",\"message\":\"SIGNATURE_MISMATCH: signature verification "
                 "failed\"}",
                 77),
          "for_result body: the code's fixed text");
    CHECK(str_eq(resp.content_type, "application/json", 16), "for_result content type");
    wpn_reply_free(r);
    CHECK(wpn_reply_for_result(WPN_DECRYPT_FAILED, &r, NULL) == WPN_OK, "500");
    CHECK(response_of(r).status == 500, "for_result 500");
    wpn_reply_free(r);
    CHECK(wpn_reply_for_result(WPN_PANIC, &r, NULL) == WPN_OK, "panic reply");
    resp = response_of(r);
    CHECK(resp.status == 500 &&
              str_eq(resp.body, "{\"code\":\"FAIL\",\"message\":\"PANIC: internal error\"}",
                     49),
          "panic reply");
    wpn_reply_free(r);
    /* The C-only codes and unknown values: 500, named (or UNKNOWN) in the message. */
    static const struct {
        uint32_t code;
        const char *name;
    } internal[] = {{WPN_NULL_ARGUMENT, "NULL_ARGUMENT"},
                    {WPN_PANIC, "PANIC"},
                    {WPN_INVALID_ARGUMENT, "INVALID_ARGUMENT"},
                    {20, "UNKNOWN"},
                    {999, "UNKNOWN"},
                    {4242, "UNKNOWN"},
                    {0xffffffffu, "UNKNOWN"}};
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++) {
        CHECK(wpn_reply_for_result(internal[i].code, &r, NULL) == WPN_OK,
              internal[i].name);
        check_json_reply(r, 500, internal[i].name, (wpn_str){"x", 1}, internal[i].name);
        wpn_reply_free(r);
    }
    /* Every core code: 401 for the authenticity family (steps 2-10 of docs/protocol.md), 500
     * for the others (docs/replies.md). */
    for (uint32_t c = WPN_BODY_TOO_LARGE; c <= WPN_UNEXPECTED_EVENT; c++) {
        const char *name = wpn_error_code_name(c);
        CHECK(wpn_reply_for_result(c, &r, NULL) == WPN_OK, name);
        uint16_t status = wpn_error_code_family(c) == WPN_FAMILY_AUTHENTICITY ? 401 : 500;
        CHECK(status == (c >= WPN_MISSING_HEADER && c <= WPN_SIGNATURE_MISMATCH ? 401 : 500),
              name);
        check_json_reply(r, status, name, (wpn_str){"why", 3}, name);
        wpn_reply_free(r);
    }

    /* Replies for real errors: the error's code and message. */
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "reply verifier");
    wpn_notification *n = NULL;
    err = NULL;
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len,
                             WPN_SYSTEM_CLOCK, &n, NULL, &err) == WPN_TIMESTAMP_SKEW,
          "reply: skew");
    CHECK(wpn_reply_for_error(err, &r, NULL) == WPN_OK, "reply for skew");
    check_json_reply(r, 401, "TIMESTAMP_SKEW", message_of(err), "reply for skew");
    wpn_reply_free(r);
    wpn_error_free(err);
    err = NULL;
    CHECK(wpn_verifier_parse(NULL, NULL, 0, NULL, 0, NULL, 0, s->now, &n, NULL, &err) ==
              WPN_NULL_ARGUMENT,
          "reply: NULL argument");
    CHECK(wpn_reply_for_error(err, &r, NULL) == WPN_OK, "reply for NULL argument");
    check_json_reply(r, 500, "NULL_ARGUMENT", message_of(err), "reply for NULL argument");
    wpn_reply_free(r);
    wpn_error_free(err);
    err = NULL;
    static const uint8_t one[1] = {'{'};
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), one, SIZE_MAX, s->now, &n, NULL, &err) ==
              WPN_INVALID_ARGUMENT,
          "reply: invalid argument");
    CHECK(wpn_reply_for_error(err, &r, NULL) == WPN_OK, "reply for invalid argument");
    check_json_reply(r, 500, "INVALID_ARGUMENT", message_of(err), "reply for invalid argument");
    wpn_reply_free(r);
    wpn_error_free(err);
    err = NULL;
    wpn_buffer *plain = NULL;
    CHECK(wpn_decrypt_resource(U8("0123456789abcdef0123456789abcdef"), 32, U8("0123456789ab"),
                               12, NULL, 0, U8("AAAAAAAAAAAAAAAAAAAAAA=="), 24, &plain,
                               &err) == WPN_DECRYPT_FAILED,
          "reply: decrypt failed");
    CHECK(wpn_reply_for_error(err, &r, NULL) == WPN_OK, "reply for decrypt failed");
    check_json_reply(r, 500, "DECRYPT_FAILED", message_of(err), "reply for decrypt failed");
    wpn_reply_free(r);
    wpn_error_free(err);
    wpn_verifier_free(v);

    CHECK(wpn_reply_v2_success(&r, NULL) == WPN_OK, "v2 success");
    resp = response_of(r);
    CHECK(resp.status == 200, "v2 success");
    const char *ok_xml = "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg>"
                         "<![CDATA[OK]]></return_msg></xml>";
    CHECK(str_eq(resp.body, ok_xml, strlen(ok_xml)), "v2 success body");
    CHECK(str_eq(resp.content_type, "application/xml", 15), "v2 content type");
    wpn_reply_free(r);
    CHECK(wpn_reply_v2_failure(U8("a]]>b"), 5, &r, NULL) == WPN_OK, "v2 failure");
    resp = response_of(r);
    wpn_str b = resp.body;
    CHECK(resp.status == 200 && memmem(b.data, b.len, "FAIL", 4) != NULL &&
              memmem(b.data, b.len, "a]]]]><![CDATA[>b", 17) != NULL,
          "v2 failure body");
    CHECK(str_eq(resp.content_type, "application/xml", 15), "v2 failure content type");
    wpn_reply_free(r);
}

static void codes_and_version(void) {
    /* Every code with its number and stable name (docs/errors.md, docs/c-abi.md). */
    static const struct {
        uint32_t code;
        const char *name;
        wpn_error_family family;
    } codes[] = {
        {WPN_OK, "OK", WPN_FAMILY_NONE},
        {WPN_BODY_TOO_LARGE, "BODY_TOO_LARGE", WPN_FAMILY_FORMAT},
        {WPN_WRONG_FORMAT, "WRONG_FORMAT", WPN_FAMILY_FORMAT},
        {WPN_MISSING_HEADER, "MISSING_HEADER", WPN_FAMILY_AUTHENTICITY},
        {WPN_UNSUPPORTED_SIGNATURE_TYPE, "UNSUPPORTED_SIGNATURE_TYPE", WPN_FAMILY_AUTHENTICITY},
        {WPN_BAD_TIMESTAMP, "BAD_TIMESTAMP", WPN_FAMILY_AUTHENTICITY},
        {WPN_TIMESTAMP_SKEW, "TIMESTAMP_SKEW", WPN_FAMILY_AUTHENTICITY},
        {WPN_SIGNATURE_PROBE, "SIGNATURE_PROBE", WPN_FAMILY_AUTHENTICITY},
        {WPN_UNKNOWN_SERIAL, "UNKNOWN_SERIAL", WPN_FAMILY_AUTHENTICITY},
        {WPN_KEY_EXPIRED, "KEY_EXPIRED", WPN_FAMILY_AUTHENTICITY},
        {WPN_MALFORMED_SIGNATURE, "MALFORMED_SIGNATURE", WPN_FAMILY_AUTHENTICITY},
        {WPN_SIGNATURE_MISMATCH, "SIGNATURE_MISMATCH", WPN_FAMILY_AUTHENTICITY},
        {WPN_MALFORMED_BODY, "MALFORMED_BODY", WPN_FAMILY_FORMAT},
        {WPN_MISSING_FIELD, "MISSING_FIELD", WPN_FAMILY_FORMAT},
        {WPN_RETURN_FAIL, "RETURN_FAIL", WPN_FAMILY_FORMAT},
        {WPN_UNSUPPORTED_ALGORITHM, "UNSUPPORTED_ALGORITHM", WPN_FAMILY_DECRYPTION},
        {WPN_MALFORMED_RESOURCE, "MALFORMED_RESOURCE", WPN_FAMILY_DECRYPTION},
        {WPN_DECRYPT_FAILED, "DECRYPT_FAILED", WPN_FAMILY_DECRYPTION},
        {WPN_CONFIG_INVALID, "CONFIG_INVALID", WPN_FAMILY_CONFIG},
        {WPN_UNEXPECTED_EVENT, "UNEXPECTED_EVENT", WPN_FAMILY_FORMAT},
        {WPN_NULL_ARGUMENT, "NULL_ARGUMENT", WPN_FAMILY_INTERNAL},
        {WPN_PANIC, "PANIC", WPN_FAMILY_INTERNAL},
        {WPN_INVALID_ARGUMENT, "INVALID_ARGUMENT", WPN_FAMILY_INTERNAL},
    };
    size_t n_codes = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n_codes; i++) {
        const char *name = codes[i].name;
        const char *got = wpn_error_code_name(codes[i].code);
        CHECK(got != NULL && strcmp(got, name) == 0, name);
        uint32_t back = 999;
        CHECK(wpn_error_code_from_name(U8(name), strlen(name), &back) && back == codes[i].code,
              name);
        CHECK(wpn_error_code_family(codes[i].code) == codes[i].family, name);
        /* Authenticity is exactly steps 2-10 of docs/protocol.md: codes 3-11. */
        CHECK((codes[i].family == WPN_FAMILY_AUTHENTICITY) ==
                  (codes[i].code >= 3 && codes[i].code <= 11),
              name);
    }
    /* The core codes are numbered 1-19 without gaps, the C-only ones from 1000. */
    for (uint32_t c = 1; c <= 19; c++) CHECK(codes[c].code == c, codes[c].name);
    CHECK(WPN_OK == 0 && WPN_UNEXPECTED_EVENT == 19 && WPN_NULL_ARGUMENT == 1000 &&
              WPN_PANIC == 1001 && WPN_INVALID_ARGUMENT == 1002,
          "values");
    CHECK(n_codes == 23, "every code listed");
    /* Any other value is UNKNOWN, of the internal family, and UNKNOWN is not a code's name. */
    static const uint32_t unknown[] = {20, 21, 100, 999, 1003, 0x7fffffffu, 0xffffffffu};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK(strcmp(wpn_error_code_name(unknown[i]), "UNKNOWN") == 0, "unknown name");
        CHECK(wpn_error_code_family(unknown[i]) == WPN_FAMILY_INTERNAL, "unknown family");
    }
    static const char *not_names[] = {"UNKNOWN", "", "ok", "decrypt_failed", "DECRYPT_FAILED ",
                                      "DECRYPT", "WPN_DECRYPT_FAILED", "1000"};
    for (size_t i = 0; i < sizeof not_names / sizeof not_names[0]; i++) {
        uint32_t code = 77;
        CHECK(!wpn_error_code_from_name(U8(not_names[i]), strlen(not_names[i]), &code) &&
                  code == 77,
              not_names[i]);
    }
    /* The name is `name_len` bytes, not NUL-terminated. */
    uint32_t code = 77;
    CHECK(wpn_error_code_from_name(U8("PANICKED"), 5, &code) && code == WPN_PANIC,
          "name by length");
    CHECK(WPN_SYSTEM_CLOCK == INT64_MIN, "WPN_SYSTEM_CLOCK");
    const char *version = wpn_version();
    CHECK(version != NULL && strlen(version) >= 5 && strchr(version, '.') != NULL, "version");
    /* The backend, and the one scripts/backend.sh chose when it is in the environment. */
    const char *backend = wpn_backend(), *want = getenv("WPN_BACKEND");
    CHECK(backend != NULL && (strcmp(backend, "ring") == 0 || strcmp(backend, "aws-lc") == 0) &&
              (want == NULL || *want == '\0' || strcmp(backend, want) == 0),
          "backend");
}

/* `now`: explicit Unix seconds, or WPN_SYSTEM_CLOCK (INT64_MIN) for the system clock. The
 * sample's timestamp is years old, so by the system clock it is outside the skew (step 5 of
 * docs/protocol.md) while the same call at the sample's own time succeeds. */
static void system_clock(const sample_t *s) {
    const headers_t h = s->headers;
    const uint8_t *body = s->body.data;
    size_t bl = s->body.len;
    int64_t wall = (int64_t)time(NULL);
    CHECK(wall - s->now > 365 * 86400, "the sample is more than a year old");

    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "clock verifier");
    wpn_notification *n = NULL;
    wpn_error *err = NULL;
    CHECK(wpn_verifier_parse(v, HEADERS(h), body, bl, s->now, &n, NULL, NULL) == WPN_OK &&
              n != NULL,
          "parse at the sample's time");
    wpn_notification_free(n);
    n = (wpn_notification *)&err; /* must be overwritten with NULL */
    CHECK(wpn_verifier_parse(v, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, &n, NULL, &err) ==
              WPN_TIMESTAMP_SKEW,
          "parse by the system clock");
    CHECK(n == NULL && wpn_error_code(err) == WPN_TIMESTAMP_SKEW, "parse by the system clock");
    wpn_error_free(err);
    err = NULL;
    CHECK(wpn_verifier_verify(v, HEADERS(h), body, bl, s->now, NULL) == WPN_OK,
          "verify at the sample's time");
    CHECK(wpn_verifier_verify(v, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, &err) ==
              WPN_TIMESTAMP_SKEW,
          "verify by the system clock");
    CHECK(wpn_error_code(err) == WPN_TIMESTAMP_SKEW && message_of(err).len > 0,
          "verify by the system clock");
    wpn_error_free(err);
    err = NULL;
    CHECK(wpn_verifier_verify_response(v, HEADERS(h), body, bl, s->now, NULL) == WPN_OK,
          "verify_response at the sample's time");
    CHECK(wpn_verifier_verify_response(v, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, NULL) ==
              WPN_TIMESTAMP_SKEW,
          "verify_response by the system clock");
    /* The system clock is today: an explicit `now` of today gives the same refusal. */
    CHECK(wpn_verifier_verify(v, HEADERS(h), body, bl, wall, NULL) == WPN_TIMESTAMP_SKEW,
          "verify at today's date");
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose(v, HEADERS(h), body, bl, s->now, &d, NULL) == WPN_OK,
          "diagnose at the sample's time");
    CHECK(wpn_diagnosis_verdict(d) == WPN_OK && wpn_diagnosis_notification(d) != NULL,
          "diagnose at the sample's time");
    CHECK(check_of(d, 5).status == WPN_CHECK_PASSED, "step 5 passed");
    wpn_diagnosis_free(d);
    d = NULL;
    CHECK(wpn_verifier_diagnose(v, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, &d, NULL) == WPN_OK,
          "diagnose by the system clock");
    CHECK(wpn_diagnosis_verdict(d) == WPN_TIMESTAMP_SKEW, "system clock diagnose verdict");
    CHECK(wpn_error_code(wpn_diagnosis_error(d)) == WPN_TIMESTAMP_SKEW &&
              wpn_diagnosis_notification(d) == NULL,
          "system clock diagnose verdict");
    wpn_check skew = check_of(d, 5);
    CHECK(skew.step == 5 && skew.status == WPN_CHECK_FAILED && skew.code == WPN_TIMESTAMP_SKEW,
          "step 5 failed");
    CHECK(check_of(d, 10).status == WPN_CHECK_PASSED, "signature still checked");
    wpn_diagnosis_free(d);
    /* Only INT64_MIN itself means the system clock: INT64_MIN + 1, INT64_MAX, 0 and -1 are
     * times, each far from the sample (and no overflow: a skew, never a panic). */
    static const int64_t far[] = {INT64_MIN + 1, INT64_MAX, 0, -1};
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
        CHECK(wpn_verifier_parse(v, HEADERS(h), body, bl, far[i], &n, NULL, NULL) ==
                  WPN_TIMESTAMP_SKEW,
              "far times");
        CHECK(wpn_verifier_verify(v, HEADERS(h), body, bl, far[i], NULL) == WPN_TIMESTAMP_SKEW,
              "far times");
    }
    wpn_verifier_free(v);

    /* With a skew of 100 years the system clock accepts the sample: WPN_SYSTEM_CLOCK reads the
     * clock (near the sample, in years), it is not INT64_MIN taken as a time. */
    wpn_verifier_builder *b = NULL;
    wpn_verifier_builder_new(&b, NULL);
    size_t key_len;
    const char *key = jstr(s->config, "apiv3_key", &key_len);
    wpn_verifier_builder_apiv3_key(b, U8(key), key_len, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(s->config, "public_keys"), i, item) {
        size_t il, pl;
        const char *id = jstr(item, "id", &il), *pem = jstr(item, "pem", &pl);
        wpn_verifier_builder_public_key(b, U8(id), il, U8(pem), pl, NULL);
    }
    json_array_foreach(json_object_get(s->config, "certificates"), i, item) {
        wpn_verifier_builder_platform_certificate(b, U8(json_string_value(item)),
                                                  json_string_length(item), NULL);
    }
    const uint64_t century = 100ull * 36525 * 864; /* 100 years of 365.25 days, in seconds */
    CHECK(wpn_verifier_builder_max_clock_skew(b, century, NULL) == WPN_OK, "century skew");
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK, "century verifier");
    CHECK(wpn_verifier_max_clock_skew(v) == (int64_t)century, "century skew");
    n = NULL;
    wpn_envelope e;
    POISON(e);
    CHECK(wpn_verifier_parse(v, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, &n, &e, NULL) == WPN_OK,
          "century: system clock accepted");
    CHECK(envelope_of(n).timestamp == s->now, "century: the verified timestamp");
    CHECK(e.timestamp == s->now, "century: the verified timestamp, filled by parse");
    wpn_notification_free(n);
    n = NULL;
    CHECK(wpn_verifier_verify(v, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, NULL) == WPN_OK,
          "century: verify");
    CHECK(wpn_verifier_verify_response(v, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, NULL) == WPN_OK,
          "century: verify_response");
    CHECK(wpn_verifier_verify(v, HEADERS(h), body, bl, 0, NULL) == WPN_OK, "century: 1970");
    CHECK(wpn_verifier_verify(v, HEADERS(h), body, bl, INT64_MIN + 1, NULL) == WPN_TIMESTAMP_SKEW,
          "century: INT64_MIN + 1 is a time");
    CHECK(wpn_verifier_verify(v, HEADERS(h), body, bl, INT64_MAX, NULL) == WPN_TIMESTAMP_SKEW,
          "century: INT64_MAX");
    d = NULL;
    CHECK(wpn_verifier_diagnose(v, HEADERS(h), body, bl, WPN_SYSTEM_CLOCK, &d, NULL) == WPN_OK &&
              wpn_diagnosis_verdict(d) == WPN_OK,
          "century: diagnose");
    wpn_diagnosis_free(d);
    wpn_verifier_free(v);
    wpn_verifier_builder_free(b);
}

static void builder_and_limits(const sample_t *s) {
    wpn_verifier_builder *b = NULL;
    wpn_verifier *v = NULL;
    wpn_verifier_builder_new(&b, NULL);
    size_t key_len;
    const char *key = jstr(s->config, "apiv3_key", &key_len);
    wpn_verifier_builder_apiv3_key(b, U8(key), key_len, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(s->config, "public_keys"), i, item) {
        size_t il, pl;
        const char *id = jstr(item, "id", &il), *pem = jstr(item, "pem", &pl);
        wpn_verifier_builder_public_key(b, U8(id), il, U8(pem), pl, NULL);
    }
    json_array_foreach(json_object_get(s->config, "certificates"), i, item) {
        wpn_verifier_builder_platform_certificate(b, U8(json_string_value(item)),
                                                  json_string_length(item), NULL);
    }
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK, "defaults");
    CHECK(wpn_verifier_max_clock_skew(v) == WPN_DEFAULT_MAX_CLOCK_SKEW, "default skew");
    CHECK(wpn_verifier_max_body_size(v) == WPN_DEFAULT_MAX_BODY_SIZE, "default size");
    CHECK(wpn_verifier_key_count(v) >= 1, "key count");
    wpn_verifier_free(v);
    /* The builder is reusable: change the limits and build again. */
    wpn_verifier_builder_max_clock_skew(b, 5, NULL);
    wpn_verifier_builder_max_body_size(b, 100, NULL);
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK, "rebuilt");
    CHECK(wpn_verifier_max_clock_skew(v) == 5 && wpn_verifier_max_body_size(v) == 100, "limits");
    wpn_notification *n = NULL;
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now, &n,
                             NULL, NULL) == WPN_BODY_TOO_LARGE,
          "size limit");
    wpn_verifier_free(v);
    wpn_verifier_builder_max_body_size(b, WPN_DEFAULT_MAX_BODY_SIZE, NULL);
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK, "rebuilt");
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now + 6, &n,
                             NULL, NULL) == WPN_TIMESTAMP_SKEW,
          "skew limit");
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now - 6, &n,
                             NULL, NULL) == WPN_TIMESTAMP_SKEW,
          "skew limit, ahead");
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now + 5, &n,
                             NULL, NULL) == WPN_OK,
          "inside skew");
    wpn_notification_free(n);
    n = NULL;
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now - 5, &n,
                             NULL, NULL) == WPN_OK,
          "inside skew, ahead");
    wpn_notification_free(n);
    wpn_verifier_free(v);
    /* A huge max_body_size is a limit, not a length: it builds. */
    CHECK(wpn_verifier_builder_max_body_size(b, SIZE_MAX, NULL) == WPN_OK, "SIZE_MAX limit");
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK &&
              wpn_verifier_max_body_size(v) == SIZE_MAX,
          "SIZE_MAX limit");
    wpn_verifier_free(v);
    wpn_verifier_builder_free(b);
}

/* ---- One call per callback (docs/c-abi.md): the packed headers and the envelope ---------- */

/* The same view: equal pointers and lengths. */
#define SAME_VIEW(a, b, field, ctx) \
    CHECK((a).field.data == (b).field.data && (a).field.len == (b).field.len, ctx)

/* wpn_verifier_parse fills the envelope with what wpn_notification_envelope gives for the
 * notification it returns: every field, the views pointer-equal (both borrow from it). */
static void parse_fills_the_envelope(const sample_t *s) {
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "filled envelope: verifier");
    wpn_notification *n = NULL;
    wpn_error *err = (wpn_error *)&n; /* must be overwritten with NULL */
    wpn_envelope filled, read;
    POISON(filled);
    POISON(read);
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now, &n,
                             &filled, &err) == WPN_OK &&
              n != NULL && err == NULL,
          "filled envelope: parse");
    CHECK(wpn_notification_envelope(n, &read), "filled envelope: accessor");
    CHECK(envelope_same(&filled, &read), "filled envelope: the accessor's");
    SAME_VIEW(filled, read, id, "filled envelope: id");
    SAME_VIEW(filled, read, create_time, "filled envelope: create_time");
    SAME_VIEW(filled, read, event_type, "filled envelope: event_type");
    SAME_VIEW(filled, read, resource_type, "filled envelope: resource_type");
    SAME_VIEW(filled, read, summary, "filled envelope: summary");
    SAME_VIEW(filled, read, original_type, "filled envelope: original_type");
    SAME_VIEW(filled, read, serial, "filled envelope: serial");
    SAME_VIEW(filled, read, plaintext, "filled envelope: plaintext");
    SAME_VIEW(filled, read, kind, "filled envelope: kind");
    SAME_VIEW(filled, read, mchid, "filled envelope: mchid");
    CHECK(filled.timestamp == read.timestamp, "filled envelope: timestamp");
    /* ... and they are the notification's values. */
    size_t serial_len;
    const char *serial = headers_find(&s->headers, "Wechatpay-Serial", &serial_len);
    CHECK(filled.id.len > 0 && filled.create_time.len > 0 && filled.event_type.len > 0 &&
              filled.resource_type.len > 0 && filled.original_type.len > 0 &&
              filled.plaintext.len > 0 && filled.kind.len > 0,
          "filled envelope: values");
    CHECK(str_eq(filled.serial, serial, serial_len), "filled envelope: the header's serial");
    CHECK(filled.timestamp == s->now, "filled envelope: the verified timestamp");
    /* Another parse of the same request: another notification, with views of its own. */
    wpn_notification *again = NULL;
    wpn_envelope second;
    POISON(second);
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now, &again,
                             &second, NULL) == WPN_OK,
          "filled envelope: second parse");
    CHECK(second.id.data != filled.id.data && second.plaintext.data != filled.plaintext.data,
          "filled envelope: borrows from its own notification");
    CHECK(str_eq(second.id, filled.id.data, filled.id.len) &&
              str_eq(second.plaintext, filled.plaintext.data, filled.plaintext.len) &&
              second.timestamp == filled.timestamp,
          "filled envelope: same values");
    wpn_envelope second_read = envelope_of(again);
    CHECK(envelope_same(&second, &second_read), "filled envelope: second accessor");
    wpn_notification_free(again);
    wpn_notification_free(n);
    wpn_verifier_free(v);
}

/* After a failed parse the envelope is the empty value (NULL views, zeros) and the
 * notification NULL, whatever failed: an argument, a header, the clock, the signature; also
 * when `envelope` held a previous parse's envelope. */
static void failed_parse_empties_the_envelope(const sample_t *s) {
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "empty envelope: verifier");
    const headers_t h = s->headers;
    uint8_t *tampered = malloc(s->body.len);
    memcpy(tampered, s->body.data, s->body.len);
    tampered[s->body.len / 2] ^= 1;
    header_item *items = headers_items(&h);
    items_set_value(items, h.count, "Wechatpay-Nonce", NULL, 0);
    headers_t no_nonce = headers_pack(items, h.count);
    free(items);
    for (int previous = 0; previous <= 1; previous++) {
        for (int k = 0; k < 7; k++) {
            wpn_notification *ok = NULL;
            wpn_envelope e;
            POISON(e);
            if (previous) {
                CHECK(wpn_verifier_parse(v, HEADERS(h), s->body.data, s->body.len, s->now, &ok,
                                         &e, NULL) == WPN_OK &&
                          e.id.data != NULL,
                      "empty envelope: a previous parse");
            }
            wpn_notification *n = (wpn_notification *)&e; /* must be overwritten with NULL */
            wpn_error *err = NULL;
            wpn_result rc, want;
            const char *ctx;
            switch (k) {
            case 0:
                ctx = "empty envelope: NULL verifier";
                want = WPN_NULL_ARGUMENT;
                rc = wpn_verifier_parse(NULL, HEADERS(h), s->body.data, s->body.len, s->now, &n,
                                        &e, &err);
                break;
            case 1:
                ctx = "empty envelope: NULL notification_out";
                want = WPN_NULL_ARGUMENT;
                n = NULL;
                rc = wpn_verifier_parse(v, HEADERS(h), s->body.data, s->body.len, s->now, NULL,
                                        &e, &err);
                break;
            case 2:
                ctx = "empty envelope: header_lens short of headers_len";
                want = WPN_INVALID_ARGUMENT;
                rc = wpn_verifier_parse(v, h.bytes, h.bytes_len, h.lens, h.count - 1,
                                        s->body.data, s->body.len, s->now, &n, &e, &err);
                break;
            case 3:
                ctx = "empty envelope: no headers";
                want = WPN_MISSING_HEADER;
                rc = wpn_verifier_parse(v, NULL, 0, NULL, 0, s->body.data, s->body.len, s->now,
                                        &n, &e, &err);
                break;
            case 4:
                ctx = "empty envelope: empty nonce";
                want = WPN_MISSING_HEADER;
                rc = wpn_verifier_parse(v, HEADERS(no_nonce), s->body.data, s->body.len, s->now,
                                        &n, &e, &err);
                break;
            case 5:
                ctx = "empty envelope: system clock";
                want = WPN_TIMESTAMP_SKEW;
                rc = wpn_verifier_parse(v, HEADERS(h), s->body.data, s->body.len,
                                        WPN_SYSTEM_CLOCK, &n, &e, &err);
                break;
            default:
                ctx = "empty envelope: tampered body";
                want = WPN_SIGNATURE_MISMATCH;
                rc = wpn_verifier_parse(v, HEADERS(h), tampered, s->body.len, s->now, &n, &e,
                                        &err);
                break;
            }
            CHECK(rc == want && wpn_error_code(err) == want, ctx);
            CHECK(n == NULL, ctx);
            CHECK(envelope_is_empty(&e), ctx);
            wpn_error_free(err);
            wpn_notification_free(ok);
        }
    }
    headers_free(&no_nonce);
    free(tampered);
    wpn_verifier_free(v);
}

/* envelope_out may be NULL: the notification alone (its envelope read later with
 * wpn_notification_envelope), and failures reported as usual. */
static void parse_without_envelope_out(const sample_t *s) {
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "no envelope_out: verifier");
    wpn_notification *n = NULL;
    wpn_error *err = NULL;
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now, &n,
                             NULL, &err) == WPN_OK &&
              n != NULL && err == NULL,
          "no envelope_out: parse");
    wpn_envelope e = envelope_of(n);
    CHECK(e.id.len > 0 && e.plaintext.len > 0 && e.timestamp == s->now,
          "no envelope_out: the envelope read later");
    wpn_notification_free(n);
    n = (wpn_notification *)&err;
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len,
                             WPN_SYSTEM_CLOCK, &n, NULL, &err) == WPN_TIMESTAMP_SKEW &&
              n == NULL && wpn_error_code(err) == WPN_TIMESTAMP_SKEW,
          "no envelope_out: a refusal");
    wpn_error_free(err);
    err = NULL;
    CHECK(wpn_verifier_parse(NULL, HEADERS(s->headers), s->body.data, s->body.len, s->now, &n,
                             NULL, &err) == WPN_NULL_ARGUMENT &&
              n == NULL,
          "no envelope_out: a NULL argument");
    wpn_error_free(err);
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now, NULL,
                             NULL, NULL) == WPN_NULL_ARGUMENT,
          "no envelope_out, no notification_out");
    wpn_verifier_free(v);
}

/* Parses, verifies and diagnoses packed items at the sample's time: the three must agree
 * (verify on steps 0-10, the diagnosis's verdict on all); returns parse's result. */
static wpn_result run_items(const wpn_verifier *v, const sample_t *s, const header_item *items,
                            size_t count, const char *ctx) {
    headers_t h = headers_pack(items, count);
    wpn_notification *n = NULL;
    wpn_envelope e;
    POISON(e);
    wpn_result rc = wpn_verifier_parse(v, HEADERS(h), s->body.data, s->body.len, s->now, &n, &e,
                                       NULL);
    if (rc == WPN_OK) {
        wpn_envelope read = envelope_of(n);
        CHECK(envelope_same(&e, &read) && e.timestamp == s->now, ctx);
    } else {
        CHECK(n == NULL && envelope_is_empty(&e), ctx);
    }
    wpn_notification_free(n);
    CHECK(wpn_verifier_verify(v, HEADERS(h), s->body.data, s->body.len, s->now, NULL) == rc, ctx);
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose(v, HEADERS(h), s->body.data, s->body.len, s->now, &d, NULL) ==
                  WPN_OK &&
              wpn_diagnosis_verdict(d) == rc,
          ctx);
    wpn_diagnosis_free(d);
    headers_free(&h);
    return rc;
}

/* Header names compare ASCII case-insensitively, exactly (no trimming), and the first of a
 * repeated name counts (whatever the case of either), through the packed form. */
static void header_case_and_repeats(const sample_t *s) {
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "header case: verifier");
    size_t count = s->headers.count;
    header_item *items = headers_items(&s->headers);
    header_item *edited = calloc(count + 1, sizeof *edited);
    char(*names)[64] = calloc(count, sizeof *names);
    CHECK(run_items(v, s, items, count, "header case: as sent") == WPN_OK, "header case");

    /* Lower case, upper case, alternating: the same callback. */
    static const char *styles[] = {"header case: lower", "header case: upper",
                                   "header case: alternating"};
    for (int style = 0; style < 3; style++) {
        for (size_t i = 0; i < count; i++) {
            size_t len = items[i].name_len < 63 ? items[i].name_len : 63;
            for (size_t c = 0; c < len; c++) {
                unsigned char ch = (unsigned char)items[i].name[c];
                int upper = style == 1 || (style == 2 && c % 2 == 0);
                if (upper && ch >= 'a' && ch <= 'z') ch = (unsigned char)(ch - 32);
                if (!upper && ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32);
                names[i][c] = (char)ch;
            }
            edited[i] = items[i];
            edited[i].name = names[i];
            edited[i].name_len = len;
        }
        CHECK(run_items(v, s, edited, count, styles[style]) == WPN_OK, styles[style]);
    }

    /* A repeated header: the first one counts, under another case too. */
    size_t sig_len;
    const char *sig = headers_find(&s->headers, "Wechatpay-Signature", &sig_len);
    CHECK(sig != NULL && sig_len > 4, "header repeats: the sample's signature");
    char *wrong_sig = malloc(sig_len);
    memcpy(wrong_sig, sig, sig_len);
    wrong_sig[0] = wrong_sig[0] == 'A' ? 'B' : 'A'; /* valid base64, another signature */
    static const struct {
        const char *name;
        const char *value;
        wpn_result first;
        const char *ctx;
    } repeats[] = {
        {"wechatpay-signature", NULL, WPN_SIGNATURE_MISMATCH, "header repeats: signature"},
        {"WECHATPAY-TIMESTAMP", "1", WPN_TIMESTAMP_SKEW, "header repeats: timestamp"},
        {"Wechatpay-serial", "PUB_KEY_ID_0000000000000000000000000000", WPN_UNKNOWN_SERIAL,
         "header repeats: serial"},
        {"wechatpay-NONCE", "", WPN_MISSING_HEADER, "header repeats: empty nonce"},
    };
    for (size_t r = 0; r < sizeof repeats / sizeof repeats[0]; r++) {
        const char *value = repeats[r].value ? repeats[r].value : wrong_sig;
        size_t value_len = repeats[r].value ? strlen(repeats[r].value) : sig_len;
        header_item dup = {repeats[r].name, strlen(repeats[r].name), value, value_len};
        /* First: it counts, the real one after it is ignored. */
        edited[0] = dup;
        memcpy(edited + 1, items, count * sizeof *items);
        CHECK(run_items(v, s, edited, count + 1, repeats[r].ctx) == repeats[r].first,
              repeats[r].ctx);
        /* Last: the real one counts. */
        memcpy(edited, items, count * sizeof *items);
        edited[count] = dup;
        CHECK(run_items(v, s, edited, count + 1, repeats[r].ctx) == WPN_OK, repeats[r].ctx);
    }

    /* Names match exactly, only the case may differ: a trailing space, an underscore or a
     * missing letter is another header. */
    static const char *near_names[] = {"Wechatpay-Nonce ", " Wechatpay-Nonce", "Wechatpay_Nonce",
                                       "Wechatpay-Nonc", "Wechatpay-Nonce\t"};
    for (size_t k = 0; k < sizeof near_names / sizeof near_names[0]; k++) {
        memcpy(edited, items, count * sizeof *items);
        for (size_t i = 0; i < count; i++)
            if (items[i].name_len == 15 && strncasecmp(items[i].name, "Wechatpay-Nonce", 15) == 0) {
                edited[i].name = near_names[k];
                edited[i].name_len = strlen(near_names[k]);
            }
        CHECK(run_items(v, s, edited, count, "header case: near name") == WPN_MISSING_HEADER,
              near_names[k]);
    }
    free(wrong_sig);
    free(names);
    free(edited);
    free(items);
    wpn_verifier_free(v);
}

/* A server passes the request's headers as it has them: other headers (Host, Content-Type, a
 * 200-byte cookie, an empty value, one named like a Wechatpay-* header) are passed too and
 * ignored, wherever they are; they never stand in for a missing one. */
static void extra_headers_ignored(const sample_t *s) {
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "extra headers: verifier");
    char cookie[200];
    memset(cookie, 'c', sizeof cookie);
    memcpy(cookie, "session=", 8);
    const header_item before[] = {{"Host", 4, "pay.example.com", 15},
                                  {"Content-Type", 12, "application/json", 16},
                                  {"Cookie", 6, cookie, sizeof cookie},
                                  {"X-Empty", 7, "", 0}};
    const header_item middle = {"Wechatpay-Serial-Extra", 22, "x", 1};
    const header_item after[] = {{"User-Agent", 10, "Mozilla/4.0", 11},
                                 {"Content-Length", 14, "1024", 4},
                                 {"Accept", 6, "*/*", 3}};
    size_t count = s->headers.count;
    header_item *items = headers_items(&s->headers);
    size_t n_before = sizeof before / sizeof before[0], n_after = sizeof after / sizeof after[0];
    size_t total = n_before + count + 1 + n_after;
    header_item *all = calloc(total, sizeof *all);
    size_t at = 0;
    for (size_t i = 0; i < n_before; i++) all[at++] = before[i];
    for (size_t i = 0; i < count; i++) {
        all[at++] = items[i];
        if (i == count / 2) all[at++] = middle;
    }
    for (size_t i = 0; i < n_after; i++) all[at++] = after[i];
    CHECK(at == total, "extra headers: list");
    headers_t h = headers_pack(all, total);
    CHECK(h.bytes_len > s->headers.bytes_len + 200, "extra headers: packed");

    wpn_notification *n = NULL, *plain = NULL;
    wpn_envelope e, reference;
    POISON(e);
    CHECK(wpn_verifier_parse(v, HEADERS(h), s->body.data, s->body.len, s->now, &n, &e, NULL) ==
              WPN_OK,
          "extra headers: parse");
    CHECK(wpn_verifier_parse(v, HEADERS(s->headers), s->body.data, s->body.len, s->now, &plain,
                             &reference, NULL) == WPN_OK,
          "extra headers: parse without them");
    CHECK(str_eq(e.id, reference.id.data, reference.id.len) &&
              str_eq(e.serial, reference.serial.data, reference.serial.len) &&
              str_eq(e.plaintext, reference.plaintext.data, reference.plaintext.len) &&
              e.timestamp == reference.timestamp,
          "extra headers: the same notification");
    wpn_notification_free(plain);
    wpn_notification_free(n);
    CHECK(wpn_verifier_verify(v, HEADERS(h), s->body.data, s->body.len, s->now, NULL) == WPN_OK,
          "extra headers: verify");
    CHECK(wpn_verifier_verify_response(v, HEADERS(h), s->body.data, s->body.len, s->now, NULL) ==
              WPN_OK,
          "extra headers: verify_response");
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose(v, HEADERS(h), s->body.data, s->body.len, s->now, &d, NULL) ==
                  WPN_OK &&
              wpn_diagnosis_verdict(d) == WPN_OK,
          "extra headers: diagnose");
    for (size_t i = 0; i < wpn_diagnosis_len(d); i++)
        CHECK(check_of(d, i).status == WPN_CHECK_PASSED, "extra headers: every check passed");
    wpn_diagnosis_free(d);
    headers_free(&h);

    /* The extras do not stand in for a required header. */
    at = 0;
    for (size_t i = 0; i < total; i++)
        if (!(all[i].name_len == 15 && strncasecmp(all[i].name, "Wechatpay-Nonce", 15) == 0))
            all[at++] = all[i];
    CHECK(at == total - 1, "extra headers: nonce removed");
    h = headers_pack(all, at);
    CHECK(wpn_verifier_parse(v, HEADERS(h), s->body.data, s->body.len, s->now, &n, NULL, NULL) ==
              WPN_MISSING_HEADER,
          "extra headers: no nonce");
    headers_free(&h);
    free(all);
    free(items);
    wpn_verifier_free(v);
}

/* The lengths must describe the header buffer exactly, else WPN_INVALID_ARGUMENT naming
 * header_lens (for parse, verify, verify_response and diagnose), nothing read: a count that
 * leaves bytes over, lengths past the buffer, an odd number of lengths (the count covers the
 * whole pairs only), lengths of an empty buffer, lengths whose sum wraps around to the
 * buffer's size. */
static void header_lens_must_add_up(const sample_t *s) {
    static const uint8_t two_serials[] = "Wechatpay-SerialAWechatpay-Serial";
    static const size_t odd[3] = {16, 1, 16};
    static const size_t one_each[2] = {1, 1};
    static const size_t wraps[2] = {SIZE_MAX, 2}; /* the sum wraps to 1 */
    const headers_t h = s->headers;
    struct {
        const uint8_t *bytes;
        size_t bytes_len;
        const size_t *lens;
        size_t count;
        const char *ctx;
    } cases[] = {
        {h.bytes, h.bytes_len, h.lens, h.count - 1, "header_lens: a header left over"},
        {h.bytes, h.bytes_len - 1, h.lens, h.count, "header_lens: past the buffer"},
        {two_serials, sizeof two_serials - 1, odd, 1, "header_lens: odd lengths"},
        {NULL, 0, one_each, 1, "header_lens: an empty buffer"},
        {U8("x"), 1, wraps, 1, "header_lens: a sum that wraps around"},
    };
    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "header_lens: verifier");
    const uint8_t *body = s->body.data;
    size_t bl = s->body.len;
    wpn_error *err = NULL;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const uint8_t *b = cases[k].bytes;
        size_t bn = cases[k].bytes_len, c = cases[k].count;
        const size_t *l = cases[k].lens;
        const char *ctx = cases[k].ctx;
        wpn_notification *n = (wpn_notification *)&err;
        wpn_envelope e;
        POISON(e);
        INVALID_CASE(wpn_verifier_parse(v, b, bn, l, c, body, bl, s->now, &n, &e, &err),
                     "header_lens", ctx);
        CHECK(n == NULL && envelope_is_empty(&e), ctx);
        INVALID_CASE(wpn_verifier_verify(v, b, bn, l, c, body, bl, s->now, &err), "header_lens",
                     ctx);
        INVALID_CASE(wpn_verifier_verify_response(v, b, bn, l, c, body, bl, s->now, &err),
                     "header_lens", ctx);
        wpn_diagnosis *d = (wpn_diagnosis *)&err;
        INVALID_CASE(wpn_verifier_diagnose(v, b, bn, l, c, body, bl, s->now, &d, &err),
                     "header_lens", ctx);
        CHECK(d == NULL, ctx);
        /* The message says what is wrong. */
        CHECK(wpn_verifier_verify(v, b, bn, l, c, body, bl, s->now, &err) ==
                      WPN_INVALID_ARGUMENT &&
                  memmem(message_of(err).data, message_of(err).len, "add up", 6) != NULL,
              ctx);
        wpn_error_free(err);
        err = NULL;
    }
    /* Lengths that are not aligned as size_t are refused, not read. */
    size_t aligned[5] = {0};
    const size_t *misaligned = (const size_t *)(const void *)((const char *)aligned + 1);
    wpn_error *merr = NULL;
    CHECK(wpn_verifier_verify(v, two_serials, sizeof two_serials - 1, misaligned, 2, body, bl,
                              s->now, &merr) == WPN_INVALID_ARGUMENT &&
              memmem(message_of(merr).data, message_of(merr).len, "aligned", 7) != NULL,
          "header_lens: misaligned");
    wpn_error_free(merr);
    /* The same pairs that do add up are fine: the two serials, the first one counts. */
    static const size_t even[4] = {16, 1, 16, 0};
    CHECK(wpn_verifier_verify(v, two_serials, sizeof two_serials - 1, even, 2, body, bl, s->now,
                              NULL) == WPN_MISSING_HEADER,
          "header_lens: adding up");
    wpn_verifier_free(v);
}

/* One notification from the kit: parse it with the kit's verifier; the code it gives. */
static wpn_result kit_parse(const wpn_kit *kit, const wpn_verifier *v, wpn_kit_request req,
                            const char *want_kind) {
    wpn_callback *cb = NULL;
    CHECK(wpn_kit_notification(kit, &req, &cb, NULL) == WPN_OK && cb != NULL, "kit notification");
    wpn_callback_parts p;
    CHECK(wpn_callback_contents(cb, &p) && p.headers_len == 6 && p.body.len > 0, "kit parts");
    /* The kit gives wpn_field pairs; the verifier takes them packed. */
    header_item items[8];
    size_t count = p.headers_len < 8 ? p.headers_len : 8;
    for (size_t i = 0; i < count; i++) {
        header_item item = {p.headers[i].name.data, p.headers[i].name.len,
                            p.headers[i].value.data, p.headers[i].value.len};
        items[i] = item;
    }
    headers_t h = headers_pack(items, count);
    wpn_notification *n = NULL;
    wpn_envelope filled;
    POISON(filled);
    wpn_result rc = wpn_verifier_parse(v, HEADERS(h), p.body.data, p.body.len, WPN_SYSTEM_CLOCK,
                                       &n, &filled, NULL);
    headers_free(&h);
    if (rc == WPN_OK) {
        wpn_envelope e = envelope_of(n);
        CHECK(envelope_same(&filled, &e), "kit envelope filled by parse");
        CHECK(str_eq(e.id, p.id.data, p.id.len), "kit id");
        if (want_kind) CHECK(str_eq(e.kind, want_kind, strlen(want_kind)), want_kind);
        if (want_kind && strcmp(want_kind, "unknown") != 0) {
            CHECK(wpn_event_decode((const uint8_t *)want_kind, strlen(want_kind),
                                   (const uint8_t *)e.kind.data, e.kind.len,
                                   (const uint8_t *)e.event_type.data, e.event_type.len,
                                   (const uint8_t *)e.plaintext.data, e.plaintext.len,
                                   WPN_FIELDS_TREE, NULL, NULL) == WPN_OK,
                  want_kind);
            /* The kind is the one parse decided and the caller passes back: "unknown", or a
             * name that is no catalog kind, is never the kind asked for. */
            static const char *not_kinds[] = {"unknown", "nonsense", ""};
            for (size_t i = 0; i < sizeof not_kinds / sizeof not_kinds[0]; i++) {
                CHECK(wpn_event_decode((const uint8_t *)want_kind, strlen(want_kind),
                                       (const uint8_t *)not_kinds[i], strlen(not_kinds[i]),
                                       (const uint8_t *)e.event_type.data, e.event_type.len,
                                       (const uint8_t *)e.plaintext.data, e.plaintext.len,
                                       WPN_FIELDS_TREE, NULL, NULL) == WPN_UNEXPECTED_EVENT,
                      "kit: the notification's kind is the caller's");
            }
        }
    } else {
        CHECK(n == NULL && envelope_is_empty(&filled), "kit: no envelope on failure");
    }
    wpn_notification_free(n);
    wpn_callback_free(cb);
    return rc;
}

/* The testing kit (docs/testing.md): every kind is accepted and typed, every failure refused
 * with its code, a certificate kit works, APIv2 callbacks verify, bad requests are refused. */
static void kit(void) {
    static const char *kinds[] = {"transaction", "partner_transaction", "combine_transaction",
                                  "refund", "partner_refund", "profit_sharing",
                                  "transfer_bill", "complaint"};
    static const struct { const char *name; wpn_result code; } failures[] = {
        {"probe", WPN_SIGNATURE_PROBE},       {"tampered_body", WPN_SIGNATURE_MISMATCH},
        {"stale_timestamp", WPN_TIMESTAMP_SKEW}, {"future_timestamp", WPN_TIMESTAMP_SKEW},
        {"other_apiv3_key", WPN_DECRYPT_FAILED}, {"unknown_serial", WPN_UNKNOWN_SERIAL},
        {"xml_body", WPN_WRONG_FORMAT},       {"reserialized", WPN_SIGNATURE_MISMATCH},
    };
    for (int certificate = 0; certificate <= 1; certificate++) {
        wpn_kit *kit = NULL;
        wpn_verifier *v = NULL;
        CHECK(wpn_kit_new(certificate, &kit, NULL) == WPN_OK, "kit");
        CHECK(wpn_kit_verifier(kit, &v, NULL) == WPN_OK, "kit verifier");
        wpn_kit_info info;
        CHECK(wpn_kit_describe(kit, &info), "kit describe");
        CHECK(info.apiv3_key.len == 32 && info.v2_key.len == 32 && info.public_key_pem.len > 0,
              "kit keys");
        CHECK((info.certificate_pem.data != NULL) == certificate, "kit certificate");
        CHECK(certificate || (info.key_id.len > 11 && memcmp(info.key_id.data, "PUB_KEY_ID_", 11) == 0),
              "kit key id");
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            wpn_kit_request req = {{kinds[i], strlen(kinds[i])}, {NULL, 0}, {NULL, 0}, {NULL, 0},
                                   {NULL, 0}, {NULL, 0}, WPN_SYSTEM_CLOCK, {NULL, 0}};
            CHECK(kit_parse(kit, v, req, kinds[i]) == WPN_OK, kinds[i]);
        }
        for (size_t i = 0; i < sizeof failures / sizeof failures[0]; i++) {
            wpn_kit_request req = {{"refund", 6}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0},
                                   {NULL, 0}, WPN_SYSTEM_CLOCK,
                                   {failures[i].name, strlen(failures[i].name)}};
            CHECK(kit_parse(kit, v, req, NULL) == failures[i].code, failures[i].name);
        }
        /* Overrides reach the resource; a custom callback is of kind unknown. */
        wpn_kit_request merged = {{"transaction", 11}, {NULL, 0}, {NULL, 0}, {NULL, 0},
                                  {"{\"amount\":{\"total\":7}}", 22}, {"EV-c", 4},
                                  WPN_SYSTEM_CLOCK, {NULL, 0}};
        CHECK(kit_parse(kit, v, merged, "transaction") == WPN_OK, "kit merge");
        wpn_kit_request custom = {{NULL, 0}, {"COUPON.USE", 10}, {"coupon", 6},
                                  {"{\"stock_id\":\"S\"}", 16}, {NULL, 0}, {NULL, 0},
                                  WPN_SYSTEM_CLOCK, {NULL, 0}};
        CHECK(kit_parse(kit, v, custom, "unknown") == WPN_OK, "kit custom");
        /* Requests the kit refuses. */
        wpn_callback *cb = NULL;
        wpn_kit_request bad = {{"coupon", 6}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0},
                               {NULL, 0}, WPN_SYSTEM_CLOCK, {NULL, 0}};
        CHECK(wpn_kit_notification(kit, &bad, &cb, NULL) == WPN_CONFIG_INVALID && cb == NULL,
              "kit unknown kind");
        bad.kind = (wpn_str){"refund", 6};
        bad.failure = (wpn_str){"nope", 4};
        CHECK(wpn_kit_notification(kit, &bad, &cb, NULL) == WPN_CONFIG_INVALID, "kit failure");
        bad.failure = (wpn_str){NULL, 0};
        bad.merge_json = (wpn_str){"{", 1};
        CHECK(wpn_kit_notification(kit, &bad, &cb, NULL) == WPN_CONFIG_INVALID, "kit json");
        CHECK(wpn_kit_notification(kit, NULL, &cb, NULL) == WPN_NULL_ARGUMENT, "kit NULL");
        /* A string field that is NULL with a length is WPN_NULL_ARGUMENT, as every input, not
         * absent (issue 21): only {NULL, 0} is absent. */
        bad.merge_json = (wpn_str){NULL, 0};
        wpn_str *fields[] = {&bad.kind,          &bad.event_type, &bad.original_type,
                             &bad.resource_json, &bad.merge_json, &bad.id,
                             &bad.failure};
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            wpn_kit_request one = {{"refund", 6}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0},
                                   {NULL, 0}, WPN_SYSTEM_CLOCK, {NULL, 0}};
            wpn_str *field = (wpn_str *)((char *)&one + ((char *)fields[i] - (char *)&bad));
            *field = (wpn_str){NULL, 4};
            wpn_error *null_err = NULL;
            CHECK(wpn_kit_notification(kit, &one, &cb, &null_err) == WPN_NULL_ARGUMENT &&
                      cb == NULL,
                  "kit field NULL with a length");
            wpn_error_free(null_err);
        }
        /* APIv2: payments (MD5, HMAC-SHA256) and refunds verify with the kit's APIv2 key. */
        wpn_v2_verifier *v2 = NULL;
        CHECK(wpn_v2_verifier_new((const uint8_t *)info.v2_key.data, info.v2_key.len, 0, &v2,
                                  NULL) == WPN_OK,
              "kit v2 verifier");
        for (int refund = 0; refund <= 1; refund++) {
            for (int hmac = 0; hmac <= 1; hmac++) {
                wpn_buffer *xml = NULL;
                wpn_str fields = refund ? (wpn_str){"{\"refund_fee\":\"3\"}", 18}
                                        : (wpn_str){"{\"total_fee\":\"9\"}", 17};
                CHECK(wpn_kit_v2_callback(kit, refund, hmac, fields, &xml, NULL) == WPN_OK,
                      "kit v2");
                wpn_slice x;
                CHECK(wpn_buffer_data(xml, &x), "kit v2 xml");
                if (refund) {
                    wpn_v2_refund *r = NULL;
                    CHECK(wpn_v2_verifier_parse_refund(v2, x.data, x.len, &r, NULL) == WPN_OK,
                          "kit v2 refund");
                    wpn_str fee;
                    CHECK(wpn_v2_fields_find(wpn_v2_refund_req_info(r), U8("refund_fee"), 10, &fee) &&
                              str_eq(fee, "3", 1),
                          "kit v2 refund fee");
                    wpn_v2_refund_free(r);
                } else {
                    wpn_v2_fields *f = NULL;
                    CHECK(wpn_v2_verifier_parse_payment(v2, x.data, x.len, &f, NULL) == WPN_OK,
                          "kit v2 payment");
                    wpn_str fee;
                    CHECK(wpn_v2_fields_find(f, U8("total_fee"), 9, &fee) && str_eq(fee, "9", 1),
                          "kit v2 fee");
                    wpn_v2_fields_free(f);
                }
                wpn_buffer_free(xml);
            }
        }
        wpn_v2_verifier_free(v2);
        wpn_verifier_free(v);
        wpn_kit_free(kit);
    }
    wpn_kit_info none;
    CHECK(!wpn_kit_describe(NULL, &none) && none.key_id.data == NULL, "kit describe NULL");
    wpn_kit_free(NULL);
    wpn_callback_free(NULL);
}

void suite_api(void) {
    kit();
    sample_t s = load_sample();
    null_arguments(&s);
    invalid_lengths(&s);
    accessors(&s);
    frees_of_null();
    zero_lengths(&s);
    invalid_utf8(&s);
    replies(&s);
    codes_and_version();
    system_clock(&s);
    builder_and_limits(&s);
    parse_fills_the_envelope(&s);
    failed_parse_empties_the_envelope(&s);
    parse_without_envelope_out(&s);
    header_case_and_repeats(&s);
    extra_headers_ignored(&s);
    header_lens_must_add_up(&s);
    free_sample(&s);
}
