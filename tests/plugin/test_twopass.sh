#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Random access (seek_read) returns the same records as the sequential read:
# tshark -2 -V -x prints exactly what a single pass prints.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_need_corpus
pt_setup

while read -r f; do
    name=$(basename "$f" .scap)
    in=$(tu_input "$f")
    one=$(tu_output "$name.1pass")
    two=$(tu_output "$name.2pass")
    TU_TIMEOUT=300 tu_tshark -r "$in" -V -x >"$one" 2>/dev/null &&
        TU_TIMEOUT=300 tu_tshark -2 -r "$in" -V -x >"$two" 2>/dev/null
    rc=$?
    pt_check_status "$name" $rc
    [[ $rc -eq 0 ]] || pt_fail "$name: tshark exit status $rc"
    if ! cmp -s "$one" "$two"; then
        pt_fail "$name: -2 output differs from the single pass:"
        diff "$one" "$two" | head -n 10
    fi
    rm -f "$one" "$two"
done < <(pt_corpus_files)

pt_finish
