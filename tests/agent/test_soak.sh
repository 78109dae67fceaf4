#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A bounded soak: bpfdig-agent captures every syscall of the host for
# BPFDIG_SOAK_SECONDS (default 60) while this test runs a mixed load: file
# churn (create/write/read/rename/unlink), TCP and UDP ping-pong on loopback,
# and parallel fork/exec storms. Asserts:
#   * the agent's RSS stays flat: the max over the second half of the run is
#     at most 10% + 4 MiB above the max over the first half (sampled each s);
#   * it stops by itself (-M) with status 0 and a summary with "events
#     written" and "drops: N" (drops are acceptable on this shared 2-core
#     machine, but never silent: N > 0 comes with the per-CPU line), and no
#     record failed to convert;
#   * the file reads end to end with the library (scapdump -s: no undecodable
#     event, as many events as the summary says; skfields -q: the state
#     engine runs through) and with sysdig 0.41 (sid lab, when present);
#   * no bpfdig program is left loaded.
#
# Usage: test_soak.sh AGENT SCAPDUMP SKFIELDS
source "$(dirname "$0")/../lib/testlib.sh"
AGENT=$1 SCAPDUMP=$2 SKFIELDS=$3
SECONDS_RUN=${BPFDIG_SOAK_SECONDS:-60}

t_need_root
t_need python3 bpftool
[[ -r /sys/kernel/btf/vmlinux ]] || t_skip "kernel without BTF"
[[ "$SECONDS_RUN" =~ ^[0-9]+$ && $SECONDS_RUN -ge 4 ]] ||
    t_skip "BPFDIG_SOAK_SECONDS=$SECONDS_RUN (at least 4)"

tmp=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/agent-soak.XXXXXX")
load_pids=()
stop_load() {
    touch "$tmp/stop"
    local p
    for p in "${load_pids[@]}"; do
        wait "$p" 2>/dev/null
    done
    load_pids=()
}
cleanup() {
    [[ -n "${agent_pid:-}" ]] && kill -KILL "$agent_pid" 2>/dev/null
    stop_load
    [[ "${TU_KEEP:-0}" = 1 ]] || rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -m 700 "$tmp/files"

# --------------------------------------------------------------- the load
cat >"$tmp/load.py" <<'PY'
import os, socket, sys, threading, time
mode, d = sys.argv[1], sys.argv[2]
stop = os.path.join(d, "stop")
n = 0

def files():
    global n
    buf = os.urandom(4096)
    while not os.path.exists(stop):
        for i in range(200):
            a, b = f"{d}/files/f{i % 16}", f"{d}/files/g{i % 16}"
            with open(a, "wb") as f:
                f.write(buf[: 100 + i * 7])
            with open(a, "rb") as f:
                f.read()
            os.rename(a, b)
            os.unlink(b)
            n += 1
        time.sleep(0.005)

def tcp():
    global n
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    def echo():
        while True:
            c, _ = srv.accept()
            while True:
                m = c.recv(256)
                if not m:
                    break
                c.sendall(m)
            c.close()
    threading.Thread(target=echo, daemon=True).start()
    while not os.path.exists(stop):
        c = socket.create_connection(("127.0.0.1", port))
        for _ in range(200):
            c.sendall(b"ping" * 16)
            c.recv(256)
            n += 1
        c.close()
        time.sleep(0.01)

def udp():
    global n
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.bind(("127.0.0.1", 0))
    while not os.path.exists(stop):
        for _ in range(200):
            a.sendto(b"udp-ping", b.getsockname())
            m, peer = b.recvfrom(64)
            b.sendto(m, peer)
            a.recvfrom(64)
            n += 1
        time.sleep(0.01)

{"files": files, "tcp": tcp, "udp": udp}[mode]()
print(f"{mode}: {n} rounds")
PY
start_load() {
    python3 "$tmp/load.py" files "$tmp" >"$tmp/load-files.out" 2>&1 &
    load_pids+=($!)
    python3 "$tmp/load.py" tcp "$tmp" >"$tmp/load-tcp.out" 2>&1 &
    load_pids+=($!)
    python3 "$tmp/load.py" udp "$tmp" >"$tmp/load-udp.out" 2>&1 &
    load_pids+=($!)
    local i
    for i in 1 2; do
        # shellcheck disable=SC2016 # expanded by the inner sh
        sh -c 'n=0; while [ ! -e "$1/stop" ]; do
                   for i in $(seq 100); do /bin/true; done; n=$((n + 100))
               done; echo "execs$2: $n"' sh "$tmp" "$i" >"$tmp/load-exec$i.out" 2>&1 &
        load_pids+=($!)
    done
}

# ---------------------------------------------------------------- capture
progs_before=$(t_bpfdig_progs)
start_load
sleep 1
"$AGENT" -M "$SECONDS_RUN" -w "$tmp/soak.scap" 2>"$tmp/agent.err" &
agent_pid=$!
# VmRSS (KiB) once a second while the agent runs
rss=()
while kill -0 "$agent_pid" 2>/dev/null; do
    v=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$agent_pid/status" 2>/dev/null)
    grep -q "capturing" "$tmp/agent.err" && [[ -n "$v" ]] && rss+=("$v")
    sleep 1
done
wait "$agent_pid"
rc=$?
agent_pid=""
stop_load
cat "$tmp/agent.err"
cat "$tmp"/load-*.out | while read -r l; do t_log "load: $l"; done
[[ $rc -eq 0 ]] || t_fail "agent exit status $rc"
grep -q "time limit reached" "$tmp/agent.err" || t_fail "the agent did not stop on -M $SECONDS_RUN"
t_no_new_progs "$progs_before" "after the soak" "$AGENT"

# ------------------------------------------------------------ memory
python3 - "${rss[@]}" <<'PY' || t_fail "agent RSS grew during the soak"
import sys
s = [int(v) for v in sys.argv[1:]]
if len(s) < 4:
    print(f"test_soak: only {len(s)} RSS samples")
    sys.exit(1)
h = len(s) // 2
first, second = s[:h], s[h:]
limit = max(first) * 1.10 + 4096
print(f"test_soak: RSS KiB over {len(s)} s: start {s[0]}, first half min/max {min(first)}/{max(first)}, "
      f"second half min/max {min(second)}/{max(second)}, end {s[-1]} (limit {limit:.0f})")
print("test_soak: RSS series: " + " ".join(map(str, s)))
sys.exit(0 if max(second) <= limit else 1)
PY

# ------------------------------------------------------------ summary
written=$(sed -n 's/.* \([0-9]*\) events written.*/\1/p' "$tmp/agent.err")
drops=$(sed -n 's/.*drops: \([0-9]*\).*/\1/p' "$tmp/agent.err")
if [[ -z "$written" || -z "$drops" ]]; then
    t_fail "no summary with events written and drops"
    t_finish
fi
if [[ $drops -gt 0 ]]; then
    grep -q "drops per CPU" "$tmp/agent.err" || t_fail "$drops drops without the per-CPU report"
fi
grep -q "could not be converted" "$tmp/agent.err" &&
    t_fail "records failed to convert: $(grep "could not be converted" "$tmp/agent.err")"
size=$(stat -c %s "$tmp/soak.scap")
t_log "captured $written events in $SECONDS_RUN s ($((written / SECONDS_RUN))/s), $((size / 1048576)) MiB, drops: $drops"

# --------------------------------------------------------- read back
"$SCAPDUMP" -s "$tmp/soak.scap" >"$tmp/scapdump.out" 2>"$tmp/scapdump.err" ||
    t_fail "scapdump -s failed: $(head -3 "$tmp/scapdump.err")"
line=$(grep -E '^ +events: [0-9]+' "$tmp/scapdump.out")
n=$(sed -E 's/^ +events: ([0-9]+).*/\1/' <<<"$line")
bad=$(sed -nE 's/.*\(([0-9]+) undecodable.*/\1/p' <<<"$line")
[[ "$n" = "$written" ]] || t_fail "scapdump counts ${n:-?} events, the agent wrote $written"
[[ "${bad:-x}" = 0 ]] || t_fail "scapdump: ${bad:-?} undecodable events"
t_log "library: scapdump $line"
# skfields -q: the state engine over every event; prints its figures on stderr
if "$SKFIELDS" -q "$tmp/soak.scap" >/dev/null 2>"$tmp/skfields.err" &&
    grep -q "^events $written " "$tmp/skfields.err"; then
    t_log "library: skfields -q: $(head -1 "$tmp/skfields.err")"
else
    t_fail "skfields -q: $(head -3 "$tmp/skfields.err")"
fi

lab=$(t_sid_lab)
if [[ -z "$lab" ]]; then
    t_log "SKIP sysdig 0.41 read: no sid lab (../shared/tools/sid-lab.sh)"
    t_finish
fi
cat >"$tmp/sysdig-run.sh" <<SCRIPT
#!/bin/bash
sysdig -r $tmp/soak.scap -p '%evt.num' 2>$tmp/sd.err | tail -1 >$tmp/sd.last
echo \${PIPESTATUS[0]} >$tmp/sd.rc
SCRIPT
chmod 755 "$tmp/sysdig-run.sh"
chmod -R a+rX "$tmp"
LAB_BINDS="$tmp" "$lab" run "$tmp/sysdig-run.sh" >"$tmp/lab.log" 2>&1 ||
    t_fail "sid lab run failed: $(tail -3 "$tmp/lab.log")"
last=$(cat "$tmp/sd.last")
[[ "$(cat "$tmp/sd.rc")" = 0 && ! -s "$tmp/sd.err" ]] ||
    t_fail "sysdig 0.41 -r: status $(cat "$tmp/sd.rc"): $(head -3 "$tmp/sd.err")"
[[ "$last" = "$written" ]] || t_fail "sysdig 0.41: last evt.num $last, the agent wrote $written"
t_log "sysdig 0.41: read to evt.num $last"
t_finish
