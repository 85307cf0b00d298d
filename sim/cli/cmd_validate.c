/* cmd_validate.c - `sendsim validate SCENARIO [--keys|--diff]`: open and check a scenario,
 * print the resolved parameters in model units and its priors, or with --keys every numeric
 * parameter by its key path (from the table of keys), or with --diff what it changes relative
 * to the scenario it extends, key by key. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "send_scenario.h"

static const char validate_usage[] =
    "usage: sendsim validate SCENARIO.yaml [--keys|--diff]\n"
    "\n"
    "Check a scenario file (and the files it extends) and print the resolved\n"
    "parameters; with --keys, every numeric parameter by its key path instead\n"
    "(see 'sendsim keys'); with --diff, what the scenario changes relative to\n"
    "the one it extends, one key per line. Errors are one line:\n"
    "file:line:column: key: what was expected.\n";

int cli_validate(int argc, char **argv)
{
    const char *path = NULL;
    int by_key = 0, diff = 0;
    const cli_opt opts[] = {
        CLI_OPT_FLAG("keys", 0, &by_key, "every numeric parameter by its key path"),
        CLI_OPT_FLAG("diff", 0, &diff, "what the scenario changes relative to the one it extends"),
    };
    const cli_command cmd = {"validate", validate_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int n_pos, r = cli_parse_args(&cmd, argc, argv, &path, 1, &n_pos);
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!path)
        return cli_usage_error("validate", "a scenario file is required");
    if (by_key && diff)
        return cli_usage_error("validate", "--keys and --diff cannot be combined");
    send_scenario sc;
    des_error err = {0};
    if (send_scenario_open(path, &sc, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return err.code == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    if (diff) {
        int rc = send_scenario_diff(path, stdout, &err);
        send_scenario_close(&sc);
        if (rc != DES_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return rc == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if (by_key) {
        send_scenario_print_keys(&sc.params, stdout);
    } else {
        send_scenario_print(&sc.params, stdout);
        send_scenario_print_priors(&sc.params, stdout);
        send_scenario_print_ensemble(&sc.params, stdout);
    }
    printf("%s: ok\n", path);
    send_scenario_close(&sc);
    return EXIT_OK;
}
