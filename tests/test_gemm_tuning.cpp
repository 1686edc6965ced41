// GEMM block shapes: the text form, the rules, how the default is chosen
// (tuning database, table, fallback), the tuner and the database file, on
// every device, with the cache directory pointed at a fresh temporary one.
#include <algorithm>
#include <cmath>

#include "gpuk_test.h"
#include "temp_cache_dir.h"

namespace {

std::string Format(const gpuk_gemm_config &c) {
  char text[48];
  EXPECT_EQ(gpuk_gemm_config_format(&c, text, sizeof text), GPUK_SUCCESS);
  return text;
}

bool Same(const gpuk_gemm_config &x, const gpuk_gemm_config &y) { return Format(x) == Format(y); }

TEST(GemmConfigText, RoundTrips) {
  for (const char *text : {"64x64x8/16x16", "cuda:128x64x16/16x8", "1x2x3/4x5", "9999x1x1/1x1",
                           "64x128x16/8x8/4x4", "1x2x3/4x5/2x1",
                           "cuda:9999x9999x9999/9999x9999/9999x9999", "cuda-async:128x256x8/16x16",
                           "cuda-mma:128x64x8/16x8"}) {
    gpuk_gemm_config c;
    GPUK_ASSERT_OK(gpuk_gemm_config_parse(text, &c));
    EXPECT_EQ(Format(c), text);
  }
  gpuk_gemm_config c;
  GPUK_ASSERT_OK(gpuk_gemm_config_parse("cuda:128x64x16/16x8", &c));
  EXPECT_EQ(c.kernel, GPUK_GEMM_KERNEL_CUDA);
  EXPECT_EQ(c.mwg, 128u);
  EXPECT_EQ(c.nwg, 64u);
  EXPECT_EQ(c.kwg, 16u);
  EXPECT_EQ(c.mdimc, 16u);
  EXPECT_EQ(c.ndimc, 8u);
  EXPECT_EQ(c.vwm, 1u);
  EXPECT_EQ(c.vwn, 1u);
  GPUK_ASSERT_OK(gpuk_gemm_config_parse("cuda-async:256x128x8/16x16", &c));
  EXPECT_EQ(c.kernel, GPUK_GEMM_KERNEL_CUDA_ASYNC);
  EXPECT_EQ(c.mwg, 256u);
  GPUK_ASSERT_OK(gpuk_gemm_config_parse("cuda-mma:64x32x16/8x4", &c));
  EXPECT_EQ(c.kernel, GPUK_GEMM_KERNEL_CUDA_MMA);
  EXPECT_EQ(c.nwg, 32u);
  GPUK_ASSERT_OK(gpuk_gemm_config_parse("64x128x16/8x8/2x4", &c));
  EXPECT_EQ(c.vwm, 2u);
  EXPECT_EQ(c.vwn, 4u);
  // Widths of 1 (or 0, a zero-initialised field) are left out of the text.
  GPUK_ASSERT_OK(gpuk_gemm_config_parse("64x64x8/16x16/1x1", &c));
  EXPECT_EQ(Format(c), "64x64x8/16x16");
  c.vwm = c.vwn = 0;
  EXPECT_EQ(Format(c), "64x64x8/16x16");
}

TEST(GemmTuningPath, InTheCacheDirectory) {
  TempCacheDir dir;
  char path[4096];
  GPUK_ASSERT_OK(gpuk_gemm_tuning_path(path, sizeof path));
  EXPECT_EQ(std::string(path), dir.File());
  GPUK_EXPECT_ERROR(gpuk_gemm_tuning_path(path, 4), GPUK_ERROR_INVALID_ARGUMENT, "too small");
  GPUK_EXPECT_ERROR(gpuk_gemm_tuning_path(nullptr, 4), GPUK_ERROR_INVALID_ARGUMENT, "path");
}

class GemmTuning : public DeviceTest {
 protected:
  // C = A * B for n x n with the default shape, checked against float64.
  void CheckDefaultGemm(size_t n) {
    std::vector<float> a = RandomFloats(n * n), b = RandomFloats(n * n), c(n * n, NAN);
    gpuk_buffer *da, *db, *dc;
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * n * 4, GPUK_MEM_READ_ONLY, &da));
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * n * 4, GPUK_MEM_READ_ONLY, &db));
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * n * 4, GPUK_MEM_READ_WRITE, &dc));
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, da, 0, n * n * 4, a.data()));
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, db, 0, n * n * 4, b.data()));
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, dc, 0, n * n * 4, c.data()));
    GPUK_ASSERT_OK(gpuk_gemm(nullptr, GPUK_FLOAT32, GPUK_NO_TRANS, GPUK_NO_TRANS, n, n, n, 1.0, da,
                             0, n, db, 0, n, 0.0, dc, 0, n, nullptr));
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, dc, 0, n * n * 4, c.data()));
    double worst = 0;
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++) {
        double ref = 0, mag = 0;
        for (size_t p = 0; p < n; p++) {
          ref += double(a[i * n + p]) * b[p * n + j];
          mag += std::fabs(double(a[i * n + p]) * b[p * n + j]);
        }
        double e = std::fabs(c[i * n + j] - ref) / (mag > 0 ? mag : 1);
        if (!(e <= worst)) worst = e;
      }
    EXPECT_LT(worst, 1e-5);
    for (gpuk_buffer *x : {da, db, dc}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
  }
};

// Small m or n narrow the shape on OpenCL CPU devices (PoCL), and only there:
// a skinny C (at most 16 rows or columns) gets the skinny kernel, other
// shapes a narrowed tile; every chosen shape is legal, and large sizes keep
// the default.
TEST_P(GemmTuning, SizedChoiceFitsSmallMatricesWhereMeasured) {
  TempCacheDir dir;
  const bool fits = info_.backend == GPUK_BACKEND_OPENCL && info_.type == GPUK_DEVICE_TYPE_CPU;
  for (gpuk_dtype dtype : {GPUK_FLOAT32, GPUK_FLOAT64}) {
    if (dtype == GPUK_FLOAT64 && !info_.supports_double) continue;
    gpuk_gemm_config large, c;
    gpuk_gemm_config_origin large_origin, origin;
    GPUK_ASSERT_OK(gpuk_gemm_choose_config(device_, dtype, &large, &large_origin));
    GPUK_ASSERT_OK(gpuk_gemm_choose_config_sized(device_, dtype, 4096, 4096, &c, &origin));
    EXPECT_TRUE(Same(c, large));
    EXPECT_EQ(origin, large_origin);
    for (size_t m : {1, 2, 7, 8, 16, 33, 64, 4096})
      for (size_t n : {1, 9, 31, 64, 129, 1023, 1024, 4096}) {
        SCOPED_TRACE("m=" + std::to_string(m) + " n=" + std::to_string(n));
        GPUK_ASSERT_OK(gpuk_gemm_choose_config_sized(device_, dtype, m, n, &c, &origin));
        GPUK_EXPECT_OK(gpuk_gemm_config_check(device_, dtype, &c));
        EXPECT_EQ(origin == GPUK_GEMM_ORIGIN_FITTED, !Same(c, large));
        if (!fits || large.kernel != GPUK_GEMM_KERNEL_PORTABLE) {
          EXPECT_TRUE(Same(c, large));
          continue;
        }
        if (std::min(m, n) <= 16) {
          EXPECT_EQ(c.kernel, GPUK_GEMM_KERNEL_SKINNY) << Format(c);
          continue;
        }
        // A side twice the extent or more is cut to a quarter or a half that
        // still covers the extent, with its work-items; others stay.
        EXPECT_EQ(c.mwg / c.mdimc, large.mwg / large.mdimc);
        EXPECT_EQ(c.nwg / c.ndimc, large.nwg / large.ndimc);
        EXPECT_TRUE(c.mwg == large.mwg ||
                    (m <= c.mwg && (c.mwg * 4 == large.mwg || c.mwg * 2 == large.mwg)))
            << Format(c);
        EXPECT_TRUE(c.nwg == large.nwg ||
                    (n <= c.nwg && (c.nwg * 4 == large.nwg || c.nwg * 2 == large.nwg)))
            << Format(c);
        EXPECT_LE(c.mwg, large.mwg);
        EXPECT_LE(c.nwg, large.nwg);
      }
    if (fits && large.kernel == GPUK_GEMM_KERNEL_PORTABLE && large.ndimc % 4 == 0 &&
        large.nwg >= 4 * 17) {
      GPUK_ASSERT_OK(gpuk_gemm_choose_config_sized(device_, dtype, 63, 17, &c, &origin));
      EXPECT_EQ(c.nwg * 4, large.nwg);  // the table's shapes stay legal when cut
      EXPECT_EQ(origin, GPUK_GEMM_ORIGIN_FITTED);
      GPUK_ASSERT_OK(gpuk_gemm_choose_config_sized(device_, dtype, 63, large.nwg / 2, &c, &origin));
      EXPECT_EQ(c.nwg * 2, large.nwg);  // half the tile's width: cut to a half
      EXPECT_EQ(origin, GPUK_GEMM_ORIGIN_FITTED);
    }
  }
  EXPECT_STREQ(gpuk_gemm_config_origin_name(GPUK_GEMM_ORIGIN_FITTED), "fitted to size");
}

TEST_P(GemmTuning, DefaultComesFromTheTableOrFallbackAndIsLegal) {
  TempCacheDir dir;
  for (gpuk_dtype dtype : {GPUK_FLOAT32, GPUK_FLOAT64}) {
    gpuk_gemm_config c;
    gpuk_gemm_config_origin origin;
    GPUK_ASSERT_OK(gpuk_gemm_choose_config(device_, dtype, &c, &origin));
    EXPECT_NE(origin, GPUK_GEMM_ORIGIN_TUNED);
    GPUK_EXPECT_OK(gpuk_gemm_config_check(device_, dtype, &c));
    gpuk_gemm_config d;
    GPUK_ASSERT_OK(gpuk_gemm_default_config(device_, dtype, &d));
    EXPECT_TRUE(Same(c, d));
  }
  EXPECT_STREQ(gpuk_gemm_config_origin_name(GPUK_GEMM_ORIGIN_TUNED), "tuned");
  EXPECT_STREQ(gpuk_gemm_config_origin_name((gpuk_gemm_config_origin)99), "unknown");
  gpuk_gemm_config c;
  GPUK_EXPECT_ERROR(gpuk_gemm_choose_config(device_, GPUK_INT32, &c, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "dtype");
  GPUK_EXPECT_ERROR(gpuk_gemm_choose_config(device_, GPUK_FLOAT32, nullptr, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "config");
}

TEST_P(GemmTuning, CheckNamesTheRule) {
  gpuk_gemm_config c{64, 64, 8, 16, 15, GPUK_GEMM_KERNEL_PORTABLE};
  GPUK_EXPECT_ERROR(gpuk_gemm_config_check(device_, GPUK_FLOAT32, &c), GPUK_ERROR_INVALID_ARGUMENT,
                    "nwg 64 is not a multiple of ndimc 15");
  GPUK_EXPECT_ERROR(gpuk_gemm_config_check(device_, GPUK_FLOAT32, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "config");
  GPUK_EXPECT_ERROR(gpuk_gemm_config_check(nullptr, GPUK_FLOAT32, &c), GPUK_ERROR_INVALID_ARGUMENT,
                    "device");
  c = {64, 64, 8, 16, 16, GPUK_GEMM_KERNEL_PORTABLE};
  GPUK_EXPECT_ERROR(gpuk_gemm_config_check(device_, GPUK_UINT64, &c), GPUK_ERROR_INVALID_ARGUMENT,
                    "dtype");
}

TEST_P(GemmTuning, TuneSaveAndFindAgain) {
  TempCacheDir dir;
  gpuk_gemm_tune_result r;
  struct Seen {
    unsigned calls = 0, last_total = 0, ok = 0;
  } seen;
  // n = 67: not a multiple of any tile, so every shape runs its edge code.
  gpuk_gemm_tune_options o{67, 4, 1,
                           [](void *user, unsigned index, unsigned total, const gpuk_gemm_config *,
                              gpuk_status status, const char *message, double gflops) {
                             auto *s = static_cast<Seen *>(user);
                             s->calls++;
                             EXPECT_EQ(index, s->calls);
                             s->last_total = total;
                             if (status == GPUK_SUCCESS) {
                               s->ok++;
                               EXPECT_GT(gflops, 0);
                               EXPECT_STREQ(message, "");
                             } else {
                               EXPECT_STRNE(message, "");
                             }
                           },
                           &seen};
  if (IsCpuBackend()) {
    GPUK_EXPECT_ERROR(gpuk_gemm_tune(device_, GPUK_FLOAT32, &o, &r), GPUK_ERROR_UNSUPPORTED,
                      "CPU device");
    gpuk_gemm_config c{64, 64, 8, 16, 16, GPUK_GEMM_KERNEL_PORTABLE};
    GPUK_EXPECT_ERROR(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, &c, 1, 64),
                      GPUK_ERROR_UNSUPPORTED, "CPU device");
    return;
  }
  GPUK_ASSERT_OK(gpuk_gemm_tune(device_, GPUK_FLOAT32, &o, &r));
  EXPECT_EQ(r.tried, 4u);
  EXPECT_EQ(seen.calls, 4u);
  EXPECT_EQ(seen.last_total, 4u);
  EXPECT_EQ(seen.ok, r.tried - r.rejected);
  EXPECT_GT(r.best_gflops, 0);
  EXPECT_GE(r.best_gflops, r.baseline_gflops);
  GPUK_EXPECT_OK(gpuk_gemm_config_check(device_, GPUK_FLOAT32, &r.best));
  gpuk_gemm_config before;
  GPUK_ASSERT_OK(gpuk_gemm_default_config(device_, GPUK_FLOAT32, &before));
  EXPECT_TRUE(Same(before, r.baseline));

  // Save something other than the table's choice, to see that it is used.
  gpuk_gemm_config saved{32, 32, 16, 8, 8, GPUK_GEMM_KERNEL_PORTABLE};
  if (Same(saved, before)) saved.kwg = 8;
  GPUK_ASSERT_OK(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, &saved, r.best_gflops, 67));
  gpuk_gemm_config c;
  gpuk_gemm_config_origin origin;
  GPUK_ASSERT_OK(gpuk_gemm_choose_config(device_, GPUK_FLOAT32, &c, &origin));
  EXPECT_EQ(origin, GPUK_GEMM_ORIGIN_TUNED);
  EXPECT_TRUE(Same(c, saved)) << Format(c);
  CheckDefaultGemm(45);
  // Only float32 was tuned.
  if (info_.supports_double) {
    GPUK_ASSERT_OK(gpuk_gemm_choose_config(device_, GPUK_FLOAT64, &c, &origin));
    EXPECT_NE(origin, GPUK_GEMM_ORIGIN_TUNED);
  }
  std::string text = dir.Read();
  EXPECT_NE(text.find(std::string("\t") + info_.name + "\tfloat32\t" + Format(saved) + "\t"),
            std::string::npos)
      << text;
  // Saving again replaces the line rather than adding one.
  GPUK_ASSERT_OK(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, &r.best, r.best_gflops, 67));
  text = dir.Read();
  EXPECT_EQ(text.find(info_.name), text.rfind(info_.name)) << text;
  {
    // Another cache directory has its own database.
    TempCacheDir other;
    GPUK_ASSERT_OK(gpuk_gemm_choose_config(device_, GPUK_FLOAT32, &c, &origin));
    EXPECT_NE(origin, GPUK_GEMM_ORIGIN_TUNED);
  }
}

TEST_P(GemmTuning, DatabaseLinesThatDoNotParseOrBreakTheRulesAreSkipped) {
  if (IsCpuBackend()) GTEST_SKIP() << "the CPU device has no block shapes";
  TempCacheDir dir;
  gpuk_gemm_config table;
  gpuk_gemm_config_origin table_origin;
  GPUK_ASSERT_OK(gpuk_gemm_choose_config(device_, GPUK_FLOAT32, &table, &table_origin));
  const std::string backend = gpuk_backend_name(info_.backend), name = info_.name;
  // An illegal shape for this device (nwg % ndimc != 0), then garbage.
  dir.Write("# comment\n\n" + backend + "\t" + name + "\tfloat32\t64x64x8/16x15\t10\t64\n" +
            backend + "\t" + name + "\tfloat32\t32x32x8/8x8\t10\n" +         // 5 fields
            backend + "\t" + name + "\tfloat16\t32x32x8/8x8\t10\t64\n" +     // bad dtype
            "vulkan\t" + name + "\tfloat32\t32x32x8/8x8\t10\t64\n" +         // bad backend
            backend + "\t" + name + "\tfloat32\t32x32x8/8x8\t1.5\t64\n" +    // not an integer
            backend + "\t" + name + "\tfloat32\t32x32x8/8x8\t10\t64\textra\n" +
            backend + "\t" + name + "\tfloat32\tskinny\t10\t64\n" +  // few rows only
            std::string(5000, 'x') + "\n" + std::string("\0\t\n", 3));
  gpuk_gemm_config c;
  gpuk_gemm_config_origin origin;
  GPUK_ASSERT_OK(gpuk_gemm_choose_config(device_, GPUK_FLOAT32, &c, &origin));
  EXPECT_EQ(origin, table_origin);
  EXPECT_TRUE(Same(c, table));
  EXPECT_STREQ(gpuk_last_error(), "") << "a skipped line must leave no error behind";

  // A good line after them is used, from a fresh cache directory (the file is
  // read once per directory).
  TempCacheDir fresh;
  fresh.Write("junk\n" + backend + "\t" + name + "\tfloat32\t32x32x8/8x8\t10\t64\n");
  GPUK_ASSERT_OK(gpuk_gemm_choose_config(device_, GPUK_FLOAT32, &c, &origin));
  EXPECT_EQ(origin, GPUK_GEMM_ORIGIN_TUNED);
  EXPECT_EQ(Format(c), "32x32x8/8x8");
  // A save keeps the other lines' entries (rewritten in the canonical form).
  const gpuk_gemm_config skinny{0, 0, 0, 0, 0, GPUK_GEMM_KERNEL_SKINNY};
  GPUK_EXPECT_ERROR(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, &skinny, 12.4, 99),
                    GPUK_ERROR_INVALID_ARGUMENT, "few rows or columns only");
  gpuk_gemm_config other{64, 32, 8, 8, 8, GPUK_GEMM_KERNEL_PORTABLE};
  fresh.Write("opencl\tsome other device\tfloat64\t64x64x8/16x16\t5\t128\n");
  GPUK_ASSERT_OK(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, &other, 12.4, 99));
  std::string text = fresh.Read();
  EXPECT_NE(text.find("opencl\tsome other device\tfloat64\t64x64x8/16x16\t5\t128\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(backend + "\t" + name + "\tfloat32\t64x32x8/8x8\t12\t99\n"),
            std::string::npos)
      << text;
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(GemmTuning);

}  // namespace
