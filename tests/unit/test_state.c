/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State engine tests: a process list and events with known ground truth go
 * in, the thread/fd views that come out are checked field by field.
 * Event layouts are those of libs 0.22.2 (what the agent writes).
 */
#include "check.h"
#include "scap_synth.h"

#include "scapkit/format.h"
#include "scapkit/state.h"

/* Exit event codes (libs 0.22.2). */
enum {
    OPEN_X = 3,
    CLOSE_X = 5,
    READ_X = 7,
    SOCKET_X = 19,
    BIND_X = 21,
    CONNECT_X = 23,
    SENDTO_X = 31,
    SOCKETPAIR_X = 43,
    PIPE_X = 61,
    CHDIR_X = 95,
    PROCEXIT_E = 186,
    SETUID_X = 199,
    CLONE_X = 223,
    ACCEPT4_X = 389,
    EXECVE_X = 293,
    OPENAT_X = 307,
    DUP2_X = 363,
    FCNTL_X = 151,
};

#define PPM_AF_INET 2
#define PPM_AF_INET6 10
#define PPM_AF_UNIX 1
#define AT_FDCWD_PPM (-100)

static uint64_t now_ts = 1700000000000000000ull;

struct ev {
    struct sk_event_builder b;
    uint8_t buf[8192];
};

static void ev_begin(struct ev *e, int64_t tid, uint16_t type)
{
    now_ts += 1000;
    sk_evb_begin(&e->b, e->buf, sizeof(e->buf), 0, now_ts, tid, type);
}

/* Decode what the builder made and run it through the state. */
static struct sk_evt_state ev_run(struct sk_state *st, struct ev *e)
{
    struct sk_evt_state out = {0};
    struct sk_event decoded;
    uint32_t type;
    size_t len;

    CHECK(sk_evb_finish(&e->b, &type, &len) == SK_OK);
    CHECK(sk_event_decode_block(type, e->buf, len, &decoded) == SK_OK);
    sk_state_process(st, &decoded, &out);
    return out;
}

static void add_i64(struct ev *e, int64_t v)
{
    sk_evb_add_u64(&e->b, (uint64_t)v);
}

static void add_tuple4(struct ev *e, const uint8_t sip[4], uint16_t sport, const uint8_t dip[4],
                       uint16_t dport)
{
    uint8_t t[13];

    t[0] = PPM_AF_INET;
    memcpy(t + 1, sip, 4);
    t[5] = (uint8_t)sport;
    t[6] = (uint8_t)(sport >> 8);
    memcpy(t + 7, dip, 4);
    t[11] = (uint8_t)dport;
    t[12] = (uint8_t)(dport >> 8);
    sk_evb_add(&e->b, t, sizeof(t));
}

static void add_tuple6(struct ev *e, const uint8_t sip[16], uint16_t sport, const uint8_t dip[16],
                       uint16_t dport)
{
    uint8_t t[37];

    t[0] = PPM_AF_INET6;
    memcpy(t + 1, sip, 16);
    t[17] = (uint8_t)sport;
    t[18] = (uint8_t)(sport >> 8);
    memcpy(t + 19, dip, 16);
    t[35] = (uint8_t)dport;
    t[36] = (uint8_t)(dport >> 8);
    sk_evb_add(&e->b, t, sizeof(t));
}

/* ------------------------------------------------------------ fixtures */

/* A host with systemd (1), bash (100, cwd /home/u, uid 1000) and a container process (200). */
static struct sk_state *make_state(void)
{
    struct sk_state *st = sk_state_new();
    struct synth_buf sb = SYNTH_BUF_INIT;
    static const char cg_host[] = "cpu=/user.slice\0memory=/user.slice";
    static const char cg_ctr[] = "cpu=/libpod_parent/libpod-"
                                 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct synth_thread init = {.tid = 1, .pid = 1, .ptid = 0, .comm = "systemd",
                                .exe = "/sbin/init", .exepath = "/usr/lib/systemd/systemd",
                                .cwd = "/", .root = "/", .uid = 0, .gid = 0, .vtid = 1,
                                .vpid = 1, .cgroups = cg_host, .cgroups_len = sizeof(cg_host)};
    struct synth_thread bash = {.tid = 100, .pid = 100, .ptid = 1, .comm = "bash",
                                .exe = "-bash", .exepath = "/usr/bin/bash", .args = "",
                                .cwd = "/home/u", .root = "/", .uid = 1000, .gid = 1000,
                                .vtid = 100, .vpid = 100, .cgroups = cg_host,
                                .cgroups_len = sizeof(cg_host)};
    struct synth_thread ctr = {.tid = 200, .pid = 200, .ptid = 1, .comm = "nginx",
                               .exe = "nginx", .exepath = "/usr/sbin/nginx", .cwd = "/",
                               .root = "/", .uid = 33, .gid = 33, .vtid = 1, .vpid = 1,
                               .cgroups = cg_ctr, .cgroups_len = sizeof(cg_ctr)};
    size_t at;

    at = synth_block_begin(&sb, SK_BT_PL_V9);
    synth_pl_entry(&sb, 9, &init);
    synth_pl_entry(&sb, 9, &bash);
    synth_pl_entry(&sb, 9, &ctr);
    synth_block_end(&sb, at);
    CHECK_INT(sk_state_load_block(st, SK_BT_PL_V9, sb.p + at + 8, sb.len - at - 12), 0);

    sb.len = 0;
    at = synth_block_begin(&sb, SK_BT_UL_V2);
    synth_user(&sb, true, 0, 0, "root", "/root", "/bin/bash");
    synth_user(&sb, true, 1000, 1000, "u", "/home/u", "/bin/bash");
    synth_group(&sb, true, 0, "root");
    synth_group(&sb, true, 1000, "users1000");
    synth_block_end(&sb, at);
    CHECK_INT(sk_state_load_block(st, SK_BT_UL_V2, sb.p + at + 8, sb.len - at - 12), 0);

    sb.len = 0;
    at = synth_block_begin(&sb, SK_BT_IL_V2);
    {
        static const uint8_t lo[4] = {127, 0, 0, 1}, lomask[4] = {255, 0, 0, 0};
        static const uint8_t eth[4] = {10, 0, 0, 1}, ethmask[4] = {255, 255, 255, 0};
        static const uint8_t bc[4] = {10, 0, 0, 255};
        synth_if(&sb, true, 1, lo, lomask, lo, 0, "lo");
        synth_if(&sb, true, 1, eth, ethmask, bc, 1000, "eth0");
    }
    synth_block_end(&sb, at);
    CHECK_INT(sk_state_load_block(st, SK_BT_IL_V2, sb.p + at + 8, sb.len - at - 12), 0);
    synth_free(&sb);
    return st;
}

/* ------------------------------------------------------------ tests */

static void test_process_list(void)
{
    struct sk_state *st = make_state();
    struct ev e;
    struct sk_evt_state o;

    ev_begin(&e, 100, READ_X);
    add_i64(&e, 0);
    sk_evb_add(&e.b, "", 0);
    add_i64(&e, 0);
    sk_evb_add_u32(&e.b, 10);
    o = ev_run(st, &e);
    CHECK(o.thread != NULL);
    if (o.thread) {
        CHECK_STR(o.thread->comm, "bash");
        CHECK_INT(o.thread->pid, 100);
        CHECK_INT(o.thread->ptid, 1);
        CHECK_STR(o.thread->cwd, "/home/u/");
        CHECK_STR(o.thread->user_name, "u");
        CHECK_STR(o.thread->group_name, "users1000");
        CHECK_STR(o.thread->container->id, "host");
        CHECK(o.thread->parent && strcmp(o.thread->parent->comm, "systemd") == 0);
    }
    /* read of fd 0, which the state does not know: number only */
    CHECK(o.fd && o.fd->num == 0 && o.fd->name == NULL);
    sk_state_free(st);
}

static void test_relative_open_after_chdir(void)
{
    struct sk_state *st = make_state();
    struct ev e;
    struct sk_evt_state o;

    ev_begin(&e, 100, CHDIR_X);
    add_i64(&e, 0);
    sk_evb_add_str(&e.b, "../u/work/./sub//");
    o = ev_run(st, &e);
    CHECK_STR(o.thread->cwd, "/home/u/work/sub/");

    ev_begin(&e, 100, OPEN_X);
    add_i64(&e, 3);
    sk_evb_add_str(&e.b, "../notes.txt");
    sk_evb_add_u32(&e.b, 1); /* O_RDONLY */
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_u32(&e.b, 0x803);
    sk_evb_add_u64(&e.b, 4242);
    o = ev_run(st, &e);
    CHECK(o.fd != NULL);
    if (o.fd) {
        CHECK_INT(o.fd->num, 3);
        CHECK_STR(o.fd->name, "/home/u/work/notes.txt");
        CHECK_STR(o.fd->nameraw, "../notes.txt");
        CHECK_INT(o.fd->typechar, 'f');
        CHECK_INT(o.fd->ino, 4242);
    }

    /* openat relative to a directory fd */
    ev_begin(&e, 100, OPENAT_X);
    add_i64(&e, 4);
    add_i64(&e, AT_FDCWD_PPM);
    sk_evb_add_str(&e.b, "/etc");
    sk_evb_add_u32(&e.b, 1 | (1u << 10)); /* O_DIRECTORY */
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_u64(&e.b, 0);
    o = ev_run(st, &e);
    CHECK(o.fd && o.fd->typechar == 'd' && strcmp(o.fd->name, "/etc") == 0);

    ev_begin(&e, 100, OPENAT_X);
    add_i64(&e, 5);
    add_i64(&e, 4);
    sk_evb_add_str(&e.b, "shadow");
    sk_evb_add_u32(&e.b, 1);
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_u64(&e.b, 0);
    o = ev_run(st, &e);
    CHECK(o.fd && strcmp(o.fd->name, "/etc/shadow") == 0);

    /* a failed open adds nothing, but the event still names the path (fd -1) */
    ev_begin(&e, 100, OPEN_X);
    add_i64(&e, -2);
    sk_evb_add_str(&e.b, "missing.conf");
    sk_evb_add_u32(&e.b, 1);
    o = ev_run(st, &e);
    CHECK(o.fd && o.fd->num == -1 && o.fd->typechar == 0);
    CHECK(o.fd && o.fd->name && strcmp(o.fd->name, "/home/u/work/sub/missing.conf") == 0);
    CHECK(sk_state_lookup_fd(st, 100, -2) == NULL);
    CHECK(sk_state_lookup_fd(st, 100, -1) == NULL);

    /* close shows the closed fd, then removes it */
    ev_begin(&e, 100, CLOSE_X);
    add_i64(&e, 0);
    add_i64(&e, 5);
    o = ev_run(st, &e);
    CHECK(o.fd && strcmp(o.fd->name, "/etc/shadow") == 0);
    CHECK(sk_state_lookup_fd(st, 100, 5) == NULL);
    CHECK(sk_state_lookup_fd(st, 100, 3) != NULL);
    sk_state_free(st);
}

static void test_pipe_dup2(void)
{
    struct sk_state *st = make_state();
    struct ev e;
    struct sk_evt_state o;
    const struct sk_fd *f;

    ev_begin(&e, 100, PIPE_X);
    add_i64(&e, 0);
    add_i64(&e, 3);
    add_i64(&e, 4);
    sk_evb_add_u64(&e.b, 777);
    o = ev_run(st, &e);
    f = sk_state_lookup_fd(st, 100, 4);
    CHECK(f && f->typechar == 'p' && f->ino == 777);

    ev_begin(&e, 100, DUP2_X);
    add_i64(&e, 99);
    add_i64(&e, 4);
    add_i64(&e, 99);
    o = ev_run(st, &e);
    /* fd.num is the fd the event added, as libsinsp's (sysdig 0.41: 99) */
    CHECK(o.fd && o.fd->num == 99);
    f = sk_state_lookup_fd(st, 100, 99);
    CHECK(f && f->typechar == 'p' && f->num == 99 && strcmp(sk_fd_typename(f->type), "pipe") == 0);

    /* fcntl(4, F_DUPFD) = 12 shows 12; fcntl(4, F_SETFD) shows 4 */
    ev_begin(&e, 100, FCNTL_X);
    add_i64(&e, 12);
    add_i64(&e, 4);
    sk_evb_add_u8(&e.b, 1); /* PPM_FCNTL_F_DUPFD */
    o = ev_run(st, &e);
    CHECK(o.fd && o.fd->num == 12 && o.fd->typechar == 'p');
    ev_begin(&e, 100, FCNTL_X);
    add_i64(&e, 0);
    add_i64(&e, 4);
    sk_evb_add_u8(&e.b, 3); /* PPM_FCNTL_F_SETFD */
    o = ev_run(st, &e);
    CHECK(o.fd && o.fd->num == 4);
    /* dup2 of an fd the table does not know adds nothing: the old fd */
    ev_begin(&e, 100, DUP2_X);
    add_i64(&e, 7);
    add_i64(&e, 50);
    add_i64(&e, 7);
    o = ev_run(st, &e);
    CHECK(o.fd && o.fd->num == 50);
    sk_state_free(st);
}

static void test_tcp_ipv4(void)
{
    struct sk_state *st = make_state();
    static const uint8_t lo[4] = {127, 0, 0, 1};
    struct ev e;
    struct sk_evt_state o;

    ev_begin(&e, 100, SOCKET_X);
    add_i64(&e, 7);
    sk_evb_add_u32(&e.b, PPM_AF_INET);
    sk_evb_add_u32(&e.b, 1); /* SOCK_STREAM */
    sk_evb_add_u32(&e.b, 0);
    o = ev_run(st, &e);
    CHECK(o.fd && o.fd->typechar == '4' && o.fd->l4proto == SK_L4_TCP);

    ev_begin(&e, 100, CONNECT_X);
    add_i64(&e, 0);
    add_tuple4(&e, lo, 40000, lo, 8080);
    add_i64(&e, 7);
    o = ev_run(st, &e);
    CHECK(o.fd != NULL);
    if (o.fd) {
        CHECK_STR(o.fd->name, "127.0.0.1:40000->127.0.0.1:8080");
        CHECK_INT(o.fd->cport, 40000);
        CHECK_INT(o.fd->sport, 8080);
        CHECK(!o.fd->role_server);
        /* the server address is one of this machine's (interface lo) */
        CHECK(o.fd->is_server);
        CHECK(o.fd->client_is_local);
    }

    /* the server side accepts: tuple source is the remote client */
    ev_begin(&e, 200, ACCEPT4_X);
    add_i64(&e, 9);
    add_tuple4(&e, lo, 40000, lo, 8080);
    sk_evb_add_u8(&e.b, 0);
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_u32(&e.b, 128);
    sk_evb_add_u32(&e.b, 0);
    o = ev_run(st, &e);
    CHECK(o.fd != NULL);
    if (o.fd) {
        CHECK_STR(o.fd->name, "127.0.0.1:40000->127.0.0.1:8080");
        CHECK(o.fd->role_server);
        CHECK_INT(o.fd->sport, 8080);
        CHECK_INT(o.fd->cport, 40000);
    }
    CHECK_STR(o.thread->container->id, "0123456789ab");
    CHECK_STR(o.thread->container->type, "podman");
    sk_state_free(st);
}

static void test_ipv6_and_udp(void)
{
    struct sk_state *st = make_state();
    uint8_t lo6[16] = {0};
    static const uint8_t any[4] = {0, 0, 0, 0}, b[4] = {8, 8, 8, 8};
    struct ev e;
    struct sk_evt_state o;

    lo6[15] = 1;
    ev_begin(&e, 100, CONNECT_X);
    add_i64(&e, 0);
    add_tuple6(&e, lo6, 50000, lo6, 443);
    add_i64(&e, 8);
    o = ev_run(st, &e);
    CHECK(o.fd && o.fd->is_ipv6 && strcmp(o.fd->name, "::1:50000->::1:443") == 0);
    CHECK(o.fd && o.fd->typechar == '6');

    ev_begin(&e, 100, SOCKET_X);
    add_i64(&e, 10);
    sk_evb_add_u32(&e.b, PPM_AF_INET);
    sk_evb_add_u32(&e.b, 2); /* SOCK_DGRAM */
    sk_evb_add_u32(&e.b, 0);
    ev_run(st, &e);
    ev_begin(&e, 100, SENDTO_X);
    add_i64(&e, 30);
    sk_evb_add(&e.b, "query", 5);
    add_i64(&e, 10);
    sk_evb_add_u32(&e.b, 30);
    add_tuple4(&e, any, 33333, b, 53);
    o = ev_run(st, &e);
    CHECK(o.fd && o.fd->l4proto == SK_L4_UDP);
    /* 8.8.8.8 is on no local subnet: the first non-loopback interface (eth0) */
    CHECK(o.fd && strcmp(o.fd->name, "10.0.0.1:33333->8.8.8.8:53") == 0);
    CHECK(o.fd && o.fd->sport == 53 && !o.fd->is_server && o.fd->client_is_local);
    sk_state_free(st);
}

static void test_socketpair(void)
{
    struct sk_state *st = make_state();
    struct ev e;

    ev_begin(&e, 100, SOCKETPAIR_X);
    add_i64(&e, 0);
    add_i64(&e, 5);
    add_i64(&e, 6);
    sk_evb_add_u64(&e.b, 0xffff1111);
    sk_evb_add_u64(&e.b, 0xffff2222);
    sk_evb_add_u32(&e.b, PPM_AF_UNIX);
    sk_evb_add_u32(&e.b, 1);
    sk_evb_add_u32(&e.b, 0);
    ev_run(st, &e);
    CHECK(sk_state_lookup_fd(st, 100, 5) && sk_state_lookup_fd(st, 100, 5)->typechar == 'u');
    CHECK(sk_state_lookup_fd(st, 100, 6) &&
          sk_state_lookup_fd(st, 100, 6)->unix_source == 0xffff2222);
    sk_state_free(st);
}

/* clone exit (code 223, 21 params) as the parent (res = child) or child (res = 0) sees it. */
static void clone_event(struct sk_state *st, int64_t tid, int64_t res, int64_t pid, int64_t ptid,
                        uint32_t flags, struct sk_evt_state *o)
{
    struct ev e;

    ev_begin(&e, tid, CLONE_X);
    add_i64(&e, res);
    sk_evb_add_str(&e.b, "-bash");
    sk_evb_add(&e.b, "", 0);
    add_i64(&e, tid);
    add_i64(&e, pid);
    add_i64(&e, ptid);
    sk_evb_add_str(&e.b, "");
    add_i64(&e, 1024);
    for (int i = 0; i < 5; i++)
        sk_evb_add_u32(&e.b, 0); /* pgft_maj/min are u64 but empty params are fine */
    sk_evb_add_str(&e.b, "bash");
    sk_evb_add(&e.b, "", 0);
    sk_evb_add_u32(&e.b, flags);
    sk_evb_add_u32(&e.b, 1000);
    sk_evb_add_u32(&e.b, 1000);
    add_i64(&e, tid);
    add_i64(&e, pid);
    *o = ev_run(st, &e);
}

static void test_fork_exec(void)
{
    struct sk_state *st = make_state();
    struct ev e;
    struct sk_evt_state o, before_exec;

    clone_event(st, 100, 300, 100, 1, 0, &o);
    CHECK_STR(o.thread->comm, "bash");
    clone_event(st, 300, 0, 300, 100, 0, &o);
    CHECK(o.thread && o.thread->pid == 300 && o.thread->ptid == 100);
    CHECK_STR(o.thread->cwd, "/home/u/"); /* inherited */
    CHECK(o.thread->parent && strcmp(o.thread->parent->comm, "bash") == 0);
    before_exec = o;

    ev_begin(&e, 300, EXECVE_X);
    add_i64(&e, 0);
    sk_evb_add_str(&e.b, "cat");
    sk_evb_add(&e.b, "/etc/hostname\0--marker-42\0", 26);
    add_i64(&e, 300);
    add_i64(&e, 300);
    add_i64(&e, 100);
    sk_evb_add_str(&e.b, "");
    sk_evb_add_u64(&e.b, 1024);
    sk_evb_add_u64(&e.b, 0);
    sk_evb_add_u64(&e.b, 0);
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_u32(&e.b, 0);
    sk_evb_add_str(&e.b, "cat");
    o = ev_run(st, &e); /* the remaining params stay empty */
    CHECK_STR(o.thread->comm, "cat");
    CHECK_STR(o.thread->exe, "cat");
    CHECK_STR(o.thread->args, "/etc/hostname --marker-42");
    CHECK_STR(o.thread->parent->comm, "bash");
    CHECK_STR(o.thread->user_name, "u");
    /* views handed out earlier never change */
    CHECK_STR(before_exec.thread->comm, "bash");

    /* setuid to root changes user.name from here on */
    ev_begin(&e, 300, SETUID_X);
    add_i64(&e, 0);
    sk_evb_add_u32(&e.b, 0);
    o = ev_run(st, &e);
    CHECK_STR(o.thread->user_name, "root");
    CHECK_INT(o.thread->uid, 0);

    /* procexit shows the exiting thread, then it is gone */
    ev_begin(&e, 300, PROCEXIT_E);
    add_i64(&e, 0);
    add_i64(&e, 0);
    sk_evb_add_u8(&e.b, 0);
    sk_evb_add_u8(&e.b, 0);
    add_i64(&e, 0);
    o = ev_run(st, &e);
    CHECK(o.thread && strcmp(o.thread->comm, "cat") == 0);
    ev_begin(&e, 300, CLOSE_X);
    add_i64(&e, 0);
    add_i64(&e, 1);
    o = ev_run(st, &e);
    CHECK(o.thread && o.thread->invalid && o.thread->pid == -1);
    sk_state_free(st);
}

static void test_container_ids(void)
{
    char id[13], full[65];
    static const char docker[] = "cpu=/docker/"
                                 "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    static const char kube[] =
        "cpu=/kubepods/besteffort/pod1/"
        "cri-containerd-ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100.scope";
    static const char host[] = "cpu=/user.slice/user-1000.slice/session-2.scope";

    CHECK_STR(sk_container_id_from_cgroups(docker, sizeof(docker), id, full), "docker");
    CHECK_STR(id, "a1b2c3d4e5f6");
    CHECK_INT(strlen(full), 64);
    CHECK_STR(sk_container_id_from_cgroups(kube, sizeof(kube), id, full), "cri");
    CHECK_STR(id, "ffeeddccbbaa");
    CHECK(sk_container_id_from_cgroups(host, sizeof(host), id, full) == NULL);
}

int main(void)
{
    test_process_list();
    test_relative_open_after_chdir();
    test_pipe_dup2();
    test_tcp_ipv4();
    test_ipv6_and_udp();
    test_socketpair();
    test_fork_exec();
    test_container_ids();
    return check_summary("test_state");
}
