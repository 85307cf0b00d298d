/* cmd_validate.c - `sendsim validate SCENARIO`: load, check, print the resolved parameters. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "send_scenario.h"

int cli_validate(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        puts("usage: sendsim validate SCENARIO.yaml\n\n"
             "Check a scenario file (and the files it extends) and print the resolved\n"
             "parameters. Errors are one line: file:line:column: key: what was expected.");
        return EXIT_OK;
    }
    if (argc != 2) {
        fputs("usage: sendsim validate SCENARIO.yaml\n", stderr);
        return EXIT_USAGE;
    }
    send_scenario sc;
    des_error err = {0};
    if (send_scenario_open(argv[1], &sc, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return err.code == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    send_scenario_print(&sc.params, stdout);
    printf("%s: ok\n", argv[1]);
    send_scenario_close(&sc);
    return EXIT_OK;
}
