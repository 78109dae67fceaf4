#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Captures without a container API: no runtime socket at all, then sockets
# that misbehave (never answer, answer garbage, an endless body, one byte a
# second, broken JSON). The capture must run and stop on time every time,
# with container.id still derived from the cgroups (empty names, no
# container events); --list-containers must return promptly with exit 1
# and the socket's reason on stderr (a runtime is there but does not answer).
#
# Usage: test_noapi.sh AGENT WIRETAP_PLUGIN EPAN_PLUGIN
source "$(dirname "$0")/common.sh"
ct_init "$@"
HERE=$(cd "$(dirname "$0")" && pwd)

a="bdn$$a" b="bdn$$b"
loop='while :; do cat /etc/hostname >/dev/null; sleep 0.2; done'
pm_run "$a" -- sh -c "$loop" >/dev/null || t_fail "cannot start $a"
ida=$(pm_id "$a" | cut -c1-12)

# 1. No runtime socket: ids from cgroups, names empty, no container event.
cap=$CT_TMP/noapi.scap
ct_agent_start "$cap" --container-socket "$CT_TMP/nonexistent.sock"
pm_run "$b" -- sh -c "$loop" >/dev/null || t_fail "cannot start $b"
idb=$(pm_id "$b" | cut -c1-12)
sleep 1.5
ct_agent_stop "$cap"
ct_fields "$cap" "container.id == \"$ida\" || container.id == \"$idb\"" container.id \
    container.name | sort | uniq -c >"$CT_TMP/noapi.txt"
cat "$CT_TMP/noapi.txt"
grep -qP "^ *\d+ $ida\t\$" "$CT_TMP/noapi.txt" || t_fail "no events of $a with its id and no name"
grep -qP "^ *\d+ $idb\t\$" "$CT_TMP/noapi.txt" || t_fail "no events of $b with its id and no name"
[[ $(wc -l <"$CT_TMP/noapi.txt") -eq 2 ]] || t_fail "names or other ids where none may be"
[[ -z "$(ct_fields "$cap" 'evt.type == "container"' frame.number)" ]] ||
    t_fail "container events without a runtime"

# 2. Misbehaving APIs: the capture stops on time (-M 3), exit 0, ids from cgroups.
fake_pid=""
stop_fake() {
    [[ -n "$fake_pid" ]] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
    fake_pid=""
}
for mode in hang garbage huge drip badjson; do
    sock=$CT_TMP/fake-$mode.sock
    python3 "$HERE/fake-api.py" "$sock" "$mode" &
    fake_pid=$!
    for _ in $(seq 50); do [[ -S "$sock" ]] && break; sleep 0.1; done
    cap=$CT_TMP/fake-$mode.scap
    start=$(date +%s.%N)
    timeout 40 "$CT_AGENT" -w "$cap" -M 3 --container-socket "$sock" --container "$b" \
        2>"$cap.err"
    rc=$?
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    t_log "$mode: exit $rc after ${secs}s"
    [[ $rc -eq 0 ]] || t_fail "$mode API: exit status $rc: $(tail -2 "$cap.err")"
    (($(echo "$secs < 15" | bc))) || t_fail "$mode API: the capture took ${secs}s (-M 3)"
    n=$(ct_fields "$cap" "container.id == \"$idb\"" frame.number | wc -l)
    [[ $n -gt 0 ]] || t_fail "$mode API: no events of $b"
    start=$(date +%s.%N)
    out=$(timeout 20 "$CT_AGENT" --list-containers --container-socket "$sock" 2>"$CT_TMP/list.err")
    rc=$?
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    [[ $rc -eq 1 ]] || t_fail "$mode API: --list-containers exit status $rc (1 expected)"
    grep -q "listing the containers failed: " "$CT_TMP/list.err" ||
        t_fail "$mode API: --list-containers gives no reason: $(cat "$CT_TMP/list.err")"
    (($(echo "$secs < 5" | bc))) || t_fail "$mode API: --list-containers took ${secs}s"
    [[ -z "$out" ]] || t_fail "$mode API: --list-containers printed '$out'"
    stop_fake
done
t_finish
