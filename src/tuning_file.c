/* The tuning file's format: parsing bytes into records and writing records as text (see
 * tuning_file.h; the format itself is described in golu.h). Pure: no I/O, no global state, any
 * bytes in. Strict by design: a file that is wrong anywhere is wrong as a whole, so that a cut or
 * damaged file never half-applies. */
#include "tuning_file.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "golu-tuning"

enum {
    KEY_DEVICE,
    KEY_DRIVER,
    KEY_DTYPE,
    KEY_PASS,
    KEY_VW,
    KEY_LOCAL,
    KEY_GROUPS,
    KEY_UNROLL,
    KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {"device", "driver",        "dtype", "pass",
                                                 "vw",     "local",         "groups_per_cu",
                                                 "unroll"};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int say(char *why, size_t capacity, const char *fmt, ...)
{
    if (why && capacity) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, capacity, fmt, ap);
        va_end(ap);
    }
    return 0;
}

/* A short printable copy of untrusted bytes for a message: at most 24 bytes, anything outside
 * printable ASCII as '?'. */
static void quote_for_message(const char *s, size_t len, char out[32])
{
    size_t n = len < 24 ? len : 24, k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (len > n)
        out[k++] = '.', out[k++] = '.', out[k++] = '.';
    out[k] = '\0';
}

const char *golu_tuning_pass_name(golu_pass pass)
{
    return pass == GOLU_PASS_FORWARD ? "forward" : pass == GOLU_PASS_BACKWARD ? "backward" : NULL;
}

static int is_power_of_two(unsigned v) { return v != 0 && (v & (v - 1)) == 0; }

int golu_tuning_check(const golu_tuning *t, char *why, size_t capacity)
{
    unsigned vw = t->vector_width;
    if (vw != 1 && vw != 2 && vw != 4 && vw != 8 && vw != 16)
        return say(why, capacity, "vw=%u: expected 1, 2, 4, 8 or 16", vw);
    if (!is_power_of_two(t->local_size) || t->local_size > 4096)
        return say(why, capacity, "local=%u: expected a power of two from 1 to 4096",
                   t->local_size);
    if (t->groups_per_compute_unit < 1 || t->groups_per_compute_unit > 1024)
        return say(why, capacity, "groups_per_cu=%u: expected 1 to 1024",
                   t->groups_per_compute_unit);
    if (t->unroll != 1 && t->unroll != 2 && t->unroll != 4)
        return say(why, capacity, "unroll=%u: expected 1, 2 or 4", t->unroll);
    return 1;
}

/* ---- parsing ---------------------------------------------------------------------------------- */

typedef struct {
    const char *p;   /* the line, without its newline */
    size_t len;
    size_t at;       /* the cursor */
    unsigned number; /* 1-based */
    char *why;
    size_t why_capacity;
} line_cursor;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int line_error(line_cursor *c, const char *fmt, ...)
{
    char text[GOLU_TUNING_WHY_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return say(c->why, c->why_capacity, "line %u: %s", c->number, text);
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static void skip_blanks(line_cursor *c)
{
    while (c->at < c->len && is_blank(c->p[c->at]))
        c->at++;
}

/* A quoted string, unescaped into `*arena` (advanced past its NUL). */
static int parse_string(line_cursor *c, const char *key, char **arena, const char **out)
{
    if (c->at >= c->len || c->p[c->at] != '"')
        return line_error(c, "%s: expected a quoted string", key);
    c->at++;
    char *dst = *arena;
    size_t n = 0;
    for (;;) {
        if (c->at >= c->len)
            return line_error(c, "%s: no closing quote", key);
        char ch = c->p[c->at++];
        if (ch == '"')
            break;
        if (ch == '\t') /* the only control byte check_bytes() lets into a line */
            return line_error(c, "%s: a tab inside the string", key);
        if (ch == '\\') {
            if (c->at >= c->len || (c->p[c->at] != '"' && c->p[c->at] != '\\'))
                return line_error(c, "%s: only \\\" and \\\\ are escapes", key);
            ch = c->p[c->at++];
        }
        if (n == GOLU_TUNING_STRING_MAX)
            return line_error(c, "%s: longer than %d bytes", key, GOLU_TUNING_STRING_MAX);
        dst[n++] = ch;
    }
    dst[n] = '\0';
    *out = dst;
    *arena = dst + n + 1;
    return 1;
}

/* Decimal digits, no sign, no leading zero, at most 9 digits (every valid value is far smaller). */
static int parse_number(const char *s, size_t len, unsigned *out)
{
    if (len == 0 || len > 9 || (s[0] == '0' && len > 1))
        return 0;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 1;
}

static int parse_word(line_cursor *c, int key, golu_tuning_record *r)
{
    size_t start = c->at;
    while (c->at < c->len && !is_blank(c->p[c->at]))
        c->at++;
    const char *s = c->p + start;
    size_t len = c->at - start;
    char shown[32];
    quote_for_message(s, len, shown);
    if (key == KEY_DTYPE) {
        for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
            const char *name = golu_dtype_name((golu_dtype)d);
            if (strlen(name) == len && memcmp(name, s, len) == 0) {
                r->dtype = (golu_dtype)d;
                return 1;
            }
        }
        return line_error(c, "dtype=%s: expected f32, f16, bf16 or f64", shown);
    }
    if (key == KEY_PASS) {
        for (int p = 0; p < 2; p++) {
            const char *name = golu_tuning_pass_name((golu_pass)p);
            if (strlen(name) == len && memcmp(name, s, len) == 0) {
                r->pass = (golu_pass)p;
                return 1;
            }
        }
        return line_error(c, "pass=%s: expected forward or backward", shown);
    }
    unsigned v;
    if (!parse_number(s, len, &v))
        return line_error(c, "%s=%s: expected a decimal number without sign or leading zero",
                          key_names[key], shown);
    if (key == KEY_VW)
        r->tuning.vector_width = v;
    else if (key == KEY_LOCAL)
        r->tuning.local_size = v;
    else if (key == KEY_GROUPS)
        r->tuning.groups_per_compute_unit = v;
    else
        r->tuning.unroll = v;
    return 1;
}

static int find_key(const char *s, size_t len)
{
    for (int k = 0; k < KEY_COUNT; k++)
        if (strlen(key_names[k]) == len && memcmp(key_names[k], s, len) == 0)
            return k;
    return -1;
}

/* One entry line (the cursor past leading blanks, not at a comment). */
static int parse_entry(line_cursor *c, char **arena, golu_tuning_record *r)
{
    int seen[KEY_COUNT] = {0};
    memset(r, 0, sizeof *r);
    r->line = c->number;
    while (c->at < c->len) {
        size_t start = c->at;
        while (c->at < c->len && c->p[c->at] != '=' && !is_blank(c->p[c->at]))
            c->at++;
        char shown[32];
        quote_for_message(c->p + start, c->at - start, shown);
        if (c->at >= c->len || c->p[c->at] != '=')
            return line_error(c, "'%s': expected key=value", shown);
        int key = find_key(c->p + start, c->at - start);
        if (key < 0)
            return line_error(c, "unknown key '%s'", shown);
        if (seen[key])
            return line_error(c, "%s given twice", key_names[key]);
        seen[key] = 1;
        c->at++; /* '=' */
        int ok = key == KEY_DEVICE ? parse_string(c, "device", arena, &r->device)
                 : key == KEY_DRIVER ? parse_string(c, "driver", arena, &r->driver)
                                     : parse_word(c, key, r);
        if (!ok)
            return 0;
        if (c->at < c->len && !is_blank(c->p[c->at]))
            return line_error(c, "%s: expected a space after the value", key_names[key]);
        skip_blanks(c);
    }
    for (int k = 0; k < KEY_COUNT; k++)
        if (!seen[k])
            return line_error(c, "no %s", key_names[k]);
    char why[GOLU_TUNING_WHY_MAX];
    if (!golu_tuning_check(&r->tuning, why, sizeof why))
        return line_error(c, "%s", why);
    return 1;
}

/* The header: "golu-tuning 1", blanks around allowed. */
static int parse_header(line_cursor *c)
{
    const size_t hlen = sizeof HEADER - 1;
    const char *s = c->p + c->at;
    size_t left = c->len - c->at;
    if (left < hlen || memcmp(s, HEADER, hlen) != 0 || (left > hlen && !is_blank(s[hlen])))
        return line_error(c, "expected the header '" HEADER " %d' before any entry",
                          GOLU_TUNING_FORMAT_VERSION);
    c->at += hlen;
    skip_blanks(c);
    size_t start = c->at;
    while (c->at < c->len && !is_blank(c->p[c->at]))
        c->at++;
    unsigned version;
    char shown[32];
    quote_for_message(c->p + start, c->at - start, shown);
    if (!parse_number(c->p + start, c->at - start, &version) ||
        version != GOLU_TUNING_FORMAT_VERSION)
        return line_error(c, "format version '%s': this library reads version %d", shown,
                          GOLU_TUNING_FORMAT_VERSION);
    skip_blanks(c);
    if (c->at != c->len)
        return line_error(c, "text after the header");
    return 1;
}

int golu_tuning_same_key(const golu_tuning_record *a, const golu_tuning_record *b)
{
    return a->dtype == b->dtype && a->pass == b->pass && strcmp(a->device, b->device) == 0 &&
           strcmp(a->driver, b->driver) == 0;
}

int golu_tuning_equal(const golu_tuning *a, const golu_tuning *b)
{
    return a->vector_width == b->vector_width && a->local_size == b->local_size &&
           a->groups_per_compute_unit == b->groups_per_compute_unit && a->unroll == b->unroll;
}

/* The earlier record with the same (device, driver, dtype, pass), or NULL. Quadratic, but over at
 * most GOLU_TUNING_ENTRIES_MAX records, and a real file holds a few dozen. */
static const golu_tuning_record *find_duplicate(const golu_tuning_record *records, size_t count,
                                                const golu_tuning_record *r)
{
    for (size_t i = 0; i < count; i++)
        if (golu_tuning_same_key(&records[i], r))
            return &records[i];
    return NULL;
}

/* Control characters (tab aside) and NUL never belong in the file. */
static int check_bytes(line_cursor *c)
{
    for (size_t i = 0; i < c->len; i++) {
        unsigned char ch = (unsigned char)c->p[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
            return line_error(c, "control byte 0x%02x at column %zu (not a text file?)", ch,
                              i + 1);
    }
    return 1;
}

static int parse_lines(const char *data, size_t size, golu_tuning_table *t, size_t capacity,
                       char *why, size_t why_capacity)
{
    char *arena = t->arena;
    int header_seen = 0;
    line_cursor c = {0};
    c.why = why;
    c.why_capacity = why_capacity;
    for (size_t pos = 0; pos < size;) {
        c.number++;
        const char *nl = memchr(data + pos, '\n', size - pos);
        if (!nl)
            return say(why, why_capacity, "line %u: no newline at the end (a cut file?)",
                       c.number);
        c.p = data + pos;
        c.len = (size_t)(nl - c.p);
        c.at = 0;
        pos += c.len + 1;
        if (c.len > 0 && c.p[c.len - 1] == '\r') /* CRLF from an editor: not part of the line */
            c.len--;
        if (c.len > GOLU_TUNING_LINE_MAX)
            return line_error(&c, "longer than %d bytes", GOLU_TUNING_LINE_MAX);
        if (!check_bytes(&c))
            return 0;
        skip_blanks(&c);
        if (c.at == c.len || c.p[c.at] == '#')
            continue;
        if (!header_seen) {
            if (!parse_header(&c))
                return 0;
            header_seen = 1;
            continue;
        }
        if (t->count == capacity)
            return line_error(&c, "more than %d entries", GOLU_TUNING_ENTRIES_MAX);
        golu_tuning_record *r = &t->records[t->count];
        if (!parse_entry(&c, &arena, r))
            return 0;
        const golu_tuning_record *first = find_duplicate(t->records, t->count, r);
        if (first)
            return line_error(&c, "a second entry for this device, driver, dtype %s and pass %s "
                                  "(the first is on line %u)",
                              golu_dtype_name(r->dtype), golu_tuning_pass_name(r->pass),
                              first->line);
        t->count++;
    }
    if (!header_seen)
        return say(why, why_capacity, "no header line '" HEADER " %d'%s",
                   GOLU_TUNING_FORMAT_VERSION, size == 0 ? " (empty file)" : "");
    return 1;
}

int golu_tuning_parse(const char *data, size_t size, golu_tuning_table *out, char *why,
                      size_t why_capacity)
{
    memset(out, 0, sizeof *out);
    if (why && why_capacity)
        why[0] = '\0';
    if (size > GOLU_TUNING_FILE_MAX)
        return say(why, why_capacity, "larger than %zu bytes", GOLU_TUNING_FILE_MAX);
    /* Room for every entry the file could hold (one per newline, at most the cap plus one to
     * detect going over), and for every string: unescaped plus NUL is never longer than the
     * quoted text. */
    size_t lines = 0;
    for (const char *p = data, *end = data + size; p < end; p++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (!p)
            break;
        lines++;
    }
    size_t capacity = lines < GOLU_TUNING_ENTRIES_MAX ? lines : GOLU_TUNING_ENTRIES_MAX;
    golu_tuning_table t = {0};
    t.records = malloc((capacity ? capacity : 1) * sizeof *t.records);
    t.arena = malloc(size ? size : 1);
    if (!t.records || !t.arena) {
        golu_tuning_table_free(&t);
        return say(why, why_capacity, "out of host memory");
    }
    if (!parse_lines(data, size, &t, capacity, why, why_capacity)) {
        golu_tuning_table_free(&t);
        return 0;
    }
    *out = t;
    return 1;
}

void golu_tuning_table_free(golu_tuning_table *table)
{
    free(table->records);
    free(table->arena);
    memset(table, 0, sizeof *table);
}

/* ---- writing ---------------------------------------------------------------------------------- */

/* Room for one escaped string: every byte may double, plus the quotes. */
static int writable_string(const char *s, const char *what, char *why, size_t capacity)
{
    size_t len = strlen(s);
    if (len > GOLU_TUNING_STRING_MAX)
        return say(why, capacity, "%s string longer than %d bytes", what, GOLU_TUNING_STRING_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f)
            return say(why, capacity, "%s string holds control byte 0x%02x", what, ch);
    }
    return 1;
}

static size_t put_string(char *out, const char *s)
{
    size_t k = 0;
    out[k++] = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            out[k++] = '\\';
        out[k++] = *s;
    }
    out[k++] = '"';
    return k;
}

char *golu_tuning_format(const golu_tuning_record *records, size_t count, size_t *size, char *why,
                         size_t why_capacity)
{
    static const char intro[] = "# libgolu tuning file (format: golu.h, 'per-device tuning'); "
                                "written by golu-bench --tune\n" HEADER " 1\n";
    /* Per line: two strings of at most 2 * GOLU_TUNING_STRING_MAX + 2 bytes, and under 128
     * bytes of keys and numbers. */
    const size_t line_max = 2 * (2 * GOLU_TUNING_STRING_MAX + 2) + 128;
    if (count > GOLU_TUNING_ENTRIES_MAX) {
        say(why, why_capacity, "more than %d entries", GOLU_TUNING_ENTRIES_MAX);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        const golu_tuning_record *r = &records[i];
        char reason[GOLU_TUNING_WHY_MAX];
        if (!writable_string(r->device, "device", why, why_capacity) ||
            !writable_string(r->driver, "driver", why, why_capacity))
            return NULL;
        if (!golu_dtype_name(r->dtype) || !golu_tuning_pass_name(r->pass)) {
            say(why, why_capacity, "record %zu: bad dtype or pass", i);
            return NULL;
        }
        if (!golu_tuning_check(&r->tuning, reason, sizeof reason)) {
            say(why, why_capacity, "record %zu: %s", i, reason);
            return NULL;
        }
        if (find_duplicate(records, i, r)) {
            say(why, why_capacity, "record %zu repeats an earlier (device, driver, dtype, pass)",
                i);
            return NULL;
        }
    }
    char *text = malloc(sizeof intro + count * line_max);
    if (!text) {
        say(why, why_capacity, "out of host memory");
        return NULL;
    }
    size_t k = sizeof intro - 1;
    memcpy(text, intro, k);
    for (size_t i = 0; i < count; i++) {
        const golu_tuning_record *r = &records[i];
        memcpy(text + k, "device=", 7), k += 7;
        k += put_string(text + k, r->device);
        memcpy(text + k, " driver=", 8), k += 8;
        k += put_string(text + k, r->driver);
        k += (size_t)snprintf(text + k, 128,
                              " dtype=%s pass=%s vw=%u local=%u groups_per_cu=%u unroll=%u\n",
                              golu_dtype_name(r->dtype), golu_tuning_pass_name(r->pass),
                              r->tuning.vector_width, r->tuning.local_size,
                              r->tuning.groups_per_compute_unit, r->tuning.unroll);
    }
    text[k] = '\0';
    *size = k;
    return text;
}
