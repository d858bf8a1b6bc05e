/* Test runner: runs the suites and prints "N passed, N failed". */
#include "harness.h"

#include <stdlib.h>

static void usage(void) {
    fprintf(stderr,
            "usage: wpn_c_tests [--threads N] [--iterations N] [suite...]\n"
            "suites: vectors peers api threads (default: all)\n");
    exit(2);
}

int main(int argc, char **argv) {
    unsigned threads = 8, iterations = 10000;
    const char *only[8];
    int n_only = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            iterations = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (argv[i][0] != '-' && n_only < 8) {
            only[n_only++] = argv[i];
        } else {
            usage();
        }
    }
    static const struct {
        const char *name;
        void (*run)(void);
    } suites[] = {{"vectors", suite_vectors},
                  {"peers", suite_peers},
                  {"api", suite_api},
                  {"threads", NULL}};
    for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++) {
        int wanted = n_only == 0;
        for (int i = 0; i < n_only; i++) wanted |= strcmp(only[i], suites[s].name) == 0;
        if (!wanted) continue;
        unsigned long before = wpn_test_passed + wpn_test_failed;
        if (suites[s].run)
            suites[s].run();
        else
            suite_threads(threads, iterations);
        printf("suite %-10s %lu checks\n", suites[s].name,
               wpn_test_passed + wpn_test_failed - before);
    }
    printf("%lu passed, %lu failed\n", wpn_test_passed, wpn_test_failed);
    return wpn_test_failed == 0 && wpn_test_passed > 0 ? 0 : 1;
}
