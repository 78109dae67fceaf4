#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Containers through the extcap, with real podman containers (tests/containers/
# podman-lib.sh: a local busybox image, podman's Docker-compatible API):
#   * the dialog's container list: --extcap-config and the reload
#     (--extcap-reload-option running-container, as Wireshark 4.0 calls it)
#     list the running containers by name, image and short id, on this host
#     (and say why not for a user who may not open the runtime socket)
#     and over SSH (test sshd on 127.0.0.1, agent uploaded, sudo -n);
#   * a local capture driven like Wireshark (--capture --fifo, SIGTERM) with
#     "Running container" A and "Other containers" C (started only after the
#     capture began): every event of a known thread belongs to A or C, none to
#     B or the host; the capture filter container.name=B keeps only B;
#   * the same over SSH with the running container B;
#   * the dissector on the agent's own capture: container.name, .image,
#     .labels, container.label == "app=web", k8s.pod.name/ns.name/pod.uid from
#     the io.kubernetes.* labels given to podman run.
#
# Usage: test_containers.sh EXTCAP AGENT WIRETAP_PLUGIN EPAN_PLUGIN
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/sshd-lib.sh"
EXTCAP=$1 AGENT=$2 WIRETAP=$3 EPAN=$4
PMLIB=$(dirname "$0")/../containers/podman-lib.sh

t_need_root
t_need python3 tshark
[[ -r /sys/kernel/btf/vmlinux ]] || t_skip "kernel without BTF"
[[ -f "$PMLIB" ]] || t_skip "no tests/containers/podman-lib.sh"
"$AGENT" --help 2>&1 | grep -q -- '--list-containers' ||
    t_skip "$AGENT has no --list-containers (agent without container support)"
# shellcheck source=../containers/podman-lib.sh
source "$PMLIB"

tmp=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/extcap-containers.XXXXXX")
chmod 755 "$tmp"
cleanup() {
    [[ -n "${ext_pid:-}" ]] && kill -KILL "$ext_pid" 2>/dev/null
    pm_cleanup
    sx_cleanup
    tu_cleanup 2>/dev/null
    [[ "${TU_KEEP:-0}" = 1 ]] || rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" TERM INT

pm_setup
pm_api_start || t_skip "podman's API service does not start on $PM_SOCK"

# Three containers, each reading its own file in a loop; A carries labels.
A=bdxa$$ B=bdxb$$ C=bdxc$$
POD_UID=0d5485a2-9f2b-11e7-a1ba-$(printf '%012d' $$)
loop() { echo "while :; do cat $1 >/dev/null; sleep 0.05; done"; }
pm_run "$A" --label app=web --label io.kubernetes.pod.name=web-1 \
    --label io.kubernetes.pod.namespace=shop --label "io.kubernetes.pod.uid=$POD_UID" \
    -- sh -c "$(loop /etc/passwd)" >/dev/null || t_skip "podman run failed"
pm_run "$B" -- sh -c "$(loop /etc/group)" >/dev/null || t_skip "podman run failed"
idA=$(pm_id "$A" | cut -c1-12) idB=$(pm_id "$B" | cut -c1-12)
t_log "containers $A ($idA, labelled) and $B ($idB) on $PM_IMAGE; API $PM_SOCK"

EXT=("$EXTCAP" --container-socket "$PM_SOCK")
RELOAD=(--extcap-config --extcap-reload-option running-container)

# has_container FILE NAME ID12: the dialog answer offers the container
has_container() {
    grep -qE "^value \{arg=[0-9]+\}\{value=$2\}\{display=$2 \([^{}]*, $3\)\}$" "$1"
}

# ---------------------------------------------------------------- local list
"${EXT[@]}" --extcap-interface bpfdig --agent "$AGENT" "${RELOAD[@]}" --priv none \
    --duration 0 --log-level warning --remote-count 0 --snaplen 80 --ring-bytes 0 \
    >"$tmp/list.out" 2>"$tmp/list.err"
rc=$?
[[ $rc -eq 0 ]] || t_fail "local reload: exit $rc: $(cat "$tmp/list.err")"
for c in "$A $idA" "$B $idB"; do
    # shellcheck disable=SC2086
    has_container "$tmp/list.out" $c || t_fail "local reload does not list $c: $(cat "$tmp/list.out")"
done
grep -q '(no list' "$tmp/list.out" && t_fail "local reload: $(cat "$tmp/list.out")"
"${EXT[@]}" --extcap-interface bpfdig --agent "$AGENT" --extcap-config >"$tmp/config.out"
has_container "$tmp/config.out" "$A" "$idA" || t_fail "the local dialog does not offer $A"
t_log "local list: $(grep -c '{value=[^}]' "$tmp/list.out") containers: $(grep -o "{display=$A [^}]*}" "$tmp/list.out")"
# an unprivileged user without escalation: the dialog says why there is no list
if setpriv --reuid=65534 --regid=65534 --clear-groups test -S "$PM_SOCK" -a ! -w "$PM_SOCK"; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "${EXT[@]}" --extcap-interface bpfdig \
        --agent "$AGENT" "${RELOAD[@]}" --priv none >"$tmp/list-nopriv.out" 2>/dev/null
    no_list=$(grep -o '{display=(no list: [^}]*}' "$tmp/list-nopriv.out")
    t_log "unprivileged local list: $no_list"
    [[ "$no_list" == *"Permission denied (run as root or as a member of the socket's group)"* ]] ||
        t_fail "unprivileged local list: no reason given: $(cat "$tmp/list-nopriv.out")"
else
    t_log "SKIP unprivileged list: $PM_SOCK is open to every user"
fi

# ---------------------------------------------------------------- capturing
# capture NAME ARGS...: the extcap into $tmp/NAME.scap through a fifo read by
# cat (as dumpcap would) until stop_capture; waits until the agent captures.
capture() {
    local name=$1 _
    shift
    rm -f "$tmp/$name.fifo"
    mkfifo "$tmp/$name.fifo"
    cat "$tmp/$name.fifo" >"$tmp/$name.scap" &
    cat_pid=$!
    "$@" --log-level info --log-file "$tmp/$name.log" --capture --fifo "$tmp/$name.fifo" \
        2>"$tmp/$name.err" &
    ext_pid=$!
    for _ in $(seq 300); do
        grep -q "bpfdig-agent: capturing" "$tmp/$name.log" 2>/dev/null && return 0
        kill -0 "$ext_pid" 2>/dev/null || break
        sleep 0.1
    done
    t_fail "$name: the agent did not start: $(cat "$tmp/$name.err")"
    return 1
}
stop_capture() {
    local rc
    kill -TERM "$ext_pid"
    wait "$ext_pid"
    rc=$?
    ext_pid=""
    wait "$cat_pid"
    [[ $rc -eq 0 ]] || t_fail "$1: extcap exit $rc: $(cat "$tmp/$1.err")"
    t_log "$1: $(stat -c %s "$tmp/$1.scap") bytes; stderr: $(head -c 300 "$tmp/$1.err")"
}

# tshark as the test user on capture NAME: FIELDS... of frames matching FILTER
t_setup_plugins "$WIRETAP" "$EPAN"
fields() {
    local cap=$1 filter=$2
    shift 2
    local args=()
    for f in "$@"; do args+=(-e "$f"); done
    tu_tshark -r "$TU_HOME/in/$cap.scap" -Y "$filter" -T fields -E occurrence=a -E aggregator='|' \
        "${args[@]}" 2>>"$tmp/tshark.err"
}
# The container ids of the events of threads the state knows (proc.name), with
# their counts. Threads that began before the capture could see them (between
# the snapshot and the probe's start, or before a container started later was
# admitted) have no name (or an empty one) and no cgroups, so no container: not
# counted.
counts() {
    sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' '
}
ids_of() {
    fields "$1" 'proc.name matches "."' container.id | counts
}
unknown_of() {
    fields "$1" 'proc.pid && !(proc.name matches ".")' thread.tid | counts
}

if capture local "${EXT[@]}" --extcap-interface bpfdig --agent "$AGENT" --running-container "$A" \
    --container "$C"; then
    sleep 1
    pm_run "$C" -- sh -c "$(loop /etc/hostname)" >/dev/null || t_fail "podman run $C failed"
    idC=$(pm_id "$C" | cut -c1-12)
    sleep 3
    stop_capture local
    tu_input "$tmp/local.scap" local.scap >/dev/null
    seen=$(ids_of local)
    t_log "local: events by container: $seen (A=$idA B=$idB C=$idC); of unknown threads: $(unknown_of local)"
    for id in $seen; do
        case ${id%%:*} in
        "$idA" | "$idC") ;;
        *) t_fail "local: events of ${id%%:*} (${id#*:}), only $A ($idA) and $C ($idC) were chosen" ;;
        esac
    done
    [[ " $seen" == *" $idA:"* ]] || t_fail "local: no event of the running container $A"
    [[ " $seen" == *" $idC:"* ]] || t_fail "local: no event of $C, started after the capture began"
    # the dissector on our own capture: names, image, labels, k8s
    out=$(fields local "container.id == \"$idA\" && proc.name" container.name \
        container.image container.labels container.label k8s.pod.name k8s.ns.name k8s.pod.uid |
        sort -u)
    t_log "local: $A as dissected: $(head -3 <<<"$out")"
    [[ $(wc -l <<<"$out") -eq 1 ]] || t_fail "local: $A's fields vary between events: $out"
    IFS=$'\t' read -r name image labels label pod ns uid <<<"$out"
    [[ "$name" == "$A" ]] || t_fail "local: container.name '$name', expected $A"
    [[ "$image" == *bpfdig-test* ]] || t_fail "local: container.image '$image'"
    [[ "$labels" == *"app:web"* && "$labels" == *"io.kubernetes.pod.name:web-1"* ]] ||
        t_fail "local: container.labels '$labels'"
    [[ "|$label|" == *"|app=web|"* && "|$label|" == *"|io.kubernetes.pod.namespace=shop|"* ]] ||
        t_fail "local: container.label '$label'"
    [[ "$pod/$ns/$uid" == "web-1/shop/$POD_UID" ]] || t_fail "local: k8s fields '$pod/$ns/$uid'"
    n=$(fields local "container.label == \"app=web\" && container.name == \"$A\"" frame.number | wc -l)
    all=$(fields local "container.id == \"$idA\" && proc.name" frame.number | wc -l)
    [[ $n -gt 0 && $n -eq $all ]] || t_fail "local: container.label == \"app=web\": $n of $all frames of $A"
    n=$(fields local "container.image contains \"bpfdig-test\" && fd.name == \"/etc/passwd\"" frame.number | wc -l)
    [[ $n -gt 0 ]] || t_fail "local: no read of /etc/passwd with container.image contains bpfdig-test"
    name_c=$(fields local "container.id == \"$idC\" && proc.name" container.name | sort -u)
    t_log "local: $C started later: container.name '$name_c'"
    [[ "$name_c" == "$C" ]] || t_fail "local: container.name of $C (started later): '$name_c'"
fi

# The capture filter field: container.name=B
if capture filter "${EXT[@]}" --extcap-interface bpfdig --agent "$AGENT" \
    --extcap-capture-filter "container.name=$B"; then
    sleep 2
    stop_capture filter
    tu_input "$tmp/filter.scap" filter.scap >/dev/null
    seen=$(ids_of filter)
    t_log "capture filter container.name=$B: $seen"
    [[ "$seen" =~ ^$idB:[0-9]+\ $ ]] || t_fail "capture filter container.name=$B: events of $seen"
fi

# ---------------------------------------------------------------- over SSH
sx_need
sx_start "$tmp/sshd" || t_fail "cannot start sshd"
U=bdxc$$u
sx_add_user "$U" 1 || t_fail "cannot create test user $U"
KH=$tmp/known_hosts
sx_known_hosts_line >"$KH"
SSH=("${EXT[@]}" --extcap-interface bpfdig-ssh --remote-host 127.0.0.1 --remote-port "$SX_PORT"
    --remote-username "$U" --sshkey "$tmp/sshd/$U.key" --known-hosts "$KH" --ssh-agent false
    --agent-binary "$AGENT" --upload-agent always)
env -u SSH_AUTH_SOCK "${SSH[@]}" "${RELOAD[@]}" >"$tmp/ssh-list.out" 2>"$tmp/ssh-list.err"
rc=$?
[[ $rc -eq 0 ]] || t_fail "SSH reload: exit $rc: $(cat "$tmp/ssh-list.err")"
for c in "$A $idA" "$B $idB"; do
    # shellcheck disable=SC2086
    has_container "$tmp/ssh-list.out" $c || t_fail "SSH reload does not list $c: $(cat "$tmp/ssh-list.out")"
done
t_log "SSH list: $(grep -c '{value=[^}]' "$tmp/ssh-list.out") containers; stderr: $(head -c 200 "$tmp/ssh-list.err")"
sx_remote_clean "$U"

if capture ssh env -u SSH_AUTH_SOCK "${SSH[@]}" --running-container "$B"; then
    sleep 2
    stop_capture ssh
    sx_remote_clean "$U"
    tu_input "$tmp/ssh.scap" ssh.scap >/dev/null
    seen=$(ids_of ssh)
    t_log "SSH capture of $B: $seen"
    [[ "$seen" =~ ^$idB:[0-9]+\ $ ]] || t_fail "SSH capture of $B: events of $seen"
    n=$(fields ssh "container.name == \"$B\" && fd.name == \"/etc/group\"" frame.number | wc -l)
    [[ $n -gt 0 ]] || t_fail "SSH capture: no read of /etc/group by $B"
fi
[[ -s "$tmp/tshark.err" ]] && t_log "tshark stderr: $(head -3 "$tmp/tshark.err")"
t_finish
