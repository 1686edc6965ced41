// Registry of the generated kernels of generated_specs.h compiled for host
// emulation, once per work-group size (generated_variant.cpp; see
// tests/CMakeLists.txt).
#ifndef GPUK_EMULATED_GENERATED_H
#define GPUK_EMULATED_GENERATED_H

#include <string>
#include <vector>

// The arguments every emulated reduction takes (GPUK_EMULATED_REDUCTION_ARGUMENTS).
struct EmulatedInputs {
  const double *x;
  const float *w;
  const int *v;
  const unsigned *u;
  long long k;
};

struct EmulatedReduction {
  std::string name;
  unsigned wg;
  // Stage 1 over `groups` groups of wg threads (group g reduces [start + g *
  // chunk, start + (g + 1) * chunk) clipped to stop into a poisoned partial),
  // then stage 2 (one group) into *result, of the spec's type.
  void (*run)(const EmulatedInputs &in, unsigned long long start, unsigned long long stop,
              unsigned long long chunk, unsigned groups, void *result);
};

struct EmulatedElementwise {
  unsigned wg;
  // y = a * w + y over [start, stop) on `groups` groups of wg threads.
  void (*run)(float *y, const float *w, float a, unsigned long long start, unsigned long long stop,
              unsigned groups);
};

std::vector<EmulatedReduction> &EmulatedReductions();
std::vector<EmulatedElementwise> &EmulatedElementwiseKernels();
bool RegisterEmulatedReduction(const EmulatedReduction &reduction);
bool RegisterEmulatedElementwise(const EmulatedElementwise &kernel);

#endif
