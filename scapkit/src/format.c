/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block type classification and error strings.
 */
#include "scapkit/format.h"

#include <stddef.h>

/* Properties of an event block type. */
enum {
    EVB_FLAGS = 1 << 0,   /* u32 flags after the cpu id */
    EVB_NPARAMS = 1 << 1, /* 26-byte header with nparams */
    EVB_LARGE = 1 << 2,   /* u32 parameter lengths */
};

struct block_desc {
    uint32_t type;
    const char *name;
    uint8_t kind;   /* enum sk_block_kind */
    uint8_t evbits; /* EVB_* for event blocks */
};

/* Current ids 0x201..0x222, indexed by type - 0x201 (gaps have no name). */
#define CURRENT_FIRST 0x201u
#define CURRENT_LAST  0x222u

static const struct block_desc current_blocks[CURRENT_LAST - CURRENT_FIRST + 1] = {
    [SK_BT_MI - CURRENT_FIRST] = {SK_BT_MI, "MI", SK_BK_MI, 0},
    [SK_BT_PL_V1 - CURRENT_FIRST] = {SK_BT_PL_V1, "PL_V1", SK_BK_PL, 0},
    [SK_BT_FDL_V1 - CURRENT_FIRST] = {SK_BT_FDL_V1, "FDL_V1", SK_BK_FDL, 0},
    [SK_BT_EV - CURRENT_FIRST] = {SK_BT_EV, "EV", SK_BK_EVENT, 0},
    [SK_BT_IL_V1 - CURRENT_FIRST] = {SK_BT_IL_V1, "IL_V1", SK_BK_IL, 0},
    [SK_BT_UL_V1 - CURRENT_FIRST] = {SK_BT_UL_V1, "UL_V1", SK_BK_UL, 0},
    [SK_BT_PL_V2 - CURRENT_FIRST] = {SK_BT_PL_V2, "PL_V2", SK_BK_PL, 0},
    [SK_BT_EVF - CURRENT_FIRST] = {SK_BT_EVF, "EVF", SK_BK_EVENT, EVB_FLAGS},
    [SK_BT_PL_V3 - CURRENT_FIRST] = {SK_BT_PL_V3, "PL_V3", SK_BK_PL, 0},
    [SK_BT_PL_V4 - CURRENT_FIRST] = {SK_BT_PL_V4, "PL_V4", SK_BK_PL, 0},
    [SK_BT_PL_V5 - CURRENT_FIRST] = {SK_BT_PL_V5, "PL_V5", SK_BK_PL, 0},
    [SK_BT_PL_V6 - CURRENT_FIRST] = {SK_BT_PL_V6, "PL_V6", SK_BK_PL, 0},
    [SK_BT_PL_V7 - CURRENT_FIRST] = {SK_BT_PL_V7, "PL_V7", SK_BK_PL, 0},
    [SK_BT_PL_V8 - CURRENT_FIRST] = {SK_BT_PL_V8, "PL_V8", SK_BK_PL, 0},
    [SK_BT_PL_V9 - CURRENT_FIRST] = {SK_BT_PL_V9, "PL_V9", SK_BK_PL, 0},
    [SK_BT_EV_V2 - CURRENT_FIRST] = {SK_BT_EV_V2, "EV_V2", SK_BK_EVENT, EVB_NPARAMS},
    [SK_BT_EVF_V2 - CURRENT_FIRST] = {SK_BT_EVF_V2, "EVF_V2", SK_BK_EVENT, EVB_FLAGS | EVB_NPARAMS},
    [SK_BT_FDL_V2 - CURRENT_FIRST] = {SK_BT_FDL_V2, "FDL_V2", SK_BK_FDL, 0},
    [SK_BT_IL_V2 - CURRENT_FIRST] = {SK_BT_IL_V2, "IL_V2", SK_BK_IL, 0},
    [SK_BT_UL_V2 - CURRENT_FIRST] = {SK_BT_UL_V2, "UL_V2", SK_BK_UL, 0},
    [SK_BT_EV_V2_LARGE -
        CURRENT_FIRST] = {SK_BT_EV_V2_LARGE, "EV_V2_LARGE", SK_BK_EVENT, EVB_NPARAMS | EVB_LARGE},
    [SK_BT_EVF_V2_LARGE - CURRENT_FIRST] = {SK_BT_EVF_V2_LARGE, "EVF_V2_LARGE", SK_BK_EVENT,
                                            EVB_FLAGS | EVB_NPARAMS | EVB_LARGE},
};

static const struct block_desc other_blocks[] = {
    {SK_BT_SHB, "SHB", SK_BK_SHB, 0},
    {SK_BT_MI_INT, "MI_INT", SK_BK_MI, 0},
    {SK_BT_PL_V1_INT, "PL_V1_INT", SK_BK_PL, 0},
    {SK_BT_PL_V2_INT, "PL_V2_INT", SK_BK_PL, 0},
    {SK_BT_PL_V3_INT, "PL_V3_INT", SK_BK_PL, 0},
    {SK_BT_FDL_INT, "FDL_INT", SK_BK_FDL, 0},
    {SK_BT_EV_INT, "EV_INT", SK_BK_EVENT, 0},
    {SK_BT_IL_INT, "IL_INT", SK_BK_IL, 0},
    {SK_BT_UL_INT, "UL_INT", SK_BK_UL, 0},
};

static const struct block_desc *block_desc(uint32_t type)
{
    size_t i;

    if (type >= CURRENT_FIRST && type <= CURRENT_LAST) {
        const struct block_desc *d = &current_blocks[type - CURRENT_FIRST];
        return d->name ? d : NULL;
    }
    for (i = 0; i < sizeof(other_blocks) / sizeof(other_blocks[0]); i++) {
        if (other_blocks[i].type == type)
            return &other_blocks[i];
    }
    return NULL;
}

enum sk_block_kind sk_block_kind(uint32_t block_type)
{
    const struct block_desc *d = block_desc(block_type);
    return d ? (enum sk_block_kind)d->kind : SK_BK_UNKNOWN;
}

bool sk_block_is_event(uint32_t block_type)
{
    return sk_block_kind(block_type) == SK_BK_EVENT;
}

static bool event_block_has(uint32_t block_type, unsigned bit)
{
    const struct block_desc *d = block_desc(block_type);
    return d && d->kind == SK_BK_EVENT && (d->evbits & bit);
}

bool sk_block_has_flags(uint32_t block_type)
{
    return event_block_has(block_type, EVB_FLAGS);
}

bool sk_block_has_nparams(uint32_t block_type)
{
    return event_block_has(block_type, EVB_NPARAMS);
}

bool sk_block_is_large(uint32_t block_type)
{
    return event_block_has(block_type, EVB_LARGE);
}

const char *sk_block_name(uint32_t block_type)
{
    const struct block_desc *d = block_desc(block_type);
    return d ? d->name : NULL;
}

const char *sk_strerror(int err)
{
    switch (err) {
    case SK_OK:
        return "success";
    case SK_E_IO:
        return "I/O error";
    case SK_E_TRUNCATED:
        return "data truncated";
    case SK_E_BADMAGIC:
        return "not a scap file (bad section header magic)";
    case SK_E_VERSION:
        return "unsupported scap version";
    case SK_E_BADLEN:
        return "bad block length";
    case SK_E_MALFORMED:
        return "malformed block contents";
    case SK_E_NOMEM:
        return "out of memory or buffer too small";
    case SK_E_UNSUPPORTED:
        return "unsupported block or event type";
    case SK_E_INVAL:
        return "invalid argument";
    default:
        return "unknown error";
    }
}
