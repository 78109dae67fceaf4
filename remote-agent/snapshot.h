/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-agent: options of the start-of-capture snapshot (bd_snapshot_write()
 * itself is declared in agent.h).
 */
#ifndef BPFDIG_SNAPSHOT_H
#define BPFDIG_SNAPSHOT_H

#include <stdbool.h>

/*
 * fd types 17..21 (bpf, userfaultfd, io_uring, memfd, pidfd) appeared in
 * libscap in 2022-09 / 2023-06; older readers (Debian's sysdig 0.29) refuse
 * the whole file on them ("wrong fd type 20"). By default (true) the snapshot
 * writes what such readers know: memfd as a file (FILE_V2 "/memfd:name"),
 * the others as "unsupported". false writes the exact current types.
 */
void bd_snapshot_set_old_reader_fd_types(bool on);

#endif /* BPFDIG_SNAPSHOT_H */
