#!/bin/bash
# lab-check.sh OUTDIR FILE... - inside the sid lab, with bpfdig installed:
#  1. strato and tshark 4.6 load bpfdig.so, bpfdig_scap.so and the falco bridge
#     without a warning, an error or a duplicate registration (stderr of -G);
#  2. bpfdig's preference bpfdig.falco_bridge exists, bpfdig owns the file type;
#  3. every FILE opens with strato and tshark: exit 0, nothing on stderr but
#     the root notice, the same rows in both, bpfdig's fields on every event
#     row (evt.num, evt.dir, thread.tid, and proc.name where any), and no row
#     hidden (the falco bridge is off by default).
# Prints one line per check; exit 1 if any failed.
set -uo pipefail
out=$1; shift
mkdir -p "$out"
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
clean_err() { grep -v -e '^Running as user "root"' -e '^$' "$1" || true; }

for tool in strato tshark; do
    $tool -G plugins >"$out/$tool.plugins" 2>"$out/$tool.plugins.err"
    for p in bpfdig.so bpfdig_scap.so falco-events.so; do
        if grep -q "^$p" "$out/$tool.plugins"; then ok "$tool loads $p"; else bad "$tool does not load $p"; fi
    done
    $tool -G fields >"$out/$tool.fields" 2>"$out/$tool.fields.err"
    errs=$(cat "$out/$tool.plugins.err" "$out/$tool.fields.err" | clean_err |
           grep -v 'falcodump.*Unable to open kmod' | grep -iE 'warn|error|duplicate|assert|bug' || true)
    if [ -z "$errs" ]; then ok "$tool -G plugins/fields: no warning or error"; else bad "$tool -G: $errs"; fi
    for f in evt.num evt.dir evt.latency proc.ppid container.id proc.name fd.name evt.type; do
        if awk -F'\t' -v f="$f" '$1=="F" && $3==f && $5=="bpfdig" {x=1} END {exit !x}' "$out/$tool.fields"; then
            :
        else bad "$tool: field $f is not bpfdig's"; fi
    done
    ok "$tool: evt.num evt.dir evt.latency proc.ppid container.id ... are bpfdig's fields"
done
if strato -G currentprefs 2>/dev/null | grep -q '^#bpfdig.falco_bridge: FALSE'; then
    ok "preference bpfdig.falco_bridge (default FALSE)"
else bad "preference bpfdig.falco_bridge missing or not FALSE by default"; fi

for f in "$@"; do
    b=$(basename "$f" .scap)
    ft=$(capinfos -t "$f" 2>/dev/null | sed -n 's/^File type: *//p')
    case "$ft" in *bpfdig*) ;; *) bad "$b: file type is '$ft', not bpfdig's" ;; esac
    declare -A rows=()
    for tool in strato tshark; do
        o="$out/$b.$tool.tsv"
        $tool -r "$f" -T fields -E occurrence=a -E aggregator='|' -e frame.number \
            -e sysdig.event_type -e evt.num -e evt.dir -e thread.tid -e proc.name -e evt.type \
            >"$o" 2>"$o.err"
        rc=$?
        e=$(clean_err "$o.err")
        [ $rc -eq 0 ] || bad "$b: $tool exit status $rc"
        [ -z "$e" ] || bad "$b: $tool stderr: $(head -c 300 <<<"$e")"
        rows[$tool]=$(wc -l <"$o")
        # event rows: sysdig.event_type set. Each must have evt.num/dir/tid (one value),
        # and at most one evt.type value (no second, bridge, occurrence).
        read -r ev bad_fields dup named < <(awk -F'\t' '
            $2 != "" { ev++; if ($3 == "" || $4 == "" || $5 == "") bf++
                       if (index($7, "|") || index($6, "|")) d++
                       if ($6 != "") n++ }
            END { print ev+0, bf+0, d+0, n+0 }' "$o")
        [ "$bad_fields" = 0 ] || bad "$b: $tool: $bad_fields event rows without evt.num/evt.dir/thread.tid"
        [ "$dup" = 0 ] || bad "$b: $tool: $dup rows with two values of evt.type/proc.name"
        echo "     $b $tool: rows=${rows[$tool]} events=$ev with_proc.name=$named"
    done
    if [ "${rows[strato]}" = "${rows[tshark]}" ]; then ok "$b: strato and tshark rows = ${rows[strato]}"
    else bad "$b: strato rows ${rows[strato]} != tshark rows ${rows[tshark]}"; fi
    if cmp -s "$out/$b.strato.tsv" "$out/$b.tshark.tsv"; then ok "$b: strato and tshark show the same values"
    else bad "$b: strato and tshark values differ"; fi
done
exit $fail
