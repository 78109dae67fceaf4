#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck source-path=SCRIPTDIR
#
# gui.load: the Wireshark GUI (wireshark-qt) loads bpfdig's plugins from a
# personal plugin folder, opens a capture with the "bpfdig" column profile
# and the display filter proc.name == "curl", and quits cleanly.
#
#   test_gui_load.sh WIRETAP_PLUGIN EPAN_PLUGIN SAMPLE_TOOL PROFILE_DIR
#
# WIRETAP_PLUGIN / EPAN_PLUGIN may be empty: the plugin folder then stays
# empty and the test must fail (the negative control). SAMPLE_TOOL writes a
# small synthetic capture (gui_sample.c), used when the corpus is absent.
#
# Wireshark runs under Xvfb as an unprivileged user (tests/lib/tshark-user.sh:
# root never loads personal plugins), with a Lua tap (guicheck.lua) that
# counts, inside the GUI process, all frames, the frames matching the filter
# and those of them with an fd.name. Evidence that the plugins loaded:
#   * the Lua tap reports (Field.new("proc.name") raises a Lua error dialog
#     when the field is unknown, and the tap never reports);
#   * its counts equal tshark's for the same file, filter and plugins, and
#     the matching rows are named "curl" and some have an fd.name (process
#     names come only from the state blocks the wiretap plugin delivers);
#   * no window besides the main one is open (no plugin-load, filter-syntax
#     or Lua error dialog) and stderr has no plugin/Lua/dissector error;
#   * Ctrl+Q ends Wireshark with exit status 0 within the time limit.
#
# Environment:
#   BPFDIG_CORPUS          corpus folder; curl_google.scap is used when present
#   BPFDIG_TMPDIR          temporary files (must be searchable by uid 65534)
#   BPFDIG_GUI_FILE        open this capture instead
#   BPFDIG_GUI_SCREENSHOT  also save a screenshot (PNG) of the screen there
#   BPFDIG_GUI_GEOMETRY    Xvfb screen size, default 1600x900
#   BPFDIG_GUI_GOTO        select this frame (wireshark -g), for screenshots
#   WIRESHARK              the GUI binary (default: wireshark)
# Exit status: 0 pass, 1 fail, 77 skip (no wireshark-qt, Xvfb, xdotool, Lua).

set -u

GT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/tshark-user.sh
source "$GT_DIR/../lib/tshark-user.sh"
# shellcheck source=../lib/xvfb.sh
source "$GT_DIR/../lib/xvfb.sh"

NAME=gui.load
WIRETAP=${1:-}
EPAN=${2:-}
SAMPLE_TOOL=${3:-}
PROFILE_SRC=${4:-}
WIRESHARK=${WIRESHARK:-wireshark}
FILTER='proc.name == "curl"'
GEOMETRY=${BPFDIG_GUI_GEOMETRY:-1600x900}
FAILS=0
XVFB_PID=
WS_PID=
XDISPLAY=

log() { echo "$NAME: $*"; }
fail() {
    echo "$NAME: FAIL: $*"
    FAILS=$((FAILS + 1))
}
skip() {
    echo "$NAME: SKIP: $*"
    exit 77
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    [[ -n "$WS_PID" ]] && kill "$WS_PID" 2>/dev/null
    [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null
    [[ -n "$XVFB_PID" ]] && wait "$XVFB_PID" 2>/dev/null
    tu_cleanup
}

# ------------------------------------------------------------ prerequisites
command -v "$WIRESHARK" >/dev/null ||
    skip "no '$WIRESHARK' (Wireshark Qt GUI): apt-get install wireshark-qt, or scripts/install-deps.sh --gui"
for tool in Xvfb xauth xdpyinfo xdotool mcookie; do
    command -v "$tool" >/dev/null ||
        skip "no '$tool': apt-get install xvfb xauth x11-utils xdotool (scripts/install-deps.sh --gui)"
done
"$WIRESHARK" -v 2>/dev/null | grep -q "with Lua" ||
    skip "$WIRESHARK was built without Lua; this test reads the GUI's fields with a Lua tap"
if tu_is_root && ! command -v setpriv >/dev/null; then
    skip "setpriv is needed to run wireshark unprivileged"
fi

export TU_TMPDIR=${BPFDIG_TMPDIR:-${TMPDIR:-/tmp}}
tu_init || fail "cannot set up the test user's home"
[[ $FAILS -eq 0 ]] || exit 1
trap cleanup EXIT
[[ "${TU_KEEP:-0}" == 1 ]] && log "keeping $TU_HOME"

if [[ -n "$WIRETAP" ]]; then
    tu_plugin wiretap "$WIRETAP" || fail "cannot install $WIRETAP"
else
    log "no wiretap plugin given: its plugin folder stays empty (this run must fail)"
fi
if [[ -n "$EPAN" ]]; then
    tu_plugin epan "$EPAN" || fail "cannot install $EPAN"
else
    log "no epan plugin given: its plugin folder stays empty (this run must fail)"
fi

# ------------------------------------------------------------ the capture
src=${BPFDIG_GUI_FILE:-}
if [[ -z "$src" && -n "${BPFDIG_CORPUS:-}" && -f "$BPFDIG_CORPUS/curl_google.scap" ]]; then
    src=$BPFDIG_CORPUS/curl_google.scap
fi
if [[ -z "$src" ]]; then
    [[ -x "$SAMPLE_TOOL" ]] || { fail "no corpus and no sample tool '$SAMPLE_TOOL'"; exit 1; }
    src=$TU_HOME/gui_sample.scap
    "$SAMPLE_TOOL" "$src" || { fail "$SAMPLE_TOOL failed"; exit 1; }
fi
capture=$(tu_input "$src") || { fail "cannot copy $src"; exit 1; }
lua=$(tu_input "$GT_DIR/guicheck.lua") || exit 1
log "capture: $src"

# ------------------------------------------------------------ profile + window layout
conf=$TU_HOME/.config/wireshark
width=${GEOMETRY%x*}
height=${GEOMETRY#*x}
mkdir -p "$conf/profiles"
profile_opt=()
if [[ -n "$PROFILE_SRC" && -f "$PROFILE_SRC/preferences" ]]; then
    cp -r "$PROFILE_SRC" "$conf/profiles/bpfdig"
    profile_opt=(-C bpfdig)
    # Packet list over most of the window, the details below, no bytes pane.
    cat >"$conf/profiles/bpfdig/recent" <<EOF
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.geometry_main_upper_pane: $((height * 68 / 100))
gui.geometry_main_lower_pane: $((height * 30 / 100))
column.width:
	%m, 70,
	%t, 120,
	"%Cus:proc.name", 90,
	"%Cus:proc.pid", 75,
	"%Cus:thread.tid", 85,
	"%Cus:evt.type", 100,
	"%Cus:fd.name", 560,
	%i, 700
EOF
else
    log "no profile folder given: default columns"
fi
cat >"$conf/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $width
gui.geometry_main_height: $height
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
mkdir -p "$TU_HOME/run"
chmod 700 "$TU_HOME/run"
tu_is_root && chown -R "$TU_UID:$TU_GID" "$conf" "$TU_HOME/run" "$TU_HOME/in"

# ------------------------------------------------------------ Xvfb
xauthfile=$TU_HOME/.Xauthority
t_start_xvfb "$GEOMETRY" "$xauthfile" "$TU_HOME/xvfb.log" || {
    fail "cannot start Xvfb: $(tail -5 "$TU_HOME/xvfb.log" 2>/dev/null)"
    exit 1
}
XDISPLAY=$T_XDISPLAY
tu_is_root && chown "$TU_UID:$TU_GID" "$xauthfile"
log "Xvfb on $XDISPLAY (${GEOMETRY})"
x() { DISPLAY=$XDISPLAY XAUTHORITY=$xauthfile "$@"; }

# ------------------------------------------------------------ wireshark
out=$(tu_output lua.txt)
goto_opt=()
[[ -n "${BPFDIG_GUI_GOTO:-}" ]] && goto_opt=(-g "$BPFDIG_GUI_GOTO")
TU_TIMEOUT=180 tu_run env DISPLAY="$XDISPLAY" XAUTHORITY="$xauthfile" \
    XDG_RUNTIME_DIR="$TU_HOME/run" BPFDIG_GUI_OUT="$out" BPFDIG_GUI_FILTER="$FILTER" \
    "$WIRESHARK" "${profile_opt[@]}" "${goto_opt[@]}" -X "lua_script:$lua" -r "$capture" -Y "$FILTER" \
    >"$TU_HOME/wireshark.out" 2>"$TU_HOME/wireshark.err" &
WS_PID=$!

# The main window's title is the file's name.
title=$(basename "$capture")
main_win=
for _ in $(seq 600); do
    kill -0 "$WS_PID" 2>/dev/null || break
    if [[ -z "$main_win" ]]; then
        main_win=$(x xdotool search --onlyvisible --name "^$title" 2>/dev/null | head -1)
    fi
    [[ -n "$main_win" ]] && grep -q '^draw ' "$out" 2>/dev/null && break
    sleep 0.1
done
# Let the window settle (taps may draw again; dialogs appear late).
sleep 3

windows=
for w in $(x xdotool search --onlyvisible --name '.' 2>/dev/null); do
    windows+="$w:$(x xdotool getwindowname "$w" 2>/dev/null)"$'\n'
done
log "visible windows:"
printf '%s' "$windows" | sed 's/^/    /'
if [[ -n "${BPFDIG_GUI_SCREENSHOT:-}" ]]; then
    if command -v import >/dev/null; then
        x xdotool mousemove "$((width - 1))" "$((height - 1))" 2>/dev/null
        sleep 0.5
        x import -window root "$BPFDIG_GUI_SCREENSHOT" && log "screenshot: $BPFDIG_GUI_SCREENSHOT"
    else
        log "no 'import' (ImageMagick): no screenshot"
    fi
fi

if ! kill -0 "$WS_PID" 2>/dev/null; then
    wait "$WS_PID"
    fail "wireshark exited early (status $?)"
    WS_PID=
fi
[[ -n "$main_win" ]] || fail "no main window titled '$title'"

others=$(printf '%s' "$windows" | grep -v "^$main_win:" | grep -v ':$')
[[ -z "$others" ]] || fail "windows besides the main one (error dialogs?): $others"

# ------------------------------------------------------------ what the GUI saw
gui=$(cat "$out" 2>/dev/null)
log "Lua tap in the GUI: ${gui:-nothing}"
if [[ "$gui" != draw\ * ]]; then
    fail "the Lua tap never reported: proc.name/fd.name unknown to the GUI (plugins not loaded?)"
else
    g_total=$(sed -n 's/.*total=\([0-9]*\).*/\1/p' <<<"$gui")
    g_match=$(sed -n 's/.*match=\([0-9]*\).*/\1/p' <<<"$gui")
    g_named=$(sed -n 's/.*fdname=\([0-9]*\).*/\1/p' <<<"$gui")
    g_procs=$(sed -n 's/.*procs=\([^ ]*\).*/\1/p' <<<"$gui")
    t_all=$(tu_tshark -r "$capture" -T fields -e frame.number 2>/dev/null | grep -c .)
    t_n=$(tu_tshark -r "$capture" -Y "$FILTER" -T fields -e frame.number 2>/dev/null | grep -c .)
    # fd.name present (possibly empty), as the Lua tap counts it
    t_named=$(tu_tshark -r "$capture" -Y "($FILTER) && fd.name" -T fields -e frame.number \
        2>/dev/null | grep -c .)
    log "tshark: total=$t_all match=$t_n fdname=$t_named"
    [[ "$g_match" -gt 0 ]] || fail "no row matches $FILTER in the GUI"
    [[ "$g_named" -gt 0 ]] || fail "no matching row has an fd.name in the GUI"
    [[ "$g_procs" == curl ]] || fail "proc.name of the matching rows: '$g_procs', expected 'curl'"
    [[ "$g_total" == "$t_all" ]] || fail "GUI read $g_total frames, tshark $t_all"
    [[ "$g_match" == "$t_n" && "$g_named" == "$t_named" ]] ||
        fail "GUI match=$g_match fdname=$g_named, tshark match=$t_n fdname=$t_named"
fi

# ------------------------------------------------------------ quit
if [[ -n "$WS_PID" ]]; then
    if [[ -n "$main_win" ]]; then
        x xdotool windowfocus --sync "$main_win" 2>/dev/null
        x xdotool key ctrl+q
    fi
    for _ in $(seq 300); do
        kill -0 "$WS_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$WS_PID" 2>/dev/null; then
        fail "wireshark did not quit within 30 s of Ctrl+Q"
        kill "$WS_PID" 2>/dev/null
        wait "$WS_PID" 2>/dev/null
    else
        wait "$WS_PID"
        rc=$?
        [[ $rc -eq 0 ]] || fail "wireshark exited with status $rc after Ctrl+Q"
        [[ $rc -eq 0 ]] && log "wireshark quit cleanly (status 0)"
    fi
    WS_PID=
fi

# ------------------------------------------------------------ stderr
if [[ -s "$TU_HOME/wireshark.err" ]]; then
    log "wireshark stderr:"
    sed 's/^/    /' "$TU_HOME/wireshark.err"
fi
bad=$(grep -iE 'plugin|lua|dissector|bpfdig|scap|assert|critical|error' "$TU_HOME/wireshark.err")
[[ -z "$bad" ]] || fail "errors on wireshark's stderr: $bad"

if [[ $FAILS -gt 0 ]]; then
    echo "$NAME: $FAILS failure(s)"
    exit 1
fi
echo "$NAME: PASS"
exit 0
