#!/bin/bash
# Set bpfdig up on Debian 12 and show a capture with falco fields (as root):
#     sudo scripts/quickstart.sh [FILE.scap]
# Installs the Debian packages, builds, installs the Wireshark plugins and the
# "bpfdig" profile into Wireshark's global folders, then opens FILE (default:
# a sample capture) with tshark showing proc.name and fd.name per event.
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
if [ -z "$file" ]; then
    for cand in "$here/../shared/corpus/curl_google.scap" "$build/tests/sample.scap"; do
        if [ -f "$cand" ]; then
            file=$cand
            break
        fi
    done
fi
if [ -z "$file" ]; then
    echo "bpfdig is installed. Open a capture with:"
    echo "  wireshark -C bpfdig FILE.scap      or"
    echo "  tshark -r FILE.scap -T fields -e proc.name -e fd.name"
    exit 0
fi
echo "== $file: events with a process and a file or socket"
tshark -r "$file" -Y 'proc.name && fd.name' -T fields -E header=y \
    -e frame.number -e evt.type -e proc.name -e proc.pid -e fd.name | head -25
