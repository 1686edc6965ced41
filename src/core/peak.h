/* Arithmetic peak of a CUDA device from its compute capability, SM count and
 * clock: FP32 and FP64 lanes per SM from NVIDIA's CUDA C++ Programming Guide
 * ("Arithmetic Instructions": results per clock cycle per multiprocessor),
 * non-tensor-core arithmetic. Header-only so that tests can check the table
 * without a GPU. */
#ifndef GPUK_CORE_PEAK_H
#define GPUK_CORE_PEAK_H

typedef struct gpuk__sm_lanes {
  int major, minor; /* minor < 0: every minor version of major */
  unsigned f32, f64;
} gpuk__sm_lanes;

/* Sets *f32 and *f64 to the peak GFLOP/s (an FMA counts as two), or both to 0
 * for a compute capability not in the table. */
static inline void gpuk__cuda_peak_gflops(int cc_major, int cc_minor, unsigned sms,
                                          unsigned clock_mhz, double *f32, double *f64) {
  static const gpuk__sm_lanes table[] = {
      {5, -1, 128, 4},  /* Maxwell */
      {6, 0, 64, 32},   /* P100 */
      {6, -1, 128, 4},  /* other Pascal */
      {7, 0, 64, 32},   /* V100 */
      {7, 2, 64, 32},   /* Xavier */
      {7, 5, 64, 2},    /* Turing */
      {8, 0, 64, 32},   /* A100 */
      {8, -1, 128, 2},  /* GA10x, Orin, AD10x (8.6, 8.7, 8.9) */
      {9, 0, 128, 64},  /* H100, H200 */
      {10, 0, 128, 64}, /* B200 */
      {12, -1, 128, 2}, /* consumer Blackwell */
  };
  *f32 = *f64 = 0;
  for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++) {
    const gpuk__sm_lanes *l = &table[i];
    if (l->major != cc_major || (l->minor >= 0 && l->minor != cc_minor)) continue;
    double per_lane = 2.0 * sms * (clock_mhz * 1e-3); /* GFLOP/s of one lane in every SM */
    *f32 = per_lane * l->f32;
    *f64 = per_lane * l->f64;
    return;
  }
}

#endif
