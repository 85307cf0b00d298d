/* send_h5.h - the results file PREFIX.h5: every replication's series, summaries and provenance.
 *
 * `sendsim run` writes one file per run with send_h5_write(); `export`, `plot`, `report` and
 * scripts read it back. send_h5_read() restores exactly what was written: the per-replication
 * outputs (a send_results whose replications hold every metric value bit for bit) and the
 * provenance (send_meta). The layout is documented in results/README.md.
 *
 * Writes go to a temporary name beside the final one and are renamed into place when
 * complete; on failure or cancellation nothing is left under the final name.
 */
#ifndef SEND_H5_H
#define SEND_H5_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "des_error.h"
#include "send_model.h"
#include "send_results.h"
#include "send_scenario.h" /* send_param_row, send_scenario */

/* Provenance of a run. Strings are owned (free with send_meta_free). */
typedef struct send_meta {
    char *scenario_name;
    char *scenario_path;   /* as given on the command line */
    char *scenario_yaml;   /* the fully resolved scenario (after `extends`), comments dropped */
    char *scenario_source; /* the scenario file and every file it extends, verbatim */
    char *version;         /* program version */
    char *build;           /* compiler and build flags */
    char *host;
    char *started, *finished; /* UTC, ISO 8601 (2026-11-22T10:00:00Z) */
    int threads;
    double wall_seconds;
    int n_params;
    send_param_row *params; /* every leaf value of the scenario, in file order */
    int n_obs;
    send_obs *obs;          /* observed history from the scenario's `observed` section */
} send_meta;

void send_meta_free(send_meta *m);

/* Fill the scenario parts of meta from an opened scenario (copies): name, path, resolved text,
 * source text, parameter rows and observations; version, build and host from this program. */
int send_meta_from_scenario(send_meta *m, const send_scenario *s, des_error *err);
/* Current UTC time as ISO 8601 in a malloc'd string (NULL if out of memory). */
char *send_meta_now(void);

/* Write res and meta to path (atomically). cancel (may be NULL) is polled between datasets. */
int send_h5_write(const char *path, const send_results *res, const send_meta *meta,
                  const volatile sig_atomic_t *cancel, des_error *err);

/* Read a results file written by send_h5_write. res and meta are filled on success (release
 * with send_results_free and send_meta_free); on failure both are left empty and err says
 * which file and which object was missing or malformed (DES_EIO / DES_EINPUT). */
int send_h5_read(const char *path, send_results *res, send_meta *meta, des_error *err);

/* The name of the scenario a results file was written for (malloc'd), read without the rest of
 * the file; NULL with err set when the file is missing or not a sendsim results file. */
char *send_h5_scenario_name(const char *path, des_error *err);

#endif
