/* send_sen2.h - published SEN2 series (DfE "Education, health and care plans") in memory.
 *
 * Reads the long format of the project's data files:
 *   la_name,new_la_code,old_la_code,metric,period,period_type,value,source_file
 * (the per-authority form) or, for a single-authority or England file,
 *   metric,period,period_type,value,source_file
 * with '#' comment lines anywhere. period_type is jan_caseload (period = January of that year)
 * or calendar_year_activity (period = the calendar year of the activity). Rows of a
 * single-authority file belong to one authority whose codes are taken from the file's header
 * comment when given there (or left empty).
 *
 * "As of YEAR" is the data published by June of YEAR: jan_caseload periods <= YEAR and
 * calendar_year_activity periods <= YEAR - 1. send_sen2_value() with an as_of filter returns
 * only such values, so a back-test cannot read a later figure by accident.
 *
 * Values are kept per authority in a (metric, period) table; lookups are O(log n) in the rows
 * of one authority. Plain data in, plain data out: no YAML, no model types.
 */
#ifndef SEND_SEN2_H
#define SEND_SEN2_H

#include <stddef.h>

#include "des_error.h"

typedef enum send_sen2_kind { SEND_SEN2_JAN = 0, SEND_SEN2_CY = 1 } send_sen2_kind;

typedef struct send_sen2 send_sen2;        /* opaque: every authority of one file */

typedef struct send_sen2_la {
    const char *name;       /* "Leicestershire" */
    const char *new_code;   /* "E10000018" (may be "") */
    const char *old_code;   /* "855" (may be "") */
    const char *region;     /* from la-coverage when known, else "" */
} send_sen2_la;

/* Read a file in the long format. Bad data (missing columns, non-numeric values, an unknown
 * period_type, duplicate (authority, metric, period) rows) fails with DES_EINPUT and a message
 * "file:line: what was expected". DES_EIO when the file cannot be read. */
send_sen2 *send_sen2_read(const char *path, des_error *err);
void send_sen2_free(send_sen2 *d);

/* The file it was read from, and the SHA-256 of its bytes as 64 hex digits. */
const char *send_sen2_path(const send_sen2 *d);
const char *send_sen2_sha256(const send_sen2 *d);

size_t send_sen2_count(const send_sen2 *d);               /* authorities */
const send_sen2_la *send_sen2_la_at(const send_sen2 *d, size_t i);
/* The code an authority goes by in outputs: its old code ("855"), else its new code (may be
 * "" when it has neither). */
const char *send_sen2_la_code(const send_sen2_la *a);

/* Find an authority by old code ("855"), new code ("E10000018") or name (case-insensitive).
 * Returns its index, or -1 with err set to DES_EINPUT and a message that names up to five
 * near matches (by edit distance and substring); an ambiguous name (two authorities with the
 * same name, e.g. Dorset) is an error listing their codes. */
long send_sen2_find(const send_sen2 *d, const char *key, des_error *err);

/* The value of metric in period for authority la, or NaN when absent. as_of > 0 hides every
 * value not published by June of as_of (see above). */
double send_sen2_value(const send_sen2 *d, size_t la, const char *metric, int period,
                       int as_of);
/* The kind of a metric as the file gives it (SEND_SEN2_JAN or SEND_SEN2_CY), or -1 if the
 * metric does not occur in the file. */
int send_sen2_metric_kind(const send_sen2 *d, const char *metric);
/* First and last period holding a value of metric for authority la (respecting as_of);
 * returns 0 when there is none. */
int send_sen2_span(const send_sen2 *d, size_t la, const char *metric, int as_of, int *first,
                   int *last);

/* The last year whose figure is published by June of as_of for a metric of that kind. */
static inline int send_sen2_last_period(send_sen2_kind kind, int as_of)
{
    return kind == SEND_SEN2_JAN ? as_of : as_of - 1;
}

#endif
