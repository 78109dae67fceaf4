/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Event schema: table sanity, spot checks against the libs event tables, names. */
#include <string.h>

#include "check.h"
#include "scapkit/schema.h"

static const char *name_of(const struct sk_name_value *names, uint32_t value)
{
    for (; names && names->name; names++) {
        if (names->value == value)
            return names->name;
    }
    return NULL;
}

static void test_every_code_has_info(void)
{
    unsigned bad_params = 0, bad_names = 0, bad_dirfd = 0, bad_names_table = 0;

    for (uint16_t code = 0; code < SK_EVENT_MAX; code++) {
        const struct sk_event_info *info = sk_event_info(code);
        CHECK(info != NULL);
        if (!info)
            continue;
        if (info->nparams > SK_MAX_PARAMS || (info->nparams && !info->params))
            bad_params++;
        if (!info->name || !info->enum_name || strncmp(info->enum_name, "PPME_", 5) != 0)
            bad_names++;
        for (unsigned i = 0; i < info->nparams; i++) {
            const struct sk_param_info *p = &info->params[i];
            if (p->dirfd_index >= (int)info->nparams ||
                (p->dirfd_index >= 0 && p->type != SK_PT_FSRELPATH))
                bad_dirfd++;
            if (p->names && p->names[0].name == NULL)
                bad_names_table++;
        }
    }
    CHECK_INT(bad_params, 0);
    CHECK_INT(bad_names, 0);
    CHECK_INT(bad_dirfd, 0);
    CHECK_INT(bad_names_table, 0);
    CHECK(sk_event_info(SK_EVENT_MAX) == NULL);
    CHECK(sk_event_info(0xffff) == NULL);
}

static void test_open_events(void)
{
    const struct sk_event_info *open_x = sk_event_info(3);
    const struct sk_event_info *openat_x = sk_event_info(307);

    CHECK_STR(open_x->name, "open");
    CHECK_STR(open_x->enum_name, "PPME_SYSCALL_OPEN_X");
    CHECK_INT(open_x->nparams, 6);
    CHECK_INT(open_x->category, SK_EC_FILE | SK_EC_SYSCALL);
    CHECK_INT(open_x->flags, SK_EF_CREATES_FD | SK_EF_MODIFIES_STATE | SK_EF_CONVERTER_MANAGED);
    CHECK_INT(open_x->params[2].type, SK_PT_FLAGS32);
    CHECK_INT(open_x->params[2].fmt, SK_PF_HEX);
    CHECK(open_x->params[2].names != NULL);
    CHECK_INT(open_x->params[3].fmt, SK_PF_OCT);

    CHECK_STR(openat_x->name, "openat");
    CHECK_INT(openat_x->nparams, 7);
    CHECK_STR(openat_x->params[2].name, "name");
    CHECK_INT(openat_x->params[2].type, SK_PT_FSRELPATH);
    CHECK_INT(openat_x->params[2].dirfd_index, 1);
    CHECK_INT(openat_x->params[0].dirfd_index, -1);
    CHECK_INT(sk_event_param_index(openat_x, "flags"), 3);
    CHECK_INT(sk_event_param_index(openat_x, "nosuch"), -1);
    CHECK_INT(sk_event_param_index(NULL, "fd"), -1);
}

static void test_spot_checks(void)
{
    const struct sk_event_info *execve = sk_event_info(293);
    const struct sk_event_info *procinfo = sk_event_info(234);
    const struct sk_event_info *task = sk_event_info(430);
    const struct sk_event_info *keyctl = sk_event_info(453);

    CHECK_STR(execve->enum_name, "PPME_SYSCALL_EXECVE_19_X");
    CHECK_INT(execve->nparams, 30);
    CHECK_STR(execve->params[27].name, "trusted_exepath");
    CHECK_INT(execve->params[29].type, SK_PT_GID);
    CHECK_STR(sk_event_info(1)->params[0].name, "ID");
    CHECK_INT(sk_event_info(1)->params[0].type, SK_PT_SYSCALLID);
    CHECK(sk_event_info(0)->flags & SK_EF_OLD_VERSION);
    CHECK_STR(procinfo->name, "procinfo");
    CHECK_INT(procinfo->category, SK_EC_INTERNAL | SK_EC_METAEVENT);
    CHECK_INT(sk_event_info(186)->category, SK_EC_PROCESS | SK_EC_TRACEPOINT);
    CHECK_INT(sk_event_info(187)->flags, SK_EF_UNUSED);
    CHECK_STR(sk_event_info(187)->name, "NA");
    CHECK(sk_event_info(402)->flags & SK_EF_LARGE_PAYLOAD);
    CHECK_STR(task->name, "task");
    CHECK_INT(task->nparams, 32);
    CHECK_INT(task->category, SK_EC_PROCESS | SK_EC_ITER);
    CHECK_INT(task->params[0].type, SK_PT_PID32);
    CHECK_STR(keyctl->name, "keyctl");
    CHECK_INT(keyctl->params[1].type, SK_PT_ENUMFLAGS32);
    CHECK(keyctl->params[1].names != NULL);
    /* socket domain names come from the PPM_AF table */
    CHECK_STR(sk_event_info(18)->params[0].name, "domain");
    CHECK_STR(name_of(sk_event_info(18)->params[0].names, 2), "AF_INET");
    CHECK_STR(name_of(sk_event_info(18)->params[0].names, 10), "AF_INET6");
}

static void test_syscall_names(void)
{
    CHECK_STR(sk_syscall_name(0), "unknown");
    CHECK_STR(sk_syscall_name(2), "exit");
    CHECK_STR(sk_syscall_name(3), "read");
    CHECK(sk_syscall_name(382) == NULL); /* hole in the numbering */
    CHECK(sk_syscall_name(sk_syscall_count()) == NULL);
    CHECK(sk_syscall_count() > 400);
    CHECK_INT(sk_syscall_code("exit_group"), 164);
    CHECK_INT(sk_syscall_code("statx"), 367);
    CHECK_INT(sk_syscall_code("restart_syscall"), 1);
    CHECK_STR(sk_syscall_name(164), "exit_group");
    CHECK_INT(sk_syscall_code("nosuchcall"), -1);
    CHECK_INT(sk_syscall_code(NULL), -1);
}

static void test_errno_signal_category(void)
{
    CHECK_STR(sk_errno_name(2), "ENOENT");
    CHECK_STR(sk_errno_name(11), "EAGAIN");
    CHECK_STR(sk_errno_name(115), "EINPROGRESS");
    CHECK_STR(sk_errno_name(133), "EHWPOISON");
    CHECK_STR(sk_errno_name(512), "ERESTARTSYS");
    CHECK(sk_errno_name(0) == NULL);
    CHECK(sk_errno_name(41) == NULL);
    CHECK(sk_errno_name(-2) == NULL);
    CHECK(sk_errno_name(134) == NULL);
    for (int e = 1; e <= 133; e++) {
        if (e != 41 && e != 58)
            CHECK(sk_errno_name(e) != NULL);
    }
    CHECK_STR(sk_signal_name(9), "SIGKILL");
    CHECK_STR(sk_signal_name(17), "SIGCHLD");
    CHECK(sk_signal_name(0) == NULL);
    CHECK(sk_signal_name(64) == NULL);

    CHECK_STR(sk_category_name(SK_EC_FILE | SK_EC_SYSCALL), "file");
    CHECK_STR(sk_category_name(SK_EC_IPC | SK_EC_SYSCALL), "IPC");
    CHECK_STR(sk_category_name(SK_EC_INTERNAL | SK_EC_METAEVENT), "internal");
    CHECK_STR(sk_category_name(SK_EC_SCHEDULER | SK_EC_TRACEPOINT), "scheduler");
    CHECK_STR(sk_category_name(SK_EC_UNKNOWN), "unknown");
    CHECK_STR(sk_category_name(sk_event_info(4)->category), "unknown"); /* IO_OTHER */
}

static void test_param_names(void)
{
    size_t n = sk_param_name_count();
    unsigned unsorted = 0;
    int have_fd = 0, have_trusted = 0;

    CHECK(n > 100);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(sk_param_name_at(i - 1), sk_param_name_at(i)) >= 0)
            unsorted++;
        have_fd |= strcmp(sk_param_name_at(i), "fd") == 0;
        have_trusted |= strcmp(sk_param_name_at(i), "trusted_exepath") == 0;
    }
    CHECK_INT(unsorted, 0);
    CHECK(have_fd);
    CHECK(have_trusted);
    CHECK(sk_param_name_at(n) == NULL);
}

int main(void)
{
    test_every_code_has_info();
    test_open_events();
    test_spot_checks();
    test_syscall_names();
    test_errno_signal_category();
    test_param_names();
    return check_summary("test_schema");
}
