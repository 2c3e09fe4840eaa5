#!/bin/sh
# Installs libgolu's Debian packages, then configures and builds the project in ./build.
# Used by both README commands and by .ci/run, so that all three stay the same.
set -eu
cd "$(dirname "$0")/.."

# clang-14 and libclang-rt-14-dev: tools/fuzz.sh (CI's stage fuzz). On Debian 12 the libFuzzer and
# sanitizer runtimes of clang 14 (libclang_rt.fuzzer-x86_64.a, libclang_rt.asan-x86_64.a) are in
# libclang-rt-14-dev, which clang-14 only recommends (through libclang-common-14-dev).
# cmake: goluConfigVersion.cmake (Meson's cmake module copies CMake's template) and CI's stage
# install, as is groff-base (its check of golu-bench's manual page).
packages="gcc pkg-config meson ninja-build python3 ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd libcmocka-dev libmpfr-dev oclgrind valgrind clang-14 libclang-rt-14-dev cmake groff-base"

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "setup-debian.sh: installing packages needs root or sudo" >&2
    exit 1
fi
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $missing
fi

if [ -f build/build.ninja ]; then
    meson configure build --buildtype=release
else
    meson setup build --buildtype=release
fi
meson compile -C build
