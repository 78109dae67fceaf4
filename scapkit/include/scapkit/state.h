/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit state engine: thread table, fd tables, users/groups and containers
 * rebuilt from the state blocks (PL/FDL/UL/MI/IL) and the events of a capture,
 * with the semantics of libsinsp's parser.
 *
 * Every view handed out (struct sk_thread, struct sk_fd, struct sk_container)
 * is an immutable version owned by the state: when a thread or fd changes, a
 * new version is made and the old one stays valid until sk_state_free(). So
 * a caller can keep, per event, just the two pointers of struct sk_evt_state
 * and read them back at any later time (random access, two passes).
 */
#ifndef SCAPKIT_STATE_H
#define SCAPKIT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scapkit/format.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sk_container {
    const char *id;       /* 12-char short id, or "host" */
    const char *full_id;  /* 64-char id, or "host" */
    const char *name;     /* "" when unknown */
    const char *image;    /* "" when unknown */
    const char *image_id;
    const char *type;     /* "docker", "podman", "cri" ... or "" */
    const char *labels;   /* "k1:v1, k2:v2" or "" */
    const char *k8s_pod_name, *k8s_ns_name, *k8s_pod_uid;
    int privileged;       /* 1, 0, -1 unknown */
    uint32_t generation;  /* bumps when metadata arrives */
    const char *label_list;  /* "key=value" entries, each NUL-terminated ("" when none) */
    uint32_t label_list_len; /* bytes of label_list, the NULs included */
};

struct sk_thread {
    int64_t tid, pid, ptid, vtid, vpid, sid, vpgid, pgid;
    const char *comm;     /* proc.name */
    const char *exe;      /* argv[0] */
    const char *exepath;
    const char *args;     /* argv[1..] joined with spaces */
    uint32_t nargs;       /* number of arguments (proc.cmdline = comm + " " + args if > 0) */
    const char *cwd;      /* main thread's, with trailing '/' */
    const char *env;      /* NUL-separated list, env_len bytes */
    uint32_t env_len;
    const char *cgroups;  /* NUL-separated "subsys=path" list */
    uint32_t cgroups_len;
    const char *root;
    uint32_t uid, gid, loginuid;
    uint32_t tty;
    uint32_t flags;       /* PPM_CL_* */
    uint64_t fdlimit;
    uint64_t cap_permitted, cap_effective, cap_inheritable;
    bool exe_writable, exe_from_memfd, exe_upper_layer, exe_lower_layer;
    uint64_t clone_ts;
    const char *user_name;  /* resolved at version time: "root", "<NA>" ... */
    const char *user_home, *user_shell;
    const char *group_name;
    const struct sk_container *container;
    /* Parent process' main thread as it was when this version was made; NULL if unknown. */
    const struct sk_thread *parent;
    bool invalid;         /* placeholder for a tid not in the table (pid -1, empty comm) */
    bool is_main;         /* tid == pid */
};

struct sk_fd {
    int64_t num;
    uint8_t type;        /* enum sk_fd_type */
    char typechar;       /* 'f','d','4','6','u','p','e','s','l','i','t','n','b','r','m','P','o' */
    const char *name;    /* fd.name */
    const char *nameraw; /* path as given, for files */
    uint32_t open_flags; /* PPM_O_* */
    uint64_t ino;
    uint32_t dev;
    /* sockets: client/server view, addresses in network byte order */
    bool is_ipv6;
    /*
     * fd.is_server as libsinsp computes it: bound server sockets, or
     * connected sockets whose server address is one of this machine's
     * (interface list).
     */
    bool is_server;
    bool role_server;    /* the server end of the connection lives in this process */
    bool role_client;    /* the client end does (neither: not known yet) */
    bool client_is_local; /* fd.lip is the client address (else the server address) */
    bool has_tuple;      /* cip/sip are set (connected or bound IP socket) */
    uint8_t l4proto;     /* enum sk_l4proto */
    uint8_t cip[16], sip[16];
    uint16_t cport, sport;
    uint64_t unix_source, unix_dest;
};

/*
 * What the state says about one event, as libsinsp shows it: the thread and
 * fd after the event's own changes (execve shows the new program, open the
 * new fd, connect the connected tuple) but before removals (close still
 * shows the closed fd, procexit the exiting thread).
 */
struct sk_evt_state {
    /* NULL only for meta events (container, user-added ...) of unknown tids */
    const struct sk_thread *thread;
    /*
     * fd the event uses (EF_USES_FD), or the fd it creates (fd-creating exits);
     * NULL otherwise. An fd number the state does not know gets a view with
     * type SK_FD_UNINITIALIZED, typechar 0 and name NULL (only num is valid).
     */
    const struct sk_fd *fd;
    /* exit ts - ts of the thread's matching enter event when the file has it, else 0 */
    uint64_t latency_ns;
    /*
     * evt.type when the state names it (a generic exit whose syscall only its
     * enter event identifies), else NULL: use sk_event_type_name().
     */
    const char *type_name;
};

struct sk_state;

struct sk_state *sk_state_new(void);
void sk_state_free(struct sk_state *st);

/* Feed a metadata block (MI/PL/FDL/IL/UL of any version); others are ignored. */
int sk_state_load_block(struct sk_state *st, uint32_t block_type, const uint8_t *body, size_t len);

/*
 * Process one decoded event in file order: apply its state changes and fill
 * *out with the views valid for it (see struct sk_evt_state).
 */
void sk_state_process(struct sk_state *st, const struct sk_event *ev, struct sk_evt_state *out);

/* Current view of an fd of a thread (for rendering other fd params), or NULL. */
const struct sk_fd *sk_state_lookup_fd(struct sk_state *st, int64_t tid, int64_t fd);

/* Find the n-th ancestor (1 = parent) of a thread version, or NULL. */
const struct sk_thread *sk_thread_ancestor(const struct sk_thread *t, unsigned n);

/* Machine info seen in the file (zeroed if none). */
const struct sk_machine_info *sk_state_machine(const struct sk_state *st);

/* Memory held by the state, for benchmarks. */
size_t sk_state_memory(const struct sk_state *st);

/* fd type char as sysdig prints it ('f' for files ...). */
char sk_fd_typechar(uint8_t fd_type);
/* fd.type text: "file", "directory", "ipv4", "ipv6", "unix", "pipe", "event", ... */
const char *sk_fd_typename(uint8_t fd_type);
/* l4proto text: "tcp", "udp", "icmp", "raw", "<NA>". */
const char *sk_l4proto_name(uint8_t l4proto);

/*
 * Container id of a cgroup list (NUL-separated "subsys=path"), written into
 * out (13 bytes: 12 hex + NUL) and the full id into full (65 bytes). Returns
 * the runtime type ("docker", "podman", "cri", "containerd", "lxc", ...) or
 * NULL for host processes.
 */
const char *sk_container_id_from_cgroups(const char *cgroups, size_t len, char out[13],
                                         char full[65]);

#ifdef __cplusplus
}
#endif

#endif /* SCAPKIT_STATE_H */
