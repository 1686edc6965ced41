// Registry of kernels/gemm_cuda.cu variants compiled for host emulation
// (gemm_variant.cpp, once per set of defines; see tests/CMakeLists.txt).
#ifndef GPUK_EMULATED_GEMM_H
#define GPUK_EMULATED_GEMM_H

#include <cstddef>
#include <string>
#include <vector>

// One launch's arguments; the matrices hold floats or doubles, as the variant
// was compiled (alpha and beta are converted to that type).
struct EmulatedGemmCall {
  unsigned m, n, k;
  double alpha, beta;
  const void *a;
  unsigned long long a_offset;
  unsigned lda;
  const void *b;
  unsigned long long b_offset;
  unsigned ldb;
  void *c;
  unsigned long long c_offset;
  unsigned ldc;
};

struct EmulatedGemm {
  std::string name;
  bool is_double;
  unsigned mwg, nwg, kwg, mdimc, ndimc;
  bool trans_a, trans_b, vec_a, vec_b, vec_c;
  void (*launch)(const EmulatedGemmCall &call);
};

std::vector<EmulatedGemm> &EmulatedGemms();
bool RegisterEmulatedGemm(const EmulatedGemm &variant);

#endif
