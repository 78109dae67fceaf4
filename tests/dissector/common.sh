# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared setup of the dissector tests. A test script is called as
#   test_X.sh EPAN_PLUGIN WIRETAP_PLUGIN
# with, in the environment,
#   BPFDIG_CORPUS      folder of the third-party .scap files (tests needing it skip without)
#   BPFDIG_SOURCE_DIR  the source tree (docs/fields.md, dissector/profile)
#   BPFDIG_TMPDIR      where to put temporary files (default: TMPDIR or /tmp)
# tshark runs as an unprivileged user with the plugins in a personal plugin
# folder (tests/lib/tshark-user.sh): Wireshark ignores those folders as root.
# Exit status: 0 pass, 1 fail, 77 skip.

set -u

DT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/testlib.sh
source "$DT_DIR/../lib/testlib.sh"

DT_NAME=$T_NAME

# The shared helpers of tests/lib/testlib.sh under this suite's prefix.
dt_log() { t_log "$@"; }
dt_skip() { t_skip "$@"; }
dt_fail() { t_fail "$@"; }
dt_finish() { t_finish; }
dt_need() { t_need "$@"; }
dt_need_corpus() { t_need_corpus; }
DT_EPAN=${1:-}
DT_WIRETAP=${2:-}
DT_SOURCE=${BPFDIG_SOURCE_DIR:-$(cd "$DT_DIR/../.." && pwd)}
export TU_TIMEOUT=${TU_TIMEOUT:-600}






# Install both plugins for an unprivileged tshark; fail if tshark does not load them.
dt_setup() {
    [[ -n "$DT_EPAN" && -f "$DT_EPAN" ]] || dt_skip "no epan plugin given ($DT_EPAN)"
    [[ -n "$DT_WIRETAP" && -f "$DT_WIRETAP" ]] || dt_skip "no wiretap plugin given ($DT_WIRETAP)"
    dt_need tshark
    TU_TMPDIR=${BPFDIG_TMPDIR:-${TMPDIR:-/tmp}}
    tu_init || dt_skip "cannot set up an unprivileged tshark environment"
    trap tu_cleanup EXIT
    tu_plugin epan "$DT_EPAN" || exit 1
    tu_plugin wiretap "$DT_WIRETAP" || exit 1
    local plugins
    plugins=$(tu_tshark -G plugins 2>/dev/null)
    if ! grep -q "$(basename "$DT_EPAN")" <<<"$plugins" ||
        ! grep -q "$(basename "$DT_WIRETAP")" <<<"$plugins"; then
        dt_fail "tshark does not load the plugins from $TU_HOME"
        dt_finish
    fi
}

# A corpus file copied where the test user can read it (cached per name).
dt_input() {
    local name=$1 dest="$TU_HOME/in/$1"
    [[ -f "$dest" ]] || tu_input "$BPFDIG_CORPUS/$name" >/dev/null || return 1
    echo "$dest"
}

# tshark as the test user; fails the test on a crash or timeout. stderr is
# kept in $TU_HOME/out/stderr for dt_quiet.
dt_tshark() {
    local rc
    tu_tshark "$@" 2>"$TU_HOME/out/stderr"
    rc=$?
    if [[ $rc -eq 124 ]]; then
        dt_fail "tshark $*: timed out"
    elif [[ $rc -ge 128 ]]; then
        dt_fail "tshark $*: killed by signal $((rc - 128))"
    fi
    return $rc
}

# The last dt_tshark run printed nothing on stderr (warnings, dissector bugs).
dt_quiet() {
    local what=$1
    if [[ -s "$TU_HOME/out/stderr" ]]; then
        dt_fail "$what: tshark wrote to stderr:"
        head -n 5 "$TU_HOME/out/stderr"
    fi
}

# Does text $2 contain the line $3? ($1 names the check.)
dt_has_line() {
    if ! grep -qxF -- "$3" <<<"$2"; then
        dt_fail "$1: no line '$3' in:"
        head -n 10 <<<"$2"
    fi
}

dt_expect_eq() {
    if [[ "$2" != "$3" ]]; then
        dt_fail "$1: expected '$3', got '$2'"
    fi
}
