/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Encoders of PL_V9, FDL_V2, UL_V2 and IL_V2 entries into a growing block
 * body (layouts: ../shared/docs/scap-format.md §1.5-1.8).
 */
#include "scapkit/blocks.h"

#include <stdlib.h>
#include <string.h>

#include "format_internal.h"

#define BLKBUF_MIN_CAP 4096u

void sk_blkbuf_init(struct sk_blkbuf *b)
{
    memset(b, 0, sizeof(*b));
}

void sk_blkbuf_reset(struct sk_blkbuf *b)
{
    b->len = 0;
    b->err = SK_OK;
}

void sk_blkbuf_free(struct sk_blkbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Makes room for n more bytes; returns a pointer to them or NULL (error set). */
static uint8_t *reserve(struct sk_blkbuf *b, size_t n)
{
    size_t need, cap;
    uint8_t *p;

    if (b->err != SK_OK)
        return NULL;
    need = b->len + n;
    if (need < b->len || need > SK_MAX_BLOCK_LEN - 12) {
        b->err = SK_E_NOMEM;
        return NULL;
    }
    if (need > b->cap) {
        cap = b->cap ? b->cap : BLKBUF_MIN_CAP;
        while (cap < need)
            cap *= 2;
        p = realloc(b->p, cap);
        if (!p) {
            b->err = SK_E_NOMEM;
            return NULL;
        }
        b->p = p;
        b->cap = cap;
    }
    p = b->p + b->len;
    b->len = need;
    return p;
}

static void put_bytes(struct sk_blkbuf *b, const void *src, size_t n)
{
    uint8_t *p = reserve(b, n);

    if (p && n)
        memcpy(p, src, n);
}

static void put_u8(struct sk_blkbuf *b, uint8_t v)
{
    put_bytes(b, &v, 1);
}

static void put_u16(struct sk_blkbuf *b, uint16_t v)
{
    uint8_t q[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

    put_bytes(b, q, sizeof(q));
}

static void put_u32(struct sk_blkbuf *b, uint32_t v)
{
    put_u16(b, (uint16_t)v);
    put_u16(b, (uint16_t)(v >> 16));
}

static void put_u64(struct sk_blkbuf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

/* u16 length + bytes, cut to max. */
static void put_str(struct sk_blkbuf *b, struct sk_str s, uint32_t max)
{
    uint32_t n = s.len < max ? s.len : max;

    put_u16(b, (uint16_t)n);
    if (n)
        put_bytes(b, s.p, n);
}

/* u16 length + NUL-separated list, cut to max with a NUL kept as the last byte. */
static void put_list(struct sk_blkbuf *b, struct sk_str s, uint32_t max)
{
    if (s.len <= max) {
        put_str(b, s, max);
        return;
    }
    put_u16(b, (uint16_t)max);
    put_bytes(b, s.p, max - 1);
    put_u8(b, 0);
}

/* Patches the u32 at off with v. */
static void patch_u32(struct sk_blkbuf *b, size_t off, uint32_t v)
{
    if (b->err != SK_OK)
        return;
    b->p[off] = (uint8_t)v;
    b->p[off + 1] = (uint8_t)(v >> 8);
    b->p[off + 2] = (uint8_t)(v >> 16);
    b->p[off + 3] = (uint8_t)(v >> 24);
}

/* ---------------------------------------------------------------- PL */

int sk_blk_put_thread(struct sk_blkbuf *b, const struct sk_threadinfo *ti)
{
    size_t start = b->len;

    if (!ti)
        return SK_E_INVAL;
    put_u32(b, 0); /* entry length, patched below */
    put_u64(b, ti->tid);
    put_u64(b, ti->pid);
    put_u64(b, ti->ptid);
    put_u64(b, ti->sid);
    put_u64(b, ti->vpgid);
    put_str(b, ti->comm, SK_BLK_MAX_PATH);
    put_str(b, ti->exe, SK_BLK_MAX_PATH);
    put_str(b, ti->exepath, SK_BLK_MAX_PATH);
    put_list(b, ti->args, SK_BLK_MAX_LIST);
    put_str(b, ti->cwd, SK_BLK_MAX_PATH);
    put_u64(b, ti->fdlimit);
    put_u32(b, ti->flags);
    put_u32(b, ti->uid);
    put_u32(b, ti->gid);
    put_u32(b, ti->vmsize_kb);
    put_u32(b, ti->vmrss_kb);
    put_u32(b, ti->vmswap_kb);
    put_u64(b, ti->pfmajor);
    put_u64(b, ti->pfminor);
    put_list(b, ti->env, SK_BLK_MAX_LIST);
    put_u64(b, (uint64_t)ti->vtid);
    put_u64(b, (uint64_t)ti->vpid);
    put_list(b, ti->cgroups, SK_BLK_MAX_LIST);
    put_str(b, ti->root, SK_BLK_MAX_PATH);
    put_u64(b, ti->pidns_init_start_ts);
    put_u32(b, ti->tty);
    put_u32(b, ti->loginuid);
    put_u8(b, ti->exe_writable);
    put_u64(b, ti->cap_inheritable);
    put_u64(b, ti->cap_permitted);
    put_u64(b, ti->cap_effective);
    put_u8(b, ti->exe_upper_layer);
    put_u64(b, ti->exe_ino);
    put_u64(b, ti->exe_ino_ctime);
    put_u64(b, ti->exe_ino_mtime);
    put_u8(b, ti->exe_from_memfd);
    put_u8(b, ti->exe_lower_layer);
    put_u64(b, (uint64_t)ti->pgid);
    patch_u32(b, start, (uint32_t)(b->len - start));
    return b->err;
}

/* ---------------------------------------------------------------- FDL */

int sk_blk_fdl_begin(struct sk_blkbuf *b, uint64_t tid)
{
    put_u64(b, tid);
    return b->err;
}

static void put_fd_payload(struct sk_blkbuf *b, const struct sk_fdlist_entry *fd)
{
    switch (fd->type) {
    case SK_FD_IPV4_SOCK:
        put_bytes(b, fd->sip, 4);
        put_bytes(b, fd->dip, 4);
        put_u16(b, fd->sport);
        put_u16(b, fd->dport);
        put_u8(b, fd->l4proto);
        break;
    case SK_FD_IPV6_SOCK:
        put_bytes(b, fd->sip, 16);
        put_bytes(b, fd->dip, 16);
        put_u16(b, fd->sport);
        put_u16(b, fd->dport);
        put_u8(b, fd->l4proto);
        break;
    case SK_FD_IPV4_SERVSOCK:
        put_bytes(b, fd->sip, 4);
        put_u16(b, fd->sport);
        put_u8(b, fd->l4proto);
        break;
    case SK_FD_IPV6_SERVSOCK:
        put_bytes(b, fd->sip, 16);
        put_u16(b, fd->sport);
        put_u8(b, fd->l4proto);
        break;
    case SK_FD_UNIX_SOCK:
        put_u64(b, fd->unix_source);
        put_u64(b, fd->unix_dest);
        put_str(b, fd->name, SK_BLK_MAX_PATH);
        break;
    case SK_FD_FILE_V2:
        put_u32(b, fd->open_flags);
        put_str(b, fd->name, SK_BLK_MAX_PATH);
        put_u32(b, fd->dev);
        break;
    case SK_FD_FILE:
    case SK_FD_DIRECTORY:
    case SK_FD_FIFO:
    case SK_FD_EVENT:
    case SK_FD_UNSUPPORTED:
    case SK_FD_SIGNALFD:
    case SK_FD_EVENTPOLL:
    case SK_FD_INOTIFY:
    case SK_FD_TIMERFD:
    case SK_FD_NETLINK:
    case SK_FD_BPF:
    case SK_FD_USERFAULTFD:
    case SK_FD_IOURING:
    case SK_FD_MEMFD:
    case SK_FD_PIDFD:
        put_str(b, fd->name, SK_BLK_MAX_PATH);
        break;
    default:
        break;
    }
}

int sk_blk_put_fd(struct sk_blkbuf *b, const struct sk_fdlist_entry *fd)
{
    size_t start = b->len;

    if (!fd)
        return SK_E_INVAL;
    put_u32(b, 0);
    put_u64(b, (uint64_t)fd->fd);
    put_u64(b, fd->ino);
    put_u8(b, fd->type);
    put_fd_payload(b, fd);
    patch_u32(b, start, (uint32_t)(b->len - start));
    return b->err;
}

/* ---------------------------------------------------------------- UL */

int sk_blk_put_user(struct sk_blkbuf *b, const struct sk_userlist_entry *u)
{
    size_t start = b->len;

    if (!u)
        return SK_E_INVAL;
    put_u32(b, 0);
    put_u8(b, u->is_group ? 1 : 0);
    if (u->is_group) {
        put_u32(b, u->gid);
        put_str(b, u->name, SK_BLK_MAX_CRED);
    } else {
        put_u32(b, u->uid);
        put_u32(b, u->gid);
        put_str(b, u->name, SK_BLK_MAX_CRED);
        put_str(b, u->home, SK_BLK_MAX_CRED);
        put_str(b, u->shell, SK_BLK_MAX_CRED);
    }
    patch_u32(b, start, (uint32_t)(b->len - start));
    return b->err;
}

/* ---------------------------------------------------------------- IL */

int sk_blk_put_iface(struct sk_blkbuf *b, const struct sk_iflist_entry *i)
{
    size_t start = b->len, alen;
    uint16_t type;
    uint32_t namelen;

    if (!i)
        return SK_E_INVAL;
    type = i->type ? i->type : (i->is_ipv6 ? 2 : 1);
    if (type < 1 || type > 4 || ((type == 2 || type == 4) != i->is_ipv6))
        return SK_E_INVAL;
    alen = i->is_ipv6 ? 16 : 4;
    namelen = i->name.len < SK_BLK_MAX_IFNAME ? i->name.len : SK_BLK_MAX_IFNAME;
    put_u32(b, 0); /* IL_V2 entry length does not count itself */
    put_u16(b, type);
    put_u16(b, (uint16_t)namelen);
    put_bytes(b, i->addr, alen);
    put_bytes(b, i->netmask, alen);
    put_bytes(b, i->bcast, alen);
    if (type <= 2)
        put_u64(b, i->linkspeed);
    if (namelen)
        put_bytes(b, i->name.p, namelen);
    patch_u32(b, start, (uint32_t)(b->len - start - 4));
    return b->err;
}

/* ---------------------------------------------------------------- output */

int sk_blk_write(struct sk_writer *w, uint32_t type, struct sk_blkbuf *b)
{
    int rc = b->err;

    if (rc == SK_OK)
        rc = sk_writer_block(w, type, b->p, b->len);
    sk_blkbuf_reset(b);
    return rc;
}
