/* Inputs and poisoned outputs for the verified gpuk-bench ops. */
#include <math.h>

#include "bench.h"

void bench_random(double *ref, void *typed, gpuk_dtype dtype, size_t n, uint64_t seed, double lo,
                  double hi) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    double v = lo + (double)(seed >> 11) * 0x1p-53 * (hi - lo);
    if (dtype == GPUK_FLOAT64) {
      ((double *)typed)[i] = ref[i] = v;
    } else {
      ((float *)typed)[i] = (float)v;
      ref[i] = (float)v;
    }
  }
}

gpuk_status bench_poison(gpuk_buffer *buffer, size_t bytes, gpuk_dtype dtype) {
  const double nan_f64 = NAN;
  const float nan_f32 = NAN;
  return dtype == GPUK_FLOAT64 ? gpuk_buffer_fill(NULL, buffer, 0, bytes, &nan_f64, 8)
                               : gpuk_buffer_fill(NULL, buffer, 0, bytes, &nan_f32, 4);
}
