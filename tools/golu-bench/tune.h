/*
 * golu-bench --tune: searches the launch configuration (vector width, work-group size, work-groups
 * per compute unit) of each requested (dtype, pass) on the device, timing candidates through
 * golu_set_tuning() with the timing code of timing.c, checks the fastest against the reference,
 * prints what it tried and chose, and records the choices in the tuning file the library reads
 * (tune_write.c).
 */
#ifndef GOLU_BENCH_TUNE_H
#define GOLU_BENCH_TUNE_H

#include "devices.h"
#include "options.h"

#include "tuning_file.h"

/* @return : an exit code (BENCH_EXIT_OK, BENCH_EXIT_MISMATCH when a choice failed its check,
 * BENCH_EXIT_ERROR). */
int bench_tune(const bench_options *o, const bench_device *d);

/* Merges `records` (entries of one device) into the tuning file at `path`, replacing entries
 * with the same (device, driver, dtype, pass) and keeping every other one, removes the entries
 * with the key of one of `drops` (their tunings are not looked at), and writes it atomically (a
 * temporary file in the same folder, then rename); nothing is written when nothing changes. A
 * malformed existing file is not overwritten. *removed receives the number of entries removed,
 * *created whether the file did not exist before. @return : 0, or -1 after a message on
 * stderr. */
int bench_tune_write(const char *path, const golu_tuning_record *records, size_t count,
                     const golu_tuning_record *drops, size_t drop_count, size_t *removed,
                     int *created);

#endif
