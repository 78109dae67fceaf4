/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State engine core: tables, versions, metadata blocks and the per-event
 * entry point. The event handlers live in state_events.c.
 *
 * Versioning: a thread or fd view handed to a caller is never modified.
 * A thread entry's current version may be changed in place only while no one
 * has seen it (entry->published false); otherwise a copy is made. fd views
 * are always copied on change because fd tables share them after fork.
 */
#include "state_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ strings */

const char *st_intern(struct sk_state *st, const char *s, size_t len)
{
    const char *r = sk_strpool_intern(&st->strings, s ? s : "", s ? len : 0);
    return r ? r : "";
}

const char *st_intern_cstr(struct sk_state *st, const char *s)
{
    return st_intern(st, s, s ? strlen(s) : 0);
}

/* Copy of a binary blob (NUL-separated lists) into the version arena. */
const char *st_blob(struct sk_state *st, const char *p, size_t len)
{
    char *copy;

    if (!p || !len)
        return "";
    copy = sk_arena_alloc(&st->versions, len + 1);
    if (!copy)
        return "";
    memcpy(copy, p, len);
    copy[len] = '\0';
    return copy;
}

/*
 * argv[1..] as NUL-terminated strings -> space-joined, interned; *nargs
 * gets the argument count (empty arguments count, as in libsinsp).
 */
const char *st_join_args(struct sk_state *st, const char *p, size_t len, uint32_t *nargs)
{
    char stackbuf[4096] = "";
    char *buf = stackbuf;
    const char *r;
    uint32_t count = 0;

    for (size_t i = 0; i < len; i++)
        count += p[i] == '\0';
    if (len && p[len - 1] != '\0')
        count++; /* unterminated last argument */
    *nargs = count;
    if (len && p[len - 1] == '\0')
        len--;
    if (len >= sizeof(stackbuf)) {
        buf = malloc(len + 1);
        if (!buf)
            return "";
    }
    for (size_t i = 0; i < len; i++)
        buf[i] = p[i] ? p[i] : ' ';
    r = st_intern(st, buf, len);
    if (buf != stackbuf)
        free(buf);
    return r;
}

/* Normalise an absolute path: collapse "//", resolve "." and "..". */
static size_t normalize_path(char *path, size_t len)
{
    size_t out = 0, in = 0;

    while (in < len) {
        size_t seg_start, seg_len;

        while (in < len && path[in] == '/')
            in++;
        seg_start = in;
        while (in < len && path[in] != '/')
            in++;
        seg_len = in - seg_start;
        if (seg_len == 0)
            break;
        if (seg_len == 1 && path[seg_start] == '.')
            continue;
        if (seg_len == 2 && path[seg_start] == '.' && path[seg_start + 1] == '.') {
            while (out > 0 && path[out - 1] != '/')
                out--;
            if (out > 0)
                out--;
            continue;
        }
        path[out++] = '/';
        memmove(path + out, path + seg_start, seg_len);
        out += seg_len;
    }
    if (out == 0)
        path[out++] = '/';
    path[out] = '\0';
    return out;
}

/*
 * Join dir and name the way libsinsp resolves relative paths: an absolute
 * name is only normalised; otherwise dir + "/" + name, normalised.
 * Names that are not paths (empty, "<NA>") are returned as given.
 */
const char *st_resolve_path(struct sk_state *st, const char *dir, const char *name,
                            size_t name_len)
{
    char buf[8192];
    size_t dlen, n;

    if (name_len == 0)
        return st_intern(st, name, 0);
    if (name[0] != '/' && (!dir || dir[0] != '/'))
        return st_intern(st, name, name_len);
    if (name[0] == '/') {
        if (name_len >= sizeof(buf))
            return st_intern(st, name, name_len);
        memcpy(buf, name, name_len);
        n = normalize_path(buf, name_len);
        return st_intern(st, buf, n);
    }
    dlen = strlen(dir);
    if (dlen + 1 + name_len >= sizeof(buf))
        return st_intern(st, name, name_len);
    memcpy(buf, dir, dlen);
    buf[dlen] = '/';
    memcpy(buf + dlen + 1, name, name_len);
    n = normalize_path(buf, dlen + 1 + name_len);
    return st_intern(st, buf, n);
}

/* A directory path with exactly one trailing '/'. */
const char *st_dir_with_slash(struct sk_state *st, const char *path)
{
    char buf[8192];
    size_t n = strlen(path);

    if (n == 0)
        return st_intern_cstr(st, "/");
    if (path[n - 1] == '/' || n + 2 > sizeof(buf))
        return st_intern(st, path, n);
    memcpy(buf, path, n);
    buf[n] = '/';
    return st_intern(st, buf, n + 1);
}

/* ------------------------------------------------------------ users */

static int64_t ctr_key(const char *container_id, uint32_t id)
{
    uint64_t h = 1469598103934665603ull;

    for (const char *p = container_id; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ull;
    }
    return (int64_t)((h << 32) ^ id);
}

static void add_user(struct sk_state *st, const char *container_id, uint32_t uid,
                     const char *name, size_t nlen, const char *home, size_t hlen,
                     const char *shell, size_t slen)
{
    struct user_entry *u = sk_arena_alloc(&st->versions, sizeof(*u));

    if (!u)
        return;
    u->name = st_intern(st, name, nlen);
    u->home = st_intern(st, home, hlen);
    u->shell = st_intern(st, shell, slen);
    if (!container_id || !container_id[0] || strcmp(container_id, "host") == 0)
        sk_imap_put(&st->users, uid, u);
    else
        sk_imap_put(&st->ctr_users, ctr_key(container_id, uid), u);
    st->tree_gen++;
}

static void add_group(struct sk_state *st, const char *container_id, uint32_t gid,
                      const char *name, size_t nlen)
{
    const char *n = st_intern(st, name, nlen);

    if (!container_id || !container_id[0] || strcmp(container_id, "host") == 0)
        sk_imap_put(&st->groups, gid, (void *)n);
    else
        sk_imap_put(&st->ctr_groups, ctr_key(container_id, gid), (void *)n);
    st->tree_gen++;
}

void st_user_added(struct sk_state *st, const char *container_id, uint32_t uid,
                   const struct sk_str *name, const struct sk_str *home,
                   const struct sk_str *shell)
{
    add_user(st, container_id, uid, name->p, name->len, home->p, home->len, shell->p,
             shell->len);
}

void st_group_added(struct sk_state *st, const char *container_id, uint32_t gid,
                    const struct sk_str *name)
{
    add_group(st, container_id, gid, name->p, name->len);
}

static const struct user_entry *find_user(const struct sk_state *st, const char *container_id,
                                          uint32_t uid)
{
    const struct user_entry *u = NULL;

    if (container_id && strcmp(container_id, "host") != 0)
        u = sk_imap_get(&st->ctr_users, ctr_key(container_id, uid));
    if (!u)
        u = sk_imap_get(&st->users, uid);
    return u;
}

static const char *find_group(const struct sk_state *st, const char *container_id, uint32_t gid)
{
    const char *g = NULL;

    if (container_id && strcmp(container_id, "host") != 0)
        g = sk_imap_get(&st->ctr_groups, ctr_key(container_id, gid));
    if (!g)
        g = sk_imap_get(&st->groups, gid);
    return g;
}

/* ------------------------------------------------------------ containers */

static int64_t container_key(const char *id)
{
    return ctr_key(id, 0);
}

const struct sk_container *st_container(struct sk_state *st, const char *id, const char *full_id,
                                        const char *runtime)
{
    const struct sk_container *c;
    struct sk_container *nc;

    if (!id || !id[0] || strcmp(id, "host") == 0)
        return st->host;
    c = sk_imap_get(&st->containers, container_key(id));
    if (c)
        return c;
    nc = sk_arena_alloc(&st->versions, sizeof(*nc));
    if (!nc)
        return st->host;
    nc->id = st_intern_cstr(st, id);
    nc->full_id = st_intern_cstr(st, full_id && full_id[0] ? full_id : id);
    nc->name = nc->image = nc->image_id = nc->labels = "";
    nc->k8s_pod_name = nc->k8s_ns_name = nc->k8s_pod_uid = "";
    nc->type = st_intern_cstr(st, runtime ? runtime : "");
    nc->privileged = -1;
    nc->label_list = "";
    nc->label_list_len = 0;
    sk_imap_put(&st->containers, container_key(id), nc);
    return nc;
}

/* Replace a container's metadata by a new version (old views stay valid). */
void st_container_update(struct sk_state *st, const struct sk_container_meta *m)
{
    const struct sk_container *old = st_container(st, m->id, m->full_id, m->type);
    struct sk_container *nc;

    if (old == st->host)
        return;
    nc = sk_arena_alloc(&st->versions, sizeof(*nc));
    if (!nc)
        return;
    *nc = *old;
    if (m->full_id[0])
        nc->full_id = st_intern_cstr(st, m->full_id);
    if (m->name[0])
        nc->name = st_intern_cstr(st, m->name);
    if (m->image[0])
        nc->image = st_intern_cstr(st, m->image);
    if (m->image_id[0])
        nc->image_id = st_intern_cstr(st, m->image_id);
    if (m->type[0])
        nc->type = st_intern_cstr(st, m->type);
    if (m->labels[0])
        nc->labels = st_intern_cstr(st, m->labels);
    if (m->label_list_len) {
        nc->label_list = st_blob(st, m->label_list, m->label_list_len);
        nc->label_list_len = nc->label_list[0] ? (uint32_t)m->label_list_len : 0;
    }
    if (m->k8s_pod_name[0])
        nc->k8s_pod_name = st_intern_cstr(st, m->k8s_pod_name);
    if (m->k8s_ns_name[0])
        nc->k8s_ns_name = st_intern_cstr(st, m->k8s_ns_name);
    if (m->k8s_pod_uid[0])
        nc->k8s_pod_uid = st_intern_cstr(st, m->k8s_pod_uid);
    if (m->privileged >= 0)
        nc->privileged = m->privileged;
    nc->generation = old->generation + 1;
    sk_imap_put(&st->containers, container_key(nc->id), nc);
    st->tree_gen++;
}

/* Container of a cgroup list. */
const struct sk_container *st_container_of_cgroups(struct sk_state *st, const char *cgroups,
                                                   size_t len)
{
    char id[13], full[65];
    const char *runtime = sk_container_id_from_cgroups(cgroups, len, id, full);

    if (!runtime)
        return st->host;
    return st_container(st, id, full, runtime);
}

/* ------------------------------------------------------------ threads */

struct thread_entry *st_thread_entry(struct sk_state *st, int64_t tid)
{
    return sk_imap_get(&st->threads, tid);
}

static struct fd_table *fd_table_new(void)
{
    struct fd_table *t = calloc(1, sizeof(*t));

    if (t)
        t->refs = 1;
    return t;
}

void st_fd_table_release(struct fd_table *t)
{
    if (t && --t->refs == 0) {
        sk_imap_free(&t->fds);
        free(t);
    }
}

struct fd_table *st_fd_table_copy(const struct fd_table *src)
{
    struct fd_table *t = fd_table_new();

    if (!t)
        return NULL;
    if (src && !sk_imap_copy(&t->fds, &src->fds)) {
        free(t);
        return NULL;
    }
    return t;
}

struct fd_table *st_fd_table_share(struct fd_table *t)
{
    if (t)
        t->refs++;
    return t;
}

/* Fill the names derived from other tables (users, groups, container). */
static void resolve_names(struct sk_state *st, struct sk_thread *t)
{
    const char *cid = t->container ? t->container->id : "host";
    const struct user_entry *u = find_user(st, cid, t->uid);
    const char *g = find_group(st, cid, t->gid);

    if (u) {
        t->user_name = u->name;
        t->user_home = u->home;
        t->user_shell = u->shell;
    } else {
        t->user_name = t->uid == 0 ? "root" : NULL;
        t->user_home = t->user_shell = NULL;
    }
    t->group_name = g ? g : (t->gid == 0 ? "root" : NULL);
}

struct thread_entry *st_thread_new(struct sk_state *st, int64_t tid)
{
    struct thread_entry *e = calloc(1, sizeof(*e));
    struct sk_thread *t;

    if (!e)
        return NULL;
    t = sk_arena_alloc(&st->versions, sizeof(*t));
    if (!t) {
        free(e);
        return NULL;
    }
    e->tid = tid;
    e->cur = t;
    e->enter.type = 0xffff;
    t->tid = tid;
    t->pid = tid;
    t->ptid = -1;
    t->vtid = tid;
    t->vpid = tid;
    t->sid = t->vpgid = t->pgid = -1;
    t->comm = t->exe = t->exepath = t->args = t->root = "";
    t->cwd = "./";
    t->env = t->cgroups = "";
    t->uid = t->gid = t->loginuid = 0xffffffffu;
    t->container = st->host;
    t->is_main = true;
    e->own_cwd = "";
    if (!sk_imap_put(&st->threads, tid, e)) {
        free(e);
        return NULL;
    }
    st->thread_count++;
    st->tree_gen++;
    return e;
}

void st_thread_remove(struct sk_state *st, int64_t tid)
{
    struct thread_entry *e = sk_imap_del(&st->threads, tid);

    if (!e)
        return;
    st_fd_table_release(e->fds);
    free(e->enter.buf);
    free(e);
    st->thread_count--;
    st->tree_gen++;
}

/* The entry's version, copied first when someone may hold it. */
struct sk_thread *st_thread_mut(struct sk_state *st, struct thread_entry *e)
{
    if (e->published) {
        struct sk_thread *copy = sk_arena_alloc(&st->versions, sizeof(*copy));
        if (!copy)
            return e->cur; /* out of memory: degrade to in-place */
        *copy = *e->cur;
        e->cur = copy;
        e->published = false;
    }
    st->tree_gen++;
    return e->cur;
}

/* Entry of the main thread of a thread's process (may be the entry itself). */
struct thread_entry *st_main_entry(struct sk_state *st, struct thread_entry *e)
{
    if (e->cur->pid == e->tid)
        return e;
    return st_thread_entry(st, e->cur->pid);
}

/* fd table of a thread: its own, or (shared files) its main thread's. */
struct fd_table *st_fd_table(struct sk_state *st, struct thread_entry *e, bool create)
{
    if (!e->fds) {
        struct thread_entry *main = st_main_entry(st, e);
        if (main && main != e && main->fds)
            e->fds = st_fd_table_share(main->fds);
        else if (create)
            e->fds = fd_table_new();
    }
    return e->fds;
}

static const struct sk_thread *refresh_thread(struct sk_state *st, struct thread_entry *e,
                                              unsigned depth);

/*
 * Bring the derived pointers of a thread version up to date (parent
 * version, main thread's cwd, container, user names) and publish it.
 */
static const struct sk_thread *refresh_thread(struct sk_state *st, struct thread_entry *e,
                                              unsigned depth)
{
    const struct sk_thread *parent = NULL;
    struct thread_entry *main, *pe;
    const char *cwd;
    const struct sk_thread *t = e->cur;

    if (e->checked_gen == st->tree_gen) {
        e->published = true;
        return e->cur;
    }
    main = st_main_entry(st, e);
    pe = (main && main->cur->ptid >= 0 && depth < 64) ? st_thread_entry(st, main->cur->ptid)
                                                        : NULL;
    if (pe && pe != e && pe != main)
        parent = refresh_thread(st, pe, depth + 1);
    /* libsinsp: the main thread's cwd; "./" when there is no main thread */
    if (t->invalid)
        cwd = "./";
    else if (main)
        cwd = main->own_cwd ? main->own_cwd : "";
    else
        cwd = "";
    if (t->parent != parent || t->cwd != cwd || t->is_main != (t->tid == t->pid)) {
        struct sk_thread *m = st_thread_mut(st, e);
        m->parent = parent;
        m->cwd = cwd;
        m->is_main = m->tid == m->pid;
        t = m;
    }
    {
        const char *old_user = t->user_name, *old_group = t->group_name;
        struct sk_thread probe = *t;
        resolve_names(st, &probe);
        if (probe.user_name != old_user || probe.group_name != old_group ||
            probe.user_home != t->user_home) {
            struct sk_thread *m = st_thread_mut(st, e);
            m->user_name = probe.user_name;
            m->user_home = probe.user_home;
            m->user_shell = probe.user_shell;
            m->group_name = probe.group_name;
        }
    }
    if (t->container && t->container != st->host) {
        const struct sk_container *cur = sk_imap_get(&st->containers, container_key(t->container->id));
        if (cur && cur != t->container) {
            struct sk_thread *m = st_thread_mut(st, e);
            m->container = cur;
        }
    }
    e->checked_gen = st->tree_gen;
    e->published = true;
    return e->cur;
}

const struct sk_thread *st_thread_view(struct sk_state *st, struct thread_entry *e)
{
    return refresh_thread(st, e, 0);
}

/* Placeholder for a tid the capture never described (libsinsp: pid -1, empty comm). */
struct thread_entry *st_thread_placeholder(struct sk_state *st, int64_t tid)
{
    struct thread_entry *e = st_thread_new(st, tid);

    if (e) {
        e->cur->pid = -1;
        e->cur->vpid = -1;
        e->cur->invalid = true;
        e->cur->is_main = false;
    }
    return e;
}

/* ------------------------------------------------------------ fds */

char sk_fd_typechar(uint8_t fd_type)
{
    switch (fd_type) {
    case SK_FD_FILE:
    case SK_FD_FILE_V2: return 'f';
    case SK_FD_DIRECTORY: return 'd';
    case SK_FD_IPV4_SOCK:
    case SK_FD_IPV4_SERVSOCK: return '4';
    case SK_FD_IPV6_SOCK:
    case SK_FD_IPV6_SERVSOCK: return '6';
    case SK_FD_UNIX_SOCK: return 'u';
    case SK_FD_FIFO: return 'p';
    case SK_FD_EVENT: return 'e';
    case SK_FD_SIGNALFD: return 's';
    case SK_FD_EVENTPOLL: return 'l';
    case SK_FD_INOTIFY: return 'i';
    case SK_FD_TIMERFD: return 't';
    case SK_FD_NETLINK: return 'n';
    case SK_FD_BPF: return 'b';
    case SK_FD_USERFAULTFD: return 'u';
    case SK_FD_IOURING: return 'r';
    case SK_FD_MEMFD: return 'm';
    case SK_FD_PIDFD: return 'P';
    default: return 'o';
    }
}

const char *sk_fd_typename(uint8_t fd_type)
{
    switch (fd_type) {
    case SK_FD_FILE:
    case SK_FD_FILE_V2: return "file";
    case SK_FD_DIRECTORY: return "directory";
    case SK_FD_IPV4_SOCK:
    case SK_FD_IPV4_SERVSOCK: return "ipv4";
    case SK_FD_IPV6_SOCK:
    case SK_FD_IPV6_SERVSOCK: return "ipv6";
    case SK_FD_UNIX_SOCK: return "unix";
    case SK_FD_FIFO: return "pipe";
    case SK_FD_EVENT: return "event";
    case SK_FD_SIGNALFD: return "signalfd";
    case SK_FD_EVENTPOLL: return "eventpoll";
    case SK_FD_INOTIFY: return "inotify";
    case SK_FD_TIMERFD: return "timerfd";
    case SK_FD_NETLINK: return "netlink";
    case SK_FD_BPF: return "bpf";
    case SK_FD_USERFAULTFD: return "userfaultfd";
    case SK_FD_IOURING: return "io_uring";
    case SK_FD_MEMFD: return "memfd";
    case SK_FD_PIDFD: return "pidfd";
    default: return "<NA>";
    }
}

const char *sk_l4proto_name(uint8_t l4proto)
{
    switch (l4proto) {
    case SK_L4_TCP: return "tcp";
    case SK_L4_UDP: return "udp";
    case SK_L4_ICMP: return "icmp";
    case SK_L4_RAW: return "raw";
    default: return "<NA>";
    }
}

struct sk_fd *st_fd_alloc(struct sk_state *st, int64_t num, uint8_t type)
{
    struct sk_fd *f = sk_arena_alloc(&st->versions, sizeof(*f));

    if (!f)
        return NULL;
    f->num = num;
    f->type = type;
    f->typechar = sk_fd_typechar(type);
    f->name = "";
    f->nameraw = "";
    return f;
}

/* A copy of an fd view to modify (the caller then stores it with st_fd_put). */
struct sk_fd *st_fd_clone(struct sk_state *st, const struct sk_fd *src, int64_t num)
{
    struct sk_fd *f = sk_arena_alloc(&st->versions, sizeof(*f));

    if (!f)
        return NULL;
    *f = *src;
    f->num = num;
    return f;
}

void st_fd_put(struct fd_table *t, const struct sk_fd *f)
{
    if (t && f)
        sk_imap_put(&t->fds, f->num, (void *)f);
}

const struct sk_fd *st_fd_get(struct fd_table *t, int64_t num)
{
    return t ? sk_imap_get(&t->fds, num) : NULL;
}

/* The view used for an event whose fd the state does not know. */
const struct sk_fd *st_fd_unknown(struct sk_state *st, int64_t num)
{
    struct sk_fd *f = sk_imap_get(&st->unknown_fds, num);

    if (f)
        return f;
    f = st_fd_alloc(st, num, SK_FD_UNINITIALIZED);
    if (f) {
        f->typechar = 0;
        f->name = NULL;
        f->nameraw = NULL;
        sk_imap_put(&st->unknown_fds, num, f);
    }
    return f;
}

/* "a.b.c.d:port" / "ip6:port" text of an endpoint. */
size_t st_format_endpoint(char *out, size_t outlen, bool ipv6, const uint8_t *ip, uint16_t port)
{
    char addr[64];

    if (ipv6) {
        /* compact form like inet_ntop */
        unsigned words[8];
        int best = -1, best_len = 0;
        size_t n = 0;

        for (int i = 0; i < 8; i++)
            words[i] = ((unsigned)ip[2 * i] << 8) | ip[2 * i + 1];
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && words[j] == 0)
                j++;
            if (j - i > best_len && j - i >= 2) {
                best = i;
                best_len = j - i;
            }
            i = j > i ? j : i + 1;
        }
        if (best == 0 && best_len == 5 && words[5] == 0xffff) {
            snprintf(addr, sizeof(addr), "::ffff:%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
        } else {
            for (int i = 0; i < 8; i++) {
                if (i == best) {
                    n += (size_t)snprintf(addr + n, sizeof(addr) - n, "::");
                    i += best_len - 1;
                    continue;
                }
                if (n && addr[n - 1] != ':')
                    n += (size_t)snprintf(addr + n, sizeof(addr) - n, ":");
                n += (size_t)snprintf(addr + n, sizeof(addr) - n, "%x", words[i]);
            }
        }
    } else {
        snprintf(addr, sizeof(addr), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    }
    return (size_t)snprintf(out, outlen, "%s:%u", addr, port);
}

/* Rebuild a socket fd's name from its endpoints: "cip:cport->sip:sport". */
void st_fd_name_tuple(struct sk_state *st, struct sk_fd *f)
{
    char a[96], b[96], name[200];

    st_format_endpoint(a, sizeof(a), f->is_ipv6, f->cip, f->cport);
    st_format_endpoint(b, sizeof(b), f->is_ipv6, f->sip, f->sport);
    snprintf(name, sizeof(name), "%s->%s", a, b);
    f->name = st_intern_cstr(st, name);
}

/* ------------------------------------------------------------ metadata blocks */

static int load_thread(void *ud, const struct sk_threadinfo *ti)
{
    struct sk_state *st = ud;
    struct thread_entry *e = st_thread_entry(st, (int64_t)ti->tid);
    struct sk_thread *t;

    if (!e)
        e = st_thread_new(st, (int64_t)ti->tid);
    if (!e)
        return SK_E_NOMEM;
    t = st_thread_mut(st, e);
    t->tid = (int64_t)ti->tid;
    t->pid = (int64_t)ti->pid;
    t->ptid = (int64_t)ti->ptid;
    t->sid = (int64_t)ti->sid;
    t->vpgid = (int64_t)ti->vpgid;
    t->pgid = ti->pgid;
    t->comm = st_intern(st, ti->comm.p, ti->comm.len);
    t->exe = st_intern(st, ti->exe.p, ti->exe.len);
    t->exepath = st_intern(st, ti->exepath.p, ti->exepath.len);
    t->args = st_join_args(st, ti->args.p, ti->args.len, &t->nargs);
    t->fdlimit = ti->fdlimit;
    t->flags = ti->flags;
    t->uid = ti->uid;
    t->gid = ti->gid;
    t->vtid = ti->vtid >= 0 ? ti->vtid : (int64_t)ti->tid;
    t->vpid = ti->vpid >= 0 ? ti->vpid : (int64_t)ti->pid;
    t->root = st_intern(st, ti->root.p, ti->root.len);
    t->tty = ti->tty;
    t->loginuid = ti->loginuid;
    t->cap_inheritable = ti->cap_inheritable;
    t->cap_permitted = ti->cap_permitted;
    t->cap_effective = ti->cap_effective;
    t->exe_writable = ti->exe_writable;
    t->exe_upper_layer = ti->exe_upper_layer;
    t->exe_lower_layer = ti->exe_lower_layer;
    t->exe_from_memfd = ti->exe_from_memfd;
    t->cgroups = st_blob(st, ti->cgroups.p, ti->cgroups.len);
    t->cgroups_len = ti->cgroups.len;
    t->container = st_container_of_cgroups(st, ti->cgroups.p, ti->cgroups.len);
    t->invalid = false;
    t->is_main = t->tid == t->pid;
    if (t->is_main) {
        /* env and cwd are kept for main threads only, as libsinsp does */
        t->env = st_blob(st, ti->env.p, ti->env.len);
        t->env_len = ti->env.len;
        e->own_cwd = ti->cwd.len ? st_dir_with_slash(st, st_intern(st, ti->cwd.p, ti->cwd.len))
                                 : "";
    }
    resolve_names(st, t);
    return 0;
}

struct fd_load_ctx {
    struct sk_state *st;
    struct fd_table *table;
    int64_t tid;
};

static void fd_from_list_sock(struct sk_state *st, struct sk_fd *f,
                              const struct sk_fdlist_entry *fe)
{
    bool v6 = fe->type == SK_FD_IPV6_SOCK || fe->type == SK_FD_IPV6_SERVSOCK;
    size_t alen = v6 ? 16 : 4;

    f->is_ipv6 = v6;
    f->l4proto = fe->l4proto;
    if (fe->type == SK_FD_IPV4_SERVSOCK || fe->type == SK_FD_IPV6_SERVSOCK) {
        char name[96];
        memcpy(f->sip, fe->sip, alen);
        f->sport = fe->sport;
        f->is_server = true;
        f->has_tuple = true;
        st_format_endpoint(name, sizeof(name), v6, f->sip, f->sport);
        f->name = st_intern_cstr(st, name);
    } else if (fe->sport < fe->dport) {
        /* the local end has the lower port: an accepted connection, client is remote */
        memcpy(f->cip, fe->dip, alen);
        memcpy(f->sip, fe->sip, alen);
        f->cport = fe->dport;
        f->sport = fe->sport;
        f->role_server = true;
        f->has_tuple = true;
        st_fd_name_tuple(st, f);
        st_fd_classify(st, f);
    } else {
        memcpy(f->cip, fe->sip, alen);
        memcpy(f->sip, fe->dip, alen);
        f->cport = fe->sport;
        f->sport = fe->dport;
        f->role_client = true;
        f->has_tuple = true;
        st_fd_name_tuple(st, f);
        st_fd_classify(st, f);
    }
}

static int load_fd(void *ud, uint64_t tid, const struct sk_fdlist_entry *fe)
{
    struct fd_load_ctx *ctx = ud;
    struct sk_state *st = ctx->st;
    struct sk_fd *f;
    uint8_t type = fe->type;

    if ((int64_t)tid != ctx->tid || !ctx->table) {
        struct thread_entry *e = st_thread_entry(st, (int64_t)tid);
        if (!e)
            e = st_thread_new(st, (int64_t)tid);
        if (!e)
            return SK_E_NOMEM;
        ctx->tid = (int64_t)tid;
        ctx->table = st_fd_table(st, e, true);
        if (!ctx->table)
            return SK_E_NOMEM;
    }
    if (type == SK_FD_FILE_V2)
        type = SK_FD_FILE;
    if (type > SK_FD_PIDFD)
        type = SK_FD_UNSUPPORTED;
    f = st_fd_alloc(st, fe->fd, type);
    if (!f)
        return SK_E_NOMEM;
    f->ino = fe->ino;
    f->dev = fe->dev;
    f->open_flags = fe->open_flags;
    switch (fe->type) {
    case SK_FD_IPV4_SOCK:
    case SK_FD_IPV6_SOCK:
    case SK_FD_IPV4_SERVSOCK:
    case SK_FD_IPV6_SERVSOCK:
        fd_from_list_sock(st, f, fe);
        break;
    case SK_FD_UNIX_SOCK:
        f->unix_source = fe->unix_source;
        f->unix_dest = fe->unix_dest;
        {
            /* old writers kept the '\n' of /proc/net/unix lines; readers drop it */
            uint32_t n = fe->name.len;
            while (n && (fe->name.p[n - 1] == '\n' || fe->name.p[n - 1] == '\0'))
                n--;
            f->name = st_intern(st, fe->name.p, n);
            f->role_server = n > 0;
        }
        break;
    default:
        f->name = st_intern(st, fe->name.p, fe->name.len);
        f->nameraw = f->name;
        break;
    }
    st_fd_put(ctx->table, f);
    return 0;
}

static int load_user(void *ud, const struct sk_userlist_entry *u)
{
    struct sk_state *st = ud;

    if (u->is_group)
        add_group(st, NULL, u->gid, u->name.p, u->name.len);
    else
        add_user(st, NULL, u->uid, u->name.p, u->name.len, u->home.p, u->home.len, u->shell.p,
                 u->shell.len);
    return 0;
}

static int load_iface(void *ud, const struct sk_iflist_entry *i)
{
    struct sk_state *st = ud;
    struct local_addr *n = realloc(st->ifaddrs, (st->n_ifaddrs + 1) * sizeof(*n));

    if (!n)
        return SK_E_NOMEM;
    st->ifaddrs = n;
    n += st->n_ifaddrs++;
    memset(n, 0, sizeof(*n));
    n->v6 = i->is_ipv6;
    memcpy(n->addr, i->addr, i->is_ipv6 ? 16 : 4);
    memcpy(n->netmask, i->netmask, i->is_ipv6 ? 16 : 4);
    n->loopback = i->is_ipv6 ? (memcmp(i->addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0)
                             : i->addr[0] == 127;
    return 0;
}

static bool ip_is_zero(bool v6, const uint8_t *ip)
{
    static const uint8_t zero[16];
    return memcmp(ip, zero, v6 ? 16 : 4) == 0;
}

/*
 * An address of this machine: IPv4 matches an interface address exactly;
 * IPv6 shares the /64 of one (and "::" counts), as libsinsp decides.
 */
bool st_is_local_addr(const struct sk_state *st, bool v6, const uint8_t *ip)
{
    if (v6 && ip_is_zero(true, ip))
        return true;
    for (size_t i = 0; i < st->n_ifaddrs; i++) {
        const struct local_addr *a = &st->ifaddrs[i];
        if (a->v6 != v6)
            continue;
        if (!v6 && memcmp(a->addr, ip, 4) == 0)
            return true;
        if (v6 && memcmp(a->addr, ip, 8) == 0)
            return true;
    }
    return false;
}

static bool same_subnet4(const struct local_addr *a, const uint8_t *ip)
{
    for (int i = 0; i < 4; i++) {
        if ((a->addr[i] & a->netmask[i]) != (ip[i] & a->netmask[i]))
            return false;
    }
    return true;
}

/*
 * The local address to show for an unbound local end ("0.0.0.0") talking
 * to remote: the interface with that exact address, else one on the same
 * subnet, else the first non-loopback interface; NULL when none.
 */
const uint8_t *st_local_addr_for(const struct sk_state *st, bool v6, const uint8_t *remote)
{
    const struct local_addr *subnet = NULL, *first = NULL;
    size_t alen = v6 ? 16 : 4;

    for (size_t i = 0; i < st->n_ifaddrs; i++) {
        const struct local_addr *a = &st->ifaddrs[i];
        if (a->v6 != v6)
            continue;
        if (memcmp(a->addr, remote, alen) == 0)
            return a->addr;
        if (!subnet && (v6 ? memcmp(a->addr, remote, 8) == 0 : same_subnet4(a, remote)))
            subnet = a;
        if (!first && !a->loopback)
            first = a;
    }
    if (subnet)
        return subnet->addr;
    return first ? first->addr : NULL;
}

/* is_server / client_is_local of a connected IP socket from the interface list. */
void st_fd_classify(const struct sk_state *st, struct sk_fd *f)
{
    if (!f->has_tuple)
        return;
    if (f->type == SK_FD_IPV4_SERVSOCK || f->type == SK_FD_IPV6_SERVSOCK) {
        f->is_server = true;
        f->client_is_local = false;
        return;
    }
    f->is_server = st_is_local_addr(st, f->is_ipv6, f->sip);
    f->client_is_local = st_is_local_addr(st, f->is_ipv6, f->cip);
}

static void state_reset_tables(struct sk_state *st)
{
    for (size_t i = 0; i < st->threads.cap; i++) {
        struct thread_entry *e = st->threads.slots[i].val;
        if (!e)
            continue;
        st_fd_table_release(e->fds);
        free(e->enter.buf);
        free(e);
    }
    sk_imap_free(&st->threads);
    sk_imap_free(&st->users);
    sk_imap_free(&st->groups);
    sk_imap_free(&st->ctr_users);
    sk_imap_free(&st->ctr_groups);
    free(st->ifaddrs);
    st->ifaddrs = NULL;
    st->n_ifaddrs = 0;
    st->thread_count = 0;
    st->tree_gen++;
}

int sk_state_load_block(struct sk_state *st, uint32_t block_type, const uint8_t *body, size_t len)
{
    switch (sk_block_kind(block_type)) {
    case SK_BK_SHB:
        /* A new section starts a new capture: forget everything it does not repeat. */
        if (!st->fresh_section)
            state_reset_tables(st);
        st->fresh_section = true;
        return 0;
    case SK_BK_MI:
        return sk_parse_machine_info(body, len, &st->machine);
    case SK_BK_PL:
        st->fresh_section = false;
        return sk_parse_proclist(block_type, body, len, load_thread, st);
    case SK_BK_FDL: {
        struct fd_load_ctx ctx = {st, NULL, -1};
        st->fresh_section = false;
        return sk_parse_fdlist(block_type, body, len, load_fd, &ctx);
    }
    case SK_BK_UL:
        st->fresh_section = false;
        return sk_parse_userlist(block_type, body, len, load_user, st);
    case SK_BK_IL:
        st->fresh_section = false;
        return sk_parse_iflist(block_type, body, len, load_iface, st);
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ lifecycle */

static const char *const pnames[PN_COUNT] = {
    [PN_RES] = "res",
    [PN_FD] = "fd",
    [PN_NAME] = "name",
    [PN_PATHNAME] = "pathname",
    [PN_PATH] = "path",
    [PN_FILENAME] = "filename",
    [PN_FLAGS] = "flags",
    [PN_DIRFD] = "dirfd",
    [PN_TID] = "tid",
    [PN_PID] = "pid",
    [PN_PTID] = "ptid",
    [PN_EXE] = "exe",
    [PN_ARGS] = "args",
    [PN_CWD] = "cwd",
    [PN_FDLIMIT] = "fdlimit",
    [PN_UID] = "uid",
    [PN_GID] = "gid",
    [PN_COMM] = "comm",
    [PN_CGROUPS] = "cgroups",
    [PN_ENV] = "env",
    [PN_VTID] = "vtid",
    [PN_VPID] = "vpid",
    [PN_TTY] = "tty",
    [PN_LOGINUID] = "loginuid",
    [PN_TRUSTED_EXEPATH] = "trusted_exepath",
    [PN_VPGID] = "vpgid",
    [PN_PGID] = "pgid",
    [PN_CAP_INH] = "cap_inheritable",
    [PN_CAP_PRM] = "cap_permitted",
    [PN_CAP_EFF] = "cap_effective",
    [PN_DOMAIN] = "domain",
    [PN_TYPE] = "type",
    [PN_PROTO] = "proto",
    [PN_ADDR] = "addr",
    [PN_TUPLE] = "tuple",
    [PN_FD1] = "fd1",
    [PN_FD2] = "fd2",
    [PN_OLDFD] = "oldfd",
    [PN_NEWFD] = "newfd",
    [PN_CMD] = "cmd",
    [PN_INO] = "ino",
    [PN_DEV] = "dev",
    [PN_JSON] = "json",
    [PN_ID] = "id",
    [PN_IMAGE] = "image",
    [PN_CONTAINER_ID] = "container_id",
    [PN_HOME] = "home",
    [PN_SHELL] = "shell",
    [PN_REAPER_TID] = "reaper_tid",
    [PN_EUID] = "euid",
    [PN_EGID] = "egid",
    [PN_SOURCE] = "source",
    [PN_PEER] = "peer",
    [PN_DATA] = "data",
    [PN_OUT_FD] = "out_fd",
    [PN_FD_IN] = "fd_in",
    [PN_FDOUT] = "fdout",
    [PN_LINKDIRFD] = "linkdirfd",
    [PN_PLUGIN_ID] = "plugin_id",
    [PN_EXE_WRITABLE_FLAGS] = "flags",
};

/* The tables depend only on the schema: built on first use, then shared. */
static int8_t param_index[SK_EVENT_MAX][PN_COUNT];
static uint8_t handler_index[SK_EVENT_MAX];
static bool index_ready;

static void init_param_index(struct sk_state *st)
{
    if (!index_ready) {
        for (unsigned code = 0; code < SK_EVENT_MAX; code++) {
            const struct sk_event_info *info = sk_event_info((uint16_t)code);
            for (unsigned p = 0; p < PN_COUNT; p++)
                param_index[code][p] =
                    (int8_t)(info ? sk_event_param_index(info, pnames[p]) : -1);
            handler_index[code] = (uint8_t)st_handler_for(info, (uint16_t)code);
        }
        index_ready = true;
    }
    st->pidx = (const int8_t(*)[PN_COUNT])param_index;
    st->handler = handler_index;
}

struct sk_state *sk_state_new(void)
{
    struct sk_state *st = calloc(1, sizeof(*st));
    struct sk_container *host;

    if (!st)
        return NULL;
    sk_strpool_init(&st->strings);
    sk_arena_init(&st->versions);
    host = sk_arena_alloc(&st->versions, sizeof(*host));
    if (!host) {
        sk_state_free(st);
        return NULL;
    }
    host->id = host->full_id = "host";
    host->name = "host";
    host->image = host->image_id = host->type = host->labels = "";
    host->k8s_pod_name = host->k8s_ns_name = host->k8s_pod_uid = "";
    host->privileged = -1;
    host->label_list = "";
    host->label_list_len = 0;
    st->host = host;
    st->fresh_section = true;
    init_param_index(st);
    return st;
}

void sk_state_free(struct sk_state *st)
{
    if (!st)
        return;
    state_reset_tables(st);
    sk_imap_free(&st->containers);
    sk_imap_free(&st->unknown_fds);
    sk_strpool_free(&st->strings);
    sk_arena_free(&st->versions);
    free(st);
}

const struct sk_machine_info *sk_state_machine(const struct sk_state *st)
{
    return &st->machine;
}

size_t sk_state_memory(const struct sk_state *st)
{
    size_t total = st->versions.held_bytes + sk_strpool_memory(&st->strings);

    total += st->threads.cap * sizeof(struct sk_imap_slot);
    total += st->thread_count * sizeof(struct thread_entry);
    for (size_t i = 0; i < st->threads.cap; i++) {
        const struct thread_entry *e = st->threads.slots[i].val;
        if (e && e->fds && e->fds->refs == 1)
            total += e->fds->fds.cap * sizeof(struct sk_imap_slot);
        if (e)
            total += e->enter.cap;
    }
    return total;
}

const struct sk_fd *sk_state_lookup_fd(struct sk_state *st, int64_t tid, int64_t fd)
{
    struct thread_entry *e = st_thread_entry(st, tid);

    if (!e)
        return NULL;
    return st_fd_get(st_fd_table(st, e, false), fd);
}

const struct sk_thread *sk_thread_ancestor(const struct sk_thread *t, unsigned n)
{
    while (t && n--) {
        const struct sk_thread *p = t->parent;
        if (p == t)
            return NULL;
        t = p;
    }
    return t;
}
