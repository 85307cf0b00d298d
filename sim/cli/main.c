/* main.c - the sendsim command: global options and subcommand dispatch. */
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scenario_io.h"
#include "send_run.h"
#include "sendsim_version.h"

static const char usage[] =
    "usage: sendsim <command> [options]\n"
    "       sendsim help <command>    the command's options (or sendsim <command> --help)\n"
    "\n"
    "SEND system discrete-event simulation and forecasting.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.yaml [-n N] [-s S] [-j J] [-o PREFIX] [--format png|svg] [--no-plots]\n"
    "      [--force] [-q]\n"
    "                       simulate a scenario; write PREFIX.h5 and PREFIX-summary.csv\n"
    "  compare A.yaml B.yaml [C.yaml ...] [-n N] [-s S] [-j J] [-o PREFIX]\n"
    "      [--format png|svg] [--no-plots] [-q]\n"
    "                       run scenarios with common random numbers; write the paired\n"
    "                       differences against the first to PREFIX-compare.csv\n"
    "  export RESULTS.h5 (--csv | --xlsx) [-o FILE] [-q]\n"
    "                       write a run's results as CSV tables or an Excel workbook\n"
    "  plot PREFIX.h5 [--format png|svg] [-o DIR] [--templates DIR] [-q]\n"
    "                       draw the charts of a results file with gnuplot\n"
    "  report PREFIX.h5 [COMPARE.csv ...] [--backtest FILE-backtest.csv ...]\n"
    "         [-o FILE.html] [--title TEXT] [--no-charts] [--templates DIR] [-q]\n"
    "                       one self-contained HTML page: headline, charts, tables,\n"
    "                       assumptions with sources, provenance, back-test accuracy\n"
    "  init --la CODE|NAME [--data FILE] [--as-of YEAR] [-o FILE.yaml] [--no-priors] [-q]\n"
    "                       write a baseline scenario for an authority from its\n"
    "                       published SEN2 data\n"
    "  calibrate SCENARIO.yaml [--la CODE] [--as-of YEAR] [-o FILE.yaml] [-q]\n"
    "                       fit the scenario's priors to the authority's published\n"
    "                       series (ABC-SMC); write a scenario with the fitted ensemble\n"
    "  backtest (--la CODE|NAME | --all) --from YEAR [--data FILE] [--observed FILE]\n"
    "           [-n N] [-j J] [-o PREFIX] [--format png|svg] [--no-plots] [-q]\n"
    "                       forecast as of a past year from the data published by then and\n"
    "                       compare with what was published since (PREFIX-backtest.csv)\n"
    "  validate SCENARIO.yaml [--keys]\n"
    "                       check a scenario and print its resolved parameters\n"
    "  keys [--markdown]    list every scenario key (type, range, unit, default, meaning)\n"
    "\n"
    "options of run, compare and backtest:\n"
    "  -n, --replications N replications (default 200)\n"
    "  -s, --seed S         master seed (default 1): the same seed gives the same numbers\n"
    "  -j, --threads J      threads (default: all cores); results do not depend on it\n"
    "  -o, --out PREFIX     output prefix (default results/<scenario name>)\n"
    "  -f, --format png|svg chart images (default png)\n"
    "      --no-plots       draw no charts\n"
    "  -q, --quiet          print nothing but warnings and errors\n"
    "Values may follow as the next word or after '=': --replications=10, -n 10.\n"
    "\n"
    "general options:\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n"
    "\n"
    "exit status: 0 success, 1 runtime failure, 2 usage or input error, 130 interrupted\n";

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

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    const char *near = NULL;
    size_t best = 3; /* at most two edits away */
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        size_t d = scn_edit_distance(name, commands[i].name);
        if (d < best && d < strlen(name)) {
            best = d;
            near = commands[i].name;
        }
    }
    if (near)
        fprintf(stderr, "sendsim: unknown command '%s' (did you mean '%s'?)\n", name, near);
    else
        fprintf(stderr, "sendsim: unknown command '%s' (try 'sendsim --help')\n", name);
    return EXIT_USAGE;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
        (!strcmp(argv[1], "help") && argc == 2)) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "help")) { /* sendsim help run = sendsim run --help */
        if (argc > 3) {
            fprintf(stderr, "sendsim help: unexpected argument '%s'\n", argv[3]);
            return EXIT_USAGE;
        }
        const struct command *c = find_command(argv[2]);
        if (!c)
            return unknown_command(argv[2]);
        char *args[] = {argv[2], "--help", NULL};
        return c->fn(2, args);
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("sendsim %s\n", SENDSIM_VERSION);
        return EXIT_OK;
    }
    const struct command *c = find_command(argv[1]);
    return c ? c->fn(argc - 1, argv + 1) : unknown_command(argv[1]);
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
