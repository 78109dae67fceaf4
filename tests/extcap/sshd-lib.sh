# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# sshd-lib.sh - a private OpenSSH server on 127.0.0.1 for the extcap tests,
# with test users (key authentication) and a sudoers rule for the agent.
# Source after testlib.sh. Everything is removed by sx_cleanup.
#
#   sx_start DIR             start sshd (host key DIR/hostkey, port in SX_PORT)
#   sx_add_user NAME SUDO    create a user with key DIR/NAME.key; SUDO=1 adds
#                            a sudoers.d rule for the uploaded agent (and $SX_AGENT)
#   sx_extcap ARGS...        run the extcap against the server (client key of SX_USER)
#   sx_remote_clean USER IDS no agent process, BPF program (IDS) or uploaded folder left
#   sx_bpf_ids / sx_prog_ids_of PIDS / sx_progs_gone IDS   BPF program bookkeeping
#   sx_cleanup               stop sshd, delete users, sudoers rules and files

SX_DIR=""
SX_PORT=""
SX_PID=""
SX_USERS=()
SX_SUDOERS=()

sx_need() {
    [[ -x /usr/sbin/sshd ]] || t_skip "openssh-server is not installed (apt-get install openssh-server)"
    t_need ssh-keygen useradd userdel sudo visudo setpriv
}

sx_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

sx_start() {
    SX_DIR=$1
    mkdir -p "$SX_DIR" /run/sshd
    chmod 755 "$SX_DIR"
    ssh-keygen -q -t ed25519 -N '' -f "$SX_DIR/hostkey" -C bpfdig-test-host || return 1
    SX_PORT=$(sx_free_port)
    local sftp=/usr/lib/openssh/sftp-server
    [[ -x $sftp ]] || sftp=internal-sftp
    cat >"$SX_DIR/sshd_config" <<EOF
Port $SX_PORT
ListenAddress 127.0.0.1
HostKey $SX_DIR/hostkey
PidFile $SX_DIR/sshd.pid
AuthorizedKeysFile $SX_DIR/authorized_keys/%u
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
Subsystem sftp $sftp
LogLevel VERBOSE
MaxStartups 50
EOF
    mkdir -p "$SX_DIR/authorized_keys"
    /usr/sbin/sshd -D -f "$SX_DIR/sshd_config" -E "$SX_DIR/sshd.log" &
    SX_PID=$!
    local _
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$SX_PORT") 2>/dev/null && return 0
        kill -0 "$SX_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$SX_DIR/sshd.log" >&2
    return 1
}

# The SHA-256 fingerprint of the test host key, as ssh-keygen prints it.
sx_host_fingerprint() {
    ssh-keygen -l -E sha256 -f "$SX_DIR/hostkey.pub" | awk '{print $2}'
}

# known_hosts line for the test server.
sx_known_hosts_line() {
    echo "[127.0.0.1]:$SX_PORT $(cut -d' ' -f1,2 "$SX_DIR/hostkey.pub")"
}

sx_add_user() {
    local name=$1 sudo=$2
    useradd -M -d "$SX_DIR/home-$name" -s /bin/sh "$name" || return 1
    SX_USERS+=("$name")
    usermod -p '*' "$name" # not locked (sshd refuses locked accounts), no password
    mkdir -p "$SX_DIR/home-$name"
    chown "$name:" "$SX_DIR/home-$name"
    ssh-keygen -q -t ed25519 -N '' -f "$SX_DIR/$name.key" -C "$name" || return 1
    cp "$SX_DIR/$name.key.pub" "$SX_DIR/authorized_keys/$name"
    chmod 644 "$SX_DIR/authorized_keys/$name"
    if [[ $sudo == 1 ]]; then
        local f=/etc/sudoers.d/bpfdig-test-$name rule
        rule="$name ALL=(root) NOPASSWD: /tmp/bpfdig.*/bpfdig-agent"
        [[ -n "${SX_AGENT:-}" ]] && rule+=", $SX_AGENT"
        echo "$rule" >"$f.tmp"
        chmod 440 "$f.tmp"
        visudo -cqf "$f.tmp" || {
            rm -f "$f.tmp"
            return 1
        }
        mv "$f.tmp" "$f"
        SX_SUDOERS+=("$f")
    fi
}

# Ids of the loaded bpfdig_ BPF programs.
sx_bpf_ids() {
    bpftool prog show 2>/dev/null | awk '/ name bpfdig_/ { sub(":", "", $1); print $1 }' | sort -n
}

# Ids of the BPF programs the given processes hold (fd or link).
sx_prog_ids_of() {
    local p
    for p in "$@"; do
        grep -h '^prog_id:' /proc/"$p"/fdinfo/* 2>/dev/null | awk '{ print $2 }'
    done | sort -nu | tr '\n' ' '
}

# Waits (3 s: the kernel frees programs asynchronously) until none of the
# program ids is loaded any more; fails the test otherwise.
sx_progs_gone() {
    local id _ left
    for _ in $(seq 30); do
        left=""
        for id in $1; do
            bpftool prog show id "$id" 2>/dev/null | grep -q ' name bpfdig_' && left+="$id "
        done
        [[ -z "$left" ]] && return 0
        sleep 0.1
    done
    t_fail "bpfdig BPF programs of our capture still loaded 3 s after the stop: $left"
    return 1
}

# Agents we started: processes running an uploaded agent or SX_AGENT.
sx_agent_pids() {
    pgrep -f '^(/tmp/bpfdig\.[^/ ]+/bpfdig-agent|'"${SX_AGENT:-/nonexistent}"') ' || true
}

sx_remote_clean() {
    local user=$1 ids=${2:-} _ ok=0
    for _ in $(seq 30); do
        if [[ -z "$(sx_agent_pids)" ]] &&
            [[ -z "$(find /tmp -maxdepth 1 -name 'bpfdig.*' -user "$user" 2>/dev/null)" ]]; then
            ok=1
            break
        fi
        sleep 0.1
    done
    if [[ $ok != 1 ]]; then
        t_fail "left on the remote side: agents [$(sx_agent_pids | tr '\n' ' ')]" \
            "folders [$(find /tmp -maxdepth 1 -name 'bpfdig.*' -user "$user" | tr '\n' ' ')]"
        return 1
    fi
    # BPF programs: those that appeared during our capture must be gone
    # (other captures on this machine may load their own meanwhile).
    sx_progs_gone "$ids" || return 1
    [[ -n "$ids" ]] || t_log "note: no BPF program ids recorded for this capture"
    return 0
}

sx_cleanup() {
    local u f
    [[ -n "$SX_PID" ]] && kill "$SX_PID" 2>/dev/null && wait "$SX_PID" 2>/dev/null
    for u in "${SX_USERS[@]}"; do
        pkill -KILL -u "$u" 2>/dev/null
    done
    sleep 0.2
    for u in "${SX_USERS[@]}"; do
        find /tmp -maxdepth 1 -name 'bpfdig.*' -user "$u" -exec rm -rf {} + 2>/dev/null
        userdel "$u" 2>/dev/null
    done
    for f in "${SX_SUDOERS[@]}"; do
        rm -f "$f"
    done
    SX_USERS=()
    SX_SUDOERS=()
}
