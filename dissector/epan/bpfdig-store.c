/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-store.c - file-scoped storage of the epan plugin: the state
 * engine, the per-frame results of the first pass, and small lookup tables.
 */
#include <string.h>

#include <glib.h>

#include "bpfdig-store.h"

/* Frame slots live in fixed chunks: no big reallocations, no per-frame malloc. */
#define CHUNK_SHIFT 12u
#define CHUNK_SLOTS (1u << CHUNK_SHIFT)
#define CHUNK_MASK  (CHUNK_SLOTS - 1u)

/* An extra fd view of a frame (dup2 newfd, openat dirfd, ...). */
struct fdref {
    uint32_t frame;
    int64_t fd;
    const struct sk_fd *view;
};

struct ifaddr {
    bool ipv6;
    uint8_t addr[16];
};

static struct {
    struct sk_state *state;
    GPtrArray *chunks; /* struct bpfdig_frame[CHUNK_SLOTS] */
    GArray *fdrefs;    /* struct fdref, ascending frame */
    GArray *ifaddrs;   /* struct ifaddr */
    uint32_t evt_count;
} store;

void bpfdig_store_init(void)
{
    bpfdig_store_cleanup();
    store.chunks = g_ptr_array_new_with_free_func(g_free);
    store.fdrefs = g_array_new(FALSE, FALSE, sizeof(struct fdref));
    store.ifaddrs = g_array_new(FALSE, FALSE, sizeof(struct ifaddr));
    store.evt_count = 0;
}

void bpfdig_store_cleanup(void)
{
    if (store.chunks)
        g_ptr_array_free(store.chunks, TRUE);
    if (store.fdrefs)
        g_array_free(store.fdrefs, TRUE);
    if (store.ifaddrs)
        g_array_free(store.ifaddrs, TRUE);
    /* Last: the frames above point into the state's versions. */
    sk_state_free(store.state);
    memset(&store, 0, sizeof(store));
}

/* Tables are created by the init routine; this guards against a missed init. */
static bool store_ready(void)
{
    if (!store.chunks)
        bpfdig_store_init();
    return store.chunks != NULL;
}

struct sk_state *bpfdig_store_state(void)
{
    if (!store_ready())
        return NULL;
    if (!store.state)
        store.state = sk_state_new();
    return store.state;
}

struct bpfdig_frame *bpfdig_store_frame(uint32_t num, bool create)
{
    guint chunk = num >> CHUNK_SHIFT;

    if (!store_ready())
        return NULL;
    if (chunk >= store.chunks->len) {
        if (!create)
            return NULL;
        g_ptr_array_set_size(store.chunks, chunk + 1); /* new entries are NULL */
    }
    struct bpfdig_frame *slots = g_ptr_array_index(store.chunks, chunk);
    if (!slots) {
        if (!create)
            return NULL;
        slots = g_new0(struct bpfdig_frame, CHUNK_SLOTS);
        g_ptr_array_index(store.chunks, chunk) = slots;
    }
    return &slots[num & CHUNK_MASK];
}

uint32_t bpfdig_store_next_evt_num(void)
{
    return ++store.evt_count;
}

/* Index of the first side-table entry of a frame, or len if none. */
static guint fdref_first(uint32_t num)
{
    guint lo = 0, hi = store.fdrefs->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(store.fdrefs, struct fdref, mid).frame < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool bpfdig_store_add_fdref(uint32_t num, int64_t fd, const struct sk_fd *view)
{
    struct fdref r = {num, fd, view};
    guint len;

    if (!store_ready())
        return false;
    len = store.fdrefs->len;
    /* Appends only, in frame order (the first pass is sequential). */
    if (len > 0 && g_array_index(store.fdrefs, struct fdref, len - 1).frame > num)
        return false;
    if (bpfdig_store_find_fdref(num, fd))
        return true;
    g_array_append_val(store.fdrefs, r);
    return true;
}

const struct sk_fd *bpfdig_store_find_fdref(uint32_t num, int64_t fd)
{
    if (!store.fdrefs)
        return NULL;
    for (guint i = fdref_first(num); i < store.fdrefs->len; i++) {
        const struct fdref *r = &g_array_index(store.fdrefs, struct fdref, i);
        if (r->frame != num)
            break;
        if (r->fd == fd)
            return r->view;
    }
    return NULL;
}

void bpfdig_store_add_ifaddr(bool ipv6, const uint8_t *addr)
{
    struct ifaddr a = {.ipv6 = ipv6};

    if (!store_ready())
        return;
    memcpy(a.addr, addr, ipv6 ? 16 : 4);
    g_array_append_val(store.ifaddrs, a);
}

bool bpfdig_store_have_ifaddrs(void)
{
    return store.ifaddrs && store.ifaddrs->len > 0;
}

bool bpfdig_store_is_local_addr(bool ipv6, const uint8_t *addr)
{
    /* As libsinsp: IPv4 by address, IPv6 by /64 prefix (its "same subnet" test). */
    size_t cmp_len = ipv6 ? 8 : 4;

    if (!store.ifaddrs)
        return false;
    for (guint i = 0; i < store.ifaddrs->len; i++) {
        const struct ifaddr *a = &g_array_index(store.ifaddrs, struct ifaddr, i);
        if (a->ipv6 == ipv6 && memcmp(a->addr, addr, cmp_len) == 0)
            return true;
    }
    return false;
}

void bpfdig_store_new_section(void)
{
    if (!store_ready())
        return;
    g_array_set_size(store.ifaddrs, 0);
}

size_t bpfdig_store_memory(void)
{
    size_t total = 0;

    if (!store.chunks)
        return 0;
    for (guint i = 0; i < store.chunks->len; i++) {
        if (g_ptr_array_index(store.chunks, i))
            total += CHUNK_SLOTS * sizeof(struct bpfdig_frame);
    }
    total += store.fdrefs->len * sizeof(struct fdref);
    if (store.state)
        total += sk_state_memory(store.state);
    return total;
}
