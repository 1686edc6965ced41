#!/usr/bin/env bash
# Times variants of kernels/gemm_cuda.cu against cuBLAS on a GPU machine
# (scripts/gemm_cuda_probe.cu), one nvcc build per variant, all built in
# parallel first. Each argument is one variant: the kernel's defines separated
# by commas, e.g. MWG=128,NWG=256,KWG=8,MDIMC=16,NDIMC=16,STAGES=3. Exits 1
# when a variant fails to build, to run or to match cuBLAS.
# Environment: PROBE_N (4096), PROBE_REPEAT (20), PROBE_DIR (/tmp/gemm-probe).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${PROBE_DIR:-/tmp/gemm-probe}
mkdir -p "$dir"
i=0
for v in "$@"; do
  defs=$(echo "$v" | tr ',' '\n' | sed 's/^/-D/' | tr '\n' ' ')
  nvcc -O3 -arch=sm_90 -I"$root/kernels" $defs -DVARIANT_NAME="\"$v\"" \
    "$root/scripts/gemm_cuda_probe.cu" -lcublas -o "$dir/probe$i" > "$dir/build$i.txt" 2>&1 &
  i=$((i + 1))
done
wait
i=0 rc=0
for v in "$@"; do
  if [ -x "$dir/probe$i" ]; then
    "$dir/probe$i" "${PROBE_N:-4096}" "${PROBE_REPEAT:-20}" || rc=1
  else
    echo "$v: build failed: $(head -3 "$dir/build$i.txt")"
    rc=1
  fi
  i=$((i + 1))
done
exit $rc
