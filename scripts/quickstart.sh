#!/usr/bin/env bash
# Quick start: install the dependencies, build libgpuk, list the devices and run
# the main job (matrix multiply, then triad) on the best device present (a CUDA
# GPU, else an OpenCL GPU, else the CPU), compared with the CPU device, verified.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
./build/tools/gpuk-info
./build/bench/gpuk-bench matmul --n 1024
./build/bench/gpuk-bench elementwise --n 16777216
