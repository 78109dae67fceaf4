#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Damaged scap files (cut short at many offsets, bits flipped, block lengths
# set to absurd values) give a clean error or a clean read: never a crash, an
# abort or a hang. capinfos and editcap -F scap exercise the sequential
# reader and the writer on every copy; tshark -2 (slow to start) the
# dissectors and the random-access reader on every 10th.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_need_corpus
pt_setup

N=${BPFDIG_CORRUPT_N:-100}
for name in ${BPFDIG_CORRUPT_FILES:-falco_syscall psp_write_tmp_test}; do
    f="$BPFDIG_CORPUS/$name.scap"
    [[ -f "$f" ]] || continue
    dir="$TU_HOME/in/$name-damaged"
    count=$("${SCAPSCAN[@]}" mutate "$f" "$dir" "$N")
    chmod -R a+rX "$dir"
    pt_log "$name: $count damaged copies"
    i=0
    for d in "$dir"/*.scap; do
        i=$((i + 1))
        log=$(tu_output last.log)
        TU_TIMEOUT=30 tu_capinfos "$d" >"$log" 2>&1
        pt_check_status "capinfos $(basename "$d")" $?
        TU_TIMEOUT=30 tu_editcap -F scap "$d" "$(tu_output w.scap)" >/dev/null 2>>"$log"
        pt_check_status "editcap $(basename "$d")" $?
        if ((i % 10 == 0)); then
            TU_TIMEOUT=60 tu_tshark -2 -r "$d" -V -x >/dev/null 2>>"$log"
            pt_check_status "tshark -2 $(basename "$d")" $?
        fi
        if grep -qiE 'segmentation|assert|abort|core dumped|dissector bug' "$log"; then
            pt_fail "$(basename "$d"): $(head -c 300 "$log")"
        fi
    done
    rm -rf "$dir"
done

pt_finish
