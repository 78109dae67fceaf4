/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal helpers of the container-format code: a bounded little-endian
 * cursor used by every body parser. A read past the end sets a sticky error
 * and yields zeros, so a parser can read a whole record and check once.
 */
#ifndef SCAPKIT_FORMAT_INTERNAL_H
#define SCAPKIT_FORMAT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scapkit/format.h"

/* Length limits libscap enforces on metadata strings. */
#define SK_MAX_PATH_LEN    1024u /* comm, exe, exepath, cwd, root */
#define SK_MAX_ARGS_LEN    4096u /* args */
#define SK_MAX_ENV_LEN     4096u /* env */
#define SK_MAX_CGROUPS_LEN 4096u
#define SK_MAX_FDNAME_LEN  1023u /* fd names, unix paths: < 1024 */
#define SK_MAX_IFNAME_LEN  1023u
#define SK_MAX_CRED_LEN    255u /* user name, home, shell: < 256 */

/* Sizes of fixed structures. */
#define SK_SHB_BODY_LEN    16u
#define SK_MI_BODY_LEN     180u
#define SK_MI_HOSTNAME_LEN 128u
#define SK_EVT_HDR_V1_LEN  22u /* ts, tid, len, type */
#define SK_EVT_HDR_V2_LEN  26u /* + nparams */

struct sk_cur {
    const uint8_t *p;
    const uint8_t *end;
    int err; /* SK_OK or the first error */
};

static inline void sk_cur_init(struct sk_cur *c, const uint8_t *p, size_t len)
{
    c->p = p;
    c->end = len ? p + len : p; /* no arithmetic on a NULL, empty buffer */
    c->err = SK_OK;
}

static inline size_t sk_cur_left(const struct sk_cur *c)
{
    return (size_t)(c->end - c->p);
}

/* Returns a pointer to the next n bytes and advances, or NULL (error set). */
static inline const uint8_t *sk_cur_take(struct sk_cur *c, size_t n)
{
    const uint8_t *at = c->p;

    if (c->err != SK_OK)
        return NULL;
    if (sk_cur_left(c) < n) {
        c->err = SK_E_TRUNCATED;
        return NULL;
    }
    c->p += n;
    return at;
}

static inline uint8_t sk_cur_u8(struct sk_cur *c)
{
    const uint8_t *q = sk_cur_take(c, 1);
    return q ? q[0] : 0;
}

static inline uint16_t sk_cur_u16(struct sk_cur *c)
{
    const uint8_t *q = sk_cur_take(c, 2);
    return q ? sk_le16(q) : 0;
}

static inline uint32_t sk_cur_u32(struct sk_cur *c)
{
    const uint8_t *q = sk_cur_take(c, 4);
    return q ? sk_le32(q) : 0;
}

static inline uint64_t sk_cur_u64(struct sk_cur *c)
{
    const uint8_t *q = sk_cur_take(c, 8);
    return q ? sk_le64(q) : 0;
}

static inline void sk_cur_bytes(struct sk_cur *c, void *dst, size_t n)
{
    const uint8_t *q = sk_cur_take(c, n);

    if (q)
        memcpy(dst, q, n);
}

/* u16 length + bytes; a length above max is SK_E_MALFORMED. */
static inline struct sk_str sk_cur_str16(struct sk_cur *c, uint32_t max)
{
    struct sk_str s = {"", 0};
    uint16_t len = sk_cur_u16(c);
    const uint8_t *q;

    if (c->err == SK_OK && len > max) {
        c->err = SK_E_MALFORMED;
        return s;
    }
    q = sk_cur_take(c, len);
    if (q) {
        s.p = (const char *)q;
        s.len = len;
    }
    return s;
}

/* Block total length for a body of len bytes (header, padding, trailer). */
static inline size_t sk_block_total_for(size_t body_len)
{
    return 12 + ((body_len + 3) & ~(size_t)3);
}

#endif /* SCAPKIT_FORMAT_INTERNAL_H */
