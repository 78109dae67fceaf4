/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block reader: frames the blocks of a plain or gzip'ed scap stream read
 * from a file descriptor (pipes included: it never seeks) or from memory.
 *
 * Decoded bytes live in one window buffer [start, end) that is refilled
 * with large reads and only grows while real data fills it, so a corrupt
 * length never makes it allocate more than about twice the data present.
 * A plain memory source is framed in place, without copying.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <zlib.h>

#include "format_internal.h"

#define WINDOW_INIT_CAP (256u * 1024u)
/* Compressed input buffer (fd + gzip); also takes the window's first read. */
#define RAW_CAP    WINDOW_INIT_CAP
#define ERRMSG_LEN 256

struct sk_reader {
    /* Raw source: an fd, or memory (framed in place, or inflated directly). */
    int fd; /* -1 for memory */
    bool src_eof;

    /* gzip layer. */
    bool gzip;
    bool zs_ready;
    bool member_done; /* a gzip member ended; another may follow */
    z_stream zs;
    uint8_t *raw; /* compressed input read from fd */

    /* Decoded window. For a plain memory source it is the source itself. */
    const uint8_t *win;
    uint8_t *buf; /* owned storage behind win, NULL when zero-copy */
    size_t cap;
    size_t start;
    size_t end;
    uint64_t offset; /* stream offset of win[start] */

    struct sk_shb shb;
    int err; /* sticky: first error, SK_OK while healthy */
    int saved_errno;
    char errmsg[ERRMSG_LEN];
};

/* Message of the last failed sk_reader_open_*() in this thread. */
static _Thread_local char open_errmsg[ERRMSG_LEN];

static int set_err(struct sk_reader *r, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int set_err(struct sk_reader *r, int err, const char *fmt, ...)
{
    va_list ap;

    if (r->err != SK_OK)
        return r->err;
    r->err = err;
    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
    va_end(ap);
    return err;
}

/* ---------------------------------------------------------------- raw source */

/* Up to len bytes from the fd: > 0 read, 0 at end, < 0 error. Memory sources never get here. */
static ssize_t raw_read(struct sk_reader *r, uint8_t *dst, size_t len)
{
    ssize_t n;

    if (r->src_eof || r->fd < 0)
        return 0;
    do {
        n = read(r->fd, dst, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        r->saved_errno = errno;
        return set_err(r, SK_E_IO, "offset %llu: read error: %s", (unsigned long long)r->offset,
                       strerror(errno));
    }
    if (n == 0)
        r->src_eof = true;
    return n;
}

/* ---------------------------------------------------------------- gzip */

static bool is_gzip_magic(const uint8_t *p, size_t len)
{
    return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Makes at least want compressed bytes available unless the source ends. */
static int gz_need_input(struct sk_reader *r, size_t want)
{
    ssize_t n;

    if (r->fd < 0)
        return SK_OK; /* memory: all input is already in zs */
    while (r->zs.avail_in < want && !r->src_eof) {
        if (r->zs.avail_in > 0 && r->zs.next_in != r->raw)
            memmove(r->raw, r->zs.next_in, r->zs.avail_in);
        r->zs.next_in = r->raw;
        n = raw_read(r, r->raw + r->zs.avail_in, RAW_CAP - r->zs.avail_in);
        if (n < 0)
            return (int)n;
        r->zs.avail_in += (uInt)n;
    }
    return SK_OK;
}

/* After a member ends: 1 if another gzip member follows, 0 if the stream ends. */
static int gz_next_member(struct sk_reader *r)
{
    int rc = gz_need_input(r, 2);

    if (rc != SK_OK)
        return rc;
    /* Like gzread, bytes after a member that are not a gzip header are ignored. */
    if (!is_gzip_magic(r->zs.next_in, r->zs.avail_in))
        return 0;
    if (inflateReset(&r->zs) != Z_OK)
        return set_err(r, SK_E_MALFORMED, "gzip: cannot restart decompression");
    r->member_done = false;
    return 1;
}

static int gz_failure(struct sk_reader *r, int zret)
{
    const char *why = r->zs.msg ? r->zs.msg : "corrupt data";

    if (zret == Z_MEM_ERROR)
        return set_err(r, SK_E_NOMEM, "gzip: out of memory");
    return set_err(r, SK_E_MALFORMED, "offset %llu: gzip: %s",
                   (unsigned long long)(r->offset + (r->end - r->start)), why);
}

/* Decompresses into dst: > 0 bytes produced, 0 at a clean end, < 0 error. */
static ssize_t gz_produce(struct sk_reader *r, uint8_t *dst, size_t room)
{
    uInt want = (uInt)(room > UINT32_MAX ? UINT32_MAX : room);
    uInt in_before;
    int rc, zret;

    r->zs.next_out = dst;
    r->zs.avail_out = want;
    while (r->zs.avail_out == want) {
        if (r->member_done) {
            rc = gz_next_member(r);
            if (rc <= 0)
                return rc;
        }
        rc = gz_need_input(r, 1);
        if (rc != SK_OK)
            return rc;
        if (r->zs.avail_in == 0)
            return set_err(r, SK_E_TRUNCATED, "offset %llu: gzip stream truncated",
                           (unsigned long long)(r->offset + (r->end - r->start)));
        in_before = r->zs.avail_in;
        zret = inflate(&r->zs, Z_NO_FLUSH);
        if (zret == Z_STREAM_END)
            r->member_done = true;
        else if (zret == Z_BUF_ERROR && r->zs.avail_in == in_before)
            return gz_failure(r, Z_DATA_ERROR); /* no progress: never loop */
        else if (zret != Z_OK && zret != Z_BUF_ERROR)
            return gz_failure(r, zret);
    }
    return (ssize_t)(want - r->zs.avail_out);
}

static int gz_start(struct sk_reader *r, const uint8_t *in, size_t in_len)
{
    memset(&r->zs, 0, sizeof(r->zs));
    if (inflateInit2(&r->zs, 15 + 16) != Z_OK)
        return SK_E_NOMEM;
    r->zs_ready = true;
    r->gzip = true;
    r->zs.next_in = (Bytef *)(uintptr_t)in;
    r->zs.avail_in = (uInt)in_len;
    return SK_OK;
}

/* ---------------------------------------------------------------- window */

static ssize_t produce(struct sk_reader *r, uint8_t *dst, size_t room)
{
    return r->gzip ? gz_produce(r, dst, room) : raw_read(r, dst, room);
}

/* Frees space at the end of the window: compacts, else grows towards need. */
static int make_room(struct sk_reader *r, size_t need)
{
    size_t have = r->end - r->start;
    size_t new_cap;
    uint8_t *nbuf;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, have);
        r->start = 0;
        r->end = have;
        if (r->end < r->cap)
            return SK_OK;
    }
    new_cap = r->cap * 2;
    if (new_cap > need)
        new_cap = need;
    nbuf = realloc(r->buf, new_cap);
    if (!nbuf)
        return set_err(r, SK_E_NOMEM, "offset %llu: cannot allocate %zu bytes",
                       (unsigned long long)r->offset, new_cap);
    r->buf = nbuf;
    r->win = nbuf;
    r->cap = new_cap;
    return SK_OK;
}

/*
 * Makes need bytes available from win[start]. SK_E_TRUNCATED when the
 * stream ends first (no message: the caller knows what was cut).
 */
static int fill(struct sk_reader *r, size_t need)
{
    ssize_t n;
    int rc;

    while (r->end - r->start < need) {
        if (!r->buf)
            return SK_E_TRUNCATED; /* zero-copy memory: everything is there */
        if (r->end == r->cap) {
            rc = make_room(r, need);
            if (rc != SK_OK)
                return rc;
        }
        n = produce(r, r->buf + r->end, r->cap - r->end);
        if (n < 0)
            return (int)n;
        if (n == 0)
            return r->err != SK_OK ? r->err : SK_E_TRUNCATED;
        r->end += (size_t)n;
    }
    return SK_OK;
}

/* ---------------------------------------------------------------- blocks */

static unsigned long long blk_offset(const struct sk_reader *r)
{
    return (unsigned long long)r->offset;
}

static const char *type_name(uint32_t type)
{
    const char *name = sk_block_name(type);
    return name ? name : "unknown";
}

/* An SHB's byte-order magic decides how to read its length: check it first. */
static int check_shb_magic(struct sk_reader *r)
{
    uint32_t magic;
    int rc = fill(r, 12);

    if (rc == SK_E_TRUNCATED)
        return set_err(r, rc, "offset %llu: file ends inside a section header", blk_offset(r));
    if (rc != SK_OK)
        return rc;
    magic = sk_le32(r->win + r->start + 8);
    if (magic == __builtin_bswap32(SK_BYTE_ORDER_MAGIC))
        return set_err(r, SK_E_BADMAGIC,
                       "offset %llu: byte-swapped (big-endian) section not supported",
                       blk_offset(r));
    if (magic != SK_BYTE_ORDER_MAGIC)
        return set_err(r, SK_E_BADMAGIC, "offset %llu: bad byte-order magic 0x%08x", blk_offset(r),
                       magic);
    return SK_OK;
}

static int check_total_len(struct sk_reader *r, uint32_t type, uint32_t total)
{
    if (total < 12)
        return set_err(r, SK_E_BADLEN, "offset %llu: block %s (0x%x) length %u < 12", blk_offset(r),
                       type_name(type), type, total);
    if (total % 4)
        return set_err(r, SK_E_BADLEN, "offset %llu: block %s (0x%x) length %u not a multiple of 4",
                       blk_offset(r), type_name(type), type, total);
    if (total > SK_MAX_BLOCK_LEN)
        return set_err(r, SK_E_BADLEN, "offset %llu: block %s (0x%x) length %u exceeds %u",
                       blk_offset(r), type_name(type), type, total, SK_MAX_BLOCK_LEN);
    return SK_OK;
}

static int parse_section(struct sk_reader *r, const uint8_t *body, uint32_t body_len)
{
    struct sk_shb shb;
    int rc = sk_parse_shb(body, body_len, &shb);

    if (rc == SK_E_TRUNCATED)
        return set_err(r, SK_E_BADLEN, "offset %llu: section header body %u bytes < 16",
                       blk_offset(r), body_len);
    if (rc != SK_OK)
        return set_err(r, rc, "offset %llu: bad section header", blk_offset(r));
    if (shb.major != 1)
        return set_err(r, SK_E_VERSION, "offset %llu: unsupported scap version %u.%u",
                       blk_offset(r), shb.major, shb.minor);
    r->shb = shb;
    return SK_OK;
}

/* Frames the block at win[start]; 1 = block, 0 = clean end, < 0 = error. */
static int read_block(struct sk_reader *r, struct sk_block *blk)
{
    const uint8_t *p;
    uint32_t type, total;
    size_t have;
    int rc;

    rc = fill(r, 8);
    have = r->end - r->start;
    if (rc == SK_E_TRUNCATED && have == 0 && r->err == SK_OK)
        return 0;
    if (rc == SK_E_TRUNCATED)
        return set_err(r, rc, "offset %llu: file ends inside a block header (%zu of 8 bytes)",
                       blk_offset(r), have);
    if (rc != SK_OK)
        return rc;
    type = sk_le32(r->win + r->start);
    total = sk_le32(r->win + r->start + 4);
    if (type == SK_BT_SHB && (rc = check_shb_magic(r)) != SK_OK)
        return rc;
    if ((rc = check_total_len(r, type, total)) != SK_OK)
        return rc;
    rc = fill(r, total);
    if (rc == SK_E_TRUNCATED)
        return set_err(r, rc, "offset %llu: file ends inside block %s (0x%x): %zu of %u bytes",
                       blk_offset(r), type_name(type), type, r->end - r->start, total);
    if (rc != SK_OK)
        return rc;
    p = r->win + r->start;
    if (sk_le32(p + total - 4) != total)
        return set_err(r, SK_E_BADLEN,
                       "offset %llu: block %s (0x%x) trailer length %u != header length %u",
                       blk_offset(r), type_name(type), type, sk_le32(p + total - 4), total);
    if (type == SK_BT_SHB && (rc = parse_section(r, p + 8, total - 12)) != SK_OK)
        return rc;
    blk->type = type;
    blk->total_len = total;
    blk->body = p + 8;
    blk->body_len = total - 12;
    blk->offset = r->offset;
    r->start += total;
    r->offset += total;
    return 1;
}

int sk_reader_next(struct sk_reader *r, struct sk_block *blk)
{
    if (!r || !blk)
        return SK_E_INVAL;
    if (r->err != SK_OK) {
        errno = r->saved_errno;
        return r->err;
    }
    return read_block(r, blk);
}

/* ---------------------------------------------------------------- open/close */

static struct sk_reader *reader_alloc(int fd)
{
    struct sk_reader *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->fd = fd;
    return r;
}

static int alloc_window(struct sk_reader *r)
{
    r->buf = malloc(WINDOW_INIT_CAP);
    if (!r->buf)
        return set_err(r, SK_E_NOMEM, "cannot allocate the read buffer");
    r->win = r->buf;
    r->cap = WINDOW_INIT_CAP;
    return SK_OK;
}

/* Plain fd: the first bytes stay in the window; gzip: they become compressed input. */
static int setup_fd_source(struct sk_reader *r)
{
    int rc = alloc_window(r);

    if (rc != SK_OK)
        return rc;
    rc = fill(r, 2);
    if (rc != SK_OK && rc != SK_E_TRUNCATED)
        return rc;
    if (!is_gzip_magic(r->buf, r->end))
        return SK_OK;
    r->raw = malloc(RAW_CAP);
    if (!r->raw)
        return set_err(r, SK_E_NOMEM, "cannot allocate the gzip buffer");
    memcpy(r->raw, r->buf, r->end);
    rc = gz_start(r, r->raw, r->end);
    if (rc != SK_OK)
        return set_err(r, rc, "cannot initialize gzip decompression");
    r->end = 0;
    return SK_OK;
}

static int setup_mem_source(struct sk_reader *r, const uint8_t *data, size_t len)
{
    int rc;

    if (!is_gzip_magic(data, len)) {
        r->win = data;
        r->end = len;
        r->src_eof = true;
        return SK_OK;
    }
    rc = alloc_window(r);
    if (rc != SK_OK)
        return rc;
    r->src_eof = true; /* all compressed input handed to zlib at once */
    if (len > UINT32_MAX)
        return set_err(r, SK_E_INVAL, "compressed input too large for one buffer");
    rc = gz_start(r, data, len);
    return rc == SK_OK ? rc : set_err(r, rc, "cannot initialize gzip decompression");
}

/* Reads and checks the first block (an SHB), then rewinds to it. */
static int check_first_block(struct sk_reader *r)
{
    struct sk_block blk;
    int rc = read_block(r, &blk);

    if (rc == 0)
        return set_err(r, SK_E_TRUNCATED, "empty input: no section header");
    if (rc < 0)
        return rc;
    if (blk.type != SK_BT_SHB)
        return set_err(r, SK_E_BADMAGIC,
                       "offset 0: not a scap file (first block type 0x%08x is not a section "
                       "header)",
                       blk.type);
    r->start -= blk.total_len;
    r->offset -= blk.total_len;
    return SK_OK;
}

static int finish_open(struct sk_reader **out, struct sk_reader *r, int rc)
{
    if (rc == SK_OK)
        rc = check_first_block(r);
    if (rc == SK_OK) {
        *out = r;
        return SK_OK;
    }
    snprintf(open_errmsg, sizeof(open_errmsg), "%s", r->err != SK_OK ? r->errmsg : sk_strerror(rc));
    sk_reader_close(r);
    return rc;
}

int sk_reader_open_fd(struct sk_reader **out, int fd)
{
    struct sk_reader *r;

    if (!out || fd < 0) {
        if (fd >= 0)
            close(fd);
        return SK_E_INVAL;
    }
    *out = NULL;
    r = reader_alloc(fd);
    if (!r) {
        close(fd);
        snprintf(open_errmsg, sizeof(open_errmsg), "out of memory");
        return SK_E_NOMEM;
    }
    return finish_open(out, r, setup_fd_source(r));
}

int sk_reader_open_path(struct sk_reader **out, const char *path)
{
    int fd;

    if (!out || !path)
        return SK_E_INVAL;
    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        snprintf(open_errmsg, sizeof(open_errmsg), "%s: %s", path, strerror(saved));
        errno = saved;
        return SK_E_IO;
    }
    return sk_reader_open_fd(out, fd);
}

int sk_reader_open_mem(struct sk_reader **out, const uint8_t *data, size_t len)
{
    struct sk_reader *r;

    if (!out || (!data && len))
        return SK_E_INVAL;
    *out = NULL;
    r = reader_alloc(-1);
    if (!r) {
        snprintf(open_errmsg, sizeof(open_errmsg), "out of memory");
        return SK_E_NOMEM;
    }
    return finish_open(out, r, setup_mem_source(r, data, len));
}

const struct sk_shb *sk_reader_shb(const struct sk_reader *r)
{
    return r ? &r->shb : NULL;
}

/* With r == NULL: why the last sk_reader_open_*() of this thread failed. */
const char *sk_reader_errmsg(const struct sk_reader *r)
{
    if (!r)
        return open_errmsg[0] ? open_errmsg : "no error";
    return r->err != SK_OK ? r->errmsg : "no error";
}

void sk_reader_close(struct sk_reader *r)
{
    if (!r)
        return;
    if (r->zs_ready)
        inflateEnd(&r->zs);
    if (r->fd >= 0)
        close(r->fd);
    free(r->raw);
    free(r->buf);
    free(r);
}
