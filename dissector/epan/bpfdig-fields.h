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

/* Register the fields under proto (called from proto_register_bpfdig). */
void bpfdig_register_state_fields(int proto);

/*
 * Add thread/process/user/fd/container subtrees for an event of thread tid.
 * Only fields with a value are added (no fd.* without an fd).
 */
void bpfdig_add_state_fields(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                             const struct bpfdig_frame *f, int64_t tid);

/* An IPv4/IPv6 socket or server socket. */
bool bpfdig_fd_is_ip_socket(const struct sk_fd *fd);

/* A socket with endpoints (sysdig: role client or server, not "none"). */
bool bpfdig_fd_has_role(const struct sk_fd *fd);

#endif /* BPFDIG_FIELDS_H */
