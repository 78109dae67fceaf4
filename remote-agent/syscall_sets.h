/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Named syscall sets for bpfdig-agent -e (file, net, proc, io, security, all). */
#ifndef BPFDIG_SYSCALL_SETS_H
#define BPFDIG_SYSCALL_SETS_H

#include <stdbool.h>
#include <stddef.h>

#include "agent.h"

/* "set1,set2" for --help. */
const char *bd_syscall_set_names(void);
/*
 * Parses a comma list of set names and syscall names ("file,connect,!read" —
 * a leading '!' removes) into want[]; "procexit" selects process exits.
 * Returns 0, or -1 with a message in err.
 */
int bd_syscall_set_parse(const char *list, bool want[BD_NR_SYSCALLS], bool *procexit, char *err,
                         size_t errlen);
/* Number of a syscall name, or -1. */
int bd_syscall_number(const char *name);

#endif
