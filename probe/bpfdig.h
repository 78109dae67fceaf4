/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig probe <-> userspace: the raw record format and the capture plan.
 * Included by the eBPF program (with vmlinux.h types) and by the agent.
 *
 * A record in a ring is
 *   struct bdp_hdr            fixed header
 *   { struct bdp_blob; data } 0..n typed blobs, each padded to 8 bytes
 * hdr.len is the record length including every blob.
 */
#ifndef BPFDIG_PROBE_H
#define BPFDIG_PROBE_H

#ifndef __VMLINUX_H__
#include <stdint.h>
typedef uint8_t bdp_u8;
typedef uint16_t bdp_u16;
typedef uint32_t bdp_u32;
typedef uint64_t bdp_u64;
typedef int64_t bdp_s64;
typedef int32_t bdp_s32;
#else
typedef __u8 bdp_u8;
typedef __u16 bdp_u16;
typedef __u32 bdp_u32;
typedef __u64 bdp_u64;
typedef __s64 bdp_s64;
typedef __s32 bdp_s32;
#endif

#define BDP_NR_SYSCALLS 512
#define BDP_MAX_PIDS    64
#define BDP_MAX_COMMS   16
#define BDP_MAX_CGROUPS 16
#define BDP_MAX_CG_IDS  4096 /* bd_cgroup_ids: containers selected at run time */
#define BDP_MAX_EXCLUDE 16 /* processes never captured besides the agent */
/* Syscall sets of up to BDP_MAX_FAST numbers are matched against immediates the
 * agent writes into the program before load, in place of the placeholders
 * BDP_FAST_MAGIC + slot: a filtered-out syscall then costs no memory access. */
#define BDP_MAX_FAST 16
#define BDP_FAST_MAGIC 0x0bd0fa50
#define BDP_FAST_SWITCH (BDP_FAST_MAGIC + BDP_MAX_FAST) /* 0: table, 1: immediates */
#define BDP_COMM_LEN    16

/* Scratch space per CPU; a record never exceeds BDP_REC_MAX. */
#define BDP_SCRATCH   32768
#define BDP_REC_MAX   16384
#define BDP_OFF_MASK  (BDP_REC_MAX - 1)
#define BDP_PATH_MAX  4096 /* user strings (paths) */
#define BDP_ARGS_MAX  4096 /* execve/clone args, env */
#define BDP_CGRP_MAX  2048 /* all cgroup paths together */
#define BDP_SNAP_MAX  4096 /* largest snaplen the probe honours */
#define BDP_IOV_MAX   16   /* iovecs gathered per readv/writev/msg */
#define BDP_CG_DEPTH  16   /* cgroup path components */
#define BDP_UNIX_PATH 108

/* Record kinds. */
enum bdp_kind {
    BDP_K_SYSCALL = 1,
    BDP_K_PROCEXIT = 2,
};

struct bdp_hdr {
    bdp_u64 ts; /* bpf_ktime_get_boot_ns() */
    bdp_u32 tid;
    bdp_u32 tgid;
    bdp_u16 kind; /* enum bdp_kind */
    bdp_u16 nr;   /* x86_64 syscall number */
    bdp_u32 len;  /* whole record, with blobs */
    bdp_s64 ret;
    bdp_u64 args[6];
};

/* Blob types. */
enum bdp_blob_type {
    BDP_B_STR = 1,  /* user string (NUL included if it fit); index = which string */
    BDP_B_DATA,     /* I/O payload, up to snaplen */
    BDP_B_SOCKADDR, /* raw struct sockaddr from user memory */
    BDP_B_TUPLE,    /* struct bdp_tuple */
    BDP_B_FDS,      /* int[2] */
    BDP_B_PROC,     /* struct bdp_proc */
    BDP_B_ARGS,     /* NUL-separated argv */
    BDP_B_ENV,      /* NUL-separated environment */
    BDP_B_CGROUPS,  /* "subsys=/path\0" list */
    BDP_B_FILE,     /* struct bdp_file of the fd in ret (or of fds[0]) */
    BDP_B_MM,       /* struct bdp_mm */
    BDP_B_USER,     /* fixed-size user struct (open_how, io_uring_params, offset...) */
    BDP_B_LISTENQ,  /* struct bdp_listenq */
    BDP_B_PAIR,     /* u64[2]: socketpair unix_sock pointers */
    BDP_B_EXIT,     /* struct bdp_exit */
    BDP_B_CAPS,     /* u64[3]: inheritable, permitted, effective */
};

/* Blob flags. */
#define BDP_BF_TRUNC 0x1 /* the value was cut to fit */

struct bdp_blob {
    bdp_u8 type;
    bdp_u8 flags;
    bdp_u16 len; /* data bytes following, before padding */
    bdp_u32 aux; /* type-specific (string index; DATA: full length) */
};

/* Kernel socket tuple. Ports host order, addresses network order. */
struct bdp_tuple {
    bdp_u16 family; /* AF_* (Linux) */
    bdp_u16 sport;  /* local */
    bdp_u16 dport;  /* remote */
    bdp_u16 pad;
    bdp_u8 saddr[16];
    bdp_u8 daddr[16];
    bdp_u64 unix_src; /* unix: this socket */
    bdp_u64 unix_dst; /* unix: peer */
    char path[BDP_UNIX_PATH];
};

struct bdp_proc {
    bdp_u32 pid, ptid, vtid, vpid, vpgid, sid, pgid;
    bdp_u32 uid, gid, euid, egid, loginuid;
    bdp_u32 tty;
    bdp_u32 flags; /* PF_* of the task */
    bdp_u64 cap_inh, cap_prm, cap_eff;
    bdp_u64 fdlimit;
    bdp_u64 pgft_maj, pgft_min;
    bdp_u32 vm_size, vm_rss, vm_swap; /* KiB */
    bdp_u32 exe_writable;
    bdp_u64 exe_ino, exe_ctime, exe_mtime; /* times: ns since the epoch */
    bdp_u64 pidns_init_start;              /* boot ns */
    bdp_u64 start_boot;                    /* task start, boot ns */
    char comm[BDP_COMM_LEN];
};

struct bdp_file {
    bdp_u32 dev; /* kernel dev_t (major << 20 | minor) */
    bdp_u32 fmode;
    bdp_u64 ino;
};

struct bdp_mm {
    bdp_u32 vm_size, vm_rss, vm_swap; /* KiB */
    bdp_u32 pad;
};

struct bdp_listenq {
    bdp_u32 len, max;
};

struct bdp_exit {
    bdp_s64 exit_code; /* task->exit_code */
    bdp_s64 reaper;    /* tid that reparents the children, 0 if none */
};

/*
 * Capture plan: a shape (what to capture) plus up to three argument indices,
 * filled by userspace for every syscall before load.
 */
enum bdp_shape {
    BDP_S_NONE = 0, /* header only */
    BDP_S_IO_IN,    /* data from a=buf, length = ret */
    BDP_S_IO_OUT,   /* data from a=buf, length = ret (written bytes) */
    BDP_S_IOV_IN,   /* iovec a, count b, length = ret */
    BDP_S_IOV_OUT,  /* same, written */
    BDP_S_STR1,     /* string a */
    BDP_S_STR2,     /* strings a, b */
    BDP_S_STR3,     /* strings a, b, c */
    BDP_S_OPEN,     /* string a, file of ret */
    BDP_S_OPENAT2,  /* string a, file of ret, open_how at b */
    BDP_S_EXEC,     /* proc + args + env + cgroups */
    BDP_S_CLONE,    /* proc + args + cgroups */
    BDP_S_CONNECT,  /* sockaddr (a, len b) + tuple of fd arg0 */
    BDP_S_BIND,     /* sockaddr (a, len b) */
    BDP_S_ACCEPT,   /* tuple of ret + listen queue of arg0 */
    BDP_S_SENDTO,   /* data a(len ret) + tuple of arg0 + sockaddr b (len c) */
    BDP_S_RECVFROM, /* data a(len ret) + tuple of arg0 + sockaddr b (len ptr c) */
    BDP_S_SENDMSG,  /* msghdr a: data + tuple of arg0 + msg_name */
    BDP_S_RECVMSG,  /* msghdr a: data + tuple of arg0 + msg_name */
    BDP_S_FDS,      /* int[2] at a */
    BDP_S_PIPE,     /* int[2] at a + file of fds[0] */
    BDP_S_SOCKPAIR, /* int[2] at a + socket pointers */
    BDP_S_MM,       /* vm counters */
    BDP_S_USER,     /* user struct at a, b bytes (b = size code, see below) */
    BDP_S_CAPS,     /* current caps */
    BDP_S_PRCTL,    /* string at arg1 when option is a string option */
    BDP_S_INITMOD,  /* data a (len b, snaplen) + string c */
    BDP_S_MAX,
};

struct bdp_plan {
    bdp_u8 shape;
    bdp_u8 a, b, c;
};

/* Read-only configuration, set in .rodata before load. */
struct bdp_cgroup_sel {
    bdp_s32 ssid; /* v1 cgroup subsystem id, -1 = v2 (bpf_get_current_cgroup_id) */
    bdp_u32 pad;
    bdp_u64 id; /* kernfs node id = inode number of the cgroup directory */
};

#endif /* BPFDIG_PROBE_H */
