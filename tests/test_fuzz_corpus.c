/* test_fuzz_corpus.c - every reader's fuzz target (tests/support/fuzz_targets.c) replayed over
 * the committed corpus (tests/fuzz/corpus/<target>/), with the normal build: `make test` never
 * needs clang, and an input the fuzzer once found stays a test. A file named good-* must be
 * read, bad-* rejected with one line of error; anything else only must not crash. The results
 * reader is also fed the good file cut short and with bytes changed, deterministically. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/fuzz_targets.h"

#define CORPUS "tests/fuzz/corpus/"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    unsigned char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay(const char *target, int *n_good, int *n_bad)
{
    int t = sendsim_fuzz_find(target);
    assert_true(t >= 0);
    char dir[128];
    snprintf(dir, sizeof dir, CORPUS "%s", target);
    struct dirent **e = NULL;
    int n = scandir(dir, &e, NULL, by_name);
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        const char *name = e[i]->d_name;
        if (name[0] != '.') {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            size_t len;
            unsigned char *b = slurp(path, &len);
            int rc = sendsim_fuzz_run(t, b, len);
            free(b);
            if (!strncmp(name, "good-", 5) && rc != 0)
                fail_msg("%s was rejected", path);
            if (!strncmp(name, "bad-", 4) && rc != 1)
                fail_msg("%s was accepted", path);
            *n_good += !strncmp(name, "good-", 5);
            *n_bad += !strncmp(name, "bad-", 4);
        }
        free(e[i]);
    }
    free(e);
}

static void test_corpus(void **state)
{
    (void)state;
    for (int i = 0; sendsim_fuzz_targets[i]; i++) {
        int good = 0, bad = 0;
        replay(sendsim_fuzz_targets[i], &good, &bad);
        if (good < 1)
            fail_msg("no good-* input for '%s'", sendsim_fuzz_targets[i]);
    }
}

/* Corrupted results files: cut at 40 lengths, and 200 single bytes changed (xorshift, fixed
 * seed). A cut file is always rejected; a changed byte too unless it lies in the unused rest of
 * the user block (after the checksum line); none may crash (libhdf5 1.10 crashed on some of
 * these before results files carried their SHA-256). */
static void test_results_corrupted(void **state)
{
    (void)state;
    int t = sendsim_fuzz_find("results");
    size_t len;
    unsigned char *good = slurp(CORPUS "results/good-run.h5", &len);
    unsigned char *b = malloc(len);
    assert_non_null(b);
    int rejected = 0;
    for (int k = 1; k <= 40; k++)
        rejected += sendsim_fuzz_run(t, good, len * (size_t)k / 41);
    assert_int_equal(rejected, 40); /* a results file cut short is never read */
    uint64_t x = 88172645463325252u;
    for (int k = 0; k < 200; k++) {
        memcpy(b, good, len);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t at = x % len;
        b[at] ^= (unsigned char)(1 + (x >> 32) % 255);
        int rc = sendsim_fuzz_run(t, b, len);
        if (rc != 1 && (at < 88 || at >= 512))
            fail_msg("a results file with byte %zu changed was read", at);
    }
    free(b);
    free(good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_results_corrupted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
