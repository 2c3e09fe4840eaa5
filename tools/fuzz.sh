#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz in build-fuzz (clang-14, -Dfuzzing=true; ASan +
# UBSan + libFuzzer) and runs each for SECONDS (default 60) on its seed corpus, printing the
# executions and the exit status. Exits 1 if any target crashed, leaked, timed out or failed an
# assertion (the reproducer is left as build-fuzz/fuzz-out/<target>/crash-*).
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]     (not part of .ci/run: it takes minutes)
# -Db_lundef=false: the sanitizer runtimes are linked into the programs, not the objects.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-fuzz_cache_parser fuzz_device_spec fuzz_arguments}
b=build-fuzz

if [ ! -f "$b/build.ninja" ]; then
    CC=${CC:-clang-14} meson setup "$b" -Dfuzzing=true -Db_lundef=false -Dbuildtype=debugoptimized
fi
meson compile -C "$b"

# Kernel binaries (PoCL's and libgolu's caches) stay in the build folder, so that only the
# first run of fuzz_arguments pays for compiling the kernels.
export POCL_CACHE_DIR="$PWD/$b/pocl-cache" GOLU_CACHE_DIR="$PWD/$b/golu-cache"
# PoCL and LLVM keep memory for the life of the process: the same suppressions as the CI's ASan.
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="fast_unwind_on_malloc=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failed=0
for t in $targets; do
    out="$b/fuzz-out/$t"
    # New inputs go to a scratch corpus: the seeds in the source tree stay as committed.
    mkdir -p "$out/corpus"
    log="$out/log"
    set +e
    "$b/tests/fuzz/$t" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$out/" "$out/corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    echo "$t: ${execs:-?} executions in ${seconds}s, exit status $rc"
    if [ "$rc" -ne 0 ]; then
        failed=1
        tail -n 60 "$log"
    fi
done
exit "$failed"
