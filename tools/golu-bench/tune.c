/* golu-bench --tune: the search (see tune.h).
 *
 * Per (dtype, pass) a target: buffers at the largest tuning size, inputs from inputs.c, and the
 * candidates measured so far. A candidate is set with golu_set_tuning() (which rebuilds the
 * kernels: the warm-up runs carry that), then timed with bench_profile(). Candidates are ranked
 * by their minimum device time over the timed runs rather than the median: on a shared machine
 * other processes only ever add time, so the minimum is the least disturbed estimate. With
 * several sizes the score is the geometric mean, over the sizes, of the time relative to the
 * built-in configuration's. A candidate replaces the best so far only if it is at least
 * BENCH_TUNE_MARGIN faster, and the search's winner must hold that margin when timed again against
 * the built-in (confirm()), so that noise does not pick a configuration.
 *
 * The default search is coordinate descent from the configuration the library would use now
 * (file entry or built-in): vector widths, then work-group sizes, then groups per compute unit,
 * then unrolls, each sweep keeping the best of the others and going outward from the best value
 * (nearest first, a direction abandoned once it only gets slower), repeated while a round
 * improves (at most 3 rounds).
 * --tune-search full measures every combination. The time budget is shared out evenly over the
 * targets, what one leaves passing to the next. Within a target's share a candidate starts only
 * when, going by the wall time of the configuration timed just before it (build included), it
 * and then one confirming round (the winner and the built-in) and the check would still end in
 * the share; confirming rounds after the first start under the same rule. The built-in's own
 * measurement, the first confirming round and the check always run, so a run can end past the
 * budget by about their estimate's error (the summary says by how much). */
#include "tune.h"

#include "check.h"
#include "errors.h"
#include "inputs.h"
#include "progress.h"
#include "run.h"
#include "timing.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BENCH_TUNE_DEFAULT_N (UINT64_C(1) << 24)
#define BENCH_TUNE_MARGIN 0.02
#define BENCH_TUNE_CHECK_N UINT64_C(1000003) /* odd: the tails run too */
#define BENCH_TUNE_MAX_SIZES 8
#define BENCH_TUNE_MAX_CANDIDATES 1536 /* --tune-search full: 5 * 13 * 6 * 3 = 1170 */
#define BENCH_TUNE_ROUNDS 3

static const unsigned vector_widths[] = {1, 2, 4, 8, 16};
static const unsigned group_counts[] = {4, 8, 16, 32, 64, 128};
static const unsigned unrolls[] = {1, 2, 4};

typedef struct {
    golu_tuning t;
    double min_ns[BENCH_TUNE_MAX_SIZES];
    double median_ns[BENCH_TUNE_MAX_SIZES];
    double score; /* geometric mean of min_ns / the built-in's min_ns; lower is faster */
} candidate;

typedef struct {
    const bench_options *o;
    const bench_device *d;
    golu_dtype dtype;
    golu_pass pass;
    uint64_t sizes[BENCH_TUNE_MAX_SIZES];
    size_t num_sizes;
    uint64_t n; /* the current size of the enqueue */
    cl_mem x, dy, out;
    double *ns;
    candidate tried[BENCH_TUNE_MAX_CANDIDATES];
    size_t num_tried;
    const candidate *builtin; /* tried[0] */
    double deadline_ns; /* the end of this target's share */
    double last_ns;     /* wall time of the latest time_config(), build included */
    int confirm_rounds; /* confirming rounds run */
    unsigned skipped; /* candidates not measured for the budget */
    unsigned warmup, reps;
} tune_target;

/* ---- measuring ------------------------------------------------------------------------------ */

static int enqueue_target(void *arg, cl_event *event)
{
    tune_target *t = arg;
    const bench_device *d = t->d;
    golu_status st =
        t->pass == GOLU_PASS_BACKWARD
            ? golu_enqueue_backward(d->golu, d->queue, t->dtype, t->n, t->dy, 0, t->x, 0, t->out,
                                    0, &bench_params, 0, NULL, event)
            : golu_enqueue_forward(d->golu, d->queue, t->dtype, t->n, t->x, 0, t->out, 0,
                                   &bench_params, 0, NULL, event);
    if (st != GOLU_OK) {
        bench_report_golu(d->golu, t->pass ? "golu_enqueue_backward" : "golu_enqueue_forward", st);
        return -1;
    }
    return 0;
}

static const candidate *find_tried(const tune_target *t, const golu_tuning *g)
{
    for (size_t i = 0; i < t->num_tried; i++)
        if (golu_tuning_equal(&t->tried[i].t, g))
            return &t->tried[i];
    return NULL;
}

static double gb_per_s(const tune_target *t, size_t s, double ns)
{
    double moved = (double)t->sizes[s] * (double)golu_dtype_size(t->dtype) *
                   (t->pass == GOLU_PASS_BACKWARD ? 3.0 : 2.0);
    return ns > 0.0 ? moved / ns : (double)NAN;
}

static const char *pass_name(golu_pass p) { return golu_tuning_pass_name(p); }

/* One row per size; vs_builtin against `ref_ns` (NULL: the built-in's search times). */
static void print_row(const tune_target *t, const candidate *c, const char *note,
                      const double *ref_ns)
{
    if (!ref_ns && t->builtin)
        ref_ns = t->builtin->min_ns;
    for (size_t s = 0; s < t->num_sizes; s++) {
        double rel = ref_ns ? ref_ns[s] / c->min_ns[s] : 1.0;
        if (t->o->format == BENCH_FORMAT_CSV)
            printf("%s,%s,%u,%u,%u,%u,%" PRIu64 ",%.2f,%.2f,%.3f,%.3f,%s\n",
                   golu_dtype_name(t->dtype), pass_name(t->pass), c->t.vector_width,
                   c->t.local_size, c->t.groups_per_compute_unit, c->t.unroll, t->sizes[s],
                   c->min_ns[s] / 1e3, c->median_ns[s] / 1e3, gb_per_s(t, s, c->min_ns[s]), rel,
                   note);
        else
            printf("%-5s %-8s %3u %5u %6u %6u %10" PRIu64 " %11.1f %11.1f %7.2f %8.3f  %s\n",
                   golu_dtype_name(t->dtype), pass_name(t->pass), c->t.vector_width,
                   c->t.local_size, c->t.groups_per_compute_unit, c->t.unroll, t->sizes[s],
                   c->min_ns[s] / 1e3, c->median_ns[s] / 1e3, gb_per_s(t, s, c->min_ns[s]), rel,
                   note);
    }
    fflush(stdout);
}

/* Sets `g` and times it at every size into min_ns[] and median_ns[]. @return : 0, or -1
 * (reported). */
static int time_config(tune_target *t, const golu_tuning *g, double *min_ns, double *median_ns)
{
    const bench_device *d = t->d;
    double began = bench_now_ns();
    golu_status st = golu_set_tuning(d->golu, d->device, t->dtype, t->pass, g);
    if (st != GOLU_OK) {
        bench_report_golu(d->golu, "golu_set_tuning", st);
        return -1;
    }
    char text[128];
    snprintf(text, sizeof text, "tuning %s %s: vw=%u local=%u groups_per_cu=%u unroll=%u",
             golu_dtype_name(t->dtype), pass_name(t->pass), g->vector_width, g->local_size,
             g->groups_per_compute_unit, g->unroll);
    bench_progress_text(text);
    for (size_t s = 0; s < t->num_sizes; s++) {
        t->n = t->sizes[s];
        if (bench_warmup(d->queue, enqueue_target, t, t->warmup) != 0 ||
            bench_profile(d->queue, enqueue_target, t, t->reps, t->ns) != 0)
            return -1;
        min_ns[s] = bench_min(t->ns, t->reps);
        median_ns[s] = bench_median(t->ns, t->reps);
    }
    bench_progress_clear();
    t->last_ns = bench_now_ns() - began;
    return 0;
}

/* The geometric mean over the sizes of a[s] / b[s]. */
static double mean_ratio(const tune_target *t, const double *a, const double *b)
{
    double log_sum = 0.0;
    for (size_t s = 0; s < t->num_sizes; s++)
        if (a[s] > 0.0 && b[s] > 0.0)
            log_sum += log(a[s] / b[s]);
    return exp(log_sum / (double)t->num_sizes);
}

/* Whether `steps` more configurations, then one confirming round (two) and the check (about one),
 * would end in the target's share, each taking as long as the latest one did. */
static int fits(const tune_target *t, int steps)
{
    return bench_now_ns() + (steps + 3) * t->last_ns <= t->deadline_ns;
}

/* Times `g` at every size, once per configuration. @return : the candidate, NULL when the
 * budget is spent (counted) or on an error (*failed set, reported). */
static const candidate *measure(tune_target *t, const golu_tuning *g, int force, int *failed)
{
    const candidate *known = find_tried(t, g);
    if (known)
        return known;
    if ((!force && !fits(t, 1)) || t->num_tried == BENCH_TUNE_MAX_CANDIDATES) {
        t->skipped++;
        return NULL;
    }
    candidate *c = &t->tried[t->num_tried];
    memset(c, 0, sizeof *c);
    c->t = *g;
    if (time_config(t, g, c->min_ns, c->median_ns) != 0) {
        *failed = 1;
        return NULL;
    }
    c->score = t->builtin ? mean_ratio(t, c->min_ns, t->builtin->min_ns) : 1.0;
    t->num_tried++;
    print_row(t, c, "", NULL);
    return c;
}

/* The search ranks each candidate on one measurement, and on a busy machine a lucky one can win.
 * So the winner and the built-in are timed again, alternately, BENCH_TUNE_CONFIRM more rounds
 * each; per size, each gets the median of its rounds' minimum times (the search's round
 * included), and the winner stays only if it still beats the built-in by the margin. The first
 * round always runs (the search left room for it); later ones only while they fit the share.
 * times[0] and times[1] receive those medians of the built-in and the winner.
 * @return : 1 keep the winner, 0 take the built-in, -1 error. */
#define BENCH_TUNE_CONFIRM 3
static int confirm(tune_target *t, const candidate *builtin, const candidate *best,
                   double times[2][BENCH_TUNE_MAX_SIZES])
{
    double rounds[2][BENCH_TUNE_MAX_SIZES][BENCH_TUNE_CONFIRM + 1];
    double min_ns[BENCH_TUNE_MAX_SIZES], median_ns[BENCH_TUNE_MAX_SIZES];
    for (size_t s = 0; s < t->num_sizes; s++) {
        rounds[0][s][0] = builtin->min_ns[s];
        rounds[1][s][0] = best->min_ns[s];
    }
    int count = 1;
    for (int round = 0; round < BENCH_TUNE_CONFIRM && best != builtin; round++, count++) {
        if (round > 0 && !fits(t, 2))
            break;
        t->confirm_rounds = round + 1;
        for (int which = 0; which < 2; which++) {
            const candidate *c = which ? best : builtin;
            if (time_config(t, &c->t, min_ns, median_ns) != 0)
                return -1;
            candidate shown = *c;
            memcpy(shown.min_ns, min_ns, sizeof min_ns);
            memcpy(shown.median_ns, median_ns, sizeof median_ns);
            char note[48];
            snprintf(note, sizeof note, "confirm %d/%d (%s)", round + 1, BENCH_TUNE_CONFIRM,
                     which ? "winner" : "built-in");
            print_row(t, &shown, note, NULL);
            for (size_t s = 0; s < t->num_sizes; s++)
                rounds[which][s][round + 1] = min_ns[s];
        }
    }
    for (int which = 0; which < 2; which++)
        for (size_t s = 0; s < t->num_sizes; s++)
            times[which][s] = bench_median(rounds[which][s], (unsigned)count);
    return best == builtin || mean_ratio(t, times[1], times[0]) < 1.0 - BENCH_TUNE_MARGIN;
}

/* Measures `g`; makes it the best when it beats *best by the margin. */
static void consider(tune_target *t, const golu_tuning *g, const candidate **best, int *improved,
                     int *failed)
{
    if (*failed)
        return;
    const candidate *c = measure(t, g, 0, failed);
    if (c && c->score < (*best)->score * (1.0 - BENCH_TUNE_MARGIN)) {
        *best = c;
        *improved = 1;
    }
}

/* ---- the search ----------------------------------------------------------------------------- */

typedef struct {
    unsigned locals[16];
    size_t num_locals;
    size_t num_widths; /* f64: 8 is the widest (a double16 is 128 bytes of registers) */
} search_space;

static search_space space_for(const tune_target *t)
{
    search_space sp;
    size_t max = 4096, device_max = 0;
    if (clGetDeviceInfo(t->d->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof device_max,
                        &device_max, NULL) == CL_SUCCESS && device_max > 0 && device_max < max)
        max = device_max;
    sp.num_locals = 0;
    for (unsigned l = 1; l <= max && sp.num_locals < 16; l *= 2)
        sp.locals[sp.num_locals++] = l;
    sp.num_widths = t->dtype == GOLU_F64 ? 4 : 5;
    return sp;
}

/* The field of a golu_tuning that a sweep varies. */
static unsigned *field(golu_tuning *g, int dim)
{
    return dim == 0   ? &g->vector_width
           : dim == 1 ? &g->local_size
           : dim == 2 ? &g->groups_per_compute_unit
                      : &g->unroll;
}

/* One dimension, outward from the best value in both directions (all values are powers of two:
 * nearest first, so that a short budget spends itself on the likely ones). A direction stops
 * early once a candidate is both slower than the one before it and BENCH_TUNE_GIVE_UP times
 * the best: the curves are smooth enough that further values only get slower. */
#define BENCH_TUNE_GIVE_UP 1.25
static void sweep(tune_target *t, int dim, const unsigned *values, size_t count,
                  const candidate **best, int *improved, int *failed)
{
    golu_tuning base = (*best)->t;
    size_t at = 0;
    while (at < count && values[at] != *field(&base, dim))
        at++;
    if (at == count) { /* the current value is not in the list (a hand-edited file): all */
        for (size_t i = 0; i < count && !*failed; i++) {
            golu_tuning g = (*best)->t;
            *field(&g, dim) = values[i];
            consider(t, &g, best, improved, failed);
        }
        return;
    }
    for (int dir = -1; dir <= 1; dir += 2) {
        double previous = (*best)->score;
        for (size_t k = 1; k <= count && !*failed; k++) {
            long i = (long)at + dir * (long)k;
            if (i < 0 || i >= (long)count)
                break;
            golu_tuning g = (*best)->t;
            *field(&g, dim) = values[i];
            const candidate *c = measure(t, &g, 0, failed);
            if (!c)
                break;
            if (c->score < (*best)->score * (1.0 - BENCH_TUNE_MARGIN)) {
                *best = c;
                *improved = 1;
            } else if (c->score > previous && c->score > (*best)->score * BENCH_TUNE_GIVE_UP) {
                break;
            }
            previous = c->score;
        }
    }
}

static void search_coordinate(tune_target *t, const search_space *sp, const candidate **best,
                              int *failed)
{
    for (int round = 0; round < BENCH_TUNE_ROUNDS && !*failed; round++) {
        int improved = 0;
        sweep(t, 0, vector_widths, sp->num_widths, best, &improved, failed);
        sweep(t, 1, sp->locals, sp->num_locals, best, &improved, failed);
        sweep(t, 2, group_counts, sizeof group_counts / sizeof group_counts[0], best, &improved,
              failed);
        sweep(t, 3, unrolls, sizeof unrolls / sizeof unrolls[0], best, &improved, failed);
        if (!improved)
            break;
    }
}

static void search_full(tune_target *t, const search_space *sp, const candidate **best,
                        int *failed)
{
    int improved = 0;
    for (size_t w = 0; w < sp->num_widths; w++)
        for (size_t l = 0; l < sp->num_locals; l++)
            for (size_t g = 0; g < sizeof group_counts / sizeof group_counts[0]; g++)
                for (size_t u = 0; u < sizeof unrolls / sizeof unrolls[0]; u++) {
                    golu_tuning c = {vector_widths[w], sp->locals[l], group_counts[g], unrolls[u]};
                    consider(t, &c, best, &improved, failed);
                }
}

/* ---- one target ------------------------------------------------------------------------------ */

static cl_mem make_buffer(const bench_device *d, size_t bytes, void *host)
{
    cl_int err;
    cl_mem m = clCreateBuffer(d->cl_ctx, CL_MEM_READ_WRITE | (host ? CL_MEM_COPY_HOST_PTR : 0),
                              bytes, host, &err);
    if (!m)
        bench_report_cl("clCreateBuffer", err);
    return m;
}

static void release_target(tune_target *t)
{
    if (t->x)
        clReleaseMemObject(t->x);
    if (t->dy)
        clReleaseMemObject(t->dy);
    if (t->out)
        clReleaseMemObject(t->out);
    free(t->ns);
    t->x = t->dy = t->out = NULL;
    t->ns = NULL;
}

/* Buffers for the largest size, filled from the bench's random inputs. @return : 0 or -1. */
static int setup_target(tune_target *t, uint64_t seed)
{
    uint64_t n = 0;
    for (size_t s = 0; s < t->num_sizes; s++)
        n = t->sizes[s] > n ? t->sizes[s] : n;
    size_t bytes = (size_t)n * golu_dtype_size(t->dtype);
    uint64_t state = seed;
    void *x = bench_make_x(t->dtype, n, &state);
    void *dy = t->pass == GOLU_PASS_BACKWARD ? bench_make_dy(t->dtype, n, &state) : NULL;
    t->ns = malloc(t->reps * sizeof *t->ns);
    int rc = -1;
    if (!x || (t->pass == GOLU_PASS_BACKWARD && !dy) || !t->ns)
        fputs("golu-bench: out of host memory\n", stderr);
    else if ((t->x = make_buffer(t->d, bytes, x)) != NULL &&
             (t->pass != GOLU_PASS_BACKWARD || (t->dy = make_buffer(t->d, bytes, dy)) != NULL) &&
             (t->out = make_buffer(t->d, bytes, NULL)) != NULL)
        rc = 0;
    free(x);
    free(dy);
    return rc;
}

/* Runs `g` once at BENCH_TUNE_CHECK_N (or less) into a NaN-filled output and checks every element.
 * @return : 1 correct, 0 mismatches (reported), -1 error. */
static int check_choice(tune_target *t, const golu_tuning *g)
{
    const bench_device *d = t->d;
    uint64_t n = t->sizes[0] < BENCH_TUNE_CHECK_N ? t->sizes[0] : BENCH_TUNE_CHECK_N;
    bench_cell cell = {t->dtype, t->pass == GOLU_PASS_BACKWARD ? BENCH_PASS_BWD : BENCH_PASS_FWD,
                       {1, n, n}};
    size_t bytes = (size_t)n * golu_dtype_size(t->dtype);
    uint64_t state = t->o->seed ^ UINT64_C(0xc3ec4);
    void *x = bench_make_x(t->dtype, n, &state);
    const int reads_dy = bench_pass_info(cell.pass)->reads_dy;
    void *dy = reads_dy ? bench_make_dy(t->dtype, n, &state) : NULL;
    void *got = malloc(bytes);
    int rc = -1;
    golu_status st;
    static const unsigned char poison = 0xFF; /* NaN in every dtype */
    if (!x || (reads_dy && !dy) || !got) {
        fputs("golu-bench: out of host memory\n", stderr);
    } else if ((st = golu_set_tuning(d->golu, d->device, t->dtype, t->pass, g)) != GOLU_OK) {
        bench_report_golu(d->golu, "golu_set_tuning", st);
    } else {
        cl_int err;
        t->n = n;
        if ((err = clEnqueueWriteBuffer(d->queue, t->x, CL_TRUE, 0, bytes, x, 0, NULL, NULL)) !=
                CL_SUCCESS ||
            (dy && (err = clEnqueueWriteBuffer(d->queue, t->dy, CL_TRUE, 0, bytes, dy, 0, NULL,
                                               NULL)) != CL_SUCCESS) ||
            (err = clEnqueueFillBuffer(d->queue, t->out, &poison, 1, 0, bytes, 0, NULL, NULL)) !=
                CL_SUCCESS)
            bench_report_cl("preparing the check", err);
        else if (enqueue_target(t, NULL) == 0 &&
                 (err = clEnqueueReadBuffer(d->queue, t->out, CL_TRUE, 0, bytes, got, 0, NULL,
                                            NULL)) == CL_SUCCESS) {
            bench_check_stats stats;
            bench_check_cell(&cell, x, dy, got, &bench_params, &stats);
            rc = stats.mismatches == 0;
        } else if (err != CL_SUCCESS) {
            bench_report_cl("clEnqueueReadBuffer", err);
        }
    }
    free(x);
    free(dy);
    free(got);
    return rc;
}

/* What one target chose. */
typedef struct {
    golu_dtype dtype;
    golu_pass pass;
    golu_tuning builtin, chosen;
    double builtin_ns, chosen_ns; /* min, first size */
    double speedup;               /* 1 / score */
    unsigned tried, skipped;
    int checked_ok;               /* 1, 0 (mismatch), -1 (not checked: error) */
    int searched;                 /* 0 when the budget left no room for any candidate */
    int confirmed;                /* the search's winner held (1) or not (0) when timed again;
                                     -1: the winner was the built-in */
    int confirm_rounds;           /* confirming rounds run (fewer than BENCH_TUNE_CONFIRM: budget) */
} tune_outcome;

/* What becomes of the tuning file's entry for the target: the table's last row, the summary and
 * record() say the same. An entry equal to the built-in is never written (the library uses the
 * built-in when the file has no entry, and keeps following the built-in if a later version
 * improves it); an older entry that lost to the built-in is removed. */
typedef enum {
    ENTRY_WRITE,   /* the chosen configuration differs from the built-in and passed its check */
    ENTRY_BUILTIN, /* the built-in was kept: no entry (an older one is removed) */
    ENTRY_BUDGET,  /* no candidate fitted the budget: the file is left as it is */
    ENTRY_FAILED,  /* the choice failed its check: the file is left as it is */
} entry_fate;

static entry_fate fate_of(const tune_outcome *r)
{
    if (r->checked_ok != 1)
        return ENTRY_FAILED;
    if (!r->searched)
        return ENTRY_BUDGET;
    return golu_tuning_equal(&r->chosen, &r->builtin) ? ENTRY_BUILTIN : ENTRY_WRITE;
}

/* Why the built-in was kept, or NULL when a candidate was chosen. */
static const char *kept_because(const tune_outcome *r)
{
    if (!r->searched)
        return "the time budget ran out before any candidate";
    if (r->confirmed < 0)
        return "no candidate beat it by 2 %";
    if (r->confirmed == 0)
        return "the search's winner did not hold when timed again";
    return NULL;
}

static int tune_one(const bench_options *o, const bench_device *d, tune_target *t,
                    const golu_tuning *builtin, tune_outcome *out)
{
    memset(out, 0, sizeof *out);
    out->dtype = t->dtype;
    out->pass = t->pass;
    out->builtin = *builtin;
    int failed = 0;
    const candidate *b = measure(t, builtin, 1, &failed);
    if (!b)
        return -1;
    t->builtin = b; /* its score: exactly 1 */
    t->tried[0].score = 1.0;
    const candidate *best = b;
    /* Start from what the library uses now, when a file entry differs from the built-in. */
    golu_tuning current;
    golu_tuning_source source;
    if (golu_set_tuning(d->golu, d->device, t->dtype, t->pass, NULL) == GOLU_OK &&
        golu_get_tuning(d->golu, d->device, t->dtype, t->pass, &current, &source) == GOLU_OK &&
        source == GOLU_TUNING_FILE) {
        int improved = 0;
        consider(t, &current, &best, &improved, &failed);
    }
    search_space sp = space_for(t);
    if (o->tune_full)
        search_full(t, &sp, &best, &failed);
    else
        search_coordinate(t, &sp, &best, &failed);
    if (failed)
        return -1;
    double mins[2][BENCH_TUNE_MAX_SIZES]; /* the built-in's and the winner's confirmed times */
    int kept = confirm(t, b, best, mins);
    if (kept < 0)
        return -1;
    out->confirmed = best == b ? -1 : kept;
    out->confirm_rounds = t->confirm_rounds;
    if (!kept)
        best = b;
    out->chosen = best->t;
    out->builtin_ns = mins[0][0];
    out->chosen_ns = kept ? mins[1][0] : mins[0][0];
    out->speedup = kept ? 1.0 / mean_ratio(t, mins[1], mins[0]) : 1.0;
    out->tried = (unsigned)t->num_tried;
    out->skipped = t->skipped;
    out->searched = t->num_tried > 1;
    out->checked_ok = check_choice(t, &best->t);
    golu_set_tuning(d->golu, d->device, t->dtype, t->pass, NULL);
    if (out->checked_ok < 0)
        return -1;
    char note[200];
    const char *why = kept_because(out);
    if (why)
        snprintf(note, sizeof note, "built-in kept: %s (check %s; no entry written)", why,
                 out->checked_ok ? "ok" : "FAILED");
    else
        snprintf(note, sizeof note, "chosen: %.3fx the built-in, %d confirming round%s (check %s%s)",
                 out->speedup, out->confirm_rounds, out->confirm_rounds == 1 ? "" : "s",
                 out->checked_ok ? "ok" : "FAILED",
                 out->checked_ok ? "; entry written" : ": not written");
    candidate shown = *best;
    memcpy(shown.min_ns, kept ? mins[1] : mins[0], sizeof shown.min_ns);
    memcpy(shown.median_ns, shown.min_ns, sizeof shown.median_ns); /* both: the confirmed time */
    print_row(t, &shown, note, mins[0]);
    return 0;
}

/* ---- the run ------------------------------------------------------------------------------ */

/* The built-in configuration of every (dtype, pass), from a context that reads no tuning file. */
static int builtin_tunings(const bench_device *d, golu_tuning out[GOLU_DTYPE_COUNT][2])
{
    const char *old = getenv("GOLU_TUNING_FILE");
    char *saved = old ? strdup(old) : NULL;
    setenv("GOLU_TUNING_FILE", "off", 1);
    golu_context *ctx = NULL;
    golu_status st = golu_context_create(d->cl_ctx, 1, &d->device, &ctx);
    if (saved)
        setenv("GOLU_TUNING_FILE", saved, 1);
    else
        unsetenv("GOLU_TUNING_FILE");
    free(saved);
    if (st != GOLU_OK) {
        fprintf(stderr, "golu-bench: golu_context_create: %s: %s\n", golu_status_name(st),
                golu_last_create_detail());
        return -1;
    }
    for (int dt = 0; dt < GOLU_DTYPE_COUNT && st == GOLU_OK; dt++)
        for (int p = 0; p < 2 && st == GOLU_OK; p++)
            st = golu_get_tuning(ctx, d->device, (golu_dtype)dt, (golu_pass)p, &out[dt][p], NULL);
    if (st != GOLU_OK)
        bench_report_golu(ctx, "golu_get_tuning", st);
    golu_context_destroy(ctx);
    return st == GOLU_OK ? 0 : -1;
}

/* The tuning sizes: --sizes, else 2^24; each halved until three buffers fit the device. */
static size_t tuning_sizes(const bench_options *o, const bench_device *d, golu_dtype dtype,
                           uint64_t *sizes)
{
    cl_ulong global = 0;
    clGetDeviceInfo(d->device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global, &global, NULL);
    size_t count = o->num_sizes ? o->num_sizes : 1;
    if (count > BENCH_TUNE_MAX_SIZES)
        count = BENCH_TUNE_MAX_SIZES;
    size_t es = golu_dtype_size(dtype);
    for (size_t i = 0; i < count; i++) {
        uint64_t n = o->num_sizes ? o->sizes[i] : BENCH_TUNE_DEFAULT_N;
        while (n > 1 && ((d->max_alloc && n * es > d->max_alloc) ||
                         (global && 3 * n * es > global / 2) || n > SIZE_MAX / 4 / es))
            n /= 2;
        sizes[i] = n;
    }
    return count;
}

static void print_header(const bench_options *o, const bench_device *d, const char *driver,
                         unsigned warmup, unsigned reps)
{
    if (o->format == BENCH_FORMAT_CSV) {
        puts("dtype,pass,vw,local,groups_per_cu,unroll,n,min_us,median_us,gb_per_s,vs_builtin,"
             "note");
        return;
    }
    printf("# golu-bench --tune on %s / %s (driver %s)\n", d->platform_name, d->device_name,
           driver);
    printf("# per candidate: %u warm-up run(s) (they include the build), %u timed; ranked by the "
           "minimum device time;\n# vs_builtin = the built-in configuration's time / this one's "
           "(above 1 is faster)\n", warmup, reps);
    printf("%-5s %-8s %3s %5s %6s %6s %10s %11s %11s %7s %8s  %s\n", "dtype", "pass", "vw",
           "local", "groups", "unroll", "n", "min_us", "median_us", "GB/s", "vs_built", "note");
}

static void print_summary(const bench_options *o, const tune_outcome *r, size_t count)
{
    FILE *f = o->format == BENCH_FORMAT_CSV ? stderr : stdout;
    fprintf(f, "\n# chosen per (dtype, pass), against the built-in configuration (vw/local/groups per CU/unroll):\n");
    fprintf(f, "# times: the median of the minimums of the search's round and up to %d confirming "
            "rounds; 'held': whether\n# the search's winner still beat the built-in by 2 %% then "
            "(else the built-in is kept; '-': the built-in won,\n# 'budget': no candidate fitted "
            "the budget); 'entry': what the tuning file gets ('written', 'none': the built-in\n# "
            "was kept and needs no entry, 'unchanged': the file is left as it is)\n",
            BENCH_TUNE_CONFIRM);
    fprintf(f, "# %-5s %-8s %-16s %-16s %11s %11s %8s %6s %8s %6s %-6s %s\n", "dtype", "pass",
            "built-in", "chosen", "builtin_us", "chosen_us", "speedup", "tried", "skipped", "held",
            "check", "entry");
    for (size_t i = 0; i < count; i++) {
        char b[32], c[32];
        snprintf(b, sizeof b, "%u/%u/%u/%u", r[i].builtin.vector_width, r[i].builtin.local_size,
                 r[i].builtin.groups_per_compute_unit, r[i].builtin.unroll);
        snprintf(c, sizeof c, "%u/%u/%u/%u", r[i].chosen.vector_width, r[i].chosen.local_size,
                 r[i].chosen.groups_per_compute_unit, r[i].chosen.unroll);
        entry_fate fate = fate_of(&r[i]);
        fprintf(f, "# %-5s %-8s %-16s %-16s %11.1f %11.1f %7.3fx %6u %8u %6s %-6s %s\n",
                golu_dtype_name(r[i].dtype), pass_name(r[i].pass), b, c, r[i].builtin_ns / 1e3,
                r[i].chosen_ns / 1e3, r[i].speedup, r[i].tried, r[i].skipped,
                !r[i].searched ? "budget" : r[i].confirmed < 0 ? "-" : r[i].confirmed ? "yes" : "no",
                r[i].checked_ok ? "ok" : "FAILED",
                fate == ENTRY_WRITE ? "written" : fate == ENTRY_BUILTIN ? "none" : "unchanged");
    }
}

/* A device string as the library reads it (not trimmed: entries must match it exactly). */
static int raw_device_string(cl_device_id dev, cl_device_info what, char *out, size_t capacity)
{
    size_t size = 0;
    if (clGetDeviceInfo(dev, what, 0, NULL, &size) != CL_SUCCESS || size == 0 ||
        size > capacity || clGetDeviceInfo(dev, what, capacity, out, NULL) != CL_SUCCESS)
        return 0;
    out[capacity - 1] = '\0';
    return 1;
}

/* Writes the entries of the targets whose choice differs from the built-in and passed its check,
 * and removes older entries of those that kept the built-in (see entry_fate). */
static int record(const bench_device *d, const char *name, const char *driver,
                  const tune_outcome *r, size_t count)
{
    const char *path = golu_context_tuning_file(d->golu);
    golu_tuning_record records[GOLU_DTYPE_COUNT * 2], drops[GOLU_DTYPE_COUNT * 2];
    size_t k = 0, m = 0;
    for (size_t i = 0; i < count; i++) {
        golu_tuning_record rec = {name, driver, r[i].dtype, r[i].pass, r[i].chosen, 0};
        entry_fate fate = fate_of(&r[i]);
        if (fate == ENTRY_WRITE) {
            records[k++] = rec;
            continue;
        }
        if (fate == ENTRY_BUILTIN)
            drops[m++] = rec;
        fprintf(stderr, "golu-bench: no entry for %s %s: %s\n", golu_dtype_name(r[i].dtype),
                pass_name(r[i].pass),
                fate == ENTRY_FAILED ? "its choice failed the check; the file is left as it is"
                : fate == ENTRY_BUDGET
                    ? "the time budget ran out before any candidate; the file is left as it is"
                    : "the built-in configuration was kept (the library uses it when the file "
                      "has no entry)");
    }
    if (k == 0 && m == 0)
        return 0;
    if (!path[0]) {
        fputs("golu-bench: not written: there is no tuning file (GOLU_TUNING_FILE is off, or no "
              "cache folder can be named: set GOLU_TUNING_FILE)\n", stderr);
        return 0;
    }
    size_t removed = 0;
    int created = 0;
    if (bench_tune_write(path, records, k, drops, m, &removed, &created) != 0)
        return -1;
    if (k)
        fprintf(stderr, "golu-bench: %s %s with %zu entr%s for this device\n",
                created ? "created" : "updated", path, k, k == 1 ? "y" : "ies");
    if (removed)
        fprintf(stderr, "golu-bench: removed %zu older entr%s that lost to the built-in from %s\n",
                removed, removed == 1 ? "y" : "ies", path);
    return 0;
}

int bench_tune(const bench_options *o, const bench_device *d)
{
    char name[GOLU_TUNING_STRING_MAX + 1], driver[GOLU_TUNING_STRING_MAX + 1];
    golu_tuning builtin[GOLU_DTYPE_COUNT][2];
    if (!raw_device_string(d->device, CL_DEVICE_NAME, name, sizeof name) ||
        !raw_device_string(d->device, CL_DRIVER_VERSION, driver, sizeof driver)) {
        fputs("golu-bench: the device's name or driver version is unreadable or longer than "
              "1024 bytes: no tuning file entry can name it\n", stderr);
        return BENCH_EXIT_ERROR;
    }
    if (builtin_tunings(d, builtin) != 0)
        return BENCH_EXIT_ERROR;
    /* A tuning file that does not exist yet is what a first --tune creates: no note for it. A
     * file that exists but cannot be read or parsed keeps the library's note. */
    const char *note = golu_context_tuning_note(d->golu);
    const char *file = golu_context_tuning_file(d->golu);
    struct stat file_st;
    if (note[0] && !(file[0] && stat(file, &file_st) != 0 && errno == ENOENT))
        fprintf(stderr, "golu-bench: note: %s\n", note);

    /* The targets: supported dtypes times passes. */
    golu_dtype dtypes[GOLU_DTYPE_COUNT];
    size_t num_dtypes = 0;
    for (size_t i = 0; i < o->num_dtypes; i++) {
        golu_status s = golu_dtype_supported(d->golu, d->device, o->dtypes[i]);
        if (s == GOLU_OK)
            dtypes[num_dtypes++] = o->dtypes[i];
        else
            fprintf(stderr, "golu-bench: skipping %s: %s\n", golu_dtype_name(o->dtypes[i]),
                    golu_status_name(s));
    }
    size_t passes = 0;
    for (size_t p = 0; p < o->num_passes; p++) {
        if (o->passes[p] == BENCH_PASS_FWD || o->passes[p] == BENCH_PASS_BWD)
            passes++;
        else
            fprintf(stderr, "golu-bench: --tune tunes fwd and bwd; %s is launched with the "
                    "configuration of the library pass it belongs to\n",
                    bench_pass_name(o->passes[p]));
    }
    size_t total = num_dtypes * passes;
    unsigned warmup = o->warmup_given ? o->warmup : 1;
    unsigned reps = o->reps_given ? o->reps : 5;
    print_header(o, d, driver, warmup, reps);

    tune_outcome outcomes[GOLU_DTYPE_COUNT * 2];
    size_t done = 0;
    int rc = BENCH_EXIT_OK;
    double start = bench_now_ns(), budget = (double)o->tune_budget_s * 1e9;
    static tune_target t; /* large (the candidates): not on the stack */
    for (size_t i = 0; i < num_dtypes && rc == BENCH_EXIT_OK; i++) {
        for (size_t p = 0; p < o->num_passes && rc == BENCH_EXIT_OK; p++) {
            if (o->passes[p] != BENCH_PASS_FWD && o->passes[p] != BENCH_PASS_BWD)
                continue; /* the other passes run with the fwd or bwd configuration */
            memset(&t, 0, sizeof t);
            t.o = o;
            t.d = d;
            t.dtype = dtypes[i];
            t.pass = o->passes[p] == BENCH_PASS_BWD ? GOLU_PASS_BACKWARD : GOLU_PASS_FORWARD;
            t.warmup = warmup;
            t.reps = reps;
            t.num_sizes = tuning_sizes(o, d, t.dtype, t.sizes);
            /* this target's share of what is left of the budget */
            const double now = bench_now_ns();
            const double slice = (start + budget - now) / (double)(total - done);
            t.deadline_ns = now + (slice > 0.0 ? slice : 0.0);
            if (setup_target(&t, o->seed + done) != 0 ||
                tune_one(o, d, &t, &builtin[t.dtype][t.pass], &outcomes[done]) != 0)
                rc = BENCH_EXIT_ERROR;
            else if (outcomes[done].checked_ok != 1)
                rc = BENCH_EXIT_MISMATCH;
            release_target(&t);
            if (rc != BENCH_EXIT_ERROR)
                done++;
        }
    }
    bench_progress_clear();
    print_summary(o, outcomes, done);
    double took = (bench_now_ns() - start) / 1e9;
    if (took <= (double)o->tune_budget_s)
        fprintf(stderr, "golu-bench: tuning took %.1f s (budget %u s)\n", took, o->tune_budget_s);
    else
        fprintf(stderr, "golu-bench: tuning took %.1f s, %.1f s over the budget of %u s: each "
                "(dtype, pass) always measures the built-in, confirms once and checks, and the "
                "budget only decides which candidates start\n", took,
                took - (double)o->tune_budget_s, o->tune_budget_s);
    if (rc != BENCH_EXIT_ERROR && record(d, name, driver, outcomes, done) != 0)
        rc = BENCH_EXIT_ERROR;
    return rc;
}
