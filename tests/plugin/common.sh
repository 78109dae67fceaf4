# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared setup of the plugin tests. A test script is called as
#   test_X.sh WIRETAP_PLUGIN [EPAN_PLUGIN]
# (EPAN_PLUGIN may be empty or absent) with, in the environment,
#   BPFDIG_CORPUS   folder of the third-party .scap files (tests needing it skip without)
#   BPFDIG_TMPDIR   where to put temporary files (default: TMPDIR or /tmp)
# Exit status: 0 pass, 1 fail, 77 skip.

set -u

PT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/testlib.sh
source "$PT_DIR/../lib/testlib.sh"

PT_NAME=$T_NAME

# The shared helpers of tests/lib/testlib.sh under this suite's prefix.
pt_log() { t_log "$@"; }
pt_skip() { t_skip "$@"; }
pt_fail() { t_fail "$@"; }
pt_finish() { t_finish; }
pt_need() { t_need "$@"; }
pt_need_corpus() { t_need_corpus; }
PT_WIRETAP=${1:-}
PT_EPAN=${2:-}
SCAPSCAN=(python3 "$PT_DIR/scapscan.py")

# Event counts of the corpus files (docs: scap-format.md 1.13).
declare -A PT_EVENTS=(
    [curl_google]=1536 [curl_google_comments]=1536 [falco_cat_write]=345
    [falco_connect_localhost]=374 [falco_empty]=143 [falco_open-multiple-files]=1272
    [falco_ping_sendto]=1526 [falco_syscall]=368 [inspect_502Error]=22381
    [psp_privileged]=2059 [psp_run_as_user_0_container]=4143
    [psp_run_as_user_65534_container]=241 [psp_write_tmp_test]=229
    [single_ipv6_conn]=1728 [test_ipv6_client]=326
)




# Corpus files (all, or those named in $BPFDIG_TEST_FILES, space separated).
pt_corpus_files() {
    local f
    if [[ -n "${BPFDIG_TEST_FILES:-}" ]]; then
        for f in $BPFDIG_TEST_FILES; do
            echo "$BPFDIG_CORPUS/$f.scap"
        done
    else
        ls "$BPFDIG_CORPUS"/*.scap
    fi
}



# Event count of a file: the table above, cross-checked by a block scan.
pt_event_count() {
    local f=$1 name scanned
    name=$(basename "$f" .scap)
    scanned=$("${SCAPSCAN[@]}" count "$f" | sed -n 's/^events=\([0-9]*\).*/\1/p')
    if [[ -n "${PT_EVENTS[$name]:-}" && "${PT_EVENTS[$name]}" != "$scanned" ]]; then
        pt_fail "$name: block scan finds $scanned events, the corpus table says ${PT_EVENTS[$name]}"
    fi
    echo "$scanned"
}

# Set up the unprivileged tool environment with the plugins under test.
pt_setup() {
    [[ -n "$PT_WIRETAP" && -f "$PT_WIRETAP" ]] || pt_skip "no wiretap plugin given ($PT_WIRETAP)"
    pt_need python3
    # shellcheck disable=SC2034 # read by tu_init
    TU_TMPDIR=${BPFDIG_TMPDIR:-${TMPDIR:-/tmp}}
    tu_init || pt_skip "cannot set up an unprivileged tshark environment"
    trap tu_cleanup EXIT
    tu_plugin wiretap "$PT_WIRETAP" || exit 1
    if [[ -n "$PT_EPAN" ]]; then
        tu_plugin epan "$PT_EPAN" || exit 1
    fi
    tu_tshark -G plugins 2>/dev/null | grep -q "$(basename "$PT_WIRETAP")" ||
        {
            pt_fail "tshark does not load $(basename "$PT_WIRETAP") from $TU_HOME"
            pt_finish
        }
}

# An uncompressed copy of a corpus file, readable by the test user.
pt_plain_input() {
    local f=$1 name dest
    name=$(basename "$f")
    dest="$TU_HOME/in/plain-$name"
    if [[ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" == "1f8b" ]]; then
        gzip -dc "$f" >"$dest"
    else
        cp "$f" "$dest"
    fi
    chmod 644 "$dest"
    echo "$dest"
}

# Exit status of a tool run: fail on death by signal (>= 128) or timeout (124).
pt_check_status() {
    local what=$1 rc=$2
    if [[ $rc -eq 124 ]]; then
        pt_fail "$what: timed out (hang?)"
    elif [[ $rc -ge 128 ]]; then
        pt_fail "$what: killed by signal $((rc - 128))"
    fi
}
