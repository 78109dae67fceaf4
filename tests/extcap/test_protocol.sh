#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The extcap protocol as Wireshark 4.0 speaks it: interfaces, DLTs, the
# configuration dialog (tabs, sshdump option names, password fields), capture
# filter validation (empty output = valid, else a first-line error), the
# container selector and its reload (--extcap-reload-option, answered with the
# selector's value lines: listing parsed, failures as an entry, bounded time),
# how container choices reach the agent (names/ids --container, cgroup paths
# -C; a stub agent records its command line), and password hygiene (not in
# /proc/PID/cmdline, not in the log, not passed to the ProxyCommand).
#
# Usage: test_protocol.sh EXTCAP
source "$(dirname "$0")/../lib/testlib.sh"
EXTCAP=$1
tmp=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/extcap-protocol.XXXXXX")
trap 'kill -KILL ${ext_pid:-} 2>/dev/null; rm -rf "$tmp"' EXIT

out=$("$EXTCAP" --extcap-interfaces --extcap-version=4.0)
grep -q '^extcap {version=[0-9.]*}' <<<"$out" || t_fail "no extcap version line: $out"
grep -qF 'interface {value=bpfdig}{display=System calls (eBPF) on this host}' <<<"$out" ||
    t_fail "no local interface: $out"
grep -qF 'interface {value=bpfdig-ssh}{display=System calls over SSH}' <<<"$out" ||
    t_fail "no SSH interface: $out"

for i in bpfdig bpfdig-ssh; do
    out=$("$EXTCAP" --extcap-interface "$i" --extcap-dlts)
    grep -q '^dlt {number=147}' <<<"$out" || t_fail "$i: DLT is not 147: $out"
    "$EXTCAP" --extcap-interface "$i" --extcap-config >"$tmp/$i.config" || t_fail "$i: --extcap-config failed"
    n_args=$(grep -c '^arg ' "$tmp/$i.config")
    n_group=$(grep '^arg ' "$tmp/$i.config" | grep -c '{group=')
    [[ $n_args -gt 5 && $n_args -eq $n_group ]] || t_fail "$i: $n_args args, $n_group with a group (tab)"
    # argument numbers are 0..n-1, and every value refers to a selector
    nums=$(grep -o '^arg {number=[0-9]*' "$tmp/$i.config" | grep -o '[0-9]*$' | tr '\n' ' ')
    [[ "$nums" == "$(seq -s ' ' 0 $((n_args - 1))) " ]] || t_fail "$i: argument numbers: $nums"
    for c in --syscalls --pid --comm --container --snaplen --remote-count --duration --log-level --log-file; do
        grep -qF "{call=$c}" "$tmp/$i.config" || t_fail "$i: no $c in the dialog"
    done
done
tabs=$(grep -o '{group=[^}]*}' "$tmp/bpfdig-ssh.config" | sort -u | tr '\n' ' ')
[[ "$tabs" == "{group=Authentication} {group=Capture} {group=Debug} {group=Server} " ]] ||
    t_fail "SSH dialog tabs: $tabs"
for c in --remote-host --remote-port --remote-username --remote-password --sshkey --sshkey-passphrase \
    --proxycommand --ssh-agent --known-hosts --host-key-policy --remote-priv --upload-agent; do
    grep -qF "{call=$c}" "$tmp/bpfdig-ssh.config" || t_fail "SSH dialog: no $c"
done
for c in --remote-password --sshkey-passphrase; do
    grep -F "{call=$c}" "$tmp/bpfdig-ssh.config" | grep -qF '{type=password}' ||
        t_fail "$c is not a password field"
done
grep -qF '{call=--priv}' "$tmp/bpfdig.config" || t_fail "local dialog: no --priv"
t_log "dialogs: $(grep -c '^arg ' "$tmp/bpfdig-ssh.config") SSH args in tabs $tabs, $(grep -c '^arg ' "$tmp/bpfdig.config") local args"

# Capture filter validation: empty stdout = valid; else the first line says why.
for f in 'proc.name=curl' 'proc.name == "curl"' 'proc.pid=1 and evt.type=open,connect' \
    'container.id=abc123 && proc.name=nginx' ''; do
    out=$("$EXTCAP" --extcap-interface bpfdig-ssh --extcap-capture-filter "$f")
    [[ -z "$out" ]] || t_fail "valid filter '$f' refused: $out"
done
for f in 'foo=bar' 'proc.name=a or proc.name=b' 'proc.pid=abc' 'tcp port 80' 'proc.name=averyveryverylongname'; do
    out=$("$EXTCAP" --extcap-interface bpfdig --extcap-capture-filter "$f")
    [[ -n "$out" ]] || t_fail "invalid filter '$f' accepted"
    t_log "filter '$f' -> $(head -1 <<<"$out")"
done

for f in 'container.name=web' 'container.name == "web" and proc.name=nginx' \
    'container.id=/machine.slice/x.scope container.name=db'; do
    out=$("$EXTCAP" --extcap-interface bpfdig --extcap-capture-filter "$f")
    [[ -z "$out" ]] || t_fail "valid filter '$f' refused: $out"
done
out=$("$EXTCAP" --extcap-interface bpfdig --extcap-capture-filter 'container.name=/sys/x')
[[ "$out" == *"cgroup path"* ]] || t_fail "container.name=/path accepted: $out"

# ---------------------------------------------------------------- containers
# The selector: in the Capture tab, reloadable, "any" by default.
declare -A sel # interface -> the selector's argument number
for i in bpfdig bpfdig-ssh; do
    line=$(grep -F '{call=--running-container}' "$tmp/$i.config")
    for want in '{type=selector}' '{reload=true}' '{group=Capture}'; do
        [[ "$line" == *"$want"* ]] || t_fail "$i: running-container lacks $want: $line"
    done
    num=$(grep -o '^arg {number=[0-9]*' <<<"$line" | grep -o '[0-9]*$')
    grep -qxF "value {arg=$num}{value=}{display=any container}{default=true}" "$tmp/$i.config" ||
        t_fail "$i: no default 'any container' value"
    for c in --container --container-socket; do
        grep -F "{call=$c}" "$tmp/$i.config" | grep -qF '{group=Capture}' || t_fail "$i: no $c in Capture"
    done
    sel[$i]=$num
done

# only_values NUM TEXT: every line is a value of selector NUM
only_values() {
    local bad
    bad=$(grep -v "^value {arg=$1}{value=[^{}]*}{display=[^{}]*}\({default=true}\)\?$" <<<"$2")
    [[ -z "$bad" ]] || t_fail "reload answer has other lines: $bad"
}

# SSH reload without a host, and towards a closed port: an entry says why.
out=$("$EXTCAP" --extcap-config --extcap-interface bpfdig-ssh --extcap-reload-option running-container \
    --remote-port 22 --ssh-agent true 2>"$tmp/reload.err")
rc=$?
only_values "${sel[bpfdig-ssh]}" "$out"
[[ $rc -eq 0 ]] || t_fail "reload without a host: exit $rc"
grep -qF '(no list: set the remote SSH server address' <<<"$out" || t_fail "reload without a host: $out"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
t0=$(date +%s%N)
out=$("$EXTCAP" --extcap-config --extcap-interface bpfdig-ssh --extcap-reload-option running-container \
    --remote-host 127.0.0.1 --remote-port "$port" --connect-timeout 5 2>"$tmp/reload.err")
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
only_values "${sel[bpfdig-ssh]}" "$out"
grep -qF "(no list: cannot connect to 127.0.0.1:$port" <<<"$out" || t_fail "reload to a closed port: $out"
grep -qF "cannot connect to 127.0.0.1:$port" "$tmp/reload.err" || t_fail "reload error not on stderr"
[[ $rc -eq 0 && $ms -lt 6000 ]] || t_fail "reload to a closed port: exit $rc after $ms ms"
t_log "SSH reload, closed port: $(tail -1 <<<"$out") ($ms ms)"
out=$("$EXTCAP" --extcap-config --extcap-interface bpfdig-ssh --extcap-reload-option log-level)
[[ $? -eq 0 && -z "$out" ]] || t_fail "reload of another option answered: $out"

# A stub agent: its listing, its failures, and the command line a capture gives it.
stub=$tmp/stub-agent
cat >"$stub" <<STUB
#!/bin/sh
echo "\$*" >>"$tmp/stub.args"
case "\${STUB_MODE:-list}" in
list)
    printf '3f2a9c01ab12\tweb\tdocker.io/library/nginx:latest\n'
    printf '0123456789ab\t\tbusybox\n'
    printf 'feedfacecafe\tbad{name}\timg{x}\n'
    printf 'c0ffee000001\tdb\tpostgres:16\n' ;;
old) echo "bpfdig-agent: unrecognized option '--list-containers'" >&2; exit 2 ;;
hang) exec sleep 59.77 ;;
esac
exit 0
STUB
chmod 755 "$stub"
# as Wireshark 4.0 calls it (recorded from its dialog's reload button)
out=$("$EXTCAP" --extcap-config --extcap-interface bpfdig --extcap-reload-option running-container \
    --duration 0 --priv none --log-level warning --remote-count 0 --snaplen 80 --ring-bytes 0 \
    --running-container db --agent "$stub" --container-socket /run/x.sock)
only_values "${sel[bpfdig]}" "$out"
want="value {arg=${sel[bpfdig]}}{value=}{display=any container}{default=true}
value {arg=${sel[bpfdig]}}{value=web}{display=web (docker.io/library/nginx:latest, 3f2a9c01ab12)}
value {arg=${sel[bpfdig]}}{value=0123456789ab}{display=0123456789ab (busybox, 0123456789ab)}
value {arg=${sel[bpfdig]}}{value=feedfacecafe}{display=feedfacecafe (img(x), feedfacecafe)}
value {arg=${sel[bpfdig]}}{value=db}{display=db (postgres:16, c0ffee000001)}"
[[ "$out" == "$want" ]] || t_fail "local reload: got
$out"
grep -qxF -- '--list-containers --container-socket /run/x.sock' "$tmp/stub.args" ||
    t_fail "listing command: $(cat "$tmp/stub.args")"
"$EXTCAP" --extcap-config --extcap-interface bpfdig --agent "$stub" | grep -qF '{value=web}' ||
    t_fail "the local dialog does not offer the running containers"
out=$(STUB_MODE=old "$EXTCAP" --extcap-config --extcap-interface bpfdig \
    --extcap-reload-option running-container --agent "$stub" 2>/dev/null)
grep -qF 'cannot list containers (an older bpfdig-agent?))}' <<<"$out" || t_fail "old agent: $out"
out=$("$EXTCAP" --extcap-config --extcap-interface bpfdig --extcap-reload-option running-container \
    --agent "$tmp/none" 2>/dev/null)
grep -qF '{display=(no list: ' <<<"$out" || t_fail "missing agent: $out"
t0=$(date +%s%N)
out=$(STUB_MODE=hang "$EXTCAP" --extcap-config --extcap-interface bpfdig \
    --extcap-reload-option running-container --agent "$stub" 2>/dev/null)
ms=$((($(date +%s%N) - t0) / 1000000))
grep -qF 'gave no answer within 15 s)}' <<<"$out" || t_fail "hanging agent: $out"
[[ $ms -lt 17000 ]] || t_fail "hanging agent: the reload took $ms ms"
pgrep -fx "sleep 59.77" >/dev/null && t_fail "the hanging listing was not killed"
t_log "local reload: $(grep -c '^value' <<<"$want") values; hanging agent answered in $ms ms"

# Names and ids go to --container, cgroup paths to -C.
: >"$tmp/stub.args"
"$EXTCAP" --extcap-interface bpfdig --agent "$stub" --running-container web \
    --container '3f2a9c,/machine.slice/x.scope' --container-socket /run/x.sock \
    --extcap-capture-filter 'container.name=db' --capture --fifo "$tmp/stub.out" 2>"$tmp/stub.err"
rc=$?
args=$(cat "$tmp/stub.args")
[[ $rc -eq 0 ]] || t_fail "capture with the stub: exit $rc: $(cat "$tmp/stub.err")"
for want in '--container web ' '--container 3f2a9c ' '-C /machine.slice/x.scope ' \
    '--container db ' '--container-socket /run/x.sock'; do
    [[ "$args " == *"$want"* ]] || t_fail "agent command line lacks '$want': $args"
done
t_log "agent command line: $args"

# Bad options: exit 2 with a message.
"$EXTCAP" --extcap-interface bpfdig-ssh --remote-port 99999 --capture --fifo "$tmp/x" 2>"$tmp/err"
rc=$?
[[ $rc -eq 2 && -s "$tmp/err" ]] || t_fail "bad port: exit $rc, $(cat "$tmp/err")"

# Password hygiene: a connection that hangs in a ProxyCommand we control.
secret="S3cret-$RANDOM-pw"
cat >"$tmp/proxy.sh" <<PROXY
#!/bin/sh
cat /proc/\$PPID/cmdline | tr '\0' ' ' >"$tmp/proxy.parent"
env >"$tmp/proxy.env"
echo "\$@" >"$tmp/proxy.args"
exec sleep 30
PROXY
chmod 755 "$tmp/proxy.sh"
"$EXTCAP" --extcap-interface bpfdig-ssh --remote-host 127.0.0.1 --remote-username nobody \
    --remote-password "$secret" --sshkey-passphrase "$secret" --proxycommand "$tmp/proxy.sh %h %p" \
    --log-level noisy --log-file "$tmp/log" --connect-timeout 20 --capture --fifo "$tmp/out" \
    2>"$tmp/stderr" &
ext_pid=$!
for _ in $(seq 50); do [[ -s "$tmp/proxy.args" ]] && break; sleep 0.1; done
tr '\0' ' ' </proc/$ext_pid/cmdline >"$tmp/cmdline" 2>/dev/null
t0=$(date +%s%N)
kill -TERM "$ext_pid"
wait "$ext_pid"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
ext_pid=""
[[ -s "$tmp/cmdline" ]] || t_fail "could not read the extcap's command line"
for f in cmdline log stderr proxy.parent proxy.env proxy.args; do
    [[ -e "$tmp/$f" ]] || continue
    grep -qF "$secret" "$tmp/$f" && t_fail "the password shows in $f"
done
[[ $rc -eq 0 ]] || t_fail "stop while connecting: exit status $rc"
[[ $ms -lt 2000 ]] || t_fail "stop while connecting took $ms ms"
t_log "password not in /proc/PID/cmdline ($(cut -c1-120 "$tmp/cmdline")...), log, stderr, proxy; stopped while connecting in $ms ms"
t_finish
