/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapdump: list the blocks of a .scap file (plain or gzip'ed, "-" for
 * stdin), optionally every event (-e) and a summary (-s). Exits non-zero
 * on a corrupt file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scapkit/format.h"

struct dump_opts {
    bool events;
    bool summary;
    const char *path;
};

/* A run of consecutive event blocks of one type, printed as one line. */
struct event_run {
    uint32_t type;
    uint64_t offset;
    uint64_t blocks;
    uint64_t bytes;
};

struct dump_stats {
    uint64_t blocks_by_kind[SK_BK_EVENT + 1];
    uint64_t events;
    uint64_t bad_bodies;
    uint64_t first_ts, last_ts;
    uint64_t by_event_type[SK_EVENT_MAX + 1]; /* last slot: unknown codes */
    struct event_run run;
};

static void usage(FILE *out)
{
    fprintf(out, "usage: scapdump [-e] [-s] FILE\n"
                 "  -e  print every event (num, ts, cpu, tid, dir, type, nparams)\n"
                 "  -s  print a summary\n"
                 "FILE may be gzip'ed; \"-\" reads stdin.\n");
}

static int parse_args(int argc, char **argv, struct dump_opts *o)
{
    int c;

    memset(o, 0, sizeof(*o));
    while ((c = getopt(argc, argv, "esh")) != -1) {
        switch (c) {
        case 'e':
            o->events = true;
            break;
        case 's':
            o->summary = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return -1;
        }
    }
    if (optind != argc - 1)
        return -1;
    o->path = argv[optind];
    return 0;
}

/* ---------------------------------------------------------------- counters */

static int count_thread(void *ud, const struct sk_threadinfo *ti)
{
    (void)ti;
    (*(unsigned *)ud)++;
    return 0;
}

static int count_fd(void *ud, uint64_t tid, const struct sk_fdlist_entry *fd)
{
    (void)tid;
    (void)fd;
    (*(unsigned *)ud)++;
    return 0;
}

struct ul_count {
    unsigned users, groups;
};

static int count_user(void *ud, const struct sk_userlist_entry *u)
{
    struct ul_count *c = ud;

    if (u->is_group)
        c->groups++;
    else
        c->users++;
    return 0;
}

static int count_if(void *ud, const struct sk_iflist_entry *i)
{
    (void)i;
    (*(unsigned *)ud)++;
    return 0;
}

/* ---------------------------------------------------------------- block lines */

static const char *block_label(uint32_t type, char *tmp, size_t len)
{
    const char *name = sk_block_name(type);

    if (name)
        return name;
    snprintf(tmp, len, "0x%08" PRIx32, type);
    return tmp;
}

/* Summary text of a metadata block into out; returns the parser's result. */
static int describe_block(const struct sk_block *blk, char *out, size_t len)
{
    struct sk_machine_info mi;
    struct ul_count ul = {0, 0};
    unsigned n = 0;
    int rc = SK_OK;

    switch (sk_block_kind(blk->type)) {
    case SK_BK_SHB:
        rc = sk_parse_shb(blk->body, blk->body_len, &(struct sk_shb){0});
        if (rc == SK_OK)
            snprintf(out, len, "version %u.%u", sk_le16(blk->body + 4), sk_le16(blk->body + 6));
        break;
    case SK_BK_MI:
        rc = sk_parse_machine_info(blk->body, blk->body_len, &mi);
        if (rc == SK_OK)
            snprintf(out, len, "host=%s cpus=%" PRIu32 " mem=%" PRIu64 " max_pid=%" PRIu64,
                     mi.hostname, mi.num_cpus, mi.memory_size_bytes, mi.max_pid);
        break;
    case SK_BK_PL:
        rc = sk_parse_proclist(blk->type, blk->body, blk->body_len, count_thread, &n);
        snprintf(out, len, "threads=%u", n);
        break;
    case SK_BK_FDL:
        rc = sk_parse_fdlist(blk->type, blk->body, blk->body_len, count_fd, &n);
        snprintf(out, len, "tid=%" PRIu64 " fds=%u", blk->body_len >= 8 ? sk_le64(blk->body) : 0,
                 n);
        break;
    case SK_BK_UL:
        rc = sk_parse_userlist(blk->type, blk->body, blk->body_len, count_user, &ul);
        snprintf(out, len, "users=%u groups=%u", ul.users, ul.groups);
        break;
    case SK_BK_IL:
        rc = sk_parse_iflist(blk->type, blk->body, blk->body_len, count_if, &n);
        snprintf(out, len, "interfaces=%u", n);
        break;
    default:
        snprintf(out, len, "(unknown block type)");
        break;
    }
    return rc;
}

static void print_block_line(uint64_t offset, const char *label, uint64_t len, const char *what)
{
    printf("%10" PRIu64 "  %-12s %9" PRIu64 "  %s\n", offset, label, len, what);
}

static void flush_run(struct dump_stats *st, const struct dump_opts *o)
{
    char tmp[32], what[64];

    if (st->run.blocks == 0)
        return;
    if (!o->events) {
        snprintf(what, sizeof(what), "events=%" PRIu64, st->run.blocks);
        print_block_line(st->run.offset, block_label(st->run.type, tmp, sizeof(tmp)), st->run.bytes,
                         what);
    }
    st->run.blocks = 0;
}

/* ---------------------------------------------------------------- events */

static void print_event(uint64_t num, const struct sk_event *ev)
{
    char name[32];

    if (ev->info)
        snprintf(name, sizeof(name), "%s", ev->info->name);
    else
        snprintf(name, sizeof(name), "type%u", ev->type);
    printf("%10" PRIu64 "  %" PRIu64 ".%09" PRIu64 "  cpu=%-3u tid=%-8" PRId64 " %c %-20s "
           "type=%-3u nparams=%" PRIu32 "\n",
           num, ev->ts / 1000000000u, ev->ts % 1000000000u, ev->cpu, ev->tid,
           sk_event_is_enter(ev->type) ? '>' : '<', name, ev->type, ev->nparams);
}

static void handle_event(const struct sk_block *blk, struct dump_stats *st,
                         const struct dump_opts *o)
{
    struct sk_event ev;
    int rc;

    if (st->run.blocks == 0 || st->run.type != blk->type) {
        flush_run(st, o);
        st->run.type = blk->type;
        st->run.offset = blk->offset;
        st->run.bytes = 0;
    }
    st->run.blocks++;
    st->run.bytes += blk->total_len;
    rc = sk_event_decode_block(blk->type, blk->body, blk->body_len, &ev);
    st->events++;
    if (rc != SK_OK) {
        st->bad_bodies++;
        printf("%10" PRIu64 "  event #%" PRIu64 " cannot be decoded: %s\n", blk->offset, st->events,
               sk_strerror(rc));
        return;
    }
    if (st->events == 1)
        st->first_ts = ev.ts;
    st->last_ts = ev.ts;
    st->by_event_type[ev.type < SK_EVENT_MAX ? ev.type : SK_EVENT_MAX]++;
    if (o->events)
        print_event(st->events, &ev);
}

static void handle_block(const struct sk_block *blk, struct dump_stats *st,
                         const struct dump_opts *o)
{
    char tmp[32], what[256];
    enum sk_block_kind kind = sk_block_kind(blk->type);
    int rc;

    st->blocks_by_kind[kind]++;
    if (kind == SK_BK_EVENT) {
        handle_event(blk, st, o);
        return;
    }
    flush_run(st, o);
    what[0] = '\0';
    rc = describe_block(blk, what, sizeof(what));
    if (rc != SK_OK) {
        st->bad_bodies++;
        snprintf(what + strlen(what), sizeof(what) - strlen(what), " ERROR: %s", sk_strerror(rc));
    }
    print_block_line(blk->offset, block_label(blk->type, tmp, sizeof(tmp)), blk->total_len, what);
}

/* ---------------------------------------------------------------- summary */

static void print_summary(const struct dump_stats *st)
{
    static const char *const kinds[] = {"unknown", "SHB", "MI", "PL", "FDL", "IL", "UL", "event"};
    uint64_t shown = 0;
    unsigned k, code;

    printf("\nsummary:\n");
    for (k = 0; k <= SK_BK_EVENT; k++) {
        if (st->blocks_by_kind[k])
            printf("  %-8s blocks: %" PRIu64 "\n", kinds[k], st->blocks_by_kind[k]);
    }
    printf("  events: %" PRIu64 " (%" PRIu64 " undecodable bodies)\n", st->events, st->bad_bodies);
    if (st->events)
        printf("  time span: %.6f s\n", (double)(st->last_ts - st->first_ts) / 1e9);
    for (code = 0; code <= SK_EVENT_MAX && shown < st->events; code++) {
        const struct sk_event_info *info = sk_event_info((uint16_t)code);
        if (!st->by_event_type[code])
            continue;
        printf("  %8" PRIu64 "  %c %s (%u)\n", st->by_event_type[code],
               sk_event_is_enter((uint16_t)code) ? '>' : '<',
               info && code < SK_EVENT_MAX ? info->name : "unknown", code);
        shown += st->by_event_type[code];
    }
}

static int open_input(const char *path, struct sk_reader **r)
{
    if (strcmp(path, "-") == 0) {
        int fd = dup(STDIN_FILENO);
        return fd < 0 ? SK_E_IO : sk_reader_open_fd(r, fd);
    }
    return sk_reader_open_path(r, path);
}

int main(int argc, char **argv)
{
    static struct dump_stats st;
    struct sk_reader *r = NULL;
    struct dump_opts o;
    struct sk_block blk;
    int rc;

    if (parse_args(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    rc = open_input(o.path, &r);
    if (rc != SK_OK) {
        fprintf(stderr, "scapdump: %s: %s\n", o.path, sk_reader_errmsg(NULL));
        return 1;
    }
    while ((rc = sk_reader_next(r, &blk)) == 1)
        handle_block(&blk, &st, &o);
    flush_run(&st, &o);
    if (rc < 0)
        fprintf(stderr, "scapdump: %s: %s\n", o.path, sk_reader_errmsg(r));
    if (o.summary)
        print_summary(&st);
    sk_reader_close(r);
    return (rc < 0 || st.bad_bodies) ? 1 : 0;
}
