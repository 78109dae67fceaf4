// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfdig-agent: capture system calls with the eBPF probe and write a scap
 * stream (SHB 1.2, MI, IL, UL, PL, FDL, then exit events in libs 0.22.2
 * layouts) that sysdig, Stratoshark and bpfdig's Wireshark plugins read.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "containers.h"
#include "syscall_sets.h"

#define POLL_MS 10
/* Records committed this long before a drain started are all in the rings. */
#define REORDER_MARGIN_NS (2ull * 1000 * 1000)

enum exit_code {
    EXIT_OK = 0,
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
    EXIT_PRIVILEGES = 3,
};

struct options {
    const char *output; /* path or "-" */
    bool gzip;
    bool quiet;
    bool check_only;     /* --check: privileges and BTF, then exit */
    uint64_t max_events; /* -n, 0 = unlimited */
    double max_seconds;  /* -M, 0 = unlimited */
    struct bd_filter filter;
    bool verbose;
    bool list_containers; /* --list-containers, then exit */
    bool no_container_api;
    char sockets[BD_CTR_MAX_SOCKETS][256]; /* --container-socket, else the defaults */
    int nsockets;
    char containers[BD_CTR_MAX_SELECT][256]; /* --container NAME|ID */
    int ncontainers;
};

/* Events received but not yet written: merged by timestamp before writing. */
struct pending_event {
    uint64_t ts;
    uint64_t seq;
    uint32_t block_type;
    uint32_t len;
    size_t off; /* into the arena */
};

struct reorder_queue {
    struct pending_event *ev;
    size_t n, cap;
    uint8_t *arena;
    size_t used, arena_cap;
    uint64_t seq;
};

struct capture {
    struct options *opt;
    struct sk_writer *writer;
    struct bd_probe *probe;
    struct bd_cmeta *cmeta;     /* container metadata worker (NULL: no API) */
    struct bd_cfilter *cfilter; /* --container */
    uint64_t start_ns;          /* before the probe attached: the initial container events */
    uint64_t last_written_ts;
    uint64_t container_events;
    struct reorder_queue queue;
    uint64_t events_written;
    uint64_t bytes_written;
    int write_err;
    bool output_closed;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* ------------------------------------------------------------ options */

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: bpfdig-agent -w FILE [options]\n"
            "Capture system calls with eBPF and write a scap file (sysdig -w compatible).\n"
            "\n"
            "Output:\n"
            "  -w, --write FILE        write to FILE; '-' writes to standard output\n"
            "  -z, --compress          gzip the output\n"
            "Stop conditions (the first reached wins; SIGINT/SIGTERM always stop):\n"
            "  -M, --seconds N         stop after N seconds\n"
            "  -n, --count N           stop after N events\n"
            "Capture:\n"
            "  -s, --snaplen N         bytes of I/O payload kept per event (default %d)\n"
            "  -e, --syscalls LIST     comma list of syscall names and sets to capture:\n"
            "                          %s (default: all)\n"
            "  -p, --pid PID           keep only this process and its descendants (repeatable)\n"
            "  -c, --comm NAME         keep only threads with this command name (repeatable)\n"
            "  -C, --cgroup PATH|ID    keep only tasks in this cgroup, or the container whose id\n"
            "                          starts with ID (repeatable)\n"
            "      --no-procexit       do not capture process exits\n"
            "      --exclude-pid PID   never capture this process (repeatable)\n"
            "      --exclude-ancestors never capture the agent's parent chain (its SSH\n"
            "                          session, sudo, shell): what streams the capture\n"
            "      --container NAME|ID keep only this container (name, or id prefix of 3+ hex\n"
            "                          digits), including one started later (repeatable, or\n"
            "                          a comma list)\n"
            "  -b, --buffer-size N     per-CPU ring buffer bytes, a power of two (default %u)\n"
            "Containers (names, images, labels from the runtime's Docker-compatible API):\n"
            "      --container-socket PATH  API socket to ask (repeatable; default\n"
            "                          /var/run/docker.sock, /run/podman/podman.sock and\n"
            "                          $XDG_RUNTIME_DIR/podman/podman.sock)\n"
            "      --no-container-api  no API lookups (container ids still come from cgroups)\n"
            "      --list-containers   print the running containers (ID, NAME, IMAGE, tab\n"
            "                          separated), then exit\n"
            "Other:\n"
            "      --check             check privileges and kernel support, then exit\n"
            "  -v, --verbose           more messages (container lookups)\n"
            "  -q, --quiet             no summary on standard error\n"
            "  -h, --help              this help\n"
            "  -V, --version           version\n"
            "\n"
            "Needs CAP_BPF and CAP_PERFMON (or root). Exit codes: 0 ok, 1 capture error,\n"
            "2 bad option, 3 missing privileges or kernel support.\n",
            BD_DEFAULT_SNAPLEN, bd_syscall_set_names(), BD_DEFAULT_RING_BYTES);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static bool is_power_of_two(uint64_t v)
{
    return v && !(v & (v - 1));
}

static int add_filter_value(struct bd_filter *f, int opt, const char *arg)
{
    uint64_t v;

    switch (opt) {
    case 'p':
        if (f->npids >= BD_MAX_PIDS || parse_u64(arg, &v) || v == 0 || v > INT32_MAX)
            return -1;
        f->pids[f->npids++] = (pid_t)v;
        return 0;
    case 'c':
        if (f->ncomms >= BD_MAX_COMMS || !arg[0] || strlen(arg) >= BD_COMM_LEN)
            return -1;
        snprintf(f->comms[f->ncomms++], BD_COMM_LEN, "%s", arg);
        return 0;
    case 'C':
        if (f->ncgroups >= BD_MAX_CGROUPS || !arg[0] || strlen(arg) >= sizeof(f->cgroups[0]))
            return -1;
        snprintf(f->cgroups[f->ncgroups++], sizeof(f->cgroups[0]), "%s", arg);
        return 0;
    }
    return -1;
}

static int exclude_pid(struct bd_filter *f, const char *arg)
{
    uint64_t v;

    if (f->nexclude >= BD_MAX_EXCLUDE || parse_u64(arg, &v) || v == 0 || v > INT32_MAX)
        return -1;
    f->exclude[f->nexclude++] = (pid_t)v;
    return 0;
}

static pid_t parent_of(pid_t pid)
{
    char path[64], line[256];
    pid_t ppid = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "re");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "PPid: %d", &ppid) == 1)
            break;
    }
    fclose(f);
    return ppid;
}

/* The parent chain up to, not including, init: sudo, sh, the sshd session... */
static void exclude_ancestors(struct bd_filter *f)
{
    for (pid_t p = getppid(); p > 1 && f->nexclude < BD_MAX_EXCLUDE; p = parent_of(p))
        f->exclude[f->nexclude++] = p;
}

/* --container NAME|ID[,NAME|ID...] */
static int add_containers(struct options *o, const char *arg)
{
    char buf[1024], *save = NULL;

    if (strlen(arg) >= sizeof(buf))
        return -1;
    snprintf(buf, sizeof(buf), "%s", arg);
    for (char *v = strtok_r(buf, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
        if (o->ncontainers >= BD_CTR_MAX_SELECT || !v[0] || strlen(v) >= sizeof(o->containers[0]))
            return -1;
        snprintf(o->containers[o->ncontainers++], sizeof(o->containers[0]), "%s", v);
    }
    return o->ncontainers ? 0 : -1;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum {
        OPT_CHECK = 256,
        OPT_NO_PROCEXIT,
        OPT_EXCLUDE_PID,
        OPT_EXCLUDE_ANCESTORS,
        OPT_CONTAINER,
        OPT_CONTAINER_SOCKET,
        OPT_NO_CONTAINER_API,
        OPT_LIST_CONTAINERS,
    };
    static const struct option longopts[] = {
        {"write", required_argument, NULL, 'w'},
        {"compress", no_argument, NULL, 'z'},
        {"seconds", required_argument, NULL, 'M'},
        {"count", required_argument, NULL, 'n'},
        {"snaplen", required_argument, NULL, 's'},
        {"syscalls", required_argument, NULL, 'e'},
        {"pid", required_argument, NULL, 'p'},
        {"comm", required_argument, NULL, 'c'},
        {"cgroup", required_argument, NULL, 'C'},
        {"no-procexit", no_argument, NULL, OPT_NO_PROCEXIT},
        {"exclude-pid", required_argument, NULL, OPT_EXCLUDE_PID},
        {"exclude-ancestors", no_argument, NULL, OPT_EXCLUDE_ANCESTORS},
        {"container", required_argument, NULL, OPT_CONTAINER},
        {"container-socket", required_argument, NULL, OPT_CONTAINER_SOCKET},
        {"no-container-api", no_argument, NULL, OPT_NO_CONTAINER_API},
        {"list-containers", no_argument, NULL, OPT_LIST_CONTAINERS},
        {"verbose", no_argument, NULL, 'v'},
        {"buffer-size", required_argument, NULL, 'b'},
        {"check", no_argument, NULL, OPT_CHECK},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *syscalls = "all";
    char err[256];
    uint64_t v;
    int c;

    memset(o, 0, sizeof(*o));
    o->filter.snaplen = BD_DEFAULT_SNAPLEN;
    o->filter.procexit = true;
    o->filter.ring_bytes = BD_DEFAULT_RING_BYTES;
    o->filter.self_pid = getpid();

    while ((c = getopt_long(argc, argv, "w:zM:n:s:e:p:c:C:b:qvhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'w':
            o->output = optarg;
            break;
        case 'z':
            o->gzip = true;
            break;
        case 'M': {
            char *end;
            errno = 0;
            o->max_seconds = strtod(optarg, &end);
            if (errno || end == optarg || *end || o->max_seconds <= 0) {
                fprintf(stderr, "bpfdig-agent: -M needs a positive number of seconds\n");
                return -1;
            }
            break;
        }
        case 'n':
            if (parse_u64(optarg, &o->max_events) || o->max_events == 0) {
                fprintf(stderr, "bpfdig-agent: -n needs a positive event count\n");
                return -1;
            }
            break;
        case 's':
            if (parse_u64(optarg, &v) || v > 65535) {
                fprintf(stderr, "bpfdig-agent: -s needs a snaplen between 0 and 65535\n");
                return -1;
            }
            o->filter.snaplen = (int)v;
            break;
        case 'e':
            syscalls = optarg;
            break;
        case 'p':
        case 'c':
        case 'C':
            if (add_filter_value(&o->filter, c, optarg)) {
                fprintf(stderr, "bpfdig-agent: bad or too many -%c values: '%s'\n", c, optarg);
                return -1;
            }
            break;
        case OPT_NO_PROCEXIT:
            o->filter.procexit = false;
            break;
        case OPT_EXCLUDE_PID:
            if (exclude_pid(&o->filter, optarg)) {
                fprintf(stderr, "bpfdig-agent: bad or too many --exclude-pid values: '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case OPT_EXCLUDE_ANCESTORS:
            exclude_ancestors(&o->filter);
            break;
        case OPT_CONTAINER:
            if (add_containers(o, optarg)) {
                fprintf(stderr, "bpfdig-agent: bad or too many --container values: '%s'\n", optarg);
                return -1;
            }
            break;
        case OPT_CONTAINER_SOCKET:
            if (o->nsockets >= BD_CTR_MAX_SOCKETS || !optarg[0] || strlen(optarg) >= 108) {
                fprintf(stderr, "bpfdig-agent: bad or too many --container-socket values\n");
                return -1;
            }
            snprintf(o->sockets[o->nsockets++], sizeof(o->sockets[0]), "%s", optarg);
            break;
        case OPT_NO_CONTAINER_API:
            o->no_container_api = true;
            break;
        case OPT_LIST_CONTAINERS:
            o->list_containers = true;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'b':
            if (parse_u64(optarg, &v) || !is_power_of_two(v) || v < 4096 || v > (1ull << 30)) {
                fprintf(stderr, "bpfdig-agent: -b needs a power of two between 4096 and 1 GiB\n");
                return -1;
            }
            o->filter.ring_bytes = (size_t)v;
            break;
        case OPT_CHECK:
            o->check_only = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            usage(stdout);
            exit(EXIT_OK);
        case 'V':
            printf("bpfdig-agent %s\n", BPFDIG_VERSION);
            exit(EXIT_OK);
        default:
            fprintf(stderr, "Try 'bpfdig-agent --help'.\n");
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "bpfdig-agent: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (!o->nsockets)
        o->nsockets = bd_ctr_default_sockets(o->sockets, BD_CTR_MAX_SOCKETS);
    if (o->no_container_api)
        o->nsockets = 0;
    if (o->list_containers)
        return 0;
    if (!o->output && !o->check_only) {
        fprintf(stderr, "bpfdig-agent: -w FILE is required ('-w -' for standard output)\n");
        return -1;
    }
    if (bd_syscall_set_parse(syscalls, o->filter.syscalls, &o->filter.procexit, err, sizeof(err))) {
        fprintf(stderr, "bpfdig-agent: -e: %s\n", err);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ privileges */

static uint64_t effective_capabilities(void)
{
    char line[256];
    uint64_t caps = 0;
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "CapEff: %" SCNx64, &caps) == 1)
            break;
    }
    fclose(f);
    return caps;
}

/* Says what is missing to load the probe; 0 when all is there. */
static int check_privileges(void)
{
    enum { CAP_SYS_ADMIN_BIT = 21, CAP_PERFMON_BIT = 38, CAP_BPF_BIT = 39 };
    uint64_t caps = effective_capabilities();
    bool admin = caps & (1ull << CAP_SYS_ADMIN_BIT);
    bool bpf = admin || (caps & (1ull << CAP_BPF_BIT));
    bool perfmon = admin || (caps & (1ull << CAP_PERFMON_BIT));

    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        fprintf(stderr, "bpfdig-agent: this kernel has no BTF (/sys/kernel/btf/vmlinux): "
                        "the probe needs a kernel built with CONFIG_DEBUG_INFO_BTF=y\n");
        return -1;
    }
    if (bpf && perfmon)
        return 0;
    fprintf(stderr,
            "bpfdig-agent: missing capabilities:%s%s (have CapEff %016" PRIx64 ").\n"
            "Run as root, with sudo, or give the binary the capabilities:\n"
            "  setcap cap_bpf,cap_perfmon,cap_dac_read_search,cap_sys_ptrace+ep bpfdig-agent\n",
            bpf ? "" : " CAP_BPF", perfmon ? "" : " CAP_PERFMON", caps);
    return -1;
}

/* ------------------------------------------------------------ reordering */

static int queue_push(struct reorder_queue *q, const struct bd_event *ev)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 4096;
        struct pending_event *n = realloc(q->ev, cap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        q->ev = n;
        q->cap = cap;
    }
    if (q->used + ev->len > q->arena_cap) {
        size_t cap = q->arena_cap ? q->arena_cap : 1u << 20;
        uint8_t *n;
        while (cap < q->used + ev->len)
            cap *= 2;
        n = realloc(q->arena, cap);
        if (!n)
            return -ENOMEM;
        q->arena = n;
        q->arena_cap = cap;
    }
    memcpy(q->arena + q->used, ev->body, ev->len);
    q->ev[q->n++] =
        (struct pending_event){ev->ts, q->seq++, ev->block_type, (uint32_t)ev->len, q->used};
    q->used += ev->len;
    return 0;
}

static int pending_cmp(const void *a, const void *b)
{
    const struct pending_event *x = a, *y = b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static int offset_cmp(const void *a, const void *b)
{
    const struct pending_event *x = a, *y = b;

    return x->off < y->off ? -1 : (x->off > y->off);
}

/* Container ids come from the cgroups of clone and execve exits (parameter 15). */
static void note_container(struct capture *cap, const struct bd_event *ev)
{
    enum { TYPE_OFF = 2 + 20, CGROUPS = 14 };
    struct sk_event e;
    const char *runtime;
    char full[65];
    uint16_t type;

    if (!cap->cmeta || ev->len < TYPE_OFF + 2)
        return;
    type = sk_le16(ev->body + TYPE_OFF);
    /* clone, fork, vfork, execve, execveat, clone3 exits */
    if (type != 223 && type != 225 && type != 227 && type != 293 && type != 331 && type != 335)
        return;
    if (sk_event_decode_block(ev->block_type, ev->body, ev->len, &e) || e.nparams <= CGROUPS)
        return;
    runtime = bd_ctr_id_of_cgroups((const char *)e.param[CGROUPS], e.param_len[CGROUPS], full);
    if (runtime)
        bd_cmeta_seen(cap->cmeta, full, runtime, ev->ts);
}

static int on_event(void *ud, const struct bd_event *ev)
{
    struct capture *cap = ud;

    note_container(cap, ev);
    return queue_push(&cap->queue, ev);
}

/* Queues the finished container lookups, each just before its container's first event. */
static int queue_containers(struct capture *cap)
{
    struct bd_cmeta_ready *r = bd_cmeta_take(cap->cmeta);
    int err = 0;

    while (r) {
        struct bd_cmeta_ready *next = r->next;
        size_t cap_len = r->json_len + 256, len;
        uint8_t *buf = err ? NULL : malloc(cap_len);
        uint64_t ts = r->ts ? r->ts - 1 : cap->start_ns;
        uint32_t btype;

        if (ts < cap->last_written_ts)
            ts = cap->last_written_ts; /* the lookup came late: as soon as possible */
        if (buf && bd_ctr_event_block(buf, cap_len, ts, r->json, r->json_len, &btype, &len) == 0) {
            struct bd_event ev = {.ts = ts, .block_type = btype, .body = buf, .len = len};
            err = queue_push(&cap->queue, &ev);
            cap->container_events += err == 0;
        }
        free(buf);
        free(r);
        r = next;
    }
    return err;
}

/*
 * Bytes of queued events a container lookup may hold back. Past this the
 * events are written without waiting (the metadata follows them): memory
 * stays bounded on a busy host (143 k events/s held for 3 s grew the agent
 * by 14 MiB in the soak test).
 */
#define HOLD_BUDGET_BYTES (4u << 20)

/* Events up to this time may be written: not those a container lookup waits for. */
static uint64_t watermark(struct capture *cap, uint64_t ready)
{
    uint64_t hold = bd_cmeta_hold(cap->cmeta);

    if (hold == UINT64_MAX || cap->queue.used > HOLD_BUDGET_BYTES)
        return ready;
    return hold == 0 ? 0 : (hold - 1 < ready ? hold - 1 : ready);
}

static bool count_reached(const struct capture *cap)
{
    return cap->opt->max_events && cap->events_written >= cap->opt->max_events;
}

/* Writes, in timestamp order, the queued events older than watermark. */
static int write_ready(struct capture *cap, uint64_t watermark)
{
    struct reorder_queue *q = &cap->queue;
    size_t i, keep_from;
    int err = 0;

    if (!q->n)
        return 0;
    qsort(q->ev, q->n, sizeof(q->ev[0]), pending_cmp);
    for (i = 0; i < q->n && q->ev[i].ts <= watermark && !count_reached(cap); i++) {
        err = sk_writer_block(cap->writer, q->ev[i].block_type, q->arena + q->ev[i].off,
                              q->ev[i].len);
        if (err)
            break;
        cap->events_written++;
        cap->last_written_ts = q->ev[i].ts;
    }
    keep_from = count_reached(cap) ? q->n : i;
    if (err == 0)
        err = sk_writer_flush(cap->writer);
    /* compact what is left (arena included) */
    if (keep_from == q->n) {
        q->n = 0;
        q->used = 0;
    } else if (keep_from > 0) {
        size_t used = 0;
        /*
         * Move the bodies in arena order: then a destination never overlaps
         * a body still to be moved. (In timestamp order, events of different
         * CPUs sit anywhere in the arena and a move could overwrite one.)
         * The next write_ready() sorts by timestamp again; seq keeps ties.
         */
        qsort(q->ev + keep_from, q->n - keep_from, sizeof(q->ev[0]), offset_cmp);
        for (size_t j = keep_from; j < q->n; j++) {
            memmove(q->arena + used, q->arena + q->ev[j].off, q->ev[j].len);
            q->ev[j].off = used;
            used += q->ev[j].len;
            q->ev[j - keep_from] = q->ev[j];
        }
        q->n -= keep_from;
        q->used = used;
    }
    return err;
}

/* ------------------------------------------------------------ capture */

static uint64_t now_epoch_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double monotonic_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed output shows as EPIPE from write() */
}

static int open_output(const struct options *o, struct sk_writer **w)
{
    int fd, err;

    if (strcmp(o->output, "-") == 0) {
        fd = dup(STDOUT_FILENO);
        if (fd < 0)
            return -errno;
    } else {
        fd = open(o->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            err = -errno;
            fprintf(stderr, "bpfdig-agent: cannot open %s: %s\n", o->output, strerror(errno));
            return err;
        }
    }
    err = sk_writer_open_fd(w, fd, o->gzip);
    if (err)
        fprintf(stderr, "bpfdig-agent: cannot start the output: %s\n", sk_strerror(err));
    return err;
}

static int write_header(struct capture *cap)
{
    struct bd_snapshot_stats st = {0};
    char err[256] = "";
    int rc;

    rc = sk_writer_shb(cap->writer);
    if (rc == 0)
        rc = bd_snapshot_write(cap->writer, &st, err, sizeof(err));
    if (rc == 0)
        rc = sk_writer_flush(cap->writer);
    if (rc) {
        fprintf(stderr, "bpfdig-agent: writing the process snapshot failed: %s\n",
                err[0] ? err : sk_strerror(rc));
        return rc;
    }
    if (!cap->opt->quiet)
        fprintf(stderr,
                "bpfdig-agent: snapshot: %u threads, %u fds, %u users, %u groups, "
                "%u interfaces (%u processes exited while read)\n",
                st.threads, st.fds, st.users, st.groups, st.interfaces, st.vanished);
    return 0;
}

static const char *stop_reason(const struct capture *cap, double elapsed)
{
    if (cap->output_closed)
        return "output closed";
    if (cap->write_err)
        return "write error";
    if (stop_signal == SIGINT)
        return "SIGINT";
    if (stop_signal == SIGTERM)
        return "SIGTERM";
    if (stop_signal == SIGHUP)
        return "SIGHUP";
    if (count_reached(cap))
        return "event count reached";
    if (cap->opt->max_seconds > 0 && elapsed >= cap->opt->max_seconds)
        return "time limit reached";
    return "error";
}

static void note_write_error(struct capture *cap, int err)
{
    if (!err || cap->write_err)
        return;
    cap->write_err = err;
    /* the writer reports SK_E_IO; errno still says why */
    cap->output_closed = err == SK_E_IO && (errno == EPIPE || errno == ECONNRESET);
}

static int capture_loop(struct capture *cap, double start)
{
    const struct options *o = cap->opt;
    int rc = 0;

    while (!stop_signal && !cap->write_err && !count_reached(cap)) {
        uint64_t drain_start = now_epoch_ns();
        int n = bd_probe_poll(cap->probe, POLL_MS, on_event, cap);

        if (n < 0 && n != -EINTR) {
            fprintf(stderr, "bpfdig-agent: reading the ring buffers failed: %s\n", strerror(-n));
            rc = n;
            break;
        }
        rc = queue_containers(cap);
        if (rc) {
            fprintf(stderr, "bpfdig-agent: queueing container events failed: %s\n", strerror(-rc));
            break;
        }
        note_write_error(cap, write_ready(cap, watermark(cap, drain_start - REORDER_MARGIN_NS)));
        if (o->max_seconds > 0 && monotonic_seconds() - start >= o->max_seconds)
            break;
    }
    return rc;
}

/* After the stop: what the rings still hold, then everything queued. */
static void final_drain(struct capture *cap)
{
    if (cap->write_err || count_reached(cap))
        return;
    for (int i = 0; i < 3; i++) {
        if (bd_probe_poll(cap->probe, 0, on_event, cap) <= 0)
            break;
    }
    if (queue_containers(cap) == 0)
        note_write_error(cap, write_ready(cap, UINT64_MAX));
}

static void print_summary(struct capture *cap, double elapsed)
{
    struct bd_probe_stats ps;

    memset(&ps, 0, sizeof(ps));
    if (cap->probe)
        bd_probe_get_stats(cap->probe, &ps);
    if (cap->opt->quiet && !ps.drops)
        return;
    fprintf(stderr,
            "bpfdig-agent: stopped (%s) after %.1f s: %" PRIu64 " events written, %" PRIu64
            " bytes, drops: %" PRIu64 ", values cut: %" PRIu64 "\n",
            stop_reason(cap, elapsed), elapsed, cap->events_written, cap->bytes_written, ps.drops,
            ps.truncated);
    if (ps.drops) {
        fprintf(stderr, "bpfdig-agent: drops per CPU:");
        for (unsigned i = 0; i < ps.ncpus && i < 256; i++)
            fprintf(stderr, " %" PRIu64, ps.drops_per_cpu[i]);
        fprintf(stderr, " (raise -b or narrow -e to avoid them)\n");
    }
    if (ps.convert_errors)
        fprintf(stderr, "bpfdig-agent: %" PRIu64 " records could not be converted\n",
                ps.convert_errors);
    if (cap->container_events && !cap->opt->quiet)
        fprintf(stderr, "bpfdig-agent: %" PRIu64 " container metadata events\n",
                cap->container_events);
}

/* --container: resolved now, seeded into the probe; the watcher starts after the load. */
static int prepare_container_filter(struct capture *cap, uint64_t **ids)
{
    enum { MAX_SEED = 1024 };
    struct options *o = cap->opt;
    struct bd_cfilter_opts *co;
    int n = 0, ssid, rc;

    if (!o->ncontainers)
        return 0;
    co = calloc(1, sizeof(*co));
    *ids = calloc(MAX_SEED, sizeof(**ids));
    if (!co || !*ids) {
        free(co);
        return -ENOMEM;
    }
    memcpy(co->select, o->containers, sizeof(co->select));
    co->nselect = o->ncontainers;
    co->sockets = o->sockets;
    co->nsockets = o->nsockets;
    co->verbose = o->verbose;
    rc = bd_cgroup_ids_hierarchy(co->root, sizeof(co->root), &ssid);
    if (rc == 0)
        rc = bd_cfilter_prepare(&cap->cfilter, co, *ids, MAX_SEED, &n);
    free(co);
    if (rc) {
        fprintf(stderr, "bpfdig-agent: --container: %s\n",
                rc == -ENOENT ? "no cgroup hierarchy is mounted" : strerror(-rc));
        return rc;
    }
    o->filter.cg_ids = true;
    o->filter.cg_ids_ssid = ssid;
    o->filter.cg_ids_seed = *ids;
    o->filter.ncg_ids_seed = n;
    if (!o->quiet)
        fprintf(stderr, "bpfdig-agent: --container: %d running container%s selected%s\n", n,
                n == 1 ? "" : "s", n ? "" : " (waiting for a matching one to start)");
    return 0;
}

static int start_containers(struct capture *cap)
{
    int rc = 0;

    if (cap->cfilter) {
        rc = bd_cfilter_run(cap->cfilter, bd_probe_cgroup_ids_fd(cap->probe));
        if (rc) {
            fprintf(stderr, "bpfdig-agent: cannot watch for new containers: %s\n", strerror(-rc));
            return rc;
        }
    }
    if (cap->opt->nsockets) {
        rc = bd_cmeta_start(&cap->cmeta, cap->opt->sockets, cap->opt->nsockets,
                            cap->opt->containers, cap->opt->ncontainers, cap->opt->verbose);
        if (rc)
            fprintf(stderr, "bpfdig-agent: cannot start the container lookups: %s\n",
                    strerror(-rc));
    }
    return rc;
}

int main(int argc, char **argv)
{
    struct options opt;
    struct capture cap = {.opt = &opt};
    char err[512] = "";
    double start, elapsed;
    int rc;

    uint64_t *seed_ids = NULL;

    if (parse_options(argc, argv, &opt))
        return EXIT_USAGE;
    if (opt.list_containers) {
        signal(SIGPIPE, SIG_IGN);
        return bd_ctr_print_list(opt.sockets, opt.nsockets, opt.verbose) ? EXIT_FAIL : EXIT_OK;
    }
    if (check_privileges())
        return EXIT_PRIVILEGES;
    install_signals();
    cap.start_ns = now_epoch_ns();
    if (!opt.check_only && prepare_container_filter(&cap, &seed_ids)) {
        free(seed_ids);
        return EXIT_FAIL;
    }

    /* The probe goes first: nothing happening during the snapshot is lost. */
    rc = bd_probe_open(&cap.probe, &opt.filter, err, sizeof(err));
    free(seed_ids);
    opt.filter.cg_ids_seed = NULL;
    if (rc) {
        bd_cfilter_stop(cap.cfilter);
        fprintf(stderr, "bpfdig-agent: cannot load the probe: %s\n", err);
        return rc == -EPERM || rc == -EACCES ? EXIT_PRIVILEGES : EXIT_FAIL;
    }
    if (opt.check_only) {
        bd_probe_close(cap.probe);
        printf("bpfdig-agent: privileges and kernel support OK\n");
        return EXIT_OK;
    }
    start = monotonic_seconds();
    rc = start_containers(&cap);
    if (rc == 0)
        rc = open_output(&opt, &cap.writer);
    if (rc == 0)
        rc = write_header(&cap);
    if (rc == 0) {
        if (!opt.quiet)
            fprintf(stderr, "bpfdig-agent: capturing (%s)\n",
                    strcmp(opt.output, "-") ? opt.output : "standard output");
        rc = capture_loop(&cap, start);
        final_drain(&cap);
    } else {
        note_write_error(&cap, rc);
    }
    elapsed = monotonic_seconds() - start;
    if (cap.writer) {
        int close_err;
        cap.bytes_written = sk_writer_bytes(cap.writer);
        close_err = sk_writer_close(cap.writer);
        if (!cap.write_err)
            note_write_error(&cap, close_err);
        if (cap.write_err && !cap.output_closed)
            fprintf(stderr, "bpfdig-agent: writing %s failed: %s\n", opt.output,
                    sk_strerror(cap.write_err));
        cap.writer = NULL;
    }
    bd_cmeta_stop(cap.cmeta);
    bd_cfilter_stop(cap.cfilter);
    print_summary(&cap, elapsed);
    bd_probe_close(cap.probe);
    free(cap.queue.ev);
    free(cap.queue.arena);
    if (rc || (cap.write_err && !cap.output_closed))
        return EXIT_FAIL;
    return EXIT_OK;
}
