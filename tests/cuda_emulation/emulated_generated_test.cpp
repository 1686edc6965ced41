// The generated element-wise and map-reduce kernels run on the host as the
// CUDA backend compiles them (generated_variant.cpp): every reduction of
// generated_specs.h at work-group sizes 32 (no warp step), 64 and 256 over
// empty, short, odd and offset ranges, with one group, several, some empty,
// and more partials than stage 2 has threads, against host references (exact
// for integers); the element-wise kernel with a grid smaller than its range.
// No GPU needed: this is where the reductions' CUDA-only warp-shuffle step
// runs in CI.
#include "emulated_generated.h"

#include <gpuk/gpuk.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <type_traits>

#include "generated_specs.h"

std::vector<EmulatedReduction> &EmulatedReductions() {
  static std::vector<EmulatedReduction> reductions;
  return reductions;
}

std::vector<EmulatedElementwise> &EmulatedElementwiseKernels() {
  static std::vector<EmulatedElementwise> kernels;
  return kernels;
}

bool RegisterEmulatedReduction(const EmulatedReduction &reduction) {
  EmulatedReductions().push_back(reduction);
  return true;
}

bool RegisterEmulatedElementwise(const EmulatedElementwise &kernel) {
  EmulatedElementwiseKernels().push_back(kernel);
  return true;
}

namespace {

constexpr size_t kLength = 4099;

struct Inputs {
  std::vector<double> x;
  std::vector<float> w;
  std::vector<int> v;
  std::vector<unsigned> u;
  long long k;
  EmulatedInputs View() const { return {x.data(), w.data(), v.data(), u.data(), k}; }
};

Inputs RandomInputs(std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> real(-1, 1);
  std::uniform_int_distribution<int> small(-1000000, 1000000);
  std::uniform_int_distribution<unsigned> any;
  Inputs in;
  for (size_t i = 0; i < kLength; i++) {
    in.x.push_back(real(rng));
    in.w.push_back(float(real(rng)));
    in.v.push_back(small(rng));
    in.u.push_back(any(rng));
  }
  in.k = std::uniform_int_distribution<long long>(-1000, 1000)(rng);
  return in;
}

// The device's result (of dtype) as the host reference's type.
template <typename H>
H ResultAs(gpuk_dtype dtype, const unsigned char *bytes) {
  switch (dtype) {
#define RESULT_AS(D, T)                       \
  case D: {                                   \
    T value;                                  \
    std::memcpy(&value, bytes, sizeof value); \
    return H(value);                          \
  }
    RESULT_AS(GPUK_FLOAT32, float)
    RESULT_AS(GPUK_FLOAT64, double)
    RESULT_AS(GPUK_INT32, int32_t)
    RESULT_AS(GPUK_UINT32, uint32_t)
    RESULT_AS(GPUK_INT64, int64_t)
    RESULT_AS(GPUK_UINT64, uint64_t)
#undef RESULT_AS
  }
  return H();
}

struct Range {
  unsigned long long start, stop;
  unsigned groups;
};

template <typename H, typename Map, typename Reduce>
void Check(const EmulatedReduction &r, gpuk_dtype dtype, const Inputs &in, const Range &range,
           H neutral, Map map, Reduce reduce) {
  const EmulatedInputs view = in.View();
  H ref = neutral, magnitude = 0;
  for (unsigned long long i = range.start; i < range.stop; i++) {
    ref = reduce(ref, map(view, i));
    if constexpr (std::is_floating_point_v<H>)
      magnitude = reduce(magnitude, std::fabs(map(view, i)));
  }
  const unsigned long long length = range.stop - range.start;
  const unsigned long long chunk = length ? (length + range.groups - 1) / range.groups : 1;
  unsigned char result[8];
  std::memset(result, 0xff, sizeof result);
  r.run(view, range.start, range.stop, chunk, range.groups, result);
  const H got = ResultAs<H>(dtype, result);
  const std::string where = r.name + " wg " + std::to_string(r.wg) + " [" +
                            std::to_string(range.start) + ", " + std::to_string(range.stop) +
                            ") in " + std::to_string(range.groups) + " groups";
  if constexpr (std::is_floating_point_v<H>)
    EXPECT_TRUE(got == ref || std::fabs(got - ref) <= 1e-5 * magnitude)
        << where << ": got " << got << ", expected " << ref;
  else
    EXPECT_EQ(got, ref) << where;
}

class EmulatedCudaReduction : public testing::TestWithParam<size_t> {};

TEST_P(EmulatedCudaReduction, MatchesHostReference) {
  const EmulatedReduction &r = EmulatedReductions()[GetParam()];
  std::mt19937_64 rng(std::random_device{}());
  const Inputs in = RandomInputs(rng);
  // The last range: 6 groups of 2 for 9 elements, so the last group is empty.
  std::vector<Range> ranges = {{0, 0, 1},   {0, 1, 1},       {0, 2, 3},     {0, 31, 1}, {0, 33, 2},
                               {0, 257, 3}, {5, kLength, 7}, {100, 101, 1}, {7, 16, 6}};
  // Stage 2 with more partials than threads (each group one element).
  if (r.wg <= 64) ranges.push_back({1, 1 + r.wg + 5, r.wg + 5});
  for (const Range &range : ranges) {
#define CHECK_REDUCTION(spec, dtype, type, neutral, reduce, map, preamble, host_type,       \
                        host_neutral, host_map, host_reduce)                                \
  if (r.name == #spec)                                                                      \
    Check<host_type>(                                                                       \
        r, dtype, in, range, host_neutral,                                                  \
        [](const EmulatedInputs &in, unsigned long long i) { return host_type(host_map); }, \
        [](host_type a, host_type b) { return host_type(host_reduce); });
    GPUK_EMULATED_REDUCTIONS(CHECK_REDUCTION)
#undef CHECK_REDUCTION
  }
}

std::string ReductionName(const testing::TestParamInfo<size_t> &info) {
  const EmulatedReduction &r = EmulatedReductions()[info.param];
  return r.name + "_wg" + std::to_string(r.wg);
}

INSTANTIATE_TEST_SUITE_P(Specs, EmulatedCudaReduction,
                         testing::Range(size_t(0), EmulatedReductions().size()), ReductionName);

TEST(EmulatedCudaElementwise, GridStrideOverASubRange) {
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<float> real(-1, 1);
  ASSERT_FALSE(EmulatedElementwiseKernels().empty());
  for (const EmulatedElementwise &kernel : EmulatedElementwiseKernels()) {
    std::vector<float> w(1000), y(1000);
    for (size_t i = 0; i < w.size(); i++) w[i] = real(rng), y[i] = real(rng);
    const std::vector<float> before = y;
    const float a = real(rng);
    const unsigned long long start = 3, stop = 997;  // more than 3 groups cover at once
    kernel.run(y.data(), w.data(), a, start, stop, 3);
    for (size_t i = 0; i < y.size(); i++) {
      const bool inside = i >= start && i < stop;
      const double expected = inside ? double(a) * w[i] + before[i] : before[i];
      ASSERT_NEAR(y[i], expected, 1e-6) << "wg " << kernel.wg << ", element " << i;
    }
  }
}

}  // namespace
