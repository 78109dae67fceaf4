/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit container format: block framing, every block generation's body
 * parser, event decoding. All parsers work on memory buffers and never read
 * past the length they are given; they return SK_OK or a negative SK_E* code.
 */
#ifndef SCAPKIT_FORMAT_H
#define SCAPKIT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scapkit/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Block types. */
#define SK_BT_SHB 0x0A0D0D0Au
#define SK_BT_MI 0x201u
#define SK_BT_PL_V1 0x202u
#define SK_BT_FDL_V1 0x203u
#define SK_BT_EV 0x204u
#define SK_BT_IL_V1 0x205u
#define SK_BT_UL_V1 0x206u
#define SK_BT_PL_V2 0x207u
#define SK_BT_EVF 0x208u
#define SK_BT_PL_V3 0x209u
#define SK_BT_PL_V4 0x210u
#define SK_BT_PL_V5 0x211u
#define SK_BT_PL_V6 0x212u
#define SK_BT_PL_V7 0x213u
#define SK_BT_PL_V8 0x214u
#define SK_BT_PL_V9 0x215u
#define SK_BT_EV_V2 0x216u
#define SK_BT_EVF_V2 0x217u
#define SK_BT_FDL_V2 0x218u
#define SK_BT_IL_V2 0x219u
#define SK_BT_UL_V2 0x220u
#define SK_BT_EV_V2_LARGE 0x221u
#define SK_BT_EVF_V2_LARGE 0x222u
/* Legacy "_INT" ids (high bit set). */
#define SK_BT_MI_INT 0x8002ABCDu
#define SK_BT_PL_V1_INT 0x8000ABCDu
#define SK_BT_PL_V2_INT 0x8013ABCDu
#define SK_BT_PL_V3_INT 0x8014ABCDu
#define SK_BT_FDL_INT 0x8001ABCDu
#define SK_BT_EV_INT 0x8010ABCDu
#define SK_BT_IL_INT 0x8011ABCDu
#define SK_BT_UL_INT 0x8012ABCDu

#define SK_BYTE_ORDER_MAGIC 0x1A2B3C4Du
/* Largest non-LARGE event block body libscap accepts. */
#define SK_MAX_EVENT_BODY 65536u
/* Sanity cap on any block we accept (metadata blocks can be big). */
#define SK_MAX_BLOCK_LEN (256u * 1024u * 1024u)

/* Error codes (negative). */
enum sk_error {
    SK_OK = 0,
    SK_E_IO = -1,        /* read/write error (errno kept by the reader) */
    SK_E_TRUNCATED = -2, /* data ends inside a block / field */
    SK_E_BADMAGIC = -3,  /* not a scap/pcapng section header, or swapped */
    SK_E_VERSION = -4,   /* unsupported SHB major version */
    SK_E_BADLEN = -5,    /* block length absurd, not a multiple of 4, trailer mismatch */
    SK_E_MALFORMED = -6, /* field lengths inconsistent inside a block body */
    SK_E_NOMEM = -7,
    SK_E_UNSUPPORTED = -8, /* block type not known */
    SK_E_INVAL = -9,       /* bad argument */
};
const char *sk_strerror(int err);

/* Block classification. */
enum sk_block_kind {
    SK_BK_UNKNOWN = 0,
    SK_BK_SHB,
    SK_BK_MI,
    SK_BK_PL,
    SK_BK_FDL,
    SK_BK_IL,
    SK_BK_UL,
    SK_BK_EVENT,
};
enum sk_block_kind sk_block_kind(uint32_t block_type);
bool sk_block_is_event(uint32_t block_type);
/* Event block carries u32 flags before the event (EVF*). */
bool sk_block_has_flags(uint32_t block_type);
/* Event header has nparams (V2 blocks). */
bool sk_block_has_nparams(uint32_t block_type);
/* Event param lengths are u32 (LARGE blocks). */
bool sk_block_is_large(uint32_t block_type);
/* Short human name: "SHB", "MI", "PL_V9", "EV_V2" ... or NULL. */
const char *sk_block_name(uint32_t block_type);

/* A string field inside a buffer: not NUL-terminated. */
struct sk_str {
    const char *p;
    uint32_t len;
};

/* ---------------------------------------------------------------- SHB */
struct sk_shb {
    uint16_t major;
    uint16_t minor;
    bool swapped; /* byte order magic swapped: not supported by libscap */
};
int sk_parse_shb(const uint8_t *body, size_t len, struct sk_shb *out);

/* ---------------------------------------------------------------- MI */
struct sk_machine_info {
    uint32_t num_cpus;
    uint64_t memory_size_bytes;
    uint64_t max_pid;
    char hostname[129]; /* NUL-terminated copy */
    uint64_t boot_ts_epoch;
};
int sk_parse_machine_info(const uint8_t *body, size_t len, struct sk_machine_info *out);

/* ---------------------------------------------------------------- PL */
struct sk_threadinfo {
    uint64_t tid, pid, ptid, sid, vpgid;
    struct sk_str comm, exe, exepath;
    struct sk_str args; /* NUL-separated argv[1..] */
    struct sk_str cwd;
    uint64_t fdlimit;
    uint32_t flags; /* PPM_CL_* */
    uint32_t uid, gid;
    uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
    uint64_t pfmajor, pfminor;
    struct sk_str env;     /* NUL-separated */
    int64_t vtid, vpid;    /* -1 when absent */
    struct sk_str cgroups; /* "subsys=path\0..." */
    struct sk_str root;
    uint64_t pidns_init_start_ts;
    uint32_t tty;
    uint32_t loginuid; /* 0xFFFFFFFF = none */
    bool exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
    uint64_t cap_inheritable, cap_permitted, cap_effective;
    uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
    int64_t pgid; /* -1 when absent */
};
typedef int (*sk_thread_cb)(void *ud, const struct sk_threadinfo *ti);
/* Calls cb for every thread entry; a non-zero cb return stops and is returned. */
int sk_parse_proclist(uint32_t block_type, const uint8_t *body, size_t len, sk_thread_cb cb,
                      void *ud);

/* ---------------------------------------------------------------- FDL */
/* scap fd types (scap_fd_type). */
enum sk_fd_type {
    SK_FD_UNINITIALIZED = 0,
    SK_FD_FILE = 1,
    SK_FD_DIRECTORY = 2,
    SK_FD_IPV4_SOCK = 3,
    SK_FD_IPV6_SOCK = 4,
    SK_FD_IPV4_SERVSOCK = 5,
    SK_FD_IPV6_SERVSOCK = 6,
    SK_FD_FIFO = 7,
    SK_FD_UNIX_SOCK = 8,
    SK_FD_EVENT = 9,
    SK_FD_UNSUPPORTED = 10,
    SK_FD_SIGNALFD = 11,
    SK_FD_EVENTPOLL = 12,
    SK_FD_INOTIFY = 13,
    SK_FD_TIMERFD = 14,
    SK_FD_NETLINK = 15,
    SK_FD_FILE_V2 = 16,
    SK_FD_BPF = 17,
    SK_FD_USERFAULTFD = 18,
    SK_FD_IOURING = 19,
    SK_FD_MEMFD = 20,
    SK_FD_PIDFD = 21,
};

/* l4proto values used in FDL and state. */
enum sk_l4proto {
    SK_L4_UNKNOWN = 0,
    SK_L4_NA = 1,
    SK_L4_TCP = 2,
    SK_L4_UDP = 3,
    SK_L4_ICMP = 4,
    SK_L4_RAW = 5,
};

struct sk_fdlist_entry {
    int64_t fd;
    uint64_t ino;
    uint8_t type; /* enum sk_fd_type */
    struct sk_str name;  /* file types, unix path */
    uint32_t open_flags; /* FILE_V2 */
    uint32_t dev;        /* FILE_V2 */
    /* sockets: addresses in network byte order, ports in host order */
    uint8_t sip[16], dip[16]; /* IPv4 uses the first 4 bytes */
    uint16_t sport, dport;
    uint8_t l4proto;
    uint64_t unix_source, unix_dest;
};
typedef int (*sk_fd_cb)(void *ud, uint64_t tid, const struct sk_fdlist_entry *fd);
int sk_parse_fdlist(uint32_t block_type, const uint8_t *body, size_t len, sk_fd_cb cb, void *ud);

/* ---------------------------------------------------------------- UL */
struct sk_userlist_entry {
    bool is_group;
    uint32_t uid; /* users */
    uint32_t gid;
    struct sk_str name, home, shell;
};
typedef int (*sk_user_cb)(void *ud, const struct sk_userlist_entry *u);
int sk_parse_userlist(uint32_t block_type, const uint8_t *body, size_t len, sk_user_cb cb,
                      void *ud);

/* ---------------------------------------------------------------- IL */
struct sk_iflist_entry {
    uint16_t type; /* 1 IPv4, 2 IPv6, 3/4 without linkspeed */
    bool is_ipv6;
    uint8_t addr[16], netmask[16], bcast[16];
    uint64_t linkspeed;
    struct sk_str name;
};
typedef int (*sk_if_cb)(void *ud, const struct sk_iflist_entry *i);
int sk_parse_iflist(uint32_t block_type, const uint8_t *body, size_t len, sk_if_cb cb, void *ud);

/* ---------------------------------------------------------------- events */
struct sk_event {
    uint64_t ts;  /* ns since epoch */
    int64_t tid;
    uint32_t len; /* event length from the header (header + lengths + params) */
    uint16_t type;
    uint32_t nparams;
    uint16_t cpu;
    uint32_t flags; /* EVF blocks, else 0 */
    bool large;     /* u32 param lengths */
    const struct sk_event_info *info; /* NULL if type unknown */
    const uint8_t *param[SK_MAX_PARAMS];
    uint32_t param_len[SK_MAX_PARAMS];
};

/*
 * Decode an event block body (cpu id [+ flags] + event). For V1 blocks
 * (no nparams) the count is inferred like libscap: the table's count,
 * decreased until the u16 lengths exactly fill the event.
 */
int sk_event_decode_block(uint32_t block_type, const uint8_t *body, size_t len,
                          struct sk_event *ev);

/*
 * Decode only the parameter area (length array + values), as Wireshark
 * hands it to a dissector: header fields given separately. has_nparams
 * false means infer nparams (V1); nparams is then ignored. data_len may
 * include block padding after the event.
 */
int sk_event_decode_params(uint16_t type, bool has_nparams, uint32_t nparams, bool large,
                           uint32_t event_len, const uint8_t *data, size_t data_len,
                           struct sk_event *ev);

/* Little-endian readers for parameter values (callers check lengths). */
static inline uint16_t sk_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t sk_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline uint64_t sk_le64(const uint8_t *p)
{
    return (uint64_t)sk_le32(p) | ((uint64_t)sk_le32(p + 4) << 32);
}

/*
 * evt.type as current readers print it: generic events take the syscall's
 * name (from the ppm_sc ID, or the x86_64 native number when ID is 0), old
 * accept4 layouts are "accept4".
 */
const char *sk_event_type_name(const struct sk_event *ev);
/* Name of an x86_64 syscall number, or NULL. */
const char *sk_x86_64_syscall_name(uint32_t nr);

/*
 * A 1/2/4/8-byte little-endian parameter value as int64, sign-extended when
 * the parameter type is signed (ERRNO, FD, PID, INTn); false for other widths.
 */
bool sk_param_value_i64(uint8_t type, const uint8_t *val, uint32_t len, int64_t *out);

/* Typed accessors on a decoded event; return false if absent or mis-sized. */
bool sk_event_get_i64(const struct sk_event *ev, unsigned idx, int64_t *out); /* any int width */
bool sk_event_get_u64(const struct sk_event *ev, unsigned idx, uint64_t *out);
/* CHARBUF / FSPATH: pointer and length without the trailing NUL. */
bool sk_event_get_str(const struct sk_event *ev, unsigned idx, struct sk_str *out);

/* ---------------------------------------------------------------- reader */
struct sk_block {
    uint32_t type;
    uint32_t total_len;  /* from the header */
    const uint8_t *body; /* valid until the next sk_reader_next() */
    uint32_t body_len;   /* total_len - 12 */
    uint64_t offset;     /* file offset of the block (uncompressed stream) */
};

struct sk_reader;
/* Opens plain or gzip'ed scap; checks the first block is a valid SHB. */
int sk_reader_open_path(struct sk_reader **out, const char *path);
int sk_reader_open_fd(struct sk_reader **out, int fd); /* takes ownership of fd */
int sk_reader_open_mem(struct sk_reader **out, const uint8_t *data, size_t len);
/* 1 = block returned, 0 = clean end of file, < 0 = error (see sk_reader_errmsg). */
int sk_reader_next(struct sk_reader *r, struct sk_block *blk);
const struct sk_shb *sk_reader_shb(const struct sk_reader *r);
/* Human readable description of the last error, with offset. */
const char *sk_reader_errmsg(const struct sk_reader *r);
void sk_reader_close(struct sk_reader *r);

/* ---------------------------------------------------------------- writer */
struct sk_writer;
/* gzip: write a gzip'ed file; 0 = plain. Takes ownership of fd. */
int sk_writer_open_fd(struct sk_writer **out, int fd, bool gzip);
int sk_writer_open_path(struct sk_writer **out, const char *path, bool gzip);
/* SHB 1.2 without options. */
int sk_writer_shb(struct sk_writer *w);
int sk_writer_machine_info(struct sk_writer *w, const struct sk_machine_info *mi);
/* Any block: header, body, zero padding to 4, trailer. */
int sk_writer_block(struct sk_writer *w, uint32_t type, const void *body, size_t len);
int sk_writer_flush(struct sk_writer *w);
uint64_t sk_writer_bytes(const struct sk_writer *w);
/* Flushes and closes; returns the first error seen, if any. */
int sk_writer_close(struct sk_writer *w);

/*
 * Event builder: encodes one EV_V2 (or EV_V2_LARGE for LARGE_PAYLOAD types)
 * block body into buf. Parameters are added in schema order; the builder
 * refuses more than the schema's count and pads missing ones empty on finish.
 */
struct sk_event_builder {
    uint8_t *buf;
    size_t cap;
    size_t used; /* bytes written so far (body) */
    uint16_t type;
    uint16_t nparams_added;
    bool large;
    int err;
};
void sk_evb_begin(struct sk_event_builder *b, uint8_t *buf, size_t cap, uint16_t cpu, uint64_t ts,
                  int64_t tid, uint16_t type);
void sk_evb_add(struct sk_event_builder *b, const void *val, uint32_t len);
void sk_evb_add_u8(struct sk_event_builder *b, uint8_t v);
void sk_evb_add_u16(struct sk_event_builder *b, uint16_t v);
void sk_evb_add_u32(struct sk_event_builder *b, uint32_t v);
void sk_evb_add_u64(struct sk_event_builder *b, uint64_t v);
void sk_evb_add_str(struct sk_event_builder *b, const char *s); /* with NUL; NULL = empty */
void sk_evb_add_empty(struct sk_event_builder *b);
/* Returns the block type to write (EV_V2 or EV_V2_LARGE) and the body length, or < 0. */
int sk_evb_finish(struct sk_event_builder *b, uint32_t *block_type, size_t *body_len);

#ifdef __cplusplus
}
#endif

#endif /* SCAPKIT_FORMAT_H */
