#!/bin/bash
# Build bpfdig and run all its tests (as root, on Debian 12):
#     sudo scripts/test.sh
# Stages: warnings-as-errors build + ctest (unit, plugin, dissector, reference,
# GUI), then an ASan/UBSan build running the unit tests and the fuzzer for a
# bounded time. Tests that need ../shared/corpus or the sid lab skip with a
# message when those are absent.
#
# Environment:
#   BPFDIG_BUILD_DIR      build directory            (default: build-test)
#   BPFDIG_FUZZ_SECONDS   fuzzing time, 0 = skip      (default: 60)
#   BPFDIG_SKIP_DEPS=1    do not check/install Debian packages
#   BPFDIG_CTEST_JOBS     tests run in parallel       (default: 2)
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${BPFDIG_BUILD_DIR:-$here/build-test}
asan=${build}-asan
fuzz_seconds=${BPFDIG_FUZZ_SECONDS:-60}
stages_passed=0
stages_failed=0

if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: run as root (sudo $0): tests load BPF programs and switch users" >&2
    exit 1
fi

failed_stages=()
stage() {
    local name=$1
    shift
    echo "=== $name"
    if "$@"; then
        stages_passed=$((stages_passed + 1))
    else
        echo "=== $name FAILED" >&2
        stages_failed=$((stages_failed + 1))
        failed_stages+=("$name")
    fi
}

# The last lines of the run say what failed (CI logs are often read from the end).
summary() {
    local dir log
    for dir in "$build" "$asan"; do
        log=$dir/Testing/Temporary/LastTestsFailed.log
        [ -s "$log" ] && echo "failed tests in $dir: $(cut -d: -f2 "$log" | tr '\n' ' ')"
    done
    for name in "${failed_stages[@]}"; do
        echo "failed stage: $name"
    done
    echo "test.sh: $stages_passed passed, $stages_failed failed"
}

if [ "${BPFDIG_SKIP_DEPS:-0}" != 1 ]; then
    "$here/scripts/install-deps.sh" --gui || exit 1
fi

build_main() {
    cmake -S "$here" -B "$build" -DBPFDIG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
        cmake --build "$build" -j2
}
run_ctest() {
    # two at a time (the live-capture tests run alone: RUN_SERIAL)
    ctest --test-dir "$build" --output-on-failure -j"${BPFDIG_CTEST_JOBS:-2}"
}
build_asan() {
    cmake -S "$here" -B "$asan" -DBPFDIG_WERROR=ON -DBPFDIG_SANITIZE=ON -DBPFDIG_WIRESHARK=OFF \
        -DCMAKE_BUILD_TYPE=Debug &&
        cmake --build "$asan" -j2
}
run_asan_units() {
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir "$asan" --output-on-failure -L unit
}
run_fuzz() {
    if [ "$fuzz_seconds" = 0 ]; then
        echo "fuzzing skipped (BPFDIG_FUZZ_SECONDS=0)"
        return 0
    fi
    # libFuzzer's progress goes to a log; its end is shown (and all of it on failure)
    local log=$build/fuzz.log
    if "$here/fuzz/run.sh" "$fuzz_seconds" >"$log" 2>&1; then
        grep -E "^run.sh|Done [0-9]+ runs|^stat::" "$log" || tail -5 "$log"
        return 0
    fi
    cat "$log"
    return 1
}

rm -f "$build/Testing/Temporary/LastTestsFailed.log" "$asan/Testing/Temporary/LastTestsFailed.log"
stage "build (warnings are errors)" build_main || true
stage "ctest" run_ctest
stage "build with ASan/UBSan" build_asan
stage "unit tests under ASan/UBSan" run_asan_units
stage "fuzz reader and state engine (${fuzz_seconds}s)" run_fuzz

summary
[ "$stages_failed" -eq 0 ]
