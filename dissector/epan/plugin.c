/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig: Wireshark epan plugin with the "scap" state-block dissector and
 * the "bpfdig" postdissector (falco fields for system-call events).
 */
#define WS_LOG_DOMAIN "bpfdig"

#include <wireshark.h>
#include <epan/proto.h>
#include <ws_version.h>

#include "ws_compat.h"
#if BPFDIG_WS_HAVE_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>
#endif

#include "bpfdig.h"

#ifndef BPFDIG_VERSION
#define BPFDIG_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = BPFDIG_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if BPFDIG_WS_HAVE_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif

static void register_protocols(void)
{
    proto_register_scap();
    proto_register_bpfdig();
}

static void handoff_protocols(void)
{
    proto_reg_handoff_scap();
    proto_reg_handoff_bpfdig();
    bpfdig_bridge_handoff();
}

void plugin_register(void)
{
    static const proto_plugin plug = {register_protocols, handoff_protocols};

    proto_register_plugin(&plug);
}

#if BPFDIG_WS_HAVE_PLUGIN_DESCRIBE
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
