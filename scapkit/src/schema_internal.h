/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit schema internals: the generated tables of event_table.c, shared by
 * schema.c, names.c and render.c.
 */
#ifndef SCAPKIT_SCHEMA_INTERNAL_H
#define SCAPKIT_SCHEMA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "scapkit/schema.h"

/* One sub-type of a DYN parameter: the u8 index on the wire selects it. */
struct sk_dyn_subtype {
    uint8_t type; /* enum sk_param_type */
    uint8_t fmt;  /* enum sk_print_fmt */
};

/* Links a DYN parameter (event code, parameter index) to its sub-types. */
struct sk_dyn_link {
    uint16_t code;
    uint8_t index;
    uint8_t count;
    const struct sk_dyn_subtype *subtypes;
};

extern const struct sk_event_info sk_event_table[SK_EVENT_MAX];

extern const struct sk_dyn_link sk_dyn_links[];
extern const size_t sk_dyn_link_count;

/* Distinct parameter names, sorted (strcmp order). */
extern const char *const sk_param_names[];
extern const size_t sk_param_names_count;

/* ppm_sc names indexed by code; NULL for codes libs does not define. */
extern const char *const sk_syscall_names[];
extern const uint16_t sk_syscall_names_count;

/* Value tables not referenced by any parameter. */
extern const struct sk_name_value sk_nv_poll_flags[];

/* Sub-types of the DYN parameter idx of event code, or NULL. */
const struct sk_dyn_link *sk_dyn_link_find(uint16_t code, unsigned idx);

#endif /* SCAPKIT_SCHEMA_INTERNAL_H */
