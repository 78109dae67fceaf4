/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helpers that build scap bytes by hand, independently of the library's
 * writer: a growable buffer, generic blocks, and every block generation the
 * reader supports (SHB, MI, PL V1..V9, FDL V1/V2, UL V1/V2, IL V1/V2, event
 * blocks V1/V2/LARGE/EVF). Out of memory aborts: these are test helpers.
 *
 * Typical use:
 *     struct synth_buf sb = SYNTH_BUF_INIT;
 *     synth_shb(&sb, 1, 2);
 *     size_t blk = synth_block_begin(&sb, SK_BT_PL_V9);
 *     synth_pl_entry(&sb, 9, &thread);
 *     synth_block_end(&sb, blk);
 *     ... sk_reader_open_mem(&r, sb.p, sb.len) ...
 *     synth_free(&sb);
 */
#ifndef BPFDIG_TEST_SCAP_SYNTH_H
#define BPFDIG_TEST_SCAP_SYNTH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scapkit/format.h"

/* ---------------------------------------------------------------- buffer */

struct synth_buf {
    uint8_t *p;
    size_t len;
    size_t cap;
};
#define SYNTH_BUF_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

static inline void synth_free(struct synth_buf *sb)
{
    free(sb->p);
    sb->p = NULL;
    sb->len = sb->cap = 0;
}

static inline uint8_t *synth_grow(struct synth_buf *sb, size_t n)
{
    if (sb->len + n > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 256;
        while (cap < sb->len + n)
            cap *= 2;
        sb->p = realloc(sb->p, cap);
        if (!sb->p)
            abort();
        sb->cap = cap;
    }
    sb->len += n;
    return sb->p + sb->len - n;
}

static inline void synth_bytes(struct synth_buf *sb, const void *p, size_t n)
{
    if (n)
        memcpy(synth_grow(sb, n), p, n);
}

static inline void synth_zeros(struct synth_buf *sb, size_t n)
{
    if (n)
        memset(synth_grow(sb, n), 0, n);
}

static inline void synth_u8(struct synth_buf *sb, uint8_t v)
{
    synth_bytes(sb, &v, 1);
}

static inline void synth_put16_at(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void synth_put32_at(uint8_t *p, uint32_t v)
{
    synth_put16_at(p, (uint16_t)v);
    synth_put16_at(p + 2, (uint16_t)(v >> 16));
}

static inline void synth_u16(struct synth_buf *sb, uint16_t v)
{
    synth_put16_at(synth_grow(sb, 2), v);
}

static inline void synth_u32(struct synth_buf *sb, uint32_t v)
{
    synth_put32_at(synth_grow(sb, 4), v);
}

static inline void synth_u64(struct synth_buf *sb, uint64_t v)
{
    synth_u32(sb, (uint32_t)v);
    synth_u32(sb, (uint32_t)(v >> 32));
}

/* u16 length + bytes, no NUL (metadata string encoding). len 0 = strlen. */
static inline void synth_str16n(struct synth_buf *sb, const char *s, size_t len)
{
    if (!s)
        s = "";
    if (len == 0)
        len = strlen(s);
    synth_u16(sb, (uint16_t)len);
    synth_bytes(sb, s, len);
}

static inline void synth_str16(struct synth_buf *sb, const char *s)
{
    synth_str16n(sb, s, 0);
}

/* ---------------------------------------------------------------- framing */

/* Starts a block; returns its offset for synth_block_end(). */
static inline size_t synth_block_begin(struct synth_buf *sb, uint32_t type)
{
    size_t at = sb->len;

    synth_u32(sb, type);
    synth_u32(sb, 0);
    return at;
}

/* Pads the body to 4 with zeros, appends the trailer, patches the header length. */
static inline void synth_block_end(struct synth_buf *sb, size_t at)
{
    size_t total;

    synth_zeros(sb, (4 - (sb->len - at) % 4) % 4);
    total = sb->len - at + 4;
    synth_u32(sb, (uint32_t)total);
    synth_put32_at(sb->p + at + 4, (uint32_t)total);
}

/* A whole block from a body. */
static inline void synth_block(struct synth_buf *sb, uint32_t type, const void *body, size_t len)
{
    size_t at = synth_block_begin(sb, type);

    synth_bytes(sb, body, len);
    synth_block_end(sb, at);
}

/* Entries that start with a u32 length: begin returns the offset, end patches it. */
static inline size_t synth_entry_begin(struct synth_buf *sb)
{
    size_t at = sb->len;

    synth_u32(sb, 0);
    return at;
}

static inline void synth_entry_end(struct synth_buf *sb, size_t at, bool includes_len)
{
    size_t len = sb->len - at - (includes_len ? 0 : 4);

    synth_put32_at(sb->p + at, (uint32_t)len);
}

/* ---------------------------------------------------------------- SHB, MI */

static inline void synth_shb(struct synth_buf *sb, uint16_t major, uint16_t minor)
{
    size_t at = synth_block_begin(sb, SK_BT_SHB);

    synth_u32(sb, SK_BYTE_ORDER_MAGIC);
    synth_u16(sb, major);
    synth_u16(sb, minor);
    synth_u64(sb, UINT64_MAX);
    synth_block_end(sb, at);
}

static inline void synth_mi(struct synth_buf *sb, uint32_t cpus, uint64_t mem, uint64_t max_pid,
                            const char *host, uint64_t boot_ts)
{
    size_t at = synth_block_begin(sb, SK_BT_MI);
    char name[128] = {0};

    memcpy(name, host, strnlen(host, sizeof(name)));
    synth_u32(sb, cpus);
    synth_u64(sb, mem);
    synth_u64(sb, max_pid);
    synth_bytes(sb, name, sizeof(name));
    synth_u64(sb, boot_ts);
    synth_zeros(sb, 24); /* flags, reserved3, reserved4 */
    synth_block_end(sb, at);
}

/* ---------------------------------------------------------------- PL */

enum synth_tail {
    SYNTH_TAIL_FULL = 0, /* every V9 tail field up to pgid */
    SYNTH_TAIL_PRE_0_10, /* loginuid, exe_writable, 3 caps (29 bytes) */
    SYNTH_TAIL_NONE,     /* entry ends after root */
};

struct synth_thread {
    uint64_t tid, pid, ptid, sid, vpgid;
    const char *comm, *exe, *exepath, *cwd, *root;
    const char *args; /* NUL-separated: give args_len (0 = strlen) */
    size_t args_len;
    const char *env;
    size_t env_len;
    const char *cgroups;
    size_t cgroups_len;
    uint64_t fdlimit;
    uint32_t flags, uid, gid;
    uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
    uint64_t pfmajor, pfminor;
    int64_t vtid, vpid;
    enum synth_tail tail;
    uint64_t pidns_init_start_ts;
    uint32_t tty, loginuid;
    uint8_t exe_writable, exe_upper_layer, exe_from_memfd, exe_lower_layer;
    uint64_t cap_inheritable, cap_permitted, cap_effective;
    uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
    int64_t pgid;
    size_t extra_tail; /* zero bytes appended after the known fields (V9) */
};

static inline void synth_pl_tail(struct synth_buf *sb, const struct synth_thread *t)
{
    if (t->tail == SYNTH_TAIL_NONE)
        return;
    if (t->tail == SYNTH_TAIL_FULL) {
        synth_u64(sb, t->pidns_init_start_ts);
        synth_u32(sb, t->tty);
    }
    synth_u32(sb, t->loginuid);
    synth_u8(sb, t->exe_writable);
    synth_u64(sb, t->cap_inheritable);
    synth_u64(sb, t->cap_permitted);
    synth_u64(sb, t->cap_effective);
    if (t->tail != SYNTH_TAIL_FULL)
        return;
    synth_u8(sb, t->exe_upper_layer);
    synth_u64(sb, t->exe_ino);
    synth_u64(sb, t->exe_ino_ctime);
    synth_u64(sb, t->exe_ino_mtime);
    synth_u8(sb, t->exe_from_memfd);
    synth_u8(sb, t->exe_lower_layer);
    synth_u64(sb, (uint64_t)t->pgid);
}

/* One thread entry of PL generation ver (1..9), fields as that version has them. */
static inline void synth_pl_entry(struct synth_buf *sb, int ver, const struct synth_thread *t)
{
    size_t at = ver >= 9 ? synth_entry_begin(sb) : 0;

    synth_u64(sb, t->tid);
    synth_u64(sb, t->pid);
    synth_u64(sb, t->ptid);
    if (ver >= 6)
        synth_u64(sb, t->sid);
    if (ver >= 8)
        synth_u64(sb, t->vpgid);
    synth_str16(sb, t->comm);
    synth_str16(sb, t->exe);
    if (ver >= 7)
        synth_str16(sb, t->exepath);
    synth_str16n(sb, t->args, t->args_len);
    synth_str16(sb, t->cwd);
    synth_u64(sb, t->fdlimit);
    synth_u32(sb, t->flags);
    synth_u32(sb, t->uid);
    synth_u32(sb, t->gid);
    if (ver >= 2) {
        synth_u32(sb, t->vmsize_kb);
        synth_u32(sb, t->vmrss_kb);
        synth_u32(sb, t->vmswap_kb);
        synth_u64(sb, t->pfmajor);
        synth_u64(sb, t->pfminor);
    }
    if (ver >= 3)
        synth_str16n(sb, t->env, t->env_len);
    if (ver >= 4) {
        synth_u64(sb, (uint64_t)t->vtid);
        synth_u64(sb, (uint64_t)t->vpid);
        synth_str16n(sb, t->cgroups, t->cgroups_len);
    }
    if (ver >= 5)
        synth_str16(sb, t->root);
    if (ver >= 9) {
        synth_pl_tail(sb, t);
        synth_zeros(sb, t->extra_tail);
        synth_entry_end(sb, at, true);
    }
}

/* PL block type of a generation 1..9. */
static inline uint32_t synth_pl_type(int ver)
{
    static const uint32_t types[] = {SK_BT_PL_V1, SK_BT_PL_V2, SK_BT_PL_V3,
                                     SK_BT_PL_V4, SK_BT_PL_V5, SK_BT_PL_V6,
                                     SK_BT_PL_V7, SK_BT_PL_V8, SK_BT_PL_V9};
    return types[ver - 1];
}

/* ---------------------------------------------------------------- FDL */

struct synth_fd {
    int64_t fd;
    uint64_t ino;
    uint8_t type; /* enum sk_fd_type */
    const char *name;
    uint32_t open_flags, dev;
    bool no_dev; /* FILE_V2 without the optional dev */
    uint8_t sip[16], dip[16];
    uint16_t sport, dport;
    uint8_t l4proto;
    uint64_t unix_source, unix_dest;
    size_t extra; /* zero bytes appended (V2 only) */
};

static inline void synth_fd_payload(struct synth_buf *sb, bool v2, const struct synth_fd *f)
{
    switch (f->type) {
    case SK_FD_IPV4_SOCK:
    case SK_FD_IPV6_SOCK: {
        size_t alen = f->type == SK_FD_IPV4_SOCK ? 4 : 16;
        synth_bytes(sb, f->sip, alen);
        synth_bytes(sb, f->dip, alen);
        synth_u16(sb, f->sport);
        synth_u16(sb, f->dport);
        synth_u8(sb, f->l4proto);
        break;
    }
    case SK_FD_IPV4_SERVSOCK:
    case SK_FD_IPV6_SERVSOCK:
        synth_bytes(sb, f->sip, f->type == SK_FD_IPV4_SERVSOCK ? 4 : 16);
        synth_u16(sb, f->sport);
        synth_u8(sb, f->l4proto);
        break;
    case SK_FD_UNIX_SOCK:
        synth_u64(sb, f->unix_source);
        synth_u64(sb, f->unix_dest);
        synth_str16(sb, f->name);
        break;
    case SK_FD_FILE_V2:
        synth_u32(sb, f->open_flags);
        synth_str16(sb, f->name);
        if (v2 && !f->no_dev)
            synth_u32(sb, f->dev);
        break;
    case SK_FD_UNINITIALIZED:
        break;
    default:
        if (f->type <= SK_FD_PIDFD)
            synth_str16(sb, f->name);
        break;
    }
}

static inline void synth_fd_entry(struct synth_buf *sb, bool v2, const struct synth_fd *f)
{
    size_t at = v2 ? synth_entry_begin(sb) : 0;

    synth_u64(sb, (uint64_t)f->fd);
    synth_u64(sb, f->ino);
    synth_u8(sb, f->type);
    synth_fd_payload(sb, v2, f);
    if (v2) {
        synth_zeros(sb, f->extra);
        synth_entry_end(sb, at, true);
    }
}

/* Starts an FDL block of a thread; add entries, then synth_block_end(). */
static inline size_t synth_fdl_begin(struct synth_buf *sb, uint32_t type, uint64_t tid)
{
    size_t at = synth_block_begin(sb, type);

    synth_u64(sb, tid);
    return at;
}

/* ---------------------------------------------------------------- UL */

static inline void synth_user(struct synth_buf *sb, bool v2, uint32_t uid, uint32_t gid,
                              const char *name, const char *home, const char *shell)
{
    size_t at = v2 ? synth_entry_begin(sb) : 0;

    synth_u8(sb, 0);
    synth_u32(sb, uid);
    synth_u32(sb, gid);
    synth_str16(sb, name);
    synth_str16(sb, home);
    synth_str16(sb, shell);
    if (v2)
        synth_entry_end(sb, at, true);
}

static inline void synth_group(struct synth_buf *sb, bool v2, uint32_t gid, const char *name)
{
    size_t at = v2 ? synth_entry_begin(sb) : 0;

    synth_u8(sb, 1);
    synth_u32(sb, gid);
    synth_str16(sb, name);
    if (v2)
        synth_entry_end(sb, at, true);
}

/* ---------------------------------------------------------------- IL */

/* type 1 IPv4, 2 IPv6, 3/4 the same without linkspeed; addresses as bytes. */
static inline void synth_if(struct synth_buf *sb, bool v2, uint16_t type, const uint8_t *addr,
                            const uint8_t *netmask, const uint8_t *bcast, uint64_t linkspeed,
                            const char *name)
{
    size_t alen = (type == 2 || type == 4) ? 16 : 4;
    size_t at = v2 ? synth_entry_begin(sb) : 0;

    synth_u16(sb, type);
    synth_u16(sb, (uint16_t)strlen(name));
    synth_bytes(sb, addr, alen);
    synth_bytes(sb, netmask, alen);
    synth_bytes(sb, bcast, alen);
    if (type == 1 || type == 2)
        synth_u64(sb, linkspeed);
    synth_bytes(sb, name, strlen(name));
    if (v2)
        synth_entry_end(sb, at, false);
}

/* ---------------------------------------------------------------- events */

struct synth_param {
    const void *p;
    uint32_t len;
};
/* Parameter helpers for compound literals. */
#define SYNTH_P(ptr, n) ((struct synth_param){(ptr), (uint32_t)(n)})
#define SYNTH_PSTR(s)   ((struct synth_param){(s), (uint32_t)strlen(s) + 1})

/*
 * An event block of any event block type: cpu [+ flags], header (nparams in
 * V2 types), u16 or u32 lengths (by block type), values. len_delta is added
 * to the header's len (to mimic old writers' quirks); normally 0.
 */
static inline void synth_event_ex(struct synth_buf *sb, uint32_t block_type, uint16_t cpu,
                                  uint32_t flags, uint64_t ts, int64_t tid, uint16_t type,
                                  unsigned n, const struct synth_param *params, int32_t len_delta)
{
    bool v2 = sk_block_has_nparams(block_type);
    bool large = sk_block_is_large(block_type);
    size_t at = synth_block_begin(sb, block_type);
    size_t ev_at, i;

    synth_u16(sb, cpu);
    if (sk_block_has_flags(block_type))
        synth_u32(sb, flags);
    ev_at = sb->len;
    synth_u64(sb, ts);
    synth_u64(sb, (uint64_t)tid);
    synth_u32(sb, 0);
    synth_u16(sb, type);
    if (v2)
        synth_u32(sb, n);
    for (i = 0; i < n; i++) {
        if (large)
            synth_u32(sb, params[i].len);
        else
            synth_u16(sb, (uint16_t)params[i].len);
    }
    for (i = 0; i < n; i++)
        synth_bytes(sb, params[i].p, params[i].len);
    synth_put32_at(sb->p + ev_at + 16, (uint32_t)((int64_t)(sb->len - ev_at) + len_delta));
    synth_block_end(sb, at);
}

static inline void synth_event(struct synth_buf *sb, uint32_t block_type, uint16_t cpu, uint64_t ts,
                               int64_t tid, uint16_t type, unsigned n,
                               const struct synth_param *params)
{
    synth_event_ex(sb, block_type, cpu, 0, ts, tid, type, n, params, 0);
}

/* ---------------------------------------------------------------- files */

/* A path for a scratch file in BPFDIG_TMPDIR (or /tmp); static storage. */
static inline const char *synth_tmp_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("BPFDIG_TMPDIR");

    snprintf(path, sizeof(path), "%s/%s", (dir && *dir) ? dir : "/tmp", name);
    return path;
}

/* Writes the buffer to path; returns 0 or -1. */
static inline int synth_write_file(const struct synth_buf *sb, const char *path)
{
    FILE *f = fopen(path, "wb");
    int rc = 0;

    if (!f)
        return -1;
    if (sb->len && fwrite(sb->p, 1, sb->len, f) != sb->len)
        rc = -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

/*
 * A small but complete current-format capture: SHB 1.2, MI, IL_V2 (one
 * IPv4 interface), UL_V2 (root user + root group), PL_V9 (init and a shell
 * with a second thread), FDL_V2 for pid 100 (a file and a TCP socket), and
 * three EV_V2 events of tid 100 (close exit, procinfo, getpid generic).
 * Returns the number of event blocks appended.
 */
static inline unsigned synth_small_capture(struct synth_buf *sb)
{
    static const uint8_t lo[4] = {127, 0, 0, 1}, mask[4] = {255, 0, 0, 0};
    struct synth_thread init = {.tid = 1,
                                .pid = 1,
                                .ptid = 0,
                                .comm = "init",
                                .exe = "/sbin/init",
                                .exepath = "/sbin/init",
                                .cwd = "/",
                                .args = "",
                                .vtid = 1,
                                .vpid = 1,
                                .loginuid = UINT32_MAX,
                                .pgid = 1};
    struct synth_thread sh = {.tid = 100,
                              .pid = 100,
                              .ptid = 1,
                              .comm = "sh",
                              .exe = "sh",
                              .exepath = "/bin/sh",
                              .cwd = "/root",
                              .args = "-c\0true\0",
                              .args_len = 8,
                              .env = "HOME=/root\0",
                              .env_len = 11,
                              .uid = 0,
                              .gid = 0,
                              .vtid = 100,
                              .vpid = 100,
                              .loginuid = 1000,
                              .pgid = 100};
    struct synth_thread sh2 = sh;
    struct synth_fd file = {.fd = 3,
                            .ino = 42,
                            .type = SK_FD_FILE_V2,
                            .name = "/etc/passwd",
                            .open_flags = 1,
                            .dev = 0x801};
    struct synth_fd sock = {.fd = 4,
                            .type = SK_FD_IPV4_SOCK,
                            .sip = {10, 0, 0, 1},
                            .dip = {10, 0, 0, 2},
                            .sport = 40000,
                            .dport = 80,
                            .l4proto = 2};
    uint8_t fd_le[8] = {3}, res_le[8] = {0}, u64a[8] = {1}, u64b[8] = {2};
    uint8_t sc[2] = {0x01, 0x00}, native[2] = {39, 0};
    struct synth_param close_x[2], procinfo[2], generic[2];
    size_t at;

    synth_shb(sb, 1, 2);
    synth_mi(sb, 2, 1ull << 30, 4194304, "synthhost", 1700000000000000000ull);
    at = synth_block_begin(sb, SK_BT_IL_V2);
    synth_if(sb, true, 1, lo, mask, lo, 0, "lo");
    synth_block_end(sb, at);
    at = synth_block_begin(sb, SK_BT_UL_V2);
    synth_user(sb, true, 0, 0, "root", "/root", "/bin/bash");
    synth_group(sb, true, 0, "root");
    synth_block_end(sb, at);
    sh2.tid = 101;
    sh2.flags = (1u << 13) | 1u;
    at = synth_block_begin(sb, SK_BT_PL_V9);
    synth_pl_entry(sb, 9, &init);
    synth_pl_entry(sb, 9, &sh);
    synth_pl_entry(sb, 9, &sh2);
    synth_block_end(sb, at);
    at = synth_fdl_begin(sb, SK_BT_FDL_V2, 100);
    synth_fd_entry(sb, true, &file);
    synth_fd_entry(sb, true, &sock);
    synth_block_end(sb, at);
    close_x[0] = SYNTH_P(res_le, 8);
    close_x[1] = SYNTH_P(fd_le, 8);
    synth_event(sb, SK_BT_EV_V2, 0, 1700000001000000000ull, 100, 5, 2, close_x);
    procinfo[0] = SYNTH_P(u64a, 8);
    procinfo[1] = SYNTH_P(u64b, 8);
    synth_event(sb, SK_BT_EV_V2, 1, 1700000001000001000ull, 100, 234, 2, procinfo);
    generic[0] = SYNTH_P(sc, 2);
    generic[1] = SYNTH_P(native, 2);
    synth_event(sb, SK_BT_EV_V2, 0, 1700000001000002000ull, 100, 1, 2, generic);
    return 3;
}

#endif /* BPFDIG_TEST_SCAP_SYNTH_H */
