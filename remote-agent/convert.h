/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw probe record -> scap event (libs 0.22.2 exit layouts). Private to the event path. */
#ifndef BPFDIG_CONVERT_H
#define BPFDIG_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "agent.h"
#include "bpfdig.h"

struct bd_conv {
    int64_t boot_to_epoch; /* CLOCK_REALTIME - CLOCK_BOOTTIME, ns */
    uint32_t snaplen;
    uint16_t ppm_sc[BDP_NR_SYSCALLS]; /* GENERIC_X ID per x86_64 number */
    uint8_t *out;                     /* event body being built */
    size_t out_cap;
    uint64_t truncated; /* values (not I/O payloads) cut to fit: argv, env, paths... */
};

int bd_conv_init(struct bd_conv *c, uint32_t snaplen);
void bd_conv_free(struct bd_conv *c);
/* The capture plan the probe needs for each syscall number. */
void bd_conv_plan(struct bdp_plan plan[BDP_NR_SYSCALLS]);
/*
 * Converts one record. Returns 1 with *ev filled (body valid until the next
 * call), 0 when the record yields no event, or < 0 when it is malformed.
 */
int bd_convert(struct bd_conv *c, uint16_t cpu, const void *rec, size_t len, struct bd_event *ev);

#endif /* BPFDIG_CONVERT_H */
