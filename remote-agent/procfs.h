/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-agent: reading threads and open files from /proc for the
 * start-of-capture snapshot, in the shape of scap PL_V9 / FDL_V2 entries.
 */
#ifndef BPFDIG_PROCFS_H
#define BPFDIG_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <scapkit/blocks.h>
#include <scapkit/format.h>

/* Results of bd_proc_read_thread() besides 0. */
#define BD_PROC_VANISHED (-1) /* the thread exited while being read */
#define BD_PROC_SKIP     (-2) /* kernel thread or zombie: not listed (as libscap does) */

/* One thread as read from /proc; ti's strings point into the buffers. */
struct bd_thread_data {
    struct sk_threadinfo ti;
    unsigned nthreads; /* "Threads:" of the process */
    char comm[64];
    char cmdline[SK_BLK_MAX_PATH + SK_BLK_MAX_LIST + 2];
    char exepath[SK_BLK_MAX_PATH + 1];
    char cwd[SK_BLK_MAX_PATH + 1];
    char root[SK_BLK_MAX_PATH + 1];
    char env[SK_BLK_MAX_LIST + 2];
    char cgroups[SK_BLK_MAX_LIST + 2];
};

struct bd_procfs;
/* Host-wide context (cgroup mounts, socket and mount tables cached per namespace). */
int bd_procfs_open(struct bd_procfs **out, const char *proc_root);
void bd_procfs_close(struct bd_procfs *pf);
const char *bd_procfs_root(const struct bd_procfs *pf);
/* Directory fd of the proc root (for openat). */
int bd_procfs_fd(const struct bd_procfs *pf);

/* Reads thread tid of process pid. Returns 0, BD_PROC_VANISHED or BD_PROC_SKIP. */
int bd_proc_read_thread(struct bd_procfs *pf, pid_t pid, pid_t tid, struct bd_thread_data *td);

/* Called for each open fd; a non-zero return stops the walk and is returned. */
typedef int (*bd_fd_fn)(void *ud, const struct sk_fdlist_entry *fd);
/*
 * Walks /proc/<pid>/fd. Returns the number of fds reported, BD_PROC_VANISHED
 * if the process is gone, or the callback's non-zero value.
 */
int bd_proc_read_fds(struct bd_procfs *pf, pid_t pid, bd_fd_fn fn, void *ud);

/* Small helpers shared by procfs*.c. */
/* Reads up to cap bytes of a file (relative to dirfd); returns the length or -errno. */
ssize_t bd_read_file_at(int dirfd, const char *path, char *buf, size_t cap);
/* PPM_O_* flags of open(2) flags, as libscap converts fdinfo "flags:". */
uint32_t bd_open_flags_to_ppm(unsigned long flags);

#endif /* BPFDIG_PROCFS_H */
