/* Every case of tests/vectors/notifications.json through the C API. */
#include "harness.h"

#include <stdlib.h>
#include <time.h>

/* The result code a case expects: WPN_OK, or the code named by expect.error. */
static uint32_t expected_code(const json_t *c) {
    size_t len;
    const char *name = jstr(json_object_get(c, "expect"), "error", &len);
    if (!name) return WPN_OK;
    uint32_t code = WPN_PANIC;
    if (!wpn_error_code_from_name((const uint8_t *)name, len, &code)) {
        fprintf(stderr, "unknown code %s in vectors\n", name);
        exit(2);
    }
    return code;
}

/* Checks a failure: the code, its stable name, a non-empty message, and the reply WeChat Pay
 * would get (docs/replies.md: 401 for the authenticity family, steps 2-10 of
 * docs/protocol.md; 500 otherwise). */
static void check_error(wpn_result rc, wpn_error *err, uint32_t want, const char *name) {
    CHECK(rc == want, name);
    if (rc == WPN_OK) return;
    CHECK(err != NULL, name);
    CHECK(wpn_error_code(err) == rc, name);
    const char *code_name = wpn_error_code_name(wpn_error_code(err));
    uint32_t back = WPN_OK;
    CHECK(wpn_error_code_from_name((const uint8_t *)code_name, strlen(code_name), &back) &&
              back == rc,
          name);
    wpn_str message = {NULL, 0};
    CHECK(wpn_error_message(err, &message) && message.data != NULL && message.len > 0, name);
    wpn_reply *reply = NULL;
    CHECK(wpn_reply_for_error(err, &reply, NULL) == WPN_OK, name);
    int authenticity = wpn_error_code_family(rc) == WPN_FAMILY_AUTHENTICITY;
    CHECK(authenticity == (rc >= WPN_MISSING_HEADER && rc <= WPN_SIGNATURE_MISMATCH), name);
    uint16_t status = authenticity ? 401 : 500;
    wpn_http_response response = {0, {NULL, 0}, {NULL, 0}};
    CHECK(wpn_reply_response(reply, &response), name);
    CHECK(response.status == status, name);
    wpn_str body = response.body;
    CHECK(body.len > 0 && memmem(body.data, body.len, "\"code\":\"FAIL\"", 13) != NULL, name);
    CHECK(memmem(body.data, body.len, code_name, strlen(code_name)) != NULL, name);
    CHECK(str_eq(response.content_type, "application/json", 16), name);
    wpn_reply_free(reply);
}

/* The Wechatpay-Timestamp header as a number, or -1 when absent. */
static int64_t header_timestamp(const headers_t *h) {
    size_t len;
    const char *value = headers_find(h, "Wechatpay-Timestamp", &len);
    if (!value) return -1;
    char ts[32] = {0};
    memcpy(ts, value, len < 31 ? len : 31);
    return strtoll(ts, NULL, 10);
}

/* Accepted cases whose timestamp is far from the system clock, checked with WPN_SYSTEM_CLOCK. */
static size_t system_clock_cases;

/* An accepted case at its own `now` is refused with TIMESTAMP_SKEW (step 5 of
 * docs/protocol.md) when `now` is WPN_SYSTEM_CLOCK: the vectors' timestamps are years old (or
 * in the future), so the system clock, not the vector's time, was used. */
static void system_clock_refuses(const wpn_verifier *v, const headers_t *h, const bytes_t *body,
                                 int64_t now, int verify_only, const char *name) {
    int64_t ts = header_timestamp(h);
    int64_t wall = (int64_t)time(NULL);
    int64_t distance = ts > wall ? ts - wall : wall - ts;
    if (ts < 0 || distance <= wpn_verifier_max_clock_skew(v) + 3600) return;
    system_clock_cases++;
    wpn_error *err = NULL;
    CHECK(wpn_verifier_verify(v, HEADERS(*h), body->data, body->len, now, NULL) == WPN_OK,
          name);
    CHECK(wpn_verifier_verify(v, HEADERS(*h), body->data, body->len, WPN_SYSTEM_CLOCK,
                              &err) == WPN_TIMESTAMP_SKEW,
          name);
    CHECK(wpn_error_code(err) == WPN_TIMESTAMP_SKEW && message_of(err).len > 0, name);
    wpn_error_free(err);
    CHECK(wpn_verifier_verify_response(v, HEADERS(*h), body->data, body->len, now, NULL) ==
              WPN_OK,
          name);
    CHECK(wpn_verifier_verify_response(v, HEADERS(*h), body->data, body->len,
                                       WPN_SYSTEM_CLOCK, NULL) == WPN_TIMESTAMP_SKEW,
          name);
    if (verify_only) return;
    wpn_notification *n = (wpn_notification *)&err; /* must be overwritten with NULL */
    err = NULL;
    wpn_envelope pe;
    memset(&pe, 0xa5, sizeof pe); /* must be overwritten with the empty value */
    CHECK(wpn_verifier_parse(v, HEADERS(*h), body->data, body->len, WPN_SYSTEM_CLOCK, &n, &pe,
                             &err) == WPN_TIMESTAMP_SKEW,
          name);
    CHECK(n == NULL && wpn_error_code(err) == WPN_TIMESTAMP_SKEW, name);
    CHECK(envelope_is_empty(&pe), name);
    wpn_error_free(err);
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose(v, HEADERS(*h), body->data, body->len, WPN_SYSTEM_CLOCK, &d,
                                NULL) == WPN_OK,
          name);
    CHECK(wpn_diagnosis_verdict(d) == WPN_TIMESTAMP_SKEW, name);
    wpn_check step5 = check_of(d, 5);
    CHECK(step5.step == 5 && step5.status == WPN_CHECK_FAILED && step5.code == WPN_TIMESTAMP_SKEW,
          name);
    wpn_diagnosis_free(d);
}

/* wpn_event_decode for every kind an event_ case names (tests/vectors/README.md): the code,
 * the message, and for the notification's own kind a value tree that starts with an object. */
static void check_events(const wpn_envelope *env, const json_t *e, const char *name) {
    const json_t *events = json_object_get(e, "events");
    const char *kind;
    json_t *want;
    json_object_foreach((json_t *)events, kind, want) {
        const char *w = json_string_value(want);
        uint32_t code = WPN_OK;
        if (strcmp(w, "ok") != 0) {
            CHECK(wpn_error_code_from_name((const uint8_t *)w, strlen(w), &code), name);
        }
        wpn_buffer *tree = (wpn_buffer *)&code; /* must be overwritten */
        wpn_error *err = NULL;
        wpn_result rc = wpn_event_decode(
            (const uint8_t *)kind, strlen(kind), (const uint8_t *)env->kind.data,
            env->kind.len, (const uint8_t *)env->event_type.data, env->event_type.len,
            (const uint8_t *)env->plaintext.data, env->plaintext.len, WPN_FIELDS_TREE, &tree, &err);
        CHECK(rc == code, name);
        if (rc == WPN_OK) {
            wpn_slice data;
            CHECK(tree != NULL && wpn_buffer_data(tree, &data) && data.len > 5 && data.data[0] == 'o',
                  name);
            /* Validation alone, without the tree, gives the same answer. */
            CHECK(wpn_event_decode((const uint8_t *)kind, strlen(kind),
                                   (const uint8_t *)env->kind.data, env->kind.len,
                                   (const uint8_t *)env->event_type.data,
                                   env->event_type.len, (const uint8_t *)env->plaintext.data,
                                   env->plaintext.len, WPN_FIELDS_TREE, NULL, NULL) == WPN_OK,
                  name);
            /* The same fields as JSON: an object holding the catalog's fields only. */
            wpn_buffer *json = NULL;
            CHECK(wpn_event_decode((const uint8_t *)kind, strlen(kind),
                                   (const uint8_t *)env->kind.data, env->kind.len,
                                   (const uint8_t *)env->event_type.data,
                                   env->event_type.len, (const uint8_t *)env->plaintext.data,
                                   env->plaintext.len, WPN_FIELDS_JSON, &json, NULL) == WPN_OK,
                  name);
            wpn_slice text;
            CHECK(wpn_buffer_data(json, &text) && text.len > 2 && text.data[0] == '{', name);
            json_error_t jerr;
            json_t *parsed = json_loadb((const char *)text.data, text.len, 0, &jerr);
            CHECK(json_is_object(parsed), name);
            json_decref(parsed);
            wpn_buffer_free(json);
            /* A format the function does not define is refused, whatever the resource. */
            CHECK(wpn_event_decode((const uint8_t *)kind, strlen(kind),
                                   (const uint8_t *)env->kind.data, env->kind.len,
                                   (const uint8_t *)env->event_type.data,
                                   env->event_type.len, (const uint8_t *)env->plaintext.data,
                                   env->plaintext.len, 7, &json, NULL) == WPN_INVALID_ARGUMENT &&
                      json == NULL,
                  name);
        } else {
            CHECK(tree == NULL && wpn_error_code(err) == rc, name);
            wpn_str m = message_of(err);
            const char *contains = jstr(e, "event_error_contains", NULL);
            const char *excludes = jstr(e, "event_error_excludes", NULL);
            if (str_eq(env->kind, kind, strlen(kind))) {
                if (contains) CHECK(memmem(m.data, m.len, contains, strlen(contains)) != NULL, name);
                if (excludes) CHECK(memmem(m.data, m.len, excludes, strlen(excludes)) == NULL, name);
            } else {
                CHECK(memmem(m.data, m.len, env->event_type.data, env->event_type.len) != NULL, name);
            }
        }
        wpn_buffer_free(tree);
        wpn_error_free(err);
    }
}

static void run_v3(const json_t *c, wpn_verifier *v, const char *name, int verify_only) {
    headers_t h = headers_from_json(json_object_get(c, "headers"));
    bytes_t body = hex_decode(jstr(c, "body_hex", NULL));
    int64_t now = json_integer_value(json_object_get(c, "now"));
    uint32_t want = expected_code(c);
    wpn_error *err = NULL;

    wpn_result vrc = wpn_verifier_verify(v, HEADERS(h), body.data, body.len, now, &err);
    if (want == WPN_OK) system_clock_refuses(v, &h, &body, now, verify_only, name);
    if (verify_only) {
        check_error(vrc, err, want, name);
        wpn_error_free(err);
        goto done;
    }
    wpn_error_free(err);
    err = NULL;

    wpn_notification *n = (wpn_notification *)&err; /* must be overwritten with NULL */
    wpn_envelope pe; /* filled by the same call: the envelope, or the empty value */
    memset(&pe, 0xa5, sizeof pe);
    wpn_result rc = wpn_verifier_parse(v, HEADERS(h), body.data, body.len, now, &n, &pe, &err);
    check_error(rc, err, want, name);
    /* Substrings the message must hold (e.g. the serials of every merchant). */
    if (rc != WPN_OK) {
        wpn_str m = message_of(err);
        size_t k;
        json_t *part;
        json_array_foreach(json_object_get(json_object_get(c, "expect"), "message_contains"), k,
                           part) {
            CHECK(memmem(m.data, m.len, json_string_value(part), json_string_length(part)) !=
                      NULL,
                  name);
        }
    }
    /* Steps 0-10 agree: an authenticity (or format) failure of parse is the same for verify. */
    if (rc == WPN_OK)
        CHECK(vrc == WPN_OK, name);
    else if (wpn_error_code_family(rc) == WPN_FAMILY_AUTHENTICITY || rc == WPN_WRONG_FORMAT ||
             rc == WPN_BODY_TOO_LARGE)
        CHECK(vrc == rc, name);

    if (rc == WPN_OK) {
        const json_t *e = json_object_get(c, "expect");
        CHECK(err == NULL, name);
        CHECK(json_is_true(json_object_get(e, "ok")), name);
        wpn_envelope env;
        memset(&env, 0, sizeof env);
        CHECK(wpn_notification_envelope(n, &env), name);
        /* The envelope parse filled is the accessor's, view for view. */
        CHECK(envelope_same(&pe, &env), name);
        CHECK(str_eq_json(env.id, e, "id"), name);
        CHECK(str_eq_json(env.create_time, e, "create_time"), name);
        CHECK(str_eq_json(env.event_type, e, "event_type"), name);
        CHECK(str_eq_json(env.resource_type, e, "resource_type"), name);
        CHECK(str_eq_json(env.summary, e, "summary"), name);
        CHECK(str_eq_json(env.original_type, e, "original_type"), name);
        CHECK(str_eq_json(env.plaintext, e, "plaintext"), name);
        CHECK(env.serial.data != NULL && env.serial.len > 0, name);
        /* The verified timestamp is the header's. */
        CHECK(env.timestamp == header_timestamp(&h), name);
        CHECK(str_eq_json(env.kind, e, "kind"), name);
        /* The merchant (docs/merchants.md): none for a single-merchant verifier. */
        if (json_is_string(json_object_get(e, "mchid")))
            CHECK(str_eq_json(env.mchid, e, "mchid"), name);
        else
            CHECK(env.mchid.data == NULL && env.mchid.len == 0, name);
        check_events(&env, e, name);
    } else {
        CHECK(n == NULL, name);
        CHECK(envelope_is_empty(&pe), name);
    }

    /* The diagnosis gives the same verdict and shows the failing check. */
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose(v, HEADERS(h), body.data, body.len, now, &d, NULL) == WPN_OK,
          name);
    CHECK(wpn_diagnosis_verdict(d) == rc, name);
    CHECK(wpn_diagnosis_len(d) == 16, name);
    int failed_with_verdict = 0, failures = 0;
    for (size_t i = 0; i < wpn_diagnosis_len(d); i++) {
        wpn_check k;
        memset(&k, 0, sizeof k);
        CHECK(wpn_diagnosis_get(d, i, &k), name);
        CHECK(k.step == i && k.name.data != NULL && k.name.len > 0, name);
        if (k.status == WPN_CHECK_FAILED) {
            failures++;
            failed_with_verdict |= k.code == rc;
            CHECK(k.message.len > 0, name);
        } else {
            CHECK(k.code == WPN_OK, name);
        }
    }
    CHECK(rc == WPN_OK ? failures == 0 : failed_with_verdict, name);
    if (rc == WPN_OK) {
        const wpn_notification *dn = wpn_diagnosis_notification(d);
        CHECK(dn != NULL && wpn_diagnosis_error(d) == NULL, name);
        wpn_envelope a = envelope_of(dn), b = envelope_of(n);
        CHECK(str_eq(a.id, b.id.data, b.id.len), name);
        CHECK(str_eq(a.plaintext, b.plaintext.data, b.plaintext.len), name);
        CHECK(a.timestamp == b.timestamp, name);
    } else {
        CHECK(wpn_diagnosis_notification(d) == NULL, name);
        CHECK(wpn_error_code(wpn_diagnosis_error(d)) == rc, name);
    }
    wpn_diagnosis_free(d);
    wpn_notification_free(n);
    wpn_error_free(err);
done:
    bytes_free(&body);
    headers_free(&h);
}

/* Fields equal to a JSON object of strings: same count, same values. */
static void check_fields(const wpn_v2_fields *f, const json_t *expected, const char *name) {
    CHECK(wpn_v2_fields_len(f) == json_object_size(expected), name);
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)expected, key, value) {
        wpn_str got = {NULL, 0};
        CHECK(wpn_v2_fields_find(f, (const uint8_t *)key, strlen(key), &got), name);
        CHECK(str_eq(got, json_string_value(value), json_string_length(value)), name);
    }
    /* Listed in byte order of names, each one findable. */
    for (size_t i = 0; i + 1 < wpn_v2_fields_len(f); i++) {
        wpn_field a, b;
        CHECK(wpn_v2_fields_get(f, i, &a) && wpn_v2_fields_get(f, i + 1, &b), name);
        size_t m = a.name.len < b.name.len ? a.name.len : b.name.len;
        int cmp = memcmp(a.name.data, b.name.data, m);
        CHECK(cmp < 0 || (cmp == 0 && a.name.len < b.name.len), name);
    }
}

/* wpn_v2_verifier_diagnose: 7 checks for a payment, 6 for a refund (a body with req_info);
 * the first failed check is the verdict, which is parse's result when the body was checked
 * as the case's kind; no check fails when the verdict is WPN_OK. */
static void check_v2_diagnosis(const wpn_v2_verifier *v, const bytes_t *body, const char *type,
                               uint32_t want, const char *name) {
    wpn_diagnosis *d = NULL;
    CHECK(wpn_v2_verifier_diagnose(v, body->data, body->len, &d, NULL) == WPN_OK && d != NULL,
          name);
    size_t n = wpn_diagnosis_len(d);
    CHECK(n == 6 || n == 7, name);
    uint32_t verdict = wpn_diagnosis_verdict(d);
    uint32_t first_failed = WPN_OK;
    for (size_t i = 0; i < n; i++) {
        wpn_check c = check_of(d, i);
        CHECK(c.step == i && c.name.len > 0, name);
        if (c.status == WPN_CHECK_FAILED && first_failed == WPN_OK) {
            first_failed = c.code;
        }
    }
    CHECK(first_failed == verdict, name);
    int as_refund = n == 6, is_refund = strcmp(type, "v2_refund") == 0;
    if (as_refund == is_refund) {
        CHECK(verdict == want, name);
    }
    CHECK(wpn_diagnosis_notification(d) == NULL, name);
    CHECK((wpn_diagnosis_error(d) == NULL) == (verdict == WPN_OK), name);
    wpn_diagnosis_free(d);
}

/* An APIv2 case (docs/apiv2.md): a payment result or a refund result. */
static void run_v2(const json_t *c, const char *key, const char *name) {
    wpn_v2_verifier *v = NULL;
    CHECK(wpn_v2_verifier_new((const uint8_t *)key, strlen(key), 0, &v, NULL) == WPN_OK, name);
    bytes_t body = hex_decode(jstr(c, "body_hex", NULL));
    uint32_t want = expected_code(c);
    const json_t *e = json_object_get(c, "expect");
    wpn_error *err = NULL;
    const char *type = jstr(c, "type", NULL);
    if (strcmp(type, "v2_payment") == 0) {
        wpn_v2_fields *f = NULL;
        wpn_result rc = wpn_v2_verifier_parse_payment(v, body.data, body.len, &f, &err);
        CHECK(rc == want, name);
        if (rc == WPN_OK) {
            check_fields(f, json_object_get(e, "fields"), name);
        } else {
            CHECK(f == NULL && wpn_error_code(err) == rc && message_of(err).len > 0, name);
        }
        wpn_v2_fields_free(f);
    } else {
        wpn_v2_refund *r = NULL;
        wpn_result rc = wpn_v2_verifier_parse_refund(v, body.data, body.len, &r, &err);
        CHECK(rc == want, name);
        if (rc == WPN_OK) {
            check_fields(wpn_v2_refund_fields(r), json_object_get(e, "fields"), name);
            check_fields(wpn_v2_refund_req_info(r), json_object_get(e, "req_info"), name);
        } else {
            CHECK(r == NULL && wpn_error_code(err) == rc && message_of(err).len > 0, name);
        }
        wpn_v2_refund_free(r);
    }
    wpn_error_free(err);
    check_v2_diagnosis(v, &body, type, want, name);
    bytes_free(&body);
    wpn_v2_verifier_free(v);
}

/* The secrets no error message may contain: every APIv3 key and v2 key of 8 bytes or more,
 * and the order numbers and openid of every valid v3_parse case's plaintext. */
typedef struct {
    const char *data[512];
    size_t len[512];
    size_t n;
    json_t *owned[256]; /* parsed plaintexts the data points into */
    size_t n_owned;
} secrets_t;

static void add_secret(secrets_t *s, const json_t *value, size_t min_len) {
    if (!json_is_string(value) || json_string_length(value) < min_len) return;
    if (s->n >= sizeof s->data / sizeof s->data[0]) {
        CHECK(!"too many secrets for the fixed table", "secrets");
        return;
    }
    s->data[s->n] = json_string_value(value);
    s->len[s->n] = json_string_length(value);
    s->n++;
}

static void collect_secrets(const json_t *root, secrets_t *s) {
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)json_object_get(root, "verifiers"), key, value)
        add_secret(s, json_object_get(value, "apiv3_key"), 8);
    json_object_foreach((json_t *)json_object_get(root, "v2_keys"), key, value)
        add_secret(s, value, 8);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c) {
        const char *type = jstr(c, "type", NULL);
        size_t len;
        const char *plain = jstr(json_object_get(c, "expect"), "plaintext", &len);
        if (strcmp(type, "v3_parse") != 0 || plain == NULL) continue;
        json_t *resource = json_loadb(plain, len, JSON_DECODE_ANY, NULL);
        if (!json_is_object(resource) || s->n_owned >= sizeof s->owned / sizeof s->owned[0]) {
            json_decref(resource);
            continue;
        }
        s->owned[s->n_owned++] = resource;
        add_secret(s, json_object_get(resource, "out_trade_no"), 0);
        add_secret(s, json_object_get(resource, "transaction_id"), 0);
        add_secret(s, json_object_get(resource, "out_refund_no"), 0);
        add_secret(s, json_object_get(json_object_get(resource, "payer"), "openid"), 0);
    }
}

/* Checks "CODE_NAME: message" against every secret; counts one checked message. */
static void check_no_secret(const secrets_t *s, const char *code_name, wpn_str message,
                            const char *name, size_t *checked) {
    size_t name_len = strlen(code_name), len = name_len + 2 + message.len;
    char *text = malloc(len + 1);
    CHECK(text != NULL, name);
    if (!text) return;
    memcpy(text, code_name, name_len);
    memcpy(text + name_len, ": ", 2);
    if (message.len) memcpy(text + name_len + 2, message.data, message.len);
    text[len] = 0;
    for (size_t k = 0; k < s->n; k++)
        CHECK(memmem(text, len, s->data[k], s->len[k]) == NULL, name);
    free(text);
    (*checked)++;
}

static void check_error_no_secret(const secrets_t *s, const wpn_error *err, const char *name,
                                  size_t *checked) {
    if (err)
        check_no_secret(s, wpn_error_code_name(wpn_error_code(err)), message_of(err), name,
                        checked);
}

/* No error of any error case (nor any failed diagnosis check) reveals a key or plaintext. */
static void no_error_message_contains_a_key_or_plaintext(const json_t *root) {
    static secrets_t s; /* large; one test at a time */
    memset(&s, 0, sizeof s);
    collect_secrets(root, &s);
    CHECK(s.n > 10, "secrets");
    const json_t *verifiers = json_object_get(root, "verifiers");
    const json_t *v2_keys = json_object_get(root, "v2_keys");
    size_t i, checked = 0;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c) {
        if (expected_code(c) == WPN_OK) continue;
        const char *name = jstr(c, "name", NULL);
        const char *type = jstr(c, "type", NULL);
        size_t before = checked;
        wpn_error *err = NULL;
        if (strcmp(type, "v3_config") == 0) {
            wpn_verifier *v = NULL;
            build_verifier(json_object_get(verifiers, jstr(c, "verifier", NULL)), &v, &err);
            check_error_no_secret(&s, err, name, &checked);
            wpn_verifier_free(v);
        } else if (strcmp(type, "v2_config") == 0) {
            size_t len;
            const char *key = jstr(v2_keys, jstr(c, "v2_key", NULL), &len);
            wpn_v2_verifier *v = NULL;
            wpn_v2_verifier_new((const uint8_t *)key, len, 0, &v, &err);
            check_error_no_secret(&s, err, name, &checked);
            wpn_v2_verifier_free(v);
        } else if (strcmp(type, "v3_parse") == 0 || strcmp(type, "v3_verify") == 0) {
            wpn_verifier *v = NULL;
            CHECK(build_verifier(json_object_get(verifiers, jstr(c, "verifier", NULL)), &v,
                                 NULL) == WPN_OK,
                  name);
            headers_t h = headers_from_json(json_object_get(c, "headers"));
            bytes_t body = hex_decode(jstr(c, "body_hex", NULL));
            int64_t now = json_integer_value(json_object_get(c, "now"));
            wpn_verifier_verify(v, HEADERS(h), body.data, body.len, now, &err);
            check_error_no_secret(&s, err, name, &checked);
            wpn_error_free(err);
            err = NULL;
            wpn_notification *n = NULL;
            wpn_verifier_parse(v, HEADERS(h), body.data, body.len, now, &n, NULL, &err);
            check_error_no_secret(&s, err, name, &checked);
            wpn_notification_free(n);
            wpn_diagnosis *d = NULL;
            if (wpn_verifier_diagnose(v, HEADERS(h), body.data, body.len, now, &d, NULL) ==
                WPN_OK) {
                for (size_t k = 0; k < wpn_diagnosis_len(d); k++) {
                    wpn_check chk = check_of(d, k);
                    if (chk.status == WPN_CHECK_FAILED)
                        check_no_secret(&s, wpn_error_code_name(chk.code), chk.message, name,
                                        &checked);
                }
            }
            wpn_diagnosis_free(d);
            bytes_free(&body);
            headers_free(&h);
            wpn_verifier_free(v);
        } else {
            const char *key = jstr(v2_keys, jstr(c, "v2_key", NULL), NULL);
            wpn_v2_verifier *v = NULL;
            CHECK(wpn_v2_verifier_new((const uint8_t *)key, strlen(key), 0, &v, NULL) == WPN_OK,
                  name);
            bytes_t body = hex_decode(jstr(c, "body_hex", NULL));
            wpn_v2_fields *f = NULL;
            wpn_v2_verifier_parse_payment(v, body.data, body.len, &f, &err);
            check_error_no_secret(&s, err, name, &checked);
            wpn_v2_fields_free(f);
            wpn_error_free(err);
            err = NULL;
            wpn_v2_refund *r = NULL;
            wpn_v2_verifier_parse_refund(v, body.data, body.len, &r, &err);
            check_error_no_secret(&s, err, name, &checked);
            wpn_v2_refund_free(r);
            bytes_free(&body);
            wpn_v2_verifier_free(v);
        }
        wpn_error_free(err);
        CHECK(checked > before, name);
    }
    CHECK(checked > 100, "error messages checked");
    printf("vectors: %zu error messages checked against %zu secrets\n", checked, s.n);
    for (size_t k = 0; k < s.n_owned; k++) json_decref(s.owned[k]);
}

void suite_vectors(void) {
    json_t *root = load_vectors("notifications.json");
    CHECK(json_integer_value(json_object_get(root, "format")) == 1, "format");
    const json_t *verifiers = json_object_get(root, "verifiers");
    const json_t *v2_keys = json_object_get(root, "v2_keys");
    const json_t *cases = json_object_get(root, "cases");
    CHECK(json_array_size(cases) >= 40, "case count");
    int seen[WPN_CONFIG_INVALID + 1] = {0}; /* OK and the core codes of docs/errors.md */
    size_t i, ran = 0;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *name = jstr(c, "name", NULL);
        const char *type = jstr(c, "type", NULL);
        uint32_t want = expected_code(c);
        CHECK(want <= WPN_CONFIG_INVALID, name); /* vectors expect only core codes */
        if (want <= WPN_CONFIG_INVALID) seen[want] = 1;
        ran++;
        if (strcmp(type, "v3_parse") == 0 || strcmp(type, "v3_verify") == 0) {
            wpn_verifier *v = NULL;
            wpn_error *err = NULL;
            const json_t *cfg = json_object_get(verifiers, jstr(c, "verifier", NULL));
            CHECK(build_verifier(cfg, &v, &err) == WPN_OK && v != NULL, name);
            if (v) run_v3(c, v, name, strcmp(type, "v3_verify") == 0);
            wpn_error_free(err);
            wpn_verifier_free(v);
        } else if (strcmp(type, "v3_config") == 0) {
            wpn_verifier *v = (wpn_verifier *)&i; /* must become NULL */
            wpn_error *err = NULL;
            const json_t *cfg = json_object_get(verifiers, jstr(c, "verifier", NULL));
            wpn_result rc = build_verifier(cfg, &v, &err);
            CHECK(rc == want, name);
            CHECK(v == NULL && wpn_error_code(err) == rc && message_of(err).len > 0, name);
            wpn_error_free(err);
        } else if (strcmp(type, "v2_config") == 0) {
            size_t len;
            const char *key = jstr(v2_keys, jstr(c, "v2_key", NULL), &len);
            wpn_v2_verifier *v = NULL;
            wpn_error *err = NULL;
            wpn_result rc = wpn_v2_verifier_new((const uint8_t *)key, len, 0, &v, &err);
            CHECK(rc == want && v == NULL && wpn_error_code(err) == rc, name);
            wpn_error_free(err);
        } else if (strcmp(type, "v2_payment") == 0 || strcmp(type, "v2_refund") == 0) {
            run_v2(c, jstr(v2_keys, jstr(c, "v2_key", NULL), NULL), name);
        } else {
            CHECK(!"unknown case type", name);
        }
    }
    /* Every error code of docs/errors.md (1-18) has at least one case. */
    for (uint32_t code = WPN_BODY_TOO_LARGE; code <= WPN_CONFIG_INVALID; code++)
        CHECK(seen[code], wpn_error_code_name(code));
    /* Every accepted APIv3 case but the few whose timestamp is near today's date. */
    CHECK(system_clock_cases >= 20, "WPN_SYSTEM_CLOCK cases");
    printf("vectors: %zu cases, %zu accepted ones refused by WPN_SYSTEM_CLOCK\n", ran,
           system_clock_cases);
    no_error_message_contains_a_key_or_plaintext(root);
    json_decref(root);
}
