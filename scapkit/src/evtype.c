/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evt.type of an event as current readers (libs >= 0.22) name it. */
#include <string.h>

#include "scapkit/format.h"
#include "scapkit/schema.h"
#include "schema_x86_64.h"

#define GENERIC_E 0
#define GENERIC_X 1

const char *sk_x86_64_syscall_name(uint32_t nr)
{
    return nr < SK_X86_64_NR_MAX ? sk_x86_64_syscall_names[nr] : NULL;
}

/* GENERIC events: the ppm_sc name of ID, or from the native number when ID is 0. */
static const char *generic_name(const struct sk_event *ev)
{
    uint64_t id = 0, native = 0;
    const char *name = NULL;

    if (sk_event_get_u64(ev, 0, &id) && id != 0)
        name = sk_syscall_name((uint16_t)id);
    if (!name && sk_event_get_u64(ev, 1, &native))
        name = sk_x86_64_syscall_name((uint32_t)native);
    return name ? name : "syscall";
}

const char *sk_event_type_name(const struct sk_event *ev)
{
    const struct sk_event_info *info = ev->info;

    if (!info)
        return "unknown";
    if (ev->type == GENERIC_E || ev->type == GENERIC_X)
        return generic_name(ev);
    /* old accept4 layouts are named "accept" in the table; readers upgrade them */
    if (strstr(info->enum_name, "ACCEPT4"))
        return "accept4";
    return info->name;
}
