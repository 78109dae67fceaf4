/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-probe-smoke [-a] [-n] [-s snaplen] [-r ring_bytes] OUT.scap CMD [ARGS...]
 *
 * Starts CMD stopped on a pipe, opens the probe with a pid filter on it (or
 * on every process with -a), lets it run, drains the rings until it exited
 * and writes SHB + events to OUT.scap. Prints the probe statistics.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scapkit/format.h>

#include "agent.h"

static int on_event(void *ud, const struct bd_event *ev)
{
    return sk_writer_block(ud, ev->block_type, ev->body, ev->len);
}

int main(int argc, char **argv)
{
    static struct bd_filter f;
    struct bd_probe_stats st;
    struct sk_writer *w = NULL;
    struct bd_probe *p = NULL;
    char err[512];
    int go[2], opt, rc, status = 0, all = 0, only_open = 0;
    pid_t child;

    f.snaplen = BD_DEFAULT_SNAPLEN;
    f.ring_bytes = BD_DEFAULT_RING_BYTES;
    while ((opt = getopt(argc, argv, "+ans:r:")) != -1) {
        switch (opt) {
        case 'a':
            all = 1;
            break;
        case 'n': /* only openat: measures the cost of filtered-out syscalls */
            only_open = 1;
            break;
        case 's':
            f.snaplen = atoi(optarg);
            break;
        case 'r':
            f.ring_bytes = strtoul(optarg, NULL, 0);
            break;
        default:
            return 2;
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "usage: %s [-a] [-n] [-s snaplen] [-r ring] OUT.scap CMD [ARGS...]\n",
                argv[0]);
        return 2;
    }
    for (int i = 0; i < BD_NR_SYSCALLS; i++)
        f.syscalls[i] = !only_open || i == 257;
    f.procexit = true;
    f.self_pid = getpid();
    if (pipe(go))
        return 1;
    child = fork();
    if (child == 0) {
        char c;

        close(go[1]);
        if (read(go[0], &c, 1) != 1)
            _exit(127);
        close(go[0]);
        execvp(argv[optind + 1], argv + optind + 1);
        _exit(127);
    }
    close(go[0]);
    if (!all) {
        f.pids[0] = child;
        f.npids = 1;
    }
    rc = bd_probe_open(&p, &f, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "bd_probe_open: %s (%d)\n", err, rc);
        kill(child, SIGKILL);
        return 1;
    }
    if (sk_writer_open_path(&w, argv[optind], false) || sk_writer_shb(w)) {
        fprintf(stderr, "cannot write %s\n", argv[optind]);
        return 1;
    }
    if (write(go[1], "g", 1) != 1)
        return 1;
    close(go[1]);
    for (;;) {
        rc = bd_probe_poll(p, 50, on_event, w);
        if (rc < 0) {
            fprintf(stderr, "poll: %d\n", rc);
            break;
        }
        if (waitpid(child, &status, WNOHANG) == child) {
            usleep(100000);
            while (bd_probe_poll(p, 0, on_event, w) > 0)
                ;
            break;
        }
    }
    bd_probe_get_stats(p, &st);
    bd_probe_close(p);
    sk_writer_close(w);
    printf("records %llu events %llu drops %llu convert_errors %llu ncpus %u status %d\n",
           (unsigned long long)st.records, (unsigned long long)st.events,
           (unsigned long long)st.drops, (unsigned long long)st.convert_errors, st.ncpus,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return st.convert_errors ? 3 : 0;
}
