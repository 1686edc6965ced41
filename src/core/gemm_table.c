/* Which GEMM block shape a device gets when the caller passes none: the user's
 * tuning result for this device (gemm_tuning.c), else the first matching row
 * of the built-in table below (device name first, then vendor or device
 * type), else a shape every GPU runs. Each candidate must pass the block-shape
 * rules on the device, or the next one is tried. Where measured, a small m or
 * n then narrows the shape (fit_to_size). */
#include <string.h>

#include "gemm.h"
#include "handles.h"

/* One row: a backend, a device-name or vendor substring (NULL: any) or a
 * device type, a dtype (ANY_DTYPE: both) and a shape, with where the figure came from. */
typedef struct table_row {
  gpuk_gemm_config_origin origin; /* DEVICE_TABLE rows match names, VENDOR_TABLE the rest */
  gpuk_backend backend;
  const char *name_contains;
  const char *vendor_contains;
  int cpu_type_only; /* OpenCL CPU devices (PoCL and friends) */
  int dtype; /* a gpuk_dtype or ANY_DTYPE */
  gpuk_gemm_config config;
} table_row;

enum { ANY_DTYPE = -1 };

#define PORTABLE_V(mwg, nwg, kwg, mdimc, ndimc, vwm, vwn) {mwg, nwg, kwg, mdimc, ndimc, GPUK_GEMM_KERNEL_PORTABLE, vwm, vwn}
#define PORTABLE(mwg, nwg, kwg, mdimc, ndimc) PORTABLE_V(mwg, nwg, kwg, mdimc, ndimc, 1, 1)
#define CUDA(mwg, nwg, kwg, mdimc, ndimc) {mwg, nwg, kwg, mdimc, ndimc, GPUK_GEMM_KERNEL_CUDA, 1, 1}

static const table_row table[] = {
    /* Float on an H100: the CUDA kernel with 8 x 16 results per thread, 89.6%
     * of cuBLAS SGEMM at n = 4096 (46.1 TFLOP/s) and 92.5% at 2048
     * (bench/results/2026-11-23-h100-gemm-cuda.md); the best portable shape
     * reached 18.9 TFLOP/s (bench/results/2026-11-22-h100-gemm-sweep.csv). */
    {GPUK_GEMM_ORIGIN_DEVICE_TABLE, GPUK_BACKEND_CUDA, "H100", NULL, 0, GPUK_FLOAT32,
     CUDA(128, 256, 8, 16, 16)},
    /* Other NVIDIA GPUs: the H100's shapes until one is measured (cuBLAS's own
     * FFMA kernels take a 256 x 128 x 8 tile of 256 threads from sm_80 on). */
    {GPUK_GEMM_ORIGIN_VENDOR_TABLE, GPUK_BACKEND_CUDA, NULL, NULL, 0, GPUK_FLOAT32,
     CUDA(128, 256, 8, 16, 16)},
    {GPUK_GEMM_ORIGIN_VENDOR_TABLE, GPUK_BACKEND_CUDA, NULL, NULL, 0, ANY_DTYPE, PORTABLE(64, 64, 8, 16, 16)},
    {GPUK_GEMM_ORIGIN_VENDOR_TABLE, GPUK_BACKEND_OPENCL, NULL, "NVIDIA", 0, ANY_DTYPE,
     PORTABLE(64, 64, 8, 16, 16)},
    /* OpenCL on CPUs (PoCL), 2-core Zen 4 EPYC, 2026-11-25: each work-item
     * keeps 8 rows of its results as vectors of 16 floats (8 doubles) along
     * n, which PoCL compiles to AVX-512 FMAs; `gpuk-bench matmul --device
     * opencl --n 1024|2048 --block ...` (three runs, a dozen shapes around
     * these, bench/results/2026-11-25-epyc-pocl-gemm-wide-vectors.csv):
     * float 32x128x32/4x4/2x16 50-52 GFLOP/s at 1024 and 2048 against 27.4
     * for the scalar shape before (64x128x32/8x8, 8 x 16 results, vectorised
     * by PoCL across work-items), 275% of CLBlast at 2048; double
     * 32x64x32/2x4/2x8 40 GFLOP/s against 12.9 (32x64x32/8x8), 178% of
     * CLBlast dgemm at 2048 (was 58%). Untimed on AVX2-only hosts (16
     * vector registers, where 8 x 2 float16 results may spill). */
    {GPUK_GEMM_ORIGIN_VENDOR_TABLE, GPUK_BACKEND_OPENCL, NULL, NULL, 1, GPUK_FLOAT32,
     PORTABLE_V(32, 128, 32, 4, 4, 2, 16)},
    {GPUK_GEMM_ORIGIN_VENDOR_TABLE, GPUK_BACKEND_OPENCL, NULL, NULL, 1, GPUK_FLOAT64,
     PORTABLE_V(32, 64, 32, 2, 4, 2, 8)},
};

static const gpuk_gemm_config fallback = PORTABLE(64, 64, 8, 16, 16);
static const gpuk_gemm_config fallback_small = PORTABLE(64, 64, 8, 8, 8);

static int row_matches(const table_row *r, const gpuk_device_info *info, gpuk_dtype dtype) {
  return r->backend == info->backend && (r->dtype == ANY_DTYPE || r->dtype == (int)dtype) &&
         (!r->name_contains || strstr(info->name, r->name_contains)) &&
         (!r->vendor_contains || strstr(info->vendor, r->vendor_contains)) &&
         (!r->cpu_type_only || gpuk__gemm_opencl_cpu(info));
}

/* 1 when c passes the rules on the device; leaves no error behind. */
static int legal(const gpuk_device_info *info, gpuk_dtype dtype, const gpuk_gemm_config *c) {
  if (gpuk__gemm_check_config(info, dtype, c) == GPUK_SUCCESS) return 1;
  gpuk__clear_error();
  return 0;
}

gpuk_status gpuk_gemm_choose_config(const gpuk_device *device, gpuk_dtype dtype,
                                    gpuk_gemm_config *config, gpuk_gemm_config_origin *origin) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  if (!config) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "config is NULL");
  st = gpuk__gemm_check_dtype(NULL, dtype);
  if (st) return st;
  const gpuk_device_info *info = &device->entry.info;
  gpuk_gemm_config c;
  gpuk_gemm_config_origin from = GPUK_GEMM_ORIGIN_FALLBACK;
  if (info->backend != GPUK_BACKEND_CPU && gpuk__gemm_tuned_config(info, dtype, &c) &&
      legal(info, dtype, &c)) {
    from = GPUK_GEMM_ORIGIN_TUNED;
  } else {
    size_t i = 0, rows = sizeof table / sizeof table[0];
    while (i < rows && !(row_matches(&table[i], info, dtype) && legal(info, dtype, &table[i].config)))
      i++;
    if (i < rows) {
      c = table[i].config;
      from = table[i].origin;
    } else {
      c = legal(info, dtype, &fallback) ? fallback : fallback_small;
    }
  }
  *config = c;
  if (origin) *origin = from;
  return GPUK_SUCCESS;
}

/* PoCL (2-core EPYC, `gpuk-bench matmul --device opencl --trans T --shape ...
 * --block skinny,<the fitted tile>`, every transpose) ran the skinny kernel
 * faster than the fitted tile at each of 80 shapes with at most 16 rows or
 * columns and k >= 256 (512 x 16 x 512 0.38-0.81 against 2.2-2.5 ms, 16 x 256
 * x 512 0.25-0.35 against 0.44-0.83, 8 x 8 x 1000000 2-5 against 102-123);
 * at k = 16 or 64 both take 10-130 us and trade places. Against the vector-
 * result tiles fitted to the few side (2026-11-25, bench/results/
 * 2026-11-25-epyc-pocl-gemm-skinny-vs-tiles.csv) the skinny kernel with
 * scalar runs lost where it reads along k (512 x 16 x 512 nn 1.45 against
 * 0.25 ms); with its runs as vectors its median of three later rounds was
 * below the best tile's time at each of the 26 shapes (0.18-0.20 ms there). */
static int pocl_takes_skinny(size_t m, size_t n) {
  return m <= GPUK__GEMM_SKINNY_MAX || n <= GPUK__GEMM_SKINNY_MAX;
}

/* On OpenCL CPU devices: a skinny C (pocl_takes_skinny) gets the skinny
 * kernel. Otherwise a side of the tile that is at least four times the
 * matrix's extent is cut to a quarter (or, where a quarter breaks a rule, a
 * half), and one at least twice the extent to a half, with its work-items
 * along that side, so that each work-item keeps its results. Measured on
 * PoCL (2-core EPYC, `gpuk-bench matmul --device opencl --shape ... --block
 * ...`), with the earlier scalar default 64x128x32/8x8: m = 1, n = k = 4096
 * took 107-111 ms with it and 46 ms with 16x128x32/2x8; 4096 x 1 x 4096
 * 122-133 against 56 ms with 64x32x32/8x2; 16 x 16 x 16 49 against 31 us
 * with a 16 x 16 tile. With 32x128x32/4x4/2x16 (2026-11-25): 2048 x 24 x
 * 2048 7.7 ms fitted (32x32x32/4x1/2x16) against 21.3 ms not; halves (two
 * rounds): 500 x 33 x 70 0.33-0.35 ms with 32x64x32/4x2/2x16 against 0.63-0.64,
 * 2048 x 48 x 2048 12.2 against 22.0-22.5, double 2048 x 24 x 2048 9.6-9.8
 * with 32x32x32/2x2/2x8 against 14.1-14.3. One step
 * only: every shape is a kernel PoCL compiles (seconds each). On GPUs the
 * loss of work-items per group is untested, so they keep the large shape. */
static int fit_to_size(const gpuk_device_info *info, gpuk_dtype dtype, size_t m, size_t n,
                       gpuk_gemm_config *c) {
  if (!gpuk__gemm_opencl_cpu(info)) return 0;
  const gpuk_gemm_config skinny = gpuk__gemm_skinny_config();
  if (pocl_takes_skinny(m, n) && legal(info, dtype, &skinny)) {
    *c = skinny;
    return 1;
  }
  if (c->kernel != GPUK_GEMM_KERNEL_PORTABLE) return 0;
  int fitted = 0;
  for (int side = 0; side < 2; side++) {
    for (unsigned cut = 4; cut >= 2; cut /= 2) {
      gpuk_gemm_config narrow = *c;
      unsigned *wg = side ? &narrow.nwg : &narrow.mwg, *dimc = side ? &narrow.ndimc : &narrow.mdimc;
      if ((side ? n : m) > *wg / cut || *dimc % cut) continue;
      *wg /= cut;
      *dimc /= cut;
      if (legal(info, dtype, &narrow)) {
        *c = narrow;
        fitted = 1;
        break;
      }
    }
  }
  return fitted;
}

gpuk_status gpuk_gemm_choose_config_sized(const gpuk_device *device, gpuk_dtype dtype, size_t m,
                                          size_t n, gpuk_gemm_config *config,
                                          gpuk_gemm_config_origin *origin) {
  gpuk_gemm_config_origin from;
  gpuk_status st = gpuk_gemm_choose_config(device, dtype, config, &from);
  if (st) return st;
  if (fit_to_size(&device->entry.info, dtype, m, n, config)) from = GPUK_GEMM_ORIGIN_FITTED;
  if (origin) *origin = from;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_gemm_default_config(const gpuk_device *device, gpuk_dtype dtype,
                                     gpuk_gemm_config *config) {
  return gpuk_gemm_choose_config(device, dtype, config, NULL);
}

const char *gpuk_gemm_config_origin_name(gpuk_gemm_config_origin origin) {
  switch (origin) {
    case GPUK_GEMM_ORIGIN_TUNED: return "tuned";
    case GPUK_GEMM_ORIGIN_DEVICE_TABLE: return "device table";
    case GPUK_GEMM_ORIGIN_VENDOR_TABLE: return "vendor table";
    case GPUK_GEMM_ORIGIN_FALLBACK: return "fallback";
    case GPUK_GEMM_ORIGIN_FITTED: return "fitted to size";
    default: return "unknown";
  }
}
