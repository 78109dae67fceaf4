#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The state is computed once, on the first pass, and read back afterwards:
# a single pass and tshark -2 (whose second pass revisits every frame) give
# identical values for every bpfdig and scap field and the Info column, on
# every corpus file.
source "$(dirname "$0")/common.sh"
dt_need_corpus
dt_setup

fields=$(TU_TIMEOUT=120 dt_tshark -G fields |
    awk -F'\t' '$1 == "F" && ($5 == "bpfdig" || $5 == "scap") {print $3}')
[[ $(wc -l <<<"$fields") -gt 100 ]] || dt_fail "too few bpfdig fields: $(wc -l <<<"$fields")"
args=(-T fields -E separator=/t -E occurrence=a -E aggregator=, -E quote=n -e frame.number
    -e _ws.col.Protocol -e _ws.col.Info)
while read -r f; do
    args+=(-e "$f")
done <<<"$fields"

for f in "$BPFDIG_CORPUS"/*.scap; do
    name=$(basename "$f" .scap)
    in=$(dt_input "$name.scap")
    one=$(tu_output "$name.1")
    two=$(tu_output "$name.2")
    dt_tshark -r "$in" "${args[@]}" >"$one" || dt_fail "$name: single pass failed"
    dt_tshark -2 -r "$in" "${args[@]}" >"$two" || dt_fail "$name: two-pass run failed"
    if ! cmp -s "$one" "$two"; then
        dt_fail "$name: tshark -2 differs from the single pass:"
        diff "$one" "$two" | cut -c 1-300 | head -n 6
    fi
    [[ -s "$one" ]] || dt_fail "$name: no output"
    rm -f "$one" "$two"
done

dt_finish
