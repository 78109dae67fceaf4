/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-agent: the start-of-capture state snapshot. After the caller's SHB:
 *
 *   MI       machine info (CPUs, memory, hostname, boot time)
 *   IL_V2    interface addresses (getifaddrs, IPv4 and IPv6)
 *   UL_V2    users then groups (getpwent / getgrent)
 *   PL_V9    every user thread of every process; one block, or several of
 *            at most PL_BLOCK_BYTES on very large hosts (readers accept any
 *            number of PL blocks before the first event)
 *   FDL_V2   one block per process (thread group leader) with open fds
 *
 * Memory stays bounded: entries stream into a block buffer that is written
 * when full; between the PL and FDL passes only the leaders' pids are kept.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <scapkit/blocks.h>

#include "agent.h"
#include "procfs.h"
#include "snapshot.h"

#define PL_BLOCK_BYTES (16u << 20)
#define PPM_O_RDWR     3u

static bool old_reader_fd_types = true;

void bd_snapshot_set_old_reader_fd_types(bool on)
{
    old_reader_fd_types = on;
}

struct snap {
    struct sk_writer *w;
    struct bd_snapshot_stats *st;
    struct bd_procfs *pf;
    struct sk_blkbuf buf;
    struct bd_thread_data *td;
    pid_t *leaders; /* pids whose leader entry went into the PL */
    size_t nleaders, cap;
    char *err;
    size_t errlen;
    int werr; /* first writer/encoder error */
};

static int fail(struct snap *s, int rc, const char *fmt, ...)
{
    va_list ap;

    if (s->err && s->errlen) {
        va_start(ap, fmt);
        vsnprintf(s->err, s->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static struct sk_str cstr(const char *p)
{
    struct sk_str r = {p ? p : "", p ? (uint32_t)strlen(p) : 0};
    return r;
}

/* ---------------------------------------------------------------- MI */

static uint64_t boot_time_ns(const char *proc)
{
    char path[300], line[256];
    unsigned long long btime = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/stat", proc);
    f = fopen(path, "re");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "btime %llu", &btime) == 1)
            break;
    fclose(f);
    return (uint64_t)btime * 1000000000ull;
}

static int write_mi(struct snap *s)
{
    struct sk_machine_info mi;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    char buf[32];

    memset(&mi, 0, sizeof(mi));
    mi.num_cpus = ncpu > 0 ? (uint32_t)ncpu : 0;
    mi.memory_size_bytes = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : 0;
    /* libscap leaves max_pid and flags 0; pid_max is informative, write it */
    {
        char path[300];
        ssize_t n;
        snprintf(path, sizeof(path), "%s/sys/kernel/pid_max", bd_procfs_root(s->pf));
        n = bd_read_file_at(AT_FDCWD, path, buf, sizeof(buf) - 1);
        if (n > 0) {
            buf[n] = '\0';
            mi.max_pid = strtoull(buf, NULL, 10);
        }
    }
    if (gethostname(mi.hostname, sizeof(mi.hostname) - 1) != 0)
        mi.hostname[0] = '\0';
    mi.boot_ts_epoch = boot_time_ns(bd_procfs_root(s->pf));
    return sk_writer_machine_info(s->w, &mi);
}

/* ---------------------------------------------------------------- IL */

static int write_il(struct snap *s)
{
    struct ifaddrs *ifs, *ifa;
    int rc;

    if (getifaddrs(&ifs) != 0)
        return 0; /* no interface list: readers treat it as optional */
    for (ifa = ifs; ifa; ifa = ifa->ifa_next) {
        struct sk_iflist_entry e;
        int fam;

        if (!ifa->ifa_addr)
            continue;
        fam = ifa->ifa_addr->sa_family;
        if (fam != AF_INET && fam != AF_INET6)
            continue;
        memset(&e, 0, sizeof(e));
        e.name = cstr(ifa->ifa_name);
        if (fam == AF_INET) {
            e.type = 1;
            memcpy(e.addr, &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr, 4);
            if (ifa->ifa_netmask)
                memcpy(e.netmask, &((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr, 4);
            if ((ifa->ifa_flags & IFF_BROADCAST) && ifa->ifa_broadaddr)
                memcpy(e.bcast, &((struct sockaddr_in *)ifa->ifa_broadaddr)->sin_addr, 4);
        } else {
            e.type = 2;
            e.is_ipv6 = true;
            memcpy(e.addr, &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr, 16);
            if (ifa->ifa_netmask)
                memcpy(e.netmask, &((struct sockaddr_in6 *)ifa->ifa_netmask)->sin6_addr, 16);
        }
        sk_blk_put_iface(&s->buf, &e);
        s->st->interfaces++;
    }
    freeifaddrs(ifs);
    if (s->buf.len == 0)
        return 0;
    rc = sk_blk_write(s->w, SK_BT_IL_V2, &s->buf);
    return rc;
}

/* ---------------------------------------------------------------- UL */

/*
 * Users and groups come through NSS (LDAP, sssd... included) in the normal
 * build. A static binary cannot load the host's NSS modules safely, so the
 * static agent reads /etc/passwd and /etc/group itself.
 */
#ifdef BPFDIG_STATIC_AGENT
static FILE *passwd_file, *group_file;
static void open_users(void)
{
    passwd_file = fopen("/etc/passwd", "re");
}
static struct passwd *next_user(void)
{
    return passwd_file ? fgetpwent(passwd_file) : NULL;
}
static void close_users(void)
{
    if (passwd_file)
        fclose(passwd_file);
    passwd_file = NULL;
}
static void open_groups(void)
{
    group_file = fopen("/etc/group", "re");
}
static struct group *next_group(void)
{
    return group_file ? fgetgrent(group_file) : NULL;
}
static void close_groups(void)
{
    if (group_file)
        fclose(group_file);
    group_file = NULL;
}
#else
static void open_users(void)
{
    setpwent();
}
static struct passwd *next_user(void)
{
    return getpwent();
}
static void close_users(void)
{
    endpwent();
}
static void open_groups(void)
{
    setgrent();
}
static struct group *next_group(void)
{
    return getgrent();
}
static void close_groups(void)
{
    endgrent();
}
#endif

static int write_ul(struct snap *s)
{
    struct passwd *pw;
    struct group *gr;

    open_users();
    while ((pw = next_user()) != NULL) {
        struct sk_userlist_entry e;
        memset(&e, 0, sizeof(e));
        e.uid = pw->pw_uid;
        e.gid = pw->pw_gid;
        e.name = cstr(pw->pw_name);
        e.home = cstr(pw->pw_dir);
        e.shell = cstr(pw->pw_shell);
        sk_blk_put_user(&s->buf, &e);
        s->st->users++;
    }
    close_users();
    open_groups();
    while ((gr = next_group()) != NULL) {
        struct sk_userlist_entry e;
        memset(&e, 0, sizeof(e));
        e.is_group = true;
        e.gid = gr->gr_gid;
        e.name = cstr(gr->gr_name);
        sk_blk_put_user(&s->buf, &e);
        s->st->groups++;
    }
    close_groups();
    if (s->buf.len == 0)
        return 0;
    return sk_blk_write(s->w, SK_BT_UL_V2, &s->buf);
}

/* ---------------------------------------------------------------- PL */

static bool is_number(const char *name, long *out)
{
    char *end;

    if (name[0] < '0' || name[0] > '9')
        return false;
    *out = strtol(name, &end, 10);
    return *end == '\0' && *out > 0;
}

static int remember_leader(struct snap *s, pid_t pid)
{
    if (s->nleaders == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        pid_t *p = realloc(s->leaders, cap * sizeof(*p));
        if (!p)
            return SK_E_NOMEM;
        s->leaders = p;
        s->cap = cap;
    }
    s->leaders[s->nleaders++] = pid;
    return 0;
}

/* Adds one thread entry; writes the PL block when it is full. */
static int add_thread(struct snap *s, pid_t pid, pid_t tid)
{
    int rc = bd_proc_read_thread(s->pf, pid, tid, s->td);

    if (rc == BD_PROC_VANISHED) {
        s->st->vanished++;
        return 0;
    }
    if (rc != 0)
        return 0; /* kernel thread / zombie */
    rc = sk_blk_put_thread(&s->buf, &s->td->ti);
    if (rc != SK_OK)
        return rc;
    s->st->threads++;
    if (tid == pid) {
        rc = remember_leader(s, pid);
        if (rc != 0)
            return rc;
    }
    if (s->buf.len >= PL_BLOCK_BYTES)
        return sk_blk_write(s->w, SK_BT_PL_V9, &s->buf);
    return 0;
}

/* The leader first (so its entry precedes its threads), then the other tasks. */
static int add_process(struct snap *s, pid_t pid)
{
    char path[64];
    struct dirent *de;
    DIR *d;
    int fd, rc;
    long tid;

    snprintf(path, sizeof(path), "%d/task", (int)pid);
    fd = openat(bd_procfs_fd(s->pf), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        s->st->vanished++;
        return 0;
    }
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        s->st->vanished++;
        return 0;
    }
    rc = add_thread(s, pid, pid);
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (is_number(de->d_name, &tid) && tid != pid)
            rc = add_thread(s, pid, (pid_t)tid);
    }
    closedir(d);
    return rc;
}

static int write_pl(struct snap *s)
{
    struct dirent *de;
    DIR *d;
    int fd, rc = 0;
    long pid;

    fd = openat(bd_procfs_fd(s->pf), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return fail(s, SK_E_IO, "cannot list %s: %s", bd_procfs_root(s->pf), strerror(errno));
    }
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (is_number(de->d_name, &pid))
            rc = add_process(s, (pid_t)pid);
    }
    closedir(d);
    if (rc == 0 && s->buf.len > 0)
        rc = sk_blk_write(s->w, SK_BT_PL_V9, &s->buf);
    return rc;
}

/* ---------------------------------------------------------------- FDL */

static int add_fd(void *ud, const struct sk_fdlist_entry *e)
{
    struct snap *s = ud;
    struct sk_fdlist_entry old;
    int rc;

    if (old_reader_fd_types && e->type > SK_FD_FILE_V2) {
        old = *e;
        if (e->type == SK_FD_MEMFD) {
            old.type = SK_FD_FILE_V2; /* as libscap's /proc scan wrote it before 2023-06 */
            old.open_flags = PPM_O_RDWR;
        } else {
            old.type = SK_FD_UNSUPPORTED;
        }
        e = &old;
    }
    rc = sk_blk_put_fd(&s->buf, e);

    if (rc != SK_OK) {
        s->werr = rc;
        return 1;
    }
    return 0;
}

static int write_fdl(struct snap *s)
{
    for (size_t i = 0; i < s->nleaders; i++) {
        pid_t pid = s->leaders[i];
        int n;

        sk_blkbuf_reset(&s->buf);
        sk_blk_fdl_begin(&s->buf, (uint64_t)pid);
        n = bd_proc_read_fds(s->pf, pid, add_fd, s);
        if (s->werr)
            return s->werr;
        if (n == BD_PROC_VANISHED) {
            /* its thread entries are already written: it just has no fds */
            sk_blkbuf_reset(&s->buf);
            continue;
        }
        if (n <= 0) {
            sk_blkbuf_reset(&s->buf);
            continue;
        }
        s->st->fds += (unsigned)n;
        n = sk_blk_write(s->w, SK_BT_FDL_V2, &s->buf);
        if (n != SK_OK)
            return n;
    }
    return 0;
}

/* ---------------------------------------------------------------- entry */

int bd_snapshot_write(struct sk_writer *w, struct bd_snapshot_stats *st, char *err, size_t errlen)
{
    struct bd_snapshot_stats dummy;
    struct snap s;
    int rc;

    memset(&s, 0, sizeof(s));
    s.w = w;
    s.st = st ? st : &dummy;
    s.err = err;
    s.errlen = errlen;
    memset(s.st, 0, sizeof(*s.st));
    if (err && errlen)
        err[0] = '\0';
    if (!w)
        return fail(&s, SK_E_INVAL, "no writer");
    rc = bd_procfs_open(&s.pf, "/proc");
    if (rc != 0)
        return fail(&s, SK_E_IO, "cannot open /proc: %s", strerror(-rc));
    s.td = malloc(sizeof(*s.td));
    if (!s.td) {
        rc = fail(&s, SK_E_NOMEM, "out of memory");
        goto out;
    }
    sk_blkbuf_init(&s.buf);

    rc = write_mi(&s);
    if (rc == 0)
        rc = write_il(&s);
    if (rc == 0)
        rc = write_ul(&s);
    if (rc == 0)
        rc = write_pl(&s);
    if (rc == 0)
        rc = write_fdl(&s);
    if (rc != 0 && err && errlen && err[0] == '\0')
        fail(&s, rc, "writing the snapshot: %s", sk_strerror(rc));
out:
    sk_blkbuf_free(&s.buf);
    free(s.td);
    free(s.leaders);
    bd_procfs_close(s.pf);
    return rc;
}
