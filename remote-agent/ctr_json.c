/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctr_json.c: just enough JSON for the container API. Values are slices of
 * the caller's buffer; nothing is allocated, nesting is bounded and every
 * read stays inside the document.
 */
#include <stdio.h>
#include <string.h>

#include "containers.h"

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && is_ws(*p))
        p++;
    return p;
}

int bd_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_hex4(const char *p, const char *end, unsigned *out)
{
    unsigned v = 0;

    if (end - p < 4)
        return false;
    for (int i = 0; i < 4; i++) {
        int d = bd_hex_digit(p[i]);
        if (d < 0)
            return false;
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return true;
}

/* Past the closing quote of the string at p (which is '"'), or NULL. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '"')
            return p + 1;
        if (*p == '\\') {
            unsigned cp;
            if (++p >= end || !strchr("\"\\/bfnrtu", *p))
                return NULL;
            if (*p == 'u') {
                if (!read_hex4(p + 1, end, &cp))
                    return NULL;
                p += 4;
            }
        } else if ((unsigned char)*p < 0x20) {
            return NULL;
        }
    }
    return NULL;
}

static const char *skip_literal(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
        return NULL;
    return p + n;
}

static const char *skip_number(const char *p, const char *end)
{
    const char *start = p;

    if (p < end && *p == '-')
        p++;
    while (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
                       *p == '+' || *p == '-'))
        p++;
    return p > start ? p : NULL;
}

static const char *skip_value(const char *p, const char *end, int depth);

/* Past the closing bracket of the object or array at p, or NULL. */
static const char *skip_compound(const char *p, const char *end, int depth)
{
    char close = *p == '{' ? '}' : ']';

    if (depth > BD_JSON_MAX_DEPTH)
        return NULL;
    p = skip_ws(p + 1, end);
    if (p < end && *p == close)
        return p + 1;
    while (p < end) {
        if (close == '}') {
            if (*p != '"' || !(p = skip_string(p, end)))
                return NULL;
            p = skip_ws(p, end);
            if (p >= end || *p != ':')
                return NULL;
            p = skip_ws(p + 1, end);
        }
        if (!(p = skip_value(p, end, depth + 1)))
            return NULL;
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        return p < end && *p == close ? p + 1 : NULL;
    }
    return NULL;
}

static const char *skip_value(const char *p, const char *end, int depth)
{
    if (p >= end)
        return NULL;
    switch (*p) {
    case '"':
        return skip_string(p, end);
    case '{':
    case '[':
        return skip_compound(p, end, depth);
    case 't':
        return skip_literal(p, end, "true");
    case 'f':
        return skip_literal(p, end, "false");
    case 'n':
        return skip_literal(p, end, "null");
    default:
        return skip_number(p, end);
    }
}

bool bd_json_root(const char *s, size_t len, struct bd_jv *out)
{
    const char *end = s + len, *p = skip_ws(s, end), *after;

    after = skip_value(p, end, 0);
    if (!after)
        return false;
    out->p = p;
    out->end = end;
    return true;
}

char bd_json_kind(struct bd_jv v)
{
    if (!v.p || v.p >= v.end)
        return 0;
    switch (*v.p) {
    case '{':
    case '[':
    case '"':
    case 't':
    case 'f':
    case 'n':
        return *v.p;
    default:
        return '0';
    }
}

bool bd_json_iter(struct bd_jv v, struct bd_jit *it)
{
    char k = bd_json_kind(v);

    if (k != '{' && k != '[')
        return false;
    it->p = v.p + 1;
    it->end = v.end;
    it->close = k == '{' ? '}' : ']';
    it->started = false;
    return true;
}

bool bd_json_next(struct bd_jit *it, struct bd_jv *key, struct bd_jv *val)
{
    const char *p = skip_ws(it->p, it->end);

    if (it->started) {
        if (p >= it->end || *p != ',')
            return false; /* the closing bracket, or garbage */
        p = skip_ws(p + 1, it->end);
    }
    if (p >= it->end || *p == it->close)
        return false;
    if (it->close == '}') {
        const char *k = p;
        if (*p != '"' || !(p = skip_string(p, it->end)))
            return false;
        if (key) {
            key->p = k;
            key->end = it->end;
        }
        p = skip_ws(p, it->end);
        if (p >= it->end || *p != ':')
            return false;
        p = skip_ws(p + 1, it->end);
    }
    val->p = p;
    val->end = it->end;
    if (!(p = skip_value(p, it->end, 1)))
        return false;
    it->p = p;
    it->started = true;
    return true;
}

/* Compares the JSON string at v with key (escapes are compared decoded). */
static bool key_equals(struct bd_jv v, const char *key)
{
    char buf[256];

    if (!bd_json_str(v, buf, sizeof(buf)))
        return false;
    return strcmp(buf, key) == 0;
}

bool bd_json_get(struct bd_jv obj, const char *key, struct bd_jv *out)
{
    struct bd_jit it;
    struct bd_jv k, v;

    if (bd_json_kind(obj) != '{' || !bd_json_iter(obj, &it))
        return false;
    while (bd_json_next(&it, &k, &v)) {
        if (key_equals(k, key)) {
            *out = v;
            return true;
        }
    }
    return false;
}

bool bd_json_path(struct bd_jv v, const char *path, struct bd_jv *out)
{
    char part[128];

    while (*path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);

        if (n == 0 || n >= sizeof(part))
            return false;
        memcpy(part, path, n);
        part[n] = '\0';
        if (!bd_json_get(v, part, &v))
            return false;
        path += n + (dot ? 1 : 0);
    }
    *out = v;
    return true;
}

/* Appends code point cp as UTF-8 if it fits in buf[*n..size-1); else returns false. */
static bool put_utf8(char *buf, size_t size, size_t *n, unsigned cp)
{
    char tmp[4];
    size_t k;

    if (cp < 0x80) {
        tmp[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        tmp[0] = (char)(0xC0 | cp >> 6);
        tmp[1] = (char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        tmp[0] = (char)(0xE0 | cp >> 12);
        tmp[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        tmp[2] = (char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        tmp[0] = (char)(0xF0 | cp >> 18);
        tmp[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        tmp[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        tmp[3] = (char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    if (*n + k >= size)
        return false; /* never a partial character */
    memcpy(buf + *n, tmp, k);
    *n += k;
    return true;
}

/* \uXXXX (and a following low surrogate) at p (after the 'u'); returns the new p or NULL. */
static const char *unicode_escape(const char *p, const char *end, unsigned *cp)
{
    unsigned hi, lo;

    if (!read_hex4(p, end, &hi))
        return NULL;
    p += 4;
    if (hi >= 0xD800 && hi < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
        read_hex4(p + 2, end, &lo) && lo >= 0xDC00 && lo < 0xE000) {
        *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        return p + 6;
    }
    *cp = (hi >= 0xD800 && hi < 0xE000) ? 0xFFFD : hi;
    return p;
}

static char simple_escape(char c)
{
    switch (c) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    default:
        return c; /* \" \\ \/ */
    }
}

/* Length of buf[0..n) without a multi-byte character cut at its end. */
static size_t utf8_whole(const char *buf, size_t n)
{
    size_t start = n, want;
    unsigned char lead;

    while (start && ((unsigned char)buf[start - 1] & 0xC0) == 0x80 && n - start < 3)
        start--;
    if (!start)
        return n;
    lead = (unsigned char)buf[start - 1];
    if (lead < 0xC0)
        return n; /* ASCII (or stray continuation bytes): nothing cut */
    want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    return n - (start - 1) < want ? start - 1 : n;
}

/*
 * Decodes the string at v into buf. Raw bytes are copied as they are (a
 * multi-byte character cut by a full buffer is dropped whole); escapes are
 * decoded, \\u to UTF-8.
 */
bool bd_json_str(struct bd_jv v, char *buf, size_t size)
{
    const char *p, *end;
    size_t n = 0;
    bool room = true;

    if (bd_json_kind(v) != '"' || !size || !(end = skip_string(v.p, v.end)))
        return false;
    end--; /* the closing quote */
    for (p = v.p + 1; p < end && room;) {
        unsigned cp;

        if (*p != '\\') {
            room = n + 1 < size;
            if (room)
                buf[n++] = *p;
            p++;
            continue;
        }
        p++;
        if (*p == 'u') {
            if (!(p = unicode_escape(p + 1, end, &cp)))
                return false;
            room = put_utf8(buf, size, &n, cp ? cp : 0xFFFD);
        } else {
            room = n + 1 < size;
            if (room)
                buf[n++] = simple_escape(*p);
            p++;
        }
    }
    if (!room)
        n = utf8_whole(buf, n);
    buf[n] = '\0';
    return true;
}

int bd_json_bool(struct bd_jv v)
{
    char k = bd_json_kind(v);

    return k == 't' ? 1 : k == 'f' ? 0 : -1;
}

bool bd_json_int(struct bd_jv v, long long *out)
{
    long long r = 0;
    const char *p = v.p;
    bool neg = false;

    if (bd_json_kind(v) != '0')
        return false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    if (p >= v.end || *p < '0' || *p > '9')
        return false;
    for (; p < v.end && *p >= '0' && *p <= '9'; p++) {
        if (r > (9223372036854775807LL - 9) / 10)
            return false;
        r = r * 10 + (*p - '0');
    }
    *out = neg ? -r : r;
    return true;
}

/* ---------------------------------------------------------------- writer */

void bd_jw_init(struct bd_jw *w, char *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = cap == 0;
    if (cap)
        buf[0] = '\0';
}

static void jw_put(struct bd_jw *w, const char *s, size_t n)
{
    if (w->overflow)
        return;
    if (w->len + n + 1 > w->cap) {
        w->overflow = true;
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

void bd_jw_raw(struct bd_jw *w, const char *s)
{
    jw_put(w, s, strlen(s));
}

void bd_jw_str(struct bd_jw *w, const char *s)
{
    const char *run = s;

    jw_put(w, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jw_put(w, run, (size_t)(s - run));
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof(esc), "\\%c", c);
        else
            snprintf(esc, sizeof(esc), "\\u%04x", c);
        jw_put(w, esc, strlen(esc));
        run = s + 1;
    }
    jw_put(w, run, (size_t)(s - run));
    jw_put(w, "\"", 1);
}

void bd_jw_key(struct bd_jw *w, const char *key, bool first)
{
    if (!first)
        jw_put(w, ",", 1);
    bd_jw_str(w, key);
    jw_put(w, ":", 1);
}

void bd_jw_kv_str(struct bd_jw *w, const char *key, const char *val, bool first)
{
    bd_jw_key(w, key, first);
    bd_jw_str(w, val);
}

void bd_jw_kv_int(struct bd_jw *w, const char *key, long long val, bool first)
{
    char num[32];

    bd_jw_key(w, key, first);
    snprintf(num, sizeof(num), "%lld", val);
    bd_jw_raw(w, num);
}

void bd_jw_kv_bool(struct bd_jw *w, const char *key, bool val, bool first)
{
    bd_jw_key(w, key, first);
    bd_jw_raw(w, val ? "true" : "false");
}
