/* golu-bench: the --help text (a short manual page) and --version. */
#ifndef GOLU_BENCH_HELP_H
#define GOLU_BENCH_HELP_H

#include <stdio.h>

void bench_print_help(FILE *out);
void bench_print_version(FILE *out);

#endif
