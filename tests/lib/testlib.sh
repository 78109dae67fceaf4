# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# testlib.sh - what every bpfdig shell test shares: logging, skip/fail
# bookkeeping, required commands, and tshark with our plugins loaded from a
# personal plugin folder as an unprivileged user (tshark-user.sh).
#
#   t_log MSG / t_skip MSG (exit 77) / t_fail MSG / t_finish (exit 0 or 1)
#   t_need CMD...              skip unless every CMD is installed
#   t_need_root                skip unless root
#   t_setup_plugins WIRETAP [EPAN]
#                              tu_init + install the plugins; fails the test
#                              when tshark does not load them
#   t_sid_lab                  path of the sid lab script, or empty
#   t_start_xvfb GEOMETRY XAUTHFILE LOG   (xvfb.sh)
#   t_activity_start SECONDS / t_activity_stop
# Exit status convention: 0 pass, 1 fail, 77 skip.

set -u

T_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tshark-user.sh
source "$T_LIB_DIR/tshark-user.sh"
# shellcheck source=xvfb.sh
source "$T_LIB_DIR/xvfb.sh"

T_NAME=${T_NAME:-$(basename "$0" .sh)}
T_FAILS=0

t_log() { echo "$T_NAME: $*"; }

t_skip() {
    echo "$T_NAME: SKIP: $*"
    exit 77
}

t_fail() {
    echo "$T_NAME: FAIL: $*"
    T_FAILS=$((T_FAILS + 1))
}

t_finish() {
    if [[ $T_FAILS -gt 0 ]]; then
        echo "$T_NAME: $T_FAILS failure(s)"
        exit 1
    fi
    echo "$T_NAME: PASS"
    exit 0
}

t_need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null || t_skip "$c is not installed"
    done
}

t_need_root() {
    [[ $(id -u) -eq 0 ]] || t_skip "needs root (loads BPF programs)"
}

t_setup_plugins() {
    local wiretap=$1 epan=${2:-}
    [[ -n "$wiretap" && -f "$wiretap" ]] || t_skip "no wiretap plugin given ($wiretap)"
    # shellcheck disable=SC2034 # read by tu_init
    TU_TMPDIR=${BPFDIG_TMPDIR:-${TMPDIR:-/tmp}}
    tu_init || t_skip "cannot set up an unprivileged tshark environment"
    tu_plugin wiretap "$wiretap" || exit 1
    if [[ -n "$epan" ]]; then
        tu_plugin epan "$epan" || exit 1
    fi
    if ! tu_tshark -G plugins 2>/dev/null | grep -q "$(basename "$wiretap")"; then
        t_fail "tshark does not load $(basename "$wiretap") from $TU_HOME"
        t_finish
    fi
}

# The sid lab (sysdig 0.41) when this checkout has ../shared and we are root.
t_sid_lab() {
    local lab=${BPFDIG_SID_LAB:-$T_LIB_DIR/../../../shared/tools/sid-lab.sh}
    if [[ -x "$lab" && $(id -u) -eq 0 ]]; then
        echo "$(cd "$(dirname "$lab")" && pwd)/$(basename "$lab")"
    fi
}

# Skip unless BPFDIG_CORPUS names a folder of .scap files (third-party data,
# absent from a user's clone).
t_need_corpus() {
    [[ -n "${BPFDIG_CORPUS:-}" ]] ||
        t_skip "BPFDIG_CORPUS is not set (third-party .scap corpus, ../shared/corpus)"
    compgen -G "$BPFDIG_CORPUS/*.scap" >/dev/null ||
        t_skip "no .scap files in BPFDIG_CORPUS=$BPFDIG_CORPUS"
}

# Ids of the loaded BPF programs named bpfdig_*, one per line.
t_bpfdig_progs() {
    bpftool prog show 2>/dev/null | sed -n 's/^\([0-9]*\): .* name \(bpfdig_[a-z_0-9]*\) .*/\1/p' | sort
}

# Fails the test if a bpfdig program that was not in $1 (an earlier
# t_bpfdig_progs) is still loaded and is either held by no process (pinned
# or leaked) or by a process running $3 (default: any). Programs of other
# live processes (a concurrent capture) are not ours to judge.
t_no_new_progs() {
    local before=$1 what=$2 exe=${3:-} left try
    # the kernel frees a closed program a little after its last fd goes
    for try in $(seq 30); do
        left=$(t_new_progs_held "$before" "$exe")
        [[ -z "${left// /}" ]] && return 0
        sleep 0.1
    done
    t_fail "$what: bpfdig programs still loaded (ids $left)"
}

# The new bpfdig programs held by nothing or by a process running $2.
t_new_progs_held() {
    local before=$1 exe=$2
    bpftool -j prog show 2>/dev/null | BEFORE="$before" EXE="$exe" python3 -c '
import glob, json, os, re, sys
before = set(os.environ["BEFORE"].split())
exe = os.path.realpath(os.environ["EXE"]) if os.environ["EXE"] else ""
owners = {}  # prog id -> pids holding an fd of it (bpftool 7.1 does not say)
for info in glob.glob("/proc/[0-9]*/fdinfo/*"):
    try:
        m = re.search(r"^prog_id:\s*(\d+)", open(info).read(), re.M)
    except OSError:
        continue
    if m:
        owners.setdefault(int(m.group(1)), set()).add(info.split("/")[2])
def ours(pid):
    try:
        return not exe or os.path.realpath(f"/proc/{pid}/exe") == exe
    except OSError:
        return False
for p in json.load(sys.stdin):
    if not p.get("name", "").startswith("bpfdig_") or str(p["id"]) in before:
        continue
    pids = owners.get(p["id"], set())
    if not pids or any(ours(pid) for pid in pids):
        print(p["id"], end=" ")
'
}

# Waits (10 s at most) until the agent PID, writing its stderr to ERRFILE,
# says it is capturing; false if it exits or stays silent.
t_wait_capturing() {
    local err=$1 pid=$2
    for _ in $(seq 100); do
        grep -q "capturing" "$err" && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q "capturing" "$err"
}

# t_activity_start SECONDS: a process that opens /etc/hostname (cat) 20 times
# a second for at most SECONDS, so that a whole-host capture has events of its
# own even on a quiet machine (a CI host may make none for many seconds).
# Sets T_ACTIVITY_PID; t_activity_stop ends it.
t_activity_start() {
    local seconds=$1
    (
        end=$((SECONDS + seconds))
        while ((SECONDS < end)); do
            cat /etc/hostname >/dev/null
            sleep 0.05
        done
    ) &
    T_ACTIVITY_PID=$!
}

t_activity_stop() {
    [[ -n "${T_ACTIVITY_PID:-}" ]] || return 0
    kill "$T_ACTIVITY_PID" 2>/dev/null
    wait "$T_ACTIVITY_PID" 2>/dev/null
    T_ACTIVITY_PID=""
}
