/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit event schema: the single table of event codes, names, flags,
 * categories and parameter layouts shared by the agent (writer) and the
 * Wireshark dissector (reader).
 *
 * Codes 0..429 follow the libs 0.22.2 layouts (what bpfdig writes); codes
 * 430..453 are the newer ones (libs 0.25.x) so that newer files are read too.
 * Older layouts of a syscall keep their own (OLD_VERSION) codes, so reading
 * every historical version only needs this one table.
 */
#ifndef SCAPKIT_SCHEMA_H
#define SCAPKIT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Number of event codes known to the table (codes 0 .. SK_EVENT_MAX-1). */
#define SK_EVENT_MAX 454
/* Number of event codes in the libs 0.22.2 schema that bpfdig writes. */
#define SK_EVENT_MAX_WRITE 430
/* Largest number of parameters of any event. */
#define SK_MAX_PARAMS 32

/* Parameter types: values equal libs' enum ppm_param_type (wire-relevant). */
enum sk_param_type {
    SK_PT_NONE = 0,
    SK_PT_INT8 = 1,
    SK_PT_INT16 = 2,
    SK_PT_INT32 = 3,
    SK_PT_INT64 = 4,
    SK_PT_UINT8 = 5,
    SK_PT_UINT16 = 6,
    SK_PT_UINT32 = 7,
    SK_PT_UINT64 = 8,
    SK_PT_CHARBUF = 9,
    SK_PT_BYTEBUF = 10,
    SK_PT_ERRNO = 11,
    SK_PT_SOCKADDR = 12,
    SK_PT_SOCKTUPLE = 13,
    SK_PT_FD = 14,
    SK_PT_PID = 15,
    SK_PT_FDLIST = 16,
    SK_PT_FSPATH = 17,
    SK_PT_SYSCALLID = 18,
    SK_PT_SIGTYPE = 19,
    SK_PT_RELTIME = 20,
    SK_PT_ABSTIME = 21,
    SK_PT_PORT = 22,
    SK_PT_L4PROTO = 23,
    SK_PT_SOCKFAMILY = 24,
    SK_PT_BOOL = 25,
    SK_PT_IPV4ADDR = 26,
    SK_PT_DYN = 27,
    SK_PT_FLAGS8 = 28,
    SK_PT_FLAGS16 = 29,
    SK_PT_FLAGS32 = 30,
    SK_PT_UID = 31,
    SK_PT_GID = 32,
    SK_PT_DOUBLE = 33,
    SK_PT_SIGSET = 34,
    SK_PT_CHARBUFARRAY = 35,
    SK_PT_CHARBUF_PAIR_ARRAY = 36,
    SK_PT_IPV4NET = 37,
    SK_PT_IPV6ADDR = 38,
    SK_PT_IPV6NET = 39,
    SK_PT_IPADDR = 40,
    SK_PT_IPNET = 41,
    SK_PT_MODE = 42,
    SK_PT_FSRELPATH = 43,
    SK_PT_ENUMFLAGS8 = 44,
    SK_PT_ENUMFLAGS16 = 45,
    SK_PT_ENUMFLAGS32 = 46,
    SK_PT_FD32 = 47,
    SK_PT_PID32 = 48,
    SK_PT_MAX
};

/* How a numeric parameter is printed (libs' ppm_print_format). */
enum sk_print_fmt {
    SK_PF_NA = 0,
    SK_PF_DEC,
    SK_PF_HEX,
    SK_PF_10_PADDED_DEC,
    SK_PF_ID,
    SK_PF_DIR,
    SK_PF_OCT,
};

/* Event flags: values equal libs' enum ppm_event_flags. */
enum sk_event_flags {
    SK_EF_NONE = 0,
    SK_EF_CREATES_FD = 1 << 0,
    SK_EF_DESTROYS_FD = 1 << 1,
    SK_EF_USES_FD = 1 << 2,
    SK_EF_READS_FROM_FD = 1 << 3,
    SK_EF_WRITES_TO_FD = 1 << 4,
    SK_EF_MODIFIES_STATE = 1 << 5,
    SK_EF_UNUSED = 1 << 6,
    SK_EF_WAITS = 1 << 7,
    SK_EF_SKIPPARSERESET = 1 << 8,
    SK_EF_OLD_VERSION = 1 << 9,
    SK_EF_LARGE_PAYLOAD = 1 << 11,
    SK_EF_CONVERTER_MANAGED = 1 << 12,
};

/* Event categories: values equal libs' enum ppm_event_category. */
enum sk_category {
    SK_EC_UNKNOWN = 0,
    SK_EC_OTHER = 1,
    SK_EC_FILE = 2,
    SK_EC_NET = 3,
    SK_EC_IPC = 4,
    SK_EC_MEMORY = 5,
    SK_EC_PROCESS = 6,
    SK_EC_SLEEP = 7,
    SK_EC_SYSTEM = 8,
    SK_EC_SIGNAL = 9,
    SK_EC_USER = 10,
    SK_EC_TIME = 11,
    SK_EC_PROCESSING = 12,
    SK_EC_IO_BASE = 32,
    SK_EC_IO_READ = 32,
    SK_EC_IO_WRITE = 33,
    SK_EC_IO_OTHER = 34,
    SK_EC_WAIT = 64,
    SK_EC_SCHEDULER = 128,
    SK_EC_INTERNAL = 256,
    SK_EC_SYSCALL = 512,
    SK_EC_TRACEPOINT = 1024,
    SK_EC_PLUGIN = 2048,
    SK_EC_METAEVENT = 4096,
    SK_EC_ITER = 8192,
};
/* Mask of the category proper (without the source bits). */
#define SK_EC_CATEGORY_MASK 0xff

/* One symbolic value of a FLAGS / ENUMFLAGS / DYN parameter. */
struct sk_name_value {
    uint32_t value;
    const char *name; /* NULL terminates a table */
};

struct sk_param_info {
    const char *name;    /* "fd", "name", "flags" ... */
    uint8_t type;        /* enum sk_param_type */
    uint8_t fmt;         /* enum sk_print_fmt */
    /*
     * FLAGS*: bit names; ENUMFLAGS*: enum names; FSRELPATH: NULL and
     * dirfd_index gives the parameter holding the directory fd.
     */
    const struct sk_name_value *names;
    int8_t dirfd_index;  /* FSRELPATH: index of the dirfd param, else -1 */
};

struct sk_event_info {
    const char *name;      /* "open", "execve", "NA" for unused codes */
    const char *enum_name; /* "PPME_SYSCALL_OPEN_X" */
    uint32_t flags;        /* enum sk_event_flags */
    uint16_t category;     /* enum sk_category, with source bits */
    uint8_t nparams;
    const struct sk_param_info *params;
};

/* Table entry for a code, or NULL when code >= SK_EVENT_MAX. */
const struct sk_event_info *sk_event_info(uint16_t code);

static inline bool sk_event_is_enter(uint16_t code)
{
    return (code & 1) == 0;
}

/* Index of a parameter by name in an event, or -1. */
int sk_event_param_index(const struct sk_event_info *info, const char *name);

/* Name of a ppm_sc syscall code (GENERIC events' ID param), or NULL. */
const char *sk_syscall_name(uint16_t ppm_sc);
/* ppm_sc code of a syscall name, or -1. */
int sk_syscall_code(const char *name);
/* Number of ppm_sc codes known. */
uint16_t sk_syscall_count(void);

/* "file", "net", "IPC", ... as evt.category prints them (IO_* already mapped by caller). */
const char *sk_category_name(uint16_t category);

/* Name of a Linux errno value (positive), e.g. 2 -> "ENOENT"; NULL if unknown. */
const char *sk_errno_name(int64_t err);

/* Name of a signal number, e.g. 9 -> "SIGKILL"; NULL if unknown. */
const char *sk_signal_name(uint32_t sig);

/* Every distinct parameter name in the table, for registering evt.arg.<name>. */
size_t sk_param_name_count(void);
const char *sk_param_name_at(size_t i);

#ifdef __cplusplus
}
#endif

#endif /* SCAPKIT_SCHEMA_H */
