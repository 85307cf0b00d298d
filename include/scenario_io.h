/* scenario_io.h - scenario files: YAML loaded into a position-annotated tree, with typed getters.
 *
 * scn_load() parses a YAML file into a tree of scn_node (every node knows its file, line and
 * column), resolves anchors, aliases and merge keys (<<), rejects duplicate keys, and applies a
 * top-level `extends: parent.yaml` (path relative to the extending file): the parent is loaded
 * (recursively) and the child deep-merged over it (mappings merge key by key, the child winning;
 * sequences, scalars, time series and priors ({prior: ...}) are replaced wholesale; each node keeps the position of the file its
 * final value came from; the `extends` key itself is removed from the merged tree).
 *
 * A model's parameter loader then reads the tree with the typed getters below. Every problem
 * becomes ONE line in the document's des_error, in the form
 *
 *     file:line:column: key.path: what was expected
 *
 * where key.path is dotted, with 0-based sequence indices: `assessment.ep.fte`,
 * `new_places[2].opening`. Load failures (syntax, missing file, bad `extends`) are returned by
 * scn_load() itself; getter failures are recorded in the document: the first error wins and
 * every later getter is a no-op returning -1, so a loader can call getters in a row and check
 * scn_ok() once at the end. A missing file is reported as `file: cannot open (<strerror>)`.
 *
 * Getter results: 1 = present and valid (*out set), 0 = absent (*out untouched), -1 = error.
 * A present `null` value (`key:` or `key: ~`) counts as an empty mapping / empty sequence for
 * scn_map(), scn_seq() and for getters given it as `map`; for the value getters it is an error.
 * Numbers and booleans must be plain (unquoted) scalars; strings, dates, durations and enum
 * names may be quoted or not.
 *
 * Every getter marks the key it asks for as known in its mapping. scn_check_unknown(), called
 * after all getters, reports the first key in document order that nobody asked for, with the
 * nearest asked-for key as a suggestion. Getters that validate a whole subtree themselves
 * (scn_shares, scn_series_get, scn_consume) exempt it from that check.
 *
 * Strings returned (scalars, keys, key paths, file names) live as long as the document.
 * A document is not safe for concurrent use from several threads (getters update the known
 * flags); different documents are independent. Nothing here prints.
 */
#ifndef SCENARIO_IO_H
#define SCENARIO_IO_H

#include <stddef.h>
#include <stdio.h>

#include "des_date.h"
#include "des_dist.h"
#include "des_error.h"

typedef struct scn_doc scn_doc;
typedef struct scn_node scn_node;
typedef enum { SCN_NULL, SCN_SCALAR, SCN_MAP, SCN_SEQ } scn_kind;

/* ---- documents ---- */

#define SCN_YEAR_MIN 1970 /* dates (and series years) a scenario may name */
#define SCN_YEAR_MAX 2199

scn_doc *scn_load(const char *path, des_error *err);          /* parse, resolve extends; NULL + err on failure */
scn_doc *scn_load_string(const char *name, const char *text, des_error *err); /* for tests; extends relative to cwd */
void scn_free(scn_doc *doc);                                   /* accepts NULL */
const scn_node *scn_root(const scn_doc *doc);
const char *scn_path(const scn_doc *doc);                      /* the top file's path as given */
size_t scn_nfiles(const scn_doc *doc);                         /* files read (the top file and its `extends` chain) */
const char *scn_file_at(const scn_doc *doc, size_t i);         /* their names, in the order first read; NULL past the end */

/* Error state: the first error wins; once failed, every getter is a no-op returning -1. */
int scn_ok(const scn_doc *doc);
const des_error *scn_error(const scn_doc *doc);
/* Record an error at a node's position: "file:line:col: <node's key path>: <message>". Returns -1.
 * With at == NULL the position is the top file alone: "file: <message>". */
int scn_fail(scn_doc *doc, const scn_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Record "missing key 'key'" at the mapping `map` (at the document root when map is NULL).
 * Returns -1. For required keys: `if (scn_num(...) == 0) scn_fail_missing(doc, map, "fte");` */
int scn_fail_missing(scn_doc *doc, const scn_node *map, const char *key);

/* ---- navigation (all accept NULL nodes) ---- */

scn_kind scn_kind_of(const scn_node *n);                       /* SCN_NULL for NULL */
const char *scn_scalar(const scn_node *n);                    /* NULL unless scalar */
const char *scn_keypath(const scn_node *n);                   /* "" for the root */
const char *scn_file(const scn_node *n); int scn_line(const scn_node *n); int scn_col(const scn_node *n);
size_t scn_len(const scn_node *n);                            /* entries of a map / items of a seq; 0 otherwise */
const scn_node *scn_at(scn_doc *doc, const scn_node *n, size_t i); /* i-th value of map (marks its key as known) or item of seq */
const char *scn_key_at(const scn_node *n, size_t i);          /* i-th key of a map */
/* Exempt a subtree from scn_check_unknown (the caller validated it some other way). */
void scn_consume(scn_doc *doc, const scn_node *n);

/* ---- getters on mapping `map` ----
 * map may be NULL = absent: then every key is absent.
 * Each marks `key` as a known key of `map` (for unknown-key detection).
 * Return 1 if present and valid (*out set), 0 if absent (*out untouched), -1 on error (recorded).
 * If map is present but not a mapping: error "expected a mapping". */
const scn_node *scn_get(scn_doc *doc, const scn_node *map, const char *key); /* NULL if absent */
int scn_map(scn_doc *doc, const scn_node *map, const char *key, const scn_node **out); /* must be a mapping */
int scn_seq(scn_doc *doc, const scn_node *map, const char *key, const scn_node **out); /* must be a sequence */
int scn_num(scn_doc *doc, const scn_node *map, const char *key, double lo, double hi, double *out);
int scn_int(scn_doc *doc, const scn_node *map, const char *key, long lo, long hi, long *out);
int scn_bool(scn_doc *doc, const scn_node *map, const char *key, int *out);
int scn_str(scn_doc *doc, const scn_node *map, const char *key, const char **out);
int scn_enum(scn_doc *doc, const scn_node *map, const char *key, const char *const *names, size_t n, int *out);
int scn_date(scn_doc *doc, const scn_node *map, const char *key, des_date *out);          /* ISO YYYY-MM-DD, years SCN_YEAR_MIN-MAX */
/* "6 weeks", "15 days", "3 months", "2 years" (singular too, decimals allowed; a month is
 * 365.25/12 days, a year 365.25 days) or {value: 6, unit: weeks}; the result in days. */
int scn_duration(scn_doc *doc, const scn_node *map, const char *key, double lo_days, double hi_days, double *days);
/* A duration (a constant) or {dist: NAME, unit: days|weeks|months|years, ...parameters}:
 * constant{value} exponential{mean} gamma{mean, sd | shape, scale} lognormal{mean, sd}
 * weibull{scale, shape} triangular{min, mode, max} uniform{min, max} empirical{x: [], cdf: []}
 * discrete{values: [], p: []} poisson{mean} binomial{p, n}. Time-valued parameters are scaled
 * by the unit into days; poisson and binomial are counts and take no unit.
 * On success the caller owns *out and releases it with des_dist_free(). */
int scn_dist(scn_doc *doc, const scn_node *map, const char *key, des_dist *out);         /* durations in days */
/* A mapping name -> share in [0, 1] over `names` (others are errors; missing names are 0),
 * summing to 1 within 0.001. out has n elements. */
int scn_shares(scn_doc *doc, const scn_node *map, const char *key, const char *const *names, size_t n, double *out);
/* A step function of time: a number (constant: n = 1, from[0] = 1970-01-01) or a mapping whose
 * keys are years (2019 = 1 January 2019) or ISO dates, strictly increasing, values in [lo, hi].
 * On success the caller owns *out and releases it with scn_series_free(). */
typedef struct scn_series { size_t n; des_date *from; double *value; } scn_series;      /* step function */
int scn_series_get(scn_doc *doc, const scn_node *map, const char *key, double lo, double hi, scn_series *out);
void scn_series_free(scn_series *s);                          /* accepts NULL; leaves an empty series */
double scn_series_at(const scn_series *s, des_date day);   /* value of the last step with from <= day; first value before the first step; 0 if empty */

/* ---- node-level variants (items of sequences, values of user-keyed maps) ----
 * Same rules, errors at the node; a NULL node is absent (returns 0). */
int scn_node_num(scn_doc *doc, const scn_node *n, double lo, double hi, double *out);
int scn_node_int(scn_doc *doc, const scn_node *n, long lo, long hi, long *out);
int scn_node_bool(scn_doc *doc, const scn_node *n, int *out);
int scn_node_str(scn_doc *doc, const scn_node *n, const char **out);
int scn_node_enum(scn_doc *doc, const scn_node *n, const char *const *names, size_t count, int *out);
int scn_node_date(scn_doc *doc, const scn_node *n, des_date *out);
int scn_node_duration(scn_doc *doc, const scn_node *n, double lo_days, double hi_days, double *days);
int scn_node_dist(scn_doc *doc, const scn_node *n, des_dist *out);
int scn_node_shares(scn_doc *doc, const scn_node *n, const char *const *names, size_t count, double *out);
int scn_node_series(scn_doc *doc, const scn_node *n, double lo, double hi, scn_series *out);

/* After all getters: the first key anywhere in the tree that no getter asked for (and that is not
 * under a node consumed wholesale) becomes the error "unknown key (did you mean 'x'?)", nearest
 * by edit distance among the keys that were asked for in the same mapping; without a close one,
 * "unknown key (expected one of: a, b, c)". Returns 0 or -1. */
int scn_check_unknown(scn_doc *doc);
/* Write the fully resolved (merged) tree as YAML (block style, key order preserved, comments
 * dropped; quoted scalars stay quoted so strings stay strings). Returns 0, or -1 on a write error. */
int scn_dump(const scn_doc *doc, FILE *out);
/* One node as one line of flow YAML ({a: 1, b: [2, 3]}); nothing for NULL. */
void scn_flow(const scn_node *n, FILE *out);
/* The resolved parent of the scenario file `path` (the file its top-level `extends` names, with
 * that file's own chain), or NULL + err (also when `path` extends nothing). */
scn_doc *scn_load_parent(const char *path, des_error *err);

/* Levenshtein distance between two strings (O(len a * len b) time, O(len b) memory);
 * SIZE_MAX if memory runs out. */
size_t scn_edit_distance(const char *a, const char *b);

#endif
