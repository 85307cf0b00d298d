/* cmd_keys.c - `sendsim keys [--markdown]`: list every scenario key from the table of keys
 * (plain text), or print the scenario reference in Markdown (scenarios/KEYS.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "send_scenario.h"

static const char keys_usage[] =
    "usage: sendsim keys [--markdown]\n"
    "\n"
    "List every key a scenario file may hold: path, type, range, unit, default, whether it\n"
    "may be given a prior, and its meaning. --markdown prints the scenario reference\n"
    "(scenarios/KEYS.md is this output).\n";

int cli_keys(int argc, char **argv)
{
    int markdown = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(keys_usage, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--markdown")) {
            markdown = 1;
        } else {
            fprintf(stderr, "sendsim keys: unexpected argument '%s'\n", argv[i]);
            fputs(keys_usage, stderr);
            return EXIT_USAGE;
        }
    }
    send_keys_print(stdout, markdown);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
}
