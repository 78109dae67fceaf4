#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Local capture through the extcap ("bpfdig" interface):
#   * driven the way Wireshark drives it: --capture --fifo FIFO (read by cat,
#     as dumpcap would), the ground-truth workload, then SIGTERM: exit 0 within
#     2 s, the fields right (tests/agent/checks.py), no agent and no BPF
#     program left;
#   * tshark -i bpfdig -a duration:5 -f 'proc.name=...' -Y 'proc.name == ...' as
#     an unprivileged user, with the extcap in the personal extcap folder
#     (~/.config/wireshark/extcap on 4.0) and an agent that has file
#     capabilities next to it (what cmake --install sets up);
#   * an agent without privileges gives a clear message and exit status 3.
#
# Usage: test_local.sh EXTCAP AGENT WORKLOAD WIRETAP_PLUGIN EPAN_PLUGIN CHECKS_PY
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/sshd-lib.sh" # sx_prog_ids_of
EXTCAP=$1 AGENT=$2 WORKLOAD=$3 WIRETAP=$4 EPAN=$5 CHECKS=$6

t_need_root
t_need python3 bpftool tshark setcap setpriv
[[ -r /sys/kernel/btf/vmlinux ]] || t_skip "kernel without BTF"

tmp=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/extcap-local.XXXXXX")
chmod 755 "$tmp"
cleanup() {
    [[ -n "${ext_pid:-}" ]] && kill -KILL "$ext_pid" 2>/dev/null
    [[ -n "${load_pid:-}" ]] && kill "$load_pid" 2>/dev/null
    tu_cleanup 2>/dev/null
    [[ "${TU_KEEP:-0}" = 1 ]] || rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" TERM INT

agent_left() {
    pgrep -f "^$1 -w - " || true
}

# ---------------------------------------------------------------- like Wireshark
marker="bdxl${RANDOM}m"
mkdir -m 700 "$tmp/work"
mkfifo "$tmp/go" "$tmp/fifo"
"$WORKLOAD" "$tmp/work" "$marker" <"$tmp/go" >"$tmp/truth" 2>"$tmp/workload.err" &
workload_pid=$!
exec 3>"$tmp/go"
cat "$tmp/fifo" >"$tmp/cap.scap" &
cat_pid=$!
"$EXTCAP" --extcap-interface bpfdig --agent "$AGENT" --pid "$workload_pid" --log-level info \
    --log-file "$tmp/ext.log" --capture --fifo "$tmp/fifo" 2>"$tmp/ext.err" &
ext_pid=$!
for _ in $(seq 300); do
    grep -q "bpfdig-agent: capturing" "$tmp/ext.log" 2>/dev/null && break
    kill -0 "$ext_pid" 2>/dev/null || break
    sleep 0.1
done
if grep -q "bpfdig-agent: capturing" "$tmp/ext.log"; then
    # shellcheck disable=SC2046
    ids=$(sx_prog_ids_of $(agent_left "$AGENT"))
    echo go >&3
    exec 3>&-
    wait "$workload_pid" || t_fail "workload failed: $(cat "$tmp/workload.err")"
    sleep 0.5
    t0=$(date +%s%N)
    kill -TERM "$ext_pid"
    wait "$ext_pid"
    rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    ext_pid=""
    wait "$cat_pid"
    t_log "extcap exit $rc, stopped in $ms ms, $(stat -c %s "$tmp/cap.scap") bytes"
    [[ $rc -eq 0 ]] || t_fail "extcap exit status $rc: $(cat "$tmp/ext.err")"
    [[ $ms -lt 2000 ]] || t_fail "stopping took $ms ms"
    [[ -s "$tmp/ext.err" ]] && t_log "extcap stderr: $(cat "$tmp/ext.err")"
    [[ -z "$(agent_left "$AGENT")" ]] || t_fail "agent still running: $(agent_left "$AGENT")"
    sx_progs_gone "$ids"
    [[ -n "$ids" ]] || t_log "note: no BPF program ids recorded"
    t_setup_plugins "$WIRETAP" "$EPAN"
    cap=$(tu_input "$tmp/cap.scap" cap.scap)
    mkdir -p "$tmp/checks/tshark"
    python3 "$CHECKS" plan "$tmp/truth" "$tmp/checks" || t_fail "cannot plan the checks"
    while IFS=$'\t' read -r name filter fields; do
        args=()
        for f in $fields; do args+=(-e "$f"); done
        tu_tshark -r "$cap" -Y "$filter" -T fields -E "separator=$(printf '\037')" "${args[@]}" \
            >"$tmp/checks/tshark/$name.out" 2>"$tmp/checks/tshark/$name.err" ||
            t_fail "tshark failed on $name: $(head -3 "$tmp/checks/tshark/$name.err")"
    done <"$tmp/checks/tshark.tsv"
    python3 "$CHECKS" verify "$tmp/checks" tshark >"$tmp/checks/verify.out" ||
        t_fail "field checks: $(grep -v ': ok ' "$tmp/checks/verify.out" | head -20)"
    t_log "field checks: $(grep -c ': ok ' "$tmp/checks/verify.out") ok; $(grep -v ': ok ' "$tmp/checks/verify.out" | tr '\n' ' ')"
else
    exec 3>&-
    kill "$workload_pid" "$ext_pid" 2>/dev/null
    t_fail "the agent did not start: $(cat "$tmp/ext.err")"
fi

# ---------------------------------------------------------------- tshark -i bpfdig
[[ -n "$TU_HOME" ]] || t_setup_plugins "$WIRETAP" "$EPAN"
xdir="$TU_HOME/.config/wireshark/extcap"
mkdir -p "$xdir"
cp "$EXTCAP" "$xdir/bpfdig"
cp "$AGENT" "$xdir/bpfdig-agent"
chmod 755 "$xdir/bpfdig" "$xdir/bpfdig-agent"
chown -R "$TU_UID:$TU_GID" "$TU_HOME/.config"
if ! setcap cap_bpf,cap_perfmon,cap_dac_read_search,cap_sys_ptrace+ep "$xdir/bpfdig-agent"; then
    t_fail "setcap failed on $xdir/bpfdig-agent"
fi
tu_tshark -D 2>&1 | grep -q 'bpfdig.*System calls (eBPF) on this host' ||
    t_fail "tshark -D (unprivileged) does not list the bpfdig interface: $(tu_tshark -D 2>&1 | tail -3)"
name=bdxs$RANDOM
cp /bin/sleep "$tmp/$name"
chmod 755 "$tmp/$name"
(while :; do "$tmp/$name" 0.1; done) &
load_pid=$!
TU_TIMEOUT=60 tu_tshark -i bpfdig -a duration:5 -f "proc.name=$name" -Y "proc.name == \"$name\"" \
    -T fields -e proc.name -e evt.type >"$tmp/tshark-i.out" 2>"$tmp/tshark-i.err"
rc=$?
kill "$load_pid"
wait "$load_pid" 2>/dev/null
load_pid=""
n=$(grep -c "^$name" "$tmp/tshark-i.out")
t_log "tshark -i bpfdig -a duration:5 -Y 'proc.name == \"$name\"': exit $rc, $n events ($(cut -f2 "$tmp/tshark-i.out" | sort | uniq -c | sort -rn | head -4 | tr -s ' \n' ' '))"
[[ $rc -eq 0 ]] || t_fail "tshark -i bpfdig: exit $rc: $(tail -5 "$tmp/tshark-i.err")"
[[ $n -gt 10 ]] || t_fail "tshark -i bpfdig: only $n events of $name: $(tail -5 "$tmp/tshark-i.err")"
grep -q 'nanosleep' "$tmp/tshark-i.out" || t_fail "tshark -i bpfdig: no nanosleep of $name"
sleep 0.5
[[ -z "$(agent_left "$xdir/bpfdig-agent")" ]] || t_fail "agent still running after tshark: $(agent_left "$xdir/bpfdig-agent")"

# ---------------------------------------------------------------- no privileges
cp "$AGENT" "$TU_HOME/bpfdig-agent-nocaps"
chmod 755 "$TU_HOME/bpfdig-agent-nocaps"
out=$(tu_output noprivs.fifo)
tu_run "$EXTCAP" --extcap-interface bpfdig --agent "$TU_HOME/bpfdig-agent-nocaps" --capture \
    --fifo "$out" 2>"$tmp/noprivs.err"
rc=$?
[[ $rc -eq 3 ]] || t_fail "no privileges: exit $rc, expected 3"
{ grep -q "lacks privileges" "$tmp/noprivs.err" && grep -q "setcap" "$tmp/noprivs.err"; } ||
    t_fail "no privileges: unclear message: $(cat "$tmp/noprivs.err")"
t_log "no privileges: exit $rc: $(head -1 "$tmp/noprivs.err")"
t_finish
