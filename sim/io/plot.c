/* plot.c - the machinery shared by every chart: output names, data files, building the
 * gnuplot script, finding gnuplot and the templates, and running gnuplot through a pipe.
 *
 * A call builds one script for all its charts in memory (each chart a `reset session`,
 * its parameters as gnuplot variables, then `load` of its template) and feeds it to one
 * gnuplot process through a pipe, so gnuplot starts once per call. gnuplot carries on after
 * an error and exits non-zero at the end; its output goes to a log file beside the images,
 * read back for the error message and then removed. Images are drawn under temporary names
 * ("<final>.draw.tmp.<pid>") and renamed into place only when gnuplot succeeded, so a failed
 * or interrupted call leaves no image half-written under a final name. SVG ids are prefixed
 * with the image's name on the way, so charts inlined in one HTML page never share an id
 * (gnuplot names its point shapes and clip paths alike in every file). SIGPIPE is blocked in
 * the calling thread while writing to gnuplot (and a pending one consumed), so a gnuplot
 * that dies early gives an error, not a dead process; the process-wide disposition is not
 * touched. gnuplot is started by fork and exec (not popen) so that an interrupt (the caller's
 * cancel flag) can stop it: a SIGINT to this process alone is honoured while gnuplot draws.
 * Memory and time are linear in the size of the script and the images.
 */
#include "plot_internal.h"


#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *const plot_provision_titles[PROV_COUNT] = {
    "mainstream school", "resourced provision / SEN unit", "special school",
    "independent special school", "level-4 residential package", "FE or sixth-form college",
    "specialist post-16 institution", "alternative provision", "early-years setting",
    "elsewhere", "awaiting provision"};

void send_plot_list_free(send_plot_list *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++) {
        free(l->paths ? l->paths[i] : NULL);
        free(l->titles ? l->titles[i] : NULL);
    }
    free(l->paths);
    free(l->titles);
    l->n = 0;
    l->paths = l->titles = NULL;
}

static char *dup_printf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* mkdir -p: every missing component of dir, mode 0777 (less the umask). */
static int make_dirs(const char *dir, des_error *err)
{
    char *p = strdup(dir);
    if (!p)
        return des_error_set(err, DES_ENOMEM, "cannot allocate a directory name");
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char keep = *s;
        *s = '\0';
        struct stat st;
        if (stat(p, &st) != 0) {
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                free(p);
                return des_error_set(err, DES_EIO, "cannot create directory '%s' (%s)", dir,
                                     strerror(e));
            }
        } else if (!S_ISDIR(st.st_mode)) {
            free(p);
            return des_error_set(err, DES_EIO, "'%s' is not a directory", dir);
        }
        *s = keep;
        if (keep == '\0')
            break;
    }
    free(p);
    return DES_OK;
}

/* A scenario name as a file name stem: letters, digits, '.', '_' and '-' kept, others '_'. */
static char *safe_stem(const char *name)
{
    if (!name || !*name)
        name = "sendsim";
    char *s = strdup(name);
    if (!s)
        return NULL;
    for (char *q = s; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
              *q == '.' || *q == '_' || *q == '-'))
            *q = '_';
    if (s[0] == '.')
        s[0] = '_';
    return s;
}

int plot_ctx_init(plot_ctx *c, const send_plot_opts *o, const char *default_stem,
                  const char *tmpl, FILE *script, int tmp_images, des_error *err)
{
    memset(c, 0, sizeof *c);
    c->err = err;
    c->script = script;
    c->tmp_images = tmp_images;
    c->cancel = o ? o->cancel : NULL;
    const char *fmt = o && o->format ? o->format : "png";
    if (strcmp(fmt, "png") != 0 && strcmp(fmt, "svg") != 0)
        return des_error_set(err, DES_EINPUT, "unknown image format '%s' (expected png or svg)",
                             fmt);
    c->fmt = !strcmp(fmt, "png") ? "png" : "svg";
    if (o && o->stem && (!*o->stem || strchr(o->stem, '/')))
        return des_error_set(err, DES_EINPUT, "bad file name stem '%s' (no '/', not empty)",
                             o->stem);
    const char *dir = o && o->out_dir && *o->out_dir ? o->out_dir : ".";
    c->dir = strdup(dir);
    c->stem = o && o->stem ? strdup(o->stem) : safe_stem(default_stem);
    c->tmpl = strdup(tmpl ? tmpl : "plots");
    if (!c->dir || !c->stem || !c->tmpl) {
        plot_ctx_free(c);
        return des_error_set(err, DES_ENOMEM, "cannot allocate chart names");
    }
    size_t n = strlen(c->dir);
    while (n > 1 && c->dir[n - 1] == '/')
        c->dir[--n] = '\0';
    int rc = make_dirs(c->dir, err);
    if (rc)
        plot_ctx_free(c);
    return rc;
}

void plot_ctx_free(plot_ctx *c)
{
    if (c->tmp) {
        for (int i = 0; i < c->images.n; i++)
            free(c->tmp[i]);
        free(c->tmp);
    }
    send_plot_list_free(&c->images);
    free(c->dir);
    free(c->stem);
    free(c->tmpl);
    free(c->footer);
    memset(c, 0, sizeof *c);
}

char *plot_path(const plot_ctx *c, const char *part, const char *ext)
{
    return dup_printf("%s/%s-%s.%s", c->dir, c->stem, part, ext);
}

int plot_dat_open(plot_ctx *c, const char *part, io_atomic *a, char **path)
{
    char *p = plot_path(c, part, "dat");
    if (!p)
        return des_error_set(c->err, DES_ENOMEM, "cannot allocate a file name");
    int rc = io_atomic_open(a, p, c->err);
    if (rc == DES_OK && path)
        *path = p;
    else
        free(p);
    return rc;
}

int plot_dat_commit(plot_ctx *c, io_atomic *a)
{
    return io_atomic_commit(a, NULL, c->err);
}

void plot_dat_num(FILE *f, double v)
{
    if (isnan(v))
        fputs(" NaN", f);
    else
        fprintf(f, " %.10g", v == 0 ? 0.0 : v);
}

void plot_put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\'')
            fputs("''", f);
        else if (ch < 0x20 || ch == 0x7f)
            fputc(' ', f);
        else
            fputc(ch, f);
    }
    fputc('\'', f);
}

void plot_set_str(plot_ctx *c, const char *var, const char *val)
{
    fprintf(c->script, "%s = ", var);
    plot_put_quoted(c->script, val);
    fputc('\n', c->script);
}

void plot_set_num(plot_ctx *c, const char *var, double v)
{
    if (isnan(v))
        fprintf(c->script, "%s = NaN\n", var);
    else
        fprintf(c->script, "%s = %.10g\n", var, v);
}

int plot_begin(plot_ctx *c, const char *part, const char *title)
{
    if (c->images.n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        char **p = realloc(c->images.paths, (size_t)cap * sizeof *p);
        if (p)
            c->images.paths = p;
        char **t = realloc(c->images.titles, (size_t)cap * sizeof *t);
        if (t)
            c->images.titles = t;
        char **m = realloc(c->tmp, (size_t)cap * sizeof *m);
        if (m)
            c->tmp = m;
        if (!p || !t || !m)
            return des_error_set(c->err, DES_ENOMEM, "cannot allocate the chart list");
        c->cap = cap;
    }
    char *path = plot_path(c, part, c->fmt);
    char *ttl = strdup(title);
    char *tmp = path ? dup_printf("%s.draw.tmp.%ld", path, (long)getpid()) : NULL;
    if (!path || !ttl || !tmp) {
        free(path);
        free(ttl);
        free(tmp);
        return des_error_set(c->err, DES_ENOMEM, "cannot allocate a chart name");
    }
    int i = c->images.n++;
    c->images.paths[i] = path;
    c->images.titles[i] = ttl;
    c->tmp[i] = tmp;
    FILE *f = c->script;
    fprintf(f, "\n# ---- %s: %s\nreset session\nprint ", part, title);
    plot_put_quoted(f, "sendsim-chart ");
    fputs(" . ", f);
    plot_put_quoted(f, part);
    fputc('\n', f);
    plot_set_str(c, "plotdir", c->tmpl);
    plot_set_str(c, "fmt", c->fmt);
    plot_set_str(c, "out", c->tmp_images ? tmp : path);
    plot_set_str(c, "title", title);
    if (c->footer)
        plot_set_str(c, "footer", c->footer);
    return DES_OK;
}

void plot_end(plot_ctx *c, const char *template_name)
{
    fputs("load ", c->script);
    char *p = dup_printf("%s/%s", c->tmpl, template_name);
    plot_put_quoted(c->script, p ? p : template_name);
    free(p);
    fputs("\nset output\n", c->script);
}

/* ---- finding gnuplot and the templates ---------------------------------------------------- */

static int is_exec_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

char *plot_find_gnuplot(const send_plot_opts *o)
{
    const char *prog = o && o->gnuplot && *o->gnuplot ? o->gnuplot : getenv("SENDSIM_GNUPLOT");
    if (!prog || !*prog)
        prog = "gnuplot";
    if (strchr(prog, '/'))
        return is_exec_file(prog) ? strdup(prog) : NULL;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        char *cand = n ? dup_printf("%.*s/%s", (int)n, path, prog) : dup_printf("./%s", prog);
        if (cand && is_exec_file(cand))
            return cand;
        free(cand);
        path += n;
        if (*path == ':')
            path++;
    }
    return NULL;
}

static int has_templates(const char *dir)
{
    char *p = dup_printf("%s/style.gp", dir);
    int ok = p && access(p, R_OK) == 0;
    free(p);
    return ok;
}

int plot_find_templates(const send_plot_opts *o, char **dir, des_error *err)
{
    *dir = NULL;
    const char *named = NULL, *how = NULL;
    if (o && o->templates && *o->templates) {
        named = o->templates;
        how = "template directory";
    } else if (getenv("SENDSIM_PLOTS") && *getenv("SENDSIM_PLOTS")) {
        named = getenv("SENDSIM_PLOTS");
        how = "SENDSIM_PLOTS";
    }
    if (named) {
        if (!has_templates(named))
            return des_error_set(err, DES_EINPUT, "%s '%s' holds no chart templates (style.gp)",
                                 how, named);
        *dir = strdup(named);
        return *dir ? DES_OK : des_error_set(err, DES_ENOMEM, "cannot allocate a path");
    }
    char *style = send_shared_path("plots/style.gp"); /* ./plots, installed, source tree */
    if (style) {
        *strrchr(style, '/') = '\0';
        *dir = style;
        return DES_OK;
    }
    return des_error_set(err, DES_EIO,
                         "cannot find the chart templates 'plots/style.gp' (set SENDSIM_PLOTS "
                         "to the plots directory)");
}

/* ---- running gnuplot ---------------------------------------------------------------------- */

void send_shell_word(FILE *f, const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/+-") ==
                  strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

/* The first error gnuplot reported, and the chart it was drawing, from its log. */
static void log_error(const char *log_path, char *msg, size_t len)
{
    snprintf(msg, len, "no message");
    FILE *f = fopen(log_path, "r");
    if (!f)
        return;
    char line[1024], chart[128] = "", last[1024] = "";
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!strncmp(s, "sendsim-chart ", 14)) {
            snprintf(chart, sizeof chart, "%s", s + 14);
            continue;
        }
        if (!*s || !strncmp(s, "warning:", 8) || strstr(s, ": warning:") || !strcmp(s, "^"))
            continue;
        if (strstr(s, "line ") && strchr(s, ':')) {
            if (chart[0])
                snprintf(msg, len, "chart '%.100s': %.400s", chart, s);
            else
                snprintf(msg, len, "%.500s", s);
            found = 1;
            break;
        }
        snprintf(last, sizeof last, "%s", s);
    }
    fclose(f);
    if (!found && last[0])
        snprintf(msg, len, "%.500s", last);
}

/* Prefix every id (and reference to it) in a gnuplot SVG with "<prefix>-", so that several
 * charts inlined in one HTML page do not share ids. gnuplot writes ids as id='x' and refers
 * to them as url(#x) and xlink:href='#x'. */
static int svg_prefix_ids(const char *from, const char *to, const char *prefix, des_error *err)
{
    FILE *in = fopen(from, "r");
    if (!in)
        return des_error_set(err, DES_EIO, "gnuplot wrote no image '%s'", to);
    io_atomic a;
    int rc = io_atomic_open(&a, to, err);
    if (rc) {
        fclose(in);
        return rc;
    }
    static const char *const pats[] = {"id='", "id=\"", "url(#", "href='#", "href=\"#"};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) > 0) {
        const char *s = line;
        while (*s) {
            const char *best = NULL;
            size_t blen = 0;
            for (size_t k = 0; k < sizeof pats / sizeof pats[0]; k++) {
                const char *h = strstr(s, pats[k]);
                /* "id=" must start an attribute, not end e.g. "grid=" */
                if (h && k < 2 && h > line && h[-1] != ' ' && h[-1] != '\t')
                    h = NULL;
                if (h && (!best || h < best)) {
                    best = h;
                    blen = strlen(pats[k]);
                }
            }
            if (!best) {
                fputs(s, a.f);
                break;
            }
            fwrite(s, 1, (size_t)(best - s) + blen, a.f);
            fprintf(a.f, "%s-", prefix);
            s = best + blen;
        }
    }
    free(line);
    int bad = ferror(in);
    fclose(in);
    if (bad) {
        io_atomic_abort(&a);
        return des_error_set(err, DES_EIO, "cannot read '%s'", from);
    }
    rc = io_atomic_commit(&a, NULL, err);
    if (rc == DES_OK)
        unlink(from);
    return rc;
}

static void remove_temps(plot_ctx *c, int from)
{
    for (int i = from; i < c->images.n; i++)
        if (c->tmp[i])
            unlink(c->tmp[i]);
}

/* `sh -c cmd` with a pipe to its standard input (*to_child, to be closed by the caller); the
 * child gets the signal mask `mask`. Returns the child's pid, or -1 (errno set). */
static pid_t start_shell(const char *cmd, const sigset_t *mask, FILE **to_child)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) { /* only async-signal-safe calls until exec */
        if (dup2(fd[0], STDIN_FILENO) < 0)
            _exit(126);
        close(fd[0]);
        close(fd[1]);
        sigprocmask(SIG_SETMASK, mask, NULL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int e = errno;
    close(fd[0]);
    if (pid < 0 || !(*to_child = fdopen(fd[1], "w"))) {
        e = pid < 0 ? e : errno;
        close(fd[1]);
        if (pid > 0) {
            kill(pid, SIGTERM);
            waitpid(pid, NULL, 0);
        }
        errno = e;
        return -1;
    }
    return pid;
}

/* Wait for the child; when *cancel becomes set, stop it (SIGTERM) and note it in *cancelled.
 * Returns the wait status, or -1. */
static int wait_child(pid_t pid, const volatile sig_atomic_t *cancel, int *cancelled)
{
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, cancel ? WNOHANG : 0);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return -1;
        if (cancel && *cancel && !*cancelled) {
            kill(pid, SIGTERM);
            *cancelled = 1;
        }
        if (cancel) {
            struct timespec tick = {0, 10 * 1000 * 1000};
            nanosleep(&tick, NULL);
        }
    }
}

int plot_run(plot_ctx *c, const char *gnuplot, const char *script, size_t len,
             send_plot_list *out, int *no_gnuplot)
{
    char *log = plot_path(c, "gnuplot", "log");
    char *log_tmp = log ? dup_printf("%s.tmp.%ld", log, (long)getpid()) : NULL;
    free(log);
    char *cmd = NULL;
    size_t cmd_len = 0;
    FILE *cf = open_memstream(&cmd, &cmd_len);
    if (!log_tmp || !cf) {
        if (cf)
            fclose(cf);
        free(cmd);
        free(log_tmp);
        return des_error_set(c->err, DES_ENOMEM, "cannot allocate the gnuplot command");
    }
    fputs("exec ", cf);
    send_shell_word(cf, gnuplot);
    fputs(" >", cf);
    send_shell_word(cf, log_tmp);
    fputs(" 2>&1", cf);
    fclose(cf);

    sigset_t pipe_set, old, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    sigpending(&pending);
    int was_pending = sigismember(&pending, SIGPIPE);

    int rc = DES_OK;
    fflush(NULL); /* nothing buffered may be duplicated into the child */
    int st = -1, write_err = 0, cancelled = 0;
    FILE *p = NULL;
    pid_t pid = start_shell(cmd, &old, &p);
    if (pid > 0) {
        write_err = fwrite(script, 1, len, p) != len || fflush(p) != 0;
        fclose(p);
        st = wait_child(pid, c->cancel, &cancelled);
    }
    if (!was_pending) {
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE)) {
            struct timespec zero = {0, 0};
            sigtimedwait(&pipe_set, NULL, &zero);
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    if (pid <= 0) {
        rc = des_error_set(c->err, DES_EIO, "cannot start '%s' (%s)", gnuplot, strerror(errno));
    } else if (cancelled || (c->cancel && *c->cancel)) {
        rc = des_error_set(c->err, DES_ESTATE, "interrupted");
    } else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127) {
        *no_gnuplot = 1;
    } else if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char msg[700];
        log_error(log_tmp, msg, sizeof msg);
        if (st != -1 && WIFSIGNALED(st))
            rc = des_error_set(c->err, DES_EIO, "gnuplot was stopped by signal %d",
                               WTERMSIG(st));
        else
            rc = des_error_set(c->err, DES_EIO, "gnuplot failed: %s", msg);
    } else if (write_err) {
        rc = des_error_set(c->err, DES_EIO, "cannot write the script to '%s'", gnuplot);
    }
    unlink(log_tmp);
    free(log_tmp);
    free(cmd);
    if (rc != DES_OK || *no_gnuplot) {
        remove_temps(c, 0);
        return rc;
    }
    for (int i = 0; i < c->images.n; i++) {
        if (!strcmp(c->fmt, "svg")) {
            const char *base = strrchr(c->images.paths[i], '/');
            base = base ? base + 1 : c->images.paths[i];
            char *prefix = strdup(base);
            if (!prefix) {
                rc = des_error_set(c->err, DES_ENOMEM, "cannot allocate an id prefix");
            } else {
                char *dot = strrchr(prefix, '.');
                if (dot)
                    *dot = '\0';
                for (char *q = prefix; *q; q++)
                    if (*q == '.' || *q == ' ')
                        *q = '_';
                rc = svg_prefix_ids(c->tmp[i], c->images.paths[i], prefix, c->err);
                free(prefix);
            }
        } else if (access(c->tmp[i], F_OK) != 0) {
            rc = des_error_set(c->err, DES_EIO, "gnuplot wrote no image '%s'",
                               c->images.paths[i]);
        } else if (rename(c->tmp[i], c->images.paths[i]) != 0) {
            rc = des_error_set(c->err, DES_EIO, "cannot write '%s' (%s)", c->images.paths[i],
                               strerror(errno));
        }
        if (rc) {
            remove_temps(c, i);
            return rc;
        }
    }
    *out = c->images;
    c->images = (send_plot_list){0};
    for (int i = 0; i < out->n; i++) {
        free(c->tmp[i]);
        c->tmp[i] = NULL;
    }
    return DES_OK;
}

int plot_script(const send_plot_opts *o, const char *default_stem, plot_build_fn build,
                const void *arg, FILE *script, des_error *err)
{
    char *tmpl = NULL;
    int rc = plot_find_templates(o, &tmpl, err);
    if (rc)
        return rc;
    plot_ctx c;
    rc = plot_ctx_init(&c, o, default_stem, tmpl, script, 0, err);
    free(tmpl);
    if (rc)
        return rc;
    rc = build(&c, arg);
    plot_ctx_free(&c);
    return rc;
}

int plot_draw(const send_plot_opts *o, const char *default_stem, plot_build_fn build,
              const void *arg, send_plot_list *out, int *no_gnuplot, des_error *err)
{
    char *gp = plot_find_gnuplot(o), *tmpl = NULL;
    int rc;
    if (gp && (rc = plot_find_templates(o, &tmpl, err))) {
        free(gp);
        return rc;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&buf, &len);
    if (!s) {
        free(gp);
        free(tmpl);
        return des_error_set(err, DES_ENOMEM, "cannot allocate the gnuplot script");
    }
    plot_ctx c;
    rc = plot_ctx_init(&c, o, default_stem, tmpl, s, 1, err);
    free(tmpl);
    if (rc == DES_OK) {
        rc = build(&c, arg);
        fclose(s);
        s = NULL;
        if (rc == DES_OK && !gp)
            *no_gnuplot = 1;
        else if (rc == DES_OK)
            rc = plot_run(&c, gp, buf, len, out, no_gnuplot);
        plot_ctx_free(&c);
    }
    if (s)
        fclose(s);
    free(buf);
    free(gp);
    return rc;
}

void plot_quantiles(double *x, int n, double q[SEND_NQ])
{
    send_stat st;
    send_stat_of(x, n, &st);
    memcpy(q, st.q, sizeof st.q);
}
