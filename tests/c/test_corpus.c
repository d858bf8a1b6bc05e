/* Replays the fuzz corpora (tests/fuzz-corpus/<target>/) through the C ABI, splitting each
 * input exactly as the matching cargo-fuzz target (fuzz/fuzz_targets/<target>.rs) does for
 * the Rust API. Every call must return WPN_OK or a core error code of docs/errors.md (never
 * WPN_NULL_ARGUMENT, WPN_PANIC or WPN_INVALID_ARGUMENT), report failures through a wpn_error
 * with the same code, and every handle is freed, so a run under valgrind proves the ABI
 * memory-clean on every input the fuzzers kept.
 *
 * usage: wpn_corpus_tests CORPUS_DIR   (prints the number of inputs per target) */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

#define APIV3_KEY "fuzz-apiv3-key-0123456789abcdef!"
#define PUBLIC_KEY_ID "PUB_KEY_ID_0114232134912410000000000000"
#define V2_KEY "0123456789abcdef0123456789abcdef"
#define NOW 1700000000
#define MAX_HEADERS 256

/* The file under test, for failure messages. */
static const char *current = "";

/* A result is WPN_OK or a core error code (1-18 of docs/errors.md): the arguments are always
 * valid here, so no C-only code (1000 on) may come back. */
static int is_core_result(wpn_result r) { return r <= WPN_CONFIG_INVALID; }

/* Checks that a call's result, its wpn_error and the core range agree; frees the error. */
static void check_outcome(wpn_result r, wpn_error *err) {
    CHECK(is_core_result(r), current);
    if (r == WPN_OK) {
        CHECK(err == NULL, current);
        return;
    }
    CHECK(err != NULL, current);
    if (err) {
        CHECK(wpn_error_code(err) == r, current);
        wpn_str message = {NULL, 0};
        CHECK(wpn_error_message(err, &message) && message.len > 0, current);
        wpn_error_free(err);
    }
}

static const uint8_t *find_bytes(const uint8_t *p, size_t len, const char *needle, size_t n) {
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(p + i, needle, n) == 0) return p + i;
    return NULL;
}

/* ---- parse_v3 ---------------------------------------------------------------------------- */

static wpn_verifier *v3_verifier;

static void v3_setup(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/keys/test-platform-b.pub.pem", vectors_dir());
    bytes_t pub = read_file(path);
    snprintf(path, sizeof path, "%s/keys/test-platform-a.cert.pem", vectors_dir());
    bytes_t cert = read_file(path);
    wpn_verifier_builder *b = NULL;
    wpn_error *err = NULL;
    CHECK(wpn_verifier_builder_new(&b, NULL) == WPN_OK, "v3 verifier");
    CHECK(wpn_verifier_builder_apiv3_key(b, (const uint8_t *)APIV3_KEY, strlen(APIV3_KEY),
                                         NULL) == WPN_OK,
          "v3 verifier");
    CHECK(wpn_verifier_builder_public_key(b, (const uint8_t *)PUBLIC_KEY_ID,
                                          strlen(PUBLIC_KEY_ID), pub.data, pub.len,
                                          NULL) == WPN_OK,
          "v3 verifier");
    CHECK(wpn_verifier_builder_platform_certificate(b, cert.data, cert.len, NULL) == WPN_OK,
          "v3 verifier");
    CHECK(wpn_verifier_builder_build(b, &v3_verifier, &err) == WPN_OK, "v3 verifier");
    wpn_error_free(err);
    wpn_verifier_builder_free(b);
    bytes_free(&pub);
    bytes_free(&cert);
    if (!v3_verifier) {
        fprintf(stderr, "cannot build the fuzz verifier\n");
        exit(2);
    }
}

/* Header lines `name: value` up to the first blank line ("\n\n"), then the body; with no
 * blank line the whole input is the body. Lines without a colon are skipped. */
static void run_parse_v3(const uint8_t *data, size_t len) {
    static header_item items[MAX_HEADERS];
    size_t n = 0;
    const uint8_t *body = data;
    size_t body_len = len;
    const uint8_t *end = find_bytes(data, len, "\n\n", 2);
    if (end) {
        body = end + 2;
        body_len = len - (size_t)(body - data);
        const uint8_t *line = data;
        for (;;) {
            const uint8_t *nl = memchr(line, '\n', (size_t)(end - line));
            const uint8_t *line_end = nl ? nl : end;
            const uint8_t *colon = memchr(line, ':', (size_t)(line_end - line));
            if (colon) {
                CHECK(n < MAX_HEADERS, current);
                if (n == MAX_HEADERS) return;
                items[n].name = (const char *)line;
                items[n].name_len = (size_t)(colon - line);
                items[n].value = (const char *)colon + 1;
                items[n].value_len = (size_t)(line_end - colon - 1);
                n++;
            }
            if (!nl) break;
            line = nl + 1;
        }
    }

    /* The packed form of the C ABI: names and values back to back, 2 lengths per header. */
    headers_t headers = headers_pack(items, n);

    wpn_notification *note = NULL;
    wpn_error *err = NULL;
    wpn_envelope filled;
    wpn_result parsed = wpn_verifier_parse(v3_verifier, HEADERS(headers), body, body_len, NOW,
                                           &note, &filled, &err);
    CHECK((parsed == WPN_OK) == (note != NULL), current);
    check_outcome(parsed, err);
    if (note) {
        wpn_envelope e;
        CHECK(wpn_notification_envelope(note, &e) && e.id.data != NULL &&
                  e.plaintext.data != NULL && e.serial.len > 0,
              current);
        CHECK(envelope_same(&filled, &e), current);
    } else {
        CHECK(envelope_is_empty(&filled), current);
    }
    wpn_notification_free(note);

    err = NULL;
    wpn_result verified = wpn_verifier_verify_response(v3_verifier, HEADERS(headers), body,
                                                       body_len, NOW, &err);
    check_outcome(verified, err);

    wpn_diagnosis *diagnosis = NULL;
    err = NULL;
    CHECK(wpn_verifier_diagnose(v3_verifier, HEADERS(headers), body, body_len, NOW,
                                &diagnosis, &err) == WPN_OK,
          current);
    wpn_error_free(err);
    CHECK(wpn_diagnosis_len(diagnosis) == 16, current);
    for (size_t i = 0; i < wpn_diagnosis_len(diagnosis); i++) {
        wpn_check k;
        CHECK(wpn_diagnosis_get(diagnosis, i, &k) && k.step == i &&
                  is_core_result(k.code) && (k.status == WPN_CHECK_FAILED) == (k.code != WPN_OK),
              current);
    }
    CHECK(wpn_diagnosis_verdict(diagnosis) == parsed, current);
    CHECK((wpn_diagnosis_error(diagnosis) == NULL) == (parsed == WPN_OK), current);
    CHECK((wpn_diagnosis_notification(diagnosis) != NULL) == (parsed == WPN_OK), current);
    wpn_diagnosis_free(diagnosis);
    headers_free(&headers);
}

/* ---- decrypt_resource -------------------------------------------------------------------- */

/* The first byte picks the key length (even: 32, odd: selector >> 2; key bytes 0, 1, 2...);
 * the rest splits on the first two 0xFF bytes into nonce, associated data and ciphertext. */
static void run_decrypt_resource(const uint8_t *data, size_t len) {
    if (len == 0) return;
    uint8_t selector = data[0];
    size_t key_len = (selector & 1) == 0 ? 32 : (size_t)(selector >> 2);
    uint8_t key[64];
    for (size_t i = 0; i < key_len; i++) key[i] = (uint8_t)i;
    const uint8_t *rest = data + 1;
    size_t rest_len = len - 1;

    const uint8_t *parts[3] = {rest, rest + rest_len, rest + rest_len};
    size_t lens[3] = {rest_len, 0, 0};
    for (int p = 0; p < 2; p++) {
        const uint8_t *ff = memchr(parts[p], 0xFF, lens[p]);
        if (!ff) break;
        size_t total = lens[p];
        lens[p] = (size_t)(ff - parts[p]);
        parts[p + 1] = ff + 1;
        lens[p + 1] = total - lens[p] - 1;
    }

    wpn_buffer *plain = NULL;
    wpn_error *err = NULL;
    wpn_result r = wpn_decrypt_resource(key, key_len, parts[0], lens[0], parts[1], lens[1],
                                        parts[2], lens[2], &plain, &err);
    if (r == WPN_OK) {
        CHECK(key_len == 32, current);
        CHECK(plain != NULL, current);
        wpn_slice p;
        CHECK(wpn_buffer_data(plain, &p) && p.data != NULL, current);
    } else {
        CHECK(key_len == 32 || r == WPN_CONFIG_INVALID, current);
    }
    check_outcome(r, err);
    wpn_buffer_free(plain);

    wpn_certificates *certs = NULL;
    err = NULL;
    r = wpn_decrypt_certificates(key, key_len, rest, rest_len, &certs, &err);
    if (r == WPN_OK)
        for (size_t i = 0; i < wpn_certificates_len(certs); i++)
            CHECK(certificate_of(certs, i).serial_no.len > 0, current);
    check_outcome(r, err);
    wpn_certificates_free(certs);
}

/* ---- v2_xml ------------------------------------------------------------------------------ */

static wpn_v2_verifier *v2_verifier;

static void v2_setup(void) {
    CHECK(wpn_v2_verifier_new((const uint8_t *)V2_KEY, strlen(V2_KEY), 0, &v2_verifier, NULL) ==
              WPN_OK,
          "v2 verifier");
    if (!v2_verifier) exit(2);
}

static void run_v2_xml(const uint8_t *data, size_t len) {
    wpn_v2_fields *fields = NULL;
    wpn_error *err = NULL;
    wpn_result r = wpn_v2_verifier_parse_payment(v2_verifier, data, len, &fields, &err);
    if (r == WPN_OK) {
        CHECK(str_eq(find_field(fields, "return_code"), "SUCCESS", 7), current);
    }
    check_outcome(r, err);
    wpn_v2_fields_free(fields);

    wpn_v2_refund *refund = NULL;
    err = NULL;
    r = wpn_v2_verifier_parse_refund(v2_verifier, data, len, &refund, &err);
    if (r == WPN_OK) {
        wpn_str inner = {"x", 1};
        CHECK(!wpn_v2_fields_find(wpn_v2_refund_fields(refund), (const uint8_t *)"req_info", 8,
                                  &inner),
              current);
        CHECK(inner.data == NULL, current);
        CHECK(wpn_v2_refund_req_info(refund) != NULL, current);
    }
    check_outcome(r, err);
    wpn_v2_refund_free(refund);
}

/* ---- load_keys --------------------------------------------------------------------------- */

/* Verifiers built from a corpus input, each then checked against zero signatures. */
static size_t keys_checked;

/* A signature check with a verifier's only key: a response "signed" by it with an all-zero
 * signature of each RSA size, never valid: MALFORMED_SIGNATURE when the length is not the
 * key's, SIGNATURE_MISMATCH when it is, or KEY_EXPIRED first for a certificate that is not
 * valid at NOW (step 9 of docs/protocol.md). */
static void check_zero_signature(const wpn_verifier *v) {
    static char signature_b64[1400]; /* base64 of up to 1024 zero bytes (an 8192-bit key) */
    static const size_t sizes[] = {256, 384, 512, 1024}; /* RSA-2048, 3072, 4096, 8192 */
    char now[24];
    snprintf(now, sizeof now, "%d", NOW);
    wpn_str serial = key_id_of(v, 0);
    CHECK(serial.data != NULL && serial.len > 0, current);
    keys_checked++;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t bytes = sizes[s], b64 = 4 * ((bytes + 2) / 3);
        memset(signature_b64, 'A', b64);
        if (bytes % 3) memset(signature_b64 + b64 - (3 - bytes % 3), '=', 3 - bytes % 3);
        header_item items[4] = {{"Wechatpay-Serial", 16, serial.data, serial.len},
                                {"Wechatpay-Signature", 19, signature_b64, b64},
                                {"Wechatpay-Timestamp", 19, now, strlen(now)},
                                {"Wechatpay-Nonce", 15, "nonce", 5}};
        headers_t h = headers_pack(items, 4);
        wpn_error *err = NULL;
        wpn_result r = wpn_verifier_verify_response(v, HEADERS(h), (const uint8_t *)"message",
                                                    7, NOW, &err);
        headers_free(&h);
        CHECK(r == WPN_MALFORMED_SIGNATURE || r == WPN_SIGNATURE_MISMATCH ||
                  r == WPN_KEY_EXPIRED,
              current);
        check_outcome(r, err);
    }
}

/* The input as a public key and as a platform certificate, each in a verifier that, when it
 * builds, checks a signature with that key. */
static void run_load_keys(const uint8_t *data, size_t len) {
    wpn_error *err = NULL;
    wpn_result r;
    for (int as_certificate = 0; as_certificate < 2; as_certificate++) {
        wpn_verifier_builder *b = NULL;
        wpn_verifier *v = NULL;
        CHECK(wpn_verifier_builder_new(&b, NULL) == WPN_OK, current);
        CHECK(wpn_verifier_builder_apiv3_key(b, (const uint8_t *)APIV3_KEY, strlen(APIV3_KEY),
                                             NULL) == WPN_OK,
              current);
        err = NULL;
        if (as_certificate)
            r = wpn_verifier_builder_platform_certificate(b, data, len, &err);
        else
            r = wpn_verifier_builder_public_key(b, (const uint8_t *)PUBLIC_KEY_ID,
                                                strlen(PUBLIC_KEY_ID), data, len, &err);
        check_outcome(r, err);
        err = NULL;
        wpn_result built = wpn_verifier_builder_build(b, &v, &err);
        CHECK((built == WPN_OK) == (v != NULL), current);
        /* A key the builder refused leaves it without keys, so the build must fail too. */
        if (r != WPN_OK) CHECK(built != WPN_OK, current);
        if (built == WPN_OK) {
            CHECK(wpn_verifier_key_count(v) == 1, current);
            check_zero_signature(v);
        }
        check_outcome(built, err);
        wpn_verifier_free(v);
        wpn_verifier_builder_free(b);
    }
}

/* ---- runner ------------------------------------------------------------------------------ */

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feeds every regular file of dir/target, in name order, to run(); returns the count. */
static size_t replay(const char *dir, const char *target,
                     void (*run)(const uint8_t *, size_t)) {
    char folder[4096], path[8192];
    snprintf(folder, sizeof folder, "%s/%s", dir, target);
    DIR *d = opendir(folder);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", folder);
        exit(2);
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 256;
            names = realloc(names, cap * sizeof *names);
        }
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof *names, by_name);
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/%s", folder, names[i]);
        bytes_t input = read_file(path);
        current = path;
        run(input.data, input.len);
        bytes_free(&input);
        free(names[i]);
    }
    free(names);
    current = "";
    CHECK(count > 0, folder);
    return count;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: wpn_corpus_tests CORPUS_DIR\n");
        return 2;
    }
    v3_setup();
    v2_setup();
    size_t parse_v3 = replay(argv[1], "parse_v3", run_parse_v3);
    size_t decrypt = replay(argv[1], "decrypt_resource", run_decrypt_resource);
    size_t v2 = replay(argv[1], "v2_xml", run_v2_xml);
    size_t keys = replay(argv[1], "load_keys", run_load_keys);
    wpn_verifier_free(v3_verifier);
    wpn_v2_verifier_free(v2_verifier);
    printf("corpus inputs: parse_v3 %zu, decrypt_resource %zu, v2_xml %zu, load_keys %zu "
           "(%zu built a verifier)\n",
           parse_v3, decrypt, v2, keys, keys_checked);
    printf("%lu passed, %lu failed\n", wpn_test_passed, wpn_test_failed);
    return wpn_test_failed == 0 && wpn_test_passed > 0 ? 0 : 1;
}
