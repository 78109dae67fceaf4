/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * skfields: print per-event falco fields computed by the scapkit state
 * engine alone (no Wireshark), one line per event, fields separated by
 * 0x1f. Used by the reference-agreement tests and the reader benchmark.
 *
 *   skfields [-q] [-n] FILE
 *     -q  compute everything but print nothing (benchmark)
 *     -n  print a header line with the field names
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "scapkit/format.h"
#include "scapkit/schema.h"
#include "scapkit/state.h"

#define SEP "\x1f"

static const char *const field_names[] = {
    "evt.rawtime", "evt.num", "thread.tid", "evt.type",  "evt.dir",     "proc.name",
    "proc.pid",   "proc.ppid",   "proc.exe",   "proc.cmdline", "proc.cwd", "fd.num",
    "fd.name",    "fd.type",     "user.name",  "user.uid",  "group.name",  "fd.sip",
    "fd.sport",   "fd.cip",      "fd.cport",   "fd.l4proto", "container.id", "proc.pname",
};

static void print_ip(const struct sk_fd *f, const uint8_t *ip, int ip_set)
{
    if (!ip_set) {
        return;
    }
    if (f->is_ipv6) {
        char buf[64];
        size_t n = 0;
        /* plain expanded form is enough for tests; keep it compact like inet_ntop */
        unsigned w[8];
        int best = -1, best_len = 0;
        for (int i = 0; i < 8; i++)
            w[i] = ((unsigned)ip[2 * i] << 8) | ip[2 * i + 1];
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && w[j] == 0)
                j++;
            if (j - i > best_len && j - i >= 2) {
                best = i;
                best_len = j - i;
            }
            i = j > i ? j : i + 1;
        }
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "::");
                i += best_len - 1;
                continue;
            }
            if (n && buf[n - 1] != ':')
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, ":");
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%x", w[i]);
        }
        fputs(buf, stdout);
    } else {
        printf("%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    }
}

static int is_socket(const struct sk_fd *f)
{
    return f->type == SK_FD_IPV4_SOCK || f->type == SK_FD_IPV6_SOCK ||
           f->type == SK_FD_IPV4_SERVSOCK || f->type == SK_FD_IPV6_SERVSOCK;
}


static void print_event(uint64_t num, const struct sk_event *ev, const struct sk_evt_state *es)
{
    const struct sk_thread *t = es->thread;
    const struct sk_fd *f = es->fd;
    const struct sk_thread *p = t ? t->parent : NULL;

    printf("%" PRIu64 SEP "%" PRIu64 SEP "%" PRId64 SEP "%s" SEP "%s" SEP, ev->ts, num, ev->tid,
           es->type_name ? es->type_name : sk_event_type_name(ev), sk_event_is_enter(ev->type) ? ">" : "<");
    if (t) {
        printf("%s" SEP "%" PRId64 SEP, t->comm, t->pid);
        if (p)
            printf("%" PRId64, p->pid);
        printf(SEP "%s" SEP "%s%s%s" SEP "%s" SEP, t->exe, t->comm, t->nargs ? " " : "",
               t->args, t->cwd);
    } else {
        printf(SEP SEP SEP SEP SEP SEP);
    }
    if (f) {
        printf("%" PRId64 SEP "%s" SEP "%s" SEP, f->num, f->name ? f->name : "",
               f->typechar ? sk_fd_typename(f->type) : "");
    } else {
        printf(SEP SEP SEP);
    }
    if (t) {
        printf("%s" SEP, t->user_name ? t->user_name : "");
        printf("%u", t->uid);
        printf(SEP "%s" SEP, t->group_name ? t->group_name : "");
    } else {
        printf(SEP SEP SEP);
    }
    if (f && is_socket(f) && f->has_tuple) {
        bool serv = f->type == SK_FD_IPV4_SERVSOCK || f->type == SK_FD_IPV6_SERVSOCK;
        print_ip(f, f->sip, 1);
        printf(SEP "%u" SEP, f->sport);
        if (!serv)
            print_ip(f, f->cip, 1);
        printf(SEP);
        if (!serv)
            printf("%u", f->cport);
        printf(SEP "%s", sk_l4proto_name(f->l4proto));
    } else {
        printf(SEP SEP SEP SEP);
    }
    printf(SEP "%s" SEP "%s\n", t && t->container ? t->container->id : "",
           p ? p->comm : "");
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct sk_reader *r = NULL;
    struct sk_state *st = NULL;
    struct sk_block blk;
    uint64_t num = 0;
    int opt, rc, quiet = 0, header = 0, status = 0;
    double t0;

    while ((opt = getopt(argc, argv, "qn")) != -1) {
        switch (opt) {
        case 'q': quiet = 1; break;
        case 'n': header = 1; break;
        default:
            fprintf(stderr, "usage: %s [-q] [-n] FILE\n", argv[0]);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: %s [-q] [-n] FILE\n", argv[0]);
        return 2;
    }
    rc = sk_reader_open_path(&r, argv[optind]);
    if (rc < 0) {
        fprintf(stderr, "skfields: %s: %s\n", argv[optind], sk_strerror(rc));
        return 1;
    }
    st = sk_state_new();
    if (!st) {
        fprintf(stderr, "skfields: out of memory\n");
        sk_reader_close(r);
        return 1;
    }
    if (header && !quiet) {
        for (size_t i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
            printf("%s%s", i ? SEP : "", field_names[i]);
        printf("\n");
    }
    t0 = now_sec();
    while ((rc = sk_reader_next(r, &blk)) > 0) {
        struct sk_event ev;
        struct sk_evt_state es;

        if (!sk_block_is_event(blk.type)) {
            sk_state_load_block(st, blk.type, blk.body, blk.body_len);
            continue;
        }
        num++;
        if (sk_event_decode_block(blk.type, blk.body, blk.body_len, &ev) < 0)
            continue;
        sk_state_process(st, &ev, &es);
        if (!quiet)
            print_event(num, &ev, &es);
    }
    if (rc < 0) {
        fprintf(stderr, "skfields: %s: %s\n", argv[optind], sk_reader_errmsg(r));
        status = 1;
    }
    if (quiet) {
        double secs = now_sec() - t0;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr,
                "events %" PRIu64 " seconds %.3f events_per_sec %.0f state_bytes %zu "
                "maxrss_kb %ld\n",
                num, secs, secs > 0 ? (double)num / secs : 0.0, sk_state_memory(st),
                ru.ru_maxrss);
    }
    sk_state_free(st);
    sk_reader_close(r);
    return status;
}
