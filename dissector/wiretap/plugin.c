/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig_scap: Wireshark wiretap plugin adding the "scap" file type
 * (sysdig/falco system-call captures) with a reader and a writer.
 *
 * Its open routine runs before the built-in pcapng one and claims only
 * little-endian section headers of version 1.1 or 1.2, or 1.0 followed by a
 * scap block, so ordinary pcapng files are left to pcapng.
 */
#define WS_LOG_DOMAIN "bpfdig-scap"
#include "scap_wtap.h"

#include <ws_version.h>
#if BPFDIG_WS_HAVE_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>
#endif

#ifndef BPFDIG_VERSION
#define BPFDIG_VERSION "0.0.0"
#endif

#define SCAP_DESCRIPTION BPFDIG_SCAP_FILE_TYPE_DESCRIPTION

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = BPFDIG_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if BPFDIG_WS_HAVE_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif

int scap_file_type_subtype = -1;

static const struct supported_block_type scap_blocks_supported[] = {
    /* Events; the metadata blocks travel inside them (see scap_record.h). */
    {WTAP_BLOCK_SYSDIG_EVENT, MULTIPLE_BLOCKS_SUPPORTED, NO_OPTIONS_SUPPORTED},
    /* Metadata blocks with no event after them. */
    {WTAP_BLOCK_FT_SPECIFIC_EVENT, MULTIPLE_BLOCKS_SUPPORTED, NO_OPTIONS_SUPPORTED},
};

/* Not const: the name becomes BPFDIG_SCAP_FILE_TYPE_ALT_NAME in Stratoshark. */
static struct file_type_subtype_info scap_info = {
    SCAP_DESCRIPTION,
    BPFDIG_SCAP_FILE_TYPE_NAME,
    "scap",
    NULL,
    FALSE,
    BLOCKS_SUPPORTED(scap_blocks_supported),
    scap_dump_can_write_encap,
    scap_dump_open,
    NULL,
};

static void register_scap(void)
{
    static struct open_info oi = {
        SCAP_DESCRIPTION, OPEN_INFO_MAGIC, scap_open, "scap", NULL, NULL,
    };

    if (wtap_has_open_info(SCAP_DESCRIPTION) ||
        wtap_name_to_file_type_subtype(BPFDIG_SCAP_FILE_TYPE_ALT_NAME) != -1) {
        ws_warning("file type \"%s\" is already registered; bpfdig_scap not loaded",
                   SCAP_DESCRIPTION);
        return;
    }
    /*
     * Stratoshark's libwiretap (4.6) names its pcapng reader "scap"; ours
     * then goes by BPFDIG_SCAP_FILE_TYPE_ALT_NAME (the epan plugin looks
     * the type up by description, see packet-scap.c).
     */
    if (wtap_name_to_file_type_subtype(BPFDIG_SCAP_FILE_TYPE_NAME) != -1) {
        ws_info("file type \"%s\" exists; registering as \"%s\"", BPFDIG_SCAP_FILE_TYPE_NAME,
                BPFDIG_SCAP_FILE_TYPE_ALT_NAME);
        scap_info.name = BPFDIG_SCAP_FILE_TYPE_ALT_NAME;
    }
    scap_file_type_subtype = wtap_register_file_type_subtype(&scap_info);
    if (scap_file_type_subtype == -1)
        return;
    /* TRUE: put it first, before pcapng, which would take SHB 1.0 files. */
    wtap_register_open_info(&oi, TRUE);
}

void plugin_register(void)
{
    static const wtap_plugin plug = {register_scap};

    wtap_register_plugin(&plug);
}

#if BPFDIG_WS_HAVE_PLUGIN_DESCRIBE
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_FILE_TYPE;
}
#endif
