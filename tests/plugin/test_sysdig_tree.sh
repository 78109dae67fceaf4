#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The built-in sysdig dissector dissects events read by the plugin exactly as
# events read by the pcapng reader: same "Sysdig Event" subtree in tshark -V
# (except the "Event length" item on frames carrying coalesced blocks).
# Files pcapng cannot open (SHB 1.1) are skipped.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_need_corpus
pt_setup

# A second home without plugins, for the pcapng reader.
bare="$TU_HOME/bare"
mkdir -p "$bare/tmp"
tu_is_root && chown -R "$TU_UID:$TU_GID" "$bare"
if TU_HOME=$bare tu_tshark -G plugins 2>/dev/null | grep -q bpfdig_scap; then
    pt_skip "bpfdig_scap is installed globally: no plugin-free reference run possible"
fi

while read -r f; do
    name=$(basename "$f" .scap)
    in=$(tu_input "$f")
    base=$(tu_output "$name.pcapng.txt")
    ours=$(tu_output "$name.scap.txt")
    if ! TU_HOME=$bare TU_TIMEOUT=300 tu_tshark -r "$in" -V >"$base" 2>/dev/null; then
        pt_log "$name: the pcapng reader cannot open it: skipped"
        continue
    fi
    TU_TIMEOUT=300 tu_tshark -r "$in" -V >"$ours" 2>/dev/null || pt_fail "$name: tshark failed"
    res=$(python3 "$PT_DIR/sysdig_subtree.py" "$base" "$ours") || pt_fail "$name: $res"
    pt_log "$name: $(tail -n 1 <<<"$res")"
    rm -f "$base" "$ours"
done < <(pt_corpus_files)

pt_finish
