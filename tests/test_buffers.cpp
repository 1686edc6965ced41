// Buffers: create/destroy, write/read/copy/fill with offsets, and every bad
// input each function can receive, on every device.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "gpuk_test.h"

class Buffers : public DeviceTest {
 protected:
  std::vector<float> Read(gpuk_buffer *b, size_t n) {
    std::vector<float> out(n, kPoison);
    EXPECT_EQ(gpuk_buffer_read(nullptr, b, 0, n * sizeof(float), out.data()), GPUK_SUCCESS)
        << gpuk_last_error();
    return out;
  }
};

TEST_P(Buffers, WriteReadRoundTripAtOddSizes) {
  for (size_t n : {1u, 2u, 3u, 7u, 31u, 257u, 1000003u}) {
    gpuk_buffer *b = MakeBuffer(n * sizeof(float));
    std::vector<float> in = RandomFloats(n);
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, n * sizeof(float), in.data()));
    EXPECT_EQ(Read(b, n), in) << "n=" << n;
    size_t size = 0;
    GPUK_EXPECT_OK(gpuk_buffer_size(b, &size));
    EXPECT_EQ(size, n * sizeof(float));
    GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  }
}

TEST_P(Buffers, OffsetsAndAllFlags) {
  for (gpuk_mem_flags flags : {GPUK_MEM_READ_WRITE, GPUK_MEM_READ_ONLY, GPUK_MEM_WRITE_ONLY}) {
    const size_t n = 101;
    gpuk_buffer *b = MakeBuffer(n * sizeof(float), flags);
    std::vector<float> poison(n, kPoison), in = RandomFloats(n);
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, n * sizeof(float), poison.data()));
    // Write elements [10, 60) and read [5, 65): edges keep the poison.
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 10 * sizeof(float), 50 * sizeof(float), &in[10]));
    std::vector<float> out(60, 0.0f);
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 5 * sizeof(float), 60 * sizeof(float), out.data()));
    for (size_t i = 0; i < 60; i++) {
      size_t j = i + 5;
      EXPECT_EQ(out[i], (j >= 10 && j < 60) ? in[j] : kPoison) << "element " << j;
    }
    // Unaligned byte offsets work too.
    unsigned char bytes[3] = {1, 2, 3}, back[3] = {0, 0, 0};
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 13, 3, bytes));
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 13, 3, back));
    EXPECT_EQ(memcmp(bytes, back, 3), 0);
    GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  }
}

TEST_P(Buffers, CopyBetweenBuffersWithOffsets) {
  const size_t n = 1009;
  gpuk_buffer *a = MakeBuffer(n * sizeof(float)), *b = MakeBuffer(n * sizeof(float));
  std::vector<float> in = RandomFloats(n), poison(n, kPoison);
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, a, 0, n * sizeof(float), in.data()));
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, n * sizeof(float), poison.data()));
  GPUK_ASSERT_OK(gpuk_buffer_copy(nullptr, a, 3 * sizeof(float), b, 100 * sizeof(float),
                                  500 * sizeof(float)));
  std::vector<float> out = Read(b, n);
  for (size_t i = 0; i < n; i++)
    EXPECT_EQ(out[i], (i >= 100 && i < 600) ? in[i - 97] : kPoison) << i;
  // Non-overlapping ranges of one buffer may be copied.
  GPUK_ASSERT_OK(gpuk_buffer_copy(nullptr, a, 0, a, 512 * sizeof(float), 256 * sizeof(float)));
  out = Read(a, n);
  for (size_t i = 512; i < 768; i++) EXPECT_EQ(out[i], in[i - 512]);
  GPUK_EXPECT_OK(gpuk_buffer_destroy(a));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
}

TEST_P(Buffers, FillWithEveryPatternSize) {
  const size_t bytes = 1024;
  gpuk_buffer *b = MakeBuffer(bytes);
  for (size_t ps = 1; ps <= 128; ps *= 2) {
    std::vector<unsigned char> zero(bytes, 0), pattern(ps);
    for (size_t i = 0; i < ps; i++) pattern[i] = static_cast<unsigned char>(17 * i + ps);
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, bytes, zero.data()));
    const size_t off = 2 * ps < 256 ? 256 : 2 * ps, size = 4 * ps;
    GPUK_ASSERT_OK(gpuk_buffer_fill(nullptr, b, off, size, pattern.data(), ps));
    std::vector<unsigned char> out(bytes, 0xee);
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 0, bytes, out.data()));
    for (size_t i = 0; i < bytes; i++) {
      unsigned char want = (i >= off && i < off + size) ? pattern[(i - off) % ps] : 0;
      ASSERT_EQ(out[i], want) << "pattern size " << ps << " byte " << i;
    }
  }
  float value = 2.5f;
  GPUK_ASSERT_OK(gpuk_buffer_fill(nullptr, b, 0, bytes, &value, sizeof value));
  for (float x : Read(b, bytes / 4)) EXPECT_EQ(x, 2.5f);
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
}

// A fill on a stream of its own returns before it has run; the pattern must
// have been taken by then (the caller may reuse it at once).
TEST_P(Buffers, FillPatternMayChangeAfterTheCall) {
  const size_t bytes = 1 << 20;
  gpuk_buffer *b = MakeBuffer(bytes);
  gpuk_stream *stream = nullptr;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &stream));
  std::mt19937 rng{std::random_device{}()};
  for (size_t ps = 1; ps <= 128; ps *= 2) {
    std::vector<unsigned char> pattern(ps), kept;
    for (auto &x : pattern) x = static_cast<unsigned char>(rng());
    kept = pattern;
    GPUK_ASSERT_OK(gpuk_buffer_fill(stream, b, 0, bytes, pattern.data(), ps));
    std::fill(pattern.begin(), pattern.end(), static_cast<unsigned char>(~kept[0]));
    GPUK_ASSERT_OK(gpuk_stream_synchronize(stream));
    std::vector<unsigned char> out(bytes);
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 0, bytes, out.data()));
    for (size_t i = 0; i < bytes; i++)
      ASSERT_EQ(out[i], kept[i % ps]) << "pattern size " << ps << " byte " << i;
  }
  GPUK_EXPECT_OK(gpuk_stream_destroy(stream));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
}

// The CPU backend's copies store around the caches once they outgrow the
// last-level cache; GPUK_CPU_STREAMING_BYTES=1 makes every copy do so (3
// threads split the large ones at odd bytes). CPU OpenCL drivers copy 8 MiB
// and more by kernel, in 4-byte words between bytes copied by the driver
// where the offsets agree modulo 4 (the last three pieces: head 0, 3 and 2
// bytes, tail 1, 0 and 2). Writes, reads and copies at byte offsets of every
// alignment, each checked against a host mirror.
TEST_P(Buffers, LargeCopiesAtOddOffsets) {
  ScopedEnv streaming("GPUK_CPU_STREAMING_BYTES"), threads("GPUK_CPU_THREADS");
  streaming.Set("1");
  threads.Set("3");
  const size_t bytes = (9u << 20) + 77;  // copies of most of it use 3 threads
  std::mt19937 rng{std::random_device{}()};
  auto random_bytes = [&](size_t n) {
    std::vector<unsigned char> v(n);
    for (auto &x : v) x = static_cast<unsigned char>(rng());
    return v;
  };
  std::vector<unsigned char> mirror = random_bytes(bytes), other = random_bytes(bytes);
  gpuk_buffer *a = MakeBuffer(bytes), *b = MakeBuffer(bytes);
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, a, 0, bytes, mirror.data()));
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, bytes, other.data()));
  const size_t pieces[][3] = {  // source offset, destination offset, size
      {0, 0, 1},     {1, 3, 15},     {5, 16, 64},   {16, 7, 79},
      {33, 65, 4099}, {3, 1, bytes - 5}, {bytes / 2 + 1, 9, bytes / 2 - 17},
      {4, 8, bytes - 12}, {5, 1, bytes - 6}, {6, 2, bytes - 9}};
  for (const auto &p : pieces) {
    std::vector<unsigned char> in = random_bytes(p[2]);
    GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, a, p[1], p[2], in.data()));
    std::copy(in.begin(), in.end(), mirror.begin() + static_cast<long>(p[1]));
    std::vector<unsigned char> back(p[2] + 2, 0xee);
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, a, p[0], p[2], back.data() + 1));
    const auto from = mirror.begin() + static_cast<long>(p[0]);
    ASSERT_TRUE(std::equal(back.begin() + 1, back.end() - 1, from))
        << "read of " << p[2] << " bytes at " << p[0];
    ASSERT_EQ(back.front(), 0xee);
    ASSERT_EQ(back.back(), 0xee);
    GPUK_ASSERT_OK(gpuk_buffer_copy(nullptr, a, p[0], b, p[1], p[2]));
    std::copy(from, from + static_cast<long>(p[2]), other.begin() + static_cast<long>(p[1]));
  }
  std::vector<unsigned char> all(bytes);
  GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, a, 0, bytes, all.data()));
  EXPECT_TRUE(all == mirror) << "buffer a";
  GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 0, bytes, all.data()));
  EXPECT_TRUE(all == other) << "buffer b";
  GPUK_EXPECT_OK(gpuk_buffer_destroy(a));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
}

// Fills of several MiB with every pattern size, starting at offsets that are
// not 16-byte aligned where the pattern allows it. On the CPU backend they
// use streaming stores (GPUK_CPU_STREAMING_BYTES=1) from 3 threads, which
// split the range at bytes inside a pattern.
TEST_P(Buffers, LargeFillsAtEveryPatternSize) {
  ScopedEnv streaming("GPUK_CPU_STREAMING_BYTES"), threads("GPUK_CPU_THREADS");
  streaming.Set("1");
  threads.Set("3");
  const size_t bytes = (9u << 20) + 384;
  std::mt19937 rng{std::random_device{}()};
  std::vector<unsigned char> mirror(bytes);
  for (auto &x : mirror) x = static_cast<unsigned char>(rng());
  gpuk_buffer *b = MakeBuffer(bytes);
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, bytes, mirror.data()));
  for (size_t ps = 1; ps <= 128; ps *= 2) {
    std::vector<unsigned char> pattern(ps);
    for (auto &x : pattern) x = static_cast<unsigned char>(rng());
    const size_t off = 3 * ps, size = (bytes - off) / ps * ps - ps;
    GPUK_ASSERT_OK(gpuk_buffer_fill(nullptr, b, off, size, pattern.data(), ps));
    for (size_t i = 0; i < size; i++) mirror[off + i] = pattern[i % ps];
    std::vector<unsigned char> all(bytes);
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 0, bytes, all.data()));
    size_t first_bad = bytes;
    for (size_t i = 0; i < bytes && first_bad == bytes; i++)
      if (all[i] != mirror[i]) first_bad = i;
    ASSERT_EQ(first_bad, bytes) << "pattern size " << ps << ", fill of " << size << " at " << off;
  }
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
}

// Large copies and fills reach buffers of every flag: into a read-only buffer
// from a write-only one (which kernels may not write or read; CPU OpenCL
// drivers then keep the driver's copy), and a fill of a read-only buffer.
TEST_P(Buffers, LargeCopiesAndFillsWithEveryFlag) {
  const size_t bytes = 9u << 20;
  std::mt19937 rng{std::random_device{}()};
  std::vector<unsigned char> in(bytes), back(bytes);
  for (auto &x : in) x = static_cast<unsigned char>(rng());
  gpuk_buffer *write_only = MakeBuffer(bytes, GPUK_MEM_WRITE_ONLY);
  gpuk_buffer *read_only = MakeBuffer(bytes, GPUK_MEM_READ_ONLY);
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, write_only, 0, bytes, in.data()));
  GPUK_ASSERT_OK(gpuk_buffer_copy(nullptr, write_only, 0, read_only, 0, bytes));
  GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, read_only, 0, bytes, back.data()));
  EXPECT_TRUE(back == in) << "copy from a write-only into a read-only buffer";
  const uint32_t pattern = 0x5a17c3e9u;
  GPUK_ASSERT_OK(gpuk_buffer_fill(nullptr, read_only, 4, bytes - 8, &pattern, sizeof pattern));
  GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, read_only, 0, bytes, back.data()));
  for (size_t i = 4; i < bytes - 4; i += 4) std::memcpy(&in[i], &pattern, sizeof pattern);
  EXPECT_TRUE(back == in) << "fill of a read-only buffer";
  GPUK_EXPECT_OK(gpuk_buffer_destroy(write_only));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(read_only));
}

// kernels/fill.cl, which the CUDA backend launches for patterns of 8 to 128
// bytes, built from its source on every device that builds OpenCL C, so that
// its index arithmetic is checked where no GPU is at hand (PoCL): global
// sizes smaller than the range (several strides) and larger, unit counts that
// are not multiples of 16, odd first units; the units around keep the poison.
TEST_P(Buffers, WidePatternFillKernel) {
  if (IsCpuBackend()) GTEST_SKIP() << "the CPU device builds no kernels from source";
  std::ifstream file(GPUK_SOURCE_DIR "/kernels/fill.cl");
  std::stringstream source;
  source << file.rdbuf();
  gpuk_program *program = nullptr;
  gpuk_kernel *kernel = nullptr;
  GPUK_ASSERT_OK(gpuk_program_build(device_, source.str().c_str(), GPUK_SOURCE_OPENCL_C, "",
                                    &program));
  GPUK_ASSERT_OK(gpuk_kernel_create(program, "gpuk_fill_period128", &kernel));
  const size_t units = 4111, local = 16;
  const uint64_t poison = 0xeeeeeeeeeeeeeeeeULL;
  gpuk_buffer *b = MakeBuffer(units * 8);
  std::mt19937 rng{std::random_device{}()};
  const size_t cases[][3] = {  // first unit, units filled, global size
      {0, 1, 16}, {1, 17, 16}, {3, 1000, 48}, {7, 4093, 256}, {0, 5, 64}, {2, 4109, 4112}};
  for (size_t ps = 8; ps <= 128; ps *= 2) {
    std::vector<unsigned char> pattern(ps);
    for (auto &x : pattern) x = static_cast<unsigned char>(rng());
    gpuk_arg args[3 + 16];
    for (size_t j = 0; j < 16; j++) {
      uint64_t unit;
      std::memcpy(&unit, &pattern[8 * j % ps], sizeof unit);
      args[3 + j] = gpuk_arg_u64(unit);
    }
    for (const auto &c : cases) {
      std::vector<uint64_t> all(units, poison);
      GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, units * 8, all.data()));
      args[0] = gpuk_arg_buffer(b);
      args[1] = gpuk_arg_u64(c[0]);
      args[2] = gpuk_arg_u64(c[1]);
      GPUK_ASSERT_OK(gpuk_kernel_launch(nullptr, kernel, 1, &c[2], &local, 3 + 16, args));
      GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 0, units * 8, all.data()));
      const auto *bytes = reinterpret_cast<const unsigned char *>(all.data());
      for (size_t i = 0; i < units * 8; i++) {
        const bool inside = i >= 8 * c[0] && i < 8 * (c[0] + c[1]);
        const unsigned char want = inside ? pattern[(i - 8 * c[0]) % ps] : 0xee;
        ASSERT_EQ(bytes[i], want) << "pattern size " << ps << ", " << c[1] << " units from "
                                  << c[0] << ", global size " << c[2] << ": byte " << i;
      }
    }
  }
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_kernel_destroy(kernel));
  GPUK_EXPECT_OK(gpuk_program_destroy(program));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Buffers);
