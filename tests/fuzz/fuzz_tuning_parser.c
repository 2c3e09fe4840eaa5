/*
 * fuzz_tuning_parser: golu_tuning_parse() on any bytes (the tuning file sits in a folder that
 * other processes and the user write, so every byte is untrusted), and the writer round trip.
 * libFuzzer hands over an exactly-sized heap copy, so ASan catches any read past the end.
 * Properties checked:
 *   - a refused file gives a non-empty reason and an empty table;
 *   - an accepted file has only valid records (values in range, known dtype and pass, strings of
 *     at most GOLU_TUNING_STRING_MAX bytes without control characters, no repeated key);
 *   - the writer accepts every accepted table, and its output parses back to the same records,
 *     and writing that again gives the same bytes;
 *   - a non-empty input whose last byte is not a newline is always refused (a cut file).
 */
#include "tuning_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_tuning_parser: %s\n", what);
    abort();
}

static void check_records(const golu_tuning_table *t)
{
    char why[GOLU_TUNING_WHY_MAX];
    for (size_t i = 0; i < t->count; i++) {
        const golu_tuning_record *r = &t->records[i];
        if (!golu_tuning_check(&r->tuning, why, sizeof why))
            fail("an accepted record is out of range");
        if (!golu_dtype_name(r->dtype) || !golu_tuning_pass_name(r->pass))
            fail("an accepted record has a bad dtype or pass");
        size_t a = strlen(r->device), b = strlen(r->driver);
        if (a > GOLU_TUNING_STRING_MAX || b > GOLU_TUNING_STRING_MAX)
            fail("an accepted string is too long");
        for (const char *s = r->device; *s; s++)
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                fail("an accepted device string holds a control character");
        for (const char *s = r->driver; *s; s++)
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                fail("an accepted driver string holds a control character");
        for (size_t j = 0; j < i; j++)
            if (t->records[j].dtype == r->dtype && t->records[j].pass == r->pass &&
                strcmp(t->records[j].device, r->device) == 0 &&
                strcmp(t->records[j].driver, r->driver) == 0)
                fail("an accepted file repeats an entry");
    }
}

static void check_round_trip(const golu_tuning_table *t)
{
    char why[GOLU_TUNING_WHY_MAX];
    size_t size = 0, again_size = 0;
    char *text = golu_tuning_format(t->records, t->count, &size, why, sizeof why);
    if (!text)
        fail("the writer refused an accepted table");
    golu_tuning_table back;
    if (!golu_tuning_parse(text, size, &back, why, sizeof why))
        fail("the writer's output does not parse");
    if (back.count != t->count)
        fail("the round trip changed the number of records");
    for (size_t i = 0; i < t->count; i++) {
        const golu_tuning_record *a = &t->records[i], *b = &back.records[i];
        if (strcmp(a->device, b->device) != 0 || strcmp(a->driver, b->driver) != 0 ||
            a->dtype != b->dtype || a->pass != b->pass ||
            memcmp(&a->tuning, &b->tuning, sizeof a->tuning) != 0)
            fail("the round trip changed a record");
    }
    char *again = golu_tuning_format(back.records, back.count, &again_size, why, sizeof why);
    if (!again || again_size != size || memcmp(again, text, size) != 0)
        fail("writing the parsed output again changed it");
    free(again);
    golu_tuning_table_free(&back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    golu_tuning_table t;
    char why[GOLU_TUNING_WHY_MAX];
    memset(why, 0x55, sizeof why);
    int ok = golu_tuning_parse(text, size, &t, why, sizeof why);
    if (ok) {
        check_records(&t);
        check_round_trip(&t);
        if (size > 0 && text[size - 1] != '\n')
            fail("a file without its final newline was accepted");
        golu_tuning_table_free(&t);
    } else {
        if (t.records || t.count || t.arena)
            fail("a refused file left records");
        if (!memchr(why, '\0', sizeof why) || why[0] == '\0')
            fail("a refused file has no reason");
    }
    return 0;
}
