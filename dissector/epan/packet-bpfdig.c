/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-bpfdig.c - the "bpfdig" postdissector: falco fields for every event.
 *
 * Wireshark's built-in "sysdig" dissector keeps dissecting each event record
 * (REC_TYPE_SYSCALL). This postdissector runs after it and adds what only a
 * stateful reader knows: the process, thread, user, fd and container of the
 * event, under the field names falco/sysdig/Stratoshark users filter with
 * (proc.name, fd.name, user.name, container.id, evt.type ...).
 *
 * The state engine (scapkit) moves forward only, so it runs on the first,
 * sequential pass; the two immutable views it returns per event are stored
 * by frame number (bpfdig-store.c) and revisits read them back. Everything
 * else is recomputed from the record bytes on each visit.
 */
#define WS_LOG_DOMAIN "bpfdig"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <wireshark.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <wiretap/wtap.h>

#include "ws_compat.h"

#include "bpfdig-fields.h"
#include "bpfdig-store.h"
#include "bpfdig.h"
#include "scapkit/fields.h"
#include "scapkit/format.h"
#include "scapkit/render.h"
#include "scapkit/schema.h"
#include "scapkit/state.h"

/* Rendered argument list (Info column, evt.args). */
#define ARGS_LEN 4096
/* One rendered parameter (evt.arg.<name>). */
#define PARAM_LEN 2048

/* Event codes with a special meaning here. */
#define EVT_GENERIC_E    0u
#define EVT_GENERIC_X    1u
#define EVT_DROP_E       148u
#define EVT_DROP_X       149u
#define EVT_ASYNCEVENT_E 402u

static int proto_bpfdig = -1;

static int hf_bpfdig_evt_num = -1;
static int hf_bpfdig_evt_time = -1;
static int hf_bpfdig_evt_rawtime = -1;
static int hf_bpfdig_evt_type = -1;
static int hf_bpfdig_evt_dir = -1;
static int hf_bpfdig_evt_cpu = -1;
static int hf_bpfdig_evt_args = -1;
static int hf_bpfdig_evt_res = -1;
static int hf_bpfdig_evt_rawres = -1;
static int hf_bpfdig_evt_failed = -1;
static int hf_bpfdig_evt_latency = -1;
static int hf_bpfdig_evt_category = -1;
static int hf_bpfdig_evt_is_io = -1;
static int hf_bpfdig_evt_is_io_read = -1;
static int hf_bpfdig_evt_is_io_write = -1;
static int hf_bpfdig_evt_buffer = -1;
static int hf_bpfdig_evt_buflen = -1;

static int ett_bpfdig = -1;
static int ett_bpfdig_args = -1;

static expert_field ei_bpfdig_malformed = EI_INIT;
static expert_field ei_bpfdig_unknown_type = EI_INIT;
static expert_field ei_bpfdig_nparams_fewer = EI_INIT;
static expert_field ei_bpfdig_nparams_more = EI_INIT;
static expert_field ei_bpfdig_drop = EI_INIT;
static expert_field ei_bpfdig_thread_gap = EI_INIT;
static expert_field ei_bpfdig_fd_gap = EI_INIT;
static expert_field ei_bpfdig_no_state = EI_INIT;

/* Preferences. */
static guint pref_max_buf = 80;
static bpfdig_wsbool pref_set_info = TRUE;
static bpfdig_wsbool pref_expert_gaps = TRUE;

/* Which fields a visible tree gets (bpfdig.tree_fields). */
enum { TREE_FIELDS_AUTO, TREE_FIELDS_ALL, TREE_FIELDS_REFERENCED };
static gint pref_tree_fields = TREE_FIELDS_AUTO;
/* Label keys that get a container.label.<key> field (docs/fields.md). */
#define DEFAULT_LABEL_KEYS                                                                         \
    "app,name,version,maintainer,tier,env,component,app.kubernetes.io/name,"                       \
    "app.kubernetes.io/instance,app.kubernetes.io/version,app.kubernetes.io/component,"            \
    "app.kubernetes.io/part-of,com.docker.compose.project,com.docker.compose.service,"             \
    "io.kubernetes.container.name,io.kubernetes.pod.name,io.kubernetes.pod.namespace,"             \
    "io.podman.compose.project,io.podman.compose.service,org.opencontainers.image.title,"          \
    "org.opencontainers.image.version"
static const char *pref_label_keys = DEFAULT_LABEL_KEYS;
static const enum_val_t tree_fields_vals[] = {
    {"auto", "Automatic: only the referenced ones under tshark -T fields", TREE_FIELDS_AUTO},
    {"all", "All fields", TREE_FIELDS_ALL},
    {"referenced", "Only fields a filter, column or -e option references", TREE_FIELDS_REFERENCED},
    {NULL, NULL, -1},
};
/* tshark runs with "-T fields" (detected once, see tshark_prints_fields_only()). */
static int tshark_fields_output = -1;
/* Its -e fields (bit per hf id, with their protocols); "-e bpfdig" itself. */
static guint8 *printed_hfs;
static guint printed_hfs_len;
static bool printed_bpfdig_label;

bool bpfdig_referenced_only;

/* evt.arg.<name>: one FT_STRING field per distinct parameter name. */
static GHashTable *arg_fields; /* name -> int* (hf id) */
/* The evt.arg field of each parameter of each event code, resolved once. */
static int *const *arg_hf_by_code[SK_EVENT_MAX];

/* Everything known about the event being dissected. */
struct evt_ctx {
    tvbuff_t *tvb;
    packet_info *pinfo;
    const wtap_syscall_header *sh;
    struct sk_event ev;
    const uint8_t *data; /* start of the event data in tvb */
    uint32_t data_len;   /* bytes of event data (without state blocks / trailer) */
    int decode_rc;       /* SK_OK or the decode error */
    bool meta;           /* container/user/plugin meta event: no thread */
    const struct bpfdig_frame *frame;
    unsigned state_blocks;   /* state blocks coalesced into this record (scap tree) */
    struct sk_fields fields; /* field values (scapkit/fields.h), valid when frame is set */
    struct sk_render_ctx render;
};

/* ------------------------------------------------------------ event classification */

static const struct sk_event_info *evt_info(const struct evt_ctx *c)
{
    return c->ev.info;
}

/* libsinsp attaches no thread to these (container, user/group, plugin, async). */
static bool is_meta_event(uint16_t code, const struct sk_event_info *info)
{
    if (info && (info->category & SK_EC_METAEVENT))
        return true;
    switch (code & ~1u) {
    case 228: /* container */
    case 272: /* container json */
    case 322: /* plugin event */
    case 324: /* container json 2 */
    case 354: /* user added */
    case 356: /* user deleted */
    case 358: /* group added */
    case 360: /* group deleted */
    case 402: /* async event */
        return true;
    default:
        return false;
    }
}

/* Index of the parameter holding the result (sysdig's evt.res), or -1. */
static int result_param(const struct evt_ctx *c)
{
    const struct sk_event_info *info = evt_info(c);
    int idx;

    if (!info)
        return -1;
    idx = sk_event_param_index(info, "res");
    if (idx < 0 && (info->flags & SK_EF_CREATES_FD) && !sk_event_is_enter(c->ev.type))
        idx = sk_event_param_index(info, "fd");
    if (idx < 0 || (uint32_t)idx >= c->ev.nparams)
        return -1;
    return idx;
}

static bool evt_result(const struct evt_ctx *c, int64_t *res)
{
    int idx = result_param(c);

    return idx >= 0 && sk_event_get_i64(&c->ev, (unsigned)idx, res);
}

/*
 * evt.type as libs >= 0.22 name it (scapkit: "accept4" for old accept4
 * layouts, generic syscalls by ID or native number, named by the state when
 * only the enter event identifies the syscall); async events by their name.
 */
static const char *evt_type_name(const struct evt_ctx *c)
{
    struct sk_str s;

    if (c->ev.type == EVT_ASYNCEVENT_E && c->decode_rc == SK_OK &&
        sk_event_get_str(&c->ev, 1, &s) && s.len > 0)
        return wmem_strndup(BPFDIG_PACKET_POOL(c->pinfo), s.p, s.len);
    if (c->frame && c->decode_rc == SK_OK)
        return c->fields.evt_type;
    return sk_event_type_name(&c->ev);
}

/* evt.category, with I/O events classified by their fd like sysdig does. */
static const char *evt_category(const struct evt_ctx *c)
{
    const struct sk_event_info *info = evt_info(c);
    const struct sk_fd *fd = c->frame ? c->frame->fd : NULL;

    uint16_t cat;

    if (!info)
        return "unknown";
    cat = info->category & SK_EC_CATEGORY_MASK;
    if (cat < SK_EC_IO_READ || cat > SK_EC_IO_OTHER)
        return sk_category_name(info->category);
    if (!fd || fd->type == SK_FD_UNINITIALIZED)
        return "unknown";
    switch (fd->type) {
    case SK_FD_FILE:
    case SK_FD_FILE_V2:
    case SK_FD_DIRECTORY:
        return "file";
    case SK_FD_IPV4_SOCK:
    case SK_FD_IPV6_SOCK:
    case SK_FD_IPV4_SERVSOCK:
    case SK_FD_IPV6_SERVSOCK:
        return "net";
    case SK_FD_FIFO:
    case SK_FD_UNIX_SOCK:
    case SK_FD_EVENT:
    case SK_FD_SIGNALFD:
    case SK_FD_INOTIFY:
    case SK_FD_USERFAULTFD:
        return "ipc";
    default:
        return "unknown";
    }
}

/* ------------------------------------------------------------ fd descriptions */

/* "<f>/etc/passwd", "<4t>1.2.3.4:5->6.7.8.9:80", as sysdig prints fds. */
static size_t format_fd_desc(const struct sk_fd *v, char *out, size_t outlen)
{
    char proto = 0;
    int n;

    if (v->type == SK_FD_UNINITIALIZED || !v->typechar)
        return 0;
    if (sk_fd_has_l4proto(v)) {
        switch (v->l4proto) {
        case SK_L4_TCP:
            proto = 't';
            break;
        case SK_L4_UDP:
            proto = 'u';
            break;
        case SK_L4_ICMP:
            proto = 'i';
            break;
        case SK_L4_RAW:
            proto = 'r';
            break;
        default:
            break;
        }
    }
    if (proto)
        n = snprintf(out, outlen, "<%c%c>%s", v->typechar, proto, v->name ? v->name : "");
    else
        n = snprintf(out, outlen, "<%c>%s", v->typechar, v->name ? v->name : "");
    if (n < 0)
        return 0;
    return (size_t)n < outlen ? (size_t)n : outlen - 1;
}

/* Render callback: the fd views stored for this frame, never the live tables. */
static size_t describe_fd(void *ud, int64_t fd, char *out, size_t outlen)
{
    const struct evt_ctx *c = ud;
    const struct bpfdig_frame *f = c->frame;
    const struct sk_fd *v = NULL;

    if (!f || outlen == 0)
        return 0;
    if (f->flags & BPFDIG_FF_SIDE)
        v = bpfdig_store_find_fdref(c->pinfo->num, fd);
    if (!v && f->fd && f->fd->num == fd)
        v = f->fd;
    return v ? format_fd_desc(v, out, outlen) : 0;
}

/*
 * First pass: remember the views of the event's other fd parameters as
 * they are after the event (what sysdig prints), when they differ from the
 * event's own fd view.
 */
static bool record_extra_fds(const struct evt_ctx *c, struct sk_state *st,
                             const struct bpfdig_frame *f)
{
    const struct sk_event_info *info = evt_info(c);
    bool any = false;
    uint32_t n;

    if (!info)
        return false;
    n = MIN(c->ev.nparams, (uint32_t)info->nparams);
    for (uint32_t i = 0; i < n; i++) {
        const struct sk_fd *v;
        int64_t fd;

        if (info->params[i].type != SK_PT_FD && info->params[i].type != SK_PT_FD32)
            continue;
        if (!sk_event_get_i64(&c->ev, i, &fd) || fd < 0)
            continue;
        v = sk_state_lookup_fd(st, c->ev.tid, fd);
        if (!v || (f->fd && f->fd->num == fd && f->fd == v))
            continue;
        if (bpfdig_store_add_fdref(c->pinfo->num, fd, v))
            any = true;
    }
    return any;
}

/* ------------------------------------------------------------ first pass */

static void compute_state(struct evt_ctx *c, struct bpfdig_frame *f)
{
    struct sk_state *st = bpfdig_store_state();
    struct sk_evt_state es;

    if (!st)
        return;
    memset(&es, 0, sizeof(es));
    sk_state_process(st, &c->ev, &es);
    f->thread = es.thread;
    f->fd = es.fd;
    f->latency = es.latency_ns;
    f->type_name = es.type_name;
    if (record_extra_fds(c, st, f))
        f->flags |= BPFDIG_FF_SIDE;
}

/* The stored result of this frame: computed now on the first pass, read back later. */
static const struct bpfdig_frame *frame_state(struct evt_ctx *c)
{
    struct bpfdig_frame *f;
    uint32_t keep;

    if (PINFO_FD_VISITED(c->pinfo)) {
        f = bpfdig_store_frame(c->pinfo->num, false);
        return (f && (f->flags & BPFDIG_FF_EVENT)) ? f : NULL;
    }
    f = bpfdig_store_frame(c->pinfo->num, true);
    if (!f)
        return NULL;
    /* The record's state blocks, dissected just before, may have set a flag. */
    keep = f->flags & BPFDIG_FF_BLOCK_REJECTED;
    memset(f, 0, sizeof(*f));
    f->evt_num = bpfdig_store_next_evt_num();
    f->flags = BPFDIG_FF_EVENT | keep;
    if (c->decode_rc != SK_OK)
        f->flags |= BPFDIG_FF_DECODE_ERR;
    else
        compute_state(c, f);
    return f;
}

/* ------------------------------------------------------------ record layout */

/*
 * Split the record: event data, then (when the wiretap plugin coalesced
 * them) raw state blocks and a trailer (see scap_record.h).
 */
static void split_record(struct evt_ctx *c, struct bpfdig_scap_trailer *t, bool *has_trailer,
                         uint32_t *event_len)
{
    guint len = tvb_captured_length(c->tvb);
    const uint8_t *rec = len ? tvb_get_ptr(c->tvb, 0, len) : NULL;

    *event_len = c->sh->event_len;
    *has_trailer = bpfdig_scap_syscall_trailer(rec, len, c->sh->event_len, t);
    c->data = rec;
    c->data_len = len;
    if (*has_trailer) {
        *event_len = t->event_len;
        c->data_len = t->event_data_len;
    }
}

static void decode_event(struct evt_ctx *c, uint32_t event_len)
{
    const wtap_syscall_header *sh = c->sh;
    bool has_nparams = sh->record_type != SK_BT_EV;
    bool large = sh->record_type == SK_BT_EV_V2_LARGE;

    memset(&c->ev, 0, sizeof(c->ev));
    c->decode_rc = sk_event_decode_params(sh->event_type, has_nparams, sh->nparams, large,
                                          event_len, c->data, c->data_len, &c->ev);
    c->ev.ts = sh->timestamp;
    c->ev.tid = (int64_t)sh->thread_id;
    c->ev.cpu = sh->cpu_id;
    c->ev.type = sh->event_type;
    c->ev.len = event_len;
    c->meta = is_meta_event(sh->event_type, c->ev.info);
}

/* ------------------------------------------------------------ evt.* fields */

/* "HH:MM:SS.nnnnnnnnn" in local time, as sysdig's %evt.time. */
static const char *format_evt_time(packet_info *pinfo, uint64_t ts)
{
    time_t sec = (time_t)(ts / 1000000000u);
    struct tm tm;

    if (!localtime_r(&sec, &tm))
        return wmem_strdup_printf(BPFDIG_PACKET_POOL(pinfo), "%" PRIu64, ts);
    return wmem_strdup_printf(BPFDIG_PACKET_POOL(pinfo), "%02d:%02d:%02d.%09" PRIu64, tm.tm_hour,
                              tm.tm_min, tm.tm_sec, ts % 1000000000u);
}

static void add_gen_string(proto_tree *t, int hf, tvbuff_t *tvb, const char *s)
{
    if (bpfdig_want(t, hf))
        proto_item_set_generated(proto_tree_add_string(t, hf, tvb, 0, 0, s));
}

static void add_gen_bool(proto_tree *t, int hf, tvbuff_t *tvb, bool v)
{
    if (bpfdig_want(t, hf))
        proto_item_set_generated(proto_tree_add_boolean(t, hf, tvb, 0, 0, v));
}

static void add_gen_u64(proto_tree *t, int hf, tvbuff_t *tvb, uint64_t v)
{
    if (bpfdig_want(t, hf))
        proto_item_set_generated(proto_tree_add_uint64(t, hf, tvb, 0, 0, v));
}

/* The offset of parameter idx in the tvb (parameters point into the record). */
static int param_offset(const struct evt_ctx *c, unsigned idx)
{
    return (int)(c->ev.param[idx] - c->data);
}

static void add_result_fields(proto_tree *t, struct evt_ctx *c)
{
    int64_t res;
    bool failed = false;

    if (evt_result(c, &res)) {
        const char *text = "SUCCESS";

        if (bpfdig_want(t, hf_bpfdig_evt_res)) {
            if (res < 0) {
                text = sk_errno_name(-res);
                if (!text)
                    text = wmem_strdup_printf(BPFDIG_PACKET_POOL(c->pinfo), "%" PRId64, res);
            }
            add_gen_string(t, hf_bpfdig_evt_res, c->tvb, text);
        }
        if (bpfdig_want(t, hf_bpfdig_evt_rawres))
            proto_item_set_generated(
                proto_tree_add_int64(t, hf_bpfdig_evt_rawres, c->tvb, 0, 0, res));
        failed = res < 0;
    }
    add_gen_bool(t, hf_bpfdig_evt_failed, c->tvb, failed);
}

static void add_io_fields(proto_tree *t, struct evt_ctx *c)
{
    const struct sk_event_info *info = evt_info(c);
    const struct sk_fd *fd = c->frame ? c->frame->fd : NULL;
    uint32_t flags = info ? info->flags : 0;
    int idx;
    int64_t res;

    add_gen_bool(t, hf_bpfdig_evt_is_io, c->tvb,
                 (flags & (SK_EF_READS_FROM_FD | SK_EF_WRITES_TO_FD)) != 0);
    add_gen_bool(t, hf_bpfdig_evt_is_io_read, c->tvb, (flags & SK_EF_READS_FROM_FD) != 0);
    add_gen_bool(t, hf_bpfdig_evt_is_io_write, c->tvb, (flags & SK_EF_WRITES_TO_FD) != 0);
    if (info && fd && fd->type != SK_FD_UNINITIALIZED && (info->category & SK_EC_IO_BASE) &&
        !sk_event_is_enter(c->ev.type) && c->ev.nparams > 0 && sk_event_get_i64(&c->ev, 0, &res) &&
        res >= 0)
        add_gen_u64(t, hf_bpfdig_evt_buflen, c->tvb, (uint64_t)res);
    if (!bpfdig_want(t, hf_bpfdig_evt_buffer))
        return;
    idx = info ? sk_event_param_index(info, "data") : -1;
    if (idx >= 0 && (uint32_t)idx < c->ev.nparams && info->params[idx].type == SK_PT_BYTEBUF)
        proto_tree_add_item(t, hf_bpfdig_evt_buffer, c->tvb, param_offset(c, (unsigned)idx),
                            (int)c->ev.param_len[idx], ENC_NA);
}

/* sysdig's evt.arg.NAME: the resolved text of numeric values when there is one. */
static const char *arg_field_text(const struct sk_param_info *pi, char *rendered, size_t len)
{
    char *open;

    switch (pi->type) {
    case SK_PT_CHARBUF:
    case SK_PT_BYTEBUF:
    case SK_PT_FSPATH:
    case SK_PT_FSRELPATH:
    case SK_PT_SOCKADDR:
    case SK_PT_SOCKTUPLE:
    case SK_PT_FDLIST:
    case SK_PT_DYN:
    case SK_PT_CHARBUFARRAY:
    case SK_PT_CHARBUF_PAIR_ARRAY:
        return rendered;
    default:
        break;
    }
    open = strchr(rendered, '(');
    if (!open || len < 2 || rendered[len - 1] != ')')
        return rendered;
    rendered[len - 1] = '\0';
    return open + 1;
}

static void add_arg_fields(proto_tree *t, struct evt_ctx *c)
{
    const struct sk_event_info *info = evt_info(c);
    int *const *hfs;
    char *buf;
    proto_tree *at;
    uint32_t n;

    if (!info || !t)
        return;
    n = MIN(c->ev.nparams, (uint32_t)info->nparams);
    if (n == 0)
        return;
    at = bpfdig_want(t, hf_text_only) ? proto_tree_add_subtree(t, c->tvb, 0, (int)c->data_len,
                                                               ett_bpfdig_args, NULL, "Arguments")
                                      : t;
    buf = wmem_alloc(BPFDIG_PACKET_POOL(c->pinfo), PARAM_LEN);
    hfs = c->ev.type < SK_EVENT_MAX ? arg_hf_by_code[c->ev.type] : NULL;
    if (!hfs)
        return;
    for (uint32_t i = 0; i < n; i++) {
        const struct sk_param_info *pi = &info->params[i];
        int *hf = hfs[i];
        size_t len;

        if (!hf || c->ev.param_len[i] == 0 || !bpfdig_want(at, *hf))
            continue;
        len = sk_render_param(&c->ev, i, &c->render, buf, PARAM_LEN);
        proto_tree_add_string(at, *hf, c->tvb, param_offset(c, i), (int)c->ev.param_len[i],
                              arg_field_text(pi, buf, len));
    }
}

static const char *render_args(struct evt_ctx *c)
{
    char *buf = wmem_alloc(BPFDIG_PACKET_POOL(c->pinfo), ARGS_LEN);

    sk_render_args(&c->ev, &c->render, buf, ARGS_LEN);
    return buf;
}

static void add_evt_fields(proto_tree *t, struct evt_ctx *c, const char *type, const char *args)
{
    const struct bpfdig_frame *f = c->frame;

    if (!t)
        return;
    if (f)
        add_gen_u64(t, hf_bpfdig_evt_num, c->tvb, f->evt_num);
    if (bpfdig_want(t, hf_bpfdig_evt_time))
        add_gen_string(t, hf_bpfdig_evt_time, c->tvb, format_evt_time(c->pinfo, c->ev.ts));
    add_gen_u64(t, hf_bpfdig_evt_rawtime, c->tvb, c->ev.ts);
    add_gen_string(t, hf_bpfdig_evt_type, c->tvb, type);
    add_gen_string(t, hf_bpfdig_evt_dir, c->tvb, sk_event_is_enter(c->ev.type) ? ">" : "<");
    if (bpfdig_want(t, hf_bpfdig_evt_cpu))
        proto_item_set_generated(proto_tree_add_int(t, hf_bpfdig_evt_cpu, c->tvb, 0, 0, c->ev.cpu));
    if (c->decode_rc != SK_OK)
        return;
    if (bpfdig_want(t, hf_bpfdig_evt_category))
        add_gen_string(t, hf_bpfdig_evt_category, c->tvb, evt_category(c));
    add_result_fields(t, c);
    if (f && f->thread && !c->meta && !(evt_info(c) && (evt_info(c)->category & SK_EC_INTERNAL)))
        add_gen_u64(t, hf_bpfdig_evt_latency, c->tvb, f->latency);
    add_io_fields(t, c);
    if (args)
        add_gen_string(t, hf_bpfdig_evt_args, c->tvb, args);
    add_arg_fields(t, c);
}

/* ------------------------------------------------------------ expert info */

static void add_param_count_info(struct evt_ctx *c, proto_item *ti)
{
    const struct sk_event_info *info = evt_info(c);

    if (!info || c->sh->record_type == SK_BT_EV)
        return; /* V1: the count is inferred, never above the schema's */
    if (c->ev.nparams < info->nparams)
        expert_add_info_format(c->pinfo, ti, &ei_bpfdig_nparams_fewer,
                               "%u parameters, the schema has %u (older layout)", c->ev.nparams,
                               info->nparams);
    else if (c->ev.nparams > info->nparams)
        expert_add_info_format(c->pinfo, ti, &ei_bpfdig_nparams_more,
                               "%u parameters, more than the schema's %u", c->ev.nparams,
                               info->nparams);
}

/* The fd parameter of an fd-using event whose fd the state does not know. */
static void add_fd_gap_info(struct evt_ctx *c, proto_item *ti)
{
    const struct sk_event_info *info = evt_info(c);
    const struct sk_fd *fd = c->frame->fd;
    int idx;
    int64_t num, res;

    if (!(info->flags & SK_EF_USES_FD) || (fd && fd->type != SK_FD_UNINITIALIZED))
        return;
    idx = sk_event_param_index(info, "fd");
    if (idx < 0 || (uint32_t)idx >= c->ev.nparams || info->params[idx].type != SK_PT_FD ||
        !sk_event_get_i64(&c->ev, (unsigned)idx, &num) || num < 0 || num > INT32_MAX)
        return; /* no fd; old writers stored a 32-bit -1 in 64 bits */
    if (evt_result(c, &res) && res < 0)
        return; /* e.g. EBADF: the fd is not expected to exist */
    expert_add_info_format(c->pinfo, ti, &ei_bpfdig_fd_gap,
                           "fd %" PRId64 " is not in the fd table of thread %" PRId64
                           " (opened before the capture's fd snapshot?)",
                           num, c->ev.tid);
}

static void add_expert_infos(struct evt_ctx *c, proto_item *ti)
{
    const struct sk_event_info *info = evt_info(c);
    uint64_t ratio;

    if (c->decode_rc != SK_OK) {
        expert_add_info_format(c->pinfo, ti, &ei_bpfdig_malformed,
                               "Malformed event: %s (event length %u, %u bytes of data)",
                               sk_strerror(c->decode_rc), c->ev.len, c->data_len);
        return;
    }
    if (!info || (info->flags & SK_EF_UNUSED)) {
        expert_add_info_format(c->pinfo, ti, &ei_bpfdig_unknown_type, "Unknown event type %u",
                               c->ev.type);
        return;
    }
    add_param_count_info(c, ti);
    if (c->ev.type == EVT_DROP_E || c->ev.type == EVT_DROP_X) {
        if (!sk_event_get_u64(&c->ev, 0, &ratio))
            ratio = 0;
        expert_add_info_format(c->pinfo, ti, &ei_bpfdig_drop,
                               "The driver dropped events here (sampling ratio %" PRIu64 ")",
                               ratio);
    }
    if (!c->frame) {
        expert_add_info(c->pinfo, ti, &ei_bpfdig_no_state);
        return;
    }
    if (!pref_expert_gaps || c->meta)
        return;
    if (c->frame->thread && c->frame->thread->invalid)
        expert_add_info_format(c->pinfo, ti, &ei_bpfdig_thread_gap,
                               "Thread %" PRId64 " is not in the state (started before the"
                               " capture's process snapshot?)",
                               c->ev.tid);
    add_fd_gap_info(c, ti);
}

/* ------------------------------------------------------------ tree size */

/*
 * tshark -T fields dissects into a *visible* tree (it sets print_details),
 * so Wireshark fakes none of our ~50 items per event, although only the
 * fields named with -e, and those that filters, custom columns and taps use
 * (which Wireshark marks as referenced), reach the output: building,
 * walking and freeing the others doubled tshark's time. Wireshark 4.0 tells
 * a dissector neither the output format nor the -e fields (it does not prime
 * them), so tshark's command line decides: with -T fields (the last -T
 * option, as getopt sees it) only referenced and -e fields are added.
 * Anything unexpected (another program, an unparsable command line) means
 * a full tree, which is always correct.
 */
static bool short_option_takes_argument(char ch)
{
    /* tshark 4.x getopt string letters with an argument (capture, dissect, own). */
    return ch != '\0' && strchr("aAbBcCdeEfFGHijJKMNoOrRsStTuUwWXyYz", ch) != NULL;
}

/* The field named by -e (every registration of the name) and its protocol. */
static void mark_printed(GArray *ids, const char *name)
{
    header_field_info *h = proto_registrar_get_byname(name);

    if (h && h->id == proto_bpfdig)
        printed_bpfdig_label = true;
    for (; h; h = h->same_name_prev_id >= 0 ? proto_registrar_get_nth((guint)h->same_name_prev_id)
                                            : NULL) {
        g_array_append_val(ids, h->id);
        if (h->parent >= 0)
            g_array_append_val(ids, h->parent);
    }
}

static void set_printed(const GArray *ids)
{
    guint max = 0;

    for (guint i = 0; i < ids->len; i++)
        max = MAX(max, (guint)g_array_index(ids, int, i));
    printed_hfs_len = ids->len ? max + 1 : 0;
    printed_hfs = g_new0(guint8, printed_hfs_len / 8 + 1);
    for (guint i = 0; i < ids->len; i++) {
        guint id = (guint)g_array_index(ids, int, i);
        printed_hfs[id / 8] |= (guint8)(1u << (id % 8));
    }
}

bool bpfdig_field_printed(int hf)
{
    return hf >= 0 && (guint)hf < printed_hfs_len && (printed_hfs[hf / 8] & (1u << (hf % 8)));
}

static bool tshark_prints_fields_only(void)
{
#ifdef __linux__
    gchar *buf = NULL;
    gsize len = 0;
    const char *last_t = NULL;
    const char *prog;
    GPtrArray *argv, *fields;
    bool result;

    if (!g_file_get_contents("/proc/self/cmdline", &buf, &len, NULL) || len == 0) {
        g_free(buf);
        return false;
    }
    argv = g_ptr_array_new();
    fields = g_ptr_array_new();
    for (gsize off = 0; off < len; off += strlen(buf + off) + 1)
        g_ptr_array_add(argv, buf + off);
    prog = strrchr(g_ptr_array_index(argv, 0), '/');
    prog = prog ? prog + 1 : (const char *)g_ptr_array_index(argv, 0);
    result = g_str_has_prefix(prog, "tshark");
    for (guint i = 1; result && i < argv->len; i++) {
        const char *a = g_ptr_array_index(argv, i);

        if (strcmp(a, "--") == 0)
            break;
        /*
         * Options end at the first operand for getopt, but tshark splits some
         * option values in place ("-E separator=/t" reads "separator" "/t"
         * here): go on past such words.
         */
        if (a[0] != '-' || a[1] == '\0')
            continue;
        if (a[1] == '-') {
            /* --name=value, --name value or --flag: skip a value that is not an option */
            if (!strchr(a, '=') && i + 1 < argv->len &&
                ((const char *)g_ptr_array_index(argv, i + 1))[0] != '-')
                i++;
            continue;
        }
        for (const char *p = a + 1; *p; p++) {
            const char *value;

            if (!short_option_takes_argument(*p))
                continue;
            if (p[1] != '\0')
                value = p + 1;
            else if (i + 1 < argv->len)
                value = g_ptr_array_index(argv, ++i);
            else
                value = "";
            if (*p == 'T')
                last_t = value;
            else if (*p == 'e')
                g_ptr_array_add(fields, (gpointer)value);
            break;
        }
    }
    result = result && last_t && strcmp(last_t, "fields") == 0;
    if (result) {
        GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));

        for (guint i = 0; i < fields->len; i++)
            mark_printed(ids, g_ptr_array_index(fields, i));
        set_printed(ids);
        g_array_free(ids, TRUE);
    }
    g_ptr_array_free(fields, TRUE);
    g_ptr_array_free(argv, TRUE);
    g_free(buf);
    return result;
#else
    return false;
#endif
}

/* Add only the referenced fields to visible trees too (see above)? */
static bool referenced_only(void)
{
    switch (pref_tree_fields) {
    case TREE_FIELDS_ALL:
        return false;
    case TREE_FIELDS_REFERENCED:
        return true;
    default:
        if (tshark_fields_output < 0)
            tshark_fields_output = tshark_prints_fields_only() ? 1 : 0;
        return tshark_fields_output == 1;
    }
}

/* ------------------------------------------------------------ the postdissector */

static void set_columns(struct evt_ctx *c, const char *type, const char *args)
{
    col_set_str(c->pinfo->cinfo, COL_PROTOCOL, "BPFDIG");
    if (!pref_set_info)
        return;
    col_clear(c->pinfo->cinfo, COL_INFO);
    col_add_fstr(c->pinfo->cinfo, COL_INFO, "%s %s%s%s", sk_event_is_enter(c->ev.type) ? ">" : "<",
                 type, args && args[0] ? " " : "", args ? args : "");
    /* The first record of a file usually carries the whole process/fd list: say so. */
    if (c->state_blocks > 0)
        col_append_fstr(c->pinfo->cinfo, COL_INFO, " [+%u state block%s]", c->state_blocks,
                        c->state_blocks == 1 ? "" : "s");
}

static void dissect_event(struct evt_ctx *c, proto_tree *tree)
{
    bool want_cols = c->pinfo->cinfo != NULL;
    const char *type = evt_type_name(c);
    const char *args = NULL;
    proto_item *ti;
    proto_tree *bt;

    /* Rendering costs: only for the Info column or a tree that shows or filters on it. */
    if (c->decode_rc == SK_OK &&
        ((want_cols && pref_set_info) || bpfdig_want(tree, hf_bpfdig_evt_args)))
        args = render_args(c);
    if (want_cols && c->decode_rc == SK_OK)
        set_columns(c, type, args);
    ti = proto_tree_add_item(tree, proto_bpfdig, c->tvb, 0, (int)c->data_len, ENC_NA);
    /* The label only shows in a full tree, or with -e bpfdig. */
    if (!bpfdig_referenced_only || printed_bpfdig_label ||
        proto_registrar_get_nth((guint)proto_bpfdig)->ref_type == HF_REF_TYPE_DIRECT)
        proto_item_append_text(ti, ", %s %s", sk_event_is_enter(c->ev.type) ? ">" : "<", type);
    /* A filter/column tree that uses none of our fields: skip building ours (ti keeps
     * the expert infos). */
    bt = bpfdig_want(tree, proto_bpfdig) ? proto_item_add_subtree(ti, ett_bpfdig) : NULL;
    add_evt_fields(bt, c, type, args);
    bpfdig_add_state_fields(bt, c->tvb, c->pinfo,
                            c->frame && c->decode_rc == SK_OK ? &c->fields : NULL, c->ev.tid);
    add_expert_infos(c, ti);
}

static int dissect_bpfdig(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    struct bpfdig_scap_trailer trailer;
    bool has_trailer;
    uint32_t event_len;
    struct evt_ctx ctx;
    struct evt_ctx *c = &ctx;

    if (!pinfo->rec || pinfo->rec->rec_type != REC_TYPE_SYSCALL)
        return 0;
    bpfdig_referenced_only = referenced_only();
    memset(c, 0, sizeof(*c));
    c->tvb = tvb;
    c->pinfo = pinfo;
    c->sh = &pinfo->rec->rec_header.syscall_header;
    split_record(c, &trailer, &has_trailer, &event_len);
    /* State blocks come before the event in file order: feed them first. */
    if (has_trailer)
        c->state_blocks = scap_dissect_blocks(tvb, pinfo, tree, &trailer, NULL);
    decode_event(c, event_len);
    c->frame = frame_state(c);
    if (c->frame && c->decode_rc == SK_OK) {
        /* libsinsp attaches no thread to meta events */
        struct sk_evt_state es = {c->meta ? NULL : c->frame->thread, c->frame->fd,
                                  c->frame->latency, c->frame->type_name};
        sk_fields_get(&c->ev, &es, &c->fields);
    }
    c->render.fd_describe = describe_fd;
    c->render.ud = c;
    c->render.max_buf = pref_max_buf;
    dissect_event(c, tree);
    if (has_trailer)
        scap_add_trailer(tvb, tree, &trailer);
    return (int)tvb_captured_length(tvb);
}

/* ------------------------------------------------------------ registration */

static bool valid_abbrev_part(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-')
            return false;
    }
    return true;
}

/* Resolve the evt.arg field of every parameter of every event code once. */
static void index_arg_fields(void)
{
    for (unsigned code = 0; code < SK_EVENT_MAX; code++) {
        const struct sk_event_info *info = sk_event_info((uint16_t)code);
        int **hfs;

        if (!info || info->nparams == 0)
            continue;
        hfs = g_new0(int *, info->nparams);
        for (unsigned i = 0; i < info->nparams; i++)
            hfs[i] = g_hash_table_lookup(arg_fields, info->params[i].name);
        arg_hf_by_code[code] = (int *const *)hfs;
    }
}

/* One evt.arg.<name> field per distinct parameter name of the schema. */
static void register_arg_fields(void)
{
    size_t n = sk_param_name_count();
    hf_register_info *hf = g_new0(hf_register_info, n);
    int *ids = g_new(int, n);
    size_t used = 0;

    arg_fields = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < n; i++) {
        const char *name = sk_param_name_at(i);
        header_field_info *h = &hf[used].hfinfo;

        if (!valid_abbrev_part(name) || g_hash_table_contains(arg_fields, name))
            continue;
        ids[used] = -1;
        hf[used].p_id = &ids[used];
        h->name = g_strdup_printf("Argument %s", name);
        h->abbrev = g_strdup_printf("evt.arg.%s", name);
        h->type = FT_STRING;
        h->display = BASE_NONE;
        h->blurb = g_strdup_printf("The %s parameter as sysdig shows it (the resolved text"
                                   " when there is one)",
                                   name);
        h->id = -1;
        h->ref_type = HF_REF_TYPE_NONE;
        h->same_name_prev_id = -1;
        g_hash_table_insert(arg_fields, (gpointer)name, &ids[used]);
        used++;
    }
    /* hf and ids stay allocated: Wireshark keeps pointers into them. */
    proto_register_field_array(proto_bpfdig, hf, (int)used);
    index_arg_fields();
}

/* A changed label_keys preference registers the fields of its new keys. */
static void apply_prefs(void)
{
    bpfdig_register_label_fields(pref_label_keys);
}

static void register_prefs(void)
{
    module_t *m = prefs_register_protocol(proto_bpfdig, apply_prefs);

    prefs_register_uint_preference(m, "max_buf", "Bytes of I/O buffers shown in Info and evt.args",
                                   "How many bytes of read/write data to print, like sysdig's"
                                   " -s snaplen for output (default 80)",
                                   10, &pref_max_buf);
    prefs_register_bool_preference(m, "set_info", "Show the sysdig line in the Info column",
                                   "Replace the Info column with \"< openat fd=3(<f>/etc/passwd)"
                                   " ...\" (direction, event type, rendered arguments)",
                                   &pref_set_info);
    prefs_register_enum_preference(m, "tree_fields", "Fields in a visible packet tree",
                                   "Which bpfdig fields a visible tree gets: all of them, or only"
                                   " those a filter, column or -e option references (faster;"
                                   " \"auto\" does so for tshark -T fields)",
                                   &pref_tree_fields, tree_fields_vals, FALSE);
    prefs_register_bool_preference(m, "expert_gaps", "Report state gaps as expert info",
                                   "Flag events whose thread or fd the state does not know",
                                   &pref_expert_gaps);
    prefs_register_string_preference(m, "label_keys", "Container label fields",
                                     "Container label keys, comma-separated, each filterable as"
                                     " container.label.<key> (characters a field name cannot"
                                     " hold, such as '/', become '_'); container.label =="
                                     " \"key=value\" works for any key",
                                     &pref_label_keys);
}

void proto_register_bpfdig(void)
{
    static hf_register_info hf[] = {
        {&hf_bpfdig_evt_num,
         {"Event number", "evt.num", FT_UINT64, BASE_DEC, NULL, 0,
          "1-based number of the event record in file order (every event counts)", HFILL}},
        {&hf_bpfdig_evt_time,
         {"Time", "evt.time", FT_STRING, BASE_NONE, NULL, 0,
          "Event time of day, local time with nanoseconds, as sysdig prints it", HFILL}},
        {&hf_bpfdig_evt_rawtime,
         {"Raw time", "evt.rawtime", FT_UINT64, BASE_DEC, NULL, 0,
          "Event time stamp, ns since the epoch", HFILL}},
        {&hf_bpfdig_evt_type,
         {"Type", "evt.type", FT_STRING, BASE_NONE, NULL, 0,
          "Event name (the syscall for generic events)", HFILL}},
        {&hf_bpfdig_evt_dir,
         {"Direction", "evt.dir", FT_STRING, BASE_NONE, NULL, 0, "> enter, < exit", HFILL}},
        {&hf_bpfdig_evt_cpu,
         {"CPU", "evt.cpu", FT_INT16, BASE_DEC, NULL, 0, "CPU the event happened on", HFILL}},
        {&hf_bpfdig_evt_args,
         {"Arguments", "evt.args", FT_STRING, BASE_NONE, NULL, 0,
          "All parameters as name=value, as sysdig prints them", HFILL}},
        {&hf_bpfdig_evt_res,
         {"Result", "evt.res", FT_STRING, BASE_NONE, NULL, 0,
          "SUCCESS, or the errno name of a failed call", HFILL}},
        {&hf_bpfdig_evt_rawres,
         {"Raw result", "evt.rawres", FT_INT64, BASE_DEC, NULL, 0,
          "Return value (negative errno on failure)", HFILL}},
        {&hf_bpfdig_evt_failed,
         {"Failed", "evt.failed", FT_BOOLEAN, BASE_NONE, NULL, 0, "The call returned an error",
          HFILL}},
        {&hf_bpfdig_evt_latency,
         {"Latency", "evt.latency", FT_UINT64, BASE_DEC, NULL, 0,
          "ns between the enter event and this exit event of the same thread (0 if unknown)",
          HFILL}},
        {&hf_bpfdig_evt_category,
         {"Category", "evt.category", FT_STRING, BASE_NONE, NULL, 0,
          "file, net, ipc, process, memory, ... (I/O events by the type of their fd)", HFILL}},
        {&hf_bpfdig_evt_is_io,
         {"Is I/O", "evt.is_io", FT_BOOLEAN, BASE_NONE, NULL, 0,
          "The event reads from or writes to an fd", HFILL}},
        {&hf_bpfdig_evt_is_io_read,
         {"Is I/O read", "evt.is_io_read", FT_BOOLEAN, BASE_NONE, NULL, 0,
          "The event reads from an fd", HFILL}},
        {&hf_bpfdig_evt_is_io_write,
         {"Is I/O write", "evt.is_io_write", FT_BOOLEAN, BASE_NONE, NULL, 0,
          "The event writes to an fd", HFILL}},
        {&hf_bpfdig_evt_buffer,
         {"Buffer", "evt.buffer", FT_BYTES, BASE_NONE, NULL, 0,
          "Data read or written (as captured, possibly truncated)", HFILL}},
        {&hf_bpfdig_evt_buflen,
         {"Buffer length", "evt.buflen", FT_UINT64, BASE_DEC, NULL, 0,
          "Bytes read or written (the return value of an I/O call)", HFILL}},
    };
    static int *ett[] = {&ett_bpfdig, &ett_bpfdig_args};
    static ei_register_info ei[] = {
        {&ei_bpfdig_malformed,
         {"bpfdig.malformed", PI_MALFORMED, PI_ERROR, "Malformed event", EXPFILL}},
        {&ei_bpfdig_unknown_type,
         {"bpfdig.unknown_type", PI_UNDECODED, PI_WARN, "Unknown event type", EXPFILL}},
        {&ei_bpfdig_nparams_fewer,
         {"bpfdig.nparams.fewer", PI_PROTOCOL, PI_NOTE,
          "Fewer parameters than the schema (older layout)", EXPFILL}},
        {&ei_bpfdig_nparams_more,
         {"bpfdig.nparams.more", PI_PROTOCOL, PI_WARN, "More parameters than the schema", EXPFILL}},
        {&ei_bpfdig_drop,
         {"bpfdig.drop", PI_SEQUENCE, PI_WARN, "Events dropped by the driver", EXPFILL}},
        {&ei_bpfdig_thread_gap,
         {"bpfdig.gap.thread", PI_SEQUENCE, PI_NOTE, "Thread not in the state", EXPFILL}},
        {&ei_bpfdig_fd_gap,
         {"bpfdig.gap.fd", PI_SEQUENCE, PI_NOTE, "fd not in the thread's fd table", EXPFILL}},
        {&ei_bpfdig_no_state,
         {"bpfdig.no_state", PI_DEBUG, PI_NOTE,
          "No state stored for this frame (not seen on the first pass)", EXPFILL}},
    };
    expert_module_t *expert;

    proto_bpfdig = proto_register_protocol("bpfdig system call state", "BPFDIG", "bpfdig");
    proto_register_field_array(proto_bpfdig, hf, array_length(hf));
    bpfdig_register_state_fields(proto_bpfdig);
    register_arg_fields();
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto_bpfdig);
    expert_register_field_array(expert, ei, array_length(ei));
    register_prefs();
    bpfdig_register_label_fields(pref_label_keys);
    register_init_routine(bpfdig_store_init);
    register_cleanup_routine(bpfdig_store_cleanup);
}

void proto_reg_handoff_bpfdig(void)
{
    register_postdissector(create_dissector_handle(dissect_bpfdig, proto_bpfdig));
}
