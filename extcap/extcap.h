// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfdig extcap: shared declarations of the protocol front end (main.c),
 * the local capture (local.c) and the SSH capture (ssh.c).
 */
#ifndef BPFDIG_EXTCAP_H
#define BPFDIG_EXTCAP_H

#include <glib.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BX_IFACE_LOCAL "bpfdig"
#define BX_IFACE_SSH   "bpfdig-ssh"

enum bx_exit {
    BX_EXIT_OK = 0,
    BX_EXIT_FAIL = 1,
    BX_EXIT_USAGE = 2,
    BX_EXIT_PRIVILEGES = 3,
};

enum bx_log_level {
    BX_LOG_ERROR = 0,
    BX_LOG_WARNING,
    BX_LOG_MESSAGE,
    BX_LOG_INFO,
    BX_LOG_DEBUG,
    BX_LOG_NOISY,
};

enum bx_hostkey_policy {
    BX_HOSTKEY_STRICT = 0,
    BX_HOSTKEY_ACCEPT_NEW,
};

enum bx_upload {
    BX_UPLOAD_AUTO = 0, /* upload when the remote host has no agent of our version */
    BX_UPLOAD_NEVER,
    BX_UPLOAD_ALWAYS,
};

/* Options of one run (parsed by main.c). Strings are owned (g_free). */
struct bx_options {
    char *iface;
    char *fifo;
    char *capture_filter;

    /* SSH */
    char *host;
    unsigned port;
    char *user;
    char *password; /* never logged, never passed on */
    char *sshkey;
    char *sshkey_passphrase;
    bool use_agent;
    char *known_hosts;
    enum bx_hostkey_policy hostkey_policy;
    char *proxycommand;
    unsigned connect_timeout;
    char *remote_agent; /* name or path of an installed agent on the remote host */
    enum bx_upload upload;
    char *agent_binary; /* local file to upload */

    /* both */
    char *escalation; /* sudo, doas, pkexec, none */
    char *agent;      /* local agent path */

    /* agent capture options */
    char *syscalls;
    GPtrArray *pids, *comms, *containers; /* char* each; containers: names, id
                                           * prefixes or cgroup paths (leading /) */
    char *container_socket;               /* the runtime's API socket (agent default) */
    int snaplen;                          /* -1: agent default */
    uint64_t count;
    uint64_t duration;
    uint64_t ring_bytes;

    /* debug */
    enum bx_log_level log_level;
    char *log_file;
};

extern volatile sig_atomic_t bx_stop_requested;

void bx_log(enum bx_log_level level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* An error for the user: always to stderr (Wireshark shows it) and the log. */
void bx_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Appends the agent's capture arguments (-w - and the filters) to argv. */
void bx_agent_args(const struct bx_options *o, GPtrArray *argv);

/* The last message bx_error() gave (owned by main.c), or NULL. */
const char *bx_last_error(void);

/* Container listing for the configuration dialog: the output of
 * "bpfdig-agent --list-containers" (ID12<TAB>NAME<TAB>IMAGE lines) into out.
 * 0 on success; else -1 with *err set (owned by the caller). */
int bx_list_containers_local(const struct bx_options *o, unsigned timeout_s, GString *out,
                             char **err);
int bx_list_containers_ssh(struct bx_options *o, GString *out, char **err);

/* Classifies one line the agent wrote on stderr: informational lines go to the
 * log, anything else reaches the user at once. Returns true for an error. */
bool bx_agent_stderr_line(const char *where, const char *line);

/* The output towards Wireshark: large buffer, time-bounded flushes. */
struct bx_out {
    int fd;
    uint8_t *buf;
    size_t len, cap;
    int64_t first_pending_us; /* monotonic time of the oldest unflushed byte */
    uint64_t total;
    bool closed; /* the reader went away */
    /* Block framing (pcapng/scap): only whole blocks are written, so a lost
     * connection never leaves a torn block at the end of the capture. */
    bool framed;         /* enabled with bx_out_frame_blocks() */
    bool frame_lost;     /* not a little-endian block stream: pass bytes through */
    size_t complete;     /* bytes of buf that end on a block boundary */
    uint64_t block_left; /* bytes left in the current block after its header */
    uint8_t hdr[8];
    size_t hdr_len;
};

int bx_out_open(struct bx_out *out, const char *path);
/* Appends data; flushes when the buffer is large or old. -1 when closed. */
int bx_out_put(struct bx_out *out, const void *data, size_t len);
/* Flushes when something is older than the flush interval (or always). */
int bx_out_flush(struct bx_out *out, bool force);
/* True when the reader of the fifo has gone away. */
bool bx_out_reader_gone(struct bx_out *out);
void bx_out_close(struct bx_out *out);
void bx_out_frame_blocks(struct bx_out *out);

#define BX_FLUSH_INTERVAL_US (20 * 1000)
#define BX_FLUSH_BYTES       (256 * 1024)
#define BX_STOP_GRACE_MS     1800

int bx_capture_local(struct bx_options *o);
int bx_capture_ssh(struct bx_options *o);

/* Path of this executable's folder (owned by the caller). */
char *bx_self_dir(void);
/* The local agent to run: option, next to the extcap, build tree, bindir, PATH. */
char *bx_find_local_agent(const struct bx_options *o);

#endif
