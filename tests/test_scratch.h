/*
 * Scratch folders for the tests that need real files (program cache, tuning file): each case gets
 * a new empty folder under $GOLU_TEST_SCRATCH (meson sets it per test), and the folders a run made
 * are removed at its end only when every case passed (kept for a look otherwise).
 */
#ifndef GOLU_TEST_SCRATCH_H
#define GOLU_TEST_SCRATCH_H

#include <stddef.h>

/* A new empty folder, as an absolute path, under $GOLU_TEST_SCRATCH, else under
 * `default_root` (relative to the working folder). Asserts on failure. */
void ts_scratch_dir(const char *default_root, char *out, size_t capacity);
/* Removes every folder ts_scratch_dir() made, when `failed` is 0. */
void ts_scratch_cleanup(int failed);
/* `size` bytes of `data` into a new file at `path`. Asserts on failure. */
void ts_write_file(const char *path, const void *data, size_t size);

#endif
