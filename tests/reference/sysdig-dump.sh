#!/bin/bash
# sysdig-dump.sh - dump the reference readers' view of a .scap file as TSV.
#
# Usage: sysdig-dump.sh [-q] BUILD_DIR SCAP_FILE...
#
# For each SCAP_FILE, writes (or reuses from the cache) one TSV per reference reader:
#   BUILD_DIR/reference-cache/<sha256-16>.sysdig-<version>.<fmt-hash>.tsv
# (BPFDIG_REF_CACHE=DIR puts the cache elsewhere, e.g. a CI cache kept between runs)
# and prints, per file, one line:  SCAP_FILE <TAB> TSV_041 <TAB> TSV_029
# (a TSV path is "-" when that reader is unavailable or failed; see the .err file next
# to the would-be TSV for the reason).
#
# Readers:
#   0.41  sysdig 0.41.x inside the Debian sid lab (/work/shared/tools/sid-lab.sh), root only.
#         Override the script with SID_LAB=..., the chroot with LAB_ROOT=...
#   0.29  the host's sysdig (Debian 12: 0.29.3). Override with SYSDIG029=...
#         sysdig 0.29 refuses section-header options (comments); such files are read
#         from a copy with the options removed (in BUILD_DIR, never in the corpus).
#
# TSV: header line of field names, then one line per event printed by
# `sysdig -r F -p '*...'` (the '*' prints events even when some fields are missing;
# missing fields print as "<NA>"). Values are escaped: \\ \t \n \r.
# Cache key: file sha256 + reader version + hash of the field list.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=fields.sh
. "$HERE/fields.sh"

quiet=0
if [ "${1:-}" = "-q" ]; then quiet=1; shift; fi
[ $# -ge 2 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d;s/^# \{0,1\}//' >&2; exit 2; }
BUILD=$1; shift
CACHE=${BPFDIG_REF_CACHE:-$BUILD/reference-cache}
mkdir -p "$CACHE"

SID_LAB=${SID_LAB:-/work/shared/tools/sid-lab.sh}
LAB_ROOT=${LAB_ROOT:-/var/cache/bpfdig-sid-lab/sid}
export LAB_ROOT
SYSDIG029=${SYSDIG029:-sysdig}

log() { [ "$quiet" = 1 ] || echo "sysdig-dump: $*" >&2; }

# -p format: '*' then the fields separated by 0x1f, record ended by 0x1e (sysdig adds \n).
mkfmt() {
  local f out='*' first=1
  for f in "$@"; do
    if [ $first = 1 ]; then first=0; else out+=$'\x1f'; fi
    out+="%$f"
  done
  printf '%s\x1e' "$out"
}

FIELDS041="$REF_KEY_FIELDS $REF_CMP_FIELDS $REF_EXTRA_FIELDS"
FIELDS029="$FIELDS041 $REF_EXTRA_FIELDS_029"
# shellcheck disable=SC2086
FMT041=$(mkfmt $FIELDS041)
# shellcheck disable=SC2086
FMT029=$(mkfmt $FIELDS029)
fmthash() { printf '%s' "$1" | sha256sum | cut -c1-8; }

lab_available() {
  [ -d "$LAB_ROOT" ] && [ -x "$LAB_ROOT/usr/bin/sysdig" ] && [ -f "$SID_LAB" ] && [ "$(id -u)" = 0 ]
}

ver041=""
version041() {
  if [ -z "$ver041" ]; then
    if [ -x "$LAB_ROOT/usr/bin/sysdig" ] && [ -d "$LAB_ROOT/var/lib/dpkg" ]; then
      # read the package version without entering the chroot
      ver041=$(awk '/^Package: sysdig$/{p=1} p&&/^Version:/{print $2; exit}' \
               "$LAB_ROOT/var/lib/dpkg/status" 2>/dev/null || true)
    fi
    ver041=${ver041:-unknown}
    ver041=${ver041//[^A-Za-z0-9.+~-]/_}
  fi
  printf '%s' "$ver041"
}
ver029=""
version029() {
  if [ -z "$ver029" ]; then
    ver029=$("$SYSDIG029" --version 2>/dev/null | awk '{print $NF}') || true
    ver029=${ver029:-unavailable}
    ver029=${ver029//[^A-Za-z0-9.+~-]/_}
  fi
  printf '%s' "$ver029"
}

dump041() { # file out
  local f=$1 out=$2 dir
  dir=$(dirname "$f")
  # shellcheck disable=SC2086
  LAB_BINDS="$dir" bash "$SID_LAB" run sysdig -r "$f" -p "$FMT041" \
    2>"$out.stderr" | python3 "$HERE/scaputil.py" raw2tsv $FIELDS041 >"$out.tmp"
}
dump029() { # file out
  local f=$1 out=$2 rc=0
  # shellcheck disable=SC2086
  "$SYSDIG029" -r "$f" -p "$FMT029" 2>"$out.stderr" \
    | python3 "$HERE/scaputil.py" raw2tsv $FIELDS029 >"$out.tmp" || rc=$?
  if [ $rc != 0 ] && grep -q 'expecting 4 bytes' "$out.stderr"; then
    # sysdig 0.29 cannot skip SHB options (curl_google_comments.scap): retry on a copy
    local tmp="$out.noshbopts.scap"
    python3 "$HERE/scaputil.py" strip-shb-options "$f" "$tmp"
    rc=0
    # shellcheck disable=SC2086
    "$SYSDIG029" -r "$tmp" -p "$FMT029" 2>"$out.stderr" \
      | python3 "$HERE/scaputil.py" raw2tsv $FIELDS029 >"$out.tmp" || rc=$?
    rm -f "$tmp"
    [ $rc != 0 ] || echo "note: read from a copy without SHB options" >>"$out.stderr"
  fi
  return $rc
}

# one reader, one file: prints the TSV path or "-"
get() { # reader file sha
  local reader=$1 f=$2 sha=$3 ver fmt out
  if [ "$reader" = 041 ]; then ver="$(version041)"; fmt=$FMT041
  else ver="$(version029)"; fmt=$FMT029; fi
  out="$CACHE/${sha:0:16}.sysdig-$ver.$(fmthash "$fmt").tsv"
  if [ -s "$out" ]; then log "cached $(basename "$f") ($ver)"; echo "$out"; return; fi
  if [ "$reader" = 041 ] && ! lab_available; then
    echo "sid lab unavailable (need root and $LAB_ROOT with sysdig, and $SID_LAB)" >"$out.err"
    log "$(basename "$f"): sysdig 0.41: $(cat "$out.err")"; echo "-"; return
  fi
  if [ "$reader" = 029 ] && ! command -v "$SYSDIG029" >/dev/null; then
    echo "host sysdig ($SYSDIG029) not found" >"$out.err"
    log "$(basename "$f"): sysdig 0.29: $(cat "$out.err")"; echo "-"; return
  fi
  log "dumping $(basename "$f") with sysdig $ver"
  if "dump$reader" "$f" "$out"; then
    mv "$out.tmp" "$out"; rm -f "$out.err"
    echo "$out"
  else
    { echo "sysdig $ver failed on $f:"; cat "$out.stderr"; } >"$out.err"
    rm -f "$out.tmp"
    log "$(basename "$f"): $(tr '\n' ' ' <"$out.err")"; echo "-"
  fi
}

for f in "$@"; do
  f=$(readlink -f "$f")
  [ -f "$f" ] || { echo "sysdig-dump: no such file: $f" >&2; exit 2; }
  sha=$(sha256sum "$f" | cut -d' ' -f1)
  a=$(get 041 "$f" "$sha")
  b=$(get 029 "$f" "$sha")
  printf '%s\t%s\t%s\n' "$f" "$a" "$b"
done
