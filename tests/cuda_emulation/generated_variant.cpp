// The kernels of generated_specs.h as the CUDA backend compiles them (the
// prelude, then the generated source) run on the host through
// cuda_host_shim.h, for one work-group size: GPUK_WG, a define, as the
// library passes it.
#include <cstring>
#include <vector>

#include "cuda_host_shim.h"
#include "emulated_generated.h"
#include "generated_specs.h"

#define GPUK_EMU_PASTE2(a, b) a##b
#define GPUK_EMU_PASTE(a, b) GPUK_EMU_PASTE2(a, b)

// The generated sources take their CUDA-only steps (warp shuffles) under it.
#define __CUDACC__ 1

namespace GPUK_EMU_PASTE(gpuk_emu_wg_, GPUK_WG) {

#include "cuda_prelude.h"
// Kernels as C++ functions of this namespace rather than extern "C" ones, so
// that every work-group size links beside the others.
#undef __kernel
#define __kernel __global__
#include "emulated_generated_kernels.inc"

#define RUN_REDUCTION(name, dtype, type, ...)                                                   \
  void run_##name(const EmulatedInputs &in, unsigned long long start, unsigned long long stop,  \
                  unsigned long long chunk, unsigned groups, void *result) {                    \
    std::vector<type> partials(groups);                                                         \
    std::memset(partials.data(), 0xff, partials.size() * sizeof(type));                         \
    gpuk_emu_launch(groups, 1, GPUK_WG, [&] {                                                   \
      gpuk_emu_##name::gpuk_k_##name##_stage1(in.x, in.w, in.v, in.u, in.k, start, stop, chunk, \
                                              partials.data());                                 \
    });                                                                                         \
    gpuk_emu_launch(1, 1, GPUK_WG, [&] {                                                        \
      gpuk_emu_##name::gpuk_k_##name##_stage2(partials.data(), groups,                          \
                                              static_cast<type *>(result), 0);                  \
    });                                                                                         \
  }
// clang-format off
GPUK_EMULATED_REDUCTIONS(RUN_REDUCTION)
// clang-format on

void run_axpy(float *y, const float *w, float a, unsigned long long start, unsigned long long stop,
              unsigned groups) {
  gpuk_emu_launch(groups, 1, GPUK_WG, [&] { gpuk_emu_axpy::gpuk_k_axpy(y, w, a, start, stop); });
}

#define REGISTER_REDUCTION(name, ...) RegisterEmulatedReduction({#name, GPUK_WG, run_##name}) &&
const bool registered =
    GPUK_EMULATED_REDUCTIONS(REGISTER_REDUCTION) RegisterEmulatedElementwise({GPUK_WG, run_axpy});

}  // namespace
