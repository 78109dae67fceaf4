/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writer of scap files (plain or gzip'ed) and the EV_V2 event builder.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <zlib.h>

#include "format_internal.h"

#define PLAIN_BUF_CAP (64u * 1024u)
#define GZ_BUF_CAP    (128u * 1024u)
/* Section header written: version 1.2, no options, unknown section length. */
#define SHB_MAJOR 1u
#define SHB_MINOR 2u

struct sk_writer {
    int fd;
    gzFile gz;    /* NULL when plain */
    uint8_t *buf; /* plain: pending bytes */
    size_t used;
    uint64_t bytes; /* uncompressed bytes accepted */
    int err;        /* first error, sticky */
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* ---------------------------------------------------------------- output */

static int write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return SK_E_IO;
        p += n;
        len -= (size_t)n;
    }
    return SK_OK;
}

static int flush_plain(struct sk_writer *w)
{
    int rc = write_all(w->fd, w->buf, w->used);

    w->used = 0;
    return rc;
}

static int emit_plain(struct sk_writer *w, const void *data, size_t len)
{
    int rc;

    if (w->used + len > PLAIN_BUF_CAP) {
        rc = flush_plain(w);
        if (rc != SK_OK)
            return rc;
    }
    if (len >= PLAIN_BUF_CAP)
        return write_all(w->fd, data, len);
    memcpy(w->buf + w->used, data, len);
    w->used += len;
    return SK_OK;
}

static int emit_gzip(struct sk_writer *w, const void *data, size_t len)
{
    return gzwrite(w->gz, data, (unsigned)len) == (int)len ? SK_OK : SK_E_IO;
}

/* Queues bytes for output; the first failure sticks to the writer. */
static int emit(struct sk_writer *w, const void *data, size_t len)
{
    if (w->err != SK_OK || len == 0)
        return w->err;
    w->err = w->gz ? emit_gzip(w, data, len) : emit_plain(w, data, len);
    if (w->err == SK_OK)
        w->bytes += len;
    return w->err;
}

/* ---------------------------------------------------------------- open/close */

int sk_writer_open_fd(struct sk_writer **out, int fd, bool gzip)
{
    struct sk_writer *w;

    if (!out || fd < 0) {
        if (fd >= 0)
            close(fd);
        return SK_E_INVAL;
    }
    *out = NULL;
    w = calloc(1, sizeof(*w));
    if (!w)
        goto fail;
    w->fd = fd;
    if (gzip) {
        w->gz = gzdopen(fd, "wb");
        if (!w->gz)
            goto fail;
        gzbuffer(w->gz, GZ_BUF_CAP);
    } else {
        w->buf = malloc(PLAIN_BUF_CAP);
        if (!w->buf)
            goto fail;
    }
    *out = w;
    return SK_OK;

fail:
    if (w)
        free(w->buf);
    free(w);
    close(fd);
    return SK_E_NOMEM;
}

int sk_writer_open_path(struct sk_writer **out, const char *path, bool gzip)
{
    int fd;

    if (!out || !path)
        return SK_E_INVAL;
    *out = NULL;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return SK_E_IO;
    return sk_writer_open_fd(out, fd, gzip);
}

int sk_writer_flush(struct sk_writer *w)
{
    if (!w)
        return SK_E_INVAL;
    if (w->err != SK_OK)
        return w->err;
    if (w->gz) {
        if (gzflush(w->gz, Z_SYNC_FLUSH) != Z_OK)
            w->err = SK_E_IO;
    } else {
        w->err = flush_plain(w);
    }
    return w->err;
}

uint64_t sk_writer_bytes(const struct sk_writer *w)
{
    return w ? w->bytes : 0;
}

int sk_writer_close(struct sk_writer *w)
{
    int rc;

    if (!w)
        return SK_E_INVAL;
    rc = w->err;
    if (w->gz) {
        if (gzclose(w->gz) != Z_OK && rc == SK_OK)
            rc = SK_E_IO;
    } else {
        if (rc == SK_OK)
            rc = flush_plain(w);
        if (close(w->fd) != 0 && rc == SK_OK)
            rc = SK_E_IO;
    }
    free(w->buf);
    free(w);
    return rc;
}

/* ---------------------------------------------------------------- blocks */

int sk_writer_block(struct sk_writer *w, uint32_t type, const void *body, size_t len)
{
    static const uint8_t zeros[4];
    uint8_t hdr[8], trailer[4];
    size_t total;

    if (!w || (!body && len) || len > SK_MAX_BLOCK_LEN - 12)
        return SK_E_INVAL;
    total = sk_block_total_for(len);
    put32(hdr, type);
    put32(hdr + 4, (uint32_t)total);
    put32(trailer, (uint32_t)total);
    emit(w, hdr, sizeof(hdr));
    emit(w, body, len);
    emit(w, zeros, total - 12 - len);
    return emit(w, trailer, sizeof(trailer));
}

int sk_writer_shb(struct sk_writer *w)
{
    uint8_t body[SK_SHB_BODY_LEN];

    put32(body, SK_BYTE_ORDER_MAGIC);
    put16(body + 4, SHB_MAJOR);
    put16(body + 6, SHB_MINOR);
    put64(body + 8, UINT64_MAX);
    return sk_writer_block(w, SK_BT_SHB, body, sizeof(body));
}

int sk_writer_machine_info(struct sk_writer *w, const struct sk_machine_info *mi)
{
    uint8_t body[SK_MI_BODY_LEN] = {0};
    size_t name_len;

    if (!mi)
        return SK_E_INVAL;
    put32(body, mi->num_cpus);
    put64(body + 4, mi->memory_size_bytes);
    put64(body + 12, mi->max_pid);
    name_len = strnlen(mi->hostname, SK_MI_HOSTNAME_LEN);
    memcpy(body + 20, mi->hostname, name_len);
    put64(body + 20 + SK_MI_HOSTNAME_LEN, mi->boot_ts_epoch);
    /* flags, reserved3, reserved4: zero. */
    return sk_writer_block(w, SK_BT_MI, body, sizeof(body));
}

/* ---------------------------------------------------------------- event builder */

/* Body layout: u16 cpu, then the event: ts, tid, len, type, nparams, lengths, values. */
#define EVB_CPU_LEN     2u
#define EVB_OFF_LEN     (EVB_CPU_LEN + 16u)
#define EVB_OFF_NPARAMS (EVB_CPU_LEN + 22u)
#define EVB_OFF_LENS    (EVB_CPU_LEN + SK_EVT_HDR_V2_LEN)

static const struct sk_event_info *evb_info(const struct sk_event_builder *b)
{
    return sk_event_info(b->type);
}

static size_t evb_len_size(const struct sk_event_builder *b)
{
    return b->large ? 4 : 2;
}

void sk_evb_begin(struct sk_event_builder *b, uint8_t *buf, size_t cap, uint16_t cpu, uint64_t ts,
                  int64_t tid, uint16_t type)
{
    const struct sk_event_info *info;
    size_t hdr;

    memset(b, 0, sizeof(*b));
    b->buf = buf;
    b->cap = cap;
    b->type = type;
    info = evb_info(b);
    if (!buf || !info) {
        b->err = SK_E_INVAL;
        return;
    }
    b->large = (info->flags & SK_EF_LARGE_PAYLOAD) != 0;
    hdr = EVB_OFF_LENS + info->nparams * evb_len_size(b);
    if (cap < hdr) {
        b->err = SK_E_NOMEM;
        return;
    }
    put16(buf, cpu);
    put64(buf + EVB_CPU_LEN, ts);
    put64(buf + EVB_CPU_LEN + 8, (uint64_t)tid);
    put32(buf + EVB_OFF_LEN, 0);
    put16(buf + EVB_CPU_LEN + 20, type);
    put32(buf + EVB_OFF_NPARAMS, info->nparams);
    memset(buf + EVB_OFF_LENS, 0, hdr - EVB_OFF_LENS);
    b->used = hdr;
}

void sk_evb_add(struct sk_event_builder *b, const void *val, uint32_t len)
{
    const struct sk_event_info *info;
    uint8_t *lenp;

    if (b->err != SK_OK)
        return;
    info = evb_info(b);
    if (b->nparams_added >= info->nparams || (!val && len)) {
        b->err = SK_E_INVAL;
        return;
    }
    if (!b->large && len > UINT16_MAX) {
        b->err = SK_E_BADLEN;
        return;
    }
    if (len > b->cap - b->used) {
        b->err = SK_E_NOMEM;
        return;
    }
    lenp = b->buf + EVB_OFF_LENS + b->nparams_added * evb_len_size(b);
    if (b->large)
        put32(lenp, len);
    else
        put16(lenp, (uint16_t)len);
    if (len)
        memcpy(b->buf + b->used, val, len);
    b->used += len;
    b->nparams_added++;
}

void sk_evb_add_u8(struct sk_event_builder *b, uint8_t v)
{
    sk_evb_add(b, &v, 1);
}

void sk_evb_add_u16(struct sk_event_builder *b, uint16_t v)
{
    uint8_t le[2];

    put16(le, v);
    sk_evb_add(b, le, sizeof(le));
}

void sk_evb_add_u32(struct sk_event_builder *b, uint32_t v)
{
    uint8_t le[4];

    put32(le, v);
    sk_evb_add(b, le, sizeof(le));
}

void sk_evb_add_u64(struct sk_event_builder *b, uint64_t v)
{
    uint8_t le[8];

    put64(le, v);
    sk_evb_add(b, le, sizeof(le));
}

void sk_evb_add_str(struct sk_event_builder *b, const char *s)
{
    size_t len;

    if (!s) {
        sk_evb_add_empty(b);
        return;
    }
    len = strlen(s) + 1;
    if (len > UINT32_MAX) {
        b->err = SK_E_BADLEN;
        return;
    }
    sk_evb_add(b, s, (uint32_t)len);
}

void sk_evb_add_empty(struct sk_event_builder *b)
{
    sk_evb_add(b, NULL, 0);
}

/*
 * Missing trailing parameters are already empty: the lengths array was
 * zeroed by sk_evb_begin(). A non-LARGE block must stay within libscap's
 * read buffer: body + padding + trailer <= SK_MAX_EVENT_BODY.
 */
int sk_evb_finish(struct sk_event_builder *b, uint32_t *block_type, size_t *body_len)
{
    size_t event_len;

    if (b->err != SK_OK)
        return b->err;
    if (!b->large && sk_block_total_for(b->used) - 8 > SK_MAX_EVENT_BODY)
        return b->err = SK_E_BADLEN;
    if (sk_block_total_for(b->used) > SK_MAX_BLOCK_LEN)
        return b->err = SK_E_BADLEN;
    event_len = b->used - EVB_CPU_LEN;
    put32(b->buf + EVB_OFF_LEN, (uint32_t)event_len);
    if (block_type)
        *block_type = b->large ? SK_BT_EV_V2_LARGE : SK_BT_EV_V2;
    if (body_len)
        *body_len = b->used;
    return SK_OK;
}
