// Shared test helpers: the list of present devices, a fixture that opens one,
// status assertions that also check the message, and float64 references.
#pragma once

#include <gpuk/gpuk.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

// Every device present, by selector ("cpu", "opencl:0:0", "cuda:0").
inline std::vector<std::string> AllDeviceSelectors() {
  std::vector<std::string> out;
  size_t count = 0;
  if (gpuk_device_count(&count) != GPUK_SUCCESS) return out;
  for (size_t i = 0; i < count; i++) {
    gpuk_device_info info;
    if (gpuk_device_get_info_by_index(i, &info) == GPUK_SUCCESS) out.push_back(info.selector);
  }
  return out;
}

inline std::string SelectorTestName(const testing::TestParamInfo<std::string> &info) {
  std::string s = info.param;
  for (char &c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

#define GPUK_ASSERT_OK(expr)                                                        \
  do {                                                                              \
    gpuk_status gpuk_st_ = (expr);                                                  \
    ASSERT_EQ(gpuk_st_, GPUK_SUCCESS) << #expr << ": " << gpuk_status_name(gpuk_st_) \
                                      << ": " << gpuk_last_error();                 \
  } while (0)

#define GPUK_EXPECT_OK(expr)                                                        \
  do {                                                                              \
    gpuk_status gpuk_st_ = (expr);                                                  \
    EXPECT_EQ(gpuk_st_, GPUK_SUCCESS) << #expr << ": " << gpuk_status_name(gpuk_st_) \
                                      << ": " << gpuk_last_error();                 \
  } while (0)

// Expects a status and a message containing `words`.
#define GPUK_EXPECT_ERROR(expr, status, words)                                       \
  do {                                                                               \
    gpuk_status gpuk_st_ = (expr);                                                   \
    EXPECT_EQ(gpuk_st_, status) << #expr << ": got " << gpuk_status_name(gpuk_st_)   \
                                << ": " << gpuk_last_error();                        \
    EXPECT_NE(std::string(gpuk_last_error()).find(words), std::string::npos)         \
        << #expr << ": message '" << gpuk_last_error() << "' lacks '" << words << "'"; \
  } while (0)

// Opens the device named by the test parameter for each test.
class DeviceTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &device_));
    GPUK_ASSERT_OK(gpuk_device_get_info(device_, &info_));
  }
  void TearDown() override { EXPECT_EQ(gpuk_device_close(device_), GPUK_SUCCESS); }

  bool IsCpuBackend() const { return info_.backend == GPUK_BACKEND_CPU; }

  // Helpers that fail the test (and return NULL) when creation fails.
  gpuk_buffer *MakeBuffer(size_t size, gpuk_mem_flags flags = GPUK_MEM_READ_WRITE) {
    gpuk_buffer *b = nullptr;
    EXPECT_EQ(gpuk_buffer_create(device_, size, flags, &b), GPUK_SUCCESS) << gpuk_last_error();
    return b;
  }
  gpuk_elementwise *CreateElementwise(const char *arguments, const char *operation,
                                      const char *name, const char *preamble = nullptr) {
    gpuk_elementwise *k = nullptr;
    gpuk_status st = gpuk_elementwise_create(device_, arguments, operation, name, preamble, &k);
    EXPECT_EQ(st, GPUK_SUCCESS) << gpuk_last_error() << "\n" << gpuk_last_build_log();
    return k;
  }
  gpuk_reduction *CreateReduction(gpuk_dtype out, const char *neutral, const char *reduce,
                                  const char *map, const char *arguments, const char *name,
                                  const char *preamble = nullptr) {
    gpuk_reduction *r = nullptr;
    gpuk_status st =
        gpuk_reduction_create(device_, out, neutral, reduce, map, arguments, name, preamble, &r);
    EXPECT_EQ(st, GPUK_SUCCESS) << gpuk_last_error() << "\n" << gpuk_last_build_log();
    return r;
  }

  gpuk_device *device_ = nullptr;
  gpuk_device_info info_{};
};

#define GPUK_INSTANTIATE_ON_ALL_DEVICES(fixture) \
  INSTANTIATE_TEST_SUITE_P(AllDevices, fixture, testing::ValuesIn(AllDeviceSelectors()), \
                           SelectorTestName)

// Fresh random floats or doubles in [-1, 1) from a seed that differs per run
// and thread.
template <typename T>
std::vector<T> RandomReals(size_t n) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<T> dist(T(-1), T(1));
  std::vector<T> v(n);
  for (auto &x : v) x = dist(rng);
  return v;
}
inline std::vector<float> RandomFloats(size_t n) { return RandomReals<float>(n); }

// Fresh random whole numbers in [lo, hi] as floats (exact sums, see
// test_gemm.cpp), from the same kind of seed.
inline std::vector<float> RandomWholeFloats(size_t n, int lo, int hi) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<float> v(n);
  for (auto &x : v) x = float(dist(rng));
  return v;
}

// Sets an environment variable for a scope, then puts back what was there.
class ScopedEnv {
 public:
  explicit ScopedEnv(const char *name) : name_(name) {
    const char *old = getenv(name);
    had_old_ = old != nullptr;
    if (old) old_ = old;
  }
  ~ScopedEnv() {
    if (had_old_) setenv(name_.c_str(), old_.c_str(), 1);
    else unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv &) = delete;
  ScopedEnv &operator=(const ScopedEnv &) = delete;
  void Set(const char *value) { setenv(name_.c_str(), value, 1); }

 private:
  std::string name_, old_;
  bool had_old_ = false;
};

// A value no correct kernel writes: an unwritten element stands out.
constexpr float kPoison = -12345.678f;

// A device buffer of n elements of T, freed at scope exit.
template <typename T>
class DeviceArray {
 public:
  DeviceArray(gpuk_device *device, size_t n) : n_(n) {
    gpuk_status st = gpuk_buffer_create(device, (n ? n : 1) * sizeof(T), GPUK_MEM_READ_WRITE, &buffer_);
    EXPECT_EQ(st, GPUK_SUCCESS) << gpuk_last_error();
  }
  DeviceArray(gpuk_device *device, const std::vector<T> &host) : DeviceArray(device, host.size()) {
    Write(host);
  }
  ~DeviceArray() { gpuk_buffer_destroy(buffer_); }
  DeviceArray(const DeviceArray &) = delete;
  DeviceArray &operator=(const DeviceArray &) = delete;

  void Write(const std::vector<T> &host) {
    if (!host.empty()) {
      EXPECT_EQ(gpuk_buffer_write(nullptr, buffer_, 0, host.size() * sizeof(T), host.data()), GPUK_SUCCESS)
          << gpuk_last_error();
    }
  }
  std::vector<T> Read() const {
    std::vector<T> host(n_);
    if (n_) {
      EXPECT_EQ(gpuk_buffer_read(nullptr, buffer_, 0, n_ * sizeof(T), host.data()), GPUK_SUCCESS)
          << gpuk_last_error();
    }
    return host;
  }
  gpuk_buffer *get() const { return buffer_; }
  gpuk_arg arg() const { return gpuk_arg_buffer(buffer_); }

 private:
  size_t n_;
  gpuk_buffer *buffer_ = nullptr;
};
