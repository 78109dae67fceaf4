/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strpool.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_SIZE (256u * 1024u)

struct sk_arena_chunk {
    struct sk_arena_chunk *next;
    size_t size;
    size_t used;
    /* data follows, 16-byte aligned */
    max_align_t data[];
};

void sk_arena_init(struct sk_arena *a)
{
    memset(a, 0, sizeof(*a));
}

static struct sk_arena_chunk *arena_new_chunk(struct sk_arena *a, size_t min_size)
{
    size_t size = min_size > ARENA_CHUNK_SIZE ? min_size : ARENA_CHUNK_SIZE;
    struct sk_arena_chunk *c = malloc(sizeof(*c) + size);

    if (!c)
        return NULL;
    c->size = size;
    c->used = 0;
    c->next = a->head;
    a->head = c;
    a->held_bytes += size;
    return c;
}

void *sk_arena_alloc(struct sk_arena *a, size_t size)
{
    struct sk_arena_chunk *c = a->head;
    void *p;

    size = (size + 7u) & ~(size_t)7u;
    if (!c || c->size - c->used < size) {
        c = arena_new_chunk(a, size);
        if (!c)
            return NULL;
    }
    p = (char *)c->data + c->used;
    c->used += size;
    a->used_bytes += size;
    memset(p, 0, size);
    return p;
}

void sk_arena_free(struct sk_arena *a)
{
    struct sk_arena_chunk *c = a->head;

    while (c) {
        struct sk_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    sk_arena_init(a);
}

/* FNV-1a, good enough for short identifiers and paths. */
static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

void sk_strpool_init(struct sk_strpool *p)
{
    memset(p, 0, sizeof(*p));
    sk_arena_init(&p->arena);
}

static bool strpool_grow(struct sk_strpool *p)
{
    size_t new_cap = p->cap ? p->cap * 2 : 1024;
    const char **slots = calloc(new_cap, sizeof(*slots));

    if (!slots)
        return false;
    for (size_t i = 0; i < p->cap; i++) {
        const char *s = p->slots[i];
        size_t pos;

        if (!s)
            continue;
        pos = hash_bytes(s, strlen(s)) & (new_cap - 1);
        while (slots[pos])
            pos = (pos + 1) & (new_cap - 1);
        slots[pos] = s;
    }
    free(p->slots);
    p->slots = slots;
    p->cap = new_cap;
    return true;
}

const char *sk_strpool_intern(struct sk_strpool *p, const char *s, size_t len)
{
    size_t pos;
    char *copy;

    /* Strings with an embedded NUL are interned up to it. */
    const char *nul = memchr(s, '\0', len);
    if (nul)
        len = (size_t)(nul - s);
    if ((p->count + 1) * 4 >= p->cap * 3 && !strpool_grow(p))
        return NULL;
    pos = hash_bytes(s, len) & (p->cap - 1);
    while (p->slots[pos]) {
        const char *cand = p->slots[pos];
        if (strncmp(cand, s, len) == 0 && cand[len] == '\0')
            return cand;
        pos = (pos + 1) & (p->cap - 1);
    }
    copy = sk_arena_alloc(&p->arena, len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    p->slots[pos] = copy;
    p->count++;
    return copy;
}

void sk_strpool_free(struct sk_strpool *p)
{
    free(p->slots);
    sk_arena_free(&p->arena);
    sk_strpool_init(p);
}

size_t sk_strpool_memory(const struct sk_strpool *p)
{
    return p->arena.held_bytes + p->cap * sizeof(*p->slots);
}

/* ------------------------------------------------------------ int64 map */

static size_t imap_hash(int64_t key, size_t cap)
{
    uint64_t k = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    return (size_t)(k >> 32) & (cap - 1);
}

void sk_imap_init(struct sk_imap *m)
{
    memset(m, 0, sizeof(*m));
}

void *sk_imap_get(const struct sk_imap *m, int64_t key)
{
    size_t pos;

    if (!m->cap)
        return NULL;
    pos = imap_hash(key, m->cap);
    while (m->slots[pos].val) {
        if (m->slots[pos].key == key)
            return m->slots[pos].val;
        pos = (pos + 1) & (m->cap - 1);
    }
    return NULL;
}

static bool imap_resize(struct sk_imap *m, size_t new_cap)
{
    struct sk_imap_slot *slots = calloc(new_cap, sizeof(*slots));

    if (!slots)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        size_t pos;
        if (!m->slots[i].val)
            continue;
        pos = imap_hash(m->slots[i].key, new_cap);
        while (slots[pos].val)
            pos = (pos + 1) & (new_cap - 1);
        slots[pos] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = new_cap;
    return true;
}

bool sk_imap_put(struct sk_imap *m, int64_t key, void *val)
{
    size_t pos;

    if ((m->count + 1) * 4 >= m->cap * 3 && !imap_resize(m, m->cap ? m->cap * 2 : 16))
        return false;
    pos = imap_hash(key, m->cap);
    while (m->slots[pos].val) {
        if (m->slots[pos].key == key) {
            m->slots[pos].val = val;
            return true;
        }
        pos = (pos + 1) & (m->cap - 1);
    }
    m->slots[pos].key = key;
    m->slots[pos].val = val;
    m->count++;
    return true;
}

void *sk_imap_del(struct sk_imap *m, int64_t key)
{
    size_t pos, next;
    void *old;

    if (!m->cap)
        return NULL;
    pos = imap_hash(key, m->cap);
    while (m->slots[pos].val && m->slots[pos].key != key)
        pos = (pos + 1) & (m->cap - 1);
    if (!m->slots[pos].val)
        return NULL;
    old = m->slots[pos].val;
    m->slots[pos].val = NULL;
    m->count--;
    /* Backward-shift deletion keeps probe chains intact. */
    next = (pos + 1) & (m->cap - 1);
    while (m->slots[next].val) {
        size_t home = imap_hash(m->slots[next].key, m->cap);
        bool movable = (pos <= next) ? (home <= pos || home > next) : (home <= pos && home > next);
        if (movable) {
            m->slots[pos] = m->slots[next];
            m->slots[next].val = NULL;
            pos = next;
        }
        next = (next + 1) & (m->cap - 1);
    }
    return old;
}

bool sk_imap_copy(struct sk_imap *dst, const struct sk_imap *src)
{
    sk_imap_init(dst);
    if (!src->cap)
        return true;
    dst->slots = malloc(src->cap * sizeof(*dst->slots));
    if (!dst->slots)
        return false;
    memcpy(dst->slots, src->slots, src->cap * sizeof(*dst->slots));
    dst->cap = src->cap;
    dst->count = src->count;
    return true;
}

void sk_imap_free(struct sk_imap *m)
{
    free(m->slots);
    sk_imap_init(m);
}
