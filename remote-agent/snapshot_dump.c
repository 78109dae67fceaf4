/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-snapshot: test driver of the start-of-capture snapshot. Writes
 * SHB + bd_snapshot_write() to OUT, then one fstat enter+exit pair per TID:FD
 * argument (default: this process, fd 0), because libscap readers reject a
 * file without events and so sysdig shows each fd's fd.name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define PPME_SYSCALL_FSTAT_E 70
#define PPME_SYSCALL_FSTAT_X 71

static int add_fstat(struct sk_writer *w, long tid, long fd, uint64_t ts)
{
    uint8_t buf[256];
    struct sk_event_builder b;
    uint32_t type;
    size_t len;
    int rc;

    /* the enter event carries the fd for old readers (sysdig 0.29); new ones drop it */
    sk_evb_begin(&b, buf, sizeof(buf), 0, ts, tid, PPME_SYSCALL_FSTAT_E);
    sk_evb_add_u64(&b, (uint64_t)fd);
    rc = sk_evb_finish(&b, &type, &len);
    if (rc < 0)
        return rc;
    rc = sk_writer_block(w, type, buf, len);
    if (rc != SK_OK)
        return rc;
    sk_evb_begin(&b, buf, sizeof(buf), 0, ts + 1, tid, PPME_SYSCALL_FSTAT_X);
    sk_evb_add_u64(&b, 0);            /* res */
    sk_evb_add_u64(&b, (uint64_t)fd); /* fd */
    rc = sk_evb_finish(&b, &type, &len);
    if (rc < 0)
        return rc;
    return sk_writer_block(w, type, buf, len);
}

int main(int argc, char **argv)
{
    struct bd_snapshot_stats st;
    struct sk_writer *w;
    struct timespec now;
    char err[256];
    uint64_t ts;
    int rc;

    if (argc < 2 || strcmp(argv[1], "-h") == 0) {
        fprintf(stderr, "usage: %s OUT.scap [TID:FD ...]\n", argv[0]);
        return 2;
    }
    rc = sk_writer_open_path(&w, argv[1], false);
    if (rc != SK_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], sk_strerror(rc));
        return 1;
    }
    rc = sk_writer_shb(w);
    if (rc == SK_OK)
        rc = bd_snapshot_write(w, &st, err, sizeof(err));
    if (rc != 0) {
        fprintf(stderr, "snapshot: %s\n", err);
        sk_writer_close(w);
        return 1;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    ts = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
    if (argc == 2)
        rc = add_fstat(w, (long)getpid(), 0, ts);
    for (int i = 2; i < argc && rc == SK_OK; i++) {
        long tid, fd;
        if (sscanf(argv[i], "%ld:%ld", &tid, &fd) != 2) {
            fprintf(stderr, "bad TID:FD '%s'\n", argv[i]);
            rc = SK_E_INVAL;
            break;
        }
        rc = add_fstat(w, tid, fd, ts + 2 * (uint64_t)i);
    }
    if (rc == SK_OK)
        rc = sk_writer_close(w);
    else
        sk_writer_close(w);
    if (rc != SK_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], sk_strerror(rc));
        return 1;
    }
    fprintf(stderr,
            "snapshot: %u threads, %u fds, %u users, %u groups, %u interfaces, %u vanished\n",
            st.threads, st.fds, st.users, st.groups, st.interfaces, st.vanished);
    return 0;
}
