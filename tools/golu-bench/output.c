/* golu-bench: table, CSV and JSON writers (see output.h). */
#include "output.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

static const char *pass_label(const bench_cell *c)
{
    return bench_pass_name(c->pass);
}

/* ---- table ---------------------------------------------------------------------------------- */

static void table_begin(bench_output *w, const bench_options *o)
{
    fprintf(w->out, "# golu-bench, libgolu %s\n", golu_version_string());
    fprintf(w->out, "# device: %s (%s; %s)\n", w->dev->device_name, w->dev->platform_name,
            w->dev->device_version);
    fprintf(w->out,
            "# %u warm-up and %u timed runs per cell; median/min: device time from profiling "
            "events; wall: per call over %u back-to-back enqueues\n",
            o->warmup, o->reps, o->reps);
    fprintf(w->out, "%-5s %-10s %6s %6s %10s %11s %11s %11s %9s %10s %7s", "dtype", "pass", "batch",
            "size", "n", "median_us", "min_us", "wall_us", "GB/s", "copy_GB/s", "%copy");
    if (w->check)
        fprintf(w->out, " %10s %9s", "mismatches", "max_ulp");
    fputc('\n', w->out);
}

/* A number in a fixed-width column, or "-" where it could not be measured. */
static void table_number(FILE *out, int width, int decimals, double v)
{
    if (isnan(v))
        fprintf(out, " %*s", width, "-");
    else
        fprintf(out, " %*.*f", width, decimals, v);
}

static void table_row(bench_output *w, const bench_result *r)
{
    const bench_cell *c = &r->cell;
    fprintf(w->out, "%-5s %-10s %6" PRIu64 " %6" PRIu64 " %10" PRIu64, golu_dtype_name(c->dtype),
            pass_label(c), c->shape.batch, c->shape.size, c->shape.n);
    table_number(w->out, 11, 2, r->median_us);
    table_number(w->out, 11, 2, r->min_us);
    table_number(w->out, 11, 2, r->wall_us);
    table_number(w->out, 9, 2, r->gb_per_s);
    table_number(w->out, 10, 2, r->copy_gb_per_s);
    table_number(w->out, 7, 1, r->pct_of_copy);
    if (w->check && r->checked) {
        fprintf(w->out, " %10" PRIu64, r->check.mismatches);
        table_number(w->out, 9, 2, r->check.max_ulps);
    }
    fputc('\n', w->out);
}

/* ---- csv ------------------------------------------------------------------------------------ */

/* RFC 4180 quoting, only when needed: device names are free text. */
static void csv_string(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* An unmeasurable value is an empty field, which CSV readers turn into a missing value. */
static void csv_number(FILE *out, int decimals, double v)
{
    fputc(',', out);
    if (!isnan(v) && !isinf(v))
        fprintf(out, "%.*f", decimals, v);
}

static void csv_row(bench_output *w, const bench_result *r)
{
    const bench_cell *c = &r->cell;
    csv_string(w->out, w->dev->device_name);
    fprintf(w->out, ",%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64, golu_dtype_name(c->dtype),
            pass_label(c), c->shape.batch, c->shape.size, c->shape.n);
    csv_number(w->out, 3, r->median_us);
    csv_number(w->out, 3, r->min_us);
    csv_number(w->out, 3, r->wall_us);
    csv_number(w->out, 3, r->gb_per_s);
    csv_number(w->out, 3, r->copy_gb_per_s);
    csv_number(w->out, 2, r->pct_of_copy);
    fputc('\n', w->out);
}

/* ---- json ----------------------------------------------------------------------------------- */

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

/* JSON has no NaN: an unmeasurable value is null. */
static void json_number(FILE *out, const char *key, int decimals, double v)
{
    fprintf(out, ", \"%s\": ", key);
    if (isnan(v) || isinf(v))
        fputs("null", out);
    else
        fprintf(out, "%.*f", decimals, v);
}

static void json_row(bench_output *w, const bench_result *r)
{
    const bench_cell *c = &r->cell;
    fputs(w->rows ? ",\n  {\"device\": " : "\n  {\"device\": ", w->out);
    json_string(w->out, w->dev->device_name);
    fprintf(w->out,
            ", \"dtype\": \"%s\", \"pass\": \"%s\", \"batch\": %" PRIu64 ", \"size\": %" PRIu64
            ", \"n\": %" PRIu64,
            golu_dtype_name(c->dtype), pass_label(c), c->shape.batch, c->shape.size, c->shape.n);
    json_number(w->out, "median_us", 3, r->median_us);
    json_number(w->out, "min_us", 3, r->min_us);
    json_number(w->out, "wall_us", 3, r->wall_us);
    json_number(w->out, "gb_per_s", 3, r->gb_per_s);
    json_number(w->out, "copy_gb_per_s", 3, r->copy_gb_per_s);
    json_number(w->out, "pct_of_copy", 2, r->pct_of_copy);
    fputc('}', w->out);
}

/* ---- dispatch ------------------------------------------------------------------------------- */

void bench_output_begin(bench_output *w, FILE *out, const bench_options *o,
                        const bench_device *dev)
{
    w->out = out;
    w->format = o->format;
    w->check = o->check;
    w->dev = dev;
    w->rows = 0;
    switch (w->format) {
    case BENCH_FORMAT_TABLE: table_begin(w, o); break;
    case BENCH_FORMAT_CSV: fputs(BENCH_CSV_HEADER "\n", out); break;
    case BENCH_FORMAT_JSON: fputc('[', out); break;
    }
    fflush(out);
}

void bench_output_row(bench_output *w, const bench_result *r)
{
    switch (w->format) {
    case BENCH_FORMAT_TABLE: table_row(w, r); break;
    case BENCH_FORMAT_CSV: csv_row(w, r); break;
    case BENCH_FORMAT_JSON: json_row(w, r); break;
    }
    w->rows++;
    fflush(w->out); /* a row per finished cell, even when stdout is a pipe */
}

void bench_output_end(bench_output *w)
{
    if (w->format == BENCH_FORMAT_JSON)
        fputs(w->rows ? "\n]\n" : "]\n", w->out);
    fflush(w->out);
}
