# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# tshark-user.sh - run tshark, editcap, capinfos ... with bpfdig's plugins
# loaded from a personal plugin folder. Source it from a bash test.
#
# Wireshark ignores personal plugin folders (and WIRESHARK_PLUGIN_DIR) when
# it runs with special privileges, root included. So, when the test runs as
# root, the tools run as an unprivileged user (default uid/gid 65534,
# "nobody") through setpriv, with HOME set to a fresh temporary folder that
# holds the plugins in ~/.local/lib/wireshark/plugins/<major.minor>/. As an
# ordinary user they simply run with that HOME.
#
#   tu_init                      create TU_HOME (call once; tu_cleanup removes it)
#   tu_plugin KIND FILE          install a plugin .so; KIND is wiretap or epan
#   tu_input FILE [NAME]         copy FILE where the test user can read it;
#                                prints the copy's path
#   tu_output NAME               print a path in TU_HOME the test user may write
#   tu_run CMD [ARG...]          run CMD as the test user (exit status passed on)
#   tu_tshark / tu_editcap / tu_capinfos / tu_dumpcap [ARG...]
#   tu_cleanup                   remove TU_HOME (unless TU_KEEP=1)
#
# Settings (environment, optional):
#   TU_UID, TU_GID     test user when running as root (65534)
#   TU_TMPDIR          parent of TU_HOME (default $TMPDIR or /tmp); every
#                      folder above it must be searchable by the test user
#   TU_WS_VERSION      plugin folder version "major.minor" (default: from tshark -v)
#   TSHARK, EDITCAP, CAPINFOS, DUMPCAP   the tools (default: from PATH)
#   TU_TIMEOUT         seconds after which tu_run kills the command (exit
#                      status 124, as timeout(1)); empty: no limit
#   TU_KEEP=1          keep TU_HOME for inspection

TU_UID=${TU_UID:-65534}
TU_GID=${TU_GID:-65534}
TSHARK=${TSHARK:-tshark}
EDITCAP=${EDITCAP:-editcap}
CAPINFOS=${CAPINFOS:-capinfos}
DUMPCAP=${DUMPCAP:-dumpcap}
TU_HOME=${TU_HOME:-}

tu_is_root() {
    [[ $(id -u) -eq 0 ]]
}

# "4.0" from "TShark (Wireshark) 4.0.17 (...)"
tu_ws_version() {
    if [[ -n "${TU_WS_VERSION:-}" ]]; then
        echo "$TU_WS_VERSION"
        return 0
    fi
    "$TSHARK" -v 2>/dev/null | sed -n '1s/^[^0-9]*\([0-9]\+\.[0-9]\+\)\..*/\1/p'
}

tu_plugin_dir() {
    echo "$TU_HOME/.local/lib/wireshark/plugins/$(tu_ws_version)/$1"
}

tu_init() {
    local base=${TU_TMPDIR:-${TMPDIR:-/tmp}}
    if tu_is_root && ! command -v setpriv >/dev/null; then
        echo "tshark-user: setpriv is needed to run the tools unprivileged" >&2
        return 1
    fi
    [[ -n "$(tu_ws_version)" ]] || {
        echo "tshark-user: cannot tell the Wireshark version of $TSHARK" >&2
        return 1
    }
    mkdir -p "$base" || return 1
    TU_HOME=$(mktemp -d "$base/tshark-user.XXXXXX") || return 1
    mkdir -p "$TU_HOME/in" "$TU_HOME/out" "$TU_HOME/tmp" "$(tu_plugin_dir wiretap)" \
        "$(tu_plugin_dir epan)" || return 1
    chmod 755 "$TU_HOME"
    tu_is_root && chown -R "$TU_UID:$TU_GID" "$TU_HOME"
    return 0
}

tu_plugin() {
    local kind=$1 file=$2 dest
    case "$kind" in
    wiretap | epan) ;;
    *)
        echo "tshark-user: unknown plugin kind '$kind'" >&2
        return 1
        ;;
    esac
    [[ -f "$file" ]] || {
        echo "tshark-user: no plugin file $file" >&2
        return 1
    }
    dest="$(tu_plugin_dir "$kind")/$(basename "$file")"
    cp "$file" "$dest" && chmod 644 "$dest"
}

tu_input() {
    local src=$1 name=${2:-$(basename "$1")}
    cp "$src" "$TU_HOME/in/$name" || return 1
    chmod 644 "$TU_HOME/in/$name"
    echo "$TU_HOME/in/$name"
}

tu_output() {
    echo "$TU_HOME/out/$1"
}

tu_run() {
    local envs=(HOME="$TU_HOME" TMPDIR="$TU_HOME/tmp" PATH="$PATH" LANG=C.UTF-8 LC_ALL=C.UTF-8)
    local pre=()
    [[ -n "${TU_TIMEOUT:-}" ]] && pre=(timeout -k 10 "$TU_TIMEOUT")
    if tu_is_root; then
        "${pre[@]}" setpriv --reuid="$TU_UID" --regid="$TU_GID" --clear-groups \
            env -i "${envs[@]}" "$@"
    else
        "${pre[@]}" env -i "${envs[@]}" "$@"
    fi
}

tu_tshark() { tu_run "$TSHARK" "$@"; }
tu_editcap() { tu_run "$EDITCAP" "$@"; }
tu_capinfos() { tu_run "$CAPINFOS" "$@"; }
tu_dumpcap() { tu_run "$DUMPCAP" "$@"; }

tu_cleanup() {
    if [[ -n "$TU_HOME" && -d "$TU_HOME" && "${TU_KEEP:-0}" != 1 ]]; then
        rm -rf "$TU_HOME"
    fi
}
