#!/bin/bash
# coexist-measure.sh FILE [TOOL [PROC]] - how the falco bridge's fields and bpfdig's
# fields of the same names behave in one process (run inside the sid lab,
# with bpfdig installed). Prints one "key value" line per measurement:
#   rows_bridge_on / rows_bridge_off      rows shown without a filter
#   curl_rows_bridge_on / _off            rows matched by proc.name == "$name"
#   curl_rows_bpfdig                      rows whose bpfdig proc.name is curl
#   curl_false_on                         rows matched with the bridge on whose
#                                         bpfdig value (the row's own) is not curl
#   type_disagree_on                      rows where the two evt.type values differ
#   rows_bpfdig_fields_off                rows with bpfdig's evt.num (bridge off)
set -euo pipefail
f=$1 tool=${2:-strato} name=${3:-curl}
off=(--disable-protocol falcoevents)
on=(-o bpfdig.falco_bridge:TRUE --enable-protocol falcoevents)
# Only pass -o bpfdig.falco_bridge when the preference exists.
if ! $tool -G currentprefs 2>/dev/null | grep -q '^#*bpfdig.falco_bridge:'; then on=(--enable-protocol falcoevents); fi
q() { $tool -r "$f" "$@" 2>/dev/null; }
echo "rows_bridge_on $(q "${on[@]}" | wc -l)"
echo "rows_bridge_off $(q "${off[@]}" | wc -l)"
echo "curl_rows_bridge_on $(q "${on[@]}" -Y "proc.name == \"$name\"" | wc -l)"
echo "curl_rows_bridge_off $(q "${off[@]}" -Y "proc.name == \"$name\"" | wc -l)"
# bpfdig's own value is the last occurrence (the postdissector runs last).
q "${on[@]}" -Y "proc.name == \"$name\"" -T fields -E occurrence=l -e frame.number -e proc.name |
    awk -F'\t' -v name="$name" '$2 != name {n++} END {print "curl_false_on", n+0}'
q "${on[@]}" -T fields -E occurrence=a -E aggregator='|' -e evt.type |
    awk -F'|' 'NF == 2 && $1 != $2 {n++} END {print "type_disagree_on", n+0}'
q "${off[@]}" -T fields -e evt.num | awk 'length($0) {n++} END {print "rows_bpfdig_fields_off", n+0}'
