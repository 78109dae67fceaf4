/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event block decoding: header, parameter lengths (u16 or u32), parameter
 * pointers, and the nparams inference of V1 blocks, plus typed accessors.
 */
#include "format_internal.h"

/* Old writers put a len 3 bytes too large in these V1 events. */
#define PPME_NOTIFICATION_E         280u
#define PPME_INFRASTRUCTURE_EVENT_E 286u
#define V1_LEN_QUIRK                3u

static bool has_len_quirk(uint16_t type)
{
    return type == PPME_NOTIFICATION_E || type == PPME_INFRASTRUCTURE_EVENT_E;
}

/* Points ev->param[] at n values following an array of n lengths. */
static void set_params(struct sk_event *ev, const uint8_t *area, uint32_t n, bool large)
{
    size_t lsize = large ? 4 : 2;
    size_t off = (size_t)n * lsize;
    uint32_t i;

    for (i = 0; i < n; i++) {
        uint32_t plen = large ? sk_le32(area + i * 4) : sk_le16(area + i * 2);
        ev->param[i] = area + off;
        ev->param_len[i] = plen;
        off += plen;
    }
    ev->nparams = n;
}

/* V2: nparams is given; check the lengths array and every value fit in area. */
static int check_v2_params(const uint8_t *area, size_t area_len, uint32_t n, bool large)
{
    size_t lsize = large ? 4 : 2;
    size_t off = (size_t)n * lsize;
    uint32_t i;

    if (n > SK_MAX_PARAMS || off > area_len)
        return SK_E_MALFORMED;
    for (i = 0; i < n; i++) {
        uint32_t plen = large ? sk_le32(area + i * 4) : sk_le16(area + i * 2);
        if (plen > area_len - off)
            return SK_E_MALFORMED;
        off += plen;
    }
    return SK_OK;
}

/*
 * V1: the largest count, from the table's downward, whose u16 lengths fill
 * area_len exactly. Like libscap, a count whose values fall short of the
 * end is an error rather than a reason to try smaller counts.
 */
static int infer_v1_nparams(const uint8_t *area, size_t area_len, unsigned table_n, uint32_t *out)
{
    int n;

    for (n = (int)table_n; n >= 0; n--) {
        size_t end = (size_t)n * 2;
        int i;

        if (end > area_len)
            continue;
        for (i = 0; i < n; i++)
            end += sk_le16(area + i * 2);
        if (end < area_len)
            return SK_E_MALFORMED;
        if (end == area_len) {
            *out = (uint32_t)n;
            return SK_OK;
        }
    }
    return SK_E_MALFORMED;
}

static int decode_v1(struct sk_event *ev, const uint8_t *area, size_t area_len, size_t data_len)
{
    unsigned table_n;
    uint32_t n = 0;
    int rc = SK_E_MALFORMED;

    if (!ev->info)
        return SK_E_UNSUPPORTED;
    table_n = ev->info->nparams < SK_MAX_PARAMS ? ev->info->nparams : SK_MAX_PARAMS;
    if (has_len_quirk(ev->type) && area_len >= V1_LEN_QUIRK && area_len - V1_LEN_QUIRK <= data_len)
        rc = infer_v1_nparams(area, area_len - V1_LEN_QUIRK, table_n, &n);
    if (rc != SK_OK) {
        if (area_len > data_len)
            return SK_E_TRUNCATED;
        rc = infer_v1_nparams(area, area_len, table_n, &n);
    }
    if (rc != SK_OK)
        return rc;
    set_params(ev, area, n, false);
    return SK_OK;
}

int sk_event_decode_params(uint16_t type, bool has_nparams, uint32_t nparams, bool large,
                           uint32_t event_len, const uint8_t *data, size_t data_len,
                           struct sk_event *ev)
{
    size_t hdr = has_nparams ? SK_EVT_HDR_V2_LEN : SK_EVT_HDR_V1_LEN;
    size_t area_len;
    int rc;

    if (!ev || (!data && data_len))
        return SK_E_INVAL;
    ev->type = type;
    ev->len = event_len;
    ev->info = sk_event_info(type);
    ev->nparams = 0;
    ev->large = has_nparams && large;
    if (event_len < hdr)
        return SK_E_MALFORMED;
    area_len = event_len - hdr;
    if (!has_nparams)
        return decode_v1(ev, data, area_len, data_len);
    if (area_len > data_len)
        return SK_E_TRUNCATED;
    rc = check_v2_params(data, area_len, nparams, large);
    if (rc != SK_OK)
        return rc;
    set_params(ev, data, nparams, large);
    return SK_OK;
}

int sk_event_decode_block(uint32_t block_type, const uint8_t *body, size_t len, struct sk_event *ev)
{
    bool has_nparams = sk_block_has_nparams(block_type);
    bool large = sk_block_is_large(block_type);
    uint32_t nparams = 0;
    const struct sk_event_info *info;
    struct sk_cur c;
    int rc;

    if (!ev || !sk_block_is_event(block_type) || (!body && len))
        return SK_E_INVAL;
    sk_cur_init(&c, body, len);
    ev->cpu = sk_cur_u16(&c);
    ev->flags = sk_block_has_flags(block_type) ? sk_cur_u32(&c) : 0;
    ev->ts = sk_cur_u64(&c);
    ev->tid = (int64_t)sk_cur_u64(&c);
    ev->len = sk_cur_u32(&c);
    ev->type = sk_cur_u16(&c);
    if (has_nparams)
        nparams = sk_cur_u32(&c);
    if (c.err != SK_OK) {
        ev->info = NULL;
        ev->nparams = 0;
        return c.err;
    }
    rc = sk_event_decode_params(ev->type, has_nparams, nparams, large, ev->len, c.p,
                                sk_cur_left(&c), ev);
    info = ev->info;
    /* A writer that chose u16/u32 lengths by the schema flag, not by block type. */
    if (rc == SK_E_MALFORMED && has_nparams && info &&
        !!(info->flags & SK_EF_LARGE_PAYLOAD) != large)
        rc = sk_event_decode_params(ev->type, true, nparams, !large, ev->len, c.p, sk_cur_left(&c),
                                    ev);
    return rc;
}

/* ---------------------------------------------------------------- accessors */

static bool param_type_is_signed(uint8_t type)
{
    switch (type) {
    case SK_PT_INT8:
    case SK_PT_INT16:
    case SK_PT_INT32:
    case SK_PT_INT64:
    case SK_PT_ERRNO:
    case SK_PT_FD:
    case SK_PT_PID:
    case SK_PT_FD32:
    case SK_PT_PID32:
        return true;
    default:
        return false;
    }
}

static bool param_is_signed(const struct sk_event *ev, unsigned idx)
{
    return ev->info && idx < ev->info->nparams && ev->info->params &&
           param_type_is_signed(ev->info->params[idx].type);
}

/* Raw little-endian value of a 1/2/4/8-byte buffer. */
static bool value_raw(const uint8_t *p, uint32_t width, uint64_t *out)
{
    switch (width) {
    case 1:
        *out = p[0];
        return true;
    case 2:
        *out = sk_le16(p);
        return true;
    case 4:
        *out = sk_le32(p);
        return true;
    case 8:
        *out = sk_le64(p);
        return true;
    default:
        return false;
    }
}

static uint64_t sign_extend(uint64_t v, uint32_t width)
{
    uint64_t sign;

    if (width >= 8)
        return v;
    sign = 1ull << (width * 8 - 1);
    return (v ^ sign) - sign;
}

bool sk_param_value_i64(uint8_t type, const uint8_t *val, uint32_t len, int64_t *out)
{
    uint64_t v;

    if (!value_raw(val, len, &v))
        return false;
    if (param_type_is_signed(type))
        v = sign_extend(v, len);
    *out = (int64_t)v;
    return true;
}

/* Raw value of a 1/2/4/8-byte parameter of a decoded event and its width. */
static bool param_raw(const struct sk_event *ev, unsigned idx, uint64_t *out, uint32_t *width)
{
    if (!ev || idx >= ev->nparams || idx >= SK_MAX_PARAMS)
        return false;
    *width = ev->param_len[idx];
    return value_raw(ev->param[idx], *width, out);
}

bool sk_event_get_u64(const struct sk_event *ev, unsigned idx, uint64_t *out)
{
    uint32_t width;
    uint64_t v;

    if (!param_raw(ev, idx, &v, &width))
        return false;
    if (out)
        *out = v;
    return true;
}

bool sk_event_get_i64(const struct sk_event *ev, unsigned idx, int64_t *out)
{
    uint32_t width;
    uint64_t v;

    if (!param_raw(ev, idx, &v, &width))
        return false;
    if (param_is_signed(ev, idx))
        v = sign_extend(v, width);
    if (out)
        *out = (int64_t)v;
    return true;
}

bool sk_event_get_str(const struct sk_event *ev, unsigned idx, struct sk_str *out)
{
    uint32_t len;

    if (!ev || idx >= ev->nparams || idx >= SK_MAX_PARAMS || ev->param_len[idx] == 0)
        return false;
    len = ev->param_len[idx];
    if (ev->param[idx][len - 1] == '\0')
        len--;
    if (out) {
        out->p = (const char *)ev->param[idx];
        out->len = len;
    }
    return true;
}
