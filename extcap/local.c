// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfdig extcap, interface "bpfdig": runs bpfdig-agent on this host with its
 * standard output on Wireshark's fifo (no copy), forwards its errors at once,
 * and stops it on SIGTERM or when Wireshark closes the fifo. The readers of the
 * fifo (dumpcap) are left out of the capture: they would record themselves.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "extcap.h"

struct line_buf {
    char buf[8192];
    size_t len;
};

/* Feeds bytes read from the agent's stderr; handles complete lines. */
static void feed_lines(struct line_buf *lb, const char *data, size_t n, bool flush_all,
                       bool *saw_error)
{
    while (n) {
        size_t room = sizeof(lb->buf) - 1 - lb->len, k = n < room ? n : room;
        memcpy(lb->buf + lb->len, data, k);
        lb->len += k;
        data += k;
        n -= k;
        for (;;) {
            char *nl = memchr(lb->buf, '\n', lb->len);
            size_t used;
            if (!nl) {
                if (lb->len == sizeof(lb->buf) - 1)
                    nl = lb->buf + lb->len; /* overlong line: cut */
                else
                    break;
            }
            *nl = '\0';
            used = (size_t)(nl - lb->buf) + (nl < lb->buf + lb->len ? 1 : 0);
            if (bx_agent_stderr_line("", lb->buf))
                *saw_error = true;
            memmove(lb->buf, lb->buf + used, lb->len - used);
            lb->len -= used;
        }
    }
    if (flush_all && lb->len) {
        lb->buf[lb->len] = '\0';
        if (bx_agent_stderr_line("", lb->buf))
            *saw_error = true;
        lb->len = 0;
    }
}

static pid_t spawn_agent(char **argv, int out_fd, int *err_fd)
{
    int ep[2];
    pid_t pid;

    if (pipe2(ep, O_CLOEXEC))
        return -1;
    pid = fork();
    if (pid < 0) {
        close(ep[0]);
        close(ep[1]);
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        /* Own session: sudo then relays our SIGTERM (it ignores signals
         * from its own process group). */
        setsid();
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(out_fd, STDOUT_FILENO);
        dup2(ep[1], STDERR_FILENO);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL); /* the extcap blocks them for sigwait */
        signal(SIGPIPE, SIG_DFL);
        execvp(argv[0], argv);
        fprintf(stderr, "bpfdig: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(ep[1]);
    *err_fd = ep[0];
    return pid;
}

/* ------------------------------------------------------------ fifo readers */

/* Readers of the fifo passed to the agent with --exclude-pid; the agent's 16
 * excluded processes also hold its parent chain (--exclude-ancestors). */
#define BX_MAX_READERS 8

/* True unless /proc/PID/fdinfo/FD says the descriptor is write-only. */
static bool fd_reads(pid_t pid, const char *fd)
{
    char path[64], buf[256], *flags;
    unsigned mode;
    ssize_t n;
    int f;

    if (snprintf(path, sizeof(path), "/proc/%d/fdinfo/%.16s", (int)pid, fd) >= (int)sizeof(path))
        return true;
    f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return true;
    n = read(f, buf, sizeof(buf) - 1);
    close(f);
    if (n <= 0)
        return true;
    buf[n] = '\0';
    flags = strstr(buf, "flags:");
    if (!flags || sscanf(flags, "flags: %o", &mode) != 1)
        return true;
    return (mode & O_ACCMODE) != O_WRONLY;
}

/* The fifo as the extcap sees it. */
struct fifo_id {
    struct stat st;
    char link[PATH_MAX]; /* readlink of our descriptor: what others' show for it */
    const char *path;    /* as given (--fifo): dumpcap's -i argument */
};

/* True when descriptor FD of a process (in /proc/PID/fd, dir) is the fifo:
 * same link text (no stat through links to other files, which can hang on
 * a dead network mount), then the same device and inode. */
static bool is_fifo_fd(int dir, const char *fd, const struct fifo_id *fifo)
{
    char link[PATH_MAX];
    ssize_t n = readlinkat(dir, fd, link, sizeof(link) - 1);
    struct stat st;

    if (n <= 0)
        return false;
    link[n] = '\0';
    if (strcmp(link, fifo->link) || fstatat(dir, fd, &st, 0))
        return false;
    return st.st_dev == fifo->st.st_dev && st.st_ino == fifo->st.st_ino;
}

/* 1 when process PID has the fifo open for reading, 0 when not, -1 when its
 * descriptors are hidden from us (another user, or not dumpable: dumpcap with
 * file capabilities). */
static int reads_fifo(pid_t pid, const struct fifo_id *fifo)
{
    char path[64];
    struct dirent *e;
    int found = 0;
    DIR *d;

    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    d = opendir(path);
    if (!d)
        return errno == EACCES || errno == EPERM ? -1 : 0;
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] != '.' && is_fifo_fd(dirfd(d), e->d_name, fifo))
            found = fd_reads(pid, e->d_name);
    }
    closedir(d);
    return found;
}

/* True when an argument of process PID is the fifo's path: Wireshark and
 * tshark run "dumpcap ... -i FIFO", and /proc/PID/cmdline stays readable.
 * "--fifo FIFO" is the extcap's own command line (in a wrapper of it, sudo or
 * timeout), which writes. */
static bool names_fifo(pid_t pid, const char *fifo_path)
{
    char path[64];
    gchar *args = NULL;
    const char *prev = "";
    gsize len = 0;
    bool found = false;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    if (!g_file_get_contents(path, &args, &len, NULL))
        return false;
    for (gsize at = 0; at < len && !found; at += strlen(args + at) + 1) {
        found = !strcmp(args + at, fifo_path) && strcmp(prev, "--fifo");
        prev = args + at;
    }
    g_free(args);
    return found;
}

/* The command name of PID for the log ("?" when gone). */
static char *comm_of(pid_t pid)
{
    char path[64];
    gchar *comm = NULL;

    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    if (!g_file_get_contents(path, &comm, NULL, NULL))
        return g_strdup("?");
    return g_strchomp(comm);
}

/* The process named by a /proc entry, or 0. */
static pid_t proc_pid(const char *name)
{
    char *end;
    long v;

    if (!isdigit((unsigned char)name[0]))
        return 0;
    v = strtol(name, &end, 10);
    return *end || v <= 0 || v > INT32_MAX ? 0 : (pid_t)v;
}

/* 1 when PID reads the fifo (*by_args: found by its command line), else 0. */
static int is_reader(pid_t pid, const struct fifo_id *fifo, bool *by_args)
{
    int r = reads_fifo(pid, fifo);

    *by_args = false;
    if (r < 0)
        r = *by_args = names_fifo(pid, fifo->path);
    return r;
}

/* Who we are and what our descriptor fd of the fifo looks like; -1 when fd is
 * not a fifo (a plain file given as --fifo) or cannot be described. */
static int fifo_id_of(int fd, const char *path, struct fifo_id *fifo)
{
    char self[64];
    ssize_t n;

    if (fstat(fd, &fifo->st) || !S_ISFIFO(fifo->st.st_mode))
        return -1;
    snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
    n = readlink(self, fifo->link, sizeof(fifo->link) - 1);
    if (n <= 0)
        return -1;
    fifo->link[n] = '\0';
    fifo->path = path;
    return 0;
}

/* Adds "--exclude-pid PID" to argv for each process but us that reads the fifo
 * open on fd (found by device and inode among /proc/PID/fd, or, when those are
 * hidden, by the fifo's path in its command line). dumpcap, which Wireshark
 * starts beside the extcap, is no ancestor of the agent: without this its own
 * reads of the fifo would fill the capture. Threads follow their process.
 * Returns how many it added. */
static int exclude_fifo_readers(int fd, const char *fifo_path, GPtrArray *argv)
{
    struct fifo_id fifo;
    struct dirent *e;
    int n = 0;
    DIR *proc;

    if (fifo_id_of(fd, fifo_path, &fifo))
        return 0;
    proc = opendir("/proc");
    if (!proc) {
        bx_log(BX_LOG_WARNING, "cannot list /proc: %s: the fifo's reader is captured",
               g_strerror(errno));
        return 0;
    }
    while ((e = readdir(proc))) {
        pid_t pid = proc_pid(e->d_name);
        bool by_args;
        char *comm;

        if (!pid || pid == getpid() || !is_reader(pid, &fifo, &by_args))
            continue;
        comm = comm_of(pid);
        if (n < BX_MAX_READERS) {
            bx_log(BX_LOG_INFO, "excluding the fifo's reader %d (%s)%s", (int)pid, comm,
                   by_args ? ", found by its command line" : "");
            g_ptr_array_add(argv, g_strdup("--exclude-pid"));
            g_ptr_array_add(argv, g_strdup_printf("%d", (int)pid));
            n++;
        } else {
            bx_log(BX_LOG_WARNING, "more than %d readers of the fifo: %d (%s) is captured",
                   BX_MAX_READERS, (int)pid, comm);
        }
        g_free(comm);
    }
    closedir(proc);
    if (!n)
        bx_log(BX_LOG_INFO, "no reader of the fifo found besides the extcap");
    return n;
}

/* [ESCALATION] AGENT --exclude-pid READER... -w - ... */
static GPtrArray *capture_argv(const struct bx_options *o, const char *esc, const char *agent,
                               const struct bx_out *out)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);

    if (!strcmp(esc, "sudo")) {
        g_ptr_array_add(argv, g_strdup("sudo"));
        g_ptr_array_add(argv, g_strdup("-n"));
    } else if (!strcmp(esc, "pkexec")) {
        g_ptr_array_add(argv, g_strdup("pkexec"));
    } else if (!strcmp(esc, "doas")) {
        g_ptr_array_add(argv, g_strdup("doas"));
        g_ptr_array_add(argv, g_strdup("-n"));
    }
    g_ptr_array_add(argv, g_strdup(agent));
    /* before --exclude-ancestors, which takes the slots that are left */
    exclude_fifo_readers(out->fd, o->fifo, argv);
    bx_agent_args(o, argv);
    g_ptr_array_add(argv, NULL);
    return argv;
}

int bx_capture_local(struct bx_options *o)
{
    struct bx_out out;
    struct line_buf lb = {.len = 0};
    GPtrArray *argv;
    const char *esc = o->escalation ? o->escalation : "none";
    char *agent = bx_find_local_agent(o);
    char *cmdline;
    bool saw_error = false, stopping = false, exited = false;
    int64_t stop_deadline = 0;
    int err_fd = -1, status = 0, rc;
    pid_t pid;

    if (!agent) {
        bx_error("bpfdig: bpfdig-agent not found (next to the extcap, in " BPFDIG_INSTALL_BINDIR
                 " or in PATH); install it or set the Agent option (--agent)");
        return BX_EXIT_FAIL;
    }
    /* Opening returns once a reader has the fifo open: it can be found now. */
    if (bx_out_open(&out, o->fifo)) {
        g_free(agent);
        return BX_EXIT_FAIL;
    }
    argv = capture_argv(o, esc, agent, &out);
    cmdline = g_strjoinv(" ", (char **)argv->pdata);
    bx_log(BX_LOG_INFO, "local capture: %s", cmdline);
    g_free(cmdline);

    pid = spawn_agent((char **)argv->pdata, out.fd, &err_fd);
    if (pid < 0) {
        bx_error("bpfdig: cannot start %s: %s", agent, g_strerror(errno));
        bx_out_close(&out);
        g_ptr_array_free(argv, TRUE);
        g_free(agent);
        return BX_EXIT_FAIL;
    }

    while (!exited || err_fd >= 0) {
        struct pollfd p[2] = {{.fd = err_fd, .events = POLLIN}, {.fd = out.fd, .events = 0}};
        int n;

        if (!stopping && (bx_stop_requested || out.closed)) {
            stopping = true;
            stop_deadline = g_get_monotonic_time() + BX_STOP_GRACE_MS * 1000;
            bx_log(BX_LOG_INFO, "stopping the agent (%s)",
                   bx_stop_requested ? "signal" : "fifo closed");
            if (kill(pid, SIGTERM) && errno == EPERM)
                bx_log(BX_LOG_WARNING,
                       "cannot signal the agent (runs as root through %s): "
                       "it stops at its next write to the closed fifo",
                       esc);
        }
        if (stopping && !exited && g_get_monotonic_time() > stop_deadline) {
            bx_log(BX_LOG_WARNING, "the agent did not stop within %d ms: killing it",
                   BX_STOP_GRACE_MS);
            kill(pid, SIGKILL);
            stop_deadline = G_MAXINT64;
        }
        if (!exited && waitpid(pid, &status, WNOHANG) == pid)
            exited = true;
        if (err_fd < 0) {
            if (!exited)
                g_usleep(20 * 1000);
            continue;
        }
        n = poll(p, out.closed ? 1 : 2, exited ? 200 : 100);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0 && (p[1].revents & (POLLERR | POLLHUP)))
            out.closed = true;
        if (n > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[4096];
            ssize_t r = read(err_fd, buf, sizeof(buf));
            if (r > 0) {
                feed_lines(&lb, buf, (size_t)r, false, &saw_error);
            } else if (r == 0 || errno != EINTR) {
                close(err_fd);
                err_fd = -1;
            }
        } else if (exited && n == 0) {
            /* stderr kept open by a grandchild: do not hang on it */
            close(err_fd);
            err_fd = -1;
        }
    }
    if (err_fd >= 0)
        close(err_fd);
    if (!exited)
        waitpid(pid, &status, 0);
    feed_lines(&lb, "", 0, true, &saw_error);

    rc = BX_EXIT_OK;
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        if (code == 3) {
            bx_error("bpfdig: the capture agent %s lacks privileges or kernel support (see "
                     "above). Give it capabilities (sudo setcap "
                     "cap_bpf,cap_perfmon,cap_dac_read_search,cap_sys_ptrace+ep %s), run "
                     "Wireshark as root, or choose sudo/pkexec as privilege escalation",
                     agent, agent);
            rc = BX_EXIT_PRIVILEGES;
        } else if (code == 1 && !strcmp(esc, "sudo") && saw_error) {
            bx_error("bpfdig: sudo -n could not run the agent: allow it without a password "
                     "(sudoers: USER ALL=(root) NOPASSWD: %s) or choose another privilege "
                     "escalation",
                     agent);
            rc = BX_EXIT_FAIL;
        } else if (code == 126 || code == 127) {
            bx_error("bpfdig: cannot run %s%s%s", !strcmp(esc, "none") ? "" : esc,
                     !strcmp(esc, "none") ? "" : " ", agent);
            rc = BX_EXIT_FAIL;
        } else if (code != 0) {
            if (!saw_error)
                bx_error("bpfdig: the capture agent failed (exit status %d)", code);
            rc = code == 2 ? BX_EXIT_USAGE : BX_EXIT_FAIL;
        }
    } else if (WIFSIGNALED(status) && !stopping) {
        bx_error("bpfdig: the capture agent was killed by signal %d", WTERMSIG(status));
        rc = BX_EXIT_FAIL;
    }
    bx_log(BX_LOG_INFO, "local capture ended (exit %d)", rc);
    bx_out_close(&out);
    g_ptr_array_free(argv, TRUE);
    g_free(agent);
    return rc;
}

/* ------------------------------------------------------------ container list */

/* Reads fd[0] into out and fd[1] into err until both end (closing them) or the deadline. */
static bool collect_output(int fd[2], int64_t deadline, GString *out, GString *err)
{
    struct pollfd p[2] = {{.fd = fd[0], .events = POLLIN}, {.fd = fd[1], .events = POLLIN}};

    while (p[0].fd >= 0 || p[1].fd >= 0) {
        int64_t left_ms = (deadline - g_get_monotonic_time()) / 1000;
        int n;

        if (left_ms <= 0)
            return false;
        n = poll(p, 2, (int)(left_ms > 200 ? 200 : left_ms));
        if (n < 0 && errno != EINTR)
            return false;
        for (int i = 0; n > 0 && i < 2; i++) {
            char buf[4096];
            ssize_t r;

            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            r = read(p[i].fd, buf, sizeof(buf));
            if (r > 0) {
                g_string_append_len(i ? err : out, buf, r);
            } else if (r == 0 || errno != EINTR) {
                close(p[i].fd);
                p[i].fd = fd[i] = -1;
            }
        }
    }
    return true;
}

/* Runs argv with its output collected; 0, or -1 (not started), -2 (timed out: killed). */
static int run_collect(char **argv, unsigned timeout_s, GString *out, GString *err, int *status)
{
    int op[2], fd[2] = {-1, -1}, rc = 0;
    pid_t pid;

    if (pipe2(op, O_CLOEXEC))
        return -1;
    pid = spawn_agent(argv, op[1], &fd[1]);
    close(op[1]);
    if (pid < 0) {
        close(op[0]);
        return -1;
    }
    fd[0] = op[0];
    if (!collect_output(fd, g_get_monotonic_time() + (int64_t)timeout_s * G_USEC_PER_SEC, out,
                        err)) {
        kill(pid, SIGKILL);
        rc = -2;
    }
    for (int i = 0; i < 2; i++) {
        if (fd[i] >= 0)
            close(fd[i]);
    }
    waitpid(pid, status, 0);
    return rc;
}

/* Why "[ESC] AGENT --list-containers" failed, for the dialog. */
static char *list_failure(const char *esc, const char *agent, int status, const GString *err)
{
    bool escalated = strcmp(esc, "none") != 0;
    char *first = g_strndup(err->str, strcspn(err->str, "\n"));
    char *msg;

    if (WIFEXITED(status) && (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127))
        msg = g_strdup_printf("cannot run %s%s%s%s%s", escalated ? esc : "", escalated ? " " : "",
                              agent, *first ? ": " : "", first);
    else if (strstr(err->str, "list-containers") &&
             (strstr(err->str, "unrecognized") || strstr(err->str, "unknown")))
        msg = g_strdup_printf("%s cannot list containers (an older bpfdig-agent?)", agent);
    else if (g_str_has_prefix(err->str, "sudo:") || g_str_has_prefix(err->str, "doas:"))
        msg = g_strdup_printf("%s -n refused to run %s: %s (allow it without a password, or "
                              "choose another privilege escalation)",
                              esc, agent, first);
    else if (WIFEXITED(status))
        msg = g_strdup_printf("%s --list-containers failed (exit status %d)%s%s", agent,
                              WEXITSTATUS(status), *first ? ": " : "", first);
    else
        msg = g_strdup_printf("%s --list-containers was killed by signal %d", agent,
                              WTERMSIG(status));
    g_free(first);
    return msg;
}

/* The local agent's list command with the chosen privilege escalation. */
static GPtrArray *list_argv(const struct bx_options *o, const char *esc, const char *agent)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);

    if (!strcmp(esc, "sudo") || !strcmp(esc, "doas")) {
        g_ptr_array_add(argv, g_strdup(esc));
        g_ptr_array_add(argv, g_strdup("-n"));
    } else if (!strcmp(esc, "pkexec")) {
        g_ptr_array_add(argv, g_strdup("pkexec"));
    }
    g_ptr_array_add(argv, g_strdup(agent));
    g_ptr_array_add(argv, g_strdup("--list-containers"));
    if (o->container_socket) {
        g_ptr_array_add(argv, g_strdup("--container-socket"));
        g_ptr_array_add(argv, g_strdup(o->container_socket));
    }
    g_ptr_array_add(argv, NULL);
    return argv;
}

int bx_list_containers_local(const struct bx_options *o, unsigned timeout_s, GString *out,
                             char **err)
{
    const char *esc = o->escalation ? o->escalation : "none";
    char *agent = bx_find_local_agent(o);
    GString *errs = g_string_new(NULL);
    GPtrArray *argv;
    int status = 0, rc;

    *err = NULL;
    if (!agent) {
        bx_error("bpfdig: bpfdig-agent not found: install it or set the Agent option");
        *err = g_strdup(bx_last_error());
        g_string_free(errs, TRUE);
        return -1;
    }
    argv = list_argv(o, esc, agent);
    rc = run_collect((char **)argv->pdata, timeout_s, out, errs, &status);
    if (rc == -1) {
        bx_error("bpfdig: cannot start %s: %s", agent, g_strerror(errno));
    } else if (rc == -2) {
        bx_error("bpfdig: %s --list-containers gave no answer within %u s", agent, timeout_s);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *why = list_failure(esc, agent, status, errs);
        bx_error("bpfdig: %s", why);
        g_free(why);
        rc = -1;
    }
    if (rc)
        *err = g_strdup(bx_last_error());
    g_string_free(errs, TRUE);
    g_ptr_array_free(argv, TRUE);
    g_free(agent);
    return rc ? -1 : 0;
}
