// kernels/gemm_cuda.cu run on the host through cuda_host_shim.h, every
// compiled variant (float and double) against a float64 reference: odd sizes,
// several blocks in both dimensions, alpha/beta (beta 0 ignores NaN in C),
// offsets and padded leading dimensions (multiples of 4 where the variant uses
// 16-byte accesses), and nothing written outside C. No GPU needed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>

#include "emulated_gemm.h"

std::vector<EmulatedGemm> &EmulatedGemms() {
  static std::vector<EmulatedGemm> variants;
  return variants;
}

bool RegisterEmulatedGemm(const EmulatedGemm &variant) {
  EmulatedGemms().push_back(variant);
  return true;
}

namespace {

struct Shape {
  unsigned m, n, k;
  double alpha, beta;
};

// 16-byte aligned storage, like a device allocation.
template <typename T>
struct Aligned {
  explicit Aligned(size_t n)
      : data(static_cast<T *>(std::aligned_alloc(16, (n * sizeof(T) + 15) / 16 * 16))), size(n) {}
  ~Aligned() { std::free(data); }
  T *data;
  size_t size;
};

class EmulatedCudaGemm : public testing::TestWithParam<size_t> {
 protected:
  void Run(const EmulatedGemm &v, const Shape &s) {
    if (v.is_double)
      Run<double>(v, s, 1e-13);
    else
      Run<float>(v, s, 1e-5);
  }

  template <typename T>
  void Run(const EmulatedGemm &v, const Shape &s, double tolerance) {
    std::mt19937 rng(std::random_device{}());
    std::uniform_real_distribution<T> dist(-1, 1);
    // Offsets and padding keep rows 16-byte aligned where vectors are used.
    const unsigned a_off = v.vec_a ? 4 : 3, b_off = v.vec_b ? 8 : 5, c_off = v.vec_c ? 12 : 1;
    const unsigned ar = v.trans_a ? s.k : s.m, ac = v.trans_a ? s.m : s.k;
    const unsigned br = v.trans_b ? s.n : s.k, bc = v.trans_b ? s.k : s.n;
    const unsigned lda = (ac + 4) / 4 * 4 + (v.vec_a ? 0 : 1);
    const unsigned ldb = (bc + 4) / 4 * 4 + (v.vec_b ? 0 : 3);
    const unsigned ldc = (s.n + 4) / 4 * 4 + (v.vec_c ? 0 : 1);
    Aligned<T> a(a_off + size_t(ar) * lda), b(b_off + size_t(br) * ldb), c(c_off + size_t(s.m) * ldc);
    for (size_t i = 0; i < a.size; i++) a.data[i] = dist(rng);
    for (size_t i = 0; i < b.size; i++) b.data[i] = dist(rng);
    for (size_t i = 0; i < c.size; i++) c.data[i] = dist(rng);
    if (s.beta == 0)
      for (unsigned i = 0; i < s.m; i++)
        for (unsigned j = 0; j < s.n; j++) c.data[c_off + size_t(i) * ldc + j] = std::numeric_limits<T>::quiet_NaN();
    std::vector<T> before(c.data, c.data + c.size);
    v.launch({s.m, s.n, s.k, s.alpha, s.beta, a.data, a_off, lda, b.data, b_off, ldb, c.data, c_off, ldc});
    double worst = 0;
    size_t outside_changed = 0;
    for (size_t x = 0; x < c.size; x++) {
      const bool inside = x >= c_off && (x - c_off) / ldc < s.m && (x - c_off) % ldc < s.n;
      if (!inside) {
        outside_changed += !(c.data[x] == before[x] || (std::isnan(c.data[x]) && std::isnan(before[x])));
        continue;
      }
      const size_t i = (x - c_off) / ldc, j = (x - c_off) % ldc;
      double sum = 0, mag = 0;
      for (size_t p = 0; p < s.k; p++) {
        double av = v.trans_a ? a.data[a_off + p * lda + i] : a.data[a_off + i * lda + p];
        double bv = v.trans_b ? b.data[b_off + j * ldb + p] : b.data[b_off + p * ldb + j];
        sum += av * bv;
        mag += std::fabs(av * bv);
      }
      const double ref = s.alpha * sum + (s.beta == 0 ? 0.0 : s.beta * double(before[x]));
      const double scale = std::fabs(s.alpha) * mag + (s.beta == 0 ? 0.0 : std::fabs(s.beta * before[x])) + 1e-30;
      const double err = std::fabs(c.data[x] - ref) / scale;
      worst = std::isnan(err) ? 1e30 : std::max(worst, err);
    }
    EXPECT_LT(worst, tolerance) << v.name << " m=" << s.m << " n=" << s.n << " k=" << s.k;
    EXPECT_EQ(outside_changed, 0u) << v.name << " wrote outside C, m=" << s.m << " n=" << s.n;
  }
};

TEST_P(EmulatedCudaGemm, MatchesFloat64Reference) {
  const EmulatedGemm &v = EmulatedGemms()[GetParam()];
  // Odd sizes, one past a tile, several tiles in m and n, k not a multiple of kwg.
  const Shape shapes[] = {{1, 1, 1, 1, 0},
                          {v.mwg + 1, v.nwg + 3, 2 * v.kwg + 1, 1.5, 0.5},
                          {2 * v.mwg + 5, v.nwg - 1, 7, -1, 0},
                          {3, 2 * v.nwg + 2, v.kwg, 0.5, 1},
                          {v.mwg, v.nwg, 0, 1, 2}};
  for (const Shape &s : shapes) Run(v, s);
}

std::string VariantName(const testing::TestParamInfo<size_t> &info) {
  return EmulatedGemms()[info.param].name;
}

INSTANTIATE_TEST_SUITE_P(Variants, EmulatedCudaGemm,
                         testing::Range(size_t(0), EmulatedGemms().size()), VariantName);

}  // namespace
