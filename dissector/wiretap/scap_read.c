/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scap reader for the "scap" wiretap file type: identification (open),
 * sequential and random-access reading. ../scap_record.h describes the
 * records it delivers: events as REC_TYPE_SYSCALL, with the non-event
 * blocks before them appended ("coalesced"), and leftover non-event blocks
 * as REC_TYPE_FT_SPECIFIC_EVENT.
 *
 * A record starts at the first block that is not yet part of an earlier
 * record; reading it again from that offset (seek_read) gives the same
 * record.
 */
#define WS_LOG_DOMAIN "bpfdig-scap"
#include "scap_wtap.h"

#include <stdarg.h>

/* Largest piece read at once into a growing buffer: a corrupt length then
 * fails with a short read before much memory is allocated. */
#define READ_CHUNK (1024u * 1024u)

#define BLOCK_HDR_LEN 8u
#define SHB_BODY_LEN  16u
/* Longest event header: cpu 2 + flags 4 + ts 8 + tid 8 + len 4 + type 2 + nparams 4. */
#define EVENT_HDR_MAX 32u
#define NS_PER_SEC    1000000000u

/* Time stamp of a state-only record, kept for seek_read. */
typedef struct {
    gint64 offset;
    nstime_t ts;
    gboolean has_ts;
} scap_state_mark;

typedef struct {
    Buffer scratch;      /* non-event blocks of the record being read */
    guint section;       /* section of the last record read sequentially */
    GArray *shb_offsets; /* gint64: offset of a record, once per SHB it holds */
    GArray *state_marks; /* scap_state_mark, in file order */
    nstime_t last_ts;    /* time stamp of the last event read sequentially */
    gboolean have_ts;
} scap_t;

/* Fields of an event block header. */
typedef struct {
    guint32 block_type;
    guint32 total_len;
    guint32 data_len; /* bytes after the header, padding included */
    guint16 cpu_id;
    guint32 flags;
    guint64 ts;
    guint64 thread_id;
    guint32 event_len;
    guint16 event_type;
    guint32 nparams;
} scap_event_hdr;

static gboolean G_GNUC_PRINTF(3, 4) bad_file(int *err, gchar **err_info, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    *err = WTAP_ERR_BAD_FILE;
    *err_info = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return FALSE;
}

/* ------------------------------------------------------------------ blocks */

/* Append n bytes from fh to b, in pieces. */
static gboolean read_append(FILE_T fh, Buffer *b, guint32 n, int *err, gchar **err_info)
{
    while (n > 0) {
        guint32 piece = MIN(n, READ_CHUNK);

        ws_buffer_assure_space(b, piece);
        if (!wtap_read_bytes(fh, ws_buffer_end_ptr(b), piece, err, err_info))
            return FALSE;
        ws_buffer_increase_length(b, piece);
        n -= piece;
    }
    return TRUE;
}

static gboolean check_block_len(guint32 type, guint32 total, guint32 max, int *err,
                                gchar **err_info)
{
    if (total < BPFDIG_SCAP_BLOCK_OVERHEAD)
        return bad_file(err, err_info, "scap: block 0x%08x: length %u is too small (< %u)", type,
                        total, BPFDIG_SCAP_BLOCK_OVERHEAD);
    if (total % 4 != 0)
        return bad_file(err, err_info, "scap: block 0x%08x: length %u is not a multiple of 4", type,
                        total);
    if (total > max)
        return bad_file(err, err_info, "scap: block 0x%08x: length %u is too large (> %u)", type,
                        total, max);
    return TRUE;
}

static gboolean check_trailer(guint32 type, guint32 total, guint32 trailer, int *err,
                              gchar **err_info)
{
    if (trailer != total)
        return bad_file(err, err_info,
                        "scap: block 0x%08x: trailing length %u differs from the length %u", type,
                        trailer, total);
    return TRUE;
}

/* A section header inside the file (not the first one): same rules as at open. */
static gboolean check_shb(const guint8 *block, guint32 total, int *err, gchar **err_info)
{
    guint32 magic;
    guint16 major, minor;

    if (total < SCAP_SHB_FIXED_LEN)
        return bad_file(err, err_info, "scap: section header length %u is too small (< %u)", total,
                        SCAP_SHB_FIXED_LEN);
    magic = bpfdig_pletoh32(block + BLOCK_HDR_LEN);
    major = bpfdig_pletoh16(block + BLOCK_HDR_LEN + 4);
    minor = bpfdig_pletoh16(block + BLOCK_HDR_LEN + 6);
    if (magic != SK_BYTE_ORDER_MAGIC)
        return bad_file(err, err_info,
                        "scap: section header byte-order magic 0x%08x is not supported", magic);
    if (major != 1)
        return bad_file(err, err_info, "scap: section header version %u.%u is not supported", major,
                        minor);
    return TRUE;
}

/* Read one non-event block (its 8 header bytes already read) onto scratch. */
static gboolean read_state_block(FILE_T fh, guint8 *hdr, Buffer *scratch, int *err,
                                 gchar **err_info)
{
    guint32 type = bpfdig_pletoh32(hdr);
    guint32 total = bpfdig_pletoh32(hdr + 4);
    gsize start = ws_buffer_length(scratch);
    const guint8 *block;

    if (!check_block_len(type, total, BPFDIG_SCAP_MAX_STATE_BLOCK, err, err_info))
        return FALSE;
    if (start + total > BPFDIG_SCAP_MAX_RECORD - BPFDIG_SCAP_MAX_EVENT_BLOCK)
        return bad_file(err, err_info,
                        "scap: more than %u bytes of metadata blocks before the next event",
                        BPFDIG_SCAP_MAX_RECORD - BPFDIG_SCAP_MAX_EVENT_BLOCK);
    ws_buffer_append(scratch, hdr, BLOCK_HDR_LEN);
    if (!read_append(fh, scratch, total - BLOCK_HDR_LEN, err, err_info))
        return FALSE;
    block = ws_buffer_start_ptr(scratch) + start;
    if (!check_trailer(type, total, bpfdig_pletoh32(block + total - 4), err, err_info))
        return FALSE;
    if (type == SK_BT_SHB)
        return check_shb(block, total, err, err_info);
    return TRUE;
}

/* ------------------------------------------------------------------ events */

static gboolean read_event_hdr(FILE_T fh, const guint8 *hdr, scap_event_hdr *eh, int *err,
                               gchar **err_info)
{
    guint8 raw[EVENT_HDR_MAX];
    guint32 type = bpfdig_pletoh32(hdr);
    guint32 total = bpfdig_pletoh32(hdr + 4);
    guint32 hlen = scap_event_header_len(type);
    guint32 min_total = BPFDIG_SCAP_BLOCK_OVERHEAD + hlen;
    const guint8 *p = raw;

    if (total < min_total)
        return bad_file(err, err_info, "scap: event block 0x%08x: length %u is too small (< %u)",
                        type, total, min_total);
    if (!check_block_len(type, total, BPFDIG_SCAP_MAX_EVENT_BLOCK, err, err_info))
        return FALSE;
    if (!wtap_read_bytes(fh, raw, hlen, err, err_info))
        return FALSE;

    eh->block_type = type;
    eh->total_len = total;
    eh->data_len = total - min_total;
    eh->cpu_id = bpfdig_pletoh16(p);
    p += 2;
    eh->flags = 0;
    if (scap_event_has_flags(type)) {
        eh->flags = bpfdig_pletoh32(p);
        p += 4;
    }
    eh->ts = bpfdig_pletoh64(p);
    eh->thread_id = bpfdig_pletoh64(p + 8);
    eh->event_len = bpfdig_pletoh32(p + 16);
    eh->event_type = bpfdig_pletoh16(p + 20);
    p += 22;
    eh->nparams = scap_event_has_nparams(type) ? bpfdig_pletoh32(p) : 0;
    return TRUE;
}

/* Does this event need the trailer (see scap_record.h)? */
static gboolean event_needs_trailer(const scap_event_hdr *eh, gsize blocks_len)
{
    return blocks_len > 0 || bpfdig_scap_ev_type(eh->block_type) != eh->block_type ||
           eh->event_len <= eh->data_len;
}

static void put_trailer(guint8 *p, const scap_event_hdr *eh, guint32 blocks_len)
{
    bpfdig_scap_put_le32(p, eh ? eh->event_len : 0);
    bpfdig_scap_put_le32(p + 4, eh ? eh->block_type : 0);
    bpfdig_scap_put_le32(p + 8, eh ? eh->flags : 0);
    bpfdig_scap_put_le32(p + 12, blocks_len);
    memcpy(p + 16, BPFDIG_SCAP_TRAILER_MAGIC, 4);
}

static void set_syscall_rec(wtap_rec *rec, const scap_event_hdr *eh, guint32 rec_len,
                            gboolean trailer)
{
    wtap_syscall_header *sh = &rec->rec_header.syscall_header;

#if BPFDIG_WS_AT_LEAST(4, 6)
    wtap_setup_syscall_rec(rec);
#else
    rec->rec_type = REC_TYPE_SYSCALL;
#endif
    rec->presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN | WTAP_HAS_SECTION_NUMBER;
    rec->tsprec = WTAP_TSPREC_NSEC;
    rec->ts.secs = (time_t)(eh->ts / NS_PER_SEC);
    rec->ts.nsecs = (int)(eh->ts % NS_PER_SEC);

    sh->record_type = bpfdig_scap_ev_type(eh->block_type);
    sh->byte_order = G_LITTLE_ENDIAN;
    sh->timestamp = eh->ts;
    sh->thread_id = eh->thread_id;
    sh->event_len = trailer ? rec_len : eh->event_len;
    BPFDIG_SYSCALL_DATA_LEN(*sh) = rec_len;
    sh->event_type = eh->event_type;
    sh->nparams = eh->nparams;
    sh->cpu_id = eh->cpu_id;
}

/*
 * Read an event block (its 8 header bytes already read) into buf, with the
 * gathered non-event blocks and the trailer after it when needed.
 */
static gboolean read_event(FILE_T fh, const guint8 *hdr, Buffer *scratch, wtap_rec *rec,
                           Buffer *buf, int *err, gchar **err_info)
{
    scap_event_hdr eh = {0};
    guint32 blocks_len = (guint32)ws_buffer_length(scratch);
    guint32 trailer_len, rec_len, block_trailer;
    gboolean trailer;
    guint8 *p;

    if (!read_event_hdr(fh, hdr, &eh, err, err_info))
        return FALSE;
    trailer = event_needs_trailer(&eh, blocks_len);
    trailer_len = trailer ? blocks_len + BPFDIG_SCAP_TRAILER_LEN : 0;
    rec_len = eh.data_len + trailer_len;

    ws_buffer_clean(buf);
    ws_buffer_assure_space(buf, rec_len);
    p = ws_buffer_start_ptr(buf);
    if (!wtap_read_bytes(fh, p, eh.data_len, err, err_info))
        return FALSE;
    if (!wtap_read_bytes(fh, &block_trailer, sizeof block_trailer, err, err_info))
        return FALSE;
    if (!check_trailer(eh.block_type, eh.total_len, GUINT32_FROM_LE(block_trailer), err, err_info))
        return FALSE;
    if (trailer) {
        if (blocks_len > 0)
            memcpy(p + eh.data_len, ws_buffer_start_ptr(scratch), blocks_len);
        put_trailer(p + eh.data_len + blocks_len, &eh, blocks_len);
    }
    ws_buffer_increase_length(buf, rec_len);
    set_syscall_rec(rec, &eh, rec_len, trailer);
    return TRUE;
}

/* Deliver the gathered non-event blocks as a state-only record. */
static void deliver_state(Buffer *scratch, wtap_rec *rec, Buffer *buf)
{
    guint32 blocks_len = (guint32)ws_buffer_length(scratch);
    guint32 rec_len = blocks_len + BPFDIG_SCAP_TRAILER_LEN;
    guint8 *p;

    ws_buffer_clean(buf);
    ws_buffer_assure_space(buf, rec_len);
    p = ws_buffer_start_ptr(buf);
    memcpy(p, ws_buffer_start_ptr(scratch), blocks_len);
    put_trailer(p + blocks_len, NULL, blocks_len);
    ws_buffer_increase_length(buf, rec_len);

#if BPFDIG_WS_AT_LEAST(4, 6)
    wtap_setup_ft_specific_event_rec(rec, scap_file_type_subtype, BPFDIG_SCAP_FTS_STATE);
#else
    rec->rec_type = REC_TYPE_FT_SPECIFIC_EVENT;
    rec->rec_header.ft_specific_header.record_type = BPFDIG_SCAP_FTS_STATE;
#endif
    rec->presence_flags = WTAP_HAS_CAP_LEN | WTAP_HAS_SECTION_NUMBER;
    rec->tsprec = WTAP_TSPREC_NSEC;
    rec->ts.secs = 0;
    rec->ts.nsecs = 0;
    rec->rec_header.ft_specific_header.record_len = rec_len;
}

/*
 * Read one record from fh's current position. *shbs counts the section
 * headers among its blocks. FALSE with *err == 0 is a clean end of file.
 */
static gboolean read_record(FILE_T fh, scap_t *scap, wtap_rec *rec, Buffer *buf, guint *shbs,
                            int *err, gchar **err_info)
{
    guint8 hdr[BLOCK_HDR_LEN];

    ws_buffer_clean(&scap->scratch);
    *shbs = 0;
    for (;;) {
        guint32 type;

        if (!wtap_read_bytes_or_eof(fh, hdr, sizeof hdr, err, err_info)) {
            if (*err != 0 || ws_buffer_length(&scap->scratch) == 0)
                return FALSE;
            deliver_state(&scap->scratch, rec, buf);
            return TRUE;
        }
        type = bpfdig_pletoh32(hdr);
        if (scap_block_is_event(type))
            return read_event(fh, hdr, &scap->scratch, rec, buf, err, err_info);
        if (!read_state_block(fh, hdr, &scap->scratch, err, err_info))
            return FALSE;
        if (type == SK_BT_SHB)
            (*shbs)++;
    }
}

/* ------------------------------------------------------------ bookkeeping */

/* A later SHB starts a new section: give wiretap a section block for it. */
static void note_sections(wtap *wth, scap_t *scap, gint64 offset, guint shbs)
{
    for (guint i = 0; i < shbs; i++) {
        wtap_block_t shb = wtap_block_create(WTAP_BLOCK_SECTION);
        wtapng_section_mandatory_t *mand = wtap_block_get_mandatory_data(shb);

        mand->section_length = -1;
        g_array_append_val(wth->shb_hdrs, shb);
        g_array_append_val(scap->shb_offsets, offset);
    }
    scap->section += shbs;
}

static guint sections_before(const scap_t *scap, gint64 offset)
{
    guint n = 0;

    while (n < scap->shb_offsets->len && g_array_index(scap->shb_offsets, gint64, n) < offset)
        n++;
    return n;
}

static void apply_state_ts(wtap_rec *rec, const scap_state_mark *mark)
{
    if (mark == NULL || !mark->has_ts)
        return;
    rec->ts = mark->ts;
    rec->presence_flags |= WTAP_HAS_TS;
}

static const scap_state_mark *find_state_mark(const scap_t *scap, gint64 offset)
{
    for (guint i = 0; i < scap->state_marks->len; i++) {
        const scap_state_mark *m = &g_array_index(scap->state_marks, scap_state_mark, i);

        if (m->offset == offset)
            return m;
    }
    return NULL;
}

/* ------------------------------------------------------ wiretap callbacks */

static gboolean read_sequential(wtap *wth, wtap_rec *rec, Buffer *buf, int *err, gchar **err_info,
                                gint64 *data_offset)
{
    scap_t *scap = (scap_t *)wth->priv;
    guint shbs;

    *data_offset = file_tell(wth->fh);
    if (!read_record(wth->fh, scap, rec, buf, &shbs, err, err_info))
        return FALSE;
    note_sections(wth, scap, *data_offset, shbs);
    rec->section_number = scap->section;
    if (rec->rec_type == REC_TYPE_SYSCALL) {
        scap->last_ts = rec->ts;
        scap->have_ts = TRUE;
    } else {
        scap_state_mark mark = {*data_offset, scap->last_ts, scap->have_ts};

        g_array_append_val(scap->state_marks, mark);
        apply_state_ts(rec, &mark);
    }
    return TRUE;
}

static gboolean read_random(wtap *wth, gint64 seek_off, wtap_rec *rec, Buffer *buf, int *err,
                            gchar **err_info)
{
    scap_t *scap = (scap_t *)wth->priv;
    guint shbs;

    if (file_seek(wth->random_fh, seek_off, SEEK_SET, err) == -1)
        return FALSE;
    if (!read_record(wth->random_fh, scap, rec, buf, &shbs, err, err_info)) {
        if (*err == 0)
            *err = WTAP_ERR_SHORT_READ;
        return FALSE;
    }
    rec->section_number = sections_before(scap, seek_off) + shbs;
    if (rec->rec_type != REC_TYPE_SYSCALL)
        apply_state_ts(rec, find_state_mark(scap, seek_off));
    return TRUE;
}

#if BPFDIG_WS_AT_LEAST(4, 6)
/*
 * 4.6: event records carry the capture's path name, as 4.6's pcapng reader
 * sets it. The falco bridge (falco-events.so) opens the file by that name
 * and aborts on a NULL one.
 */
static void set_pathname(wtap *wth, wtap_rec *rec)
{
    if (rec->rec_type == REC_TYPE_SYSCALL)
        rec->rec_header.syscall_header.pathname = wth->pathname;
}

static bool scap_read(wtap *wth, wtap_rec *rec, int *err, char **err_info, int64_t *data_offset)
{
    if (!read_sequential(wth, rec, &rec->data, err, err_info, data_offset))
        return false;
    set_pathname(wth, rec);
    return true;
}

static bool scap_seek_read(wtap *wth, int64_t seek_off, wtap_rec *rec, int *err, char **err_info)
{
    if (!read_random(wth, seek_off, rec, &rec->data, err, err_info))
        return false;
    set_pathname(wth, rec);
    return true;
}
#else
static bpfdig_wsbool scap_read(wtap *wth, wtap_rec *rec, Buffer *buf, int *err, gchar **err_info,
                               gint64 *data_offset)
{
    return read_sequential(wth, rec, buf, err, err_info, data_offset);
}

static bpfdig_wsbool scap_seek_read(wtap *wth, gint64 seek_off, wtap_rec *rec, Buffer *buf,
                                    int *err, gchar **err_info)
{
    return read_random(wth, seek_off, rec, buf, err, err_info);
}
#endif

static void scap_close(wtap *wth)
{
    scap_t *scap = (scap_t *)wth->priv;

    if (scap == NULL)
        return;
    ws_buffer_free(&scap->scratch);
    g_array_free(scap->shb_offsets, TRUE);
    g_array_free(scap->state_marks, TRUE);
}

/* ------------------------------------------------------------------- open */

/* Not ours, unless the read failed for a reason other than a short file. */
static wtap_open_return_val not_mine(int *err, gchar **err_info)
{
    if (*err != 0 && *err != WTAP_ERR_SHORT_READ)
        return WTAP_OPEN_ERROR;
    *err = 0;
    g_free(*err_info);
    *err_info = NULL;
    return WTAP_OPEN_NOT_MINE;
}

/*
 * Read the first section header. WTAP_OPEN_MINE here only means "a
 * little-endian section header of version 1.x"; *minor tells which.
 */
static wtap_open_return_val read_first_shb(FILE_T fh, guint32 *shb_len, guint16 *minor, int *err,
                                           gchar **err_info)
{
    guint8 raw[BLOCK_HDR_LEN + SHB_BODY_LEN];
    guint32 total, trailer;

    if (!wtap_read_bytes(fh, raw, sizeof raw, err, err_info))
        return not_mine(err, err_info);
    total = bpfdig_pletoh32(raw + 4);
    if (bpfdig_pletoh32(raw) != SK_BT_SHB || bpfdig_pletoh32(raw + 8) != SK_BYTE_ORDER_MAGIC ||
        bpfdig_pletoh16(raw + 12) != 1)
        return WTAP_OPEN_NOT_MINE;
    if (total < SCAP_SHB_FIXED_LEN || total % 4 != 0 || total > SCAP_SHB_MAX_LEN)
        return WTAP_OPEN_NOT_MINE;
    /* Skip the options; the trailer must repeat the length. */
    if (!wtap_read_bytes(fh, NULL, total - SCAP_SHB_FIXED_LEN, err, err_info) ||
        !wtap_read_bytes(fh, &trailer, sizeof trailer, err, err_info))
        return not_mine(err, err_info);
    if (GUINT32_FROM_LE(trailer) != total)
        return WTAP_OPEN_NOT_MINE;
    *shb_len = total;
    *minor = bpfdig_pletoh16(raw + 14);
    return WTAP_OPEN_MINE;
}

/* SHB 1.0 is shared with ordinary pcapng: claim it only if a scap block follows. */
static wtap_open_return_val check_next_block(FILE_T fh, guint32 shb_len, int *err, gchar **err_info)
{
    guint8 hdr[BLOCK_HDR_LEN];

    if (!wtap_read_bytes_or_eof(fh, hdr, sizeof hdr, err, err_info))
        return not_mine(err, err_info);
    if (!scap_block_is_known(bpfdig_pletoh32(hdr)))
        return WTAP_OPEN_NOT_MINE;
    if (file_seek(fh, shb_len, SEEK_SET, err) == -1)
        return WTAP_OPEN_ERROR;
    return WTAP_OPEN_MINE;
}

static void setup_reader(wtap *wth)
{
    scap_t *scap = g_new0(scap_t, 1);

    ws_buffer_init(&scap->scratch, 0);
    scap->shb_offsets = g_array_new(FALSE, FALSE, sizeof(gint64));
    scap->state_marks = g_array_new(FALSE, FALSE, sizeof(scap_state_mark));

    wth->priv = scap;
    wth->file_type_subtype = scap_file_type_subtype;
    wth->file_encap = WTAP_ENCAP_UNKNOWN;
    wth->file_tsprec = WTAP_TSPREC_NSEC;
    wth->snapshot_length = 0;
    wth->subtype_read = scap_read;
    wth->subtype_seek_read = scap_seek_read;
    wth->subtype_close = scap_close;
}

wtap_open_return_val scap_open(wtap *wth, int *err, gchar **err_info)
{
    guint32 shb_len = 0;
    guint16 minor = 0;
    wtap_open_return_val ret;

    ret = read_first_shb(wth->fh, &shb_len, &minor, err, err_info);
    if (ret != WTAP_OPEN_MINE)
        return ret;
    if (minor == 0)
        ret = check_next_block(wth->fh, shb_len, err, err_info);
    else if (minor != 1 && minor != 2)
        ret = WTAP_OPEN_NOT_MINE;
    if (ret != WTAP_OPEN_MINE)
        return ret;
    ws_debug("scap: SHB 1.%u, claimed", minor);
    setup_reader(wth);
    return WTAP_OPEN_MINE;
}
