/* GEMM block shapes: the rules each kernel imposes (checked before compiling,
 * with the failing rule named), and the public text conversions. */
#include <stdio.h>
#include <string.h>

#include "gemm.h"
#include "handles.h"

#define CONFIG_ERROR(...) gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "config: " __VA_ARGS__)

/* Rules of kernels/gemm.cl. Its vectors are OpenCL C's (vloadN, and
 * arithmetic on the results: up to 64 bytes, float16 or double8); under CUDA
 * the prelude's vload2/vload4 (up to 16 bytes). */
static int vector_width_ok(unsigned width, unsigned max_width) {
  return (width == 1 || width == 2 || width == 4 || width == 8 || width == 16) &&
         width <= max_width;
}

static gpuk_status check_portable_config(const gpuk_device_info *info, gpuk_dtype dtype,
                                         const gpuk_gemm_config *c, unsigned threads) {
  const unsigned vwm = gpuk__gemm_width(c->vwm), vwn = gpuk__gemm_width(c->vwn);
  const unsigned elem = dtype == GPUK_FLOAT64 ? 8 : 4;
  const unsigned max_bytes = info->backend == GPUK_BACKEND_CUDA ? 16 : 64;
  if (!vector_width_ok(vwm, max_bytes / elem) || !vector_width_ok(vwn, max_bytes / elem))
    return CONFIG_ERROR("vector widths vwm %u and vwn %u must each be 1, 2, 4, 8 or 16, at most "
                        "%u bytes on %s devices (%u for %s)",
                        vwm, vwn, max_bytes, gpuk_backend_name(info->backend), max_bytes / elem,
                        dtype == GPUK_FLOAT64 ? "double" : "float");
  if (c->mwg % (c->mdimc * vwm))
    return CONFIG_ERROR("mwg %u is not a multiple of mdimc %u * vwm %u", c->mwg, c->mdimc, vwm);
  if (c->nwg % (c->ndimc * vwn))
    return CONFIG_ERROR("nwg %u is not a multiple of ndimc %u * vwn %u", c->nwg, c->ndimc, vwn);
  if ((c->mwg * c->kwg / vwm) % threads)
    return CONFIG_ERROR("mwg*kwg/vwm = %u is not a multiple of mdimc*ndimc = %u",
                        c->mwg * c->kwg / vwm, threads);
  if ((c->nwg * c->kwg / vwn) % threads)
    return CONFIG_ERROR("nwg*kwg/vwn = %u is not a multiple of mdimc*ndimc = %u",
                        c->nwg * c->kwg / vwn, threads);
  return GPUK_SUCCESS;
}

/* Rules of kernels/gemm_cuda.cu. */
static gpuk_status check_cuda_config(const gpuk_device_info *info, gpuk_dtype dtype,
                                     const gpuk_gemm_config *c, unsigned threads) {
  static const char *const names[] = {NULL, "GPUK_GEMM_KERNEL_CUDA", "GPUK_GEMM_KERNEL_CUDA_ASYNC",
                                      "GPUK_GEMM_KERNEL_CUDA_MMA"};
  _Static_assert(sizeof names / sizeof names[0] == GPUK_GEMM_KERNEL_CUDA_MMA + 1,
                 "one name per gpuk_gemm_kernel");
  const char *name = names[c->kernel];
  const int mma = c->kernel == GPUK_GEMM_KERNEL_CUDA_MMA;
  if (info->backend != GPUK_BACKEND_CUDA)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                           "config: %s runs on CUDA devices only, not on %s", name, info->name);
  if (mma && dtype != GPUK_FLOAT64)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                           "config: %s is double only (FP64 tensor cores); float takes "
                           "GPUK_GEMM_KERNEL_CUDA",
                           name);
  if (c->kernel != GPUK_GEMM_KERNEL_CUDA && info->compute_capability_major < 8)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                           "config: %s needs %s (compute capability 8.0 or later); %s is %d.%d",
                           name, mma ? "FP64 tensor cores" : "cp.async", info->name,
                           info->compute_capability_major, info->compute_capability_minor);
  if (mma && (c->mdimc % 8 || c->ndimc % 4))
    return CONFIG_ERROR("the tensor-core kernel's threads form warps of 8 x 4: mdimc %% 8 == 0 and "
                        "ndimc %% 4 == 0 (got %ux%u)",
                        c->mdimc, c->ndimc);
  /* Results per thread along m and n, at most 128 floats or 64 doubles (512
   * bytes of registers); values move in 16-byte vectors of `vector` elements. */
  const int dbl = dtype == GPUK_FLOAT64;
  const unsigned tm = c->mwg / c->mdimc, tn = c->nwg / c->ndimc;
  const unsigned max_results = dbl ? 64 : 128, vector = gpuk__gemm_cuda_vector(dtype);
  if (c->mwg % c->mdimc || c->nwg % c->ndimc || tm % 4 || tn % 4 || tm > 16 || tn > 16 ||
      tm * tn > max_results)
    return CONFIG_ERROR("the CUDA kernel needs mwg/mdimc and nwg/ndimc in {4, 8, 16} with a product "
                        "<= %u for %s (got %ux%u/%ux%u)",
                        max_results, dbl ? "double" : "float", c->mwg, c->nwg, c->mdimc, c->ndimc);
  if (c->kwg % 4) return CONFIG_ERROR("the CUDA kernel needs kwg %% 4 == 0 (got %u)", c->kwg);
  if (gpuk__gemm_width(c->vwm) != 1 || gpuk__gemm_width(c->vwn) != 1)
    return CONFIG_ERROR("the CUDA kernel's vectors are fixed: vwm and vwn must be 0 or 1 (got %u "
                        "and %u)",
                        c->vwm, c->vwn);
  if ((c->mwg * c->kwg / vector) % threads)
    return CONFIG_ERROR("mwg*kwg/%u = %u is not a multiple of mdimc*ndimc = %u", vector,
                        c->mwg * c->kwg / vector, threads);
  if ((c->nwg * c->kwg / vector) % threads)
    return CONFIG_ERROR("nwg*kwg/%u = %u is not a multiple of mdimc*ndimc = %u", vector,
                        c->nwg * c->kwg / vector, threads);
  return GPUK_SUCCESS;
}

/* Rules of kernels/gemm_skinny.cl: no block shape; its fixed work-groups and
 * local sums fit on the device. gpuk_gemm checks m and n. */
static gpuk_status check_skinny_config(const gpuk_device_info *info, gpuk_dtype dtype,
                                       const gpuk_gemm_config *c) {
  if (c->mwg || c->nwg || c->kwg || c->mdimc || c->ndimc || gpuk__gemm_width(c->vwm) != 1 ||
      gpuk__gemm_width(c->vwn) != 1)
    return CONFIG_ERROR("GPUK_GEMM_KERNEL_SKINNY takes no block shape: mwg, nwg, kwg, mdimc and "
                        "ndimc must be 0, vwm and vwn 0 or 1 (got %ux%ux%u/%ux%u/%ux%u)",
                        c->mwg, c->nwg, c->kwg, c->mdimc, c->ndimc, c->vwm, c->vwn);
  const size_t threads = GPUK__GEMM_SKINNY_WG, local = gpuk__gemm_skinny_local_bytes(dtype);
  if (info->max_work_group_size < threads || info->max_work_item_sizes[0] < threads)
    return CONFIG_ERROR("GPUK_GEMM_KERNEL_SKINNY needs work-groups of %zu work-items; %s allows "
                        "%zu",
                        threads, info->name, info->max_work_group_size);
  if (local > info->local_mem_bytes)
    return CONFIG_ERROR("GPUK_GEMM_KERNEL_SKINNY needs %zu bytes of local memory; %s has %llu",
                        local, info->name, (unsigned long long)info->local_mem_bytes);
  return GPUK_SUCCESS;
}

/* Local memory the kernel's tiles take. */
static size_t tile_bytes(const gpuk_gemm_config *c, gpuk_dtype dtype) {
  size_t elem = dtype == GPUK_FLOAT64 ? 8 : 4;
  if (gpuk__gemm_is_cuda(c->kernel))
    return gpuk__gemm_cuda_stages(c->kernel) * (size_t)c->kwg * (c->mwg + c->nwg + 8) * elem;
  /* Rows padded by one vector. */
  return (size_t)c->kwg *
         (c->mwg + gpuk__gemm_width(c->vwm) + c->nwg + gpuk__gemm_width(c->vwn)) * elem;
}

gpuk_status gpuk__gemm_check_config(const gpuk_device_info *info, gpuk_dtype dtype,
                                    const gpuk_gemm_config *c) {
  if (!gpuk__gemm_kernel_known(c->kernel))
    return CONFIG_ERROR("kernel %d is not a gpuk_gemm_kernel", (int)c->kernel);
  if (c->kernel == GPUK_GEMM_KERNEL_SKINNY) return check_skinny_config(info, dtype, c);
  if (!c->mwg || !c->nwg || !c->kwg || !c->mdimc || !c->ndimc)
    return CONFIG_ERROR("every field must be > 0 (mwg %u nwg %u kwg %u mdimc %u ndimc %u)", c->mwg,
                        c->nwg, c->kwg, c->mdimc, c->ndimc);
  if (c->mwg > 512 || c->nwg > 512 || c->kwg > 256)
    return CONFIG_ERROR("mwg/nwg above 512 or kwg above 256 is not supported");
  unsigned threads = c->mdimc * c->ndimc;
  gpuk_status st = gpuk__gemm_is_cuda(c->kernel) ? check_cuda_config(info, dtype, c, threads)
                                                 : check_portable_config(info, dtype, c, threads);
  if (st) return st;
  /* Beyond 1024 work-items per group no GPU runs it and CPU drivers (PoCL) run
   * out of per-work-item stack for the register tile. */
  size_t limit = info->max_work_group_size < 1024 ? info->max_work_group_size : 1024;
  if (threads > limit || c->ndimc > info->max_work_item_sizes[0] ||
      c->mdimc > info->max_work_item_sizes[1])
    return CONFIG_ERROR("mdimc*ndimc = %u work-items exceed the limit of %zu (%s)", threads, limit,
                        info->name);
  /* Static shared memory is limited to 48 KiB on CUDA. */
  size_t local = tile_bytes(c, dtype);
  unsigned long long local_limit = info->local_mem_bytes;
  if (info->backend == GPUK_BACKEND_CUDA && local_limit > 48 * 1024) local_limit = 48 * 1024;
  if (local > local_limit)
    return CONFIG_ERROR("tiles need %zu bytes of local memory; the device allows %llu", local,
                        local_limit);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_gemm_config_check(const gpuk_device *device, gpuk_dtype dtype,
                                   const gpuk_gemm_config *config) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  if (!config) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "config is NULL");
  st = gpuk__gemm_check_dtype(NULL, dtype);
  return st ? st : gpuk__gemm_check_config(&device->entry.info, dtype, config);
}

gpuk_status gpuk__gemm_check_dtype(const gpuk_device_info *info, gpuk_dtype dtype) {
  if (dtype != GPUK_FLOAT32 && dtype != GPUK_FLOAT64)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "dtype %d: GEMM takes GPUK_FLOAT32 or GPUK_FLOAT64", (int)dtype);
  if (info && dtype == GPUK_FLOAT64 && !info->supports_double)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED, "%s has no double precision support",
                           info->name);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_gemm_config_parse(const char *text, gpuk_gemm_config *config) {
  gpuk__clear_error();
  if (!text) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "text is NULL");
  if (!config) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "config is NULL");
  if (!gpuk__gemm_config_from_text(text, config))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "block shape '%.64s' is not "
                           "[cuda:|cuda-async:|cuda-mma:]MWGxNWGxKWG/MDIMCxNDIMC[/VWMxVWN] "
                           "(numbers of 1 to 4 digits, e.g. 64x64x8/16x16 or 64x64x8/16x16/2x2) "
                           "or skinny",
                           text);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_gemm_config_format(const gpuk_gemm_config *config, char *text, size_t size) {
  gpuk__clear_error();
  if (!config) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "config is NULL");
  if (!text) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "text is NULL");
  if (!gpuk__gemm_kernel_known(config->kernel))
    return CONFIG_ERROR("kernel %d is not a gpuk_gemm_kernel", (int)config->kernel);
  int n = gpuk__gemm_config_to_text(config, text, size);
  if (n < 0 || (size_t)n >= size)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "size %zu is too small for the %d characters of the block shape", size,
                           n < 0 ? 0 : n + 1);
  return GPUK_SUCCESS;
}
