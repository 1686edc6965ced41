#!/usr/bin/env bash
# One call on a GPU machine: build with CUDA (and OpenCL when the NVIDIA ICD is
# there), list devices, run the whole suite, run the CUDA tests under
# compute-sanitizer, run the benchmarks, and print a short table last.
# Everything lands in $OUT (default: ./gpu-check-out). Needs .carry/ from
# scripts/gpu-carry.sh when the machine lacks GoogleTest or the OpenCL loader.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-check-out}
mkdir -p "$out"
build=${GPUK_BUILD_DIR:-/tmp/gpuk-gpu-build}
export GPUK_CACHE_DIR=$(mktemp -d /tmp/gpuk-cache.XXXXXX)
log() { echo "== $*" | tee -a "$out/summary.txt"; }
: > "$out/summary.txt"

{ nvidia-smi; nvcc --version; } > "$out/nvidia-smi.txt" 2>&1
head -20 "$out/nvidia-smi.txt"

cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DGPUK_ENABLE_CUDA=ON -DGPUK_WERROR=ON)
if [ -d "$root/.carry/googletest" ]; then
  cmake_args+=(-DGPUK_GTEST_SOURCE_DIR="$root/.carry/googletest")
fi
# OpenCL on the NVIDIA GPU: the ICD loader and headers travel in .carry/opencl.
if ! [ -f /etc/OpenCL/vendors/nvidia.icd ] && ldconfig -p | grep -q libnvidia-opencl.so.1; then
  mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
fi
echo "nvidia OpenCL: $(ldconfig -p | grep -c libnvidia-opencl.so.1) library entries; icd: $(cat /etc/OpenCL/vendors/*.icd 2>/dev/null | tr '\n' ' ')" | tee -a "$out/summary.txt"
if [ -f "$root/.carry/opencl/include/CL/cl.h" ]; then
  cmake_args+=(-DGPUK_ENABLE_OPENCL=ON -DOpenCL_INCLUDE_DIR="$root/.carry/opencl/include"
               -DOpenCL_LIBRARY="$root/.carry/opencl/lib/libOpenCL.so.1")
fi

log "configure and build"
cmake -S "$root" -B "$build" "${cmake_args[@]}" > "$out/build.txt" 2>&1 &&
  cmake --build "$build" -j"$(nproc)" >> "$out/build.txt" 2>&1
build_rc=$?
tail -5 "$out/build.txt"
if [ $build_rc -ne 0 ]; then log "BUILD FAILED"; tail -40 "$out/build.txt"; exit 1; fi

log "gpuk-info"
"$build/tools/gpuk-info" | tee "$out/gpuk-info.txt"
"$build/tools/gpuk-info" --json > "$out/gpuk-info.json"

log "test suite (every device)"
(cd "$build" && ctest --output-on-failure -j4) > "$out/ctest.txt" 2>&1
test_rc=$?
grep -E "tests passed|tests failed|FAILED|Failed" "$out/ctest.txt" | tee -a "$out/summary.txt"

log "compute-sanitizer memcheck on the CUDA tests"
san_rc=0
: > "$out/sanitizer.txt"
# API errors are off: the tests provoke them on purpose (a missing kernel name)
# and check that they come back as statuses.
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  "$t" --gtest_list_tests --gtest_filter='*cuda*:*Cuda*' | grep -q '^  ' || continue
  compute-sanitizer --tool memcheck --report-api-errors no --error-exitcode 99 --leak-check full \
    "$t" --gtest_filter='*cuda*:*Cuda*' >> "$out/sanitizer.txt" 2>&1 || san_rc=$?
done
grep -E "ERROR SUMMARY|PASSED|FAILED" "$out/sanitizer.txt" | sort | uniq -c | tee -a "$out/summary.txt"

log "benchmarks"
"$build/bench/gpuk-bench" all --device all --n 134217728 --repeat 20 > "$out/bench.txt" 2>&1
bench_rc=$?
"$build/bench/gpuk-bench" all --device all --n 134217728 --repeat 20 --csv > "$out/bench.csv" 2>/dev/null
cat "$out/bench.txt"
log "matmul"
"$build/bench/gpuk-bench" matmul --n 4096 --device cuda:0 --device cpu --repeat 10 \
  --block 64x64x8/16x16,128x128x8/16x16,cuda:128x128x8/16x16,cuda:128x128x16/16x16,cuda:128x64x8/16x8,cuda:128x64x16/16x8,cuda:64x128x8/8x16,cuda:64x64x8/8x8,cuda:256x64x16/32x8,cuda:64x256x16/8x32 \
  > "$out/matmul.txt" 2>&1 || bench_rc=$?
cat "$out/matmul.txt"
log "matmul f64, then a tuning run (float, 40 shapes; its database comes back as gemm-tuning.txt)"
"$build/bench/gpuk-bench" matmul --n 4096 --device cuda:0 --repeat 10 --dtype f64 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
"$build/bench/gpuk-bench" matmul --n 4096 --device cuda:0 --repeat 10 --tune --tune-max 40 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
cp "$GPUK_CACHE_DIR/gemm-tuning.txt" "$out/" 2>/dev/null || true
tail -n 4 "$out/matmul.txt"

log "results: build=$build_rc tests=$test_rc sanitizer=$san_rc bench=$bench_rc"
# A record for bench/results/: when, where, which commit, the command, the table.
{
  echo "# gpu-check $(date -u +%Y-%m-%d)"
  echo
  echo "- device: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null)"
  echo "- commit: ${GPUK_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
  echo "- command: scripts/gpu-check.sh (bench: gpuk-bench all --device all --n 134217728 --repeat 20)"
  echo "- tests: $(grep -E 'tests passed|tests failed' "$out/ctest.txt")"
  echo "- compute-sanitizer memcheck (CUDA tests): $(grep -c 'ERROR SUMMARY: 0 errors' "$out/sanitizer.txt") binaries with 0 errors, exit $san_rc"
  echo
  echo '```'
  cat "$out/gpuk-info.txt"
  echo
  cat "$out/bench.txt"
  echo
  echo "gpuk-bench matmul --n 4096 --device cuda:0 --device cpu --repeat 10 --block (see scripts/gpu-check.sh)"
  cat "$out/matmul.txt"
  echo '```'
} > "$out/results.md"
# Only a few files come back from a device machine: keep the record and the
# CSV loose, pack the logs.
(cd "$out" && logs=$(ls | grep -v -x -e results.md -e bench.csv -e gemm-tuning.txt) &&
  tar czf /tmp/gpuk-check-logs.tgz $logs && rm -f $logs && mv /tmp/gpuk-check-logs.tgz logs.tgz)
exit $(( test_rc || san_rc || bench_rc ))
