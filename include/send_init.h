/* send_init.h - a baseline scenario for one authority, derived from its published SEN2 series.
 *
 * send_init_scenario() writes a complete one-authority scenario (YAML) whose every value carries
 * a comment naming the series and year it came from, or "national default scaled by ..." or
 * "assumption". Only figures published by June of as_of are read (caseload to January as_of,
 * activity to calendar as_of - 1); the derivations are documented in README.md ("sendsim init").
 */
#ifndef SEND_INIT_H
#define SEND_INIT_H

#include <stddef.h>

#include "des_error.h"
#include "send_sen2.h"

typedef struct send_init_opts {
    int as_of;                  /* data published by June of this year */
    int start_year;             /* 1 January of this year; 0 = as_of (must be <= as_of) */
    int end_y, end_m, end_d;    /* end date; 0 = 31 December as_of + 9 */
    const char *data_label;     /* how comments name the data file ("data/la-sen2.csv") */
    const send_sen2 *england;   /* England's series (national defaults); required */
    const char *england_label;  /* how comments name it */
    int priors;                 /* write priors for the calibrated keys */
    const send_sen2 *pool;      /* the authorities pooled for the shrinkage, the priors' spreads
                                 * and the capacity response; NULL: the data file itself. Taken
                                 * as of the as-of year or its own last January if earlier */
    const char *pool_label;     /* how comments name it */
    int reverting_timeliness;   /* write drafting.late_share and assessment.response.backlog_months
                                 * from the pooled reversion of timeliness (docs/guide.md) */
} send_init_opts;

/* Derive and write the scenario for authority la of d to out_path (atomically). DES_EINPUT
 * with a message naming what is missing when the data published by as_of are too few; DES_EIO
 * when the file cannot be written. */
int send_init_scenario(const send_sen2 *d, size_t la, const send_init_opts *o,
                       const char *out_path, des_error *err);

/* The year-to-year variation of a published series beyond its trend and beyond chance: for
 * each authority of d in [from, to) with `metric` at least 10 in at least 3 of the periods
 * y0..y1 (as published by June of as_of; at most the last 16), the residuals of log(value)
 * about the authority's own straight line; their pooled variance (residual sum of squares over
 * degrees of freedom) less the Poisson part (the mean of 1 / value) is returned as a log sd (0
 * when nothing is left). *n_used: the authorities pooled; *dof (may be NULL): the degrees of
 * freedom. init's requests.year_sd and calibrate's observation error use it. */
double send_init_year_sd(const send_sen2 *d, const char *metric, int y0, int y1, int as_of,
                         size_t from, size_t to, size_t *n_used, double *dof);

/* The as-of year of a pool file for a forecast as of as_of: as_of, or the pool's last January
 * caseload (ehcp_total of any authority) published by then when that is earlier; 0 when it
 * holds none, and then err (may be NULL) says so, naming the pool by label (NULL: its path),
 * DES_EINPUT. Every figure it pools is then published by as_of too. */
int send_init_pool_year(const send_sen2 *pool, const char *label, int as_of, des_error *err);

/* The authority's name as a file and scenario name: lower case, other characters '-'. */
void send_init_slug(const char *name, char *out, size_t cap);

#endif
