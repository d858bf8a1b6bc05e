/* Helpers shared by the C tests and the C benchmark. */
#include "harness.h"

#include <stdlib.h>

unsigned long wpn_test_passed = 0;
unsigned long wpn_test_failed = 0;

void wpn_test_record(int ok, const char *file, int line, const char *what, const char *ctx) {
    if (ok) {
        __atomic_add_fetch(&wpn_test_passed, 1, __ATOMIC_RELAXED);
        return;
    }
    __atomic_add_fetch(&wpn_test_failed, 1, __ATOMIC_RELAXED);
    fprintf(stderr, "FAIL %s:%d: %s [%s]\n", file, line, what, ctx ? ctx : "");
}

bytes_t read_file(const char *path) {
    bytes_t b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc((size_t)size + 1);
    b.len = fread(b.data, 1, (size_t)size, f);
    b.data[b.len] = 0;
    fclose(f);
    return b;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bytes_t hex_decode(const char *hex) {
    size_t n = strlen(hex) / 2;
    bytes_t b = {malloc(n + 1), n};
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "bad hex in vectors\n");
            exit(2);
        }
        b.data[i] = (uint8_t)(hi * 16 + lo);
    }
    b.data[n] = 0;
    return b;
}

void bytes_free(bytes_t *b) {
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

const char *vectors_dir(void) {
    const char *dir = getenv("WPN_VECTORS_DIR");
    return dir ? dir : "tests/vectors";
}

json_t *load_vectors(const char *relative) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", vectors_dir(), relative);
    json_error_t error;
    json_t *root = json_load_file(path, JSON_ALLOW_NUL, &error);
    if (!root) {
        fprintf(stderr, "cannot load %s: %s (line %d)\n", path, error.text, error.line);
        exit(2);
    }
    return root;
}

const char *jstr(const json_t *obj, const char *key, size_t *len) {
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v)) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = json_string_length(v);
    return json_string_value(v);
}

int str_eq(wpn_str s, const char *expected, size_t len) {
    if (s.data == NULL || expected == NULL) return 0;
    return s.len == len && (len == 0 || memcmp(s.data, expected, len) == 0);
}

int str_eq_json(wpn_str s, const json_t *obj, const char *key) {
    size_t len;
    const char *expected = jstr(obj, key, &len);
    return str_eq(s, expected, len);
}

wpn_str message_of(const wpn_error *error) {
    wpn_str s;
    memset(&s, 0, sizeof s);
    wpn_error_message(error, &s);
    return s;
}

wpn_envelope envelope_of(const wpn_notification *notification) {
    wpn_envelope e;
    memset(&e, 0, sizeof e);
    wpn_notification_envelope(notification, &e);
    return e;
}

wpn_http_response response_of(const wpn_reply *reply) {
    wpn_http_response r;
    memset(&r, 0, sizeof r);
    wpn_reply_response(reply, &r);
    return r;
}

wpn_check check_of(const wpn_diagnosis *diagnosis, size_t index) {
    wpn_check c;
    memset(&c, 0, sizeof c);
    wpn_diagnosis_get(diagnosis, index, &c);
    return c;
}

wpn_str key_id_of(const wpn_verifier *verifier, size_t index) {
    wpn_str s;
    memset(&s, 0, sizeof s);
    wpn_verifier_key_id(verifier, index, &s);
    return s;
}

wpn_certificate certificate_of(const wpn_certificates *certificates, size_t index) {
    wpn_certificate c;
    memset(&c, 0, sizeof c);
    wpn_certificates_get(certificates, index, &c);
    return c;
}

wpn_str find_field(const wpn_v2_fields *fields, const char *name) {
    wpn_str s;
    memset(&s, 0, sizeof s);
    wpn_v2_fields_find(fields, (const uint8_t *)name, strlen(name), &s);
    return s;
}

static int view_is_empty(wpn_str s) { return s.data == NULL && s.len == 0; }

int envelope_is_empty(const wpn_envelope *e) {
    return view_is_empty(e->id) && view_is_empty(e->create_time) &&
           view_is_empty(e->event_type) && view_is_empty(e->resource_type) &&
           view_is_empty(e->summary) && view_is_empty(e->original_type) &&
           view_is_empty(e->serial) && view_is_empty(e->plaintext) && view_is_empty(e->kind) &&
           view_is_empty(e->mchid) && e->timestamp == 0;
}

static int view_same(wpn_str a, wpn_str b) { return a.data == b.data && a.len == b.len; }

int envelope_same(const wpn_envelope *a, const wpn_envelope *b) {
    return view_same(a->id, b->id) && view_same(a->create_time, b->create_time) &&
           view_same(a->event_type, b->event_type) &&
           view_same(a->resource_type, b->resource_type) && view_same(a->summary, b->summary) &&
           view_same(a->original_type, b->original_type) && view_same(a->serial, b->serial) &&
           view_same(a->plaintext, b->plaintext) && view_same(a->kind, b->kind) &&
           view_same(a->mchid, b->mchid) && a->timestamp == b->timestamp;
}

headers_t headers_pack(const header_item *items, size_t count) {
    headers_t h = {NULL, 0, NULL, count};
    for (size_t i = 0; i < count; i++) h.bytes_len += items[i].name_len + items[i].value_len;
    h.bytes = malloc(h.bytes_len ? h.bytes_len : 1);
    h.lens = calloc(count ? 2 * count : 1, sizeof *h.lens);
    if (!h.bytes || !h.lens) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        if (items[i].name_len) memcpy(h.bytes + at, items[i].name, items[i].name_len);
        at += items[i].name_len;
        if (items[i].value_len) memcpy(h.bytes + at, items[i].value, items[i].value_len);
        at += items[i].value_len;
        h.lens[2 * i] = items[i].name_len;
        h.lens[2 * i + 1] = items[i].value_len;
    }
    return h;
}

headers_t headers_from_json(const json_t *src) {
    size_t n = json_is_array(src) ? json_array_size(src) : json_object_size(src), count = 0;
    header_item *items = calloc(n ? n : 1, sizeof *items);
    if (json_is_array(src)) {
        size_t i;
        json_t *pair;
        json_array_foreach(src, i, pair) {
            json_t *k = json_array_get(pair, 0), *v = json_array_get(pair, 1);
            header_item item = {json_string_value(k), json_string_length(k),
                                json_string_value(v), json_string_length(v)};
            items[count++] = item;
        }
    } else {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)src, key, v) {
            header_item item = {key, strlen(key), json_string_value(v), json_string_length(v)};
            items[count++] = item;
        }
    }
    headers_t h = headers_pack(items, count);
    free(items);
    return h;
}

header_item *headers_items(const headers_t *h) {
    header_item *items = calloc(h->count ? h->count : 1, sizeof *items);
    size_t at = 0;
    for (size_t i = 0; i < h->count; i++) {
        items[i].name = (const char *)h->bytes + at;
        items[i].name_len = h->lens[2 * i];
        at += items[i].name_len;
        items[i].value = (const char *)h->bytes + at;
        items[i].value_len = h->lens[2 * i + 1];
        at += items[i].value_len;
    }
    return items;
}

const char *headers_find(const headers_t *h, const char *name, size_t *value_len) {
    size_t at = 0, name_len = strlen(name);
    for (size_t i = 0; i < h->count; i++) {
        size_t nl = h->lens[2 * i], vl = h->lens[2 * i + 1];
        if (nl == name_len && strncasecmp((const char *)h->bytes + at, name, nl) == 0) {
            if (value_len) *value_len = vl;
            return (const char *)h->bytes + at + nl;
        }
        at += nl + vl;
    }
    if (value_len) *value_len = 0;
    return NULL;
}

void items_set_value(header_item *items, size_t count, const char *name, const char *value,
                     size_t value_len) {
    size_t name_len = strlen(name);
    for (size_t i = 0; i < count; i++)
        if (items[i].name_len == name_len && strncasecmp(items[i].name, name, name_len) == 0) {
            items[i].value = value;
            items[i].value_len = value_len;
        }
}

void headers_free(headers_t *h) {
    free(h->bytes);
    free(h->lens);
    h->bytes = NULL;
    h->lens = NULL;
    h->bytes_len = 0;
    h->count = 0;
}

/* One merchant's keys (or the single merchant's): its public keys and certificates. */
static wpn_result add_keys(wpn_verifier_builder *b, const json_t *config, wpn_error **error_out) {
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(config, "public_keys"), i, item) {
        size_t id_len, pem_len;
        const char *id = jstr(item, "id", &id_len);
        const char *pem = jstr(item, "pem", &pem_len);
        wpn_result rc = wpn_verifier_builder_public_key(b, (const uint8_t *)id, id_len,
                                                        (const uint8_t *)pem, pem_len, error_out);
        if (rc != WPN_OK) return rc;
    }
    json_array_foreach(json_object_get(config, "certificates"), i, item) {
        wpn_verifier_builder_platform_certificate(b, (const uint8_t *)json_string_value(item),
                                                  json_string_length(item), NULL);
    }
    return WPN_OK;
}

/* A verifier from a vector configuration: one merchant's keys, or a `merchants` list
 * (docs/merchants.md: the keys after wpn_verifier_builder_merchant are that merchant's). */
wpn_result build_verifier(const json_t *config, wpn_verifier **out, wpn_error **error_out) {
    wpn_verifier_builder *b = NULL;
    wpn_result rc = wpn_verifier_builder_new(&b, error_out);
    if (rc != WPN_OK) return rc;
    size_t len;
    const char *key = jstr(config, "apiv3_key", &len);
    if (key) wpn_verifier_builder_apiv3_key(b, (const uint8_t *)key, len, NULL);
    rc = add_keys(b, config, error_out);
    if (rc != WPN_OK) goto done;
    size_t i;
    json_t *merchant;
    json_array_foreach(json_object_get(config, "merchants"), i, merchant) {
        size_t mchid_len, key_len;
        const char *mchid = jstr(merchant, "mchid", &mchid_len);
        const char *mkey = jstr(merchant, "apiv3_key", &key_len);
        rc = wpn_verifier_builder_merchant(b, (const uint8_t *)mchid, mchid_len,
                                           (const uint8_t *)mkey, key_len, error_out);
        if (rc != WPN_OK) goto done;
        rc = add_keys(b, merchant, error_out);
        if (rc != WPN_OK) goto done;
    }
    json_t *skew = json_object_get(config, "max_clock_skew");
    if (json_is_integer(skew))
        wpn_verifier_builder_max_clock_skew(b, (uint64_t)json_integer_value(skew), NULL);
    json_t *size = json_object_get(config, "max_body_size");
    if (json_is_integer(size))
        wpn_verifier_builder_max_body_size(b, (size_t)json_integer_value(size), NULL);
    rc = wpn_verifier_builder_build(b, out, error_out);
done:
    wpn_verifier_builder_free(b);
    return rc;
}
