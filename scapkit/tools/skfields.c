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

#include "scapkit/fields.h"
#include "scapkit/format.h"
#include "scapkit/render.h"
#include "scapkit/schema.h"
#include "scapkit/state.h"

#define SEP "\x1f"

static const char *const field_names[] = {
    "evt.rawtime", "evt.num",   "thread.tid", "evt.type",     "evt.dir",      "proc.name",
    "proc.pid",    "proc.ppid", "proc.exe",   "proc.cmdline", "proc.cwd",     "fd.num",
    "fd.name",     "fd.type",   "user.name",  "user.uid",     "group.name",   "fd.sip",
    "fd.sport",    "fd.cip",    "fd.cport",   "fd.l4proto",   "container.id", "proc.pname",
};

static void print_ip(bool ipv6, const uint8_t *ip)
{
    char buf[64];

    sk_render_ip(ipv6, ip, buf, sizeof(buf));
    fputs(buf, stdout);
}

static void print_str(const char *s)
{
    if (s)
        fputs(s, stdout);
}

/* One line per event; absent fields (sysdig's <NA>) print as empty strings. */
static void print_event(uint64_t num, const struct sk_event *ev, const struct sk_evt_state *es)
{
    struct sk_fields v;
    const struct sk_thread *t;
    const struct sk_fd *f;

    sk_fields_get(ev, es, &v);
    t = v.thread;
    f = v.fd;
    printf("%" PRIu64 SEP "%" PRIu64 SEP "%" PRId64 SEP "%s" SEP "%s" SEP, ev->ts, num, ev->tid,
           v.evt_type, sk_event_is_enter(ev->type) ? ">" : "<");
    /* proc.name proc.pid proc.ppid proc.exe proc.cmdline proc.cwd */
    if (t) {
        if (v.proc_known)
            print_str(t->comm);
        printf(SEP "%" PRId64 SEP, t->pid);
        if (v.parent)
            printf("%" PRId64, v.parent->pid);
        printf(SEP);
        if (v.proc_known) {
            char small[256];
            size_t n = sk_thread_cmdline(t, small, sizeof(small));

            print_str(t->exe);
            printf(SEP);
            if (n < sizeof(small)) {
                fputs(small, stdout);
            } else {
                char *big = malloc(n + 1);
                if (big) {
                    sk_thread_cmdline(t, big, n + 1);
                    fputs(big, stdout);
                    free(big);
                }
            }
        } else {
            printf(SEP);
        }
        printf(SEP "%s" SEP, t->cwd);
    } else {
        printf(SEP SEP SEP SEP SEP SEP);
    }
    /* fd.num fd.name fd.type */
    if (f) {
        printf("%" PRId64 SEP, f->num);
        print_str(v.fd_name);
        printf(SEP);
        print_str(v.fd_type);
        printf(SEP);
    } else {
        printf(SEP SEP SEP);
    }
    /* user.name user.uid group.name */
    if (t) {
        print_str(v.user_name);
        printf(SEP "%u" SEP, t->uid);
        print_str(v.group_name);
        printf(SEP);
    } else {
        printf(SEP SEP SEP);
    }
    /* fd.sip fd.sport fd.cip fd.cport fd.l4proto */
    if (v.has_server) {
        print_ip(v.ipv6, f->sip);
        printf(SEP "%u", f->sport);
    } else {
        printf(SEP);
    }
    printf(SEP);
    if (v.has_client) {
        print_ip(v.ipv6, f->cip);
        printf(SEP "%u", f->cport);
    } else {
        printf(SEP);
    }
    printf(SEP);
    if (v.has_l4proto)
        print_str(sk_l4proto_name(f->l4proto));
    /* container.id proc.pname */
    printf(SEP "%s" SEP "%s\n", v.proc_known && t->container ? t->container->id : "",
           v.parent && v.parent->comm ? v.parent->comm : "");
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
        case 'q':
            quiet = 1;
            break;
        case 'n':
            header = 1;
            break;
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
                num, secs, secs > 0 ? (double)num / secs : 0.0, sk_state_memory(st), ru.ru_maxrss);
    }
    sk_state_free(st);
    sk_reader_close(r);
    return status;
}
