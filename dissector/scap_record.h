/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scap_record.h - the record contract between bpfdig's two Wireshark plugins.
 *
 * The wiretap plugin (bpfdig_scap, file type "scap") reads .scap files; the
 * epan plugin dissects what it delivers. The two are loaded with
 * G_MODULE_BIND_LOCAL and never see each other's symbols, so everything they
 * share lives in this header: constants and bounds-checked static inline
 * helpers, no Wireshark types. Plain C11, little-endian wire format.
 *
 * WHAT THE READER DELIVERS
 *
 * 1. Event blocks (EV 0x204, EVF 0x208, EV_V2 0x216, EVF_V2 0x217,
 *    EV_V2_LARGE 0x221, EVF_V2_LARGE 0x222) become REC_TYPE_SYSCALL records.
 *    syscall_header is filled as Wireshark 4.0's pcapng reader fills it, so
 *    the built-in "sysdig" dissector sees what it always saw. The EVF types
 *    are unknown to that dissector and are reported as their EV equivalent
 *    (0x208 -> 0x204, 0x217 -> 0x216, 0x222 -> 0x221), and so is the legacy
 *    EV_INT id 0x8010ABCD (-> 0x204); nparams is kept.
 *
 * 2. Everything else that is not an event (MI, PL, FDL, IL, UL of any
 *    version, the legacy _INT ids, unknown blocks, and a later SHB, which
 *    starts a new section) is NOT delivered as a record of its own. The run of
 *    such blocks is appended, raw, to the next event record ("coalesced").
 *    Reason: during a live capture dumpcap counts only event blocks as
 *    packets and tshark reads exactly that many records per update, so
 *    separate state records would hide the last events (see
 *    wireshark-plugin-notes.md, section 1.5).
 *
 *    A record that carries a trailer has this data layout:
 *
 *      +--------------------------------------------------------------+
 *      | event data: exactly what pcapng would deliver: the parameter |
 *      | length array, the parameters and the block padding           |
 *      | (BPFDIG_SCAP_TRAILER_LEN + blocks_len bytes short of the end) |
 *      +--------------------------------------------------------------+
 *      | zero or more complete raw blocks, in file order: u32 type,   |
 *      | u32 total_len, body, padding, u32 total_len (blocks_len)     |
 *      +--------------------------------------------------------------+
 *      | trailer, 5 x u32 little-endian (BPFDIG_SCAP_TRAILER_LEN):    |
 *      |   event_len   the event header's len field, unmodified       |
 *      |   block_type  the event block type as found in the file      |
 *      |   flags       the EVF flags word (0 for EV blocks)           |
 *      |   blocks_len  total bytes of the raw blocks above            |
 *      |   magic       the 4 bytes "BDST"                             |
 *      +--------------------------------------------------------------+
 *
 *    A trailer is present when state blocks precede the event, when the
 *    reported type differs from the block type (EVF, EV_INT: the trailer
 *    keeps the real type and the flags), and when the event
 *    header's len is not larger than the event data (a malformed event;
 *    this keeps the rule below unambiguous). Plain events carry no trailer
 *    and are byte-for-byte what pcapng delivers.
 *
 *    When a trailer is present, syscall_header.event_len (the frame length)
 *    is set to the length of the whole record, so that the frame length is
 *    not less than the captured length. Hence the rule for the epan side:
 *
 *      a REC_TYPE_SYSCALL record has a trailer if and only if
 *      syscall_header.event_len == captured length and the trailer parses;
 *      the real event length is then trailer.event_len.
 *
 *    (For a plain event the captured length is event_len minus the 22 or
 *    26 byte header plus at most 3 bytes of padding: always less.)
 *    The built-in sysdig dissector only looks at the start of the data, so
 *    it dissects the event as before; only its "Event length" item shows
 *    the record length on the frames that carry a trailer.
 *
 * 3. Non-event blocks with no event after them (the end of a file, or a
 *    file without events) are delivered as a REC_TYPE_FT_SPECIFIC_EVENT
 *    record with ft_specific_header.record_type == BPFDIG_SCAP_FTS_STATE and
 *    the same layout with an empty event part (trailer event_len, block_type
 *    and flags are 0). The frame dissector hands such records to the
 *    "wtap_fts_rec" dissector table, keyed by the file type id of "scap":
 *      dissector_add_uint("wtap_fts_rec",
 *                         wtap_name_to_file_type_subtype(BPFDIG_SCAP_FILE_TYPE_NAME),
 *                         handle);
 *    Their time stamp is that of the last event read before them; they have
 *    none in a file without events.
 *
 * The writer of the "scap" file type accepts these records back and writes
 * the raw blocks out again (SHB normalised to version 1.2), so a round trip
 * through Wireshark keeps the state blocks.
 */
#ifndef BPFDIG_SCAP_RECORD_H
#define BPFDIG_SCAP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Name of the wiretap file type (wtap_name_to_file_type_subtype()). */
#define BPFDIG_SCAP_FILE_TYPE_NAME "scap"
/*
 * Name used instead when "scap" is taken: Stratoshark's libwiretap (4.6)
 * registers its own "scap" type (the pcapng reader under that name).
 */
#define BPFDIG_SCAP_FILE_TYPE_ALT_NAME "bpfdig_scap"
/* Description of the file type, which tells bpfdig's type from another "scap". */
#define BPFDIG_SCAP_FILE_TYPE_DESCRIPTION "Sysdig/Falco scap (bpfdig)"

/* ft_specific_header.record_type of a state-only record ("BDST" read as LE u32). */
#define BPFDIG_SCAP_FTS_STATE 0x54534442u

/* Trailer: 5 little-endian u32 words, the last one being the magic. */
#define BPFDIG_SCAP_TRAILER_LEN   20u
#define BPFDIG_SCAP_TRAILER_MAGIC "BDST"

/* Generic block framing: u32 type + u32 total_len ... u32 total_len. */
#define BPFDIG_SCAP_BLOCK_OVERHEAD 12u

/* Largest event block the reader accepts (dumpcap's limit for data blocks). */
#define BPFDIG_SCAP_MAX_EVENT_BLOCK 262144u
/* Largest non-event block the reader accepts (process lists can be big). */
#define BPFDIG_SCAP_MAX_STATE_BLOCK (128u * 1024u * 1024u)
/* Largest record (event plus coalesced state) the reader builds. */
#define BPFDIG_SCAP_MAX_RECORD (512u * 1024u * 1024u)

/* A parsed trailer. Pointers point into the record passed to the parser. */
struct bpfdig_scap_trailer {
    uint32_t event_len;      /* event header len field; 0 in a state-only record */
    uint32_t block_type;     /* event block type in the file; 0 in a state-only record */
    uint32_t flags;          /* EVF flags, 0 otherwise */
    uint32_t blocks_len;     /* bytes of raw blocks */
    uint32_t event_data_len; /* bytes of event data at the start of the record */
    const uint8_t *blocks;   /* first raw block (blocks_len bytes) */
};

/* One raw block found by bpfdig_scap_next_block(). */
struct bpfdig_scap_block {
    uint32_t type;
    uint32_t total_len;  /* whole block, header and trailer included */
    const uint8_t *body; /* total_len - BPFDIG_SCAP_BLOCK_OVERHEAD bytes (padding included) */
    uint32_t body_len;
    size_t offset; /* offset of the block within the raw-block area */
};

static inline uint32_t bpfdig_scap_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void bpfdig_scap_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/*
 * Parse the trailer at the end of a record of rec_len bytes. Returns false
 * if there is no well-formed trailer (too short, wrong magic, blocks_len
 * larger than the record). Does not look at the blocks themselves.
 */
static inline bool bpfdig_scap_parse_trailer(const uint8_t *rec, size_t rec_len,
                                             struct bpfdig_scap_trailer *t)
{
    const uint8_t *tr;
    size_t room;

    if (rec == NULL || rec_len < BPFDIG_SCAP_TRAILER_LEN || rec_len > UINT32_MAX)
        return false;
    tr = rec + rec_len - BPFDIG_SCAP_TRAILER_LEN;
    if (memcmp(tr + 16, BPFDIG_SCAP_TRAILER_MAGIC, 4) != 0)
        return false;
    room = rec_len - BPFDIG_SCAP_TRAILER_LEN;
    t->event_len = bpfdig_scap_le32(tr);
    t->block_type = bpfdig_scap_le32(tr + 4);
    t->flags = bpfdig_scap_le32(tr + 8);
    t->blocks_len = bpfdig_scap_le32(tr + 12);
    if (t->blocks_len > room)
        return false;
    t->event_data_len = (uint32_t)(room - t->blocks_len);
    t->blocks = rec + t->event_data_len;
    return true;
}

/*
 * Does a REC_TYPE_SYSCALL record carry a trailer? event_len is
 * syscall_header.event_len, rec/rec_len the captured data.
 */
static inline bool bpfdig_scap_syscall_trailer(const uint8_t *rec, size_t rec_len,
                                               uint32_t event_len, struct bpfdig_scap_trailer *t)
{
    if ((size_t)event_len != rec_len)
        return false;
    return bpfdig_scap_parse_trailer(rec, rec_len, t);
}

/*
 * Iterate over the raw blocks of a parsed trailer. *pos starts at 0.
 * Returns 1 and fills *b for each block, 0 at the end, -1 if a block is
 * malformed (length < 12, not a multiple of 4, beyond the area, or its
 * trailing length differs); iteration must stop after -1.
 */
static inline int bpfdig_scap_next_block(const struct bpfdig_scap_trailer *t, size_t *pos,
                                         struct bpfdig_scap_block *b)
{
    size_t left;
    const uint8_t *p;

    if (*pos >= t->blocks_len)
        return 0;
    left = t->blocks_len - *pos;
    p = t->blocks + *pos;
    if (left < BPFDIG_SCAP_BLOCK_OVERHEAD)
        return -1;
    b->type = bpfdig_scap_le32(p);
    b->total_len = bpfdig_scap_le32(p + 4);
    if (b->total_len < BPFDIG_SCAP_BLOCK_OVERHEAD || b->total_len % 4 != 0 || b->total_len > left)
        return -1;
    if (bpfdig_scap_le32(p + b->total_len - 4) != b->total_len)
        return -1;
    b->body = p + 8;
    b->body_len = b->total_len - BPFDIG_SCAP_BLOCK_OVERHEAD;
    b->offset = *pos;
    *pos += b->total_len;
    return 1;
}

/*
 * Map an event block type to the type reported in syscall_header.record_type:
 * the EV type Wireshark 4.0 dissects. EVF types lose their flags word; the
 * legacy EV_INT id has the EV (V1) layout.
 */
static inline uint32_t bpfdig_scap_ev_type(uint32_t block_type)
{
    switch (block_type) {
    case 0x8010ABCDu:
    case 0x208u:
        return 0x204u;
    case 0x217u:
        return 0x216u;
    case 0x222u:
        return 0x221u;
    default:
        return block_type;
    }
}

#endif /* BPFDIG_SCAP_RECORD_H */
