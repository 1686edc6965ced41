#include "cuda_host_shim.h"

thread_local gpuk_emu_dim3 threadIdx;
gpuk_emu_dim3 blockIdx, blockDim, gridDim;
gpuk_emu_barrier *gpuk_emu_block_barrier;

void gpuk_emu_launch(unsigned grid_x, unsigned grid_y, unsigned threads,
                     const std::function<void()> &kernel) {
  gridDim = {grid_x, grid_y, 1};
  blockDim = {threads, 1, 1};
  for (unsigned by = 0; by < grid_y; by++)
    for (unsigned bx = 0; bx < grid_x; bx++) {
      blockIdx = {bx, by, 0};
      gpuk_emu_barrier barrier(threads);
      gpuk_emu_block_barrier = &barrier;
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; t++)
        pool.emplace_back([&kernel, t] {
          threadIdx = {t, 0, 0};
          kernel();
        });
      for (std::thread &th : pool) th.join();
    }
}
