/* csv.c - CSV fields shared by every CSV the program writes: strings quoted only when they
 * hold a comma, quote or line break (quotes doubled); numbers as %.10g with no "-0" and an
 * empty field for NaN, so equal results give byte-identical files. */
#include "send_io.h"

#include <math.h>
#include <string.h>

void io_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void io_csv_num(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.10g", v == 0 ? 0.0 : v); /* no "-0" */
}

