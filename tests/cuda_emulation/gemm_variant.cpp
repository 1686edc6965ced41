// One variant of kernels/gemm_cuda.cu for host emulation: compiled once per
// set of defines (VARIANT names it), the kernel renamed so that variants link
// side by side.
#include "cuda_host_shim.h"
#include "emulated_gemm.h"

#define GPUK_EMU_PASTE2(a, b) a##b
#define GPUK_EMU_PASTE(a, b) GPUK_EMU_PASTE2(a, b)
#define GPUK_EMU_STR2(a) #a
#define GPUK_EMU_STR(a) GPUK_EMU_STR2(a)
#define gpuk_gemm_cuda GPUK_EMU_PASTE(gpuk_emu_gemm_, VARIANT)

namespace GPUK_EMU_PASTE(emu_, VARIANT) {
#include "gemm_cuda.cu"
}

namespace {

void Launch(const EmulatedGemmCall &c) {
  using real = GPUK_EMU_PASTE(emu_, VARIANT)::real;
  const unsigned groups_n = (c.n + NWG - 1) / NWG, groups_m = (c.m + MWG - 1) / MWG;
  gpuk_emu_launch(groups_n, groups_m, THREADS, [&c] {
    GPUK_EMU_PASTE(emu_, VARIANT)::gpuk_gemm_cuda(
        c.m, c.n, c.k, real(c.alpha), real(c.beta), static_cast<const real *>(c.a), c.a_offset,
        c.lda, static_cast<const real *>(c.b), c.b_offset, c.ldb, static_cast<real *>(c.c),
        c.c_offset, c.ldc);
  });
}

const bool registered = RegisterEmulatedGemm({GPUK_EMU_STR(VARIANT), GPUK_DOUBLE != 0, MWG, NWG,
                                              KWG, MDIMC, NDIMC, TRANS_A != 0, TRANS_B != 0,
                                              VEC_A != 0, VEC_B != 0, VEC_C != 0, Launch});

}  // namespace
