#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every corpus file opens as "scap" (SHB 1.0, 1.1 and 1.2, gzip'ed or not);
# one frame per event block (metadata blocks ride on the next event), no
# malformed frame, no frame whose length is below its captured length, and
# nothing on stderr.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_need_corpus
pt_setup

while read -r f; do
    name=$(basename "$f" .scap)
    in=$(tu_input "$f")
    want=$(pt_event_count "$f")
    type=$(tu_capinfos -t "$in" 2>&1)
    grep -q 'Sysdig/Falco scap (bpfdig)' <<<"$type" || pt_fail "$name: capinfos says: $type"

    err=$(tu_output "$name.err")
    out=$(TU_TIMEOUT=300 tu_tshark -r "$in" -T fields -E separator=, -e frame.number \
        -e frame.len -e frame.cap_len -e _ws.malformed 2>"$err")
    rc=$?
    pt_check_status "$name" $rc
    [[ $rc -eq 0 ]] || pt_fail "$name: tshark exit status $rc"
    [[ -s "$err" ]] && pt_fail "$name: tshark stderr: $(head -c 300 "$err")"
    frames=$(grep -c . <<<"$out")
    [[ "$frames" == "$want" ]] || pt_fail "$name: $frames frames, expected $want events"
    bad=$(awk -F, '$4 != "" { m++ } $2 + 0 < $3 + 0 { l++ }
                   END { printf "%d %d", m, l }' <<<"$out")
    [[ "$bad" == "0 0" ]] ||
        pt_fail "$name: malformed frames / frames with len < caplen: $bad"
    pt_log "$name: $frames frames"
done < <(pt_corpus_files)

pt_finish
