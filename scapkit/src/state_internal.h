/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal structures of the state engine (state.c, state_events.c). */
#ifndef SCAPKIT_STATE_INTERNAL_H
#define SCAPKIT_STATE_INTERNAL_H

#include "scapkit/state.h"
#include "strpool.h"
#include "container_internal.h"

/* Clone flags (PPM_CL_*) the engine needs. */
#define CL_CLONE_FILES (1u << 0)
#define CL_CLONE_NEWPID (1u << 6)
#define CL_CLONE_PARENT (1u << 8)
#define CL_CLONE_THREAD (1u << 13)
#define CL_CLONE_INVERTED (1u << 16)
#define CL_NAME_CHANGED (1u << 17)
#define CL_ACTIVE (1u << 19)
#define CL_CLONE_NEWUSER (1u << 20)
#define CL_CLONE_VFORK (1u << 27)
#define CL_CHILD_IN_PIDNS (1u << 29)

/* Open flags (PPM_O_*). */
#define O_PPM_DIRECTORY (1u << 10)
#define O_PPM_CLOEXEC (1u << 12)

/* Socket families (PPM_AF_*). */
#define AF_PPM_UNIX 1
#define AF_PPM_INET 2
#define AF_PPM_INET6 10
#define AF_PPM_NETLINK 16

/* Parameter names the handlers look up, resolved once per event code. */
enum pname {
    PN_RES,
    PN_FD,
    PN_NAME,
    PN_PATHNAME,
    PN_PATH,
    PN_FILENAME,
    PN_FLAGS,
    PN_DIRFD,
    PN_TID,
    PN_PID,
    PN_PTID,
    PN_EXE,
    PN_ARGS,
    PN_CWD,
    PN_FDLIMIT,
    PN_UID,
    PN_GID,
    PN_COMM,
    PN_CGROUPS,
    PN_ENV,
    PN_VTID,
    PN_VPID,
    PN_TTY,
    PN_LOGINUID,
    PN_TRUSTED_EXEPATH,
    PN_VPGID,
    PN_PGID,
    PN_CAP_INH,
    PN_CAP_PRM,
    PN_CAP_EFF,
    PN_DOMAIN,
    PN_TYPE,
    PN_PROTO,
    PN_ADDR,
    PN_TUPLE,
    PN_FD1,
    PN_FD2,
    PN_OLDFD,
    PN_NEWFD,
    PN_CMD,
    PN_INO,
    PN_DEV,
    PN_JSON,
    PN_ID,
    PN_IMAGE,
    PN_CONTAINER_ID,
    PN_HOME,
    PN_SHELL,
    PN_REAPER_TID,
    PN_EUID,
    PN_EGID,
    PN_SOURCE,
    PN_PEER,
    PN_DATA,
    PN_OUT_FD,
    PN_FD_IN,
    PN_FDOUT,
    PN_LINKDIRFD,
    PN_PLUGIN_ID,
    PN_EXE_WRITABLE_FLAGS,
    PN_COUNT
};

/* What an event does to the state (resolved once per code from its name). */
enum handler {
    H_NONE = 0,
    H_CLONE,
    H_EXECVE,
    H_PROCEXIT,
    H_OPEN,
    H_OPENAT,
    H_SOCKET,
    H_BIND,
    H_CONNECT,
    H_ACCEPT,
    H_SENDRECV_OUT,
    H_SENDRECV_IN,
    H_CLOSE,
    H_DUP,
    H_FCNTL,
    H_PIPE,
    H_SOCKETPAIR,
    H_NEWFD_EVENT,
    H_NEWFD_SIGNALFD,
    H_NEWFD_TIMERFD,
    H_NEWFD_INOTIFY,
    H_NEWFD_EPOLL,
    H_NEWFD_BPF,
    H_NEWFD_USERFAULTFD,
    H_NEWFD_IOURING,
    H_NEWFD_MEMFD,
    H_NEWFD_PIDFD,
    H_CHDIR,
    H_FCHDIR,
    H_SETUID,
    H_SETGID,
    H_SETRESUID,
    H_SETRESGID,
    H_SETSID,
    H_CONTAINER_OLD,
    H_CONTAINER_JSON,
    H_ASYNC,
    H_USER_ADDED,
    H_GROUP_ADDED,
    H_CHROOT,
};

struct fd_table {
    int refs;
    struct sk_imap fds; /* fd number -> const struct sk_fd * */
};

/* Copy of a thread's last enter event, for old files whose exits lack params. */
struct stored_enter {
    uint16_t type; /* 0xffff = none */
    uint64_t ts;
    uint8_t *buf;
    uint32_t cap;
    uint32_t nparams;
    uint32_t len[SK_MAX_PARAMS];
    uint32_t off[SK_MAX_PARAMS];
};

struct thread_entry {
    int64_t tid;
    struct sk_thread *cur;  /* current version */
    bool published;         /* cur is referenced from outside: copy before changing */
    uint64_t checked_gen;   /* tree generation cur was last refreshed at */
    const char *own_cwd;    /* main threads: the cwd this thread holds */
    struct fd_table *fds;
    struct stored_enter enter;
};

struct user_entry {
    const char *name, *home, *shell;
};

struct local_addr {
    bool v6;
    uint8_t addr[16], netmask[16];
    bool loopback;
};

struct sk_state {
    struct local_addr *ifaddrs;
    size_t n_ifaddrs;
    struct sk_strpool strings;
    struct sk_arena versions;
    struct sk_imap threads;    /* tid -> struct thread_entry * */
    struct sk_imap users;      /* uid -> struct user_entry * (host) */
    struct sk_imap groups;     /* gid -> const char * (host) */
    struct sk_imap ctr_users;  /* hash(container, uid) -> struct user_entry * */
    struct sk_imap ctr_groups; /* hash(container, gid) -> const char * */
    struct sk_imap containers; /* hash(short id) -> const struct sk_container * */
    struct sk_imap unknown_fds;/* fd number -> placeholder const struct sk_fd * */
    const struct sk_container *host;
    struct sk_machine_info machine;
    uint64_t tree_gen;         /* bumps whenever a version other threads may point at changes */
    uint32_t names_gen;        /* bumps when users/groups/containers change */
    /* per event code: index of each named param, and the handler (shared, built once) */
    const int8_t (*pidx)[PN_COUNT];
    const uint8_t *handler;
    size_t thread_count;
    bool fresh_section;
};

/* state.c: shared helpers */
const char *st_intern(struct sk_state *st, const char *s, size_t len);
const char *st_intern_cstr(struct sk_state *st, const char *s);
const char *st_blob(struct sk_state *st, const char *p, size_t len);
const char *st_join_args(struct sk_state *st, const char *p, size_t len, uint32_t *nargs);
const char *st_resolve_path(struct sk_state *st, const char *dir, const char *name,
                            size_t name_len);
const char *st_dir_with_slash(struct sk_state *st, const char *path);
void st_user_added(struct sk_state *st, const char *container_id, uint32_t uid,
                   const struct sk_str *name, const struct sk_str *home,
                   const struct sk_str *shell);
void st_group_added(struct sk_state *st, const char *container_id, uint32_t gid,
                    const struct sk_str *name);
const struct sk_container *st_container(struct sk_state *st, const char *id, const char *full_id,
                                        const char *runtime);
void st_container_update(struct sk_state *st, const struct sk_container_meta *m);
const struct sk_container *st_container_of_cgroups(struct sk_state *st, const char *cgroups,
                                                   size_t len);
struct thread_entry *st_thread_entry(struct sk_state *st, int64_t tid);
struct thread_entry *st_thread_new(struct sk_state *st, int64_t tid);
struct thread_entry *st_thread_placeholder(struct sk_state *st, int64_t tid);
void st_thread_remove(struct sk_state *st, int64_t tid);
struct sk_thread *st_thread_mut(struct sk_state *st, struct thread_entry *e);
struct thread_entry *st_main_entry(struct sk_state *st, struct thread_entry *e);
const struct sk_thread *st_thread_view(struct sk_state *st, struct thread_entry *e);
struct fd_table *st_fd_table(struct sk_state *st, struct thread_entry *e, bool create);
struct fd_table *st_fd_table_copy(const struct fd_table *src);
struct fd_table *st_fd_table_share(struct fd_table *t);
void st_fd_table_release(struct fd_table *t);
struct sk_fd *st_fd_alloc(struct sk_state *st, int64_t num, uint8_t type);
struct sk_fd *st_fd_clone(struct sk_state *st, const struct sk_fd *src, int64_t num);
void st_fd_put(struct fd_table *t, const struct sk_fd *f);
const struct sk_fd *st_fd_get(struct fd_table *t, int64_t num);
const struct sk_fd *st_fd_unknown(struct sk_state *st, int64_t num);
size_t st_format_endpoint(char *out, size_t outlen, bool ipv6, const uint8_t *ip, uint16_t port);
void st_fd_name_tuple(struct sk_state *st, struct sk_fd *f);
bool st_is_local_addr(const struct sk_state *st, bool v6, const uint8_t *ip);
void st_fd_classify(const struct sk_state *st, struct sk_fd *f);
const uint8_t *st_local_addr_for(const struct sk_state *st, bool v6, const uint8_t *remote);

/* state_events.c */
enum handler st_handler_for(const struct sk_event_info *info, uint16_t code);

#endif
