#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The extcap protocol as Wireshark 4.0 speaks it: interfaces, DLTs, the
# configuration dialog (tabs, sshdump option names, password fields), capture
# filter validation (empty output = valid, else a first-line error), and
# password hygiene (not in /proc/PID/cmdline, not in the log, not passed to
# the ProxyCommand).
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
