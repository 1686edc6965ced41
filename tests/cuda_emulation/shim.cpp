#include "cuda_host_shim.h"

thread_local gpuk_emu_dim3 threadIdx;
gpuk_emu_dim3 blockIdx, blockDim, gridDim;
gpuk_emu_barrier *gpuk_emu_block_barrier;
std::vector<gpuk_emu_barrier *> gpuk_emu_warp_barriers;
std::vector<unsigned long long> gpuk_emu_lane_values;

void gpuk_emu_launch(unsigned grid_x, unsigned grid_y, unsigned threads,
                     const std::function<void()> &kernel) {
  gridDim = {grid_x, grid_y, 1};
  blockDim = {threads, 1, 1};
  for (unsigned by = 0; by < grid_y; by++)
    for (unsigned bx = 0; bx < grid_x; bx++) {
      blockIdx = {bx, by, 0};
      gpuk_emu_barrier barrier(threads);
      gpuk_emu_block_barrier = &barrier;
      std::deque<gpuk_emu_barrier> warps;
      gpuk_emu_warp_barriers.clear();
      for (unsigned first = 0; first < threads; first += 32) {
        warps.emplace_back(threads - first < 32 ? threads - first : 32);
        gpuk_emu_warp_barriers.push_back(&warps.back());
      }
      gpuk_emu_lane_values.assign(threads, 0);
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; t++)
        pool.emplace_back([&kernel, t] {
          threadIdx = {t, 0, 0};
          kernel();
        });
      for (std::thread &th : pool) th.join();
    }
}
