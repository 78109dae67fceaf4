#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# State arriving in a state-only record (a capture without events) and a
# second section (a new section header resets the state): built from
# curl_google.scap.
source "$(dirname "$0")/common.sh"
dt_need_corpus
dt_need python3
dt_setup
[[ -f "$BPFDIG_CORPUS/curl_google.scap" ]] || dt_skip "no curl_google.scap in the corpus"

F=(-T fields -E separator=/t -E occurrence=a -E aggregator=,)

# --- state only: one "SCAP" record with the block summaries
head=$(tu_output statehead.scap)
python3 "$DT_DIR/scapcut.py" statehead "$BPFDIG_CORPUS/curl_google.scap" "$head" || exit 1
chmod 644 "$head"
out=$(dt_tshark -r "$head" "${F[@]}" -e _ws.col.Protocol -e _ws.col.Info)
dt_quiet "state-only file"
dt_expect_eq "state-only records" "$(wc -l <<<"$out")" 1
proto=$(cut -f1 <<<"$out")
info=$(cut -f2 <<<"$out")
dt_expect_eq "state-only protocol column" "$proto" SCAP
for s in "Machine info: host ip-10-0-0-79, 1 cpus" "User list: 31 users, 55 groups" \
    "Process list (0x211): 54 threads" "FD list: tid 1 (systemd), 53 fds"; do
    grep -qF "$s" <<<"$info" || dt_fail "state-only Info lacks '$s': ${info:0:200}"
done
n=$(dt_tshark -r "$head" -Y 'scap.block_type == 0x203' "${F[@]}" -e scap.block_type |
    tr ',' '\n' | grep -c 0x00000203)
dt_expect_eq "FD list blocks" "$n" 54

# --- two sections: the second starts from its own state and numbers go on
two=$(tu_output twice.scap)
python3 "$DT_DIR/scapcut.py" twice "$BPFDIG_CORPUS/curl_google.scap" "$two" || exit 1
chmod 644 "$two"
out=$(dt_tshark -r "$two" -Y 'proc.name == "curl" && fd.name == "/etc/ld.so.cache" && evt.type == "open" && fd.num == 3' \
    "${F[@]}" -e evt.num -e proc.pid -e fd.num)
dt_quiet "two sections"
dt_expect_eq "open exits in both sections" "$out" "$(printf '219\t17497\t3\n1755\t17497\t3')"
n=$(dt_tshark -r "$two" -Y 'scap.block_type == 0x0a0d0d0a' | wc -l)
dt_expect_eq "frames with a second section header" "$n" 1
n=$(dt_tshark -r "$two" -Y 'bpfdig' | wc -l)
dt_expect_eq "event frames" "$n" 3072

dt_finish
