/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ws_compat.h - the few Wireshark API differences between 4.0 (Debian 12)
 * and 4.6 (Debian sid / Stratoshark) that bpfdig's plugins meet, as small
 * macros, so that the plugin sources keep one code path. Checked against
 * the 4.0.17, 4.2.2 (Ubuntu 24.04), 4.4.18 (Debian 13) and 4.6.9 headers:
 * 4.2 and 4.4 still have the 4.0 names of everything below except the
 * boolean type (bool from 4.4); the renames are all 4.6.
 *
 * Include it after the Wireshark headers. The build passes
 * BPFDIG_WS_MAJOR / BPFDIG_WS_MINOR (from pkg-config); without them the
 * values of the installed ws_version.h are used.
 */
#ifndef BPFDIG_WS_COMPAT_H
#define BPFDIG_WS_COMPAT_H

#include <ws_version.h>

#ifndef BPFDIG_WS_MAJOR
#define BPFDIG_WS_MAJOR WIRESHARK_VERSION_MAJOR
#endif
#ifndef BPFDIG_WS_MINOR
#define BPFDIG_WS_MINOR WIRESHARK_VERSION_MINOR
#endif

#if BPFDIG_WS_MAJOR != WIRESHARK_VERSION_MAJOR || BPFDIG_WS_MINOR != WIRESHARK_VERSION_MINOR
#error "BPFDIG_WS_MAJOR/MINOR differ from the Wireshark headers in use (ws_version.h)"
#endif

/* True when building against Wireshark major.minor or newer. */
#define BPFDIG_WS_AT_LEAST(major, minor)                                                           \
    (BPFDIG_WS_MAJOR > (major) || (BPFDIG_WS_MAJOR == (major) && BPFDIG_WS_MINOR >= (minor)))

/*
 * Boolean type of Wireshark callbacks and boolean preferences: gboolean
 * (an int) in 4.0 and 4.2, C99 bool from 4.4 on (subtype_read_func,
 * subtype_seek_read_func, subtype_write_func, dump_open,
 * prefs_register_bool_preference; checked against the 4.2.2, 4.4.18 and
 * 4.6.9 headers).
 */
#if BPFDIG_WS_AT_LEAST(4, 4)
typedef bool bpfdig_wsbool;
#else
typedef gboolean bpfdig_wsbool;
#endif

/*
 * wtap_syscall_header: the length of the event data after the event
 * header was renamed event_filelen -> event_data_len (4.6).
 */
#if BPFDIG_WS_AT_LEAST(4, 6)
#define BPFDIG_SYSCALL_DATA_LEN(hdr) ((hdr).event_data_len)
#else
#define BPFDIG_SYSCALL_DATA_LEN(hdr) ((hdr).event_filelen)
#endif

/*
 * Read n bytes from a FILE_T into a Buffer (growing it):
 * wtap_read_packet_bytes (4.0) became wtap_read_bytes_buffer (4.6).
 */
#if BPFDIG_WS_AT_LEAST(4, 6)
#define bpfdig_read_into_buffer(fh, buf, n, err, err_info)                                         \
    wtap_read_bytes_buffer((fh), (buf), (n), (err), (err_info))
#else
#define bpfdig_read_into_buffer(fh, buf, n, err, err_info)                                         \
    wtap_read_packet_bytes((fh), (buf), (n), (err), (err_info))
#endif

/*
 * Unaligned little-endian loads from wsutil/pint.h: pletoh16/32/64 (4.0)
 * became pletohu16/32/64 (4.6).
 */
#if BPFDIG_WS_AT_LEAST(4, 6)
#define bpfdig_pletoh16(p) pletohu16(p)
#define bpfdig_pletoh32(p) pletohu32(p)
#define bpfdig_pletoh64(p) pletohu64(p)
#else
#define bpfdig_pletoh16(p) pletoh16(p)
#define bpfdig_pletoh32(p) pletoh32(p)
#define bpfdig_pletoh64(p) pletoh64(p)
#endif

/*
 * Per-packet memory pool for dissectors: wmem_packet_scope() is gone in
 * 4.6; pinfo->pool exists in both, so always use it through this macro.
 */
#define BPFDIG_PACKET_POOL(pinfo) ((pinfo)->pool)

/*
 * Optional plugin_describe() export (WS_PLUGIN_DESC_* flags): declared in
 * the 4.4 and 4.6 wsutil/plugins.h; 4.2's dev package installs no
 * wsutil/plugins.h (and 4.2 does not look for the symbol).
 */
#define BPFDIG_WS_HAVE_PLUGIN_DESCRIBE BPFDIG_WS_AT_LEAST(4, 4)

#endif /* BPFDIG_WS_COMPAT_H */
