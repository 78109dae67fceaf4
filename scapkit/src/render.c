/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit parameter rendering, following what sysdig prints for %evt.args:
 * a value, optionally followed by "(resolved text)" (errno and signal names,
 * flag names, the fd description given by the caller).
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scapkit/render.h"
#include "schema_internal.h"

/* PPM socket families (the family byte of SOCKADDR / SOCKTUPLE values). */
#define PPM_AF_UNIX  1
#define PPM_AF_INET  2
#define PPM_AF_INET6 10
/* AT_FDCWD as the drivers encode it. */
#define PPM_AT_FDCWD (-100)

#define INET_PARAM_LEN   7  /* family, ip4, port */
#define INET6_PARAM_LEN  19 /* family, ip6, port */
#define INET_TUPLE_LEN   13 /* family, sip4, sport, dip4, dport */
#define INET6_TUPLE_LEN  37 /* family, sip6, sport, dip6, dport */
#define UNIX_TUPLE_PATH  17 /* family, u64 source, u64 dest, then the path */
#define FDLIST_ENTRY_LEN 10 /* u64 fd, u16 poll flags */
#define RESOLVED_MAX     2048
#define NS_PER_SEC       UINT64_C(1000000000)

/* Bounded text output: always NUL-terminated, silently truncating. */
struct text {
    char *buf;
    size_t cap; /* bytes available including the NUL */
    size_t len;
};

static void text_init(struct text *t, char *buf, size_t cap)
{
    t->buf = buf;
    t->cap = cap;
    t->len = 0;
    if (cap > 0)
        buf[0] = '\0';
}

static void text_putn(struct text *t, const char *s, size_t n)
{
    size_t room;

    if (t->cap == 0)
        return;
    room = t->cap - 1 - t->len;
    if (n > room)
        n = room;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void text_puts(struct text *t, const char *s)
{
    text_putn(t, s, strlen(s));
}

static void text_putc(struct text *t, char c)
{
    text_putn(t, &c, 1);
}

#if defined(__GNUC__)
#define SK_PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define SK_PRINTF_LIKE(f, a)
#endif

SK_PRINTF_LIKE(2, 3) static void text_printf(struct text *t, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        text_putn(t, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* One parameter being rendered. */
struct param_view {
    const uint8_t *val;
    uint32_t len;
    uint8_t type; /* may be a DYN sub-type */
    uint8_t fmt;  /* the event parameter's print format */
    const struct sk_param_info *info;
    const struct sk_render_ctx *ctx;
};

/* ------------------------------------------------------------ integers */

static bool read_uint(const struct param_view *pv, uint32_t width, uint64_t *out)
{
    if (pv->len != width)
        return false;
    switch (width) {
    case 1:
        *out = pv->val[0];
        return true;
    case 2:
        *out = sk_le16(pv->val);
        return true;
    case 4:
        *out = sk_le32(pv->val);
        return true;
    case 8:
        *out = sk_le64(pv->val);
        return true;
    default:
        return false;
    }
}

static uint32_t int_width(uint8_t type)
{
    switch (type) {
    case SK_PT_INT8:
    case SK_PT_UINT8:
    case SK_PT_SIGTYPE:
    case SK_PT_FLAGS8:
    case SK_PT_ENUMFLAGS8:
    case SK_PT_L4PROTO:
    case SK_PT_SOCKFAMILY:
        return 1;
    case SK_PT_INT16:
    case SK_PT_UINT16:
    case SK_PT_SYSCALLID:
    case SK_PT_PORT:
    case SK_PT_FLAGS16:
    case SK_PT_ENUMFLAGS16:
        return 2;
    case SK_PT_INT32:
    case SK_PT_UINT32:
    case SK_PT_FLAGS32:
    case SK_PT_ENUMFLAGS32:
    case SK_PT_UID:
    case SK_PT_GID:
    case SK_PT_MODE:
    case SK_PT_BOOL:
    case SK_PT_SIGSET:
    case SK_PT_FD32:
    case SK_PT_PID32:
        return 4;
    default:
        return 8;
    }
}

static int64_t sign_extend(uint64_t v, uint32_t width)
{
    switch (width) {
    case 1:
        return (int8_t)v;
    case 2:
        return (int16_t)v;
    case 4:
        return (int32_t)v;
    default:
        return (int64_t)v;
    }
}

/*
 * The value as libsinsp hands it to printf: 8/16-bit values promoted to int,
 * 32/64-bit ones read as signed of their width even for unsigned types (so a
 * u32 of 0xffffffff prints -1).
 */
static int64_t printf_value(uint64_t raw, uint32_t width, bool is_signed)
{
    if (width < 4 && !is_signed)
        return (int64_t)raw;
    return sign_extend(raw, width);
}

/* Decimal, capital hex without prefix, or octal with a leading 0, per print format. */
static void put_number(struct text *t, uint64_t raw, uint32_t width, bool is_signed, uint8_t fmt)
{
    int64_t value = printf_value(raw, width, is_signed);
    uint64_t bits = width <= 4 ? (uint32_t)value : (uint64_t)value;

    switch (fmt) {
    case SK_PF_OCT:
        text_printf(t, "%#" PRIo64, bits);
        break;
    case SK_PF_HEX:
        text_printf(t, "%" PRIX64, bits);
        break;
    case SK_PF_10_PADDED_DEC:
        text_printf(t, "%09" PRId64, value);
        break;
    default:
        text_printf(t, "%" PRId64, value);
        break;
    }
}

static bool type_is_signed(uint8_t type)
{
    return type == SK_PT_INT8 || type == SK_PT_INT16 || type == SK_PT_INT32 || type == SK_PT_INT64;
}

static void render_int(const struct param_view *pv, struct text *val, struct text *res)
{
    uint32_t width = int_width(pv->type);
    uint64_t raw;

    (void)res;
    if (!read_uint(pv, width, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    put_number(val, raw, width, type_is_signed(pv->type), pv->fmt);
}

/* Names libsinsp knows (it has no names for 126..133). */
static const char *sysdig_errno_name(int64_t err)
{
    if (err > 125 && err < 512)
        return NULL;
    return sk_errno_name(err);
}

static void render_errno(const struct param_view *pv, struct text *val, struct text *res)
{
    uint64_t raw;
    int64_t v;

    if (!read_uint(pv, 8, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    v = (int64_t)raw;
    text_printf(val, "%" PRId64, v);
    if (v < 0 && v > INT32_MIN) {
        const char *name = sysdig_errno_name(-v);
        if (name)
            text_puts(res, name);
    }
}

/* Writes the caller's fd description into res; returns its type char or 0. */
static char describe_fd(const struct sk_render_ctx *ctx, int64_t fd, struct text *res)
{
    char desc[RESOLVED_MAX];
    size_t n;

    if (!ctx || !ctx->fd_describe)
        return 0;
    n = ctx->fd_describe(ctx->ud, fd, desc, sizeof(desc));
    if (n == 0)
        return 0;
    if (n >= sizeof(desc))
        n = sizeof(desc) - 1;
    if (res)
        text_putn(res, desc, n);
    return (n >= 2 && desc[0] == '<') ? desc[1] : 0;
}

static void render_fd(const struct param_view *pv, struct text *val, struct text *res)
{
    uint32_t width = (pv->type == SK_PT_FD32) ? 4 : 8;
    uint64_t raw;
    int64_t fd;

    if (!read_uint(pv, width, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    fd = sign_extend(raw, width);
    text_printf(val, "%" PRId64, fd);
    if (fd >= 0) {
        describe_fd(pv->ctx, fd, res);
    } else if (fd == PPM_AT_FDCWD) {
        text_puts(res, "AT_FDCWD");
    } else if (fd > INT32_MIN) {
        const char *name = sysdig_errno_name(-fd);
        if (name)
            text_puts(res, name);
    }
}

static void render_pid(const struct param_view *pv, struct text *val, struct text *res)
{
    uint32_t width = (pv->type == SK_PT_PID32) ? 4 : 8;
    uint64_t raw;

    (void)res;
    if (!read_uint(pv, width, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    text_printf(val, "%" PRId64, sign_extend(raw, width));
}

/* UID/GID: -1 means none; the name needs the user table, which we lack. */
static void render_id(const struct param_view *pv, struct text *val, struct text *res)
{
    uint64_t raw;

    if (!read_uint(pv, 4, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    if (raw == UINT32_MAX) {
        text_puts(val, "-1");
        text_puts(res, "<NONE>");
        return;
    }
    text_printf(val, "%" PRId32, (int32_t)raw);
}

static void render_sigtype(const struct param_view *pv, struct text *val, struct text *res)
{
    uint64_t raw;
    const char *name;

    if (!read_uint(pv, 1, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    text_printf(val, "%" PRIu64, raw);
    name = sk_signal_name((uint32_t)raw);
    if (name)
        text_puts(res, name);
}

static void render_syscallid(const struct param_view *pv, struct text *val, struct text *res)
{
    uint64_t raw;
    const char *name;

    if (!read_uint(pv, 2, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    if (raw >= sk_syscall_count()) {
        text_puts(val, "<unknown syscall>");
        return;
    }
    text_printf(val, "%" PRIu64, raw);
    name = sk_syscall_name((uint16_t)raw);
    if (name)
        text_puts(res, name);
}

static void render_reltime(const struct param_view *pv, struct text *val, struct text *res)
{
    uint64_t ns;

    if (!read_uint(pv, 8, &ns)) {
        text_puts(val, "<invalid>");
        return;
    }
    if (ns == UINT64_MAX) {
        text_puts(val, "none");
        return;
    }
    text_printf(val, "%" PRIu64, ns);
    text_printf(res, "%gs", (double)ns / (double)NS_PER_SEC);
}

/* Local time with nanoseconds, as sysdig prints it ("2024-01-02 03:04:05.000000006"). */
static void render_abstime(const struct param_view *pv, struct text *val, struct text *res)
{
    uint64_t ns;
    time_t sec;
    struct tm tm;
    char date[32];

    (void)res;
    if (!read_uint(pv, 8, &ns)) {
        text_puts(val, "<invalid>");
        return;
    }
    sec = (time_t)(ns / NS_PER_SEC);
    if (!localtime_r(&sec, &tm) || strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm) == 0) {
        text_printf(val, "%" PRIu64, ns);
        return;
    }
    text_printf(val, "%s.%09" PRIu64, date, ns % NS_PER_SEC);
}

/* ------------------------------------------------------------ flags */

size_t sk_render_flags(const struct sk_name_value *names, uint32_t value, char *out, size_t outlen)
{
    struct text t;
    uint32_t left = value;

    text_init(&t, out, outlen);
    for (; names && names->name; names++) {
        bool zero_match = names->value == 0 && value == 0;
        bool bits_match = names->value != 0 && left != 0 && (left & names->value) == names->value;

        if (!zero_match && !bits_match)
            continue;
        if (t.len > 0)
            text_putc(&t, '|');
        text_puts(&t, names->name);
        left &= ~names->value;
        if (names->value == value)
            break;
    }
    return t.len;
}

/* Enumerations name every entry equal to the value (AF_LOCAL|AF_UNIX). */
static void put_enum_names(struct text *res, const struct sk_name_value *names, uint32_t value)
{
    size_t start = res->len;

    for (; names && names->name; names++) {
        if (names->value != value)
            continue;
        if (res->len > start)
            text_putc(res, '|');
        text_puts(res, names->name);
    }
}

static bool type_is_enum(uint8_t type)
{
    return type == SK_PT_ENUMFLAGS8 || type == SK_PT_ENUMFLAGS16 || type == SK_PT_ENUMFLAGS32;
}

static void render_flags(const struct param_view *pv, struct text *val, struct text *res)
{
    const struct sk_name_value *names = pv->info ? pv->info->names : NULL;
    uint64_t raw;

    if (!read_uint(pv, int_width(pv->type), &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    text_printf(val, "%" PRIu64, raw);
    if (type_is_enum(pv->type)) {
        put_enum_names(res, names, (uint32_t)raw);
    } else {
        char flags[RESOLVED_MAX];
        if (sk_render_flags(names, (uint32_t)raw, flags, sizeof(flags)) > 0)
            text_puts(res, flags);
    }
}

/*
 * MODE: like flags, but an entry equal to the whole value ends the scan
 * and is named last (libsinsp's order).
 */
static void render_mode(const struct param_view *pv, struct text *val, struct text *res)
{
    const struct sk_name_value *names = pv->info ? pv->info->names : NULL;
    uint64_t raw;
    uint32_t mode, left;
    size_t start = res->len;

    if (!read_uint(pv, 4, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    put_number(val, raw, 4, true, pv->fmt);
    mode = left = (uint32_t)raw;
    for (; names && names->name && names->value != mode; names++) {
        bool zero_match = names->value == 0 && mode == 0;
        bool bits_match = names->value != 0 && left != 0 && (left & names->value) == names->value;
        if (!zero_match && !bits_match)
            continue;
        if (res->len > start)
            text_putc(res, '|');
        text_puts(res, names->name);
        left &= ~names->value;
    }
    if (names && names->name) {
        if (res->len > start)
            text_putc(res, '|');
        text_puts(res, names->name);
    }
}

static void render_sigset(const struct param_view *pv, struct text *val, struct text *res)
{
    uint64_t raw;
    bool first = true;

    (void)res;
    if (!read_uint(pv, 4, &raw)) {
        text_puts(val, "<invalid>");
        return;
    }
    for (uint32_t sig = 0; sig < 32; sig++) {
        const char *name;
        if (!(raw & (1u << sig)))
            continue;
        name = sk_signal_name(sig + 1);
        if (!name)
            continue;
        if (!first)
            text_putc(val, ' ');
        text_puts(val, name);
        first = false;
    }
}

/* ------------------------------------------------------------ strings */

static bool is_printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7f;
}

/* Length of the C string at the start of a value (up to its first NUL). */
static size_t value_strlen(const uint8_t *val, uint32_t len)
{
    const uint8_t *nul = memchr(val, '\0', len);
    return nul ? (size_t)(nul - val) : len;
}

/* Copies a string leaving out the characters that are not printable. */
static void put_sanitized(struct text *t, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (is_printable(s[i]))
            text_putc(t, (char)s[i]);
    }
}

static void render_charbuf(const struct param_view *pv, struct text *val, struct text *res)
{
    size_t n = value_strlen(pv->val, pv->len);

    (void)res;
    if (n == 6 && memcmp(pv->val, "(NULL)", 6) == 0) {
        text_puts(val, "<NA>");
        return;
    }
    if (pv->type == SK_PT_CHARBUF)
        text_putn(val, (const char *)pv->val, n);
    else
        put_sanitized(val, pv->val, n);
}

/* Bytes with non-printables as dots; longer than max_buf ends in "...". */
static void render_bytebuf(const struct param_view *pv, struct text *val, struct text *res)
{
    size_t max = pv->ctx ? pv->ctx->max_buf : 0;
    size_t start = val->len;
    size_t n = pv->len;
    bool cut = max > 0 && n > max;

    (void)res;
    if (cut)
        n = max;
    for (size_t i = 0; i < n; i++)
        text_putc(val, is_printable(pv->val[i]) ? (char)pv->val[i] : '.');
    if (cut && max > 3 && val->len == start + max) {
        val->len -= 3;
        val->buf[val->len] = '\0';
        text_puts(val, "...");
    }
}

/* CHARBUFARRAY on disk: NUL-separated strings, shown joined with dots. */
static void render_strarray(const struct param_view *pv, struct text *val, struct text *res)
{
    uint32_t n = pv->len;

    (void)res;
    if (n > 0 && pv->val[n - 1] == '\0')
        n--;
    for (uint32_t i = 0; i < n; i++)
        text_putc(val, pv->val[i] ? (char)pv->val[i] : '.');
}

/* ------------------------------------------------------------ addresses */

static void put_ipv4(struct text *t, const uint8_t *ip)
{
    text_printf(t, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

/* Longest run (first if tied) of at least two zero words, as inet_ntop picks it. */
static void find_zero_run(const uint16_t *words, int *best_base, int *best_len)
{
    int base = -1, len = 0;

    *best_base = -1;
    *best_len = 0;
    for (int i = 0; i <= 8; i++) {
        if (i < 8 && words[i] == 0) {
            if (base < 0)
                base = i;
            len++;
            continue;
        }
        if (base >= 0 && len > *best_len) {
            *best_base = base;
            *best_len = len;
        }
        base = -1;
        len = 0;
    }
    if (*best_len < 2)
        *best_base = -1;
}

/* IPv6 text form (RFC 5952 style, with the dotted IPv4 tail of ::ffff:a.b.c.d and ::a.b.c.d). */
static void put_ipv6(struct text *t, const uint8_t *ip)
{
    uint16_t words[8];
    int zbase, zlen;

    for (int i = 0; i < 8; i++)
        words[i] = (uint16_t)((ip[2 * i] << 8) | ip[2 * i + 1]);
    find_zero_run(words, &zbase, &zlen);
    for (int i = 0; i < 8; i++) {
        if (zbase >= 0 && i >= zbase && i < zbase + zlen) {
            if (i == zbase)
                text_putc(t, ':');
            continue;
        }
        if (i > 0)
            text_putc(t, ':');
        if (i == 6 && zbase == 0 && (zlen == 6 || (zlen == 5 && words[5] == 0xffff))) {
            put_ipv4(t, ip + 12);
            return;
        }
        text_printf(t, "%x", words[i]);
    }
    if (zbase >= 0 && zbase + zlen == 8)
        text_putc(t, ':');
}

static bool is_v4_mapped(const uint8_t *ip)
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(ip, prefix, sizeof(prefix)) == 0;
}

static void put_unix_path(struct text *t, const uint8_t *path, uint32_t len)
{
    put_sanitized(t, path, value_strlen(path, len));
}

static void put_sockaddr(struct text *t, const uint8_t *val, uint32_t len)
{
    switch (val[0]) {
    case PPM_AF_UNIX:
        put_unix_path(t, val + 1, len - 1);
        break;
    case PPM_AF_INET:
        if (len != INET_PARAM_LEN) {
            text_puts(t, "INVALID IPv4");
            break;
        }
        put_ipv4(t, val + 1);
        text_printf(t, ":%u", sk_le16(val + 5));
        break;
    case PPM_AF_INET6:
        if (len != INET6_PARAM_LEN) {
            text_puts(t, "INVALID IPv6");
            break;
        }
        put_ipv6(t, val + 1);
        text_printf(t, ":%u", sk_le16(val + 17));
        break;
    default:
        text_printf(t, "family %u", val[0]);
        break;
    }
}

static void put_inet6_tuple(struct text *t, const uint8_t *val)
{
    const uint8_t *sip = val + 1, *dip = val + 19;
    uint16_t sport = sk_le16(val + 17), dport = sk_le16(val + 35);

    if (is_v4_mapped(sip) && is_v4_mapped(dip)) {
        put_ipv4(t, sip + 12);
        text_printf(t, ":%u->", sport);
        put_ipv4(t, dip + 12);
        text_printf(t, ":%u", dport);
        return;
    }
    put_ipv6(t, sip);
    text_printf(t, ":%u->", sport);
    put_ipv6(t, dip);
    text_printf(t, ":%u", dport);
}

static void put_socktuple(struct text *t, const uint8_t *val, uint32_t len)
{
    switch (val[0]) {
    case PPM_AF_INET:
        if (len != INET_TUPLE_LEN) {
            text_puts(t, "INVALID IPv4");
            break;
        }
        put_ipv4(t, val + 1);
        text_printf(t, ":%u->", sk_le16(val + 5));
        put_ipv4(t, val + 7);
        text_printf(t, ":%u", sk_le16(val + 11));
        break;
    case PPM_AF_INET6:
        if (len != INET6_TUPLE_LEN) {
            text_puts(t, "INVALID IPv6");
            break;
        }
        put_inet6_tuple(t, val);
        break;
    case PPM_AF_UNIX:
        if (len < UNIX_TUPLE_PATH) {
            text_puts(t, "INVALID UNIX");
            break;
        }
        text_printf(t, "%" PRIx64 "->%" PRIx64 " ", sk_le64(val + 1), sk_le64(val + 9));
        put_unix_path(t, val + UNIX_TUPLE_PATH, len - UNIX_TUPLE_PATH);
        break;
    default:
        text_printf(t, "family %u", val[0]);
        break;
    }
}

size_t sk_render_sockaddr(const uint8_t *val, uint32_t len, char *out, size_t outlen)
{
    struct text t;

    text_init(&t, out, outlen);
    if (val && len > 0)
        put_sockaddr(&t, val, len);
    return t.len;
}

size_t sk_render_socktuple(const uint8_t *val, uint32_t len, char *out, size_t outlen)
{
    struct text t;

    text_init(&t, out, outlen);
    if (val && len > 0)
        put_socktuple(&t, val, len);
    return t.len;
}

static void render_sockaddr(const struct param_view *pv, struct text *val, struct text *res)
{
    (void)res;
    put_sockaddr(val, pv->val, pv->len);
}

static void render_socktuple(const struct param_view *pv, struct text *val, struct text *res)
{
    (void)res;
    put_socktuple(val, pv->val, pv->len);
}

/* IPV4ADDR / IPV6ADDR / IPADDR (4 or 16 bytes) and the *NET types (address + prefix). */
static void render_ipaddr(const struct param_view *pv, struct text *val, struct text *res)
{
    uint32_t addr_len = pv->len;
    bool is_net = pv->type == SK_PT_IPV4NET || pv->type == SK_PT_IPV6NET || pv->type == SK_PT_IPNET;

    (void)res;
    if (is_net)
        addr_len--;
    if (addr_len == 4) {
        put_ipv4(val, pv->val);
    } else if (addr_len == 16) {
        put_ipv6(val, pv->val);
    } else {
        text_puts(val, "<invalid>");
        return;
    }
    if (is_net)
        text_printf(val, "/%u", pv->val[addr_len]);
}

/* "fd:<type char><poll flags in hex>" per entry, '?' for an fd the caller cannot describe. */
static void render_fdlist(const struct param_view *pv, struct text *val, struct text *res)
{
    uint32_t count, i;

    (void)res;
    if (pv->len < 2) {
        text_puts(val, "<invalid>");
        return;
    }
    count = sk_le16(pv->val);
    for (i = 0; i < count; i++) {
        const uint8_t *entry = pv->val + 2 + (size_t)i * FDLIST_ENTRY_LEN;
        uint64_t fd;
        int16_t events;
        char tch;

        if ((size_t)(entry - pv->val) + FDLIST_ENTRY_LEN > pv->len)
            break;
        fd = sk_le64(entry);
        events = (int16_t)sk_le16(entry + 8);
        tch = describe_fd(pv->ctx, (int64_t)fd, NULL);
        if (i > 0)
            text_putc(val, ' ');
        text_printf(val, "%" PRIu64 ":%c%x", fd, tch ? tch : '?', (uint32_t)(int32_t)events);
    }
}

/* ------------------------------------------------------------ dispatch */

static void render_value(const struct param_view *pv, struct text *val, struct text *res);

/* DYN: a u8 sub-type index, then a value of that sub-type. */
static void render_dyn(const struct param_view *pv, uint16_t code, unsigned idx, struct text *val,
                       struct text *res)
{
    const struct sk_dyn_link *link = sk_dyn_link_find(code, idx);
    struct param_view sub = *pv;

    if (!link || pv->len < 1 || pv->val[0] >= link->count) {
        text_puts(val, "INVALID DYNAMIC PARAMETER");
        return;
    }
    sub.type = link->subtypes[pv->val[0]].type;
    sub.val = pv->val + 1;
    sub.len = pv->len - 1;
    render_value(&sub, val, res);
}

typedef void (*render_fn)(const struct param_view *pv, struct text *val, struct text *res);

static const render_fn renderers[SK_PT_MAX] = {
    [SK_PT_INT8] = render_int,
    [SK_PT_INT16] = render_int,
    [SK_PT_INT32] = render_int,
    [SK_PT_INT64] = render_int,
    [SK_PT_UINT8] = render_int,
    [SK_PT_UINT16] = render_int,
    [SK_PT_UINT32] = render_int,
    [SK_PT_UINT64] = render_int,
    [SK_PT_PORT] = render_int,
    [SK_PT_L4PROTO] = render_int,
    [SK_PT_SOCKFAMILY] = render_int,
    [SK_PT_BOOL] = render_int,
    [SK_PT_ERRNO] = render_errno,
    [SK_PT_FD] = render_fd,
    [SK_PT_FD32] = render_fd,
    [SK_PT_PID] = render_pid,
    [SK_PT_PID32] = render_pid,
    [SK_PT_UID] = render_id,
    [SK_PT_GID] = render_id,
    [SK_PT_CHARBUF] = render_charbuf,
    [SK_PT_FSPATH] = render_charbuf,
    [SK_PT_FSRELPATH] = render_charbuf,
    [SK_PT_BYTEBUF] = render_bytebuf,
    [SK_PT_CHARBUFARRAY] = render_strarray,
    [SK_PT_CHARBUF_PAIR_ARRAY] = render_strarray,
    [SK_PT_SOCKADDR] = render_sockaddr,
    [SK_PT_SOCKTUPLE] = render_socktuple,
    [SK_PT_IPV4ADDR] = render_ipaddr,
    [SK_PT_IPV6ADDR] = render_ipaddr,
    [SK_PT_IPADDR] = render_ipaddr,
    [SK_PT_IPV4NET] = render_ipaddr,
    [SK_PT_IPV6NET] = render_ipaddr,
    [SK_PT_IPNET] = render_ipaddr,
    [SK_PT_FDLIST] = render_fdlist,
    [SK_PT_SYSCALLID] = render_syscallid,
    [SK_PT_SIGTYPE] = render_sigtype,
    [SK_PT_RELTIME] = render_reltime,
    [SK_PT_ABSTIME] = render_abstime,
    [SK_PT_FLAGS8] = render_flags,
    [SK_PT_FLAGS16] = render_flags,
    [SK_PT_FLAGS32] = render_flags,
    [SK_PT_ENUMFLAGS8] = render_flags,
    [SK_PT_ENUMFLAGS16] = render_flags,
    [SK_PT_ENUMFLAGS32] = render_flags,
    [SK_PT_MODE] = render_mode,
    [SK_PT_SIGSET] = render_sigset,
};

/* Types libsinsp cannot print (DOUBLE, DYN without sub-types) show "(n.a.)". */
static void render_value(const struct param_view *pv, struct text *val, struct text *res)
{
    render_fn fn = pv->type < SK_PT_MAX ? renderers[pv->type] : NULL;

    if (fn)
        fn(pv, val, res);
    else
        text_puts(val, "(n.a.)");
}

static const struct sk_event_info *event_info_of(const struct sk_event *ev)
{
    return ev->info ? ev->info : sk_event_info(ev->type);
}

/* Renders parameter idx as "value" or "value(resolved)" into t. */
static void put_param(const struct sk_event *ev, const struct sk_event_info *info, unsigned idx,
                      const struct sk_render_ctx *ctx, struct text *t)
{
    char resolved[RESOLVED_MAX];
    struct text res;
    struct param_view pv = {
        .val = ev->param[idx],
        .len = ev->param_len[idx],
        .type = info->params[idx].type,
        .fmt = info->params[idx].fmt,
        .info = &info->params[idx],
        .ctx = ctx,
    };

    if (pv.len == 0 || !pv.val)
        return;
    text_init(&res, resolved, sizeof(resolved));
    if (pv.type == SK_PT_DYN)
        render_dyn(&pv, ev->type, idx, t, &res);
    else
        render_value(&pv, t, &res);
    if (res.len > 0) {
        text_putc(t, '(');
        text_putn(t, res.buf, res.len);
        text_putc(t, ')');
    }
}

static unsigned renderable_params(const struct sk_event *ev, const struct sk_event_info *info)
{
    unsigned n = ev->nparams < info->nparams ? ev->nparams : info->nparams;
    return n < SK_MAX_PARAMS ? n : SK_MAX_PARAMS;
}

size_t sk_render_param(const struct sk_event *ev, unsigned idx, const struct sk_render_ctx *ctx,
                       char *out, size_t outlen)
{
    const struct sk_event_info *info;
    struct text t;

    text_init(&t, out, outlen);
    if (!ev)
        return 0;
    info = event_info_of(ev);
    if (!info || idx >= renderable_params(ev, info))
        return 0;
    put_param(ev, info, idx, ctx, &t);
    return t.len;
}

/* What %evt.args shows for an empty (length 0) parameter. */
static const char *empty_text(uint8_t type)
{
    switch (type) {
    case SK_PT_BYTEBUF:
    case SK_PT_SOCKTUPLE:
    case SK_PT_FDLIST:
    case SK_PT_CHARBUFARRAY:
    case SK_PT_CHARBUF_PAIR_ARRAY:
    case SK_PT_DYN:
        return "NULL";
    default:
        return "<NA>";
    }
}

static bool is_generic(uint16_t type)
{
    return type == 0 || type == 1; /* PPME_GENERIC_E / _X */
}

size_t sk_render_args(const struct sk_event *ev, const struct sk_render_ctx *ctx, char *out,
                      size_t outlen)
{
    const struct sk_event_info *info;
    struct text t;
    unsigned n;

    text_init(&t, out, outlen);
    if (!ev)
        return 0;
    info = event_info_of(ev);
    /* sysdig shows no arguments for generic syscall events. */
    if (!info || is_generic(ev->type))
        return 0;
    n = renderable_params(ev, info);
    for (unsigned i = 0; i < n; i++) {
        if (i > 0)
            text_putc(&t, ' ');
        text_puts(&t, info->params[i].name);
        text_putc(&t, '=');
        if (ev->param_len[i] == 0)
            text_puts(&t, empty_text(info->params[i].type));
        else
            put_param(ev, info, i, ctx, &t);
    }
    return t.len;
}

size_t sk_render_ip(bool ipv6, const uint8_t *ip, char *out, size_t outlen)
{
    struct text t;

    if (!outlen)
        return 0;
    text_init(&t, out, outlen);
    if (ipv6)
        put_ipv6(&t, ip);
    else
        put_ipv4(&t, ip);
    return t.len;
}
