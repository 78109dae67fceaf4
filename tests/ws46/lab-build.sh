#!/bin/bash
# lab-build.sh SRC BUILD - inside the sid lab: configure, build and install
# bpfdig against the lab's Wireshark (4.6.9). Prints the configure summary.
# Env: BPFDIG_WS46_CMAKE_ARGS extra configure arguments (word-split).
set -euo pipefail
src=$1 build=$2
# Warnings are errors, as on the host (gcc 16, libssh 0.12 here).
# shellcheck disable=SC2086
cmake -S "$src" -B "$build" -DBPFDIG_WERROR=ON ${BPFDIG_WS46_CMAKE_ARGS:-} >"$build.configure.log" 2>&1 ||
    { cat "$build.configure.log"; exit 1; }
grep -E '^-- bpfdig' "$build.configure.log" || true
cmake --build "$build" -j2 >"$build.build.log" 2>&1 || { tail -40 "$build.build.log"; exit 1; }
echo "warnings: $(grep -c 'warning:' "$build.build.log" || true)"
grep 'warning:' "$build.build.log" | sort -u | head -5 || true
cmake --install "$build" >"$build.install.log" 2>&1 || { cat "$build.install.log"; exit 1; }
grep -E 'Installing|Up-to-date' "$build.install.log" | sed 's/^-- //'
