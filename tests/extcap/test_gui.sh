#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Wireshark (Qt, 4.0) under Xvfb, as an unprivileged user with the extcap in
# the personal extcap folder: the start page lists both interfaces (Wireshark
# ran --extcap-interfaces), and starting a capture on bpfdig-ssh without a host
# opens the options dialog (Wireshark ran --extcap-config for it). A wrapper in
# front of the extcap records how Wireshark called it. Screenshots of both go
# to $BPFDIG_GUI_SHOTS (a folder) when set.
#
# Usage: test_gui.sh EXTCAP
source "$(dirname "$0")/../lib/testlib.sh"
EXTCAP=$1
WIRESHARK=${WIRESHARK:-wireshark}
GEOMETRY=1400x900
command -v "$WIRESHARK" >/dev/null || t_skip "no wireshark (wireshark-qt)"
t_need Xvfb xauth xdpyinfo xdotool mcookie
tu_is_root && t_need setpriv

# shellcheck disable=SC2034 # read by tu_init
TU_TMPDIR=${BPFDIG_TMPDIR:-${TMPDIR:-/tmp}}
tu_init || t_skip "cannot set up an unprivileged home"
XVFB_PID="" WS_PID=""
cleanup() {
    [[ -n "$WS_PID" ]] && kill "$WS_PID" 2>/dev/null
    [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
    tu_cleanup
}
trap cleanup EXIT
trap "exit 1" TERM INT

xdir=$TU_HOME/.config/wireshark/extcap
mkdir -p "$xdir"
cp "$EXTCAP" "$TU_HOME/bpfdig.real"
calls=$TU_HOME/calls.log
cat >"$xdir/bpfdig" <<EOF
#!/bin/sh
echo "\$*" >>"$calls"
exec "$TU_HOME/bpfdig.real" "\$@"
EOF
chmod 755 "$xdir/bpfdig" "$TU_HOME/bpfdig.real"
: >"$calls"
cat >"$TU_HOME/.config/wireshark/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: ${GEOMETRY%x*}
gui.geometry_main_height: ${GEOMETRY#*x}
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
mkdir -p "$TU_HOME/run"
chmod 700 "$TU_HOME/run"
tu_is_root && chown -R "$TU_UID:$TU_GID" "$TU_HOME/.config" "$TU_HOME/run" "$calls"

xauthfile=$TU_HOME/.Xauthority
t_start_xvfb "$GEOMETRY" "$xauthfile" "$TU_HOME/xvfb.log" || t_skip "cannot start Xvfb"
XDISPLAY=$T_XDISPLAY
tu_is_root && chown "$TU_UID:$TU_GID" "$xauthfile"
x() { DISPLAY=$XDISPLAY XAUTHORITY=$xauthfile "$@"; }
shot() {
    [[ -n "${BPFDIG_GUI_SHOTS:-}" ]] || return 0
    mkdir -p "$BPFDIG_GUI_SHOTS"
    x import -window "${2:-root}" "$BPFDIG_GUI_SHOTS/$1" && t_log "screenshot $BPFDIG_GUI_SHOTS/$1"
}

# 1. the start page with the interface list
TU_TIMEOUT=120 tu_run env DISPLAY="$XDISPLAY" XAUTHORITY="$xauthfile" XDG_RUNTIME_DIR="$TU_HOME/run" \
    "$WIRESHARK" >"$TU_HOME/ws1.out" 2>&1 &
WS_PID=$!
win=""
for _ in $(seq 600); do
    win=$(x xdotool search --onlyvisible --name '^The Wireshark Network Analyzer' 2>/dev/null | head -1)
    [[ -n "$win" ]] && grep -q -- '--extcap-interfaces' "$calls" && break
    sleep 0.1
done
sleep 4 # the interface list fills in
[[ -n "$win" ]] || t_fail "no Wireshark main window"
grep -q -- '--extcap-interfaces' "$calls" || t_fail "Wireshark never ran the extcap (--extcap-interfaces)"
t_log "Wireshark called: $(sort -u "$calls" | tr '\n' ';' | cut -c1-300)"
shot wireshark-interfaces.png

# 2. the options dialog of bpfdig-ssh: the gear in front of its row of the
# interface list (the list's layout is fixed by the window geometry above)
: >"$calls"
row_y=""
if [[ -n "${BPFDIG_GUI_ROW_Y:-}" ]]; then
    row_y=$BPFDIG_GUI_ROW_Y
else
    # Rows are 17 px apart from y=236; the list shows the local interfaces,
    # then ours (the personal extcap folder comes first), then the others.
    n_all=$(tu_tshark -D 2>/dev/null | grep -c .)
    n_ext=0
    for e in /usr/lib/x86_64-linux-gnu/wireshark/extcap/* "$xdir/bpfdig"; do
        [[ -x $e ]] || continue
        n_ext=$((n_ext + $("$e" --extcap-interfaces 2>/dev/null | grep -c '^interface ')))
    done
    n_local=$((n_all - n_ext))
    row_y=$((236 + (n_local + 1) * 17))
    t_log "interface list: $n_all rows, $n_local local: bpfdig-ssh at y=$row_y"
fi
[[ -n "$row_y" ]] || t_fail "bpfdig-ssh is not in tshark -D"
x xdotool mousemove --window "$win" 181 "${row_y:-426}" click 1 2>/dev/null
dlg=""
for _ in $(seq 200); do
    dlg=$(x xdotool search --onlyvisible --name 'System calls over SSH|bpfdig-ssh' 2>/dev/null | head -1)
    [[ -n "$dlg" ]] && break
    sleep 0.1
done
sleep 2
windows=$(for w in $(x xdotool search --onlyvisible --name '.' 2>/dev/null); do
    x xdotool getwindowname "$w" 2>/dev/null
done | sort -u | tr '\n' ';')
t_log "windows: $windows"
[[ -n "$dlg" ]] || t_fail "no options dialog for bpfdig-ssh"
grep -q -- '--extcap-config.*bpfdig-ssh\|bpfdig-ssh.*--extcap-config' "$calls" ||
    t_log "note: the dialog used the configuration read at start-up"
shot wireshark-ssh-options.png "${dlg:-root}"
shot wireshark-ssh-options-screen.png
kill "$WS_PID" 2>/dev/null
wait "$WS_PID" 2>/dev/null
WS_PID=""
t_finish
