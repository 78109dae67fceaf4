# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# xvfb.sh - a private X display for the GUI tests (sourced by testlib.sh and
# by tests/gui/test_gui_load.sh). Needs Xvfb, xauth, mcookie and xdpyinfo.

# t_start_xvfb GEOMETRY XAUTHFILE LOG: start Xvfb (WxH) on a free display with a
# fresh cookie in XAUTHFILE. On success sets T_XDISPLAY (":N") and XVFB_PID (the
# caller kills it); returns 1 when no display starts.
t_start_xvfb() {
    local geometry=$1 xauthfile=$2 log=$3 n
    T_XDISPLAY=""
    for n in $(seq $((300 + $$ % 100)) 499); do
        [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] && continue
        : >"$xauthfile"
        xauth -q -f "$xauthfile" add ":$n" . "$(mcookie)" || return 1
        Xvfb ":$n" -screen 0 "${geometry}x24" -nolisten tcp -auth "$xauthfile" >"$log" 2>&1 &
        XVFB_PID=$!
        for _ in $(seq 100); do
            if DISPLAY=":$n" XAUTHORITY="$xauthfile" xdpyinfo >/dev/null 2>&1; then
                T_XDISPLAY=":$n"
                return 0
            fi
            kill -0 "$XVFB_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$XVFB_PID" 2>/dev/null
        wait "$XVFB_PID" 2>/dev/null
        XVFB_PID=""
    done
    return 1
}
