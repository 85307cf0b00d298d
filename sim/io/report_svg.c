/* report_svg.c - making an SVG file fit to inline in an HTML page.
 *
 * A small tag scanner, not an XML parser: it walks the text once, copies character data and
 * CDATA sections, drops comments, processing instructions, doctypes and <script> elements,
 * and rewrites attributes inside tags: ids and references to them ("#id", "url(#id)") get a
 * per-chart prefix so that charts made by the same program cannot capture each other's
 * definitions; event handlers (on...) and links to anything but "#..." or "data:" are dropped,
 * so the page runs no script and loads nothing. O(size of the file).
 */
#include "send_report.h"
#include "send_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Case-insensitive prefix test. */
static int starts_ci(const char *s, const char *p) { return !strncasecmp(s, p, strlen(p)); }

/* Position after the first occurrence of `end` at or after s, or the end of the string. */
static const char *skip_past(const char *s, const char *end)
{
    const char *e = strstr(s, end);
    return e ? e + strlen(end) : s + strlen(s);
}

static const char *skip_past_ci(const char *s, const char *end)
{
    size_t n = strlen(end);
    for (; *s; s++)
        if (!strncasecmp(s, end, n))
            return s + n;
    return s;
}

/* Copy an attribute value, prefixing every "url(#" target. */
static void put_value(io_buf *b, const char *v, size_t n, const char *prefix)
{
    size_t i = 0;
    while (i < n) {
        if (n - i >= 5 && !strncmp(v + i, "url(#", 5)) {
            io_buf_add(b, "url(#", 5);
            io_buf_str(b, prefix);
            i += 5;
        } else {
            io_buf_add(b, v + i, 1);
            i++;
        }
    }
}

/* Rewrite the attributes of one tag from s (just after the tag name) to its closing '>'.
 * Returns the position after the tag. */
static const char *put_attrs(io_buf *b, const char *s, const char *prefix)
{
    for (;;) {
        while (is_space(*s))
            io_buf_add(b, s++, 1);
        if (!*s)
            return s;
        if (*s == '>') {
            io_buf_add(b, s, 1);
            return s + 1;
        }
        if (*s == '/') {
            io_buf_add(b, s++, 1);
            continue;
        }
        const char *name = s;
        while (*s && !is_space(*s) && *s != '=' && *s != '>' && *s != '/')
            s++;
        size_t name_len = (size_t)(s - name);
        const char *after_name = s;
        while (is_space(*s))
            s++;
        const char *val = NULL;
        size_t val_len = 0;
        char quote = 0;
        if (*s == '=') {
            s++;
            while (is_space(*s))
                s++;
            if (*s == '"' || *s == '\'') {
                quote = *s++;
                val = s;
                while (*s && *s != quote)
                    s++;
                val_len = (size_t)(s - val);
                if (*s)
                    s++;
            } else {
                val = s;
                while (*s && !is_space(*s) && *s != '>')
                    s++;
                val_len = (size_t)(s - val);
            }
        } else {
            s = after_name; /* a bare attribute name */
        }
        if (name_len == 0) { /* stray character: drop it */
            s++;
            continue;
        }
        int is_handler = name_len > 2 && starts_ci(name, "on");
        int is_href = name_len >= 4 && !strncasecmp(name + name_len - 4, "href", 4);
        int is_id = name_len == 2 && !strncasecmp(name, "id", 2);
        if (is_handler)
            continue;
        if (is_href && val && !(val_len >= 1 && val[0] == '#') &&
            !(val_len >= 5 && starts_ci(val, "data:")))
            continue;
        io_buf_add(b, name, name_len);
        if (!val)
            continue;
        char q = quote ? quote : '"';
        io_buf_add(b, "=", 1);
        io_buf_add(b, &q, 1);
        if (is_id) {
            io_buf_str(b, prefix);
            io_buf_add(b, val, val_len);
        } else if (is_href && val_len >= 1 && val[0] == '#') {
            io_buf_add(b, "#", 1);
            io_buf_str(b, prefix);
            io_buf_add(b, val + 1, val_len - 1);
        } else {
            put_value(b, val, val_len, prefix);
        }
        io_buf_add(b, &q, 1);
    }
}

static const char *find_svg_start(const char *s)
{
    for (const char *p = s; (p = strstr(p, "<svg")) != NULL; p += 4)
        if (is_space(p[4]) || p[4] == '>' || p[4] == '/')
            return p;
    return NULL;
}

char *send_report_svg_inline(const char *path, const char *id_prefix, des_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        des_error_set(err, DES_EIO, "cannot open chart '%s' (%s)", path, strerror(errno));
        return NULL;
    }
    io_buf in = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        io_buf_add(&in, chunk, got);
    int rerr = ferror(f);
    fclose(f);
    if (in.oom || rerr) {
        free(in.s);
        if (in.oom)
            des_error_set(err, DES_ENOMEM, "cannot allocate memory for chart '%s'", path);
        else
            des_error_set(err, DES_EIO, "cannot read chart '%s'", path);
        return NULL;
    }
    const char *s = in.s ? find_svg_start(in.s) : NULL;
    if (!s) {
        free(in.s);
        des_error_set(err, DES_EIO, "chart '%s': no <svg> element", path);
        return NULL;
    }
    io_buf out = {0};
    while (*s) {
        if (*s != '<') {
            const char *lt = strchr(s, '<');
            size_t n = lt ? (size_t)(lt - s) : strlen(s);
            io_buf_add(&out, s, n);
            s += n;
            continue;
        }
        if (!strncmp(s, "<!--", 4)) {
            s = skip_past(s + 4, "-->");
        } else if (!strncmp(s, "<![CDATA[", 9)) {
            const char *e = skip_past(s + 9, "]]>");
            io_buf_add(&out, s, (size_t)(e - s));
            s = e;
        } else if (s[1] == '?') {
            s = skip_past(s + 2, "?>");
        } else if (s[1] == '!') {
            s = skip_past(s + 2, ">");
        } else {
            const char *name = s + 1 + (s[1] == '/');
            size_t nl = 0;
            while (name[nl] && !is_space(name[nl]) && name[nl] != '>' && name[nl] != '/')
                nl++;
            if (nl == 6 && starts_ci(name, "script")) {
                /* drop the element: <script .../>, or up to and including </script> */
                const char *gt = strchr(name, '>');
                if (s[1] == '/' || (gt && gt > name && gt[-1] == '/'))
                    s = gt ? gt + 1 : name + strlen(name);
                else
                    s = skip_past(skip_past_ci(name, "</script"), ">");
                continue;
            }
            io_buf_add(&out, s, (size_t)(name + nl - s));
            s = put_attrs(&out, name + nl, id_prefix);
        }
    }
    free(in.s);
    if (out.oom || !out.s) {
        free(out.s);
        des_error_set(err, DES_ENOMEM, "cannot allocate memory for chart '%s'", path);
        return NULL;
    }
    return out.s;
}
