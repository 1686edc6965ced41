/* Controls of fake_cuda.c, the host-memory stand-in for libcuda.so.1 and
 * libcublas that test_bench_cublas_yardstick has the yardstick open. */
#ifndef GPUK_TESTS_FAKE_CUDA_H
#define GPUK_TESTS_FAKE_CUDA_H

#ifdef __cplusplus
extern "C" {
#endif

/* Device buffers, events, cuBLAS handles and primary-context references
 * created and not yet released. */
int fake_cuda_live_objects(void);

/* Makes the nth call from now (1 = the next) to any fake function fail with
 * an error status, counting every call; 0 fails none. */
void fake_cuda_fail_call(int nth);

/* The name of the function that failed since then, or NULL. */
const char *fake_cuda_failed_call(void);

#ifdef __cplusplus
}
#endif

#endif
