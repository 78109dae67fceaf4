/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-store.h - what the epan plugin keeps per capture file.
 *
 * Wireshark dissects every frame once in file order (the first pass,
 * pinfo->fd->visited false) and then revisits frames in any order. The
 * state engine can only move forward, so on the first pass each event's
 * result (two immutable views owned by the engine) is stored here, indexed
 * by frame number, and revisits read it back. Everything is file-scoped:
 * bpfdig_store_init() runs when a file is opened, bpfdig_store_cleanup()
 * when it is closed (and before a full redissection).
 *
 * Retained memory per event: one 40-byte struct bpfdig_frame (stored in
 * chunks, no per-frame Wireshark allocation), plus 24 bytes per extra fd
 * parameter for the few events that name another fd (dup2 newfd, openat
 * dirfd, ...).
 */
#ifndef BPFDIG_STORE_H
#define BPFDIG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scapkit/state.h"

/* struct bpfdig_frame.flags */
#define BPFDIG_FF_EVENT          0x01u /* an event frame seen on the first pass */
#define BPFDIG_FF_DECODE_ERR     0x02u /* the event could not be decoded */
#define BPFDIG_FF_SIDE           0x04u /* has entries in the extra-fd side table */
#define BPFDIG_FF_BLOCK_REJECTED 0x08u /* a state block of the record was rejected */

/* Per-frame result of the first pass. */
struct bpfdig_frame {
    const struct sk_thread *thread; /* thread version at the event, or NULL */
    const struct sk_fd *fd;         /* the event's fd view, or NULL */
    uint64_t latency;               /* ns since the matching enter event, 0 if none */
    const char *type_name;          /* sk_evt_state.type_name (evt.type named by the state) */
    uint32_t evt_num;               /* 1-based event number in file order */
    uint32_t flags;                 /* BPFDIG_FF_* */
};

void bpfdig_store_init(void);
void bpfdig_store_cleanup(void);

/* The state engine of the open file (created on first use), or NULL if out of memory. */
struct sk_state *bpfdig_store_state(void);

/* Frame slot of a frame number; NULL if absent (create false) or out of memory. */
struct bpfdig_frame *bpfdig_store_frame(uint32_t num, bool create);

/* Next event number (first pass only). */
uint32_t bpfdig_store_next_evt_num(void);

/* Extra fd views of a frame (first pass appends, in frame order). */
bool bpfdig_store_add_fdref(uint32_t num, int64_t fd, const struct sk_fd *view);
const struct sk_fd *bpfdig_store_find_fdref(uint32_t num, int64_t fd);

/*
 * Interface addresses (from interface-list blocks), for fd.lip/fd.rip and
 * fd.is_server. An address is local when it equals an IPv4 interface
 * address, or shares the /64 prefix of an IPv6 one (libsinsp's rules).
 */
void bpfdig_store_add_ifaddr(bool ipv6, const uint8_t *addr);
bool bpfdig_store_have_ifaddrs(void);
bool bpfdig_store_is_local_addr(bool ipv6, const uint8_t *addr);

/* A new section (SHB) starts: forget per-section bookkeeping (not the frames). */
void bpfdig_store_new_section(void);

/* Bytes held by the store (frames, side table, state engine), for tests. */
size_t bpfdig_store_memory(void);

#endif /* BPFDIG_STORE_H */
