// Matrix multiply against a float64 host reference on every device: all four
// transpose combinations, edge sizes, alpha/beta cases, offsets and leading
// dimensions, several block shapes, and every bad input.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gpuk_test.h"

namespace {

struct Case {
  gpuk_transpose ta, tb;
  size_t m, n, k;
  double alpha, beta;
  size_t a_off = 0, b_off = 0, c_off = 0, pad = 0;  // pad: extra leading-dimension elements
  // Inputs small integers, alpha and beta quarters: every product and partial
  // sum is exact in float (below 2^24 / 16 for k up to ~250000), so C must
  // equal the float64 reference to the last bit. One term of k dropped,
  // repeated or misplaced shows, which the error bound cannot see at long k.
  bool exact = false;
};

Case Exact(Case cs) {
  cs.exact = true;
  return cs;
}

// Fresh random integers in [-2, 2], as float.
std::vector<float> RandomSmallIntegers(size_t n) { return RandomWholeFloats(n, -2, 2); }

template <typename T>
gpuk_dtype DtypeOf() {
  return sizeof(T) == 8 ? GPUK_FLOAT64 : GPUK_FLOAT32;
}

class Gemm : public DeviceTest {
 protected:
  // Runs one case with config (NULL: default) and checks the Frobenius error
  // against float64, relative to the Frobenius norm of the magnitudes.
  template <typename T>
  void Run(const Case &cs, const gpuk_gemm_config *config = nullptr) {
    const size_t ar = cs.ta ? cs.k : cs.m, ac = cs.ta ? cs.m : cs.k;
    const size_t br = cs.tb ? cs.n : cs.k, bc = cs.tb ? cs.k : cs.n;
    const size_t lda = ac + cs.pad + (ac == 0), ldb = bc + cs.pad + (bc == 0);
    const size_t ldc = cs.n + cs.pad + (cs.n == 0);
    const size_t a_len = cs.a_off + ar * lda + 1, b_len = cs.b_off + br * ldb + 1;
    const size_t c_len = cs.c_off + cs.m * ldc + 1;
    if (cs.exact) {  // the largest |alpha * sum| in quarters stays below 2^24
      ASSERT_LT(16.0 * double(cs.k) * std::max(1.0, std::fabs(cs.alpha)), 16777216.0);
    }
    auto inputs = cs.exact ? RandomSmallIntegers : RandomFloats;
    std::vector<float> ra = inputs(a_len), rb = inputs(b_len), rc = inputs(c_len);
    std::vector<T> ha(ra.begin(), ra.end()), hb(rb.begin(), rb.end()), hc(rc.begin(), rc.end());
    if (cs.beta == 0)  // beta == 0 must ignore NaN already in C
      for (size_t i = 0; i < cs.m; i++)
        for (size_t j = 0; j < cs.n; j++) hc[cs.c_off + i * ldc + j] = std::numeric_limits<T>::quiet_NaN();
    // ref: the float64 result; mag: the same sum over magnitudes, the scale that
    // rounding errors grow with (a result that cancels to ~0 keeps its scale).
    std::vector<double> ref(hc.begin(), hc.end()), mag(c_len, 0.0);
    for (size_t i = 0; i < cs.m; i++)
      for (size_t j = 0; j < cs.n; j++) {
        double sum = 0, abs_sum = 0;
        for (size_t p = 0; p < cs.k; p++) {
          double a = cs.ta ? ha[cs.a_off + p * lda + i] : ha[cs.a_off + i * lda + p];
          double b = cs.tb ? hb[cs.b_off + j * ldb + p] : hb[cs.b_off + p * ldb + j];
          sum += a * b;
          abs_sum += std::fabs(a * b);
        }
        const size_t x = cs.c_off + i * ldc + j;
        double &c = ref[x];
        mag[x] = std::fabs(cs.alpha) * abs_sum + (cs.beta == 0 ? 0.0 : std::fabs(cs.beta * c));
        c = cs.alpha * sum + (cs.beta == 0 ? 0.0 : cs.beta * c);
      }
    gpuk_buffer *da, *db, *dc;
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, a_len * sizeof(T), GPUK_MEM_READ_ONLY, &da));
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, b_len * sizeof(T), GPUK_MEM_READ_ONLY, &db));
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, c_len * sizeof(T), GPUK_MEM_READ_WRITE, &dc));
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, da, 0, a_len * sizeof(T), ha.data()));
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, db, 0, b_len * sizeof(T), hb.data()));
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, dc, 0, c_len * sizeof(T), hc.data()));
    GPUK_ASSERT_OK(gpuk_gemm(nullptr, DtypeOf<T>(), cs.ta, cs.tb, cs.m, cs.n, cs.k, cs.alpha, da,
                             cs.a_off, lda, db, cs.b_off, ldb, cs.beta, dc, cs.c_off, ldc, config));
    std::vector<T> got(c_len);
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, dc, 0, c_len * sizeof(T), got.data()));
    double err = 0, norm = 0;
    size_t outside_changed = 0, inexact = 0;
    for (size_t x = 0; x < c_len; x++) {
      bool inside = x >= cs.c_off && (x - cs.c_off) / ldc < cs.m && (x - cs.c_off) % ldc < cs.n;
      if (!inside) {
        // Elements between rows and around the matrix stay as they were.
        outside_changed += !(got[x] == hc[x] || (std::isnan(got[x]) && std::isnan(hc[x])));
        continue;
      }
      inexact += !(double(got[x]) == ref[x]);
      double d = double(got[x]) - ref[x];
      err += std::isnan(d) ? 1e30 : d * d;
      norm += mag[x] * mag[x];
    }
    const double unit = sizeof(T) == 8 ? 1e-13 : 1e-5;
    double rel = std::sqrt(err) / (std::sqrt(norm) + 1e-30);
    double bound = unit * std::sqrt(double(cs.k > 0 ? cs.k : 1));
    EXPECT_TRUE(norm == 0 ? err == 0 : rel < bound)
        << "ta=" << cs.ta << " tb=" << cs.tb << " m=" << cs.m << " n=" << cs.n << " k=" << cs.k
        << " alpha=" << cs.alpha << " beta=" << cs.beta << ": relative error " << rel << " (bound "
        << bound << ")";
    EXPECT_TRUE(!cs.exact || inexact == 0)
        << "ta=" << cs.ta << " tb=" << cs.tb << " m=" << cs.m << " n=" << cs.n << " k=" << cs.k
        << ": " << inexact << " elements differ from the exact result (integer inputs)";
    EXPECT_EQ(outside_changed, 0u) << "writes outside C, m=" << cs.m << " n=" << cs.n;
    for (gpuk_buffer *x : {da, db, dc}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
  }

  // GPUK_GEMM_KERNEL_SKINNY's cases (Gemm.SkinnyKernel).
  void SkinnyCases();
  // The CPU backend's skinny shapes (Gemm.CpuSkinnyProducts).
  void CpuSkinnyCases();

  // The portable kernel's vector widths (Gemm.VectorWidths, Gemm.WideVectors).
  template <typename T>
  void VectorWidthCases(const std::vector<gpuk_gemm_config> &shapes, int unaligned_pairs);

  // Every transpose pair on each shape of the CUDA kernel: odd sizes (element
  // by element at the edges), then 16-byte aligned rows and offsets (vector
  // loads and stores), then the same with ld and offsets that break the
  // alignment (scalar paths).
  template <typename T>
  void CudaKernelCases(const std::vector<gpuk_gemm_config> &shapes) {
    for (const gpuk_gemm_config &c : shapes) {
      if (c.kernel != GPUK_GEMM_KERNEL_CUDA && info_.compute_capability_major < 8) continue;
      for (int t = 0; t < 4; t++) {
        const gpuk_transpose ta = gpuk_transpose(t & 1), tb = gpuk_transpose(t >> 1);
        Run<T>({ta, tb, 131, 97, 77, 1.0, 0.5}, &c);  // odd: scalar edge loads
        Case aligned{ta, tb, 260, 132, 68, -1.0, 0.0};  // vector loads and stores, offsets too
        aligned.a_off = 4;
        aligned.b_off = 8;
        aligned.c_off = 12;
        aligned.pad = 4;
        Run<T>(aligned, &c);
        Case misaligned = aligned;  // odd ld and offset of A: scalar paths
        misaligned.a_off = 1;
        misaligned.pad = 3;
        Run<T>(misaligned, &c);
        if (HasFailure()) return;
      }
    }
  }
};

const size_t kEdgeSizes[] = {0, 1, 2, 7, 31, 33, 64, 65, 127, 129};

TEST_P(Gemm, AllTransposesAndEdgeSizesFloat) {
  for (int t = 0; t < 4; t++)
    for (size_t m : kEdgeSizes)
      for (size_t n : kEdgeSizes)
        for (size_t k : {size_t(0), size_t(1), size_t(7), size_t(33), size_t(65), size_t(129)}) {
          Run<float>({gpuk_transpose(t & 1), gpuk_transpose(t >> 1), m, n, k, 1.5, 0.5});
          if (HasFailure()) return;
        }
}

TEST_P(Gemm, KSweepAndLargerNonSquare) {
  for (size_t k : kEdgeSizes) Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 37, 41, k, 1.0, 1.0});
  Run<float>({GPUK_NO_TRANS, GPUK_TRANS, 300, 129, 517, 1.0, 0.0});
  Run<float>({GPUK_TRANS, GPUK_NO_TRANS, 257, 600, 64, -2.0, 0.25});
  Run<float>({GPUK_TRANS, GPUK_TRANS, 1, 1000, 333, 0.5, 1.0});
  Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 1021, 1, 33, -1.5, 0.5});  // a matrix times a column
  // Every step of a long k counted (exact inputs).
  Run<float>(Exact({GPUK_TRANS, GPUK_NO_TRANS, 65, 33, 4099, 1.0, 0.5}));
  // Wider than the CPU backend's 2048-column panel, with an offset and padded rows.
  Case wide{GPUK_NO_TRANS, GPUK_NO_TRANS, 19, 2100, 300, 1.0, 0.5};
  wide.c_off = 3;
  wide.pad = 5;
  Run<float>(wide);
}

TEST_P(Gemm, AlphaAndBetaCases) {
  for (double alpha : {0.0, 1.0, -0.75})
    for (double beta : {0.0, 1.0, 2.5}) Run<float>({GPUK_NO_TRANS, GPUK_TRANS, 70, 33, 65, alpha, beta});
}

TEST_P(Gemm, OffsetsAndLeadingDimensions) {
  Case cs{GPUK_TRANS, GPUK_NO_TRANS, 45, 67, 29, 1.0, 0.5};
  cs.a_off = 3;
  cs.b_off = 17;
  cs.c_off = 5;
  cs.pad = 11;
  for (int t = 0; t < 4; t++) {
    cs.ta = gpuk_transpose(t & 1);
    cs.tb = gpuk_transpose(t >> 1);
    Run<float>(cs);
  }
}

// A matrix times a few vectors on the CPU backend's skinny path: C with few
// rows or few columns (up to 16; 17 is the first past it, and a long side of
// 63 one short of it), every transpose, so that the big operand is read both
// along k (dot products) and across it (sums of its rows); odd lengths and k,
// offsets and padded rows (with exact inputs); k cut into slices (a long side under 256 read
// across k, under 64 along it); both sides few with a long k (a dot product
// among them); few columns with a short k (k = 1-32, across the lanes); on
// one thread, a long side of several 16 KB chunks.
// Each through the skinny path, through the blocked one (GPUK_CPU_GEMM_PATH)
// and by shape, the default, which sends some to each.
// (Other devices get skinny shapes in the tests above: each is a kernel to
// compile there, seconds each on PoCL.)
TEST_P(Gemm, CpuSkinnyProducts) {
  if (!IsCpuBackend()) GTEST_SKIP() << "the skinny path is the CPU backend's";
  ScopedEnv path("GPUK_CPU_GEMM_PATH");
  for (const char *name : {"skinny", "blocked", "by shape"}) {  // the last one unknown: ignored
    SCOPED_TRACE(name);
    path.Set(name);
    CpuSkinnyCases();
    if (HasFailure()) return;
  }
}

void Gemm::CpuSkinnyCases() {
  const Case shapes[] = {
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1021, 33, 1.0, 0.0},   // a row vector times a matrix
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 1021, 1, 33, -1.5, 0.5},  // a matrix times a column
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 3, 300, 1000, 0.5, 1.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 300, 7, 1001, 1.0, 0.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 16, 257, 65, 1.0, 2.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 257, 16, 67, -1.0, 0.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 17, 300, 31, 1.0, 0.5},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 5, 64, 4099, 1.0, 0.0},    // rows form: k in 4 slices
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 100, 16, 3001, 1.0, 0.5},  // 4, the last one short
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 2, 63, 100, 1.0, 0.5},
      // Both sides few and k long: a dot product (3 slices; rows form where
      // padded), both forms with a short long side in 3 slices, and 8 x 8 x
      // 30001, whose tt form reads A^T in rows rather than copy it.
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 200000, 1.0, 0.5},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 4, 12, 20000, 1.0, 0.5},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 12, 4, 20001, -1.0, 0.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 8, 8, 30001, 1.0, 2.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 3, 5, 20000, 1.0, 0.0},
      // Float, both few, the dots form with its copy kept over a rows form
      // 3 wide (nn for the first, tt for the second).
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 16, 3, 20001, -1.0, 0.5},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 3, 16, 20000, 1.0, 0.0},
      // A long side within one vector: sums in registers, 8 rows then 4.
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 12, 14, 20000, -0.5, 0.5},
      // Few columns with a short k (the dots form's few across the lanes):
      // whole vectors of 16, part of one, one column, k = 1 and 32.
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 500, 16, 3, -1.5, 0.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 3001, 13, 5, -1.0, 0.5},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 777, 1, 32, 1.0, 0.5},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 200, 6, 1, 2.0, 0.0},
      // The dots form's copy of the few vectors (in nn for the first, tt for
      // the second) shared by threads at steps that are not multiples of its
      // 64-step blocks.
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 33, 16, 20011, 1.0, 0.5},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 11, 40, 16411, -1.0, 0.0},
  };
  for (Case cs : shapes)
    for (int t = 0; t < 4; t++) {
      cs.ta = gpuk_transpose(t & 1);
      cs.tb = gpuk_transpose(t >> 1);
      Run<float>(cs);
      Case padded = cs;
      padded.a_off = 3;
      padded.b_off = 5;
      padded.c_off = 1;
      padded.pad = 3;
      padded.exact = true;
      Run<float>(padded);
      if (HasFailure()) return;
    }
  for (int t = 0; t < 4; t++) {
    const gpuk_transpose ta = gpuk_transpose(t & 1), tb = gpuk_transpose(t >> 1);
    Run<double>({ta, tb, 2, 515, 129, 1.25, 0.5});
    Run<double>({ta, tb, 515, 9, 130, -1.0, 0.0});
    Run<double>({ta, tb, 3, 200, 2000, 1.25, 0.5});  // rows form: k in 6 slices
    Run<double>({ta, tb, 1, 1, 100000, -1.0, 0.5});   // a dot product, 3 slices
    Run<double>({ta, tb, 5, 6, 20000, 1.0, 0.5});      // a long side within one vector
    Run<double>({ta, tb, 7, 9, 20000, 1.0, 0.0});     // both few, 2 slices
  }
  ScopedEnv env("GPUK_CPU_THREADS");
  env.Set("1");
  for (int t = 0; t < 4; t++) {
    const gpuk_transpose ta = gpuk_transpose(t & 1), tb = gpuk_transpose(t >> 1);
    Run<float>({ta, tb, 2, 4500, 67, 1.0, 0.5});
    Run<double>({ta, tb, 4500, 3, 66, -0.5, 0.0});
  }
}

// The GPU backends' skinny kernel (GPUK_GEMM_KERNEL_SKINNY), asked for by
// name: 1, 3, 9 and 16 vectors (registers for 1, 4, 16), C's long side past
// one work-group (129) and past one CPU-driver group's runs (4097), long
// sides that end in a run cut short (13, 70, 129), odd k
// (runs along k cut short), every transpose (the big operand read along k and
// across it), padded and offset layouts (strided few vectors, copied first in
// the dots form; exact inputs), and k deep enough for slices summed by a second kernel.
// Both ways of laying out work-items (GPUK_GEMM_SKINNY_LAYOUT): the GPUs'
// (one element each, sums meeting in local memory) and CPU drivers' (runs).
TEST_P(Gemm, SkinnyKernel) {
  if (IsCpuBackend()) GTEST_SKIP() << "the CPU backend has its own skinny path";
  for (const char *layout : {"gpu", "cpu"}) {
    SCOPED_TRACE(layout);
    ScopedEnv env("GPUK_GEMM_SKINNY_LAYOUT");
    env.Set(layout);
    SkinnyCases();
    if (HasFailure()) return;
  }
}

void Gemm::SkinnyCases() {
  const gpuk_gemm_config skinny = {0, 0, 0, 0, 0, GPUK_GEMM_KERNEL_SKINNY};
  const Case shapes[] = {
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 129, 33, 1.0, 0.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 129, 1, 33, -1.5, 0.5},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 3, 4097, 7, 1.0, 1.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 300, 9, 101, 0.5, 0.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 16, 70, 67, 1.0, 2.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 70, 16, 3001, -1.0, 0.5},  // slices of k
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 64, 5000, 1.0, 0.0},    // slices of k
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 7, 13, 2500, 1.0, 0.5},    // both sides few, slices of k
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 9, 5, 0, 1.0, 0.5},       // C = beta * C
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 1, 2.0, 0.0},
      {GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 3001, 1.0, 0.5},  // a dot product, slices of k
  };
  for (Case cs : shapes)
    for (int t = 0; t < 4; t++) {
      cs.ta = gpuk_transpose(t & 1);
      cs.tb = gpuk_transpose(t >> 1);
      Run<float>(cs, &skinny);
      Case padded = cs;
      padded.a_off = 3;
      padded.b_off = 5;
      padded.c_off = 1;
      padded.pad = 3;
      padded.exact = true;
      Run<float>(padded, &skinny);
      if (HasFailure()) return;
    }
  if (!info_.supports_double) return;
  for (int t = 0; t < 4; t++) {
    const gpuk_transpose ta = gpuk_transpose(t & 1), tb = gpuk_transpose(t >> 1);
    Run<double>({ta, tb, 2, 515, 129, 1.25, 0.5}, &skinny);
    Run<double>({ta, tb, 515, 9, 130, -1.0, 0.0}, &skinny);
    Run<double>({ta, tb, 16, 100, 2999, 1.0, 0.0}, &skinny);
  }
}

TEST_P(Gemm, Double) {
  if (!info_.supports_double) {
    gpuk_buffer *b;
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, 64, GPUK_MEM_READ_WRITE, &b));
    GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, GPUK_FLOAT64, GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 1, 1, b,
                                0, 1, b, 0, 1, 0, b, 4, 1, nullptr),
                      GPUK_ERROR_UNSUPPORTED, "double");
    GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
    GTEST_SKIP() << info_.name << " has no double support";
  }
  for (int t = 0; t < 4; t++)
    Run<double>({gpuk_transpose(t & 1), gpuk_transpose(t >> 1), 65, 31, 129, 1.25, 0.0});
  Run<double>({GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 1, 1.0, 1.0});
  Run<double>({GPUK_TRANS, GPUK_NO_TRANS, 211, 37, 300, -1.0, 2.0});  // several row and k blocks
}

// The CPU backend splits C over a grid of threads (rows x columns) chosen from
// its thread count, which GPUK_CPU_THREADS sets: so the grids of bigger
// machines run here too. 3 threads: 1 x 3 for 200 x 300; 4: 2 x 2; 7: 2 x 3;
// 16: 4 x 4, rows only for 1000 x 70, columns only for 50 x 1000; a single
// tile with k of 2100 to 5000 splits k into 2 to 4 slices.
TEST_P(Gemm, CpuThreadGrids) {
  if (!IsCpuBackend()) GTEST_SKIP() << "the thread grid is the CPU backend's";
  ScopedEnv env("GPUK_CPU_THREADS");
  for (const char *threads : {"3", "4", "7", "16"}) {
    SCOPED_TRACE(std::string("GPUK_CPU_THREADS=") + threads);
    env.Set(threads);
    Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 200, 300, 50, 1.0, 0.5});
    Run<float>({GPUK_TRANS, GPUK_TRANS, 1000, 70, 33, -1.0, 0.0});
    Case wide{GPUK_NO_TRANS, GPUK_TRANS, 50, 1000, 20, 1.0, 1.0};
    wide.c_off = 3;
    wide.pad = 5;
    Run<float>(wide);
    Run<double>({GPUK_TRANS, GPUK_NO_TRANS, 211, 377, 300, 0.5, 2.0});
    // Few tiles and a long k: k split into slices (partials added in order),
    // exact so that a slice's edge off by one step shows.
    Run<float>(Exact({GPUK_TRANS, GPUK_NO_TRANS, 37, 45, 5000, 1.5, 0.5}));
    Run<float>(Exact({GPUK_NO_TRANS, GPUK_TRANS, 17, 70, 4400, -1.0, 0.0}));
    Run<double>({GPUK_TRANS, GPUK_TRANS, 20, 9, 2100, 0.5, 1.0});
    // Skinny: the long side split over the threads.
    Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 2, 5000, 300, 1.0, 0.5});
    Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 5000, 3, 300, -1.0, 0.0});
    if (HasFailure()) return;
  }
}

// The CPU backend's micro-kernel layouts: 6 x 8 (baseline), 6 x 16 (AVX2) and 12 x
// 32 (AVX-512), chosen by GPUK_CPU_ISA; a machine without the instructions
// runs the baseline build of the same source, so every layout runs here.
TEST_P(Gemm, CpuKernelLayouts) {
  if (!IsCpuBackend()) GTEST_SKIP() << "the layouts are the CPU backend's";
  ScopedEnv env("GPUK_CPU_ISA"), path("GPUK_CPU_GEMM_PATH");
  for (const char *isa : {"avx512", "avx2", "baseline"}) {
    SCOPED_TRACE(std::string("GPUK_CPU_ISA=") + isa);
    env.Set(isa);
    for (int t = 0; t < 4; t++) {
      const gpuk_transpose ta = gpuk_transpose(t & 1), tb = gpuk_transpose(t >> 1);
      path.Set("by shape");  // unknown: ignored
      Run<float>({ta, tb, 131, 97, 300, 1.5, 0.5});  // edges of every tile, two k slices
      Run<double>({ta, tb, 37, 45, 29, -1.0, 0.0});
      Run<float>({ta, tb, 131, 40, 300, -0.5, 1.0});  // few columns: A read in place
      Run<double>({ta, tb, 25, 64, 29, 2.0, 0.5});
      path.Set("skinny");  // its layouts, at shapes where by shape may pick the blocked path
      Run<float>({ta, tb, 3, 301, 257, 1.0, 0.5});  // skinny: both forms, odd length and k
      Run<double>({ta, tb, 301, 5, 259, -1.0, 0.0});
      // Skinny, both sides few: rows of 29 and 31, each vector width's steps.
      Run<float>(Exact({ta, tb, 3, 29, 3000, 1.0, 0.5}));
      Run<double>({ta, tb, 31, 2, 3000, -1.0, 0.0});
      // ... and a long side within one vector of every width (sums in
      // registers; 12 x 14: in two passes where 14 fits, AVX-512).
      Run<float>(Exact({ta, tb, 3, 4, 20000, 1.0, 0.5}));
      Run<double>({ta, tb, 2, 2, 40000, -1.0, 0.0});
      Run<float>({ta, tb, 12, 14, 6000, 1.0, 0.0});
      // The dots form's short k with few columns (the few across the lanes):
      // part of a vector at 13, two vectors and a part under AVX2 and SSE.
      Run<float>({ta, tb, 301, 13, 7, 1.0, 0.5});
      Run<double>({ta, tb, 300, 9, 32, -1.0, 0.0});
    }
    path.Set("by shape");
    Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 12, 32, 7, 1.0, 1.0});  // one whole 12 x 32 tile
    Case wide{GPUK_NO_TRANS, GPUK_TRANS, 200, 2100, 64, 1.0, 0.25};  // two column panels
    wide.b_off = 5;
    wide.pad = 3;
    Run<float>(wide);
    if (HasFailure()) return;
  }
}

TEST_P(Gemm, SeveralBlockShapes) {
  if (IsCpuBackend()) GTEST_SKIP() << "the CPU backend has no block shapes";
  std::vector<gpuk_gemm_config> shapes = {
      {8, 8, 8, 8, 8},        // the smallest legal: one result per work-item
      {32, 64, 8, 8, 16},     // rectangular
      {64, 64, 16, 16, 16},
      {128, 128, 16, 16, 16}, // the largest default
      {32, 16, 32, 4, 1},     // one work-item wide (PoCL once ran k = 0 wrong there)
  };
  for (const gpuk_gemm_config &c : shapes) {
    if (c.mdimc * c.ndimc > info_.max_work_group_size) continue;
    Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 131, 97, 77, 1.0, 0.5}, &c);
    Run<float>({GPUK_TRANS, GPUK_TRANS, 64, 200, 16, 1.0, 0.0}, &c);
    Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 31, 17, 0, 1.5, 0.5}, &c);  // C = beta * C
  }
}

// Each shape on every transpose pair: rows aligned to the vectors (ld = 36,
// 48 or 72, no offsets) but 45 columns, so the last vector of each row is
// partial; then rows and offsets that break the alignment, on the first
// unaligned_pairs transpose pairs (each case is a kernel to compile); beta 1/2
// and 0.
template <typename T>
void Gemm::VectorWidthCases(const std::vector<gpuk_gemm_config> &shapes, int unaligned_pairs) {
  Case aligned{GPUK_NO_TRANS, GPUK_NO_TRANS, 69, 45, 33, 1.0, 0.5};
  aligned.pad = 3;
  Case unaligned = aligned;
  unaligned.pad = 1;
  unaligned.a_off = 1;
  unaligned.b_off = 2;
  unaligned.c_off = 3;
  for (const gpuk_gemm_config &c : shapes)
    for (int t = 0; t < 4; t++)
      for (int u = 0; u < (t < unaligned_pairs ? 2 : 1); u++) {
        Case cs = u ? unaligned : aligned;
        cs.ta = gpuk_transpose(t & 1);
        cs.tb = gpuk_transpose(t >> 1);
        Run<T>(cs, &c);
        cs.beta = 0;
        Run<T>(cs, &c);
        if (HasFailure()) return;
      }
}

TEST_P(Gemm, VectorWidths) {
  if (IsCpuBackend()) GTEST_SKIP() << "the CPU backend has no block shapes";
  const gpuk_gemm_kernel P = GPUK_GEMM_KERNEL_PORTABLE;
  VectorWidthCases<float>({
      {64, 64, 16, 8, 8, P, 4, 4},
      {32, 64, 8, 8, 8, P, 2, 4},
      {64, 32, 16, 16, 8, P, 4, 2},
      {16, 16, 8, 4, 4, P, 4, 1},
  }, 4);
  if (info_.supports_double) VectorWidthCases<double>({{32, 32, 8, 8, 8, P, 2, 2}}, 4);
}

// Vectors of 32 and 64 bytes (OpenCL C only): the shapes PoCL runs fastest
// (gemm_table.c), 8 floats along m, and one case of 16 along a transposed A
// whose rows are aligned to them (lda = 80). Unaligned on one transpose pair
// only: PoCL takes 5-10 s to compile each of these kernels.
TEST_P(Gemm, WideVectors) {
  if (IsCpuBackend()) GTEST_SKIP() << "the CPU backend has no block shapes";
  if (info_.backend == GPUK_BACKEND_CUDA) GTEST_SKIP() << "CUDA takes vectors of up to 16 bytes";
  const gpuk_gemm_kernel P = GPUK_GEMM_KERNEL_PORTABLE;
  VectorWidthCases<float>({{32, 128, 32, 4, 4, P, 2, 16}, {64, 32, 8, 2, 2, P, 8, 8}}, 1);
  const gpuk_gemm_config wide_m{64, 32, 8, 2, 2, P, 16, 8};
  Case at{GPUK_TRANS, GPUK_NO_TRANS, 69, 45, 33, 1.0, 0.5};
  at.pad = 11;
  Run<float>(at, &wide_m);
  if (info_.supports_double) VectorWidthCases<double>({{32, 64, 32, 2, 4, P, 2, 8}}, 1);
}

TEST_P(Gemm, CudaKernelShapes) {
  const gpuk_gemm_kernel K = GPUK_GEMM_KERNEL_CUDA, A = GPUK_GEMM_KERNEL_CUDA_ASYNC;
  std::vector<gpuk_gemm_config> shapes = {
      {8, 8, 4, 1, 1, K},        // the smallest legal: one thread
      {64, 64, 8, 8, 8, K},
      {128, 64, 16, 16, 8, K},   // rectangular
      {128, 128, 8, 16, 16, K},  // the default
      {128, 128, 16, 16, 16, K}, // the largest that fits 48 KiB of shared memory
      {128, 256, 8, 16, 16, K},  // 8 x 16 results per thread (the H100 default)
      {256, 128, 8, 16, 16, K},  // 16 x 8
      {64, 64, 16, 16, 4, K},    // 4 x 16
      // fed by cp.async (compute capability 8.0 and later)
      {8, 8, 4, 1, 1, A},
      {64, 64, 8, 8, 8, A},
      {128, 128, 8, 16, 16, A},
      {128, 256, 8, 16, 16, A},
      {256, 128, 8, 16, 16, A},
  };
  if (info_.backend != GPUK_BACKEND_CUDA) {
    gpuk_buffer *b;
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, 64, GPUK_MEM_READ_WRITE, &b));
    GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, GPUK_FLOAT32, GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 1, 1, b,
                                0, 1, b, 0, 1, 0, b, 4, 1, &shapes[1]),
                      GPUK_ERROR_UNSUPPORTED, "GPUK_GEMM_KERNEL_CUDA runs on CUDA devices only");
    GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, GPUK_FLOAT32, GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 1, 1, b,
                                0, 1, b, 0, 1, 0, b, 4, 1, &shapes.back()),
                      GPUK_ERROR_UNSUPPORTED,
                      "GPUK_GEMM_KERNEL_CUDA_ASYNC runs on CUDA devices only");
    const gpuk_gemm_config mma{64, 64, 8, 8, 8, GPUK_GEMM_KERNEL_CUDA_MMA};
    GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, GPUK_FLOAT32, GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 1, 1, b,
                                0, 1, b, 0, 1, 0, b, 4, 1, &mma),
                      GPUK_ERROR_UNSUPPORTED, "GPUK_GEMM_KERNEL_CUDA_MMA runs on CUDA devices only");
    GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
    GTEST_SKIP() << "the CUDA kernel needs a CUDA device";
  }
  CudaKernelCases<float>(shapes);
  if (HasFailure()) return;
  Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 1, 2.0, 1.0}, &shapes[3]);
  Run<float>({GPUK_NO_TRANS, GPUK_NO_TRANS, 513, 1031, 1, 1.0, 1.0}, &shapes[3]);
}

TEST_P(Gemm, CudaKernelShapesDouble) {
  if (info_.backend != GPUK_BACKEND_CUDA) GTEST_SKIP() << "the CUDA kernel needs a CUDA device";
  if (!info_.supports_double) GTEST_SKIP() << info_.name << " has no double precision";
  const gpuk_gemm_kernel K = GPUK_GEMM_KERNEL_CUDA, A = GPUK_GEMM_KERNEL_CUDA_ASYNC,
                         M = GPUK_GEMM_KERNEL_CUDA_MMA;
  const std::vector<gpuk_gemm_config> shapes = {
      {8, 8, 4, 1, 1, K},        // the smallest legal: one thread, 8 x 8 doubles
      {64, 64, 8, 8, 8, K},
      {128, 128, 8, 16, 16, K},  // 8 x 8 per thread, 256 threads
      {64, 128, 8, 16, 16, K},   // 4 x 8
      {64, 64, 16, 16, 8, K},    // 4 x 8, kwg 16
      {8, 8, 4, 1, 1, A},
      {64, 64, 8, 8, 8, A},
      {128, 64, 8, 16, 16, A},   // three slices of 8 x 8 doubles' tiles: 38400 bytes
      // on the FP64 tensor cores (compute capability 8.0 and later): warps of 8 x 4 threads
      {32, 16, 4, 8, 4, M},      // the smallest legal: one warp, 4 x 4 results per thread
      {64, 32, 16, 8, 4, M},     // one warp, 8 x 8
      {64, 64, 8, 8, 8, M},      // 1 x 2 warps
      {128, 64, 8, 16, 8, M},    // 2 x 2
      {128, 128, 8, 16, 16, M},  // 2 x 4
  };
  CudaKernelCases<double>(shapes);
  if (HasFailure()) return;
  Run<double>({GPUK_TRANS, GPUK_NO_TRANS, 513, 1031, 3, 1.0, 1.0}, &shapes[2]);
  if (info_.compute_capability_major >= 8)
    Run<double>({GPUK_NO_TRANS, GPUK_TRANS, 513, 1031, 129, -1.0, 0.5}, &shapes.back());
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Gemm);

}  // namespace
