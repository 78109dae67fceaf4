/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctr_meta.c: the container metadata worker. The event path reports each
 * container id it sees (bd_cmeta_seen: a set lookup and a queue push under a
 * mutex, no I/O); this thread asks the runtimes' APIs and hands back the
 * finished CONTAINER_JSON_2_E payloads (bd_cmeta_take). While a lookup is
 * under way the writer holds back events from the container's first one on
 * (bd_cmeta_hold), so the metadata lands in the file before them; a lookup
 * that takes too long stops holding anything.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "containers.h"

#define HOLD_MAX_MS    3000  /* longest the writer waits for one lookup */
#define INITIAL_MAX_MS 5000  /* ... for the containers running at start */
#define DOWN_RETRY_MS  5000  /* a socket that refused is left alone this long */
#define KNOWN_MAX      65536 /* container ids remembered */

struct job {
    struct job *next;
    char id[65];
    char runtime[16];
    uint64_t ts;
    long long deadline;
};

struct bd_cmeta {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    bool initial_done;
    long long initial_deadline;
    char sockets[BD_CTR_MAX_SOCKETS][256];
    long long down_until[BD_CTR_MAX_SOCKETS];
    int nsockets;
    char (*select)[256]; /* --container, or NULL */
    int nselect;
    bool verbose;
    struct job *jobs, *jobs_tail; /* waiting */
    struct job *current;          /* being looked up */
    struct bd_cmeta_ready *ready, *ready_tail;
    char (*known)[13]; /* open addressing set of short ids */
    size_t known_cap, known_n;
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ id set */

static size_t hash_id(const char *id)
{
    size_t h = 1469598103934665603ull;

    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211ull;
    return h;
}

/* Adds the short id; false when it was there already (or the set is full). */
static bool known_add(struct bd_cmeta *m, const char *full_id)
{
    char id[13];
    size_t i;

    snprintf(id, sizeof(id), "%.12s", full_id);
    if (m->known_n * 2 >= m->known_cap)
        return false; /* full: stop looking up new ones */
    for (i = hash_id(id) & (m->known_cap - 1); m->known[i][0]; i = (i + 1) & (m->known_cap - 1)) {
        if (strcmp(m->known[i], id) == 0)
            return false;
    }
    memcpy(m->known[i], id, sizeof(id));
    m->known_n++;
    return true;
}

/* Doubles the id set (under the lock). */
static void known_grow(struct bd_cmeta *m)
{
    size_t cap = m->known_cap * 2;
    char(*n)[13];
    char(*old)[13] = m->known;
    size_t oldcap = m->known_cap;

    if (cap > KNOWN_MAX * 2 || !(n = calloc(cap, sizeof(*n))))
        return;
    m->known = n;
    m->known_cap = cap;
    m->known_n = 0;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i][0])
            known_add(m, old[i]);
    }
    free(old);
}

/* known_add, growing the set first when it is half full (under the lock). */
static bool known_insert(struct bd_cmeta *m, const char *full_id)
{
    if (m->known_n * 2 + 2 >= m->known_cap)
        known_grow(m);
    return known_add(m, full_id);
}

/* ------------------------------------------------------------ lookups */

static bool socket_usable(struct bd_cmeta *m, int i)
{
    struct stat st;

    if (m->down_until[i] > now_ms())
        return false;
    return stat(m->sockets[i], &st) == 0 && S_ISSOCK(st.st_mode);
}

static void note_result(struct bd_cmeta *m, int i, int r)
{
    if (r == -ECONNREFUSED || r == -ENOENT || r == -ETIMEDOUT || r == -EACCES)
        m->down_until[i] = now_ms() + DOWN_RETRY_MS;
}

/* The runtime of a running process, from its cgroups ("" if none). */
static void runtime_of_pid(int pid, char *out, size_t size)
{
    char path[64], line[1024], list[4096], full[65];
    size_t used = 0;
    const char *rt;
    FILE *f;

    out[0] = '\0';
    snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
    if (!(f = fopen(path, "re")))
        return;
    /* "N:controllers:/path" lines -> the "controllers=/path\0" list the matcher reads */
    while (fgets(line, sizeof(line), f)) {
        char *ctl = strchr(line, ':'), *cg = ctl ? strchr(ctl + 1, ':') : NULL;
        int n;

        if (!cg)
            continue;
        *cg = '\0';
        cg[strcspn(cg + 1, "\n") + 1] = '\0';
        n = snprintf(list + used, sizeof(list) - used, "%s=%s", ctl + 1, cg + 1);
        if (n < 0 || (size_t)n + 1 >= sizeof(list) - used)
            break;
        used += (size_t)n + 1;
    }
    fclose(f);
    rt = bd_ctr_id_of_cgroups(list, used, full);
    if (rt)
        snprintf(out, size, "%s", rt);
}

/* j: the job (its ts may be lowered until now, under the lock), or NULL at start */
static void push_ready(struct bd_cmeta *m, const struct bd_ctr_info *ci, const struct job *j)
{
    char *json = malloc(BD_CTR_JSON_MAX);
    struct bd_cmeta_ready *r;
    size_t n;

    if (!json)
        return;
    n = bd_ctr_event_json(ci, json, BD_CTR_JSON_MAX);
    r = n ? malloc(sizeof(*r) + n + 1) : NULL;
    if (r) {
        r->next = NULL;
        snprintf(r->id, sizeof(r->id), "%.12s", ci->id);
        r->json_len = n;
        memcpy(r->json, json, n + 1);
        pthread_mutex_lock(&m->mu);
        r->ts = j ? j->ts : 0;
        if (m->ready_tail)
            m->ready_tail->next = r;
        else
            m->ready = r;
        m->ready_tail = r;
        pthread_mutex_unlock(&m->mu);
    }
    free(json);
}

/* Asks each socket in turn; 0 when one of them knows the container. */
static int lookup(struct bd_cmeta *m, const char *id, struct bd_ctr_info *ci)
{
    int last = -ENOENT;

    for (int i = 0; i < m->nsockets; i++) {
        int r;

        if (!socket_usable(m, i))
            continue;
        r = bd_ctr_inspect(m->sockets[i], id, BD_CTR_TIMEOUT_MS, ci);
        if (r == 0) {
            if (!ci->runtime[0])
                snprintf(ci->runtime, sizeof(ci->runtime), "%s",
                         strstr(m->sockets[i], "podman") ? "podman" : "docker");
            return 0;
        }
        note_result(m, i, r);
        if (m->verbose && r != -ENOENT)
            fprintf(stderr, "bpfdig-agent: %s: container %.12s: %s\n", m->sockets[i], id,
                    strerror(-r));
        last = r;
    }
    return last;
}

static void run_job(struct bd_cmeta *m, const struct job *j)
{
    struct bd_ctr_info *ci = malloc(sizeof(*ci));
    int r;

    if (!ci)
        return;
    r = lookup(m, j->id, ci);
    if (r == 0) {
        if (j->runtime[0])
            snprintf(ci->runtime, sizeof(ci->runtime), "%s", j->runtime);
        push_ready(m, ci, j);
    } else if (m->verbose) {
        fprintf(stderr, "bpfdig-agent: container %.12s: no runtime knows it (%s)\n", j->id,
                strerror(-r));
    }
    free(ci);
}

static bool stopping(struct bd_cmeta *m)
{
    bool stop;

    pthread_mutex_lock(&m->mu);
    stop = m->stop;
    pthread_mutex_unlock(&m->mu);
    return stop;
}

/* ------------------------------------------------------ containers at start */

struct initial_ctx {
    struct bd_cmeta *m;
    char (*ids)[65];
    int n, cap;
};

static int collect_running(void *ud, const struct bd_ctr_summary *s)
{
    struct initial_ctx *ic = ud;
    bool fresh;

    if (!s->running)
        return 0;
    if (ic->m->nselect && !bd_ctr_selected(ic->m->select, ic->m->nselect, s->id, s->name))
        return 0;
    pthread_mutex_lock(&ic->m->mu);
    fresh = known_insert(ic->m, s->id);
    pthread_mutex_unlock(&ic->m->mu);
    if (!fresh)
        return 0;
    if (bd_grow((void **)&ic->ids, &ic->cap, ic->n, sizeof(*ic->ids), 32))
        return -ENOMEM;
    snprintf(ic->ids[ic->n++], 65, "%s", s->id);
    return 0;
}

static void initial_lookups(struct bd_cmeta *m)
{
    struct initial_ctx ic = {.m = m};
    struct bd_ctr_info *ci = malloc(sizeof(*ci));

    for (int i = 0; ci && i < m->nsockets; i++) {
        int r;

        if (!socket_usable(m, i))
            continue;
        r = bd_ctr_list(m->sockets[i], false, BD_CTR_TIMEOUT_MS, collect_running, &ic);
        note_result(m, i, r);
        if (r && m->verbose)
            fprintf(stderr, "bpfdig-agent: %s: listing the containers failed: %s\n", m->sockets[i],
                    strerror(-r));
    }
    for (int k = 0; ci && k < ic.n && !stopping(m); k++) {
        if (lookup(m, ic.ids[k], ci) != 0)
            continue;
        if (ci->pid)
            runtime_of_pid(ci->pid, ci->runtime, sizeof(ci->runtime));
        push_ready(m, ci, NULL);
    }
    free(ci);
    free(ic.ids);
}

/* ------------------------------------------------------------- thread */

static void *worker(void *arg)
{
    struct bd_cmeta *m = arg;

    initial_lookups(m);
    pthread_mutex_lock(&m->mu);
    m->initial_done = true;
    while (!m->stop) {
        struct job *j = m->jobs;

        if (!j) {
            pthread_cond_wait(&m->cv, &m->mu);
            continue;
        }
        m->jobs = j->next;
        if (!m->jobs)
            m->jobs_tail = NULL;
        m->current = j;
        pthread_mutex_unlock(&m->mu);
        run_job(m, j);
        pthread_mutex_lock(&m->mu);
        m->current = NULL;
        free(j);
    }
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

int bd_cmeta_start(struct bd_cmeta **out, char sockets[][256], int nsockets, char select[][256],
                   int nselect, bool verbose)
{
    struct bd_cmeta *m = calloc(1, sizeof(*m));
    int r;

    *out = NULL;
    if (!m)
        return -ENOMEM;
    m->known_cap = 1024;
    m->known = calloc(m->known_cap, sizeof(*m->known));
    if (!m->known) {
        free(m);
        return -ENOMEM;
    }
    for (int i = 0; i < nsockets && i < BD_CTR_MAX_SOCKETS; i++)
        snprintf(m->sockets[m->nsockets++], 256, "%s", sockets[i]);
    m->select = select;
    m->nselect = nselect;
    m->verbose = verbose;
    m->initial_deadline = now_ms() + INITIAL_MAX_MS;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cv, NULL);
    r = pthread_create(&m->thread, NULL, worker, m);
    if (r) {
        free(m->known);
        free(m);
        return -r;
    }
    *out = m;
    return 0;
}

/*
 * An earlier event of a container already asked for (events of different
 * CPUs arrive out of order): its metadata must go before that one.
 */
static void lower_ts(struct bd_cmeta *m, const char *full_id, uint64_t ts)
{
    if (m->current && !strcmp(m->current->id, full_id) && ts < m->current->ts)
        m->current->ts = ts;
    for (struct job *j = m->jobs; j; j = j->next) {
        if (!strcmp(j->id, full_id) && ts < j->ts)
            j->ts = ts;
    }
    for (struct bd_cmeta_ready *r = m->ready; r; r = r->next) {
        if (r->ts && !strncmp(r->id, full_id, 12) && ts < r->ts)
            r->ts = ts;
    }
}

void bd_cmeta_seen(struct bd_cmeta *m, const char *full_id, const char *runtime, uint64_t ts)
{
    struct job *j;

    if (!m)
        return;
    pthread_mutex_lock(&m->mu);
    if (!known_insert(m, full_id)) {
        lower_ts(m, full_id, ts);
        pthread_mutex_unlock(&m->mu);
        return;
    }
    if (!(j = calloc(1, sizeof(*j)))) {
        pthread_mutex_unlock(&m->mu);
        return;
    }
    snprintf(j->id, sizeof(j->id), "%s", full_id);
    snprintf(j->runtime, sizeof(j->runtime), "%s", runtime ? runtime : "");
    j->ts = ts;
    j->deadline = now_ms() + HOLD_MAX_MS;
    if (m->jobs_tail)
        m->jobs_tail->next = j;
    else
        m->jobs = j;
    m->jobs_tail = j;
    pthread_cond_signal(&m->cv);
    pthread_mutex_unlock(&m->mu);
}

uint64_t bd_cmeta_hold(struct bd_cmeta *m)
{
    uint64_t hold = UINT64_MAX;
    long long now = now_ms();

    if (!m)
        return hold;
    pthread_mutex_lock(&m->mu);
    if (!m->initial_done && now < m->initial_deadline) {
        hold = 0;
    } else {
        if (m->current && m->current->deadline > now && m->current->ts < hold)
            hold = m->current->ts;
        for (struct job *j = m->jobs; j; j = j->next) {
            if (j->deadline > now && j->ts < hold)
                hold = j->ts;
        }
    }
    /* finished but not taken yet: the writer takes them before writing */
    for (struct bd_cmeta_ready *r = m->ready; r; r = r->next) {
        if (r->ts < hold)
            hold = r->ts;
    }
    pthread_mutex_unlock(&m->mu);
    return hold;
}

struct bd_cmeta_ready *bd_cmeta_take(struct bd_cmeta *m)
{
    struct bd_cmeta_ready *r;

    if (!m)
        return NULL;
    pthread_mutex_lock(&m->mu);
    r = m->ready;
    m->ready = m->ready_tail = NULL;
    pthread_mutex_unlock(&m->mu);
    return r;
}

void bd_cmeta_stop(struct bd_cmeta *m)
{
    struct bd_cmeta_ready *r;

    if (!m)
        return;
    pthread_mutex_lock(&m->mu);
    m->stop = true;
    pthread_cond_signal(&m->cv);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->thread, NULL);
    while (m->jobs) {
        struct job *j = m->jobs;
        m->jobs = j->next;
        free(j);
    }
    r = m->ready;
    while (r) {
        struct bd_cmeta_ready *next = r->next;
        free(r);
        r = next;
    }
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    free(m->known);
    free(m);
}
