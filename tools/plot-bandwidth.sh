#!/bin/sh
# Plots golu-bench's CSV as GB/s against n, one line per (dtype, pass), with the same run's copy
# bandwidth for reference. Needs gnuplot (Debian: gnuplot-nox).
#   golu-bench --sizes 2^16,2^18,2^20,2^22,2^24,2^26 --format csv > bench.csv
#   tools/plot-bandwidth.sh bench.csv bandwidth.png ["title"]
set -eu
csv=$1
png=$2
title=${3:-"libgolu: GB/s against n"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One data file per series: columns n, gb_per_s (and copy_gb_per_s for the copy series).
awk -F, -v dir="$tmp" 'NR > 1 {
    key = $2 "_" $3
    print $6, $10 > (dir "/" key ".dat")
    if ($3 == "fwd")
        print $6, $11 > (dir "/copy_" $2 ".dat")
}' "$csv"
for f in "$tmp"/*.dat; do sort -n -o "$f" "$f"; done

plots=""
for f in "$tmp"/*.dat; do
    name=$(basename "$f" .dat | tr '_' ' ')
    style="linespoints"
    case "$name" in copy*) style="lines dashtype 2" ;; esac
    plots="$plots${plots:+, }'$f' using 1:2 with $style title '$name'"
done

gnuplot <<GP
set terminal pngcairo size 1000,640 font "sans,11"
set output '$png'
set title '$title'
set logscale x 2
set format x "2^{%L}"
set xlabel 'n (elements)'
set ylabel 'GB/s (bytes moved / median device time)'
set key outside right
set grid
plot $plots
GP
