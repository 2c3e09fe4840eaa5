#!/bin/sh
# Installs libgolu's Debian packages, then configures and builds the project in ./build.
# Used by both README commands and by .ci/run, so that all three stay the same.
set -eu
cd "$(dirname "$0")/.."

packages="gcc pkg-config meson ninja-build python3 ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd libcmocka-dev"

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $missing
fi

if [ ! -f build/build.ninja ]; then
    meson setup build --buildtype=release
fi
meson compile -C build
