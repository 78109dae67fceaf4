#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live path: a scap stream piped into tshark -i - (through dumpcap) shows
# every event, state blocks included (they ride on the events, so dumpcap's
# packet count, which counts only event blocks, covers them).
# SHB 1.1/1.2 streams are claimed by the plugin; for SHB 1.0 the open may
# race with dumpcap and fall back to pcapng, which also shows all events.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_need_corpus
pt_need dumpcap
pt_setup

for name in ${BPFDIG_LIVE_FILES:-falco_syscall psp_write_tmp_test curl_google}; do
    f="$BPFDIG_CORPUS/$name.scap"
    [[ -f "$f" ]] || {
        pt_log "$name: not in the corpus, skipped"
        continue
    }
    want=$(pt_event_count "$f")
    plain=$(pt_plain_input "$f")
    err=$(tu_output "$name.err")
    # shellcheck disable=SC2002 # a real pipe, as in the live use
    out=$(cat "$plain" | TU_TIMEOUT=120 tu_tshark -i - -T fields -E separator=, \
        -e frame.number -e frame.len -e frame.cap_len 2>"$err")
    rc=$?
    pt_check_status "$name" $rc
    [[ $rc -eq 0 ]] || pt_fail "$name: tshark -i - exit status $rc: $(head -c 300 "$err")"
    frames=$(grep -c . <<<"$out")
    [[ "$frames" == "$want" ]] || pt_fail "$name: live capture shows $frames of $want events"
    # SHB 1.1/1.2: read by the plugin, so the first frame carries the metadata blocks.
    if "${SCAPSCAN[@]}" count "$f" | grep -q 'shb=1\.[12]$'; then
        awk -F, 'NR == 1 && $2 != $3 { exit 1 }' <<<"$out" ||
            pt_fail "$name: the first live frame carries no metadata blocks (not read as scap?)"
    fi
    pt_log "$name: $frames events live"
done

pt_finish
