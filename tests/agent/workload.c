// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ground-truth workload for the live capture tests: makes real system calls
 * whose expected field values are known, and prints them as KEY=VALUE lines
 * on stdout for the test to compare with what the capture shows.
 *
 * Usage: bpfdig-workload DIR MARKER
 *   DIR     an empty scratch folder (the test removes it)
 *   MARKER  a unique word put in file names, arguments and payloads
 * It waits for a line on stdin before starting, so that the capture can be
 * attached to its pid first.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HIGH_FD 100

static const char *marker;
static int failures;

static void truth(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void truth(const char *key, const char *fmt, ...)
{
    va_list ap;

    printf("%s=", key);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "workload: %s failed: %s\n", what, strerror(errno));
        failures++;
    }
}

/* A relative open after chdir, openat with a directory fd, I/O, rename, unlink. */
static void files(const char *dir)
{
    char name[256], renamed[256], buf[64];
    int fd, dirfd;

    check(chdir(dir) == 0, "chdir");
    snprintf(name, sizeof(name), "rel-%s.txt", marker);
    fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    check(fd >= 0, "relative open");
    truth("rel_open_name", "%s/%s", dir, name);
    truth("rel_open_fd", "%d", fd);
    check(write(fd, marker, strlen(marker)) == (ssize_t)strlen(marker), "write");
    close(fd);

    dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    check(dirfd >= 0, "open dir");
    snprintf(name, sizeof(name), "at-%s.txt", marker);
    fd = openat(dirfd, name, O_CREAT | O_RDWR | O_TRUNC, 0600);
    check(fd >= 0, "openat");
    truth("openat_name", "%s/%s", dir, name);
    truth("openat_fd", "%d", fd);
    snprintf(buf, sizeof(buf), "payload-%s", marker);
    check(write(fd, buf, strlen(buf)) == (ssize_t)strlen(buf), "write at");
    truth("write_payload", "%s", buf);
    check(pread(fd, buf, sizeof(buf), 0) > 0, "pread");
    close(fd);

    snprintf(renamed, sizeof(renamed), "renamed-%s.txt", marker);
    check(renameat(dirfd, name, dirfd, renamed) == 0, "renameat");
    truth("rename_to", "%s/%s", dir, renamed);
    check(unlinkat(dirfd, renamed, 0) == 0, "unlinkat");
    close(dirfd);

    /* a failed open: evt.failed, errno ENOENT */
    snprintf(name, sizeof(name), "/nonexistent-%s/file", marker);
    fd = open(name, O_RDONLY);
    check(fd < 0 && errno == ENOENT, "failed open");
    truth("failed_open_name", "%s", name);
}

static socklen_t fill_loopback(int family, struct sockaddr_storage *ss, unsigned port)
{
    memset(ss, 0, sizeof(*ss));
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof(*in);
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    in6->sin6_addr = in6addr_loopback;
    return sizeof(*in6);
}

static unsigned bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* TCP connect/accept on the loopback of one family. */
static void tcp(int family, const char *tag)
{
    struct sockaddr_storage ss;
    socklen_t len = fill_loopback(family, &ss, 0);
    int srv, cli, acc;
    char key[64];

    srv = socket(family, SOCK_STREAM, 0);
    check(srv >= 0 && bind(srv, (struct sockaddr *)&ss, len) == 0 && listen(srv, 4) == 0,
          "tcp listen");
    len = fill_loopback(family, &ss, bound_port(srv));
    cli = socket(family, SOCK_STREAM, 0);
    check(cli >= 0 && connect(cli, (struct sockaddr *)&ss, len) == 0, "tcp connect");
    acc = accept(srv, NULL, NULL);
    check(acc >= 0, "tcp accept");
    snprintf(key, sizeof(key), "tcp%s_sport", tag);
    truth(key, "%u", bound_port(srv));
    snprintf(key, sizeof(key), "tcp%s_cport", tag);
    truth(key, "%u", bound_port(cli));
    snprintf(key, sizeof(key), "tcp%s_connect_fd", tag);
    truth(key, "%d", cli);
    snprintf(key, sizeof(key), "tcp%s_accept_fd", tag);
    truth(key, "%d", acc);
    check(send(cli, marker, strlen(marker), 0) > 0, "tcp send");
    close(acc);
    close(cli);
    close(srv);
}

static void udp(void)
{
    struct sockaddr_storage ss;
    socklen_t len = fill_loopback(AF_INET, &ss, 0);
    int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
    char buf[64];

    check(rx >= 0 && tx >= 0 && bind(rx, (struct sockaddr *)&ss, len) == 0, "udp bind");
    len = fill_loopback(AF_INET, &ss, bound_port(rx));
    check(sendto(tx, marker, strlen(marker), 0, (struct sockaddr *)&ss, len) > 0, "udp sendto");
    check(recv(rx, buf, sizeof(buf), 0) > 0, "udp recv");
    truth("udp_sport", "%u", bound_port(rx));
    truth("udp_sendto_fd", "%d", tx);
    close(rx);
    close(tx);
}

static void unix_pair_and_pipe(void)
{
    int sv[2], p[2];

    check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    truth("socketpair_fd0", "%d", sv[0]);
    check(write(sv[0], marker, strlen(marker)) > 0, "unix write");
    close(sv[0]);
    close(sv[1]);

    check(pipe(p) == 0, "pipe");
    check(dup2(p[1], HIGH_FD) == HIGH_FD, "dup2");
    truth("pipe_high_fd", "%d", HIGH_FD);
    check(write(HIGH_FD, marker, strlen(marker)) > 0, "pipe write");
    close(HIGH_FD);
    close(p[0]);
    close(p[1]);
}

static int wait_child(pid_t pid)
{
    int status = 0;

    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* fork + exec of a command whose argument carries the marker. */
static void fork_exec(void)
{
    char arg[128];
    pid_t pid;

    snprintf(arg, sizeof(arg), "exec-%s", marker);
    pid = fork();
    if (pid == 0) {
        execl("/bin/echo", "echo", arg, (char *)NULL);
        _exit(127);
    }
    check(pid > 0 && wait_child(pid) == 0, "fork+exec");
    truth("exec_pid", "%d", pid);
    truth("exec_cmdline", "echo %s", arg);
}

/* A child drops to uid 65534 and opens a file as that user. */
static void set_uid(const char *dir)
{
    char name[256];
    pid_t pid = fork();

    snprintf(name, sizeof(name), "%s/setuid-%s.txt", dir, marker);
    if (pid == 0) {
        if (setuid(65534) != 0)
            _exit(1);
        int fd = open(name, O_RDONLY); /* fails (0700 dir): the event still names the user */
        (void)fd;
        _exit(0);
    }
    check(pid > 0 && wait_child(pid) == 0, "setuid child");
    truth("setuid_pid", "%d", pid);
    truth("setuid_open_name", "%s", name);
}

/*
 * A child moved into a container-like cgroup (libpod naming) execs touch,
 * as a container runtime moves its init before exec'ing the entrypoint.
 */
static void in_cgroup(const char *cgroup_dir, const char *dir)
{
    char path[512], name[256];
    int p[2];
    pid_t pid;

    if (!cgroup_dir[0])
        return;
    check(pipe(p) == 0, "cgroup pipe");
    snprintf(name, sizeof(name), "%s/cgroup-%s.txt", dir, marker);
    pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        if (read(p[0], &c, 1) != 1) /* wait until moved */
            _exit(1);
        execl("/usr/bin/touch", "touch", name, (char *)NULL);
        _exit(127);
    }
    close(p[0]);
    snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup_dir);
    FILE *f = fopen(path, "w");
    check(f && fprintf(f, "%d\n", pid) > 0 && fclose(f) == 0, "move to cgroup");
    check(write(p[1], "x", 1) == 1, "release child");
    close(p[1]);
    check(pid > 0 && wait_child(pid) == 0, "cgroup child");
    truth("cgroup_pid", "%d", pid);
    truth("cgroup_open_name", "%s", name);
}

int main(int argc, char **argv)
{
    char line[16];
    const char *dir;

    if (argc < 3) {
        fprintf(stderr, "usage: %s DIR MARKER [CGROUP_DIR]\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    marker = argv[2];
    setvbuf(stdout, NULL, _IOLBF, 0);
    truth("pid", "%d", getpid());
    if (!fgets(line, sizeof(line), stdin)) /* the capture is ready */
        return 2;
    files(dir);
    tcp(AF_INET, "4");
    tcp(AF_INET6, "6");
    udp();
    unix_pair_and_pipe();
    fork_exec();
    set_uid(dir);
    in_cgroup(argc > 3 ? argv[3] : "", dir);
    truth("done", "%d", failures);
    return failures ? 1 : 0;
}
