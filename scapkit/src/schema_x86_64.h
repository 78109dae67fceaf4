/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SCAPKIT_SCHEMA_X86_64_H
#define SCAPKIT_SCHEMA_X86_64_H

#define SK_X86_64_NR_MAX 512
/* x86_64 syscall names by number (NULL where none). */
extern const char *const sk_x86_64_syscall_names[SK_X86_64_NR_MAX];

#endif
