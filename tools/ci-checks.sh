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
#   install   meson install (prefix /usr) into build-ci-install/install-check/stage, then uses the
#             staged files as an integrator would: examples/minimal_host.c through pkg-config,
#             linked shared and static; examples/events_chain.c through CMake's
#             find_package(golu); a Meson project with libgolu as a subproject and installed; and
#             checks the installed file list, the soname, the exports, golu-bench and its manual page
#   fuzz      every libFuzzer target of tests/fuzz for GOLU_CI_FUZZ_SECONDS (default 30) each,
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
# test_multi_device needs PoCL's two drivers; test_reduction_scratch is the pool's host logic, its
# threads and user-event gates out of Oclgrind's reach (the reductions' kernels run here through
# test_bias and test_param_grads).
oclgrind_tests="test_sizes test_special_values test_params test_exhaustive16 test_host_calls
    test_arguments test_blend test_bias test_param_grads"
# Tests that run under valgrind: the host code's paths (contexts, validation, events, threads,
# error paths through the fault plan, the reductions' scratch pool). Not test_binary_cache: its
# child processes run natively, on a device whose CPU (and so cache key) differs from the one
# valgrind shows the parent.
valgrind_tests="test_host_calls test_arguments test_sizes test_events test_threads
    test_fault_injection test_reduction_scratch"

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
# argument checks. About 5 minutes on 2 busy cores: the clang build, fuzz_arguments compiling its
# kernels under ASan before its clock starts (cold caches), then 30 s per target, which starts
# from the corpus of tests/fuzz/corpus (the long runs' inputs, merged). Long runs are by hand.
stage_fuzz() {
    GOLU_FUZZ_BUILD=build-ci-fuzz tools/fuzz.sh "${GOLU_CI_FUZZ_SECONDS:-30}"
}

# ---- install: the installed files, used the three ways README's "Use it in your build" shows.
# The install_* functions read $root, $out (the stage's scratch folder), $stage (the DESTDIR),
# $libdir (the staged libdir, relative to $stage), $lib ($stage/$libdir), $version and $major;
# each says what it checks and returns 1 at its first failure.

fail() {
    echo "ci-checks: install: $*" >&2
    return 1
}

# run_logged LOG COMMAND...: runs COMMAND with its output in LOG, shown when it fails.
run_logged() {
    log=$1
    shift
    "$@" >"$log" 2>&1 && return 0
    cat "$log" >&2
    fail "failed: $*"
}

# check_minimal_host LIBPATH PROGRAM: runs a build of examples/minimal_host.c (LD_LIBRARY_PATH
# LIBPATH) and checks its five lines (x, then y and dy/dx to 6 decimals) against the formula in
# double precision.
check_minimal_host() {
    if ! LD_LIBRARY_PATH=$1 "$2" >"$2.out" 2>&1; then
        cat "$2.out" >&2
        fail "$2 exited with an error"
        return 1
    fi
    awk 'function abs(v) { return v < 0 ? -v : v }
        { print }
        /^x=/ {
            line = $0
            gsub(/[a-z\/]+=/, " ", line)
            split(line, v, " ")
            e = exp(-v[1])
            if (abs(v[2] - v[1] * exp(-e)) > 2e-6 || abs(v[3] - exp(-e) * (1 + v[1] * e)) > 2e-6) {
                print "    ^ differs from the formula"
                bad++
            }
            n++
        }
        END { exit !(n == 5 && bad == 0) }' "$2.out" >"$2.checked" && return 0
    cat "$2.checked" >&2
    fail "$2: not the five values of the formula"
}

# uses_staged_lib LIBPATH PROGRAM: with LD_LIBRARY_PATH LIBPATH (may be empty), the dynamic loader
# resolves PROGRAM's libgolu.so.N into the stage.
uses_staged_lib() {
    LD_LIBRARY_PATH=$1 ldd "$2" | grep -q "libgolu\.so\.$major => $lib/" && return 0
    LD_LIBRARY_PATH=$1 ldd "$2" >&2
    fail "$2 does not load the staged libgolu.so.$major"
}

# links_no_shared_golu PROGRAM: a static link left no libgolu.so behind.
links_no_shared_golu() {
    if readelf -d "$1" | grep -q 'NEEDED.*libgolu'; then
        fail "$1 was to link libgolu.a but needs libgolu.so"
    fi
}

# (d) What meson install puts where; the shared library's soname and exports; golu-bench and its
# manual page.
install_files() {
    echo "install: the staged files, golu-bench and its manual page"
    printf '%s\n' usr/bin/golu-bench usr/include/golu.h usr/share/man/man1/golu-bench.1 \
        "$libdir/libgolu.so" "$libdir/libgolu.so.$major" "$libdir/libgolu.so.$version" \
        "$libdir/libgolu.a" "$libdir/pkgconfig/golu.pc" \
        "$libdir/cmake/golu/goluConfig.cmake" "$libdir/cmake/golu/goluConfigVersion.cmake" |
        sort >"$out/files.expected"
    (cd "$stage" && find . ! -type d | sed 's|^\./||' | sort) >"$out/files.found"
    if ! diff -u "$out/files.expected" "$out/files.found" >&2; then
        fail "the installed files differ from the expected list (-expected +found)"
        return 1
    fi
    if [ "$(readlink "$lib/libgolu.so")" != "libgolu.so.$major" ] ||
        [ "$(readlink "$lib/libgolu.so.$major")" != "libgolu.so.$version" ]; then
        fail "not libgolu.so -> libgolu.so.$major -> libgolu.so.$version"
        return 1
    fi
    readelf -d "$lib/libgolu.so.$version" | grep -q "(SONAME).*\[libgolu\.so\.$major\]" ||
        { fail "the soname of libgolu.so.$version is not libgolu.so.$major"; return 1; }
    # Hidden visibility: the library exports its API (golu_*) and nothing else.
    nm -D --defined-only "$lib/libgolu.so.$version" >"$out/exports.txt" || return 1
    others=$(awk '$3 !~ /^golu_/ { print $3 }' "$out/exports.txt")
    [ -z "$others" ] || { fail "libgolu.so exports symbols outside the API: $others"; return 1; }
    grep -q ' golu_forward_host$' "$out/exports.txt" ||
        { fail "libgolu.so does not export golu_forward_host"; return 1; }
    ar t "$lib/libgolu.a" | grep -q '^context\.c\.o$' ||
        { fail "libgolu.a does not hold the library's objects"; return 1; }

    # The installed golu-bench, on the staged library: its version, then a verified run.
    bench=$stage/usr/bin/golu-bench
    uses_staged_lib "$lib" "$bench" || return 1
    LD_LIBRARY_PATH=$lib "$bench" --version >"$out/version.txt" 2>&1
    grep -q "^golu-bench $version (libgolu $version)$" "$out/version.txt" ||
        { cat "$out/version.txt" >&2; fail "golu-bench --version does not say $version"; return 1; }
    run_logged "$out/golu-bench.log" env LD_LIBRARY_PATH="$lib" "$bench" --check --sizes 4099 \
        --dtype f32,bf16 --reps 2 --warmup 1 || return 1

    # The manual page: groff has nothing to warn about at two widths, and the page names every
    # option that golu-bench --help names.
    page=$stage/usr/share/man/man1/golu-bench.1
    for width in 80 100; do
        warnings=$(groff -man -Tutf8 -ww -z -rLL="${width}n" -rLT="${width}n" "$page" 2>&1)
        [ -z "$warnings" ] || { fail "groff warns about golu-bench.1: $warnings"; return 1; }
    done
    LD_LIBRARY_PATH=$lib "$bench" --help >"$out/help.txt" || { fail "golu-bench --help failed"; return 1; }
    sed 's/\\-/-/g' "$page" >"$out/golu-bench.1.txt"
    missing=""
    grep -o -- '--[a-z0-9][a-z0-9-]*' "$out/help.txt" | sort -u >"$out/help-options.txt"
    while read -r opt; do
        grep -q -F -w -- "$opt" "$out/golu-bench.1.txt" || missing="$missing $opt"
    done <"$out/help-options.txt"
    [ -z "$missing" ] || fail "golu-bench.1 lacks options that golu-bench --help names:$missing"
}

# (a) examples/minimal_host.c through the staged golu.pc: linked to libgolu.so (run with
# LD_LIBRARY_PATH on the staged libdir), then to libgolu.a with pkg-config --static's flags.
install_pkgconfig() {
    echo "install: pkg-config, linked shared and static"
    pc() { PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage pkg-config "$@"; }
    [ "$(pc --path golu)" = "$lib/pkgconfig/golu.pc" ] ||
        { fail "pkg-config does not read the staged golu.pc"; return 1; }
    if ! { cflags=$(pc --cflags golu) && libs=$(pc --libs golu) &&
        static_libs=$(pc --static --libs golu); }; then
        fail "pkg-config failed"
        return 1
    fi
    echo "    --cflags: $cflags"
    echo "    --libs: $libs"
    echo "    --static --libs: $static_libs"
    case " $static_libs " in
    *" -lm "*) ;;
    *) fail "pkg-config --static --libs golu lacks libgolu's private -lm"; return 1 ;;
    esac
    src=$root/examples/minimal_host.c
    # shellcheck disable=SC2086 # the flags are words
    run_logged "$out/cc-shared.log" cc -std=c11 -Wall -Wextra -Werror $cflags "$src" \
        -o "$out/minimal_shared" $libs || return 1
    uses_staged_lib "$lib" "$out/minimal_shared" || return 1
    check_minimal_host "$lib" "$out/minimal_shared" || return 1
    echo "    minimal_host on libgolu.so: ok"
    # README's static line: -l:libgolu.a takes the archive even where libgolu.so sits beside it;
    # libOpenCL (the ICD loader) stays shared.
    static_libs=$(printf '%s\n' "$static_libs" | sed 's/-lgolu/-l:libgolu.a/')
    # shellcheck disable=SC2086
    run_logged "$out/cc-static.log" cc -std=c11 -Wall -Wextra -Werror $cflags "$src" \
        -o "$out/minimal_static" $static_libs || return 1
    links_no_shared_golu "$out/minimal_static" || return 1
    check_minimal_host "" "$out/minimal_static" || return 1
    echo "    minimal_host on libgolu.a: ok"
}

# (b) examples/events_chain.c through CMake: find_package(golu <version> CONFIG REQUIRED) with
# CMAKE_PREFIX_PATH on the stage, linked to golu::golu and to golu::golu_static (tests/install);
# then a request for the next major version, which goluConfigVersion.cmake must refuse.
install_cmake() {
    echo "install: CMake, find_package(golu $version CONFIG REQUIRED)"
    cm=$out/cmake
    run_logged "$out/cmake-configure.log" cmake -S "$root/tests/install" -B "$cm" -G Ninja \
        -DCMAKE_PREFIX_PATH="$stage/usr" -DGOLU_VERSION="$version" || return 1
    if ! grep -q "golu $version from $lib/cmake/golu" "$out/cmake-configure.log"; then
        cat "$out/cmake-configure.log" >&2
        fail "CMake did not take golu from the stage"
        return 1
    fi
    run_logged "$out/cmake-build.log" cmake --build "$cm" || return 1
    uses_staged_lib "" "$cm/events_chain" || return 1
    links_no_shared_golu "$cm/events_chain_static" || return 1
    for exe in events_chain events_chain_static; do
        run_logged "$out/$exe.log" "$cm/$exe" || return 1
        echo "    $exe: ok"
    done
    next=$((major + 1)).0
    if cmake -S "$root/tests/install" -B "$out/cmake-next-major" -G Ninja \
        -DCMAKE_PREFIX_PATH="$stage/usr" -DGOLU_VERSION="$next" >"$out/cmake-next-major.log" 2>&1; then
        fail "find_package(golu $next) accepted golu $version"
        return 1
    fi
    if ! grep -q "goluConfig.cmake, version: $version" "$out/cmake-next-major.log"; then
        cat "$out/cmake-next-major.log" >&2
        fail "find_package(golu $next) failed, but not on the version"
        return 1
    fi
    echo "    find_package(golu $next): refused, as it should be"
}

# (c) A Meson project (tests/install/meson-subproject) with this source tree as its
# subprojects/golu (a symlink): with --force-fallback-for=golu it builds libgolu as a subproject,
# through dependency('golu', fallback : 'golu') and subproject('golu').get_variable('golu_dep');
# then, with PKG_CONFIG_PATH on the stage, the same dependency() takes the installed libgolu.
install_meson() {
    echo "install: Meson, libgolu as a subproject, then installed"
    sub=$out/meson-subproject
    if ! { cp -R "$root/tests/install/meson-subproject" "$sub" && mkdir "$sub/subprojects" &&
        ln -s "$root" "$sub/subprojects/golu"; }; then
        fail "cannot lay out $sub"
        return 1
    fi
    run_logged "$out/subproject-setup.log" meson setup --force-fallback-for=golu "$sub/build" \
        "$sub" || return 1
    run_logged "$out/subproject-build.log" meson compile -C "$sub/build" check_dependency \
        check_variable || return 1
    for exe in check_dependency check_variable; do
        if ! ldd "$sub/build/$exe" | grep -q "libgolu\.so\.$major => $sub/build/subprojects/golu/"; then
            ldd "$sub/build/$exe" >&2
            fail "$exe does not load the subproject's libgolu"
            return 1
        fi
        run_logged "$out/$exe.log" "$sub/build/$exe" || return 1
        echo "    subproject, $exe: $(tail -n 1 "$out/$exe.log")"
    done
    run_logged "$out/installed-setup.log" env PKG_CONFIG_PATH="$lib/pkgconfig" \
        PKG_CONFIG_SYSROOT_DIR="$stage" meson setup "$sub/build-installed" "$sub" || return 1
    grep -q "Run-time dependency golu found: YES $version" "$out/installed-setup.log" ||
        { cat "$out/installed-setup.log" >&2; fail "Meson did not find the staged golu.pc"; return 1; }
    run_logged "$out/installed-build.log" meson compile -C "$sub/build-installed" check_dependency ||
        return 1
    uses_staged_lib "$lib" "$sub/build-installed/check_dependency" || return 1
    run_logged "$out/installed-check.log" env LD_LIBRARY_PATH="$lib" \
        "$sub/build-installed/check_dependency" || return 1
    echo "    installed, check_dependency: $(tail -n 1 "$out/installed-check.log")"
}

stage_install() {
    b=build-ci-install
    setup "$b" --prefix=/usr -Dtests=disabled || return 1
    out=$root/$b/install-check
    stage=$out/stage
    rm -rf "$out"
    mkdir -p "$out" || return 1
    meson install -C "$b" --no-rebuild --quiet --destdir "$stage" || return 1
    version=$(meson introspect "$b" --projectinfo |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])') || return 1
    libdir=$(meson introspect "$b" --buildoptions |
        python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"))') ||
        return 1
    case $libdir in
    /*) libdir=${libdir#/} ;;
    *) libdir=usr/$libdir ;;
    esac
    lib=$stage/$libdir
    major=${version%%.*}
    # The programs' compiled kernels stay in the build folder, shared by this stage's runs.
    GOLU_CACHE_DIR=$root/$b/golu-cache
    POCL_CACHE_DIR=$root/$b/pocl-cache
    export GOLU_CACHE_DIR POCL_CACHE_DIR
    install_files && install_pkgconfig && install_cmake && install_meson
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
stages=${*:-werror asan oclgrind valgrind install fuzz}
summary=""
failed=0
for s in $stages; do
    case $s in
    werror | asan | oclgrind | valgrind | install | fuzz) ;;
    *)
        echo "ci-checks: unknown stage '$s' (werror, asan, oclgrind, valgrind, install, fuzz)" >&2
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
