/* cmd_keys.c - `sendsim keys [--markdown]`: list every scenario key from the table of keys
 * (plain text), or print the scenario reference in Markdown (scenarios/KEYS.md). */
#include <stdio.h>
#include <string.h>

#include "common.h"
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
    const cli_opt opts[] = {
        CLI_OPT_FLAG("markdown", 0, &markdown, "the scenario reference (scenarios/KEYS.md)"),
    };
    const cli_command cmd = {"keys", keys_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int n_pos, r = cli_parse_args(&cmd, argc, argv, NULL, 0, &n_pos);
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    send_keys_print(stdout, markdown);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
}
