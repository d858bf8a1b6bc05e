/* Shared helpers of the C tests: assertions with counters, files, hex, JSON access, and
 * one-line readers of the accessors that fill a caller struct (docs/c-abi.md). */
#ifndef WPN_TEST_HARNESS_H
#define WPN_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "wechatpay_notify.h"

/* Counters of passed and failed checks (updated atomically: threads use CHECK too). */
extern unsigned long wpn_test_passed;
extern unsigned long wpn_test_failed;

void wpn_test_record(int ok, const char *file, int line, const char *what, const char *ctx);

/* CHECK(cond, ctx): records one check; prints the failing expression and ctx (a case name). */
#define CHECK(cond, ctx) wpn_test_record((cond) ? 1 : 0, __FILE__, __LINE__, #cond, (ctx))

/* A growable byte buffer owned by the tests. */
typedef struct {
    uint8_t *data;
    size_t len;
} bytes_t;

bytes_t read_file(const char *path);
bytes_t hex_decode(const char *hex);
void bytes_free(bytes_t *b);

/* The repository's tests/vectors directory (from WPN_VECTORS_DIR, else tests/vectors). */
const char *vectors_dir(void);
json_t *load_vectors(const char *relative);

/* A string member of a JSON object as (pointer, length); NULL/0 if absent. */
const char *jstr(const json_t *obj, const char *key, size_t *len);

/* True when a wpn_str equals len bytes at expected. */
int str_eq(wpn_str s, const char *expected, size_t len);
/* True when a wpn_str equals a JSON string member. */
int str_eq_json(wpn_str s, const json_t *obj, const char *key);

/* The accessors' values, for checks that only need the value: each calls the accessor with a
 * local struct and returns what it wrote (the empty value when it returns false). */
wpn_str message_of(const wpn_error *error);
wpn_envelope envelope_of(const wpn_notification *notification);
wpn_http_response response_of(const wpn_reply *reply);
wpn_check check_of(const wpn_diagnosis *diagnosis, size_t index);
wpn_str key_id_of(const wpn_verifier *verifier, size_t index);
wpn_certificate certificate_of(const wpn_certificates *certificates, size_t index);
wpn_str find_field(const wpn_v2_fields *fields, const char *name);

/* True when every view of the envelope is {NULL, 0} and the timestamp 0 (the empty value). */
int envelope_is_empty(const wpn_envelope *e);
/* True when two envelopes are the same views (equal pointers and lengths, field by field)
 * and the same timestamp: both borrow from the same notification. */
int envelope_same(const wpn_envelope *a, const wpn_envelope *b);

/* A request's headers in the packed form the C ABI takes (docs/c-abi.md, "Inputs"): every
 * name and value back to back in `bytes` (`bytes_len` bytes), and `2 * count` lengths in
 * `lens` (each header's name length, then its value length). Owns its memory (headers_free). */
typedef struct {
    uint8_t *bytes;
    size_t bytes_len;
    size_t *lens;
    size_t count;
} headers_t;

/* The four header arguments of wpn_verifier_parse/verify/verify_response/diagnose. */
#define HEADERS(h) (h).bytes, (h).bytes_len, (h).lens, (h).count
/* The last two of them (header_lens, header_count), for calls that change the buffer. */
#define HEADERS_LENS(h) (h).lens, (h).count

/* One header as (pointer, length) pairs: what tests edit before packing. A NULL pointer is
 * allowed with a zero length. */
typedef struct {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} header_item;

/* Packs `count` items (copies their bytes). */
headers_t headers_pack(const header_item *items, size_t count);
/* Packs a JSON array of [name, value] pairs or an object {name: value}. */
headers_t headers_from_json(const json_t *pairs_or_object);
/* The items of packed headers, pointing into h->bytes: a new array of h->count items (at
 * least one allocated) to edit and pack again; free it with free(). */
header_item *headers_items(const headers_t *h);
/* The value of the first header named `name` (ASCII case-insensitive, the core's rule), or
 * NULL when there is none. */
const char *headers_find(const headers_t *h, const char *name, size_t *value_len);
/* Sets the value of every header named `name` (ASCII case-insensitive) in items. */
void items_set_value(header_item *items, size_t count, const char *name, const char *value,
                     size_t value_len);
void headers_free(headers_t *h);

/* Builds a verifier from a vector configuration {apiv3_key, public_keys, certificates, ...}.
 * Returns the build result; *out is NULL unless WPN_OK; *error_out as the library sets it. */
wpn_result build_verifier(const json_t *config, wpn_verifier **out, wpn_error **error_out);

/* The test suites (each in its own file). */
void suite_vectors(void);
void suite_peers(void);
void suite_api(void);
void suite_threads(unsigned threads, unsigned iterations);

#endif
