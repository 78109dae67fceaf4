/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal interface of the bpfdig "scap" wiretap plugin: the reader
 * (scap_read.c), the writer (scap_write.c) and the registration
 * (plugin.c). See ../scap_record.h for the records the reader delivers.
 */
#ifndef BPFDIG_SCAP_WTAP_H
#define BPFDIG_SCAP_WTAP_H

#include <stdbool.h>
#include <stdint.h>

#include <wireshark.h>
#include <wiretap/wtap.h>
#include "ws_compat.h"
#if BPFDIG_WS_AT_LEAST(4, 6)
#include <wiretap/wtap_module.h>
#else
/* Not installed by 4.0's dev package: see cmake/WiresharkPrivateHeaders.cmake. */
#include <wiretap/wtap-int.h>
#endif
#include <wiretap/file_wrappers.h>
#include <wsutil/buffer.h>
#include <wsutil/pint.h>

#include "scap_record.h"
#include "scapkit/format.h"

/*
 * Section header block without options (header 8, magic 4, versions 4,
 * section length 8, trailer 4), and the longest one we accept.
 */
#define SCAP_SHB_FIXED_LEN 28u
#define SCAP_SHB_MAX_LEN   (16u * 1024u * 1024u)

/* File type id of "scap", -1 until registered. */
extern int scap_file_type_subtype;

/* Reader (scap_read.c). */
wtap_open_return_val scap_open(wtap *wth, int *err, gchar **err_info);

/* Writer (scap_write.c). */
int scap_dump_can_write_encap(int encap);
bpfdig_wsbool scap_dump_open(wtap_dumper *wdh, int *err, gchar **err_info);

/* Block types (scap_blocks.c). */
bool scap_block_is_event(uint32_t type);
bool scap_block_is_known(uint32_t type);
bool scap_event_has_flags(uint32_t type);
bool scap_event_has_nparams(uint32_t type);
/* Bytes of an event block between the block header and the event data. */
uint32_t scap_event_header_len(uint32_t type);

#endif /* BPFDIG_SCAP_WTAP_H */
