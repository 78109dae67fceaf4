/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui_sample: writes a small synthetic capture for the GUI test when the
 * third-party corpus is absent. Two processes, "bash" and "curl" (with a
 * TCP socket in its fd list), and a handful of curl events that open, read
 * and close /etc/resolv.conf and read from the socket, so that
 * proc.name == "curl" matches rows whose fd.name is set.
 *
 *   gui_sample OUT.scap
 */
#include <stdio.h>

#include "scap_synth.h"

#define T0 1700000000000000000ull

int main(int argc, char **argv)
{
    static const uint8_t lo[4] = {127, 0, 0, 1}, mask[4] = {255, 0, 0, 0};
    struct synth_thread bash = {.tid = 100, .pid = 100, .ptid = 1, .comm = "bash",
                                .exe = "/bin/bash", .exepath = "/usr/bin/bash", .cwd = "/root",
                                .args = "", .env = "HOME=/root\0", .env_len = 11,
                                .vtid = 100, .vpid = 100, .loginuid = 0, .pgid = 100};
    struct synth_thread curl = {.tid = 200, .pid = 200, .ptid = 100, .comm = "curl",
                                .exe = "curl", .exepath = "/usr/bin/curl", .cwd = "/root",
                                .args = "-s\0https://www.google.com/\0", .args_len = 27,
                                .env = "HOME=/root\0", .env_len = 11,
                                .vtid = 200, .vpid = 200, .loginuid = 0, .pgid = 200};
    struct synth_fd sock = {.fd = 3, .type = SK_FD_IPV4_SOCK, .sip = {10, 0, 0, 2},
                            .dip = {142, 250, 0, 1}, .sport = 40000, .dport = 443,
                            .l4proto = 2};
    struct synth_buf sb = SYNTH_BUF_INIT;
    int64_t res0 = 0, res10 = 10, fd3 = 3, fd4 = 4, dirfd = -100, fd5 = 5;
    uint32_t flags = 1, mode = 0, dev = 0x801, size = 4096;
    uint64_t ino = 77;
    const char *path = "/etc/resolv.conf";
    size_t at;

    if (argc != 2) {
        fprintf(stderr, "usage: gui_sample OUT.scap\n");
        return 2;
    }
    synth_shb(&sb, 1, 2);
    synth_mi(&sb, 1, 1ull << 30, 4194304, "guihost", T0);
    at = synth_block_begin(&sb, SK_BT_IL_V2);
    synth_if(&sb, true, 1, lo, mask, lo, 0, "lo");
    synth_block_end(&sb, at);
    at = synth_block_begin(&sb, SK_BT_UL_V2);
    synth_user(&sb, true, 0, 0, "root", "/root", "/bin/bash");
    synth_group(&sb, true, 0, "root");
    synth_block_end(&sb, at);
    at = synth_block_begin(&sb, SK_BT_PL_V9);
    synth_pl_entry(&sb, 9, &bash);
    synth_pl_entry(&sb, 9, &curl);
    synth_block_end(&sb, at);
    at = synth_fdl_begin(&sb, SK_BT_FDL_V2, 200);
    synth_fd_entry(&sb, true, &sock);
    synth_block_end(&sb, at);

    {
        struct synth_param close_bash[2] = {SYNTH_P(&res0, 8), SYNTH_P(&fd5, 8)};
        struct synth_param open_e[4] = {SYNTH_P(&dirfd, 8), SYNTH_PSTR(path), SYNTH_P(&flags, 4),
                                        SYNTH_P(&mode, 4)};
        struct synth_param open_x[7] = {SYNTH_P(&fd4, 8),  SYNTH_P(&dirfd, 8), SYNTH_PSTR(path),
                                        SYNTH_P(&flags, 4), SYNTH_P(&mode, 4), SYNTH_P(&dev, 4),
                                        SYNTH_P(&ino, 8)};
        struct synth_param read_file[4] = {SYNTH_P(&res10, 8), SYNTH_P("nameserver", 10),
                                           SYNTH_P(&fd4, 8), SYNTH_P(&size, 4)};
        struct synth_param close_file[2] = {SYNTH_P(&res0, 8), SYNTH_P(&fd4, 8)};
        struct synth_param read_sock[4] = {SYNTH_P(&res10, 8), SYNTH_P("HTTP/1.1 2", 10),
                                           SYNTH_P(&fd3, 8), SYNTH_P(&size, 4)};
        uint64_t ts = T0 + 1000000000ull;

        synth_event(&sb, SK_BT_EV_V2, 0, ts += 1000, 100, 5, 2, close_bash);
        synth_event(&sb, SK_BT_EV_V2, 0, ts += 1000, 200, 306, 4, open_e);
        synth_event(&sb, SK_BT_EV_V2, 0, ts += 1000, 200, 307, 7, open_x);
        synth_event(&sb, SK_BT_EV_V2, 0, ts += 1000, 200, 7, 4, read_file);
        synth_event(&sb, SK_BT_EV_V2, 0, ts += 1000, 200, 5, 2, close_file);
        synth_event(&sb, SK_BT_EV_V2, 0, ts += 1000, 200, 7, 4, read_sock);
        synth_event(&sb, SK_BT_EV_V2, 0, ts += 1000, 100, 5, 2, close_bash);
    }
    if (synth_write_file(&sb, argv[1]) != 0) {
        fprintf(stderr, "gui_sample: cannot write %s\n", argv[1]);
        synth_free(&sb);
        return 1;
    }
    synth_free(&sb);
    return 0;
}
