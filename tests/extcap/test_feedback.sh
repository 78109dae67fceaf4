#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Whole-host local capture without feedback. Wireshark, Stratoshark and tshark
# start the extcap and dumpcap side by side: dumpcap, which reads the fifo, is
# no ancestor of the agent, so --exclude-ancestors does not leave it out and
# its own pselect6/read/write on the fifo would fill the capture (and the
# drops). The local extcap excludes the readers of its fifo itself:
#   1. tshark -i bpfdig -a duration:N -w FILE, unfiltered, as an unprivileged
#      user (extcap and an agent with file capabilities in the personal
#      extcap folder): dumpcap's events stay below a tiny share, the drops
#      low, and the extcap's log names dumpcap's pid as excluded;
#   2. the same capture from the Wireshark GUI under Xvfb (wireshark -k -i
#      bpfdig -a duration:N -w FILE; skipped without wireshark-qt or Xvfb);
#   3. tshark again, with a dumpcap that has file capabilities (Debian's
#      "non-superusers can capture"), hence not dumpable: the extcap may not
#      read its /proc/PID/fd and finds it through its command line, which
#      names the fifo (dumpcap -i FIFO).
# A process of the test opens /etc/hostname (cat) during each capture, so
# that a quiet host has events too; they must be there. Each capture logs its
# top talkers (proc.name). BPFDIG_FEEDBACK_SECONDS sets
# N (8), BPFDIG_FEEDBACK_MAX_SHARE the largest share of dumpcap's events in
# per mille (5).
#
# Usage: test_feedback.sh EXTCAP AGENT WIRETAP_PLUGIN EPAN_PLUGIN
source "$(dirname "$0")/../lib/testlib.sh"
EXTCAP=$1 AGENT=$2 WIRETAP=$3 EPAN=$4
SECONDS_N=${BPFDIG_FEEDBACK_SECONDS:-8}
MAX_SHARE=${BPFDIG_FEEDBACK_MAX_SHARE:-5}

t_need_root
t_need tshark dumpcap setcap setpriv
[[ -r /sys/kernel/btf/vmlinux ]] || t_skip "kernel without BTF"
[[ -n "$WIRETAP" && -n "$EPAN" ]] || t_skip "no plugins given"

XVFB_PID=""
cleanup() {
    t_activity_stop
    [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
    tu_cleanup 2>/dev/null
}
trap cleanup EXIT
trap "exit 1" TERM INT

t_setup_plugins "$WIRETAP" "$EPAN"
xdir=$TU_HOME/.config/wireshark/extcap
logs=$TU_HOME/logs
bin=$TU_HOME/bin
mkdir -p "$xdir" "$logs" "$bin"
# the extcap with its agent (file capabilities) next to it, called through a
# wrapper that keeps the pid (exec), adds a log to each capture and notes the
# parent (tshark, Wireshark), whose dumpcap is the one to look for: other
# tests may run their own
cp "$EXTCAP" "$bin/bpfdig"
cp "$AGENT" "$bin/bpfdig-agent"
cat >"$xdir/bpfdig" <<EOF
#!/bin/sh
case " \$* " in
*" --capture "*)
    echo "\$PPID" >"$logs/ext.\$\$.ppid"
    exec "$bin/bpfdig" "\$@" --log-level info --log-file "$logs/ext.\$\$.log" ;;
esac
exec "$bin/bpfdig" "\$@"
EOF
chmod 755 "$xdir/bpfdig" "$bin" "$bin/bpfdig" "$bin/bpfdig-agent"
setcap cap_bpf,cap_perfmon,cap_dac_read_search,cap_sys_ptrace+ep "$bin/bpfdig-agent" ||
    t_skip "setcap failed on $bin/bpfdig-agent"
chown -R "$TU_UID:$TU_GID" "$TU_HOME/.config" "$logs"

# The newest extcap log.
last_log() {
    # shellcheck disable=SC2012 # names made by the wrapper: no odd characters
    ls -t "$logs"/ext.*.log 2>/dev/null | head -1
}

# check NAME FILE COMM HOW: figures of the capture FILE, made through the
# extcap whose log is the newest; COMM is the reader (a child of the extcap's
# parent) that must be (nearly) absent, and the log must say it was excluded
# (HOW: "" or ", found by its command line").
check() {
    local name=$1 file=$2 comm=$3 how=$4 log ppid total n all drops written share top_n top_name
    local last
    # the log leaves the folder: the next capture's is the newest there
    log=$TU_HOME/$name.ext.log
    last=$(last_log)
    if [[ -n "$last" ]]; then
        mv "$last" "$log"
        mv "${last%.log}.ppid" "$TU_HOME/$name.ppid"
    fi
    : >>"$log"
    ppid=$(cat "$TU_HOME/$name.ppid" 2>/dev/null)
    [[ -s "$file" ]] || {
        t_fail "$name: no capture file"
        return
    }
    tu_tshark -r "$(tu_input "$file" "$name.scap")" -T fields -e proc.name -e proc.ppid \
        >"$TU_HOME/$name.rows" 2>"$TU_HOME/$name.err" ||
        t_fail "$name: tshark -r failed: $(head -3 "$TU_HOME/$name.err")"
    cut -f1 "$TU_HOME/$name.rows" >"$TU_HOME/$name.names"
    total=$(grep -c . "$TU_HOME/$name.names")
    all=$(grep -cx "$comm" "$TU_HOME/$name.names")
    n=$(grep -cx "$comm"$'\t'"${ppid:-none}" "$TU_HOME/$name.rows")
    drops=$(sed -n 's/.*bpfdig-agent: stopped.* drops: \([0-9]*\).*/\1/p' "$log" | tail -1)
    written=$(sed -n 's/.*bpfdig-agent: stopped.* \([0-9]*\) events written.*/\1/p' "$log" | tail -1)
    t_log "$name: $total events read, ${written:-?} written, ${drops:-?} dropped, $n of our $comm ($all of all ${comm}s)"
    [[ -n "$ppid" ]] || t_fail "$name: the wrapper did not note the extcap's parent"
    t_log "$name: top talkers: $(sort "$TU_HOME/$name.names" | uniq -c | sort -rn | head -8 |
        awk '{printf "%s %s; ", $2, $1}')"
    t_log "$name: excluded: $(grep -h 'excluding\|exclude' "$log" | sed 's/^.*\] //' | tr '\n' ' ')"
    grep -q "excluding the fifo's reader [0-9]* ($comm)$how\$" "$log" ||
        t_fail "$name: the extcap did not exclude $comm$how"
    [[ $total -gt 100 ]] || t_fail "$name: only $total events"
    grep -qx cat "$TU_HOME/$name.names" || t_fail "$name: the test's cat processes are missing"
    share=$((n * 1000 / (total > 0 ? total : 1)))
    [[ $share -le $MAX_SHARE ]] ||
        t_fail "$name: $n of $total events ($share per mille) are $comm's: the capture feeds back"
    [[ -n "$drops" ]] || t_fail "$name: no summary line of the agent in $log"
    # drops are judged on a quiet host only: a process of another test with
    # most of the events (a syscall storm) drops events on its own
    read -r top_n top_name < <(sort "$TU_HOME/$name.names" | uniq -c | sort -rn | head -1)
    if [[ -n "$drops" && $drops -gt $((total / 10)) ]]; then
        if [[ $((top_n * 2)) -gt $total && "$top_name" != "$comm" ]]; then
            t_log "$name: drops not judged: the host is busy ($top_name: $top_n of $total events)"
        else
            t_fail "$name: $drops drops for $total events"
        fi
    fi
}

# ---------------------------------------------------------------- 1. tshark
out=$(tu_output tshark.scap)
t_activity_start $((SECONDS_N + 60))
TU_TIMEOUT=$((SECONDS_N + 60)) tu_tshark -i bpfdig -a "duration:$SECONDS_N" -w "$out" \
    >"$TU_HOME/capture-tshark.out" 2>"$TU_HOME/capture-tshark.err"
rc=$?
t_activity_stop
[[ $rc -eq 0 ]] || t_fail "tshark -i bpfdig: exit $rc: $(tail -3 "$TU_HOME/capture-tshark.err")"
check tshark "$out" dumpcap ""

# ---------------------------------------------------------------- 2. the GUI
gui() {
    local xauth=$TU_HOME/.Xauthority xd="" out ws
    command -v wireshark >/dev/null || {
        t_log "SKIP part 2: no wireshark (wireshark-qt)"
        return
    }
    for c in Xvfb xauth xdpyinfo mcookie; do
        command -v $c >/dev/null || {
            t_log "SKIP part 2: no $c"
            return
        }
    done
    t_start_xvfb 1280x800 "$xauth" "$TU_HOME/xvfb.log" || {
        t_log "SKIP part 2: cannot start Xvfb"
        return
    }
    xd=$T_XDISPLAY
    mkdir -p "$TU_HOME/run"
    chmod 700 "$TU_HOME/run"
    printf 'privs.warn_if_elevated: FALSE\nsys.warn_if_no_capture: FALSE\n' \
        >"$TU_HOME/.config/wireshark/recent_common"
    chown -R "$TU_UID:$TU_GID" "$xauth" "$TU_HOME/run" "$TU_HOME/.config"
    out=$(tu_output gui.scap)
    t_activity_start $((SECONDS_N + 90))
    # Wireshark keeps its window when the capture ends: wait for the end of
    # the extcap (its log), then for dumpcap to close the file, and quit.
    TU_TIMEOUT=$((SECONDS_N + 90)) tu_run env DISPLAY="$xd" XAUTHORITY="$xauth" \
        XDG_RUNTIME_DIR="$TU_HOME/run" wireshark -k -i bpfdig -a "duration:$SECONDS_N" -w "$out" \
        >"$TU_HOME/capture-gui.out" 2>&1 &
    ws=$!
    for _ in $(seq $(((SECONDS_N + 60) * 2))); do
        grep -qs 'bpfdig-agent: stopped' "$(last_log)" && grep -qs 'local capture ended' "$(last_log)" &&
            break
        kill -0 "$ws" 2>/dev/null || break
        sleep 0.5
    done
    t_activity_stop
    sleep 2 # dumpcap closes the file
    kill "$ws" 2>/dev/null
    wait "$ws" 2>/dev/null
    kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
    XVFB_PID=""
    check gui "$out" dumpcap ""
}
gui

# ---------------------------------------------------------------- 3. dumpcap with capabilities
# Debian's "non-superusers can capture" gives dumpcap file capabilities: it is
# then not dumpable and its /proc/PID/fd is root's. tshark runs the dumpcap
# next to it, so both are copied and the copy of dumpcap gets them.
wsbin=$TU_HOME/wsbin
mkdir -p "$wsbin"
cp "$(command -v tshark)" "$(command -v dumpcap)" "$wsbin/"
chmod 755 "$wsbin" "$wsbin/tshark" "$wsbin/dumpcap"
if setcap cap_net_raw,cap_net_admin+eip "$wsbin/dumpcap"; then
    out=$(tu_output capdumpcap.scap)
    t_activity_start $((SECONDS_N + 60))
    TU_TIMEOUT=$((SECONDS_N + 60)) tu_run "$wsbin/tshark" -i bpfdig -a "duration:$SECONDS_N" \
        -w "$out" >"$TU_HOME/capture-capdumpcap.out" 2>"$TU_HOME/capture-capdumpcap.err"
    rc=$?
    t_activity_stop
    [[ $rc -eq 0 ]] ||
        t_fail "tshark with a dumpcap with capabilities: exit $rc: $(tail -3 "$TU_HOME/capture-capdumpcap.err")"
    check capdumpcap "$out" dumpcap ", found by its command line"
else
    t_log "SKIP part 3: setcap failed on a copy of dumpcap"
fi
t_finish
