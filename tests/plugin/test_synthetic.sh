#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Synthetic files for what the corpus lacks (scapscan.py synth): EVF and
# LARGE event blocks, legacy _INT ids, SHB 1.0 with an unknown block, later
# sections, metadata after the last event or without any event, a malformed
# event length. Checks frame counts, section numbers, which frames carry
# coalesced blocks (frame length == captured length), state-only records,
# tshark -2, and byte-identical -F scap round trips.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_setup

dir="$TU_HOME/in/synth"
"${SCAPSCAN[@]}" synth "$dir" >/dev/null || pt_fail "scapscan.py synth failed"
chmod -R a+rX "$dir"

# name: frames | section number per frame | frames with len == caplen | state-only frames
declare -A WANT=(
    [evf]="5|1 1 1 1 1|1 3 5|0"
    [sections]="5|1 1 2 3 3|1 3 4 5|1"
    [noevents]="1|1|1|1"
    [legacy]="2|1 1|1 2|0"
    [badlen]="2|1 1|1|0"
)

for name in "${!WANT[@]}"; do
    f="$dir/$name.scap"
    IFS='|' read -r w_frames w_sections w_trailer w_state <<<"${WANT[$name]}"
    out=$(tu_tshark -r "$f" -T fields -E separator=, -e frame.number -e frame.section_number \
        -e frame.len -e frame.cap_len -e sysdig.event_type 2>&1)
    frames=$(grep -c . <<<"$out")
    sections=$(cut -d, -f2 <<<"$out" | paste -sd' ')
    trailer=$(awk -F, '$3 == $4 { print $1 }' <<<"$out" | paste -sd' ')
    state=$(awk -F, '$5 == "" { n++ } END { print n + 0 }' <<<"$out")
    [[ "$frames" == "$w_frames" ]] || pt_fail "$name: $frames frames, expected $w_frames: $out"
    [[ "$sections" == "$w_sections" ]] || pt_fail "$name: sections '$sections', expected '$w_sections'"
    [[ "$trailer" == "$w_trailer" ]] ||
        pt_fail "$name: frames with coalesced data '$trailer', expected '$w_trailer'"
    [[ "$state" == "$w_state" ]] || pt_fail "$name: $state state-only frames, expected $w_state"
    awk -F, '$3 + 0 < $4 + 0 { exit 1 }' <<<"$out" || pt_fail "$name: a frame has len < caplen"

    one=$(tu_tshark -r "$f" -V -x 2>&1)
    two=$(tu_tshark -2 -r "$f" -V -x 2>&1)
    [[ "$one" == "$two" ]] || pt_fail "$name: tshark -2 output differs"

    norm=$(tu_output "$name.norm")
    "${SCAPSCAN[@]}" normalise "$f" "$norm"
    tu_tshark -r "$f" -F scap -w "$(tu_output "$name.t.scap")" || pt_fail "$name: tshark -w failed"
    tu_editcap -F scap "$f" "$(tu_output "$name.e.scap")" || pt_fail "$name: editcap failed"
    for w in t e; do
        cmp -s "$norm" "$(tu_output "$name.$w.scap")" || pt_fail "$name: round trip ($w) differs"
    done
    pt_log "$name: ok"
done

pt_finish
