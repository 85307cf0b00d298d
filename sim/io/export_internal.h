/* export_internal.h - what the export writers (export_csv.c, export_xlsx.c) share: the check
 * that there is something to export, and the opening of the file under its temporary name.
 * Not a public interface.
 */
#ifndef SENDSIM_EXPORT_INTERNAL_H
#define SENDSIM_EXPORT_INTERNAL_H

#include "des_error.h"
#include "send_io.h"
#include "send_results.h"

/* DES_EINVAL ("no replications to export to '<path>'") unless res holds a replication. */
int export_check(const send_results *res, const char *path, des_error *err);

/* export_check, then io_atomic_open(a, path): on success the caller commits or aborts a. */
int export_open(io_atomic *a, const char *path, const send_results *res, des_error *err);

#endif
