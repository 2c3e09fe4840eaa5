#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz (clang-14, -Dfuzzing=true; ASan + UBSan + libFuzzer)
# and runs each for SECONDS (default 60) on its seed corpus, one after the other, printing per
# target the executions, executions per second, the inputs added to the corpus and the peak RSS.
# Exits 1 if any target crashed, leaked, timed out or failed an assertion (the reproducer is left
# as <build>/fuzz-out/<target>/crash-*, and the log's tail is printed).
#
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]
#   TARGET: default every tests/fuzz/fuzz_*.c, so that a new target is run without editing this.
#   GOLU_FUZZ_BUILD: the build folder (default build-fuzz; tools/ci-checks.sh fuzz: build-ci-fuzz).
# tools/ci-checks.sh's stage `fuzz` runs it for a short while; long runs are by hand.
# -Db_lundef=false: the sanitizer runtimes are linked into the programs, not the objects.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then
    targets=$*
else
    targets=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)
fi
b=${GOLU_FUZZ_BUILD:-build-fuzz}

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

stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

failed=0
for t in $targets; do
    if [ ! -x "$b/tests/fuzz/$t" ]; then
        echo "$t: no such program in $b/tests/fuzz (is it in tests/fuzz/meson.build?)"
        failed=1
        continue
    fi
    out="$b/fuzz-out/$t"
    # New inputs go to a scratch corpus: the seeds in the source tree stay as committed.
    mkdir -p "$out/corpus"
    seeds=tests/fuzz/corpus/$t
    [ -d "$seeds" ] || seeds=""
    log="$out/log"
    before=$(find "$out/corpus" -type f | wc -l)
    set +e
    # shellcheck disable=SC2086 # $seeds: one folder or none
    "$b/tests/fuzz/$t" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$out/" "$out/corpus" $seeds >"$log" 2>&1
    rc=$?
    set -e
    after=$(find "$out/corpus" -type f | wc -l)
    cov=$(sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/p' "$log" | tail -n 1)
    echo "$t: $(stat number_of_executed_units "$log") executions in ${seconds} s" \
        "($(stat average_exec_per_sec "$log") exec/s), scratch corpus $before -> $after inputs," \
        "coverage ${cov:-?}, peak RSS $(stat peak_rss_mb "$log") MB, exit status $rc"
    if [ "$rc" -ne 0 ]; then
        failed=1
        tail -n 60 "$log"
    fi
done
exit "$failed"
