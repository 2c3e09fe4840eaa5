#!/bin/sh
# shellcheck disable=SC2317 # the stage_* functions are called as stage_$s
# CI's checks after the README's test command (.ci/run runs this second). Each stage has its own
# build folder, build-ci-<stage>, next to build/ (which it never touches):
#
#   werror    warnings (warning_level 3) as errors: library, tests, golu-bench
#   asan      AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer): the whole suite
#             on PoCL; tests/sanitizers/lsan.supp names the runtime's own leaks (PoCL, LLVM)
#   oclgrind  the kernel tests on Oclgrind's simulated device with GOLU_TEST_QUICK=1: fails on any
#             out-of-bounds access, uninitialised value, data race or OpenCL API error it reports
#   valgrind  memcheck over host-side tests on PoCL with GOLU_TEST_QUICK=1: fails on any memory
#             error not in tests/sanitizers/valgrind.supp, and on any definite leak from libgolu
#   fuzz      every libFuzzer target of tests/fuzz for GOLU_CI_FUZZ_SECONDS (default 45) each,
#             through tools/fuzz.sh (clang-14, ASan + UBSan): fails on any crash, leak, timeout or
#             failed audit; the reproducer stays in build-ci-fuzz/fuzz-out/<target>/
#
# Usage: tools/ci-checks.sh [STAGE...]      (no argument: all of them, in that order)
# Every stage runs; the exit status is 1 when any failed. tools/setup-debian.sh installs the tools.
set -u
root=$(cd "$(dirname "$0")/.." && pwd) || exit 1
supp=$root/tests/sanitizers

# Tests that run kernels under Oclgrind (an interpreter: small sizes). Not test_events (hangs under
# Oclgrind 21.10 in its first test, a wait list gated by a user event), nor test_threads (Oclgrind
# runs one kernel at a time: concurrent enqueues trip its assertion m_kernelInvocation == NULL);
# test_multi_device needs PoCL's two drivers.
oclgrind_tests="test_sizes test_special_values test_params test_exhaustive16 test_host_calls test_arguments"
# Tests that run under valgrind: the host code's paths (contexts, validation, events, threads,
# error paths through the fault plan). Not test_binary_cache: its child processes run natively,
# on a device whose CPU (and so cache key) differs from the one valgrind shows the parent.
valgrind_tests="test_host_calls test_arguments test_sizes test_events test_threads test_fault_injection"

say() { printf '\n=== ci-checks: %s\n' "$*"; }

# setup DIR OPTION...: configures DIR (again, with these options, when it exists), then compiles.
setup() {
    dir=$1
    shift
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" "$@" >/dev/null || return 1
    else
        meson setup "$dir" "$@" >/dev/null || return 1
    fi
    meson compile -C "$dir"
}

stage_werror() {
    setup build-ci-werror -Dwerror=true -Dtests=enabled
}

stage_asan() {
    b=build-ci-asan
    setup "$b" --buildtype=debugoptimized -Dtests=enabled -Db_sanitize=address,undefined \
        -Db_lundef=false || return 1
    # Full stacks (libpocl has no frame pointers) so that the suppressions see PoCL's frames.
    ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=50:abort_on_error=1:print_summary=1
    LSAN_OPTIONS=suppressions=$supp/lsan.supp:print_suppressions=0
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1
    export ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
    meson test -C "$b" --no-rebuild --print-errorlogs --timeout-multiplier 3 && return 0
    # LeakSanitizer's tracer now and then dies while PoCL's worker threads wind down ("Tracer
    # caught signal 11", "LeakSanitizer has encountered a fatal error"): run such tests once more.
    # Any other failure stands.
    again=$(python3 - "$b/meson-logs/testlog.json" <<'EOF'
import json, sys
tests = [json.loads(line) for line in open(sys.argv[1])]
failed = [t for t in tests if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL")]
tracer = "LeakSanitizer has encountered a fatal error"
if failed and all(tracer in (t.get("stdout") or "") + (t.get("stderr") or "") for t in failed):
    print(" ".join(t["name"] for t in failed))
EOF
    )
    [ -n "$again" ] || return 1
    say "asan: LeakSanitizer's tracer crashed in: $again; running those once more"
    # shellcheck disable=SC2086
    meson test -C "$b" --no-rebuild --print-errorlogs --timeout-multiplier 3 $again
}

# The wrappers that meson test runs each test program under (--wrapper), so that the programs
# keep tests/meson.build's environment: "$@" is the program and its arguments.
wrap_oclgrind() {
    log=$1.oclgrind.log
    err=$1.oclgrind.stderr
    fifo=$1.oclgrind.fifo
    # Oclgrind 21.10 reopens (truncates) its --log file for every cl_context, so it writes to a
    # FIFO that one reader copies to the log; this shell holds the FIFO open between contexts.
    rm -f "$log" "$fifo"
    mkfifo "$fifo" || exit 1
    cat "$fifo" >"$log" &
    reader=$!
    exec 3>"$fifo"
    # --max-wgsize 16: small work-groups, so that the quick sizes still take several rounds of
    # the kernels' grid-stride loop. GOLU_DEVICE=Oclgrind: a test that did not get the simulator
    # fails to find its device.
    GOLU_DEVICE=Oclgrind oclgrind --check-api --data-races --uninitialized --max-wgsize 16 \
        --log "$fifo" "$@" 2>"$err" 3>&-
    rc=$?
    exec 3>&-
    wait "$reader"
    rm -f "$fifo"
    cat "$err" >&2
    # --check-api writes to stderr, not to the log. A failed clBuildProgram is left to the tests:
    # test_arguments builds broken kernels on purpose, and any other one fails its test.
    api=$(awk '/^Oclgrind - OpenCL runtime error detected/ {
                   getline f; getline e
                   if (f !~ /Function: clBuildProgram$/ || e !~ /CL_BUILD_PROGRAM_FAILURE$/)
                       print $0 "\n" f "\n" e
               }' "$err")
    if [ -n "$api" ]; then
        echo "ci-checks: Oclgrind reported OpenCL API errors:" >&2
        printf '%s\n' "$api" >&2
        rc=1
    fi
    if [ -s "$log" ]; then
        echo "ci-checks: Oclgrind reported errors ($log):" >&2
        head -n 200 "$log" >&2
        rc=1
    fi
    exit "$rc"
}

# The definite-leak records of a valgrind log whose stack holds a frame of libgolu (src/), with
# debug information or without.
libgolu_leaks() {
    sed 's/^==[0-9]*== \{0,1\}//' "$1" | awk '
        function flush() {
            if (rec ~ /definitely lost in loss record/ &&
                rec ~ /([(\/]src\/[A-Za-z0-9_]+\.c:[0-9]+\)|libgolu\.so)/)
                printf "%s\n", rec
            rec = ""
        }
        /^$/ { flush(); next }
        { rec = rec $0 "\n" }
        END { flush() }'
}

wrap_valgrind() {
    log=$1.valgrind.log
    rm -f "$log"
    # Exit 99: a memory error outside the suppressions. Leaks are judged from the log.
    valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=none --suppressions="$supp/valgrind.supp" \
        --fullpath-after="$root/" --num-callers=50 --log-file="$log" "$@"
    rc=$?
    if [ "$rc" -eq 99 ]; then
        echo "ci-checks: valgrind reported memory errors ($log):" >&2
        grep -v '^==[0-9]*== *$' "$log" >&2
    fi
    leaks=$(libgolu_leaks "$log")
    if [ -n "$leaks" ]; then
        echo "ci-checks: definite leaks from libgolu ($log):" >&2
        printf '%s\n' "$leaks" >&2
        exit 1
    fi
    exit "$rc"
}

stage_oclgrind() {
    b=build-ci-oclgrind
    setup "$b" --buildtype=debug -Dtests=enabled || return 1
    # shellcheck disable=SC2086
    GOLU_TEST_QUICK=1 meson test -C "$b" --no-rebuild --print-errorlogs --timeout-multiplier 4 \
        --wrapper "'$root/tools/ci-checks.sh' --wrap-oclgrind" $oclgrind_tests
}

stage_valgrind() {
    b=build-ci-valgrind
    setup "$b" --buildtype=debug -Dtests=enabled || return 1
    # The first test alone: it fills the program caches (PoCL compiles for valgrind's CPU, not
    # the host's), which the others, two at a time, then read.
    status=0
    for tests in "${valgrind_tests%% *}" "${valgrind_tests#* }"; do
        # shellcheck disable=SC2086
        GOLU_TEST_QUICK=1 meson test -C "$b" --no-rebuild --print-errorlogs \
            --timeout-multiplier 10 --wrapper "'$root/tools/ci-checks.sh' --wrap-valgrind" \
            $tests || status=1
    done
    return "$status"
}

# A short run per target on every CI run: it catches what a change breaks in the parsers and the
# argument checks within minutes (about 4 minutes on 2 cores: the build, then 45 s per target, of
# which fuzz_arguments spends its first 10-20 s compiling the kernels). Long runs are by hand.
stage_fuzz() {
    GOLU_FUZZ_BUILD=build-ci-fuzz tools/fuzz.sh "${GOLU_CI_FUZZ_SECONDS:-45}"
}

case ${1-} in
--wrap-oclgrind)
    shift
    wrap_oclgrind "$@"
    ;;
--wrap-valgrind)
    shift
    wrap_valgrind "$@"
    ;;
esac

cd "$root" || exit 1
stages=${*:-werror asan oclgrind valgrind fuzz}
summary=""
failed=0
for s in $stages; do
    case $s in
    werror | asan | oclgrind | valgrind | fuzz) ;;
    *)
        echo "ci-checks: unknown stage '$s' (werror, asan, oclgrind, valgrind, fuzz)" >&2
        exit 2
        ;;
    esac
    say "$s"
    start=$(date +%s)
    if (stage_"$s"); then result=ok; else result=FAILED failed=1; fi
    summary="$summary$(printf '%-9s %-6s %5d s' "$s" "$result" $(($(date +%s) - start)))
"
done
say "summary"
printf '%s' "$summary"
exit $failed
