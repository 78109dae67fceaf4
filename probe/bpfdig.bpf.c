/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bpfdig CO-RE probe: one tp_btf/sys_exit program for every syscall plus
 * tp_btf/sched_process_exit for procexit. Filtering happens before any ring
 * space is used; records go to per-CPU rings without wakeups.
 * See docs/probe.md.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "bpfdig.h"

char LICENSE[] SEC("license") = "GPL";

/* ------------------------------------------------ configuration (.rodata) */
const volatile bdp_u8 g_syscalls[BDP_NR_SYSCALLS];
const volatile struct bdp_plan g_plan[BDP_NR_SYSCALLS];
const volatile bdp_u32 g_self_tgid;
const volatile bdp_u32 g_nexclude;
const volatile bdp_u32 g_exclude[BDP_MAX_EXCLUDE];
const volatile bdp_u32 g_snaplen = 80;
const volatile bdp_u8 g_procexit;
const volatile bdp_u8 g_pid_filter;
const volatile bdp_u32 g_ncomms;
const volatile bdp_u64 g_comms[BDP_MAX_COMMS][2];
const volatile bdp_u32 g_ncgroups;
const volatile struct bdp_cgroup_sel g_cgroups[BDP_MAX_CGROUPS];
/* 1: also keep tasks in a cgroup of bd_cgroup_ids (on hierarchy g_cg_ids_ssid) */
const volatile bdp_u8 g_cg_ids;
const volatile bdp_s32 g_cg_ids_ssid;

/* x86_64 numbers used by the probe itself */
#define NR_CLONE    56
#define NR_FORK     57
#define NR_VFORK    58
#define NR_EXECVE   59
#define NR_CLONE3   435
#define NR_EXECVEAT 322

#define S_IFMT   00170000
#define S_IFSOCK 0140000
#define AF_UNIX  1
#define AF_INET  2
#define AF_INET6 10

/* ------------------------------------------------------------------- maps */
struct bd_ring {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 16); /* resized by userspace before load */
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 1); /* number of possible CPUs, set before load */
    __type(key, __u32);
    __array(values, struct bd_ring);
} bd_rings SEC(".maps");

struct bd_scratch {
    __u8 buf[BDP_SCRATCH];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct bd_scratch);
} bd_scratch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64); /* ring-full drops */
} bd_drops SEC(".maps");

/* tgids kept by the pid filter; descendants are added when they appear. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u32);
    __type(value, __u8);
} bd_pids SEC(".maps");

/*
 * Cgroups selected while the capture runs (--container: containers that
 * start later): kernfs ids on the hierarchy g_cg_ids_ssid, filled by the
 * agent. A task is kept when its cgroup or an ancestor is in the map.
 */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, BDP_MAX_CG_IDS);
    __type(key, __u64);
    __type(value, __u8);
} bd_cgroup_ids SEC(".maps");

/* --------------------------------------------------------------- helpers */

/* Kernels before 6.15 call the kernfs parent "parent". */
struct kernfs_node___old {
    struct kernfs_node *parent;
} __attribute__((preserve_access_index));

/* Inode times before 6.11. */
struct inode___old {
    struct timespec64 i_mtime;
    struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
    if (bpf_core_field_exists(kn->__parent))
        return BPF_CORE_READ(kn, __parent);
    return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

/* The single write path: every record leaves through here. */
static __always_inline void count_drop(void)
{
    __u32 zero = 0;
    __u64 *d = bpf_map_lookup_elem(&bd_drops, &zero);

    if (d)
        __sync_fetch_and_add(d, 1);
}

static __always_inline void emit(void *data, __u32 len)
{
    __u32 cpu = bpf_get_smp_processor_id();
    void *rb = bpf_map_lookup_elem(&bd_rings, &cpu);

    if (!rb) {
        count_drop();
        return;
    }
    barrier_var(len);
    len &= (BDP_SCRATCH - 1);
    if (bpf_ringbuf_output(rb, data, len, BPF_RB_NO_WAKEUP))
        count_drop();
}

/* Record positions and single read lengths the verifier can bound. */
#define BDP_LEN_MASK 0x1fff

static __always_inline __u32 bd_pos(__u32 off)
{
    barrier_var(off);
    return off & BDP_OFF_MASK;
}

static __always_inline __u32 pad8(__u32 n)
{
    return (n + 7) & ~7u;
}

/*
 * Blob writers: each takes the current record end, writes one blob and
 * returns the new end. off <= BDP_REC_MAX always; a blob that does not fit
 * is truncated (or skipped when not even its header fits).
 */
#define BLOB_ROOM(off) ((off) <= BDP_REC_MAX - 16)

static __always_inline __u32 blob_room(__u32 off)
{
    return BDP_REC_MAX - 8 - off;
}

static __always_inline __u32 blob_end(__u8 *buf, __u32 off, __u8 type, __u8 flags, __u32 len,
                                      __u32 aux)
{
    struct bdp_blob *b;

    off = bd_pos(off);
    b = (struct bdp_blob *)(buf + off);
    b->type = type;
    b->flags = flags;
    b->len = len;
    b->aux = aux;
    return off + 8 + pad8(len);
}

static __always_inline __u32 put_user_buf(__u8 *buf, __u32 off, __u8 type, __u32 aux,
                                          const void *uptr, __u32 len)
{
    __u32 room;
    __u8 flags = 0;

    if (!BLOB_ROOM(off))
        return off;
    room = blob_room(off);
    if (len > room) {
        len = room;
        flags = BDP_BF_TRUNC;
    }
    barrier_var(len);
    len &= BDP_LEN_MASK;
    if (len && bpf_probe_read_user(buf + bd_pos(off) + 8, len, uptr))
        len = 0;
    return blob_end(buf, off, type, flags, len, aux);
}

static __always_inline __u32 put_user_str(__u8 *buf, __u32 off, __u32 aux, const void *uptr)
{
    __u32 room, max = BDP_PATH_MAX;
    __u8 flags = 0;
    long n;

    if (!BLOB_ROOM(off))
        return off;
    room = blob_room(off);
    if (max > room)
        max = room;
    barrier_var(max);
    max &= BDP_LEN_MASK;
    if (!uptr || !max)
        return blob_end(buf, off, BDP_B_STR, 0, 0, aux);
    n = bpf_probe_read_user_str(buf + bd_pos(off) + 8, max, uptr);
    if (n < 0)
        n = 0;
    else if ((__u32)n == max)
        flags = BDP_BF_TRUNC;
    return blob_end(buf, off, BDP_B_STR, flags, (__u32)n, aux);
}

static __always_inline __u32 put_kernel(__u8 *buf, __u32 off, __u8 type, const void *src, __u32 len)
{
    if (!BLOB_ROOM(off) || len > blob_room(off))
        return off;
    barrier_var(len);
    len &= 511;
    if (bpf_probe_read_kernel(buf + bd_pos(off) + 8, len, src))
        return off;
    return blob_end(buf, off, type, 0, len, 0);
}

/* A blob whose body the caller fills in place; NULL when it does not fit. */
static __always_inline void *blob_body(__u8 *buf, __u32 off, __u32 size)
{
    if (!BLOB_ROOM(off) || size > blob_room(off))
        return NULL;
    return buf + bd_pos(off) + 8;
}

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
    struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
    struct file **fds;
    struct file *f = NULL;

    if (fd < 0 || !fdt || (unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
        return NULL;
    fds = BPF_CORE_READ(fdt, fd);
    bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
    return f;
}

static __always_inline struct sock *file_sock(struct file *f)
{
    struct socket *so;
    umode_t mode;

    if (!f)
        return NULL;
    mode = BPF_CORE_READ(f, f_inode, i_mode);
    if ((mode & S_IFMT) != S_IFSOCK)
        return NULL;
    so = BPF_CORE_READ(f, private_data);
    return so ? BPF_CORE_READ(so, sk) : NULL;
}

static __always_inline __u32 put_tuple(__u8 *buf, __u32 off, struct task_struct *task, long fd)
{
    struct sock *sk = file_sock(fd_file(task, fd));
    struct bdp_tuple *t = blob_body(buf, off, sizeof(*t));
    __u16 family;

    if (!t)
        return off;
    if (!sk)
        return blob_end(buf, off, BDP_B_TUPLE, 0, 0, 0);
    family = BPF_CORE_READ(sk, __sk_common.skc_family);
    __builtin_memset(t, 0, sizeof(*t));
    t->family = family;
    if (family == AF_INET) {
        t->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
        t->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
        BPF_CORE_READ_INTO((__u32 *)t->saddr, sk, __sk_common.skc_rcv_saddr);
        BPF_CORE_READ_INTO((__u32 *)t->daddr, sk, __sk_common.skc_daddr);
    } else if (family == AF_INET6) {
        t->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
        t->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
        bpf_core_read(t->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
        bpf_core_read(t->daddr, 16, &sk->__sk_common.skc_v6_daddr);
    } else if (family == AF_UNIX) {
        struct unix_sock *us = (struct unix_sock *)sk;
        struct sock *peer = BPF_CORE_READ(us, peer);
        struct unix_address *ua = BPF_CORE_READ(us, addr);

        t->unix_src = (__u64)sk;
        t->unix_dst = (__u64)peer;
        if (!ua && peer)
            ua = BPF_CORE_READ((struct unix_sock *)peer, addr);
        if (ua) {
            int alen = BPF_CORE_READ(ua, len);

            if (alen > 2) {
                alen -= 2; /* sun_family */
                if (alen > BDP_UNIX_PATH - 1)
                    alen = BDP_UNIX_PATH - 1;
                bpf_probe_read_kernel(t->path, alen & 127, &ua->name[0].sun_path);
            }
        }
    }
    return blob_end(buf, off, BDP_B_TUPLE, 0, sizeof(*t), 0);
}

static __always_inline __u32 put_file(__u8 *buf, __u32 off, struct file *f)
{
    struct bdp_file *bf = blob_body(buf, off, sizeof(*bf));
    struct inode *ino;

    if (!bf || !f)
        return off;
    ino = BPF_CORE_READ(f, f_inode);
    bf->dev = BPF_CORE_READ(ino, i_sb, s_dev);
    bf->ino = BPF_CORE_READ(ino, i_ino);
    bf->fmode = BPF_CORE_READ(f, f_mode);
    return blob_end(buf, off, BDP_B_FILE, 0, sizeof(*bf), 0);
}

static __always_inline __u64 mm_counter(struct mm_struct *mm, int i)
{
    /* 6.2+: percpu_counter; the shared count is what /proc shows too */
    s64 v = BPF_CORE_READ(mm, rss_stat[i & 3].count);

    return v < 0 ? 0 : (__u64)v;
}

static __always_inline void mm_sizes(struct mm_struct *mm, __u32 *size, __u32 *rss, __u32 *swap)
{
    if (!mm) {
        *size = *rss = *swap = 0;
        return;
    }
    *size = BPF_CORE_READ(mm, total_vm) << 2; /* pages -> KiB (4 KiB pages) */
    *rss = (mm_counter(mm, 0) + mm_counter(mm, 1) + mm_counter(mm, 3)) << 2;
    *swap = mm_counter(mm, 2) << 2;
}

static __always_inline __u32 pid_in_ns(struct pid *p)
{
    unsigned int lvl;
    struct upid up = {};

    if (!p)
        return 0;
    lvl = BPF_CORE_READ(p, level);
    bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[lvl & 31]);
    return up.nr;
}

static __always_inline __u32 pid_root(struct pid *p)
{
    return p ? BPF_CORE_READ(p, numbers[0].nr) : 0;
}

static __always_inline __u64 read_cap(const kernel_cap_t *c)
{
    __u64 v = 0;

    bpf_probe_read_kernel(&v, sizeof(v), c);
    return v;
}

static __always_inline __u64 ts_ns(__s64 sec, long nsec)
{
    return (__u64)sec * 1000000000ull + (__u64)nsec;
}

static __always_inline __u32 put_proc(__u8 *buf, __u32 off, struct task_struct *task)
{
    struct bdp_proc *p = blob_body(buf, off, sizeof(*p));
    struct task_struct *leader;
    const struct cred *cred;
    struct signal_struct *sig;
    struct mm_struct *mm;
    struct tty_struct *tty;
    struct file *exe;
    struct pid *tp;

    if (!p)
        return off;
    __builtin_memset(p, 0, sizeof(*p));
    leader = BPF_CORE_READ(task, group_leader);
    sig = BPF_CORE_READ(task, signal);
    cred = BPF_CORE_READ(task, cred);
    mm = BPF_CORE_READ(task, mm);

    p->pid = BPF_CORE_READ(task, tgid);
    p->ptid = BPF_CORE_READ(task, real_parent, pid);
    tp = BPF_CORE_READ(task, thread_pid);
    p->vtid = pid_in_ns(tp);
    p->vpid = pid_in_ns(BPF_CORE_READ(leader, thread_pid));
    p->pgid = pid_root(BPF_CORE_READ(sig, pids[PIDTYPE_PGID]));
    p->vpgid = pid_in_ns(BPF_CORE_READ(sig, pids[PIDTYPE_PGID]));
    p->sid = pid_root(BPF_CORE_READ(sig, pids[PIDTYPE_SID]));
    p->uid = BPF_CORE_READ(cred, uid.val);
    p->gid = BPF_CORE_READ(cred, gid.val);
    p->euid = BPF_CORE_READ(cred, euid.val);
    p->egid = BPF_CORE_READ(cred, egid.val);
    if (bpf_core_field_exists(task->loginuid))
        p->loginuid = BPF_CORE_READ(task, loginuid.val);
    else
        p->loginuid = 0xffffffff;
    tty = BPF_CORE_READ(sig, tty);
    if (tty) {
        __u32 major = BPF_CORE_READ(tty, driver, major);
        __u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);

        p->tty = (major << 20) | minor;
    }
    p->flags = BPF_CORE_READ(task, flags);
    p->cap_inh = read_cap(&cred->cap_inheritable);
    p->cap_prm = read_cap(&cred->cap_permitted);
    p->cap_eff = read_cap(&cred->cap_effective);
    p->fdlimit = BPF_CORE_READ(sig, rlim[7].rlim_cur); /* RLIMIT_NOFILE */
    p->pgft_maj = BPF_CORE_READ(task, maj_flt);
    p->pgft_min = BPF_CORE_READ(task, min_flt);
    mm_sizes(mm, &p->vm_size, &p->vm_rss, &p->vm_swap);
    exe = mm ? BPF_CORE_READ(mm, exe_file) : NULL;
    if (exe) {
        struct inode *ino = BPF_CORE_READ(exe, f_inode);

        p->exe_ino = BPF_CORE_READ(ino, i_ino);
        if (bpf_core_field_exists(ino->i_ctime_sec)) {
            p->exe_ctime = ts_ns(BPF_CORE_READ(ino, i_ctime_sec),
                                 BPF_CORE_READ(ino, i_ctime_nsec) & 0x3fffffff);
            p->exe_mtime = ts_ns(BPF_CORE_READ(ino, i_mtime_sec),
                                 BPF_CORE_READ(ino, i_mtime_nsec) & 0x3fffffff);
        } else {
            struct inode___old *o = (void *)ino;

            p->exe_ctime =
                ts_ns(BPF_CORE_READ(o, i_ctime.tv_sec), BPF_CORE_READ(o, i_ctime.tv_nsec));
            p->exe_mtime =
                ts_ns(BPF_CORE_READ(o, i_mtime.tv_sec), BPF_CORE_READ(o, i_mtime.tv_nsec));
        }
    }
    {
        unsigned int lvl = BPF_CORE_READ(tp, level);
        struct upid up = {};

        bpf_probe_read_kernel(&up, sizeof(up), &tp->numbers[lvl & 31]);
        if (up.ns)
            p->pidns_init_start = BPF_CORE_READ(up.ns, child_reaper, start_boottime);
    }
    p->start_boot = BPF_CORE_READ(task, start_boottime);
    BPF_CORE_READ_STR_INTO(&p->comm, task, comm);
    return blob_end(buf, off, BDP_B_PROC, 0, sizeof(*p), 0);
}

/* argv or environment from the task's mm. */
static __always_inline __u32 put_mm_strings(__u8 *buf, __u32 off, __u8 type, unsigned long start,
                                            unsigned long end)
{
    __u32 len = end > start ? end - start : 0;
    __u32 room;
    __u8 flags = 0;

    if (!BLOB_ROOM(off))
        return off;
    if (len > BDP_ARGS_MAX) {
        len = BDP_ARGS_MAX;
        flags = BDP_BF_TRUNC;
    }
    room = blob_room(off);
    if (len > room) {
        len = room;
        flags = BDP_BF_TRUNC;
    }
    barrier_var(len);
    len &= BDP_LEN_MASK;
    if (len && bpf_probe_read_user(buf + bd_pos(off) + 8, len, (void *)start)) {
        /* a page is not resident: keep at least what the first page holds */
        __u32 first = 4096 - (start & 4095);

        if (first < len)
            len = first;
        barrier_var(len);
        len &= BDP_LEN_MASK;
        if (bpf_probe_read_user(buf + bd_pos(off) + 8, len, (void *)start))
            len = 0;
        flags = BDP_BF_TRUNC;
    }
    return blob_end(buf, off, type, flags, len, 0);
}

/*
 * cgroups: "subsys=/path\0" for every subsystem, by walking kernfs names.
 * Global functions are verified once on their own, which keeps the nested
 * walks from multiplying the verifier's states. They work on the per-CPU
 * scratch record directly; pos is the write position, the result the new one.
 */
static __always_inline void *scratch(void)
{
    __u32 zero = 0;

    return bpf_map_lookup_elem(&bd_scratch, &zero);
}

#define CG_LIMIT (BDP_REC_MAX - 160)

/* "/name" of one kernfs node. */
__noinline __u32 bd_cg_component(__u64 kn_addr, __u32 pos)
{
    struct kernfs_node *kn = (struct kernfs_node *)kn_addr;
    __u8 *buf = scratch();
    long n;

    if (!buf || pos > CG_LIMIT)
        return pos;
    buf[bd_pos(pos)] = '/';
    pos++;
    n = bpf_probe_read_kernel_str(buf + bd_pos(pos), 128, BPF_CORE_READ(kn, name));
    if (n > 1)
        pos += n - 1;
    return pos;
}

/* "subsys=/a/b/c\0" of one css. */
__noinline __u32 bd_cg_subsys(__u64 css_addr, __u32 pos)
{
    struct cgroup_subsys_state *css = (struct cgroup_subsys_state *)css_addr;
    struct kernfs_node *kns[BDP_CG_DEPTH];
    struct kernfs_node *kn;
    __u8 *buf = scratch();
    int depth = 0;
    long n;

    if (!buf || !css || pos > CG_LIMIT)
        return pos;
    n = bpf_probe_read_kernel_str(buf + bd_pos(pos), 32, BPF_CORE_READ(css, ss, name));
    if (n <= 1)
        return pos;
    pos += n - 1;
    buf[bd_pos(pos)] = '=';
    pos++;
    kn = BPF_CORE_READ(css, cgroup, kn);
    for (int d = 0; d < BDP_CG_DEPTH; d++) {
        if (!kn || !kn_parent(kn))
            break;
        kns[d] = kn;
        depth = d + 1;
        kn = kn_parent(kn);
    }
    if (!depth) {
        buf[bd_pos(pos)] = '/';
        pos++;
    }
    for (int d = BDP_CG_DEPTH - 1; d >= 0; d--) {
        if (d < depth)
            pos = bd_cg_component((__u64)kns[d], pos);
    }
    if (pos > CG_LIMIT + 100)
        return pos;
    buf[bd_pos(pos)] = 0;
    return pos + 1;
}

static __always_inline __u32 put_cgroups(__u8 *buf, __u32 off, struct task_struct *task)
{
    struct css_set *cgs = BPF_CORE_READ(task, cgroups);
    int nsub = bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
    __u32 pos, limit;

    if (!BLOB_ROOM(off) || blob_room(off) < 200)
        return off;
    limit = off + 8 + BDP_CGRP_MAX - 160;
    if (limit > CG_LIMIT)
        limit = CG_LIMIT;
    pos = off + 8;
    for (int i = 0; i < 16; i++) {
        if (i >= nsub || pos > limit)
            break;
        pos = bd_cg_subsys((__u64)BPF_CORE_READ(cgs, subsys[i]), pos);
    }
    if (pos > BDP_REC_MAX - 8 || pos < off + 8)
        return off;
    return blob_end(buf, off, BDP_B_CGROUPS, 0, pos - off - 8, 0);
}

static __always_inline __u32 put_iov(__u8 *buf, __u32 off, const struct iovec *iov,
                                     unsigned long cnt, long ret)
{
    __u32 want, pos, got = 0;
    __u8 flags = 0;

    if (!BLOB_ROOM(off))
        return off;
    want = ret > 0 ? (ret > g_snaplen ? g_snaplen : ret) : 0;
    if (want > BDP_SNAP_MAX)
        want = BDP_SNAP_MAX;
    if (want > blob_room(off))
        want = blob_room(off);
    pos = off + 8;
    for (int i = 0; i < BDP_IOV_MAX; i++) {
        struct iovec v;
        __u32 n;

        if (i >= cnt || got >= want)
            break;
        if (bpf_probe_read_user(&v, sizeof(v), &iov[i]))
            break;
        n = v.iov_len > want - got ? want - got : v.iov_len;
        barrier_var(n);
        n &= (BDP_SNAP_MAX * 2 - 1);
        if (n && bpf_probe_read_user(buf + bd_pos(pos + got), n, v.iov_base))
            break;
        got += n;
    }
    if (ret > got)
        flags = BDP_BF_TRUNC;
    return blob_end(buf, off, BDP_B_DATA, flags, got, ret > 0 ? (__u32)ret : 0);
}

static __always_inline __u32 put_io(__u8 *buf, __u32 off, const void *ubuf, long ret)
{
    __u32 n = ret > 0 ? (ret > g_snaplen ? g_snaplen : ret) : 0;
    __u32 end;

    if (n > BDP_SNAP_MAX)
        n = BDP_SNAP_MAX;
    end = put_user_buf(buf, off, BDP_B_DATA, ret > 0 ? (__u32)ret : 0, ubuf, n);
    if (end != off && ret > n)
        ((struct bdp_blob *)(buf + bd_pos(off)))->flags |= BDP_BF_TRUNC;
    return end;
}

static __always_inline __u32 put_sockaddr(__u8 *buf, __u32 off, const void *uaddr, long len)
{
    if (!uaddr || len <= 0)
        return off;
    if (len > 128)
        len = 128;
    return put_user_buf(buf, off, BDP_B_SOCKADDR, 0, uaddr, (__u32)len);
}

/* ---------------------------------------------------------------- filters */

static __always_inline bool comm_kept(void)
{
    __u64 c[2] = {};

    bpf_get_current_comm(c, sizeof(c));
    for (int i = 0; i < BDP_MAX_COMMS; i++) {
        if (i >= g_ncomms)
            break;
        if (g_comms[i][0] == c[0] && g_comms[i][1] == c[1])
            return true;
    }
    return false;
}

static __always_inline __u64 cgroup_id_v1(struct task_struct *task, int ssid)
{
    return BPF_CORE_READ(task, cgroups, subsys[ssid & 15], cgroup, kn, id);
}

/* The task's cgroup or an ancestor (8 levels) is in bd_cgroup_ids. */
static __always_inline bool cgroup_id_kept(struct task_struct *task)
{
    struct kernfs_node *kn;

    if (g_cg_ids_ssid < 0)
        kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
    else
        kn = BPF_CORE_READ(task, cgroups, subsys[g_cg_ids_ssid & 15], cgroup, kn);
    for (int d = 0; d < 8 && kn; d++) {
        __u64 id = BPF_CORE_READ(kn, id);

        if (bpf_map_lookup_elem(&bd_cgroup_ids, &id))
            return true;
        kn = kn_parent(kn);
    }
    return false;
}

/*
 * g_ncgroups > 0 turns the cgroup filter on. An entry with id 0 matches
 * nothing: it stands alone when only bd_cgroup_ids selects (g_cg_ids).
 */
static __always_inline bool cgroup_kept(struct task_struct *task)
{
    if (g_cg_ids && cgroup_id_kept(task))
        return true;
    for (int i = 0; i < BDP_MAX_CGROUPS; i++) {
        struct kernfs_node *kn;
        int ssid;

        if (i >= g_ncgroups)
            break;
        if (!g_cgroups[i].id)
            continue;
        ssid = g_cgroups[i].ssid;
        if (ssid < 0) {
            if (bpf_get_current_cgroup_id() == g_cgroups[i].id)
                return true;
            kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
        } else {
            kn = BPF_CORE_READ(task, cgroups, subsys[ssid & 15], cgroup, kn);
        }
        /* the selected cgroup or any of its descendants */
        for (int d = 0; d < 8 && kn; d++) {
            if (BPF_CORE_READ(kn, id) == g_cgroups[i].id)
                return true;
            kn = kn_parent(kn);
        }
    }
    return false;
}

static __always_inline bool is_clone(__u32 nr)
{
    return nr == NR_CLONE || nr == NR_FORK || nr == NR_VFORK || nr == NR_CLONE3;
}

/* pid filter: the tgid or (for a new child's first return) its parent is kept. */
static __always_inline bool pid_kept(struct task_struct *task, __u32 tgid, __u32 nr, long ret)
{
    __u32 ptgid;
    __u8 one = 1;

    if (bpf_map_lookup_elem(&bd_pids, &tgid))
        return true;
    if (!is_clone(nr) || ret != 0)
        return false;
    ptgid = BPF_CORE_READ(task, real_parent, tgid);
    if (!bpf_map_lookup_elem(&bd_pids, &ptgid))
        return false;
    bpf_map_update_elem(&bd_pids, &tgid, &one, BPF_ANY);
    return true;
}

/* The agent itself, and the processes it was told to leave out (its SSH session...). */
static __always_inline bool excluded(__u32 tgid)
{
    if (tgid == g_self_tgid)
        return true;
    for (int i = 0; i < BDP_MAX_EXCLUDE; i++) {
        if (i >= g_nexclude)
            break;
        if (g_exclude[i] == tgid)
            return true;
    }
    return false;
}

/*
 * A narrow syscall set, matched without touching memory: each slot is one
 * `if nr != imm` instruction whose immediate (BDP_FAST_MAGIC + slot in the
 * object file) the agent replaces with a syscall number, or with -1 for an
 * unused slot, before load (remote-agent/probe.c, patch_fast_set). The asm
 * keeps the compiler from merging the slots into a range or table.
 */
#define FAST_SLOT(k)                                                                              \
    asm volatile("if %[n] != %[imm] goto +1\n\t%[hit] = 1"                                      \
                 : [hit] "+r"(hit)                                                                \
                 : [n] "r"(nr64), [imm] "i"(BDP_FAST_MAGIC + (k)))

_Static_assert(BDP_MAX_FAST == 16, "one FAST_SLOT per slot");

/* 1 when the agent patched the slots in (an immediate too: no load of .rodata) */
static __always_inline bool fast_set_used(void)
{
    __u64 on;

    asm volatile("%[on] = %[imm]" : [on] "=r"(on) : [imm] "i"(BDP_FAST_SWITCH));
    return on == 1;
}

static __always_inline bool fast_wanted(__u32 nr)
{
    __u64 nr64 = nr, hit = 0;

    FAST_SLOT(0);
    FAST_SLOT(1);
    FAST_SLOT(2);
    FAST_SLOT(3);
    FAST_SLOT(4);
    FAST_SLOT(5);
    FAST_SLOT(6);
    FAST_SLOT(7);
    FAST_SLOT(8);
    FAST_SLOT(9);
    FAST_SLOT(10);
    FAST_SLOT(11);
    FAST_SLOT(12);
    FAST_SLOT(13);
    FAST_SLOT(14);
    FAST_SLOT(15);
    return hit != 0;
}

/* ---------------------------------------------------------------- programs */

SEC("tp_btf/sys_exit")
int BPF_PROG(bpfdig_sys_exit, struct pt_regs *regs, long ret)
{
    struct task_struct *task;
    struct bdp_plan plan;
    struct bdp_hdr *h;
    __u64 pidtgid;
    __u32 nr, tgid, off;
    bool want;
    __u8 *buf;

    nr = (__u32)regs->orig_ax;
    if (nr >= BDP_NR_SYSCALLS)
        return 0;
    /* the index is masked too: some compilers bound-check a copy of nr */
    nr &= BDP_NR_SYSCALLS - 1;
    want = fast_set_used() ? fast_wanted(nr) : g_syscalls[nr];
    if (!want && !(is_clone(nr) && g_pid_filter))
        return 0;
    pidtgid = bpf_get_current_pid_tgid();
    tgid = pidtgid >> 32;
    if (excluded(tgid))
        return 0;
    task = bpf_get_current_task_btf();
    if (g_pid_filter && !pid_kept(task, tgid, nr, ret))
        return 0;
    if (!want)
        return 0;
    if (g_ncomms && !comm_kept())
        return 0;
    if (g_ncgroups && !cgroup_kept(task))
        return 0;

    buf = scratch();
    if (!buf)
        return 0;
    h = (struct bdp_hdr *)buf;
    h->ts = bpf_ktime_get_boot_ns();
    h->tid = (__u32)pidtgid;
    h->tgid = tgid;
    h->kind = BDP_K_SYSCALL;
    h->nr = nr;
    h->ret = ret;
    h->args[0] = regs->di;
    h->args[1] = regs->si;
    h->args[2] = regs->dx;
    h->args[3] = regs->r10;
    h->args[4] = regs->r8;
    h->args[5] = regs->r9;
    off = sizeof(*h);

    plan.shape = g_plan[nr].shape;
    plan.a = g_plan[nr].a & 7;
    plan.b = g_plan[nr].b & 7;
    plan.c = g_plan[nr].c & 7;
#define ARG(i) (h->args[(i) > 5 ? 5 : (i)])

    switch (plan.shape) {
    case BDP_S_IO_IN:
    case BDP_S_IO_OUT:
        off = put_io(buf, off, (void *)ARG(plan.a), ret);
        break;
    case BDP_S_IOV_IN:
    case BDP_S_IOV_OUT:
        off = put_iov(buf, off, (void *)ARG(plan.a), ARG(plan.b), ret);
        break;
    case BDP_S_STR3:
        off = put_user_str(buf, off, 2, (void *)ARG(plan.c));
        /* fall through */
    case BDP_S_STR2:
        off = put_user_str(buf, off, 0, (void *)ARG(plan.a));
        off = put_user_str(buf, off, 1, (void *)ARG(plan.b));
        break;
    case BDP_S_STR1:
        off = put_user_str(buf, off, 0, (void *)ARG(plan.a));
        break;
    case BDP_S_OPEN:
    case BDP_S_OPENAT2:
        off = put_user_str(buf, off, 0, (void *)ARG(plan.a));
        if (ret >= 0)
            off = put_file(buf, off, fd_file(task, ret));
        if (plan.shape == BDP_S_OPENAT2)
            off = put_user_buf(buf, off, BDP_B_USER, 0, (void *)ARG(plan.b), 24);
        break;
    case BDP_S_EXEC:
    case BDP_S_CLONE: {
        struct mm_struct *mm = BPF_CORE_READ(task, mm);

        off = put_proc(buf, off, task);
        if (plan.shape == BDP_S_EXEC && ret < 0) {
            /* the old image is still there: report the requested path */
            off = put_user_str(buf, off, 0, (void *)ARG(plan.a));
        } else if (mm) {
            off = put_mm_strings(buf, off, BDP_B_ARGS, BPF_CORE_READ(mm, arg_start),
                                 BPF_CORE_READ(mm, arg_end));
            if (plan.shape == BDP_S_EXEC)
                off = put_mm_strings(buf, off, BDP_B_ENV, BPF_CORE_READ(mm, env_start),
                                     BPF_CORE_READ(mm, env_end));
        }
        off = put_cgroups(buf, off, task);
        if (plan.b) /* clone3: struct clone_args begins with the flags */
            off = put_user_buf(buf, off, BDP_B_USER, 0, (void *)ARG(0), 8);
        break;
    }
    case BDP_S_CONNECT:
        off = put_sockaddr(buf, off, (void *)ARG(plan.a), (long)ARG(plan.b));
        off = put_tuple(buf, off, task, (long)ARG(0));
        break;
    case BDP_S_BIND:
        off = put_sockaddr(buf, off, (void *)ARG(plan.a), (long)ARG(plan.b));
        break;
    case BDP_S_ACCEPT: {
        struct sock *ls = file_sock(fd_file(task, (long)ARG(0)));
        struct bdp_listenq *q;

        if (ret >= 0)
            off = put_tuple(buf, off, task, ret);
        q = blob_body(buf, off, sizeof(*q));
        if (q && ls) {
            q->len = BPF_CORE_READ(ls, sk_ack_backlog);
            q->max = BPF_CORE_READ(ls, sk_max_ack_backlog);
            off = blob_end(buf, off, BDP_B_LISTENQ, 0, sizeof(*q), 0);
        }
        break;
    }
    case BDP_S_SENDTO:
    case BDP_S_RECVFROM: {
        off = put_io(buf, off, (void *)ARG(plan.a), ret);
        off = put_tuple(buf, off, task, (long)ARG(0));
        if (plan.shape == BDP_S_SENDTO) {
            off = put_sockaddr(buf, off, (void *)ARG(plan.b), (long)ARG(plan.c));
        } else if (ARG(plan.b) && ARG(plan.c)) {
            int alen = 0;

            bpf_probe_read_user(&alen, sizeof(alen), (void *)ARG(plan.c));
            off = put_sockaddr(buf, off, (void *)ARG(plan.b), alen);
        }
        break;
    }
    case BDP_S_SENDMSG:
    case BDP_S_RECVMSG: {
        struct user_msghdr m = {};

        if (!bpf_probe_read_user(&m, sizeof(m), (void *)ARG(plan.a))) {
            off = put_iov(buf, off, m.msg_iov, m.msg_iovlen, ret);
            off = put_tuple(buf, off, task, (long)ARG(0));
            off = put_sockaddr(buf, off, m.msg_name, m.msg_namelen);
        } else {
            off = put_tuple(buf, off, task, (long)ARG(0));
        }
        break;
    }
    case BDP_S_FDS:
    case BDP_S_PIPE:
    case BDP_S_SOCKPAIR: {
        int fds[2] = {-1, -1};

        if (ret < 0)
            break;
        bpf_probe_read_user(fds, sizeof(fds), (void *)ARG(plan.a));
        off = put_kernel(buf, off, BDP_B_FDS, fds, sizeof(fds));
        if (plan.shape == BDP_S_PIPE) {
            off = put_file(buf, off, fd_file(task, fds[0]));
        } else if (plan.shape == BDP_S_SOCKPAIR) {
            __u64 *pp = blob_body(buf, off, 16);
            struct sock *sk = file_sock(fd_file(task, fds[0]));

            if (pp && sk) {
                pp[0] = (__u64)sk;
                pp[1] = (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer);
                off = blob_end(buf, off, BDP_B_PAIR, 0, 16, 0);
            }
        }
        break;
    }
    case BDP_S_MM: {
        struct bdp_mm *m = blob_body(buf, off, sizeof(*m));

        if (m) {
            mm_sizes(BPF_CORE_READ(task, mm), &m->vm_size, &m->vm_rss, &m->vm_swap);
            m->pad = 0;
            off = blob_end(buf, off, BDP_B_MM, 0, sizeof(*m), 0);
        }
        break;
    }
    case BDP_S_USER:
        /* b: bytes to read (in 8-byte units) */
        off = put_user_buf(buf, off, BDP_B_USER, 0, (void *)ARG(plan.a), (__u32)plan.b * 8);
        break;
    case BDP_S_CAPS: {
        __u64 *c = blob_body(buf, off, 24);
        const struct cred *cred = BPF_CORE_READ(task, cred);

        if (c) {
            c[0] = read_cap(&cred->cap_inheritable);
            c[1] = read_cap(&cred->cap_permitted);
            c[2] = read_cap(&cred->cap_effective);
            off = blob_end(buf, off, BDP_B_CAPS, 0, 24, 0);
        }
        break;
    }
    case BDP_S_PRCTL: {
        long opt = (long)ARG(0);

        /* PR_SET_NAME 15, PR_GET_NAME 16 take a string */
        if (opt == 15 || opt == 16)
            off = put_user_str(buf, off, 0, (void *)ARG(1));
        break;
    }
    case BDP_S_INITMOD: {
        __u32 n = ARG(plan.b) > g_snaplen ? g_snaplen : ARG(plan.b);

        if (n > BDP_SNAP_MAX)
            n = BDP_SNAP_MAX;
        off = put_user_buf(buf, off, BDP_B_DATA, 0, (void *)ARG(plan.a), n);
        off = put_user_str(buf, off, 0, (void *)ARG(plan.c));
        break;
    }
    default:
        break;
    }
#undef ARG
    if (off > BDP_REC_MAX)
        off = BDP_REC_MAX;
    h->len = off;
    emit(buf, off);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(bpfdig_proc_exit, struct task_struct *p)
{
    struct task_struct *task = p;
    struct bdp_exit *e;
    struct bdp_hdr *h;
    __u32 tgid, off;
    __u8 *buf;

    if (!g_procexit)
        return 0;
    tgid = BPF_CORE_READ(task, tgid);
    if (excluded(tgid))
        return 0;
    if (g_pid_filter) {
        if (!bpf_map_lookup_elem(&bd_pids, &tgid))
            return 0;
        if (BPF_CORE_READ(task, signal, live.counter) == 0)
            bpf_map_delete_elem(&bd_pids, &tgid);
    }
    if (g_ncomms && !comm_kept())
        return 0;
    if (g_ncgroups && !cgroup_kept(task))
        return 0;
    buf = scratch();
    if (!buf)
        return 0;
    h = (struct bdp_hdr *)buf;
    __builtin_memset(h, 0, sizeof(*h));
    h->ts = bpf_ktime_get_boot_ns();
    h->tid = BPF_CORE_READ(task, pid);
    h->tgid = tgid;
    h->kind = BDP_K_PROCEXIT;
    off = sizeof(*h);
    e = (struct bdp_exit *)(buf + off + 8);
    e->exit_code = BPF_CORE_READ(task, exit_code);
    e->reaper = 0;
    {
        /* children are re-parented: to a live thread, else the ns reaper */
        struct list_head *ch = &task->children;

        if (BPF_CORE_READ(ch, next) != ch) {
            if (BPF_CORE_READ(task, signal, live.counter) > 0) {
                e->reaper = BPF_CORE_READ(task, group_leader, pid);
                if (e->reaper == h->tid)
                    e->reaper = 0;
            }
            if (!e->reaper) {
                struct pid *tp = BPF_CORE_READ(task, thread_pid);
                unsigned int lvl = BPF_CORE_READ(tp, level);
                struct upid up = {};

                bpf_probe_read_kernel(&up, sizeof(up), &tp->numbers[lvl & 31]);
                if (up.ns)
                    e->reaper = BPF_CORE_READ(up.ns, child_reaper, pid);
            }
        }
    }
    off = blob_end(buf, off, BDP_B_EXIT, 0, sizeof(*e), 0);
    h->len = off;
    emit(buf, off);
    return 0;
}
