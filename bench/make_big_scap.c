/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make_big_scap: build a large capture for the reader benchmark by repeating
 * the events of an input capture with shifted timestamps.
 *
 *   make_big_scap IN.scap OUT.scap MIN_EVENTS
 *
 * The metadata blocks (MI/IL/UL/PL/FDL) of IN are written once; its event
 * blocks are then written again and again, each round shifted past the
 * previous one, until at least MIN_EVENTS events are out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scapkit/format.h"

struct blob {
    uint32_t type;
    uint32_t len;
    uint8_t *body;
};

struct capture {
    struct blob *blocks;
    size_t count, cap;
    uint64_t first_ts, last_ts;
};

static int keep_block(struct capture *c, const struct sk_block *blk)
{
    struct blob *b;

    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        struct blob *n = realloc(c->blocks, cap * sizeof(*n));
        if (!n)
            return -1;
        c->blocks = n;
        c->cap = cap;
    }
    b = &c->blocks[c->count];
    b->body = malloc(blk->body_len ? blk->body_len : 1);
    if (!b->body)
        return -1;
    memcpy(b->body, blk->body, blk->body_len);
    b->type = blk->type;
    b->len = blk->body_len;
    c->count++;
    return 0;
}

/* Offset of the timestamp inside an event block body. */
static size_t ts_offset(uint32_t type)
{
    return sk_block_has_flags(type) ? 6 : 2;
}

static int load(const char *path, struct capture *c)
{
    struct sk_reader *r;
    struct sk_block blk;
    int rc = sk_reader_open_path(&r, path);

    if (rc < 0) {
        fprintf(stderr, "make_big_scap: %s: %s\n", path, sk_strerror(rc));
        return -1;
    }
    while ((rc = sk_reader_next(r, &blk)) > 0) {
        if (blk.type == SK_BT_SHB)
            continue;
        if (sk_block_is_event(blk.type) && blk.body_len >= ts_offset(blk.type) + 8) {
            uint64_t ts = sk_le64(blk.body + ts_offset(blk.type));
            if (!c->first_ts || ts < c->first_ts)
                c->first_ts = ts;
            if (ts > c->last_ts)
                c->last_ts = ts;
        }
        if (keep_block(c, &blk) < 0) {
            rc = SK_E_NOMEM;
            break;
        }
    }
    if (rc < 0)
        fprintf(stderr, "make_big_scap: %s: %s\n", path, sk_reader_errmsg(r));
    sk_reader_close(r);
    return rc < 0 ? -1 : 0;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int main(int argc, char **argv)
{
    struct capture c = {0};
    struct sk_writer *w;
    uint64_t want, written = 0, shift = 0, span;
    int rc;

    if (argc != 4) {
        fprintf(stderr, "usage: %s IN.scap OUT.scap MIN_EVENTS\n", argv[0]);
        return 2;
    }
    want = strtoull(argv[3], NULL, 10);
    if (load(argv[1], &c) < 0)
        return 1;
    span = c.last_ts - c.first_ts + 1000;
    rc = sk_writer_open_path(&w, argv[2], false);
    if (rc < 0 || sk_writer_shb(w) < 0) {
        fprintf(stderr, "make_big_scap: cannot write %s\n", argv[2]);
        return 1;
    }
    for (size_t i = 0; i < c.count; i++) {
        if (!sk_block_is_event(c.blocks[i].type))
            sk_writer_block(w, c.blocks[i].type, c.blocks[i].body, c.blocks[i].len);
    }
    while (written < want) {
        size_t round = 0;
        for (size_t i = 0; i < c.count; i++) {
            struct blob *b = &c.blocks[i];
            size_t off = ts_offset(b->type);
            if (!sk_block_is_event(b->type) || b->len < off + 8)
                continue;
            put_le64(b->body + off, sk_le64(b->body + off) + (shift ? span : 0));
            sk_writer_block(w, b->type, b->body, b->len);
            round++;
        }
        if (!round)
            break;
        written += round;
        shift++;
    }
    rc = sk_writer_close(w);
    if (rc < 0) {
        fprintf(stderr, "make_big_scap: writing %s: %s\n", argv[2], sk_strerror(rc));
        return 1;
    }
    printf("%" PRIu64 " events\n", written);
    for (size_t i = 0; i < c.count; i++)
        free(c.blocks[i].body);
    free(c.blocks);
    return 0;
}
