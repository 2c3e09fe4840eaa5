/* golu-bench: progress lines on stderr (see progress.h). */
#include "progress.h"

#include <inttypes.h>
#include <stdio.h>

#ifdef _WIN32
#include <io.h>
#define isatty _isatty
#define fileno _fileno
#else
#include <unistd.h>
#endif

static int on_tty;
static int shown; /* length of the in-place line now on the terminal */

void bench_progress_init(void)
{
    on_tty = isatty(fileno(stderr));
}

void bench_progress_show(size_t index, size_t total, const bench_cell *cell)
{
    bench_progress_clear();
    int len = fprintf(stderr, "[%zu/%zu] %s %s n=%" PRIu64, index + 1, total,
                      golu_dtype_name(cell->dtype), bench_pass_name(cell->pass), cell->shape.n);
    if (on_tty) {
        shown = len > 0 ? len : 0;
    } else {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

void bench_progress_text(const char *text)
{
    bench_progress_clear();
    int len = fprintf(stderr, "%s", text);
    if (on_tty)
        shown = len > 0 ? len : 0;
    else
        fputc('\n', stderr);
    fflush(stderr);
}

void bench_progress_clear(void)
{
    if (!on_tty || shown == 0)
        return;
    fprintf(stderr, "\r%*s\r", shown, "");
    fflush(stderr);
    shown = 0;
}
