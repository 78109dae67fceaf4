/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-agent: one thread from /proc/<pid>/task/<tid> as a PL_V9 entry,
 * filled the way libscap's /proc scan fills it (see docs/agent.md).
 */
#define _GNU_SOURCE
#include "procfs_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define PPM_CL_CLONE_FILES  (1u << 0)
#define PPM_CL_CLONE_THREAD (1u << 13)
#define PF_KTHREAD          0x00200000ul
#define NS_PER_S            1000000000ull

/* ---------------------------------------------------------------- helpers */

ssize_t bd_read_file_at(int dirfd, const char *path, char *buf, size_t cap)
{
    size_t got = 0;
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return -errno;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    return (ssize_t)got;
}

/* readlinkat into buf (NUL-terminated, cut to cap - 1); returns the length or -errno. */
static ssize_t read_link_at(int dirfd, const char *path, char *buf, size_t cap)
{
    ssize_t n = readlinkat(dirfd, path, buf, cap - 1);

    if (n < 0) {
        buf[0] = '\0';
        return -errno;
    }
    buf[n] = '\0';
    return n;
}

static struct sk_str mkstr(const char *p, size_t len)
{
    struct sk_str s = {p, (uint32_t)len};
    return s;
}

/* Last unsigned number of a "Key:\tA\tB\tC" status line. */
static bool last_u64(const char *v, uint64_t *out)
{
    bool found = false;
    char *end;

    for (;;) {
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v < '0' || *v > '9')
            return found;
        *out = strtoull(v, &end, 10);
        found = true;
        v = end;
    }
}

/* The n-th (0-based) unsigned number of a status line value. */
static bool nth_u64(const char *v, int n, uint64_t *out)
{
    char *end;

    for (int i = 0; i <= n; i++) {
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v < '0' || *v > '9')
            return false;
        *out = strtoull(v, &end, 10);
        v = end;
    }
    return true;
}

/* ---------------------------------------------------------------- context */

/* Finds the cgroup2 mount point in /proc/self/mountinfo. */
static void find_cgroup2(struct bd_procfs *pf)
{
    char line[4096];
    FILE *f;

    snprintf(line, sizeof(line), "%s/self/mountinfo", pf->root);
    f = fopen(line, "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *sep = strstr(line, " - ");
        char mnt[512];

        if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
            continue;
        /* id parent maj:min root mountpoint ... */
        if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1) {
            snprintf(pf->cg2_mount, sizeof(pf->cg2_mount), "%s", mnt);
            break;
        }
    }
    fclose(f);
}

/* Reads <cg2 mount><path>/cgroup.controllers into buf (space-separated, no newline). */
static bool read_controllers(const struct bd_procfs *pf, const char *path, char *buf, size_t cap)
{
    char file[2048];
    ssize_t n;

    snprintf(file, sizeof(file), "%s%s/cgroup.controllers", pf->cg2_mount,
             strcmp(path, "/") == 0 ? "" : path);
    n = bd_read_file_at(AT_FDCWD, file, buf, cap - 1);
    if (n < 0)
        return false;
    buf[n] = '\0';
    if (n > 0 && buf[n - 1] == '\n')
        buf[n - 1] = '\0';
    return true;
}

int bd_procfs_open(struct bd_procfs **out, const char *proc_root)
{
    struct bd_procfs *pf = calloc(1, sizeof(*pf));

    *out = NULL;
    if (!pf)
        return -ENOMEM;
    snprintf(pf->root, sizeof(pf->root), "%s", proc_root ? proc_root : "/proc");
    pf->root_fd = open(pf->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pf->root_fd < 0) {
        int e = errno;
        free(pf);
        return -e;
    }
    find_cgroup2(pf);
    if (pf->cg2_mount[0] &&
        !read_controllers(pf, "/", pf->cg2_root_ctrls, sizeof(pf->cg2_root_ctrls)))
        pf->cg2_mount[0] = '\0';
    *out = pf;
    return 0;
}

void bd_procfs_close(struct bd_procfs *pf)
{
    if (!pf)
        return;
    bd_procfs_fd_free(pf);
    close(pf->root_fd);
    free(pf);
}

const char *bd_procfs_root(const struct bd_procfs *pf)
{
    return pf->root;
}

int bd_procfs_fd(const struct bd_procfs *pf)
{
    return pf->root_fd;
}

/* ---------------------------------------------------------------- cgroups */

struct cgbuf {
    char *p;
    size_t len, cap;
};

/* Appends "subsys=path\0" if it fits. */
static void cg_add(struct cgbuf *cb, const char *subsys, size_t slen, const char *path)
{
    size_t plen = strlen(path), need = slen + 1 + plen + 1;

    if (cb->len + need > cb->cap)
        return;
    memcpy(cb->p + cb->len, subsys, slen);
    cb->p[cb->len + slen] = '=';
    memcpy(cb->p + cb->len + slen + 1, path, plen + 1);
    cb->len += need;
}

static bool word_in(const char *list, const char *w, size_t wlen)
{
    const char *p = list;

    while (*p) {
        size_t n;
        while (*p == ' ')
            p++;
        n = strcspn(p, " ");
        if (n == wlen && memcmp(p, w, n) == 0)
            return true;
        p += n;
    }
    return false;
}

/*
 * cgroup v2: each controller is listed with the deepest cgroup (walking up
 * from the thread's) whose cgroup.controllers has it, like libscap.
 */
static void cg_resolve_v2(const struct bd_procfs *pf, const char *cgpath, struct cgbuf *cb)
{
    char path[1024], ctrls[512], found[512] = "";
    size_t flen = 0;

    snprintf(path, sizeof(path), "%s", cgpath);
    for (;;) {
        if (read_controllers(pf, path, ctrls, sizeof(ctrls))) {
            for (const char *c = ctrls; *c;) {
                size_t n;
                while (*c == ' ')
                    c++;
                n = strcspn(c, " ");
                if (n && !word_in(found, c, n) && flen + n + 2 < sizeof(found)) {
                    cg_add(cb, c, n, path);
                    memcpy(found + flen, c, n);
                    flen += n;
                    found[flen++] = ' ';
                    found[flen] = '\0';
                }
                c += n;
            }
        }
        if (strcmp(path, "/") == 0 || path[0] != '/')
            break;
        /* stop once every root controller is placed */
        {
            bool all = true;
            for (const char *c = pf->cg2_root_ctrls; *c && all;) {
                size_t n;
                while (*c == ' ')
                    c++;
                n = strcspn(c, " ");
                if (n && !word_in(found, c, n))
                    all = false;
                c += n;
            }
            if (all)
                break;
        }
        {
            char *slash = strrchr(path, '/');
            if (slash == path)
                slash[1] = '\0';
            else
                *slash = '\0';
        }
    }
}

/* /proc/<tid>/cgroup as "subsys=path\0..." (v1 lines per controller, v2 resolved). */
static size_t read_cgroups(const struct bd_procfs *pf, int dirfd, char *out, size_t cap)
{
    char buf[16384];
    struct cgbuf cb = {out, 0, cap};
    ssize_t n = bd_read_file_at(dirfd, "cgroup", buf, sizeof(buf) - 1);
    char *line, *save = NULL;

    if (n <= 0)
        return 0;
    buf[n] = '\0';
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':'), *c2, *subs;
        if (!c1 || !(c2 = strchr(c1 + 1, ':')))
            continue;
        *c2 = '\0';
        subs = c1 + 1;
        if (*subs == '\0') {
            /* v2 unified hierarchy "0::/path" */
            if (pf->cg2_mount[0] && c1 - line == 1 && line[0] == '0')
                cg_resolve_v2(pf, c2 + 1, &cb);
            continue;
        }
        while (*subs) {
            size_t sl = strcspn(subs, ",");
            if (sl)
                cg_add(&cb, subs, sl, c2 + 1);
            subs += sl;
            if (*subs == ',')
                subs++;
        }
    }
    return cb.len;
}

/* ---------------------------------------------------------------- thread */

struct stat_fields {
    char state;
    uint64_t pgrp, session, tty, flags, minflt, majflt;
};

static int parse_stat(int dirfd, struct stat_fields *sf)
{
    char buf[2048];
    ssize_t n = bd_read_file_at(dirfd, "stat", buf, sizeof(buf) - 1);
    unsigned long long pgrp, session, tty, flags, minflt, majflt;
    const char *p;

    if (n <= 0)
        return -1;
    buf[n] = '\0';
    p = strrchr(buf, ')');
    if (!p)
        return -1;
    if (sscanf(p + 2, "%c %*d %llu %llu %llu %*d %llu %llu %*u %llu", &sf->state, &pgrp, &session,
               &tty, &flags, &minflt, &majflt) != 7)
        return -1;
    sf->pgrp = pgrp;
    sf->session = session;
    sf->tty = tty;
    sf->flags = flags;
    sf->minflt = minflt;
    sf->majflt = majflt;
    return 0;
}

static uint64_t hex_u64(const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    return strtoull(v, NULL, 16);
}

/* Fields of /proc/<tid>/status. */
static int parse_status(int dirfd, struct bd_thread_data *td)
{
    struct sk_threadinfo *ti = &td->ti;
    char buf[8192], *line, *save = NULL;
    ssize_t n = bd_read_file_at(dirfd, "status", buf, sizeof(buf) - 1);
    uint64_t v;
    bool have_tgid = false;

    if (n <= 0)
        return -1;
    buf[n] = '\0';
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *val = strchr(line, ':');
        if (!val)
            continue;
        *val++ = '\0';
        if (strcmp(line, "Tgid") == 0 && last_u64(val, &v)) {
            ti->pid = v;
            have_tgid = true;
        } else if (strcmp(line, "PPid") == 0 && last_u64(val, &v)) {
            ti->ptid = v;
        } else if (strcmp(line, "Uid") == 0 && nth_u64(val, 1, &v)) {
            ti->uid = (uint32_t)v; /* effective, as libscap */
        } else if (strcmp(line, "Gid") == 0 && nth_u64(val, 1, &v)) {
            ti->gid = (uint32_t)v;
        } else if (strcmp(line, "NSpid") == 0 && last_u64(val, &v)) {
            ti->vtid = (int64_t)v;
        } else if (strcmp(line, "NStgid") == 0 && last_u64(val, &v)) {
            ti->vpid = (int64_t)v;
        } else if (strcmp(line, "NSpgid") == 0 && last_u64(val, &v)) {
            ti->vpgid = v;
        } else if (strcmp(line, "Threads") == 0 && last_u64(val, &v)) {
            td->nthreads = (unsigned)v;
        } else if (strcmp(line, "VmSize") == 0 && nth_u64(val, 0, &v)) {
            ti->vmsize_kb = (uint32_t)v;
        } else if (strcmp(line, "VmRSS") == 0 && nth_u64(val, 0, &v)) {
            ti->vmrss_kb = (uint32_t)v;
        } else if (strcmp(line, "VmSwap") == 0 && nth_u64(val, 0, &v)) {
            ti->vmswap_kb = (uint32_t)v;
        } else if (strcmp(line, "CapInh") == 0) {
            ti->cap_inheritable = hex_u64(val);
        } else if (strcmp(line, "CapPrm") == 0) {
            ti->cap_permitted = hex_u64(val);
        } else if (strcmp(line, "CapEff") == 0) {
            ti->cap_effective = hex_u64(val);
        }
    }
    return have_tgid ? 0 : -1;
}

/* Splits cmdline into exe (argv[0]) and args (argv[1..], each NUL-terminated). */
static void set_exe_args(struct bd_thread_data *td, size_t len)
{
    struct sk_threadinfo *ti = &td->ti;
    size_t exe_len = strnlen(td->cmdline, len);

    ti->exe = mkstr(td->cmdline, exe_len > SK_BLK_MAX_PATH ? SK_BLK_MAX_PATH : exe_len);
    if (exe_len + 1 >= len) {
        ti->args = mkstr("", 0);
        return;
    }
    /* make sure the last argument is terminated (cmdline may be cut) */
    if (td->cmdline[len - 1] != '\0')
        td->cmdline[len++] = '\0';
    ti->args = mkstr(td->cmdline + exe_len + 1, len - exe_len - 1);
}

/* Approximates libscap's "could this uid/gid write the executable" check. */
static bool exe_writable(const struct stat *st, uint32_t uid, uint32_t gid)
{
    if (uid == 0 || st->st_uid == uid)
        return true;
    if (st->st_gid == gid && (st->st_mode & S_IWGRP))
        return true;
    return (st->st_mode & S_IWOTH) != 0;
}

static void thread_defaults(struct bd_thread_data *td)
{
    struct sk_threadinfo *ti = &td->ti;
    static const struct sk_str empty = {"", 0};

    memset(ti, 0, sizeof(*ti));
    ti->comm = ti->exe = ti->exepath = ti->args = ti->cwd = empty;
    ti->env = ti->cgroups = ti->root = empty;
    ti->vtid = ti->vpid = -1;
    ti->vpgid = UINT64_MAX;
    ti->loginuid = UINT32_MAX;
    ti->fdlimit = UINT64_MAX;
    ti->pgid = -1;
    td->nthreads = 1;
}

static int open_task_dir(const struct bd_procfs *pf, pid_t pid, pid_t tid)
{
    char path[64];

    snprintf(path, sizeof(path), "%d/task/%d", (int)pid, (int)tid);
    return openat(pf->root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Reads the rest once the thread is known to be a live user thread. */
static void read_thread_files(struct bd_procfs *pf, int dfd, pid_t tid, struct bd_thread_data *td,
                              bool *no_cmdline, bool *no_exe)
{
    struct sk_threadinfo *ti = &td->ti;
    struct rlimit rl;
    struct stat st;
    ssize_t n;

    n = bd_read_file_at(dfd, "comm", td->comm, sizeof(td->comm) - 1);
    if (n > 0 && td->comm[n - 1] == '\n')
        n--;
    ti->comm = mkstr(td->comm, n > 0 ? (size_t)n : 0);

    n = bd_read_file_at(dfd, "cmdline", td->cmdline, sizeof(td->cmdline) - 1);
    *no_cmdline = n <= 0;
    set_exe_args(td, n > 0 ? (size_t)n : 0);

    n = read_link_at(dfd, "exe", td->exepath, sizeof(td->exepath));
    *no_exe = n < 0;
    ti->exepath = mkstr(td->exepath, n > 0 ? (size_t)n : 0);
    ti->exe_from_memfd = n > 0 && strncmp(td->exepath, "/memfd:", 7) == 0;

    n = bd_read_file_at(dfd, "environ", td->env, SK_BLK_MAX_LIST + 1);
    if (n > 0 && td->env[n - 1] != '\0')
        td->env[n++] = '\0';
    ti->env = mkstr(td->env, n > 0 ? (size_t)n : 0);

    n = read_link_at(dfd, "cwd", td->cwd, sizeof(td->cwd));
    ti->cwd = mkstr(td->cwd, n > 0 ? (size_t)n : 0);
    n = read_link_at(dfd, "root", td->root, sizeof(td->root));
    ti->root = mkstr(td->root, n > 0 ? (size_t)n : 0);

    ti->cgroups = mkstr(td->cgroups, read_cgroups(pf, dfd, td->cgroups, SK_BLK_MAX_LIST));

    if (prlimit(tid, RLIMIT_NOFILE, NULL, &rl) == 0)
        ti->fdlimit = rl.rlim_cur;

    {
        char buf[32];
        n = bd_read_file_at(dfd, "loginuid", buf, sizeof(buf) - 1);
        if (n > 0) {
            buf[n] = '\0';
            ti->loginuid = (uint32_t)strtoul(buf, NULL, 10);
        }
    }

    if (fstatat(dfd, "root/proc/1/cmdline", &st, 0) == 0)
        ti->pidns_init_start_ts = (uint64_t)st.st_ctim.tv_sec * NS_PER_S + st.st_ctim.tv_nsec;

    if (!*no_exe && fstatat(dfd, "exe", &st, 0) == 0) {
        ti->exe_ino = st.st_ino;
        ti->exe_ino_ctime = (uint64_t)st.st_ctim.tv_sec * NS_PER_S + st.st_ctim.tv_nsec;
        ti->exe_ino_mtime = (uint64_t)st.st_mtim.tv_sec * NS_PER_S + st.st_mtim.tv_nsec;
        ti->exe_writable = exe_writable(&st, ti->uid, ti->gid);
    }
}

int bd_proc_read_thread(struct bd_procfs *pf, pid_t pid, pid_t tid, struct bd_thread_data *td)
{
    struct sk_threadinfo *ti = &td->ti;
    struct stat_fields sf;
    bool no_cmdline, no_exe;
    int dfd;

    thread_defaults(td);
    dfd = open_task_dir(pf, pid, tid);
    if (dfd < 0)
        return BD_PROC_VANISHED;
    if (parse_stat(dfd, &sf) != 0 || parse_status(dfd, td) != 0) {
        close(dfd);
        return BD_PROC_VANISHED;
    }
    if (sf.flags & PF_KTHREAD) {
        close(dfd);
        return BD_PROC_SKIP;
    }
    /* a zombie leader is kept while other threads of its group live */
    if ((sf.state == 'Z' || sf.state == 'X') && !(tid == pid && td->nthreads > 1)) {
        close(dfd);
        return BD_PROC_SKIP;
    }
    ti->tid = (uint64_t)tid;
    if (ti->vtid < 0)
        ti->vtid = tid;
    if (ti->vpid < 0)
        ti->vpid = (int64_t)ti->pid;
    ti->sid = sf.session;
    ti->pgid = (int64_t)sf.pgrp;
    if (ti->vpgid == UINT64_MAX)
        ti->vpgid = sf.pgrp;
    ti->tty = (uint32_t)sf.tty;
    ti->pfmajor = sf.majflt;
    ti->pfminor = sf.minflt;
    ti->flags = ti->tid == ti->pid ? 0 : PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES;

    read_thread_files(pf, dfd, tid, td, &no_cmdline, &no_exe);

    /* everything unreadable: it exited meanwhile (or became a zombie) */
    if (no_cmdline && no_exe && !(tid == pid && td->nthreads > 1) &&
        (parse_stat(dfd, &sf) != 0 || sf.state == 'Z')) {
        close(dfd);
        return BD_PROC_VANISHED;
    }
    close(dfd);
    return 0;
}
