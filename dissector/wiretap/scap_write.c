/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scap writer for the "scap" wiretap file type ("Save As", tshark -F scap,
 * editcap -F scap). Writes a section header of version 1.2 without
 * options, then, for each record, the raw non-event blocks it carries (see
 * ../scap_record.h) followed by its event block, in the block type it was
 * read from (EV, EVF, EV_V2, ...), nparams and flags included.
 */
#define WS_LOG_DOMAIN "bpfdig-scap"
#include "scap_wtap.h"

#define SHB_MAJOR     1u
#define SHB_MINOR     2u
#define EVENT_HDR_MAX 32u
#define BLOCK_HDR_LEN 8u

static void put_le16(guint8 *p, guint16 v)
{
    p[0] = (guint8)v;
    p[1] = (guint8)(v >> 8);
}

static void put_le64(guint8 *p, guint64 v)
{
    bpfdig_scap_put_le32(p, (guint32)v);
    bpfdig_scap_put_le32(p + 4, (guint32)(v >> 32));
}

static gboolean unwritable(int *err, gchar **err_info, const char *msg)
{
    *err = WTAP_ERR_UNWRITABLE_REC_DATA;
    *err_info = g_strdup(msg);
    return FALSE;
}

static gboolean write_bytes(wtap_dumper *wdh, const void *p, size_t n, int *err)
{
    if (n == 0)
        return TRUE;
    if (!wtap_dump_file_write(wdh, p, n, err))
        return FALSE;
    wdh->bytes_dumped += n;
    return TRUE;
}

/* Section header 1.2, no options, unknown section length. */
static gboolean write_shb(wtap_dumper *wdh, int *err)
{
    guint8 shb[SCAP_SHB_FIXED_LEN];

    bpfdig_scap_put_le32(shb, SK_BT_SHB);
    bpfdig_scap_put_le32(shb + 4, SCAP_SHB_FIXED_LEN);
    bpfdig_scap_put_le32(shb + 8, SK_BYTE_ORDER_MAGIC);
    put_le16(shb + 12, SHB_MAJOR);
    put_le16(shb + 14, SHB_MINOR);
    put_le64(shb + 16, G_MAXUINT64);
    bpfdig_scap_put_le32(shb + 24, SCAP_SHB_FIXED_LEN);
    return write_bytes(wdh, shb, sizeof shb, err);
}

/* The raw blocks of a record; section headers are written as write_shb() does. */
static gboolean write_raw_blocks(wtap_dumper *wdh, const struct bpfdig_scap_trailer *t, int *err,
                                 gchar **err_info)
{
    struct bpfdig_scap_block b;
    size_t pos = 0;
    int r;

    while ((r = bpfdig_scap_next_block(t, &pos, &b)) == 1) {
        gboolean ok;

        if (b.type == SK_BT_SHB)
            ok = write_shb(wdh, err);
        else
            ok = write_bytes(wdh, t->blocks + b.offset, b.total_len, err);
        if (!ok)
            return FALSE;
    }
    if (r < 0)
        return unwritable(err, err_info, "scap: record carries malformed metadata blocks");
    return TRUE;
}

/* Event block header: block header, cpu, [flags], ts, tid, len, type, [nparams]. */
static guint32 fill_event_hdr(guint8 *h, const wtap_rec *rec, guint32 block_type, guint32 flags,
                              guint32 event_len, guint32 total)
{
    const wtap_syscall_header *sh = &rec->rec_header.syscall_header;
    guint64 ts = (guint64)rec->ts.secs * 1000000000u + (guint64)rec->ts.nsecs;
    guint8 *p = h + BLOCK_HDR_LEN;

    bpfdig_scap_put_le32(h, block_type);
    bpfdig_scap_put_le32(h + 4, total);
    put_le16(p, sh->cpu_id);
    p += 2;
    if (scap_event_has_flags(block_type)) {
        bpfdig_scap_put_le32(p, flags);
        p += 4;
    }
    put_le64(p, ts);
    put_le64(p + 8, sh->thread_id);
    bpfdig_scap_put_le32(p + 16, event_len);
    put_le16(p + 20, sh->event_type);
    p += 22;
    if (scap_event_has_nparams(block_type)) {
        bpfdig_scap_put_le32(p, sh->nparams);
        p += 4;
    }
    return (guint32)(p - h);
}

static gboolean write_event(wtap_dumper *wdh, const wtap_rec *rec, guint32 block_type,
                            guint32 flags, guint32 event_len, const guint8 *data, guint32 data_len,
                            int *err, gchar **err_info)
{
    static const guint8 zeros[4];
    guint8 head[BLOCK_HDR_LEN + EVENT_HDR_MAX];
    guint32 pad = (4u - data_len % 4u) % 4u;
    guint32 head_len, total;

    if (!scap_block_is_event(block_type))
        return unwritable(err, err_info, "scap: the event's block type cannot be written");
    if (data_len > BPFDIG_SCAP_MAX_EVENT_BLOCK) {
        *err = WTAP_ERR_PACKET_TOO_LARGE;
        return FALSE;
    }
    total = BPFDIG_SCAP_BLOCK_OVERHEAD + scap_event_header_len(block_type) + data_len + pad;
    if (total > BPFDIG_SCAP_MAX_EVENT_BLOCK) {
        *err = WTAP_ERR_PACKET_TOO_LARGE;
        return FALSE;
    }
    head_len = fill_event_hdr(head, rec, block_type, flags, event_len, total);
    if (!write_bytes(wdh, head, head_len, err) || !write_bytes(wdh, data, data_len, err) ||
        !write_bytes(wdh, zeros, pad, err))
        return FALSE;
    total = GUINT32_TO_LE(total);
    return write_bytes(wdh, &total, sizeof total, err);
}

static gboolean dump_syscall(wtap_dumper *wdh, const wtap_rec *rec, const guint8 *pd, int *err,
                             gchar **err_info)
{
    const wtap_syscall_header *sh = &rec->rec_header.syscall_header;
    guint32 caplen = BPFDIG_SYSCALL_DATA_LEN(*sh);
    struct bpfdig_scap_trailer t;

    if (sh->byte_order != G_LITTLE_ENDIAN)
        return unwritable(err, err_info, "scap: big-endian events cannot be written");
    if (!bpfdig_scap_syscall_trailer(pd, caplen, sh->event_len, &t))
        return write_event(wdh, rec, sh->record_type, 0, sh->event_len, pd, caplen, err, err_info);
    if (!write_raw_blocks(wdh, &t, err, err_info))
        return FALSE;
    return write_event(wdh, rec, t.block_type, t.flags, t.event_len, pd, t.event_data_len, err,
                       err_info);
}

static gboolean dump_state(wtap_dumper *wdh, const wtap_rec *rec, const guint8 *pd, int *err,
                           gchar **err_info)
{
    const wtap_ft_specific_header *fh = &rec->rec_header.ft_specific_header;
    struct bpfdig_scap_trailer t;

    if (fh->record_type != BPFDIG_SCAP_FTS_STATE ||
        !bpfdig_scap_parse_trailer(pd, fh->record_len, &t) || t.event_data_len != 0) {
        *err = WTAP_ERR_UNWRITABLE_REC_TYPE;
        return FALSE;
    }
    return write_raw_blocks(wdh, &t, err, err_info);
}

static gboolean dump_record(wtap_dumper *wdh, const wtap_rec *rec, const guint8 *pd, int *err,
                            gchar **err_info)
{
    switch (rec->rec_type) {
    case REC_TYPE_SYSCALL:
        return dump_syscall(wdh, rec, pd, err, err_info);
    case REC_TYPE_FT_SPECIFIC_EVENT:
        return dump_state(wdh, rec, pd, err, err_info);
    default:
        *err = WTAP_ERR_UNWRITABLE_REC_TYPE;
        return FALSE;
    }
}

#if BPFDIG_WS_AT_LEAST(4, 6)
static bool scap_dump(wtap_dumper *wdh, const wtap_rec *rec, int *err, char **err_info)
{
    return dump_record(wdh, rec, ws_buffer_start_ptr(&rec->data), err, err_info);
}
#else
static bpfdig_wsbool scap_dump(wtap_dumper *wdh, const wtap_rec *rec, const guint8 *pd, int *err,
                               gchar **err_info)
{
    return dump_record(wdh, rec, pd, err, err_info);
}
#endif

/* Records carry no link-layer encapsulation; anything with one is not ours. */
int scap_dump_can_write_encap(int encap)
{
    if (encap == WTAP_ENCAP_PER_PACKET || encap == WTAP_ENCAP_UNKNOWN)
        return 0;
    return WTAP_ERR_UNWRITABLE_ENCAP;
}

bpfdig_wsbool scap_dump_open(wtap_dumper *wdh, int *err, gchar **err_info _U_)
{
    wdh->subtype_write = scap_dump;
    wdh->subtype_finish = NULL;
    return write_shb(wdh, err);
}
