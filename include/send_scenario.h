/* send_scenario.h - loading a scenario file into model parameters.
 *
 * Errors are one line, "file:line:column: key.path: what was expected", in err->msg with
 * code DES_EINPUT; nothing is written anywhere. The scenario format is documented in README.md.
 */
#ifndef SEND_SCENARIO_H
#define SEND_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

#include "des_error.h"
#include "send_model.h"

/* The fully resolved scenario (after `extends`), as YAML text, for provenance. */
typedef struct send_scenario_text {
    char *text;
    size_t len;
} send_scenario_text;

/* Load and validate; on success p is filled (release with send_params_free) and, if text is
 * non-NULL, the resolved YAML is kept there (release with send_scenario_text_free). */
int send_scenario_load(const char *path, send_params *p, send_scenario_text *text,
                       des_error *err);
void send_scenario_text_free(send_scenario_text *t);

/* Print the resolved parameters in model units (days, pounds, rates per year) and the
 * quantities derived from them (EP assessment slots, caseworker slots). */
void send_scenario_print(const send_params *p, FILE *out);

#endif
