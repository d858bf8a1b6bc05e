/* The C API's edges: NULL arguments, zero lengths, invalid UTF-8, frees of NULL, replies,
 * names and families of codes. */
#include "harness.h"

#include <stdlib.h>

#define U8(s) ((const uint8_t *)(s))

/* A valid notification from the vectors, for the tests that need one. */
typedef struct {
    json_t *root;
    const json_t *config;
    headers_t headers;
    bytes_t body;
    int64_t now;
} sample_t;

static sample_t load_sample(void) {
    sample_t s;
    s.root = load_vectors("notifications.json");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(s.root, "cases"), i, c) {
        if (strcmp(jstr(c, "type", NULL), "v3_parse") == 0 &&
            json_is_true(json_object_get(json_object_get(c, "expect"), "ok"))) {
            s.config = json_object_get(json_object_get(s.root, "verifiers"),
                                       jstr(c, "verifier", NULL));
            s.headers = headers_from_json(json_object_get(c, "headers"));
            s.body = hex_decode(jstr(c, "body_hex", NULL));
            s.now = json_integer_value(json_object_get(c, "now"));
            return s;
        }
    }
    fprintf(stderr, "no valid v3_parse case in the vectors\n");
    exit(2);
}

static void free_sample(sample_t *s) {
    headers_free(&s->headers);
    bytes_free(&s->body);
    json_decref(s->root);
}

/* A NULL-argument failure: the code, and an error naming the argument. */
static void check_null(wpn_result rc, wpn_error *err, const char *arg, const char *ctx) {
    CHECK(rc == WPN_NULL_ARGUMENT, ctx);
    CHECK(wpn_error_code(err) == WPN_NULL_ARGUMENT, ctx);
    wpn_str m = wpn_error_message(err);
    CHECK(m.data != NULL && memmem(m.data, m.len, arg, strlen(arg)) != NULL, ctx);
    CHECK(strcmp(wpn_error_name(err), "NULL_ARGUMENT") == 0, ctx);
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
    const wpn_header *h = s->headers.items;
    size_t hn = s->headers.len;
    const uint8_t *body = s->body.data;
    size_t bl = s->body.len;
    wpn_notification *n = (wpn_notification *)&err;

    NULL_CASE(wpn_verifier_parse_at(NULL, h, hn, body, bl, s->now, &n, &err), "verifier",
               "parse_at NULL verifier");
    CHECK(n == NULL, "out set to NULL on failure");
    NULL_CASE(wpn_verifier_parse_at(v, h, hn, body, bl, s->now, NULL, &err),
               "notification_out", "parse_at NULL out");
    NULL_CASE(wpn_verifier_parse_at(v, NULL, hn, body, bl, s->now, &n, &err), "headers",
               "parse_at NULL headers");
    NULL_CASE(wpn_verifier_parse_at(v, h, hn, NULL, bl, s->now, &n, &err), "body",
               "parse_at NULL body");
    NULL_CASE(wpn_verifier_parse(v, h, hn, NULL, bl, &n, &err), "body", "parse NULL body");
    wpn_header bad = {NULL, 5, U8("x"), 1};
    NULL_CASE(wpn_verifier_parse_at(v, &bad, 1, body, bl, s->now, &n, &err),
               "headers[].name", "parse_at NULL header name");
    bad.name = U8("Wechatpay-Nonce");
    bad.name_len = 15;
    bad.value = NULL;
    NULL_CASE(wpn_verifier_verify_at(v, &bad, 1, body, bl, s->now, &err),
               "headers[].value", "verify_at NULL header value");
    NULL_CASE(wpn_verifier_verify(NULL, h, hn, body, bl, &err), "verifier", "verify");
    NULL_CASE(wpn_verifier_verify_response(NULL, h, hn, body, bl, &err), "verifier",
               "verify_response");
    NULL_CASE(wpn_verifier_verify_response_at(v, h, hn, NULL, 1, 0, &err), "body",
               "verify_response_at");
    wpn_certificates *certs = NULL;
    NULL_CASE(wpn_verifier_decrypt_certificates(v, body, bl, NULL, &err),
               "certificates_out", "decrypt_certificates");
    NULL_CASE(wpn_decrypt_certificates(NULL, 32, body, bl, &certs, &err), "apiv3_key",
               "decrypt_certificates key");
    wpn_diagnosis *d = NULL;
    NULL_CASE(wpn_verifier_diagnose_at(v, h, hn, body, bl, 0, NULL, &err),
               "diagnosis_out", "diagnose_at");
    NULL_CASE(wpn_verifier_diagnose(NULL, h, hn, body, bl, &d, &err), "verifier",
               "diagnose");
    CHECK(d == NULL, "diagnose NULL");

    /* The error out-parameter is optional: the code alone comes back. */
    CHECK(wpn_verifier_parse_at(NULL, h, hn, body, bl, s->now, &n, NULL) == WPN_NULL_ARGUMENT,
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
    NULL_CASE(wpn_decrypt_resource(U8("k"), 1, U8("n"), 1, NULL, 0, U8("c"), 1, NULL, &err), "plaintext_out", "decrypt_resource out");
    NULL_CASE(wpn_decrypt_resource(U8("k"), 1, NULL, 12, NULL, 0, U8("c"), 1, &buf, &err),
               "nonce", "decrypt_resource nonce");
    wpn_v2_verifier *v2 = NULL;
    NULL_CASE(wpn_v2_verifier_new(NULL, 32, &v2, &err), "key", "v2 new");
    NULL_CASE(wpn_v2_verifier_new(U8("0123456789abcdef0123456789abcdef"), 32, NULL, &err),
               "verifier_out", "v2 new out");
    wpn_v2_fields *f = NULL;
    wpn_v2_refund *r = NULL;
    NULL_CASE(wpn_v2_verifier_parse_payment(NULL, U8("<xml/>"), 6, &f, &err), "verifier",
               "v2 payment");
    NULL_CASE(wpn_v2_verifier_parse_refund(NULL, U8("<xml/>"), 6, &r, &err), "verifier",
               "v2 refund");
    NULL_CASE(wpn_v2_verifier_with_max_body_size(NULL, 1, &v2, &err), "verifier",
               "v2 with_max_body_size");
    wpn_reply *reply = NULL;
    NULL_CASE(wpn_reply_success(NULL, &err), "reply_out", "reply_success");
    reply = (wpn_reply *)&err;
    NULL_CASE(wpn_reply_for_error(NULL, &reply, &err), "error", "reply_for_error");
    CHECK(reply == NULL, "reply out set to NULL on failure");
    NULL_CASE(wpn_reply_for_result(WPN_OK, NULL, 3, &reply, &err), "message",
               "reply_for_result");
    NULL_CASE(wpn_reply_failure_message(500, NULL, 1, &reply, &err), "message",
               "failure_message");
    NULL_CASE(wpn_reply_v2_success(NULL, &err), "reply_out", "v2_success");
    NULL_CASE(wpn_reply_v2_failure(NULL, 1, &reply, &err), "message", "v2_failure");
    NULL_CASE(wpn_verify_rsa_signature(NULL, 1, NULL, 0, NULL, 0, &err),
               "public_key_pem", "rsa");

    /* Accessors of a NULL handle give their documented empty results. */
    CHECK(wpn_notification_id(NULL).data == NULL && wpn_notification_id(NULL).len == 0, "id");
    CHECK(wpn_notification_plaintext(NULL).data == NULL, "plaintext");
    CHECK(wpn_notification_create_time(NULL).data == NULL, "create_time");
    CHECK(wpn_notification_event_type(NULL).data == NULL, "event_type");
    CHECK(wpn_notification_resource_type(NULL).data == NULL, "resource_type");
    CHECK(wpn_notification_summary(NULL).data == NULL, "summary");
    CHECK(wpn_notification_original_type(NULL).data == NULL, "original_type");
    CHECK(wpn_notification_serial(NULL).data == NULL, "serial");
    CHECK(wpn_notification_timestamp(NULL) == 0, "timestamp");
    CHECK(wpn_error_code(NULL) == WPN_NULL_ARGUMENT, "error_code");
    CHECK(wpn_error_message(NULL).data == NULL, "error_message");
    CHECK(strcmp(wpn_error_name(NULL), "NULL_ARGUMENT") == 0, "error_name");
    CHECK(wpn_verifier_key_count(NULL) == 0 && wpn_verifier_key_id(NULL, 0).data == NULL,
          "key ids");
    CHECK(wpn_verifier_max_clock_skew(NULL) == 0 && wpn_verifier_max_body_size(NULL) == 0,
          "limits");
    CHECK(wpn_certificates_len(NULL) == 0 && wpn_certificates_get(NULL, 0).pem.data == NULL,
          "certificates");
    CHECK(wpn_buffer_data(NULL).data == NULL, "buffer");
    CHECK(wpn_diagnosis_len(NULL) == 0 && wpn_diagnosis_get(NULL, 0).name.data == NULL,
          "diagnosis");
    CHECK(wpn_diagnosis_verdict(NULL) == WPN_NULL_ARGUMENT, "verdict");
    CHECK(wpn_diagnosis_error(NULL) == NULL && wpn_diagnosis_notification(NULL) == NULL,
          "diagnosis borrowed");
    CHECK(wpn_reply_status(NULL) == 0 && wpn_reply_body(NULL).data == NULL &&
              wpn_reply_content_type(NULL).data == NULL,
          "reply");
    CHECK(wpn_v2_fields_len(NULL) == 0 && wpn_v2_fields_get(NULL, 0).name.data == NULL,
          "v2 fields");
    CHECK(wpn_v2_fields_find(NULL, U8("a"), 1).data == NULL, "v2 find");
    CHECK(wpn_v2_refund_fields(NULL) == NULL && wpn_v2_refund_req_info(NULL) == NULL,
          "v2 refund");
    uint32_t code = 77;
    CHECK(!wpn_error_code_from_name(NULL, 3, &code) && code == 77, "from_name NULL");
    CHECK(!wpn_error_code_from_name(U8("OK"), 2, NULL), "from_name NULL out");

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
    /* No headers at all (NULL, 0): the first header check fails. */
    CHECK(wpn_verifier_parse_at(v, NULL, 0, s->body.data, s->body.len, s->now, &n, NULL) ==
              WPN_MISSING_HEADER,
          "zero headers");
    /* An empty body (NULL, 0) with real headers: signed over a different body. */
    CHECK(wpn_verifier_parse_at(v, s->headers.items, s->headers.len, NULL, 0, s->now, &n,
                                NULL) == WPN_SIGNATURE_MISMATCH,
          "zero body");
    CHECK(n == NULL, "zero body");
    /* Empty header names and values (NULL, 0) are allowed and match nothing. */
    wpn_header empty[4] = {{NULL, 0, NULL, 0}, {NULL, 0, NULL, 0}, {NULL, 0, NULL, 0},
                           {NULL, 0, NULL, 0}};
    CHECK(wpn_verifier_verify_at(v, empty, 4, s->body.data, s->body.len, s->now, NULL) ==
              WPN_MISSING_HEADER,
          "zero header buffers");
    /* An empty value of a required header is MISSING_HEADER too. */
    headers_t copy = s->headers;
    wpn_header *items = malloc(copy.len * sizeof *items);
    memcpy(items, copy.items, copy.len * sizeof *items);
    for (size_t i = 0; i < copy.len; i++)
        if (items[i].name_len == 15 && strncasecmp((const char *)items[i].name,
                                                   "Wechatpay-Nonce", 15) == 0) {
            items[i].value = NULL;
            items[i].value_len = 0;
        }
    CHECK(wpn_verifier_verify_at(v, items, copy.len, s->body.data, s->body.len, s->now, NULL) ==
              WPN_MISSING_HEADER,
          "zero nonce");
    free(items);
    wpn_verifier_free(v);

    /* An empty APIv3 key is a configuration error at build. */
    wpn_verifier_builder *b = NULL;
    wpn_error *err = NULL;
    wpn_verifier_builder_new(&b, NULL);
    CHECK(wpn_verifier_builder_apiv3_key(b, NULL, 0, NULL) == WPN_OK, "zero key accepted");
    CHECK(wpn_verifier_builder_build(b, &v, &err) == WPN_CONFIG_INVALID && v == NULL,
          "zero key build");
    wpn_str m = wpn_error_message(err);
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
    CHECK(wpn_v2_verifier_new(NULL, 0, &v2, NULL) == WPN_CONFIG_INVALID && v2 == NULL,
          "zero v2 key");
    CHECK(wpn_v2_verifier_new(U8("0123456789abcdef0123456789abcdef"), 32, &v2, NULL) == WPN_OK,
          "v2 key");
    wpn_v2_fields *f = NULL;
    CHECK(wpn_v2_verifier_parse_payment(v2, NULL, 0, &f, NULL) == WPN_MALFORMED_BODY,
          "zero v2 body");
    wpn_v2_refund *r = NULL;
    CHECK(wpn_v2_verifier_parse_refund(v2, NULL, 0, &r, NULL) == WPN_MALFORMED_BODY,
          "zero v2 refund body");
    /* A limit of 0 bytes refuses any non-empty body. */
    wpn_v2_verifier *tiny = NULL;
    CHECK(wpn_v2_verifier_with_max_body_size(v2, 0, &tiny, NULL) == WPN_OK, "v2 limit");
    CHECK(wpn_v2_verifier_parse_payment(tiny, U8("<xml></xml>"), 11, &f, NULL) ==
              WPN_BODY_TOO_LARGE,
          "v2 limit applies");
    CHECK(wpn_v2_verifier_parse_payment(v2, U8("<xml></xml>"), 11, &f, NULL) == WPN_RETURN_FAIL,
          "v2 original unchanged");
    wpn_v2_verifier_free(tiny);
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
    CHECK(wpn_reply_status(reply) == 503, "zero message status");
    CHECK(str_eq(wpn_reply_body(reply), "{\"code\":\"FAIL\",\"message\":\"\"}", 28),
          "zero message body");
    wpn_reply_free(reply);
    uint32_t code = 5;
    CHECK(!wpn_error_code_from_name(NULL, 0, &code) && code == 5, "zero name");
    CHECK(wpn_v2_fields_find(NULL, NULL, 0).data == NULL, "zero find");
}

static void invalid_utf8(const sample_t *s) {
    static const uint8_t bad[] = {'P', 'U', 'B', 0xff, 0xfe, '_', 0xc3};
    wpn_verifier_builder *b = NULL;
    wpn_error *err = NULL;
    wpn_verifier_builder_new(&b, NULL);
    CHECK(wpn_verifier_builder_public_key(b, bad, sizeof bad, U8("x"), 1, &err) ==
              WPN_CONFIG_INVALID,
          "utf8 id");
    wpn_str m = wpn_error_message(err);
    CHECK(memmem(m.data, m.len, "UTF-8", 5) != NULL, "utf8 id message");
    wpn_error_free(err);
    wpn_verifier_builder_free(b);

    wpn_verifier *v = NULL;
    CHECK(build_verifier(s->config, &v, NULL) == WPN_OK, "utf8 verifier");
    /* A header name that is not UTF-8 matches nothing. */
    wpn_header *items = malloc(s->headers.len * sizeof *items);
    memcpy(items, s->headers.items, s->headers.len * sizeof *items);
    items[0].name = bad;
    items[0].name_len = sizeof bad;
    CHECK(wpn_verifier_verify_at(v, items, s->headers.len, s->body.data, s->body.len, s->now,
                                 NULL) == WPN_MISSING_HEADER,
          "utf8 header name");
    /* A header value that is not UTF-8: a serial, nonce or signature that cannot match. */
    memcpy(items, s->headers.items, s->headers.len * sizeof *items);
    for (size_t i = 0; i < s->headers.len; i++)
        if (items[i].name_len == 19 &&
            strncasecmp((const char *)items[i].name, "Wechatpay-Signature", 19) == 0) {
            items[i].value = bad;
            items[i].value_len = sizeof bad;
        }
    wpn_error *e2 = NULL;
    wpn_result rc = wpn_verifier_verify_at(v, items, s->headers.len, s->body.data, s->body.len,
                                           s->now, &e2);
    CHECK(rc == WPN_MALFORMED_SIGNATURE, "utf8 signature value");
    CHECK(wpn_error_message(e2).len > 0, "utf8 signature message");
    wpn_error_free(e2);
    free(items);
    /* A body that is not UTF-8: the signature no longer matches. */
    uint8_t *body = malloc(s->body.len);
    memcpy(body, s->body.data, s->body.len);
    body[s->body.len / 2] = 0xff;
    wpn_notification *n = NULL;
    CHECK(wpn_verifier_parse_at(v, s->headers.items, s->headers.len, body, s->body.len, s->now,
                                &n, NULL) == WPN_SIGNATURE_MISMATCH,
          "utf8 body");
    free(body);
    /* The diagnosis of a non-UTF-8 body reports the malformed body too. */
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose_at(v, NULL, 0, bad, sizeof bad, s->now, &d, NULL) == WPN_OK,
          "utf8 diagnose");
    CHECK(wpn_diagnosis_verdict(d) == WPN_MISSING_HEADER, "utf8 diagnose verdict");
    wpn_check step11 = wpn_diagnosis_get(d, 11);
    CHECK(step11.step == 11 && step11.status == WPN_CHECK_FAILED &&
              step11.code == WPN_MALFORMED_BODY,
          "utf8 diagnose step 11");
    CHECK(wpn_diagnosis_get(d, 16).name.data == NULL, "diagnosis out of range");
    wpn_diagnosis_free(d);
    wpn_verifier_free(v);

    /* v2: XML that is not UTF-8 is refused as a malformed body. */
    wpn_v2_verifier *v2 = NULL;
    wpn_v2_verifier_new(U8("0123456789abcdef0123456789abcdef"), 32, &v2, NULL);
    static const uint8_t xml[] = "<xml><return_code>\xff\xfe</return_code></xml>";
    wpn_v2_fields *f = NULL;
    rc = wpn_v2_verifier_parse_payment(v2, xml, sizeof xml - 1, &f, NULL);
    CHECK(rc == WPN_MALFORMED_BODY || rc == WPN_RETURN_FAIL, "utf8 v2");
    CHECK(f == NULL, "utf8 v2");
    wpn_v2_verifier_free(v2);

    /* Reply messages: invalid bytes become U+FFFD. */
    wpn_reply *reply = NULL;
    CHECK(wpn_reply_failure_message(500, bad, sizeof bad, &reply, NULL) == WPN_OK, "utf8 reply");
    wpn_str body_text = wpn_reply_body(reply);
    CHECK(memmem(body_text.data, body_text.len, "\xef\xbf\xbd", 3) != NULL, "utf8 reply U+FFFD");
    wpn_reply_free(reply);
    CHECK(wpn_reply_v2_failure(bad, sizeof bad, &reply, NULL) == WPN_OK, "utf8 v2 reply");
    body_text = wpn_reply_body(reply);
    CHECK(memmem(body_text.data, body_text.len, "\xef\xbf\xbd", 3) != NULL, "utf8 v2 reply");
    wpn_reply_free(reply);
    uint32_t code = 3;
    CHECK(!wpn_error_code_from_name(bad, sizeof bad, &code) && code == 3, "utf8 code name");
}

static void replies(void) {
    wpn_reply *r = NULL;
    wpn_error *err = (wpn_error *)&r;
    CHECK(wpn_reply_success(&r, &err) == WPN_OK && err == NULL, "success");
    CHECK(wpn_reply_status(r) == 204, "success status");
    CHECK(wpn_reply_body(r).len == 0 && wpn_reply_body(r).data != NULL, "success body");
    CHECK(wpn_reply_content_type(r).data == NULL, "success content type");
    wpn_reply_free(r);

    CHECK(wpn_reply_for_result(WPN_OK, NULL, 0, &r, NULL) == WPN_OK, "for_result OK");
    CHECK(wpn_reply_status(r) == 204, "for_result OK");
    wpn_reply_free(r);
    CHECK(wpn_reply_for_result(WPN_SIGNATURE_MISMATCH, U8("bad \"sig\""), 9, &r, NULL) == WPN_OK,
          "for_result");
    CHECK(wpn_reply_status(r) == 401, "for_result 401");
    CHECK(str_eq(wpn_reply_body(r),
                 "{\"code\":\"FAIL\",\"message\":\"SIGNATURE_MISMATCH: bad \\\"sig\\\"\"}", 59),
          "for_result body");
    wpn_reply_free(r);
    CHECK(wpn_reply_for_result(WPN_DECRYPT_FAILED, U8("x"), 1, &r, NULL) == WPN_OK, "500");
    CHECK(wpn_reply_status(r) == 500, "for_result 500");
    wpn_reply_free(r);
    CHECK(wpn_reply_for_result(WPN_PANIC, U8("x"), 1, &r, NULL) == WPN_OK, "panic reply");
    CHECK(wpn_reply_status(r) == 500 && str_eq(wpn_reply_body(r),
                                               "{\"code\":\"FAIL\",\"message\":\"PANIC: x\"}", 36),
          "panic reply");
    wpn_reply_free(r);
    CHECK(wpn_reply_for_result(4242, U8("x"), 1, &r, NULL) == WPN_OK, "unknown reply");
    CHECK(wpn_reply_status(r) == 500, "unknown reply");
    wpn_reply_free(r);

    CHECK(wpn_reply_v2_success(&r, NULL) == WPN_OK, "v2 success");
    CHECK(wpn_reply_status(r) == 200, "v2 success");
    const char *ok_xml = "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg>"
                         "<![CDATA[OK]]></return_msg></xml>";
    CHECK(str_eq(wpn_reply_body(r), ok_xml, strlen(ok_xml)), "v2 success body");
    CHECK(str_eq(wpn_reply_content_type(r), "application/xml", 15), "v2 content type");
    wpn_reply_free(r);
    CHECK(wpn_reply_v2_failure(U8("a]]>b"), 5, &r, NULL) == WPN_OK, "v2 failure");
    wpn_str b = wpn_reply_body(r);
    CHECK(wpn_reply_status(r) == 200 && memmem(b.data, b.len, "FAIL", 4) != NULL &&
              memmem(b.data, b.len, "a]]]]><![CDATA[>b", 17) != NULL,
          "v2 failure body");
    wpn_reply_free(r);
}

static void codes_and_version(void) {
    static const char *names[] = {
        "OK", "BODY_TOO_LARGE", "WRONG_FORMAT", "MISSING_HEADER", "UNSUPPORTED_SIGNATURE_TYPE",
        "BAD_TIMESTAMP", "TIMESTAMP_SKEW", "SIGNATURE_PROBE", "UNKNOWN_SERIAL", "KEY_EXPIRED",
        "MALFORMED_SIGNATURE", "SIGNATURE_MISMATCH", "MALFORMED_BODY", "MISSING_FIELD",
        "RETURN_FAIL", "UNSUPPORTED_ALGORITHM", "MALFORMED_RESOURCE", "DECRYPT_FAILED",
        "CONFIG_INVALID", "NULL_ARGUMENT", "PANIC"};
    for (uint32_t c = 0; c <= WPN_PANIC; c++) {
        CHECK(strcmp(wpn_error_code_name(c), names[c]) == 0, names[c]);
        uint32_t back = 999;
        CHECK(wpn_error_code_from_name(U8(names[c]), strlen(names[c]), &back) && back == c,
              names[c]);
    }
    CHECK(WPN_CONFIG_INVALID == 18 && WPN_NULL_ARGUMENT == 19 && WPN_PANIC == 20, "values");
    CHECK(strcmp(wpn_error_code_name(21), "UNKNOWN") == 0, "unknown name");
    CHECK(strcmp(wpn_error_code_name(0xffffffffu), "UNKNOWN") == 0, "unknown name");
    CHECK(wpn_error_code_family(WPN_OK) == WPN_FAMILY_NONE, "family ok");
    CHECK(wpn_error_code_family(WPN_TIMESTAMP_SKEW) == WPN_FAMILY_AUTHENTICITY, "family auth");
    CHECK(wpn_error_code_family(WPN_MALFORMED_RESOURCE) == WPN_FAMILY_DECRYPTION, "family dec");
    CHECK(wpn_error_code_family(WPN_WRONG_FORMAT) == WPN_FAMILY_FORMAT, "family format");
    CHECK(wpn_error_code_family(WPN_CONFIG_INVALID) == WPN_FAMILY_CONFIG, "family config");
    CHECK(wpn_error_code_family(WPN_PANIC) == WPN_FAMILY_INTERNAL, "family internal");
    CHECK(wpn_error_code_family(1000) == WPN_FAMILY_INTERNAL, "family unknown");
    for (uint32_t c = 0; c <= WPN_PANIC + 1; c++)
        CHECK(wpn_error_code_is_authenticity(c) ==
                  (c >= WPN_MISSING_HEADER && c <= WPN_SIGNATURE_MISMATCH),
              "is_authenticity");
    const char *version = wpn_version();
    CHECK(version != NULL && strlen(version) >= 5 && strchr(version, '.') != NULL, "version");
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
    CHECK(wpn_verifier_parse_at(v, s->headers.items, s->headers.len, s->body.data, s->body.len,
                                s->now, &n, NULL) == WPN_BODY_TOO_LARGE,
          "size limit");
    wpn_verifier_free(v);
    wpn_verifier_builder_max_body_size(b, WPN_DEFAULT_MAX_BODY_SIZE, NULL);
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK, "rebuilt");
    CHECK(wpn_verifier_parse_at(v, s->headers.items, s->headers.len, s->body.data, s->body.len,
                                s->now + 6, &n, NULL) == WPN_TIMESTAMP_SKEW,
          "skew limit");
    CHECK(wpn_verifier_parse_at(v, s->headers.items, s->headers.len, s->body.data, s->body.len,
                                s->now + 5, &n, NULL) == WPN_OK,
          "inside skew");
    wpn_notification_free(n);
    n = NULL;
    /* By the system clock the vectors' timestamps (2023) are far outside the skew. */
    CHECK(wpn_verifier_parse(v, s->headers.items, s->headers.len, s->body.data, s->body.len, &n,
                             NULL) == WPN_TIMESTAMP_SKEW && n == NULL,
          "system clock parse");
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose(v, s->headers.items, s->headers.len, s->body.data, s->body.len,
                                &d, NULL) == WPN_OK,
          "system clock diagnose");
    CHECK(wpn_diagnosis_verdict(d) == WPN_TIMESTAMP_SKEW, "system clock diagnose verdict");
    wpn_check skew = wpn_diagnosis_get(d, 5);
    CHECK(skew.status == WPN_CHECK_FAILED && skew.code == WPN_TIMESTAMP_SKEW, "step 5 failed");
    CHECK(wpn_diagnosis_get(d, 10).status == WPN_CHECK_PASSED, "signature still checked");
    wpn_diagnosis_free(d);
    wpn_verifier_free(v);
    wpn_verifier_builder_free(b);
}

void suite_api(void) {
    sample_t s = load_sample();
    null_arguments(&s);
    frees_of_null();
    zero_lengths(&s);
    invalid_utf8(&s);
    replies();
    codes_and_version();
    builder_and_limits(&s);
    free_sample(&s);
}
