/* fuzz_targets.h - one entry point per reader of outside input, shared by the libFuzzer
 * programs (`make fuzz`, tests/fuzz/fuzz_main.c) and the corpus replay in `make test`
 * (tests/test_fuzz_corpus.c). */
#ifndef SENDSIM_FUZZ_TARGETS_H
#define SENDSIM_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* The readers, by name: "scenario" (a scenario file, fully loaded and checked), "sen2" (a SEN2
 * data file), "results" (an HDF5 results file), "compare" (a PREFIX-compare.csv), "backtest"
 * (a PREFIX-backtest.csv), "placements" (a PREFIX-placements.csv, read beside a fixed
 * back-test table of one authority, E1, from 2019). NULL-terminated. */
extern const char *const sendsim_fuzz_targets[];

/* Index of a target by name, or -1. */
int sendsim_fuzz_find(const char *name);

/* Feed data to the reader `target` through a file of this process, the way the program reads
 * it. Returns 0 if it was read, 1 if it was rejected with a one-line error; aborts (a finding)
 * if a rejection has no message or a message of several lines. */
int sendsim_fuzz_run(int target, const uint8_t *data, size_t size);

#endif
