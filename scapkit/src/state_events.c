/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State engine event handlers: what each system call event does to the
 * thread, fd, user and container tables (libsinsp semantics, see
 * docs/architecture.md "State engine").
 */
#include "state_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EINPROGRESS_NEG (-115)
#define PPM_AT_FDCWD (-100)
#define FCNTL_F_DUPFD 1
#define FCNTL_F_DUPFD_CLOEXEC 26
/* Children of a clone are created by the parent-side event unless this old. */
#define CLONE_RECENT_NS (2ull * 1000000000ull)

/* One event being processed, with the stored enter event as fallback. */
struct evctx {
    struct sk_state *st;
    const struct sk_event *ev;
    struct thread_entry *e;
    const struct stored_enter *enter; /* matching enter event or NULL */
    int64_t pending_close;            /* fd to remove after the event, or -1 */
    bool pending_exit;
    bool no_output_fd;
    int64_t output_fd_num; /* set by handlers that choose the event's fd, else -1 */
};

/* ------------------------------------------------------------ param access */

static bool raw_from_exit(const struct evctx *c, enum pname pn, const uint8_t **val,
                          uint32_t *len, uint8_t *type)
{
    int idx = c->st->pidx[c->ev->type][pn];

    if (idx < 0 || (uint32_t)idx >= c->ev->nparams || c->ev->param_len[idx] == 0)
        return false;
    *val = c->ev->param[idx];
    *len = c->ev->param_len[idx];
    *type = c->ev->info->params[idx].type;
    return true;
}

static bool raw_from_enter(const struct evctx *c, enum pname pn, const uint8_t **val,
                           uint32_t *len, uint8_t *type)
{
    const struct stored_enter *en = c->enter;
    int idx;

    if (!en)
        return false;
    idx = c->st->pidx[en->type][pn];
    if (idx < 0 || (uint32_t)idx >= en->nparams || en->len[idx] == 0)
        return false;
    *val = en->buf + en->off[idx];
    *len = en->len[idx];
    *type = sk_event_info(en->type)->params[idx].type;
    return true;
}

/* A parameter by name: the exit event's, else the stored enter event's. */
static bool param_raw(const struct evctx *c, enum pname pn, const uint8_t **val, uint32_t *len,
                      uint8_t *type)
{
    return raw_from_exit(c, pn, val, len, type) || raw_from_enter(c, pn, val, len, type);
}

static bool param_i64(const struct evctx *c, enum pname pn, int64_t *out)
{
    const uint8_t *val;
    uint32_t len;
    uint8_t type;

    return param_raw(c, pn, &val, &len, &type) && sk_param_value_i64(type, val, len, out);
}

static int64_t param_i64_or(const struct evctx *c, enum pname pn, int64_t dflt)
{
    int64_t v;
    return param_i64(c, pn, &v) ? v : dflt;
}

static bool is_na(const uint8_t *val, uint32_t len)
{
    return len >= 4 && memcmp(val, "<NA>", 4) == 0 && (len == 4 || val[4] == '\0');
}

/* A string parameter without its trailing NUL; "<NA>" counts as absent. */
static bool str_from(const uint8_t *val, uint32_t len, struct sk_str *out)
{
    if (is_na(val, len))
        return false;
    while (len && val[len - 1] == '\0')
        len--;
    out->p = (const char *)val;
    out->len = len;
    return true;
}

static bool param_str(const struct evctx *c, enum pname pn, struct sk_str *out)
{
    const uint8_t *val;
    uint32_t len;
    uint8_t type;

    if (raw_from_exit(c, pn, &val, &len, &type) && str_from(val, len, out))
        return true;
    return raw_from_enter(c, pn, &val, &len, &type) && str_from(val, len, out);
}

/* Enter copy preferred (TOCTOU): the path the process asked for. */
static bool param_str_enter_first(const struct evctx *c, enum pname pn, struct sk_str *out)
{
    const uint8_t *val;
    uint32_t len;
    uint8_t type;

    if (raw_from_enter(c, pn, &val, &len, &type) && str_from(val, len, out))
        return true;
    return raw_from_exit(c, pn, &val, &len, &type) && str_from(val, len, out);
}

/* Byte buffer (NUL-separated lists keep their NULs). */
static bool param_bytes(const struct evctx *c, enum pname pn, struct sk_str *out)
{
    const uint8_t *val;
    uint32_t len;
    uint8_t type;

    if (!param_raw(c, pn, &val, &len, &type))
        return false;
    out->p = (const char *)val;
    out->len = len;
    return true;
}

/* ------------------------------------------------------------ handler table */

struct handler_name {
    const char *name;
    enum handler h;
};

static const struct handler_name handler_names[] = {
    {"clone", H_CLONE},
    {"fork", H_CLONE},
    {"vfork", H_CLONE},
    {"clone3", H_CLONE},
    {"execve", H_EXECVE},
    {"execveat", H_EXECVE},
    {"procexit", H_PROCEXIT},
    {"open", H_OPEN},
    {"creat", H_OPEN},
    {"open_by_handle_at", H_OPEN},
    {"openat", H_OPENAT},
    {"openat2", H_OPENAT},
    {"socket", H_SOCKET},
    {"bind", H_BIND},
    {"connect", H_CONNECT},
    {"accept", H_ACCEPT},
    {"accept4", H_ACCEPT},
    {"sendto", H_SENDRECV_OUT},
    {"sendmsg", H_SENDRECV_OUT},
    {"send", H_SENDRECV_OUT},
    {"recvfrom", H_SENDRECV_IN},
    {"recvmsg", H_SENDRECV_IN},
    {"recv", H_SENDRECV_IN},
    {"close", H_CLOSE},
    {"dup", H_DUP},
    {"dup2", H_DUP},
    {"dup3", H_DUP},
    {"fcntl", H_FCNTL},
    {"pipe", H_PIPE},
    {"pipe2", H_PIPE},
    {"socketpair", H_SOCKETPAIR},
    {"eventfd", H_NEWFD_EVENT},
    {"eventfd2", H_NEWFD_EVENT},
    {"signalfd", H_NEWFD_SIGNALFD},
    {"signalfd4", H_NEWFD_SIGNALFD},
    {"timerfd_create", H_NEWFD_TIMERFD},
    {"inotify_init", H_NEWFD_INOTIFY},
    {"inotify_init1", H_NEWFD_INOTIFY},
    {"epoll_create", H_NEWFD_EPOLL},
    {"epoll_create1", H_NEWFD_EPOLL},
    {"bpf", H_NEWFD_BPF},
    {"userfaultfd", H_NEWFD_USERFAULTFD},
    {"io_uring_setup", H_NEWFD_IOURING},
    {"memfd_create", H_NEWFD_MEMFD},
    {"pidfd_open", H_NEWFD_PIDFD},
    {"chdir", H_CHDIR},
    {"fchdir", H_FCHDIR},
    {"chroot", H_CHROOT},
    {"setuid", H_SETUID},
    {"setgid", H_SETGID},
    {"setresuid", H_SETRESUID},
    {"setreuid", H_SETRESUID},
    {"setresgid", H_SETRESGID},
    {"setregid", H_SETRESGID},
    {"setsid", H_SETSID},
    {"useradded", H_USER_ADDED},
    {"groupadded", H_GROUP_ADDED},
    {"asyncevent", H_ASYNC},
};

/* Events that act on their (only) enter code. */
static bool handler_is_enter_only(enum handler h)
{
    switch (h) {
    case H_PROCEXIT:
    case H_CONTAINER_OLD:
    case H_CONTAINER_JSON:
    case H_ASYNC:
    case H_USER_ADDED:
    case H_GROUP_ADDED:
        return true;
    default:
        return false;
    }
}

enum handler st_handler_for(const struct sk_event_info *info, uint16_t code)
{
    enum handler h = H_NONE;

    if (!info || (info->flags & SK_EF_UNUSED))
        return H_NONE;
    if (strcmp(info->name, "container") == 0) {
        h = sk_event_param_index(info, "json") >= 0 ? H_CONTAINER_JSON : H_CONTAINER_OLD;
    } else {
        for (size_t i = 0; i < sizeof(handler_names) / sizeof(handler_names[0]); i++) {
            if (strcmp(info->name, handler_names[i].name) == 0) {
                h = handler_names[i].h;
                break;
            }
        }
    }
    if (h == H_NONE)
        return H_NONE;
    if (handler_is_enter_only(h))
        return h;
    return sk_event_is_enter(code) ? H_NONE : h;
}

/* ------------------------------------------------------------ helpers */

/* The process' cwd (main thread's), "" when unknown. */
static const char *process_cwd(struct sk_state *st, struct thread_entry *e)
{
    struct thread_entry *main = st_main_entry(st, e);

    if (main && main->own_cwd && main->own_cwd[0])
        return main->own_cwd;
    return "";
}

static struct fd_table *table_of(struct evctx *c)
{
    return st_fd_table(c->st, c->e, true);
}

/*
 * Put a new fd into the thread's table. Like libsinsp, which shows as fd.num
 * the fd an event added last, the event's fd becomes the new one: dup2(4, 1)
 * and fcntl(1, F_DUPFD, 10) = 11 show 1 and 11, pipe its second fd.
 */
static void put_new_fd(struct evctx *c, struct sk_fd *f)
{
    struct fd_table *t = table_of(c);

    if (!t)
        return;
    c->output_fd_num = f->num;
    st_fd_put(t, f);
}

/* Basename of a path (for comm fallbacks). */
static struct sk_str base_name(struct sk_str s)
{
    for (uint32_t i = s.len; i > 0; i--) {
        if (s.p[i - 1] == '/') {
            struct sk_str b = {s.p + i, s.len - i};
            return b;
        }
    }
    return s;
}

/* ------------------------------------------------------------ processes */

static void apply_cgroups(struct evctx *c, struct sk_thread *t)
{
    struct sk_str cg;

    if (param_bytes(c, PN_CGROUPS, &cg) && cg.len) {
        t->cgroups = st_blob(c->st, cg.p, cg.len);
        t->cgroups_len = cg.len;
        t->container = st_container_of_cgroups(c->st, cg.p, cg.len);
    }
}

/* Fields a clone/execve event carries for the new process image. */
static void apply_image_params(struct evctx *c, struct sk_thread *t)
{
    struct sk_str s;
    int64_t v;

    if (param_str(c, PN_EXE, &s))
        t->exe = st_intern(c->st, s.p, s.len);
    if (param_bytes(c, PN_ARGS, &s))
        t->args = st_join_args(c->st, s.p, s.len, &t->nargs);
    if (param_str(c, PN_COMM, &s))
        t->comm = st_intern(c->st, s.p, s.len);
    else if (param_str(c, PN_EXE, &s))
        t->comm = st_intern(c->st, base_name(s).p, base_name(s).len);
    if (param_i64(c, PN_FDLIMIT, &v))
        t->fdlimit = (uint64_t)v;
    apply_cgroups(c, t);
}

static void copy_identity(struct sk_thread *dst, const struct sk_thread *src)
{
    dst->comm = src->comm;
    dst->exe = src->exe;
    dst->exepath = src->exepath;
    dst->args = src->args;
    dst->root = src->root;
    dst->sid = src->sid;
    dst->vpgid = src->vpgid;
    dst->pgid = src->pgid;
    dst->tty = src->tty;
    dst->loginuid = src->loginuid;
    dst->uid = src->uid;
    dst->gid = src->gid;
    dst->cap_inheritable = src->cap_inheritable;
    dst->cap_permitted = src->cap_permitted;
    dst->cap_effective = src->cap_effective;
    dst->exe_writable = src->exe_writable;
    dst->exe_upper_layer = src->exe_upper_layer;
    dst->exe_lower_layer = src->exe_lower_layer;
    dst->exe_from_memfd = src->exe_from_memfd;
    dst->cgroups = src->cgroups;
    dst->cgroups_len = src->cgroups_len;
    dst->container = src->container;
    dst->fdlimit = src->fdlimit;
    dst->env = src->env;
    dst->env_len = src->env_len;
}

/* Create (or recreate) a child thread entry copying from a source thread. */
static struct thread_entry *make_child(struct evctx *c, int64_t child_tid,
                                       struct thread_entry *src, bool is_thread, uint32_t flags)
{
    struct sk_state *st = c->st;
    struct thread_entry *child;
    struct sk_thread *t;
    int64_t v;

    {
        struct thread_entry *old = st_thread_entry(st, child_tid);
        if (old) {
            /* the params read below must not come from the entry being dropped */
            if (c->enter == &old->enter)
                c->enter = NULL;
            if (c->e == old)
                c->e = NULL;
            if (src == old)
                src = NULL;
            st_thread_remove(st, child_tid);
        }
    }
    child = st_thread_new(st, child_tid);
    if (!child)
        return NULL;
    t = child->cur;
    if (src)
        copy_identity(t, src->cur);
    t->flags = flags;
    t->clone_ts = c->ev->ts;
    apply_image_params(c, t);
    if (param_i64(c, PN_UID, &v))
        t->uid = (uint32_t)v;
    if (param_i64(c, PN_GID, &v))
        t->gid = (uint32_t)v;
    if (is_thread) {
        struct thread_entry *src_main = src ? st_main_entry(st, src) : NULL;
        t->pid = src ? src->cur->pid : param_i64_or(c, PN_PID, child_tid);
        t->ptid = src ? src->cur->ptid : param_i64_or(c, PN_PTID, -1);
        t->flags |= CL_CLONE_THREAD | CL_CLONE_FILES;
        if (src_main)
            child->fds = st_fd_table_share(st_fd_table(st, src_main, true));
    } else {
        struct thread_entry *src_main = src ? st_main_entry(st, src) : NULL;
        t->pid = child_tid;
        t->ptid = src ? src->tid : param_i64_or(c, PN_PTID, -1);
        if (src_main) {
            struct fd_table *ft = st_fd_table(st, src_main, true);
            child->fds = (flags & CL_CLONE_FILES) ? st_fd_table_share(ft) : st_fd_table_copy(ft);
            child->own_cwd = src_main->own_cwd;
        }
    }
    t->vtid = child_tid;
    t->vpid = t->pid;
    t->is_main = t->pid == t->tid;
    if (!child->own_cwd || !child->own_cwd[0]) {
        struct sk_str cwd;
        if (t->is_main && param_str(c, PN_CWD, &cwd) && cwd.len)
            child->own_cwd = st_dir_with_slash(st, st_intern(st, cwd.p, cwd.len));
    }
    return child;
}

/* An invalid caller learns its ids from a clone/execve event. */
static void fill_invalid_caller(struct evctx *c)
{
    struct sk_thread *t;
    int64_t v;

    if (!c->e->cur->invalid)
        return;
    t = st_thread_mut(c->st, c->e);
    t->invalid = false;
    t->pid = param_i64_or(c, PN_PID, t->tid);
    t->ptid = param_i64_or(c, PN_PTID, -1);
    if (param_i64(c, PN_VTID, &v))
        t->vtid = v;
    if (param_i64(c, PN_VPID, &v))
        t->vpid = v;
    t->is_main = t->pid == t->tid;
}

static void on_clone_parent(struct evctx *c, int64_t child_tid, uint32_t flags)
{
    struct thread_entry *existing;
    int64_t vtid;

    fill_invalid_caller(c);
    if (flags & (CL_CHILD_IN_PIDNS | CL_CLONE_NEWPID | CL_CLONE_PARENT | CL_CLONE_VFORK))
        return;
    if (strcmp(c->ev->info->name, "vfork") == 0)
        return;
    if (param_i64(c, PN_VTID, &vtid) && vtid != c->e->tid)
        return;
    existing = st_thread_entry(c->st, child_tid);
    if (existing && (existing->cur->flags & CL_CLONE_INVERTED) &&
        c->ev->ts - existing->cur->clone_ts < CLONE_RECENT_NS)
        return;
    make_child(c, child_tid, c->e, (flags & CL_CLONE_THREAD) != 0, flags);
}

static void on_clone_child(struct evctx *c, uint32_t flags)
{
    struct sk_state *st = c->st;
    int64_t tid = c->ev->tid;
    struct thread_entry *existing = st_thread_entry(st, tid);
    struct thread_entry *src, *child;
    bool is_thread = (flags & CL_CLONE_THREAD) != 0;
    int64_t pid = param_i64_or(c, PN_PID, tid), ptid = param_i64_or(c, PN_PTID, -1), v;

    if (existing && !existing->cur->invalid && existing->cur->clone_ts &&
        c->ev->ts - existing->cur->clone_ts < CLONE_RECENT_NS) {
        c->e = existing;
        return;
    }
    src = st_thread_entry(st, is_thread ? pid : ptid);
    if (src && src->tid == tid)
        src = NULL;
    child = make_child(c, tid, src, is_thread, flags | CL_CLONE_INVERTED);
    if (!child) {
        c->e = NULL;
        return;
    }
    child->cur->pid = pid;
    child->cur->ptid = ptid;
    if (param_i64(c, PN_VTID, &v))
        child->cur->vtid = v;
    if (param_i64(c, PN_VPID, &v))
        child->cur->vpid = v;
    child->cur->is_main = pid == tid;
    c->e = child;
}

static void on_clone(struct evctx *c)
{
    int64_t res;
    uint32_t flags = (uint32_t)param_i64_or(c, PN_FLAGS, 0);

    if (!param_i64(c, PN_RES, &res) || res < 0)
        return;
    if (res == 0)
        on_clone_child(c, flags);
    else
        on_clone_parent(c, res, flags);
}

static void close_cloexec_fds(struct sk_state *st, struct thread_entry *e)
{
    struct fd_table *t = st_fd_table(st, e, false);

    if (!t)
        return;
    for (size_t i = 0; i < t->fds.cap; i++) {
        const struct sk_fd *f = t->fds.slots[i].val;
        if (f && (f->open_flags & O_PPM_CLOEXEC)) {
            sk_imap_del(&t->fds, f->num);
            i = (size_t)-1; /* deletion shifts slots: rescan */
        }
    }
}

static void remove_other_threads(struct sk_state *st, struct thread_entry *e)
{
    int64_t pid = e->cur->pid;
    bool again = true;

    while (again) {
        again = false;
        for (size_t i = 0; i < st->threads.cap; i++) {
            struct thread_entry *o = st->threads.slots[i].val;
            if (o && o != e && o->cur->pid == pid && !o->cur->invalid) {
                st_thread_remove(st, o->tid);
                again = true;
                break;
            }
        }
    }
}

static void on_execve(struct evctx *c)
{
    struct sk_state *st = c->st;
    struct sk_thread *t;
    struct sk_str s;
    int64_t res, v;

    if (!param_i64(c, PN_RES, &res) || res < 0)
        return;
    fill_invalid_caller(c);
    t = st_thread_mut(st, c->e);
    apply_image_params(c, t);
    if (param_bytes(c, PN_ENV, &s) && s.len) {
        t->env = st_blob(st, s.p, s.len);
        t->env_len = s.len;
    }
    if (param_i64(c, PN_TTY, &v))
        t->tty = (uint32_t)v;
    if (param_i64(c, PN_VPGID, &v))
        t->vpgid = v;
    if (param_i64(c, PN_PGID, &v))
        t->pgid = v;
    if (param_i64(c, PN_LOGINUID, &v))
        t->loginuid = (uint32_t)v;
    if (param_i64(c, PN_CAP_INH, &v))
        t->cap_inheritable = (uint64_t)v;
    if (param_i64(c, PN_CAP_PRM, &v))
        t->cap_permitted = (uint64_t)v;
    if (param_i64(c, PN_CAP_EFF, &v))
        t->cap_effective = (uint64_t)v;
    if (param_i64(c, PN_UID, &v))
        t->uid = (uint32_t)v;
    if (param_i64(c, PN_GID, &v))
        t->gid = (uint32_t)v;
    if (param_str(c, PN_TRUSTED_EXEPATH, &s) && s.len) {
        t->exepath = st_intern(st, s.p, s.len);
    } else if (param_str(c, PN_FILENAME, &s) && s.len) {
        t->exepath = st_resolve_path(st, process_cwd(st, c->e), s.p, s.len);
    } else if (param_str(c, PN_EXE, &s) && s.len && s.p[0] == '/') {
        t->exepath = st_intern(st, s.p, s.len);
    }
    t->flags |= CL_NAME_CHANGED;
    close_cloexec_fds(st, c->e);
    remove_other_threads(st, c->e);
}

/* Give the children of an exiting process a new parent. */
static void reparent_children(struct sk_state *st, int64_t dying_pid, int64_t reaper)
{
    for (size_t i = 0; i < st->threads.cap; i++) {
        struct thread_entry *o = st->threads.slots[i].val;
        if (o && o->cur->ptid == dying_pid && o->tid != dying_pid) {
            struct sk_thread *t = st_thread_mut(st, o);
            t->ptid = reaper;
        }
    }
}

static void on_procexit(struct evctx *c)
{
    int64_t reaper = param_i64_or(c, PN_REAPER_TID, 0);

    c->pending_exit = true;
    if (c->e->cur->is_main && reaper > 0 && st_thread_entry(c->st, reaper))
        reparent_children(c->st, c->e->tid, reaper);
}

/* ------------------------------------------------------------ files */

static const char *dirfd_dir(struct evctx *c, int64_t dirfd)
{
    const struct sk_fd *d;

    if (dirfd == PPM_AT_FDCWD)
        return process_cwd(c->st, c->e);
    d = st_fd_get(st_fd_table(c->st, c->e, false), dirfd);
    if (d && d->name && d->name[0])
        return d->name;
    return "<UNKNOWN>";
}

static void add_file_fd(struct evctx *c, int64_t fd, const char *dir, struct sk_str name,
                        uint32_t flags)
{
    struct sk_state *st = c->st;
    struct sk_fd *f = st_fd_alloc(st, fd, (flags & O_PPM_DIRECTORY) ? SK_FD_DIRECTORY
                                                                     : SK_FD_FILE);
    int64_t v;

    if (!f)
        return;
    if (dir && strcmp(dir, "<UNKNOWN>") == 0 && name.len && name.p[0] != '/') {
        char buf[4096];
        int n = snprintf(buf, sizeof(buf), "<UNKNOWN>/%.*s", (int)name.len, name.p);
        f->name = st_intern(st, buf, n > 0 ? (size_t)n : 0);
    } else {
        f->name = st_resolve_path(st, dir, name.p, name.len);
    }
    f->nameraw = st_intern(st, name.p, name.len);
    f->open_flags = flags;
    if (param_i64(c, PN_DEV, &v))
        f->dev = (uint32_t)v;
    if (param_i64(c, PN_INO, &v))
        f->ino = (uint64_t)v;
    put_new_fd(c, f);
}

static void on_open(struct evctx *c, bool at)
{
    struct sk_str name = {"", 0};
    int64_t fd;
    uint32_t flags = (uint32_t)param_i64_or(c, PN_FLAGS, 0);
    const char *dir;

    if (!param_i64(c, PN_FD, &fd) || fd < 0)
        return;
    if (!param_str_enter_first(c, PN_NAME, &name) && !param_str(c, PN_PATH, &name) &&
        !param_str(c, PN_PATHNAME, &name))
        name.len = 0;
    if (at)
        dir = dirfd_dir(c, param_i64_or(c, PN_DIRFD, PPM_AT_FDCWD));
    else
        dir = process_cwd(c->st, c->e);
    add_file_fd(c, fd, dir, name, flags);
}

static void on_new_fd(struct evctx *c, uint8_t type)
{
    int64_t fd;
    struct sk_fd *f;

    if (!param_i64(c, PN_RES, &fd) && !param_i64(c, PN_FD, &fd))
        return;
    if (fd < 0)
        return;
    f = st_fd_alloc(c->st, fd, type);
    if (!f)
        return;
    if (type == SK_FD_MEMFD) {
        struct sk_str name;
        if (param_str(c, PN_NAME, &name))
            f->name = st_intern(c->st, name.p, name.len);
    }
    put_new_fd(c, f);
}

static void on_pipe(struct evctx *c)
{
    int64_t res, fd1, fd2;
    uint64_t ino = (uint64_t)param_i64_or(c, PN_INO, 0);
    uint32_t flags = (uint32_t)param_i64_or(c, PN_FLAGS, 0);

    if (!param_i64(c, PN_RES, &res) || res < 0)
        return;
    if (!param_i64(c, PN_FD1, &fd1) || !param_i64(c, PN_FD2, &fd2))
        return;
    c->output_fd_num = fd2; /* libsinsp shows the second fd */
    for (int i = 0; i < 2; i++) {
        struct sk_fd *f = st_fd_alloc(c->st, i ? fd2 : fd1, SK_FD_FIFO);
        if (!f)
            return;
        f->ino = ino;
        f->open_flags = flags;
        put_new_fd(c, f);
    }
}

static void on_socketpair(struct evctx *c)
{
    int64_t res, fd1, fd2;
    uint64_t source = (uint64_t)param_i64_or(c, PN_SOURCE, 0);
    uint64_t peer = (uint64_t)param_i64_or(c, PN_PEER, 0);

    if (!param_i64(c, PN_RES, &res) || res < 0)
        return;
    if (!param_i64(c, PN_FD1, &fd1) || !param_i64(c, PN_FD2, &fd2))
        return;
    c->output_fd_num = fd2;
    for (int i = 0; i < 2; i++) {
        struct sk_fd *f = st_fd_alloc(c->st, i ? fd2 : fd1, SK_FD_UNIX_SOCK);
        if (!f)
            return;
        f->unix_source = i ? peer : source;
        f->unix_dest = i ? source : peer;
        put_new_fd(c, f);
    }
}

static void on_close(struct evctx *c, int64_t fd)
{
    int64_t res;

    if (param_i64(c, PN_RES, &res) && res < 0)
        return;
    c->pending_close = fd;
}

static void on_dup(struct evctx *c, int64_t oldfd)
{
    int64_t res;
    const struct sk_fd *old;
    struct sk_fd *copy;
    uint32_t flags = (uint32_t)param_i64_or(c, PN_FLAGS, 0);

    if (!param_i64(c, PN_RES, &res) || res < 0 || res == oldfd)
        return;
    old = st_fd_get(st_fd_table(c->st, c->e, false), oldfd);
    if (!old)
        return;
    copy = st_fd_clone(c->st, old, res);
    if (!copy)
        return;
    copy->open_flags &= ~O_PPM_CLOEXEC;
    if (strcmp(c->ev->info->name, "dup3") == 0 && (flags & O_PPM_CLOEXEC))
        copy->open_flags |= O_PPM_CLOEXEC;
    put_new_fd(c, copy);
}

static void on_fcntl(struct evctx *c, int64_t fd)
{
    int64_t res, cmd = param_i64_or(c, PN_CMD, -1);
    const struct sk_fd *old;
    struct sk_fd *copy;

    if (cmd != FCNTL_F_DUPFD && cmd != FCNTL_F_DUPFD_CLOEXEC)
        return;
    if (!param_i64(c, PN_RES, &res) || res < 0)
        return;
    old = st_fd_get(st_fd_table(c->st, c->e, false), fd);
    if (!old)
        return;
    copy = st_fd_clone(c->st, old, res);
    if (!copy)
        return;
    if (cmd == FCNTL_F_DUPFD_CLOEXEC)
        copy->open_flags |= O_PPM_CLOEXEC;
    else
        copy->open_flags &= ~O_PPM_CLOEXEC;
    put_new_fd(c, copy);
}

static void on_chdir(struct evctx *c, bool by_fd, int64_t fd)
{
    struct sk_state *st = c->st;
    struct thread_entry *main = st_main_entry(st, c->e);
    struct sk_str path;
    int64_t res;
    const char *dir;

    if (!param_i64(c, PN_RES, &res) || res < 0)
        return;
    if (!main)
        main = c->e;
    if (by_fd) {
        const struct sk_fd *f = st_fd_get(st_fd_table(st, c->e, false), fd);
        if (!f || !f->name || !f->name[0])
            return;
        dir = f->name;
    } else {
        if (!param_str(c, PN_PATH, &path))
            return;
        dir = st_resolve_path(st, process_cwd(st, c->e), path.p, path.len);
    }
    main->own_cwd = st_dir_with_slash(st, dir);
    st->tree_gen++;
}

/* ------------------------------------------------------------ sockets */

static uint8_t l4_of(int64_t type, int64_t proto)
{
    switch (proto) {
    case 6: return SK_L4_TCP;
    case 17: return SK_L4_UDP;
    case 1:
    case 58: return SK_L4_ICMP;
    case 255: return SK_L4_RAW;
    default: break;
    }
    switch (type & 0xf) {
    case 1: return SK_L4_TCP;
    case 2: return SK_L4_UDP;
    case 3: return SK_L4_RAW;
    default: return SK_L4_UNKNOWN;
    }
}

static void on_socket(struct evctx *c)
{
    int64_t fd, domain = param_i64_or(c, PN_DOMAIN, 0);
    int64_t type = param_i64_or(c, PN_TYPE, 0), proto = param_i64_or(c, PN_PROTO, 0);
    uint8_t fdtype;
    struct sk_fd *f;

    if (!param_i64(c, PN_FD, &fd) || fd < 0)
        return;
    switch (domain) {
    case AF_PPM_UNIX: fdtype = SK_FD_UNIX_SOCK; break;
    case AF_PPM_INET: fdtype = SK_FD_IPV4_SOCK; break;
    case AF_PPM_INET6: fdtype = SK_FD_IPV6_SOCK; break;
    case AF_PPM_NETLINK: fdtype = SK_FD_NETLINK; break;
    default: fdtype = SK_FD_UNSUPPORTED; break;
    }
    f = st_fd_alloc(c->st, fd, fdtype);
    if (!f)
        return;
    f->is_ipv6 = fdtype == SK_FD_IPV6_SOCK;
    if (fdtype == SK_FD_IPV4_SOCK || fdtype == SK_FD_IPV6_SOCK)
        f->l4proto = l4_of(type, proto);
    put_new_fd(c, f);
}

/* A parsed socket address or tuple. */
struct sockview {
    uint8_t family;
    bool v6;
    uint8_t sip[16], dip[16];
    uint16_t sport, dport;
    uint64_t usrc, udst;
    struct sk_str path;
};

static bool is_v4_mapped(const uint8_t *a)
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a, prefix, 12) == 0;
}

static bool parse_tuple(const uint8_t *v, uint32_t len, struct sockview *sv)
{
    memset(sv, 0, sizeof(*sv));
    if (len < 1)
        return false;
    sv->family = v[0];
    if (sv->family == AF_PPM_INET && len >= 13) {
        memcpy(sv->sip, v + 1, 4);
        sv->sport = sk_le16(v + 5);
        memcpy(sv->dip, v + 7, 4);
        sv->dport = sk_le16(v + 11);
        return true;
    }
    if (sv->family == AF_PPM_INET6 && len >= 37) {
        if (is_v4_mapped(v + 1) && is_v4_mapped(v + 19)) {
            sv->family = AF_PPM_INET;
            memcpy(sv->sip, v + 13, 4);
            memcpy(sv->dip, v + 31, 4);
        } else {
            sv->v6 = true;
            memcpy(sv->sip, v + 1, 16);
            memcpy(sv->dip, v + 19, 16);
        }
        sv->sport = sk_le16(v + 17);
        sv->dport = sk_le16(v + 35);
        return true;
    }
    if (sv->family == AF_PPM_UNIX && len >= 17) {
        sv->usrc = sk_le64(v + 1);
        sv->udst = sk_le64(v + 9);
        str_from(v + 17, len - 17, &sv->path);
        return true;
    }
    return false;
}

static bool parse_sockaddr(const uint8_t *v, uint32_t len, struct sockview *sv)
{
    memset(sv, 0, sizeof(*sv));
    if (len < 1)
        return false;
    sv->family = v[0];
    if (sv->family == AF_PPM_INET && len >= 7) {
        memcpy(sv->dip, v + 1, 4);
        sv->dport = sk_le16(v + 5);
        return true;
    }
    if (sv->family == AF_PPM_INET6 && len >= 19) {
        if (is_v4_mapped(v + 1)) {
            sv->family = AF_PPM_INET;
            memcpy(sv->dip, v + 13, 4);
        } else {
            sv->v6 = true;
            memcpy(sv->dip, v + 1, 16);
        }
        sv->dport = sk_le16(v + 17);
        return true;
    }
    if (sv->family == AF_PPM_UNIX) {
        str_from(v + 1, len - 1, &sv->path);
        return true;
    }
    return false;
}

static bool param_tuple(const struct evctx *c, struct sockview *sv)
{
    const uint8_t *val;
    uint32_t len;
    uint8_t type;

    return param_raw(c, PN_TUPLE, &val, &len, &type) && parse_tuple(val, len, sv);
}

static bool param_sockaddr(const struct evctx *c, struct sockview *sv)
{
    const uint8_t *val;
    uint32_t len;
    uint8_t type;

    return param_raw(c, PN_ADDR, &val, &len, &type) && parse_sockaddr(val, len, sv);
}

static void unix_name(struct sk_state *st, struct sk_fd *f, const struct sockview *sv)
{
    char buf[4400];
    int n = snprintf(buf, sizeof(buf), "%" PRIx64 "->%" PRIx64 " %.*s", sv->usrc, sv->udst,
                     (int)sv->path.len, sv->path.p);

    f->unix_source = sv->usrc;
    f->unix_dest = sv->udst;
    f->name = st_intern(st, buf, n > 0 ? (size_t)n : 0);
}

static bool is_zero_addr(const uint8_t *a, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (a[i])
            return false;
    }
    return true;
}

/*
 * Fill an IP socket fd from a tuple whose "local" and "remote" sides are
 * known; client/server follow the fd's role.
 */
static void set_endpoints(struct sk_state *st, struct sk_fd *f, const struct sockview *sv,
                          bool local_is_source)
{
    const uint8_t *lip = local_is_source ? sv->sip : sv->dip;
    const uint8_t *rip = local_is_source ? sv->dip : sv->sip;
    uint16_t lport = local_is_source ? sv->sport : sv->dport;
    uint16_t rport = local_is_source ? sv->dport : sv->sport;
    size_t alen = sv->v6 ? 16 : 4;

    f->is_ipv6 = sv->v6;
    f->type = sv->v6 ? SK_FD_IPV6_SOCK : SK_FD_IPV4_SOCK;
    f->typechar = sk_fd_typechar(f->type);
    memset(f->cip, 0, sizeof(f->cip));
    memset(f->sip, 0, sizeof(f->sip));
    if (is_zero_addr(lip, alen)) {
        /* an unbound local end shows the interface address that reaches remote */
        const uint8_t *ifaddr = st_local_addr_for(st, sv->v6, rip);
        if (ifaddr)
            lip = ifaddr;
    }
    f->has_tuple = true;
    if (f->role_server) {
        memcpy(f->sip, lip, alen);
        memcpy(f->cip, rip, alen);
        f->sport = lport;
        f->cport = rport;
    } else {
        memcpy(f->cip, lip, alen);
        memcpy(f->sip, rip, alen);
        f->cport = lport;
        f->sport = rport;
    }
    st_fd_name_tuple(st, f);
    st_fd_classify(st, f);
}

static struct sk_fd *socket_fd_for_update(struct evctx *c, int64_t fd, uint8_t family)
{
    const struct sk_fd *old = st_fd_get(st_fd_table(c->st, c->e, false), fd);

    if (old)
        return st_fd_clone(c->st, old, fd);
    return st_fd_alloc(c->st, fd,
                       family == AF_PPM_UNIX ? SK_FD_UNIX_SOCK
                                             : (family == AF_PPM_INET6 ? SK_FD_IPV6_SOCK
                                                                       : SK_FD_IPV4_SOCK));
}

static void on_bind(struct evctx *c, int64_t fd)
{
    struct sockview sv;
    struct sk_fd *f;
    int64_t res;

    if (!param_i64(c, PN_RES, &res) || res < 0 || !param_sockaddr(c, &sv))
        return;
    f = socket_fd_for_update(c, fd, sv.family);
    if (!f)
        return;
    if (sv.family == AF_PPM_UNIX) {
        f->name = st_intern(c->st, sv.path.p, sv.path.len);
        f->role_server = true;
    } else if ((sv.family == AF_PPM_INET || sv.family == AF_PPM_INET6) && sv.dport == 0) {
        /* port 0: the kernel picks one later; only the name changes */
        char name[96];
        st_format_endpoint(name, sizeof(name), sv.v6, sv.dip, 0);
        f->name = st_intern_cstr(c->st, name);
    } else if (sv.family == AF_PPM_INET || sv.family == AF_PPM_INET6) {
        char name[96];
        f->is_ipv6 = sv.v6;
        f->type = sv.v6 ? SK_FD_IPV6_SERVSOCK : SK_FD_IPV4_SERVSOCK;
        f->typechar = sk_fd_typechar(f->type);
        memset(f->sip, 0, sizeof(f->sip));
        memcpy(f->sip, sv.dip, sv.v6 ? 16 : 4);
        f->sport = sv.dport;
        f->is_server = true;
        f->role_server = true;
        f->has_tuple = true;
        st_format_endpoint(name, sizeof(name), sv.v6, f->sip, f->sport);
        f->name = st_intern_cstr(c->st, name);
    } else {
        return;
    }
    put_new_fd(c, f);
}

static void on_connect(struct evctx *c, int64_t fd)
{
    struct sockview sv;
    struct sk_fd *f;
    int64_t res;
    bool have_tuple;

    if (!param_i64(c, PN_RES, &res) || (res < 0 && res != EINPROGRESS_NEG))
        return;
    have_tuple = param_tuple(c, &sv);
    if (!have_tuple && !param_sockaddr(c, &sv))
        return;
    f = socket_fd_for_update(c, fd, sv.family);
    if (!f)
        return;
    if (sv.family == AF_PPM_UNIX) {
        unix_name(c->st, f, &sv);
    } else if (sv.family == AF_PPM_INET || sv.family == AF_PPM_INET6) {
        /* connect: source = local end, destination = remote end */
        if (!f->role_server)
            f->role_client = true;
        set_endpoints(c->st, f, &sv, true);
        if (f->l4proto == SK_L4_UNKNOWN)
            f->l4proto = SK_L4_TCP;
    } else {
        return;
    }
    put_new_fd(c, f);
}

static void on_accept(struct evctx *c)
{
    struct sockview sv;
    struct sk_fd *f;
    int64_t fd;

    if (!param_i64(c, PN_FD, &fd) || fd < 0 || !param_tuple(c, &sv))
        return;
    if (sv.family == AF_PPM_UNIX) {
        f = st_fd_alloc(c->st, fd, SK_FD_UNIX_SOCK);
        if (!f)
            return;
        f->role_server = true;
        unix_name(c->st, f, &sv);
    } else if (sv.family == AF_PPM_INET || sv.family == AF_PPM_INET6) {
        f = st_fd_alloc(c->st, fd, sv.v6 ? SK_FD_IPV6_SOCK : SK_FD_IPV4_SOCK);
        if (!f)
            return;
        f->role_server = true;
        f->l4proto = SK_L4_TCP;
        /* accept: source = remote client, destination = local server */
        set_endpoints(c->st, f, &sv, false);
    } else {
        return;
    }
    put_new_fd(c, f);
}

static void on_sendrecv(struct evctx *c, int64_t fd, bool outbound)
{
    const struct sk_fd *old = st_fd_get(st_fd_table(c->st, c->e, false), fd);
    struct sockview sv;
    struct sk_fd *f;

    if (old && old->l4proto == SK_L4_TCP && old->name && old->name[0])
        return;
    if (old && old->type != SK_FD_IPV4_SOCK && old->type != SK_FD_IPV6_SOCK &&
        old->type != SK_FD_IPV4_SERVSOCK && old->type != SK_FD_IPV6_SERVSOCK)
        return;
    if (!param_tuple(c, &sv) || (sv.family != AF_PPM_INET && sv.family != AF_PPM_INET6))
        return;
    f = old ? st_fd_clone(c->st, old, fd) : st_fd_alloc(c->st, fd, SK_FD_IPV4_SOCK);
    if (!f)
        return;
    if (f->l4proto == SK_L4_UNKNOWN)
        f->l4proto = SK_L4_UDP;
    if (!f->role_server && !f->role_client) {
        /* first datagram decides: who sends first is the client */
        f->role_client = outbound;
        f->role_server = !outbound;
    }
    /* send*: source = local; recv*: source = remote */
    set_endpoints(c->st, f, &sv, outbound);
    put_new_fd(c, f);
}

/* ------------------------------------------------------------ users, ids */

static void on_set_ids(struct evctx *c, bool is_uid, enum pname pn)
{
    int64_t res, id;
    struct sk_thread *t;

    if (!param_i64(c, PN_RES, &res) || res < 0)
        return;
    if (!param_i64(c, pn, &id) || (uint32_t)id == 0xffffffffu)
        return;
    t = st_thread_mut(c->st, c->e);
    if (is_uid)
        t->uid = (uint32_t)id;
    else
        t->gid = (uint32_t)id;
}

static void on_setsid(struct evctx *c)
{
    int64_t res;

    if (param_i64(c, PN_RES, &res) && res >= 0)
        st_thread_mut(c->st, c->e)->sid = res;
}

static void on_chroot(struct evctx *c)
{
    struct sk_str path;
    int64_t res;

    if (!param_i64(c, PN_RES, &res) || res < 0 || !param_str(c, PN_PATH, &path))
        return;
    st_thread_mut(c->st, c->e)->root =
        st_resolve_path(c->st, process_cwd(c->st, c->e), path.p, path.len);
}

static void copy_sk_str(char *dst, size_t size, const struct sk_str *s)
{
    size_t n = s->len < size - 1 ? s->len : size - 1;

    memcpy(dst, s->p, n);
    dst[n] = '\0';
}

static void on_container_old(struct evctx *c)
{
    struct sk_container_meta m;
    struct sk_str s;

    sk_container_meta_init(&m);
    if (!param_str(c, PN_ID, &s) || s.len == 0)
        return;
    copy_sk_str(m.id, 13, &s);
    if (s.len > 12)
        copy_sk_str(m.full_id, sizeof(m.full_id), &s);
    if (param_str(c, PN_NAME, &s))
        copy_sk_str(m.name, sizeof(m.name), &s);
    if (param_str(c, PN_IMAGE, &s))
        copy_sk_str(m.image, sizeof(m.image), &s);
    st_container_update(c->st, &m);
}

static void container_from_json(struct evctx *c, const struct sk_str *json)
{
    struct sk_container_meta m;

    if (sk_container_meta_from_json(json->p, json->len, &m) && strcmp(m.id, "host") != 0)
        st_container_update(c->st, &m);
}

static void on_container_json(struct evctx *c)
{
    struct sk_str json;

    if (param_str(c, PN_JSON, &json))
        container_from_json(c, &json);
}

static void on_async(struct evctx *c)
{
    struct sk_str name, data;

    if (!param_str(c, PN_NAME, &name) || !param_bytes(c, PN_DATA, &data))
        return;
    if (name.len == 9 && memcmp(name.p, "container", 9) == 0)
        container_from_json(c, &data);
}

static void param_cstr(const struct evctx *c, enum pname pn, char *buf, size_t size)
{
    struct sk_str s;

    buf[0] = '\0';
    if (param_str(c, pn, &s))
        copy_sk_str(buf, size, &s);
}

static void on_user_added(struct evctx *c)
{
    struct sk_str name = {"", 0}, home = {"", 0}, shell = {"", 0};
    char cid[80];
    int64_t uid;

    if (!param_i64(c, PN_UID, &uid) || !param_str(c, PN_NAME, &name))
        return;
    param_str(c, PN_HOME, &home);
    param_str(c, PN_SHELL, &shell);
    param_cstr(c, PN_CONTAINER_ID, cid, sizeof(cid));
    st_user_added(c->st, cid, (uint32_t)uid, &name, &home, &shell);
}

static void on_group_added(struct evctx *c)
{
    struct sk_str name;
    char cid[80];
    int64_t gid;

    if (!param_i64(c, PN_GID, &gid) || !param_str(c, PN_NAME, &name))
        return;
    param_cstr(c, PN_CONTAINER_ID, cid, sizeof(cid));
    st_group_added(c->st, cid, (uint32_t)gid, &name);
}

/* ------------------------------------------------------------ dispatch */

/* fd number an EF_USES_FD event works on, or false. */
static bool event_used_fd(const struct evctx *c, int64_t *fd)
{
    static const enum pname fd_params[] = {PN_FD, PN_OLDFD, PN_OUT_FD, PN_FD_IN, PN_FDOUT,
                                           PN_LINKDIRFD};

    for (size_t i = 0; i < sizeof(fd_params) / sizeof(fd_params[0]); i++) {
        if (param_i64(c, fd_params[i], fd))
            return true;
    }
    return false;
}

static bool is_meta_handler(enum handler h)
{
    return h == H_CONTAINER_OLD || h == H_CONTAINER_JSON || h == H_ASYNC ||
           h == H_USER_ADDED || h == H_GROUP_ADDED;
}

static void run_handler(struct evctx *c, enum handler h, int64_t used_fd)
{
    /* lookup-only events of unknown threads; only a clone child creates its own */
    if (!c->e && !is_meta_handler(h) && !(h == H_CLONE && param_i64_or(c, PN_RES, -1) == 0))
        return;
    switch (h) {
    case H_CLONE: on_clone(c); break;
    case H_EXECVE: on_execve(c); break;
    case H_PROCEXIT: on_procexit(c); break;
    case H_OPEN: on_open(c, false); break;
    case H_OPENAT: on_open(c, true); break;
    case H_SOCKET: on_socket(c); break;
    case H_BIND: on_bind(c, used_fd); break;
    case H_CONNECT: on_connect(c, used_fd); break;
    case H_ACCEPT: on_accept(c); break;
    case H_SENDRECV_OUT: on_sendrecv(c, used_fd, true); break;
    case H_SENDRECV_IN: on_sendrecv(c, used_fd, false); break;
    case H_CLOSE: on_close(c, used_fd); break;
    case H_DUP: on_dup(c, used_fd); break;
    case H_FCNTL: on_fcntl(c, used_fd); break;
    case H_PIPE: on_pipe(c); break;
    case H_SOCKETPAIR: on_socketpair(c); break;
    case H_NEWFD_EVENT: on_new_fd(c, SK_FD_EVENT); break;
    case H_NEWFD_SIGNALFD: on_new_fd(c, SK_FD_SIGNALFD); break;
    case H_NEWFD_TIMERFD: on_new_fd(c, SK_FD_TIMERFD); break;
    case H_NEWFD_INOTIFY: on_new_fd(c, SK_FD_INOTIFY); break;
    case H_NEWFD_EPOLL: on_new_fd(c, SK_FD_EVENTPOLL); break;
    case H_NEWFD_BPF: on_new_fd(c, SK_FD_BPF); break;
    case H_NEWFD_USERFAULTFD: on_new_fd(c, SK_FD_USERFAULTFD); break;
    case H_NEWFD_IOURING: on_new_fd(c, SK_FD_IOURING); break;
    case H_NEWFD_MEMFD: on_new_fd(c, SK_FD_MEMFD); break;
    case H_NEWFD_PIDFD: on_new_fd(c, SK_FD_PIDFD); break;
    case H_CHDIR: on_chdir(c, false, -1); break;
    case H_FCHDIR: on_chdir(c, true, used_fd); break;
    case H_CHROOT: on_chroot(c); break;
    case H_SETUID: on_set_ids(c, true, PN_UID); break;
    case H_SETGID: on_set_ids(c, false, PN_GID); break;
    case H_SETRESUID: on_set_ids(c, true, PN_EUID); break;
    case H_SETRESGID: on_set_ids(c, false, PN_EGID); break;
    case H_SETSID: on_setsid(c); break;
    case H_CONTAINER_OLD: on_container_old(c); break;
    case H_CONTAINER_JSON: on_container_json(c); break;
    case H_ASYNC: on_async(c); break;
    case H_USER_ADDED: on_user_added(c); break;
    case H_GROUP_ADDED: on_group_added(c); break;
    case H_NONE: break;
    }
}

static bool lookup_only_event(const struct sk_event_info *info, enum handler h)
{
    static const char *const names[] = {"switch", "signaldeliver", "page_fault", "procinfo",
                                        "drop", "cpu_hotplug", "notification", "infra"};

    if (h == H_PROCEXIT || (info->flags & SK_EF_SKIPPARSERESET))
        return true;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(info->name, names[i]) == 0)
            return true;
    }
    return false;
}

/* Enter-type events without an exit twin (switch, procexit, container ...). */
static bool is_enter_only_code(uint16_t type)
{
    const struct sk_event_info *exit_info;

    if (!sk_event_is_enter(type))
        return false;
    exit_info = sk_event_info((uint16_t)(type + 1));
    return !exit_info || (exit_info->flags & SK_EF_UNUSED);
}

/* Keep a copy of an enter event's params for its exit. */
static void store_enter(struct thread_entry *e, const struct sk_event *ev)
{
    struct stored_enter *en = &e->enter;
    uint32_t total = 0, off = 0;

    for (uint32_t i = 0; i < ev->nparams && i < SK_MAX_PARAMS; i++)
        total += ev->param_len[i];
    if (total > en->cap) {
        uint8_t *nb = realloc(en->buf, total);
        if (!nb) {
            en->type = 0xffff;
            return;
        }
        en->buf = nb;
        en->cap = total;
    }
    en->nparams = ev->nparams < SK_MAX_PARAMS ? ev->nparams : SK_MAX_PARAMS;
    for (uint32_t i = 0; i < en->nparams; i++) {
        if (ev->param_len[i])
            memcpy(en->buf + off, ev->param[i], ev->param_len[i]);
        en->off[i] = off;
        en->len[i] = ev->param_len[i];
        off += ev->param_len[i];
    }
    en->type = ev->type;
    en->ts = ev->ts;
}

/*
 * A generic exit whose own ID names nothing takes the name its enter gives
 * (old writers put the native syscall number only there).
 */
static const char *generic_name_from_enter(const struct stored_enter *en,
                                           const struct sk_event *ev)
{
    uint64_t id = 0;
    const char *name = NULL;

    if (sk_event_get_u64(ev, 0, &id) && id != 0 && sk_syscall_name((uint16_t)id))
        return NULL;
    if (en->nparams > 0 && en->len[0] == 2)
        name = sk_syscall_name(sk_le16(en->buf + en->off[0]));
    if ((!name || sk_le16(en->buf + en->off[0]) == 0) && en->nparams > 1 && en->len[1] == 2)
        name = sk_x86_64_syscall_name(sk_le16(en->buf + en->off[1]));
    return name;
}

/* The stored enter event that belongs to this exit, or NULL. */
static const struct stored_enter *matching_enter(const struct thread_entry *e, uint16_t type,
                                                 const struct sk_event_info *info)
{
    const struct stored_enter *en = &e->enter;
    const struct sk_event_info *ei;

    if (en->type == 0xffff)
        return NULL;
    if (en->type + 1 == type)
        return en;
    /* execve exits may follow an execveat enter (and old/new variants of each other) */
    ei = sk_event_info(en->type);
    if (ei && info && strcmp(info->name, "execve") == 0 &&
        (strcmp(ei->name, "execve") == 0 || strcmp(ei->name, "execveat") == 0))
        return en;
    return NULL;
}

/*
 * The fd view of an fd-creating exit that failed: fd.num -1, and for the
 * open family the path the process asked for (libsinsp shows it).
 */
static const struct sk_fd *failed_creator_fd(struct evctx *c)
{
    enum handler h = (enum handler)c->st->handler[c->ev->type];
    struct sk_str name;
    struct sk_fd *f;
    const char *dir;

    f = st_fd_alloc(c->st, -1, SK_FD_UNINITIALIZED);
    if (!f)
        return NULL;
    f->typechar = 0;
    f->name = NULL;
    f->nameraw = NULL;
    if (h == H_ACCEPT) {
        struct sockview sv;
        /* the event's (empty) tuple, as readers print an empty one */
        f->name = param_tuple(c, &sv) ? NULL : "NULL";
        return f;
    }
    if ((h == H_OPEN || h == H_OPENAT) &&
        (param_str_enter_first(c, PN_NAME, &name) || param_str(c, PN_PATH, &name) ||
         param_str(c, PN_PATHNAME, &name))) {
        if (h == H_OPENAT)
            dir = dirfd_dir(c, param_i64_or(c, PN_DIRFD, PPM_AT_FDCWD));
        else
            dir = process_cwd(c->st, c->e);
        f->name = st_resolve_path(c->st, dir, name.p, name.len);
        f->nameraw = st_intern(c->st, name.p, name.len);
    }
    return f;
}

static const struct sk_fd *output_fd(struct evctx *c, bool uses_fd, int64_t used_fd)
{
    const struct sk_event_info *info = c->ev->info;
    int64_t fd;

    if (c->no_output_fd || !c->e)
        return NULL;
    if (c->output_fd_num >= 0) {
        fd = c->output_fd_num;
    } else if (uses_fd) {
        fd = used_fd;
    } else if ((info->flags & SK_EF_CREATES_FD) && !sk_event_is_enter(c->ev->type)) {
        if (!param_i64(c, PN_RES, &fd) && !param_i64(c, PN_FD, &fd))
            return NULL;
        if (fd < 0)
            return failed_creator_fd(c);
    } else {
        return NULL;
    }
    {
        const struct sk_fd *f = st_fd_get(st_fd_table(c->st, c->e, false), fd);
        return f ? f : st_fd_unknown(c->st, fd);
    }
}

static void finish_event(struct evctx *c)
{
    if (c->pending_close >= 0 && c->e) {
        struct fd_table *t = st_fd_table(c->st, c->e, false);
        if (t)
            sk_imap_del(&t->fds, c->pending_close);
    }
    if (c->pending_exit && c->e) {
        st_thread_remove(c->st, c->e->tid);
        c->e = NULL;
    }
}

void sk_state_process(struct sk_state *st, const struct sk_event *ev, struct sk_evt_state *out)
{
    struct evctx c = {st, ev, NULL, NULL, -1, false, false, -1};
    enum handler h;
    bool uses_fd = false, enter;
    int64_t used_fd = -1;

    memset(out, 0, sizeof(*out));
    st->fresh_section = false;
    if (!ev->info || ev->type >= SK_EVENT_MAX) {
        c.e = st_thread_entry(st, ev->tid);
        out->thread = c.e ? st_thread_view(st, c.e) : NULL;
        return;
    }
    h = (enum handler)st->handler[ev->type];
    enter = sk_event_is_enter(ev->type) && !is_enter_only_code(ev->type);
    if (is_meta_handler(h)) {
        run_handler(&c, h, -1);
        c.e = st_thread_entry(st, ev->tid);
        out->thread = c.e ? st_thread_view(st, c.e) : NULL;
        return;
    }
    c.e = st_thread_entry(st, ev->tid);
    /* switch, procexit, procinfo... only look threads up (libsinsp creates no placeholder) */
    if (!c.e && !lookup_only_event(ev->info, h) &&
        !(h == H_CLONE && param_i64_or(&c, PN_RES, -1) == 0))
        c.e = st_thread_placeholder(st, ev->tid);
    if (c.e && !enter) {
        c.enter = matching_enter(c.e, ev->type, ev->info);
        if (c.enter && c.enter->ts <= ev->ts)
            out->latency_ns = ev->ts - c.enter->ts;
    }
    if (ev->info->flags & SK_EF_USES_FD) {
        uses_fd = true;
        /*
         * No fd param: an enter event without one means -1; an exit whose
         * enter is not in the file gets the converter's default, 0.
         */
        if (!event_used_fd(&c, &used_fd))
            used_fd = c.enter ? -1 : 0;
    }
    if (enter) {
        if (c.e)
            store_enter(c.e, ev);
    } else {
        run_handler(&c, h, used_fd);
    }
    out->thread = c.e ? st_thread_view(st, c.e) : NULL;
    out->fd = output_fd(&c, uses_fd, used_fd);
    if (ev->type == 1 && c.enter && c.enter->type == 0)
        out->type_name = generic_name_from_enter(c.enter, ev);
    if (!enter && c.e && !sk_event_is_enter(ev->type))
        c.e->enter.type = 0xffff;
    finish_event(&c);
}
