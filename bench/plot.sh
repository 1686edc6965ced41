#!/usr/bin/env bash
# Turns a `gpuk-bench ... --csv` file into a PNG: median time and GFLOP/s (or
# GB/s for memory-bound ops) against size, one line per device and block
# shape, and for matmul a dashed line per vendor library measured in the same
# run (cuBLAS, CLBlast, OpenBLAS), log scales. Needs gnuplot (Debian: gnuplot-nox).
# Usage: bench/plot.sh results.csv [out.png]
set -euo pipefail
csv=${1:?usage: bench/plot.sh results.csv [out.png]}
png=${2:-${csv%.csv}.png}
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One data file per op/device/block series: size, median ms, rate (GFLOP/s or GB/s).
# Columns of the CSV header: op,device,device_name,n,block,median_ms,...,gbps,...,gflops,...
awk -F, -v dir="$tmp" '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  {
    rate = $(col["gflops"]) > 0 ? $(col["gflops"]) : $(col["gbps"])
    if (rate <= 0) next
    series = $(col["op"]) " " $(col["device"]) ($(col["block"]) != "" ? " " $(col["block"]) : "")
    if ("dtype" in col && $(col["dtype"]) != "") series = series " " $(col["dtype"])
    file = dir "/" (++seen[series] == 1 ? ++count : id[series]) ".dat"
    if (seen[series] == 1) { id[series] = count; print series > (dir "/" count ".title") }
    print $(col["n"]), $(col["median_ms"]), rate >> file
    if (index($(col["op"]), "matmul")) unit = "GFLOP/s"; else if (unit == "") unit = "GB/s"
    # A matmul row also gives the speed of its vendor library (pct_of_yardstick):
    # one dashed series per yardstick and device, a point per size.
    pct = $(col["pct_of_yardstick"]); yard = $(col["yardstick"])
    if (!index($(col["op"]), "matmul") || pct <= 0 || yard == "") next
    series = yard " " $(col["device"])
    if (done[series, $(col["n"])]++) next
    file = dir "/" (++seen[series] == 1 ? ++count : id[series]) ".dat"
    if (seen[series] == 1) { id[series] = count; print series > (dir "/" count ".title"); dashed[count] = 1 }
    print $(col["n"]), $(col["median_ms"]) * pct / 100, rate * 100 / pct >> file
  }
  END {
    print (unit == "" ? "GB/s" : unit) > (dir "/unit")
    for (c in dashed) print "" > (dir "/" c ".dashed")
  }' "$csv"

ls "$tmp"/*.dat >/dev/null 2>&1 || { echo "plot.sh: no rows with a rate in $csv" >&2; exit 1; }
unit=$(cat "$tmp/unit")
plots_time="" plots_rate=""
for f in "$tmp"/*.dat; do
  title=$(cat "${f%.dat}.title")
  style="with linespoints"
  [ -e "${f%.dat}.dashed" ] && style="with linespoints dashtype 2"
  plots_time+="'$f' using 1:2 $style title '$title', "
  plots_rate+="'$f' using 1:3 $style title '$title', "
done
gnuplot <<GP
set terminal pngcairo size 1400,560 noenhanced font ",10"
set output '$png'
set multiplot layout 1,2 title '$(basename "$csv")'
set logscale xy
set grid
set key left top
set xlabel 'size (n)'
set ylabel 'median time (ms)'
plot ${plots_time%, }
set ylabel '$unit'
set key left bottom
plot ${plots_rate%, }
unset multiplot
GP
echo "$png"
