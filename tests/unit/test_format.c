/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container format: every block generation built by hand and parsed back,
 * event decoding (V1 inference, V2 validation, LARGE, EVF), accessors, the
 * event builder, writer -> reader round trips (plain, gzip, memory, pipe)
 * and the reader's behaviour on truncated, corrupted and absurd input.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "check.h"
#include "scap_synth.h"
#include "scapkit/format.h"

#define STR_EQ(s, lit) ((s).len == strlen(lit) && memcmp((s).p, (lit), (s).len) == 0)

/* ---------------------------------------------------------------- helpers */

/* gzip-compresses src (one member). */
static void gzip_buf(const struct synth_buf *src, struct synth_buf *dst)
{
    z_stream zs;
    size_t bound;

    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    bound = deflateBound(&zs, src->len) + 64;
    dst->len = 0;
    synth_grow(dst, bound);
    zs.next_in = src->p;
    zs.avail_in = (uInt)src->len;
    zs.next_out = dst->p;
    zs.avail_out = (uInt)bound;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        abort();
    dst->len = bound - zs.avail_out;
    deflateEnd(&zs);
}

struct walk_result {
    int rc;          /* 0 clean end, < 0 error */
    unsigned blocks; /* blocks returned, SHB included */
    unsigned events;
};

/* Reads every block, parsing each body with the matching parser. */
static struct walk_result walk_reader(struct sk_reader *r)
{
    struct walk_result w = {0, 0, 0};
    struct sk_block blk;
    struct sk_event ev;
    int rc;

    while ((rc = sk_reader_next(r, &blk)) == 1) {
        w.blocks++;
        switch (sk_block_kind(blk.type)) {
        case SK_BK_PL:
            sk_parse_proclist(blk.type, blk.body, blk.body_len, NULL, NULL);
            break;
        case SK_BK_FDL:
            sk_parse_fdlist(blk.type, blk.body, blk.body_len, NULL, NULL);
            break;
        case SK_BK_UL:
            sk_parse_userlist(blk.type, blk.body, blk.body_len, NULL, NULL);
            break;
        case SK_BK_IL:
            sk_parse_iflist(blk.type, blk.body, blk.body_len, NULL, NULL);
            break;
        case SK_BK_EVENT:
            if (sk_event_decode_block(blk.type, blk.body, blk.body_len, &ev) == SK_OK)
                w.events++;
            break;
        default:
            break;
        }
    }
    w.rc = rc;
    return w;
}

static struct walk_result walk_mem(const uint8_t *p, size_t len, int *open_rc)
{
    struct walk_result w = {0, 0, 0};
    struct sk_reader *r = NULL;

    *open_rc = sk_reader_open_mem(&r, p, len);
    if (*open_rc != SK_OK)
        return w;
    w = walk_reader(r);
    sk_reader_close(r);
    return w;
}

/* ---------------------------------------------------------------- classification */

static void test_block_kinds(void)
{
    CHECK_INT(sk_block_kind(SK_BT_SHB), SK_BK_SHB);
    CHECK_INT(sk_block_kind(SK_BT_MI_INT), SK_BK_MI);
    CHECK_INT(sk_block_kind(SK_BT_PL_V3_INT), SK_BK_PL);
    CHECK_INT(sk_block_kind(SK_BT_PL_V9), SK_BK_PL);
    CHECK_INT(sk_block_kind(SK_BT_FDL_INT), SK_BK_FDL);
    CHECK_INT(sk_block_kind(SK_BT_IL_V2), SK_BK_IL);
    CHECK_INT(sk_block_kind(SK_BT_UL_V1), SK_BK_UL);
    CHECK_INT(sk_block_kind(SK_BT_EV_INT), SK_BK_EVENT);
    CHECK_INT(sk_block_kind(0x20Au), SK_BK_UNKNOWN); /* gap in the id range */
    CHECK_INT(sk_block_kind(0x223u), SK_BK_UNKNOWN);
    CHECK(sk_block_is_event(SK_BT_EVF_V2_LARGE));
    CHECK(!sk_block_is_event(SK_BT_PL_V9));
    CHECK(sk_block_has_flags(SK_BT_EVF) && sk_block_has_flags(SK_BT_EVF_V2));
    CHECK(!sk_block_has_flags(SK_BT_EV_V2_LARGE));
    CHECK(sk_block_has_nparams(SK_BT_EV_V2) && !sk_block_has_nparams(SK_BT_EV));
    CHECK(!sk_block_has_nparams(SK_BT_EVF) && !sk_block_has_nparams(SK_BT_EV_INT));
    CHECK(sk_block_is_large(SK_BT_EVF_V2_LARGE) && !sk_block_is_large(SK_BT_EVF_V2));
    CHECK(!sk_block_is_large(SK_BT_PL_V9));
    CHECK_STR(sk_block_name(SK_BT_PL_V9), "PL_V9");
    CHECK_STR(sk_block_name(SK_BT_EV_V2_LARGE), "EV_V2_LARGE");
    CHECK_STR(sk_block_name(SK_BT_SHB), "SHB");
    CHECK(sk_block_name(0x12345u) == NULL);
    CHECK(strcmp(sk_strerror(SK_E_BADLEN), sk_strerror(SK_E_TRUNCATED)) != 0);
}

/* ---------------------------------------------------------------- SHB, MI */

static void test_shb_mi(void)
{
    uint8_t body[16] = {0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 2, 0};
    uint8_t swapped[16] = {0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 2};
    struct synth_buf sb = SYNTH_BUF_INIT;
    struct sk_machine_info mi;
    struct sk_shb shb;

    CHECK_INT(sk_parse_shb(body, sizeof(body), &shb), SK_OK);
    CHECK_INT(shb.major, 1);
    CHECK_INT(shb.minor, 2);
    CHECK(!shb.swapped);
    CHECK_INT(sk_parse_shb(body, 15, &shb), SK_E_TRUNCATED);
    CHECK_INT(sk_parse_shb(swapped, sizeof(swapped), &shb), SK_E_BADMAGIC);
    CHECK(shb.swapped);
    CHECK_INT(shb.major, 1);
    CHECK_INT(shb.minor, 2);
    body[0] = 0;
    CHECK_INT(sk_parse_shb(body, sizeof(body), &shb), SK_E_BADMAGIC);
    CHECK(!shb.swapped);

    synth_mi(&sb, 8, 16ull << 30, 32768, "box.example", 1234567890123456789ull);
    CHECK_INT(sb.len, 192);
    CHECK_INT(sk_parse_machine_info(sb.p + 8, 180, &mi), SK_OK);
    CHECK_INT(mi.num_cpus, 8);
    CHECK(mi.memory_size_bytes == 16ull << 30);
    CHECK_INT(mi.max_pid, 32768);
    CHECK_STR(mi.hostname, "box.example");
    CHECK(mi.boot_ts_epoch == 1234567890123456789ull);
    CHECK_INT(sk_parse_machine_info(sb.p + 8, 179, &mi), SK_E_TRUNCATED);
    /* A 128-byte hostname without NUL is still terminated. */
    memset(sb.p + 8 + 20, 'h', 128);
    CHECK_INT(sk_parse_machine_info(sb.p + 8, 180, &mi), SK_OK);
    CHECK_INT(strlen(mi.hostname), 128);
    synth_free(&sb);
}

/* ---------------------------------------------------------------- PL */

struct pl_collect {
    unsigned n;
    struct sk_threadinfo ti[4];
};

static int collect_thread(void *ud, const struct sk_threadinfo *ti)
{
    struct pl_collect *c = ud;

    if (c->n < 4)
        c->ti[c->n] = *ti;
    c->n++;
    return 0;
}

static struct synth_thread sample_thread(uint64_t tid)
{
    struct synth_thread t = {.tid = tid,
                             .pid = tid,
                             .ptid = 1,
                             .sid = 7,
                             .vpgid = 8,
                             .comm = "bash",
                             .exe = "-bash",
                             .exepath = "/usr/bin/bash",
                             .cwd = "/home/u",
                             .root = "/",
                             .args = "-l\0-i\0",
                             .args_len = 6,
                             .env = "A=1\0B=2\0",
                             .env_len = 8,
                             .cgroups = "cpu=/a\0mem=/b\0",
                             .cgroups_len = 14,
                             .fdlimit = 1024,
                             .flags = 0x2000,
                             .uid = 1000,
                             .gid = 1001,
                             .vmsize_kb = 11,
                             .vmrss_kb = 12,
                             .vmswap_kb = 13,
                             .pfmajor = 14,
                             .pfminor = 15,
                             .vtid = 2,
                             .vpid = 3,
                             .tail = SYNTH_TAIL_FULL,
                             .pidns_init_start_ts = 99,
                             .tty = 34816,
                             .loginuid = 1000,
                             .exe_writable = 1,
                             .exe_upper_layer = 1,
                             .exe_from_memfd = 1,
                             .exe_lower_layer = 1,
                             .cap_inheritable = 0x10,
                             .cap_permitted = 0x20,
                             .cap_effective = 0x30,
                             .exe_ino = 777,
                             .exe_ino_ctime = 778,
                             .exe_ino_mtime = 779,
                             .pgid = 55};
    return t;
}

static void check_base_fields(const struct sk_threadinfo *ti, int ver)
{
    CHECK_INT(ti->tid, 42);
    CHECK_INT(ti->pid, 42);
    CHECK_INT(ti->ptid, 1);
    CHECK(STR_EQ(ti->comm, "bash"));
    CHECK(STR_EQ(ti->exe, "-bash"));
    CHECK(ti->args.len == 6 && memcmp(ti->args.p, "-l\0-i\0", 6) == 0);
    CHECK(STR_EQ(ti->cwd, "/home/u"));
    CHECK_INT(ti->fdlimit, 1024);
    CHECK_INT(ti->flags, 0x2000);
    CHECK_INT(ti->uid, 1000);
    CHECK_INT(ti->gid, 1001);
    CHECK(ti->sid == (ver >= 6 ? 7 : UINT64_MAX));
    CHECK(ti->vpgid == (ver >= 8 ? 8 : UINT64_MAX));
    CHECK(ver >= 7 ? STR_EQ(ti->exepath, "/usr/bin/bash") : ti->exepath.len == 0);
}

static void check_ext_fields(const struct sk_threadinfo *ti, int ver)
{
    CHECK_INT(ti->vmsize_kb, ver >= 2 ? 11 : 0);
    CHECK_INT(ti->vmswap_kb, ver >= 2 ? 13 : 0);
    CHECK_INT(ti->pfminor, ver >= 2 ? 15 : 0);
    CHECK(ver >= 3 ? (ti->env.len == 8 && memcmp(ti->env.p, "A=1\0B=2\0", 8) == 0)
                   : ti->env.len == 0);
    CHECK_INT(ti->vtid, ver >= 4 ? 2 : -1);
    CHECK_INT(ti->vpid, ver >= 4 ? 3 : -1);
    CHECK_INT(ti->cgroups.len, ver >= 4 ? 14 : 0);
    CHECK(ver >= 5 ? STR_EQ(ti->root, "/") : ti->root.len == 0);
}

static void check_tail_fields(const struct sk_threadinfo *ti, enum synth_tail tail)
{
    bool full = tail == SYNTH_TAIL_FULL, some = tail != SYNTH_TAIL_NONE;

    CHECK_INT(ti->pidns_init_start_ts, full ? 99 : 0);
    CHECK_INT(ti->tty, full ? 34816 : 0);
    CHECK_INT(ti->loginuid, some ? 1000 : UINT32_MAX);
    CHECK_INT(ti->exe_writable, some);
    CHECK_INT(ti->cap_inheritable, some ? 0x10 : 0);
    CHECK_INT(ti->cap_effective, some ? 0x30 : 0);
    CHECK_INT(ti->exe_upper_layer, full);
    CHECK_INT(ti->exe_ino, full ? 777 : 0);
    CHECK_INT(ti->exe_ino_mtime, full ? 779 : 0);
    CHECK_INT(ti->exe_from_memfd, full);
    CHECK_INT(ti->exe_lower_layer, full);
    CHECK_INT(ti->pgid, full ? 55 : -1);
}

/* Two entries per block: the second proves the first was consumed exactly. */
static void test_proclist_versions(void)
{
    static const uint32_t int_types[] = {SK_BT_PL_V1_INT, SK_BT_PL_V2_INT, SK_BT_PL_V3_INT};
    struct synth_thread t = sample_thread(42), t2 = sample_thread(43);
    int ver;

    for (ver = 1; ver <= 9; ver++) {
        struct synth_buf sb = SYNTH_BUF_INIT;
        struct pl_collect c = {0};
        uint32_t type = synth_pl_type(ver);

        synth_pl_entry(&sb, ver, &t);
        synth_pl_entry(&sb, ver, &t2);
        synth_zeros(&sb, 3); /* block padding */
        CHECK_INT(sk_parse_proclist(type, sb.p, sb.len, collect_thread, &c), SK_OK);
        CHECK_INT(c.n, 2);
        check_base_fields(&c.ti[0], ver);
        check_ext_fields(&c.ti[0], ver);
        check_tail_fields(&c.ti[0], ver == 9 ? SYNTH_TAIL_FULL : SYNTH_TAIL_NONE);
        CHECK_INT(c.ti[1].tid, 43);
        if (ver <= 3) {
            c.n = 0;
            CHECK_INT(sk_parse_proclist(int_types[ver - 1], sb.p, sb.len, collect_thread, &c),
                      SK_OK);
            CHECK_INT(c.n, 2);
        }
        synth_free(&sb);
    }
}

static void test_proclist_v9_tails(void)
{
    enum synth_tail tails[] = {SYNTH_TAIL_FULL, SYNTH_TAIL_PRE_0_10, SYNTH_TAIL_NONE};
    size_t i;

    for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        struct synth_buf sb = SYNTH_BUF_INIT;
        struct synth_thread t = sample_thread(42), t2 = sample_thread(43);
        struct pl_collect c = {0};

        t.tail = tails[i];
        t.extra_tail = tails[i] == SYNTH_TAIL_FULL ? 13 : 0; /* newer fields: skipped */
        synth_pl_entry(&sb, 9, &t);
        synth_pl_entry(&sb, 9, &t2);
        CHECK_INT(sk_parse_proclist(SK_BT_PL_V9, sb.p, sb.len, collect_thread, &c), SK_OK);
        CHECK_INT(c.n, 2);
        check_tail_fields(&c.ti[0], tails[i]);
        check_ext_fields(&c.ti[0], 9);
        CHECK_INT(c.ti[1].tid, 43);
        CHECK_INT(c.ti[1].pgid, 55);
        synth_free(&sb);
    }
}

static int stop_at_first(void *ud, const struct sk_threadinfo *ti)
{
    (void)ti;
    (*(unsigned *)ud)++;
    return 7;
}

static void test_proclist_errors(void)
{
    struct synth_thread t = sample_thread(42);
    struct synth_buf sb = SYNTH_BUF_INIT;
    char big[1100];
    unsigned calls = 0;
    size_t cut;

    /* Callback's non-zero return stops and is returned. */
    synth_pl_entry(&sb, 9, &t);
    synth_pl_entry(&sb, 9, &t);
    CHECK_INT(sk_parse_proclist(SK_BT_PL_V9, sb.p, sb.len, stop_at_first, &calls), 7);
    CHECK_INT(calls, 1);
    CHECK_INT(sk_parse_proclist(SK_BT_FDL_V2, sb.p, sb.len, NULL, NULL), SK_E_INVAL);
    /* Entry length beyond the body. */
    synth_put32_at(sb.p, (uint32_t)sb.len + 4);
    CHECK_INT(sk_parse_proclist(SK_BT_PL_V9, sb.p, sb.len, NULL, NULL), SK_E_MALFORMED);
    /* Entry length shorter than the fields it must hold. */
    synth_put32_at(sb.p, 40);
    CHECK_INT(sk_parse_proclist(SK_BT_PL_V9, sb.p, sb.len, NULL, NULL), SK_E_MALFORMED);
    synth_free(&sb);

    /* Every truncation of a V5 body: an error, never a read past the end. */
    synth_pl_entry(&sb, 5, &t);
    for (cut = 4; cut < sb.len; cut++) {
        uint8_t *copy = malloc(cut);
        memcpy(copy, sb.p, cut);
        CHECK_INT(sk_parse_proclist(SK_BT_PL_V5, copy, cut, NULL, NULL), SK_E_TRUNCATED);
        free(copy);
    }
    synth_free(&sb);

    /* comm longer than libscap's 1024-byte limit. */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    t.comm = big;
    synth_pl_entry(&sb, 9, &t);
    CHECK_INT(sk_parse_proclist(SK_BT_PL_V9, sb.p, sb.len, NULL, NULL), SK_E_MALFORMED);
    synth_free(&sb);
    CHECK_INT(sk_parse_proclist(SK_BT_PL_V9, NULL, 0, NULL, NULL), SK_OK);
}

/* ---------------------------------------------------------------- FDL */

struct fd_collect {
    unsigned n;
    uint64_t tid;
    struct sk_fdlist_entry fd[24];
};

static int collect_fd(void *ud, uint64_t tid, const struct sk_fdlist_entry *fd)
{
    struct fd_collect *c = ud;

    c->tid = tid;
    if (c->n < 24)
        c->fd[c->n] = *fd;
    c->n++;
    return 0;
}

static unsigned build_fd_entries(struct synth_buf *sb, bool v2)
{
    struct synth_fd v4 = {.fd = 3,
                          .ino = 9,
                          .type = SK_FD_IPV4_SOCK,
                          .sip = {1, 2, 3, 4},
                          .dip = {5, 6, 7, 8},
                          .sport = 1234,
                          .dport = 80,
                          .l4proto = 2};
    struct synth_fd v6 = {.fd = 4,
                          .type = SK_FD_IPV6_SOCK,
                          .sip = {0xfe, 0x80},
                          .dip = {[15] = 1},
                          .sport = 5555,
                          .dport = 443,
                          .l4proto = 3};
    struct synth_fd s4 = {
        .fd = 5, .type = SK_FD_IPV4_SERVSOCK, .sip = {0, 0, 0, 0}, .sport = 22, .l4proto = 2};
    struct synth_fd s6 = {
        .fd = 6, .type = SK_FD_IPV6_SERVSOCK, .sip = {[15] = 1}, .sport = 8080, .l4proto = 2};
    struct synth_fd un = {.fd = 7,
                          .type = SK_FD_UNIX_SOCK,
                          .unix_source = 0xffff0001,
                          .unix_dest = 0xffff0002,
                          .name = "/run/x.sock"};
    struct synth_fd f2 = {.fd = 8,
                          .ino = 77,
                          .type = SK_FD_FILE_V2,
                          .name = "/etc/hosts",
                          .open_flags = 0x41,
                          .dev = 0x803};
    struct synth_fd f2nodev = {
        .fd = 9, .type = SK_FD_FILE_V2, .name = "/tmp/a", .open_flags = 2, .no_dev = true};
    const struct synth_fd *typed[] = {&v4, &v6, &s4, &s6, &un, &f2, &f2nodev};
    unsigned n;
    uint8_t t;

    for (n = 0; n < sizeof(typed) / sizeof(typed[0]); n++)
        synth_fd_entry(sb, v2, typed[n]);
    /* Every name-only type. */
    for (t = SK_FD_FILE; t <= SK_FD_PIDFD; t++) {
        struct synth_fd named = {.fd = 100 + t, .type = t, .name = "n"};
        if (t == SK_FD_IPV4_SOCK || t == SK_FD_IPV6_SOCK || t == SK_FD_IPV4_SERVSOCK ||
            t == SK_FD_IPV6_SERVSOCK || t == SK_FD_UNIX_SOCK || t == SK_FD_FILE_V2)
            continue;
        synth_fd_entry(sb, v2, &named);
        n++;
    }
    return n;
}

static void check_fd_entries(const struct fd_collect *c)
{
    unsigned i;

    CHECK_INT(c->tid, 1234);
    CHECK_INT(c->fd[0].type, SK_FD_IPV4_SOCK);
    CHECK(memcmp(c->fd[0].sip, "\1\2\3\4", 4) == 0 && memcmp(c->fd[0].dip, "\5\6\7\10", 4) == 0);
    CHECK_INT(c->fd[0].sport, 1234);
    CHECK_INT(c->fd[0].dport, 80);
    CHECK_INT(c->fd[0].l4proto, 2);
    CHECK_INT(c->fd[0].ino, 9);
    CHECK_INT(c->fd[1].type, SK_FD_IPV6_SOCK);
    CHECK(c->fd[1].sip[0] == 0xfe && c->fd[1].sip[1] == 0x80 && c->fd[1].dip[15] == 1);
    CHECK_INT(c->fd[1].dport, 443);
    CHECK_INT(c->fd[1].l4proto, 3);
    CHECK_INT(c->fd[2].sport, 22);
    CHECK_INT(c->fd[3].sip[15], 1);
    CHECK_INT(c->fd[3].sport, 8080);
    CHECK(c->fd[4].unix_source == 0xffff0001 && c->fd[4].unix_dest == 0xffff0002);
    CHECK(STR_EQ(c->fd[4].name, "/run/x.sock"));
    CHECK(STR_EQ(c->fd[5].name, "/etc/hosts"));
    CHECK_INT(c->fd[5].open_flags, 0x41);
    CHECK_INT(c->fd[5].ino, 77);
    CHECK_INT(c->fd[6].dev, 0);
    CHECK(STR_EQ(c->fd[6].name, "/tmp/a"));
    for (i = 7; i < c->n && i < 24; i++) {
        CHECK(STR_EQ(c->fd[i].name, "n"));
        CHECK_INT(c->fd[i].fd, 100 + c->fd[i].type);
    }
}

static void test_fdlist(void)
{
    int v;

    for (v = 0; v < 2; v++) {
        struct synth_buf sb = SYNTH_BUF_INIT;
        struct fd_collect c = {0};
        uint32_t type = v ? SK_BT_FDL_V2 : SK_BT_FDL_V1;
        unsigned n;

        synth_u64(&sb, 1234);
        n = build_fd_entries(&sb, v);
        synth_zeros(&sb, 2);
        CHECK_INT(sk_parse_fdlist(type, sb.p, sb.len, collect_fd, &c), SK_OK);
        CHECK_INT(c.n, n);
        CHECK_INT(n, 22);
        check_fd_entries(&c);
        CHECK_INT(c.fd[5].dev, v ? 0x803 : 0);
        if (!v) {
            c.n = 0;
            CHECK_INT(sk_parse_fdlist(SK_BT_FDL_INT, sb.p, sb.len, collect_fd, &c), SK_OK);
            CHECK_INT(c.n, n);
        }
        synth_free(&sb);
    }
}

static void test_fdlist_edge(void)
{
    struct synth_fd unknown = {.fd = 11, .ino = 5, .type = 99, .extra = 10};
    struct synth_fd ext = {.fd = 12, .type = SK_FD_FILE_V2, .name = "/x", .dev = 3, .extra = 6};
    struct synth_fd f = {.fd = 13, .type = SK_FD_FILE, .name = "/y"};
    struct synth_buf sb = SYNTH_BUF_INIT;
    struct fd_collect c = {0};
    char longname[1100];

    synth_u64(&sb, 1);
    synth_fd_entry(&sb, true, &unknown);
    synth_fd_entry(&sb, true, &ext);
    synth_fd_entry(&sb, true, &f);
    CHECK_INT(sk_parse_fdlist(SK_BT_FDL_V2, sb.p, sb.len, collect_fd, &c), SK_OK);
    CHECK_INT(c.n, 3);
    CHECK_INT(c.fd[0].type, 99); /* raw type kept for "unknown-type:[99]" */
    CHECK_INT(c.fd[0].ino, 5);
    CHECK_INT(c.fd[1].dev, 3);
    CHECK(STR_EQ(c.fd[2].name, "/y"));
    /* Too short a body for the tid. */
    CHECK_INT(sk_parse_fdlist(SK_BT_FDL_V2, sb.p, 7, NULL, NULL), SK_E_TRUNCATED);
    /* An entry length that overruns its fields. */
    synth_put32_at(sb.p + 8, 17);
    CHECK_INT(sk_parse_fdlist(SK_BT_FDL_V2, sb.p, sb.len, NULL, NULL), SK_E_MALFORMED);
    synth_free(&sb);

    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    f.name = longname;
    synth_u64(&sb, 1);
    synth_fd_entry(&sb, false, &f);
    CHECK_INT(sk_parse_fdlist(SK_BT_FDL_V1, sb.p, sb.len, NULL, NULL), SK_E_MALFORMED);
    synth_free(&sb);
}

/* ---------------------------------------------------------------- UL, IL */

struct ul_collect {
    unsigned n;
    struct sk_userlist_entry u[4];
};

static int collect_user(void *ud, const struct sk_userlist_entry *u)
{
    struct ul_collect *c = ud;

    if (c->n < 4)
        c->u[c->n] = *u;
    c->n++;
    return 0;
}

static void test_userlist(void)
{
    int v;

    for (v = 0; v < 2; v++) {
        struct synth_buf sb = SYNTH_BUF_INIT;
        struct ul_collect c = {0};

        synth_user(&sb, v, 1000, 100, "alice", "/home/alice", "/bin/zsh");
        synth_group(&sb, v, 100, "users");
        synth_user(&sb, v, 0, 0, "root", "/root", "/bin/sh");
        synth_zeros(&sb, (4 - sb.len % 4) % 4);
        CHECK_INT(sk_parse_userlist(v ? SK_BT_UL_V2 : SK_BT_UL_V1, sb.p, sb.len, collect_user, &c),
                  SK_OK);
        CHECK_INT(c.n, 3);
        CHECK(!c.u[0].is_group && c.u[0].uid == 1000 && c.u[0].gid == 100);
        CHECK(STR_EQ(c.u[0].name, "alice") && STR_EQ(c.u[0].home, "/home/alice"));
        CHECK(STR_EQ(c.u[0].shell, "/bin/zsh"));
        CHECK(c.u[1].is_group && c.u[1].gid == 100 && STR_EQ(c.u[1].name, "users"));
        CHECK(STR_EQ(c.u[2].name, "root"));
        synth_free(&sb);
    }
}

/* Names of 256 bytes or more are refused, like libscap. */
static void test_userlist_limits(void)
{
    struct synth_buf sb = SYNTH_BUF_INIT;
    char longname[300];

    memset(longname, 'u', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    synth_user(&sb, true, 1, 1, longname, "/", "/");
    CHECK_INT(sk_parse_userlist(SK_BT_UL_V2, sb.p, sb.len, NULL, NULL), SK_E_MALFORMED);
    synth_free(&sb);
}

struct il_collect {
    unsigned n;
    struct sk_iflist_entry i[4];
};

static int collect_if(void *ud, const struct sk_iflist_entry *i)
{
    struct il_collect *c = ud;

    if (c->n < 4)
        c->i[c->n] = *i;
    c->n++;
    return 0;
}

static void test_iflist(void)
{
    static const uint8_t a4[4] = {192, 168, 1, 2}, m4[4] = {255, 255, 255, 0},
                         b4[4] = {192, 168, 1, 255};
    static const uint8_t a6[16] = {0xfe, 0x80, [15] = 7}, m6[16] = {0xff, 0xff}, b6[16] = {0};
    int v;

    for (v = 0; v < 2; v++) {
        struct synth_buf sb = SYNTH_BUF_INIT;
        struct il_collect c = {0};

        synth_if(&sb, v, 1, a4, m4, b4, 1000, "eth0");
        synth_if(&sb, v, 2, a6, m6, b6, 10000, "eth0");
        synth_if(&sb, v, 3, a4, m4, b4, 0, "wlan0");
        synth_if(&sb, v, 4, a6, m6, b6, 0, "wlan0");
        CHECK_INT(sk_parse_iflist(v ? SK_BT_IL_V2 : SK_BT_IL_V1, sb.p, sb.len, collect_if, &c),
                  SK_OK);
        CHECK_INT(c.n, 4);
        CHECK(c.i[0].type == 1 && !c.i[0].is_ipv6 && memcmp(c.i[0].addr, a4, 4) == 0);
        CHECK(memcmp(c.i[0].netmask, m4, 4) == 0 && memcmp(c.i[0].bcast, b4, 4) == 0);
        CHECK_INT(c.i[0].linkspeed, 1000);
        CHECK(STR_EQ(c.i[0].name, "eth0"));
        CHECK(c.i[1].is_ipv6 && memcmp(c.i[1].addr, a6, 16) == 0 && c.i[1].linkspeed == 10000);
        CHECK(c.i[2].type == 3 && !c.i[2].is_ipv6 && c.i[2].linkspeed == 0);
        CHECK(STR_EQ(c.i[2].name, "wlan0"));
        CHECK(c.i[3].type == 4 && c.i[3].is_ipv6 && memcmp(c.i[3].netmask, m6, 16) == 0);
        /* An unknown interface type is an error. */
        synth_put16_at(sb.p + (v ? 4 : 0), 9);
        CHECK_INT(sk_parse_iflist(v ? SK_BT_IL_V2 : SK_BT_IL_V1, sb.p, sb.len, NULL, NULL),
                  SK_E_MALFORMED);
        synth_free(&sb);
    }
}

/* ---------------------------------------------------------------- events */

static int decode_only_block(const struct synth_buf *sb, struct sk_event *ev)
{
    uint32_t type = sk_le32(sb->p);
    uint32_t total = sk_le32(sb->p + 4);

    return sk_event_decode_block(type, sb->p + 8, total - 12, ev);
}

static void test_event_v2(void)
{
    int64_t res = -2, fd = 5;
    struct synth_param p[2] = {SYNTH_P(&res, 8), SYNTH_P(&fd, 8)};
    struct synth_buf sb = SYNTH_BUF_INIT;
    struct sk_event ev;
    int64_t i64;

    synth_event_ex(&sb, SK_BT_EVF_V2, 3, 0x1, 1000, 77, 5, 2, p, 0);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK_INT(ev.cpu, 3);
    CHECK_INT(ev.flags, 1);
    CHECK_INT(ev.ts, 1000);
    CHECK_INT(ev.tid, 77);
    CHECK_INT(ev.type, 5);
    CHECK_INT(ev.len, 26 + 4 + 16);
    CHECK_INT(ev.nparams, 2);
    CHECK(!ev.large);
    CHECK(ev.info != NULL && strcmp(ev.info->name, "close") == 0);
    CHECK(sk_event_get_i64(&ev, 0, &i64) && i64 == -2);
    CHECK(sk_event_get_i64(&ev, 1, &i64) && i64 == 5);
    CHECK(!sk_event_get_i64(&ev, 2, &i64));
    synth_free(&sb);

    /* Unknown type in a V2 block: info NULL, params still decoded. */
    synth_event(&sb, SK_BT_EV_V2, 0, 1, 1, 999, 2, p);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK(ev.info == NULL);
    CHECK_INT(ev.nparams, 2);
    CHECK_INT(ev.param_len[1], 8);
    synth_free(&sb);
}

static void test_event_v2_errors(void)
{
    uint8_t v8[8] = {1};
    struct synth_param p[2] = {SYNTH_P(v8, 8), SYNTH_P(v8, 8)};
    struct synth_buf sb = SYNTH_BUF_INIT;
    struct sk_event ev;
    const size_t ev_at = 8 + 2; /* block header + cpu */

    synth_event(&sb, SK_BT_EV_V2, 0, 1, 1, 5, 2, p);
    /* nparams above SK_MAX_PARAMS. */
    synth_put32_at(sb.p + ev_at + 22, SK_MAX_PARAMS + 1);
    CHECK_INT(decode_only_block(&sb, &ev), SK_E_MALFORMED);
    /* Lengths array that does not fit. */
    synth_put32_at(sb.p + ev_at + 22, 20);
    CHECK_INT(decode_only_block(&sb, &ev), SK_E_MALFORMED);
    synth_put32_at(sb.p + ev_at + 22, 2);
    /* A value overrunning the event. */
    synth_put16_at(sb.p + ev_at + 26 + 2, 9);
    CHECK_INT(decode_only_block(&sb, &ev), SK_E_MALFORMED);
    synth_put16_at(sb.p + ev_at + 26 + 2, 8);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    /* Header len beyond the block / shorter than the header. */
    synth_put32_at(sb.p + ev_at + 16, 200);
    CHECK_INT(decode_only_block(&sb, &ev), SK_E_TRUNCATED);
    synth_put32_at(sb.p + ev_at + 16, 25);
    CHECK_INT(decode_only_block(&sb, &ev), SK_E_MALFORMED);
    /* Body shorter than the header. */
    CHECK_INT(sk_event_decode_block(SK_BT_EV_V2, sb.p + 8, 20, &ev), SK_E_TRUNCATED);
    CHECK_INT(sk_event_decode_block(SK_BT_PL_V9, sb.p + 8, 40, &ev), SK_E_INVAL);
    synth_free(&sb);
}

static void test_event_v1_inference(void)
{
    int64_t res = 3;
    uint8_t name[] = "/etc/passwd", flags[4] = {1}, mode[4] = {0}, dev[4] = {8}, ino[8] = {9};
    struct synth_param open_x[6] = {SYNTH_P(&res, 8),  SYNTH_P(name, sizeof(name)),
                                    SYNTH_P(flags, 4), SYNTH_P(mode, 4),
                                    SYNTH_P(dev, 4),   SYNTH_P(ino, 8)};
    struct synth_param notif[2] = {SYNTH_PSTR("id1"), SYNTH_PSTR("a description")};
    struct synth_buf sb = SYNTH_BUF_INIT;
    struct sk_event ev;
    struct sk_str s;
    unsigned n;

    /* open exit (6 params in the table): every older count 0..6 is inferred. */
    for (n = 0; n <= 6; n++) {
        synth_event(&sb, SK_BT_EV, 1, 5, 6, 3, n, open_x);
        CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
        CHECK_INT(ev.nparams, n);
        CHECK(!ev.large);
        sb.len = 0;
    }
    synth_event(&sb, SK_BT_EV, 1, 5, 6, 3, 3, open_x);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK(sk_event_get_str(&ev, 1, &s) && STR_EQ(s, "/etc/passwd"));
    sb.len = 0;
    /* Values ending short of len: libscap refuses. */
    synth_event_ex(&sb, SK_BT_EV, 1, 0, 5, 6, 3, 2, open_x, -4);
    CHECK_INT(decode_only_block(&sb, &ev), SK_E_MALFORMED);
    sb.len = 0;
    /* Unknown type in V1: no table count to start from. */
    synth_event(&sb, SK_BT_EV, 1, 5, 6, 1000, 2, open_x);
    CHECK_INT(decode_only_block(&sb, &ev), SK_E_UNSUPPORTED);
    sb.len = 0;
    /* NOTIFICATION_E with the old writers' len 3 bytes too large. */
    synth_event_ex(&sb, SK_BT_EV, 0, 0, 5, -1, 280, 2, notif, 3);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK_INT(ev.nparams, 2);
    CHECK(sk_event_get_str(&ev, 1, &s) && STR_EQ(s, "a description"));
    sb.len = 0;
    /* ... and with a correct len. */
    synth_event(&sb, SK_BT_EV, 0, 5, -1, 280, 2, notif);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK_INT(ev.nparams, 2);
    synth_free(&sb);
}

static void test_event_large_and_params(void)
{
    uint8_t id[4] = {0}, data[70000];
    struct synth_param p[3] = {SYNTH_P(id, 4), SYNTH_PSTR("container"),
                               SYNTH_P(data, sizeof(data))};
    struct synth_buf sb = SYNTH_BUF_INIT;
    struct sk_event ev;
    struct sk_str s;
    uint64_t u;

    memset(data, 'd', sizeof(data));
    synth_event(&sb, SK_BT_EV_V2_LARGE, 0, 9, 1, 402, 3, p);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK(ev.large);
    CHECK_INT(ev.nparams, 3);
    CHECK_INT(ev.param_len[2], sizeof(data));
    CHECK(sk_event_get_str(&ev, 1, &s) && STR_EQ(s, "container"));
    CHECK(sk_event_get_u64(&ev, 0, &u) && u == 0);
    CHECK(!sk_event_get_u64(&ev, 2, &u)); /* not an integer width */

    /* Direct parameter-area decoding, with block padding after the event. */
    CHECK_INT(sk_event_decode_params(402, true, 3, true, ev.len, sb.p + 8 + 2 + 26,
                                     sk_le32(sb.p + 4) - 12 - 2 - 26, &ev),
              SK_OK);
    CHECK_INT(ev.param_len[2], sizeof(data));
    CHECK_INT(sk_event_decode_params(402, true, 3, true, ev.len, sb.p + 8 + 2 + 26, 100, &ev),
              SK_E_TRUNCATED);
    synth_free(&sb);
}

static void test_event_accessors(void)
{
    int64_t res = 0, fd = 9;
    int32_t backlog = -5;
    struct synth_param p[3] = {SYNTH_P(&res, 8), SYNTH_P(&fd, 8), SYNTH_P(&backlog, 4)};
    uint8_t one = 0xff, two[2] = {0xfe, 0xff};
    struct synth_param q[2] = {SYNTH_P(&one, 1), SYNTH_P(two, 2)};
    struct synth_buf sb = SYNTH_BUF_INIT;
    struct sk_event ev;
    int64_t i64;
    uint64_t u64;
    struct sk_str s;

    synth_event(&sb, SK_BT_EV_V2, 0, 1, 1, 25, 3, p); /* listen exit: backlog INT32 */
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK(sk_event_get_i64(&ev, 2, &i64) && i64 == -5);
    CHECK(sk_event_get_u64(&ev, 2, &u64) && u64 == 0xfffffffbu);
    CHECK(sk_event_get_str(&ev, 2, &s) && s.len == 4); /* no NUL to strip */
    sb.len = 0;
    /* Unsigned types are never sign-extended (GENERIC_X: SYSCALLID, UINT16). */
    synth_event(&sb, SK_BT_EV_V2, 0, 1, 1, 1, 2, q);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK(sk_event_get_i64(&ev, 0, &i64) && i64 == 0xff);
    CHECK(sk_event_get_i64(&ev, 1, &i64) && i64 == 0xfffe);
    sb.len = 0;
    /* Empty parameter: absent for every accessor. */
    q[0].len = 0;
    synth_event(&sb, SK_BT_EV_V2, 0, 1, 1, 1, 2, q);
    CHECK_INT(decode_only_block(&sb, &ev), SK_OK);
    CHECK(!sk_event_get_i64(&ev, 0, &i64));
    CHECK(!sk_event_get_str(&ev, 0, &s));
    synth_free(&sb);
}

/* ---------------------------------------------------------------- builder */

static void test_builder(void)
{
    static uint8_t buf[140000];
    struct sk_event_builder b;
    struct sk_event ev;
    uint32_t bt;
    size_t len;
    int64_t i64;
    struct sk_str s;

    /* open exit with only 3 of 6 params: the rest are padded empty. */
    sk_evb_begin(&b, buf, sizeof(buf), 1, 123, 456, 3);
    sk_evb_add_u64(&b, 7);
    sk_evb_add_str(&b, "/tmp/f");
    sk_evb_add_u32(&b, 0x2);
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_OK);
    CHECK_INT(bt, SK_BT_EV_V2);
    CHECK_INT(len, 2 + 26 + 12 + 8 + 7 + 4);
    CHECK_INT(sk_event_decode_block(bt, buf, len, &ev), SK_OK);
    CHECK_INT(ev.nparams, 6);
    CHECK_INT(ev.cpu, 1);
    CHECK_INT(ev.ts, 123);
    CHECK_INT(ev.tid, 456);
    CHECK_INT(ev.len, len - 2);
    CHECK(sk_event_get_i64(&ev, 0, &i64) && i64 == 7);
    CHECK(sk_event_get_str(&ev, 1, &s) && STR_EQ(s, "/tmp/f"));
    CHECK_INT(ev.param_len[3], 0);
    CHECK_INT(ev.param_len[5], 0);

    /* More params than the schema. */
    sk_evb_begin(&b, buf, sizeof(buf), 0, 1, 1, 5);
    sk_evb_add_u64(&b, 0);
    sk_evb_add_u64(&b, 1);
    sk_evb_add_u64(&b, 2);
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_E_INVAL);
}

/* A LARGE type goes to EV_V2_LARGE with u32 lengths. */
static void test_builder_large(void)
{
    static uint8_t buf[140000], payload[65600];
    struct sk_event_builder b;
    struct sk_event ev;
    uint32_t bt;
    size_t len;

    memset(payload, 'p', sizeof(payload));
    sk_evb_begin(&b, buf, sizeof(buf), 0, 1, -1, 402);
    sk_evb_add_u32(&b, 0);
    sk_evb_add_str(&b, "container");
    sk_evb_add(&b, payload, sizeof(payload));
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_OK);
    CHECK_INT(bt, SK_BT_EV_V2_LARGE);
    CHECK_INT(sk_event_decode_block(bt, buf, len, &ev), SK_OK);
    CHECK(ev.large && ev.nparams == 3);
    CHECK_INT(ev.param_len[2], sizeof(payload));
    CHECK(memcmp(ev.param[2], payload, sizeof(payload)) == 0);
}

static void test_builder_limits(void)
{
    static uint8_t buf[140000], big[65536];
    struct sk_event_builder b;
    uint32_t bt;
    size_t len;

    /* Non-LARGE bodies must fit libscap's 64 KiB read buffer. */
    sk_evb_begin(&b, buf, sizeof(buf), 0, 1, 1, 7); /* read exit */
    sk_evb_add_u64(&b, 0);
    sk_evb_add(&b, big, 65000);
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_OK);
    sk_evb_begin(&b, buf, sizeof(buf), 0, 1, 1, 7);
    sk_evb_add_u64(&b, 0);
    sk_evb_add(&b, big, 65535);
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_E_BADLEN);
    sk_evb_begin(&b, buf, sizeof(buf), 0, 1, 1, 7);
    sk_evb_add(&b, big, 65536); /* does not fit a u16 length */
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_E_BADLEN);
    /* Unknown type, tiny buffers. */
    sk_evb_begin(&b, buf, sizeof(buf), 0, 1, 1, SK_EVENT_MAX);
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_E_INVAL);
    sk_evb_begin(&b, buf, 20, 0, 1, 1, 3);
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_E_NOMEM);
    sk_evb_begin(&b, buf, 2 + 26 + 12 + 4, 0, 1, 1, 3);
    sk_evb_add_u64(&b, 1);
    CHECK_INT(sk_evb_finish(&b, &bt, &len), SK_E_NOMEM);
}

/* ---------------------------------------------------------------- writer + reader */

static int write_sample(struct sk_writer *w, unsigned nevents)
{
    struct sk_machine_info mi = {
        .num_cpus = 4, .memory_size_bytes = 1ull << 33, .max_pid = 99, .boot_ts_epoch = 5};
    struct synth_buf pl = SYNTH_BUF_INIT;
    struct synth_thread t = sample_thread(42);
    static uint8_t buf[1024];
    struct sk_event_builder b;
    uint32_t bt;
    size_t len;
    unsigned i;
    int rc;

    strcpy(mi.hostname, "writer-host");
    synth_pl_entry(&pl, 9, &t);
    sk_writer_shb(w);
    sk_writer_machine_info(w, &mi);
    sk_writer_block(w, SK_BT_PL_V9, pl.p, pl.len - 1); /* odd length: padded */
    synth_free(&pl);
    for (i = 0; i < nevents; i++) {
        sk_evb_begin(&b, buf, sizeof(buf), (uint16_t)(i % 4), 1000 + i, 42, 5);
        sk_evb_add_u64(&b, 0);
        sk_evb_add_u64(&b, i);
        rc = sk_evb_finish(&b, &bt, &len);
        if (rc != SK_OK)
            return rc;
        sk_writer_block(w, bt, buf, len);
    }
    return sk_writer_close(w);
}

static void check_sample(struct sk_reader *r, unsigned nevents)
{
    struct sk_machine_info mi;
    struct sk_block blk;
    struct sk_event ev;
    unsigned i, ok = 0;
    int64_t fd;

    CHECK_INT(sk_reader_next(r, &blk), 1);
    CHECK_INT(blk.type, SK_BT_SHB);
    CHECK_INT(blk.total_len, 28);
    CHECK_INT(sk_reader_shb(r)->major, 1);
    CHECK_INT(sk_reader_shb(r)->minor, 2);
    CHECK_INT(sk_reader_next(r, &blk), 1);
    CHECK_INT(blk.type, SK_BT_MI);
    CHECK_INT(blk.total_len, 192);
    CHECK_INT(blk.offset, 28);
    CHECK_INT(sk_parse_machine_info(blk.body, blk.body_len, &mi), SK_OK);
    CHECK_STR(mi.hostname, "writer-host");
    CHECK_INT(mi.num_cpus, 4);
    CHECK_INT(sk_reader_next(r, &blk), 1);
    CHECK_INT(blk.type, SK_BT_PL_V9);
    CHECK_INT(blk.total_len % 4, 0);
    CHECK_INT(sk_parse_proclist(blk.type, blk.body, blk.body_len, NULL, NULL), SK_OK);
    for (i = 0; i < nevents; i++) {
        if (sk_reader_next(r, &blk) != 1 || blk.type != SK_BT_EV_V2)
            break;
        if (sk_event_decode_block(blk.type, blk.body, blk.body_len, &ev) != SK_OK)
            break;
        if (ev.ts == 1000 + i && ev.cpu == i % 4 && sk_event_get_i64(&ev, 1, &fd) &&
            fd == (int64_t)i)
            ok++;
    }
    CHECK_INT(ok, nevents);
    CHECK_INT(sk_reader_next(r, &blk), 0);
    CHECK_INT(sk_reader_next(r, &blk), 0);
}

static void test_roundtrip_files(void)
{
    const unsigned nevents = 20000; /* > the reader's window: refills and compaction */
    int gz;

    for (gz = 0; gz < 2; gz++) {
        const char *path = synth_tmp_path(gz ? "test_format_rt.scap.gz" : "test_format_rt.scap");
        struct sk_writer *w = NULL;
        struct sk_reader *r = NULL;
        unsigned char magic[2] = {0};
        FILE *f;

        CHECK_INT(sk_writer_open_path(&w, path, gz), SK_OK);
        if (!w)
            continue;
        CHECK_INT(write_sample(w, nevents), SK_OK);
        f = fopen(path, "rb");
        if (f) {
            CHECK_INT(fread(magic, 1, 2, f), 2);
            fclose(f);
        }
        CHECK_INT(magic[0] == 0x1f && magic[1] == 0x8b, gz);
        CHECK_INT(sk_reader_open_path(&r, path), SK_OK);
        if (r) {
            check_sample(r, nevents);
            sk_reader_close(r);
        }
        unlink(path);
    }
}

/* The writer on one end of a pipe (child process), the reader streaming the other. */
static void test_roundtrip_pipe(void)
{
    int gz;

    for (gz = 0; gz < 2; gz++) {
        struct sk_reader *r = NULL;
        int fds[2], status = 0;
        pid_t pid;

        if (pipe(fds) != 0) {
            CHECK(0);
            return;
        }
        pid = fork();
        if (pid == 0) {
            struct sk_writer *w = NULL;
            close(fds[0]);
            if (sk_writer_open_fd(&w, fds[1], gz) != SK_OK)
                _exit(2);
            _exit(write_sample(w, 3000) == SK_OK ? 0 : 1);
        }
        close(fds[1]);
        CHECK_INT(sk_reader_open_fd(&r, fds[0]), SK_OK);
        if (r) {
            check_sample(r, 3000);
            sk_reader_close(r);
        }
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

static void test_reader_mem_gzip(void)
{
    struct synth_buf plain = SYNTH_BUF_INIT, gz = SYNTH_BUF_INIT, two = SYNTH_BUF_INIT;
    struct walk_result w;
    unsigned nev = synth_small_capture(&plain);
    int orc;

    w = walk_mem(plain.p, plain.len, &orc);
    CHECK_INT(orc, SK_OK);
    CHECK_INT(w.rc, 0);
    CHECK_INT(w.blocks, 6 + nev);
    CHECK_INT(w.events, nev);
    gzip_buf(&plain, &gz);
    w = walk_mem(gz.p, gz.len, &orc);
    CHECK_INT(orc, SK_OK);
    CHECK_INT(w.rc, 0);
    CHECK_INT(w.blocks, 6 + nev);
    /* Two gzip members back to back read as one stream (two sections). */
    synth_bytes(&two, gz.p, gz.len);
    synth_bytes(&two, gz.p, gz.len);
    w = walk_mem(two.p, two.len, &orc);
    CHECK_INT(w.rc, 0);
    CHECK_INT(w.blocks, 2 * (6 + nev));
    CHECK_INT(w.events, 2 * nev);
    /* Trailing garbage after a member is ignored, like gzread. */
    two.len = gz.len;
    synth_bytes(&two, "junk", 4);
    w = walk_mem(two.p, two.len, &orc);
    CHECK_INT(w.rc, 0);
    CHECK_INT(w.blocks, 6 + nev);
    synth_free(&plain);
    synth_free(&gz);
    synth_free(&two);
}

/* Blocks larger than the reader's initial window, through a file and a pipe. */
static int write_big_blocks(struct sk_writer *w, const uint8_t *big, size_t len)
{
    sk_writer_shb(w);
    sk_writer_block(w, 0x300u, big, 100);
    sk_writer_block(w, 0x301u, big, len);
    sk_writer_block(w, 0x302u, big, len / 3);
    return sk_writer_close(w);
}

static void check_big_blocks(struct sk_reader *r, const uint8_t *big, size_t len)
{
    struct sk_block blk;

    CHECK_INT(sk_reader_next(r, &blk), 1);
    CHECK_INT(sk_reader_next(r, &blk), 1);
    CHECK(blk.type == 0x300u && blk.body_len == 100 && memcmp(blk.body, big, 100) == 0);
    CHECK_INT(sk_reader_next(r, &blk), 1);
    CHECK(blk.type == 0x301u && blk.body_len == len && memcmp(blk.body, big, len) == 0);
    CHECK_INT(sk_reader_next(r, &blk), 1);
    CHECK(blk.type == 0x302u && blk.body_len == (len / 3 + 3) / 4 * 4);
    CHECK(memcmp(blk.body, big, len / 3) == 0);
    CHECK_INT(sk_reader_next(r, &blk), 0);
}

static void test_big_blocks(void)
{
    const size_t len = 3u * 1024 * 1024 + 8;
    uint8_t *big = malloc(len);
    size_t i;
    int gz;

    for (i = 0; i < len; i++)
        big[i] = (uint8_t)(i * 7 + (i >> 12));
    for (gz = 0; gz < 2; gz++) {
        struct sk_writer *w = NULL;
        struct sk_reader *r = NULL;
        int fds[2], status = 0;
        pid_t pid;

        if (pipe(fds) != 0)
            break;
        pid = fork();
        if (pid == 0) {
            close(fds[0]);
            if (sk_writer_open_fd(&w, fds[1], gz) != SK_OK)
                _exit(2);
            _exit(write_big_blocks(w, big, len) == SK_OK ? 0 : 1);
        }
        close(fds[1]);
        CHECK_INT(sk_reader_open_fd(&r, fds[0]), SK_OK);
        if (r) {
            check_big_blocks(r, big, len);
            sk_reader_close(r);
        }
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    free(big);
}

/* ---------------------------------------------------------------- reader errors */

static bool is_block_boundary(const struct synth_buf *sb, size_t cut, unsigned *nblocks)
{
    size_t off = 0;

    *nblocks = 0;
    while (off < cut) {
        off += sk_le32(sb->p + off + 4);
        (*nblocks)++;
    }
    return off == cut;
}

static void test_truncation_everywhere(void)
{
    struct synth_buf sb = SYNTH_BUF_INIT, gz = SYNTH_BUF_INIT;
    unsigned bad_plain = 0, bad_gz = 0;
    size_t cut;

    synth_small_capture(&sb);
    gzip_buf(&sb, &gz);
    for (cut = 0; cut < sb.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        struct walk_result w;
        unsigned nblocks;
        bool boundary;
        int orc;

        memcpy(copy, sb.p, cut);
        w = walk_mem(copy, cut, &orc);
        boundary = is_block_boundary(&sb, cut, &nblocks);
        if (cut < 28) {
            if (orc >= 0)
                bad_plain++;
        } else if (boundary) {
            if (orc != SK_OK || w.rc != 0 || w.blocks != nblocks)
                bad_plain++;
        } else if (orc != SK_OK || w.rc != SK_E_TRUNCATED || w.blocks != nblocks - 1) {
            bad_plain++;
        }
        free(copy);
    }
    CHECK_INT(bad_plain, 0);
    for (cut = 0; cut < gz.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        struct walk_result w;
        int orc;

        memcpy(copy, gz.p, cut);
        w = walk_mem(copy, cut, &orc);
        if (orc == SK_OK && w.rc >= 0)
            bad_gz++; /* a cut gzip stream is always reported */
        free(copy);
    }
    CHECK_INT(bad_gz, 0);
    synth_free(&sb);
    synth_free(&gz);
}

/* Whether byte i of the capture is part of a block's header or trailer length. */
static bool in_length_field(const struct synth_buf *sb, size_t i)
{
    size_t off = 0, total;

    while (off < sb->len) {
        total = sk_le32(sb->p + off + 4);
        if ((i >= off + 4 && i < off + 8) || (i >= off + total - 4 && i < off + total))
            return true;
        off += total;
    }
    return false;
}

/* Flip bits everywhere: never a crash; any damage to framing is reported. */
static void test_flipped_bytes(void)
{
    static const uint8_t masks[] = {0xff, 0x01, 0x80};
    struct synth_buf sb = SYNTH_BUF_INIT;
    unsigned missed = 0, framing = 0;
    size_t i, m;

    synth_small_capture(&sb);
    for (i = 0; i < sb.len; i++) {
        bool framing_byte = in_length_field(&sb, i);
        for (m = 0; m < sizeof(masks); m++) {
            struct walk_result w;
            int orc;

            sb.p[i] ^= masks[m];
            w = walk_mem(sb.p, sb.len, &orc);
            sb.p[i] ^= masks[m];
            if (!framing_byte)
                continue;
            framing++;
            if (orc == SK_OK && w.rc == 0)
                missed++;
        }
    }
    CHECK_INT(framing, 3 * 8 * 9); /* 9 blocks, 8 length bytes each */
    CHECK_INT(missed, 0);
    synth_free(&sb);
}

static void expect_reader_error(const struct synth_buf *sb, int want, const char *needle)
{
    struct sk_reader *r = NULL;
    struct sk_block blk;
    int rc = sk_reader_open_mem(&r, sb->p, sb->len);

    if (rc == SK_OK) {
        while ((rc = sk_reader_next(r, &blk)) == 1)
            ;
        CHECK_INT(rc, want);
        CHECK(strstr(sk_reader_errmsg(r), needle) != NULL);
        if (!strstr(sk_reader_errmsg(r), needle))
            fprintf(stderr, "  message: %s\n", sk_reader_errmsg(r));
        CHECK_INT(sk_reader_next(r, &blk), want); /* sticky */
        sk_reader_close(r);
    } else {
        CHECK_INT(rc, want);
        CHECK(strstr(sk_reader_errmsg(NULL), needle) != NULL);
        if (!strstr(sk_reader_errmsg(NULL), needle))
            fprintf(stderr, "  message: %s\n", sk_reader_errmsg(NULL));
    }
}

static void test_absurd_lengths(void)
{
    static const uint32_t bad_lens[] = {0, 4, 8, 13, 0xfffffff0u, SK_MAX_BLOCK_LEN + 4};
    struct synth_buf sb = SYNTH_BUF_INIT;
    size_t i, at;

    for (i = 0; i < sizeof(bad_lens) / sizeof(bad_lens[0]); i++) {
        sb.len = 0;
        synth_shb(&sb, 1, 2);
        at = sb.len;
        synth_block(&sb, SK_BT_PL_V9, "abcd", 4);
        synth_put32_at(sb.p + at + 4, bad_lens[i]);
        expect_reader_error(&sb, SK_E_BADLEN, "offset 28");
    }
    /* A plausible length far beyond the data: truncated, no big allocation needed. */
    sb.len = 0;
    synth_shb(&sb, 1, 2);
    synth_block(&sb, SK_BT_PL_V9, "abcd", 4);
    synth_put32_at(sb.p + 28 + 4, 200u * 1024 * 1024);
    expect_reader_error(&sb, SK_E_TRUNCATED, "file ends inside block PL_V9");
    /* Trailer mismatch. */
    sb.len = 0;
    synth_shb(&sb, 1, 2);
    synth_block(&sb, SK_BT_PL_V9, "abcd", 4);
    synth_put32_at(sb.p + sb.len - 4, 20);
    expect_reader_error(&sb, SK_E_BADLEN, "trailer");
    synth_free(&sb);
}

static void test_sections_and_headers(void)
{
    struct synth_buf sb = SYNTH_BUF_INIT;
    struct sk_reader *r = NULL;
    struct sk_block blk;
    size_t at;

    /* SHB with options (pcapng comment), unknown block, second section 1.0. */
    at = synth_block_begin(&sb, SK_BT_SHB);
    synth_u32(&sb, SK_BYTE_ORDER_MAGIC);
    synth_u16(&sb, 1);
    synth_u16(&sb, 0);
    synth_u64(&sb, UINT64_MAX);
    synth_u16(&sb, 1);
    synth_u16(&sb, 5);
    synth_bytes(&sb, "hello", 5);
    synth_zeros(&sb, 3);
    synth_u32(&sb, 0); /* opt_endofopt */
    synth_block_end(&sb, at);
    synth_block(&sb, 0x1234u, "xyz", 3);
    synth_shb(&sb, 1, 1);
    CHECK_INT(sk_reader_open_mem(&r, sb.p, sb.len), SK_OK);
    if (r) {
        CHECK_INT(sk_reader_next(r, &blk), 1);
        CHECK_INT(blk.type, SK_BT_SHB);
        CHECK_INT(sk_reader_shb(r)->minor, 0);
        CHECK_INT(sk_reader_next(r, &blk), 1);
        CHECK_INT(blk.type, 0x1234u);
        CHECK_INT(blk.body_len, 4);
        CHECK(memcmp(blk.body, "xyz", 3) == 0);
        CHECK_INT(sk_reader_next(r, &blk), 1);
        CHECK_INT(blk.type, SK_BT_SHB);
        CHECK_INT(sk_reader_shb(r)->minor, 1);
        CHECK_INT(sk_reader_next(r, &blk), 0);
        sk_reader_close(r);
    }
    /* Version 2.0 first, or later. */
    sb.len = 0;
    synth_shb(&sb, 2, 0);
    expect_reader_error(&sb, SK_E_VERSION, "version 2.0");
    sb.len = 0;
    synth_shb(&sb, 1, 2);
    synth_shb(&sb, 3, 0);
    expect_reader_error(&sb, SK_E_VERSION, "offset 28");
    /* Byte-swapped section. */
    sb.len = 0;
    synth_shb(&sb, 1, 2);
    synth_put32_at(sb.p + 8, 0x4D3C2B1Au);
    expect_reader_error(&sb, SK_E_BADMAGIC, "byte-swapped");
    /* Not starting with an SHB, empty, short SHB body. */
    sb.len = 0;
    synth_block(&sb, SK_BT_MI, "abcd", 4);
    expect_reader_error(&sb, SK_E_BADMAGIC, "not a scap file");
    sb.len = 0;
    expect_reader_error(&sb, SK_E_TRUNCATED, "empty");
    synth_block(&sb, SK_BT_SHB, "\x4d\x3c\x2b\x1a\x01\x00\x02\x00", 8);
    expect_reader_error(&sb, SK_E_BADLEN, "section header body");
    synth_free(&sb);

    CHECK_INT(sk_reader_open_path(&r, "/nonexistent/x.scap"), SK_E_IO);
    CHECK(strstr(sk_reader_errmsg(NULL), "/nonexistent/x.scap") != NULL);
    CHECK(r == NULL);
}

/* Corrupt compressed data is an error naming gzip, never garbage blocks. */
static void test_corrupt_gzip(void)
{
    struct synth_buf plain = SYNTH_BUF_INIT, gz = SYNTH_BUF_INIT;
    unsigned reported = 0, tries = 0;
    size_t i;

    synth_small_capture(&plain);
    gzip_buf(&plain, &gz);
    /* Deflate data starts after the 10-byte header; the last 8 are CRC and size. */
    for (i = 10; i + 8 < gz.len; i += 7) {
        struct walk_result w;
        int orc;

        gz.p[i] ^= 0x55;
        w = walk_mem(gz.p, gz.len, &orc);
        gz.p[i] ^= 0x55;
        tries++;
        if (orc < 0 || w.rc < 0)
            reported++;
    }
    /* The CRC catches what the deflate decoder lets through. */
    CHECK_INT(reported, tries);
    /* A bad CRC: every block reads, then the end of the member is an error. */
    gz.p[gz.len - 6] ^= 1;
    expect_reader_error(&gz, SK_E_MALFORMED, "gzip");
    synth_free(&plain);
    synth_free(&gz);
}

int main(void)
{
    test_block_kinds();
    test_shb_mi();
    test_proclist_versions();
    test_proclist_v9_tails();
    test_proclist_errors();
    test_fdlist();
    test_fdlist_edge();
    test_userlist();
    test_userlist_limits();
    test_iflist();
    test_event_v2();
    test_event_v2_errors();
    test_event_v1_inference();
    test_event_large_and_params();
    test_event_accessors();
    test_builder();
    test_builder_large();
    test_builder_limits();
    test_roundtrip_files();
    test_roundtrip_pipe();
    test_reader_mem_gzip();
    test_big_blocks();
    test_corrupt_gzip();
    test_truncation_everywhere();
    test_flipped_bytes();
    test_absurd_lengths();
    test_sections_and_headers();
    return check_summary("test_format");
}
