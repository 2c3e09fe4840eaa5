/*
 * golu-bench: progress on stderr, so stdout stays clean for CSV and JSON. On a terminal one line
 * is rewritten in place with '\r'; otherwise (a log file, CI) each cell gets its own line.
 */
#ifndef GOLU_BENCH_PROGRESS_H
#define GOLU_BENCH_PROGRESS_H

#include "cells.h"

#include <stddef.h>

void bench_progress_init(void);

/* "[index+1/total] f32 fwd n=65536" for the cell about to run. */
void bench_progress_show(size_t index, size_t total, const bench_cell *cell);

/* Any one-line progress text, shown the same way (no newline in `text`). */
void bench_progress_text(const char *text);

/* Erases the in-place line (terminal only) before anything else is printed. */
void bench_progress_clear(void);

#endif
