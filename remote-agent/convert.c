/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * convert.c: one raw probe record (struct bdp_hdr + blobs, see probe/bpfdig.h)
 * -> one scap exit event in the libs 0.22.2 layout. Every parameter is
 * written, fixed-size ones at their full width. No allocation per event.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <asm/unistd_64.h>

#include <scapkit/format.h>
#include <scapkit/schema.h>

#include "convert.h"

/* Event codes written (libs 0.22.2). */
enum {
    EV_GENERIC_X = 1,
    EV_OPEN_X = 3,
    EV_CLOSE_X = 5,
    EV_READ_X = 7,
    EV_WRITE_X = 9,
    EV_PROCEXIT_1_E = 186,
    EV_SOCKET_X = 19,
    EV_BIND_X = 21,
    EV_CONNECT_X = 23,
    EV_LISTEN_X = 25,
    EV_SENDTO_X = 31,
    EV_RECVFROM_X = 35,
    EV_SHUTDOWN_X = 37,
    EV_SOCKETPAIR_X = 43,
    EV_SENDMSG_X = 49,
    EV_RECVMSG_X = 53,
    EV_CREAT_X = 59,
    EV_PIPE_X = 61,
    EV_EVENTFD_X = 63,
    EV_CHDIR_X = 95,
    EV_FCHDIR_X = 97,
    EV_PREAD_X = 113,
    EV_PWRITE_X = 115,
    EV_READV_X = 117,
    EV_WRITEV_X = 119,
    EV_PREADV_X = 121,
    EV_PWRITEV_X = 123,
    EV_SIGNALFD_X = 127,
    EV_KILL_X = 129,
    EV_TKILL_X = 131,
    EV_TGKILL_X = 133,
    EV_TIMERFD_CREATE_X = 137,
    EV_INOTIFY_INIT_X = 139,
    EV_FCNTL_X = 151,
    EV_MMAP_X = 161,
    EV_MUNMAP_X = 165,
    EV_PTRACE_X = 169,
    EV_RENAME_X = 175,
    EV_RENAMEAT_X = 177,
    EV_SYMLINK_X = 179,
    EV_SYMLINKAT_X = 181,
    EV_SENDFILE_X = 189,
    EV_SETRESUID_X = 193,
    EV_SETRESGID_X = 195,
    EV_SETUID_X = 199,
    EV_SETGID_X = 201,
    EV_CLONE_X = 223,
    EV_FORK_X = 225,
    EV_VFORK_X = 227,
    EV_SETNS_X = 241,
    EV_ACCEPT_X = 247,
    EV_MOUNT_X = 257,
    EV_MKDIR_X = 277,
    EV_RMDIR_X = 279,
    EV_UNSHARE_X = 285,
    EV_EXECVE_X = 293,
    EV_UNLINK_X = 301,
    EV_UNLINKAT_X = 303,
    EV_MKDIRAT_X = 305,
    EV_OPENAT_X = 307,
    EV_LINK_X = 309,
    EV_LINKAT_X = 311,
    EV_FCHMODAT_X = 313,
    EV_CHMOD_X = 315,
    EV_FCHMOD_X = 317,
    EV_RENAMEAT2_X = 319,
    EV_USERFAULTFD_X = 321,
    EV_OPENAT2_X = 327,
    EV_MPROTECT_X = 329,
    EV_EXECVEAT_X = 331,
    EV_CLONE3_X = 335,
    EV_IO_URING_SETUP_X = 339,
    EV_CAPSET_X = 353,
    EV_DUP2_X = 363,
    EV_DUP3_X = 365,
    EV_DUP_X = 367,
    EV_BPF_X = 369,
    EV_CHOWN_X = 379,
    EV_LCHOWN_X = 381,
    EV_FCHOWN_X = 383,
    EV_FCHOWNAT_X = 385,
    EV_ACCEPT4_X = 389,
    EV_UMOUNT2_X = 391,
    EV_PIPE2_X = 393,
    EV_INOTIFY_INIT1_X = 395,
    EV_EVENTFD2_X = 397,
    EV_SIGNALFD4_X = 399,
    EV_PRCTL_X = 401,
    EV_MEMFD_CREATE_X = 405,
    EV_INIT_MODULE_X = 411,
    EV_FINIT_MODULE_X = 413,
    EV_SETREUID_X = 427,
    EV_SETREGID_X = 429,
};

#define PPM_AT_FDCWD (-100)
#define OUT_CAP      (BDP_REC_MAX + 3 * BDP_PATH_MAX + 1024)

/* ------------------------------------------------------------ the plan */

#define PLAN(nr, s, a_, b_, c_)                                                                    \
    plan[nr] = (struct bdp_plan)                                                                   \
    {                                                                                              \
        .shape = (s), .a = (a_), .b = (b_), .c = (c_)                                              \
    }

void bd_conv_plan(struct bdp_plan plan[BDP_NR_SYSCALLS])
{
    memset(plan, 0, sizeof(*plan) * BDP_NR_SYSCALLS);
    PLAN(__NR_read, BDP_S_IO_IN, 1, 0, 0);
    PLAN(__NR_write, BDP_S_IO_OUT, 1, 0, 0);
    PLAN(__NR_pread64, BDP_S_IO_IN, 1, 0, 0);
    PLAN(__NR_pwrite64, BDP_S_IO_OUT, 1, 0, 0);
    PLAN(__NR_readv, BDP_S_IOV_IN, 1, 2, 0);
    PLAN(__NR_writev, BDP_S_IOV_OUT, 1, 2, 0);
    PLAN(__NR_preadv, BDP_S_IOV_IN, 1, 2, 0);
    PLAN(__NR_pwritev, BDP_S_IOV_OUT, 1, 2, 0);
    PLAN(__NR_open, BDP_S_OPEN, 0, 0, 0);
    PLAN(__NR_creat, BDP_S_OPEN, 0, 0, 0);
    PLAN(__NR_openat, BDP_S_OPEN, 1, 0, 0);
    PLAN(__NR_openat2, BDP_S_OPENAT2, 1, 2, 0);
    PLAN(__NR_rename, BDP_S_STR2, 0, 1, 0);
    PLAN(__NR_renameat, BDP_S_STR2, 1, 3, 0);
    PLAN(__NR_renameat2, BDP_S_STR2, 1, 3, 0);
    PLAN(__NR_link, BDP_S_STR2, 0, 1, 0);
    PLAN(__NR_linkat, BDP_S_STR2, 1, 3, 0);
    PLAN(__NR_symlink, BDP_S_STR2, 0, 1, 0);
    PLAN(__NR_symlinkat, BDP_S_STR2, 0, 2, 0);
    PLAN(__NR_unlink, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_unlinkat, BDP_S_STR1, 1, 0, 0);
    PLAN(__NR_mkdir, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_mkdirat, BDP_S_STR1, 1, 0, 0);
    PLAN(__NR_rmdir, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_chmod, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_fchmodat, BDP_S_STR1, 1, 0, 0);
    PLAN(__NR_chown, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_lchown, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_fchownat, BDP_S_STR1, 1, 0, 0);
    PLAN(__NR_chdir, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_memfd_create, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_umount2, BDP_S_STR1, 0, 0, 0);
    PLAN(__NR_finit_module, BDP_S_STR1, 1, 0, 0);
    PLAN(__NR_mount, BDP_S_STR3, 0, 1, 2);
    PLAN(__NR_pipe, BDP_S_PIPE, 0, 0, 0);
    PLAN(__NR_pipe2, BDP_S_PIPE, 0, 0, 0);
    PLAN(__NR_socketpair, BDP_S_SOCKPAIR, 3, 0, 0);
    PLAN(__NR_mmap, BDP_S_MM, 0, 0, 0);
    PLAN(__NR_munmap, BDP_S_MM, 0, 0, 0);
    PLAN(__NR_execve, BDP_S_EXEC, 0, 0, 0);
    PLAN(__NR_execveat, BDP_S_EXEC, 1, 0, 0);
    PLAN(__NR_clone, BDP_S_CLONE, 0, 0, 0);
    PLAN(__NR_fork, BDP_S_CLONE, 0, 0, 0);
    PLAN(__NR_vfork, BDP_S_CLONE, 0, 0, 0);
    PLAN(__NR_clone3, BDP_S_CLONE, 0, 1, 0);
    PLAN(__NR_connect, BDP_S_CONNECT, 1, 2, 0);
    PLAN(__NR_bind, BDP_S_BIND, 1, 2, 0);
    PLAN(__NR_accept, BDP_S_ACCEPT, 0, 0, 0);
    PLAN(__NR_accept4, BDP_S_ACCEPT, 0, 0, 0);
    PLAN(__NR_sendto, BDP_S_SENDTO, 1, 4, 5);
    PLAN(__NR_recvfrom, BDP_S_RECVFROM, 1, 4, 5);
    PLAN(__NR_sendmsg, BDP_S_SENDMSG, 1, 0, 0);
    PLAN(__NR_recvmsg, BDP_S_RECVMSG, 1, 0, 0);
    PLAN(__NR_sendfile, BDP_S_USER, 2, 1, 0);        /* *offset after the call */
    PLAN(__NR_io_uring_setup, BDP_S_USER, 1, 15, 0); /* struct io_uring_params */
    PLAN(__NR_capset, BDP_S_CAPS, 0, 0, 0);
    PLAN(__NR_prctl, BDP_S_PRCTL, 0, 0, 0);
    PLAN(__NR_init_module, BDP_S_INITMOD, 0, 1, 2);
}

/* --------------------------------------------------------- record view */

#define MAX_BLOBS 16

struct blob {
    const uint8_t *data;
    uint32_t len;
    uint32_t aux;
    uint8_t type, flags;
};

struct rec {
    const struct bdp_hdr *h;
    int nblobs;
    struct blob b[MAX_BLOBS];
    uint16_t cpu;
    uint32_t truncated; /* blobs the probe cut to fit */
};

static const struct blob *find(const struct rec *r, uint8_t type, uint32_t aux)
{
    for (int i = 0; i < r->nblobs; i++)
        if (r->b[i].type == type && (type != BDP_B_STR || r->b[i].aux == aux))
            return &r->b[i];
    return NULL;
}

static int parse(struct rec *r, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t off;

    if (len < sizeof(struct bdp_hdr))
        return -EINVAL;
    r->h = data;
    if (r->h->len > len || r->h->len < sizeof(struct bdp_hdr))
        return -EINVAL;
    len = r->h->len;
    r->nblobs = 0;
    r->truncated = 0;
    for (off = sizeof(struct bdp_hdr); off + sizeof(struct bdp_blob) <= len;) {
        const struct bdp_blob *bb = (const void *)(p + off);
        size_t next = off + sizeof(*bb) + ((bb->len + 7u) & ~7u);

        if (off + sizeof(*bb) + bb->len > len)
            return -EINVAL;
        if (r->nblobs < MAX_BLOBS) {
            struct blob *b = &r->b[r->nblobs++];

            b->data = p + off + sizeof(*bb);
            b->len = bb->len;
            b->aux = bb->aux;
            b->type = bb->type;
            b->flags = bb->flags;
            /* a payload cut at the snaplen is the expected case, not counted */
            if ((bb->flags & BDP_BF_TRUNC) && bb->type != BDP_B_DATA)
                r->truncated++;
        }
        off = next;
    }
    return 0;
}

/* ------------------------------------------------------------ encoders */

static void add_i64(struct sk_event_builder *b, int64_t v)
{
    sk_evb_add_u64(b, (uint64_t)v);
}

/* CHARBUF / FSPATH from a captured string: always NUL-terminated. */
static void add_cstr(struct sk_event_builder *b, const uint8_t *s, uint32_t n)
{
    uint8_t tmp[BDP_PATH_MAX + 1];

    while (n > 0 && s[n - 1] == 0)
        n--;
    if (n > BDP_PATH_MAX)
        n = BDP_PATH_MAX;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    sk_evb_add(b, tmp, n + 1);
}

static void add_strblob(struct sk_event_builder *b, const struct rec *r, uint32_t idx)
{
    const struct blob *s = find(r, BDP_B_STR, idx);

    if (s && s->len)
        add_cstr(b, s->data, s->len);
    else
        sk_evb_add_str(b, "");
}

static void add_bytes(struct sk_event_builder *b, const struct rec *r, uint8_t type)
{
    const struct blob *d = find(r, type, 0);

    if (d && d->len)
        sk_evb_add(b, d->data, d->len);
    else
        sk_evb_add_empty(b);
}

/*
 * A NUL-separated list (argv, environment) as a PT_BYTEBUF that always ends
 * with a NUL: a list cut at the probe's limit ends inside a string, and
 * libsinsp reads each element as a C string (libs' drivers terminate it too).
 */
static void add_strlist(struct sk_event_builder *b, const uint8_t *p, uint32_t n)
{
    uint8_t tmp[BDP_ARGS_MAX + 1];

    if (!n) {
        sk_evb_add_empty(b);
        return;
    }
    if (p[n - 1] == 0 || n > BDP_ARGS_MAX) {
        sk_evb_add(b, p, n);
        return;
    }
    memcpy(tmp, p, n);
    tmp[n] = 0;
    sk_evb_add(b, tmp, n + 1);
}

static void add_strlist_blob(struct sk_event_builder *b, const struct rec *r, uint8_t type)
{
    const struct blob *d = find(r, type, 0);

    add_strlist(b, d ? d->data : NULL, d ? d->len : 0);
}

static uint32_t new_encode_dev(uint32_t kdev)
{
    uint32_t major = kdev >> 20, minor = kdev & 0xfffff;

    return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* Linux open flags -> PPM_O_*. */
static uint32_t open_flags(uint64_t f)
{
    uint32_t r = 0;

    switch (f & O_ACCMODE) {
    case O_RDONLY:
        r |= 1;
        break;
    case O_WRONLY:
        r |= 2;
        break;
    case O_RDWR:
        r |= 3;
        break;
    }
    if (f & O_CREAT)
        r |= 1u << 2;
    if (f & O_APPEND)
        r |= 1u << 3;
    if (f & O_DSYNC)
        r |= 1u << 4;
    if (f & O_EXCL)
        r |= 1u << 5;
    if (f & O_NONBLOCK)
        r |= 1u << 6;
    if (f & 04000000) /* __O_SYNC */
        r |= 1u << 7;
    if (f & O_TRUNC)
        r |= 1u << 8;
    if (f & 040000) /* O_DIRECT */
        r |= 1u << 9;
    if ((f & O_DIRECTORY) && !(f & 020000000))
        r |= 1u << 10;
    if (f & 0100000) /* O_LARGEFILE */
        r |= 1u << 11;
    if (f & O_CLOEXEC)
        r |= 1u << 12;
    if (f & 020000000) /* __O_TMPFILE */
        r |= 1u << 13;
    return r;
}

/* The mode is meaningful only when a file may be created. */
static uint32_t open_mode(uint64_t flags, uint64_t mode)
{
    return (flags & (O_CREAT | 020000000)) ? (uint32_t)(mode & 07777) : 0;
}

static const uint32_t clone_map[][2] = {
    {0x00000400, 1u << 0},  /* CLONE_FILES */
    {0x00000200, 1u << 1},  /* CLONE_FS */
    {0x80000000, 1u << 2},  /* CLONE_IO */
    {0x08000000, 1u << 3},  /* CLONE_NEWIPC */
    {0x40000000, 1u << 4},  /* CLONE_NEWNET */
    {0x00020000, 1u << 5},  /* CLONE_NEWNS */
    {0x20000000, 1u << 6},  /* CLONE_NEWPID */
    {0x04000000, 1u << 7},  /* CLONE_NEWUTS */
    {0x00008000, 1u << 8},  /* CLONE_PARENT */
    {0x00100000, 1u << 9},  /* CLONE_PARENT_SETTID */
    {0x00002000, 1u << 10}, /* CLONE_PTRACE */
    {0x00000800, 1u << 11}, /* CLONE_SIGHAND */
    {0x00040000, 1u << 12}, /* CLONE_SYSVSEM */
    {0x00010000, 1u << 13}, /* CLONE_THREAD */
    {0x00800000, 1u << 14}, /* CLONE_UNTRACED */
    {0x00000100, 1u << 15}, /* CLONE_VM */
    {0x10000000, 1u << 20}, /* CLONE_NEWUSER */
    {0x00200000, 1u << 23}, /* CLONE_CHILD_CLEARTID */
    {0x01000000, 1u << 24}, /* CLONE_CHILD_SETTID */
    {0x00080000, 1u << 25}, /* CLONE_SETTLS */
    {0x00004000, 1u << 27}, /* CLONE_VFORK */
    {0x02000000, 1u << 28}, /* CLONE_NEWCGROUP */
};

static uint32_t clone_flags(uint64_t f)
{
    uint32_t r = 0;

    for (size_t i = 0; i < sizeof(clone_map) / sizeof(clone_map[0]); i++)
        if (f & clone_map[i][0])
            r |= clone_map[i][1];
    return r;
}

static uint32_t prot_flags(uint64_t f)
{
    uint32_t r = (uint32_t)(f & 0xf); /* READ WRITE EXEC SEM */

    if (f & 0x01000000)
        r |= 0x10;
    if (f & 0x02000000)
        r |= 0x20;
    return r;
}

static uint32_t mmap_flags(uint64_t f)
{
    static const uint32_t m[][2] = {
        {0x01, 0x1},    {0x02, 0x2},    {0x10, 0x4},     {0x20, 0x8},
        {0x40, 0x10},   {0x4000, 0x40}, {0x8000, 0x80},  {0x10000, 0x100},
        {0x100, 0x200}, {0x800, 0x400}, {0x1000, 0x800}, {0x2000, 0x4000},
    };
    uint32_t r = 0;

    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (f & m[i][0])
            r |= m[i][1];
    return r;
}

static uint8_t fcntl_cmd(uint64_t cmd)
{
    switch (cmd) {
    case 0:
        return 1; /* F_DUPFD */
    case 1:
        return 2; /* F_GETFD */
    case 2:
        return 3; /* F_SETFD */
    case 3:
        return 4; /* F_GETFL */
    case 4:
        return 5; /* F_SETFL */
    case 5:
        return 6; /* F_GETLK */
    case 6:
        return 8; /* F_SETLK */
    case 7:
        return 9; /* F_SETLKW */
    case 8:
        return 10; /* F_SETOWN */
    case 9:
        return 12; /* F_GETOWN */
    case 10:
        return 13; /* F_SETSIG */
    case 11:
        return 15; /* F_GETSIG */
    case 15:
        return 21; /* F_SETOWN_EX */
    case 16:
        return 22; /* F_GETOWN_EX */
    case 36:
        return 30; /* F_OFD_GETLK */
    case 37:
        return 31; /* F_OFD_SETLK */
    case 38:
        return 32; /* F_OFD_SETLKW */
    case 1024:
        return 23; /* F_SETLEASE */
    case 1025:
        return 24; /* F_GETLEASE */
    case 1026:
        return 27; /* F_NOTIFY */
    case 1029:
        return 25; /* F_CANCELLK */
    case 1030:
        return 26; /* F_DUPFD_CLOEXEC */
    case 1031:
        return 28; /* F_SETPIPE_SZ */
    case 1032:
        return 29; /* F_GETPIPE_SZ */
    default:
        return 0;
    }
}

static uint16_t ptrace_req(uint64_t r)
{
    static const struct {
        uint32_t lin;
        uint16_t ppm;
    } m[] = {
        {0, 1},       {1, 2},       {2, 3},       {3, 4},       {4, 5},       {5, 6},
        {6, 7},       {7, 8},       {8, 9},       {9, 10},      {16, 11},     {17, 12},
        {24, 13},     {0x4200, 14}, {0x4201, 15}, {0x4202, 16}, {0x4203, 17}, {0x4204, 18},
        {0x4205, 19}, {0x4206, 20}, {0x4207, 21}, {0x4208, 22}, {0x4209, 23}, {0x420a, 24},
        {0x420b, 25}, {12, 26},     {13, 27},     {14, 28},     {15, 29},     {18, 30},
        {19, 31},     {21, 32},     {25, 33},     {26, 34},     {30, 35},     {31, 36},
        {32, 37},     {33, 38},
    };

    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (m[i].lin == r)
            return m[i].ppm;
    return 0;
}

static uint32_t resolve_flags(uint64_t f)
{
    uint32_t r = 0;

    if (f & 0x08)
        r |= 0x1; /* BENEATH */
    if (f & 0x10)
        r |= 0x2; /* IN_ROOT */
    if (f & 0x02)
        r |= 0x4; /* NO_MAGICLINKS */
    if (f & 0x04)
        r |= 0x8; /* NO_SYMLINKS */
    if (f & 0x01)
        r |= 0x10; /* NO_XDEV */
    if (f & 0x20)
        r |= 0x20; /* CACHED */
    return r;
}

static uint32_t io_uring_flags(uint32_t f)
{
    uint32_t r = f & 0x3; /* IOPOLL SQPOLL */

    if (f & 0x4)
        r |= 0x8; /* SQ_AFF */
    if (f & 0x8)
        r |= 0x10; /* CQSIZE */
    if (f & 0x10)
        r |= 0x20; /* CLAMP */
    if (f & 0x20)
        r |= 0x40; /* ATTACH_WQ */
    if (f & 0x40)
        r |= 0x80; /* R_DISABLED */
    return r;
}

static int64_t dirfd(uint64_t a)
{
    int32_t fd = (int32_t)a;

    return fd == -100 ? PPM_AT_FDCWD : fd;
}

static int64_t fdarg(uint64_t a)
{
    return (int32_t)a;
}

/* ---------------------------------------------------- sockets */

/* struct sockaddr from user memory -> scap SOCKADDR. */
static size_t sockaddr_enc(const uint8_t *sa, uint32_t len, uint8_t *out)
{
    uint16_t fam, port;

    if (len < 2)
        return 0;
    memcpy(&fam, sa, 2);
    if (fam == 2 && len >= 8) {
        out[0] = 2;
        memcpy(out + 1, sa + 4, 4);
        port = (uint16_t)(sa[2] << 8 | sa[3]);
        memcpy(out + 5, &port, 2);
        return 7;
    }
    if (fam == 10 && len >= 24) {
        out[0] = 10;
        memcpy(out + 1, sa + 8, 16);
        port = (uint16_t)(sa[2] << 8 | sa[3]);
        memcpy(out + 17, &port, 2);
        return 19;
    }
    if (fam == 1) {
        const uint8_t *p = sa + 2;
        uint32_t n = len - 2;

        if (n && p[0] == 0) { /* abstract */
            p++;
            n--;
        }
        while (n && p[n - 1] == 0)
            n--;
        if (n > BDP_UNIX_PATH)
            n = BDP_UNIX_PATH;
        out[0] = 1;
        memcpy(out + 1, p, n);
        out[1 + n] = 0;
        return n + 2;
    }
    return 0;
}

static void add_sockaddr(struct sk_event_builder *b, const struct rec *r)
{
    const struct blob *s = find(r, BDP_B_SOCKADDR, 0);
    uint8_t tmp[BDP_UNIX_PATH + 32];
    size_t n = s ? sockaddr_enc(s->data, s->len, tmp) : 0;

    if (n)
        sk_evb_add(b, tmp, (uint32_t)n);
    else
        sk_evb_add_empty(b);
}

/*
 * Kernel tuple -> scap SOCKTUPLE. outbound: s = local, d = remote; inbound
 * the other way round. An unconnected datagram socket takes its remote end
 * from the user's sockaddr.
 */
static void add_tuple(struct sk_event_builder *b, const struct rec *r, bool outbound)
{
    const struct blob *tb = find(r, BDP_B_TUPLE, 0);
    const struct blob *sb = find(r, BDP_B_SOCKADDR, 0);
    struct bdp_tuple t;
    uint8_t out[BDP_UNIX_PATH + 40];
    size_t n = 0;

    if (!tb || tb->len < sizeof(t)) {
        sk_evb_add_empty(b);
        return;
    }
    memcpy(&t, tb->data, sizeof(t));
    if ((t.family == 2 || t.family == 10) && t.dport == 0 && sb && sb->len >= 8) {
        uint16_t fam;

        memcpy(&fam, sb->data, 2);
        if (fam == 2 && t.family == 2) {
            memcpy(t.daddr, sb->data + 4, 4);
            t.dport = (uint16_t)(sb->data[2] << 8 | sb->data[3]);
        } else if (fam == 10 && t.family == 10 && sb->len >= 24) {
            memcpy(t.daddr, sb->data + 8, 16);
            t.dport = (uint16_t)(sb->data[2] << 8 | sb->data[3]);
        }
    }
    if (t.family == 2) {
        const uint8_t *la = t.saddr, *ra = t.daddr;
        uint16_t lp = t.sport, rp = t.dport;

        out[0] = 2;
        memcpy(out + 1, outbound ? la : ra, 4);
        memcpy(out + 5, outbound ? &lp : &rp, 2);
        memcpy(out + 7, outbound ? ra : la, 4);
        memcpy(out + 11, outbound ? &rp : &lp, 2);
        n = 13;
    } else if (t.family == 10) {
        uint16_t lp = t.sport, rp = t.dport;

        out[0] = 10;
        memcpy(out + 1, outbound ? t.saddr : t.daddr, 16);
        memcpy(out + 17, outbound ? &lp : &rp, 2);
        memcpy(out + 19, outbound ? t.daddr : t.saddr, 16);
        memcpy(out + 35, outbound ? &rp : &lp, 2);
        n = 37;
    } else if (t.family == 1) {
        uint64_t src = outbound ? t.unix_src : t.unix_dst;
        uint64_t dst = outbound ? t.unix_dst : t.unix_src;
        size_t pl = strnlen(t.path, sizeof(t.path));
        const char *p = t.path;

        if (pl == 0 && t.path[1]) { /* abstract: skip the leading NUL */
            p = t.path + 1;
            pl = strnlen(p, sizeof(t.path) - 1);
        }
        out[0] = 1;
        memcpy(out + 1, &src, 8);
        memcpy(out + 9, &dst, 8);
        memcpy(out + 17, p, pl);
        out[17 + pl] = 0;
        n = 18 + pl;
    }
    if (n)
        sk_evb_add(b, out, (uint32_t)n);
    else
        sk_evb_add_empty(b);
}

/* ---------------------------------------------------- processes */

static void add_proc_link(struct sk_event_builder *b, uint32_t tid, const char *what)
{
    char path[64], buf[BDP_PATH_MAX];
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/%u/%s", tid, what);
    n = readlink(path, buf, sizeof(buf) - 1);
    if (n <= 0) {
        sk_evb_add_str(b, "");
        return;
    }
    buf[n] = 0;
    sk_evb_add_str(b, buf);
}

/* exe (argv[0]) and args (the rest) from the captured argv. */
static void add_exe_args(struct sk_event_builder *b, const struct rec *r, bool failed_exec)
{
    const struct blob *a = find(r, BDP_B_ARGS, 0);
    size_t n0;

    if (failed_exec || !a || !a->len) {
        /* Parameter 2: exe (type: PT_CHARBUF) */
        if (failed_exec)
            add_strblob(b, r, 0);
        else
            sk_evb_add_str(b, "");
        /* Parameter 3: args (type: PT_BYTEBUF) */
        sk_evb_add_empty(b);
        return;
    }
    n0 = strnlen((const char *)a->data, a->len);
    /* Parameter 2: exe (type: PT_CHARBUF) */
    add_cstr(b, a->data, (uint32_t)n0);
    /* Parameter 3: args (type: PT_BYTEBUF) */
    if (n0 + 1 < a->len) {
        uint32_t n = a->len - (uint32_t)n0 - 1;
        const uint8_t *p = a->data + n0 + 1;

        add_strlist(b, p, n);
    } else {
        sk_evb_add_empty(b);
    }
}

static uint64_t ns_epoch(const struct bd_conv *c, uint64_t boot_ns)
{
    return boot_ns ? boot_ns + (uint64_t)c->boot_to_epoch : 0;
}

/*
 * Parameters 4 to 15 of the clone and execve families, the same in both:
 * tid, pid, ptid, cwd, fdlimit (INT64 in clone, UINT64 in execve: the same
 * 8 bytes), pgft_maj, pgft_min, vm_size, vm_rss, vm_swap, comm, cgroups.
 */
static void add_process_params(struct sk_event_builder *b, const struct rec *r,
                               const struct bdp_proc *p)
{
    const struct bdp_hdr *h = r->h;

    /* Parameter 4: tid (type: PT_PID) */
    add_i64(b, h->tid);
    /* Parameter 5: pid (type: PT_PID) */
    add_i64(b, h->tgid);
    /* Parameter 6: ptid (type: PT_PID) */
    add_i64(b, p->ptid);
    /* Parameter 7: cwd (type: PT_CHARBUF) */
    add_proc_link(b, h->tid, "cwd");
    /* Parameter 8: fdlimit (type: PT_INT64 / PT_UINT64) */
    sk_evb_add_u64(b, p->fdlimit);
    /* Parameter 9: pgft_maj (type: PT_UINT64) */
    sk_evb_add_u64(b, p->pgft_maj);
    /* Parameter 10: pgft_min (type: PT_UINT64) */
    sk_evb_add_u64(b, p->pgft_min);
    /* Parameter 11: vm_size (type: PT_UINT32) */
    sk_evb_add_u32(b, p->vm_size);
    /* Parameter 12: vm_rss (type: PT_UINT32) */
    sk_evb_add_u32(b, p->vm_rss);
    /* Parameter 13: vm_swap (type: PT_UINT32) */
    sk_evb_add_u32(b, p->vm_swap);
    /* Parameter 14: comm (type: PT_CHARBUF) */
    add_cstr(b, (const uint8_t *)p->comm, (uint32_t)strnlen(p->comm, sizeof(p->comm)));
    /* Parameter 15: cgroups (type: PT_BYTEBUF) */
    add_bytes(b, r, BDP_B_CGROUPS);
}

static void conv_clone(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    const struct bdp_hdr *h = r->h;
    const struct blob *pb = find(r, BDP_B_PROC, 0);
    const struct blob *ub = find(r, BDP_B_USER, 0);
    struct bdp_proc p;
    uint64_t raw = 0;
    uint32_t flags;

    memset(&p, 0, sizeof(p));
    if (pb && pb->len >= sizeof(p))
        memcpy(&p, pb->data, sizeof(p));
    if (h->nr == __NR_clone)
        raw = h->args[0];
    else if (h->nr == __NR_vfork)
        raw = 0x00004000 | 0x00000100; /* CLONE_VFORK | CLONE_VM */
    else if (h->nr == __NR_clone3 && ub && ub->len >= 8)
        memcpy(&raw, ub->data, 8);
    flags = clone_flags(raw);
    if (h->ret == 0 && p.vtid != h->tid)
        flags |= 1u << 29; /* PPM_CL_CHILD_IN_PIDNS */

    /* Parameter 1: res (type: PT_PID) */
    add_i64(b, h->ret);
    /* Parameters 2, 3: exe, args */
    add_exe_args(b, r, false);
    /* Parameters 4-15: tid ... cgroups */
    add_process_params(b, r, &p);
    /* Parameter 16: flags (type: PT_FLAGS32) */
    sk_evb_add_u32(b, flags);
    /* Parameter 17: uid (type: PT_UINT32) */
    sk_evb_add_u32(b, p.euid);
    /* Parameter 18: gid (type: PT_UINT32) */
    sk_evb_add_u32(b, p.egid);
    /* Parameter 19: vtid (type: PT_PID) */
    add_i64(b, p.vtid);
    /* Parameter 20: vpid (type: PT_PID) */
    add_i64(b, p.vpid);
    /* Parameter 21: pidns_init_start_ts (type: PT_UINT64) */
    sk_evb_add_u64(b, ns_epoch(c, p.pidns_init_start));
}

static void conv_execve(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    const struct bdp_hdr *h = r->h;
    const struct blob *pb = find(r, BDP_B_PROC, 0);
    struct bdp_proc p;
    bool failed = h->ret < 0;

    memset(&p, 0, sizeof(p));
    if (pb && pb->len >= sizeof(p))
        memcpy(&p, pb->data, sizeof(p));
    /* Parameter 1: res (type: PT_ERRNO) */
    add_i64(b, h->ret);
    /* Parameters 2, 3: exe, args */
    add_exe_args(b, r, failed);
    /* Parameters 4-15: tid ... cgroups */
    add_process_params(b, r, &p);
    /* Parameter 16: env (type: PT_BYTEBUF) */
    add_strlist_blob(b, r, BDP_B_ENV);
    /* Parameter 17: tty (type: PT_UINT32) */
    sk_evb_add_u32(b, p.tty ? new_encode_dev(p.tty) : 0);
    /* Parameter 18: vpgid (type: PT_PID) */
    add_i64(b, p.vpgid);
    /* Parameter 19: loginuid (type: PT_UID) */
    sk_evb_add_u32(b, p.loginuid);
    /* Parameter 20: flags (type: PT_FLAGS32) */
    sk_evb_add_u32(b, 0);
    /* Parameter 21: cap_inheritable (type: PT_UINT64) */
    sk_evb_add_u64(b, p.cap_inh);
    /* Parameter 22: cap_permitted (type: PT_UINT64) */
    sk_evb_add_u64(b, p.cap_prm);
    /* Parameter 23: cap_effective (type: PT_UINT64) */
    sk_evb_add_u64(b, p.cap_eff);
    /* Parameter 24: exe_ino (type: PT_UINT64) */
    sk_evb_add_u64(b, p.exe_ino);
    /* Parameter 25: exe_ino_ctime (type: PT_ABSTIME) */
    sk_evb_add_u64(b, p.exe_ctime);
    /* Parameter 26: exe_ino_mtime (type: PT_ABSTIME) */
    sk_evb_add_u64(b, p.exe_mtime);
    /* Parameter 27: uid (type: PT_UID) */
    sk_evb_add_u32(b, p.euid);
    /* Parameter 28: trusted_exepath (type: PT_FSPATH) */
    if (failed)
        sk_evb_add_str(b, "");
    else
        add_proc_link(b, h->tid, "exe");
    /* Parameter 29: pgid (type: PT_PID) */
    add_i64(b, p.pgid);
    /* Parameter 30: gid (type: PT_GID) */
    sk_evb_add_u32(b, p.egid);
}

/* ---------------------------------------------------- I/O helpers */

static void add_data(struct sk_event_builder *b, const struct rec *r)
{
    add_bytes(b, r, BDP_B_DATA);
}

static void add_file_devino(struct sk_event_builder *b, const struct rec *r)
{
    const struct blob *f = find(r, BDP_B_FILE, 0);
    struct bdp_file bf = {0};

    if (f && f->len >= sizeof(bf))
        memcpy(&bf, f->data, sizeof(bf));
    /* Parameter: dev (type: PT_UINT32) */
    sk_evb_add_u32(b, new_encode_dev(bf.dev));
    /* Parameter: ino (type: PT_UINT64) */
    sk_evb_add_u64(b, bf.ino);
}

static void add_mm(struct sk_event_builder *b, const struct rec *r)
{
    const struct blob *m = find(r, BDP_B_MM, 0);
    struct bdp_mm mm = {0};

    if (m && m->len >= sizeof(mm))
        memcpy(&mm, m->data, sizeof(mm));
    /* Parameter 2: vm_size (type: PT_UINT32) */
    sk_evb_add_u32(b, mm.vm_size);
    /* Parameter 3: vm_rss (type: PT_UINT32) */
    sk_evb_add_u32(b, mm.vm_rss);
    /* Parameter 4: vm_swap (type: PT_UINT32) */
    sk_evb_add_u32(b, mm.vm_swap);
}

static void fds_of(const struct rec *r, int32_t fds[2])
{
    const struct blob *f = find(r, BDP_B_FDS, 0);

    fds[0] = fds[1] = -1;
    if (f && f->len >= 8 && r->h->ret >= 0)
        memcpy(fds, f->data, 8);
}

static uint64_t user_u64(const struct rec *r, size_t at)
{
    const struct blob *u = find(r, BDP_B_USER, 0);
    uint64_t v = 0;

    if (u && u->len >= at + 8)
        memcpy(&v, u->data + at, 8);
    return v;
}

static uint32_t user_u32(const struct rec *r, size_t at)
{
    const struct blob *u = find(r, BDP_B_USER, 0);
    uint32_t v = 0;

    if (u && u->len >= at + 4)
        memcpy(&v, u->data + at, 4);
    return v;
}

/* ------------------------------------------------------------- events */

static uint16_t event_code(uint32_t nr)
{
    switch (nr) {
    case __NR_open:
        return EV_OPEN_X;
    case __NR_openat:
        return EV_OPENAT_X;
    case __NR_openat2:
        return EV_OPENAT2_X;
    case __NR_creat:
        return EV_CREAT_X;
    case __NR_close:
        return EV_CLOSE_X;
    case __NR_read:
        return EV_READ_X;
    case __NR_write:
        return EV_WRITE_X;
    case __NR_pread64:
        return EV_PREAD_X;
    case __NR_pwrite64:
        return EV_PWRITE_X;
    case __NR_readv:
        return EV_READV_X;
    case __NR_writev:
        return EV_WRITEV_X;
    case __NR_preadv:
        return EV_PREADV_X;
    case __NR_pwritev:
        return EV_PWRITEV_X;
    case __NR_sendfile:
        return EV_SENDFILE_X;
    case __NR_rename:
        return EV_RENAME_X;
    case __NR_renameat:
        return EV_RENAMEAT_X;
    case __NR_renameat2:
        return EV_RENAMEAT2_X;
    case __NR_unlink:
        return EV_UNLINK_X;
    case __NR_unlinkat:
        return EV_UNLINKAT_X;
    case __NR_mkdir:
        return EV_MKDIR_X;
    case __NR_mkdirat:
        return EV_MKDIRAT_X;
    case __NR_rmdir:
        return EV_RMDIR_X;
    case __NR_link:
        return EV_LINK_X;
    case __NR_linkat:
        return EV_LINKAT_X;
    case __NR_symlink:
        return EV_SYMLINK_X;
    case __NR_symlinkat:
        return EV_SYMLINKAT_X;
    case __NR_chmod:
        return EV_CHMOD_X;
    case __NR_fchmod:
        return EV_FCHMOD_X;
    case __NR_fchmodat:
        return EV_FCHMODAT_X;
    case __NR_chown:
        return EV_CHOWN_X;
    case __NR_lchown:
        return EV_LCHOWN_X;
    case __NR_fchown:
        return EV_FCHOWN_X;
    case __NR_fchownat:
        return EV_FCHOWNAT_X;
    case __NR_chdir:
        return EV_CHDIR_X;
    case __NR_fchdir:
        return EV_FCHDIR_X;
    case __NR_dup:
        return EV_DUP_X;
    case __NR_dup2:
        return EV_DUP2_X;
    case __NR_dup3:
        return EV_DUP3_X;
    case __NR_fcntl:
        return EV_FCNTL_X;
    case __NR_pipe:
        return EV_PIPE_X;
    case __NR_pipe2:
        return EV_PIPE2_X;
    case __NR_eventfd:
        return EV_EVENTFD_X;
    case __NR_eventfd2:
        return EV_EVENTFD2_X;
    case __NR_signalfd:
        return EV_SIGNALFD_X;
    case __NR_signalfd4:
        return EV_SIGNALFD4_X;
    case __NR_timerfd_create:
        return EV_TIMERFD_CREATE_X;
    case __NR_inotify_init:
        return EV_INOTIFY_INIT_X;
    case __NR_inotify_init1:
        return EV_INOTIFY_INIT1_X;
    case __NR_memfd_create:
        return EV_MEMFD_CREATE_X;
    case __NR_mmap:
        return EV_MMAP_X;
    case __NR_munmap:
        return EV_MUNMAP_X;
    case __NR_mprotect:
        return EV_MPROTECT_X;
    case __NR_clone:
        return EV_CLONE_X;
    case __NR_clone3:
        return EV_CLONE3_X;
    case __NR_fork:
        return EV_FORK_X;
    case __NR_vfork:
        return EV_VFORK_X;
    case __NR_execve:
        return EV_EXECVE_X;
    case __NR_execveat:
        return EV_EXECVEAT_X;
    case __NR_kill:
        return EV_KILL_X;
    case __NR_tkill:
        return EV_TKILL_X;
    case __NR_tgkill:
        return EV_TGKILL_X;
    case __NR_ptrace:
        return EV_PTRACE_X;
    case __NR_setuid:
        return EV_SETUID_X;
    case __NR_setgid:
        return EV_SETGID_X;
    case __NR_setresuid:
        return EV_SETRESUID_X;
    case __NR_setresgid:
        return EV_SETRESGID_X;
    case __NR_setreuid:
        return EV_SETREUID_X;
    case __NR_setregid:
        return EV_SETREGID_X;
    case __NR_setns:
        return EV_SETNS_X;
    case __NR_unshare:
        return EV_UNSHARE_X;
    case __NR_prctl:
        return EV_PRCTL_X;
    case __NR_capset:
        return EV_CAPSET_X;
    case __NR_socket:
        return EV_SOCKET_X;
    case __NR_socketpair:
        return EV_SOCKETPAIR_X;
    case __NR_bind:
        return EV_BIND_X;
    case __NR_listen:
        return EV_LISTEN_X;
    case __NR_connect:
        return EV_CONNECT_X;
    case __NR_accept:
        return EV_ACCEPT_X;
    case __NR_accept4:
        return EV_ACCEPT4_X;
    case __NR_sendto:
        return EV_SENDTO_X;
    case __NR_recvfrom:
        return EV_RECVFROM_X;
    case __NR_sendmsg:
        return EV_SENDMSG_X;
    case __NR_recvmsg:
        return EV_RECVMSG_X;
    case __NR_shutdown:
        return EV_SHUTDOWN_X;
    case __NR_bpf:
        return EV_BPF_X;
    case __NR_init_module:
        return EV_INIT_MODULE_X;
    case __NR_finit_module:
        return EV_FINIT_MODULE_X;
    case __NR_mount:
        return EV_MOUNT_X;
    case __NR_umount2:
        return EV_UMOUNT2_X;
    case __NR_userfaultfd:
        return EV_USERFAULTFD_X;
    case __NR_io_uring_setup:
        return EV_IO_URING_SETUP_X;
    default:
        return EV_GENERIC_X;
    }
}

/* Family converters: each writes every parameter of the exit events it knows. */

/* Open family, close, read/write family, sendfile. */
static bool conv_files_and_io(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    const struct bdp_hdr *h = r->h;
    const uint64_t *a = h->args;
    int64_t ret = h->ret;

    switch (h->nr) {
    case __NR_open:
        /* Parameter 1: fd (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: name (type: PT_FSPATH) */
        add_strblob(b, r, 0);
        /* Parameter 3: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, open_flags(a[1]));
        /* Parameter 4: mode (type: PT_UINT32) */
        sk_evb_add_u32(b, open_mode(a[1], a[2]));
        /* Parameters 5, 6: dev (type: PT_UINT32), ino (type: PT_UINT64) */
        add_file_devino(b, r);
        break;
    case __NR_openat:
        /* Parameter 1: fd (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: dirfd (type: PT_FD) */
        add_i64(b, dirfd(a[0]));
        /* Parameter 3: name (type: PT_FSRELPATH) */
        add_strblob(b, r, 0);
        /* Parameter 4: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, open_flags(a[2]));
        /* Parameter 5: mode (type: PT_UINT32) */
        sk_evb_add_u32(b, open_mode(a[2], a[3]));
        /* Parameters 6, 7: dev (type: PT_UINT32), ino (type: PT_UINT64) */
        add_file_devino(b, r);
        break;
    case __NR_openat2: {
        uint64_t fl = user_u64(r, 0), mode = user_u64(r, 8), res = user_u64(r, 16);

        /* Parameter 1: fd (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: dirfd (type: PT_FD) */
        add_i64(b, dirfd(a[0]));
        /* Parameter 3: name (type: PT_FSRELPATH) */
        add_strblob(b, r, 0);
        /* Parameter 4: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, open_flags(fl));
        /* Parameter 5: mode (type: PT_UINT32) */
        sk_evb_add_u32(b, open_mode(fl, mode));
        /* Parameter 6: resolve (type: PT_FLAGS32) */
        sk_evb_add_u32(b, resolve_flags(res));
        /* Parameters 7, 8: dev (type: PT_UINT32), ino (type: PT_UINT64) */
        add_file_devino(b, r);
        break;
    }
    case __NR_creat:
        /* Parameter 1: fd (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: name (type: PT_FSPATH) */
        add_strblob(b, r, 0);
        /* Parameter 3: mode (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)(a[1] & 07777));
        /* Parameters 4, 5: dev (type: PT_UINT32), ino (type: PT_UINT64) */
        add_file_devino(b, r);
        /* Parameter 6: creat_flags (type: PT_FLAGS16) */
        sk_evb_add_u16(b, 0);
        break;
    case __NR_close:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        break;
    case __NR_read:
    case __NR_write:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: data (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 3: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 4: size (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    case __NR_pread64:
    case __NR_pwrite64:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: data (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 3: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 4: size (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        /* Parameter 5: pos (type: PT_UINT64) */
        sk_evb_add_u64(b, a[3]);
        break;
    case __NR_readv:
    case __NR_preadv:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: size (type: PT_UINT32) */
        sk_evb_add_u32(b, ret > 0 ? (uint32_t)ret : 0);
        /* Parameter 3: data (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 4: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        if (h->nr == __NR_preadv)
            /* Parameter 5: pos (type: PT_UINT64) */
            sk_evb_add_u64(b, a[3]);
        break;
    case __NR_writev:
    case __NR_pwritev:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: data (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 3: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 4: size (type: PT_UINT32) */
        sk_evb_add_u32(b, ret > 0 ? (uint32_t)ret : 0);
        if (h->nr == __NR_pwritev)
            /* Parameter 5: pos (type: PT_UINT64) */
            sk_evb_add_u64(b, a[3]);
        break;
    case __NR_sendfile:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: offset (type: PT_UINT64) */
        sk_evb_add_u64(b, a[2] ? user_u64(r, 0) : 0);
        /* Parameter 3: out_fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 4: in_fd (type: PT_FD) */
        add_i64(b, fdarg(a[1]));
        /* Parameter 5: size (type: PT_UINT64) */
        sk_evb_add_u64(b, a[3]);
        break;
    default:
        return false;
    }
    return true;
}

/* Renames, links, unlink, mkdir, chmod/chown, chdir. */
static bool conv_paths(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    const struct bdp_hdr *h = r->h;
    const uint64_t *a = h->args;
    int64_t ret = h->ret;

    switch (h->nr) {
    case __NR_rename:
    case __NR_link:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: oldpath (type: PT_FSPATH) */
        add_strblob(b, r, 0);
        /* Parameter 3: newpath (type: PT_FSPATH) */
        add_strblob(b, r, 1);
        break;
    case __NR_renameat:
    case __NR_renameat2:
    case __NR_linkat:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: olddirfd (type: PT_FD) */
        add_i64(b, dirfd(a[0]));
        /* Parameter 3: oldpath (type: PT_FSRELPATH) */
        add_strblob(b, r, 0);
        /* Parameter 4: newdirfd (type: PT_FD) */
        add_i64(b, dirfd(a[2]));
        /* Parameter 5: newpath (type: PT_FSRELPATH) */
        add_strblob(b, r, 1);
        if (h->nr != __NR_renameat)
            /* Parameter 6: flags (type: PT_FLAGS32); renameat2 RENAME_* and linkat AT_*
             * have the PPM values */
            sk_evb_add_u32(b, (uint32_t)(h->nr == __NR_linkat ? a[4] & 0x1400 : a[4] & 7));
        break;
    case __NR_symlink:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: target (type: PT_CHARBUF) */
        add_strblob(b, r, 0);
        /* Parameter 3: linkpath (type: PT_FSPATH) */
        add_strblob(b, r, 1);
        break;
    case __NR_symlinkat:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: target (type: PT_CHARBUF) */
        add_strblob(b, r, 0);
        /* Parameter 3: linkdirfd (type: PT_FD) */
        add_i64(b, dirfd(a[1]));
        /* Parameter 4: linkpath (type: PT_FSRELPATH) */
        add_strblob(b, r, 1);
        break;
    case __NR_unlink:
    case __NR_rmdir:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: path (type: PT_FSPATH) */
        add_strblob(b, r, 0);
        break;
    case __NR_unlinkat:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: dirfd (type: PT_FD) */
        add_i64(b, dirfd(a[0]));
        /* Parameter 3: name (type: PT_FSRELPATH) */
        add_strblob(b, r, 0);
        /* Parameter 4: flags (type: PT_FLAGS32): AT_REMOVEDIR has the PPM value */
        sk_evb_add_u32(b, (uint32_t)(a[2] & 0x200));
        break;
    case __NR_mkdir:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: path (type: PT_FSPATH) */
        add_strblob(b, r, 0);
        /* Parameter 3: mode (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[1]);
        break;
    case __NR_mkdirat:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: dirfd (type: PT_FD) */
        add_i64(b, dirfd(a[0]));
        /* Parameter 3: path (type: PT_FSRELPATH) */
        add_strblob(b, r, 0);
        /* Parameter 4: mode (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    case __NR_chmod:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: filename (type: PT_FSPATH) */
        add_strblob(b, r, 0);
        /* Parameter 3: mode (type: PT_MODE) */
        sk_evb_add_u32(b, (uint32_t)(a[1] & 07777));
        break;
    case __NR_fchmod:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: mode (type: PT_MODE) */
        sk_evb_add_u32(b, (uint32_t)(a[1] & 07777));
        break;
    case __NR_fchmodat:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: dirfd (type: PT_FD) */
        add_i64(b, dirfd(a[0]));
        /* Parameter 3: filename (type: PT_FSRELPATH) */
        add_strblob(b, r, 0);
        /* Parameter 4: mode (type: PT_MODE) */
        sk_evb_add_u32(b, (uint32_t)(a[2] & 07777));
        break;
    case __NR_chown:
    case __NR_lchown:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: path (type: PT_FSPATH) */
        add_strblob(b, r, 0);
        /* Parameter 3: uid (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[1]);
        /* Parameter 4: gid (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    case __NR_fchown:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: uid (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[1]);
        /* Parameter 4: gid (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    case __NR_fchownat: {
        uint32_t fl = 0;

        if (a[4] & 0x100)
            fl |= 0x400; /* AT_SYMLINK_NOFOLLOW */
        if (a[4] & 0x1000)
            fl |= 0x1000; /* AT_EMPTY_PATH */
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: dirfd (type: PT_FD) */
        add_i64(b, dirfd(a[0]));
        /* Parameter 3: pathname (type: PT_FSRELPATH) */
        add_strblob(b, r, 0);
        /* Parameter 4: uid (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        /* Parameter 5: gid (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[3]);
        /* Parameter 6: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, fl);
        break;
    }
    case __NR_chdir:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: path (type: PT_CHARBUF) */
        add_strblob(b, r, 0);
        break;
    case __NR_fchdir:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        break;
    default:
        return false;
    }
    return true;
}

/* Dup, fcntl, pipe, eventfd/signalfd/timerfd/inotify/memfd, mmap family. */
static bool conv_fd_creators(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    const struct bdp_hdr *h = r->h;
    const uint64_t *a = h->args;
    int64_t ret = h->ret;
    int32_t fds[2];

    switch (h->nr) {
    case __NR_dup:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: oldfd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        break;
    case __NR_dup2:
    case __NR_dup3:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: oldfd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: newfd (type: PT_FD) */
        add_i64(b, fdarg(a[1]));
        if (h->nr == __NR_dup3)
            /* Parameter 4: flags (type: PT_FLAGS32) */
            sk_evb_add_u32(b, (a[2] & O_CLOEXEC) ? 1u << 12 : 0);
        break;
    case __NR_fcntl:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: cmd (type: PT_ENUMFLAGS8) */
        sk_evb_add_u8(b, fcntl_cmd(a[1]));
        break;
    case __NR_pipe:
    case __NR_pipe2: {
        const struct blob *f = find(r, BDP_B_FILE, 0);
        uint64_t ino = 0;

        if (f && f->len >= sizeof(struct bdp_file))
            ino = ((const struct bdp_file *)(const void *)f->data)->ino;
        fds_of(r, fds);
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd1 (type: PT_FD) */
        add_i64(b, fds[0]);
        /* Parameter 3: fd2 (type: PT_FD) */
        add_i64(b, fds[1]);
        /* Parameter 4: ino (type: PT_UINT64) */
        sk_evb_add_u64(b, ino);
        if (h->nr == __NR_pipe2)
            /* Parameter 5: flags (type: PT_FLAGS32) */
            sk_evb_add_u32(b, a[1] ? open_flags(a[1]) & ~3u : 0);
        break;
    }
    case __NR_eventfd:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: initval (type: PT_UINT64) */
        sk_evb_add_u64(b, (uint32_t)a[0]);
        /* Parameter 3: flags (type: PT_UINT32) */
        sk_evb_add_u32(b, 0);
        break;
    case __NR_eventfd2:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: flags (type: PT_FLAGS16) */
        sk_evb_add_u16(b, (uint16_t)a[1]);
        /* Parameter 3: initval (type: PT_UINT64) */
        sk_evb_add_u64(b, (uint32_t)a[0]);
        break;
    case __NR_signalfd:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: mask (type: PT_UINT32) */
        sk_evb_add_u32(b, 0);
        /* Parameter 4: flags (type: PT_UINT8) */
        sk_evb_add_u8(b, 0);
        break;
    case __NR_signalfd4:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: flags (type: PT_FLAGS16) */
        sk_evb_add_u16(b, (uint16_t)a[3]);
        /* Parameter 3: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 4: mask (type: PT_UINT32) */
        sk_evb_add_u32(b, 0);
        break;
    case __NR_timerfd_create:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: clockid (type: PT_UINT8) */
        sk_evb_add_u8(b, (uint8_t)a[0]);
        /* Parameter 3: flags (type: PT_UINT8) */
        sk_evb_add_u8(b, (uint8_t)a[1]);
        break;
    case __NR_inotify_init:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: flags (type: PT_UINT8) */
        sk_evb_add_u8(b, 0);
        break;
    case __NR_inotify_init1:
        /* Parameter 1: res (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: flags (type: PT_FLAGS16) */
        sk_evb_add_u16(b, (uint16_t)a[0]);
        break;
    case __NR_memfd_create:
        /* Parameter 1: fd (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: name (type: PT_CHARBUF) */
        add_strblob(b, r, 0);
        /* Parameter 3: flags (type: PT_FLAGS32): MFD_* have the PPM values */
        sk_evb_add_u32(b, (uint32_t)(a[1] & 7));
        break;
    case __NR_mmap:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameters 2-4: vm_size, vm_rss, vm_swap */
        add_mm(b, r);
        /* Parameter 5: addr (type: PT_UINT64) */
        sk_evb_add_u64(b, a[0]);
        /* Parameter 6: length (type: PT_UINT64) */
        sk_evb_add_u64(b, a[1]);
        /* Parameter 7: prot (type: PT_FLAGS32) */
        sk_evb_add_u32(b, prot_flags(a[2]));
        /* Parameter 8: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, mmap_flags(a[3]));
        /* Parameter 9: fd (type: PT_FD) */
        add_i64(b, fdarg(a[4]));
        /* Parameter 10: offset (type: PT_UINT64) */
        sk_evb_add_u64(b, a[5]);
        break;
    case __NR_munmap:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameters 2-4: vm_size, vm_rss, vm_swap */
        add_mm(b, r);
        /* Parameter 5: addr (type: PT_UINT64) */
        sk_evb_add_u64(b, a[0]);
        /* Parameter 6: length (type: PT_UINT64) */
        sk_evb_add_u64(b, a[1]);
        break;
    case __NR_mprotect:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: addr (type: PT_UINT64) */
        sk_evb_add_u64(b, a[0]);
        /* Parameter 3: length (type: PT_UINT64) */
        sk_evb_add_u64(b, a[1]);
        /* Parameter 4: prot (type: PT_FLAGS32) */
        sk_evb_add_u32(b, prot_flags(a[2]));
        break;
    default:
        return false;
    }
    return true;
}

/* Clone/fork/exec, signals, ptrace, credentials, namespaces. */
static bool conv_process(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    const struct bdp_hdr *h = r->h;
    const uint64_t *a = h->args;
    int64_t ret = h->ret;

    switch (h->nr) {
    case __NR_clone:
    case __NR_clone3:
    case __NR_fork:
    case __NR_vfork:
        conv_clone(c, b, r);
        break;
    case __NR_execve:
    case __NR_execveat:
        conv_execve(c, b, r);
        break;
    case __NR_kill:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: pid (type: PT_PID) */
        add_i64(b, (int32_t)a[0]);
        /* Parameter 3: sig (type: PT_SIGTYPE) */
        sk_evb_add_u8(b, (uint8_t)a[1]);
        break;
    case __NR_tkill:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: tid (type: PT_PID) */
        add_i64(b, (int32_t)a[0]);
        /* Parameter 3: sig (type: PT_SIGTYPE) */
        sk_evb_add_u8(b, (uint8_t)a[1]);
        break;
    case __NR_tgkill:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: pid (type: PT_PID) */
        add_i64(b, (int32_t)a[0]);
        /* Parameter 3: tid (type: PT_PID) */
        add_i64(b, (int32_t)a[1]);
        /* Parameter 4: sig (type: PT_SIGTYPE) */
        sk_evb_add_u8(b, (uint8_t)a[2]);
        break;
    case __NR_ptrace: {
        uint8_t dyn[9] = {0}; /* index 0: PT_UINT64 */

        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: addr (type: PT_DYN) */
        memcpy(dyn + 1, &a[2], 8);
        sk_evb_add(b, dyn, sizeof(dyn));
        /* Parameter 3: data (type: PT_DYN) */
        memcpy(dyn + 1, &a[3], 8);
        sk_evb_add(b, dyn, sizeof(dyn));
        /* Parameter 4: request (type: PT_ENUMFLAGS16) */
        sk_evb_add_u16(b, ptrace_req(a[0]));
        /* Parameter 5: pid (type: PT_PID) */
        add_i64(b, (int32_t)a[1]);
        break;
    }
    case __NR_setuid:
    case __NR_setgid:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: uid / gid (type: PT_UID / PT_GID) */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        break;
    case __NR_setresuid:
    case __NR_setresgid:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: ruid / rgid */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        /* Parameter 3: euid / egid */
        sk_evb_add_u32(b, (uint32_t)a[1]);
        /* Parameter 4: suid / sgid */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    case __NR_setreuid:
    case __NR_setregid:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: ruid / rgid (type: PT_UID) */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        /* Parameter 3: euid / egid (type: PT_UID) */
        sk_evb_add_u32(b, (uint32_t)a[1]);
        break;
    case __NR_setns:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: nstype (type: PT_FLAGS32) */
        sk_evb_add_u32(b, clone_flags(a[1]));
        break;
    case __NR_unshare:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, clone_flags(a[0]));
        break;
    case __NR_prctl:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: option (type: PT_ENUMFLAGS32) */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        /* Parameter 3: arg2_str (type: PT_CHARBUF) */
        add_strblob(b, r, 0);
        /* Parameter 4: arg2_int (type: PT_INT64) */
        add_i64(b, (a[0] == 15 || a[0] == 16) ? 0 : (int64_t)a[1]);
        break;
    case __NR_capset: {
        const struct blob *cb = find(r, BDP_B_CAPS, 0);
        uint64_t caps[3] = {0, 0, 0};

        if (cb && cb->len >= sizeof(caps))
            memcpy(caps, cb->data, sizeof(caps));
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: cap_inheritable (type: PT_UINT64) */
        sk_evb_add_u64(b, caps[0]);
        /* Parameter 3: cap_permitted (type: PT_UINT64) */
        sk_evb_add_u64(b, caps[1]);
        /* Parameter 4: cap_effective (type: PT_UINT64) */
        sk_evb_add_u64(b, caps[2]);
        break;
    }
    default:
        return false;
    }
    return true;
}

/* Sockets, connect/accept, send/recv families. */
static bool conv_network(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    const struct bdp_hdr *h = r->h;
    const uint64_t *a = h->args;
    int64_t ret = h->ret;
    int32_t fds[2];

    switch (h->nr) {
    case __NR_socket:
        /* Parameter 1: fd (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: domain (type: PT_ENUMFLAGS32): PPM_AF_* = AF_* */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        /* Parameter 3: type (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[1]);
        /* Parameter 4: proto (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    case __NR_socketpair: {
        const struct blob *pp = find(r, BDP_B_PAIR, 0);
        uint64_t ptrs[2] = {0, 0};

        if (pp && pp->len >= sizeof(ptrs))
            memcpy(ptrs, pp->data, sizeof(ptrs));
        fds_of(r, fds);
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd1 (type: PT_FD) */
        add_i64(b, fds[0]);
        /* Parameter 3: fd2 (type: PT_FD) */
        add_i64(b, fds[1]);
        /* Parameter 4: source (type: PT_UINT64) */
        sk_evb_add_u64(b, ptrs[0]);
        /* Parameter 5: peer (type: PT_UINT64) */
        sk_evb_add_u64(b, ptrs[1]);
        /* Parameter 6: domain (type: PT_ENUMFLAGS32) */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        /* Parameter 7: type (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[1]);
        /* Parameter 8: proto (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    }
    case __NR_bind:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: addr (type: PT_SOCKADDR) */
        add_sockaddr(b, r);
        /* Parameter 3: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        break;
    case __NR_listen:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: backlog (type: PT_INT32) */
        sk_evb_add_u32(b, (uint32_t)a[1]);
        break;
    case __NR_connect:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: tuple (type: PT_SOCKTUPLE) */
        add_tuple(b, r, true);
        /* Parameter 3: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 4: addr (type: PT_SOCKADDR) */
        add_sockaddr(b, r);
        break;
    case __NR_accept:
    case __NR_accept4: {
        const struct blob *qb = find(r, BDP_B_LISTENQ, 0);
        struct bdp_listenq q = {0, 0};

        if (qb && qb->len >= sizeof(q))
            memcpy(&q, qb->data, sizeof(q));
        /* Parameter 1: fd (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: tuple (type: PT_SOCKTUPLE) */
        if (ret >= 0)
            add_tuple(b, r, false);
        else
            sk_evb_add_empty(b);
        /* Parameter 3: queuepct (type: PT_UINT8) */
        sk_evb_add_u8(b, q.max ? (uint8_t)((uint64_t)q.len * 100 / q.max) : 0);
        /* Parameter 4: queuelen (type: PT_UINT32) */
        sk_evb_add_u32(b, q.len);
        /* Parameter 5: queuemax (type: PT_UINT32) */
        sk_evb_add_u32(b, q.max);
        if (h->nr == __NR_accept4)
            /* Parameter 6: flags (type: PT_INT32) */
            sk_evb_add_u32(b, (uint32_t)a[3]);
        break;
    }
    case __NR_sendto:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: data (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 3: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 4: size (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        /* Parameter 5: tuple (type: PT_SOCKTUPLE) */
        add_tuple(b, r, true);
        break;
    case __NR_recvfrom:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: data (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 3: tuple (type: PT_SOCKTUPLE) */
        add_tuple(b, r, false);
        /* Parameter 4: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 5: size (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    case __NR_sendmsg:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: data (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 3: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 4: size (type: PT_UINT32) */
        sk_evb_add_u32(b, ret > 0 ? (uint32_t)ret : 0);
        /* Parameter 5: tuple (type: PT_SOCKTUPLE) */
        add_tuple(b, r, true);
        break;
    case __NR_recvmsg:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: size (type: PT_UINT32) */
        sk_evb_add_u32(b, ret > 0 ? (uint32_t)ret : 0);
        /* Parameter 3: data (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 4: tuple (type: PT_SOCKTUPLE) */
        add_tuple(b, r, false);
        /* Parameter 5: msgcontrol (type: PT_BYTEBUF) */
        sk_evb_add_empty(b);
        /* Parameter 6: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        break;
    case __NR_shutdown:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: how (type: PT_ENUMFLAGS8): SHUT_* have the PPM values */
        sk_evb_add_u8(b, (uint8_t)a[1]);
        break;
    default:
        return false;
    }
    return true;
}

/* bpf, modules, mounts, userfaultfd, io_uring. */
static bool conv_security(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    const struct bdp_hdr *h = r->h;
    const uint64_t *a = h->args;
    int64_t ret = h->ret;

    switch (h->nr) {
    case __NR_bpf:
        /* Parameter 1: fd (type: PT_FD) */
        add_i64(b, ret);
        /* Parameter 2: cmd (type: PT_ENUMFLAGS32) */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        break;
    case __NR_init_module:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: img (type: PT_BYTEBUF) */
        add_data(b, r);
        /* Parameter 3: length (type: PT_UINT64) */
        sk_evb_add_u64(b, a[1]);
        /* Parameter 4: uargs (type: PT_CHARBUF) */
        add_strblob(b, r, 0);
        break;
    case __NR_finit_module:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: fd (type: PT_FD) */
        add_i64(b, fdarg(a[0]));
        /* Parameter 3: uargs (type: PT_CHARBUF) */
        add_strblob(b, r, 0);
        /* Parameter 4: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, (uint32_t)a[2]);
        break;
    case __NR_mount: {
        uint64_t fl = a[3];

        if ((fl & 0xffff0000u) == 0xc0ed0000u) /* MS_MGC_VAL */
            fl &= 0xffff;
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: dev (type: PT_CHARBUF) */
        add_strblob(b, r, 0);
        /* Parameter 3: dir (type: PT_FSPATH) */
        add_strblob(b, r, 1);
        /* Parameter 4: type (type: PT_CHARBUF) */
        add_strblob(b, r, 2);
        /* Parameter 5: flags (type: PT_FLAGS32): MS_* have the PPM values */
        sk_evb_add_u32(b, (uint32_t)fl);
        break;
    }
    case __NR_umount2:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: name (type: PT_FSPATH) */
        add_strblob(b, r, 0);
        /* Parameter 3: flags (type: PT_FLAGS32): MNT_* have the PPM values */
        sk_evb_add_u32(b, (uint32_t)(a[1] & 0xf));
        break;
    case __NR_userfaultfd:
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        break;
    case __NR_io_uring_setup:
        /* struct io_uring_params: sq_entries, cq_entries, flags, sq_thread_cpu,
         * sq_thread_idle, features (u32 each, in that order) */
        /* Parameter 1: res (type: PT_ERRNO) */
        add_i64(b, ret);
        /* Parameter 2: entries (type: PT_UINT32) */
        sk_evb_add_u32(b, (uint32_t)a[0]);
        /* Parameter 3: sq_entries (type: PT_UINT32) */
        sk_evb_add_u32(b, user_u32(r, 0));
        /* Parameter 4: cq_entries (type: PT_UINT32) */
        sk_evb_add_u32(b, user_u32(r, 4));
        /* Parameter 5: flags (type: PT_FLAGS32) */
        sk_evb_add_u32(b, io_uring_flags(user_u32(r, 8)));
        /* Parameter 6: sq_thread_cpu (type: PT_UINT32) */
        sk_evb_add_u32(b, user_u32(r, 12));
        /* Parameter 7: sq_thread_idle (type: PT_UINT32) */
        sk_evb_add_u32(b, user_u32(r, 16));
        /* Parameter 8: features (type: PT_FLAGS32) */
        sk_evb_add_u32(b, user_u32(r, 20));
        break;
    default:
        return false;
    }
    return true;
}

/* One syscall exit record: the family converter that knows it, else GENERIC_X. */
static void conv_syscall(struct bd_conv *c, struct sk_event_builder *b, const struct rec *r)
{
    static bool (*const families[])(struct bd_conv *, struct sk_event_builder *,
                                    const struct rec *) = {
        conv_files_and_io, conv_paths, conv_fd_creators, conv_process, conv_network, conv_security,
    };
    const struct bdp_hdr *h = r->h;

    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        if (families[i](c, b, r))
            return;
    }
    /* Parameter 1: ID (type: PT_SYSCALLID) */
    sk_evb_add_u16(b, h->nr < BDP_NR_SYSCALLS ? c->ppm_sc[h->nr] : 0);
    /* Parameter 2: nativeID (type: PT_UINT16) */
    sk_evb_add_u16(b, h->nr);
}

static void conv_procexit(struct sk_event_builder *b, const struct rec *r)
{
    const struct blob *eb = find(r, BDP_B_EXIT, 0);
    struct bdp_exit e = {0, 0};
    int64_t code;

    if (eb && eb->len >= sizeof(e))
        memcpy(&e, eb->data, sizeof(e));
    code = e.exit_code;
    /* Parameter 1: status (type: PT_ERRNO) */
    add_i64(b, code);
    /* Parameter 2: ret (type: PT_ERRNO) */
    add_i64(b, (code & 0x7f) ? 0 : (code >> 8) & 0xff);
    /* Parameter 3: sig (type: PT_SIGTYPE) */
    sk_evb_add_u8(b, (uint8_t)(code & 0x7f));
    /* Parameter 4: core (type: PT_UINT8) */
    sk_evb_add_u8(b, (code & 0x80) ? 1 : 0);
    /* Parameter 5: reaper_tid (type: PT_PID) */
    add_i64(b, e.reaper);
}

/* --------------------------------------------------------------- API */

static int64_t boot_offset(void)
{
    int64_t best = 0, best_span = INT64_MAX;

    for (int i = 0; i < 5; i++) {
        struct timespec r1, bt, r2;
        int64_t a, m, z, span;

        clock_gettime(CLOCK_REALTIME, &r1);
        clock_gettime(CLOCK_BOOTTIME, &bt);
        clock_gettime(CLOCK_REALTIME, &r2);
        a = r1.tv_sec * 1000000000LL + r1.tv_nsec;
        z = r2.tv_sec * 1000000000LL + r2.tv_nsec;
        m = bt.tv_sec * 1000000000LL + bt.tv_nsec;
        span = z - a;
        if (span < best_span) {
            best_span = span;
            best = a + span / 2 - m;
        }
    }
    return best;
}

int bd_conv_init(struct bd_conv *c, uint32_t snaplen)
{
    memset(c, 0, sizeof(*c));
    c->snaplen = snaplen;
    c->boot_to_epoch = boot_offset();
    for (uint32_t nr = 0; nr < BDP_NR_SYSCALLS; nr++) {
        const char *name = sk_x86_64_syscall_name(nr);
        int code = name ? sk_syscall_code(name) : -1;

        c->ppm_sc[nr] = code > 0 ? (uint16_t)code : 0;
    }
    c->out_cap = OUT_CAP;
    c->out = malloc(c->out_cap);
    return c->out ? 0 : -ENOMEM;
}

void bd_conv_free(struct bd_conv *c)
{
    free(c->out);
    c->out = NULL;
}

int bd_convert(struct bd_conv *c, uint16_t cpu, const void *data, size_t len, struct bd_event *ev)
{
    struct sk_event_builder b;
    struct rec r;
    uint16_t code;
    uint64_t ts;
    size_t body;
    uint32_t bt;
    int rc;

    rc = parse(&r, data, len);
    if (rc)
        return rc;
    r.cpu = cpu;
    c->truncated += r.truncated;
    ts = r.h->ts + (uint64_t)c->boot_to_epoch;
    if (r.h->kind == BDP_K_PROCEXIT) {
        code = EV_PROCEXIT_1_E;
        sk_evb_begin(&b, c->out, c->out_cap, cpu, ts, r.h->tid, code);
        conv_procexit(&b, &r);
    } else if (r.h->kind == BDP_K_SYSCALL) {
        code = event_code(r.h->nr);
        sk_evb_begin(&b, c->out, c->out_cap, cpu, ts, r.h->tid, code);
        conv_syscall(c, &b, &r);
    } else {
        return -EINVAL;
    }
    if (b.nparams_added != sk_event_info(code)->nparams)
        return -EPROTO; /* a layout bug: never write an event with params missing */
    rc = sk_evb_finish(&b, &bt, &body);
    if (rc < 0)
        return rc;
    ev->ts = ts;
    ev->block_type = bt;
    ev->body = c->out;
    ev->len = body;
    return 1;
}
