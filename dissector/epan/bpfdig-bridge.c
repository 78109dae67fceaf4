/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-bridge.c - living beside Stratoshark's falco bridge (Wireshark 4.6:
 * falco-events.so, protocol "falcoevents"; "falcobridge" in other releases).
 *
 * The bridge registers falco-named fields too (proc.name, fd.name, evt.type,
 * ...: 52 of them share a name with bpfdig's). It computes them from a second
 * read of the file with libsinsp and pairs libsinsp's event N with frame N,
 * which on captures with enter events (every pre-2025 file, and bpfdig's own)
 * puts other events' values on a row, and it hides the rows libsinsp has no
 * event for. Two values under one name make `proc.name == "curl"` match rows
 * on the bridge's value alone (docs/stratoshark.md has the measurements).
 *
 * So when bpfdig's own file type is registered (it then reads every scap
 * file), bpfdig switches the bridge's dissection off in the command-line
 * readers (strato, tshark, ...), unless the preference bpfdig.falco_bridge
 * is set. Only the protocol's decoding is touched, never its registration:
 * its fields stay known, filters with names only the bridge has still
 * compile (they match nothing), and the preference can turn it back on
 * (e.g. for falco plugin sources such as cloudtrail, which bpfdig does not
 * decode).
 *
 * Not in the GUIs: Stratoshark 0.9.9's GUI crashes (SIGSEGV in its packet
 * selection code) when the bridge is disabled, with or without bpfdig
 * (`stratoshark --disable-protocol falcoevents -r any.scap`). There the
 * bridge stays on and bpfdig's values come after the bridge's.
 */
#define WS_LOG_DOMAIN "bpfdig"

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <wiretap/wtap.h>

#include "ws_compat.h"

#include "bpfdig.h"

/* Filter names the falco bridge protocol has had. */
static const char *const bridge_names[] = {"falcoevents", "falcobridge"};

static int proto_bridge = -1;
static bpfdig_wsbool pref_falco_bridge;
/* Did bpfdig turn the bridge off (and so may turn it back on)? */
static bool bridge_disabled_by_us;

/* Is this a GUI (where the bridge must stay on, see above)? */
static bool running_in_gui(void)
{
    const char *name = g_get_prgname();
    char *comm = NULL;
    bool gui;

    if (!name && g_file_get_contents("/proc/self/comm", &comm, NULL, NULL))
        name = g_strstrip(comm);
    gui = name && (g_ascii_strcasecmp(name, "stratoshark") == 0 ||
                   g_ascii_strcasecmp(name, "wireshark") == 0 ||
                   g_str_has_prefix(name, "stratoshark-") || g_str_has_prefix(name, "wireshark-"));
    g_free(comm);
    return gui;
}

/* Is bpfdig's file type registered (see proto_reg_handoff_scap())? */
static bool bpfdig_reader_present(void)
{
    const char *names[] = {BPFDIG_SCAP_FILE_TYPE_ALT_NAME, BPFDIG_SCAP_FILE_TYPE_NAME};

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        int ft = wtap_name_to_file_type_subtype(names[i]);

        if (ft >= 0 && g_strcmp0(wtap_file_type_subtype_description(ft),
                                 BPFDIG_SCAP_FILE_TYPE_DESCRIPTION) == 0)
            return true;
    }
    return false;
}

/* Init routine: runs before each file (or redissection) is dissected. */
static void bridge_apply(void)
{
    if (proto_bridge < 0)
        return;
    if (!pref_falco_bridge) {
        if (proto_is_protocol_enabled(find_protocol_by_id(proto_bridge))) {
            proto_set_decoding(proto_bridge, FALSE);
            bridge_disabled_by_us = true;
        }
    } else if (bridge_disabled_by_us) {
        proto_set_decoding(proto_bridge, TRUE);
        bridge_disabled_by_us = false;
    }
}

void bpfdig_bridge_handoff(void)
{
    module_t *m;
    int id = -1;

    for (size_t i = 0; i < G_N_ELEMENTS(bridge_names) && id < 0; i++)
        id = proto_get_id_by_filter_name(bridge_names[i]);
    if (id < 0 || !proto_can_toggle_protocol(id) || !bpfdig_reader_present() || running_in_gui())
        return;
    m = prefs_find_module("bpfdig");
    if (!m)
        return;
    proto_bridge = id;
    prefs_register_bool_preference(
        m, "falco_bridge", "Keep the falco bridge's fields on scap files",
        "Command-line readers only. Off (default): bpfdig switches Stratoshark's falco bridge "
        "off, because on captures "
        "with enter events it shows other events' values on a row and hides rows, and its "
        "fields share names with bpfdig's. On: both run; a field name may then have two "
        "values per row (the bridge's first, bpfdig's last).",
        &pref_falco_bridge);
    register_init_routine(bridge_apply);
}
