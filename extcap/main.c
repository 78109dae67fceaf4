// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfdig extcap: Wireshark's external capture protocol for system-call
 * capture with bpfdig-agent, on this host ("bpfdig") or over SSH
 * ("bpfdig-ssh"). This file: interfaces, DLTs, the configuration dialog,
 * capture-filter validation, options, logging and the fifo output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "extcap.h"

#ifndef BPFDIG_VERSION
#define BPFDIG_VERSION "0.0.0"
#endif
#ifndef BPFDIG_INSTALL_DOCDIR
#define BPFDIG_INSTALL_DOCDIR "/usr/local/share/doc/bpfdig"
#endif
#define BX_HELP_URL "file://" BPFDIG_INSTALL_DOCDIR "/remote-capture.md"

volatile sig_atomic_t bx_stop_requested;

static enum bx_log_level log_level = BX_LOG_WARNING;
static FILE *log_file;

static const char *const level_names[] = {"error", "warning", "message", "info", "debug", "noisy"};
static char *last_error;

static void log_line(enum bx_log_level level, const char *msg)
{
    if (log_file) {
        char stamp[64];
        struct timespec ts;
        struct tm tm;

        clock_gettime(CLOCK_REALTIME, &ts);
        localtime_r(&ts.tv_sec, &tm);
        strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
        fprintf(log_file, "%s.%03ld [%d] %s: %s\n", stamp, ts.tv_nsec / 1000000, (int)getpid(),
                level_names[level], msg);
        fflush(log_file);
    }
}

void bx_log(enum bx_log_level level, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (level > log_level)
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    log_line(level, msg);
    /* Without a log file, warnings and what was asked for go to stderr,
     * which Wireshark shows when the capture ends. */
    if (!log_file && level >= BX_LOG_WARNING)
        fprintf(stderr, "bpfdig: %s\n", msg);
    g_free(msg);
}

void bx_error(const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    log_line(BX_LOG_ERROR, msg);
    fprintf(stderr, "%s\n", msg);
    fflush(stderr);
    g_free(last_error);
    last_error = msg;
}

const char *bx_last_error(void)
{
    return last_error;
}

/* ------------------------------------------------------------ output */

static int64_t now_us(void)
{
    return g_get_monotonic_time();
}

int bx_out_open(struct bx_out *out, const char *path)
{
    struct stat sb;

    memset(out, 0, sizeof(*out));
    out->cap = 4u << 20;
    out->buf = g_malloc(out->cap);
    if (stat(path, &sb) == 0 && S_ISFIFO(sb.st_mode)) {
        /* Wait for dumpcap to open its end, but stay stoppable. */
        for (;;) {
            out->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
            if (out->fd >= 0 || errno != ENXIO || bx_stop_requested)
                break;
            g_usleep(20 * 1000);
        }
        if (out->fd >= 0) {
            fcntl(out->fd, F_SETFL, fcntl(out->fd, F_GETFL) & ~O_NONBLOCK);
            /* a larger pipe: fewer wake-ups of dumpcap and of us */
            fcntl(out->fd, F_SETPIPE_SZ, 1 << 20);
        }
    } else {
        out->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    }
    if (out->fd < 0) {
        bx_error("bpfdig: cannot open the capture fifo %s: %s", path,
                 bx_stop_requested ? "stopped before Wireshark opened it" : g_strerror(errno));
        return -1;
    }
    return 0;
}

void bx_out_frame_blocks(struct bx_out *out)
{
    out->framed = true;
}

/* Advances the block framing over the n bytes just appended at buf[start]. */
static void frame_scan(struct bx_out *out, size_t start, size_t n)
{
    const uint8_t *p = out->buf + start;
    size_t pos = start;

    if (!out->framed || out->frame_lost) {
        out->complete = out->len;
        return;
    }
    while (n) {
        size_t take;
        if (out->block_left == 0) {
            uint32_t type, blen;
            take = 8 - out->hdr_len < n ? 8 - out->hdr_len : n;
            memcpy(out->hdr + out->hdr_len, p, take);
            out->hdr_len += take;
            p += take;
            pos += take;
            n -= take;
            if (out->hdr_len < 8)
                break;
            memcpy(&type, out->hdr, 4);
            memcpy(&blen, out->hdr + 4, 4);
            out->hdr_len = 0;
            if (blen < 12 || (blen & 3) || (out->total == 0 && pos == 8 && type != 0x0A0D0D0A)) {
                bx_log(BX_LOG_INFO, "output is not a little-endian block stream: no framing");
                out->frame_lost = true;
                out->complete = out->len;
                return;
            }
            out->block_left = blen - 8;
            continue;
        }
        take = out->block_left < n ? (size_t)out->block_left : n;
        out->block_left -= take;
        p += take;
        pos += take;
        n -= take;
        if (out->block_left == 0)
            out->complete = pos;
    }
}

/* Writes the complete blocks (everything when unframed); keeps the rest. */
static int out_write_all(struct bx_out *out)
{
    size_t off = 0, upto = out->framed && !out->frame_lost ? out->complete : out->len;

    while (off < upto) {
        ssize_t n = write(out->fd, out->buf + off, upto - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EPIPE) {
                bx_log(BX_LOG_INFO, "Wireshark closed the fifo");
            } else {
                bx_error("bpfdig: writing the capture fifo failed: %s", g_strerror(errno));
            }
            out->closed = true;
            out->len = out->complete = 0;
            return -1;
        }
        off += (size_t)n;
        out->total += (uint64_t)n;
    }
    memmove(out->buf, out->buf + upto, out->len - upto);
    out->len -= upto;
    out->complete = 0;
    if (out->len)
        out->first_pending_us = now_us();
    return 0;
}

int bx_out_flush(struct bx_out *out, bool force)
{
    if (out->closed)
        return -1;
    if (!out->len)
        return 0;
    if (!force && now_us() - out->first_pending_us < BX_FLUSH_INTERVAL_US &&
        out->len < BX_FLUSH_BYTES)
        return 0;
    return out_write_all(out);
}

int bx_out_put(struct bx_out *out, const void *data, size_t len)
{
    if (out->closed)
        return -1;
    while (len) {
        size_t room, n;
        if (out->len == out->cap) {
            if (out_write_all(out))
                return -1;
            if (out->len == out->cap) { /* one block larger than the buffer */
                out->cap *= 2;
                out->buf = g_realloc(out->buf, out->cap);
            }
        }
        room = out->cap - out->len;
        n = len < room ? len : room;
        if (!out->len)
            out->first_pending_us = now_us();
        memcpy(out->buf + out->len, data, n);
        out->len += n;
        frame_scan(out, out->len - n, n);
        data = (const uint8_t *)data + n;
        len -= n;
    }
    return bx_out_flush(out, false);
}

bool bx_out_reader_gone(struct bx_out *out)
{
    struct pollfd p = {.fd = out->fd, .events = 0};

    if (out->closed)
        return true;
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP))) {
        bx_log(BX_LOG_INFO, "Wireshark closed the fifo");
        out->closed = true;
    }
    return out->closed;
}

void bx_out_close(struct bx_out *out)
{
    if (out->fd >= 0) {
        bx_out_flush(out, true);
        if (out->len && !out->closed)
            bx_log(BX_LOG_WARNING, "left out %zu bytes of an incomplete last block", out->len);
        close(out->fd);
    }
    out->fd = -1;
    g_free(out->buf);
    out->buf = NULL;
}

/* ------------------------------------------------------------ agent */

static void add_list(GPtrArray *argv, const char *flag, GPtrArray *values)
{
    for (guint i = 0; values && i < values->len; i++) {
        g_ptr_array_add(argv, g_strdup(flag));
        g_ptr_array_add(argv, g_strdup(g_ptr_array_index(values, i)));
    }
}

/* Cgroup paths (a leading /) go to -C, container names and ids to --container. */
static void add_containers(GPtrArray *argv, GPtrArray *values)
{
    for (guint i = 0; values && i < values->len; i++) {
        const char *v = g_ptr_array_index(values, i);
        g_ptr_array_add(argv, g_strdup(v[0] == '/' ? "-C" : "--container"));
        g_ptr_array_add(argv, g_strdup(v));
    }
}

void bx_agent_args(const struct bx_options *o, GPtrArray *argv)
{
    g_ptr_array_add(argv, g_strdup("-w"));
    g_ptr_array_add(argv, g_strdup("-"));
    /* what carries the stream (sshd, sudo, dumpcap, Wireshark) would feed itself back */
    g_ptr_array_add(argv, g_strdup("--exclude-ancestors"));
    if (o->syscalls && *o->syscalls) {
        g_ptr_array_add(argv, g_strdup("-e"));
        g_ptr_array_add(argv, g_strdup(o->syscalls));
    }
    add_list(argv, "-p", o->pids);
    add_list(argv, "-c", o->comms);
    add_containers(argv, o->containers);
    if (o->container_socket) {
        g_ptr_array_add(argv, g_strdup("--container-socket"));
        g_ptr_array_add(argv, g_strdup(o->container_socket));
    }
    if (o->snaplen >= 0) {
        g_ptr_array_add(argv, g_strdup("-s"));
        g_ptr_array_add(argv, g_strdup_printf("%d", o->snaplen));
    }
    if (o->count) {
        g_ptr_array_add(argv, g_strdup("-n"));
        g_ptr_array_add(argv, g_strdup_printf("%" G_GUINT64_FORMAT, o->count));
    }
    if (o->duration) {
        g_ptr_array_add(argv, g_strdup("-M"));
        g_ptr_array_add(argv, g_strdup_printf("%" G_GUINT64_FORMAT, o->duration));
    }
    if (o->ring_bytes) {
        g_ptr_array_add(argv, g_strdup("-b"));
        g_ptr_array_add(argv, g_strdup_printf("%" G_GUINT64_FORMAT, o->ring_bytes));
    }
}

bool bx_agent_stderr_line(const char *where, const char *line)
{
    static const char *const info[] = {
        "bpfdig-agent: snapshot:",
        "bpfdig-agent: capturing",
        "bpfdig-agent: stopped (",
    };

    if (!*line)
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(info); i++) {
        if (g_str_has_prefix(line, info[i])) {
            /* the summary with drops is worth showing */
            if (i == 2 && !strstr(line, "drops: 0")) {
                bx_error("%s%s", where, line);
                return false;
            }
            bx_log(BX_LOG_MESSAGE, "%s%s", where, line);
            return false;
        }
    }
    bx_error("%s%s", where, line);
    return true;
}

char *bx_self_dir(void)
{
    char *self = g_file_read_link("/proc/self/exe", NULL);
    char *dir;

    if (!self)
        return g_strdup(".");
    dir = g_path_get_dirname(self);
    g_free(self);
    return dir;
}

static bool is_exec(const char *path)
{
    return path && g_file_test(path, G_FILE_TEST_IS_REGULAR) && access(path, X_OK) == 0;
}

char *bx_find_local_agent(const struct bx_options *o)
{
    char *dir, *cand[3];
    char *found = NULL;

    if (o->agent && *o->agent)
        return g_strdup(o->agent);
    dir = bx_self_dir();
    cand[0] = g_build_filename(dir, "bpfdig-agent", NULL);
    cand[1] = g_build_filename(dir, "..", "remote-agent", "bpfdig-agent", NULL); /* build tree */
    cand[2] = g_build_filename(BPFDIG_INSTALL_BINDIR, "bpfdig-agent", NULL);
    for (int i = 0; i < 3; i++) {
        if (!found && is_exec(cand[i]))
            found = g_canonicalize_filename(cand[i], NULL);
        g_free(cand[i]);
    }
    g_free(dir);
    if (!found)
        found = g_find_program_in_path("bpfdig-agent");
    return found;
}

/* ------------------------------------------------------------ protocol */

static void print_interfaces(void)
{
    printf("extcap {version=%s}{help=%s}\n", BPFDIG_VERSION, BX_HELP_URL);
    printf("interface {value=" BX_IFACE_LOCAL "}{display=System calls (eBPF) on this host}\n");
    printf("interface {value=" BX_IFACE_SSH "}{display=System calls over SSH}\n");
}

static int print_dlts(const char *iface)
{
    if (!iface) {
        fprintf(stderr, "bpfdig: --extcap-dlts needs --extcap-interface\n");
        return BX_EXIT_USAGE;
    }
    /* The stream is scap (pcapng framing); dumpcap passes it through. */
    printf("dlt {number=147}{name=%s}{display=System call events (scap, passed through)}\n", iface);
    return BX_EXIT_OK;
}

/* ------------------------------------------------------------ containers */

#define CT_ARG_CALL         "--running-container"
#define CT_CONFIG_TIMEOUT_S 3  /* local listing while Wireshark reads the dialog */
#define CT_RELOAD_TIMEOUT_S 15 /* local listing on the dialog's reload button */
#define CT_PKEXEC_TIMEOUT_S 60 /* ... when polkit asks for a password first */
#define CT_MESSAGE_MAX      480

/* Running containers for the dialog: the agent's listing, or why there is none. */
struct ct_listing {
    GString *text; /* ID12<TAB>NAME<TAB>IMAGE lines; NULL: not asked */
    char *err;     /* why the listing failed, or NULL */
};

/* Number of the running-container selector, set while the dialog is printed. */
static int container_arg = -1;

/* Text for a {display=...} field: no braces, no control characters, bounded
 * (never inside a UTF-8 sequence). */
static char *dialog_text(const char *s)
{
    GString *t = g_string_new(NULL);

    for (; *s && (t->len < CT_MESSAGE_MAX || ((unsigned char)*s & 0xC0) == 0x80); s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\n' || ch == '\t')
            g_string_append_c(t, ' ');
        else if (ch < 0x20 || ch == 0x7f)
            continue;
        else if (ch == '{')
            g_string_append_c(t, '(');
        else if (ch == '}')
            g_string_append_c(t, ')');
        else
            g_string_append_c(t, (char)ch);
    }
    if (*s)
        g_string_append(t, "...");
    return g_string_free(t, FALSE);
}

/* A container name or id the dialog can hand back as a value. */
static bool valid_container_ref(const char *s)
{
    if (!*s || strlen(s) > 253)
        return false;
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s) && *s != '_' && *s != '.' && *s != '-')
            return false;
    }
    return true;
}

/* One listing line "ID12<TAB>NAME<TAB>IMAGE" as a value of the selector. */
static bool print_container_value(FILE *out, int arg, const char *line)
{
    char **f = g_strsplit(line, "\t", 3);
    const char *id = f[0] ? f[0] : "", *name = id[0] && f[1] ? f[1] : "";
    const char *image = id[0] && f[1] && f[2] ? f[2] : "";
    const char *value = valid_container_ref(name) ? name : id;
    char *shown = NULL, *img = NULL;
    bool ok = valid_container_ref(value);

    if (ok) {
        img = dialog_text(image);
        shown = g_strdup_printf("%s (%s%s%.12s)", value, img, *img ? ", " : "", id);
        fprintf(out, "value {arg=%d}{value=%s}{display=%s}\n", arg, value, shown);
    }
    g_free(shown);
    g_free(img);
    g_strfreev(f);
    return ok;
}

/* The selector's values: "any", then the running containers or why there are none. */
static void print_container_values(FILE *out, int arg, const struct ct_listing *ls)
{
    char **lines;
    int shown = 0;

    fprintf(out, "value {arg=%d}{value=}{display=any container}{default=true}\n", arg);
    if (!ls)
        return;
    if (ls->err) {
        char *msg = dialog_text(g_str_has_prefix(ls->err, "bpfdig: ") ? ls->err + 8 : ls->err);
        fprintf(out, "value {arg=%d}{value=}{display=(no list: %s)}\n", arg, msg);
        g_free(msg);
        return;
    }
    if (!ls->text)
        return;
    lines = g_strsplit(ls->text->str, "\n", -1);
    for (char **p = lines; *p; p++) {
        g_strchomp(*p);
        if (**p && print_container_value(out, arg, *p))
            shown++;
    }
    g_strfreev(lines);
    if (!shown)
        fprintf(out, "value {arg=%d}{value=}{display=(no running container found)}\n", arg);
}

static void print_container_args(FILE *out, int *n, const struct ct_listing *ls)
{
    container_arg = (*n)++;
    fprintf(out,
            "arg {number=%d}{call=" CT_ARG_CALL "}{display=Running container}"
            "{type=selector}{reload=true}{placeholder=Reload list}"
            "{tooltip=Only the tasks of this container. The list shows the containers running "
            "on the capture host (bpfdig-agent --list-containers); reload it after changing "
            "the connection or privilege settings}{group=Capture}\n",
            container_arg);
    print_container_values(out, container_arg, ls);
    fprintf(out,
            "arg {number=%d}{call=--container}{display=Other containers or cgroups}"
            "{type=string}{tooltip=Only tasks in these containers (names or id prefixes, also "
            "containers started later) or cgroups (paths starting with /), comma list}"
            "{group=Capture}\n",
            (*n)++);
    fprintf(out,
            "arg {number=%d}{call=--container-socket}{display=Container runtime socket}"
            "{type=string}{placeholder=the agent's default (podman, docker)}"
            "{tooltip=Docker-compatible API socket the agent asks for container names and "
            "images (e.g. /run/podman/podman.sock)}{group=Capture}\n",
            (*n)++);
}

static void print_capture_args(FILE *out, int *n, const struct ct_listing *ls)
{
    fprintf(out,
            "arg {number=%d}{call=--syscalls}{display=System calls}{type=string}"
            "{tooltip=Comma list of syscall names and sets (e.g. file,net,process or "
            "open,connect); empty: all}{placeholder=all}{group=Capture}\n",
            (*n)++);
    fprintf(out,
            "arg {number=%d}{call=--pid}{display=Process IDs}{type=string}"
            "{tooltip=Only these processes and their descendants (comma list)}"
            "{validation=^[0-9, ]*$}{group=Capture}\n",
            (*n)++);
    fprintf(out,
            "arg {number=%d}{call=--comm}{display=Command names}{type=string}"
            "{tooltip=Only threads with these command names (comma list, 15 characters "
            "each)}{group=Capture}\n",
            (*n)++);
    print_container_args(out, n, ls);
    fprintf(out,
            "arg {number=%d}{call=--snaplen}{display=Snapshot length}{type=unsigned}"
            "{range=0,65535}{default=80}{tooltip=Bytes of I/O data kept per event}"
            "{group=Capture}\n",
            (*n)++);
    fprintf(out,
            "arg {number=%d}{call=--remote-count}{display=Event count}{type=unsigned}"
            "{default=0}{tooltip=Stop after this many events (0: no limit)}{group=Capture}\n",
            (*n)++);
    fprintf(out,
            "arg {number=%d}{call=--duration}{display=Duration (seconds)}{type=unsigned}"
            "{default=0}{tooltip=Stop after this many seconds (0: no limit)}{group=Capture}\n",
            (*n)++);
    fprintf(out,
            "arg {number=%d}{call=--ring-bytes}{display=Ring buffer bytes per CPU}"
            "{type=unsigned}{default=0}{tooltip=A power of two; 0: the agent's default. "
            "Raise it if the agent reports drops}{group=Capture}\n",
            (*n)++);
}

static void print_debug_args(FILE *out, int *n)
{
    int a = (*n)++;

    fprintf(out,
            "arg {number=%d}{call=--log-level}{display=Log level}{type=selector}"
            "{tooltip=What to log}{group=Debug}\n",
            a);
    for (int i = BX_LOG_ERROR; i <= BX_LOG_NOISY; i++)
        fprintf(out, "value {arg=%d}{value=%s}{display=%s}%s\n", a, level_names[i], level_names[i],
                i == BX_LOG_WARNING ? "{default=true}" : "");
    fprintf(out,
            "arg {number=%d}{call=--log-file}{display=Log file}{type=fileselect}"
            "{mustexist=false}{tooltip=Log messages to this file (passwords are never "
            "logged)}{group=Debug}\n",
            (*n)++);
}

static int print_config(FILE *out, const char *iface, const struct ct_listing *ls)
{
    int n = 0, a;

    if (!iface) {
        fprintf(stderr, "bpfdig: --extcap-config needs --extcap-interface\n");
        return BX_EXIT_USAGE;
    }
    if (strcmp(iface, BX_IFACE_SSH) == 0) {
        fprintf(out,
                "arg {number=%d}{call=--remote-host}{display=Remote SSH server address}"
                "{type=string}{tooltip=The host name or IP address of the SSH server}"
                "{required=true}{group=Server}\n",
                n++);
        fprintf(out,
                "arg {number=%d}{call=--remote-port}{display=Remote SSH server port}"
                "{type=unsigned}{default=22}{range=1,65535}{tooltip=The SSH port}"
                "{group=Server}\n",
                n++);
        a = n++;
        fprintf(out,
                "arg {number=%d}{call=--host-key-policy}{display=Host key policy}"
                "{type=selector}{tooltip=strict: the host key must already be in the known "
                "hosts file; accept-new: an unknown key is added (a changed key is always "
                "refused)}{group=Server}\n",
                a);
        fprintf(out,
                "value {arg=%d}{value=strict}{display=strict (known keys only)}{default=true}\n",
                a);
        fprintf(out, "value {arg=%d}{value=accept-new}{display=accept new keys}\n", a);
        fprintf(out,
                "arg {number=%d}{call=--known-hosts}{display=Known hosts file}"
                "{type=fileselect}{mustexist=false}{tooltip=Default: ~/.ssh/known_hosts}"
                "{group=Server}\n",
                n++);
        fprintf(out,
                "arg {number=%d}{call=--proxycommand}{display=ProxyCommand}{type=string}"
                "{tooltip=The command to use as proxy for the SSH connection}{group=Server}\n",
                n++);
        fprintf(out,
                "arg {number=%d}{call=--remote-username}{display=Remote SSH server username}"
                "{type=string}{tooltip=The remote SSH username (default: your login name)}"
                "{group=Authentication}\n",
                n++);
        fprintf(out,
                "arg {number=%d}{call=--remote-password}{display=Remote SSH server password}"
                "{type=password}{tooltip=The SSH password, used when keys and the agent "
                "fail}{group=Authentication}\n",
                n++);
        fprintf(out,
                "arg {number=%d}{call=--sshkey}{display=Path to SSH private key}"
                "{type=fileselect}{tooltip=The path on this machine of the private key}"
                "{group=Authentication}\n",
                n++);
        fprintf(out,
                "arg {number=%d}{call=--sshkey-passphrase}{display=SSH key passphrase}"
                "{type=password}{tooltip=Passphrase to unlock the SSH private key}"
                "{group=Authentication}\n",
                n++);
        fprintf(out,
                "arg {number=%d}{call=--ssh-agent}{display=Use the SSH agent}{type=boolean}"
                "{default=true}{tooltip=Try the keys of the running ssh-agent (SSH_AUTH_SOCK)}"
                "{group=Authentication}\n",
                n++);
        a = n++;
        fprintf(out,
                "arg {number=%d}{call=--remote-priv}{display=Privilege escalation}"
                "{type=selector}{tooltip=How the agent gets its privileges on the remote "
                "host (sudo and doas never ask for a password)}{group=Capture}\n",
                a);
        fprintf(out, "value {arg=%d}{value=sudo}{display=sudo -n}{default=true}\n", a);
        fprintf(out, "value {arg=%d}{value=doas}{display=doas -n}\n", a);
        fprintf(out,
                "value {arg=%d}{value=none}{display=none (root login or agent with "
                "capabilities)}\n",
                a);
        a = n++;
        fprintf(out,
                "arg {number=%d}{call=--upload-agent}{display=Upload the agent}"
                "{type=selector}{tooltip=auto: upload it for this capture when the remote "
                "host has no bpfdig-agent " BPFDIG_VERSION "; it is removed afterwards}"
                "{group=Capture}\n",
                a);
        fprintf(out, "value {arg=%d}{value=auto}{display=when missing}{default=true}\n", a);
        fprintf(out, "value {arg=%d}{value=never}{display=never}\n", a);
        fprintf(out, "value {arg=%d}{value=always}{display=always}\n", a);
        fprintf(out,
                "arg {number=%d}{call=--remote-agent}{display=Remote agent}{type=string}"
                "{default=bpfdig-agent}{tooltip=Name or path of an installed agent on the "
                "remote host}{group=Capture}\n",
                n++);
        fprintf(out,
                "arg {number=%d}{call=--agent-binary}{display=Agent to upload}"
                "{type=fileselect}{mustexist=true}{tooltip=Default: the static bpfdig-agent "
                "installed with this extcap}{group=Capture}\n",
                n++);
    } else if (strcmp(iface, BX_IFACE_LOCAL) == 0) {
        a = n++;
        fprintf(out,
                "arg {number=%d}{call=--priv}{display=Privilege escalation}{type=selector}"
                "{tooltip=none: the agent has capabilities (cmake --install sets them) or "
                "Wireshark runs as root}{group=Capture}\n",
                a);
        fprintf(out, "value {arg=%d}{value=none}{display=none (capabilities)}{default=true}\n", a);
        fprintf(out, "value {arg=%d}{value=sudo}{display=sudo -n}\n", a);
        fprintf(out, "value {arg=%d}{value=pkexec}{display=pkexec}\n", a);
        fprintf(out,
                "arg {number=%d}{call=--agent}{display=Agent}{type=fileselect}"
                "{mustexist=true}{tooltip=Default: bpfdig-agent next to the extcap or "
                "installed}{group=Capture}\n",
                n++);
    } else {
        fprintf(stderr, "bpfdig: unknown interface '%s'\n", iface);
        return BX_EXIT_USAGE;
    }
    print_capture_args(out, &n, ls);
    print_debug_args(out, &n);
    return BX_EXIT_OK;
}

/* ------------------------------------------------------------ container list */

/* Who prints the reload answer: 0 nobody yet, 1 the listing, 2 the watchdog. */
static int ct_printer;

struct ct_watchdog {
    int arg;
    unsigned seconds;
};

/* A listing that hangs would freeze Wireshark's dialog: answer without it. */
static void *ct_watchdog_main(void *p)
{
    const struct ct_watchdog *w = p;
    char *msg = g_strdup_printf("no answer within %u s", w->seconds);
    struct ct_listing ls = {.err = msg};

    g_usleep((gulong)w->seconds * G_USEC_PER_SEC);
    if (!g_atomic_int_compare_and_exchange(&ct_printer, 0, 2)) {
        g_free(msg);
        return NULL;
    }
    fprintf(stderr, "bpfdig: listing the containers: %s\n", msg);
    print_container_values(stdout, w->arg, &ls);
    fflush(stdout);
    _exit(BX_EXIT_OK);
}

static void ct_start_watchdog(int arg, unsigned seconds)
{
    static struct ct_watchdog w;
    pthread_t tid;

    w.arg = arg;
    w.seconds = seconds;
    if (pthread_create(&tid, NULL, ct_watchdog_main, &w) == 0)
        pthread_detach(tid);
}

/* Lists the containers of the capture host (this one or the SSH server). */
static void ct_list(struct bx_options *o, unsigned local_timeout_s, struct ct_listing *ls)
{
    int rc;

    ls->text = g_string_new(NULL);
    ls->err = NULL;
    if (o->iface && !strcmp(o->iface, BX_IFACE_SSH))
        rc = bx_list_containers_ssh(o, ls->text, &ls->err);
    else
        rc = bx_list_containers_local(o, local_timeout_s, ls->text, &ls->err);
    if (rc && !ls->err)
        ls->err = g_strdup("the listing failed");
    bx_log(BX_LOG_INFO, "container listing: %s", ls->err ? ls->err : ls->text->str);
}

static void ct_free(struct ct_listing *ls)
{
    if (ls->text)
        g_string_free(ls->text, TRUE);
    g_free(ls->err);
}

/* --extcap-config: the local dialog offers the containers running now. */
static int config(struct bx_options *o)
{
    struct ct_listing ls = {0};
    int rc;

    if (o->iface && !strcmp(o->iface, BX_IFACE_LOCAL))
        ct_list(o, CT_CONFIG_TIMEOUT_S, &ls);
    rc = print_config(stdout, o->iface, &ls);
    ct_free(&ls);
    return rc;
}

/*
 * --extcap-config --extcap-reload-option NAME: the values of one selector,
 * computed with the dialog's current settings (Wireshark passes them all, as
 * on a capture). Only the running-container list reloads.
 */
static int reload_option(struct bx_options *o, const char *option)
{
    const char *name = g_str_has_prefix(option, "--") ? option + 2 : option;
    FILE *null = fopen("/dev/null", "w");
    struct ct_listing ls = {0};
    bool pkexec = o->escalation && !strcmp(o->escalation, "pkexec");
    unsigned local = pkexec ? CT_PKEXEC_TIMEOUT_S : CT_RELOAD_TIMEOUT_S;
    int rc;

    if (!null)
        return BX_EXIT_FAIL;
    rc = print_config(null, o->iface, NULL); /* numbers the arguments */
    fclose(null);
    if (rc != BX_EXIT_OK)
        return rc;
    if (strcmp(name, CT_ARG_CALL + 2) != 0) {
        bx_log(BX_LOG_INFO, "nothing to reload for '%s'", option);
        return BX_EXIT_OK;
    }
    ct_start_watchdog(container_arg,
                      strcmp(o->iface, BX_IFACE_SSH) ? local + 5 : o->connect_timeout + 60);
    ct_list(o, local, &ls);
    if (!g_atomic_int_compare_and_exchange(&ct_printer, 0, 1)) {
        for (;;)
            pause(); /* the watchdog answers and exits */
    }
    print_container_values(stdout, container_arg, &ls);
    ct_free(&ls);
    return BX_EXIT_OK;
}

/* ------------------------------------------------------------ capture filter */

static void split_list(GPtrArray *into, const char *list)
{
    char **parts = g_strsplit_set(list, ", ", -1);

    for (char **p = parts; *p; p++) {
        if (**p)
            g_ptr_array_add(into, g_strdup(*p));
    }
    g_strfreev(parts);
}

static bool valid_pid(const char *s)
{
    char *end;
    guint64 v = g_ascii_strtoull(s, &end, 10);

    return *s && !*end && v > 0 && v <= G_MAXINT32;
}

/*
 * Capture filter: terms joined by spaces, "and" or "&&"; all apply.
 *   proc.name=NAME (comm=), proc.pid=PID (pid=), container.id=ID (container=,
 *   cgroup=), container.name=NAME, evt.type=LIST (syscalls=); "==" works as "=",
 *   values may be quoted.
 * Returns NULL when valid, else the error (first line shown by Wireshark).
 */
static char *parse_capture_filter(const char *filter, struct bx_options *o)
{
    /* "proc.name == curl" is "proc.name=curl" */
    GRegex *eq_re = g_regex_new("\\s*==?\\s*", 0, 0, NULL);
    char *joined = g_regex_replace_literal(eq_re, filter, -1, 0, "=", 0, NULL);
    char **tok = g_strsplit_set(joined ? joined : filter, " \t\n", -1);
    char *err = NULL;

    g_free(joined);
    g_regex_unref(eq_re);

    for (char **t = tok; *t && !err; t++) {
        char *eq, *key, *val;
        size_t vl;

        if (!**t || strcmp(*t, "and") == 0 || strcmp(*t, "&&") == 0)
            continue;
        if (strcmp(*t, "or") == 0 || strcmp(*t, "||") == 0 || **t == '!' ||
            strcmp(*t, "not") == 0) {
            err = g_strdup_printf("'%s' is not supported: all terms of a bpfdig capture filter "
                                  "apply (use a display filter for more)",
                                  *t);
            break;
        }
        eq = strchr(*t, '=');
        if (!eq || eq == *t) {
            err = g_strdup_printf("bad term '%s': use proc.name=NAME, proc.pid=PID, "
                                  "container.id=ID, container.name=NAME or evt.type=LIST",
                                  *t);
            break;
        }
        key = g_strndup(*t, (size_t)(eq - *t));
        val = eq + 1;
        if (*val == '=')
            val++;
        vl = strlen(val);
        if (vl >= 2 && (val[0] == '"' || val[0] == '\'') && val[vl - 1] == val[0]) {
            val[vl - 1] = '\0';
            val++;
        }
        if (!*val) {
            err = g_strdup_printf("'%s' needs a value", key);
        } else if (!strcmp(key, "proc.name") || !strcmp(key, "comm")) {
            if (strlen(val) > 15)
                err = g_strdup_printf("proc.name '%s' is longer than the kernel's 15-character "
                                      "command name",
                                      val);
            else
                g_ptr_array_add(o->comms, g_strdup(val));
        } else if (!strcmp(key, "proc.pid") || !strcmp(key, "pid")) {
            if (!valid_pid(val))
                err = g_strdup_printf("proc.pid '%s' is not a process id", val);
            else
                g_ptr_array_add(o->pids, g_strdup(val));
        } else if (!strcmp(key, "container.id") || !strcmp(key, "container") ||
                   !strcmp(key, "cgroup")) {
            g_ptr_array_add(o->containers, g_strdup(val));
        } else if (!strcmp(key, "container.name")) {
            if (val[0] == '/')
                err = g_strdup_printf("container.name '%s' is a cgroup path: use "
                                      "container.id=PATH",
                                      val);
            else
                g_ptr_array_add(o->containers, g_strdup(val));
        } else if (!strcmp(key, "evt.type") || !strcmp(key, "syscalls")) {
            char *all = o->syscalls ? g_strconcat(o->syscalls, ",", val, NULL) : g_strdup(val);
            g_free(o->syscalls);
            o->syscalls = all;
        } else {
            err = g_strdup_printf("unknown field '%s': a bpfdig capture filter knows proc.name, "
                                  "proc.pid, container.id, container.name and evt.type",
                                  key);
        }
        g_free(key);
    }
    g_strfreev(tok);
    return err;
}

/* ------------------------------------------------------------ options */

enum {
    OPT_INTERFACES = 1000,
    OPT_VERSION_EXTCAP,
    OPT_INTERFACE,
    OPT_DLTS,
    OPT_CONFIG,
    OPT_FILTER,
    OPT_CAPTURE,
    OPT_FIFO,
    OPT_HELP,
    OPT_VERSION,
    OPT_LOG_LEVEL,
    OPT_LOG_FILE,
    OPT_HOST,
    OPT_PORT,
    OPT_USER,
    OPT_PASSWORD,
    OPT_SSHKEY,
    OPT_PASSPHRASE,
    OPT_SSH_AGENT,
    OPT_KNOWN_HOSTS,
    OPT_HOSTKEY_POLICY,
    OPT_PROXY,
    OPT_TIMEOUT,
    OPT_REMOTE_AGENT,
    OPT_UPLOAD,
    OPT_AGENT_BINARY,
    OPT_REMOTE_PRIV,
    OPT_REMOTE_SUDO,
    OPT_PRIV,
    OPT_AGENT,
    OPT_SYSCALLS,
    OPT_PID,
    OPT_COMM,
    OPT_CONTAINER,
    OPT_RUNNING_CONTAINER,
    OPT_CONTAINER_SOCKET,
    OPT_RELOAD,
    OPT_SNAPLEN,
    OPT_COUNT,
    OPT_DURATION,
    OPT_RING,
};

static const struct option longopts[] = {
    {"extcap-interfaces", no_argument, NULL, OPT_INTERFACES},
    {"extcap-version", optional_argument, NULL, OPT_VERSION_EXTCAP},
    {"extcap-interface", required_argument, NULL, OPT_INTERFACE},
    {"extcap-dlts", no_argument, NULL, OPT_DLTS},
    {"extcap-config", no_argument, NULL, OPT_CONFIG},
    {"extcap-capture-filter", required_argument, NULL, OPT_FILTER},
    {"capture", no_argument, NULL, OPT_CAPTURE},
    {"fifo", required_argument, NULL, OPT_FIFO},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"log-file", required_argument, NULL, OPT_LOG_FILE},
    {"remote-host", required_argument, NULL, OPT_HOST},
    {"remote-port", required_argument, NULL, OPT_PORT},
    {"remote-username", required_argument, NULL, OPT_USER},
    {"remote-password", required_argument, NULL, OPT_PASSWORD},
    {"sshkey", required_argument, NULL, OPT_SSHKEY},
    {"sshkey-passphrase", required_argument, NULL, OPT_PASSPHRASE},
    {"ssh-agent", required_argument, NULL, OPT_SSH_AGENT},
    {"known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS},
    {"host-key-policy", required_argument, NULL, OPT_HOSTKEY_POLICY},
    {"proxycommand", required_argument, NULL, OPT_PROXY},
    {"connect-timeout", required_argument, NULL, OPT_TIMEOUT},
    {"remote-agent", required_argument, NULL, OPT_REMOTE_AGENT},
    {"upload-agent", required_argument, NULL, OPT_UPLOAD},
    {"agent-binary", required_argument, NULL, OPT_AGENT_BINARY},
    {"remote-priv", required_argument, NULL, OPT_REMOTE_PRIV},
    {"remote-sudo", no_argument, NULL, OPT_REMOTE_SUDO},
    {"priv", required_argument, NULL, OPT_PRIV},
    {"agent", required_argument, NULL, OPT_AGENT},
    {"syscalls", required_argument, NULL, OPT_SYSCALLS},
    {"pid", required_argument, NULL, OPT_PID},
    {"comm", required_argument, NULL, OPT_COMM},
    {"container", required_argument, NULL, OPT_CONTAINER},
    {"running-container", required_argument, NULL, OPT_RUNNING_CONTAINER},
    {"container-socket", required_argument, NULL, OPT_CONTAINER_SOCKET},
    {"extcap-reload-option", required_argument, NULL, OPT_RELOAD},
    {"snaplen", required_argument, NULL, OPT_SNAPLEN},
    {"remote-count", required_argument, NULL, OPT_COUNT},
    {"count", required_argument, NULL, OPT_COUNT},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"ring-bytes", required_argument, NULL, OPT_RING},
    {NULL, 0, NULL, 0},
};

static void usage(const char *prog)
{
    printf("bpfdig extcap %s: system-call capture for Wireshark, on this host or over SSH\n"
           "\n"
           "Usage:\n"
           "  %s --extcap-interfaces\n"
           "  %s --extcap-interface=bpfdig-ssh --extcap-config\n"
           "  %s --extcap-interface=bpfdig-ssh --extcap-config "
           "--extcap-reload-option running-container [SSH options]\n"
           "  %s --extcap-interface=bpfdig-ssh --remote-host HOST --capture --fifo FILE\n"
           "  %s --extcap-interface=bpfdig --capture --fifo FILE\n"
           "\n"
           "Protocol: --extcap-interfaces --extcap-version[=V] --extcap-interface I\n"
           "  --extcap-dlts --extcap-config --extcap-capture-filter F --capture --fifo FILE\n"
           "SSH (bpfdig-ssh): --remote-host H --remote-port P --remote-username U\n"
           "  --remote-password PW --sshkey FILE --sshkey-passphrase PW --ssh-agent true|false\n"
           "  --known-hosts FILE --host-key-policy strict|accept-new --proxycommand CMD\n"
           "  --connect-timeout SECONDS --remote-priv sudo|doas|none (--remote-sudo)\n"
           "  --remote-agent NAME|PATH --upload-agent auto|never|always --agent-binary FILE\n"
           "Local (bpfdig): --priv none|sudo|pkexec --agent FILE\n"
           "Capture: --syscalls LIST --pid LIST --comm LIST --snaplen N\n"
           "  --container LIST (names, id prefixes; /cgroup/paths) --running-container NAME\n"
           "  --container-socket PATH --remote-count N (--count) --duration SECONDS\n"
           "  --ring-bytes N\n"
           "Capture filter: proc.name=NAME proc.pid=PID container.id=ID container.name=NAME\n"
           "  evt.type=LIST, joined by spaces or 'and'.\n"
           "Debug: --log-level error|warning|message|info|debug|noisy --log-file FILE\n"
           "Help: %s\n",
           BPFDIG_VERSION, prog, prog, prog, prog, prog, BX_HELP_URL);
}

static int parse_u64_opt(const char *name, const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    guint64 v;

    errno = 0;
    v = g_ascii_strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v > max) {
        fprintf(stderr, "bpfdig: --%s needs a number between 0 and %" G_GUINT64_FORMAT "\n", name,
                max);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    if (!g_ascii_strcasecmp(s, "true") || !strcmp(s, "1") || !g_ascii_strcasecmp(s, "yes")) {
        *out = true;
        return 0;
    }
    if (!g_ascii_strcasecmp(s, "false") || !strcmp(s, "0") || !g_ascii_strcasecmp(s, "no")) {
        *out = false;
        return 0;
    }
    return -1;
}

/* Wireshark puts password fields on our command line: take a copy and wipe
 * the original, so that /proc/PID/cmdline and ps no longer show it. */
static char *take_secret(char *arg)
{
    char *copy = g_strdup(arg);

    memset(arg, 0, strlen(arg));
    if (*copy == '\0') {
        g_free(copy);
        return NULL;
    }
    return copy;
}

static void free_options(struct bx_options *o)
{
    g_free(o->iface);
    g_free(o->fifo);
    g_free(o->capture_filter);
    g_free(o->host);
    g_free(o->user);
    if (o->password) {
        memset(o->password, 0, strlen(o->password));
        g_free(o->password);
    }
    if (o->sshkey_passphrase) {
        memset(o->sshkey_passphrase, 0, strlen(o->sshkey_passphrase));
        g_free(o->sshkey_passphrase);
    }
    g_free(o->sshkey);
    g_free(o->known_hosts);
    g_free(o->proxycommand);
    g_free(o->remote_agent);
    g_free(o->agent_binary);
    g_free(o->escalation);
    g_free(o->agent);
    g_free(o->syscalls);
    g_ptr_array_free(o->pids, TRUE);
    g_ptr_array_free(o->comms, TRUE);
    g_ptr_array_free(o->containers, TRUE);
    g_free(o->container_socket);
    g_free(o->log_file);
}

/* Signals are taken by one thread (sigwait): the capture loops, libssh's
 * poll() included, never see EINTR. */
static void *signal_thread(void *arg)
{
    sigset_t *set = arg;
    int sig;

    for (;;) {
        if (sigwait(set, &sig) == 0) {
            bx_log(BX_LOG_INFO, "signal %d: stopping", sig);
            bx_stop_requested = 1;
        }
    }
    return NULL;
}

/* Children (libssh's ProxyCommand, the local agent) must not inherit the
 * blocked signals, or they could not be stopped. */
static void unblock_in_child(void)
{
    sigset_t none;

    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
}

static void install_signals(void)
{
    static sigset_t set;
    pthread_t tid;

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_atfork(NULL, NULL, unblock_in_child);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (pthread_create(&tid, NULL, signal_thread, &set) == 0)
        pthread_detach(tid);
}

static bool is_empty(const char *s)
{
    return !s || !*s;
}

static void set_str(char **dst, const char *src)
{
    g_free(*dst);
    *dst = is_empty(src) ? NULL : g_strdup(src);
}

int main(int argc, char **argv)
{
    struct bx_options o;
    bool do_interfaces = false, do_dlts = false, do_config = false, do_capture = false;
    bool filter_given = false;
    char *reload = NULL;
    uint64_t v;
    int c, rc;

    memset(&o, 0, sizeof(o));
    o.port = 22;
    o.use_agent = true;
    o.snaplen = -1;
    o.log_level = BX_LOG_WARNING;
    o.connect_timeout = 10;
    o.pids = g_ptr_array_new_with_free_func(g_free);
    o.comms = g_ptr_array_new_with_free_func(g_free);
    o.containers = g_ptr_array_new_with_free_func(g_free);

    if (argc == 1) {
        usage(argv[0]);
        free_options(&o);
        return BX_EXIT_USAGE;
    }
    opterr = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_INTERFACES:
            do_interfaces = true;
            break;
        case OPT_VERSION_EXTCAP:
            break; /* Wireshark's version: nothing depends on it */
        case OPT_INTERFACE:
            set_str(&o.iface, optarg);
            break;
        case OPT_DLTS:
            do_dlts = true;
            break;
        case OPT_CONFIG:
            do_config = true;
            break;
        case OPT_FILTER:
            set_str(&o.capture_filter, optarg);
            filter_given = true;
            break;
        case OPT_CAPTURE:
            do_capture = true;
            break;
        case OPT_FIFO:
            set_str(&o.fifo, optarg);
            break;
        case OPT_HELP:
            usage(argv[0]);
            free_options(&o);
            return BX_EXIT_OK;
        case OPT_VERSION:
            printf("bpfdig extcap %s\n", BPFDIG_VERSION);
            free_options(&o);
            return BX_EXIT_OK;
        case OPT_LOG_LEVEL: {
            int i;
            for (i = BX_LOG_ERROR; i <= BX_LOG_NOISY; i++) {
                if (!g_ascii_strcasecmp(optarg, level_names[i]))
                    break;
            }
            if (i > BX_LOG_NOISY) {
                fprintf(stderr, "bpfdig: --log-level: one of error, warning, message, info, "
                                "debug, noisy\n");
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            o.log_level = (enum bx_log_level)i;
            break;
        }
        case OPT_LOG_FILE:
            set_str(&o.log_file, optarg);
            break;
        case OPT_HOST:
            set_str(&o.host, optarg);
            break;
        case OPT_PORT:
            if (parse_u64_opt("remote-port", optarg, 65535, &v) || v == 0) {
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            o.port = (unsigned)v;
            break;
        case OPT_USER:
            set_str(&o.user, optarg);
            break;
        case OPT_PASSWORD:
            g_free(o.password);
            o.password = take_secret(optarg);
            break;
        case OPT_SSHKEY:
            set_str(&o.sshkey, optarg);
            break;
        case OPT_PASSPHRASE:
            g_free(o.sshkey_passphrase);
            o.sshkey_passphrase = take_secret(optarg);
            break;
        case OPT_SSH_AGENT:
            if (parse_bool(optarg, &o.use_agent)) {
                fprintf(stderr, "bpfdig: --ssh-agent needs true or false\n");
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            break;
        case OPT_KNOWN_HOSTS:
            set_str(&o.known_hosts, optarg);
            break;
        case OPT_HOSTKEY_POLICY:
            if (!strcmp(optarg, "strict")) {
                o.hostkey_policy = BX_HOSTKEY_STRICT;
            } else if (!strcmp(optarg, "accept-new")) {
                o.hostkey_policy = BX_HOSTKEY_ACCEPT_NEW;
            } else {
                fprintf(stderr, "bpfdig: --host-key-policy: strict or accept-new\n");
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            break;
        case OPT_PROXY:
            set_str(&o.proxycommand, optarg);
            break;
        case OPT_TIMEOUT:
            if (parse_u64_opt("connect-timeout", optarg, 3600, &v) || v == 0) {
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            o.connect_timeout = (unsigned)v;
            break;
        case OPT_REMOTE_AGENT:
            set_str(&o.remote_agent, optarg);
            break;
        case OPT_UPLOAD:
            if (!strcmp(optarg, "auto")) {
                o.upload = BX_UPLOAD_AUTO;
            } else if (!strcmp(optarg, "never")) {
                o.upload = BX_UPLOAD_NEVER;
            } else if (!strcmp(optarg, "always")) {
                o.upload = BX_UPLOAD_ALWAYS;
            } else {
                fprintf(stderr, "bpfdig: --upload-agent: auto, never or always\n");
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            break;
        case OPT_AGENT_BINARY:
            set_str(&o.agent_binary, optarg);
            break;
        case OPT_REMOTE_SUDO:
            set_str(&o.escalation, "sudo");
            break;
        case OPT_REMOTE_PRIV:
        case OPT_PRIV:
            if (strcmp(optarg, "sudo") && strcmp(optarg, "doas") && strcmp(optarg, "none") &&
                strcmp(optarg, "pkexec")) {
                fprintf(stderr, "bpfdig: --%s: sudo, doas, %s or none\n",
                        c == OPT_PRIV ? "priv" : "remote-priv",
                        c == OPT_PRIV ? "pkexec" : "(pkexec: local only)");
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            set_str(&o.escalation, optarg);
            break;
        case OPT_AGENT:
            set_str(&o.agent, optarg);
            break;
        case OPT_SYSCALLS:
            set_str(&o.syscalls, optarg);
            break;
        case OPT_PID: {
            guint before = o.pids->len;
            split_list(o.pids, optarg);
            for (guint i = before; i < o.pids->len; i++) {
                if (!valid_pid(g_ptr_array_index(o.pids, i))) {
                    fprintf(stderr, "bpfdig: --pid: '%s' is not a process id\n",
                            (char *)g_ptr_array_index(o.pids, i));
                    free_options(&o);
                    return BX_EXIT_USAGE;
                }
            }
            break;
        }
        case OPT_COMM:
            split_list(o.comms, optarg);
            break;
        case OPT_CONTAINER:
        case OPT_RUNNING_CONTAINER:
            split_list(o.containers, optarg);
            break;
        case OPT_CONTAINER_SOCKET:
            set_str(&o.container_socket, optarg);
            break;
        case OPT_RELOAD:
            set_str(&reload, optarg);
            break;
        case OPT_SNAPLEN:
            if (parse_u64_opt("snaplen", optarg, 65535, &v)) {
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            o.snaplen = (int)v;
            break;
        case OPT_COUNT:
            if (parse_u64_opt("remote-count", optarg, G_MAXUINT64, &o.count)) {
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            break;
        case OPT_DURATION:
            if (parse_u64_opt("duration", optarg, 365ull * 86400, &o.duration)) {
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            break;
        case OPT_RING:
            if (parse_u64_opt("ring-bytes", optarg, 1ull << 30, &o.ring_bytes) ||
                (o.ring_bytes && (o.ring_bytes & (o.ring_bytes - 1)))) {
                fprintf(stderr, "bpfdig: --ring-bytes needs a power of two (or 0)\n");
                free_options(&o);
                return BX_EXIT_USAGE;
            }
            break;
        default:
            fprintf(stderr, "bpfdig: see --help\n");
            free_options(&o);
            return BX_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "bpfdig: unexpected argument '%s'\n", argv[optind]);
        free_options(&o);
        return BX_EXIT_USAGE;
    }

    log_level = o.log_level;
    if (o.log_file) {
        log_file = fopen(o.log_file, "a");
        if (!log_file)
            fprintf(stderr, "bpfdig: cannot open the log file %s: %s\n", o.log_file,
                    g_strerror(errno));
    }

    if (do_interfaces) {
        print_interfaces();
        rc = BX_EXIT_OK;
    } else if (do_dlts) {
        rc = print_dlts(o.iface);
    } else if (do_config && reload) {
        rc = reload_option(&o, reload);
    } else if (do_config) {
        rc = config(&o);
    } else if (filter_given && !do_capture) {
        /* validation: empty output = valid, else the first line is the error */
        char *err = o.capture_filter ? parse_capture_filter(o.capture_filter, &o) : NULL;
        if (err)
            printf("%s\n", err);
        g_free(err);
        rc = BX_EXIT_OK;
    } else if (do_capture) {
        char *err = o.capture_filter ? parse_capture_filter(o.capture_filter, &o) : NULL;

        install_signals();
        if (err) {
            bx_error("bpfdig: bad capture filter: %s", err);
            g_free(err);
            rc = BX_EXIT_USAGE;
        } else if (!o.fifo) {
            bx_error("bpfdig: --capture needs --fifo FILE");
            rc = BX_EXIT_USAGE;
        } else if (!o.iface || !strcmp(o.iface, BX_IFACE_LOCAL)) {
            rc = bx_capture_local(&o);
        } else if (!strcmp(o.iface, BX_IFACE_SSH)) {
            rc = bx_capture_ssh(&o);
        } else {
            bx_error("bpfdig: unknown interface '%s' (bpfdig or bpfdig-ssh)", o.iface);
            rc = BX_EXIT_USAGE;
        }
    } else {
        fprintf(stderr, "bpfdig: nothing to do (see --help)\n");
        rc = BX_EXIT_USAGE;
    }
    if (log_file)
        fclose(log_file);
    g_free(reload);
    free_options(&o);
    return rc;
}
