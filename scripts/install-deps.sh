#!/usr/bin/env bash
# Installs what libgpuk's build, tests and benchmarks need from Debian's
# packages. The CUDA toolkit is not a Debian package: when it is on the machine
# (/usr/local/cuda) the CUDA backend is built too. Needs root (or sudo).
set -euo pipefail
packages=(
  cmake ninja-build gcc g++ pkg-config            # build
  libgtest-dev googletest                         # tests
  clang libclang-rt-dev                           # libFuzzer targets (tests/fuzz)
  ocl-icd-opencl-dev opencl-headers clinfo        # OpenCL through the ICD loader
  pocl-opencl-icd                                 # an OpenCL device on the CPU
  libclblast-dev libopenblas-dev                  # yardsticks for the GEMM benchmark
  gnuplot-nox                                     # bench/plot.sh
)
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "installed: ${packages[*]}"
