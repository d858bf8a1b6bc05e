/* Many threads sharing one verifier, each parsing many notifications. */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    const wpn_verifier *verifier;
    const headers_t *headers;
    const bytes_t *bodies;
    const json_t *const *expected; /* the expect object of each case */
    size_t cases;
    int64_t now;
    unsigned iterations;
    unsigned offset;
    unsigned long correct;
} worker_t;

static void *work(void *arg) {
    worker_t *w = arg;
    for (unsigned i = 0; i < w->iterations; i++) {
        size_t k = (i + w->offset) % w->cases;
        wpn_notification *n = NULL;
        wpn_envelope e;
        wpn_result rc = wpn_verifier_parse(w->verifier, HEADERS(w->headers[k]),
                                           w->bodies[k].data, w->bodies[k].len, w->now, &n, &e,
                                           NULL);
        wpn_envelope again;
        if (rc == WPN_OK && wpn_notification_envelope(n, &again) && envelope_same(&e, &again) &&
            str_eq_json(e.id, w->expected[k], "id") &&
            str_eq_json(e.plaintext, w->expected[k], "plaintext"))
            w->correct++;
        wpn_notification_free(n);
    }
    return NULL;
}

void suite_threads(unsigned threads, unsigned iterations) {
    json_t *root = load_vectors("notifications.json");
    const json_t *cfg = json_object_get(json_object_get(root, "verifiers"), "default");
    wpn_verifier *v = NULL;
    CHECK(build_verifier(cfg, &v, NULL) == WPN_OK, "threads verifier");
    /* The valid notifications of the default verifier that share one `now`. */
    size_t n_cases = json_array_size(json_object_get(root, "cases"));
    headers_t *headers = calloc(n_cases, sizeof *headers);
    bytes_t *bodies = calloc(n_cases, sizeof *bodies);
    const json_t **expected = calloc(n_cases, sizeof *expected);
    size_t count = 0, i;
    int64_t now = 0;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c) {
        int64_t case_now = json_integer_value(json_object_get(c, "now"));
        if (strcmp(jstr(c, "type", NULL), "v3_parse") != 0 ||
            strcmp(jstr(c, "verifier", NULL), "default") != 0 ||
            !json_is_true(json_object_get(json_object_get(c, "expect"), "ok")) ||
            (count > 0 && case_now != now))
            continue;
        now = case_now;
        headers[count] = headers_from_json(json_object_get(c, "headers"));
        bodies[count] = hex_decode(jstr(c, "body_hex", NULL));
        expected[count] = json_object_get(c, "expect");
        count++;
    }
    CHECK(count >= 2, "threads: several valid cases");

    pthread_t *ids = calloc(threads, sizeof *ids);
    worker_t *workers = calloc(threads, sizeof *workers);
    for (unsigned t = 0; t < threads; t++) {
        worker_t w = {v, headers, bodies, expected, count, now, iterations, t, 0};
        workers[t] = w;
        CHECK(pthread_create(&ids[t], NULL, work, &workers[t]) == 0, "pthread_create");
    }
    unsigned long total = 0;
    for (unsigned t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        CHECK(workers[t].correct == iterations, "every parse in the thread correct");
        total += workers[t].correct;
    }
    CHECK(total == (unsigned long)threads * iterations, "all parses correct");
    printf("threads: %u threads x %u parses sharing one verifier, %lu correct\n", threads,
           iterations, total);
    for (size_t k = 0; k < count; k++) {
        headers_free(&headers[k]);
        bytes_free(&bodies[k]);
    }
    free(headers);
    free(bodies);
    free(expected);
    free(ids);
    free(workers);
    wpn_verifier_free(v);
    json_decref(root);
}
