#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The in-kernel container filter: --container NAME keeps that container's
# events and nothing else (no host, no other container), including a
# container of a selected name that starts after the capture began (its
# cgroup is added when it appears, before its program runs: the program's
# own execve is in the capture). A second name selects a container started
# later too; an unselected container started meanwhile stays out. The
# containers use podman's default cgroupfs layout (libpod_parent/libpod-<id>).
#
# Usage: test_filter.sh AGENT WIRETAP_PLUGIN EPAN_PLUGIN
source "$(dirname "$0")/common.sh"
ct_init "$@"
pm_api_start || t_skip "cannot start the podman API service"

a="bdf$$a" b="bdf$$b" late="bdf$$late" other="bdf$$other"
loop='while :; do cat /etc/hostname >/dev/null; sleep 0.2; done'
pm_run "$a" -- sh -c "$loop" >/dev/null || t_fail "cannot start $a"
pm_run "$b" -- sh -c "$loop" >/dev/null || t_fail "cannot start $b"
ida=$(pm_id "$a" | cut -c1-12)
grep -q "libpod_parent/libpod-" "/proc/$(pm_pid "$a")/cgroup" ||
    t_log "note: $a is not in the cgroupfs layout: $(head -1 "/proc/$(pm_pid "$a")/cgroup")"

cap=$CT_TMP/filter.scap
ct_agent_start "$cap" --container "$a" --container "$late,bdf$$never" -v
echo x >"$CT_TMP/host-marker-$$"
(for _ in $(seq 20); do cat "$CT_TMP/host-marker-$$" >/dev/null; sleep 0.1; done) &
marker_pid=$!
sleep 0.5
pm_run "$late" -- sh -c "echo started-$late; $loop" >/dev/null || t_fail "cannot start $late"
pm_run "$other" -- sh -c "while :; do echo x >/tmp/other-marker-$$; sleep 0.2; done" >/dev/null || t_fail "cannot start $other"
idl=$(pm_id "$late" | cut -c1-12)
sleep 2
ct_agent_stop "$cap"
wait "$marker_pid" 2>/dev/null # not a bare wait: the API service may be our child

ct_fields "$cap" 'evt.type != "container"' container.id container.name | sort | uniq -c \
    >"$CT_TMP/filter.txt"
cat "$CT_TMP/filter.txt"
grep -q " $ida	$a\$" "$CT_TMP/filter.txt" || t_fail "no events of $a"
grep -q " $idl	$late\$" "$CT_TMP/filter.txt" || t_fail "no events of $late (started later)"
# Events without a container, or shown as "host", come from threads the
# capture did not see start: runc's init (and its Go threads), moved into the
# new container's cgroup before it runs the container's program (a reader
# takes a thread it meets in a parent-side clone for a host thread). Such
# threads have no known command; the host and the unselected container
# touch files named with a marker, none of which may show up.
n=$(grep -v -e " $ida	$a\$" -e " $idl	$late\$" -e "^ *[0-9]* 	\$" -e "^ *[0-9]* host	host\$" \
    "$CT_TMP/filter.txt" | wc -l)
[[ $n -eq 0 ]] || t_fail "events of other containers are in the capture: $(grep -v -e " $ida	$a\$" \
    -e " $idl	$late\$" -e "^ *[0-9]* 	\$" -e "^ *[0-9]* host	host\$" "$CT_TMP/filter.txt" | head -3)"
ct_fields "$cap" 'container.id == "host" && proc.name != ""' frame.number proc.name \
    >"$CT_TMP/host.txt"
[[ ! -s "$CT_TMP/host.txt" ]] || t_fail "host events in the capture: $(head -3 "$CT_TMP/host.txt")"
ct_fields "$cap" "evt.args contains \"marker-$$\" || fd.name contains \"marker-$$\"" \
    frame.number thread.tid evt.type >"$CT_TMP/leak.txt"
[[ ! -s "$CT_TMP/leak.txt" ]] || t_fail "host or unselected container events: $(head -3 "$CT_TMP/leak.txt")"
ct_fields "$cap" "container.id == \"$idl\" && evt.type == \"execve\"" proc.cmdline \
    >"$CT_TMP/late-exec.txt"
grep -q "started-$late" "$CT_TMP/late-exec.txt" ||
    t_fail "the execve of $late's program is missing (its cgroup was added too late)"
# metadata only for the selected containers
ct_fields "$cap" 'evt.type == "container"' frame.number >"$CT_TMP/cev.txt"
[[ $(wc -l <"$CT_TMP/cev.txt") -eq 2 ]] ||
    t_fail "$(wc -l <"$CT_TMP/cev.txt") container events (2 expected: $a, $late)"

# The filter without the API: the name comes from podman's own files.
pm_api_stop
cap2=$CT_TMP/filter-noapi.scap
ct_agent_start "$cap2" --container "$b" --no-container-api
sleep 1.5
ct_agent_stop "$cap2"
ct_fields "$cap2" 'evt.type != "container"' container.id | sort | uniq -c >"$CT_TMP/filter2.txt"
cat "$CT_TMP/filter2.txt"
# (a thread that exits while the snapshot reads /proc has events without one)
[[ $(grep -vc "^ *[0-9]* \$" "$CT_TMP/filter2.txt") -eq 1 ]] &&
    grep -q " $(pm_id "$b" | cut -c1-12)\$" "$CT_TMP/filter2.txt" ||
    t_fail "--container $b --no-container-api: wrong events"
t_finish
