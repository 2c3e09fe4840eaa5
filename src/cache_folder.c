/* The cache folder: where the program cache and the tuning file live (see cache_folder.h). */
#include "cache_folder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GOLU_FOLDER_PATH_MAX 4096

int golu_env_is_off(const char *value)
{
    if (strcmp(value, "0") == 0)
        return 1;
    const char *off = "off";
    for (int i = 0; i < 4; i++) {
        char c = value[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != off[i])
            return 0;
    }
    return 1;
}

/* Formats into out; 1 if it fit. */
static int format_path(char *out, size_t capacity, const char *a, const char *b)
{
    int len = snprintf(out, capacity, "%s%s", a, b);
    return len > 0 && (size_t)len < capacity;
}

int golu_cache_folder(char *out, size_t capacity)
{
    const char *dir = getenv("GOLU_CACHE_DIR");
    if (dir && dir[0])
        return !golu_env_is_off(dir) && format_path(out, capacity, dir, "");
    /* The XDG base directory spec says a relative XDG_CACHE_HOME is invalid and to be ignored. */
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/')
        return format_path(out, capacity, xdg, "/golu");
    const char *home = getenv("HOME");
    if (home && home[0])
        return format_path(out, capacity, home, "/.cache/golu");
    return 0;
}

int golu_make_dirs(const char *dir)
{
    char path[GOLU_FOLDER_PATH_MAX];
    if (!format_path(path, sizeof path, dir, ""))
        return 0;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return 0;
        *p = '/';
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST;
}
