/* cmd_validate.c - `sendsim validate SCENARIO [--keys]`: open and check a scenario, print the
 * resolved parameters in model units and its priors, or with --keys every numeric parameter by
 * its key path (from the table of keys). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "send_scenario.h"

int cli_validate(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        puts("usage: sendsim validate SCENARIO.yaml [--keys]\n\n"
             "Check a scenario file (and the files it extends) and print the resolved\n"
             "parameters; with --keys, every numeric parameter by its key path instead\n"
             "(see 'sendsim keys'). Errors are one line: file:line:column: key: what was\n"
             "expected.");
        return EXIT_OK;
    }
    int by_key = argc == 3 && !strcmp(argv[2], "--keys");
    if (argc != 2 && !by_key) {
        fputs("usage: sendsim validate SCENARIO.yaml [--keys]\n", stderr);
        return EXIT_USAGE;
    }
    send_scenario sc;
    des_error err = {0};
    if (send_scenario_open(argv[1], &sc, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return err.code == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
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
