#!/bin/bash
# lab-dump.sh TOOL FILE - run tests/reference/tshark-dump.sh with TOOL (strato
# or tshark) inside the sid lab, on the installed bpfdig plugins. Used by
# tests/reference/run.sh as the "ours" command. Env: SID_LAB, TSHARK_ARGS.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
tool=$1 file=$2
dir=$(cd "$(dirname "$file")" && pwd)
LAB_BINDS="$(cd "$HERE/../.." && pwd) $dir" bash "$SID_LAB" run \
    env TSHARK="$tool" TSHARK_ARGS="${TSHARK_ARGS:-}" HOME=/root \
    bash "$HERE/../reference/tshark-dump.sh" "$dir/$(basename "$file")"
