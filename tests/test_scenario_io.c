/* test_scenario_io.c - the scenario-file reader: loading, extends, typed getters, the exact
 * one-line error for every kind of bad input, unknown keys, dump round trip, step series.
 *
 * Fixtures live in tests/data/scenario/ (tests run from the repository root). Error tests
 * compare the whole message, so a wrong line, column or key path fails them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/test_util.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "scenario_io.h"
#include "send_scenario.h"

#define DATA "tests/data/scenario/"

/* Exact to rounding: values here are parsed decimals times exact unit factors. */
#define assert_num(a, b) assert_close(a, b, 1e-12 * fmax(1.0, fabs((double)(b))))

static scn_doc *load_ok(const char *text)
{
    des_error err;
    scn_doc *d = scn_load_string("t.yaml", text, &err);
    if (!d)
        fail_msg("unexpected load error: %s", err.msg);
    return d;
}

static scn_doc *file_ok(const char *path)
{
    des_error err;
    scn_doc *d = scn_load(path, &err);
    if (!d)
        fail_msg("unexpected load error: %s", err.msg);
    return d;
}

/* The load must fail with exactly `want`. */
static void load_fails(const char *text, const char *want)
{
    des_error err;
    scn_doc *d = scn_load_string("t.yaml", text, &err);
    if (d) {
        scn_free(d);
        fail_msg("load succeeded, expected: %s", want);
    }
    assert_string_equal(err.msg, want);
}

static void file_fails(const char *path, const char *want, int code)
{
    des_error err;
    scn_doc *d = scn_load(path, &err);
    if (d) {
        scn_free(d);
        fail_msg("load of %s succeeded, expected: %s", path, want);
    }
    assert_string_equal(err.msg, want);
    assert_int_equal(err.code, code);
}

/* The document must have failed with exactly `want`; frees it. */
static void doc_failed(scn_doc *d, const char *want)
{
    assert_false(scn_ok(d));
    assert_string_equal(scn_error(d)->msg, want);
    assert_int_equal(scn_error(d)->code, DES_EINPUT);
    scn_free(d);
}

static int days_ymd(des_date d, int y, int m, int dd)
{
    return d == des_date_from_ymd(y, m, dd);
}

/* ---- a successful load reading every getter kind ---------------------------------------- */

static const char *const queues[] = { "fifo", "priority" };
static const char *const provisions[] = { "mainstream", "special", "independent", "alternative" };

/* Read everything in full.yaml (or its dump) and check the exact values. */
static void read_full(scn_doc *d)
{
    const scn_node *root = scn_root(d), *n;
    const char *s;
    long l;
    double x;
    int b, e;
    des_date dt;

    assert_int_equal(scn_str(d, root, "name", &s), 1);
    assert_string_equal(s, "Test county");
    assert_int_equal(scn_date(d, root, "start", &dt), 1);
    assert_true(days_ymd(dt, 2019, 9, 1));
    assert_int_equal(scn_int(d, root, "years", 1, 100, &l), 1);
    assert_int_equal(l, 12);
    assert_int_equal(scn_int(d, root, "replications", 1, LONG_MAX, &l), 1);
    assert_int_equal(l, 1000);
    assert_int_equal(scn_int(d, root, "seed", LONG_MIN, LONG_MAX, &l), 1);
    assert_int_equal(l, -42);
    assert_int_equal(scn_bool(d, root, "verbose", &b), 1);
    assert_int_equal(b, 1);
    assert_int_equal(scn_enum(d, root, "queue", queues, 2, &e), 1);
    assert_int_equal(e, 1);
    assert_int_equal(scn_num(d, root, "rate", 0, 1, &x), 1);
    assert_num(x, 0.25);

    const scn_node *as = NULL, *ep = NULL;
    assert_int_equal(scn_map(d, root, "assessment", &as), 1);
    assert_int_equal(scn_map(d, as, "ep", &ep), 1);
    assert_string_equal(scn_keypath(ep), "assessment.ep");
    assert_int_equal(scn_num(d, ep, "fte", 0, 100, &x), 1);
    assert_num(x, 3.5);
    assert_int_equal(scn_num(d, ep, "hours", 0, 1e6, &x), 1);
    assert_num(x, 26000);
    assert_int_equal(scn_duration(d, as, "deadline", 0, 365, &x), 1);
    assert_num(x, 140);
    assert_int_equal(scn_duration(d, as, "review", 0, 365, &x), 1);
    assert_num(x, 42);
    assert_int_equal(scn_duration(d, as, "travel", 0, 365, &x), 1);
    assert_num(x, 3);
    assert_int_equal(scn_duration(d, as, "gap", 0, 365, &x), 1);
    assert_num(x, 1.5 * 365.25 / 12);
    assert_int_equal(scn_duration(d, as, "horizon", 0, 1000, &x), 1);
    assert_num(x, 730.5);
    assert_int_equal(scn_duration(d, as, "week", 0, 365, &x), 1);
    assert_num(x, 7);

    des_dist dist;
    assert_int_equal(scn_dist(d, as, "duration", &dist), 1);
    assert_int_equal(dist.kind, DES_DIST_LOGNORMAL);
    assert_num(des_dist_mean(&dist), 84);          /* 12 weeks */
    assert_close(des_dist_var(&dist), 784, 1e-9);  /* (4 weeks)^2 */
    des_dist_free(&dist);

    const scn_node *ds = NULL;
    assert_int_equal(scn_map(d, root, "dists", &ds), 1);
    static const struct { const char *key; int kind; double mean, var; } want[] = {
        { "c", DES_DIST_CONSTANT, 14, 0 },
        { "e", DES_DIST_EXPONENTIAL, 10, 100 },
        { "g1", DES_DIST_GAMMA, 10, 25 },
        { "g2", DES_DIST_GAMMA, 42, 2 * 21.0 * 21.0 },
        { "w", DES_DIST_WEIBULL, 5, 25 },              /* shape 1: exponential with mean 5 */
        { "t", DES_DIST_TRIANGULAR, 3, (1 + 4 + 36 - 2 - 6 - 12) / 18.0 },
        { "u", DES_DIST_UNIFORM, 2 * 365.25 / 12, (2 * 365.25 / 12) * (2 * 365.25 / 12) / 12 },
        { "emp", DES_DIST_EMPIRICAL, 10, -1 },
        { "disc", DES_DIST_DISCRETE, 2.3, 0.2 + 0.3 * 4 + 0.5 * 9 - 2.3 * 2.3 },
        { "poi", DES_DIST_POISSON, 4, 4 },
        { "bin", DES_DIST_BINOMIAL, 2, 8 * 0.25 * 0.75 },
        { "dur", DES_DIST_CONSTANT, 14, 0 },
        { "durmap", DES_DIST_CONSTANT, 365.25, 0 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        memset(&dist, 0, sizeof dist);
        if (scn_dist(d, ds, want[i].key, &dist) != 1)
            fail_msg("dists.%s: %s", want[i].key, scn_error(d)->msg);
        assert_int_equal(dist.kind, want[i].kind);
        assert_close(des_dist_mean(&dist), want[i].mean, 1e-9 * fmax(1, want[i].mean));
        if (want[i].var >= 0)
            assert_close(des_dist_var(&dist), want[i].var, 1e-9 * fmax(1, want[i].var));
        des_dist_free(&dist);
    }

    double mix[4] = { -1, -1, -1, -1 };
    assert_int_equal(scn_shares(d, root, "placement_mix", provisions, 4, mix), 1);
    assert_num(mix[0], 0.5);
    assert_num(mix[1], 0.3);
    assert_num(mix[2], 0.2);
    assert_num(mix[3], 0);

    scn_series ser;
    assert_int_equal(scn_series_get(d, root, "demand", 0, 1000, &ser), 1);
    assert_int_equal(ser.n, 3);
    assert_true(days_ymd(ser.from[0], 2019, 1, 1));
    assert_true(days_ymd(ser.from[1], 2021, 1, 1));
    assert_true(days_ymd(ser.from[2], 2023, 9, 1));
    assert_num(ser.value[1], 120.5);
    scn_series_free(&ser);

    const scn_node *np = NULL;
    assert_int_equal(scn_seq(d, root, "new_places", &np), 1);
    assert_int_equal(scn_len(np), 2);
    static const char *const names[] = { "Oak", "Elm" };
    static const int opening[][3] = { { 2021, 9, 1 }, { 2022, 1, 4 } };
    static const long places[] = { 40, 25 };
    for (size_t i = 0; i < scn_len(np); i++) {
        n = scn_at(d, np, i);
        assert_int_equal(scn_kind_of(n), SCN_MAP);
        assert_int_equal(scn_str(d, n, "name", &s), 1);
        assert_string_equal(s, names[i]);
        assert_int_equal(scn_date(d, n, "opening", &dt), 1);
        assert_true(days_ymd(dt, opening[i][0], opening[i][1], opening[i][2]));
        assert_int_equal(scn_int(d, n, "places", 0, 1000, &l), 1);
        assert_int_equal(l, places[i]);
    }
    assert_string_equal(scn_keypath(scn_at(d, np, 1)), "new_places[1]");

    assert_int_equal(scn_check_unknown(d), 0);
    assert_true(scn_ok(d));
}

static void test_full_every_getter(void **state)
{
    (void)state;
    scn_doc *d = file_ok(DATA "full.yaml");
    assert_string_equal(scn_path(d), DATA "full.yaml");
    read_full(d);
    scn_free(d);
}

static void test_dump_round_trip(void **state)
{
    (void)state;
    scn_doc *d = file_ok(DATA "full.yaml");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(scn_dump(d, f), 0);
    fclose(f);
    scn_free(d);

    /* Block style, no flow collections, comments dropped, quoted strings stay quoted. */
    assert_null(strchr(buf, '{'));
    assert_null(strchr(buf, '#'));
    assert_non_null(strstr(buf, "name: \"Test county\"\n"));
    assert_non_null(strstr(buf, "  ep:\n    fte: 3.5\n"));

    scn_doc *r = load_ok(buf);
    read_full(r);
    scn_free(r);

    /* A dump of the dump is identical: the dump is a fixed point. */
    r = load_ok(buf);
    char *buf2 = NULL;
    size_t len2 = 0;
    f = open_memstream(&buf2, &len2);
    assert_int_equal(scn_dump(r, f), 0);
    fclose(f);
    assert_string_equal(buf, buf2);
    scn_free(r);
    free(buf);
    free(buf2);
}

static void test_dump_tricky_scalars(void **state)
{
    (void)state;
    scn_doc *d = load_ok("a: \"12\"\n"
                         "b: 'yes'\n"
                         "c: \"two\\nlines\\t\\\"q\\\" \\\\\"\n"
                         "\"key: colon\": \"# not a comment\"\n"
                         "e: \"\"\n"
                         "f: ~\n"
                         "g: []\n"
                         "h: {}\n"
                         "i: [[1, 2], [], {x: 1, y: [a]}]\n"
                         "j: -3\n"
                         "k: \" padded \"\n"
                         "l: \"---\"\n"
                         "? \"\"\n"
                         ": empty key\n");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(scn_dump(d, f), 0);
    fclose(f);
    scn_doc *r = load_ok(buf);
    const scn_node *root = scn_root(r);
    const char *s;
    double x;
    assert_int_equal(scn_str(r, root, "a", &s), 1);
    assert_string_equal(s, "12");
    assert_int_equal(scn_num(r, root, "a", 0, 100, &x), -1);   /* still a string */
    scn_free(r);
    r = load_ok(buf);
    root = scn_root(r);
    assert_int_equal(scn_str(r, root, "c", &s), 1);
    assert_string_equal(s, "two\nlines\t\"q\" \\");
    assert_int_equal(scn_str(r, root, "key: colon", &s), 1);
    assert_string_equal(s, "# not a comment");
    assert_int_equal(scn_str(r, root, "e", &s), 1);
    assert_string_equal(s, "");
    assert_int_equal(scn_kind_of(scn_get(r, root, "f")), SCN_NULL);
    assert_int_equal(scn_kind_of(scn_get(r, root, "g")), SCN_SEQ);
    assert_int_equal(scn_kind_of(scn_get(r, root, "h")), SCN_MAP);
    const scn_node *i = scn_get(r, root, "i");
    assert_int_equal(scn_len(i), 3);
    assert_int_equal(scn_len(scn_at(r, i, 0)), 2);
    assert_int_equal(scn_len(scn_at(r, i, 1)), 0);
    assert_string_equal(scn_scalar(scn_at(r, scn_get(r, scn_at(r, i, 2), "y"), 0)), "a");
    assert_int_equal(scn_num(r, root, "j", -10, 10, &x), 1);
    assert_num(x, -3);
    assert_int_equal(scn_str(r, root, "k", &s), 1);
    assert_string_equal(s, " padded ");
    assert_int_equal(scn_str(r, root, "l", &s), 1);
    assert_string_equal(s, "---");
    assert_int_equal(scn_str(r, root, "", &s), 1);
    assert_string_equal(s, "empty key");
    assert_true(scn_ok(r));
    scn_free(r);
    scn_free(d);
    free(buf);
}

/* ---- absent keys, navigation, null values ----------------------------------------------- */

static void test_absent_and_navigation(void **state)
{
    (void)state;
    scn_doc *d = load_ok("m:\n  k: v\nempty:\nlist: [1, 2]\n");
    const scn_node *root = scn_root(d), *m = NULL;
    double x = 7;
    long l = 7;
    int b = 7;
    const char *s = "untouched";
    des_date dt = 7;
    des_dist dist = { .kind = DES_DIST_POISSON };
    scn_series ser = { 0, NULL, NULL };
    double sh[2] = { 7, 7 };

    /* Absent keys: 0, outputs untouched; a NULL map is absent too. */
    assert_int_equal(scn_num(d, root, "nope", 0, 1, &x), 0);
    assert_int_equal(scn_int(d, NULL, "nope", 0, 1, &l), 0);
    assert_int_equal(scn_bool(d, root, "nope", &b), 0);
    assert_int_equal(scn_str(d, root, "nope", &s), 0);
    assert_int_equal(scn_date(d, root, "nope", &dt), 0);
    assert_int_equal(scn_duration(d, root, "nope", 0, 1, &x), 0);
    assert_int_equal(scn_dist(d, root, "nope", &dist), 0);
    assert_int_equal(scn_shares(d, root, "nope", queues, 2, sh), 0);
    assert_int_equal(scn_series_get(d, root, "nope", 0, 1, &ser), 0);
    assert_int_equal(scn_map(d, NULL, "nope", &m), 0);
    assert_null(scn_get(d, root, "nope"));
    assert_true(x == 7 && l == 7 && b == 7 && dt == 7 && sh[0] == 7);
    assert_string_equal(s, "untouched");
    assert_int_equal(dist.kind, DES_DIST_POISSON);
    assert_null(ser.from);

    /* A null value is an empty mapping or sequence, but not a number. */
    const scn_node *e = NULL;
    assert_int_equal(scn_map(d, root, "empty", &e), 1);
    assert_int_equal(scn_kind_of(e), SCN_NULL);
    assert_int_equal(scn_len(e), 0);
    assert_int_equal(scn_num(d, e, "inner", 0, 1, &x), 0);
    assert_int_equal(scn_seq(d, root, "empty", &e), 1);

    /* Navigation. */
    assert_int_equal(scn_map(d, root, "m", &m), 1);
    assert_int_equal(scn_len(m), 1);
    assert_string_equal(scn_key_at(m, 0), "k");
    assert_null(scn_key_at(m, 1));
    assert_string_equal(scn_scalar(scn_at(d, m, 0)), "v");
    assert_null(scn_at(d, m, 1));
    assert_string_equal(scn_keypath(scn_at(d, m, 0)), "m.k");
    assert_string_equal(scn_file(scn_at(d, m, 0)), "t.yaml");
    assert_int_equal(scn_line(scn_at(d, m, 0)), 2);
    assert_int_equal(scn_col(scn_at(d, m, 0)), 6);
    const scn_node *list = scn_get(d, root, "list");
    assert_null(scn_key_at(list, 0));
    assert_string_equal(scn_keypath(scn_at(d, list, 1)), "list[1]");
    assert_null(scn_scalar(list));
    assert_string_equal(scn_keypath(root), "");

    /* NULL-safe accessors. */
    assert_int_equal(scn_kind_of(NULL), SCN_NULL);
    assert_int_equal(scn_len(NULL), 0);
    assert_null(scn_scalar(NULL));
    assert_null(scn_at(d, NULL, 0));
    assert_int_equal(scn_node_num(d, NULL, 0, 1, &x), 0);
    assert_int_equal(scn_node_dist(d, NULL, &dist), 0);
    assert_int_equal(scn_check_unknown(d), 0);
    scn_free(d);
    scn_free(NULL);
    scn_series_free(NULL);
}

/* ---- YAML-level errors ------------------------------------------------------------------- */

static void test_yaml_syntax_error(void **state)
{
    (void)state;
    /* libfyaml places an unclosed flow sequence at the end of input. */
    file_fails(DATA "syntax.yaml",
               DATA "syntax.yaml:5:1: yaml: flow sequence without a closing bracket", DES_EINPUT);
    load_fails("a: 1\nb: \"unterminated\n",
               "t.yaml:2:5: yaml: double-quoted scalar without closing quote");
    load_fails("a:\n\tb: 1\n", "t.yaml:2:1: yaml: tab character may not be used as indentation");
    /* A parent's syntax error is reported in the parent. */
    file_fails(DATA "extends_syntax.yaml",
               DATA "syntax.yaml:5:1: yaml: flow sequence without a closing bracket", DES_EINPUT);
}

static void test_yaml_structure_errors(void **state)
{
    (void)state;
    load_fails("a: 1\nb:\n  c: 2\n  c: 3\n", "t.yaml:4:3: b.c: duplicate key");
    load_fails("list:\n  - x: 1\n    y: 2\n    x: 3\n", "t.yaml:4:5: list[0].x: duplicate key");
    load_fails("a: 1\n---\nb: 2\n", "t.yaml:2:1: yaml: expected a single document");
    load_fails("a: *nowhere\n", "t.yaml:1:4: yaml: undefined alias 'nowhere'");
    load_fails("a: &x [1, *x]\n", "t.yaml:1:11: yaml: alias 'x' refers to itself");
    load_fails("? [1, 2]\n: 3\n", "t.yaml:1:3: yaml: mapping keys must be scalars");
    load_fails("a: &x {b: 1}\nc:\n  <<: 5\n",
               "t.yaml:3:7: yaml: a merge key (<<) needs a mapping or a sequence of mappings");
}

static void test_anchors_aliases_merge(void **state)
{
    (void)state;
    scn_doc *d = load_ok("defaults: &d\n"
                         "  fte: 3\n"
                         "  hours: 100\n"
                         "extra: &e {bonus: 1}\n"
                         "team:\n"
                         "  <<: [*d, *e]\n"
                         "  hours: 200\n"
                         "copy: *d\n"
                         "quoted:\n"
                         "  \"<<\": not a merge\n");
    const scn_node *root = scn_root(d), *team = scn_get(d, root, "team");
    double x;
    assert_int_equal(scn_len(team), 3);              /* fte, bonus, hours */
    assert_string_equal(scn_key_at(team, 0), "fte");
    assert_string_equal(scn_key_at(team, 1), "bonus");
    assert_string_equal(scn_key_at(team, 2), "hours");
    assert_int_equal(scn_num(d, team, "hours", 0, 1e3, &x), 1);
    assert_num(x, 200);                               /* the explicit key wins */
    assert_int_equal(scn_num(d, team, "fte", 0, 1e3, &x), 1);
    assert_num(x, 3);
    /* A merged value keeps its own position (where the anchor defined it) and its new path. */
    const scn_node *fte = scn_get(d, team, "fte");
    assert_int_equal(scn_line(fte), 2);
    assert_string_equal(scn_keypath(fte), "team.fte");
    const scn_node *copy = scn_get(d, root, "copy");
    assert_int_equal(scn_len(copy), 2);
    assert_string_equal(scn_keypath(scn_get(d, copy, "hours")), "copy.hours");
    assert_string_equal(scn_scalar(scn_get(d, scn_get(d, root, "quoted"), "<<")), "not a merge");
    scn_free(d);

    /* Alias bombs stop at the node limit instead of eating memory. */
    char bomb[2048];
    size_t used = (size_t)snprintf(bomb, sizeof bomb, "a0: &a0 [x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++)
        used += (size_t)snprintf(bomb + used, sizeof bomb - used,
                                 "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i,
                                 i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    des_error err;
    assert_null(scn_load_string("bomb.yaml", bomb, &err));
    assert_non_null(strstr(err.msg, "too many nodes"));
}

/* Text the YAML parser never sees: invalid UTF-8 (libfyaml 0.7 loops forever on "%\x89"),
 * control characters, too much nesting; a merge key over a large map stays O(k log k). */
static void test_hostile_text(void **state)
{
    (void)state;
    load_fails("%\x89", "t.yaml:1:2: not valid UTF-8 (byte 0x89); save the file as UTF-8");
    load_fails("a: 1\nb: \xc3\xa9\xc0\xaf\n",
               "t.yaml:2:5: not valid UTF-8 (byte 0xc0); save the file as UTF-8"); /* overlong */
    load_fails("a: \xed\xa0\x80\n",
               "t.yaml:1:4: not valid UTF-8 (byte 0xed); save the file as UTF-8"); /* surrogate */
    load_fails("a: \xf4\x90\x80\x80\n",
               "t.yaml:1:4: not valid UTF-8 (byte 0xf4); save the file as UTF-8"); /* > U+10FFFF */
    load_fails("a: \xe2\x82\n", "t.yaml:1:4: not valid UTF-8 (byte 0xe2); save the file as UTF-8");
    load_fails("a: b\x01\n", "t.yaml:1:5: control character 0x01 in the text");
    scn_doc *d = load_ok("name: \"caf\xc3\xa9 \xf0\x9f\x98\x80\"\t# tab and 4-byte ok\r\n");
    assert_string_equal(scn_scalar(scn_get(d, scn_root(d), "name")), "caf\xc3\xa9 \xf0\x9f\x98\x80");
    scn_free(d);

    /* Depth: 64 levels load, 65 do not (100,000 would cost O(depth^2) in key paths). */
    char deep[100001];
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    deep[128] = '\0';
    d = load_ok(deep);
    scn_free(d);
    memset(deep, '[', 100000);
    deep[100000] = '\0';
    load_fails(deep, "t.yaml:1:65: yaml: nested deeper than 64 levels");

    /* Merge keys over a 150,000-key map: explicit keys win, the rest keep their order. */
    size_t nk = 150000, cap = nk * 24 + 64, used = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    used += (size_t)snprintf(big + used, cap - used, "base: &b\n");
    for (size_t i = 0; i < nk; i++)
        used += (size_t)snprintf(big + used, cap - used, "  k%zu: %zu\n", i, i);
    snprintf(big + used, cap - used, "top:\n  k7: explicit\n  <<: *b\n  k9: late\n");
    d = load_ok(big);
    free(big);
    const scn_node *top = scn_get(d, scn_root(d), "top");
    assert_int_equal(scn_len(top), nk);
    assert_string_equal(scn_key_at(top, 0), "k7");
    assert_string_equal(scn_scalar(scn_get(d, top, "k7")), "explicit");
    assert_string_equal(scn_key_at(top, 1), "k0");
    assert_string_equal(scn_key_at(top, nk - 1), "k9");
    assert_string_equal(scn_scalar(scn_get(d, top, "k9")), "late");
    assert_string_equal(scn_scalar(scn_get(d, top, "k149999")), "149999");
    scn_free(d);
}

/* ---- files and extends ------------------------------------------------------------------- */

static void test_missing_file(void **state)
{
    (void)state;
    file_fails(DATA "no_such_file.yaml",
               DATA "no_such_file.yaml: cannot open (No such file or directory)", DES_EIO);
    file_fails(DATA "nested", DATA "nested: cannot open (not a regular file)", DES_EIO);
    /* A device is never read: /dev/zero would be read forever. */
    file_fails("/dev/zero", "/dev/zero: cannot open (not a regular file)", DES_EIO);
    load_fails("extends: /dev/zero\n",
               "t.yaml:1:10: extends: cannot open '/dev/zero' (not a regular file)");
}

static void test_extends_errors(void **state)
{
    (void)state;
    file_fails(DATA "missing_parent.yaml",
               DATA "missing_parent.yaml:2:10: extends: cannot open 'no_such_parent.yaml' "
                    "(No such file or directory)", DES_EIO);
    /* a -> b -> a: the cycle closes in b. */
    file_fails(DATA "cycle_a.yaml", DATA "cycle_b.yaml:2:10: extends: cycle through 'cycle_a.yaml'",
               DES_EINPUT);
    file_fails(DATA "extends_not_string.yaml",
               DATA "extends_not_string.yaml:2:3: extends: expected a string (the file to extend)",
               DES_EINPUT);
    load_fails("extends: 3 weeks later\n",
               "t.yaml:1:10: extends: cannot open '3 weeks later' (No such file or directory)");
    load_fails("extends:\nname: x\n", "t.yaml:1:1: extends: expected a string (the file to extend)");
    load_fails("extends: " DATA "self.yaml\n",
               "t.yaml:1:10: extends: cannot open '" DATA "self.yaml' (No such file or directory)");
}

static void test_extends_chain(void **state)
{
    (void)state;
    scn_doc *d = file_ok(DATA "nested/leaf.yaml");
    const scn_node *root = scn_root(d), *as, *ep, *panel, *sit;
    const char *s;
    double x;
    long l;

    /* Scalars: the most derived file wins. Parents are named by the path that reached them. */
    assert_int_equal(scn_str(d, root, "name", &s), 1);
    assert_string_equal(s, "mid");
    const scn_node *name = scn_get(d, root, "name");
    assert_string_equal(scn_file(name), DATA "nested/../mid.yaml");
    assert_int_equal(scn_line(name), 2);
    assert_int_equal(scn_col(name), 7);

    /* Maps deep-merge across three files; each value keeps its own file and position. */
    as = scn_get(d, root, "assessment");
    ep = scn_get(d, as, "ep");
    assert_int_equal(scn_len(ep), 2);
    assert_int_equal(scn_num(d, ep, "fte", 0, 10, &x), 1);
    assert_num(x, 4);
    assert_string_equal(scn_file(scn_get(d, ep, "fte")), DATA "nested/../mid.yaml");
    assert_int_equal(scn_line(scn_get(d, ep, "fte")), 5);
    assert_int_equal(scn_num(d, ep, "hours", 0, 1e5, &x), 1);
    assert_num(x, 30000);
    assert_string_equal(scn_file(scn_get(d, ep, "hours")), DATA "nested/leaf.yaml");
    assert_int_equal(scn_line(scn_get(d, ep, "hours")), 5);
    assert_int_equal(scn_col(scn_get(d, ep, "hours")), 12);
    const scn_node *deadline = scn_get(d, as, "deadline");
    assert_string_equal(scn_file(deadline), DATA "nested/../base.yaml");
    assert_int_equal(scn_line(deadline), 8);
    assert_int_equal(scn_int(d, as, "officers", 0, 100, &l), 1);
    assert_int_equal(l, 6);

    /* A sequence said to replace the parent's does ({replace: [...]}). */
    panel = scn_get(d, root, "panel");
    sit = scn_get(d, panel, "sittings");
    assert_int_equal(scn_len(sit), 1);
    assert_string_equal(scn_scalar(scn_at(d, sit, 0)), "2");
    assert_int_equal(scn_int(d, panel, "capacity", 0, 100, &l), 1);
    assert_int_equal(l, 30);

    /* Keys from every level, in order: parent's first, then each child's new ones. */
    assert_string_equal(scn_key_at(root, 0), "name");
    assert_string_equal(scn_key_at(root, scn_len(root) - 3), "only_base");
    assert_string_equal(scn_key_at(root, scn_len(root) - 2), "only_mid");
    assert_string_equal(scn_key_at(root, scn_len(root) - 1), "leaf");
    assert_null(scn_get(d, root, "extends"));         /* consumed by the loader */

    /* Errors point into the file the bad value came from. */
    assert_int_equal(scn_num(d, root, "only_base", 5, 10, &x), -1);
    doc_failed(d, DATA "nested/../base.yaml:12:12: only_base: expected a number in [5, 10], got 1");
}

static void test_extends_from_string(void **state)
{
    (void)state;
    /* scn_load_string resolves extends relative to the working directory. */
    scn_doc *d = load_ok("extends: " DATA "base.yaml\nname: from a string\nassessment: {officers: 2}\n");
    const char *s;
    assert_int_equal(scn_str(d, scn_root(d), "name", &s), 1);
    assert_string_equal(s, "from a string");
    const scn_node *as = scn_get(d, scn_root(d), "assessment");
    assert_int_equal(scn_len(as), 3);                 /* ep, deadline, officers */
    /* The merged map takes the child's position. */
    assert_string_equal(scn_file(as), "t.yaml");
    assert_int_equal(scn_line(as), 3);
    /* Replacing a map by a scalar is allowed (wholesale). */
    scn_free(d);
    d = load_ok("extends: " DATA "base.yaml\nassessment: none\n");
    assert_string_equal(scn_scalar(scn_get(d, scn_root(d), "assessment")), "none");
    scn_free(d);
}

/* A list the parent also gives must say whether it adds or replaces; a series must not start
 * after the parent's (base.yaml: panel.sittings [1, 15]; series.yaml: trend from 2019). */
static void test_extends_lists(void **state)
{
    (void)state;
    load_fails("extends: " DATA "base.yaml\npanel:\n  sittings: [7]\n",
               "t.yaml:3:13: panel.sittings: '" DATA "base.yaml' also gives this list: say "
               "whether this one adds to it or replaces it, as 'sittings: {add: [...]}' or "
               "'sittings: {replace: [...]}'");
    load_fails("extends: " DATA "base.yaml\npanel:\n  sittings:\n  - 7\n",
               "t.yaml:4:3: panel.sittings: '" DATA "base.yaml' also gives this list: say "
               "whether this one adds to it or replaces it, as 'sittings: {add: [...]}' or "
               "'sittings: {replace: [...]}'");
    load_fails("extends: " DATA "base.yaml\npanel: {sittings: {add: 7}}\n",
               "t.yaml:2:25: panel.sittings: 'add' expects a list ('" DATA
               "base.yaml' gives a list here)");
    load_fails("extends: " DATA "base.yaml\npanel: {capacity: {add: [7]}}\n",
               "t.yaml:2:25: panel.capacity: 'add' needs a list in '" DATA
               "base.yaml' to add to; give the value itself (or {replace: ...})");

    /* add appends after the parent's entries, in order; replace drops them. */
    scn_doc *d = load_ok("extends: " DATA "base.yaml\npanel:\n  sittings: {add: [7, 9]}\n");
    const scn_node *sit = scn_get(d, scn_get(d, scn_root(d), "panel"), "sittings");
    assert_int_equal(scn_len(sit), 4);
    const char *want[] = { "1", "15", "7", "9" };
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(scn_scalar(scn_at(d, sit, i)), want[i]);
    assert_string_equal(scn_keypath(scn_at(d, sit, 3)), "panel.sittings[3]");
    assert_int_equal(scn_line(scn_at(d, sit, 2)), 3);
    scn_free(d);
    d = load_ok("extends: " DATA "base.yaml\npanel:\n  sittings: {replace: [7]}\n");
    sit = scn_get(d, scn_get(d, scn_root(d), "panel"), "sittings");
    assert_int_equal(scn_len(sit), 1);
    assert_string_equal(scn_scalar(scn_at(d, sit, 0)), "7");
    scn_free(d);
    /* A list the parent does not give needs no word; said anyway, the word is dropped. */
    d = load_ok("extends: " DATA "base.yaml\nshocks: {add: [1]}\nnew: {x: {replace: [2]}}\n");
    assert_string_equal(scn_scalar(scn_at(d, scn_get(d, scn_root(d), "shocks"), 0)), "1");
    assert_int_equal(scn_kind_of(scn_get(d, scn_get(d, scn_root(d), "new"), "x")), SCN_SEQ);
    scn_free(d);

    /* Series: a child's series starting later than the parent's would lose the early years. */
    load_fails("extends: " DATA "series.yaml\ntrend: {2020: 1.2, 2021: 1.3}\n",
               "t.yaml:2:8: trend: this series starts in 2020 but '" DATA "series.yaml' gives "
               "it from 2019, and a series replaces the parent's whole series: give its steps "
               "from 2019 too, or say 'trend: {replace: {...}}'");
    d = load_ok("extends: " DATA "series.yaml\ntrend: {replace: {2020: 1.2}}\n");
    assert_int_equal(scn_len(scn_get(d, scn_root(d), "trend")), 1);
    scn_free(d);
    d = load_ok("extends: " DATA "series.yaml\ntrend: {2019-06-01: 1.2}\n");
    assert_int_equal(scn_len(scn_get(d, scn_root(d), "trend")), 1);
    scn_free(d);
}

/* validate --diff: what a child changes relative to its parent, key by key. */
static void test_diff(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    des_error err;
    assert_int_equal(send_scenario_diff(DATA "diff_child.yaml", f, &err), DES_OK);
    fclose(f);
    assert_string_equal(text, "changes relative to " DATA "base.yaml:\n"
                              "name: base -> child\n"
                              "assessment.ep.fte: 3.5 -> 4\n"
                              "assessment.officers: (new) 2\n"
                              "panel.sittings: + 29\n"
                              "panel.sittings: + {day: 30}\n");
    free(text);
    f = fopen("/dev/null", "w");
    assert_int_equal(send_scenario_diff(DATA "base.yaml", f, &err), DES_EINPUT);
    fclose(f);
    assert_string_equal(err.msg, DATA "base.yaml:2:1: does not extend another scenario "
                                      "(no 'extends: FILE')");
}

/* ---- getter errors: one exact line each -------------------------------------------------- */

static void test_unknown_key_suggestion(void **state)
{
    (void)state;
    scn_doc *d = load_ok("assessment:\n  ep:\n    fte: 3\n    hourz: 100\n");
    const scn_node *as = scn_get(d, scn_root(d), "assessment"), *ep = scn_get(d, as, "ep");
    double x;
    assert_int_equal(scn_num(d, ep, "fte", 0, 10, &x), 1);
    assert_int_equal(scn_num(d, ep, "hours", 0, 1e5, &x), 0);
    assert_int_equal(scn_check_unknown(d), -1);
    doc_failed(d, "t.yaml:4:5: assessment.ep.hourz: unknown key (did you mean 'hours'?)");

    /* A typo of `extends` is recognised too. */
    d = load_ok("extend: base.yaml\nname: x\n");
    assert_int_equal(scn_str(d, scn_root(d), "name", &(const char *){ 0 }), 1);
    assert_int_equal(scn_check_unknown(d), -1);
    doc_failed(d, "t.yaml:1:1: extend: unknown key (did you mean 'extends'?)");
}

static void test_unknown_key_no_match(void **state)
{
    (void)state;
    scn_doc *d = load_ok("panel:\n  capacity: 30\n  sittings: [1]\n  zebra: 1\n");
    const scn_node *p = scn_get(d, scn_root(d), "panel");
    long l;
    const scn_node *s;
    assert_int_equal(scn_int(d, p, "capacity", 0, 100, &l), 1);
    assert_int_equal(scn_seq(d, p, "sittings", &s), 1);
    assert_int_equal(scn_int(d, p, "weekday", 0, 6, &l), 0);
    assert_int_equal(scn_check_unknown(d), -1);
    doc_failed(d, "t.yaml:4:3: panel.zebra: unknown key (expected one of: capacity, sittings, weekday)");

    /* Unknown keys inside sequence items, and a mapping nobody looked into. */
    d = load_ok("places:\n  - name: a\n  - name: b\n    nmae: c\nignored:\n  x: 1\n");
    const scn_node *pl = scn_get(d, scn_root(d), "places");
    const char *str;
    for (size_t i = 0; i < scn_len(pl); i++)
        assert_int_equal(scn_str(d, scn_at(d, pl, i), "name", &str), 1);
    assert_int_equal(scn_check_unknown(d), -1);
    doc_failed(d, "t.yaml:4:5: places[1].nmae: unknown key (did you mean 'name'?)");

    d = load_ok("seen: 1\nignored:\n  x: 1\n");
    assert_non_null(scn_get(d, scn_root(d), "seen"));
    assert_non_null(scn_get(d, scn_root(d), "ignored"));
    assert_int_equal(scn_check_unknown(d), -1);
    doc_failed(d, "t.yaml:3:3: ignored.x: unknown key");

    /* scn_consume exempts a subtree. */
    d = load_ok("notes:\n  anything: [goes]\n");
    scn_consume(d, scn_get(d, scn_root(d), "notes"));
    assert_int_equal(scn_check_unknown(d), 0);
    scn_free(d);
}

static void test_wrong_kinds(void **state)
{
    (void)state;
    double x;
    const scn_node *n;
    const char *s;
    int b;

    scn_doc *d = load_ok("assessment: 5\n");
    assert_int_equal(scn_map(d, scn_root(d), "assessment", &n), -1);
    doc_failed(d, "t.yaml:1:13: assessment: expected a mapping");

    d = load_ok("assessment: 5\n");
    assert_int_equal(scn_num(d, scn_get(d, scn_root(d), "assessment"), "fte", 0, 1, &x), -1);
    doc_failed(d, "t.yaml:1:13: assessment: expected a mapping");

    d = load_ok("a:\n  b: {c: 1}\n");
    assert_int_equal(scn_num(d, scn_get(d, scn_root(d), "a"), "b", 0, 1, &x), -1);
    doc_failed(d, "t.yaml:2:6: a.b: expected a number");

    d = load_ok("a: abc\n");
    assert_int_equal(scn_num(d, scn_root(d), "a", 0, 1, &x), -1);
    doc_failed(d, "t.yaml:1:4: a: expected a number");

    d = load_ok("a: \"5\"\n");                        /* quoted: a string */
    assert_int_equal(scn_num(d, scn_root(d), "a", 0, 10, &x), -1);
    doc_failed(d, "t.yaml:1:4: a: expected a number");

    d = load_ok("a: 1__000\n");
    assert_int_equal(scn_num(d, scn_root(d), "a", 0, 1e9, &x), -1);
    doc_failed(d, "t.yaml:1:4: a: expected a number");

    d = load_ok("list: {a: 1}\n");
    assert_int_equal(scn_seq(d, scn_root(d), "list", &n), -1);
    doc_failed(d, "t.yaml:1:7: list: expected a sequence");

    d = load_ok("name: [a, b]\n");
    assert_int_equal(scn_str(d, scn_root(d), "name", &s), -1);
    doc_failed(d, "t.yaml:1:7: name: expected a string");

    d = load_ok("flag: maybe\n");
    assert_int_equal(scn_bool(d, scn_root(d), "flag", &b), -1);
    doc_failed(d, "t.yaml:1:7: flag: expected true or false");

    d = load_ok("- 1\n- 2\n");                        /* the root itself */
    assert_int_equal(scn_num(d, scn_root(d), "a", 0, 1, &x), -1);
    doc_failed(d, "t.yaml:1:1: expected a mapping");

    d = load_ok("x: 1\n");
    assert_int_equal(scn_node_num(d, scn_root(d), 0, 1, &x), -1);
    doc_failed(d, "t.yaml:1:1: expected a number");
}

static void test_out_of_range(void **state)
{
    (void)state;
    double x;
    long l;
    scn_doc *d = load_ok("assessment:\n  ep:\n    fte: 250\n");
    const scn_node *ep = scn_get(d, scn_get(d, scn_root(d), "assessment"), "ep");
    assert_int_equal(scn_num(d, ep, "fte", 0, 100, &x), -1);
    doc_failed(d, "t.yaml:3:10: assessment.ep.fte: expected a number in [0, 100], got 250");

    d = load_ok("rate: -0.5\n");
    assert_int_equal(scn_num(d, scn_root(d), "rate", 0, HUGE_VAL, &x), -1);
    doc_failed(d, "t.yaml:1:7: rate: expected a number >= 0, got -0.5");

    d = load_ok("p: 1.5\n");
    assert_int_equal(scn_num(d, scn_root(d), "p", 0, 1, &x), -1);
    doc_failed(d, "t.yaml:1:4: p: expected a number in [0, 1], got 1.5");

    d = load_ok("years: 0\n");
    assert_int_equal(scn_int(d, scn_root(d), "years", 1, 50, &l), -1);
    doc_failed(d, "t.yaml:1:8: years: expected an integer in [1, 50], got 0");

    d = load_ok("n: 99999999999999999999\n");
    assert_int_equal(scn_int(d, scn_root(d), "n", 0, LONG_MAX, &l), -1);
    doc_failed(d, "t.yaml:1:4: n: expected an integer >= 0, got 99999999999999999999");
}

static void test_fractional_integer(void **state)
{
    (void)state;
    long l = 0;
    scn_doc *d = load_ok("new_places:\n  - places: 2.5\n");
    const scn_node *np = scn_get(d, scn_root(d), "new_places");
    assert_int_equal(scn_int(d, scn_at(d, np, 0), "places", 0, 100, &l), -1);
    doc_failed(d, "t.yaml:2:13: new_places[0].places: expected an integer, got 2.5");

    /* Integral values written with a fraction or an exponent are integers. */
    d = load_ok("a: 3.0\nb: 1e3\nc: ten\n");
    assert_int_equal(scn_int(d, scn_root(d), "a", 0, 10, &l), 1);
    assert_int_equal(l, 3);
    assert_int_equal(scn_int(d, scn_root(d), "b", 0, 10000, &l), 1);
    assert_int_equal(l, 1000);
    assert_int_equal(scn_int(d, scn_root(d), "c", 0, 10, &l), -1);
    doc_failed(d, "t.yaml:3:4: c: expected an integer");
}

static void test_bad_date(void **state)
{
    (void)state;
    des_date dt;
    scn_doc *d = load_ok("start: 2019-02-30\n");
    assert_int_equal(scn_date(d, scn_root(d), "start", &dt), -1);
    doc_failed(d, "t.yaml:1:8: start: expected a valid date (YYYY-MM-DD), got '2019-02-30'");

    d = load_ok("start: {y: 2019}\n");
    assert_int_equal(scn_date(d, scn_root(d), "start", &dt), -1);
    doc_failed(d, "t.yaml:1:8: start: expected a date (YYYY-MM-DD)");

    d = load_ok("leap: 2020-02-29\n");
    assert_int_equal(scn_date(d, scn_root(d), "leap", &dt), 1);
    assert_true(days_ymd(dt, 2020, 2, 29));
    scn_free(d);
}

static void test_durations(void **state)
{
    (void)state;
    double x;
    scn_doc *d = load_ok("assessment:\n  deadline: 20\n");
    const scn_node *as = scn_get(d, scn_root(d), "assessment");
    assert_int_equal(scn_duration(d, as, "deadline", 0, 365, &x), -1);
    doc_failed(d, "t.yaml:2:13: assessment.deadline: expected a duration with a unit, e.g. '6 weeks'");

    d = load_ok("a: 6 fortnights\n");
    assert_int_equal(scn_duration(d, scn_root(d), "a", 0, 365, &x), -1);
    doc_failed(d, "t.yaml:1:4: a: expected a duration with a unit, e.g. '6 weeks'");

    d = load_ok("a: 2 years\n");
    assert_int_equal(scn_duration(d, scn_root(d), "a", 0, 365, &x), -1);
    doc_failed(d, "t.yaml:1:4: a: expected a duration in [0, 365] days, got 730.5 days");

    d = load_ok("a: {value: 6, unit: fortnights}\n");
    assert_int_equal(scn_duration(d, scn_root(d), "a", 0, 365, &x), -1);
    doc_failed(d, "t.yaml:1:21: a.unit: expected one of: days, weeks, months, years");

    d = load_ok("a: {unit: weeks}\n");
    assert_int_equal(scn_duration(d, scn_root(d), "a", 0, 365, &x), -1);
    doc_failed(d, "t.yaml:1:4: a: missing key 'value'");

    d = load_ok("a: 0.5 day\nb: \"1_000 days\"\nc: 1 month\nd: -2 weeks\n");
    assert_int_equal(scn_duration(d, scn_root(d), "a", 0, 365, &x), 1);
    assert_num(x, 0.5);
    assert_int_equal(scn_duration(d, scn_root(d), "b", 0, 1e4, &x), 1);
    assert_num(x, 1000);
    assert_int_equal(scn_duration(d, scn_root(d), "c", 0, 365, &x), 1);
    assert_num(x, 365.25 / 12);
    assert_int_equal(scn_duration(d, scn_root(d), "d", -HUGE_VAL, HUGE_VAL, &x), 1);
    assert_num(x, -14);
    assert_int_equal(scn_duration(d, scn_root(d), "d", 0, HUGE_VAL, &x), -1);
    doc_failed(d, "t.yaml:4:4: d: expected a duration >= 0 days, got -14 days");
}

static void test_distribution_errors(void **state)
{
    (void)state;
    des_dist dist;
    scn_doc *d = load_ok("assessment:\n  duration:\n    dist: lognormal\n    mean: 12\n    sd: -3\n");
    const scn_node *as = scn_get(d, scn_root(d), "assessment");
    assert_int_equal(scn_dist(d, as, "duration", &dist), -1);
    doc_failed(d, "t.yaml:5:9: assessment.duration.sd: lognormal 'sd' must be positive, got -3");

    /* In weeks the message still quotes the number as written. */
    d = load_ok("t: {dist: triangular, unit: weeks, min: 1, mode: 9, max: 4}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:50: t.mode: triangular 'mode' must lie between 'min' 1 and 'max' 4, got 9");

    d = load_ok("t:\n  dist: lognormial\n  mean: 1\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:2:9: t.dist: expected one of: constant, exponential, gamma, lognormal, "
                  "weibull, triangular, uniform, empirical, discrete, poisson, binomial "
                  "(did you mean 'lognormal'?)");

    d = load_ok("t:\n  dist: zipf\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:2:9: t.dist: expected one of: constant, exponential, gamma, lognormal, "
                  "weibull, triangular, uniform, empirical, discrete, poisson, binomial");

    d = load_ok("t: {mean: 3}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:4: t: missing key 'dist'");

    d = load_ok("t: {dist: exponential}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:4: t: missing key 'mean'");

    d = load_ok("t: {dist: gamma, mean: 3, shape: 2}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:4: t: gamma takes either 'mean' and 'sd' or 'shape' and 'scale'");

    d = load_ok("t: {dist: empirical, x: [0, 5, 3], cdf: [0, 0.5, 1]}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:32: t.x[2]: empirical 'x' must be strictly increasing, got x[2] = 3 after 5");

    d = load_ok("t: {dist: discrete, values: [1, 2], p: [1]}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:40: t.p: expected 2 items (as many as 'values'), got 1");

    d = load_ok("t: {dist: binomial, p: 0.5, n: -1}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:32: t.n: expected an integer in [0, 4294967295], got -1");

    d = load_ok("t: [1, 2]\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:4: t: expected a distribution (a duration, or a mapping with 'dist')");

    d = load_ok("t: 12\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), -1);
    doc_failed(d, "t.yaml:1:4: t: expected a duration with a unit, e.g. '6 weeks'");

    /* Unknown parameters and units on counts go through the unknown-key check. */
    d = load_ok("t: {dist: exponential, mean: 3, sd: 1}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), 1);
    des_dist_free(&dist);
    assert_int_equal(scn_check_unknown(d), -1);
    doc_failed(d, "t.yaml:1:33: t.sd: unknown key (expected one of: dist, unit, mean)");

    d = load_ok("t: {dist: poisson, mean: 3, unit: weeks}\n");
    assert_int_equal(scn_dist(d, scn_root(d), "t", &dist), 1);
    des_dist_free(&dist);
    assert_int_equal(scn_check_unknown(d), -1);
    doc_failed(d, "t.yaml:1:29: t.unit: unknown key (expected one of: dist, mean)");
}

static void test_shares_errors(void **state)
{
    (void)state;
    double out[4] = { 9, 9, 9, 9 };
    scn_doc *d = load_ok("mix:\n  mainstream: 0.5\n  special: 0.27\n  independent: 0.2\n");
    assert_int_equal(scn_shares(d, scn_root(d), "mix", provisions, 4, out), -1);
    assert_true(out[0] == 9);                         /* untouched on error */
    doc_failed(d, "t.yaml:2:3: mix: shares must sum to 1, got 0.97");

    d = load_ok("mix:\n  mainstream: 0.5\n  specal: 0.5\n");
    assert_int_equal(scn_shares(d, scn_root(d), "mix", provisions, 4, out), -1);
    doc_failed(d, "t.yaml:3:3: mix.specal: unknown key (did you mean 'special'?)");

    d = load_ok("mix:\n  hospital: 1\n");
    assert_int_equal(scn_shares(d, scn_root(d), "mix", queues, 2, out), -1);
    doc_failed(d, "t.yaml:2:3: mix.hospital: unknown key (expected one of: fifo, priority)");

    d = load_ok("mix: {fifo: 1.2}\n");
    assert_int_equal(scn_shares(d, scn_root(d), "mix", queues, 2, out), -1);
    doc_failed(d, "t.yaml:1:13: mix.fifo: expected a number in [0, 1], got 1.2");

    /* Within the tolerance is fine. */
    d = load_ok("mix: {fifo: 0.3333, priority: 0.6666}\n");
    assert_int_equal(scn_shares(d, scn_root(d), "mix", queues, 2, out), 1);
    assert_num(out[0], 0.3333);
    assert_int_equal(scn_check_unknown(d), 0);
    scn_free(d);
}

static void test_series_errors(void **state)
{
    (void)state;
    scn_series s = { 0, NULL, NULL };
    scn_doc *d = load_ok("demand:\n  2019: 10\n  2021: 12\n  2020: 11\n");
    assert_int_equal(scn_series_get(d, scn_root(d), "demand", 0, 100, &s), -1);
    assert_null(s.from);
    doc_failed(d, "t.yaml:4:3: demand.2020: keys must be strictly increasing, got 2020 after 2021");

    d = load_ok("demand:\n  2019: 10\n  2019-01-01: 12\n");
    assert_int_equal(scn_series_get(d, scn_root(d), "demand", 0, 100, &s), -1);
    doc_failed(d, "t.yaml:3:3: demand.2019-01-01: keys must be strictly increasing, got 2019-01-01 after 2019");

    d = load_ok("demand:\n  next year: 10\n");
    assert_int_equal(scn_series_get(d, scn_root(d), "demand", 0, 100, &s), -1);
    doc_failed(d, "t.yaml:2:3: demand.next year: expected a year or a date (YYYY-MM-DD) in 1970-2199 as key");

    d = load_ok("demand:\n  2019: 101\n");
    assert_int_equal(scn_series_get(d, scn_root(d), "demand", 0, 100, &s), -1);
    doc_failed(d, "t.yaml:2:9: demand.2019: expected a number in [0, 100], got 101");

    d = load_ok("demand: {}\n");
    assert_int_equal(scn_series_get(d, scn_root(d), "demand", 0, 100, &s), -1);
    doc_failed(d, "t.yaml:1:9: demand: expected at least one step (year or date: value)");
}

static void test_series_at(void **state)
{
    (void)state;
    scn_doc *d = load_ok("demand:\n  2019: 100\n  2021: 120\n  2023-09-01: 150\nflat: 7\n");
    scn_series s;
    assert_int_equal(scn_series_get(d, scn_root(d), "demand", 0, 1000, &s), 1);
    assert_num(scn_series_at(&s, des_date_from_ymd(1990, 6, 1)), 100);  /* before the first */
    assert_num(scn_series_at(&s, des_date_from_ymd(2019, 1, 1)), 100);
    assert_num(scn_series_at(&s, des_date_from_ymd(2020, 12, 31)), 100);
    assert_num(scn_series_at(&s, des_date_from_ymd(2021, 1, 1)), 120);
    assert_num(scn_series_at(&s, des_date_from_ymd(2023, 8, 31)), 120);
    assert_num(scn_series_at(&s, des_date_from_ymd(2023, 9, 1)), 150);
    assert_num(scn_series_at(&s, des_date_from_ymd(2100, 1, 1)), 150);
    /* Against a linear scan at every day across the range. */
    for (des_date t = des_date_from_ymd(2018, 1, 1); t < des_date_from_ymd(2025, 1, 1); t++) {
        double want = s.value[0];
        for (size_t i = 0; i < s.n; i++)
            if (s.from[i] <= t)
                want = s.value[i];
        assert_true(scn_series_at(&s, t) == want);
    }
    scn_series_free(&s);
    assert_int_equal(s.n, 0);
    assert_num(scn_series_at(&s, 0), 0);             /* empty */

    assert_int_equal(scn_series_get(d, scn_root(d), "flat", 0, 10, &s), 1);
    assert_int_equal(s.n, 1);
    assert_num(scn_series_at(&s, des_date_from_ymd(1900, 1, 1)), 7);
    assert_num(scn_series_at(&s, des_date_from_ymd(2200, 1, 1)), 7);
    scn_series_free(&s);
    assert_int_equal(scn_check_unknown(d), 0);
    scn_free(d);
}

static void test_enum_and_bool(void **state)
{
    (void)state;
    int e = -1, b = -1;
    scn_doc *d = load_ok("queue: prority\n");
    assert_int_equal(scn_enum(d, scn_root(d), "queue", queues, 2, &e), -1);
    doc_failed(d, "t.yaml:1:8: queue: expected one of: fifo, priority (did you mean 'priority'?)");

    d = load_ok("queue: lottery\n");
    assert_int_equal(scn_enum(d, scn_root(d), "queue", queues, 2, &e), -1);
    doc_failed(d, "t.yaml:1:8: queue: expected one of: fifo, priority");

    d = load_ok("a: true\nb: False\nc: NO\nd: Yes\ne: 'true'\n");
    assert_int_equal(scn_bool(d, scn_root(d), "a", &b), 1);
    assert_int_equal(b, 1);
    assert_int_equal(scn_bool(d, scn_root(d), "b", &b), 1);
    assert_int_equal(b, 0);
    assert_int_equal(scn_bool(d, scn_root(d), "c", &b), 1);
    assert_int_equal(b, 0);
    assert_int_equal(scn_bool(d, scn_root(d), "d", &b), 1);
    assert_int_equal(b, 1);
    assert_int_equal(scn_bool(d, scn_root(d), "e", &b), -1);
    doc_failed(d, "t.yaml:5:4: e: expected true or false");
}

static void test_first_error_wins(void **state)
{
    (void)state;
    scn_doc *d = load_ok("a: x\nb: 5\nc: {z: 1}\n");
    double x = 0;
    long l = 0;
    assert_int_equal(scn_num(d, scn_root(d), "a", 0, 1, &x), -1);
    /* Every later getter is a no-op returning -1, even for valid keys. */
    assert_int_equal(scn_num(d, scn_root(d), "b", 0, 10, &x), -1);
    assert_true(x == 0);
    assert_int_equal(scn_int(d, scn_root(d), "b", 0, 10, &l), -1);
    assert_null(scn_get(d, scn_root(d), "b"));
    assert_int_equal(scn_fail(d, scn_root(d), "later"), -1);
    assert_int_equal(scn_check_unknown(d), -1);
    doc_failed(d, "t.yaml:1:4: a: expected a number");

    /* scn_fail and scn_fail_missing for loaders. */
    d = load_ok("assessment:\n  ep: {}\n");
    const scn_node *as = scn_get(d, scn_root(d), "assessment");
    assert_int_equal(scn_fail(d, scn_get(d, as, "ep"), "needs %d officers", 3), -1);
    doc_failed(d, "t.yaml:2:7: assessment.ep: needs 3 officers");
    d = load_ok("assessment:\n  ep: {}\n");
    assert_int_equal(scn_fail_missing(d, scn_get(d, scn_root(d), "assessment"), "fte"), -1);
    doc_failed(d, "t.yaml:2:3: assessment: missing key 'fte'");
    d = load_ok("a: 1\n");
    assert_int_equal(scn_fail(d, NULL, "no place"), -1);
    doc_failed(d, "t.yaml: no place");
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(scn_edit_distance("", ""), 0);
    assert_int_equal(scn_edit_distance("abc", ""), 3);
    assert_int_equal(scn_edit_distance("", "abc"), 3);
    assert_int_equal(scn_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(scn_edit_distance("flaw", "lawn"), 2);
    assert_int_equal(scn_edit_distance("hours", "hourz"), 1);
    assert_int_equal(scn_edit_distance("same", "same"), 0);
    /* Symmetric, and a metric on random strings. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20240601);
    for (int t = 0; t < 300; t++) {
        char s[3][12];
        for (int k = 0; k < 3; k++) {
            size_t n = gsl_rng_uniform_int(r, 11);
            for (size_t i = 0; i < n; i++)
                s[k][i] = (char)('a' + gsl_rng_uniform_int(r, 3));
            s[k][n] = '\0';
        }
        size_t ab = scn_edit_distance(s[0], s[1]), ba = scn_edit_distance(s[1], s[0]);
        size_t ac = scn_edit_distance(s[0], s[2]), bc = scn_edit_distance(s[1], s[2]);
        assert_int_equal(ab, ba);
        assert_true(ac <= ab + bc);
        size_t la = strlen(s[0]), lb = strlen(s[1]);
        assert_true(ab >= (la > lb ? la - lb : lb - la) && ab <= (la > lb ? la : lb));
    }
    gsl_rng_free(r);
}

/* ---- robustness: random documents through every getter --------------------------------- */

static const char *const atoms[] = {
    "1", "-2.5", "1_000", "abc", "\"q\"", "6 weeks", "2019-09-01", "2019-02-30", "yes", "~",
    "[1, 2]", "{}", "[]", "{dist: gamma, mean: 2, sd: 1}", "{dist: nope}", "{value: 2, unit: days}",
    "{a: 0.5, b: 0.5}", "{2019: 1, 2018: 2}", "&x 3", "*x", "[", "'", "{dist: empirical, x: [1], cdf: [0]}",
    "{dist: discrete, values: [1, 2], p: [0, 0]}", "3 months", "{dist: binomial, p: 2, n: 3}",
};
static const char *const keys[] = { "a", "b", "dist", "mean", "2019", "x", "<<" };

/* One random line of YAML at the given indent: "key: atom" or "key:" opening a block. */
static size_t random_doc(gsl_rng *r, char *buf, size_t size)
{
    size_t used = 0;
    int indent = 0;
    int lines = 1 + (int)gsl_rng_uniform_int(r, 12);
    for (int i = 0; i < lines && used + 100 < size; i++) {
        const char *k = keys[gsl_rng_uniform_int(r, sizeof keys / sizeof keys[0])];
        int kind = (int)gsl_rng_uniform_int(r, 4);
        if (kind == 0 && indent < 8) {
            used += (size_t)snprintf(buf + used, size - used, "%*s%s:\n", indent, "", k);
            indent += 2;
        } else {
            const char *a = atoms[gsl_rng_uniform_int(r, sizeof atoms / sizeof atoms[0])];
            used += (size_t)snprintf(buf + used, size - used, "%*s%s%s: %s\n", indent, "",
                                     kind == 1 ? "- " : "", k, a);
            if (kind == 3 && indent >= 2)
                indent -= 2;
        }
    }
    return used;
}

static void exercise(scn_doc *d, const scn_node *n, int depth)
{
    static const char *const two[] = { "a", "b" };
    double x, sh[2];
    long l;
    int b;
    const char *s;
    des_date dt;
    des_dist dist;
    scn_series ser;
    const scn_node *c;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        scn_num(d, n, keys[i], 0, 10, &x);
        scn_int(d, n, keys[i], -5, 5, &l);
        scn_bool(d, n, keys[i], &b);
        scn_str(d, n, keys[i], &s);
        scn_enum(d, n, keys[i], two, 2, &b);
        scn_date(d, n, keys[i], &dt);
        scn_duration(d, n, keys[i], 0, 100, &x);
        if (scn_dist(d, n, keys[i], &dist) == 1)
            des_dist_free(&dist);
        scn_shares(d, n, keys[i], two, 2, sh);
        if (scn_series_get(d, n, keys[i], 0, 10, &ser) == 1)
            scn_series_free(&ser);
        scn_map(d, n, keys[i], &c);
        scn_seq(d, n, keys[i], &c);
    }
    if (depth < 6)
        for (size_t i = 0; i < scn_len(n); i++)
            exercise(d, scn_at(d, n, i), depth + 1);
}

/* Every message is one line: "file:line:col: ..." or "file: ..." with sane numbers. */
static void check_message(const char *msg)
{
    assert_null(strchr(msg, '\n'));
    assert_true(strncmp(msg, "fuzz.yaml:", 10) == 0);
    int line = 0, col = 0;
    if (sscanf(msg, "fuzz.yaml:%d:%d:", &line, &col) == 2) {
        assert_true(line >= 1 && line <= 40);
        assert_true(col >= 1 && col <= 200);
    }
}

static void test_random_documents(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 977);
    char buf[4096];
    int loaded = 0, failed_load = 0;
    for (int t = 0; t < 3000; t++) {
        random_doc(r, buf, sizeof buf);
        des_error err;
        scn_doc *d = scn_load_string("fuzz.yaml", buf, &err);
        if (!d) {
            failed_load++;
            check_message(err.msg);
            continue;
        }
        loaded++;
        /* Fresh documents per pass: one with getters throughout, one node-level only. */
        exercise(d, scn_root(d), 0);
        scn_check_unknown(d);
        if (!scn_ok(d))
            check_message(scn_error(d)->msg);
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        assert_int_equal(scn_dump(d, f), 0);
        fclose(f);
        scn_doc *again = scn_load_string("fuzz.yaml", out, &err);
        if (!again)
            fail_msg("dump does not reload: %s\n--- input\n%s--- dump\n%s", err.msg, buf, out);
        scn_free(again);
        free(out);
        scn_free(d);
    }
    /* The generator must hit both outcomes often, or it tests little. */
    assert_true(loaded > 300 && failed_load > 300);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_every_getter),
        cmocka_unit_test(test_dump_round_trip),
        cmocka_unit_test(test_dump_tricky_scalars),
        cmocka_unit_test(test_absent_and_navigation),
        cmocka_unit_test(test_yaml_syntax_error),
        cmocka_unit_test(test_yaml_structure_errors),
        cmocka_unit_test(test_anchors_aliases_merge),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_extends_errors),
        cmocka_unit_test(test_extends_chain),
        cmocka_unit_test(test_extends_from_string),
        cmocka_unit_test(test_extends_lists),
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_unknown_key_suggestion),
        cmocka_unit_test(test_unknown_key_no_match),
        cmocka_unit_test(test_wrong_kinds),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_fractional_integer),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_distribution_errors),
        cmocka_unit_test(test_shares_errors),
        cmocka_unit_test(test_series_errors),
        cmocka_unit_test(test_series_at),
        cmocka_unit_test(test_enum_and_bool),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_random_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
