#!/usr/bin/env bash
# One call on a GPU machine: build with CUDA (and OpenCL when the NVIDIA ICD is
# there), list devices, run the whole suite, run the CUDA tests under
# compute-sanitizer, run the benchmarks, and print a short table last.
# Everything lands in $OUT (default: ./gpu-check-out). GPUK_COMMIT names the
# commit in the record (the device copy's .git can lag behind the tree).
# Needs .carry/ from
# scripts/gpu-carry.sh when the machine lacks GoogleTest or the OpenCL loader.
# GPUK_CHECK_STAGES picks the stages after the build (default: all of
# "tests sanitizer bench matmul tune probe"; "ptxas" on request), to fit one
# call's ten minutes.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-check-out}
mkdir -p "$out"
build=${GPUK_BUILD_DIR:-/tmp/gpuk-gpu-build}
export GPUK_CACHE_DIR=$(mktemp -d /tmp/gpuk-cache.XXXXXX)
log() { echo "== $*" | tee -a "$out/summary.txt"; }
stages=" ${GPUK_CHECK_STAGES:-tests sanitizer bench matmul tune probe} "
want() { [[ $stages == *" $1 "* ]]; }
test_rc=0 san_rc=0 bench_rc=0
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

if want tests; then
log "test suite (every device)"
(cd "$build" && ctest --output-on-failure -j4) > "$out/ctest.txt" 2>&1
test_rc=$?
grep -E "tests passed|tests failed|FAILED|Failed" "$out/ctest.txt" | tee -a "$out/summary.txt"
log "examples/ on cuda:0, built against the installed package"
( cmake --install "$build" --prefix /tmp/gpuk-gpu-install &&
  cmake -S "$root/examples" -B /tmp/gpuk-gpu-examples -DCMAKE_PREFIX_PATH=/tmp/gpuk-gpu-install &&
  cmake --build /tmp/gpuk-gpu-examples &&
  for e in gpuk-example gpuk-example-expressions gpuk-example-matmul; do
    GPUK_DEVICE=cuda:0 /tmp/gpuk-gpu-examples/$e || exit 1
  done ) > "$out/examples.txt" 2>&1 || test_rc=1
grep -E "device|ok|wrong|WRONG" "$out/examples.txt" | tee -a "$out/summary.txt"
fi

if want bench; then
log "benchmarks"
"$build/bench/gpuk-bench" all --device all --n 134217728 --repeat 20 > "$out/bench.txt" 2>&1
bench_rc=$?
"$build/bench/gpuk-bench" all --device all --n 134217728 --repeat 20 --csv > "$out/bench.csv" 2>/dev/null
# The host's CPU backend without the huge-page advice, to compare with its rows
# above (it helped the 2-core EPYC VM, whose kernel gives huge pages only when asked).
echo "GPUK_CPU_HUGE_PAGES=0 (the CPU backend on small pages):" >> "$out/bench.txt"
GPUK_CPU_HUGE_PAGES=0 "$build/bench/gpuk-bench" all --device cpu --n 134217728 --repeat 20 \
  >> "$out/bench.txt" 2>&1 || bench_rc=$?
echo "transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>&1)" \
  >> "$out/bench.txt"
# The double vector ops (gpuk_vec_*_f64, generated), the same bytes as the float rows.
for op in elementwise reduce; do
  "$build/bench/gpuk-bench" $op --dtype f64 --device cuda:0 --n 67108864 --repeat 20 \
    >> "$out/bench.txt" 2>&1 || bench_rc=$?
done
cat "$out/bench.txt"
fi
if want matmul; then
log "matmul"
# The shape the library picks (its table), against cuBLAS and the CPU, then
# other shapes of the CUDA kernel (8 x 8, 16 x 8, 8 x 16 results per thread;
# 48 KiB of static shared memory caps KWG) and the best portable one.
"$build/bench/gpuk-bench" matmul --n 4096 --device cuda:0 --device cpu --repeat 20 \
  > "$out/matmul.txt" 2>&1 || bench_rc=$?
"$build/bench/gpuk-bench" matmul --n 2048 --device cuda:0 --repeat 20 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
# Small GEMMs on the GPU, where fixed costs and too few tiles for the SMs
# (the table's shape is picked for large sizes) show against cuBLAS.
"$build/bench/gpuk-bench" matmul --sizes 64..1024 --device cuda:0 --repeat 20 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
# Skinny and transposed GEMMs (a batch of vectors times a weight matrix, and
# its mirror) on the GPU and the CPU, each against its vendor library.
"$build/bench/gpuk-bench" matmul --shape 1x4096x4096,8x4096x4096,64x4096x4096,4096x8x4096 \
  --device cuda:0 --device cpu --repeat 10 >> "$out/matmul.txt" 2>&1 || bench_rc=$?
"$build/bench/gpuk-bench" matmul --shape 4096x4096x4096 --trans tt --device cuda:0 --repeat 10 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
# Whether narrowing the tile to a small m or n (what PoCL gets, see
# gpuk_gemm_choose_config_sized) pays on the GPU too: the table's shape, then
# a quarter of its rows, then a quarter of its columns, with their threads;
# then the skinny kernel (PoCL's default for these shapes, only asked for on
# GPUs until this run measures it: if it wins, let gemm_table.c pick it there).
# 16 x 16 x 1048576 is a Gram matrix of 16 long vectors: both sides few, the
# skinny kernel's k slices are all its parallelism.
"$build/bench/gpuk-bench" matmul --shape 1x4096x4096,8x4096x4096,4096x8x4096 --device cuda:0 \
  --repeat 10 --block cuda:128x256x8/16x16,cuda:32x256x8/4x16,cuda:128x64x8/16x4,skinny \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
for trans in nn nt tn tt; do
  "$build/bench/gpuk-bench" matmul --shape 1x8192x8192,16x8192x8192,8192x16x8192,1x64x1048576,16x16x1048576 \
    --trans $trans --device cuda:0 --repeat 10 --block cuda:128x256x8/16x16,skinny \
    >> "$out/matmul.txt" 2>&1 || bench_rc=$?
done
"$build/bench/gpuk-bench" matmul --shape 1x8192x8192,16x8192x8192 --dtype f64 --device cuda:0 \
  --repeat 10 --block 64x64x8/16x16,skinny >> "$out/matmul.txt" 2>&1 || bench_rc=$?
# The CPU backend on the host at the sizes of its target (50% of OpenBLAS) and
# below, where its worker pool should count on many cores and its fixed costs
# show; then its AVX2 layout, against the AVX-512 one the host picks.
"$build/bench/gpuk-bench" matmul --sizes 16,64,256,512,1024,2048 --device cpu --repeat 10 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
GPUK_CPU_ISA=avx2 "$build/bench/gpuk-bench" matmul --sizes 1024,2048 --device cpu --repeat 10 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
# Long-k Gram matrices (X^T X of few columns), where the CPU GEMM splits k
# over the threads the tiles leave idle (up to 16 slices on the host).
"$build/bench/gpuk-bench" matmul --shape 64x64x262144,16x16x1048576 --trans tn --device cpu \
  --repeat 10 >> "$out/matmul.txt" 2>&1 || bench_rc=$?
"$build/bench/gpuk-bench" matmul --n 4096 --device cuda:0 --repeat 20 \
  --block cuda:128x256x8/16x16,cuda-async:128x256x8/16x16,cuda:256x128x8/16x16,cuda-async:256x128x8/16x16,cuda:128x128x16/8x16,cuda:128x128x16/16x16,cuda-async:128x128x8/16x16,cuda:64x256x16/8x32,64x64x8/16x16 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
cat "$out/matmul.txt"
log "matmul f64 (the table's portable shape, then the CUDA kernel's double shapes, FMA and tensor cores)"
"$build/bench/gpuk-bench" matmul --n 4096 --device cuda:0 --repeat 10 --dtype f64 \
  --block 64x64x8/16x16,cuda:128x128x8/16x16,cuda:64x128x8/16x16,cuda:128x64x8/16x16,cuda:64x64x8/8x8,cuda:64x64x16/16x8,cuda-async:128x64x8/16x16,cuda-mma:128x128x8/16x16,cuda-mma:128x64x8/16x8,cuda-mma:64x64x8/8x8,cuda-mma:64x64x16/8x8 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
tail -n 12 "$out/matmul.txt"
fi
if want tune; then
log "tuning runs (float, 40 shapes; double, 24; the database comes back as gemm-tuning.txt)"
"$build/bench/gpuk-bench" matmul --n 4096 --device cuda:0 --repeat 10 --tune --tune-max 40 \
  >> "$out/matmul.txt" 2>&1 || bench_rc=$?
tail -n 4 "$out/matmul.txt"
"$build/bench/gpuk-bench" matmul --n 4096 --device cuda:0 --repeat 10 --dtype f64 --tune \
  --tune-max 24 >> "$out/matmul.txt" 2>&1 || bench_rc=$?
cp "$GPUK_CACHE_DIR/gemm-tuning.txt" "$out/" 2>/dev/null || true
tail -n 4 "$out/matmul.txt"
fi

if want probe; then
log "probe: kernels/gemm_cuda.cu variants against cuBLAS in one process (NN, n = 4096)"
# The table's shape with the register double buffer (STAGES=2), then the
# cp.async pipeline (STAGES=3, 4), which the suite does not yet reach, then
# double against cuBLAS DGEMM (FMA, then the FP64 tensor cores, MMA=1, with
# sm_90's m16n8k8 and then with m8n8k4 at the same shape): the probe checks
# every element against cuBLAS.
t="MWG=128,NWG=256,KWG=8,MDIMC=16,NDIMC=16" q="MWG=128,NWG=128,KWG=8,MDIMC=16,NDIMC=16"
PROBE_DIR=/tmp/gpuk-probe "$root/scripts/gemm-cuda-probe.sh" "$t" "$t,STAGES=3" \
  "MWG=256,NWG=128,KWG=8,MDIMC=16,NDIMC=16,STAGES=3" "$q" "$q,STAGES=3" "$q,STAGES=4" "$t" \
  "GPUK_DOUBLE=1,$q" "GPUK_DOUBLE=1,MWG=64,NWG=128,KWG=8,MDIMC=16,NDIMC=16" \
  "GPUK_DOUBLE=1,MWG=128,NWG=64,KWG=8,MDIMC=16,NDIMC=16,STAGES=3" \
  "GPUK_DOUBLE=1,MMA=1,$q" "GPUK_DOUBLE=1,MMA=1,MMA_K8=0,$q" \
  "GPUK_DOUBLE=1,MMA=1,MWG=64,NWG=64,KWG=16,MDIMC=8,NDIMC=8" \
  "GPUK_DOUBLE=1,MMA=1,MWG=128,NWG=64,KWG=8,MDIMC=16,NDIMC=8,STAGES=3" \
  > "$out/probe.txt" 2>&1 || bench_rc=$?
cat "$out/probe.txt" | tee -a "$out/summary.txt"
fi
if want ptxas; then
log "ptxas: registers and spills of the CUDA GEMM kernel's shapes"
for shape in "128 256 8 16 16" "256 128 8 16 16" "128 128 16 16 16" "64 64 32 8 8"; do
  set -- $shape
  echo "MWG=$1 NWG=$2 KWG=$3 MDIMC=$4 NDIMC=$5:" >> "$out/ptxas.txt"
  nvcc -arch=sm_90 -cubin -Xptxas -v -DMWG=$1 -DNWG=$2 -DKWG=$3 -DMDIMC=$4 -DNDIMC=$5 \
    "$root/kernels/gemm_cuda.cu" -o /tmp/gemm_cuda.cubin >> "$out/ptxas.txt" 2>&1
done
grep -E "^MWG|registers|spill" "$out/ptxas.txt" | tee -a "$out/summary.txt"
fi
if want sanitizer; then
log "compute-sanitizer memcheck on the CUDA tests"
: > "$out/sanitizer.txt"
# API errors are off: the tests provoke them on purpose (a missing kernel name)
# and check that they come back as statuses.
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  case "$t" in *emulated*) continue ;; esac # runs CUDA source on the host, no GPU calls
  "$t" --gtest_list_tests --gtest_filter='*cuda*:*Cuda*' | grep -q '^  ' || continue
  compute-sanitizer --tool memcheck --report-api-errors no --error-exitcode 99 --leak-check full \
    "$t" --gtest_filter='*cuda*:*Cuda*' >> "$out/sanitizer.txt" 2>&1 || san_rc=$?
done
grep -E "ERROR SUMMARY|PASSED|FAILED" "$out/sanitizer.txt" | sort | uniq -c | tee -a "$out/summary.txt"
fi

log "results: build=$build_rc tests=$test_rc sanitizer=$san_rc bench=$bench_rc"
# A record for bench/results/: when, where, which commit, the command, the table.
{
  echo "# gpu-check $(date -u +%Y-%m-%d)"
  echo
  echo "- device: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null)"
  echo "- commit: ${GPUK_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
  echo "- command: scripts/gpu-check.sh (bench: gpuk-bench all --device all --n 134217728 --repeat 20)"
  echo "- stages:$stages"
  want tests && echo "- tests: $(grep -E 'tests passed|tests failed' "$out/ctest.txt")"
  want sanitizer && echo "- compute-sanitizer memcheck (CUDA tests): $(grep -c 'ERROR SUMMARY: 0 errors' "$out/sanitizer.txt") binaries with 0 errors, exit $san_rc"
  echo
  echo '```'
  cat "$out/gpuk-info.txt"
  echo
  cat "$out/bench.txt" 2>/dev/null
  echo
  echo "gpuk-bench matmul runs of scripts/gpu-check.sh (table shape at n = 4096 and 2048, then --block shapes)"
  cat "$out/matmul.txt" 2>/dev/null
  echo
  cat "$out/probe.txt" 2>/dev/null
  echo '```'
} > "$out/results.md"
# Only a few files come back from a device machine: keep the record and the
# CSV loose, pack the logs.
(cd "$out" && logs=$(ls | grep -v -x -e results.md -e bench.csv -e gemm-tuning.txt) &&
  tar czf /tmp/gpuk-check-logs.tgz $logs && rm -f $logs && mv /tmp/gpuk-check-logs.tgz logs.tgz)
exit $(( test_rc || san_rc || bench_rc ))
