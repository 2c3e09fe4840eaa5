/* Scratch folders and files for the tests (test_scratch.h). */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "test_scratch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#define MADE_MAX 64

static char made[MADE_MAX][PATH_MAX];
static int made_count;

static void make_dirs(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    }
    mkdir(path, 0700);
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[PATH_MAX + 300];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        remove_tree(child);
    }
    closedir(d);
    rmdir(path);
}

void ts_scratch_dir(const char *default_root, char *out, size_t capacity)
{
    const char *root = getenv("GOLU_TEST_SCRATCH");
    if (!root || !root[0])
        root = default_root;
    char cwd[PATH_MAX] = "";
    if (root[0] != '/')
        assert_non_null(getcwd(cwd, sizeof cwd));
    int len = snprintf(out, capacity, "%s%s%s", cwd, cwd[0] ? "/" : "", root);
    assert_true(len > 0 && (size_t)len + 11 < capacity);
    make_dirs(out);
    strcat(out, "/caseXXXXXX");
    assert_non_null(mkdtemp(out));
    if (made_count < MADE_MAX)
        snprintf(made[made_count++], PATH_MAX, "%s", out);
}

void ts_scratch_cleanup(int failed)
{
    for (int i = 0; i < made_count && !failed; i++)
        remove_tree(made[i]);
}

void ts_write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}
