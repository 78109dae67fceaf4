#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ssh-bench.sh - the extcap's SSH path on loopback (root; starts its own sshd
# on 127.0.0.1 with a test user, as tests/extcap does).
#
#   1. Stream throughput: the same scap bytes (a real capture repeated by
#      make_big_scap) through the extcap into a fifo, against a plain
#      `ssh host cat FILE`. MB/s and events/s.
#   2. Live: the real agent over SSH (sudo -n) while a load runs: events/s the
#      whole chain delivers, drops.
#   3. Delay from a syscall to its arrival in the fifo at a low event rate
#      (5 marker syscalls/s): median and max. Target: < 200 ms.
#
# Usage: bench/ssh-bench.sh BUILD_DIR [MB]        (MB: stream size, default 300)
# Targets: >= 50 MB/s, < 200 ms.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
B=$(cd "${1:?usage: ssh-bench.sh BUILD_DIR [MB]}" && pwd)
MB=${2:-300}
# shellcheck disable=SC2034 # read by testlib.sh
T_NAME=ssh-bench
source "$HERE/../tests/lib/testlib.sh"
source "$HERE/../tests/extcap/sshd-lib.sh"
EXTCAP=$B/extcap/bpfdig
AGENT=$B/remote-agent/bpfdig-agent
BIG=$B/bench/make_big_scap
for f in "$EXTCAP" "$AGENT" "$BIG"; do
    [[ -x $f ]] || {
        echo "ssh-bench: $f is missing: build $B first" >&2
        exit 1
    }
done
t_need_root
sx_need

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ssh-bench.XXXXXX")
chmod 755 "$tmp"
cleanup() {
    [[ -n "${load_pid:-}" ]] && kill "$load_pid" 2>/dev/null
    sx_cleanup
    rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" TERM INT

mkdir -p "$tmp/bin"
cp "$AGENT" "$tmp/bin/bpfdig-agent"
SX_AGENT=$tmp/bin/bpfdig-agent
sx_start "$tmp/sshd" || exit 1
U=bdxb$RANDOM
sx_add_user "$U" 1 || exit 1
sx_known_hosts_line >"$tmp/kh"
KEY=$tmp/sshd/$U.key
SSH=(ssh -i "$KEY" -p "$SX_PORT" -o UserKnownHostsFile="$tmp/kh" -o BatchMode=yes "$U@127.0.0.1")
EXT=(env -u SSH_AUTH_SOCK "$EXTCAP" --extcap-interface bpfdig-ssh --remote-host 127.0.0.1
    --remote-port "$SX_PORT" --remote-username "$U" --sshkey "$KEY" --ssh-agent false
    --known-hosts "$tmp/kh")
now() { date +%s.%N; }

# ---------------------------------------------------------------- 1. stream
echo "ssh-bench: recording a seed capture (2 s, all syscalls, with load)"
(while :; do cat /etc/services >/dev/null; done) &
load_pid=$!
"$AGENT" -w "$tmp/seed.scap" -M 2 -q
kill "$load_pid"
wait "$load_pid" 2>/dev/null
load_pid=""
ev=$("$BIG" "$tmp/seed.scap" "$tmp/big.scap" 1 | awk '{print $1}') # events of one round
one_round=$(stat -c %s "$tmp/big.scap")
rounds=$((MB * 1000000 / one_round + 1))
events=$("$BIG" "$tmp/seed.scap" "$tmp/big.scap" $((ev * rounds)) | awk '{print $1}')
bytes=$(stat -c %s "$tmp/big.scap")
chmod 644 "$tmp/big.scap"
echo "ssh-bench: stream of $bytes bytes, $events events"

# The remote "agent" replays the file: same bytes as `ssh host cat`.
cat >"$tmp/bin/replay-agent" <<EOF
#!/bin/sh
case "\$1" in -V) echo "bpfdig-agent $("$AGENT" -V | awk '{print $2}')"; exit 0 ;; esac
exec cat "$tmp/big.scap"
EOF
chmod 755 "$tmp/bin/replay-agent"

best_cat=0 best_ext=0
for run in 1 2 3; do
    t0=$(now)
    "${SSH[@]}" cat "$tmp/big.scap" >"$tmp/cat.out"
    t1=$(now)
    got=$(stat -c %s "$tmp/cat.out")
    r=$(python3 -c "print(f'{$got/1e6/($t1-$t0):.1f}')")
    [[ $got -eq $bytes ]] || echo "ssh-bench: ssh cat delivered $got of $bytes bytes"
    best_cat=$(python3 -c "print(max($best_cat, $r))")

    rm -f "$tmp/fifo"
    mkfifo "$tmp/fifo"
    cat "$tmp/fifo" >"$tmp/ext.out" &
    cat_pid=$!
    t0=$(now)
    "${EXT[@]}" --remote-priv none --upload-agent never --remote-agent "$tmp/bin/replay-agent" \
        --capture --fifo "$tmp/fifo" 2>"$tmp/ext.err"
    rc=$?
    wait "$cat_pid"
    t1=$(now)
    got=$(stat -c %s "$tmp/ext.out")
    [[ $rc -eq 0 && $got -eq $bytes ]] || echo "ssh-bench: extcap exit $rc, $got of $bytes bytes: $(head -3 "$tmp/ext.err")"
    cmp -s "$tmp/ext.out" "$tmp/big.scap" || echo "ssh-bench: the extcap's output differs from the stream"
    r=$(python3 -c "print(f'{$got/1e6/($t1-$t0):.1f}')")
    best_ext=$(python3 -c "print(max($best_ext, $r))")
    echo "ssh-bench: run $run: ssh cat $(tail -1 <<<"$best_cat") MB/s best so far, extcap $r MB/s"
done
ev_rate=$(python3 -c "print(f'{$best_ext*1e6/($bytes/$events):,.0f}')")
echo "RESULT stream: extcap $best_ext MB/s ($ev_rate events/s), plain ssh cat $best_cat MB/s (best of 3, $((bytes / 1000000)) MB, extcap includes connect+probe)"

# ---------------------------------------------------------------- 2. live agent
(while :; do cat /etc/services >/dev/null; done) &
load_pid=$!
rm -f "$tmp/fifo"
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/live.out" &
cat_pid=$!
"${EXT[@]}" --remote-agent "$SX_AGENT" --upload-agent never --duration 5 --log-level message \
    --log-file "$tmp/live.log" --capture --fifo "$tmp/fifo" 2>"$tmp/live.err"
rc=$?
wait "$cat_pid"
kill "$load_pid"
wait "$load_pid" 2>/dev/null
load_pid=""
summary=$(grep -ho 'stopped (.*' "$tmp/live.log" "$tmp/live.err" | tail -1)
live_ev=$(grep -o '[0-9]* events written' <<<"$summary" | awk '{print $1}')
echo "RESULT live agent over SSH, 5 s, all syscalls + cat loop: exit $rc, $(stat -c %s "$tmp/live.out") bytes, $((${live_ev:-0} / 5)) events/s; agent: $summary"

# ---------------------------------------------------------------- 3. delay
cat >"$tmp/marker.py" <<'EOF'
import os, sys, time
out, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
time.sleep(4)                      # capture start-up
with open(out, "w") as f:
    for i in range(n):
        t = time.time()
        try:  # a failed openat: its path is in the event
            os.open(f"/nonexistent-{tag}-{i:04d}", os.O_RDONLY)
        except FileNotFoundError:
            pass
        f.write(f"{i} {t:.6f}\n")
        time.sleep(0.2)
time.sleep(0.5)
EOF
cat >"$tmp/reader.py" <<'EOF'
import re, sys, time
fifo, out, tag = sys.argv[1], sys.argv[2], sys.argv[3].encode()
pat = re.compile(rb"/nonexistent-" + re.escape(tag) + rb"-(\d{4})")
seen, tail = {}, b""
with open(fifo, "rb", buffering=0) as f:
    while True:
        b = f.read(1 << 20)
        if not b:
            break
        t = time.time()
        buf = tail + b
        for m in pat.finditer(buf):
            seen.setdefault(int(m.group(1)), t)
        tail = buf[-64:]
with open(out, "w") as o:
    for i, t in sorted(seen.items()):
        o.write(f"{i} {t:.6f}\n")
EOF
tag=lat$RANDOM
python3 "$tmp/marker.py" "$tmp/sent" 25 "$tag" &
marker_pid=$!
rm -f "$tmp/fifo"
mkfifo "$tmp/fifo"
python3 "$tmp/reader.py" "$tmp/fifo" "$tmp/arrived" "$tag" &
reader_pid=$!
"${EXT[@]}" --remote-agent "$SX_AGENT" --upload-agent never --pid "$marker_pid" \
    --capture --fifo "$tmp/fifo" 2>"$tmp/lat.err" &
ext_pid=$!
wait "$marker_pid"
kill -TERM "$ext_pid"
wait "$ext_pid"
wait "$reader_pid"
python3 - "$tmp/sent" "$tmp/arrived" <<'EOF'
import statistics, sys
sent = dict(l.split() for l in open(sys.argv[1]))
arr = dict(l.split() for l in open(sys.argv[2]))
d = [(float(arr[k]) - float(sent[k])) * 1000 for k in sent if k in arr]
if not d:
    print("RESULT delay: no marker arrived"); sys.exit(0)
print(f"RESULT delay syscall -> fifo at 5 events/s: median {statistics.median(d):.1f} ms, "
      f"max {max(d):.1f} ms, {len(d)}/{len(sent)} markers (target < 200 ms)")
EOF
