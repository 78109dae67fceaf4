/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block encoders (scapkit/blocks.h): PL_V9, FDL_V2, UL_V2 and IL_V2 entries
 * encoded, parsed back with scapkit's parsers field by field, truncation at
 * the format limits, and a writer -> reader round trip of the blocks.
 */
#include <stdbool.h>
#include <unistd.h>

#include "check.h"
#include "scapkit/blocks.h"
#include "scapkit/format.h"

#define STR_IS(s, ptr, n) ((s).len == (n) && memcmp((s).p, (ptr), (n)) == 0)

static struct sk_str mk(const char *p, size_t n)
{
    struct sk_str s = {p, (uint32_t)n};
    return s;
}

static struct sk_str cs(const char *p)
{
    return mk(p, strlen(p));
}

/* ---------------------------------------------------------------- PL */

static const char args_bin[] = "-c\0bin\001\377\0last";  /* binary bytes, 3 args */
static const char env_txt[] = "HOME=/root\0PATH=/bin\0"; /* NUL-terminated list */
static const char cg_txt[] = "cpu=/a\0memory=/b/c\0";

static void fill_thread(struct sk_threadinfo *t, uint64_t tid)
{
    memset(t, 0, sizeof(*t));
    t->tid = tid;
    t->pid = 100;
    t->ptid = 1;
    t->sid = 99;
    t->vpgid = 98;
    t->comm = cs("bash");
    t->exe = cs("-bash");
    t->exepath = cs("/usr/bin/bash");
    t->args = mk(args_bin, sizeof(args_bin)); /* includes the final NUL */
    t->cwd = cs("/home/u");
    t->fdlimit = 1048576;
    t->flags = tid == 100 ? 0 : (1u << 13) | 1u;
    t->uid = 1000;
    t->gid = 1001;
    t->vmsize_kb = 111;
    t->vmrss_kb = 222;
    t->vmswap_kb = 333;
    t->pfmajor = 444;
    t->pfminor = 555;
    t->env = mk(env_txt, sizeof(env_txt) - 1);
    t->vtid = (int64_t)tid - 90;
    t->vpid = 10;
    t->cgroups = mk(cg_txt, sizeof(cg_txt) - 1);
    t->root = cs("/");
    t->pidns_init_start_ts = 1700000000123456789ull;
    t->tty = 34816;
    t->loginuid = 1000;
    t->exe_writable = true;
    t->cap_inheritable = 0x1;
    t->cap_permitted = 0x1ffffffffffull;
    t->cap_effective = 0x3fffffffffull;
    t->exe_upper_layer = true;
    t->exe_ino = 123456;
    t->exe_ino_ctime = 1600000000000000001ull;
    t->exe_ino_mtime = 1600000000000000002ull;
    t->exe_from_memfd = true;
    t->exe_lower_layer = true;
    t->pgid = 97;
}

struct pl_ctx {
    int n;
    struct sk_threadinfo want[4];
};

static int check_thread(void *ud, const struct sk_threadinfo *g)
{
    struct pl_ctx *c = ud;
    const struct sk_threadinfo *w = &c->want[c->n++];

    CHECK_INT(g->tid, w->tid);
    CHECK_INT(g->pid, w->pid);
    CHECK_INT(g->ptid, w->ptid);
    CHECK_INT(g->sid, w->sid);
    CHECK_INT(g->vpgid, w->vpgid);
    CHECK(STR_IS(g->comm, w->comm.p, w->comm.len));
    CHECK(STR_IS(g->exe, w->exe.p, w->exe.len));
    CHECK(STR_IS(g->exepath, w->exepath.p, w->exepath.len));
    CHECK(STR_IS(g->args, w->args.p, w->args.len));
    CHECK(STR_IS(g->cwd, w->cwd.p, w->cwd.len));
    CHECK_INT(g->fdlimit, w->fdlimit);
    CHECK_INT(g->flags, w->flags);
    CHECK_INT(g->uid, w->uid);
    CHECK_INT(g->gid, w->gid);
    CHECK_INT(g->vmsize_kb, w->vmsize_kb);
    CHECK_INT(g->vmrss_kb, w->vmrss_kb);
    CHECK_INT(g->vmswap_kb, w->vmswap_kb);
    CHECK_INT(g->pfmajor, w->pfmajor);
    CHECK_INT(g->pfminor, w->pfminor);
    CHECK(STR_IS(g->env, w->env.p, w->env.len));
    CHECK_INT(g->vtid, w->vtid);
    CHECK_INT(g->vpid, w->vpid);
    CHECK(STR_IS(g->cgroups, w->cgroups.p, w->cgroups.len));
    CHECK(STR_IS(g->root, w->root.p, w->root.len));
    CHECK_INT(g->pidns_init_start_ts, w->pidns_init_start_ts);
    CHECK_INT(g->tty, w->tty);
    CHECK_INT(g->loginuid, w->loginuid);
    CHECK_INT(g->exe_writable, w->exe_writable);
    CHECK_INT(g->cap_inheritable, w->cap_inheritable);
    CHECK_INT(g->cap_permitted, w->cap_permitted);
    CHECK_INT(g->cap_effective, w->cap_effective);
    CHECK_INT(g->exe_upper_layer, w->exe_upper_layer);
    CHECK_INT(g->exe_ino, w->exe_ino);
    CHECK_INT(g->exe_ino_ctime, w->exe_ino_ctime);
    CHECK_INT(g->exe_ino_mtime, w->exe_ino_mtime);
    CHECK_INT(g->exe_from_memfd, w->exe_from_memfd);
    CHECK_INT(g->exe_lower_layer, w->exe_lower_layer);
    CHECK_INT(g->pgid, w->pgid);
    return 0;
}

static void test_proclist(void)
{
    struct sk_blkbuf b;
    struct pl_ctx c;

    memset(&c, 0, sizeof(c));
    sk_blkbuf_init(&b);
    fill_thread(&c.want[0], 100);
    fill_thread(&c.want[1], 101);
    /* a thread with defaults: empty strings, "none" values */
    fill_thread(&c.want[2], 102);
    c.want[2].comm = c.want[2].exe = c.want[2].exepath = c.want[2].args = mk("", 0);
    c.want[2].env = c.want[2].cgroups = c.want[2].root = c.want[2].cwd = mk("", 0);
    c.want[2].loginuid = UINT32_MAX;
    c.want[2].vtid = c.want[2].vpid = c.want[2].pgid = -1;
    c.want[2].exe_writable = c.want[2].exe_from_memfd = false;
    for (int i = 0; i < 3; i++)
        CHECK_INT(sk_blk_put_thread(&b, &c.want[i]), SK_OK);
    CHECK_INT(sk_parse_proclist(SK_BT_PL_V9, b.p, b.len, check_thread, &c), SK_OK);
    CHECK_INT(c.n, 3);
    sk_blkbuf_free(&b);
}

/* Over-long strings are cut at the limits libscap accepts; lists keep a final NUL. */
static int check_truncated(void *ud, const struct sk_threadinfo *g)
{
    int *n = ud;

    (*n)++;
    CHECK_INT(g->comm.len, SK_BLK_MAX_PATH);
    CHECK_INT(g->exepath.len, SK_BLK_MAX_PATH);
    CHECK_INT(g->cwd.len, SK_BLK_MAX_PATH);
    CHECK_INT(g->root.len, SK_BLK_MAX_PATH);
    CHECK_INT(g->args.len, SK_BLK_MAX_LIST);
    CHECK_INT(g->args.p[SK_BLK_MAX_LIST - 1], 0);
    CHECK_INT(g->args.p[SK_BLK_MAX_LIST - 2], 'a');
    CHECK_INT(g->env.len, SK_BLK_MAX_LIST);
    CHECK_INT(g->env.p[SK_BLK_MAX_LIST - 1], 0);
    CHECK_INT(g->cgroups.len, SK_BLK_MAX_LIST);
    CHECK_INT(g->pgid, 97); /* fields after the long ones are intact */
    return 0;
}

static void test_truncation(void)
{
    static char big[10000];
    struct sk_threadinfo t;
    struct sk_blkbuf b;
    int n = 0;

    memset(big, 'a', sizeof(big));
    sk_blkbuf_init(&b);
    fill_thread(&t, 100);
    t.comm = t.exepath = t.cwd = t.root = mk(big, 5000);
    t.args = t.env = t.cgroups = mk(big, sizeof(big));
    CHECK_INT(sk_blk_put_thread(&b, &t), SK_OK);
    CHECK_INT(sk_parse_proclist(SK_BT_PL_V9, b.p, b.len, check_truncated, &n), SK_OK);
    CHECK_INT(n, 1);
    sk_blkbuf_free(&b);
}

/* ---------------------------------------------------------------- FDL */

struct fd_ctx {
    int n;
    struct sk_fdlist_entry want[32];
};

static int check_fd(void *ud, uint64_t tid, const struct sk_fdlist_entry *g)
{
    struct fd_ctx *c = ud;
    const struct sk_fdlist_entry *w = &c->want[c->n++];
    size_t alen = (w->type == SK_FD_IPV6_SOCK || w->type == SK_FD_IPV6_SERVSOCK) ? 16 : 4;

    CHECK_INT(tid, 4242);
    CHECK_INT(g->fd, w->fd);
    CHECK_INT(g->ino, w->ino);
    CHECK_INT(g->type, w->type);
    switch (w->type) {
    case SK_FD_IPV4_SOCK:
    case SK_FD_IPV6_SOCK:
        CHECK(memcmp(g->dip, w->dip, alen) == 0);
        CHECK_INT(g->dport, w->dport);
        /* fall through */
    case SK_FD_IPV4_SERVSOCK:
    case SK_FD_IPV6_SERVSOCK:
        CHECK(memcmp(g->sip, w->sip, alen) == 0);
        CHECK_INT(g->sport, w->sport);
        CHECK_INT(g->l4proto, w->l4proto);
        break;
    case SK_FD_UNIX_SOCK:
        CHECK_INT(g->unix_source, w->unix_source);
        CHECK_INT(g->unix_dest, w->unix_dest);
        CHECK(STR_IS(g->name, w->name.p, w->name.len));
        break;
    case SK_FD_FILE_V2:
        CHECK_INT(g->open_flags, w->open_flags);
        CHECK_INT(g->dev, w->dev);
        CHECK(STR_IS(g->name, w->name.p, w->name.len));
        break;
    default:
        CHECK(STR_IS(g->name, w->name.p, w->name.len));
        break;
    }
    return 0;
}

static void test_fdlist(void)
{
    static const uint8_t ip4a[4] = {127, 0, 0, 1}, ip4b[4] = {10, 1, 2, 3};
    static const uint8_t ip6a[16] = {[15] = 1}, ip6b[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};
    static const uint8_t others[] = {
        SK_FD_FILE,     SK_FD_DIRECTORY,   SK_FD_FIFO,    SK_FD_EVENT,   SK_FD_UNSUPPORTED,
        SK_FD_SIGNALFD, SK_FD_EVENTPOLL,   SK_FD_INOTIFY, SK_FD_TIMERFD, SK_FD_NETLINK,
        SK_FD_BPF,      SK_FD_USERFAULTFD, SK_FD_IOURING, SK_FD_MEMFD,   SK_FD_PIDFD};
    static char longname[2000];
    struct sk_blkbuf b;
    struct fd_ctx c;
    struct sk_fdlist_entry *e;
    int n = 0;

    memset(&c, 0, sizeof(c));
    memset(longname, 'n', sizeof(longname));
    e = &c.want[n++];
    e->fd = 3, e->ino = 11, e->type = SK_FD_IPV4_SOCK, e->sport = 40000, e->dport = 80;
    e->l4proto = SK_L4_TCP;
    memcpy(e->sip, ip4a, 4), memcpy(e->dip, ip4b, 4);
    e = &c.want[n++];
    e->fd = 4, e->ino = 12, e->type = SK_FD_IPV4_SERVSOCK, e->sport = 53, e->l4proto = SK_L4_UDP;
    memcpy(e->sip, ip4b, 4);
    e = &c.want[n++];
    e->fd = 5, e->ino = 13, e->type = SK_FD_IPV6_SOCK, e->sport = 1, e->dport = 65535;
    e->l4proto = SK_L4_TCP;
    memcpy(e->sip, ip6a, 16), memcpy(e->dip, ip6b, 16);
    e = &c.want[n++];
    e->fd = 6, e->ino = 14, e->type = SK_FD_IPV6_SERVSOCK, e->sport = 443, e->l4proto = SK_L4_RAW;
    memcpy(e->sip, ip6b, 16);
    e = &c.want[n++];
    e->fd = 7, e->ino = 15, e->type = SK_FD_UNIX_SOCK, e->unix_source = 0xffff888012345678ull;
    e->unix_dest = 0xffff888087654321ull, e->name = cs("/run/x.sock");
    e = &c.want[n++];
    e->fd = 8, e->ino = 16, e->type = SK_FD_FILE_V2, e->open_flags = 0x1003, e->dev = 0xfe01;
    e->name = cs("/etc/passwd");
    for (size_t i = 0; i < sizeof(others); i++) {
        e = &c.want[n++];
        e->fd = 20 + (int64_t)i, e->ino = 100 + i, e->type = others[i];
        e->name = cs(i % 2 ? "pipe:[1234]" : "");
    }
    e = &c.want[n++]; /* a huge fd number */
    e->fd = 1 << 30, e->ino = 1, e->type = SK_FD_FILE_V2, e->name = cs("/x");

    sk_blkbuf_init(&b);
    CHECK_INT(sk_blk_fdl_begin(&b, 4242), SK_OK);
    for (int i = 0; i < n; i++)
        CHECK_INT(sk_blk_put_fd(&b, &c.want[i]), SK_OK);
    CHECK_INT(sk_parse_fdlist(SK_BT_FDL_V2, b.p, b.len, check_fd, &c), SK_OK);
    CHECK_INT(c.n, n);

    /* long names are cut to 1023 bytes */
    sk_blkbuf_reset(&b);
    memset(&c, 0, sizeof(c));
    c.want[0].fd = 9, c.want[0].type = SK_FD_FILE_V2, c.want[0].name = mk(longname, 2000);
    sk_blk_fdl_begin(&b, 4242);
    CHECK_INT(sk_blk_put_fd(&b, &c.want[0]), SK_OK);
    c.want[0].name.len = SK_BLK_MAX_PATH;
    CHECK_INT(sk_parse_fdlist(SK_BT_FDL_V2, b.p, b.len, check_fd, &c), SK_OK);
    CHECK_INT(c.n, 1);
    sk_blkbuf_free(&b);
}

/* ---------------------------------------------------------------- UL */

struct ul_ctx {
    int n;
    struct sk_userlist_entry want[4];
};

static int check_user(void *ud, const struct sk_userlist_entry *g)
{
    struct ul_ctx *c = ud;
    const struct sk_userlist_entry *w = &c->want[c->n++];
    uint32_t nl = w->name.len > SK_BLK_MAX_CRED ? SK_BLK_MAX_CRED : w->name.len;

    CHECK_INT(g->is_group, w->is_group);
    CHECK_INT(g->gid, w->gid);
    CHECK(STR_IS(g->name, w->name.p, nl));
    if (!w->is_group) {
        CHECK_INT(g->uid, w->uid);
        CHECK(STR_IS(g->home, w->home.p, w->home.len));
        CHECK(STR_IS(g->shell, w->shell.p, w->shell.len));
    }
    return 0;
}

static void test_userlist(void)
{
    static char longname[300];
    struct sk_blkbuf b;
    struct ul_ctx c;

    memset(&c, 0, sizeof(c));
    memset(longname, 'u', sizeof(longname));
    c.want[0].uid = 0, c.want[0].gid = 0, c.want[0].name = cs("root");
    c.want[0].home = cs("/root"), c.want[0].shell = cs("/bin/bash");
    c.want[1].uid = 65534, c.want[1].gid = 65534, c.want[1].name = mk(longname, 300);
    c.want[1].home = cs("/nonexistent"), c.want[1].shell = cs("");
    c.want[2].is_group = true, c.want[2].gid = 27, c.want[2].name = cs("sudo");
    c.want[3].is_group = true, c.want[3].gid = 4294967294u, c.want[3].name = cs("nogroup");
    sk_blkbuf_init(&b);
    for (int i = 0; i < 4; i++)
        CHECK_INT(sk_blk_put_user(&b, &c.want[i]), SK_OK);
    CHECK_INT(sk_parse_userlist(SK_BT_UL_V2, b.p, b.len, check_user, &c), SK_OK);
    CHECK_INT(c.n, 4);
    sk_blkbuf_free(&b);
}

/* ---------------------------------------------------------------- IL */

struct il_ctx {
    int n;
    struct sk_iflist_entry want[4];
};

static int check_iface(void *ud, const struct sk_iflist_entry *g)
{
    struct il_ctx *c = ud;
    const struct sk_iflist_entry *w = &c->want[c->n++];
    size_t alen = w->is_ipv6 ? 16 : 4;

    CHECK_INT(g->type, w->type);
    CHECK_INT(g->is_ipv6, w->is_ipv6);
    CHECK(memcmp(g->addr, w->addr, alen) == 0);
    CHECK(memcmp(g->netmask, w->netmask, alen) == 0);
    CHECK(memcmp(g->bcast, w->bcast, alen) == 0);
    CHECK_INT(g->linkspeed, w->type <= 2 ? w->linkspeed : 0);
    CHECK(STR_IS(g->name, w->name.p, w->name.len));
    return 0;
}

static void test_iflist(void)
{
    struct sk_blkbuf b;
    struct il_ctx c;
    static const uint8_t a4[4] = {192, 168, 1, 10}, m4[4] = {255, 255, 255, 0};
    static const uint8_t b4[4] = {192, 168, 1, 255}, a6[16] = {0xfe, 0x80, [15] = 2};

    memset(&c, 0, sizeof(c));
    c.want[0].type = 1, c.want[0].linkspeed = 1000, c.want[0].name = cs("eth0");
    memcpy(c.want[0].addr, a4, 4), memcpy(c.want[0].netmask, m4, 4);
    memcpy(c.want[0].bcast, b4, 4);
    c.want[1].type = 2, c.want[1].is_ipv6 = true, c.want[1].name = cs("eth0");
    memcpy(c.want[1].addr, a6, 16), memset(c.want[1].netmask, 0xff, 8);
    c.want[2].type = 1, c.want[2].name = cs("lo");
    c.want[2].addr[0] = 127, c.want[2].addr[3] = 1, c.want[2].netmask[0] = 255;
    c.want[3].type = 4, c.want[3].is_ipv6 = true, c.want[3].name = cs("wg-very-long-name");
    sk_blkbuf_init(&b);
    for (int i = 0; i < 4; i++)
        CHECK_INT(sk_blk_put_iface(&b, &c.want[i]), SK_OK);
    CHECK_INT(sk_parse_iflist(SK_BT_IL_V2, b.p, b.len, check_iface, &c), SK_OK);
    CHECK_INT(c.n, 4);
    /* IPv4 entry: 4 (len) + 24 + name; the length excludes itself */
    CHECK_INT(sk_le32(b.p), 24 + 4);
    /* type/family mismatch is refused */
    c.want[0].type = 2;
    CHECK_INT(sk_blk_put_iface(&b, &c.want[0]), SK_E_INVAL);
    sk_blkbuf_free(&b);
}

/* ---------------------------------------------------------------- file */

static void test_file_roundtrip(void)
{
    char path[] = "/tmp/bpfdig-test-blocks-XXXXXX";
    static const uint32_t want_types[] = {SK_BT_SHB, SK_BT_UL_V2, SK_BT_PL_V9, SK_BT_FDL_V2,
                                          SK_BT_FDL_V2};
    struct sk_writer *w;
    struct sk_reader *r;
    struct sk_block blk;
    struct sk_blkbuf b;
    struct sk_threadinfo t;
    struct sk_userlist_entry u;
    struct sk_fdlist_entry f;
    int fd = mkstemp(path), n = 0, rc;

    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK_INT(sk_writer_open_fd(&w, fd, false), SK_OK);
    CHECK_INT(sk_writer_shb(w), SK_OK);
    sk_blkbuf_init(&b);
    memset(&u, 0, sizeof(u));
    u.name = cs("root");
    sk_blk_put_user(&b, &u);
    CHECK_INT(sk_blk_write(w, SK_BT_UL_V2, &b), SK_OK);
    CHECK_INT(b.len, 0);
    fill_thread(&t, 100);
    t.comm = cs("odd"); /* 3 bytes: the block needs padding */
    sk_blk_put_thread(&b, &t);
    CHECK_INT(sk_blk_write(w, SK_BT_PL_V9, &b), SK_OK);
    for (int i = 0; i < 2; i++) {
        memset(&f, 0, sizeof(f));
        f.fd = i, f.type = SK_FD_FIFO, f.name = cs("pipe:[9]");
        sk_blk_fdl_begin(&b, 100);
        sk_blk_put_fd(&b, &f);
        CHECK_INT(sk_blk_write(w, SK_BT_FDL_V2, &b), SK_OK);
    }
    CHECK_INT(sk_writer_close(w), SK_OK);
    sk_blkbuf_free(&b);

    CHECK_INT(sk_reader_open_path(&r, path), SK_OK);
    while ((rc = sk_reader_next(r, &blk)) == 1) {
        if (n < 5)
            CHECK_INT(blk.type, want_types[n]);
        if (blk.type == SK_BT_PL_V9)
            CHECK_INT(sk_parse_proclist(blk.type, blk.body, blk.body_len, NULL, NULL), SK_OK);
        if (blk.type == SK_BT_FDL_V2)
            CHECK_INT(sk_parse_fdlist(blk.type, blk.body, blk.body_len, NULL, NULL), SK_OK);
        n++;
    }
    CHECK_INT(rc, 0);
    CHECK_INT(n, 5);
    sk_reader_close(r);
    unlink(path);
}

int main(void)
{
    test_proclist();
    test_truncation();
    test_fdlist();
    test_userlist();
    test_iflist();
    test_file_roundtrip();
    return check_summary("test_blocks");
}
