/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-agent: internals shared by procfs.c (threads, cgroups) and
 * procfs_fd.c (fds, sockets, mounts).
 */
#ifndef BPFDIG_PROCFS_INT_H
#define BPFDIG_PROCFS_INT_H

#include "procfs.h"

/* One socket of a network namespace's /proc/net tables, by inode. */
struct bd_sock {
    uint64_t ino; /* 0 = free slot */
    uint8_t type; /* SK_FD_* */
    uint8_t l4proto;
    uint16_t sport, dport;
    uint8_t sip[16], dip[16];
    uint64_t unix_source;
    char *name; /* unix path, malloc'ed, or NULL */
};

struct bd_sock_table {
    uint64_t netns; /* inode of the namespace, 0 = unused */
    uint64_t last_use;
    struct bd_sock *slots; /* open addressing, power-of-two size */
    size_t nslots, used;
};

struct bd_mount {
    uint64_t mnt_id;
    uint32_t dev;
};

#define BD_SOCK_TABLES 8

struct bd_procfs {
    char root[256]; /* "/proc" */
    int root_fd;
    /* cgroup v2 */
    char cg2_mount[512];      /* "" when not mounted */
    char cg2_root_ctrls[512]; /* controllers of the root cgroup, space-separated */
    /* sockets, per network namespace */
    struct bd_sock_table socks[BD_SOCK_TABLES];
    uint64_t use_clock;
    /* mounts of the last mount namespace read */
    uint64_t mntns;
    struct bd_mount *mounts;
    size_t nmounts, mounts_cap;
};

void bd_procfs_fd_free(struct bd_procfs *pf);

#endif /* BPFDIG_PROCFS_INT_H */
