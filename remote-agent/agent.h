/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-agent: the interfaces between its three parts.
 *
 *   main.c      options, privileges, output, event ordering, signals, summary
 *   probe.c     loads/attaches the eBPF probe, drains the per-CPU rings and
 *   convert.c   turns each raw probe record into a scap event (libs 0.22.2 layout)
 *   snapshot.c  writes the start-of-capture state blocks (MI, IL, UL, PL, FDL)
 *   ctr_*.c     container metadata events and the --container filter (containers.h)
 */
#ifndef BPFDIG_AGENT_H
#define BPFDIG_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <scapkit/format.h>

#define BD_NR_SYSCALLS 512 /* x86_64 syscall numbers are below this */
#define BD_MAX_PIDS 64
#define BD_MAX_COMMS 16
#define BD_MAX_CGROUPS 16
#define BD_MAX_EXCLUDE 16
#define BD_COMM_LEN 16
#define BD_DEFAULT_SNAPLEN 80
#define BD_DEFAULT_RING_BYTES (8u << 20)

/* What the probe captures; everything is decided before the probe loads. */
struct bd_filter {
    int snaplen;                         /* I/O payload bytes kept per event */
    bool syscalls[BD_NR_SYSCALLS];       /* x86_64 numbers to capture */
    bool procexit;                       /* emit procexit on process/thread exit */
    pid_t self_pid;                      /* always excluded (the agent itself) */
    pid_t exclude[BD_MAX_EXCLUDE];       /* tgids never captured (the agent's SSH */
    int nexclude;                        /* session, sudo...) */
    pid_t pids[BD_MAX_PIDS];             /* keep only these tgids (and their */
    int npids;                           /* descendants); 0 = no pid filter */
    char comms[BD_MAX_COMMS][BD_COMM_LEN]; /* keep only these comm names */
    int ncomms;
    char cgroups[BD_MAX_CGROUPS][256];   /* keep only tasks in these cgroups (path */
    int ncgroups;                        /* under a hierarchy, or container id prefix) */
    size_t ring_bytes;                   /* per CPU ring size, power of two */
    /* --container: cgroups (kernfs ids on one hierarchy) selected at start and
     * added while the capture runs (bd_probe_cgroup_ids_fd) */
    bool cg_ids;
    int cg_ids_ssid;                     /* -1 = cgroup v2 */
    const uint64_t *cg_ids_seed;
    int ncg_ids_seed;
};

/* ------------------------------------------------------------ event path */

/* One converted event: an EV/EV_LARGE block body ready for sk_writer_block(). */
struct bd_event {
    uint64_t ts;         /* ns since the epoch (also inside body) */
    uint32_t block_type; /* from sk_evb_finish() */
    const uint8_t *body; /* valid only during the callback */
    size_t len;
};
typedef int (*bd_event_fn)(void *ud, const struct bd_event *ev);

struct bd_probe_stats {
    uint64_t records;   /* raw records received from the rings */
    uint64_t events;    /* scap events delivered to the callback */
    uint64_t drops;     /* ring full (sum over CPUs) */
    uint64_t convert_errors;
    uint64_t truncated; /* argv/env/path... values cut to fit (payloads not counted) */
    unsigned ncpus;
    uint64_t drops_per_cpu[256];
};

struct bd_probe;
/* Loads, configures and attaches the probe. On failure fills err and returns -errno. */
int bd_probe_open(struct bd_probe **out, const struct bd_filter *f, char *err, size_t errlen);
/*
 * Waits up to timeout_ms for data, then drains every ring and calls fn for
 * each converted event (per-CPU order: the caller merges by ts). Returns the
 * number of events delivered, or a negative errno / the callback's error.
 */
int bd_probe_poll(struct bd_probe *p, int timeout_ms, bd_event_fn fn, void *ud);
void bd_probe_get_stats(struct bd_probe *p, struct bd_probe_stats *s);
/* The map of cgroup ids the container filter may add to while capturing. */
int bd_probe_cgroup_ids_fd(struct bd_probe *p);
/* The hierarchy that map is keyed on: its mount point and ssid (-1 = v2). */
int bd_cgroup_ids_hierarchy(char *root, size_t len, int *ssid);
/* Detaches every program and frees every map; safe with NULL. */
void bd_probe_close(struct bd_probe *p);

/* --------------------------------------------------------------- snapshot */

struct bd_snapshot_stats {
    unsigned threads, fds, users, groups, interfaces;
    unsigned vanished; /* processes that exited while being read */
};

/*
 * Writes MI, IL v2, UL v2, PL v9 and FDL v2 for the whole host (after the
 * caller wrote the SHB). Threads that vanish mid-read are skipped, never fatal.
 */
int bd_snapshot_write(struct sk_writer *w, struct bd_snapshot_stats *st, char *err,
                      size_t errlen);

#endif /* BPFDIG_AGENT_H */
