#!/bin/bash
# Reader benchmark (issue #2): a capture of >= 1 M events read four ways.
#   bench/reader-bench.sh BUILD_DIR [SOURCE.scap] [MIN_EVENTS]
# Prints events/s, the ratios and peak memory side by side with the targets:
#   library alone >= 2x sysdig 0.41's events/s; plugin adds < 50 % to plain
#   tshark's time and < 64 bytes retained per event.
# sysdig 0.41 runs in the sid lab (skipped when absent); tshark loads the
# plugins from BUILD_DIR through a personal plugin folder of user nobody.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR [SOURCE.scap] [MIN_EVENTS]}" && pwd)
src=${2:-$here/../shared/corpus/inspect_502Error.scap}
min=${3:-1000000}
out=$build/bench
mkdir -p "$out"
big=$out/big.scap

"$build/bench/make_big_scap" "$src" "$big" "$min" >/dev/null || exit 1
events=$("$build/scapkit/skfields" -q "$big" 2>&1 | awk '{print $2}')

measure() { # label cmd... -> "label seconds maxrss_kb"
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/$label.err" || {
        echo "$label FAILED (see $out/$label.err)" >&2
        return 1
    }
    read -r secs kb <"$out/time.txt"
    echo "$label $secs $kb"
}

results=()
r=$(measure library "$build/scapkit/skfields" -q "$big") && results+=("$r")

if [ -f "$build/dissector/epan/bpfdig.so" ] && [ -f "$build/dissector/wiretap/bpfdig_scap.so" ]; then
    home=$(mktemp -d)
    pdir=$home/.local/lib/wireshark/plugins/$(tshark -v | sed -n 's/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
    mkdir -p "$pdir/epan" "$pdir/wiretap"
    cp "$build/dissector/epan/bpfdig.so" "$pdir/epan/"
    cp "$build/dissector/wiretap/bpfdig_scap.so" "$pdir/wiretap/"
    cp "$big" "$home/big.scap"
    chown -R nobody "$home"
    asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$home")
    r=$(measure tshark_plugin "${asuser[@]}" tshark -r "$home/big.scap" -T fields -e proc.name -e fd.name) && results+=("$r")
    r=$(measure tshark_plain tshark -r "$big" -T fields -e sysdig.event_type) && results+=("$r")
    rm -rf "$home"
fi

lab=${SID_LAB:-$here/../shared/tools/sid-lab.sh}
if [ -f "$lab" ] && [ -d /var/cache/bpfdig-sid-lab/sid ]; then
    r=$(measure sysdig041 bash "$lab" run sysdig -r "$big" -p '*%proc.name %fd.name') && results+=("$r")
fi

printf '\n%-16s %10s %12s %14s %12s\n' reader seconds "events/s" "peak RSS MiB" "bytes/event"
for r in "${results[@]}"; do
    read -r label secs kb <<<"$r"
    eps=$(awk -v e="$events" -v s="$secs" 'BEGIN{printf "%.0f", s > 0 ? e / s : 0}')
    printf '%-16s %10s %12s %14.1f %12.1f\n' "$label" "$secs" "$eps" "$(echo "$kb/1024" | bc -l)" \
        "$(echo "$kb*1024/$events" | bc -l)"
done
echo
echo "events: $events (file $big)"
echo "targets: library >= 2x sysdig041 events/s; tshark_plugin time < 1.5x tshark_plain;"
echo "         (tshark_plugin RSS - tshark_plain RSS) / events < 64 bytes"
