/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes small synthetic seed captures for fuzz_reader into a directory:
 * every block generation (PL V1..V9, FDL/UL/IL V1 and V2, legacy _INT ids),
 * every event block type, a concatenated second section, and gzip'ed
 * copies. With capture files as extra arguments it also writes trimmed
 * copies of them (first process-list entries, fd lists and events), small
 * enough to mutate quickly. Usage: fuzz_gen_seeds DIR [CAPTURE...]
 */
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "scap_synth.h"

static int write_seed(const char *dir, const char *name, const struct synth_buf *sb)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (synth_write_file(sb, path) != 0) {
        fprintf(stderr, "fuzz_gen_seeds: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

static int write_gz_seed(const char *dir, const char *name, const struct synth_buf *sb)
{
    char path[4096];
    gzFile gz;
    int ok;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    gz = gzopen(path, "wb");
    if (!gz)
        return -1;
    ok = gzwrite(gz, sb->p, (unsigned)sb->len) == (int)sb->len;
    return (gzclose(gz) == Z_OK && ok) ? 0 : -1;
}

static struct synth_thread seed_thread(uint64_t tid)
{
    struct synth_thread t = {.tid = tid,
                             .pid = tid,
                             .ptid = 1,
                             .comm = "seed",
                             .exe = "seed",
                             .exepath = "/bin/seed",
                             .cwd = "/",
                             .root = "/",
                             .args = "a\0b\0",
                             .args_len = 4,
                             .env = "X=1\0",
                             .env_len = 4,
                             .cgroups = "cpu=/docker/0123456789abcdef0123456789abcdef0123456789abcd"
                                        "ef0123456789abcd\0",
                             .vtid = 1,
                             .vpid = 1,
                             .loginuid = 0,
                             .pgid = (int64_t)tid};
    return t;
}

/* The old block set: PL of one version, FDL/UL/IL V1, EV (no nparams). */
static void old_generation(struct synth_buf *sb, int pl_ver)
{
    static const uint8_t a4[4] = {10, 0, 0, 1}, m4[4] = {255, 255, 255, 0};
    struct synth_thread t = seed_thread(10);
    struct synth_fd file = {.fd = 3, .type = SK_FD_FILE, .name = "/etc/hosts"};
    struct synth_fd sock = {.fd = 4,
                            .type = SK_FD_IPV4_SOCK,
                            .sip = {10, 0, 0, 1},
                            .dip = {1, 1, 1, 1},
                            .sport = 1000,
                            .dport = 53,
                            .l4proto = 3};
    int64_t fd = 3, res = 0;
    struct synth_param close_e[1] = {SYNTH_P(&fd, 8)};
    struct synth_param close_x[1] = {SYNTH_P(&res, 8)};
    struct synth_param notif[2] = {SYNTH_PSTR("id"), SYNTH_PSTR("desc")};
    size_t at;

    synth_shb(sb, 1, 0);
    synth_mi(sb, 1, 1 << 20, 32768, "old", 0);
    at = synth_block_begin(sb, SK_BT_IL_V1);
    synth_if(sb, false, 1, a4, m4, a4, 100, "eth0");
    synth_if(sb, false, 3, a4, m4, a4, 0, "eth1");
    synth_block_end(sb, at);
    at = synth_block_begin(sb, SK_BT_UL_V1);
    synth_user(sb, false, 0, 0, "root", "/root", "/bin/sh");
    synth_group(sb, false, 0, "root");
    synth_block_end(sb, at);
    at = synth_block_begin(sb, synth_pl_type(pl_ver));
    synth_pl_entry(sb, pl_ver, &t);
    synth_block_end(sb, at);
    at = synth_fdl_begin(sb, SK_BT_FDL_V1, 10);
    synth_fd_entry(sb, false, &file);
    synth_fd_entry(sb, false, &sock);
    synth_block_end(sb, at);
    synth_event(sb, SK_BT_EV, 0, 100, 10, 4, 1, close_e);
    synth_event(sb, SK_BT_EV, 0, 101, 10, 5, 1, close_x);
    synth_event_ex(sb, SK_BT_EVF, 0, 1, 102, 10, 4, 1, close_e, 0);
    synth_event_ex(sb, SK_BT_EV, 0, 0, 103, -1, 280, 2, notif, 3);
}

/* Events of every V2 block type, including LARGE ones and an unknown code. */
static void v2_events(struct synth_buf *sb)
{
    uint8_t plugin_id[4] = {0}, data[300] = {'{'};
    int64_t res = 0, fd = 3;
    struct synth_param async[3] = {SYNTH_P(plugin_id, 4), SYNTH_PSTR("container"),
                                   SYNTH_P(data, sizeof(data))};
    struct synth_param close_x[2] = {SYNTH_P(&res, 8), SYNTH_P(&fd, 8)};

    synth_event(sb, SK_BT_EV_V2_LARGE, 0, 200, 1, 402, 3, async);
    synth_event_ex(sb, SK_BT_EVF_V2_LARGE, 1, 1, 201, 1, 402, 3, async, 0);
    synth_event_ex(sb, SK_BT_EVF_V2, 0, 1, 202, 100, 5, 2, close_x, 0);
    synth_event(sb, SK_BT_EV_V2, 0, 203, 100, 999, 2, close_x);
}

static int write_all_seeds(const char *dir)
{
    struct synth_thread legacy = seed_thread(5);
    struct synth_buf sb = SYNTH_BUF_INIT;
    char name[64];
    int rc = 0, ver;
    size_t at;

    synth_small_capture(&sb);
    rc |= write_seed(dir, "synth_small.scap", &sb);
    rc |= write_gz_seed(dir, "synth_small.scap.gz", &sb);
    v2_events(&sb);
    synth_small_capture(&sb); /* second section */
    rc |= write_seed(dir, "synth_two_sections.scap", &sb);
    for (ver = 1; ver <= 8; ver++) {
        sb.len = 0;
        old_generation(&sb, ver);
        snprintf(name, sizeof(name), "synth_old_pl_v%d.scap", ver);
        rc |= write_seed(dir, name, &sb);
    }
    sb.len = 0;
    synth_shb(&sb, 1, 2);
    at = synth_block_begin(&sb, SK_BT_PL_V3_INT);
    synth_pl_entry(&sb, 3, &legacy);
    synth_block_end(&sb, at);
    synth_block(&sb, 0x12345678u, "unknown", 7);
    rc |= write_seed(dir, "synth_legacy_int.scap", &sb);
    synth_free(&sb);
    return rc;
}

/* ---------------------------------------------------------------- trimmed captures */

#define TRIM_PL_BYTES   (8u * 1024u)
#define TRIM_FDL_BLOCKS 12u
#define TRIM_EVENTS     400u

struct pl_cut {
    const uint8_t *base;
    int ver;
    size_t end; /* end offset of the last entry kept */
};

static size_t str_end(const uint8_t *base, struct sk_str s)
{
    return (size_t)((const uint8_t *)s.p - base) + s.len;
}

/* End of a V1..V8 entry: its last variable field plus the fixed fields after it. */
static int note_entry_end(void *ud, const struct sk_threadinfo *ti)
{
    struct pl_cut *cut = ud;
    size_t end;

    if (cut->ver >= 5)
        end = str_end(cut->base, ti->root);
    else if (cut->ver == 4)
        end = str_end(cut->base, ti->cgroups);
    else if (cut->ver == 3)
        end = str_end(cut->base, ti->env);
    else
        end = str_end(cut->base, ti->cwd) + 20 + (cut->ver == 2 ? 28 : 0);
    if (end > TRIM_PL_BYTES && cut->end > 0)
        return 1;
    cut->end = end;
    return 0;
}

static int pl_generation(uint32_t type)
{
    int ver;

    for (ver = 1; ver <= 9; ver++) {
        if (synth_pl_type(ver) == type)
            return ver;
    }
    return 0;
}

/* Length of a prefix of whole entries of a PL body, about TRIM_PL_BYTES long. */
static size_t proclist_prefix(const struct sk_block *blk)
{
    struct pl_cut cut = {blk->body, 0, 0};
    size_t off = 0, len;

    if (blk->type != SK_BT_PL_V9) {
        cut.ver = pl_generation(blk->type);
        sk_parse_proclist(blk->type, blk->body, blk->body_len, note_entry_end, &cut);
        return cut.end;
    }
    while (off + 4 <= blk->body_len) {
        len = sk_le32(blk->body + off);
        if (len < 4 || len > blk->body_len - off || (off > 0 && off + len > TRIM_PL_BYTES))
            break;
        off += len;
    }
    return off;
}

static void copy_block(struct synth_buf *out, const struct sk_block *blk)
{
    synth_bytes(out, blk->body - 8, blk->total_len);
}

/* Old captures open with long procinfo runs: keep a few, then real syscalls. */
#define PPME_PROCINFO_E 234u
#define TRIM_PROCINFO   16u

struct trim_counts {
    unsigned fdls, events, procinfos;
};

static bool keep_event(const struct sk_block *blk, struct trim_counts *n)
{
    struct sk_event ev;

    if (sk_event_decode_block(blk->type, blk->body, blk->body_len, &ev) == SK_OK &&
        ev.type == PPME_PROCINFO_E && n->procinfos++ >= TRIM_PROCINFO)
        return false;
    return n->events++ < TRIM_EVENTS;
}

static bool keep_block(const struct sk_block *blk, struct trim_counts *n)
{
    switch (sk_block_kind(blk->type)) {
    case SK_BK_FDL:
        return n->fdls++ < TRIM_FDL_BLOCKS;
    case SK_BK_EVENT:
        return keep_event(blk, n);
    default:
        return true;
    }
}

static int trim_capture(const char *dir, const char *path)
{
    struct synth_buf out = SYNTH_BUF_INIT;
    struct sk_reader *r = NULL;
    struct trim_counts counts = {0, 0, 0};
    const char *base = strrchr(path, '/');
    struct sk_block blk;
    char name[512];
    int rc;

    if (sk_reader_open_path(&r, path) != SK_OK) {
        fprintf(stderr, "fuzz_gen_seeds: %s\n", sk_reader_errmsg(NULL));
        return -1;
    }
    while ((rc = sk_reader_next(r, &blk)) == 1) {
        if (sk_block_kind(blk.type) == SK_BK_PL && blk.body_len > TRIM_PL_BYTES)
            synth_block(&out, blk.type, blk.body, proclist_prefix(&blk));
        else if (keep_block(&blk, &counts))
            copy_block(&out, &blk);
    }
    sk_reader_close(r);
    snprintf(name, sizeof(name), "trim_%s", base ? base + 1 : path);
    if (rc == 0)
        rc = write_seed(dir, name, &out);
    synth_free(&out);
    return rc;
}

int main(int argc, char **argv)
{
    int rc, i;

    if (argc < 2) {
        fprintf(stderr, "usage: fuzz_gen_seeds DIR [CAPTURE...]\n");
        return 2;
    }
    rc = write_all_seeds(argv[1]);
    for (i = 2; i < argc; i++)
        rc |= trim_capture(argv[1], argv[i]);
    return rc == 0 ? 0 : 1;
}
