/* send_scenario.h - a scenario, parsed once: its files, its resolved parameters, provenance.
 *
 * send_scenario_open() reads a scenario file (its `extends` chain and, for several authorities,
 * their template files, each relative to the file that names it), checks it against the table of
 * keys (send_keys.h) and the cross-field rules, and keeps in one object everything downstream
 * needs: the parsed documents, the resolved send_params, the resolved YAML, the source text and
 * one provenance row per value written. run, validate, compare and the results file's
 * provenance (hence the report's assumptions table) read from this object; nothing parses a
 * scenario file a second time, so every consumer sees the files the loader resolved.
 *
 * Errors are one line, "file:line:column: key.path: what was expected", in err->msg with
 * code DES_EINPUT; nothing is written anywhere. The scenario format is documented in README.md
 * and, key by key, in scenarios/KEYS.md (generated from the table).
 */
#ifndef SEND_SCENARIO_H
#define SEND_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

#include "des_error.h"
#include "send_model.h"

/* One scenario parameter as written in the scenario files: its dotted key path (prefixed
 * "template PATH: " for a value in an authority's template), its value as written (flow
 * sequences and mappings flattened to one line), the comment on its line (the source or
 * "assumption"), and where it was set. */
typedef struct send_param_row {
    char *key, *value, *note, *file;
    int line;
} send_param_row;

struct scn_doc;

/* A parsed scenario. Everything is owned; release with send_scenario_close(). */
typedef struct send_scenario {
    char *path;             /* the top file, as given */
    send_params params;     /* resolved (with its authorities, if any) */
    char *yaml;             /* the resolved top document (after `extends`), comments dropped */
    size_t yaml_len;
    char *source;           /* every file read, verbatim, each after "# ---- file: NAME" */
    int n_rows;
    send_param_row *rows;   /* every leaf value: the headline's drivers first, then file order */
    struct scn_doc *doc;    /* the parsed top document */
    size_t n_templates;
    struct scn_doc **templates; /* the authorities' template documents, each once */
} send_scenario;

/* Parse, resolve and check path into s. On failure s is empty (safe to close) and err holds
 * the one-line message: DES_EINPUT for bad input (including unreadable files), DES_ENOMEM. */
int send_scenario_open(const char *path, send_scenario *s, des_error *err);
void send_scenario_close(send_scenario *s); /* accepts an empty or closed scenario */

/* The fully resolved scenario (after `extends`), as YAML text, for provenance. */
typedef struct send_scenario_text {
    char *text;
    size_t len;
} send_scenario_text;

/* send_scenario_open() for callers that want the parameters alone: on success p is filled (release with send_params_free) and, if text is
 * non-NULL, the resolved YAML is kept there (release with send_scenario_text_free). */
int send_scenario_load(const char *path, send_params *p, send_scenario_text *text,
                       des_error *err);
void send_scenario_text_free(send_scenario_text *t);

/* Print what the scenario file `path` changes relative to the scenario it extends, one key
 * per line: "key: parent -> child", "key: (new) child", and for a list the child adds to,
 * "key: + entry" per added entry. The scenario must open (send_scenario_open) first. Returns
 * DES_OK, or an error (DES_EINPUT when path extends nothing). */
int send_scenario_diff(const char *path, FILE *out, des_error *err);

/* Print the resolved parameters in model units (days, pounds, rates per year) and the
 * quantities derived from them (EP assessment slots, caseworker slots). */
void send_scenario_print(const send_params *p, FILE *out);

/* Write (atomically) a scenario that extends `parent` (named relative to out_path's directory
 * when they share it), is called `name`, and adds the ensemble e with `fit:` statistics
 * (n_fit names and values); comment (lines, may be NULL) goes first as '#' lines. Values are
 * written with 17 significant digits, so loading the file gives e back bit for bit. */
/* The ensemble a scenario gives (nothing when none): its size and provenance, and per key the
 * weighted mean, sd and range of the sets. */
void send_scenario_print_ensemble(const send_params *p, FILE *out);
/* The `discrepancy:` section of an ensemble (YAML, each line prefixed by indent), as
 * send_ensemble_yaml_write() writes it and the loader reads it back bit for bit. */
void send_discrepancy_yaml_print(FILE *f, const send_discrepancy *d, const char *indent);
/* Factor d's correlation (d->corr, n_metrics square): made positive definite by
 * des_corr_cholesky's shrinkage toward the identity (in place), its lower Cholesky factor into
 * d->corr_chol. Returns the shrinkage factor kept (1: unchanged), or -1 out of memory. */
double send_discrepancy_factor(send_discrepancy *d);
/* How heavy the tails of metric slot m's errors are at horizon 1: (Q97.5 - Q2.5) / (Q90 - Q10)
 * of its log ratios (1.53 for a normal; more: heavier tails). NaN when the term lacks one of
 * those levels or the horizon. */
double send_discrepancy_tail_ratio(const send_discrepancy *d, int m);
int send_ensemble_yaml_write(const char *out_path, const char *parent, const char *name,
                             const char *comment, const send_ensemble *e, int n_fit,
                             const char *const *fit_names, const double *fit_values,
                             des_error *err);
/* The priors a scenario gives, one line each (nothing when there are none). */
void send_scenario_print_priors(const send_params *p, FILE *out);
/* Every numeric key's resolved value by path ("assessment.ep.fte = 12 FTE"), from the table of
 * keys (the first value of a series). */
void send_scenario_print_keys(const send_params *p, FILE *out);
/* The table of keys: one line per key, or (markdown != 0) the scenario reference that
 * scenarios/KEYS.md holds. */
void send_keys_print(FILE *out, int markdown);

#endif
