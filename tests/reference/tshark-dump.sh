#!/bin/bash
# tshark-dump.sh - dump bpfdig's view of a .scap file for compare.py.
#
# Usage: tshark-dump.sh [--wiretap PLUGIN.so] [--epan PLUGIN.so] FILE
#   With --wiretap/--epan, tshark runs through tests/lib/tshark-user.sh with those
#   plugins in a fresh personal plugin folder (as an unprivileged user when root).
#   Without them, tshark must already load bpfdig (installed plugins).
# Env:   TSHARK       tshark binary (default: tshark)
#        TSHARK_ARGS  extra arguments, e.g. "-o some.pref:TRUE" (word-split)
#        TU_TIMEOUT   seconds before tshark is killed (default 600)
#
# Output: a header line and one line per frame, fields separated by the byte 0x1f:
# evt.rawtime thread.tid evt.type evt.dir, the compared fields, and the IPv6 variants
# fd.{s,c}ip.v6 when the dissector registers them (compare.py merges them into
# fd.sip/fd.cip). Fields tshark does not know are left out (compare.py then reports
# them as missing) instead of making tshark fail.
# Note: tshark 4.0 takes the separator literally: "-E separator=/u001f" does NOT mean
# U+001F (it yields a backslash); the raw byte is passed below.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=fields.sh
. "$HERE/fields.sh"
TSHARK=${TSHARK:-tshark}
wiretap="" epan=""
while [ $# -gt 1 ]; do
  case "$1" in
    --wiretap) wiretap=$2; shift 2 ;;
    --epan) epan=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# = 1 ] || { echo "usage: $0 [--wiretap SO] [--epan SO] FILE" >&2; exit 2; }
file=$1

run_tshark() { "$TSHARK" "$@"; }
if [ -n "$wiretap$epan" ]; then
  # shellcheck source=../lib/tshark-user.sh
  . "$HERE/../lib/tshark-user.sh"
  TU_TIMEOUT=${TU_TIMEOUT:-600}
  tu_init || { echo "tshark-dump: cannot set up the tshark user environment" >&2; exit 1; }
  trap tu_cleanup EXIT
  [ -z "$wiretap" ] || tu_plugin wiretap "$wiretap" || exit 1
  [ -z "$epan" ] || tu_plugin epan "$epan" || exit 1
  file=$(tu_input "$file") || exit 1
  run_tshark() { tu_tshark "$@"; }
fi

# which fields does this tshark know?
# shellcheck disable=SC2086
known=$(run_tshark ${TSHARK_ARGS:-} -G fields 2>/dev/null | awk -F'\t' '$1=="F"{print $3}')
args=()
# shellcheck disable=SC2086
for f in $REF_KEY_FIELDS $REF_CMP_FIELDS fd.sip.v4 fd.cip.v4 fd.sip.v6 fd.cip.v6; do
  if grep -qxF -- "$f" <<<"$known"; then
    args+=(-e "$f")
  else
    case "$f" in *.v4 | *.v6) ;; *) echo "tshark-dump: tshark does not know field $f" >&2 ;; esac
  fi
done
[ ${#args[@]} -gt 0 ] || { echo "tshark-dump: tshark knows none of the fields" >&2; exit 1; }
# shellcheck disable=SC2086
run_tshark -r "$file" ${TSHARK_ARGS:-} -T fields -E header=y \
  -E "separator=$(printf '\x1f')" -E occurrence=f -E quote=n "${args[@]}"
