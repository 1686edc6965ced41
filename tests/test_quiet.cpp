// The library prints nothing on its own, not even through a driver: PoCL
// prints its code generator's warnings to stderr when it first compiles a
// kernel for a launch (a "loop not unrolled" on some GEMM shapes). This test
// gives the drivers empty kernel caches, set before any device opens, and
// watches file descriptor 2 while the built-in kernels run on every device.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gpuk_test.h"

namespace {

#if defined(__SANITIZE_ADDRESS__)
#define GPUK_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GPUK_TEST_UNDER_ASAN 1
#endif
#endif

#ifdef GPUK_TEST_UNDER_ASAN
// PoCL's compiler (LLVM) leaks on every kernel it compiles, and with empty
// caches this test compiles kernels no other test does (the GEMM's vector
// alignment at n = 70), so LeakSanitizer ignores allocations made inside
// PoCL and LLVM here. Every other test binary keeps the full leak check,
// which covers the OpenCL objects the library creates through PoCL.
extern "C" const char *__lsan_default_suppressions() {
  return "leak:libpocl.so\nleak:libLLVM";
}
#endif

// Before main, so before the first device opens: no compiled kernel is reused.
class FreshDriverCaches {
 public:
  FreshDriverCaches() {
    char tmpl[] = "/tmp/gpuk-quiet-pocl.XXXXXX";
    if (mkdtemp(tmpl)) {
      dir_ = tmpl;
      setenv("POCL_CACHE_DIR", tmpl, 1);
    }
    setenv("GPUK_NO_CACHE", "1", 1);
  }
  ~FreshDriverCaches() {
    if (!dir_.empty()) (void)!system(("rm -rf '" + dir_ + "'").c_str());
  }

 private:
  std::string dir_;
};
const FreshDriverCaches fresh_driver_caches;

// Everything written to file descriptor 2 between construction and Text().
class StderrCapture {
 public:
  StderrCapture() {
    char tmpl[] = "/tmp/gpuk-quiet-stderr.XXXXXX";
    fd_ = mkstemp(tmpl);
    path_ = tmpl;
    fflush(stderr);
    saved_ = dup(2);
    dup2(fd_, 2);
  }
  std::string Text() {
    fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    close(fd_);
    std::stringstream s;
    s << std::ifstream(path_).rdbuf();
    unlink(path_.c_str());
    return s.str();
  }

 private:
  int fd_ = -1, saved_ = -1;
  std::string path_;
};

class Quiet : public DeviceTest {
 protected:
  // C = A * B on zeros, n x n, with the device's default shape.
  void Gemm(gpuk_dtype dtype) {
    const size_t n = 70, bytes = n * n * (dtype == GPUK_FLOAT64 ? 8 : 4);
    const std::vector<unsigned char> zeros(bytes, 0);
    gpuk_buffer *a = MakeBuffer(bytes), *b = MakeBuffer(bytes), *c = MakeBuffer(bytes);
    gpuk_stream *s = nullptr;
    GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
    for (gpuk_buffer *x : {a, b, c}) GPUK_EXPECT_OK(gpuk_buffer_write(s, x, 0, bytes, zeros.data()));
    GPUK_EXPECT_OK(gpuk_gemm(s, dtype, GPUK_NO_TRANS, GPUK_NO_TRANS, n, n, n, 1.0, a, 0, n, b, 0,
                             n, 0.0, c, 0, n, nullptr));
    GPUK_EXPECT_OK(gpuk_stream_synchronize(s));
    GPUK_EXPECT_OK(gpuk_stream_destroy(s));
    for (gpuk_buffer *x : {a, b, c}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
  }
};

TEST_P(Quiet, BuiltInKernelsPrintNothing) {
  // PoCL printed "2 warnings generated." for the default shape, in both types.
  StderrCapture capture;
  Gemm(GPUK_FLOAT32);
  if (info_.supports_double) Gemm(GPUK_FLOAT64);
  gpuk_buffer *x = MakeBuffer(4096);
  double dot = 0;
  GPUK_EXPECT_OK(gpuk_vec_dot_f32(nullptr, x, x, 1024, &dot));
  GPUK_EXPECT_OK(gpuk_vec_triad_f32(nullptr, x, x, x, 2.0f, 1024));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
  EXPECT_EQ(capture.Text(), "");
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Quiet);

}  // namespace
