/* Every case of tests/vectors/notifications.json through the C API. */
#include "harness.h"

#include <stdlib.h>

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

/* Checks a failure: the code, a non-empty message, and the reply WeChat Pay would get. */
static void check_error(wpn_result rc, wpn_error *err, uint32_t want, const char *name) {
    CHECK(rc == want, name);
    if (rc == WPN_OK) return;
    CHECK(err != NULL, name);
    CHECK(wpn_error_code(err) == rc, name);
    CHECK(strcmp(wpn_error_name(err), wpn_error_code_name(rc)) == 0, name);
    CHECK(wpn_error_message(err).len > 0, name);
    wpn_reply *reply = NULL;
    CHECK(wpn_reply_for_error(err, &reply, NULL) == WPN_OK, name);
    uint16_t status = wpn_error_code_is_authenticity(rc) ? 401 : 500;
    CHECK(wpn_reply_status(reply) == status, name);
    CHECK(rc >= WPN_MISSING_HEADER && rc <= WPN_SIGNATURE_MISMATCH ? status == 401
                                                                    : status == 500,
          name);
    wpn_str body = wpn_reply_body(reply);
    const char *code_name = wpn_error_code_name(rc);
    CHECK(body.len > 0 && memmem(body.data, body.len, "\"code\":\"FAIL\"", 13) != NULL, name);
    CHECK(memmem(body.data, body.len, code_name, strlen(code_name)) != NULL, name);
    CHECK(str_eq(wpn_reply_content_type(reply), "application/json", 16), name);
    wpn_reply_free(reply);
}

static void run_v3(const json_t *c, wpn_verifier *v, const char *name, int verify_only) {
    headers_t h = headers_from_json(json_object_get(c, "headers"));
    bytes_t body = hex_decode(jstr(c, "body_hex", NULL));
    int64_t now = json_integer_value(json_object_get(c, "now"));
    uint32_t want = expected_code(c);
    wpn_error *err = NULL;

    wpn_result vrc = wpn_verifier_verify_at(v, h.items, h.len, body.data, body.len, now, &err);
    if (verify_only) {
        check_error(vrc, err, want, name);
        wpn_error_free(err);
        goto done;
    }
    wpn_error_free(err);
    err = NULL;

    wpn_notification *n = (wpn_notification *)&err; /* must be overwritten with NULL */
    wpn_result rc = wpn_verifier_parse_at(v, h.items, h.len, body.data, body.len, now, &n, &err);
    check_error(rc, err, want, name);
    /* Steps 0-10 agree: an authenticity (or format) failure of parse is the same for verify. */
    if (rc == WPN_OK)
        CHECK(vrc == WPN_OK, name);
    else if (wpn_error_code_is_authenticity(rc) || rc == WPN_WRONG_FORMAT ||
             rc == WPN_BODY_TOO_LARGE)
        CHECK(vrc == rc, name);

    if (rc == WPN_OK) {
        const json_t *e = json_object_get(c, "expect");
        CHECK(err == NULL, name);
        CHECK(json_is_true(json_object_get(e, "ok")), name);
        CHECK(str_eq_json(wpn_notification_id(n), e, "id"), name);
        CHECK(str_eq_json(wpn_notification_create_time(n), e, "create_time"), name);
        CHECK(str_eq_json(wpn_notification_event_type(n), e, "event_type"), name);
        CHECK(str_eq_json(wpn_notification_resource_type(n), e, "resource_type"), name);
        CHECK(str_eq_json(wpn_notification_summary(n), e, "summary"), name);
        CHECK(str_eq_json(wpn_notification_original_type(n), e, "original_type"), name);
        CHECK(str_eq_json(wpn_notification_plaintext(n), e, "plaintext"), name);
        CHECK(wpn_notification_serial(n).len > 0, name);
        /* The verified timestamp is the header's. */
        for (size_t i = 0; i < h.len; i++)
            if (h.items[i].name_len == 19 &&
                strncasecmp((const char *)h.items[i].name, "Wechatpay-Timestamp", 19) == 0) {
                char ts[32] = {0};
                memcpy(ts, h.items[i].value, h.items[i].value_len < 31 ? h.items[i].value_len : 31);
                CHECK(wpn_notification_timestamp(n) == strtoll(ts, NULL, 10), name);
                break;
            }
    } else {
        CHECK(n == NULL, name);
    }

    /* The diagnosis gives the same verdict and shows the failing check. */
    wpn_diagnosis *d = NULL;
    CHECK(wpn_verifier_diagnose_at(v, h.items, h.len, body.data, body.len, now, &d, NULL) ==
              WPN_OK,
          name);
    CHECK(wpn_diagnosis_verdict(d) == rc, name);
    CHECK(wpn_diagnosis_len(d) == 16, name);
    int failed_with_verdict = 0, failures = 0;
    for (size_t i = 0; i < wpn_diagnosis_len(d); i++) {
        wpn_check k = wpn_diagnosis_get(d, i);
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
        CHECK(str_eq(wpn_notification_id(dn), wpn_notification_id(n).data,
                     wpn_notification_id(n).len),
              name);
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
        wpn_str got = wpn_v2_fields_find(f, (const uint8_t *)key, strlen(key));
        CHECK(str_eq(got, json_string_value(value), json_string_length(value)), name);
    }
    /* Listed in byte order of names, each one findable. */
    for (size_t i = 0; i + 1 < wpn_v2_fields_len(f); i++) {
        wpn_field a = wpn_v2_fields_get(f, i), b = wpn_v2_fields_get(f, i + 1);
        size_t m = a.name.len < b.name.len ? a.name.len : b.name.len;
        int cmp = memcmp(a.name.data, b.name.data, m);
        CHECK(cmp < 0 || (cmp == 0 && a.name.len < b.name.len), name);
    }
}

static void run_v2(const json_t *c, const char *key, const char *name) {
    wpn_v2_verifier *v = NULL;
    CHECK(wpn_v2_verifier_new((const uint8_t *)key, strlen(key), &v, NULL) == WPN_OK, name);
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
            CHECK(f == NULL && wpn_error_code(err) == rc && wpn_error_message(err).len > 0, name);
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
            CHECK(r == NULL && wpn_error_code(err) == rc && wpn_error_message(err).len > 0, name);
        }
        wpn_v2_refund_free(r);
    }
    wpn_error_free(err);
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
    if (err) check_no_secret(s, wpn_error_name(err), wpn_error_message(err), name, checked);
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
            wpn_v2_verifier_new((const uint8_t *)key, len, &v, &err);
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
            wpn_verifier_verify_at(v, h.items, h.len, body.data, body.len, now, &err);
            check_error_no_secret(&s, err, name, &checked);
            wpn_error_free(err);
            err = NULL;
            wpn_notification *n = NULL;
            wpn_verifier_parse_at(v, h.items, h.len, body.data, body.len, now, &n, &err);
            check_error_no_secret(&s, err, name, &checked);
            wpn_notification_free(n);
            wpn_diagnosis *d = NULL;
            if (wpn_verifier_diagnose_at(v, h.items, h.len, body.data, body.len, now, &d,
                                         NULL) == WPN_OK) {
                for (size_t k = 0; k < wpn_diagnosis_len(d); k++) {
                    wpn_check chk = wpn_diagnosis_get(d, k);
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
            CHECK(wpn_v2_verifier_new((const uint8_t *)key, strlen(key), &v, NULL) == WPN_OK,
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
    int seen[WPN_PANIC + 1] = {0};
    size_t i, ran = 0;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *name = jstr(c, "name", NULL);
        const char *type = jstr(c, "type", NULL);
        uint32_t want = expected_code(c);
        seen[want] = 1;
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
            CHECK(v == NULL && wpn_error_code(err) == rc && wpn_error_message(err).len > 0,
                  name);
            wpn_error_free(err);
        } else if (strcmp(type, "v2_config") == 0) {
            size_t len;
            const char *key = jstr(v2_keys, jstr(c, "v2_key", NULL), &len);
            wpn_v2_verifier *v = NULL;
            wpn_error *err = NULL;
            wpn_result rc = wpn_v2_verifier_new((const uint8_t *)key, len, &v, &err);
            CHECK(rc == want && v == NULL && wpn_error_code(err) == rc, name);
            wpn_error_free(err);
        } else if (strcmp(type, "v2_payment") == 0 || strcmp(type, "v2_refund") == 0) {
            run_v2(c, jstr(v2_keys, jstr(c, "v2_key", NULL), NULL), name);
        } else {
            CHECK(!"unknown case type", name);
        }
    }
    /* Every DESIGN error code has at least one case. */
    for (uint32_t code = WPN_BODY_TOO_LARGE; code <= WPN_CONFIG_INVALID; code++)
        CHECK(seen[code], wpn_error_code_name(code));
    printf("vectors: %zu cases\n", ran);
    no_error_message_contains_a_key_or_plaintext(root);
    json_decref(root);
}
