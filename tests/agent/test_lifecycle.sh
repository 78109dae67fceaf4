#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpfdig-agent's life cycle: options, missing privileges, stop on -M, -n,
# SIGTERM, a closed output (EPIPE) and a SIGKILLed consumer; after each stop
# no bpfdig program stays loaded, the summary reports drops, and what was
# written is a readable capture (tshark with our plugins). The agent's own
# pid never appears in a capture.
#
# Usage: test_lifecycle.sh AGENT WIRETAP_PLUGIN EPAN_PLUGIN
source "$(dirname "$0")/../lib/testlib.sh"
AGENT=$1 WIRETAP=${2:-} EPAN=${3:-}

t_need_root
t_need bpftool setpriv timeout
[[ -r /sys/kernel/btf/vmlinux ]] || t_skip "kernel without BTF"
tmp=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/agent-life.XXXXXX")
trap 't_activity_stop; rm -rf "$tmp"; tu_cleanup 2>/dev/null' EXIT
chmod 755 "$tmp"

progs_before=$(t_bpfdig_progs)
no_programs_left() {
    t_no_new_progs "$progs_before" "$1" "$AGENT"
}

# Options.
"$AGENT" --help | grep -q -- "-w, --write" || t_fail "--help does not document -w"
"$AGENT" -w "$tmp/x.scap" --bogus 2>"$tmp/err"
[[ $? -eq 2 ]] || t_fail "an unknown option does not exit 2"
"$AGENT" -w "$tmp/x.scap" -b 1000 2>"$tmp/err"
[[ $? -eq 2 ]] && grep -q "power of two" "$tmp/err" || t_fail "-b 1000 not refused clearly"
"$AGENT" -w "$tmp/x.scap" -e open,nosuchcall 2>"$tmp/err"
[[ $? -eq 2 ]] && grep -q "nosuchcall" "$tmp/err" || t_fail "-e with an unknown syscall not refused"
"$AGENT" 2>"$tmp/err"
[[ $? -eq 2 ]] && grep -q -- "-w FILE is required" "$tmp/err" || t_fail "missing -w not refused"

# No privileges: a clear list of the missing capabilities, exit 3.
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    "$AGENT" -w /tmp/bpfdig-noperm.scap 2>"$tmp/err"
rc=$?
[[ $rc -eq 3 ]] && grep -q "CAP_BPF" "$tmp/err" && grep -q "CAP_PERFMON" "$tmp/err" ||
    t_fail "unprivileged run: status $rc, message: $(cat "$tmp/err")"
no_programs_left "unprivileged run"

# -M: stops by itself; captures cat, never itself.
(for _ in $(seq 30); do cat /etc/hostname >/dev/null; sleep 0.05; done) &
"$AGENT" -M 2 -w "$tmp/m.scap" 2>"$tmp/m.err" &
agent=$!
timeout 20 tail --pid=$agent -f /dev/null || {
    kill -KILL $agent
    t_fail "-M 2: still running after 20 s"
}
wait $agent
rc=$?
m_agent_pid=$agent
[[ $rc -eq 0 ]] || t_fail "-M 2: exit status $rc"
grep -q "time limit" "$tmp/m.err" && grep -q "drops: " "$tmp/m.err" ||
    t_fail "-M 2: summary missing: $(cat "$tmp/m.err")"
no_programs_left "-M"
wait

# --exclude-ancestors: the shell that started the agent is never captured.
bash -c "echo \$\$ >'$tmp/x.pid'; for _ in \$(seq 30); do cat /etc/hostname >/dev/null; sleep 0.1; done &
         '$AGENT' --exclude-ancestors -M 2 -w '$tmp/x.scap' 2>'$tmp/x.err'; wait" ||
    t_fail "--exclude-ancestors: $(cat "$tmp/x.err")"
x_shell_pid=$(cat "$tmp/x.pid")

# The stops below need events: a quiet host may make none for many seconds.
t_activity_start 120

# -n: exactly N events.
timeout 20 "$AGENT" -n 50 -w "$tmp/n.scap" 2>"$tmp/n.err"
rc=$?
[[ $rc -eq 0 ]] && grep -q "50 events written" "$tmp/n.err" ||
    t_fail "-n 50: status $rc, $(cat "$tmp/n.err")"
no_programs_left "-n"

# SIGTERM.
"$AGENT" -w "$tmp/t.scap" 2>"$tmp/t.err" &
agent=$!
sleep 1.5
kill -TERM $agent
timeout 5 tail --pid=$agent -f /dev/null || t_fail "SIGTERM: agent still running after 5 s"
wait $agent
[[ $? -eq 0 ]] && grep -q "SIGTERM" "$tmp/t.err" || t_fail "SIGTERM: $(cat "$tmp/t.err")"
no_programs_left "SIGTERM"

# The output closes (EPIPE): the consumer reads a little and goes away.
timeout 20 bash -c "'$AGENT' -w - 2>'$tmp/p.err' | head -c 100000 >'$tmp/p.head'"
grep -q "output closed" "$tmp/p.err" || t_fail "EPIPE: $(cat "$tmp/p.err")"
no_programs_left "EPIPE"

# The consumer is SIGKILLed.
timeout 20 bash -c "'$AGENT' -w - 2>'$tmp/k.err' | (head -c 1000 >/dev/null; kill -KILL \$BASHPID)"
sleep 0.5
pgrep -f "$AGENT -w -" >/dev/null && t_fail "SIGKILLed consumer: agent still running"
grep -q "output closed" "$tmp/k.err" || t_fail "SIGKILLed consumer: $(cat "$tmp/k.err")"
no_programs_left "SIGKILLed consumer"
t_activity_stop

# What was written reads back: frames, cat seen, the agent itself absent.
if [[ -z "$WIRETAP" || -z "$EPAN" ]]; then
    t_log "no Wireshark plugins built: read-back checks left out"
    t_finish
fi
t_setup_plugins "$WIRETAP" "$EPAN"
m=$(tu_input "$tmp/m.scap")
n=$(tu_input "$tmp/n.scap")
frames=$(tu_tshark -r "$n" 2>"$tmp/ts.err" | wc -l)
[[ $frames -eq 50 ]] || t_fail "-n 50 capture has $frames frames: $(head -3 "$tmp/ts.err")"
cats=$(tu_tshark -r "$m" -Y 'proc.name == "cat" && fd.name == "/etc/hostname"' 2>/dev/null | wc -l)
[[ $cats -ge 1 ]] || t_fail "-M capture: no cat opening /etc/hostname"
self=$(tu_tshark -r "$m" -Y "proc.pid == $m_agent_pid" 2>/dev/null | wc -l)
[[ $self -eq 0 ]] || t_fail "-M capture: $self events of the agent itself"
t_log "-M capture: $cats cat events on /etc/hostname, $self of the agent"
x=$(tu_input "$tmp/x.scap")
shell=$(tu_tshark -r "$x" -Y "proc.pid == $x_shell_pid" 2>/dev/null | wc -l)
xcats=$(tu_tshark -r "$x" -Y 'proc.name == "cat"' 2>/dev/null | wc -l)
[[ $shell -eq 0 && $xcats -ge 1 ]] ||
    t_fail "--exclude-ancestors: $shell events of the parent shell $x_shell_pid, $xcats of its cat children"
t_finish
