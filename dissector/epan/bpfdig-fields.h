/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-fields.h - the state fields of an event: proc.*, thread.*, user.*,
 * group.*, fd.*, container.*, k8s.*, built from the views the state engine
 * stored for the frame on the first pass.
 */
#ifndef BPFDIG_FIELDS_H
#define BPFDIG_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>

#include "bpfdig-store.h"
#include "scapkit/fields.h"

/*
 * Set for each dissection: add only the referenced fields to visible trees
 * too (tshark -T fields builds a visible tree but prints only -e fields).
 */
extern bool bpfdig_referenced_only;

/* Is hf (or a field of protocol hf) printed by tshark -T fields -e? */
bool bpfdig_field_printed(int hf);

/*
 * Does field hf (or hf_text_only: a text subtree) belong in tree t? As
 * proto_field_is_referenced(), but with bpfdig_referenced_only a visible
 * tree gets only what a filter, column, tap or -e option references. Callers
 * skip the item, and the work of computing its value, when it does not.
 */
static inline bool bpfdig_want(proto_tree *t, int hf)
{
    if (!t)
        return false;
    if (bpfdig_referenced_only)
        return proto_registrar_get_nth((guint)hf)->ref_type != HF_REF_TYPE_NONE ||
               bpfdig_field_printed(hf);
    return proto_field_is_referenced(t, hf);
}

/* Register the fields under proto (called from proto_register_bpfdig). */
void bpfdig_register_state_fields(int proto);

/*
 * Register container.label.<key> for each key of the comma- or
 * space-separated list that has no field yet (at registration and when the
 * label_keys preference changes; fields of keys taken out stay registered,
 * unused, until Wireshark restarts).
 */
void bpfdig_register_label_fields(const char *keys);

/*
 * Add thread.tid and the thread/process/user/fd/container subtrees for an
 * event of thread tid. v holds the field values (scapkit/fields.h, shared
 * with skfields); NULL when no state is stored for the frame (only thread.tid
 * is added). Only fields with a value are added (no fd.* without an fd).
 */
void bpfdig_add_state_fields(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                             const struct sk_fields *v, int64_t tid);

#endif /* BPFDIG_FIELDS_H */
