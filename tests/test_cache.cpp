// The compiled-kernel disk cache: miss then store, hit, a corrupt entry
// rebuilt, and GPUK_NO_CACHE, on every device that builds kernels.
#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "gpuk_test.h"

class Cache : public DeviceTest {
 protected:
  void SetUp() override {
    DeviceTest::SetUp();
    if (IsCpuBackend()) GTEST_SKIP() << "the CPU device builds no kernels from source";
    char tmpl[] = "/tmp/gpuk-cache-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    setenv("GPUK_CACHE_DIR", dir_.c_str(), 1);
    unsetenv("GPUK_NO_CACHE");
    // A source no earlier run has cached.
    source_ = "// " + std::to_string(std::random_device{}()) + std::to_string(getpid()) +
              "\n__kernel void twice(__global float *x) { x[get_global_id(0)] *= 2.0f; }\n";
  }
  void TearDown() override {
    for (const std::string &f : Files()) unlink(f.c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
    unsetenv("GPUK_NO_CACHE");
    DeviceTest::TearDown();
  }
  std::vector<std::string> Files() {
    std::vector<std::string> out;
    if (DIR *d = opendir(dir_.c_str())) {
      while (dirent *e = readdir(d))
        if (e->d_name[0] != '.') out.push_back(dir_ + "/" + e->d_name);
      closedir(d);
    }
    return out;
  }
  gpuk_cache_stats Stats() {
    gpuk_cache_stats s{};
    EXPECT_EQ(gpuk_cache_get_stats(&s), GPUK_SUCCESS);
    return s;
  }
  // Builds the source and checks the kernel still doubles its input.
  void BuildAndRun() {
    gpuk_program *p;
    GPUK_ASSERT_OK(gpuk_program_build(device_, source_.c_str(), GPUK_SOURCE_OPENCL_C, "", &p));
    gpuk_kernel *k;
    GPUK_ASSERT_OK(gpuk_kernel_create(p, "twice", &k));
    gpuk_buffer *b;
    float v[3] = {1, 2, 3};
    GPUK_ASSERT_OK(gpuk_buffer_create(device_, sizeof v, GPUK_MEM_READ_WRITE, &b));
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, sizeof v, v));
    size_t global[1] = {3};
    gpuk_arg arg = gpuk_arg_buffer(b);
    GPUK_ASSERT_OK(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 1, &arg));
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 0, sizeof v, v));
    EXPECT_EQ(v[0], 2);
    EXPECT_EQ(v[2], 6);
    GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
    GPUK_EXPECT_OK(gpuk_kernel_destroy(k));
    GPUK_EXPECT_OK(gpuk_program_destroy(p));
  }
  std::string dir_, source_;
};

TEST_P(Cache, MissStoreThenHit) {
  gpuk_cache_stats before = Stats();
  BuildAndRun();
  gpuk_cache_stats after = Stats();
  EXPECT_EQ(after.misses, before.misses + 1);
  EXPECT_EQ(after.stores, before.stores + 1);
  EXPECT_EQ(after.hits, before.hits);
  ASSERT_EQ(Files().size(), 1u);
  BuildAndRun();
  gpuk_cache_stats again = Stats();
  EXPECT_EQ(again.hits, after.hits + 1);
  EXPECT_EQ(again.stores, after.stores);
}

TEST_P(Cache, CorruptEntryIsRebuiltNotFatal) {
  BuildAndRun();
  std::vector<std::string> files = Files();
  ASSERT_EQ(files.size(), 1u);
  for (int damage = 0; damage < 2; damage++) {
    {
      std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
      if (damage == 0) {
        f.seekp(-5, std::ios::end);  // flip bytes inside the binary
        f.write("XXXXX", 5);
      } else {
        f.write("JUNK", 4);  // break the header
      }
    }
    gpuk_cache_stats before = Stats();
    BuildAndRun();
    gpuk_cache_stats after = Stats();
    EXPECT_EQ(after.corrupt, before.corrupt + 1) << "damage " << damage;
    EXPECT_EQ(after.stores, before.stores + 1) << "the rebuilt binary replaces the bad one";
  }
  gpuk_cache_stats before = Stats();
  BuildAndRun();
  EXPECT_EQ(Stats().hits, before.hits + 1);
}

TEST_P(Cache, TruncatedEntryIsAMissNotACrash) {
  BuildAndRun();
  std::vector<std::string> files = Files();
  ASSERT_EQ(files.size(), 1u);
  ASSERT_EQ(truncate(files[0].c_str(), 20), 0);
  gpuk_cache_stats before = Stats();
  BuildAndRun();
  EXPECT_EQ(Stats().corrupt, before.corrupt + 1);
}

TEST_P(Cache, DisabledByEnvironment) {
  setenv("GPUK_NO_CACHE", "1", 1);
  gpuk_cache_stats before = Stats();
  BuildAndRun();
  gpuk_cache_stats after = Stats();
  EXPECT_EQ(after.misses, before.misses);
  EXPECT_EQ(after.stores, before.stores);
  EXPECT_TRUE(Files().empty());
}

TEST(CacheStats, NullIsRejected) {
  GPUK_EXPECT_ERROR(gpuk_cache_get_stats(nullptr), GPUK_ERROR_INVALID_ARGUMENT, "stats");
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Cache);
