/* scenario_internal.h - shared between the scenario loader (scenario_load.c) and the provenance
 * it records (scenario_prov.c); not part of the library's interface. */
#ifndef SCENARIO_INTERNAL_H
#define SCENARIO_INTERNAL_H

#include "des_error.h"
#include "send_scenario.h"

/* Fill s->source and s->rows from s->doc and s->templates (already parsed). On failure nothing
 * is kept and err says why (DES_EIO: a file cannot be read as text; DES_ENOMEM). */
int send_scenario_provenance(send_scenario *s, des_error *err);
void send_param_rows_free(send_param_row *rows, int n);

#endif
