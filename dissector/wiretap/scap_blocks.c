/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block type classification for the scap wiretap plugin.
 */
#include "scap_wtap.h"

/* CPU id (u16) and event header (ts u64, tid u64, len u32, type u16). */
#define EVENT_HDR_V1_LEN  (2u + 22u)
#define EVENT_NPARAMS_LEN 4u
#define EVENT_FLAGS_LEN   4u

bool scap_block_is_event(uint32_t type)
{
    switch (type) {
    case SK_BT_EV:
    case SK_BT_EVF:
    case SK_BT_EV_V2:
    case SK_BT_EVF_V2:
    case SK_BT_EV_V2_LARGE:
    case SK_BT_EVF_V2_LARGE:
    case SK_BT_EV_INT:
        return true;
    default:
        return false;
    }
}

/* Any block type a scap writer has ever produced after the SHB. */
bool scap_block_is_known(uint32_t type)
{
    if (scap_block_is_event(type))
        return true;
    switch (type) {
    case SK_BT_MI:
    case SK_BT_PL_V1:
    case SK_BT_PL_V2:
    case SK_BT_PL_V3:
    case SK_BT_PL_V4:
    case SK_BT_PL_V5:
    case SK_BT_PL_V6:
    case SK_BT_PL_V7:
    case SK_BT_PL_V8:
    case SK_BT_PL_V9:
    case SK_BT_FDL_V1:
    case SK_BT_FDL_V2:
    case SK_BT_IL_V1:
    case SK_BT_IL_V2:
    case SK_BT_UL_V1:
    case SK_BT_UL_V2:
    case SK_BT_MI_INT:
    case SK_BT_PL_V1_INT:
    case SK_BT_PL_V2_INT:
    case SK_BT_PL_V3_INT:
    case SK_BT_FDL_INT:
    case SK_BT_IL_INT:
    case SK_BT_UL_INT:
        return true;
    default:
        return false;
    }
}

bool scap_event_has_flags(uint32_t type)
{
    return type == SK_BT_EVF || type == SK_BT_EVF_V2 || type == SK_BT_EVF_V2_LARGE;
}

bool scap_event_has_nparams(uint32_t type)
{
    return type == SK_BT_EV_V2 || type == SK_BT_EVF_V2 || type == SK_BT_EV_V2_LARGE ||
           type == SK_BT_EVF_V2_LARGE;
}

uint32_t scap_event_header_len(uint32_t type)
{
    uint32_t len = EVENT_HDR_V1_LEN;

    if (scap_event_has_flags(type))
        len += EVENT_FLAGS_LEN;
    if (scap_event_has_nparams(type))
        len += EVENT_NPARAMS_LEN;
    return len;
}
