#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Container metadata in a live capture: two named containers (one with
# Kubernetes labels, one privileged) run while the agent starts, a third
# starts during the capture, host processes run beside them. Our plugin must
# show container.id/name/image (and k8s.*, privileged) right for every event,
# "host" outside, and the late container named from its first event on.
# sysdig 0.29 (/usr/bin/sysdig) must agree per thread on container.id and
# container.name; sysdig 0.41 (sid lab, when present) must read the file.
# The containers use podman's systemd cgroup layout (libpod-<id>.scope, see
# runc-scope.sh): the only podman layout sysdig 0.29 knows.
#
# Usage: test_metadata.sh AGENT WIRETAP_PLUGIN EPAN_PLUGIN
source "$(dirname "$0")/common.sh"
ct_init "$@"
PM_SCOPE=1
pm_api_start || t_skip "cannot start the podman API service"

a="bdm$$a" b="bdm$$b" c="bdm$$c"
loop='while :; do cat /etc/hostname >/dev/null; sleep 0.2; done'
pm_run "$a" --label io.kubernetes.pod.name=pod-$a --label io.kubernetes.pod.namespace=ns1 \
    --label io.kubernetes.pod.uid=uid-1 --label team=blue --label app=web-$a -- sh -c "$loop" >/dev/null ||
    t_fail "cannot start $a"
pm_run "$b" --privileged -- sh -c "$loop" >/dev/null || t_fail "cannot start $b"
ida=$(pm_id "$a" | cut -c1-12) idb=$(pm_id "$b" | cut -c1-12)

cap=$CT_TMP/cap.scap
ct_agent_start "$cap" -v
# host processes: a marker sleep, cat in a loop
sleep 7.$$ &
host_pid=$!
(for _ in $(seq 20); do cat /etc/hostname >/dev/null; sleep 0.1; done) &
loop_pid=$!
sleep 1
pm_run "$c" -- sh -c "echo started-$c; $loop" >/dev/null || t_fail "cannot start $c"
idc=$(pm_id "$c" | cut -c1-12)
sleep 2
ct_agent_stop "$cap"
kill "$host_pid" 2>/dev/null
wait "$host_pid" "$loop_pid" 2>/dev/null # not a bare wait: the API service may be our child
grep -q "container metadata events" "$cap.err" || t_fail "the agent wrote no container event"

# Our plugin: per container, every event carries the same id/name/image.
ct_fields "$cap" 'container.id != "host" && evt.type != "container"' \
    container.id container.name container.image container.privileged k8s.pod.name k8s.ns.name \
    k8s.pod.uid | sort | uniq -c >"$CT_TMP/ours.txt"
cat "$CT_TMP/ours.txt"
img=$PM_IMAGE
for want in "$ida	$a	$img	0	pod-$a	ns1	uid-1" "$idb	$b	$img	1			" \
    "$idc	$c	$img	0			"; do
    grep -qF "$want" "$CT_TMP/ours.txt" || t_fail "no events with: $want"
done
for id in "$ida" "$idb" "$idc"; do
    n=$(grep -c "^ *[0-9]* $id	" "$CT_TMP/ours.txt")
    [[ $n -eq 1 ]] || t_fail "container $id shows $n different metadata sets (one expected)"
done
# a label as a field of its own (app is a default key of bpfdig.label_keys)
ids=$(ct_fields "$cap" "container.label.app == \"web-$a\"" container.id | sort -u)
[[ "$ids" == "$ida" ]] || t_fail "container.label.app == \"web-$a\" selects '$ids' (want $ida)"
# the container started during the capture is named from its first event
first=$(ct_fields "$cap" "container.id == \"$idc\"" evt.type container.name | head -1)
[[ "$first" == *"	$c" ]] || t_fail "first event of $c: '$first'"
ct_fields "$cap" "container.id == \"$idc\" && evt.type == \"execve\"" proc.cmdline \
    >"$CT_TMP/c-exec.txt"
grep -q "started-$c" "$CT_TMP/c-exec.txt" || t_fail "the execve of $c's program is missing"
# host processes
host=$(ct_fields "$cap" "proc.pid == $host_pid" container.id container.name | sort -u)
[[ "$host" == "host	"* ]] || t_fail "host process shows '$host' (want host)"

# sysdig 0.29 (reads container events and podman .scope cgroups): per thread.
if [[ -x /usr/bin/sysdig ]]; then
    # (other tests' containers may run meanwhile: only ours are compared)
    ours_re="$ida|$idb|$idc"
    /usr/bin/sysdig -r "$cap" -p '%thread.tid %container.id %container.name' \
        'container.id != host' 2>"$CT_TMP/sysdig.err" | grep -E "^[0-9]+ ($ours_re) " |
        sort -u >"$CT_TMP/sysdig029.txt"
    ct_fields "$cap" 'container.id != "host" && evt.type != "container"' thread.tid \
        container.id container.name | tr '\t' ' ' | grep -E "^[0-9]+ ($ours_re) " |
        sort -u >"$CT_TMP/ours-tid.txt"
    n=$(wc -l <"$CT_TMP/sysdig029.txt")
    t_log "sysdig 0.29: $n (tid, container) pairs, ours: $(wc -l <"$CT_TMP/ours-tid.txt")"
    [[ $n -gt 0 ]] || t_fail "sysdig 0.29 sees no container events: $(head -3 "$CT_TMP/sysdig.err")"
    for id in "$ida" "$idb" "$idc"; do
        grep -q " $id bdm" "$CT_TMP/sysdig029.txt" || t_fail "sysdig 0.29 does not name $id"
    done
    if ! diff "$CT_TMP/sysdig029.txt" "$CT_TMP/ours-tid.txt" >"$CT_TMP/diff.txt"; then
        head -20 "$CT_TMP/diff.txt"
        t_fail "sysdig 0.29 and our plugin disagree on container.id/name per thread"
    fi
else
    t_log "SKIP sysdig 0.29 comparison: /usr/bin/sysdig is not installed"
fi

# sysdig 0.41 in the sid lab: the file (with CONTAINER_JSON_2_E) reads to the end.
lab=$(t_sid_lab)
if [[ -n "$lab" ]]; then
    printf '#!/bin/bash\nsysdig -r "$1" -p "%%evt.num" >"$2" 2>"$2.err"; echo $? >>"$2.err"\n' \
        >"$CT_TMP/sid.sh"
    chmod -R a+rX "$CT_TMP"
    chmod 755 "$CT_TMP/sid.sh"
    LAB_BINDS="$CT_TMP" "$lab" run "$CT_TMP/sid.sh" "$cap" "$CT_TMP/sid041.txt" \
        >"$CT_TMP/lab.log" 2>&1 || t_fail "sid lab run failed: $(tail -3 "$CT_TMP/lab.log")"
    n=$(wc -l <"$CT_TMP/sid041.txt" 2>/dev/null || echo 0)
    t_log "sysdig 0.41: $n events, exit status $(tail -1 "$CT_TMP/sid041.txt.err" 2>/dev/null)"
    [[ $n -gt 1000 && "$(tail -1 "$CT_TMP/sid041.txt.err")" == 0 ]] ||
        t_fail "sysdig 0.41 does not read the file: $(head -3 "$CT_TMP/sid041.txt.err")"
else
    t_log "SKIP sysdig 0.41 check: no sid lab"
fi
t_finish
