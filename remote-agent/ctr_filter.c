/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctr_filter.c: --container NAME|ID. The probe keeps the tasks whose cgroup
 * (or an ancestor) is in its bd_cgroup_ids map; this file fills that map.
 *
 * At start the running (and created) containers are listed, the cgroup tree
 * is scanned and the matching containers' cgroup ids are handed to the probe
 * before it attaches. Then a thread watches the cgroup tree with inotify: a
 * runtime creates a container's cgroup before the container's program starts
 * (runc create, then start), so adding the new directory's id when it
 * appears keeps the container's events from its first exec on. The
 * directory name gives the container id; the name comes from the runtime's
 * /events stream (its "create" event precedes the cgroup) or, failing that,
 * from an inspect request.
 */
#define _GNU_SOURCE /* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "containers.h"

#define MAX_DEPTH       6 /* kubepods.slice/.../cri-containerd-<id>.scope is 4 */
#define MAX_WATCHES     8192
#define MAX_TRACKED     4096 /* container directories remembered */
#define LINE_MAX_BYTES  65536
#define STREAM_RETRY_MS 3000
#define STREAM_READ_MAX (256u << 10)
#define EVENTS_PATH     "/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D"

struct watch {
    int wd;
    int depth;
    char *path;
};

/* A container cgroup directory seen under the root. */
struct tracked {
    char id[65];
    uint64_t ino;
    bool added;   /* in the map */
    bool decided; /* selected or not, for good */
};

struct known_name {
    char id[65];
    char name[256];
};

struct stream {
    int fd; /* -1 when not connected */
    long long retry_at;
    struct bd_http_rx rx;
    char *buf;
    size_t len;
    bool skipping; /* inside an over-long line */
};

struct bd_cfilter {
    struct bd_cfilter_opts o;
    int map_fd;
    int ino_fd;
    int wake[2];
    pthread_t thread;
    bool running;
    struct watch *watches;
    int nwatches, capwatches;
    struct tracked *tracked;
    int ntracked;
    struct known_name *known;
    int nknown, capknown;
    struct stream streams[BD_CTR_MAX_SOCKETS];
    /* during prepare: ids for the probe */
    uint64_t *out_ids;
    int out_max, out_n;
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ selection */

static const char *name_of(struct bd_cfilter *f, const char *id)
{
    for (int i = 0; i < f->nknown; i++) {
        if (strcmp(f->known[i].id, id) == 0)
            return f->known[i].name;
    }
    return NULL;
}

static void learn_name(struct bd_cfilter *f, const char *id, const char *name)
{
    struct known_name *k;

    for (int i = 0; i < f->nknown; i++) {
        if (strcmp(f->known[i].id, id) == 0) {
            if (name[0])
                snprintf(f->known[i].name, sizeof(f->known[i].name), "%s", name);
            return;
        }
    }
    if (f->nknown == f->capknown) {
        int cap = f->capknown ? f->capknown * 2 : 64;
        if (cap > 65536 || !(k = realloc(f->known, (size_t)cap * sizeof(*k))))
            return;
        f->known = k;
        f->capknown = cap;
    }
    k = &f->known[f->nknown++];
    snprintf(k->id, sizeof(k->id), "%s", id);
    snprintf(k->name, sizeof(k->name), "%s", name);
}

/* 1 selected, 0 not, -1 not known yet (the name is needed and unknown). */
static int decide(struct bd_cfilter *f, const char *id)
{
    const char *name;

    if (bd_ctr_selected(f->o.select, f->o.nselect, id, NULL))
        return 1;
    name = name_of(f, id);
    if (name)
        return bd_ctr_selected(f->o.select, f->o.nselect, id, name);
    return -1;
}

/* Asks the runtimes for the name of a container id (blocking, bounded). */
static void inspect_name(struct bd_cfilter *f, const char *id)
{
    struct bd_ctr_info *ci = malloc(sizeof(*ci));

    for (int i = 0; ci && i < f->o.nsockets; i++) {
        struct stat st;

        if (stat(f->o.sockets[i], &st) != 0 || !S_ISSOCK(st.st_mode))
            continue;
        if (bd_ctr_inspect(f->o.sockets[i], id, BD_CTR_TIMEOUT_MS, ci) == 0) {
            learn_name(f, id, ci->name);
            break;
        }
    }
    free(ci);
}

/* --------------------------------------------------------- map updates */

static void add_id(struct bd_cfilter *f, struct tracked *t)
{
    uint8_t one = 1;

    if (t->added)
        return;
    if (f->map_fd < 0) {
        if (f->out_n < f->out_max)
            f->out_ids[f->out_n++] = t->ino;
        t->added = f->out_n <= f->out_max;
    } else {
        t->added = bpf_map_update_elem(f->map_fd, &t->ino, &one, BPF_ANY) == 0;
        if (!t->added)
            fprintf(stderr, "bpfdig-agent: cannot select container %.12s: %s\n", t->id,
                    strerror(errno));
    }
    if (t->added && f->o.verbose)
        fprintf(stderr, "bpfdig-agent: container %.12s (%s) selected\n", t->id,
                name_of(f, t->id) ? name_of(f, t->id) : "?");
}

static struct tracked *find_tracked(struct bd_cfilter *f, uint64_t ino)
{
    for (int i = 0; i < f->ntracked; i++) {
        if (f->tracked[i].ino == ino)
            return &f->tracked[i];
    }
    return NULL;
}

static void forget_tracked(struct bd_cfilter *f, struct tracked *t)
{
    if (t->added && f->map_fd >= 0)
        bpf_map_delete_elem(f->map_fd, &t->ino);
    *t = f->tracked[--f->ntracked];
}

/* Re-decides every undecided container (after names were learnt). */
static void redecide(struct bd_cfilter *f)
{
    for (int i = 0; i < f->ntracked; i++) {
        struct tracked *t = &f->tracked[i];
        int d;

        if (t->decided)
            continue;
        d = decide(f, t->id);
        if (d < 0)
            continue;
        t->decided = true;
        if (d)
            add_id(f, t);
    }
}

static void drain_streams(struct bd_cfilter *f);

/* A container cgroup directory: select it now, or remember it undecided. */
static void container_dir(struct bd_cfilter *f, const char *id, uint64_t ino, bool live)
{
    struct tracked *t = find_tracked(f, ino);
    int d;

    if (t || f->ntracked >= MAX_TRACKED)
        return;
    t = &f->tracked[f->ntracked++];
    memset(t, 0, sizeof(*t));
    snprintf(t->id, sizeof(t->id), "%s", id);
    t->ino = ino;
    d = decide(f, id);
    if (d < 0) {
        char name[256];
        /* written at create time, before the cgroup exists */
        if (bd_ctr_local_name(id, name, sizeof(name)))
            learn_name(f, id, name);
        d = decide(f, id);
    }
    if (d < 0 && live) {
        drain_streams(f); /* the "create" event may be there already */
        d = decide(f, id);
    }
    if (d < 0 && live) {
        if (f->o.verbose)
            fprintf(stderr, "bpfdig-agent: container %.12s: name not known yet, asking\n", id);
        inspect_name(f, id);
        d = decide(f, id);
    }
    if (d < 0)
        return;
    t->decided = true;
    if (d)
        add_id(f, t);
}

/* --------------------------------------------------------- cgroup tree */

static void add_watch(struct bd_cfilter *f, const char *path, int depth)
{
    struct watch *w;
    int wd;

    if (f->ino_fd < 0 || f->nwatches >= MAX_WATCHES)
        return;
    wd = inotify_add_watch(f->ino_fd, path, IN_CREATE | IN_DELETE | IN_ONLYDIR);
    if (wd < 0)
        return;
    for (int i = 0; i < f->nwatches; i++) {
        if (f->watches[i].wd == wd)
            return; /* already watched */
    }
    if (f->nwatches == f->capwatches) {
        int cap = f->capwatches ? f->capwatches * 2 : 256;
        if (!(w = realloc(f->watches, (size_t)cap * sizeof(*w))))
            return;
        f->watches = w;
        f->capwatches = cap;
    }
    w = &f->watches[f->nwatches];
    w->path = strdup(path);
    if (!w->path)
        return;
    w->wd = wd;
    w->depth = depth;
    f->nwatches++;
}

static void scan_dir(struct bd_cfilter *f, const char *path, int depth, bool live);

/* A directory under the root: a container's, or one to look into. */
static void visit(struct bd_cfilter *f, const char *path, int depth, bool live)
{
    const char *rel = path + strlen(f->o.root);
    char full[65];
    struct stat st;

    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return;
    if (bd_ctr_id_of_path(rel, full)) {
        container_dir(f, full, (uint64_t)st.st_ino, live);
        return; /* its sub-cgroups are kept with it */
    }
    if (depth < MAX_DEPTH)
        scan_dir(f, path, depth + 1, live);
}

static void scan_dir(struct bd_cfilter *f, const char *path, int depth, bool live)
{
    struct dirent *e;
    DIR *d;

    add_watch(f, path, depth); /* first: nothing created meanwhile is missed */
    if (!(d = opendir(path)))
        return;
    while ((e = readdir(d)) != NULL) {
        char sub[1024];

        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >= (int)sizeof(sub))
            continue;
        visit(f, sub, depth, live);
    }
    closedir(d);
}

static struct watch *watch_of(struct bd_cfilter *f, int wd)
{
    for (int i = 0; i < f->nwatches; i++) {
        if (f->watches[i].wd == wd)
            return &f->watches[i];
    }
    return NULL;
}

static void forget_watch(struct bd_cfilter *f, int wd)
{
    struct watch *w = watch_of(f, wd);

    if (!w)
        return;
    free(w->path);
    *w = f->watches[--f->nwatches];
}

static void on_inotify(struct bd_cfilter *f, const struct inotify_event *ev)
{
    struct watch *w = watch_of(f, ev->wd);
    char path[1024];

    if (ev->mask & IN_IGNORED) {
        forget_watch(f, ev->wd);
        return;
    }
    if (!w || !ev->len || !(ev->mask & IN_ISDIR))
        return;
    if (snprintf(path, sizeof(path), "%s/%s", w->path, ev->name) >= (int)sizeof(path))
        return;
    if (ev->mask & IN_CREATE) {
        visit(f, path, w->depth, true);
    } else if (ev->mask & IN_DELETE) {
        char full[65];
        /* the inode is gone: find the container by its id */
        if (bd_ctr_id_of_path(path + strlen(f->o.root), full)) {
            for (int i = 0; i < f->ntracked; i++) {
                if (strcmp(f->tracked[i].id, full) == 0) {
                    forget_tracked(f, &f->tracked[i]);
                    break;
                }
            }
        }
    }
}

static void read_inotify(struct bd_cfilter *f)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;

    while ((n = read(f->ino_fd, buf, sizeof(buf))) > 0) {
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            on_inotify(f, ev);
            p += sizeof(*ev) + ev->len;
        }
    }
}

/* ------------------------------------------------------- /events streams */

static void stream_close(struct stream *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    free(s->buf);
    s->buf = NULL;
    s->len = 0;
    s->retry_at = now_ms() + STREAM_RETRY_MS;
}

static void stream_open(struct bd_cfilter *f, int i)
{
    static const char req[] = "GET " EVENTS_PATH " HTTP/1.1\r\nHost: docker\r\n"
                              "User-Agent: bpfdig-agent\r\n\r\n";
    struct stream *s = &f->streams[i];
    struct stat st;

    if (s->fd >= 0 || s->retry_at > now_ms())
        return;
    s->retry_at = now_ms() + STREAM_RETRY_MS;
    if (stat(f->o.sockets[i], &st) != 0 || !S_ISSOCK(st.st_mode))
        return;
    s->fd = bd_unix_connect(f->o.sockets[i], 500);
    if (s->fd < 0) {
        s->fd = -1;
        return;
    }
    memset(&s->rx, 0, sizeof(s->rx));
    s->buf = malloc(BD_HTTP_MAX_HEAD + LINE_MAX_BYTES + 1);
    s->len = 0;
    s->skipping = false;
    /* a few dozen bytes into an empty socket buffer: never blocks */
    if (!s->buf || send(s->fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1))
        stream_close(s);
}

static void on_event_line(struct bd_cfilter *f, const char *line, size_t len)
{
    struct bd_ctr_event ev;

    if (!bd_ctr_parse_event(line, len, &ev))
        return;
    if (strcmp(ev.action, "destroy") == 0 || strcmp(ev.action, "remove") == 0)
        return;
    if (ev.name[0])
        learn_name(f, ev.id, ev.name);
}

/* Complete lines of the decoded body are handled and removed from the buffer. */
static void take_lines(struct bd_cfilter *f, struct stream *s)
{
    char *body = s->buf + s->rx.h.head_len;
    size_t used = 0, blen = s->rx.body_len;

    for (;;) {
        char *nl = memchr(body + used, '\n', blen - used);
        if (!nl)
            break;
        if (!s->skipping)
            on_event_line(f, body + used, (size_t)(nl - (body + used)));
        s->skipping = false;
        used = (size_t)(nl - body) + 1;
    }
    if (blen - used >= LINE_MAX_BYTES) { /* a line too long: drop it */
        used = blen;
        s->skipping = true;
    }
    memmove(body, body + used, s->len - s->rx.h.head_len - used);
    s->len -= used;
    s->rx.body_len -= used;
}

/* Reads what the stream has; false when it closed or broke. */
static bool stream_read(struct bd_cfilter *f, struct stream *s)
{
    size_t cap = BD_HTTP_MAX_HEAD + LINE_MAX_BYTES, got = 0;

    /* a bounded amount per call: a flooding peer cannot keep the thread here */
    while (got < STREAM_READ_MAX) {
        ssize_t n;
        int r;

        if (s->len >= cap)
            return false;
        n = recv(s->fd, s->buf + s->len, cap - s->len, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return true;
        if (n <= 0)
            return false;
        got += (size_t)n;
        s->len += (size_t)n;
        r = bd_http_rx_feed(&s->rx, s->buf, &s->len, false);
        if (r != 0 || (s->rx.have_head && s->rx.h.status != 200))
            return false; /* an event stream never completes */
        if (s->rx.have_head)
            take_lines(f, s);
    }
    return true;
}

static void drain_streams(struct bd_cfilter *f)
{
    for (int i = 0; i < f->o.nsockets; i++) {
        struct stream *s = &f->streams[i];

        if (s->fd >= 0 && !stream_read(f, s))
            stream_close(s);
    }
}

/* ------------------------------------------------------------- thread */

static void *watcher(void *arg)
{
    struct bd_cfilter *f = arg;

    for (;;) {
        struct pollfd p[2 + BD_CTR_MAX_SOCKETS];
        int n = 0, r;

        p[n++] = (struct pollfd){.fd = f->wake[0], .events = POLLIN};
        p[n++] = (struct pollfd){.fd = f->ino_fd, .events = POLLIN};
        for (int i = 0; i < f->o.nsockets; i++) {
            stream_open(f, i);
            p[n++] = (struct pollfd){.fd = f->streams[i].fd, .events = POLLIN};
        }
        r = poll(p, (nfds_t)n, 1000);
        if (r < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            break;
        drain_streams(f); /* names first: a create event precedes its cgroup */
        redecide(f);
        if (p[1].revents & POLLIN)
            read_inotify(f);
    }
    return NULL;
}

/* ------------------------------------------------------------------ API */

static int learn_listed(void *ud, const struct bd_ctr_summary *s)
{
    learn_name(ud, s->id, s->name);
    return 0;
}

int bd_cfilter_prepare(struct bd_cfilter **out, const struct bd_cfilter_opts *o, uint64_t *ids,
                       int max_ids, int *nids)
{
    struct bd_cfilter *f = calloc(1, sizeof(*f));

    *out = NULL;
    *nids = 0;
    if (!f)
        return -ENOMEM;
    f->o = *o;
    f->map_fd = -1;
    f->ino_fd = -1;
    f->wake[0] = f->wake[1] = -1;
    for (int i = 0; i < BD_CTR_MAX_SOCKETS; i++)
        f->streams[i].fd = -1;
    f->tracked = calloc(MAX_TRACKED, sizeof(*f->tracked));
    if (!f->tracked) {
        free(f);
        return -ENOMEM;
    }
    for (int i = 0; i < o->nsockets; i++) {
        struct stat st;
        if (stat(o->sockets[i], &st) == 0 && S_ISSOCK(st.st_mode))
            bd_ctr_list(o->sockets[i], true, BD_CTR_TIMEOUT_MS, learn_listed, f);
    }
    f->out_ids = ids;
    f->out_max = max_ids;
    scan_dir(f, o->root, 0, false);
    redecide(f);
    *nids = f->out_n;
    f->out_ids = NULL;
    *out = f;
    return 0;
}

int bd_cfilter_run(struct bd_cfilter *f, int map_fd)
{
    int r;

    f->map_fd = map_fd; /* what prepare found went in before the probe attached */
    f->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (f->ino_fd < 0)
        return -errno;
    if (pipe2(f->wake, O_CLOEXEC) != 0)
        return -errno;
    /* watches first, then a second scan: directories made since prepare are seen */
    scan_dir(f, f->o.root, 0, true);
    redecide(f);
    r = pthread_create(&f->thread, NULL, watcher, f);
    if (r)
        return -r;
    f->running = true;
    return 0;
}

void bd_cfilter_stop(struct bd_cfilter *f)
{
    if (!f)
        return;
    if (f->running) {
        ssize_t w = write(f->wake[1], "x", 1);
        (void)w;
        pthread_join(f->thread, NULL);
    }
    for (int i = 0; i < BD_CTR_MAX_SOCKETS; i++) {
        if (f->streams[i].fd >= 0)
            close(f->streams[i].fd);
        free(f->streams[i].buf);
    }
    for (int i = 0; i < f->nwatches; i++)
        free(f->watches[i].path);
    if (f->ino_fd >= 0)
        close(f->ino_fd);
    if (f->wake[0] >= 0)
        close(f->wake[0]);
    if (f->wake[1] >= 0)
        close(f->wake[1]);
    free(f->watches);
    free(f->tracked);
    free(f->known);
    free(f);
}
