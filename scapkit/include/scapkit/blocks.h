/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Encoders of the current metadata block generations: PL_V9 thread entries,
 * FDL_V2 fd entries, UL_V2 user/group entries and IL_V2 interface entries.
 *
 * Entries are appended to a growing buffer (struct sk_blkbuf) that becomes
 * one block body; sk_blk_write() writes it with sk_writer_block() and empties
 * the buffer (its memory is kept for the next block). The input structures
 * are the parsers' output structures (format.h), so an entry encoded here and
 * parsed back with sk_parse_proclist() & co. gives the same values.
 *
 * Strings longer than what libscap accepts are truncated (never rejected):
 * paths to 1023 bytes, args/env/cgroups to 4096 bytes with a NUL as the last
 * byte kept, user/group names, homes and shells to 255 bytes, interface names
 * to 1023 bytes. Bytes are copied as given (no NUL is added to a string that
 * fits), so binary content survives.
 */
#ifndef SCAPKIT_BLOCKS_H
#define SCAPKIT_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "scapkit/format.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits the encoders truncate to (what every libscap reader accepts). */
#define SK_BLK_MAX_PATH   1023u /* comm, exe, exepath, cwd, root, fd names */
#define SK_BLK_MAX_LIST   4096u /* args, env, cgroups (NUL-separated lists) */
#define SK_BLK_MAX_CRED   255u  /* user/group name, home, shell */
#define SK_BLK_MAX_IFNAME 1023u

/* A growing block body. Zero-initialise or call sk_blkbuf_init(). */
struct sk_blkbuf {
    uint8_t *p;
    size_t len; /* bytes of the body so far */
    size_t cap;
    int err; /* first error (SK_E_NOMEM), sticky until sk_blkbuf_reset() */
};
void sk_blkbuf_init(struct sk_blkbuf *b);
/* Empties the buffer and clears the error; keeps the memory. */
void sk_blkbuf_reset(struct sk_blkbuf *b);
void sk_blkbuf_free(struct sk_blkbuf *b);

/* Appends one PL_V9 entry (all fields up to pgid). */
int sk_blk_put_thread(struct sk_blkbuf *b, const struct sk_threadinfo *ti);
/* An FDL body starts with the owning tid: call this on an empty buffer first. */
int sk_blk_fdl_begin(struct sk_blkbuf *b, uint64_t tid);
/*
 * Appends one FDL_V2 entry. The payload follows fd->type: sockets use the
 * address fields (IPv4 in the first 4 bytes), UNIX_SOCK source/dest + name,
 * FILE_V2 open_flags + name + dev, every other known type the name only;
 * an unknown type gets no payload.
 */
int sk_blk_put_fd(struct sk_blkbuf *b, const struct sk_fdlist_entry *fd);
/* Appends one UL_V2 entry: a user (uid, gid, name, home, shell) or a group (gid, name). */
int sk_blk_put_user(struct sk_blkbuf *b, const struct sk_userlist_entry *u);
/*
 * Appends one IL_V2 entry. i->is_ipv6 selects the address size; i->type is
 * written as given (0 means: 1 for IPv4, 2 for IPv6; 3/4 omit the linkspeed).
 */
int sk_blk_put_iface(struct sk_blkbuf *b, const struct sk_iflist_entry *i);

/*
 * Writes the buffer as one block of the given type and empties it. Returns
 * the buffer's sticky error if any (nothing written), else sk_writer_block()'s.
 */
int sk_blk_write(struct sk_writer *w, uint32_t type, struct sk_blkbuf *b);

#ifdef __cplusplus
}
#endif

#endif /* SCAPKIT_BLOCKS_H */
