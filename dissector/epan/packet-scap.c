/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-scap.c - the "scap" protocol: state blocks of .scap captures.
 *
 * The wiretap plugin appends the raw non-event blocks (machine info,
 * process/fd/user/interface lists, a later section header) to the next
 * event record, or delivers them in a state-only record at the end of a
 * file (see scap_record.h). This file shows each block as a "scap" item
 * with a one-line summary, and on the first pass feeds it to the state
 * engine, which the bpfdig postdissector then uses for every event.
 */
#define WS_LOG_DOMAIN "bpfdig"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <wireshark.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <wiretap/wtap.h>

#include "ws_compat.h"

#include "bpfdig-store.h"
#include "bpfdig.h"
#include "scapkit/format.h"
#include "scapkit/state.h"

/* Longest one-line block summary. */
#define SUMMARY_LEN 256
/* Entries listed per block in the tree (a process list can hold thousands). */
#define MAX_TREE_ENTRIES 10000

static int proto_scap = -1;

static int hf_scap_block_type = -1;
static int hf_scap_block_len = -1;
static int hf_scap_shb_major = -1;
static int hf_scap_shb_minor = -1;
static int hf_scap_mi_hostname = -1;
static int hf_scap_mi_cpus = -1;
static int hf_scap_mi_memory = -1;
static int hf_scap_mi_boot_ts = -1;
static int hf_scap_pl_threads = -1;
static int hf_scap_pl_tid = -1;
static int hf_scap_pl_pid = -1;
static int hf_scap_pl_ptid = -1;
static int hf_scap_pl_comm = -1;
static int hf_scap_pl_exe = -1;
static int hf_scap_fdl_tid = -1;
static int hf_scap_fdl_fds = -1;
static int hf_scap_fdl_fd = -1;
static int hf_scap_fdl_type = -1;
static int hf_scap_fdl_name = -1;
static int hf_scap_ul_users = -1;
static int hf_scap_ul_groups = -1;
static int hf_scap_ul_name = -1;
static int hf_scap_ul_id = -1;
static int hf_scap_il_count = -1;
static int hf_scap_il_name = -1;
static int hf_scap_il_ipv4 = -1;
static int hf_scap_il_ipv6 = -1;
static int hf_scap_trailer_event_len = -1;
static int hf_scap_trailer_block_type = -1;
static int hf_scap_trailer_flags = -1;
static int hf_scap_trailer_blocks_len = -1;

static int ett_scap = -1;
static int ett_scap_entry = -1;
static int ett_scap_trailer = -1;

static expert_field ei_scap_malformed = EI_INIT;
static expert_field ei_scap_bad_framing = EI_INIT;
static expert_field ei_scap_state_rejected = EI_INIT;

static const value_string scap_block_names[] = {
    {SK_BT_SHB, "Section header"},
    {SK_BT_MI, "Machine info"},
    {SK_BT_PL_V1, "Process list V1"},
    {SK_BT_FDL_V1, "FD list V1"},
    {SK_BT_EV, "Event"},
    {SK_BT_IL_V1, "Interface list V1"},
    {SK_BT_UL_V1, "User list V1"},
    {SK_BT_PL_V2, "Process list V2"},
    {SK_BT_EVF, "Event with flags"},
    {SK_BT_PL_V3, "Process list V3"},
    {SK_BT_PL_V4, "Process list V4"},
    {SK_BT_PL_V5, "Process list V5"},
    {SK_BT_PL_V6, "Process list V6"},
    {SK_BT_PL_V7, "Process list V7"},
    {SK_BT_PL_V8, "Process list V8"},
    {SK_BT_PL_V9, "Process list V9"},
    {SK_BT_EV_V2, "Event V2"},
    {SK_BT_EVF_V2, "Event V2 with flags"},
    {SK_BT_FDL_V2, "FD list V2"},
    {SK_BT_IL_V2, "Interface list V2"},
    {SK_BT_UL_V2, "User list V2"},
    {SK_BT_EV_V2_LARGE, "Event V2 large"},
    {SK_BT_EVF_V2_LARGE, "Event V2 large with flags"},
    {SK_BT_MI_INT, "Machine info (legacy id)"},
    {SK_BT_PL_V1_INT, "Process list V1 (legacy id)"},
    {SK_BT_PL_V2_INT, "Process list V2 (legacy id)"},
    {SK_BT_PL_V3_INT, "Process list V3 (legacy id)"},
    {SK_BT_FDL_INT, "FD list (legacy id)"},
    {SK_BT_EV_INT, "Event (legacy id)"},
    {SK_BT_IL_INT, "Interface list (legacy id)"},
    {SK_BT_UL_INT, "User list (legacy id)"},
    {0, NULL},
};

/* What one block is being dissected with. */
struct block_ctx {
    tvbuff_t *tvb;
    packet_info *pinfo;
    proto_tree *tree; /* the block's subtree, may be NULL */
    int offset;       /* of the block in tvb */
    const struct bpfdig_scap_block *blk;
    bool first_pass;
    unsigned count, count2; /* entries seen */
    int64_t tid;            /* FD list owner */
    wmem_map_t *comms;      /* tid -> comm of the process lists of this record */
};

/* ------------------------------------------------------------ entry callbacks */

static proto_tree *entry_subtree(struct block_ctx *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static proto_tree *entry_subtree(struct block_ctx *c, const char *fmt, ...)
{
    char text[SUMMARY_LEN];
    va_list ap;

    if (!c->tree || c->count + c->count2 > MAX_TREE_ENTRIES)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    for (char *p = text; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '.'; /* names may hold control characters */
    }
    return proto_tree_add_subtree(c->tree, c->tvb, c->offset + 8, 0, ett_scap_entry, NULL, text);
}

static char *pool_str(struct block_ctx *c, const struct sk_str *s)
{
    return wmem_strndup(BPFDIG_PACKET_POOL(c->pinfo), s->p ? s->p : "", s->len);
}

static int thread_entry_cb(void *ud, const struct sk_threadinfo *ti)
{
    struct block_ctx *c = ud;
    proto_tree *et;

    c->count++;
    if (c->comms) {
        int64_t *key = wmem_new(BPFDIG_PACKET_POOL(c->pinfo), int64_t);
        *key = (int64_t)ti->tid;
        wmem_map_insert(c->comms, key, pool_str(c, &ti->comm));
    }
    et = entry_subtree(c, "Thread %" PRIu64 ": %.*s", ti->tid, (int)ti->comm.len,
                       ti->comm.p ? ti->comm.p : "");
    if (!et)
        return 0;
    proto_tree_add_int64(et, hf_scap_pl_tid, c->tvb, c->offset + 8, 0, (int64_t)ti->tid);
    proto_tree_add_int64(et, hf_scap_pl_pid, c->tvb, c->offset + 8, 0, (int64_t)ti->pid);
    proto_tree_add_int64(et, hf_scap_pl_ptid, c->tvb, c->offset + 8, 0, (int64_t)ti->ptid);
    proto_tree_add_string(et, hf_scap_pl_comm, c->tvb, c->offset + 8, 0, pool_str(c, &ti->comm));
    proto_tree_add_string(et, hf_scap_pl_exe, c->tvb, c->offset + 8, 0, pool_str(c, &ti->exe));
    return 0;
}

static int fd_entry_cb(void *ud, uint64_t tid, const struct sk_fdlist_entry *fe)
{
    struct block_ctx *c = ud;
    proto_tree *et;

    c->count++;
    c->tid = (int64_t)tid;
    et = entry_subtree(c, "fd %" PRId64 ": %s %.*s", fe->fd, sk_fd_typename(fe->type),
                       (int)fe->name.len, fe->name.p ? fe->name.p : "");
    if (!et)
        return 0;
    proto_tree_add_int64(et, hf_scap_fdl_fd, c->tvb, c->offset + 8, 0, fe->fd);
    proto_tree_add_string(et, hf_scap_fdl_type, c->tvb, c->offset + 8, 0, sk_fd_typename(fe->type));
    if (fe->name.len > 0)
        proto_tree_add_string(et, hf_scap_fdl_name, c->tvb, c->offset + 8, 0,
                              pool_str(c, &fe->name));
    return 0;
}

static int user_entry_cb(void *ud, const struct sk_userlist_entry *u)
{
    struct block_ctx *c = ud;
    proto_tree *et;
    uint32_t id = u->is_group ? u->gid : u->uid;

    if (u->is_group)
        c->count2++;
    else
        c->count++;
    et = entry_subtree(c, "%s %" PRIu32 ": %.*s", u->is_group ? "Group" : "User", id,
                       (int)u->name.len, u->name.p ? u->name.p : "");
    if (!et)
        return 0;
    proto_tree_add_uint(et, hf_scap_ul_id, c->tvb, c->offset + 8, 0, id);
    proto_tree_add_string(et, hf_scap_ul_name, c->tvb, c->offset + 8, 0, pool_str(c, &u->name));
    return 0;
}

static int iface_entry_cb(void *ud, const struct sk_iflist_entry *i)
{
    struct block_ctx *c = ud;
    proto_tree *et;

    c->count++;
    if (c->first_pass)
        bpfdig_store_add_ifaddr(i->is_ipv6, i->addr);
    et = entry_subtree(c, "Interface %.*s", (int)i->name.len, i->name.p ? i->name.p : "");
    if (!et)
        return 0;
    proto_tree_add_string(et, hf_scap_il_name, c->tvb, c->offset + 8, 0, pool_str(c, &i->name));
    if (i->is_ipv6) {
        ws_in6_addr a;
        memcpy(a.bytes, i->addr, sizeof(a.bytes));
        proto_tree_add_ipv6(et, hf_scap_il_ipv6, c->tvb, c->offset + 8, 0, &a);
    } else {
        ws_in4_addr a;
        memcpy(&a, i->addr, sizeof(a));
        proto_tree_add_ipv4(et, hf_scap_il_ipv4, c->tvb, c->offset + 8, 0, a);
    }
    return 0;
}

/* ------------------------------------------------------------ per-kind summaries */

static int summarize_shb(struct block_ctx *c, char *out, size_t outlen)
{
    struct sk_shb shb;
    int rc = sk_parse_shb(c->blk->body, c->blk->body_len, &shb);

    if (rc != SK_OK)
        return rc;
    if (c->first_pass)
        bpfdig_store_new_section();
    snprintf(out, outlen, "Section header: version %u.%u (new section, state reset)", shb.major,
             shb.minor);
    proto_tree_add_uint(c->tree, hf_scap_shb_major, c->tvb, c->offset + 12, 2, shb.major);
    proto_tree_add_uint(c->tree, hf_scap_shb_minor, c->tvb, c->offset + 14, 2, shb.minor);
    return SK_OK;
}

static int summarize_mi(struct block_ctx *c, char *out, size_t outlen)
{
    struct sk_machine_info mi;
    int rc = sk_parse_machine_info(c->blk->body, c->blk->body_len, &mi);

    if (rc != SK_OK)
        return rc;
    snprintf(out, outlen, "Machine info: host %s, %" PRIu32 " cpus", mi.hostname, mi.num_cpus);
    proto_tree_add_string(c->tree, hf_scap_mi_hostname, c->tvb, c->offset + 8 + 20, 128,
                          mi.hostname);
    proto_tree_add_uint(c->tree, hf_scap_mi_cpus, c->tvb, c->offset + 8, 4, mi.num_cpus);
    proto_tree_add_uint64(c->tree, hf_scap_mi_memory, c->tvb, c->offset + 12, 8,
                          mi.memory_size_bytes);
    proto_tree_add_uint64(c->tree, hf_scap_mi_boot_ts, c->tvb, c->offset + 8 + 148, 8,
                          mi.boot_ts_epoch);
    return SK_OK;
}

static int summarize_pl(struct block_ctx *c, char *out, size_t outlen)
{
    int rc = sk_parse_proclist(c->blk->type, c->blk->body, c->blk->body_len, thread_entry_cb, c);

    if (rc != SK_OK)
        return rc;
    snprintf(out, outlen, "Process list (0x%x): %u threads", c->blk->type, c->count);
    proto_tree_add_uint(c->tree, hf_scap_pl_threads, c->tvb, c->offset + 8, 0, c->count);
    return SK_OK;
}

static int summarize_fdl(struct block_ctx *c, char *out, size_t outlen)
{
    int rc;
    const char *comm;

    c->tid = c->blk->body_len >= 8 ? (int64_t)sk_le64(c->blk->body) : -1;
    rc = sk_parse_fdlist(c->blk->type, c->blk->body, c->blk->body_len, fd_entry_cb, c);
    if (rc != SK_OK)
        return rc;
    comm = c->comms ? wmem_map_lookup(c->comms, &c->tid) : NULL;
    if (comm)
        snprintf(out, outlen, "FD list: tid %" PRId64 " (%s), %u fds", c->tid, comm, c->count);
    else
        snprintf(out, outlen, "FD list: tid %" PRId64 ", %u fds", c->tid, c->count);
    proto_tree_add_int64(c->tree, hf_scap_fdl_tid, c->tvb, c->offset + 8, 8, c->tid);
    proto_tree_add_uint(c->tree, hf_scap_fdl_fds, c->tvb, c->offset + 8, 0, c->count);
    return SK_OK;
}

static int summarize_ul(struct block_ctx *c, char *out, size_t outlen)
{
    int rc = sk_parse_userlist(c->blk->type, c->blk->body, c->blk->body_len, user_entry_cb, c);

    if (rc != SK_OK)
        return rc;
    snprintf(out, outlen, "User list: %u users, %u groups", c->count, c->count2);
    proto_tree_add_uint(c->tree, hf_scap_ul_users, c->tvb, c->offset + 8, 0, c->count);
    proto_tree_add_uint(c->tree, hf_scap_ul_groups, c->tvb, c->offset + 8, 0, c->count2);
    return SK_OK;
}

static int summarize_il(struct block_ctx *c, char *out, size_t outlen)
{
    int rc = sk_parse_iflist(c->blk->type, c->blk->body, c->blk->body_len, iface_entry_cb, c);

    if (rc != SK_OK)
        return rc;
    snprintf(out, outlen, "Interface list: %u interfaces", c->count);
    proto_tree_add_uint(c->tree, hf_scap_il_count, c->tvb, c->offset + 8, 0, c->count);
    return SK_OK;
}

static int summarize_block(struct block_ctx *c, char *out, size_t outlen)
{
    switch (sk_block_kind(c->blk->type)) {
    case SK_BK_SHB:
        return summarize_shb(c, out, outlen);
    case SK_BK_MI:
        return summarize_mi(c, out, outlen);
    case SK_BK_PL:
        return summarize_pl(c, out, outlen);
    case SK_BK_FDL:
        return summarize_fdl(c, out, outlen);
    case SK_BK_UL:
        return summarize_ul(c, out, outlen);
    case SK_BK_IL:
        return summarize_il(c, out, outlen);
    default:
        snprintf(out, outlen, "Block 0x%x (%u bytes)", c->blk->type, c->blk->total_len);
        return SK_OK;
    }
}

/* Did the state engine reject a block of this frame (flag set on the first pass)? */
static bool block_rejected(packet_info *pinfo)
{
    const struct bpfdig_frame *f = bpfdig_store_frame(pinfo->num, false);

    return f && (f->flags & BPFDIG_FF_BLOCK_REJECTED);
}

/* First pass only: the state engine moves forward, once. */
static void feed_state(struct block_ctx *c)
{
    struct sk_state *st = bpfdig_store_state();
    struct bpfdig_frame *f;

    if (st && sk_state_load_block(st, c->blk->type, c->blk->body, c->blk->body_len) == SK_OK)
        return;
    /* Remembered per frame, so that every pass shows the same expert info. */
    f = bpfdig_store_frame(c->pinfo->num, true);
    if (f)
        f->flags |= BPFDIG_FF_BLOCK_REJECTED;
}

static void dissect_block(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int offset,
                          const struct bpfdig_scap_block *blk, wmem_map_t *comms,
                          wmem_strbuf_t *info)
{
    char summary[SUMMARY_LEN];
    struct block_ctx c = {
        .tvb = tvb,
        .pinfo = pinfo,
        .offset = offset,
        .blk = blk,
        .first_pass = !PINFO_FD_VISITED(pinfo),
        .comms = comms,
    };
    proto_item *ti =
        proto_tree_add_item(tree, proto_scap, tvb, offset, (int)blk->total_len, ENC_NA);
    int rc;

    c.tree = proto_item_add_subtree(ti, ett_scap);
    proto_tree_add_item(c.tree, hf_scap_block_type, tvb, offset, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(c.tree, hf_scap_block_len, tvb, offset + 4, 4, ENC_LITTLE_ENDIAN);
    rc = summarize_block(&c, summary, sizeof(summary));
    if (rc != SK_OK) {
        snprintf(summary, sizeof(summary), "%s (malformed)",
                 val_to_str_const(blk->type, scap_block_names, "Unknown block"));
        expert_add_info_format(pinfo, ti, &ei_scap_malformed, "Malformed %s block: %s",
                               val_to_str_const(blk->type, scap_block_names, "unknown"),
                               sk_strerror(rc));
    }
    proto_item_append_text(ti, ", %s", summary);
    if (info) {
        if (wmem_strbuf_get_len(info) > 0)
            wmem_strbuf_append(info, "; ");
        wmem_strbuf_append(info, summary);
    }
    if (c.first_pass)
        feed_state(&c);
    if (block_rejected(pinfo))
        expert_add_info(pinfo, ti, &ei_scap_state_rejected);
}

unsigned scap_dissect_blocks(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                             const struct bpfdig_scap_trailer *t, wmem_strbuf_t *info)
{
    wmem_map_t *comms = wmem_map_new(BPFDIG_PACKET_POOL(pinfo), g_int64_hash, g_int64_equal);
    struct bpfdig_scap_block blk;
    size_t pos = 0;
    unsigned n = 0;
    int rc;

    while ((rc = bpfdig_scap_next_block(t, &pos, &blk)) == 1) {
        dissect_block(tvb, pinfo, tree, (int)(t->event_data_len + blk.offset), &blk, comms, info);
        n++;
    }
    if (rc < 0) {
        proto_item *ti = proto_tree_add_item(tree, proto_scap, tvb, (int)(t->event_data_len + pos),
                                             (int)(t->blocks_len - pos), ENC_NA);
        expert_add_info_format(pinfo, ti, &ei_scap_bad_framing,
                               "Malformed block framing at offset %zu of the state blocks", pos);
    }
    return n;
}

void scap_add_trailer(tvbuff_t *tvb, proto_tree *tree, const struct bpfdig_scap_trailer *t)
{
    int off = (int)(t->event_data_len + t->blocks_len);
    proto_tree *tt;

    if (!tree)
        return;
    tt = proto_tree_add_subtree(tree, tvb, off, BPFDIG_SCAP_TRAILER_LEN, ett_scap_trailer, NULL,
                                "bpfdig record trailer");
    proto_tree_add_item(tt, hf_scap_trailer_event_len, tvb, off, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tt, hf_scap_trailer_block_type, tvb, off + 4, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tt, hf_scap_trailer_flags, tvb, off + 8, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tt, hf_scap_trailer_blocks_len, tvb, off + 12, 4, ENC_LITTLE_ENDIAN);
}

/* A state-only record (state blocks after the last event of a file). */
static int dissect_scap_state_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                     void *data _U_)
{
    guint len = tvb_captured_length(tvb);
    struct bpfdig_scap_trailer t;
    wmem_strbuf_t *info;
    proto_item *ti;

    if (pinfo->rec->rec_header.ft_specific_header.record_type != BPFDIG_SCAP_FTS_STATE)
        return 0;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SCAP");
    col_clear(pinfo->cinfo, COL_INFO);
    if (!bpfdig_scap_parse_trailer(tvb_get_ptr(tvb, 0, len), len, &t)) {
        col_set_str(pinfo->cinfo, COL_INFO, "Malformed state record");
        ti = proto_tree_add_item(tree, proto_scap, tvb, 0, -1, ENC_NA);
        expert_add_info(pinfo, ti, &ei_scap_bad_framing);
        return len;
    }
    info = wmem_strbuf_new(BPFDIG_PACKET_POOL(pinfo), "");
    scap_dissect_blocks(tvb, pinfo, tree, &t, info);
    scap_add_trailer(tvb, tree, &t);
    col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(info));
    return len;
}

void proto_register_scap(void)
{
    static hf_register_info hf[] = {
        {&hf_scap_block_type,
         {"Block type", "scap.block_type", FT_UINT32, BASE_HEX, VALS(scap_block_names), 0,
          "Type of the scap (pcapng-shaped) block", HFILL}},
        {&hf_scap_block_len,
         {"Block length", "scap.block_len", FT_UINT32, BASE_DEC, NULL, 0,
          "Total length of the block, header and trailer included", HFILL}},
        {&hf_scap_shb_major,
         {"Major version", "scap.shb.major", FT_UINT16, BASE_DEC, NULL, 0,
          "Section header major version", HFILL}},
        {&hf_scap_shb_minor,
         {"Minor version", "scap.shb.minor", FT_UINT16, BASE_DEC, NULL, 0,
          "Section header minor version", HFILL}},
        {&hf_scap_mi_hostname,
         {"Host name", "scap.mi.hostname", FT_STRING, BASE_NONE, NULL, 0,
          "Host name of the captured machine", HFILL}},
        {&hf_scap_mi_cpus,
         {"CPUs", "scap.mi.cpus", FT_UINT32, BASE_DEC, NULL, 0, "Number of CPUs", HFILL}},
        {&hf_scap_mi_memory,
         {"Memory", "scap.mi.memory", FT_UINT64, BASE_DEC, NULL, 0, "Memory size in bytes", HFILL}},
        {&hf_scap_mi_boot_ts,
         {"Boot time", "scap.mi.boot_ts", FT_UINT64, BASE_DEC, NULL, 0,
          "Boot time, ns since the epoch", HFILL}},
        {&hf_scap_pl_threads,
         {"Threads", "scap.pl.threads", FT_UINT32, BASE_DEC, NULL, 0,
          "Number of threads in the process list", HFILL}},
        {&hf_scap_pl_tid, {"Thread ID", "scap.pl.tid", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_scap_pl_pid, {"Process ID", "scap.pl.pid", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_scap_pl_ptid,
         {"Parent thread ID", "scap.pl.ptid", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_scap_pl_comm,
         {"Command", "scap.pl.comm", FT_STRING, BASE_NONE, NULL, 0, "Thread name (comm)", HFILL}},
        {&hf_scap_pl_exe,
         {"Executable", "scap.pl.exe", FT_STRING, BASE_NONE, NULL, 0, "argv[0]", HFILL}},
        {&hf_scap_fdl_tid,
         {"Thread ID", "scap.fdl.tid", FT_INT64, BASE_DEC, NULL, 0,
          "Thread (group leader) the fd list belongs to", HFILL}},
        {&hf_scap_fdl_fds,
         {"FDs", "scap.fdl.fds", FT_UINT32, BASE_DEC, NULL, 0, "Number of fds in the list", HFILL}},
        {&hf_scap_fdl_fd, {"FD", "scap.fdl.fd", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_scap_fdl_type,
         {"FD type", "scap.fdl.type", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_scap_fdl_name,
         {"FD name", "scap.fdl.name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_scap_ul_users,
         {"Users", "scap.ul.users", FT_UINT32, BASE_DEC, NULL, 0, "Number of users", HFILL}},
        {&hf_scap_ul_groups,
         {"Groups", "scap.ul.groups", FT_UINT32, BASE_DEC, NULL, 0, "Number of groups", HFILL}},
        {&hf_scap_ul_name,
         {"Name", "scap.ul.name", FT_STRING, BASE_NONE, NULL, 0, "User or group name", HFILL}},
        {&hf_scap_ul_id, {"ID", "scap.ul.id", FT_UINT32, BASE_DEC, NULL, 0, "uid or gid", HFILL}},
        {&hf_scap_il_count,
         {"Interfaces", "scap.il.interfaces", FT_UINT32, BASE_DEC, NULL, 0,
          "Number of interface addresses", HFILL}},
        {&hf_scap_il_name,
         {"Interface", "scap.il.name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_scap_il_ipv4, {"Address", "scap.il.ipv4", FT_IPv4, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_scap_il_ipv6, {"Address", "scap.il.ipv6", FT_IPv6, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_scap_trailer_event_len,
         {"Event length", "scap.trailer.event_len", FT_UINT32, BASE_DEC, NULL, 0,
          "The event header's length field (0: no event)", HFILL}},
        {&hf_scap_trailer_block_type,
         {"Event block type", "scap.trailer.block_type", FT_UINT32, BASE_HEX,
          VALS(scap_block_names), 0, "Event block type in the file", HFILL}},
        {&hf_scap_trailer_flags,
         {"Event flags", "scap.trailer.flags", FT_UINT32, BASE_HEX, NULL, 0,
          "Flags word of EVF blocks", HFILL}},
        {&hf_scap_trailer_blocks_len,
         {"State bytes", "scap.trailer.blocks_len", FT_UINT32, BASE_DEC, NULL, 0,
          "Bytes of raw state blocks in the record", HFILL}},
    };
    static int *ett[] = {&ett_scap, &ett_scap_entry, &ett_scap_trailer};
    static ei_register_info ei[] = {
        {&ei_scap_malformed,
         {"scap.malformed", PI_MALFORMED, PI_ERROR, "Malformed state block", EXPFILL}},
        {&ei_scap_bad_framing,
         {"scap.bad_framing", PI_MALFORMED, PI_ERROR, "Malformed block framing", EXPFILL}},
        {&ei_scap_state_rejected,
         {"scap.state_rejected", PI_PROTOCOL, PI_WARN,
          "The state engine rejected a state block of this record", EXPFILL}},
    };
    expert_module_t *expert;

    proto_scap = proto_register_protocol("scap state block", "SCAP", "scap");
    proto_register_field_array(proto_scap, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto_scap);
    expert_register_field_array(expert, ei, array_length(ei));
}

void proto_reg_handoff_scap(void)
{
    int ft = wtap_name_to_file_type_subtype(BPFDIG_SCAP_FILE_TYPE_ALT_NAME);

    /*
     * bpfdig's file type is "scap", or BPFDIG_SCAP_FILE_TYPE_ALT_NAME where
     * "scap" is taken (Stratoshark). Without the wiretap plugin there is no
     * such type and no state record.
     */
    if (ft < 0)
        ft = wtap_name_to_file_type_subtype(BPFDIG_SCAP_FILE_TYPE_NAME);
    if (ft < 0 || g_strcmp0(wtap_file_type_subtype_description(ft),
                            BPFDIG_SCAP_FILE_TYPE_DESCRIPTION) != 0)
        return;
    dissector_add_uint("wtap_fts_rec", (guint32)ft,
                       create_dissector_handle(dissect_scap_state_record, proto_scap));
}
