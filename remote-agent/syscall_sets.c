// SPDX-License-Identifier: GPL-2.0-or-later
#include "syscall_sets.h"

#include <stdio.h>
#include <string.h>

#include <scapkit/format.h>

struct syscall_set {
    const char *name;
    const char *const *members; /* NULL-terminated; NULL list = every syscall */
};

static const char *const file_set[] = {
    "open", "openat", "openat2", "creat", "close", "read", "write", "pread64", "pwrite64",
    "readv", "writev", "preadv", "pwritev", "sendfile", "rename", "renameat", "renameat2",
    "unlink", "unlinkat", "mkdir", "mkdirat", "rmdir", "link", "linkat", "symlink", "symlinkat",
    "chmod", "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat", "chdir", "fchdir",
    "dup", "dup2", "dup3", "fcntl", "pipe", "pipe2", "eventfd", "eventfd2", "signalfd",
    "signalfd4", "timerfd_create", "inotify_init", "inotify_init1", "memfd_create", "mmap",
    "munmap", "mprotect", NULL};
static const char *const net_set[] = {
    "socket", "socketpair", "bind", "listen", "connect", "accept", "accept4", "sendto",
    "recvfrom", "sendmsg", "recvmsg", "shutdown", "close", "read", "write", "readv", "writev",
    "dup", "dup2", "dup3", "fcntl", NULL};
static const char *const proc_set[] = {
    "clone", "clone3", "fork", "vfork", "execve", "execveat", "kill", "tgkill", "ptrace",
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid",
    "setfsgid", "setsid", "setpgid", "setns", "unshare", "prctl", "capset", "chdir", "fchdir",
    "chroot", NULL};
static const char *const security_set[] = {
    "bpf", "init_module", "finit_module", "delete_module", "mount", "umount2", "userfaultfd",
    "io_uring_setup", "ptrace", "setns", "unshare", "capset", "execve", "execveat", NULL};
/* The process tree and fd table need these whatever the user picks. */
static const char *const state_set[] = {
    "clone", "clone3", "fork", "vfork", "execve", "execveat", "close", "dup", "dup2", "dup3",
    "fcntl", "chdir", "fchdir", "setuid", "setgid", "setresuid", "setresgid", "setsid", NULL};

static const struct syscall_set sets[] = {
    {"all", NULL},       {"file", file_set},         {"net", net_set},
    {"proc", proc_set},  {"security", security_set}, {"state", state_set},
};

const char *bd_syscall_set_names(void)
{
    return "all, file, net, proc, security, state, procexit, or syscall names; '!name' removes";
}

int bd_syscall_number(const char *name)
{
    for (int nr = 0; nr < BD_NR_SYSCALLS; nr++) {
        const char *n = sk_x86_64_syscall_name((uint32_t)nr);
        if (n && strcmp(n, name) == 0)
            return nr;
    }
    return -1;
}

static int apply_set(const struct syscall_set *s, bool want[BD_NR_SYSCALLS], bool value)
{
    if (!s->members) {
        for (int nr = 0; nr < BD_NR_SYSCALLS; nr++) {
            if (sk_x86_64_syscall_name((uint32_t)nr))
                want[nr] = value;
        }
        return 0;
    }
    for (const char *const *m = s->members; *m; m++) {
        int nr = bd_syscall_number(*m);
        if (nr >= 0)
            want[nr] = value;
    }
    return 0;
}

static int apply_word(const char *word, bool want[BD_NR_SYSCALLS], bool *procexit, char *err,
                      size_t errlen)
{
    bool value = true;
    int nr;

    if (word[0] == '!') {
        value = false;
        word++;
    }
    if (strcmp(word, "procexit") == 0) {
        *procexit = value;
        return 0;
    }
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        if (strcmp(word, sets[i].name) == 0) {
            if (!sets[i].members)
                *procexit = value;
            return apply_set(&sets[i], want, value);
        }
    }
    nr = bd_syscall_number(word);
    if (nr < 0) {
        snprintf(err, errlen, "unknown syscall or set '%s' (sets: %s)", word,
                 bd_syscall_set_names());
        return -1;
    }
    want[nr] = value;
    return 0;
}

int bd_syscall_set_parse(const char *list, bool want[BD_NR_SYSCALLS], bool *procexit, char *err,
                         size_t errlen)
{
    char buf[4096], *save = NULL;
    bool procexit_default = *procexit;
    int words = 0;

    if (strlen(list) >= sizeof(buf)) {
        snprintf(err, errlen, "list too long");
        return -1;
    }
    snprintf(buf, sizeof(buf), "%s", list);
    memset(want, 0, BD_NR_SYSCALLS * sizeof(want[0]));
    *procexit = false;
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (!w[0])
            continue;
        if (apply_word(w, want, procexit, err, errlen))
            return -1;
        words++;
    }
    if (!words) {
        snprintf(err, errlen, "empty syscall list");
        return -1;
    }
    /* a narrowed set still keeps process exits unless '!procexit' was given */
    if (!strstr(list, "procexit"))
        *procexit = procexit_default;
    /* ... and what the reader's process and fd tables need, unless '!state' */
    if (!strstr(list, "!state"))
        apply_set(&sets[5], want, true);
    return 0;
}
