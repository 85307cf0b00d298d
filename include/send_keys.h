/* send_keys.h - the table of scenario keys: every key a scenario file may hold, described once.
 *
 * One row per key: its YAML path ("assessment.ep.fte"; "places[].count" for a field of a list
 * item), type, range, unit, where it lands in send_params, default, one line of documentation
 * and whether a prior may replace its value. The table drives the scenario loader's range
 * checks, the `validate` printout, `sendsim keys` and the generated scenario reference
 * (scenarios/KEYS.md). Adding a key or a lever is a row here, its model code and its test.
 *
 * Parameters are addressable by path: send_param_get/send_param_set read or write any numeric
 * scalar key (number, share, integer, duration in days; a series reads its first value and is
 * set constant), which is what calibration, uncertainty sampling and sensitivity analysis use.
 * A scenario with several authorities holds each authority's parameters (and priors, written in
 * its template) in p->authorities[i]; address those, not the top-level send_params.
 *
 * The table is static and read-only; every function here is thread-safe. Lookups are a linear
 * scan of about 150 rows: fine for setup, not for an event loop.
 */
#ifndef SEND_KEYS_H
#define SEND_KEYS_H

#include <stddef.h>

#include "des_error.h"
#include "send_model.h"

typedef enum send_key_type {
    SEND_KEY_SECTION,  /* a mapping of further keys */
    SEND_KEY_LIST,     /* a sequence of mappings (items described by "path[].key" rows) */
    SEND_KEY_TEXT,     /* a string */
    SEND_KEY_NUMBER,   /* a real number (double field) */
    SEND_KEY_SHARE,    /* a probability or share in [0, 1] (double field) */
    SEND_KEY_INTEGER,  /* a whole number (int field) */
    SEND_KEY_BOOL,     /* true / false (int field) */
    SEND_KEY_DATE,     /* YYYY-MM-DD */
    SEND_KEY_DURATION, /* "6 weeks", "15 days" (double field, in days) */
    SEND_KEY_CHOICE,   /* one name of a vocabulary */
    SEND_KEY_SERIES,   /* a number or {year or date: number} steps (send_steps field) */
    SEND_KEY_DIST,     /* a duration distribution (des_dist field, days) */
    SEND_KEY_AGE_TABLE,/* {age or "a-b": number} (double[SEND_AGES] field) */
    SEND_KEY_TABLE,    /* {name: number} over a vocabulary (double[] field) */
    SEND_KEY_SHARES,   /* {name: share} over a vocabulary, summing to 1 (double[] field) */
    SEND_KEY_TYPE_COUNT
} send_key_type;

/* Row flags. */
enum {
    SEND_KEY_PRIORABLE = 1, /* a prior ({prior: uniform, ...}) may replace the value */
    SEND_KEY_REQUIRED = 2,  /* required when its parent section or item is present */
    SEND_KEY_CODED = 4      /* read by the loader's own code (cross-field rules, structured
                               sections), not by the table-driven pass; still described here */
};

#define SEND_KEY_NO_FIELD ((size_t)-1)

typedef struct send_key {
    const char *path;          /* dotted YAML path; "[]" marks the items of a list */
    send_key_type type;
    double lo, hi;             /* range of numbers, integers, durations (days), series, tables */
    const char *unit;          /* "" when dimensionless */
    size_t offset;             /* offsetof(send_params, field), or SEND_KEY_NO_FIELD */
    const char *const *names;  /* vocabulary of tables, shares and choices; NULL otherwise */
    int n_names;
    const char *dflt;          /* default as written in a scenario ("" = none / empty) */
    const char *doc;           /* one line */
    int flags;
} send_key;

const send_key *send_key_find(const char *path); /* NULL if unknown */
size_t send_key_count(void);
const send_key *send_key_at(size_t i);
/* Index of a row (for send_prior.key), or -1. */
int send_key_index(const send_key *k);
/* "number", "share", ..., as written in the reference. */
const char *send_key_type_name(send_key_type t);
/* 1 for the types send_param_get/send_param_set accept: number, share, integer, duration,
 * series. */
int send_key_is_numeric(const send_key *k);

/* Read or write the numeric scalar key at path. A series reads its first value; setting it makes
 * the series constant. An unknown path, a non-numeric key (or one with no single parameter
 * behind it) or, for set, a value outside the key's range (or not whole, for an integer) is
 * DES_EINVAL with a message naming the key. */
int send_param_get(const send_params *p, const char *path, double *out, des_error *err);
int send_param_set(send_params *p, const char *path, double v, des_error *err);

/* ---- priors ---------------------------------------------------------------------------------
 * A priorable key may be given a distribution instead of a value (see send_model.h, send_prior):
 *   {prior: uniform, min: a, max: b}     {prior: normal, mean: m, sd: s}
 *   {prior: lognormal, mean: m, sd: s}   {prior: beta, mean: m, sd: s}
 * each truncated to the key's range. The loader stores the prior and puts its central value
 * (the mean; (min + max) / 2 for uniform) in the parameter itself. */

extern const char *const send_prior_kind_names[SEND_PRIOR_KIND_COUNT];

/* Check a prior's parameters against its key (kind known, sd > 0, min < max, the key priorable,
 * the mean and bounds inside the key's range, beta's sd below sqrt(mean (1 - mean))), fill
 * pr->lo/hi from the key's range. DES_EINVAL with a message (no key path in it: the caller
 * knows where the prior was written). */
int send_prior_check(send_prior *pr, des_error *err);
/* The prior's central value: the mean, or (min + max) / 2 for uniform. */
double send_prior_centre(const send_prior *pr);
/* A draw as a deterministic function of one uniform u in (0, 1): inverse CDF of the prior
 * truncated to [pr->lo, pr->hi]. DES_EINVAL if u is outside (0, 1). */
int send_prior_draw(const send_prior *pr, double u, double *out);
/* The same, and *fell_back (if not NULL) 1 when the library's inverse CDF failed (NaN, outside
 * the range, or its CDF more than 1e-9 from the target) and bisection on the CDF gave x. */
int send_prior_draw_checked(const send_prior *pr, double u, double *out, int *fell_back);
/* The log density of the prior truncated to its key's range at x (-INFINITY outside it). */
double send_prior_logpdf(const send_prior *pr, double x);

#endif
