# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# common.sh - what the container tests share: testlib + podman-lib, a work
# folder, the agent in the background, tshark field dumps.
#
#   ct_init AGENT WIRETAP EPAN   checks, pm_setup, CT_TMP, cleanup trap
#   ct_agent_start FILE ARGS...  bpfdig-agent -w FILE ARGS in the background;
#                                fails the test unless it starts capturing
#   ct_agent_stop                SIGINT, wait, check the exit status
#   ct_fields CAP FILTER FIELD...   tshark -T fields with our plugins (tab separated)
#   ct_wait_pid NAME             waits until container NAME has a host pid
source "$(dirname "${BASH_SOURCE[0]}")/../lib/testlib.sh"
# shellcheck source=podman-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/podman-lib.sh"

CT_AGENT_PID=""
CT_PLUGINS_READY=0

ct_cleanup() {
    [[ -n "$CT_AGENT_PID" ]] && kill -KILL "$CT_AGENT_PID" 2>/dev/null
    pm_cleanup
    [[ "${TU_KEEP:-0}" = 1 ]] || rm -rf "$CT_TMP"
    tu_cleanup 2>/dev/null
}

ct_init() {
    CT_AGENT=$1 CT_WIRETAP=${2:-} CT_EPAN=${3:-}
    t_need_root
    t_need python3 timeout
    [[ -r /sys/kernel/btf/vmlinux ]] || t_skip "kernel without BTF"
    CT_TMP=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/containers.XXXXXX")
    chmod 755 "$CT_TMP"
    trap ct_cleanup EXIT
    pm_setup
}

ct_agent_start() {
    local file=$1
    shift
    "$CT_AGENT" -w "$file" "$@" 2>"$file.err" &
    CT_AGENT_PID=$!
    if ! t_wait_capturing "$file.err" "$CT_AGENT_PID"; then
        cat "$file.err"
        t_fail "the agent did not start capturing ($*)"
        t_finish
    fi
}

ct_agent_stop() {
    local rc
    kill -INT "$CT_AGENT_PID"
    timeout 30 tail --pid="$CT_AGENT_PID" -f /dev/null || kill -KILL "$CT_AGENT_PID"
    wait "$CT_AGENT_PID"
    rc=$?
    CT_AGENT_PID=""
    cat "$1.err"
    [[ $rc -eq 0 ]] || t_fail "agent exit status $rc"
}

ct_fields() {
    local cap=$1 filter=$2 args=() f
    shift 2
    if [[ $CT_PLUGINS_READY == 0 ]]; then
        t_setup_plugins "$CT_WIRETAP" "$CT_EPAN"
        CT_PLUGINS_READY=1
    fi
    for f in "$@"; do args+=(-e "$f"); done
    tu_tshark -r "$(tu_input "$cap")" -Y "$filter" -T fields "${args[@]}" 2>"$CT_TMP/tshark.err" ||
        t_fail "tshark failed: $(head -3 "$CT_TMP/tshark.err")"
}

ct_wait_pid() {
    local pid
    for _ in $(seq 100); do
        pid=$(pm_pid "$1")
        [[ -n "$pid" && "$pid" != 0 ]] && return 0
        sleep 0.1
    done
    return 1
}
