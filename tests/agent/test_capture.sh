#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live capture with known ground truth: bpfdig-workload makes real syscalls
# (relative open after chdir, openat with a dirfd, read/write, rename, unlink,
# TCP on 127.0.0.1 and ::1, UDP sendto, a unix socketpair, a pipe dup2'ed to
# fd 100, fork+exec with a marker argument, a failed open, setuid, a child in
# a container-like cgroup) while bpfdig-agent captures it with a pid filter.
# Every value is then checked twice: with our plugins (tshark -Y) and with
# sysdig 0.41 -r in the sid lab (skipped with a message when absent).
#
# Usage: test_capture.sh AGENT WORKLOAD WIRETAP_PLUGIN EPAN_PLUGIN
source "$(dirname "$0")/../lib/testlib.sh"
AGENT=$1 WORKLOAD=$2 WIRETAP=${3:-} EPAN=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)

t_need_root
t_need python3 bpftool
[[ -r /sys/kernel/btf/vmlinux ]] || t_skip "kernel without BTF"

tmp=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/agent-capture.XXXXXX")
marker="bd$$x$RANDOM"
cgroup=""
cleanup() {
    [[ -n "${agent_pid:-}" ]] && kill -KILL "$agent_pid" 2>/dev/null
    [[ -n "$cgroup" ]] && rmdir "$cgroup" 2>/dev/null
    [[ "${TU_KEEP:-0}" = 1 ]] || rm -rf "$tmp"
    tu_cleanup 2>/dev/null
}
trap cleanup EXIT
mkdir -m 700 "$tmp/work"

# A container-like cgroup (podman's naming) in the v1 pids hierarchy, or v2.
cgid=$(printf '%s' "$marker" | sha256sum | cut -c1-64)
for base in /sys/fs/cgroup/pids /sys/fs/cgroup/unified /sys/fs/cgroup; do
    if [[ -e "$base/cgroup.procs" ]] && mkdir -p "$base/libpod_parent/libpod-$cgid" 2>/dev/null; then
        cgroup="$base/libpod_parent/libpod-$cgid"
        break
    fi
done
[[ -n "$cgroup" ]] || t_log "no writable cgroup hierarchy: container check left out"

# The workload waits on a fifo so the agent can attach to its pid first.
progs_before=$(t_bpfdig_progs)
mkfifo "$tmp/go"
"$WORKLOAD" "$tmp/work" "$marker" $cgroup <"$tmp/go" >"$tmp/truth" 2>"$tmp/workload.err" &
workload_pid=$!
exec 3>"$tmp/go"
"$AGENT" -w "$tmp/cap.scap" -p "$workload_pid" 2>"$tmp/agent.err" &
agent_pid=$!
t_wait_capturing "$tmp/agent.err" "$agent_pid" || {
    cat "$tmp/agent.err"
    t_fail "the agent did not start capturing"
    t_finish
}
echo go >&3
exec 3>&-
wait "$workload_pid" || t_fail "workload failed: $(cat "$tmp/workload.err")"
sleep 0.3
kill -INT "$agent_pid"
wait "$agent_pid"
rc=$?
agent_pid=""
cat "$tmp/agent.err"
[[ $rc -eq 0 ]] || t_fail "agent exit status $rc after SIGINT"
grep -q "drops: 0" "$tmp/agent.err" || t_fail "agent reported drops or no summary"
t_no_new_progs "$progs_before" "after SIGINT" "$AGENT"

python3 "$HERE/checks.py" plan "$tmp/truth" "$tmp" || t_fail "cannot plan the checks"
mkdir -p "$tmp/tshark" "$tmp/sysdig"

# Our dissector: one tshark -Y per check, as an unprivileged user.
t_setup_plugins "$WIRETAP" "$EPAN"
cap=$(tu_input "$tmp/cap.scap")
while IFS=$'\t' read -r name filter fields; do
    args=()
    for f in $fields; do args+=(-e "$f"); done
    tu_tshark -r "$cap" -Y "$filter" -T fields -E "separator=$(printf '\037')" "${args[@]}" \
        >"$tmp/tshark/$name.out" 2>"$tmp/tshark/$name.err" ||
        t_fail "tshark failed on $name: $(head -3 "$tmp/tshark/$name.err")"
done <"$tmp/tshark.tsv"
python3 "$HERE/checks.py" verify "$tmp" tshark || t_fail "tshark checks"

# The reference reader: sysdig 0.41 in the sid lab, all queries in one run.
lab=$(t_sid_lab)
if [[ -z "$lab" ]]; then
    t_log "SKIP sysdig 0.41 checks: no sid lab (../shared/tools/sid-lab.sh)"
else
    cat >"$tmp/sysdig-run.sh" <<'SCRIPT'
#!/bin/bash
# runs inside the sid lab: one sysdig -r per query line
dir=$1
while IFS=$'\t' read -r name filter fmt; do
    sysdig -r "$dir/cap.scap" -p "$fmt" "$filter" >"$dir/sysdig/$name.out" 2>"$dir/sysdig/$name.err"
done <"$dir/sysdig.tsv"
SCRIPT
    chmod 755 "$tmp/sysdig-run.sh"
    chmod -R a+rX "$tmp"
    LAB_BINDS="$tmp" "$lab" run "$tmp/sysdig-run.sh" "$tmp" >"$tmp/lab.log" 2>&1 ||
        t_fail "sid lab run failed: $(tail -3 "$tmp/lab.log")"
    python3 "$HERE/checks.py" verify "$tmp" sysdig || t_fail "sysdig 0.41 checks"
fi
t_finish
