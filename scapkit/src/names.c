/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit symbolic names: errno values, signals, event categories and the
 * list of parameter names of the event table.
 */
#include <stddef.h>

#include "schema_internal.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Linux (asm-generic, as on x86_64) errno names; 41 and 58 have none. */
static const char *const errno_names[] = {
    [1] = "EPERM",
    [2] = "ENOENT",
    [3] = "ESRCH",
    [4] = "EINTR",
    [5] = "EIO",
    [6] = "ENXIO",
    [7] = "E2BIG",
    [8] = "ENOEXEC",
    [9] = "EBADF",
    [10] = "ECHILD",
    [11] = "EAGAIN",
    [12] = "ENOMEM",
    [13] = "EACCES",
    [14] = "EFAULT",
    [15] = "ENOTBLK",
    [16] = "EBUSY",
    [17] = "EEXIST",
    [18] = "EXDEV",
    [19] = "ENODEV",
    [20] = "ENOTDIR",
    [21] = "EISDIR",
    [22] = "EINVAL",
    [23] = "ENFILE",
    [24] = "EMFILE",
    [25] = "ENOTTY",
    [26] = "ETXTBSY",
    [27] = "EFBIG",
    [28] = "ENOSPC",
    [29] = "ESPIPE",
    [30] = "EROFS",
    [31] = "EMLINK",
    [32] = "EPIPE",
    [33] = "EDOM",
    [34] = "ERANGE",
    [35] = "EDEADLK",
    [36] = "ENAMETOOLONG",
    [37] = "ENOLCK",
    [38] = "ENOSYS",
    [39] = "ENOTEMPTY",
    [40] = "ELOOP",
    [42] = "ENOMSG",
    [43] = "EIDRM",
    [44] = "ECHRNG",
    [45] = "EL2NSYNC",
    [46] = "EL3HLT",
    [47] = "EL3RST",
    [48] = "ELNRNG",
    [49] = "EUNATCH",
    [50] = "ENOCSI",
    [51] = "EL2HLT",
    [52] = "EBADE",
    [53] = "EBADR",
    [54] = "EXFULL",
    [55] = "ENOANO",
    [56] = "EBADRQC",
    [57] = "EBADSLT",
    [59] = "EBFONT",
    [60] = "ENOSTR",
    [61] = "ENODATA",
    [62] = "ETIME",
    [63] = "ENOSR",
    [64] = "ENONET",
    [65] = "ENOPKG",
    [66] = "EREMOTE",
    [67] = "ENOLINK",
    [68] = "EADV",
    [69] = "ESRMNT",
    [70] = "ECOMM",
    [71] = "EPROTO",
    [72] = "EMULTIHOP",
    [73] = "EDOTDOT",
    [74] = "EBADMSG",
    [75] = "EOVERFLOW",
    [76] = "ENOTUNIQ",
    [77] = "EBADFD",
    [78] = "EREMCHG",
    [79] = "ELIBACC",
    [80] = "ELIBBAD",
    [81] = "ELIBSCN",
    [82] = "ELIBMAX",
    [83] = "ELIBEXEC",
    [84] = "EILSEQ",
    [85] = "ERESTART",
    [86] = "ESTRPIPE",
    [87] = "EUSERS",
    [88] = "ENOTSOCK",
    [89] = "EDESTADDRREQ",
    [90] = "EMSGSIZE",
    [91] = "EPROTOTYPE",
    [92] = "ENOPROTOOPT",
    [93] = "EPROTONOSUPPORT",
    [94] = "ESOCKTNOSUPPORT",
    [95] = "EOPNOTSUPP",
    [96] = "EPFNOSUPPORT",
    [97] = "EAFNOSUPPORT",
    [98] = "EADDRINUSE",
    [99] = "EADDRNOTAVAIL",
    [100] = "ENETDOWN",
    [101] = "ENETUNREACH",
    [102] = "ENETRESET",
    [103] = "ECONNABORTED",
    [104] = "ECONNRESET",
    [105] = "ENOBUFS",
    [106] = "EISCONN",
    [107] = "ENOTCONN",
    [108] = "ESHUTDOWN",
    [109] = "ETOOMANYREFS",
    [110] = "ETIMEDOUT",
    [111] = "ECONNREFUSED",
    [112] = "EHOSTDOWN",
    [113] = "EHOSTUNREACH",
    [114] = "EALREADY",
    [115] = "EINPROGRESS",
    [116] = "ESTALE",
    [117] = "EUCLEAN",
    [118] = "ENOTNAM",
    [119] = "ENAVAIL",
    [120] = "EISNAM",
    [121] = "EREMOTEIO",
    [122] = "EDQUOT",
    [123] = "ENOMEDIUM",
    [124] = "EMEDIUMTYPE",
    [125] = "ECANCELED",
    [126] = "ENOKEY",
    [127] = "EKEYEXPIRED",
    [128] = "EKEYREVOKED",
    [129] = "EKEYREJECTED",
    [130] = "EOWNERDEAD",
    [131] = "ENOTRECOVERABLE",
    [132] = "ERFKILL",
    [133] = "EHWPOISON",
};

/* Kernel-internal codes that can leak to syscall exits (include/linux/errno.h). */
#define KERNEL_ERRNO_BASE 512
static const char *const kernel_errno_names[] = {
    [512 - KERNEL_ERRNO_BASE] = "ERESTARTSYS",
    [513 - KERNEL_ERRNO_BASE] = "ERESTARTNOINTR",
    [514 - KERNEL_ERRNO_BASE] = "ERESTARTNOHAND",
    [515 - KERNEL_ERRNO_BASE] = "ENOIOCTLCMD",
    [516 - KERNEL_ERRNO_BASE] = "ERESTART_RESTARTBLOCK",
    [521 - KERNEL_ERRNO_BASE] = "EBADHANDLE",
    [522 - KERNEL_ERRNO_BASE] = "ENOTSYNC",
    [523 - KERNEL_ERRNO_BASE] = "EBADCOOKIE",
    [524 - KERNEL_ERRNO_BASE] = "ENOTSUPP",
    [525 - KERNEL_ERRNO_BASE] = "ETOOSMALL",
    [526 - KERNEL_ERRNO_BASE] = "ESERVERFAULT",
    [527 - KERNEL_ERRNO_BASE] = "EBADTYPE",
    [528 - KERNEL_ERRNO_BASE] = "EJUKEBOX",
    [529 - KERNEL_ERRNO_BASE] = "EIOCBQUEUED",
    [530 - KERNEL_ERRNO_BASE] = "EIOCBRETRY",
};

static const char *const signal_names[] = {
    [1] = "SIGHUP",     [2] = "SIGINT",   [3] = "SIGQUIT",   [4] = "SIGILL",   [5] = "SIGTRAP",
    [6] = "SIGABRT",    [7] = "SIGBUS",   [8] = "SIGFPE",    [9] = "SIGKILL",  [10] = "SIGUSR1",
    [11] = "SIGSEGV",   [12] = "SIGUSR2", [13] = "SIGPIPE",  [14] = "SIGALRM", [15] = "SIGTERM",
    [16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",  [19] = "SIGSTOP", [20] = "SIGTSTP",
    [21] = "SIGTTIN",   [22] = "SIGTTOU", [23] = "SIGURG",   [24] = "SIGXCPU", [25] = "SIGXFSZ",
    [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO",   [30] = "SIGPWR",
    [31] = "SIGSYS",
};

const char *sk_errno_name(int64_t err)
{
    if (err > 0 && err < (int64_t)ARRAY_LEN(errno_names))
        return errno_names[err];
    if (err >= KERNEL_ERRNO_BASE &&
        err < KERNEL_ERRNO_BASE + (int64_t)ARRAY_LEN(kernel_errno_names))
        return kernel_errno_names[err - KERNEL_ERRNO_BASE];
    return NULL;
}

const char *sk_signal_name(uint32_t sig)
{
    if (sig < ARRAY_LEN(signal_names))
        return signal_names[sig];
    return NULL;
}

/* Names as evt.category prints them (libsinsp drops the source bits but keeps INTERNAL). */
const char *sk_category_name(uint16_t category)
{
    switch (category & (SK_EC_SYSCALL - 1)) {
    case SK_EC_OTHER:
        return "other";
    case SK_EC_FILE:
        return "file";
    case SK_EC_NET:
        return "net";
    case SK_EC_IPC:
        return "IPC";
    case SK_EC_MEMORY:
        return "memory";
    case SK_EC_PROCESS:
        return "process";
    case SK_EC_SLEEP:
        return "sleep";
    case SK_EC_SYSTEM:
        return "system";
    case SK_EC_SIGNAL:
        return "signal";
    case SK_EC_USER:
        return "user";
    case SK_EC_TIME:
        return "time";
    case SK_EC_PROCESSING:
        return "processing";
    case SK_EC_WAIT:
        return "wait";
    case SK_EC_SCHEDULER:
        return "scheduler";
    case SK_EC_INTERNAL:
        return "internal";
    default:
        /* UNKNOWN, and IO_* whose fd type the caller could not tell. */
        return "unknown";
    }
}

size_t sk_param_name_count(void)
{
    return sk_param_names_count;
}

const char *sk_param_name_at(size_t i)
{
    if (i >= sk_param_names_count)
        return NULL;
    return sk_param_names[i];
}
