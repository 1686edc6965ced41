// Several threads drive their own streams on one device at once (copies,
// built-in kernels, a shared user kernel, events, expression kernels, the CPU
// backend's worker pool); every result is checked.
#include <atomic>
#include <cmath>
#include <thread>

#include "gpuk_test.h"

class Threads : public DeviceTest {};

// Runs work(t) for t in [0, threads) on that many threads at once, then
// expects every thread's error text to be empty and no failure counted.
template <typename Work>
static void RunOnThreads(int threads, Work work, const std::vector<std::string> &errors,
                         const std::atomic<int> &failures) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; t++) running.emplace_back(work, t);
  for (auto &th : running) th.join();
  for (const std::string &e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(failures.load(), 0);
}

static const char *kAddOne =
    "__kernel void add_one(__global float *x, ulong n) {"
    "  size_t i = get_global_id(0); if (i < n) x[i] += 1.0f; }";

TEST_P(Threads, IndependentStreamsFromManyThreads) {
  gpuk_kernel *shared_kernel = nullptr;
  gpuk_program *program = nullptr;
  if (!IsCpuBackend()) {
    GPUK_ASSERT_OK(gpuk_program_build(device_, kAddOne, GPUK_SOURCE_OPENCL_C, "", &program));
    GPUK_ASSERT_OK(gpuk_kernel_create(program, "add_one", &shared_kernel));
  }
  const int kThreads = 4, kRounds = 8;
  const size_t n = 100003;
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  auto work = [&](int t) {
    auto fail = [&](const char *what) {
      errors[t] = std::string(what) + ": " + gpuk_last_error();
      failures++;
    };
    gpuk_stream *s = nullptr;
    gpuk_event *done = nullptr;
    gpuk_buffer *a = nullptr, *b = nullptr, *c = nullptr;
    if (gpuk_stream_create(device_, &s) || gpuk_event_create(device_, &done) ||
        gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &a) ||
        gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &b) ||
        gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &c))
      return fail("setup");
    for (int r = 0; r < kRounds && failures == 0; r++) {
      std::vector<float> hb = RandomFloats(n), hc = RandomFloats(n), out(n, kPoison);
      const float scalar = static_cast<float>(t + r);
      if (gpuk_buffer_write(s, b, 0, n * 4, hb.data()) ||
          gpuk_buffer_write(s, c, 0, n * 4, hc.data()) ||
          gpuk_vec_triad_f32(s, b, c, a, scalar, n))
        return fail("enqueue");
      if (shared_kernel) {
        gpuk_arg args[] = {gpuk_arg_buffer(a), gpuk_arg_u64(n)};
        size_t global = n;
        if (gpuk_kernel_launch(s, shared_kernel, 1, &global, nullptr, 2, args))
          return fail("launch");
      }
      if (gpuk_buffer_read(s, a, 0, n * 4, out.data()) || gpuk_event_record(done, s) ||
          gpuk_event_synchronize(done))
        return fail("finish");
      double dot = 0;
      if (gpuk_vec_dot_f32(s, b, c, n, &dot)) return fail("dot");
      double ref_dot = 0;
      for (size_t i = 0; i < n; i++) {
        double want = double(hb[i]) + double(scalar) * hc[i] + (shared_kernel ? 1.0 : 0.0);
        if (std::fabs(out[i] - want) > 1e-4 * (1 + std::fabs(want))) {
          errors[t] = "thread " + std::to_string(t) + " round " + std::to_string(r) +
                      " element " + std::to_string(i) + ": " + std::to_string(out[i]) +
                      " != " + std::to_string(want);
          failures++;
          break;
        }
        ref_dot += double(hb[i]) * hc[i];
      }
      if (failures == 0 && std::fabs(dot - ref_dot) > 1e-3) {
        errors[t] = "dot " + std::to_string(dot) + " != " + std::to_string(ref_dot);
        failures++;
      }
    }
    gpuk_buffer_destroy(a);
    gpuk_buffer_destroy(b);
    gpuk_buffer_destroy(c);
    gpuk_event_destroy(done);
    gpuk_stream_destroy(s);
  };
  RunOnThreads(kThreads, work, errors, failures);
  GPUK_EXPECT_OK(gpuk_kernel_destroy(shared_kernel));
  GPUK_EXPECT_OK(gpuk_program_destroy(program));
}

TEST_P(Threads, ExpressionKernelsFromManyThreads) {
  // Each thread creates the same kernels (found in the device's store after the
  // first build) and runs them on its own stream.
  const int kThreads = 4;
  const size_t n = 50021;
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  auto work = [&](int t) {
    gpuk_stream *s = nullptr;
    gpuk_elementwise *scale = nullptr;
    gpuk_reduction *sum = nullptr;
    gpuk_buffer *x = nullptr, *y = nullptr;
    std::vector<float> hx = RandomFloats(n), hy(n, kPoison);
    float total = kPoison;
    const float a = float(t) + 0.5f;
    gpuk_arg ew[] = {gpuk_arg_buffer(nullptr), gpuk_arg_buffer(nullptr), gpuk_arg_f32(a)};
    gpuk_arg red[] = {gpuk_arg_buffer(nullptr)};
    if (gpuk_stream_create(device_, &s) ||
        gpuk_elementwise_create(device_, "float *y, const float *x, float a", "y[i] = a * x[i] + 1.0f",
                                "scale_plus_one", nullptr, &scale) ||
        gpuk_reduction_create(device_, GPUK_FLOAT32, "0", "a + b", nullptr, "const float *y", "total",
                              nullptr, &sum) ||
        gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &x) ||
        gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &y) ||
        gpuk_buffer_write(s, x, 0, n * 4, hx.data()) ||
        (ew[0] = gpuk_arg_buffer(y), ew[1] = gpuk_arg_buffer(x), red[0] = gpuk_arg_buffer(y),
         gpuk_elementwise_run(s, scale, 0, n, 3, ew)) ||
        gpuk_reduction_run(s, sum, 0, n, 1, red, &total) ||
        gpuk_buffer_read(s, y, 0, n * 4, hy.data()) || gpuk_stream_synchronize(s)) {
      errors[t] = gpuk_last_error();
      failures++;
    } else {
      double ref = 0;
      for (size_t i = 0; i < n; i++) {
        double want = double(a) * hx[i] + 1.0;
        ref += want;
        if (std::fabs(hy[i] - want) > 1e-5 * (1 + std::fabs(want))) {
          errors[t] = "element " + std::to_string(i);
          failures++;
          break;
        }
      }
      if (std::fabs(total - ref) > 1e-4 * (std::fabs(ref) + n)) {
        errors[t] = "sum " + std::to_string(total) + " != " + std::to_string(ref);
        failures++;
      }
    }
    gpuk_buffer_destroy(x);
    gpuk_buffer_destroy(y);
    gpuk_elementwise_destroy(scale);
    gpuk_reduction_destroy(sum);
    gpuk_stream_destroy(s);
  };
  RunOnThreads(kThreads, work, errors, failures);
}

// The CPU backend runs its multi-threaded calls on a pool of worker threads
// that one call owns at a time; calls from other host threads meanwhile start
// threads of their own. Four host threads run triads, dots and GEMMs large
// enough to be split over 3 threads, at once, round after round.
TEST_P(Threads, CpuWorkerPoolSharedByManyThreads) {
  if (!IsCpuBackend()) GTEST_SKIP() << "the worker pool is the CPU backend's";
  ScopedEnv threads_env("GPUK_CPU_THREADS");
  threads_env.Set("3");
  const int kThreads = 4, kRounds = 6;
  const size_t n = 600001, m = 150, cols = 170, k = 90;  // n: 2 chunks; the GEMM: 3 tiles
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  auto work = [&](int t) {
    auto fail = [&](const std::string &what) {
      errors[t] = "thread " + std::to_string(t) + ": " + what;
      failures++;
    };
    gpuk_stream *s = nullptr;
    gpuk_buffer *x = nullptr, *y = nullptr, *out = nullptr, *a = nullptr, *b = nullptr,
                *c = nullptr;
    if (gpuk_stream_create(device_, &s) ||
        gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &x) ||
        gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &y) ||
        gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &out) ||
        gpuk_buffer_create(device_, m * k * 4, GPUK_MEM_READ_WRITE, &a) ||
        gpuk_buffer_create(device_, k * cols * 4, GPUK_MEM_READ_WRITE, &b) ||
        gpuk_buffer_create(device_, m * cols * 4, GPUK_MEM_READ_WRITE, &c))
      return fail(std::string("setup: ") + gpuk_last_error());
    for (int r = 0; r < kRounds && failures == 0; r++) {
      std::vector<float> hx = RandomFloats(n), hy = RandomFloats(n), ha = RandomFloats(m * k),
                         hb = RandomFloats(k * cols), ho(n, kPoison), hc(m * cols, kPoison);
      const float scalar = float(t) - float(r);
      double dot = 0;
      if (gpuk_buffer_write(s, x, 0, n * 4, hx.data()) ||
          gpuk_buffer_write(s, y, 0, n * 4, hy.data()) ||
          gpuk_buffer_write(s, a, 0, m * k * 4, ha.data()) ||
          gpuk_buffer_write(s, b, 0, k * cols * 4, hb.data()) ||
          gpuk_vec_triad_f32(s, x, y, out, scalar, n) ||
          gpuk_gemm(s, GPUK_FLOAT32, GPUK_NO_TRANS, GPUK_NO_TRANS, m, cols, k, 1.0, a, 0, k, b, 0,
                    cols, 0.0, c, 0, cols, nullptr) ||
          gpuk_buffer_read(s, out, 0, n * 4, ho.data()) ||
          gpuk_buffer_read(s, c, 0, m * cols * 4, hc.data()) ||
          gpuk_vec_dot_f32(s, x, y, n, &dot))
        return fail(std::string("round ") + std::to_string(r) + ": " + gpuk_last_error());
      double ref_dot = 0;
      for (size_t i = 0; i < n; i++) {
        const double want = double(hx[i]) + double(scalar) * hy[i];
        if (std::fabs(ho[i] - want) > 1e-5 * (1 + std::fabs(want)))
          return fail("triad element " + std::to_string(i));
        ref_dot += double(hx[i]) * hy[i];
      }
      if (std::fabs(dot - ref_dot) > 1e-6 * n) return fail("dot " + std::to_string(dot));
      for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < cols; j++) {
          double want = 0;
          for (size_t p = 0; p < k; p++) want += double(ha[i * k + p]) * hb[p * cols + j];
          if (std::fabs(hc[i * cols + j] - want) > 1e-4)
            return fail("gemm element " + std::to_string(i) + "," + std::to_string(j));
        }
    }
    for (gpuk_buffer *buffer : {x, y, out, a, b, c}) gpuk_buffer_destroy(buffer);
    gpuk_stream_destroy(s);
  };
  RunOnThreads(kThreads, work, errors, failures);
}

TEST(ThreadsDiscovery, ConcurrentFirstUseSeesOneRegistry) {
  // Discovery may already have run in this process; opening devices from many
  // threads at once must still be safe.
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 8; t++)
    threads.emplace_back([&] {
      gpuk_device *d;
      if (gpuk_device_open("cpu", &d) != GPUK_SUCCESS) bad++;
      else gpuk_device_close(d);
    });
  for (auto &th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Threads);
