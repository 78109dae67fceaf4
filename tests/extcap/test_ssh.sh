#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The extcap's SSH capture against a real OpenSSH server on 127.0.0.1 (started
# here, with its own host key, test users with key authentication and a
# sudoers rule), driven the way Wireshark drives it (--capture --fifo, then
# SIGTERM):
#   * capture of the ground-truth workload (tests/agent) with the agent
#     uploaded into a private folder: proc.name, proc.cmdline, fd.name,
#     fd.sip/fd.sport ... checked with tshark and our plugins;
#   * an installed agent of our version is used without upload;
#   * unknown and changed host keys are refused with the SHA-256 fingerprint;
#     accept-new adds the key;
#   * wrong credentials, a user without sudo rights and "never upload" give
#     clear errors;
#   * the connection cut mid-capture (sshd child killed) ends with an error and
#     the events already received stay readable;
#   * the dialog's container list (--extcap-reload-option running-container):
#     connection, host key, key and sudo failures answer with an entry saying
#     why, the uploaded agent is removed afterwards;
#   * after every stop: no agent process, no BPF program, no uploaded file.
#
# Usage: test_ssh.sh EXTCAP AGENT WORKLOAD WIRETAP_PLUGIN EPAN_PLUGIN CHECKS_PY
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/sshd-lib.sh"
EXTCAP=$1 AGENT=$2 WORKLOAD=$3 WIRETAP=$4 EPAN=$5 CHECKS=$6

t_need_root
sx_need
t_need python3 bpftool tshark
[[ -r /sys/kernel/btf/vmlinux ]] || t_skip "kernel without BTF"

tmp=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/extcap-ssh.XXXXXX")
chmod 755 "$tmp"
cleanup() {
    [[ -n "${ext_pid:-}" ]] && kill -KILL "$ext_pid" 2>/dev/null
    [[ -n "${load_pid:-}" ]] && kill -KILL "$load_pid" 2>/dev/null
    sx_cleanup
    tu_cleanup 2>/dev/null
    [[ "${TU_KEEP:-0}" = 1 ]] || rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" TERM INT

# An installed agent for the "no upload" case: a root-owned copy.
mkdir -p "$tmp/bin"
cp "$AGENT" "$tmp/bin/bpfdig-agent"
chmod 755 "$tmp/bin/bpfdig-agent"
SX_AGENT="$tmp/bin/bpfdig-agent"
sx_start "$tmp/sshd" || {
    t_fail "cannot start sshd"
    t_finish
}
suffix=$RANDOM
U=bdxs$suffix     # key auth + sudo for the agent
N=bdxn$suffix     # key auth, no sudo rights
sx_add_user "$U" 1 || t_fail "cannot create test user $U"
sx_add_user "$N" 0 || t_fail "cannot create test user $N"
[[ $T_FAILS -eq 0 ]] || t_finish
KH="$tmp/known_hosts"
sx_known_hosts_line >"$KH"
FP=$(sx_host_fingerprint)
t_log "sshd on 127.0.0.1:$SX_PORT, host key $FP, users $U (sudo) and $N"

# extcap ARGS... : the SSH interface with the usual connection options
ext_args() {
    EXT=(env -u SSH_AUTH_SOCK "$EXTCAP" --extcap-interface bpfdig-ssh --remote-host 127.0.0.1
        --remote-port "$SX_PORT" --ssh-agent false --agent-binary "$AGENT")
}
ext() {
    ext_args
    "${EXT[@]}" "$@"
}

# start_capture NAME USER ARGS...: capture into $tmp/NAME.scap through a fifo
# read by cat (as dumpcap would); sets ext_pid, cat_pid.
start_capture() {
    local name=$1 user=$2
    shift 2
    rm -f "$tmp/$name.fifo"
    mkfifo "$tmp/$name.fifo"
    cat "$tmp/$name.fifo" >"$tmp/$name.scap" &
    cat_pid=$!
    ext_args
    # a simple command, so that $! is the extcap itself (env execs it)
    "${EXT[@]}" --remote-username "$user" --sshkey "$tmp/sshd/$user.key" --known-hosts "$KH" \
        --log-level info --log-file "$tmp/$name.log" --capture --fifo "$tmp/$name.fifo" "$@" \
        2>"$tmp/$name.err" &
    ext_pid=$!
}

# wait_capturing NAME: until the agent says it captures (30 s)
wait_capturing() {
    local _
    for _ in $(seq 300); do
        if grep -q "bpfdig-agent: capturing" "$tmp/$1.log" 2>/dev/null; then
            sleep 0.2
            # shellcheck disable=SC2046
            ids=$(sx_prog_ids_of $(sx_agent_pids))
            return 0
        fi
        kill -0 "$ext_pid" 2>/dev/null || break
        sleep 0.1
    done
    t_fail "$1: the remote agent did not start: $(cat "$tmp/$1.err")"
    return 1
}

# stop_capture NAME: SIGTERM as Wireshark does; checks exit 0 within 2.5 s
stop_capture() {
    local name=$1 t0 ms rc
    t0=$(date +%s%N)
    kill -TERM "$ext_pid"
    wait "$ext_pid"
    rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    ext_pid=""
    wait "$cat_pid"
    t_log "$name: extcap exit $rc, stopped in $ms ms, $(stat -c %s "$tmp/$name.scap") bytes"
    [[ $rc -eq 0 ]] || t_fail "$name: extcap exit status $rc: $(cat "$tmp/$name.err")"
    [[ $ms -lt 2500 ]] || t_fail "$name: stopping took $ms ms (limit 2 s + margin)"
}

expect_error() { # NAME RC-WANTED-NONZERO PATTERN...
    local name=$1 rc=$2
    shift 2
    [[ $rc -ne 0 ]] || t_fail "$name: exit status 0, expected an error"
    for p in "$@"; do
        grep -qF -- "$p" "$tmp/$name.err" || t_fail "$name: message lacks '$p': $(head -c 600 "$tmp/$name.err")"
    done
    t_log "$name: exit $rc: $(head -1 "$tmp/$name.err" | cut -c1-220)"
}

# ---------------------------------------------------------------- host keys
: >"$tmp/empty_known_hosts"
ext --remote-username "$U" --sshkey "$tmp/sshd/$U.key" --known-hosts "$tmp/empty_known_hosts" \
    --capture --fifo "$tmp/unknown.out" 2>"$tmp/unknown.err"
expect_error unknown $? "$FP" "unknown" "accept-new"

ssh-keygen -q -t ed25519 -N '' -f "$tmp/otherkey"
echo "[127.0.0.1]:$SX_PORT $(cut -d' ' -f1,2 "$tmp/otherkey.pub")" >"$tmp/changed_known_hosts"
ext --remote-username "$U" --sshkey "$tmp/sshd/$U.key" --known-hosts "$tmp/changed_known_hosts" \
    --host-key-policy accept-new --capture --fifo "$tmp/changed.out" 2>"$tmp/changed.err"
expect_error changed $? "$FP" "CHANGED" "ssh-keygen -R"

# ---------------------------------------------------------------- credentials
ssh-keygen -q -t ed25519 -N '' -f "$tmp/wrongkey"
ext --remote-username "$U" --sshkey "$tmp/wrongkey" --known-hosts "$KH" \
    --capture --fifo "$tmp/wrongkey.out" 2>"$tmp/wrongkey.err"
expect_error wrongkey $? "authentication as '$U'" "failed" "refused"

ext --remote-username "nosuchuser$suffix" --sshkey "$tmp/sshd/$U.key" --known-hosts "$KH" \
    --capture --fifo "$tmp/wronguser.out" 2>"$tmp/wronguser.err"
expect_error wronguser $? "authentication as 'nosuchuser$suffix'" "failed"

ssh-keygen -q -t ed25519 -N 'right-phrase' -f "$tmp/phrasekey"
ext --remote-username "$U" --sshkey "$tmp/phrasekey" --sshkey-passphrase wrong-phrase \
    --known-hosts "$KH" --capture --fifo "$tmp/phrase.out" 2>"$tmp/phrase.err"
expect_error phrase $? "cannot load the SSH key" "passphrase"

# ---------------------------------------------------------------- no sudo rights
ext --remote-username "$N" --sshkey "$tmp/sshd/$N.key" --known-hosts "$KH" --upload-agent always \
    --capture --fifo "$tmp/nosudo.out" 2>"$tmp/nosudo.err"
expect_error nosudo $? "sudo -n refused to run the agent" "sudo: a password is required" "NOPASSWD"
sx_remote_clean "$N"

# ---------------------------------------------------------------- never upload
ext --remote-username "$U" --sshkey "$tmp/sshd/$U.key" --known-hosts "$KH" --upload-agent never \
    --remote-agent bpfdig-agent-missing --capture --fifo "$tmp/never.out" 2>"$tmp/never.err"
expect_error never $? "has no bpfdig-agent" "--upload-agent never"

# ---------------------------------------------------------------- container list (reload)
# reload NAME USER KEY ARGS...: the dialog's reload of the container list
reload() {
    local name=$1 user=$2 key=$3
    shift 3
    ext --extcap-config --extcap-reload-option running-container --remote-username "$user" \
        --sshkey "$key" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local rc=$?
    [[ $rc -eq 0 ]] || t_fail "$name: reload exit status $rc"
    grep -v '^value {arg=[0-9]*}{value=[^{}]*}{display=[^{}]*}\({default=true}\)\?$' "$tmp/$name.out" |
        grep -q . && t_fail "$name: not only value lines: $(cat "$tmp/$name.out")"
    t_log "$name: $(grep -v '{default=true}' "$tmp/$name.out" | head -2 | cut -c1-200 | tr '\n' ' ')"
}
reload ls-unknown "$U" "$tmp/sshd/$U.key" --known-hosts "$tmp/empty_known_hosts"
grep -qF "(no list: the host key of [127.0.0.1]:$SX_PORT is unknown" "$tmp/ls-unknown.out" ||
    t_fail "ls-unknown: $(cat "$tmp/ls-unknown.out")"
reload ls-wrongkey "$U" "$tmp/wrongkey" --known-hosts "$KH"
grep -qF "(no list: authentication as '$U'" "$tmp/ls-wrongkey.out" ||
    t_fail "ls-wrongkey: $(cat "$tmp/ls-wrongkey.out")"
reload ls-nosudo "$N" "$tmp/sshd/$N.key" --known-hosts "$KH" --upload-agent always
grep -qF "(no list: sudo -n refused to run the agent on $N@127.0.0.1:$SX_PORT" "$tmp/ls-nosudo.out" ||
    t_fail "ls-nosudo: $(cat "$tmp/ls-nosudo.out")"
sx_remote_clean "$N"
reload ls-ok "$U" "$tmp/sshd/$U.key" --known-hosts "$KH" --upload-agent always
if "$AGENT" --help 2>&1 | grep -q -- --list-containers; then
    grep -q '(no list' "$tmp/ls-ok.out" && t_fail "ls-ok: the listing failed: $(cat "$tmp/ls-ok.out")"
else
    t_log "note: $AGENT has no --list-containers yet: the listing itself is not checked"
fi
sx_remote_clean "$U"

# ---------------------------------------------------------------- accept-new
cp "$tmp/empty_known_hosts" "$tmp/new_known_hosts"
KH_SAVED=$KH
KH="$tmp/new_known_hosts"
start_capture acceptnew "$U" --host-key-policy accept-new --upload-agent always --comm true
ids=""
wait_capturing acceptnew && stop_capture acceptnew
grep -q "127.0.0.1" "$KH" || t_fail "accept-new did not add the host key to $KH"
KH=$KH_SAVED
sx_remote_clean "$U" "$ids"

# ---------------------------------------------------------------- workload over SSH (upload)
marker="bdx${suffix}m"
mkdir -m 700 "$tmp/work"
mkfifo "$tmp/go"
"$WORKLOAD" "$tmp/work" "$marker" <"$tmp/go" >"$tmp/truth" 2>"$tmp/workload.err" &
workload_pid=$!
exec 3>"$tmp/go"
start_capture workload "$U" --upload-agent always --pid "$workload_pid"
if wait_capturing workload; then
    grep -q "uploaded agent verified" "$tmp/workload.log" || t_fail "no verified upload in the log"
    echo go >&3
    exec 3>&-
    wait "$workload_pid" || t_fail "workload failed: $(cat "$tmp/workload.err")"
    sleep 0.5
    stop_capture workload
    sx_remote_clean "$U" "$ids"
    [[ -s "$tmp/workload.err" ]] && t_log "stderr: $(cat "$tmp/workload.err")"
    # what Wireshark reads: the plugins as an unprivileged user
    t_setup_plugins "$WIRETAP" "$EPAN"
    cap=$(tu_input "$tmp/workload.scap" cap.scap)
    mkdir -p "$tmp/checks/tshark"
    python3 "$CHECKS" plan "$tmp/truth" "$tmp/checks" || t_fail "cannot plan the checks"
    while IFS=$'\t' read -r name filter fields; do
        args=()
        for f in $fields; do args+=(-e "$f"); done
        tu_tshark -r "$cap" -Y "$filter" -T fields -E "separator=$(printf '\037')" "${args[@]}" \
            >"$tmp/checks/tshark/$name.out" 2>"$tmp/checks/tshark/$name.err" ||
            t_fail "tshark failed on $name: $(head -3 "$tmp/checks/tshark/$name.err")"
    done <"$tmp/checks/tshark.tsv"
    python3 "$CHECKS" verify "$tmp/checks" tshark >"$tmp/checks/verify.out" ||
        t_fail "field checks of the SSH capture: $(grep -v ': ok ' "$tmp/checks/verify.out" | head -20)"
    t_log "field checks: $(grep -c ': ok ' "$tmp/checks/verify.out") ok; $(grep -v ': ok ' "$tmp/checks/verify.out" | tr '\n' ' ')"
    # the display filter a user would type, on named fields
    n=$(tu_tshark -r "$cap" -Y "proc.name == \"echo\" && proc.cmdline contains \"$marker\"" 2>/dev/null | wc -l)
    [[ $n -gt 0 ]] || t_fail "no event with proc.name == echo and the marker in proc.cmdline"
else
    exec 3>&-
    kill "$workload_pid" 2>/dev/null
fi

# ---------------------------------------------------------------- installed agent, fifo closed
start_capture installed "$U" --upload-agent never --remote-agent "$SX_AGENT" --comm sleep
if wait_capturing installed; then
    grep -q "remote agent $SX_AGENT" "$tmp/installed.log" || t_fail "installed: the installed agent was not used"
    grep -q "uploading" "$tmp/installed.log" && t_fail "installed: uploaded although an agent of our version is installed"
    # Wireshark stops reading: the fifo closes, the extcap must stop the agent
    t0=$(date +%s%N)
    kill "$cat_pid"
    for _ in $(seq 50); do kill -0 "$ext_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$ext_pid" 2>/dev/null; then
        t_fail "installed: the extcap still runs 5 s after the fifo closed"
        kill -TERM "$ext_pid"
    fi
    wait "$ext_pid"
    t_log "installed: fifo closed -> extcap exit $? after $((($(date +%s%N) - t0) / 1000000)) ms"
    ext_pid=""
    sx_remote_clean "$U" "$ids"
fi

# ---------------------------------------------------------------- connection cut
bash -c 'while :; do cat /etc/hostname >/dev/null; sleep 0.01; done' &
load_pid=$!
start_capture cut "$U" --upload-agent always --pid "$load_pid"
if wait_capturing cut; then
    sleep 1.5
    # the unprivileged sshd child of the session (sshd: USER@notty)
    sess=$(pgrep -u "$U" -x sshd | tr '\n' ' ')
    [[ -n "$sess" ]] || t_fail "cut: no sshd session process of $U"
    # shellcheck disable=SC2086
    kill -KILL $sess
    for _ in $(seq 100); do kill -0 "$ext_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$ext_pid" 2>/dev/null; then
        t_fail "cut: the extcap still runs 10 s after the connection was cut"
        kill -KILL "$ext_pid"
    fi
    wait "$ext_pid"
    rc=$?
    ext_pid=""
    wait "$cat_pid"
    expect_error cut "$rc" "connection" "lost" "kept"
    size=$(stat -c %s "$tmp/cut.scap")
    t_setup_plugins "$WIRETAP" "$EPAN"
    cap=$(tu_input "$tmp/cut.scap" cut.scap)
    n=$(tu_tshark -r "$cap" -Y "proc.name == \"cat\" && fd.name == \"/etc/hostname\"" 2>"$tmp/cut.tshark.err" | wc -l)
    t_log "cut: $size bytes kept, $n open/read events of /etc/hostname by cat readable"
    [[ $n -gt 0 ]] || t_fail "cut: no events readable after the cut: $(head -3 "$tmp/cut.tshark.err")"
    grep -qi "cut short\|malformed" "$tmp/cut.tshark.err" && t_fail "cut: the file ends in a torn block: $(head -2 "$tmp/cut.tshark.err")"
    sx_remote_clean "$U" "$ids"
fi
kill "$load_pid" 2>/dev/null
wait "$load_pid" 2>/dev/null
load_pid=""

# nothing of the password reaches the log
t_finish
