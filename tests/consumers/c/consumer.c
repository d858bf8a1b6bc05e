/* A C program that uses the installed wechatpay_notify library as a merchant's C backend
 * would: build a verifier once, parse a callback, answer it. Run by run.sh against the C
 * archive of dist/, linked dynamically and statically, through pkg-config and CMake.
 *
 * Usage: consumer DIR. DIR holds one conformance vector laid out by run.sh: apiv3_key, key_id,
 * key.pem, now, serial, signature, timestamp, nonce, body, expected_id, version and backend.
 * Prints "c consumer: N passed, 0 failed" and exits 0 when every check passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wechatpay_notify.h"

static int passed, failed;

#define CHECK(cond, what)                                                                  \
    do {                                                                                   \
        if (cond) {                                                                        \
            passed++;                                                                      \
        } else {                                                                           \
            failed++;                                                                      \
            fprintf(stderr, "FAILED: %s (%s:%d)\n", what, __FILE__, __LINE__);            \
        }                                                                                  \
    } while (0)

typedef struct {
    unsigned char *data;
    size_t len;
} file_t;

static file_t slurp(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    file_t f = {NULL, 0};
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    f.data = malloc((size_t)size + 1);
    f.len = fread(f.data, 1, (size_t)size, fp);
    f.data[f.len] = 0;
    fclose(fp);
    return f;
}

static int str_eq(wpn_str s, const file_t *f) {
    return s.data != NULL && s.len == f->len && memcmp(s.data, f->data, f->len) == 0;
}

/* The request's headers as a server holds them, packed as the C ABI takes them: every name and
 * value back to back in one buffer, and 2 lengths per header (name, value). */
#define MAX_HEADERS 8
typedef struct {
    unsigned char bytes[4096];
    size_t len;
    size_t lens[2 * MAX_HEADERS];
    size_t count;
} packed_headers;

static void add_header(packed_headers *h, const char *name, const void *value, size_t value_len) {
    size_t name_len = strlen(name);
    if (h->count == MAX_HEADERS || h->len + name_len + value_len > sizeof h->bytes) {
        fprintf(stderr, "too many header bytes\n");
        exit(2);
    }
    memcpy(h->bytes + h->len, name, name_len);
    if (value_len) memcpy(h->bytes + h->len + name_len, value, value_len);
    h->len += name_len + value_len;
    h->lens[2 * h->count] = name_len;
    h->lens[2 * h->count + 1] = value_len;
    h->count++;
}

/* Parses body with the request's headers (the four signed ones among others, as a server
 * passes them); returns the result and, on success, checks the envelope the same call filled
 * (the id against expected). */
static wpn_result parse(const wpn_verifier *v, const char *dir, const file_t *body, int64_t now,
                        const file_t *expected_id, wpn_http_response *reply_out,
                        wpn_reply **reply_handle) {
    file_t serial = slurp(dir, "serial"), signature = slurp(dir, "signature");
    file_t timestamp = slurp(dir, "timestamp"), nonce = slurp(dir, "nonce");
    static packed_headers headers;
    memset(&headers, 0, sizeof headers);
    add_header(&headers, "Host", "pay.example.com", 15);
    add_header(&headers, "Content-Type", "application/json", 16);
    add_header(&headers, "wechatpay-serial", serial.data, serial.len); /* any case */
    add_header(&headers, "Wechatpay-Signature", signature.data, signature.len);
    add_header(&headers, "Wechatpay-Timestamp", timestamp.data, timestamp.len);
    add_header(&headers, "Wechatpay-Nonce", nonce.data, nonce.len);
    add_header(&headers, "Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048", 25);
    wpn_notification *n = NULL;
    wpn_envelope e;
    wpn_error *err = NULL;
    wpn_result rc = wpn_verifier_parse(v, headers.bytes, headers.len, headers.lens,
                                       headers.count, body->data, body->len, now, &n, &e, &err);
    if (rc == WPN_OK) {
        wpn_envelope again;
        CHECK(wpn_notification_envelope(n, &again) && again.id.data == e.id.data &&
                  again.plaintext.data == e.plaintext.data,
              "envelope");
        CHECK(str_eq(e.id, expected_id), "notification id");
        CHECK(e.plaintext.len > 0, "plaintext");
        CHECK(wpn_reply_success(reply_handle, NULL) == WPN_OK, "success reply");
    } else {
        CHECK(n == NULL && e.id.data == NULL && e.plaintext.data == NULL, "no envelope");
        CHECK(wpn_reply_for_error(err, reply_handle, NULL) == WPN_OK, "failure reply");
    }
    wpn_reply_response(*reply_handle, reply_out);
    wpn_notification_free(n);
    wpn_error_free(err);
    free(serial.data);
    free(signature.data);
    free(timestamp.data);
    free(nonce.data);
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    file_t key = slurp(dir, "apiv3_key"), key_id = slurp(dir, "key_id"), pem = slurp(dir, "key.pem");
    file_t now_text = slurp(dir, "now"), body = slurp(dir, "body");
    file_t expected_id = slurp(dir, "expected_id"), version = slurp(dir, "version");
    file_t backend = slurp(dir, "backend");
    int64_t now = strtoll((const char *)now_text.data, NULL, 10);

    CHECK(strlen(wpn_version()) == version.len &&
              memcmp(wpn_version(), version.data, version.len) == 0,
          "wpn_version() is the release version");
    CHECK(strlen(wpn_backend()) == backend.len &&
              memcmp(wpn_backend(), backend.data, backend.len) == 0,
          "wpn_backend() is the release backend");

    wpn_verifier_builder *b = NULL;
    wpn_verifier *v = NULL;
    CHECK(wpn_verifier_builder_new(&b, NULL) == WPN_OK, "builder");
    CHECK(wpn_verifier_builder_apiv3_key(b, key.data, key.len, NULL) == WPN_OK, "apiv3 key");
    CHECK(wpn_verifier_builder_public_key(b, key_id.data, key_id.len, pem.data, pem.len, NULL) ==
              WPN_OK,
          "public key");
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK && v != NULL, "build");
    wpn_verifier_builder_free(b);

    wpn_http_response r;
    wpn_reply *reply = NULL;
    CHECK(parse(v, dir, &body, now, &expected_id, &r, &reply) == WPN_OK, "valid callback");
    CHECK(r.status == 204 && r.body.len == 0, "204 for a valid callback");
    wpn_reply_free(reply);

    body.data[body.len / 2] ^= 1; /* one bit changed after signing */
    reply = NULL;
    CHECK(parse(v, dir, &body, now, &expected_id, &r, &reply) == WPN_SIGNATURE_MISMATCH,
          "tampered callback");
    CHECK(r.status == 401 && r.body.len > 0, "401 for a tampered callback");
    wpn_reply_free(reply);

    body.data[body.len / 2] ^= 1;
    reply = NULL;
    CHECK(parse(v, dir, &body, WPN_SYSTEM_CLOCK, &expected_id, &r, &reply) ==
              WPN_TIMESTAMP_SKEW,
          "an old callback by the system clock");
    wpn_reply_free(reply);

    wpn_verifier_free(v);
    free(key.data);
    free(key_id.data);
    free(pem.data);
    free(now_text.data);
    free(body.data);
    free(expected_id.data);
    free(version.data);
    free(backend.data);
    printf("c consumer: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
