#!/bin/bash
# lab-live.sh OUTDIR AGENT [IFACE...] - inside the sid lab (started as root), with
# bpfdig installed: a live capture in the Stratoshark GUI (Xvfb) on each IFACE
# (bpfdig, bpfdig-ssh; default both). Stratoshark runs as the unprivileged user
# "lab" (as root it runs no Lua script), started as a user would from the command
# line:
#   stratoshark -i IFACE -k -a duration:N -w OUTDIR/IFACE.scap -o extcap.<iface>.<arg>:V
#               -Y 'proc.name == "MARK"' -X lua_script:live-tap.lua
# while a marker program (a copy of cat named MARK) reads a marker file a known
# number of times. The capture is limited to MARK (the extcap's "Command names",
# -o extcap.<iface>.comm:MARK), so that it has no drops on a busy machine.
# Agent: the installed /usr/local/bin/bpfdig-agent (built here, capabilities set
# by cmake --install) when it loads its probe (--check as "lab"), else a copy of
# AGENT (e.g. the host's build) with the same capabilities (OUTDIR/agent/).
# bpfdig-ssh: an sshd started here on 127.0.0.1 (root login by key); the extcap
# uploads AGENT, or the installed agent when AGENT is "" (--upload-agent always).
# Checks, one "ok"/"FAIL" line each:
#   * the installed agent (built with the lab's clang and libbpf) loads its probe;
#   * the GUI started and stopped the capture (autostop), the extcap ended with
#     exit 0, no dialog besides the main window, Ctrl+Q quits with status 0;
#   * inside the GUI (live-tap.lua): the events it read, the marker rows (the
#     display filter), bpfdig's evt.num on each of them, fd.name == the marker
#     file on at least one row per run, no row with another proc.name;
#   * the saved file: bpfdig's file type, as many events as the GUI read, and
#     with strato and tshark 4.6 one open of the marker file by MARK per run;
#   * SSH: no agent or uploaded folder is left behind.
# Env: LIVE_SECONDS (capture length, default 10), LIVE_SHOTS=1 (screenshots
# OUTDIR/IFACE-during.png and -after.png), LIVE_COMM (capture filter on command
# names, default MARK; "" captures every process), LIVE_DISPLAY (X display number).
# Exit 1 if a check failed, 77 if the lab lacks Stratoshark, Xvfb or xdotool.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
out=$1 agent=$2
shift 2
ifaces=("$@")
[ ${#ifaces[@]} -gt 0 ] || ifaces=(bpfdig bpfdig-ssh)
secs=${LIVE_SECONDS:-10}
mark=ws46-livemark
comm=${LIVE_COMM-$mark}
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
# check STATUS OK_MESSAGE FAIL_MESSAGE: ok when STATUS is 0
check() { if [ "$1" = 0 ]; then ok "$2"; else bad "$3"; fi; }

for c in stratoshark Xvfb xdpyinfo xdotool import setpriv setcap; do
    command -v "$c" >/dev/null || { echo "SKIP: no $c in the sid lab"; exit 77; }
done
id lab >/dev/null 2>&1 || { bad "no user 'lab' in the sid lab (sid-lab.sh setup creates it)"; exit 1; }
as_lab() { setpriv --reuid=lab --regid=lab --init-groups env HOME="$HOME" "$@"; }
rm -rf "$out"
mkdir -p "$out/home/.config/stratoshark" "$out/run" "$out/agent"
export HOME=$out/home XDG_RUNTIME_DIR=$out/run QT_QPA_PLATFORM=xcb
cat >"$HOME/.config/stratoshark/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1600
gui.geometry_main_height: 1000
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
cp /bin/cat "$out/$mark"
markfile=$out/marker-$$.txt
echo "bpfdig live capture marker" >"$markfile"
chown -R lab: "$out"
chmod 700 "$out/run"

# The local agent: the installed one, or a copy of AGENT with capabilities.
local_agent=/usr/local/bin/bpfdig-agent
[ -n "$agent" ] || agent=$local_agent
if as_lab "$local_agent" --check >"$out/agent/check.txt" 2>&1; then
    ok "the installed $local_agent loads its probe (--check as lab)"
else
    bad "the installed $local_agent does not load its probe: $(tail -1 "$out/agent/check.txt")"
    [ "$agent" != "$local_agent" ] || exit 1
    local_agent=$out/agent/bpfdig-agent
    cp "$agent" "$local_agent"
    chmod 755 "$local_agent"
    setcap cap_bpf,cap_perfmon,cap_dac_read_search,cap_sys_ptrace+ep "$local_agent"
    if as_lab "$local_agent" --check >"$out/agent/check.txt" 2>&1; then
        echo "note: local captures use $agent (copied to $local_agent, with capabilities)"
    else
        bad "no agent that runs as 'lab': $(tail -1 "$out/agent/check.txt")"; exit 1
    fi
fi

XVFB_PID="" GUI_PID="" SSHD_PID=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    [ -n "$GUI_PID" ] && kill "$GUI_PID" 2>/dev/null
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT

# A display nobody uses (X sockets are abstract, so shared with the host).
for n in ${LIVE_DISPLAY:-} $(seq $((600 + $$ % 100)) 699); do
    DISPLAY=:$n xdpyinfo >/dev/null 2>&1 && continue
    [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 1600x1000x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
    XVFB_PID=$!
    for _ in $(seq 50); do
        DISPLAY=:$n xdpyinfo >/dev/null 2>&1 && export DISPLAY=:$n && break 2
        kill -0 "$XVFB_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill "$XVFB_PID" 2>/dev/null
    XVFB_PID=""
done
[ -n "$XVFB_PID" ] || { bad "cannot start Xvfb"; exit 1; }

start_sshd() {
    local d=$out/sshd port
    mkdir -p "$d" /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey" -C ws46-host || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$d/client.key" -C ws46-client || return 1
    cp "$d/client.key.pub" "$d/authorized_keys"
    chmod 600 "$d/authorized_keys"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + $$ % 10000)))
    cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $d/hostkey
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOF
    echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/hostkey.pub")" >"$d/known_hosts"
    chown lab: "$d/client.key" "$d/known_hosts"
    /usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/sshd.log" &
    SSHD_PID=$!
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && SSHD_PORT=$port && return 0
        kill -0 "$SSHD_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$d/sshd.log"
    return 1
}

# Names of the visible windows with a name (our Xvfb shows only Stratoshark's).
window_names() {
    local w
    for w in $(xdotool search --onlyvisible --name '.' 2>/dev/null); do
        echo "$w $(xdotool getwindowname "$w" 2>/dev/null)"
    done
}

live() {
    local iface=$1 key prefs=() f log tap err runs=0 rc
    f=$out/$iface.scap log=$out/$iface-extcap.log tap=$out/$iface-tap.txt err=$out/$iface-gui.log
    key=${iface//-/_}
    case $iface in
        bpfdig) prefs=(-o "extcap.$key.agent:$local_agent") ;;
        bpfdig-ssh)
            if [ -z "${SSHD_PORT:-}" ] && ! start_sshd; then bad "$iface: cannot start sshd"; return; fi
            prefs=(-o "extcap.$key.remotehost:127.0.0.1" -o "extcap.$key.remoteport:$SSHD_PORT"
                -o "extcap.$key.remoteusername:root" -o "extcap.$key.sshkey:$out/sshd/client.key"
                -o "extcap.$key.knownhosts:$out/sshd/known_hosts" -o "extcap.$key.remotepriv:none"
                -o "extcap.$key.uploadagent:always" -o "extcap.$key.agentbinary:$agent") ;;
    esac
    [ -z "$comm" ] || prefs+=(-o "extcap.$key.comm:$comm")
    prefs+=(-o "extcap.$key.loglevel:info" -o "extcap.$key.logfile:$log")
    echo "== $iface: stratoshark -i $iface -k -a duration:$secs -w $f ${prefs[*]} -Y 'proc.name == \"$mark\"'"
    as_lab env BPFDIG_LIVE_OUT="$tap" BPFDIG_LIVE_FILTER="proc.name == \"$mark\"" \
        BPFDIG_LIVE_FDNAME="$markfile" BPFDIG_LIVE_PROC="$mark" \
        stratoshark -i "$iface" -k -a "duration:$secs" -w "$f" "${prefs[@]}" \
        -X "lua_script:$HERE/live-tap.lua" -Y "proc.name == \"$mark\"" >"$err" 2>&1 &
    GUI_PID=$!
    # the marker runs once the agent streams, until 2 s before the autostop
    for _ in $(seq 300); do grep -q 'capturing' "$log" 2>/dev/null && break; sleep 0.1; done
    if ! grep -q 'capturing' "$log" 2>/dev/null; then
        bad "$iface: the agent did not start within 30 s: $(tail -3 "$log" "$err" 2>/dev/null | tr '\n' ' ')"
    fi
    local t0=$SECONDS
    while [ $((SECONDS - t0)) -lt $((secs - 3)) ] && ! grep -q 'Capture stopped' "$err"; do
        "$out/$mark" "$markfile" >/dev/null && runs=$((runs + 1))
        sleep 0.3
    done
    [ -n "${LIVE_SHOTS:-}" ] && import -window root "$out/$iface-during.png"
    for _ in $(seq $(((secs + 30) * 10))); do grep -q 'Capture stopped' "$err" && break; sleep 0.1; done
    sleep 3 # the last tap draw
    if grep -q 'Capture started' "$err" && grep -q 'Capture stopped' "$err"; then
        ok "$iface: the GUI captured and stopped by itself (-a duration:$secs), marker ran $runs times"
    else
        bad "$iface: no 'Capture started/stopped' from the GUI: $(grep -v falcodump "$err" | head -5 | tr '\n' ' ')"
    fi
    if grep -qE 'capture ended \(exit 0' "$log" 2>/dev/null; then
        ok "$iface: extcap: $(grep -oE 'stopped \(.*' "$log" | tail -1)"
    else
        bad "$iface: extcap did not end with exit 0: $(tail -3 "$log" 2>/dev/null | tr '\n' ' ')"
    fi
    local wins main
    wins=$(window_names)
    main=$(head -1 <<<"$wins" | cut -d' ' -f1)
    if [ "$(grep -c . <<<"$wins")" = 1 ]; then
        ok "$iface: one window, '$(cut -d' ' -f2- <<<"$wins")' (no error dialog)"
    else
        bad "$iface: windows: $(tr '\n' ';' <<<"$wins") (a dialog?)"
    fi
    if [ -n "${LIVE_SHOTS:-}" ]; then
        # select the first displayed row, so the details pane shows an event
        xdotool mousemove 300 112 click 1 2>/dev/null
        sleep 2
        import -window root "$out/$iface-after.png"
    fi
    [ -n "$main" ] && xdotool windowfocus --sync "$main" 2>/dev/null
    xdotool key ctrl+q 2>/dev/null
    for _ in $(seq 150); do kill -0 "$GUI_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$GUI_PID" 2>/dev/null; then
        bad "$iface: Stratoshark still runs 15 s after Ctrl+Q"; kill "$GUI_PID"; wait "$GUI_PID" 2>/dev/null
    else
        wait "$GUI_PID"; rc=$?
        check "$rc" "$iface: Ctrl+Q, exit status 0" "$iface: Stratoshark exit status $rc"
    fi
    GUI_PID=""
    local errs
    errs=$(grep -v -e falcodump -e '\[Capture MESSAGE\]' -e '^Running as user' -e '^$' "$err" |
        grep -iE 'error|warn|lua|critical|assert' | head -3)
    check "${#errs}" "$iface: GUI stderr: no error" "$iface: GUI stderr: $errs"

    # inside the GUI
    local total=0 match=0 evtnum=0 fdname=0 other=-1
    if [ -s "$tap" ]; then
        read -r _ total match evtnum fdname other _ < <(sed 's/[a-z_]*=//g' "$tap")
        echo "     GUI tap: $(cat "$tap")"
    fi
    if [ "$total" -gt 0 ] && [ "$match" -ge "$runs" ] && [ "$runs" -gt 0 ] && [ "$evtnum" = "$match" ] &&
        [ "$fdname" -ge "$runs" ] && [ "$other" = 0 ]; then
        ok "$iface: GUI read $total events; $match rows of $mark, all with bpfdig's evt.num, $fdname on $markfile"
    else
        bad "$iface: GUI tap: total=$total match=$match evtnum=$evtnum fdname=$fdname other_proc=$other (runs=$runs)"
    fi

    # the saved file
    if [ ! -s "$f" ]; then bad "$iface: no capture file $f"; return; fi
    local ft frames tool n
    ft=$(capinfos -t "$f" 2>/dev/null | sed -n 's/^File type: *//p')
    case "$ft" in *bpfdig*) ok "$iface: $f: file type $ft" ;; *) bad "$iface: $f: file type '$ft'" ;; esac
    frames=$(strato -r "$f" 2>/dev/null | wc -l)
    check "$((frames - total))" "$iface: the file has $frames events, as many as the GUI read" \
        "$iface: the file has $frames events, the GUI read $total"
    for tool in strato tshark; do
        n=$($tool -r "$f" -Y "proc.name == \"$mark\" && fd.name == \"$markfile\" && evt.type contains \"open\"" \
            -T fields -e evt.num 2>/dev/null | wc -l)
        check "$((n - runs))" "$iface: $tool: $n opens of $markfile by $mark (= runs)" \
            "$iface: $tool: $n opens of $markfile by $mark, runs=$runs"
    done
    if [ "$iface" = bpfdig-ssh ]; then
        sleep 1
        local left
        left=$(pgrep -f '^/tmp/bpfdig\.[^/ ]+/bpfdig-agent' | tr '\n' ' ')
        left+=$(find /tmp -maxdepth 1 -name 'bpfdig.*' 2>/dev/null | tr '\n' ' ')
        check "${#left}" "$iface: no agent or uploaded folder left" "$iface: left behind: $left"
    fi
}

for i in "${ifaces[@]}"; do live "$i"; done
exit $fail
