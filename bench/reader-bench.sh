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

reps=${BENCH_REPS:-3}

# One run: "wall_s cpu_s maxrss_kb" (cpu = user + system) from GNU time's file $1.
one_run() {
    local tfile=$1
    shift
    "$@" >/dev/null 2>>"$out/run.err" || return 1
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$tfile"
}

# measure LABEL CMD...: median wall and CPU time and the largest peak RSS of
# $reps runs -> "label wall cpu maxrss_kb". CMD's own /usr/bin/time writes
# "$tfile" (so a chroot can time its command inside).
measure() {
    local label=$1 tfile=$2 r walls=() cpus=() kb=0
    shift 2
    for _ in $(seq "$reps"); do
        r=$(one_run "$tfile" "$@") || {
            echo "$label FAILED (see $out/run.err)" >&2
            return 1
        }
        read -r w c k <<<"$r"
        walls+=("$w")
        cpus+=("$c")
        [ "$k" -gt "$kb" ] && kb=$k
    done
    echo "$label $(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(((reps + 1) / 2))p")" \
        "$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "$(((reps + 1) / 2))p") $kb"
}
timed=(/usr/bin/time -f "%e %U %S %M" -o "$out/time.txt")

results=()
r=$(measure library "$out/time.txt" "${timed[@]}" "$build/scapkit/skfields" -q "$big") && results+=("$r")

if [ -f "$build/dissector/epan/bpfdig.so" ] && [ -f "$build/dissector/wiretap/bpfdig_scap.so" ]; then
    home=$(mktemp -d)
    chmod 755 "$home"
    pdir=$home/.local/lib/wireshark/plugins/$(tshark -v | sed -n 's/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
    mkdir -p "$pdir/epan" "$pdir/wiretap"
    cp "$build/dissector/epan/bpfdig.so" "$pdir/epan/"
    cp "$build/dissector/wiretap/bpfdig_scap.so" "$pdir/wiretap/"
    cp "$big" "$home/big.scap"
    chown -R nobody "$home"
    asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$home")
    r=$(measure tshark_plugin "$out/time.txt" "${timed[@]}" "${asuser[@]}" tshark -r "$home/big.scap" \
        -T fields -e proc.name -e fd.name) && results+=("$r")
    # plain: the same user and file, no plugins (an empty personal folder)
    plain_home=$(mktemp -d)
    chmod 755 "$plain_home"
    ln "$home/big.scap" "$plain_home/big.scap" 2>/dev/null || cp "$big" "$plain_home/big.scap"
    chown -R nobody "$plain_home"
    r=$(measure tshark_plain "$out/time.txt" "${timed[@]}" setpriv --reuid=65534 --regid=65534 \
        --clear-groups env HOME="$plain_home" tshark -r "$plain_home/big.scap" -T fields \
        -e sysdig.event_type) && results+=("$r")
    rm -rf "$home" "$plain_home"
fi

lab=${SID_LAB:-$here/../shared/tools/sid-lab.sh}
if [ -f "$lab" ] && [ -d /var/cache/bpfdig-sid-lab/sid ]; then
    # timed inside the chroot: the lab's own start-up is not sysdig's cost
    r=$(measure sysdig041 "$out/time-lab.txt" bash "$lab" run /usr/bin/time -f "%e %U %S %M" \
        -o "$out/time-lab.txt" sysdig -r "$big" -p '*%proc.name %fd.name') && results+=("$r")
else
    echo "sysdig 0.41 skipped: no sid lab ($lab)" >&2
fi

printf '\n%-14s %8s %8s %12s %14s %12s\n' reader "wall s" "cpu s" "events/s" "peak RSS MiB" "bytes/event"
declare -A cpu rss
for r in "${results[@]}"; do
    read -r label wall c kb <<<"$r"
    cpu[$label]=$c
    rss[$label]=$kb
    eps=$(awk -v e="$events" -v s="$c" 'BEGIN{printf "%.0f", (s > 0) ? e / s : 0}')
    printf '%-14s %8s %8s %12s %14.1f %12.1f\n' "$label" "$wall" "$c" "$eps" \
        "$(echo "$kb/1024" | bc -l)" "$(echo "$kb*1024/$events" | bc -l)"
done
echo
echo "events: $events (file $big); medians of $reps runs; events/s = events / CPU seconds"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0.0) printf "%.2f", a / b; else print "n/a" }'; }
if [ -n "${cpu[sysdig041]:-}" ]; then
    echo "library vs sysdig 0.41 events/s: $(ratio "${cpu[sysdig041]}" "${cpu[library]}")x   (target >= 2x)"
fi
if [ -n "${cpu[tshark_plugin]:-}" ]; then
    echo "tshark with plugin / plain tshark CPU time: $(ratio "${cpu[tshark_plugin]}" "${cpu[tshark_plain]}")x   (target < 1.5x)"
    echo "retained memory added by the plugin: $(awk -v a="${rss[tshark_plugin]}" -v b="${rss[tshark_plain]}" -v e="$events" \
        'BEGIN{printf "%.1f", (a - b) * 1024 / e}') bytes/event   (target < 64)"
fi
