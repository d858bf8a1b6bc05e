/* Benchmark (not a test): the C path, from a real C caller, on the same notification as
 * crates/wechatpay-notify-ffi/examples/ffi_overhead.rs (the first valid v3_parse case of the
 * default verifier). Prints the median time per parse over ROUNDS rounds of ITERATIONS.
 * Built and run by scripts/bench-c.sh. */
#include "harness.h"

#include <stdlib.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 21;
    int iterations = argc > 2 ? atoi(argv[2]) : 2000;
    json_t *root = load_vectors("notifications.json");
    const json_t *chosen = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c) {
        if (strcmp(jstr(c, "type", NULL), "v3_parse") == 0 &&
            strcmp(jstr(c, "verifier", NULL), "default") == 0 &&
            json_is_true(json_object_get(json_object_get(c, "expect"), "ok"))) {
            chosen = c;
            break;
        }
    }
    if (!chosen) return 2;
    wpn_verifier *v = NULL;
    if (build_verifier(json_object_get(json_object_get(root, "verifiers"), "default"), &v,
                       NULL) != WPN_OK)
        return 2;
    headers_t h = headers_from_json(json_object_get(chosen, "headers"));
    bytes_t body = hex_decode(jstr(chosen, "body_hex", NULL));
    int64_t now = json_integer_value(json_object_get(chosen, "now"));

    double *per_op = calloc((size_t)rounds + 1, sizeof *per_op);
    volatile size_t sink = 0;
    for (int r = -1; r < rounds; r++) { /* round -1 warms up */
        double start = now_seconds();
        for (int k = 0; k < iterations; k++) {
            wpn_notification *n = NULL;
            wpn_envelope e; /* filled by the same call, as in ffi_overhead.rs */
            if (wpn_verifier_parse(v, HEADERS(h), body.data, body.len, now, &n, &e, NULL) !=
                WPN_OK)
                return 1;
            sink += e.id.len + e.plaintext.len;
            wpn_notification_free(n);
        }
        if (r >= 0) per_op[r] = (now_seconds() - start) / iterations;
    }
    qsort(per_op, (size_t)rounds, sizeof *per_op, compare);
    printf("C harness  wpn_verifier_parse:    median %8.2f us   min %8.2f us (%d x %d)\n",
           per_op[rounds / 2] * 1e6, per_op[0] * 1e6, rounds, iterations);
    free(per_op);
    bytes_free(&body);
    headers_free(&h);
    wpn_verifier_free(v);
    json_decref(root);
    return sink == 0;
}
