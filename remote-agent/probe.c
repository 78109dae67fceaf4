/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe.c: loads, configures and attaches the bpfdig eBPF probe, drains its
 * per-CPU rings (no wakeups: we poll with a back-off) and hands every record
 * to convert.c. See docs/probe.md.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent.h"
#include "bpfdig.h"
#include "bpfdig.skel.h"
#include "convert.h"

#define BACKOFF_START_US 500
#define BACKOFF_MAX_US   30000

struct ring_ctx {
    struct bd_probe *p;
    uint16_t cpu;
};

struct bd_probe {
    struct bpfdig *skel;
    struct ring_buffer *rb;
    int ncpus;
    int *ring_fds;
    struct ring_ctx *ctx;
    struct bd_conv conv;
    /* current poll */
    bd_event_fn fn;
    void *ud;
    int cb_err;
    int delivered;
    unsigned backoff_us;
    /* stats */
    uint64_t records, events, convert_errors;
};

/* ------------------------------------------------------ libbpf messages */

static char last_msg[512];

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    if (level == LIBBPF_DEBUG)
        return 0;
    if (getenv("BPFDIG_DEBUG")) {
        va_list aq;

        va_copy(aq, ap);
        vfprintf(stderr, fmt, aq);
        va_end(aq);
    }
    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
        line[--n] = 0;
    if (n)
        snprintf(last_msg, sizeof(last_msg), "%s", line);
    return 0;
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return rc < 0 ? rc : -rc;
}

/* ------------------------------------------------------------ cgroups */

struct hier {
    char path[256];
    int ssid; /* -1 for cgroup2 */
};

/* ssid of a v1 controller: its line in /proc/cgroups (subsystem id order). */
static int controller_ssid(const char *name)
{
    FILE *f = fopen("/proc/cgroups", "r");
    char line[256], ctl[64];
    int id = 0, found = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#')
            continue;
        if (sscanf(line, "%63s", ctl) == 1 && strcmp(ctl, name) == 0) {
            found = id;
            break;
        }
        id++;
    }
    fclose(f);
    return found;
}

static int list_hierarchies(struct hier *h, int max)
{
    FILE *f = fopen("/proc/self/mounts", "r");
    char dev[256], dir[256], type[64], opts[512];
    int n = 0;

    if (!f)
        return 0;
    while (n < max && fscanf(f, "%255s %255s %63s %511s %*d %*d", dev, dir, type, opts) == 4) {
        if (strcmp(type, "cgroup2") == 0) {
            snprintf(h[n].path, sizeof(h[n].path), "%s", dir);
            h[n++].ssid = -1;
        } else if (strcmp(type, "cgroup") == 0) {
            char *save = NULL;

            for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                int id = controller_ssid(o);

                if (id >= 0 && id < 16) {
                    snprintf(h[n].path, sizeof(h[n].path), "%s", dir);
                    h[n++].ssid = id;
                    break;
                }
            }
        }
    }
    fclose(f);
    return n;
}

struct cg_sel_set {
    struct bdp_cgroup_sel sel[BDP_MAX_CGROUPS];
    int n;
};

static void add_sel(struct cg_sel_set *s, int ssid, uint64_t id)
{
    for (int i = 0; i < s->n; i++)
        if (s->sel[i].ssid == ssid && s->sel[i].id == id)
            return;
    if (s->n < BDP_MAX_CGROUPS) {
        s->sel[s->n].ssid = ssid;
        s->sel[s->n].pad = 0;
        s->sel[s->n++].id = id;
    }
}

/* Directories below dir whose name contains needle (a container id prefix). */
static void find_cgroup_dirs(struct cg_sel_set *s, int ssid, const char *dir, const char *needle,
                             int depth)
{
    DIR *d;
    struct dirent *e;

    if (depth > 4 || !(d = opendir(dir)))
        return;
    while ((e = readdir(d)) != NULL) {
        char sub[1024];
        struct stat st;

        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
        if (strstr(e->d_name, needle) && stat(sub, &st) == 0)
            add_sel(s, ssid, st.st_ino);
        else
            find_cgroup_dirs(s, ssid, sub, needle, depth + 1);
    }
    closedir(d);
}

/*
 * A selection is either a cgroup path ("/libpod_parent/libpod-<id>",
 * relative to every hierarchy's root) or a container id prefix. Each match
 * becomes (hierarchy, kernfs id = inode number of the directory).
 */
static int resolve_cgroups(const struct bd_filter *f, struct cg_sel_set *s, char *err,
                           size_t errlen)
{
    struct hier h[32];
    int nh = list_hierarchies(h, 32);

    memset(s, 0, sizeof(*s));
    if (f->ncgroups && !nh)
        return fail(err, errlen, ENOENT, "no cgroup hierarchy is mounted");
    for (int i = 0; i < f->ncgroups && i < BD_MAX_CGROUPS; i++) {
        const char *want = f->cgroups[i];
        int before = s->n;

        for (int k = 0; k < nh; k++) {
            if (want[0] == '/') {
                char p[600];
                struct stat st;

                if (snprintf(p, sizeof(p), "%s%s", h[k].path, want) >= (int)sizeof(p))
                    continue;
                if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
                    add_sel(s, h[k].ssid, st.st_ino);
            } else {
                find_cgroup_dirs(s, h[k].ssid, h[k].path, want, 0);
            }
        }
        if (s->n == before)
            return fail(err, errlen, ENOENT, "cgroup '%s' not found in any cgroup hierarchy", want);
    }
    return 0;
}

/* --------------------------------------------------------- pid filter */

/* Adds the kept pids and the descendants they already have. */
static void seed_pids(int map_fd, const struct bd_filter *f)
{
    enum { MAXP = 65536 };
    static uint32_t parent[MAXP]; /* ppid by pid, for pids < MAXP */
    uint8_t one = 1;
    DIR *d;
    struct dirent *e;

    memset(parent, 0, sizeof(parent));
    for (int i = 0; i < f->npids && i < BD_MAX_PIDS; i++) {
        uint32_t pid = (uint32_t)f->pids[i];

        bpf_map_update_elem(map_fd, &pid, &one, BPF_ANY);
    }
    if (!(d = opendir("/proc")))
        return;
    while ((e = readdir(d)) != NULL) {
        char path[64], buf[512], *rp;
        unsigned long pid = strtoul(e->d_name, NULL, 10);
        unsigned ppid = 0;
        FILE *fp;

        if (!pid || pid >= MAXP)
            continue;
        snprintf(path, sizeof(path), "/proc/%lu/stat", pid);
        if (!(fp = fopen(path, "r")))
            continue;
        if (fgets(buf, sizeof(buf), fp) && (rp = strrchr(buf, ')')) &&
            sscanf(rp + 1, " %*c %u", &ppid) == 1)
            parent[pid] = ppid;
        fclose(fp);
    }
    closedir(d);
    /* a few passes reach every depth that matters */
    for (int pass = 0; pass < 8; pass++) {
        bool added = false;

        for (uint32_t pid = 1; pid < MAXP; pid++) {
            uint32_t pp = parent[pid];
            uint8_t v;

            if (!pp || bpf_map_lookup_elem(map_fd, &pid, &v) == 0)
                continue;
            if (bpf_map_lookup_elem(map_fd, &pp, &v) == 0) {
                bpf_map_update_elem(map_fd, &pid, &one, BPF_ANY);
                added = true;
            }
        }
        if (!added)
            break;
    }
}

/* --------------------------------------------------------------- rings */

static int on_record(void *ctx, void *data, size_t len)
{
    struct ring_ctx *rc = ctx;
    struct bd_probe *p = rc->p;
    struct bd_event ev;
    int r;

    p->records++;
    r = bd_convert(&p->conv, rc->cpu, data, len, &ev);
    if (r < 0) {
        p->convert_errors++;
        return 0;
    }
    if (r == 0 || !p->fn)
        return 0;
    r = p->fn(p->ud, &ev);
    if (r < 0) {
        p->cb_err = r;
        return r;
    }
    p->events++;
    p->delivered++;
    return 0;
}

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/*
 * A set of at most BDP_MAX_FAST syscalls is matched by immediates: write the
 * numbers over the placeholders of fast_wanted() in the sys_exit program
 * (before load: these compares are not relocated) and switch g_fast on.
 * Larger sets, or an object without every placeholder, keep the table.
 */
static int patch_fast_set(struct bpfdig *skel, const struct bd_filter *f)
{
    struct bpf_program *prog = skel->progs.bpfdig_sys_exit;
    size_t n = bpf_program__insn_cnt(prog);
    int32_t nrs[BDP_MAX_FAST];
    unsigned found = 0, nset = 0;
    struct bpf_insn *insns;
    int rc;

    for (int i = 0; i < BD_NR_SYSCALLS && i < BDP_NR_SYSCALLS; i++) {
        if (!f->syscalls[i])
            continue;
        if (nset == BDP_MAX_FAST)
            return 0;
        nrs[nset++] = i;
    }
    insns = malloc(n * sizeof(*insns));
    if (!insns)
        return -ENOMEM;
    memcpy(insns, bpf_program__insns(prog), n * sizeof(*insns));
    for (size_t i = 0; i < n; i++) {
        uint32_t slot = (uint32_t)insns[i].imm - BDP_FAST_MAGIC;

        if (insns[i].code == (BPF_ALU64 | BPF_MOV | BPF_K) && slot == BDP_MAX_FAST) {
            insns[i].imm = 1; /* fast_set_used() */
            found |= 1u << slot;
        } else if (insns[i].code == (BPF_JMP | BPF_JNE | BPF_K) && slot < BDP_MAX_FAST) {
            insns[i].imm = slot < nset ? nrs[slot] : -1;
            found |= 1u << slot;
        }
    }
    /* every slot and the switch, or nothing: the table stays in use */
    rc = found == (2u << BDP_MAX_FAST) - 1 ? bpf_program__set_insns(prog, insns, n) : 0;
    free(insns);
    return rc;
}

/* ------------------------------------------------------------------ API */

static int setup_config(struct bpfdig *skel, const struct bd_filter *f, char *err, size_t errlen)
{
    struct bpfdig__rodata *ro = skel->rodata;
    struct cg_sel_set cs;
    int rc;

    for (int i = 0; i < BDP_NR_SYSCALLS && i < BD_NR_SYSCALLS; i++)
        ro->g_syscalls[i] = f->syscalls[i] ? 1 : 0;
    bd_conv_plan(ro->g_plan);
    ro->g_self_tgid = (uint32_t)(f->self_pid > 0 ? f->self_pid : getpid());
    ro->g_nexclude = (uint32_t)(f->nexclude > BDP_MAX_EXCLUDE ? BDP_MAX_EXCLUDE : f->nexclude);
    for (uint32_t i = 0; i < ro->g_nexclude; i++)
        ro->g_exclude[i] = (uint32_t)f->exclude[i];
    ro->g_snaplen = f->snaplen < 0 ? 0 : (uint32_t)f->snaplen;
    if (ro->g_snaplen > BDP_SNAP_MAX)
        ro->g_snaplen = BDP_SNAP_MAX;
    ro->g_procexit = f->procexit;
    ro->g_pid_filter = f->npids > 0;
    ro->g_ncomms = (uint32_t)(f->ncomms > BDP_MAX_COMMS ? BDP_MAX_COMMS : f->ncomms);
    for (uint32_t i = 0; i < ro->g_ncomms; i++) {
        char c[BDP_COMM_LEN] = {0};

        memcpy(c, f->comms[i], strnlen(f->comms[i], BDP_COMM_LEN - 1));
        memcpy((void *)ro->g_comms[i], c, sizeof(c));
    }
    rc = resolve_cgroups(f, &cs, err, errlen);
    if (rc)
        return rc;
    ro->g_ncgroups = (uint32_t)cs.n;
    memcpy((void *)ro->g_cgroups, cs.sel, sizeof(cs.sel));
    if (f->cg_ids) {
        ro->g_cg_ids = 1;
        ro->g_cg_ids_ssid = f->cg_ids_ssid;
        if (!cs.n)
            ro->g_ncgroups = 1; /* g_cgroups[0] has id 0: turns the filter on, matches nothing */
    }
    return 0;
}

/* The cgroups --container found at start, in the map before the probe attaches. */
static int seed_cgroup_ids(struct bpfdig *skel, const struct bd_filter *f)
{
    int fd = bpf_map__fd(skel->maps.bd_cgroup_ids);
    uint8_t one = 1;

    for (int i = 0; i < f->ncg_ids_seed; i++) {
        if (bpf_map_update_elem(fd, &f->cg_ids_seed[i], &one, BPF_ANY))
            return -errno;
    }
    return 0;
}

int bd_probe_cgroup_ids_fd(struct bd_probe *p)
{
    return p && p->skel ? bpf_map__fd(p->skel->maps.bd_cgroup_ids) : -1;
}

int bd_cgroup_ids_hierarchy(char *root, size_t len, int *ssid)
{
    struct hier h[32];
    int nh = list_hierarchies(h, 32), pick = -1;

    /* cgroup v2 (alone or the hybrid "unified" mount) has every container's cgroup */
    for (int k = 0; k < nh && pick < 0; k++) {
        if (h[k].ssid < 0)
            pick = k;
    }
    for (int k = 0; k < nh && pick < 0; k++)
        pick = k;
    if (pick < 0)
        return -ENOENT;
    snprintf(root, len, "%s", h[pick].path);
    *ssid = h[pick].ssid;
    return 0;
}

int bd_probe_open(struct bd_probe **out, const struct bd_filter *f, char *err, size_t errlen)
{
    struct bd_probe *p;
    size_t ring = f->ring_bytes ? f->ring_bytes : BD_DEFAULT_RING_BYTES;
    long page = sysconf(_SC_PAGESIZE);
    int rc, outer_fd, tmpl_fd = -1;

    *out = NULL;
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
        return fail(err, errlen, ENOTSUP,
                    "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): the CO-RE "
                    "probe needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
    if (ring < (size_t)page || (ring & (ring - 1)) || ring > (1ul << 30))
        return fail(err, errlen, EINVAL,
                    "ring size %zu: must be a power of two between the page size and 1 GiB", ring);
    libbpf_set_print(on_libbpf_print);
    last_msg[0] = 0;

    p = calloc(1, sizeof(*p));
    if (!p)
        return fail(err, errlen, ENOMEM, "out of memory");
    rc = bd_conv_init(&p->conv, f->snaplen < 0 ? 0 : (uint32_t)f->snaplen);
    if (rc) {
        free(p);
        return fail(err, errlen, ENOMEM, "out of memory");
    }
    p->ncpus = libbpf_num_possible_cpus();
    if (p->ncpus <= 0) {
        rc = fail(err, errlen, p->ncpus ? p->ncpus : -EINVAL, "cannot count the CPUs");
        goto out_err;
    }
    p->skel = bpfdig__open();
    if (!p->skel) {
        rc = fail(err, errlen, errno ? errno : EINVAL, "cannot open the eBPF object: %s",
                  last_msg[0] ? last_msg : strerror(errno));
        goto out_err;
    }
    rc = setup_config(p->skel, f, err, errlen);
    if (rc)
        goto out_err;
    rc = patch_fast_set(p->skel, f);
    if (rc) {
        rc = fail(err, errlen, rc, "cannot prepare the syscall filter: %s", strerror(-rc));
        goto out_err;
    }
    bpf_map__set_max_entries(p->skel->maps.bd_rings, (uint32_t)p->ncpus);
    /* the inner template decides the size every ring must have */
    tmpl_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "bpfdig_rbtmpl", 0, 0, (uint32_t)ring, NULL);
    if (tmpl_fd < 0) {
        rc = fail(err, errlen, errno,
                  errno == EPERM ? "not allowed to create BPF maps: run as root or give "
                                   "bpfdig-agent CAP_BPF and CAP_PERFMON"
                                 : "cannot create a %zu-byte ring buffer: %s",
                  ring, strerror(errno));
        goto out_err;
    }
    if (bpf_map__set_inner_map_fd(p->skel->maps.bd_rings, tmpl_fd)) {
        rc = fail(err, errlen, EINVAL, "cannot size the ring buffers");
        goto out_err;
    }
    if (!f->procexit)
        bpf_program__set_autoload(p->skel->progs.bpfdig_proc_exit, false);

    rc = bpfdig__load(p->skel);
    close(tmpl_fd);
    tmpl_fd = -1;
    if (rc) {
        if (rc == -EPERM || errno == EPERM)
            rc = fail(err, errlen, EPERM,
                      "not allowed to load eBPF programs: run as root or give bpfdig-agent "
                      "CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN on kernels before 5.8)");
        else
            rc = fail(err, errlen, rc, "the kernel refused the eBPF probe (%s)%s%s", strerror(-rc),
                      last_msg[0] ? ": " : "", last_msg);
        goto out_err;
    }

    /* one ring per possible CPU, all the same size as the inner template */
    outer_fd = bpf_map__fd(p->skel->maps.bd_rings);
    p->ring_fds = calloc((size_t)p->ncpus, sizeof(int));
    p->ctx = calloc((size_t)p->ncpus, sizeof(*p->ctx));
    if (!p->ring_fds || !p->ctx) {
        rc = fail(err, errlen, ENOMEM, "out of memory");
        goto out_err;
    }
    for (int i = 0; i < p->ncpus; i++)
        p->ring_fds[i] = -1;
    for (int i = 0; i < p->ncpus; i++) {
        char name[32];
        uint32_t key = (uint32_t)i;

        snprintf(name, sizeof(name), "bpfdig_rb%d", i);
        p->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, name, 0, 0, (uint32_t)ring, NULL);
        if (p->ring_fds[i] < 0) {
            rc = fail(err, errlen, errno,
                      "cannot create the %zu-byte ring for CPU %d: %s (try a smaller ring)", ring,
                      i, strerror(errno));
            goto out_err;
        }
        if (bpf_map_update_elem(outer_fd, &key, &p->ring_fds[i], BPF_ANY)) {
            rc = fail(err, errlen, errno, "cannot install the ring for CPU %d: %s", i,
                      strerror(errno));
            goto out_err;
        }
        p->ctx[i].p = p;
        p->ctx[i].cpu = (uint16_t)i;
        if (i == 0)
            p->rb = ring_buffer__new(p->ring_fds[0], on_record, &p->ctx[0], NULL);
        else if (p->rb && ring_buffer__add(p->rb, p->ring_fds[i], on_record, &p->ctx[i]))
            rc = -errno;
        if (!p->rb || rc) {
            rc = fail(err, errlen, errno ? errno : ENOMEM, "cannot map the ring for CPU %d: %s", i,
                      strerror(errno));
            goto out_err;
        }
    }
    if (f->npids > 0)
        seed_pids(bpf_map__fd(p->skel->maps.bd_pids), f);
    rc = seed_cgroup_ids(p->skel, f);
    if (rc) {
        rc = fail(err, errlen, rc, "cannot select the containers' cgroups: %s", strerror(-rc));
        goto out_err;
    }

    rc = bpfdig__attach(p->skel);
    if (rc) {
        rc = fail(err, errlen, rc, "cannot attach the probe to the syscall tracepoints: %s%s%s",
                  strerror(-rc), last_msg[0] ? ": " : "", last_msg);
        goto out_err;
    }
    p->backoff_us = BACKOFF_START_US;
    *out = p;
    return 0;

out_err:
    if (tmpl_fd >= 0)
        close(tmpl_fd);
    bd_probe_close(p);
    return rc;
}

int bd_probe_poll(struct bd_probe *p, int timeout_ms, bd_event_fn fn, void *ud)
{
    uint64_t deadline = now_us() + (timeout_ms > 0 ? (uint64_t)timeout_ms * 1000u : 0);

    if (!p)
        return -EINVAL;
    p->fn = fn;
    p->ud = ud;
    p->delivered = 0;
    p->cb_err = 0;
    for (;;) {
        int n = ring_buffer__consume(p->rb);
        uint64_t now;

        if (p->cb_err)
            return p->cb_err;
        if (n < 0 && n != -EINTR)
            return n;
        if (n > 0) {
            p->backoff_us = BACKOFF_START_US;
            return p->delivered;
        }
        now = now_us();
        if (timeout_ms <= 0 || now >= deadline)
            return p->delivered;
        {
            uint64_t wait = p->backoff_us;
            struct timespec ts;

            if (wait > deadline - now)
                wait = deadline - now;
            ts.tv_sec = (time_t)(wait / 1000000u);
            ts.tv_nsec = (long)(wait % 1000000u) * 1000;
            nanosleep(&ts, NULL);
            if (p->backoff_us < BACKOFF_MAX_US)
                p->backoff_us *= 2;
        }
    }
}

void bd_probe_get_stats(struct bd_probe *p, struct bd_probe_stats *s)
{
    memset(s, 0, sizeof(*s));
    if (!p)
        return;
    s->records = p->records;
    s->events = p->events;
    s->convert_errors = p->convert_errors;
    s->truncated = p->conv.truncated;
    s->ncpus = (unsigned)p->ncpus;
    if (p->skel) {
        uint64_t *v = calloc((size_t)p->ncpus, sizeof(uint64_t));
        uint32_t zero = 0;

        if (v && bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.bd_drops), &zero, v) == 0) {
            for (int i = 0; i < p->ncpus; i++) {
                s->drops += v[i];
                if (i < (int)(sizeof(s->drops_per_cpu) / sizeof(s->drops_per_cpu[0])))
                    s->drops_per_cpu[i] = v[i];
            }
        }
        free(v);
    }
}

void bd_probe_close(struct bd_probe *p)
{
    if (!p)
        return;
    if (p->rb)
        ring_buffer__free(p->rb);
    if (p->skel)
        bpfdig__destroy(p->skel); /* detaches every link, closes programs and maps */
    if (p->ring_fds) {
        for (int i = 0; i < p->ncpus; i++)
            if (p->ring_fds[i] >= 0)
                close(p->ring_fds[i]);
    }
    free(p->ring_fds);
    free(p->ctx);
    bd_conv_free(&p->conv);
    free(p);
}
