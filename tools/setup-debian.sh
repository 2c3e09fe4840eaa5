#!/bin/sh
# Installs libgolu's Debian packages, then configures and builds the project in ./build.
# Used by both README commands and by .ci/run, so that all three stay the same.
set -eu
cd "$(dirname "$0")/.."

packages="gcc pkg-config meson ninja-build python3 ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd libcmocka-dev libmpfr-dev oclgrind valgrind"

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
