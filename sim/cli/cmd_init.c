/* cmd_init.c - `sendsim init --la CODE|NAME [--data FILE] [--as-of YEAR] ...`: a baseline
 * scenario for one authority from its published SEN2 series (send_init.h).
 * Usage errors, unreadable or bad data, an unknown or ambiguous authority and too little data
 * exit 2 with one line on stderr and write nothing; a file that cannot be written exits 1. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "send_init.h"
#include "send_io.h"

static const char init_usage[] =
    "usage: sendsim init --la CODE|NAME [--data FILE] [--pool FILE] [--england FILE]\n"
    "                    [--as-of YEAR] [--start YEAR0] [--end DATE] [--out FILE.yaml]\n"
    "                    [--no-priors] [--reverting-timeliness] [--quiet]\n"
    "\n"
    "Write a baseline scenario for one authority from the SEN2 data published by June of YEAR\n"
    "(January caseload to YEAR, calendar-year activity to YEAR-1). Every value names its series\n"
    "and year, or says 'national default scaled by ...' or 'assumption'. With priors it prints\n"
    "the next step, `sendsim calibrate` for the same authority and year: until then the bands\n"
    "hold chance and the priors only. --reverting-timeliness: also write drafting.late_share\n"
    "(the authority's share of plans late, reverting to the authorities' mean at the pace\n"
    "published timeliness reverts) and assessment.response.backlog_months (a backlog worked\n"
    "down at that pace), pooled over the authorities (docs/guide.md: better timeliness\n"
    "forecasts, a slightly worse caseload from 2022).\n";

int cli_init(int argc, char **argv)
{
    const char *la_key = NULL, *data = CLI_DEFAULT_DATA, *england = CLI_DEFAULT_ENGLAND,
               *pool = NULL;
    char data_buf[4096], england_buf[4096], pool_buf[4096];
    const char *outp = NULL, *end = NULL;
    long as_of = 0, start = 0;
    int priors = 1, quiet = 0, reverting = 0;
    const cli_opt opts[] = {
        CLI_OPT_STR("la", 0, &la_key, "CODE|NAME",
                    "old LA code (855), new code (E10000018) or name"),
        CLI_OPT_STR("data", 0, &data, "FILE",
                    "SEN2 series, long format (default data/la-sen2.csv)"),
        CLI_OPT_STR("pool", 0, &pool, "FILE",
                    "authorities to pool over for the shrinkage, priors and capacity response "
                    "(default: the --data file), as of YEAR or the file's last January"),
        CLI_OPT_STR("england", 0, &england, "FILE",
                    "England's series, for national defaults (default data/england-sen2.csv)"),
        CLI_OPT_LONG("as-of", 0, &as_of, 1990, 2200, "YEAR",
                     "default: the authority's latest January caseload in FILE"),
        CLI_OPT_LONG("start", 0, &start, 1990, 2200, "YEAR0",
                     "start on 1 January YEAR0 <= YEAR (default YEAR)"),
        CLI_OPT_STR("end", 0, &end, "DATE", "YYYY-MM-DD (default 31 December YEAR+9)"),
        CLI_OPT_STR("out", 'o', &outp, "FILE", "the scenario file (default NAME-YEAR.yaml)"),
        CLI_OPT_SET("priors", 0, &priors, 1, "write priors for the calibrated keys (default)"),
        CLI_OPT_SET("no-priors", 0, &priors, 0, "write point values only"),
        CLI_OPT_FLAG("reverting-timeliness", 0, &reverting,
                     "late plans and a backlog response from timeliness's pooled reversion"),
        CLI_OPT_FLAG("quiet", 'q', &quiet, "do not print the file written or the next step"),
    };
    const cli_command cmd = {"init", init_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int n_pos, r = cli_parse_args(&cmd, argc, argv, NULL, 0, &n_pos);
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    const char *data_arg = strcmp(data, CLI_DEFAULT_DATA) ? data : NULL, *pool_arg = pool;
    if (!strcmp(data, CLI_DEFAULT_DATA)) /* from any directory: the installed or source copy */
        data = cli_shipped(data, data_buf, sizeof data_buf);
    if (pool && !strcmp(pool, CLI_DEFAULT_DATA))
        pool = cli_shipped(pool, pool_buf, sizeof pool_buf);
    if (!strcmp(england, CLI_DEFAULT_ENGLAND))
        england = cli_shipped(england, england_buf, sizeof england_buf);
    if (!la_key)
        return cli_usage_error("init", "--la CODE|NAME is required");
    int ey = 0, em = 0, ed = 0, used = 0;
    if (end && (sscanf(end, "%4d-%2d-%2d%n", &ey, &em, &ed, &used) != 3 || end[used] ||
                used != 10 || em < 1 || em > 12 || ed < 1 || ed > 31))
        return cli_usage_error("init", "--end: expected a date YYYY-MM-DD, got '%s'", end);

    des_error err = {0};
    send_sen2 *d = send_sen2_read(data, &err);
    if (!d) {
        fprintf(stderr, "sendsim init: %s\n", err.msg);
        return EXIT_USAGE;
    }
    send_sen2 *e = send_sen2_read(england, &err);
    if (!e) {
        fprintf(stderr, "sendsim init: %s\n", err.msg);
        send_sen2_free(d);
        return EXIT_USAGE;
    }
    send_sen2 *p = NULL;
    if (pool && !(p = send_sen2_read(pool, &err))) {
        fprintf(stderr, "sendsim init: %s\n", err.msg);
        send_sen2_free(e);
        send_sen2_free(d);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    long la = send_sen2_find(d, la_key, &err);
    if (la < 0) {
        fprintf(stderr, "sendsim init: %s\n", err.msg);
        rc = EXIT_USAGE;
        goto done;
    }
    const send_sen2_la *a = send_sen2_la_at(d, (size_t)la);
    if (!as_of) {
        int f, l;
        if (!send_sen2_span(d, (size_t)la, "ehcp_total", 0, &f, &l)) {
            fprintf(stderr, "sendsim init: too little data for '%s': no ehcp_total in '%s'\n",
                    a->name, data);
            rc = EXIT_USAGE;
            goto done;
        }
        as_of = l;
    }
    char def[256];
    if (!outp) {
        char slug[128];
        send_init_slug(a->name, slug, sizeof slug);
        snprintf(def, sizeof def, "%s-%ld.yaml", slug, as_of);
        outp = def;
    }
    send_init_opts o = {.as_of = (int)as_of,
                        .start_year = (int)start,
                        .end_y = ey,
                        .end_m = em,
                        .end_d = ed,
                        .data_label = data,
                        .england = e,
                        .england_label = england,
                        .priors = priors,
                        .pool = p,
                        .pool_label = pool,
                        .reverting_timeliness = reverting};
    int st = send_init_scenario(d, (size_t)la, &o, outp, &err);
    if (st != DES_OK) {
        fprintf(stderr, "sendsim init: %s\n", err.msg);
        rc = st == DES_EINPUT ? EXIT_USAGE : EXIT_RUNTIME;
        goto done;
    }
    if (!quiet)
        printf("wrote %s (%s as of %ld)\n", outp, a->name, as_of);
    if (!quiet && priors) { /* the step that gives the bands what the back-tests measure */
        fputs("next: sendsim calibrate ", stdout);
        send_shell_word(stdout, outp);
        fputs(" --la ", stdout);
        send_shell_word(stdout, la_key);
        printf(" --as-of %ld", as_of);
        if (data_arg) {
            fputs(" --data ", stdout);
            send_shell_word(stdout, data_arg);
        }
        if (pool_arg) {
            fputs(" --pool ", stdout);
            send_shell_word(stdout, pool_arg);
        }
        if (reverting)
            fputs(" --reverting-timeliness", stdout);
        fputs("\n      fits the priors to the published history and adds the forecast-error "
              "term; until then the bands hold chance and the priors only\n", stdout);
    }
done:
    send_sen2_free(p);
    send_sen2_free(e);
    send_sen2_free(d);
    return rc;
}
