/* main.c - the sendsim command: global options and subcommand dispatch. */
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "send_run.h"
#include "sendsim_version.h"

static const char usage[] =
    "usage: sendsim <command> [options]\n"
    "\n"
    "SEND system discrete-event simulation and forecasting.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.yaml [--replications N] [--seed S] [--threads J] [--out PREFIX]\n"
    "                       simulate a scenario; write PREFIX.h5 and PREFIX-summary.csv\n"
    "  compare A.yaml B.yaml [C.yaml ...] [--replications N] [--seed S] [--out PREFIX]\n"
    "                       run scenarios with common random numbers; write the paired\n"
    "                       differences against the first to PREFIX-compare.csv\n"
    "  export RESULTS.h5 (--csv | --xlsx) [--out FILE]\n"
    "                       write a run's results as CSV tables or an Excel workbook\n"
    "  plot PREFIX.h5 [--format png|svg] [--out DIR]\n"
    "                       draw the charts of a results file with gnuplot\n"
    "  report PREFIX.h5 [COMPARE.csv ...] [--backtest FILE-backtest.csv ...]\n"
    "         [--out FILE.html]\n"
    "                       one self-contained HTML page: headline, charts, tables,\n"
    "                       assumptions with sources, provenance, back-test accuracy\n"
    "  init --la CODE|NAME [--data FILE] [--as-of YEAR] [--out FILE.yaml]\n"
    "                       write a baseline scenario for an authority from its\n"
    "                       published SEN2 data\n"
    "  calibrate SCENARIO.yaml [--la CODE] [--as-of YEAR] [--out FILE.yaml]\n"
    "                       fit the scenario's priors to the authority's published\n"
    "                       series (ABC-SMC); write a scenario with the fitted ensemble\n"
    "  backtest (--la CODE|NAME | --all) --from YEAR [--data FILE] [--observed FILE]\n"
    "           [--replications N] [--threads J] [--out PREFIX]\n"
    "                       forecast as of a past year from the data published by then and\n"
    "                       compare with what was published since (PREFIX-backtest.csv)\n"
    "  validate SCENARIO.yaml [--keys]\n"
    "                       check a scenario and print its resolved parameters\n"
    "  keys [--markdown]    list every scenario key (type, range, unit, default, meaning)\n"
    "\n"
    "options:\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n"
    "\n"
    "exit status: 0 success, 1 runtime failure, 2 usage or input error\n";

struct command {
    const char *name;
    int (*fn)(int, char **);
};

static const struct command commands[] = {
    {"run", cli_run},
    {"validate", cli_validate},
    {"compare", cli_compare},
    {"export", cli_export},
    {"plot", cli_plot},
    {"report", cli_report},
    {"init", cli_init},
    {"calibrate", cli_calibrate},
    {"backtest", cli_backtest},
    {"keys", cli_keys},
};

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("sendsim %s\n", SENDSIM_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "sendsim: unknown command '%s' (try 'sendsim --help')\n", argv[1]);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported through des_error */
    /* Under mpirun (the MPI=1 build) every rank runs this; only rank 0 speaks, so that a
     * message appears once. Errors on other ranks reach rank 0 through the run itself. */
    int rank = send_dist_init(&argc, &argv);
    if (rank < 0) {
        fputs("sendsim: cannot start MPI\n", stderr);
        return EXIT_RUNTIME;
    }
    if (rank > 0 && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
        return EXIT_RUNTIME;
    int rc = dispatch(argc, argv);
    send_dist_finalize();
    return rc;
}
