/* send_services.h - the services beside the EHC pathway (levels 1-4, early help, the social-care
 * front door, children in care, short breaks) as a budget holder reads them: which metrics
 * belong to which service, in what order, under what plain name.
 *
 * One table (send_service_lines) drives the workbook's service sheets, the service charts'
 * tables and the report's services section; `compare` covers every metric in it. A metric
 * appended to the registry for one of these services needs one row here (tests/test_service_outputs.c
 * fails on a metric from M_LEVEL on that has none).
 */
#ifndef SEND_SERVICES_H
#define SEND_SERVICES_H

#include "send_model.h"
#include "send_results.h"

/* The services, in the order of the workbook's sheets and the report's tables: up the levels
 * from the whole population to care, then the short-breaks budget. */
typedef enum send_service {
    SEND_SVC_LEVELS,
    SEND_SVC_EARLY_HELP,
    SEND_SVC_FRONT_DOOR,
    SEND_SVC_CARE,
    SEND_SVC_SHORT_BREAKS,
    SEND_SVC_COUNT
} send_service;

typedef struct send_service_info {
    const char *name;    /* short code: chart and anchor names ("front-door") */
    const char *title;   /* sheet name and heading ("Front door"; at most 31 characters) */
    const char *heading; /* one line saying what the sheet or table holds */
    const char *budget;  /* whose money its costs are, or NULL when it has none */
} send_service_info;

extern const send_service_info send_services[SEND_SVC_COUNT];

/* One line of a service: a metric with its plain name (without the unit, which the registry
 * gives), under an optional group heading shared by consecutive lines. Lines of one period
 * kind are shown together, in table order. */
typedef struct send_service_line {
    send_service service;
    int metric;
    const char *label;
    const char *group; /* NULL: no heading */
} send_service_line;

extern const send_service_line send_service_lines[];
extern const int send_service_n_lines;

/* Index of the line of `metric` in send_service_lines, or -1. */
int send_service_line_of(int metric);

/* Whether the sub-model behind service s ran in res: some line of it has a value other than
 * 0 (and not NaN) in some replication and period. A sub-model that is off records nothing. */
int send_service_ran(const send_results *res, send_service s);

/* A unit as people read it after a label: "£" for GBP, "%" for percent, else the unit. */
const char *send_unit_words(const char *unit);

#endif
