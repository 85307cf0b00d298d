#include <stdio.h>
#include "cli.h"
int cli_run(int argc, char **argv) { (void)argc; (void)argv; fputs("sendsim: run: not yet available\n", stderr); return EXIT_RUNTIME; }
int cli_validate(int argc, char **argv) { (void)argc; (void)argv; fputs("sendsim: validate: not yet available\n", stderr); return EXIT_RUNTIME; }
