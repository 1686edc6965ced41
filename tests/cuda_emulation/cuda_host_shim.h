// Just enough of CUDA to run a kernel's source on the host, one std::thread
// per CUDA thread and one block at a time: __shared__ becomes a function-static
// array (one block runs at a time, so it is that block's shared memory) and
// __syncthreads() a barrier across the block's threads. It checks the index
// arithmetic, edge handling and barrier placement of a kernel when no GPU is
// at hand; it says nothing about speed or the GPU memory model.
#ifndef GPUK_CUDA_HOST_SHIM_H
#define GPUK_CUDA_HOST_SHIM_H

#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

struct float2 {
  float x, y;
};
struct float4 {
  float x, y, z, w;
};
struct double2 {
  double x, y;
};
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline double2 make_double2(double x, double y) { return {x, y}; }

// CUDA's integer min and max (device functions there, none on the host).
#define GPUK_EMU_MIN_MAX(T)                          \
  inline T min(T a, T b) { return b < a ? b : a; } \
  inline T max(T a, T b) { return a < b ? b : a; }
GPUK_EMU_MIN_MAX(int)
GPUK_EMU_MIN_MAX(unsigned)
GPUK_EMU_MIN_MAX(long)
GPUK_EMU_MIN_MAX(unsigned long)
GPUK_EMU_MIN_MAX(long long)
GPUK_EMU_MIN_MAX(unsigned long long)
#undef GPUK_EMU_MIN_MAX
template <typename T>
inline T __ldg(const T *p) {
  return *p;
}

struct gpuk_emu_dim3 {
  unsigned x = 0, y = 0, z = 0;
};
extern thread_local gpuk_emu_dim3 threadIdx;
extern gpuk_emu_dim3 blockIdx, blockDim, gridDim;

// A reusable barrier for the threads of the running block.
class gpuk_emu_barrier {
 public:
  explicit gpuk_emu_barrier(unsigned count) : count_(count) {}
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    unsigned generation = generation_;
    if (++arrived_ == count_) {
      arrived_ = 0;
      generation_++;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation != generation_; });
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  unsigned count_, arrived_ = 0, generation_ = 0;
};
extern gpuk_emu_barrier *gpuk_emu_block_barrier;
inline void __syncthreads() { gpuk_emu_block_barrier->wait(); }

// Warps: threads 32w .. 32w + 31 of the running block (the last one smaller
// when the block is), each with a barrier of its own and a slot per thread
// for the values its shuffles exchange.
extern std::vector<gpuk_emu_barrier *> gpuk_emu_warp_barriers;
extern std::vector<unsigned long long> gpuk_emu_lane_values;

// __shfl_down_sync: lane l gets lane l + delta's value, or its own where that
// lane is past the warp. Every thread of the warp must call it (the mask is
// taken to be all of them): on a GPU a missing one is undefined behaviour,
// here a hang.
template <typename T>
T __shfl_down_sync(unsigned /* mask */, T value, int delta) {
  static_assert(sizeof(T) <= sizeof(unsigned long long), "a shuffled value is at most 8 bytes");
  const unsigned self = threadIdx.x, lane = self % 32;
  gpuk_emu_barrier *warp = gpuk_emu_warp_barriers[self / 32];
  std::memcpy(&gpuk_emu_lane_values[self], &value, sizeof value);
  warp->wait();
  T result = value;
  if (lane + unsigned(delta) < 32 && self + unsigned(delta) < blockDim.x)
    std::memcpy(&result, &gpuk_emu_lane_values[self + unsigned(delta)], sizeof result);
  warp->wait(); // nobody overwrites a slot before every lane has read it
  return result;
}

// Every lane's value of the running thread's warp, by lane (a full warp of
// 32 must call it).
template <typename T>
std::vector<T> gpuk_emu_warp_values(T value) {
  static_assert(sizeof(T) <= sizeof(unsigned long long), "a lane's value is at most 8 bytes");
  const unsigned self = threadIdx.x, first = self / 32 * 32;
  gpuk_emu_barrier *warp = gpuk_emu_warp_barriers[self / 32];
  std::memcpy(&gpuk_emu_lane_values[self], &value, sizeof value);
  warp->wait();
  std::vector<T> values(32);
  for (unsigned l = 0; l < 32; l++) std::memcpy(&values[l], &gpuk_emu_lane_values[first + l], sizeof(T));
  warp->wait(); // nobody overwrites a slot before every lane has read it
  return values;
}

// mma.sync.aligned.m8n8k4.row.col.f64 (kernels/gemm_cuda.cu with MMA=1): the
// warp's 8 x 4 A (lane l holds A[l/4][l%4]) times its 4 x 8 B (lane l holds
// B[l%4][l/4]) added to C, of which lane l holds C[l/4][2(l%4) + {0, 1}].
#define GPUK_EMULATED_MMA 1
inline void mma_m8n8k4(double2 &c, double a, double b) {
  const std::vector<double> as = gpuk_emu_warp_values(a), bs = gpuk_emu_warp_values(b);
  const unsigned lane = threadIdx.x % 32, row = lane / 4, col = 2 * (lane % 4);
  for (unsigned k = 0; k < 4; k++) {
    c.x = std::fma(as[row * 4 + k], bs[col * 4 + k], c.x);
    c.y = std::fma(as[row * 4 + k], bs[(col + 1) * 4 + k], c.y);
  }
}

// mma.sync.aligned.m16n8k8.row.col.f64 (MMA_K8=1): the warp's 16 x 8 A (lane
// l holds A[l/4][l%4] in a0, A[l/4 + 8][l%4] in a1, and the same rows at
// depth l%4 + 4 in a2 and a3) times its 8 x 8 B (lane l holds B[l%4][l/4] in
// b0, B[l%4 + 4][l/4] in b1) added to C, of which lane l holds
// C[l/4][2(l%4) + {0, 1}] in top and C[l/4 + 8][2(l%4) + {0, 1}] in bottom.
inline void mma_m16n8k8(double2 &top, double2 &bottom, double a0, double a1, double a2, double a3,
                        double b0, double b1) {
  const std::vector<double> as[2][2] = {{gpuk_emu_warp_values(a0), gpuk_emu_warp_values(a2)},
                                        {gpuk_emu_warp_values(a1), gpuk_emu_warp_values(a3)}};
  const std::vector<double> bs[2] = {gpuk_emu_warp_values(b0), gpuk_emu_warp_values(b1)};
  const auto a = [&](unsigned row, unsigned k) { return as[row / 8][k / 4][row % 8 * 4 + k % 4]; };
  const auto b = [&](unsigned k, unsigned col) { return bs[k / 4][col * 4 + k % 4]; };
  const unsigned lane = threadIdx.x % 32, row = lane / 4, col = 2 * (lane % 4);
  for (unsigned k = 0; k < 8; k++) {
    top.x = std::fma(a(row, k), b(k, col), top.x);
    top.y = std::fma(a(row, k), b(k, col + 1), top.y);
    bottom.x = std::fma(a(row + 8, k), b(k, col), bottom.x);
    bottom.y = std::fma(a(row + 8, k), b(k, col + 1), bottom.y);
  }
}

// Runs kernel() over a grid of (grid_x, grid_y) blocks of `threads` threads.
void gpuk_emu_launch(unsigned grid_x, unsigned grid_y, unsigned threads,
                     const std::function<void()> &kernel);

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __restrict__ __restrict
#define __align__(n) __attribute__((aligned(n)))
#define __shared__ static

// cp.async (kernels/gemm_cuda.cu with STAGES >= 3), per thread: a copy's
// source is read when it is issued, and it lands in shared memory only when
// cp_async_wait lets its group go, the latest as late as the hardware may. A
// kernel that reads a buffer before waiting for it, waits for too few groups
// or overwrites a buffer other threads still read gets stale values.
#define GPUK_EMULATED_CP_ASYNC 1
struct gpuk_emu_copy {
  void *dst;
  unsigned char value[8];
  size_t size;
};
inline thread_local std::vector<gpuk_emu_copy> gpuk_emu_open_group;
inline thread_local std::deque<std::vector<gpuk_emu_copy>> gpuk_emu_committed;
// One element (float or double) of src, or zero when not valid.
template <typename T>
inline void cp_async_element(T *dst, const T *src, bool valid) {
  static_assert(sizeof(T) <= 8, "cp.async copies 4, 8 or 16 bytes");
  const T value = valid ? *src : T(0);
  gpuk_emu_copy c{dst, {}, sizeof value};
  std::memcpy(c.value, &value, sizeof value);
  gpuk_emu_open_group.push_back(c);
}
// 16 bytes, as the elements they hold.
template <typename T>
inline void cp_async16(T *dst, const T *src) {
  for (size_t j = 0; j < 16 / sizeof(T); j++) cp_async_element(dst + j, src + j, true);
}
inline void cp_async_commit() {
  gpuk_emu_committed.push_back(std::move(gpuk_emu_open_group));
  gpuk_emu_open_group.clear();
}
template <int pending>
inline void cp_async_wait() {
  while (gpuk_emu_committed.size() > size_t(pending)) {
    for (const gpuk_emu_copy &c : gpuk_emu_committed.front()) std::memcpy(c.dst, c.value, c.size);
    gpuk_emu_committed.pop_front();
  }
}

#endif
