// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Edge-case workload for the live capture tests (test_edge.sh): system calls
 * whose arguments sit at or past the probe's limits, and a thread that calls
 * execve while the other threads of its process run. What it really did is
 * printed as KEY=VALUE lines on stdout.
 *
 * Usage: bpfdig-edge-workload run DIR MARKER
 *   DIR     an empty scratch folder (the test removes it)
 *   MARKER  a unique word put in arguments and file names
 *   Waits for a line on stdin first, so that the capture can attach to its pid.
 *   Writes DIR/longargs.bin: the argv of the long exec, each argument
 *   NUL-terminated (the ground truth of its cmdline).
 *
 * Usage: bpfdig-edge-workload storm SECONDS
 *   Forks short-lived processes (some with threads) for SECONDS, so /proc
 *   entries vanish while a snapshot reads them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LONG_ARGS     300  /* arguments of the long exec */
#define LONG_ARG_LEN  1000 /* bytes of each */
#define LONG_ENVS     80   /* environment entries of the long exec... */
#define LONG_ENV_LEN  1000 /* ...of this size: 80 KB in all */
#define PATH_TARGET   4000 /* length of the deep path opened */
#define EXEC_THREADS  4    /* threads running while one of them execs */

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
    fflush(stdout);
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "edge-workload: %s failed: %s\n", what, strerror(errno));
        failures++;
    }
}

/* Runs argv/envp with execve in a child and waits for it; returns its pid. */
static pid_t run(char *const argv[], char *const envp[])
{
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        execve(argv[0], argv, envp);
        _exit(127);
    }
    check(pid > 0, "fork");
    if (pid > 0) {
        check(waitpid(pid, &status, 0) == pid, "waitpid");
        check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exec of a long/binary argv");
    }
    return pid;
}

/* 300 arguments of 1000 bytes and an 80 KB environment. */
static void long_exec(const char *dir)
{
    static char args[LONG_ARGS][LONG_ARG_LEN + 1], envs[LONG_ENVS][LONG_ENV_LEN + 1];
    char *argv[LONG_ARGS + 2], *envp[LONG_ENVS + 1], path[4096];
    FILE *f;
    pid_t pid;

    argv[0] = "/bin/true";
    for (int i = 0; i < LONG_ARGS; i++) {
        int n = snprintf(args[i], sizeof(args[i]), "%s-a%03d-", marker, i);

        for (int j = n; j < LONG_ARG_LEN; j++)
            args[i][j] = (char)('a' + (i + j) % 26);
        args[i][LONG_ARG_LEN] = 0;
        argv[i + 1] = args[i];
    }
    argv[LONG_ARGS + 1] = NULL;
    for (int i = 0; i < LONG_ENVS; i++) {
        int n = snprintf(envs[i], sizeof(envs[i]), "BD_EDGE_%03d=", i);

        memset(envs[i] + n, 'e', (size_t)(LONG_ENV_LEN - n));
        envs[i][LONG_ENV_LEN] = 0;
        envp[i] = envs[i];
    }
    envp[LONG_ENVS] = NULL;

    snprintf(path, sizeof(path), "%s/longargs.bin", dir);
    f = fopen(path, "wb");
    check(f != NULL, "fopen longargs.bin");
    if (!f)
        return;
    for (int i = 0; argv[i]; i++)
        fwrite(argv[i], 1, strlen(argv[i]) + 1, f);
    fclose(f);
    pid = run(argv, envp);
    truth("longargs_pid", "%d", pid);
    truth("longargs_file", "%s", path);
    truth("longargs_argc", "%d", LONG_ARGS + 1);
    truth("longenv_bytes", "%d", LONG_ENVS * (LONG_ENV_LEN + 1));
}

/* Arguments holding 0x01, 0xff and 0x7f bytes. */
static void binary_exec(void)
{
    char a1[64], a2[64], *argv[4], *envp[] = {"BD_EDGE_BIN=\x01\xff\x7f", NULL};
    pid_t pid;

    snprintf(a1, sizeof(a1), "bin-%s-\x01\xff\x7f-end", marker);
    snprintf(a2, sizeof(a2), "\xff\xfe\x80\x01\x02\x7f");
    argv[0] = "/bin/true";
    argv[1] = a1;
    argv[2] = a2;
    argv[3] = NULL;
    pid = run(argv, envp);
    truth("binary_pid", "%d", pid);
}

/* Opens a file whose absolute path is about PATH_TARGET bytes long. */
static void long_path(const char *dir)
{
    char path[4096], comp[256];
    size_t len;
    int fd;

    memset(comp, 'd', 200);
    comp[200] = 0;
    len = (size_t)snprintf(path, sizeof(path), "%s", dir);
    while (len + 1 + 200 + 1 + 64 < PATH_TARGET) {
        len += (size_t)snprintf(path + len, sizeof(path) - len, "/%s", comp);
        if (mkdir(path, 0700) && errno != EEXIST) {
            check(0, "mkdir of the deep path");
            return;
        }
    }
    /* pad the file name so the whole path is PATH_TARGET bytes */
    len += (size_t)snprintf(path + len, sizeof(path) - len, "/f-%s-", marker);
    while (len < PATH_TARGET)
        path[len++] = 'p';
    path[len] = 0;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    check(fd >= 0, "open of the 4000-byte path");
    if (fd >= 0) {
        check(write(fd, "deep\n", 5) == 5, "write on the deep file");
        close(fd);
    }
    truth("longpath_fd", "%d", fd);
    truth("longpath_len", "%zu", len);
    truth("longpath", "%s", path);
}

/* ------------------------------------------------ exec from a thread */

static atomic_int started, go_exec;

static void *spinner(void *arg)
{
    (void)arg;
    atomic_fetch_add(&started, 1);
    for (;;) {
        struct timespec ts = {0, 100000};

        getppid();
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void *execer(void *arg)
{
    char **argv = arg, *envp[] = {"PATH=/bin:/usr/bin", NULL};
    pid_t tid = (pid_t)syscall(SYS_gettid);
    char buf[64];
    int fd = atoi(argv[3]);
    int n;

    atomic_fetch_add(&started, 1);
    while (!atomic_load(&go_exec))
        getppid();
    n = snprintf(buf, sizeof(buf), "threadexec_tid=%d\n", tid);
    if (write(fd, buf, (size_t)n) != n)
        _exit(3);
    close(fd);
    execve(argv[0], argv, envp);
    _exit(127);
}

/* A child with EXEC_THREADS threads; one that is not the leader execs. */
static void thread_exec(void)
{
    char exe_arg[128], fdnum[16], *argv[5];
    int pfd[2], status;
    pid_t pid;

    snprintf(exe_arg, sizeof(exe_arg), "threadexec-%s", marker);
    check(pipe(pfd) == 0, "pipe");
    pid = fork();
    if (pid == 0) {
        pthread_t th[EXEC_THREADS];

        close(pfd[0]);
        snprintf(fdnum, sizeof(fdnum), "%d", pfd[1]);
        argv[0] = "/bin/echo";
        argv[1] = exe_arg;
        argv[2] = "done";
        argv[3] = fdnum; /* read by execer(); echo prints it too */
        argv[4] = NULL;
        for (int i = 0; i < EXEC_THREADS - 1; i++)
            pthread_create(&th[i], NULL, spinner, NULL);
        pthread_create(&th[EXEC_THREADS - 1], NULL, execer, argv);
        while (atomic_load(&started) < EXEC_THREADS)
            getppid();
        atomic_store(&go_exec, 1);
        for (;;) /* the leader keeps running until the exec kills it */
            getppid();
    }
    check(pid > 0, "fork");
    close(pfd[1]);
    if (pid > 0) {
        char buf[128] = "";
        ssize_t n = read(pfd[0], buf, sizeof(buf) - 1);

        if (n > 0) {
            buf[n] = 0;
            fputs(buf, stdout);
        }
        check(waitpid(pid, &status, 0) == pid, "waitpid");
        check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exec from a thread");
    }
    close(pfd[0]);
    truth("threadexec_pid", "%d", pid);
    truth("threadexec_arg", "%s", exe_arg);
}

/* ------------------------------------------------ storm */

static void *sleeper(void *arg)
{
    (void)arg;
    usleep(2000);
    return NULL;
}

static int storm(int seconds)
{
    time_t end = time(NULL) + seconds;
    unsigned n = 0;

    while (time(NULL) < end) {
        pid_t pid = fork();

        if (pid == 0) {
            pthread_t th;

            if (n % 2 == 0 && pthread_create(&th, NULL, sleeper, NULL) == 0)
                usleep(1000 + (n % 7) * 500);
            _exit(0);
        }
        n++;
        /* keep about 32 alive */
        if (n > 32)
            while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
        if (n % 32 == 0)
            usleep(1000);
    }
    while (wait(NULL) > 0)
        ;
    printf("storm: %u processes\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    char line[16];

    if (argc == 3 && strcmp(argv[1], "storm") == 0)
        return storm(atoi(argv[2]));
    if (argc != 4 || strcmp(argv[1], "run") != 0) {
        fprintf(stderr, "usage: %s run DIR MARKER | storm SECONDS\n", argv[0]);
        return 2;
    }
    marker = argv[3];
    if (!fgets(line, sizeof(line), stdin))
        return 2;
    truth("pid", "%d", getpid());
    long_exec(argv[2]);
    binary_exec();
    long_path(argv[2]);
    thread_exec();
    return failures ? 1 : 0;
}
