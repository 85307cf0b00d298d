/* cmd_validate.c - `sendsim validate SCENARIO [--keys|--diff]`: open and check a scenario,
 * print the resolved parameters in model units and its priors, or with --keys every numeric
 * parameter by its key path (from the table of keys), or with --diff what it changes relative
 * to the scenario it extends, key by key. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "send_scenario.h"

int cli_validate(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        puts("usage: sendsim validate SCENARIO.yaml [--keys|--diff]\n\n"
             "Check a scenario file (and the files it extends) and print the resolved\n"
             "parameters; with --keys, every numeric parameter by its key path instead\n"
             "(see 'sendsim keys'); with --diff, what the scenario changes relative to\n"
             "the one it extends, one key per line. Errors are one line:\n"
             "file:line:column: key: what was expected.");
        return EXIT_OK;
    }
    int by_key = argc == 3 && !strcmp(argv[2], "--keys");
    int diff = argc == 3 && !strcmp(argv[2], "--diff");
    if (argc != 2 && !by_key && !diff) {
        fputs("usage: sendsim validate SCENARIO.yaml [--keys|--diff]\n", stderr);
        return EXIT_USAGE;
    }
    send_scenario sc;
    des_error err = {0};
    if (send_scenario_open(argv[1], &sc, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return err.code == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    if (diff) {
        int rc = send_scenario_diff(argv[1], stdout, &err);
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
    printf("%s: ok\n", argv[1]);
    send_scenario_close(&sc);
    return EXIT_OK;
}
