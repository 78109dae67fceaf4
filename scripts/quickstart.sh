#!/bin/bash
# Set bpfdig up on Debian 12 and show a real capture with falco fields (as root):
#     sudo scripts/quickstart.sh [FILE.scap]
# Installs the Debian packages, builds, installs the Wireshark plugins, the
# "bpfdig" profile, the extcap and bpfdig-agent, then captures this host's
# system calls for 3 seconds while `cat /etc/os-release` runs and shows the
# events with proc.name and fd.name (or shows FILE, when given).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${BPFDIG_BUILD_DIR:-$here/build}

if [ "$(id -u)" -ne 0 ]; then
    echo "quickstart.sh: run as root (sudo $0): it installs packages and plugins" >&2
    exit 1
fi
"$here/scripts/install-deps.sh"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j"$(nproc)"
cmake --install "$build"

file=${1:-}
filter='proc.name && fd.name'
if [ -z "$file" ]; then
    file=/tmp/bpfdig-quickstart.scap
    echo "== capturing 3 s of this host's system calls into $file"
    (sleep 1 && cat /etc/os-release >/dev/null) &
    "$build/remote-agent/bpfdig-agent" -M 3 -w "$file"
    wait
    filter='proc.name == "cat" && fd.name'
fi
echo "== $file: $filter"
tshark -r "$file" -Y "$filter" -T fields -E header=y \
    -e frame.number -e evt.type -e proc.name -e proc.pid -e fd.name | head -25
echo
echo "Open it in the GUI:   wireshark -C bpfdig $file"
echo "Capture from the GUI: the interfaces 'System calls (eBPF) on this host' and 'System calls over SSH'"
