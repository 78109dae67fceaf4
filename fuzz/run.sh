#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer targets with clang in build-fuzz, seed a corpus and
# fuzz for a bounded time. Usage: fuzz/run.sh [seconds]   (default 60)
# Exits non-zero if the fuzzer finds a crash, leak, timeout or OOM; the
# reproducer is left in build-fuzz/artifacts/. BPFDIG_FUZZ_FULL_SEEDS=1 adds
# whole gunzipped corpus files to the seeds (slower executions).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BPFDIG_FUZZ_BUILD:-$root/build-fuzz}"
corpus_src="${BPFDIG_CORPUS:-$root/../shared/corpus}"
seeds="$build/seeds"
corpus="$build/corpus"       # grows across runs: libFuzzer adds new inputs here
artifacts="$build/artifacts"

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DBPFDIG_FUZZ=ON -DBPFDIG_WIRESHARK=OFF >/dev/null
cmake --build "$build" --target fuzz_reader fuzz_gen_seeds -j2

captures=()
if [ -d "$corpus_src" ]; then
    captures=("$corpus_src"/*.scap)
else
    echo "run.sh: no corpus at $corpus_src; synthetic seeds only" >&2
fi

rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$artifacts"
# Synthetic captures, plus trimmed copies of the real ones (quick to mutate).
"$build/fuzz/fuzz_gen_seeds" "$seeds" "${captures[@]}"
if [ "${BPFDIG_FUZZ_FULL_SEEDS:-0}" = 1 ]; then
    # Whole gunzipped copies too (slow to execute: a few hundred KB each).
    for f in "${captures[@]}"; do
        gzip -dc -f "$f" >"$seeds/$(basename "$f")"
    done
fi

echo "run.sh: fuzzing for ${seconds}s ($(ls "$seeds" | wc -l) seeds)"
exec "$build/fuzz/fuzz_reader" \
    -max_total_time="$seconds" \
    -dict="$root/fuzz/scap.dict" \
    -artifact_prefix="$artifacts/" \
    -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -print_final_stats=1 \
    "$corpus" "$seeds"
