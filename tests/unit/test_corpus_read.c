/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walks every corpus capture (BPFDIG_CORPUS) and checks the block inventory
 * of scap-format.md §1.13, that every metadata block parses and that every
 * event decodes with a known type and no more parameters than the schema.
 * Also reads one file through each source kind (path, fd, memory, gzip'ed
 * memory) and spot-checks values sysdig 0.29 prints for the same records.
 */
#include <fcntl.h>
#include <unistd.h>

#include <zlib.h>

#include "check.h"
#include "scap_synth.h"
#include "scapkit/format.h"

struct corpus_file {
    const char *name;
    uint16_t major, minor;
    uint32_t pl_type, fdl_type, il_type, ul_type, ev_type;
    unsigned fdl_count, events;
};

static const struct corpus_file corpus[] = {
    {"curl_google.scap", 1, 0, 0x211, 0x203, 0x205, 0x206, 0x204, 54, 1536},
    {"curl_google_comments.scap", 1, 0, 0x211, 0x203, 0x205, 0x206, 0x204, 54, 1536},
    {"falco_cat_write.scap", 1, 0, 0x212, 0x203, 0x205, 0x206, 0x204, 73, 345},
    {"falco_connect_localhost.scap", 1, 0, 0x213, 0x203, 0x205, 0x206, 0x204, 184, 374},
    {"falco_empty.scap", 1, 2, 0x215, 0x218, 0x219, 0x220, 0x216, 218, 143},
    {"falco_open-multiple-files.scap", 1, 0, 0x212, 0x203, 0x205, 0x206, 0x204, 128, 1272},
    {"falco_ping_sendto.scap", 1, 2, 0x215, 0x218, 0x219, 0x220, 0x216, 136, 1526},
    {"falco_syscall.scap", 1, 1, 0x214, 0x203, 0x205, 0x206, 0x204, 229, 368},
    {"inspect_502Error.scap", 1, 0, 0x211, 0x203, 0x205, 0x206, 0x204, 4, 22381},
    {"psp_privileged.scap", 1, 2, 0x215, 0x218, 0x219, 0x220, 0x216, 100, 2059},
    {"psp_run_as_user_0_container.scap", 1, 2, 0x215, 0x218, 0x219, 0x220, 0x216, 124, 4143},
    {"psp_run_as_user_65534_container.scap", 1, 2, 0x215, 0x218, 0x219, 0x220, 0x216, 126, 241},
    {"psp_write_tmp_test.scap", 1, 2, 0x215, 0x218, 0x219, 0x220, 0x216, 124, 229},
    {"single_ipv6_conn.scap", 1, 2, 0x215, 0x218, 0x219, 0x220, 0x216, 154, 1728},
    {"test_ipv6_client.scap", 1, 0, 0x211, 0x203, 0x205, 0x206, 0x204, 58, 326},
};

struct inventory {
    unsigned shb, mi, pl, fdl, il, ul, events, other;
    unsigned bad_type;  /* a block of the right kind but another version */
    unsigned bad_body;  /* a metadata body that did not parse */
    unsigned bad_event; /* an event that did not decode, or inconsistent */
    unsigned threads, fds, users;
    uint16_t major, minor;
    int rc;
};

static int count_thread(void *ud, const struct sk_threadinfo *ti)
{
    (void)ti;
    ((struct inventory *)ud)->threads++;
    return 0;
}

static int count_fd(void *ud, uint64_t tid, const struct sk_fdlist_entry *fd)
{
    (void)tid;
    (void)fd;
    ((struct inventory *)ud)->fds++;
    return 0;
}

static int count_user(void *ud, const struct sk_userlist_entry *u)
{
    (void)u;
    ((struct inventory *)ud)->users++;
    return 0;
}

static int count_if(void *ud, const struct sk_iflist_entry *i)
{
    (void)ud;
    (void)i;
    return 0;
}

static void check_event(const struct sk_block *blk, struct inventory *inv)
{
    struct sk_event ev;

    if (sk_event_decode_block(blk->type, blk->body, blk->body_len, &ev) != SK_OK ||
        ev.info == NULL || ev.nparams > ev.info->nparams)
        inv->bad_event++;
}

static int parse_meta(const struct sk_block *blk, struct inventory *inv)
{
    struct sk_machine_info mi;

    switch (sk_block_kind(blk->type)) {
    case SK_BK_MI:
        return sk_parse_machine_info(blk->body, blk->body_len, &mi);
    case SK_BK_PL:
        return sk_parse_proclist(blk->type, blk->body, blk->body_len, count_thread, inv);
    case SK_BK_FDL:
        return sk_parse_fdlist(blk->type, blk->body, blk->body_len, count_fd, inv);
    case SK_BK_UL:
        return sk_parse_userlist(blk->type, blk->body, blk->body_len, count_user, inv);
    case SK_BK_IL:
        return sk_parse_iflist(blk->type, blk->body, blk->body_len, count_if, inv);
    default:
        return SK_OK;
    }
}

static void tally(const struct corpus_file *cf, const struct sk_block *blk, struct inventory *inv)
{
    uint32_t want = 0;
    unsigned *slot = &inv->other;

    switch (sk_block_kind(blk->type)) {
    case SK_BK_SHB:
        slot = &inv->shb;
        want = SK_BT_SHB;
        break;
    case SK_BK_MI:
        slot = &inv->mi;
        want = SK_BT_MI;
        break;
    case SK_BK_PL:
        slot = &inv->pl;
        want = cf->pl_type;
        break;
    case SK_BK_FDL:
        slot = &inv->fdl;
        want = cf->fdl_type;
        break;
    case SK_BK_IL:
        slot = &inv->il;
        want = cf->il_type;
        break;
    case SK_BK_UL:
        slot = &inv->ul;
        want = cf->ul_type;
        break;
    case SK_BK_EVENT:
        slot = &inv->events;
        want = cf->ev_type;
        check_event(blk, inv);
        break;
    default:
        break;
    }
    (*slot)++;
    if (want && blk->type != want)
        inv->bad_type++;
    if (parse_meta(blk, inv) != SK_OK)
        inv->bad_body++;
}

static struct inventory walk(const struct corpus_file *cf, struct sk_reader *r)
{
    struct inventory inv;
    struct sk_block blk;

    memset(&inv, 0, sizeof(inv));
    while ((inv.rc = sk_reader_next(r, &blk)) == 1) {
        if (blk.type == SK_BT_SHB) {
            inv.major = sk_reader_shb(r)->major;
            inv.minor = sk_reader_shb(r)->minor;
        }
        tally(cf, &blk, &inv);
    }
    if (inv.rc < 0)
        fprintf(stderr, "%s: %s\n", cf->name, sk_reader_errmsg(r));
    return inv;
}

static void check_inventory(const struct corpus_file *cf, const struct inventory *inv)
{
    unsigned failed_before = check_failed;

    CHECK_INT(inv->rc, 0);
    CHECK_INT(inv->shb, 1);
    CHECK_INT(inv->major, cf->major);
    CHECK_INT(inv->minor, cf->minor);
    CHECK_INT(inv->mi, 1);
    CHECK_INT(inv->pl, 1);
    CHECK_INT(inv->il, 1);
    CHECK_INT(inv->ul, 1);
    CHECK_INT(inv->fdl, cf->fdl_count);
    CHECK_INT(inv->events, cf->events);
    CHECK_INT(inv->other, 0);
    CHECK_INT(inv->bad_type, 0);
    CHECK_INT(inv->bad_body, 0);
    CHECK_INT(inv->bad_event, 0);
    CHECK(inv->threads > 0);
    CHECK(inv->users > 0);
    if (check_failed != failed_before)
        fprintf(stderr, "  (in %s)\n", cf->name);
}

static void test_all_files(const char *dir)
{
    size_t i;

    for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
        char path[4096];
        struct sk_reader *r = NULL;
        struct inventory inv;

        snprintf(path, sizeof(path), "%s/%s", dir, corpus[i].name);
        CHECK_INT(sk_reader_open_path(&r, path), SK_OK);
        if (!r) {
            fprintf(stderr, "%s: %s\n", path, sk_reader_errmsg(NULL));
            continue;
        }
        inv = walk(&corpus[i], r);
        check_inventory(&corpus[i], &inv);
        sk_reader_close(r);
    }
}

static int load_raw(const char *path, struct synth_buf *out)
{
    uint8_t chunk[65536];
    FILE *f = fopen(path, "rb");
    size_t got;

    if (!f)
        return -1;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        synth_bytes(out, chunk, got);
    fclose(f);
    return 0;
}

/* Whole file decompressed into memory with zlib's gz* API. */
static int load_gunzipped(const char *path, struct synth_buf *out)
{
    uint8_t chunk[65536];
    gzFile gz = gzopen(path, "rb");
    int n;

    if (!gz)
        return -1;
    while ((n = gzread(gz, chunk, sizeof(chunk))) > 0)
        synth_bytes(out, chunk, (size_t)n);
    gzclose(gz);
    return n < 0 ? -1 : 0;
}

/* One gzip'ed file through the fd, plain-memory and gzip-memory sources. */
static void test_sources(const char *dir)
{
    const struct corpus_file *cf = &corpus[0];
    struct synth_buf plain = SYNTH_BUF_INIT, gz = SYNTH_BUF_INIT;
    struct sk_reader *r = NULL;
    struct inventory inv;
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, cf->name);
    CHECK_INT(sk_reader_open_fd(&r, open(path, O_RDONLY)), SK_OK);
    if (r) {
        inv = walk(cf, r);
        check_inventory(cf, &inv);
        sk_reader_close(r);
    }
    CHECK_INT(load_gunzipped(path, &plain), 0);
    CHECK_INT(load_raw(path, &gz), 0);
    CHECK(gz.len < plain.len); /* the corpus file is gzip'ed */
    CHECK_INT(sk_reader_open_mem(&r, plain.p, plain.len), SK_OK);
    if (r) {
        inv = walk(cf, r);
        check_inventory(cf, &inv);
        sk_reader_close(r);
    }
    CHECK_INT(sk_reader_open_mem(&r, gz.p, gz.len), SK_OK);
    if (r) {
        inv = walk(cf, r);
        check_inventory(cf, &inv);
        sk_reader_close(r);
    }
    synth_free(&plain);
    synth_free(&gz);
}

/* Records as sysdig 0.29 prints them (evt.num = record number). */
static void test_spot_values(const char *dir)
{
    struct sk_reader *r = NULL;
    struct sk_machine_info mi;
    struct sk_block blk;
    struct sk_event ev;
    char path[4096];
    unsigned nev = 0;

    snprintf(path, sizeof(path), "%s/curl_google.scap", dir);
    CHECK_INT(sk_reader_open_path(&r, path), SK_OK);
    if (!r)
        return;
    while (sk_reader_next(r, &blk) == 1) {
        if (blk.type == SK_BT_MI) {
            CHECK_INT(sk_parse_machine_info(blk.body, blk.body_len, &mi), SK_OK);
            CHECK_STR(mi.hostname, "ip-10-0-0-79");
            CHECK_INT(mi.num_cpus, 1);
        }
        if (!sk_block_is_event(blk.type) || ++nev != 211)
            continue;
        /* "211 17497 1534527348514632619 < execve" */
        CHECK_INT(sk_event_decode_block(blk.type, blk.body, blk.body_len, &ev), SK_OK);
        CHECK_INT(ev.tid, 17497);
        CHECK(ev.ts == 1534527348514632619ull);
        CHECK(!sk_event_is_enter(ev.type));
        CHECK(ev.info && strcmp(ev.info->name, "execve") == 0);
    }
    CHECK_INT(nev, 1536);
    sk_reader_close(r);
}

int main(void)
{
    const char *dir = check_corpus_dir();

    if (!dir) {
        printf("test_corpus_read: BPFDIG_CORPUS not set, skipping\n");
        return 77;
    }
    test_all_files(dir);
    test_sources(dir);
    test_spot_values(dir);
    return check_summary("test_corpus_read");
}
