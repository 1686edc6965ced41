/* Scratch memory a thread keeps between calls (the GEMM's packing buffers):
 * allocating it per call cost as much as the arithmetic of a small GEMM,
 * because glibc hands the freed top of the heap back to the kernel and the
 * next call faults every page in again. */
#ifndef GPUK_CPU_SCRATCH_H
#define GPUK_CPU_SCRATCH_H

#include <stddef.h>

/* bytes of 64-byte aligned memory for the calling thread, NULL when out of
 * memory; give it back with gpuk__cpu_scratch_put before asking again. Up to
 * SCRATCH_KEEP_BYTES (scratch.c) stay with the thread for its next call,
 * larger requests are allocated and freed each time. */
void *gpuk__cpu_scratch_get(size_t bytes);
void gpuk__cpu_scratch_put(void *p);

#endif
