# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# podman-lib.sh - real containers for bpfdig tests, without a registry.
# Source it after tests/lib/testlib.sh (it uses t_log/t_skip). As root.
#
#   pm_setup                   podman + busybox-static present, the engine
#                              config merged (pm_config), the test image
#                              imported (pm_image); t_skip when podman cannot
#                              run a container here
#   pm_config                  merge runtime = "runc", default_ulimits and
#                              events_logger = "file" into
#                              /etc/containers/containers.conf (each key only
#                              if absent: idempotent, never overrides)
#   pm_image                   build and import $PM_IMAGE from busybox-static
#                              (skipped when the image exists)
#   pm_api_start [SOCK]        start `podman system service` on SOCK (default
#                              $PM_SOCK) unless it already answers; waits for
#                              /_ping
#   pm_api_stop                stop the service pm_api_start started
#   pm_api_ping [SOCK]         true when the Docker-compatible API answers
#   pm_run NAME [OPT... --] CMD...
#                              run CMD detached in container NAME from
#                              $PM_IMAGE; OPTs (before a "--") go to podman run
#                              (--label k=v, --privileged ...). Prints the id.
#   pm_create NAME [OPT... --] CMD...   the same with podman create (not started)
#   pm_start NAME              start a created container
#   pm_id NAME                 full 64-hex id
#   pm_pid NAME                host pid of the container's main process
#   pm_cgroup NAME             the container's cgroup path (as in /proc/PID/cgroup)
#   pm_rm NAME...              remove containers (forced, quiet)
#   pm_cleanup                 remove every container pm_run/pm_create made and
#                              stop the API service if pm_api_start started it;
#                              call it from the test's EXIT trap
#
# Settings: PM_IMAGE (localhost/bpfdig-test:latest), PM_SOCK
# (/run/podman/podman.sock), PM_CONF (/etc/containers/containers.conf),
# PM_SCOPE=1: pm_run/pm_create put the container in ".../libpod-<id>.scope"
# (podman's systemd layout, through runc-scope.sh) instead of the cgroupfs
# ".../libpod-<id>"; sysdig 0.29 knows only the former.
# Container names should be unique per test run (e.g. "bdt$$a").

PM_IMAGE=${PM_IMAGE:-localhost/bpfdig-test:latest}
PM_SOCK=${PM_SOCK:-/run/podman/podman.sock}
PM_CONF=${PM_CONF:-/etc/containers/containers.conf}
PM_SCOPE=${PM_SCOPE:-0}
PM_NAMES=()
PM_API_PID=""
PM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Each [section] key = value pair is added only when the key is absent.
pm_config() {
    mkdir -p "$(dirname "$PM_CONF")" || return 1
    [[ -e "$PM_CONF" ]] || : >"$PM_CONF" || return 1
    python3 - "$PM_CONF" <<'PY'
import re, sys
path = sys.argv[1]
want = {
    "engine": [("runtime", '"runc"'), ("events_logger", '"file"')],
    "containers": [("default_ulimits", '["nofile=20000:20000", "nproc=20000:20000"]')],
}
lines = open(path).read().splitlines()
def section_range(name):
    start = None
    for i, l in enumerate(lines):
        m = re.match(r"\s*\[([^\]]+)\]\s*$", l)
        if m and start is not None:
            return start, i
        if m and m.group(1).strip() == name:
            start = i
    return (start, len(lines)) if start is not None else (None, None)
changed = False
for sec, pairs in want.items():
    for key, val in pairs:
        start, end = section_range(sec)
        if start is None:
            lines += ["", f"[{sec}]"]
            start, end = len(lines) - 1, len(lines)
        if any(re.match(rf"\s*{key}\s*=", l) for l in lines[start + 1:end]):
            continue
        lines.insert(start + 1, f"{key} = {val}")
        changed = True
if changed:
    open(path, "w").write("\n".join(lines) + "\n")
PY
}

pm_image_exists() {
    podman image exists "$PM_IMAGE" 2>/dev/null
}

pm_image() {
    local bb root applet rc
    pm_image_exists && return 0
    bb=$(command -v busybox) || return 1
    # a dynamic busybox would need its libraries in the image
    file -L "$bb" 2>/dev/null | grep -q "statically linked" || return 1
    root=$(mktemp -d "${TMPDIR:-/tmp}/pm-rootfs.XXXXXX") || return 1
    mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root} || return 1
    cp "$bb" "$root/bin/busybox" || return 1
    for applet in $("$bb" --list); do
        [[ "$applet" == busybox ]] || ln -sf busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' \
        >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    chmod 1777 "$root/tmp"
    tar -C "$root" -c . | podman import --change 'CMD ["/bin/sh"]' \
        --change 'ENV PATH=/bin' - "$PM_IMAGE" >/dev/null
    rc=$?
    rm -rf "$root"
    return $rc
}

pm_setup() {
    t_need_root
    command -v podman >/dev/null ||
        t_skip "podman is not installed (apt-get install podman runc busybox-static)"
    command -v busybox >/dev/null ||
        t_skip "busybox is not installed (apt-get install busybox-static)"
    pm_config || t_skip "cannot write $PM_CONF"
    pm_image || t_skip "cannot build the test image $PM_IMAGE from busybox-static"
    local out
    out=$(timeout 60 podman run --rm --net=none "$PM_IMAGE" /bin/true 2>&1) ||
        t_skip "podman cannot run a container here: $(echo "$out" | tail -2)"
}

pm_api_ping() {
    local sock=${1:-$PM_SOCK}
    [[ -S "$sock" ]] || return 1
    python3 - "$sock" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n")
sys.exit(0 if s.recv(64).startswith(b"HTTP/1.") and True else 1)
PY
}

pm_api_start() {
    local sock=${1:-$PM_SOCK}
    pm_api_ping "$sock" && return 0
    mkdir -p "$(dirname "$sock")"
    rm -f "$sock"
    podman system service --time=0 "unix://$sock" >/dev/null 2>&1 &
    PM_API_PID=$!
    for _ in $(seq 100); do
        pm_api_ping "$sock" && return 0
        kill -0 "$PM_API_PID" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}

pm_api_stop() {
    [[ -n "$PM_API_PID" ]] || return 0
    kill -TERM "$PM_API_PID" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$PM_API_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$PM_API_PID" 2>/dev/null
    wait "$PM_API_PID" 2>/dev/null
    PM_API_PID=""
}

# pm__podman VERB NAME [OPT... --] CMD...
pm__podman() {
    local verb=$1 name=$2 opts=() i
    shift 2
    for ((i = 1; i <= $#; i++)); do
        if [[ "${!i}" == "--" ]]; then
            opts=("${@:1:i-1}")
            set -- "${@:i+1}"
            break
        fi
    done
    local global=()
    [[ "$verb" == run ]] && opts=(-d "${opts[@]}")
    [[ "$PM_SCOPE" == 1 ]] && global=(--runtime "$PM_LIB_DIR/runc-scope.sh")
    PM_NAMES+=("$name")
    podman "${global[@]}" "$verb" --name "$name" --net=none "${opts[@]}" "$PM_IMAGE" "$@"
}

pm_run() {
    pm__podman run "$@"
}

pm_create() {
    pm__podman create "$@"
}

pm_start() {
    local global=()
    [[ "$PM_SCOPE" == 1 ]] && global=(--runtime "$PM_LIB_DIR/runc-scope.sh")
    podman "${global[@]}" start "$1" >/dev/null
}

pm_id() {
    podman inspect --format '{{.Id}}' "$1" 2>/dev/null
}

pm_pid() {
    podman inspect --format '{{.State.Pid}}' "$1" 2>/dev/null
}

pm_cgroup() {
    local pid
    pid=$(pm_pid "$1") || return 1
    sed -n 's/^0:://p' "/proc/$pid/cgroup"
}

pm_rm() {
    [[ $# -gt 0 ]] && podman rm -f -t 0 "$@" >/dev/null 2>&1
    return 0
}

pm_cleanup() {
    [[ ${#PM_NAMES[@]} -gt 0 ]] && pm_rm "${PM_NAMES[@]}"
    PM_NAMES=()
    pm_api_stop
}
