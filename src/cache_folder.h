/*
 * The folder libgolu keeps files in between processes (compiled programs, the tuning file), and
 * the environment rules that name it. Shared by binary_cache.c and tuning_load.c; depends on
 * nothing else of the library.
 */
#ifndef GOLU_CACHE_FOLDER_H
#define GOLU_CACHE_FOLDER_H

#include <stddef.h>

/* 1 when an environment value means "off": "0", or "off" in any case. */
int golu_env_is_off(const char *value);

/* The cache folder: $GOLU_CACHE_DIR, else $XDG_CACHE_HOME/golu (an absolute XDG_CACHE_HOME
 * only), else $HOME/.cache/golu. An empty variable counts as unset. @return : 1 with the path in
 * `out`; 0 when the cache is off (GOLU_CACHE_DIR "off" or "0"), no folder can be named, or the
 * path does not fit in `capacity`. */
int golu_cache_folder(char *out, size_t capacity);

/* mkdir -p with mode 0700 for every folder it creates (the XDG spec's mode for cache folders).
 * @return : 1 when `dir` exists afterwards, else 0. */
int golu_make_dirs(const char *dir);

#endif
