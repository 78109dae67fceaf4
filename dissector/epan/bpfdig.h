/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig.h - what the files of the epan plugin share.
 *
 * Two protocols live in the plugin:
 *   "scap"   the state blocks (machine info, process/fd/user/interface
 *            lists, section headers) that the wiretap plugin delivers
 *            appended to an event record or as a state-only record;
 *   "bpfdig" a postdissector that adds the state engine's view of every
 *            event (proc.*, fd.*, user.*, container.*, evt.*) under the
 *            falco field names.
 */
#ifndef BPFDIG_EPAN_H
#define BPFDIG_EPAN_H

#include <epan/packet.h>

#include "scap_record.h"

void proto_register_bpfdig(void);
void proto_reg_handoff_bpfdig(void);
void proto_register_scap(void);
void proto_reg_handoff_scap(void);
/* Coexistence with the falco bridge (bpfdig-bridge.c); call after the handoffs. */
void bpfdig_bridge_handoff(void);

/*
 * Dissect the raw state blocks of a record (described by its trailer) as
 * "scap" tree items, and feed them to the state engine on the first pass.
 * A short summary of each block is appended to info (may be NULL).
 * Returns the number of blocks.
 */
unsigned scap_dissect_blocks(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                             const struct bpfdig_scap_trailer *t, wmem_strbuf_t *info);

/* Add the trailer of a record as "scap.trailer.*" items. */
void scap_add_trailer(tvbuff_t *tvb, proto_tree *tree, const struct bpfdig_scap_trailer *t);

#endif /* BPFDIG_EPAN_H */
