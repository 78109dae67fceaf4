/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-agent: the open fds of a process from /proc/<pid>/fd as FDL_V2
 * entries. Sockets are matched by inode against the /proc/net tables of the
 * process's network namespace; file devices come from the mount id in
 * fdinfo and the process's mountinfo, like libscap.
 */
#define _GNU_SOURCE
#include "procfs_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* PPM_O_* (driver/ppm_events_public.h values). */
#define PPM_O_RDONLY    (1u << 0)
#define PPM_O_WRONLY    (1u << 1)
#define PPM_O_RDWR      (PPM_O_RDONLY | PPM_O_WRONLY)
#define PPM_O_CREAT     (1u << 2)
#define PPM_O_APPEND    (1u << 3)
#define PPM_O_DSYNC     (1u << 4)
#define PPM_O_EXCL      (1u << 5)
#define PPM_O_NONBLOCK  (1u << 6)
#define PPM_O_SYNC      (1u << 7)
#define PPM_O_TRUNC     (1u << 8)
#define PPM_O_DIRECT    (1u << 9)
#define PPM_O_DIRECTORY (1u << 10)
#define PPM_O_LARGEFILE (1u << 11)
#define PPM_O_CLOEXEC   (1u << 12)
#define PPM_O_TMPFILE   (1u << 13)

uint32_t bd_open_flags_to_ppm(unsigned long flags)
{
    uint32_t r;

    switch (flags & O_ACCMODE) {
    case O_WRONLY:
        r = PPM_O_WRONLY;
        break;
    case O_RDWR:
        r = PPM_O_RDWR;
        break;
    default:
        r = PPM_O_RDONLY;
        break;
    }
    if (flags & O_CREAT)
        r |= PPM_O_CREAT;
    if ((flags & O_TMPFILE) == O_TMPFILE)
        r |= PPM_O_TMPFILE;
    if (flags & O_APPEND)
        r |= PPM_O_APPEND;
    if (flags & O_DSYNC)
        r |= PPM_O_DSYNC;
    if (flags & O_EXCL)
        r |= PPM_O_EXCL;
    if (flags & O_NONBLOCK)
        r |= PPM_O_NONBLOCK;
    if ((flags & O_SYNC) == O_SYNC)
        r |= PPM_O_SYNC;
    if (flags & O_TRUNC)
        r |= PPM_O_TRUNC;
    if (flags & O_DIRECT)
        r |= PPM_O_DIRECT;
    if (flags & O_DIRECTORY)
        r |= PPM_O_DIRECTORY;
    /* fdinfo shows the kernel's O_LARGEFILE (0100000 on x86_64, 0 in userspace headers) */
    if (flags & 0100000)
        r |= PPM_O_LARGEFILE;
    if (flags & O_CLOEXEC)
        r |= PPM_O_CLOEXEC;
    return r;
}

static uint64_t ns_inode(const struct bd_procfs *pf, pid_t pid, const char *ns)
{
    char path[64];
    struct stat st;

    snprintf(path, sizeof(path), "%d/ns/%s", (int)pid, ns);
    if (fstatat(pf->root_fd, path, &st, 0) != 0)
        return 0;
    return st.st_ino;
}

/* ---------------------------------------------------------------- mounts */

static void load_mounts(struct bd_procfs *pf, pid_t pid, uint64_t mntns)
{
    char path[300], line[4096];
    FILE *f;

    pf->nmounts = 0;
    pf->mntns = mntns;
    snprintf(path, sizeof(path), "%s/%d/mountinfo", pf->root, (int)pid);
    f = fopen(path, "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        unsigned long long id;
        unsigned maj, min;

        if (sscanf(line, "%llu %*u %u:%u", &id, &maj, &min) != 3)
            continue;
        if (pf->nmounts == pf->mounts_cap) {
            size_t cap = pf->mounts_cap ? pf->mounts_cap * 2 : 64;
            struct bd_mount *m = realloc(pf->mounts, cap * sizeof(*m));
            if (!m)
                break;
            pf->mounts = m;
            pf->mounts_cap = cap;
        }
        pf->mounts[pf->nmounts].mnt_id = id;
        pf->mounts[pf->nmounts].dev = (uint32_t)makedev(maj, min);
        pf->nmounts++;
    }
    fclose(f);
}

static uint32_t mount_dev(struct bd_procfs *pf, pid_t pid, uint64_t mnt_id)
{
    uint64_t mntns = ns_inode(pf, pid, "mnt");

    if (mntns == 0 || mntns != pf->mntns)
        load_mounts(pf, pid, mntns);
    for (size_t i = 0; i < pf->nmounts; i++)
        if (pf->mounts[i].mnt_id == mnt_id)
            return pf->mounts[i].dev;
    return 0;
}

/* ---------------------------------------------------------------- sockets */

static size_t sock_hash(uint64_t ino, size_t nslots)
{
    return (size_t)((ino * 0x9E3779B97F4A7C15ull) >> 17) & (nslots - 1);
}

static void sock_table_clear(struct bd_sock_table *t)
{
    for (size_t i = 0; i < t->nslots; i++)
        free(t->slots[i].name);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

static struct bd_sock *sock_find(const struct bd_sock_table *t, uint64_t ino)
{
    if (!t->nslots || !ino)
        return NULL;
    for (size_t i = sock_hash(ino, t->nslots);; i = (i + 1) & (t->nslots - 1)) {
        if (t->slots[i].ino == ino)
            return &t->slots[i];
        if (t->slots[i].ino == 0)
            return NULL;
    }
}

static bool sock_grow(struct bd_sock_table *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 1024;
    struct bd_sock *s = calloc(n, sizeof(*s));

    if (!s)
        return false;
    for (size_t i = 0; i < t->nslots; i++) {
        const struct bd_sock *o = &t->slots[i];
        size_t j;
        if (!o->ino)
            continue;
        for (j = sock_hash(o->ino, n); s[j].ino; j = (j + 1) & (n - 1))
            ;
        s[j] = *o;
    }
    free(t->slots);
    t->slots = s;
    t->nslots = n;
    return true;
}

/* Adds (or keeps the first) entry for ino; returns it or NULL. */
static struct bd_sock *sock_add(struct bd_sock_table *t, uint64_t ino)
{
    size_t i;

    if (!ino)
        return NULL;
    if ((t->used + 1) * 2 > t->nslots && !sock_grow(t))
        return NULL;
    for (i = sock_hash(ino, t->nslots); t->slots[i].ino; i = (i + 1) & (t->nslots - 1))
        if (t->slots[i].ino == ino)
            return NULL;
    t->slots[i].ino = ino;
    t->used++;
    return &t->slots[i];
}

/* /proc/net/{tcp,udp,raw}[6]: "sl: local rem st tx:rx tr:when retr uid timeout inode". */
static void load_inet(struct bd_sock_table *t, const char *dir, const char *file, bool v6,
                      uint8_t l4)
{
    char path[512], line[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    f = fopen(path, "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        unsigned a[4], b[4], sp, dp;
        unsigned long long ino;
        struct bd_sock *s;
        bool dzero;
        int k;

        if (v6)
            k = sscanf(line,
                       " %*d: %8x%8x%8x%8x:%x %8x%8x%8x%8x:%x %*x %*x:%*x %*x:%*x %*x %*u %*u "
                       "%llu",
                       &a[0], &a[1], &a[2], &a[3], &sp, &b[0], &b[1], &b[2], &b[3], &dp, &ino);
        else
            k = sscanf(line, " %*d: %8x:%x %8x:%x %*x %*x:%*x %*x:%*x %*x %*u %*u %llu", &a[0], &sp,
                       &b[0], &dp, &ino);
        if (k != (v6 ? 11 : 5))
            continue;
        s = sock_add(t, ino);
        if (!s)
            continue;
        /* the kernel prints each 32-bit word as a native integer */
        memcpy(s->sip, a, v6 ? 16 : 4);
        memcpy(s->dip, b, v6 ? 16 : 4);
        dzero = v6 ? (b[0] | b[1] | b[2] | b[3]) == 0 : b[0] == 0;
        s->sport = (uint16_t)sp;
        s->dport = (uint16_t)dp;
        s->l4proto = l4;
        if (v6)
            s->type = dzero ? SK_FD_IPV6_SERVSOCK : SK_FD_IPV6_SOCK;
        else
            s->type = dzero ? SK_FD_IPV4_SERVSOCK : SK_FD_IPV4_SOCK;
    }
    fclose(f);
}

/* /proc/net/unix: "Num RefCount Protocol Flags Type St Inode [Path]". */
static void load_unix(struct bd_sock_table *t, const char *dir)
{
    char path[512], line[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/unix", dir);
    f = fopen(path, "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        unsigned long long num, ino;
        struct bd_sock *s;
        int off = 0;
        size_t len;

        if (sscanf(line, "%llx: %*x %*x %*x %*x %*x %llu%n", &num, &ino, &off) != 2)
            continue;
        s = sock_add(t, ino);
        if (!s)
            continue;
        s->type = SK_FD_UNIX_SOCK;
        s->l4proto = SK_L4_NA;
        s->unix_source = num;
        while (line[off] == ' ')
            off++;
        len = strcspn(line + off, "\n");
        if (len) {
            s->name = strndup(line + off, len);
        }
    }
    fclose(f);
}

/* /proc/net/netlink: "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode". */
static void load_netlink(struct bd_sock_table *t, const char *dir)
{
    char path[512], line[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/netlink", dir);
    f = fopen(path, "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        unsigned long long ino;
        struct bd_sock *s;

        if (sscanf(line, "%*x %*d %*u %*x %*u %*u %*u %*u %*u %llu", &ino) != 1)
            continue;
        s = sock_add(t, ino);
        if (s) {
            s->type = SK_FD_NETLINK;
            s->l4proto = SK_L4_NA;
        }
    }
    fclose(f);
}

/* The socket table of pid's network namespace (cached, LRU of BD_SOCK_TABLES). */
static struct bd_sock_table *sock_table(struct bd_procfs *pf, pid_t pid)
{
    uint64_t netns = ns_inode(pf, pid, "net");
    struct bd_sock_table *t = NULL;
    char dir[300];

    if (netns == 0)
        return NULL;
    pf->use_clock++;
    for (int i = 0; i < BD_SOCK_TABLES; i++) {
        if (pf->socks[i].netns == netns) {
            pf->socks[i].last_use = pf->use_clock;
            return &pf->socks[i];
        }
    }
    for (int i = 0; i < BD_SOCK_TABLES; i++)
        if (!t || pf->socks[i].last_use < t->last_use)
            t = &pf->socks[i];
    sock_table_clear(t);
    t->netns = netns;
    t->last_use = pf->use_clock;
    snprintf(dir, sizeof(dir), "%s/%d/net", pf->root, (int)pid);
    load_inet(t, dir, "tcp", false, SK_L4_TCP);
    load_inet(t, dir, "udp", false, SK_L4_UDP);
    load_inet(t, dir, "raw", false, SK_L4_RAW);
    load_unix(t, dir);
    load_netlink(t, dir);
    load_inet(t, dir, "tcp6", true, SK_L4_TCP);
    load_inet(t, dir, "udp6", true, SK_L4_UDP);
    load_inet(t, dir, "raw6", true, SK_L4_RAW);
    return t;
}

void bd_procfs_fd_free(struct bd_procfs *pf)
{
    for (int i = 0; i < BD_SOCK_TABLES; i++)
        sock_table_clear(&pf->socks[i]);
    free(pf->mounts);
    pf->mounts = NULL;
    pf->nmounts = pf->mounts_cap = 0;
}

/* ---------------------------------------------------------------- fds */

static uint8_t anon_type(const char *what)
{
    static const struct {
        const char *name;
        uint8_t type;
    } map[] = {
        {"[eventfd]", SK_FD_EVENT},
        {"[eventpoll]", SK_FD_EVENTPOLL},
        {"inotify", SK_FD_INOTIFY},
        {"[signalfd]", SK_FD_SIGNALFD},
        {"[timerfd]", SK_FD_TIMERFD},
        {"[io_uring]", SK_FD_IOURING},
        {"[userfaultfd]", SK_FD_USERFAULTFD},
        {"[pidfd]", SK_FD_PIDFD},
        {"bpf-map", SK_FD_BPF},
        {"bpf-prog", SK_FD_BPF},
        {"bpf-link", SK_FD_BPF},
        {"bpf_iter", SK_FD_BPF},
    };

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(what, map[i].name) == 0)
            return map[i].type;
    return SK_FD_UNSUPPORTED;
}

/* flags: and mnt_id: of /proc/<pid>/fdinfo/<fd>. */
static void read_fdinfo(int fdinfo_dir, const char *fdname, unsigned long *flags, uint64_t *mnt_id)
{
    char buf[512], *p;
    ssize_t n = bd_read_file_at(fdinfo_dir, fdname, buf, sizeof(buf) - 1);

    *flags = 0;
    *mnt_id = 0;
    if (n <= 0)
        return;
    buf[n] = '\0';
    if ((p = strstr(buf, "flags:")) != NULL)
        *flags = strtoul(p + 6, NULL, 8);
    if ((p = strstr(buf, "mnt_id:")) != NULL)
        *mnt_id = strtoull(p + 7, NULL, 10);
}

struct fd_ctx {
    struct bd_procfs *pf;
    pid_t pid;
    int fd_dir, fdinfo_dir;
    struct bd_sock_table *socks;
    bool socks_loaded;
};

/* Fills e for one fd; false when the fd is not reported (gone, unknown socket). */
static bool describe_fd(struct fd_ctx *c, const char *fdname, struct sk_fdlist_entry *e, char *link,
                        size_t linkcap)
{
    struct stat st;
    ssize_t n;
    unsigned long long ino;
    unsigned long flags;
    uint64_t mnt_id;

    n = readlinkat(c->fd_dir, fdname, link, linkcap - 1);
    if (n <= 0)
        return false;
    link[n] = '\0';
    if (fstatat(c->fd_dir, fdname, &st, 0) != 0)
        memset(&st, 0, sizeof(st));
    e->ino = st.st_ino;
    e->name.p = link;
    e->name.len = (uint32_t)n;

    if (strncmp(link, "anon_inode:", 11) == 0) {
        e->type = anon_type(link + 11);
        e->name.len = 0;
        return true;
    }
    switch (st.st_mode & S_IFMT) {
    case S_IFIFO:
        e->type = SK_FD_FIFO;
        if (sscanf(link, "pipe:[%llu]", &ino) == 1)
            e->ino = ino;
        return true;
    case S_IFDIR:
        e->type = SK_FD_DIRECTORY;
        return true;
    case S_IFSOCK: {
        const struct bd_sock *s;
        if (sscanf(link, "socket:[%llu]", &ino) != 1) {
            e->type = SK_FD_UNSUPPORTED;
            return true;
        }
        if (!c->socks_loaded) {
            c->socks = sock_table(c->pf, c->pid);
            c->socks_loaded = true;
        }
        s = c->socks ? sock_find(c->socks, ino) : NULL;
        if (!s)
            return false; /* not in any table we read (libscap drops it too) */
        e->ino = ino;
        e->type = s->type;
        memcpy(e->sip, s->sip, 16);
        memcpy(e->dip, s->dip, 16);
        e->sport = s->sport;
        e->dport = s->dport;
        e->l4proto = s->l4proto;
        e->unix_source = s->unix_source;
        e->name.p = s->name ? s->name : "";
        e->name.len = s->name ? (uint32_t)strlen(s->name) : 0;
        return true;
    }
    case S_IFREG:
    case S_IFBLK:
    case S_IFCHR:
    case S_IFLNK:
        if (strncmp(link, "/memfd:", 7) == 0) {
            e->type = SK_FD_MEMFD;
            return true;
        }
        e->type = SK_FD_FILE_V2;
        read_fdinfo(c->fdinfo_dir, fdname, &flags, &mnt_id);
        e->open_flags = bd_open_flags_to_ppm(flags);
        e->dev = mnt_id ? mount_dev(c->pf, c->pid, mnt_id) : 0;
        return true;
    default:
        e->type = SK_FD_UNSUPPORTED;
        return true;
    }
}

int bd_proc_read_fds(struct bd_procfs *pf, pid_t pid, bd_fd_fn fn, void *ud)
{
    struct fd_ctx c = {pf, pid, -1, -1, NULL, false};
    char path[64], link[SK_BLK_MAX_PATH + 2];
    struct dirent *de;
    DIR *d;
    int count = 0, rc = 0;

    snprintf(path, sizeof(path), "%d/fd", (int)pid);
    c.fd_dir = openat(pf->root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c.fd_dir < 0)
        return BD_PROC_VANISHED;
    snprintf(path, sizeof(path), "%d/fdinfo", (int)pid);
    c.fdinfo_dir = openat(pf->root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    d = fdopendir(dup(c.fd_dir));
    if (!d) {
        close(c.fd_dir);
        if (c.fdinfo_dir >= 0)
            close(c.fdinfo_dir);
        return BD_PROC_VANISHED;
    }
    while ((de = readdir(d)) != NULL) {
        struct sk_fdlist_entry e;
        char *end;
        long fd = strtol(de->d_name, &end, 10);

        if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end)
            continue;
        memset(&e, 0, sizeof(e));
        e.fd = fd;
        if (!describe_fd(&c, de->d_name, &e, link, sizeof(link)))
            continue;
        rc = fn(ud, &e);
        if (rc != 0)
            break;
        count++;
    }
    closedir(d);
    close(c.fd_dir);
    if (c.fdinfo_dir >= 0)
        close(c.fdinfo_dir);
    return rc != 0 ? rc : count;
}
