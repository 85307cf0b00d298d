/* cli.h - subcommand entry points. Each returns the process exit status:
 * 0 success, 1 runtime failure, 2 usage or input error. Only sim/cli prints for people. */
#ifndef SENDSIM_CLI_H
#define SENDSIM_CLI_H

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

int cli_run(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_calibrate(int argc, char **argv);
int cli_keys(int argc, char **argv);
int cli_backtest(int argc, char **argv);

#endif
