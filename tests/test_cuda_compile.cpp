// NVRTC compiles every kernel in kernels/ for sm_80 and sm_90 without a GPU:
// what CI can check of the CUDA backend on a machine with only the toolkit.
#include <dirent.h>

#include <fstream>
#include <sstream>

#include "gpuk_test.h"

static bool CudaCompiledIn() {
  gpuk_backend_info info;
  return gpuk_backend_get_info(GPUK_BACKEND_CUDA, &info) == GPUK_SUCCESS && info.compiled_in;
}

static std::vector<std::string> KernelFiles() {
  std::vector<std::string> out;
  std::string dir = std::string(GPUK_SOURCE_DIR) + "/kernels";
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 3 && name.substr(name.size() - 3) == ".cl") out.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  return out;
}

static std::string ReadFile(const std::string &path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class CudaCompile : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!CudaCompiledIn()) GTEST_SKIP() << "the CUDA backend is not compiled in";
  }
};

TEST_P(CudaCompile, EveryKernelFile) {
  std::vector<std::string> files = KernelFiles();
  ASSERT_FALSE(files.empty());
  for (const std::string &file : files) {
    std::string src = ReadFile(file);
    gpuk_status st = gpuk_cuda_compile_check(src.c_str(), GPUK_SOURCE_OPENCL_C, GetParam().c_str(),
                                             "-DGPUK_WG=128");
    EXPECT_EQ(st, GPUK_SUCCESS) << file << " for " << GetParam() << ": " << gpuk_last_error();
  }
}

TEST_P(CudaCompile, GemmVariants) {
  std::string src = ReadFile(std::string(GPUK_SOURCE_DIR) + "/kernels/gemm.cl");
  for (const char *options : {"-DTRANS_A=1 -DTRANS_B=0", "-DTRANS_A=0 -DTRANS_B=1 -DGPUK_DOUBLE=1",
                              "-DMWG=128 -DNWG=128 -DKWG=16 -DMDIMC=16 -DNDIMC=16",
                              "-DMWG=8 -DNWG=8 -DKWG=8 -DMDIMC=8 -DNDIMC=8 -DGPUK_DOUBLE=1",
                              // vector widths, with vector global accesses and without
                              "-DVWM=4 -DVWN=4 -DVEC_A=1 -DVEC_B=1 -DVEC_C=1 -DTRANS_A=1",
                              "-DVWM=2 -DVWN=4 -DVEC_B=1 -DVEC_C=1 -DTRANS_B=1",
                              "-DVWM=2 -DVWN=2 -DVEC_A=1 -DVEC_B=1 -DVEC_C=1 -DGPUK_DOUBLE=1 -DTRANS_A=1",
                              "-DVWM=4 -DVWN=1 -DMWG=64 -DNWG=16 -DMDIMC=16 -DNDIMC=16"})
    EXPECT_EQ(gpuk_cuda_compile_check(src.c_str(), GPUK_SOURCE_OPENCL_C, GetParam().c_str(), options),
              GPUK_SUCCESS)
        << options << ": " << gpuk_last_error();
}

TEST_P(CudaCompile, SkinnyGemmVariants) {
  std::string src = ReadFile(std::string(GPUK_SOURCE_DIR) + "/kernels/gemm_skinny.cl");
  // What src/core/gemm_skinny.c builds on GPUs (WK = 32 in the dots form,
  // RUN = 1; groups of 128 down to one warp for a short long side), and the
  // CPU drivers' layout (WK = 1, runs) that shares the source.
  for (const char *options :
       {"-DFEW=1 -DDOTS=0 -DWG=128 -DWK=1 -DRUN=1", "-DFEW=4 -DDOTS=1 -DWG=128 -DWK=32 -DRUN=1",
        "-DFEW=16 -DDOTS=0 -DWG=128 -DWK=1 -DRUN=1 -DGPUK_DOUBLE=1",
        "-DFEW=16 -DDOTS=1 -DWG=128 -DWK=32 -DRUN=1 -DGPUK_DOUBLE=1",
        "-DFEW=8 -DDOTS=0 -DWG=32 -DWK=1 -DRUN=1", "-DFEW=8 -DDOTS=1 -DWG=32 -DWK=32 -DRUN=1",
        "-DFEW=2 -DDOTS=1 -DWG=128 -DWK=1 -DRUN=8", "-DFEW=8 -DDOTS=0 -DWG=4 -DWK=1 -DRUN=16"})
    EXPECT_EQ(gpuk_cuda_compile_check(src.c_str(), GPUK_SOURCE_OPENCL_C, GetParam().c_str(), options),
              GPUK_SUCCESS)
        << options << ": " << gpuk_last_error();
  std::string steps = ReadFile(std::string(GPUK_SOURCE_DIR) + "/kernels/gemm_skinny_steps.cl");
  EXPECT_EQ(gpuk_cuda_compile_check(steps.c_str(), GPUK_SOURCE_OPENCL_C, GetParam().c_str(),
                                    "-DGPUK_DOUBLE=1"),
            GPUK_SUCCESS)
      << gpuk_last_error();
  // WK must divide WG.
  EXPECT_EQ(gpuk_cuda_compile_check(src.c_str(), GPUK_SOURCE_OPENCL_C, GetParam().c_str(),
                                    "-DDOTS=1 -DWG=128 -DWK=48"),
            GPUK_ERROR_BUILD);
}

TEST_P(CudaCompile, CudaGemmVariants) {
  std::string src = ReadFile(std::string(GPUK_SOURCE_DIR) + "/kernels/gemm_cuda.cu");
  for (const char *options :
       {"", "-DTRANS_A=1 -DTRANS_B=1 -DVEC_A=0 -DVEC_B=0 -DVEC_C=0",
        "-DMWG=8 -DNWG=8 -DKWG=4 -DMDIMC=1 -DNDIMC=1 -DTRANS_A=1",
        "-DMWG=128 -DNWG=128 -DKWG=16 -DMDIMC=16 -DNDIMC=16 -DTRANS_B=1",
        "-DMWG=128 -DNWG=256 -DKWG=8 -DMDIMC=16 -DNDIMC=16",  // 8 x 16 per thread
        "-DMWG=256 -DNWG=128 -DKWG=8 -DMDIMC=16 -DNDIMC=16 -DTRANS_A=1",
        "-DMWG=64 -DNWG=64 -DKWG=16 -DMDIMC=16 -DNDIMC=4",  // 4 x 16
        // the cp.async pipeline
        "-DMWG=128 -DNWG=256 -DKWG=8 -DMDIMC=16 -DNDIMC=16 -DSTAGES=3",
        "-DMWG=256 -DNWG=128 -DKWG=8 -DMDIMC=16 -DNDIMC=16 -DSTAGES=3 -DTRANS_A=1 -DTRANS_B=1",
        "-DMWG=128 -DNWG=128 -DKWG=8 -DMDIMC=16 -DNDIMC=16 -DSTAGES=4 -DVEC_A=0 -DVEC_B=0 -DVEC_C=0",
        // double: 8 x 8 and 4 x 8 per thread, both feeds
        "-DGPUK_DOUBLE=1", "-DGPUK_DOUBLE=1 -DTRANS_A=1 -DTRANS_B=1 -DVEC_A=0 -DVEC_B=0 -DVEC_C=0",
        "-DGPUK_DOUBLE=1 -DMWG=64 -DNWG=64 -DKWG=16 -DMDIMC=16 -DNDIMC=8 -DTRANS_B=1",
        "-DGPUK_DOUBLE=1 -DMWG=128 -DNWG=64 -DKWG=8 -DMDIMC=16 -DNDIMC=16 -DSTAGES=3 -DTRANS_A=1",
        "-DGPUK_DOUBLE=1 -DMWG=64 -DNWG=64 -DKWG=8 -DMDIMC=8 -DNDIMC=8 -DSTAGES=4 -DVEC_A=0",
        // double on the FP64 tensor cores
        "-DGPUK_DOUBLE=1 -DMMA=1", "-DGPUK_DOUBLE=1 -DMMA=1 -DMWG=32 -DNWG=16 -DKWG=4 -DMDIMC=8 -DNDIMC=4",
        "-DGPUK_DOUBLE=1 -DMMA=1 -DMWG=128 -DNWG=64 -DMDIMC=16 -DNDIMC=8 -DTRANS_A=1 -DTRANS_B=1 "
        "-DVEC_A=0 -DVEC_B=0 -DVEC_C=0",
        "-DGPUK_DOUBLE=1 -DMMA=1 -DMWG=64 -DNWG=64 -DMDIMC=8 -DNDIMC=8 -DSTAGES=3",
        // m8n8k4 where sm_90 would take m16n8k8
        "-DGPUK_DOUBLE=1 -DMMA=1 -DMMA_K8=0 -DMWG=64 -DNWG=64 -DKWG=16 -DMDIMC=8 -DNDIMC=8"})
    EXPECT_EQ(gpuk_cuda_compile_check(src.c_str(), GPUK_SOURCE_CUDA, GetParam().c_str(), options),
              GPUK_SUCCESS)
        << options << ": " << gpuk_last_error();
  // The divisibility rules are also enforced in the source.
  for (const char *options : {"-DMWG=64 -DMDIMC=16 -DKWG=4", "-DMWG=256 -DNWG=256 -DKWG=16",
                              "-DSTAGES=1", "-DMWG=128 -DNWG=256 -DKWG=16 -DSTAGES=3",
                              // double: 16 x 8 results per thread is 256 registers; 48 KB of tiles
                              "-DGPUK_DOUBLE=1 -DMWG=256 -DNWG=128 -DKWG=8",
                              "-DGPUK_DOUBLE=1 -DMWG=128 -DNWG=128 -DKWG=8 -DSTAGES=3",
                              // the tensor cores: double only, warps of 8 x 4
                              "-DMMA=1", "-DGPUK_DOUBLE=1 -DMMA=1 -DMDIMC=4 -DMWG=64",
                              // m16n8k8: with MMA, 8-deep steps
                              "-DGPUK_DOUBLE=1 -DMMA_K8=1",
                              "-DGPUK_DOUBLE=1 -DMMA=1 -DMMA_K8=1 -DMWG=32 -DNWG=16 -DKWG=4 "
                              "-DMDIMC=8 -DNDIMC=4"})
    EXPECT_EQ(gpuk_cuda_compile_check(src.c_str(), GPUK_SOURCE_CUDA, GetParam().c_str(), options),
              GPUK_ERROR_BUILD)
        << options;
  // m16n8k8 in double exists from sm_90 on.
  const char *k8 = "-DGPUK_DOUBLE=1 -DMMA=1 -DMMA_K8=1 -DTRANS_A=1";
  EXPECT_EQ(gpuk_cuda_compile_check(src.c_str(), GPUK_SOURCE_CUDA, GetParam().c_str(), k8),
            GetParam() == "sm_80" ? GPUK_ERROR_BUILD : GPUK_SUCCESS)
      << k8 << ": " << gpuk_last_error();
}

// Generated expression kernels: what the CUDA backend would compile on a GPU.
TEST_P(CudaCompile, GeneratedElementwiseKernels) {
  struct {
    const char *arguments, *operation, *preamble;
  } cases[] = {
      {"const float *x, float *y, float a", "y[i] = a * x[i] + y[i]", nullptr},
      {"const double *b, const double *c, double *a, double scalar", "a[i] = b[i] + scalar * c[i]",
       nullptr},
      {"double *y, const double *x, double s", "y[i] = s * x[i] + sin(x[i]) + mad(x[i], s, 1.0)", nullptr},
      {"long *out, const int *a, uint b, const ulong *c, long d, uint *u",
       "out[i] = (long)a[i] * (long)b - (long)i + (long)(c[i] >> 1) + d; u[i] = (uint)a[i] * b", nullptr},
      {"float *y, const float *x", "y[i] = sq(x[i]) + sqrt(fabs(x[i])) + fmax(x[i], 0.0f) + (float)min(3, 4) + FLT_MAX * 0.0f",
       "#define TWO 2.0f\nfloat sq(float v) { return v * v * TWO / TWO; }"},
  };
  for (const auto &c : cases) {
    char *source = nullptr;
    GPUK_ASSERT_OK(gpuk_elementwise_source(c.arguments, c.operation, "mix", c.preamble, &source));
    EXPECT_EQ(gpuk_cuda_compile_check(source, GPUK_SOURCE_OPENCL_C, GetParam().c_str(), ""), GPUK_SUCCESS)
        << c.operation << ": " << gpuk_last_error() << "\n" << source;
    free(source);
  }
}

TEST_P(CudaCompile, GeneratedReductions) {
  struct {
    gpuk_dtype out;
    const char *neutral, *reduce, *map, *arguments, *preamble;
  } cases[] = {
      {GPUK_FLOAT32, "0", "a + b", nullptr, "const float *x", nullptr},
      {GPUK_FLOAT32, "-INFINITY", "fmax(a, b)", "x[i] * y[i]", "const float *x, const float *y", nullptr},
      {GPUK_FLOAT64, "0", "a + b", "x[i] * (double)w[i]", "const double *x, const float *w", nullptr},
      {GPUK_INT64, "0", "a + b", "(long)x[i] * k", "const int *x, long k", nullptr},
      {GPUK_UINT32, "0", "max(a, b)", nullptr, "const uint *u", nullptr},
      {GPUK_UINT64, "ULONG_MAX", "min(a, b)", "u[i] ^ (ulong)i", "const uint *u", nullptr},
      {GPUK_FLOAT32, "0", "a + b", "sq(x[i])", "const float *x", "static inline float sq(float v) { return v * v; }"},
      // Forms the gpuk_vec_* reductions generate (src/core/vec_expr.c): norm2's sum of
      // squares, largest magnitude and scaled sum, min.
      {GPUK_FLOAT64, "0", "a + b", "(acc_t)x[i] * x[i]", "const float *x", "typedef double acc_t;"},
      {GPUK_FLOAT32, "0", "fmax(a, b)", "fabs(x[i])", "const float *x", "typedef float acc_t;"},
      {GPUK_FLOAT64, "0", "fmax(a, b)", "fabs(x[i])", "const double *x", "typedef double acc_t;"},
      {GPUK_FLOAT32, "0", "a + b", "((acc_t)x[i] / s) * ((acc_t)x[i] / s)",
       "const float *x, float s", "typedef float acc_t;"},
      {GPUK_FLOAT64, "0", "a + b", "((acc_t)x[i] / s) * ((acc_t)x[i] / s)",
       "const double *x, double s", "typedef double acc_t;"},
      {GPUK_FLOAT32, "INFINITY", "fmin(a, b)", "x[i]", "const float *x", nullptr},
  };
  for (const auto &c : cases) {
    char *source = nullptr;
    GPUK_ASSERT_OK(gpuk_reduction_source(c.out, c.neutral, c.reduce, c.map, c.arguments, "red", c.preamble, &source));
    EXPECT_EQ(gpuk_cuda_compile_check(source, GPUK_SOURCE_OPENCL_C, GetParam().c_str(), "-DGPUK_WG=256"),
              GPUK_SUCCESS)
        << c.reduce << ": " << gpuk_last_error() << "\n" << source;
    free(source);
  }
}

TEST_P(CudaCompile, NativeCudaAndPortableUserKernels) {
  const char *native = R"(extern "C" __global__ void axpy(float a, const float *x, float *y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) y[i] += a * x[i]; })";
  GPUK_EXPECT_OK(gpuk_cuda_compile_check(native, GPUK_SOURCE_CUDA, GetParam().c_str(), nullptr));
  const char *portable = R"(__kernel void k(__global float *x, __constant float *c, uint n) {
    __local float tile[64];
    size_t i = get_global_id(0);
    tile[get_local_id(0)] = i < n ? x[i] : 0.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (i < n) x[i] = mad(tile[get_local_id(0)], c[0], (float)get_group_id(0)); })";
  GPUK_EXPECT_OK(gpuk_cuda_compile_check(portable, GPUK_SOURCE_OPENCL_C, GetParam().c_str(), ""));
}

TEST_P(CudaCompile, ErrorsComeWithTheLog) {
  GPUK_EXPECT_ERROR(gpuk_cuda_compile_check("__kernel void f(void) { not_declared = 1; }",
                                            GPUK_SOURCE_OPENCL_C, GetParam().c_str(), ""),
                    GPUK_ERROR_BUILD, "not_declared");
  const std::string log = gpuk_last_build_log();
  EXPECT_NE(log.find("not_declared"), std::string::npos);
  // The user's line numbers (the prelude comes before a #line 1), and nothing
  // about the prelude's functions the kernel does not call.
  EXPECT_NE(log.find("gpuk_kernel.cu(1): error"), std::string::npos) << log;
  EXPECT_EQ(log.find("never referenced"), std::string::npos) << log;
  EXPECT_EQ(log.find("warning"), std::string::npos) << log;
}

TEST_P(CudaCompile, OptionWordsAreCountedNotDropped) {
  // 61 words of options fit beside the library's own; one more is refused by name.
  const char *source = "#if N != 61\n#error N\n#endif\n";
  std::string options;
  for (int i = 1; i <= 61; i++) options += "-DN=" + std::to_string(i) + " ";
  GPUK_EXPECT_OK(gpuk_cuda_compile_check(source, GPUK_SOURCE_CUDA, GetParam().c_str(),
                                         options.c_str()));
  options += "-DN=62";
  GPUK_EXPECT_ERROR(gpuk_cuda_compile_check(source, GPUK_SOURCE_CUDA, GetParam().c_str(),
                                            options.c_str()),
                    GPUK_ERROR_INVALID_ARGUMENT, "options: more than 61 words");
}

INSTANTIATE_TEST_SUITE_P(Archs, CudaCompile, testing::Values("sm_80", "sm_90"));

TEST(CudaCompileArgs, BadInput) {
  GPUK_EXPECT_ERROR(gpuk_cuda_compile_check(nullptr, GPUK_SOURCE_CUDA, "sm_90", ""),
                    GPUK_ERROR_INVALID_ARGUMENT, "source");
  GPUK_EXPECT_ERROR(gpuk_cuda_compile_check("x", static_cast<gpuk_source_language>(3), "sm_90", ""),
                    GPUK_ERROR_INVALID_ARGUMENT, "language 3");
  GPUK_EXPECT_ERROR(gpuk_cuda_compile_check("x", GPUK_SOURCE_CUDA, "compute_90x", ""),
                    GPUK_ERROR_INVALID_ARGUMENT, "compute_90x");
  GPUK_EXPECT_ERROR(gpuk_cuda_compile_check("x", GPUK_SOURCE_CUDA, nullptr, ""),
                    GPUK_ERROR_INVALID_ARGUMENT, "(null)");
  if (!CudaCompiledIn())
    GPUK_EXPECT_ERROR(gpuk_cuda_compile_check("x", GPUK_SOURCE_CUDA, "sm_90", ""),
                      GPUK_ERROR_BACKEND_UNAVAILABLE, "not compiled in");
}

TEST(CudaBackend, ReportsWhyItIsUnavailable) {
  gpuk_backend_info info;
  GPUK_ASSERT_OK(gpuk_backend_get_info(GPUK_BACKEND_CUDA, &info));
  if (info.available) GTEST_SKIP() << "a CUDA device is present; the device suites cover it";
  EXPECT_STRNE(info.reason, "");
  std::cout << "CUDA unavailable: " << info.reason << "\n";
  GTEST_SKIP() << "CUDA device tests skipped: " << info.reason;
}
