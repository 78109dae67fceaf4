/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: one input = one capture (plain or gzip'ed). Every block
 * is framed by the reader, parsed by the matching body parser with
 * callbacks that read every field, decoded if it is an event, and fed to
 * the state engine, like the dissector does.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scapkit/format.h"
#include "scapkit/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Folds everything read into one value the optimizer cannot drop. */
static volatile uint64_t sink;

static void touch_bytes(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint64_t acc = 0;
    size_t i;

    for (i = 0; i < len; i++)
        acc = acc * 31 + b[i];
    sink += acc;
}

static void touch_str(struct sk_str s)
{
    touch_bytes(s.p, s.len);
}

static void touch_cstr(const char *s)
{
    if (s)
        touch_bytes(s, strlen(s));
}

/* ---------------------------------------------------------------- metadata */

static int on_thread(void *ud, const struct sk_threadinfo *ti)
{
    (void)ud;
    sink += ti->tid ^ ti->pid ^ ti->ptid ^ ti->sid ^ ti->vpgid ^ ti->fdlimit ^ ti->flags ^ ti->uid ^
            ti->gid ^ ti->vmsize_kb ^ ti->vmrss_kb ^ ti->vmswap_kb ^ ti->pfmajor ^ ti->pfminor ^
            (uint64_t)ti->vtid ^ (uint64_t)ti->vpid ^ ti->pidns_init_start_ts ^ ti->tty ^
            ti->loginuid ^ ti->cap_inheritable ^ ti->cap_permitted ^ ti->cap_effective ^
            ti->exe_ino ^ ti->exe_ino_ctime ^ ti->exe_ino_mtime ^ (uint64_t)ti->pgid;
    sink += ti->exe_writable + ti->exe_upper_layer + ti->exe_lower_layer + ti->exe_from_memfd;
    touch_str(ti->comm);
    touch_str(ti->exe);
    touch_str(ti->exepath);
    touch_str(ti->args);
    touch_str(ti->cwd);
    touch_str(ti->env);
    touch_str(ti->cgroups);
    touch_str(ti->root);
    return 0;
}

static int on_fd(void *ud, uint64_t tid, const struct sk_fdlist_entry *fd)
{
    (void)ud;
    sink += tid ^ (uint64_t)fd->fd ^ fd->ino ^ fd->type ^ fd->open_flags ^ fd->dev ^ fd->sport ^
            fd->dport ^ fd->l4proto ^ fd->unix_source ^ fd->unix_dest;
    touch_bytes(fd->sip, sizeof(fd->sip));
    touch_bytes(fd->dip, sizeof(fd->dip));
    touch_str(fd->name);
    return 0;
}

static int on_user(void *ud, const struct sk_userlist_entry *u)
{
    (void)ud;
    sink += u->is_group + u->uid + u->gid;
    touch_str(u->name);
    touch_str(u->home);
    touch_str(u->shell);
    return 0;
}

static int on_if(void *ud, const struct sk_iflist_entry *i)
{
    (void)ud;
    sink += i->type + i->is_ipv6 + i->linkspeed;
    touch_bytes(i->addr, sizeof(i->addr));
    touch_bytes(i->netmask, sizeof(i->netmask));
    touch_bytes(i->bcast, sizeof(i->bcast));
    touch_str(i->name);
    return 0;
}

static void parse_metadata(const struct sk_block *blk)
{
    struct sk_machine_info mi;
    struct sk_shb shb;

    switch (sk_block_kind(blk->type)) {
    case SK_BK_SHB:
        if (sk_parse_shb(blk->body, blk->body_len, &shb) == SK_OK)
            sink += shb.major + shb.minor;
        break;
    case SK_BK_MI:
        if (sk_parse_machine_info(blk->body, blk->body_len, &mi) == SK_OK) {
            sink += mi.num_cpus + mi.memory_size_bytes + mi.max_pid + mi.boot_ts_epoch;
            touch_cstr(mi.hostname);
        }
        break;
    case SK_BK_PL:
        sk_parse_proclist(blk->type, blk->body, blk->body_len, on_thread, NULL);
        break;
    case SK_BK_FDL:
        sk_parse_fdlist(blk->type, blk->body, blk->body_len, on_fd, NULL);
        break;
    case SK_BK_UL:
        sk_parse_userlist(blk->type, blk->body, blk->body_len, on_user, NULL);
        break;
    case SK_BK_IL:
        sk_parse_iflist(blk->type, blk->body, blk->body_len, on_if, NULL);
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------- events */

static void touch_event(const struct sk_event *ev)
{
    struct sk_str s;
    uint64_t u;
    int64_t i;
    unsigned k;

    sink += ev->ts ^ (uint64_t)ev->tid ^ ev->len ^ ev->type ^ ev->cpu ^ ev->flags;
    for (k = 0; k < ev->nparams; k++) {
        touch_bytes(ev->param[k], ev->param_len[k]);
        if (sk_event_get_i64(ev, k, &i))
            sink += (uint64_t)i;
        if (sk_event_get_u64(ev, k, &u))
            sink += u;
        if (sk_event_get_str(ev, k, &s))
            touch_str(s);
    }
}

static void touch_fd(const struct sk_fd *fd)
{
    if (!fd)
        return;
    sink += (uint64_t)fd->num ^ fd->type ^ (uint64_t)fd->typechar ^ fd->open_flags ^ fd->ino ^
            fd->dev ^ fd->l4proto ^ fd->cport ^ fd->sport ^ fd->is_server ^ fd->is_ipv6;
    touch_cstr(fd->name);
    touch_cstr(fd->nameraw);
}

static void touch_thread(const struct sk_thread *t)
{
    if (!t)
        return;
    sink += (uint64_t)t->tid ^ (uint64_t)t->pid ^ (uint64_t)t->ptid ^ t->uid ^ t->gid ^
            t->loginuid ^ t->flags ^ t->fdlimit;
    touch_cstr(t->comm);
    touch_cstr(t->exe);
    touch_cstr(t->exepath);
    touch_cstr(t->args);
    touch_cstr(t->cwd);
    touch_bytes(t->env, t->env_len);
    touch_bytes(t->cgroups, t->cgroups_len);
    touch_cstr(t->user_name);
    touch_cstr(t->group_name);
    if (t->container) {
        touch_cstr(t->container->id);
        touch_cstr(t->container->name);
    }
    if (t->parent)
        touch_cstr(t->parent->comm);
}

/* The dissector's path: parameter area decoded from separate header fields. */
static void decode_params_again(const struct sk_block *blk, const struct sk_event *ev)
{
    size_t prefix = 2 + (sk_block_has_flags(blk->type) ? 4 : 0);
    size_t hdr = sk_block_has_nparams(blk->type) ? 26 : 22;
    struct sk_event again;

    if (blk->body_len < prefix + hdr)
        return;
    if (sk_event_decode_params(ev->type, sk_block_has_nparams(blk->type), ev->nparams, ev->large,
                               ev->len, blk->body + prefix + hdr, blk->body_len - prefix - hdr,
                               &again) == SK_OK)
        sink += again.nparams;
}

static void handle_event(struct sk_state *st, const struct sk_block *blk)
{
    struct sk_evt_state es;
    struct sk_event ev;

    if (sk_event_decode_block(blk->type, blk->body, blk->body_len, &ev) != SK_OK)
        return;
    touch_event(&ev);
    decode_params_again(blk, &ev);
    sk_state_process(st, &ev, &es);
    touch_thread(es.thread);
    touch_fd(es.fd);
    touch_fd(sk_state_lookup_fd(st, ev.tid, 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sk_reader *r = NULL;
    struct sk_state *st;
    struct sk_block blk;
    unsigned sections = 0;

    if (sk_reader_open_mem(&r, data, size) != SK_OK)
        return 0;
    st = sk_state_new();
    while (st && sk_reader_next(r, &blk) == 1) {
        if (blk.type == SK_BT_SHB && sections++ > 0) {
            /* A new section: the state starts over. */
            sk_state_free(st);
            st = sk_state_new();
            continue;
        }
        if (sk_block_is_event(blk.type)) {
            handle_event(st, &blk);
        } else {
            parse_metadata(&blk);
            sk_state_load_block(st, blk.type, blk.body, blk.body_len);
        }
    }
    if (st)
        sink += sk_state_memory(st) + sk_state_machine(st)->num_cpus;
    sk_state_free(st);
    sk_reader_close(r);
    return 0;
}
