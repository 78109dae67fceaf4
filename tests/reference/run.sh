#!/bin/bash
# run.sh - reference-agreement test: bpfdig vs sysdig 0.41 (and 0.29) on a corpus.
#
# Usage: run.sh BUILD_DIR CORPUS_DIR CMD [ARGS...]
#   CMD ARGS... FILE must print our dump of FILE (see tshark-dump.sh) on stdout.
# Env:   BPFDIG_REF_THRESHOLD  minimum agreement per field and file in % (default 99)
#        BPFDIG_REF_SHOW       disagreements listed per field and file (default 5)
#        BPFDIG_REF_FILES      space-separated basenames to restrict the corpus
#        SID_LAB, LAB_ROOT, SYSDIG029, BPFDIG_REF_CACHE: see sysdig-dump.sh
# Exit:  0 pass, 1 fail, 2 usage error,
#        77 skip: no corpus, or a sysdig 0.41 dump is neither cached nor producible
#        (the sid lab is absent or we are not root).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 3 ]; then
  sed -n '2,/^set -u/p' "$0" | sed '$d;s/^# \{0,1\}//' >&2
  exit 2
fi
BUILD=$1; CORPUS=$2; shift 2
skip() { echo "SKIP: $*"; exit 77; }

[ -d "$CORPUS" ] || skip "corpus directory $CORPUS not found"
files=()
if [ -n "${BPFDIG_REF_FILES:-}" ]; then
  for b in $BPFDIG_REF_FILES; do
    [ -f "$CORPUS/$b" ] || { echo "run.sh: $CORPUS/$b not found" >&2; exit 2; }
    files+=("$CORPUS/$b")
  done
else
  for f in "$CORPUS"/*.scap; do [ -f "$f" ] && files+=("$f"); done
fi
[ ${#files[@]} -gt 0 ] || skip "no .scap files in $CORPUS"
command -v python3 >/dev/null || skip "python3 not found"

# the sid lab script normally sits next to the corpus (shared/tools/sid-lab.sh)
if [ -z "${SID_LAB:-}" ] && [ -f "$CORPUS/../tools/sid-lab.sh" ]; then
  SID_LAB=$(readlink -f "$CORPUS/../tools/sid-lab.sh"); export SID_LAB
fi

OUT="$BUILD/reference"
mkdir -p "$OUT/ours" || exit 2
index="$OUT/index.tsv"

# 1. reference dumps (cached)
if ! "$HERE/sysdig-dump.sh" -q "$BUILD" "${files[@]}" >"$OUT/refs.tsv" 2>"$OUT/refs.log"; then
  cat "$OUT/refs.log" >&2
  echo "run.sh: sysdig-dump.sh failed" >&2
  exit 1
fi
missing=$(awk -F'\t' '$2=="-"{print $1}' "$OUT/refs.tsv")
if [ -n "$missing" ]; then
  why=$(cat "${BPFDIG_REF_CACHE:-$BUILD/reference-cache}"/*.err 2>/dev/null | sort -u | head -3)
  skip "no sysdig 0.41 reference for: $(echo "$missing" | xargs -n1 basename | tr '\n' ' ')
      ($why)
      Fill the cache once as root with the sid lab (/var/cache/bpfdig-sid-lab/sid):
      sudo $HERE/sysdig-dump.sh $BUILD $CORPUS/*.scap"
fi
if awk -F'\t' '$3=="-"{f=1} END{exit !f}' "$OUT/refs.tsv"; then
  echo "note: sysdig 0.29 dump missing for some files; only 0.41 values count there:"
  awk -F'\t' '$3=="-"{print "   " $1}' "$OUT/refs.tsv"
fi

# 2. our dumps
: >"$index"
while IFS=$'\t' read -r f r41 r29; do
  base=$(basename "$f" .scap)
  ours="$OUT/ours/$base.txt"
  if "$@" "$f" >"$ours" 2>"$OUT/ours/$base.err"; then
    printf '%s\t%s\t%s\t%s\n' "$f" "$r41" "$r29" "$ours" >>"$index"
  else
    rc=$?
    echo "run.sh: '$* $f' failed (rc=$rc):" >&2
    head -5 "$OUT/ours/$base.err" >&2
    printf '%s\t%s\t%s\t-\n' "$f" "$r41" "$r29" >>"$index"
  fi
done <"$OUT/refs.tsv"

# 3. compare
python3 "$HERE/compare.py" --show "${BPFDIG_REF_SHOW:-5}" \
  --threshold "${BPFDIG_REF_THRESHOLD:-99}" "$index"
