/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal allocation helpers of the state engine:
 *  - sk_arena: bump allocator for objects that live until the state is freed
 *    (immutable thread/fd versions);
 *  - sk_strpool: interned, NUL-terminated strings kept in an arena, so equal
 *    strings share one copy and compare by pointer;
 *  - sk_imap: open-addressing hash map from int64 keys to pointers.
 */
#ifndef SCAPKIT_STRPOOL_H
#define SCAPKIT_STRPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sk_arena_chunk;
struct sk_arena {
    struct sk_arena_chunk *head;
    size_t used_bytes; /* bytes handed out, for statistics */
    size_t held_bytes; /* bytes of all chunks */
};
void sk_arena_init(struct sk_arena *a);
void *sk_arena_alloc(struct sk_arena *a, size_t size); /* zeroed, 8-byte aligned; NULL on OOM */
void sk_arena_free(struct sk_arena *a);

struct sk_strpool {
    struct sk_arena arena;
    const char **slots;
    size_t cap;   /* power of two */
    size_t count;
};
void sk_strpool_init(struct sk_strpool *p);
/* Interned copy of s[0..len) (NUL added); NULL only on OOM. */
const char *sk_strpool_intern(struct sk_strpool *p, const char *s, size_t len);
static inline const char *sk_strpool_cstr(struct sk_strpool *p, const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return sk_strpool_intern(p, s, n);
}
void sk_strpool_free(struct sk_strpool *p);
size_t sk_strpool_memory(const struct sk_strpool *p);

struct sk_imap_slot {
    int64_t key;
    void *val; /* NULL = empty slot */
};
struct sk_imap {
    struct sk_imap_slot *slots;
    size_t cap; /* power of two, 0 when empty */
    size_t count;
};
void sk_imap_init(struct sk_imap *m);
void *sk_imap_get(const struct sk_imap *m, int64_t key);
/* Insert or replace; val must not be NULL. Returns false on OOM. */
bool sk_imap_put(struct sk_imap *m, int64_t key, void *val);
/* Remove; returns the old value or NULL. */
void *sk_imap_del(struct sk_imap *m, int64_t key);
bool sk_imap_copy(struct sk_imap *dst, const struct sk_imap *src);
void sk_imap_free(struct sk_imap *m);
/* Iterate: for (size_t i = 0; i < m->cap; i++) if (m->slots[i].val) ... */

#endif
