#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Writing: tshark -F scap -w and editcap -F scap give back the original file
# byte for byte, except the section header, which is always written as
# version 1.2 without options. The original and the rewritten file print
# the same with sysdig (the host's sysdig, and sysdig 0.41 in the sid lab
# when BPFDIG_SID_LAB names its sid-lab.sh and we run as root).
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_need_corpus
pt_setup

have_sysdig=0
command -v sysdig >/dev/null && have_sysdig=1
[[ $have_sysdig -eq 1 ]] || pt_log "no sysdig on the host: sysdig comparison skipped"
lab=${BPFDIG_SID_LAB:-}
if [[ -n "$lab" && ( ! -f "$lab" || $(id -u) -ne 0 ) ]]; then
    pt_log "BPFDIG_SID_LAB=$lab unusable (missing or not root): sysdig 0.41 comparison skipped"
    lab=""
fi

# Same sysdig output for both files (skipped when sysdig cannot read the original).
compare_sysdig() {
    local label=$1 orig=$2 copy=$3 a b
    shift 3
    a=$(tu_output "sysdig.a")
    b=$(tu_output "sysdig.b")
    if ! "$@" "$orig" >"$a" 2>&1; then
        pt_log "$label: the original does not read ($(head -c 120 "$a")): skipped"
        return 0
    fi
    "$@" "$copy" >"$b" 2>&1 || pt_fail "$label: the rewritten file does not read: $(head -c 200 "$b")"
    if cmp -s "$a" "$b"; then
        pt_log "$label: same output ($(grep -c . <"$a") lines)"
    else
        pt_fail "$label: sysdig output differs"
        diff "$a" "$b" | head -n 6
    fi
}

sysdig029() { sysdig -r "$1"; }
sysdig041() { LAB_BINDS="$TU_HOME" bash "$lab" run sysdig -r "$1"; }

while read -r f; do
    name=$(basename "$f" .scap)
    in=$(tu_input "$f")
    norm=$(tu_output "$name.norm")
    "${SCAPSCAN[@]}" normalise "$in" "$norm"
    for tool in tshark editcap; do
        out=$(tu_output "$name.$tool.scap")
        if [[ $tool == tshark ]]; then
            TU_TIMEOUT=300 tu_tshark -r "$in" -F scap -w "$out"
        else
            TU_TIMEOUT=300 tu_editcap -F scap "$in" "$out"
        fi
        rc=$?
        pt_check_status "$name ($tool)" $rc
        [[ $rc -eq 0 ]] || pt_fail "$name: $tool -F scap exit status $rc"
        cmp -s "$norm" "$out" ||
            pt_fail "$name: $tool -F scap output differs from the original: $(cmp "$norm" "$out" 2>&1)"
    done
    out=$(tu_output "$name.tshark.scap")
    [[ $have_sysdig -eq 1 ]] && compare_sysdig "$name (sysdig $(sysdig --version | awk '{print $3}'))" \
        "$in" "$out" sysdig029
    [[ -n "$lab" ]] && compare_sysdig "$name (sysdig in the sid lab)" "$in" "$out" sysdig041
    rm -f "$norm" "$(tu_output "$name.editcap.scap")" "$out"
done < <(pt_corpus_files)

pt_finish
