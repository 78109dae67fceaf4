/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Body parsers of the metadata blocks: SHB, MI, and every generation of the
 * process (PL), fd (FDL), user (UL) and interface (IL) lists.
 *
 * All lists are walked while at least 4 bytes remain (shorter tails are
 * block padding). Entries of the V2 generations (and PL V9) start with a
 * length that bounds the entry: fields a newer writer appended are skipped,
 * fields an older writer did not write keep their defaults.
 */
#include "format_internal.h"

/* ---------------------------------------------------------------- SHB */

static uint16_t swap16(uint16_t v)
{
    return (uint16_t)((v >> 8) | (v << 8));
}

int sk_parse_shb(const uint8_t *body, size_t len, struct sk_shb *out)
{
    uint32_t magic;

    if (!body || !out)
        return SK_E_INVAL;
    memset(out, 0, sizeof(*out));
    if (len < SK_SHB_BODY_LEN)
        return SK_E_TRUNCATED;
    magic = sk_le32(body);
    out->major = sk_le16(body + 4);
    out->minor = sk_le16(body + 6);
    if (magic == SK_BYTE_ORDER_MAGIC)
        return SK_OK;
    if (magic == __builtin_bswap32(SK_BYTE_ORDER_MAGIC)) {
        out->swapped = true;
        out->major = swap16(out->major);
        out->minor = swap16(out->minor);
    }
    return SK_E_BADMAGIC;
}

/* ---------------------------------------------------------------- MI */

int sk_parse_machine_info(const uint8_t *body, size_t len, struct sk_machine_info *out)
{
    struct sk_cur c;

    if (!body || !out)
        return SK_E_INVAL;
    memset(out, 0, sizeof(*out));
    if (len < SK_MI_BODY_LEN)
        return SK_E_TRUNCATED;
    sk_cur_init(&c, body, len);
    out->num_cpus = sk_cur_u32(&c);
    out->memory_size_bytes = sk_cur_u64(&c);
    out->max_pid = sk_cur_u64(&c);
    sk_cur_bytes(&c, out->hostname, SK_MI_HOSTNAME_LEN);
    out->hostname[SK_MI_HOSTNAME_LEN] = '\0';
    out->boot_ts_epoch = sk_cur_u64(&c);
    /* flags and two reserved u64 follow: unused. */
    return c.err;
}

/* ---------------------------------------------------------------- helpers */

/*
 * Opens the entry that starts at c. With_len: the entry begins with a u32
 * length; includes_len tells whether that length counts its own 4 bytes.
 * A zero length (never written, tolerated like libscap) leaves the entry
 * unbounded. On success *e covers the entry and *has_len tells if bounded.
 */
static int open_entry(struct sk_cur *c, bool with_len, bool includes_len, struct sk_cur *e,
                      bool *has_len)
{
    uint32_t entry_len;
    size_t span;

    *has_len = false;
    if (!with_len) {
        *e = *c;
        return SK_OK;
    }
    entry_len = sk_cur_u32(c);
    if (c->err != SK_OK)
        return c->err;
    if (entry_len == 0) {
        *e = *c;
        return SK_OK;
    }
    if (includes_len && entry_len < 4)
        return SK_E_MALFORMED;
    span = includes_len ? entry_len - 4u : entry_len;
    if (span > sk_cur_left(c))
        return SK_E_MALFORMED;
    sk_cur_init(e, c->p, span);
    *has_len = true;
    return SK_OK;
}

/* A bounded entry whose fields overrun its own length is malformed, not truncated. */
static int entry_error(const struct sk_cur *e, bool has_len)
{
    return has_len && e->err == SK_E_TRUNCATED ? SK_E_MALFORMED : e->err;
}

/* Moves c past a parsed entry: to its end when bounded, else where parsing stopped. */
static void close_entry(struct sk_cur *c, const struct sk_cur *e, bool has_len)
{
    c->p = has_len ? e->end : e->p;
}

static bool tail_u64(struct sk_cur *e, uint64_t *out)
{
    if (sk_cur_left(e) < 8)
        return false;
    *out = sk_cur_u64(e);
    return true;
}

static bool tail_u32(struct sk_cur *e, uint32_t *out)
{
    if (sk_cur_left(e) < 4)
        return false;
    *out = sk_cur_u32(e);
    return true;
}

static bool tail_bool(struct sk_cur *e, bool *out)
{
    if (sk_cur_left(e) < 1)
        return false;
    *out = sk_cur_u8(e) != 0;
    return true;
}

/* ---------------------------------------------------------------- PL */

/* Generation 1..9 of a process list block type, 0 if not one. */
static int proclist_version(uint32_t block_type)
{
    switch (block_type) {
    case SK_BT_PL_V1:
    case SK_BT_PL_V1_INT:
        return 1;
    case SK_BT_PL_V2:
    case SK_BT_PL_V2_INT:
        return 2;
    case SK_BT_PL_V3:
    case SK_BT_PL_V3_INT:
        return 3;
    case SK_BT_PL_V4:
        return 4;
    case SK_BT_PL_V5:
        return 5;
    case SK_BT_PL_V6:
        return 6;
    case SK_BT_PL_V7:
        return 7;
    case SK_BT_PL_V8:
        return 8;
    case SK_BT_PL_V9:
        return 9;
    default:
        return 0;
    }
}

static void thread_defaults(struct sk_threadinfo *ti)
{
    static const struct sk_str empty = {"", 0};

    memset(ti, 0, sizeof(*ti));
    ti->comm = ti->exe = ti->exepath = ti->args = ti->cwd = empty;
    ti->env = ti->cgroups = ti->root = empty;
    ti->sid = UINT64_MAX;
    ti->vpgid = UINT64_MAX;
    ti->vtid = -1;
    ti->vpid = -1;
    ti->loginuid = UINT32_MAX;
    ti->pgid = -1;
}

/* Fields every generation has up to gid, with the ones added by V6..V8. */
static void parse_thread_base(struct sk_cur *e, int ver, struct sk_threadinfo *ti)
{
    ti->tid = sk_cur_u64(e);
    ti->pid = sk_cur_u64(e);
    ti->ptid = sk_cur_u64(e);
    if (ver >= 6)
        ti->sid = sk_cur_u64(e);
    if (ver >= 8)
        ti->vpgid = sk_cur_u64(e);
    ti->comm = sk_cur_str16(e, SK_MAX_PATH_LEN);
    ti->exe = sk_cur_str16(e, SK_MAX_PATH_LEN);
    if (ver >= 7)
        ti->exepath = sk_cur_str16(e, SK_MAX_PATH_LEN);
    ti->args = sk_cur_str16(e, SK_MAX_ARGS_LEN);
    ti->cwd = sk_cur_str16(e, SK_MAX_PATH_LEN);
    ti->fdlimit = sk_cur_u64(e);
    ti->flags = sk_cur_u32(e);
    ti->uid = sk_cur_u32(e);
    ti->gid = sk_cur_u32(e);
}

/* Fields added by V2..V5. */
static void parse_thread_ext(struct sk_cur *e, int ver, struct sk_threadinfo *ti)
{
    if (ver < 2)
        return;
    ti->vmsize_kb = sk_cur_u32(e);
    ti->vmrss_kb = sk_cur_u32(e);
    ti->vmswap_kb = sk_cur_u32(e);
    ti->pfmajor = sk_cur_u64(e);
    ti->pfminor = sk_cur_u64(e);
    if (ver >= 3)
        ti->env = sk_cur_str16(e, SK_MAX_ENV_LEN);
    if (ver >= 4) {
        ti->vtid = (int64_t)sk_cur_u64(e);
        ti->vpid = (int64_t)sk_cur_u64(e);
        ti->cgroups = sk_cur_str16(e, SK_MAX_CGROUPS_LEN);
    }
    if (ver >= 5)
        ti->root = sk_cur_str16(e, SK_MAX_PATH_LEN);
}

/*
 * Bytes that pre-0.10 writers put after root: loginuid, exe_writable and
 * three capability sets. An entry with no more than that left lacks the
 * pidns_init_start_ts and tty fields 0.10 inserted before them.
 */
#define PRE_0_10_TAIL_LEN 29u

/* V9 optional tail, each field read only if the entry still has room. */
static void parse_thread_tail(struct sk_cur *e, struct sk_threadinfo *ti)
{
    uint64_t pgid;

    if (sk_cur_left(e) > PRE_0_10_TAIL_LEN) {
        tail_u64(e, &ti->pidns_init_start_ts);
        tail_u32(e, &ti->tty);
    }
    tail_u32(e, &ti->loginuid);
    tail_bool(e, &ti->exe_writable);
    tail_u64(e, &ti->cap_inheritable);
    tail_u64(e, &ti->cap_permitted);
    tail_u64(e, &ti->cap_effective);
    tail_bool(e, &ti->exe_upper_layer);
    tail_u64(e, &ti->exe_ino);
    tail_u64(e, &ti->exe_ino_ctime);
    tail_u64(e, &ti->exe_ino_mtime);
    tail_bool(e, &ti->exe_from_memfd);
    tail_bool(e, &ti->exe_lower_layer);
    if (tail_u64(e, &pgid))
        ti->pgid = (int64_t)pgid;
}

static int parse_thread(struct sk_cur *c, int ver, struct sk_threadinfo *ti)
{
    struct sk_cur e;
    bool has_len;
    int rc;

    thread_defaults(ti);
    rc = open_entry(c, ver >= 9, true, &e, &has_len);
    if (rc != SK_OK)
        return rc;
    parse_thread_base(&e, ver, ti);
    parse_thread_ext(&e, ver, ti);
    if (e.err != SK_OK)
        return entry_error(&e, has_len);
    if (has_len)
        parse_thread_tail(&e, ti);
    close_entry(c, &e, has_len);
    return SK_OK;
}

int sk_parse_proclist(uint32_t block_type, const uint8_t *body, size_t len, sk_thread_cb cb,
                      void *ud)
{
    int ver = proclist_version(block_type);
    struct sk_threadinfo ti;
    struct sk_cur c;
    int rc;

    if (ver == 0 || (!body && len))
        return SK_E_INVAL;
    sk_cur_init(&c, body, len);
    while (sk_cur_left(&c) >= 4) {
        rc = parse_thread(&c, ver, &ti);
        if (rc != SK_OK)
            return rc;
        if (cb) {
            rc = cb(ud, &ti);
            if (rc != 0)
                return rc;
        }
    }
    return SK_OK;
}

/* ---------------------------------------------------------------- FDL */

static void parse_fd_payload(struct sk_cur *e, bool has_len, struct sk_fdlist_entry *fd)
{
    switch (fd->type) {
    case SK_FD_IPV4_SOCK:
        sk_cur_bytes(e, fd->sip, 4);
        sk_cur_bytes(e, fd->dip, 4);
        fd->sport = sk_cur_u16(e);
        fd->dport = sk_cur_u16(e);
        fd->l4proto = sk_cur_u8(e);
        break;
    case SK_FD_IPV6_SOCK:
        sk_cur_bytes(e, fd->sip, 16);
        sk_cur_bytes(e, fd->dip, 16);
        fd->sport = sk_cur_u16(e);
        fd->dport = sk_cur_u16(e);
        fd->l4proto = sk_cur_u8(e);
        break;
    case SK_FD_IPV4_SERVSOCK:
        sk_cur_bytes(e, fd->sip, 4);
        fd->sport = sk_cur_u16(e);
        fd->l4proto = sk_cur_u8(e);
        break;
    case SK_FD_IPV6_SERVSOCK:
        sk_cur_bytes(e, fd->sip, 16);
        fd->sport = sk_cur_u16(e);
        fd->l4proto = sk_cur_u8(e);
        break;
    case SK_FD_UNIX_SOCK:
        fd->unix_source = sk_cur_u64(e);
        fd->unix_dest = sk_cur_u64(e);
        fd->name = sk_cur_str16(e, SK_MAX_FDNAME_LEN);
        break;
    case SK_FD_FILE_V2:
        fd->open_flags = sk_cur_u32(e);
        fd->name = sk_cur_str16(e, SK_MAX_FDNAME_LEN);
        if (has_len && sk_cur_left(e) >= 4)
            fd->dev = sk_cur_u32(e);
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
        fd->name = sk_cur_str16(e, SK_MAX_FDNAME_LEN);
        break;
    default:
        /* Uninitialized or newer type: no known payload (skipped by length in V2). */
        break;
    }
}

static int parse_fd(struct sk_cur *c, bool v2, struct sk_fdlist_entry *fd)
{
    struct sk_cur e;
    bool has_len;
    int rc;

    memset(fd, 0, sizeof(*fd));
    fd->name.p = "";
    rc = open_entry(c, v2, true, &e, &has_len);
    if (rc != SK_OK)
        return rc;
    fd->fd = (int64_t)sk_cur_u64(&e);
    fd->ino = sk_cur_u64(&e);
    fd->type = sk_cur_u8(&e);
    parse_fd_payload(&e, has_len, fd);
    if (e.err != SK_OK)
        return entry_error(&e, has_len);
    close_entry(c, &e, has_len);
    return SK_OK;
}

int sk_parse_fdlist(uint32_t block_type, const uint8_t *body, size_t len, sk_fd_cb cb, void *ud)
{
    struct sk_fdlist_entry fd;
    struct sk_cur c;
    uint64_t tid;
    bool v2;
    int rc;

    if (sk_block_kind(block_type) != SK_BK_FDL || (!body && len))
        return SK_E_INVAL;
    v2 = block_type == SK_BT_FDL_V2;
    sk_cur_init(&c, body, len);
    tid = sk_cur_u64(&c);
    if (c.err != SK_OK)
        return c.err;
    while (sk_cur_left(&c) >= 4) {
        rc = parse_fd(&c, v2, &fd);
        if (rc != SK_OK)
            return rc;
        if (cb) {
            rc = cb(ud, tid, &fd);
            if (rc != 0)
                return rc;
        }
    }
    return SK_OK;
}

/* ---------------------------------------------------------------- UL */

#define UL_TYPE_USER 0u

static int parse_user(struct sk_cur *c, bool v2, struct sk_userlist_entry *u)
{
    struct sk_cur e;
    bool has_len;
    int rc;

    memset(u, 0, sizeof(*u));
    u->name.p = u->home.p = u->shell.p = "";
    rc = open_entry(c, v2, true, &e, &has_len);
    if (rc != SK_OK)
        return rc;
    u->is_group = sk_cur_u8(&e) != UL_TYPE_USER;
    if (u->is_group) {
        u->gid = sk_cur_u32(&e);
        u->name = sk_cur_str16(&e, SK_MAX_CRED_LEN);
    } else {
        u->uid = sk_cur_u32(&e);
        u->gid = sk_cur_u32(&e);
        u->name = sk_cur_str16(&e, SK_MAX_CRED_LEN);
        u->home = sk_cur_str16(&e, SK_MAX_CRED_LEN);
        u->shell = sk_cur_str16(&e, SK_MAX_CRED_LEN);
    }
    if (e.err != SK_OK)
        return entry_error(&e, has_len);
    close_entry(c, &e, has_len);
    return SK_OK;
}

int sk_parse_userlist(uint32_t block_type, const uint8_t *body, size_t len, sk_user_cb cb, void *ud)
{
    struct sk_userlist_entry u;
    struct sk_cur c;
    bool v2;
    int rc;

    if (sk_block_kind(block_type) != SK_BK_UL || (!body && len))
        return SK_E_INVAL;
    v2 = block_type == SK_BT_UL_V2;
    sk_cur_init(&c, body, len);
    while (sk_cur_left(&c) >= 4) {
        rc = parse_user(&c, v2, &u);
        if (rc != SK_OK)
            return rc;
        if (cb) {
            rc = cb(ud, &u);
            if (rc != 0)
                return rc;
        }
    }
    return SK_OK;
}

/* ---------------------------------------------------------------- IL */

enum {
    IF_IPV4 = 1,
    IF_IPV6 = 2,
    IF_IPV4_NOLINKSPEED = 3,
    IF_IPV6_NOLINKSPEED = 4,
};

static int parse_if(struct sk_cur *c, bool v2, struct sk_iflist_entry *i)
{
    const uint8_t *name;
    uint16_t namelen;
    struct sk_cur e;
    size_t alen;
    bool has_len;
    int rc;

    memset(i, 0, sizeof(*i));
    i->name.p = "";
    rc = open_entry(c, v2, false, &e, &has_len);
    if (rc != SK_OK)
        return rc;
    i->type = sk_cur_u16(&e);
    namelen = sk_cur_u16(&e);
    if (e.err == SK_OK && (i->type < IF_IPV4 || i->type > IF_IPV6_NOLINKSPEED))
        return SK_E_MALFORMED;
    if (namelen > SK_MAX_IFNAME_LEN)
        return SK_E_MALFORMED;
    i->is_ipv6 = i->type == IF_IPV6 || i->type == IF_IPV6_NOLINKSPEED;
    alen = i->is_ipv6 ? 16 : 4;
    sk_cur_bytes(&e, i->addr, alen);
    sk_cur_bytes(&e, i->netmask, alen);
    sk_cur_bytes(&e, i->bcast, alen);
    if (i->type == IF_IPV4 || i->type == IF_IPV6)
        i->linkspeed = sk_cur_u64(&e);
    name = sk_cur_take(&e, namelen);
    if (name) {
        i->name.p = (const char *)name;
        i->name.len = namelen;
    }
    if (e.err != SK_OK)
        return entry_error(&e, has_len);
    close_entry(c, &e, has_len);
    return SK_OK;
}

int sk_parse_iflist(uint32_t block_type, const uint8_t *body, size_t len, sk_if_cb cb, void *ud)
{
    struct sk_iflist_entry i;
    struct sk_cur c;
    bool v2;
    int rc;

    if (sk_block_kind(block_type) != SK_BK_IL || (!body && len))
        return SK_E_INVAL;
    v2 = block_type == SK_BT_IL_V2;
    sk_cur_init(&c, body, len);
    while (sk_cur_left(&c) >= 4) {
        rc = parse_if(&c, v2, &i);
        if (rc != SK_OK)
            return rc;
        if (cb) {
            rc = cb(ud, &i);
            if (rc != 0)
                return rc;
        }
    }
    return SK_OK;
}
