/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit event schema lookups over the generated tables of event_table.c.
 */
#include <string.h>

#include "schema_internal.h"

const struct sk_event_info *sk_event_info(uint16_t code)
{
    if (code >= SK_EVENT_MAX)
        return NULL;
    return &sk_event_table[code];
}

int sk_event_param_index(const struct sk_event_info *info, const char *name)
{
    if (!info || !name)
        return -1;
    for (unsigned i = 0; i < info->nparams; i++) {
        if (strcmp(info->params[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

const char *sk_syscall_name(uint16_t ppm_sc)
{
    if (ppm_sc >= sk_syscall_names_count)
        return NULL;
    return sk_syscall_names[ppm_sc];
}

int sk_syscall_code(const char *name)
{
    if (!name)
        return -1;
    for (uint16_t code = 0; code < sk_syscall_names_count; code++) {
        if (sk_syscall_names[code] && strcmp(sk_syscall_names[code], name) == 0)
            return code;
    }
    return -1;
}

uint16_t sk_syscall_count(void)
{
    return sk_syscall_names_count;
}

const struct sk_dyn_link *sk_dyn_link_find(uint16_t code, unsigned idx)
{
    for (size_t i = 0; i < sk_dyn_link_count; i++) {
        if (sk_dyn_links[i].code == code && sk_dyn_links[i].index == idx)
            return &sk_dyn_links[i];
    }
    return NULL;
}
