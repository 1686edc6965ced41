// Buffers: create/destroy, write/read/copy/fill with offsets, and every bad
// input each function can receive, on every device.
#include <cstring>

#include "gpuk_test.h"

class Buffers : public DeviceTest {
 protected:
  gpuk_buffer *Make(size_t size, gpuk_mem_flags flags = GPUK_MEM_READ_WRITE) {
    gpuk_buffer *b = nullptr;
    EXPECT_EQ(gpuk_buffer_create(device_, size, flags, &b), GPUK_SUCCESS) << gpuk_last_error();
    return b;
  }
  std::vector<float> Read(gpuk_buffer *b, size_t n) {
    std::vector<float> out(n, kPoison);
    EXPECT_EQ(gpuk_buffer_read(nullptr, b, 0, n * sizeof(float), out.data()), GPUK_SUCCESS)
        << gpuk_last_error();
    return out;
  }
};

TEST_P(Buffers, WriteReadRoundTripAtOddSizes) {
  for (size_t n : {1u, 2u, 3u, 7u, 31u, 257u, 1000003u}) {
    gpuk_buffer *b = Make(n * sizeof(float));
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
    gpuk_buffer *b = Make(n * sizeof(float), flags);
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
  gpuk_buffer *a = Make(n * sizeof(float)), *b = Make(n * sizeof(float));
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
  gpuk_buffer *b = Make(bytes);
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

TEST_P(Buffers, CreateBadInput) {
  gpuk_buffer *b = reinterpret_cast<gpuk_buffer *>(0x1);
  GPUK_EXPECT_ERROR(gpuk_buffer_create(device_, 0, GPUK_MEM_READ_WRITE, &b),
                    GPUK_ERROR_INVALID_ARGUMENT, "size is 0");
  EXPECT_EQ(b, nullptr);
  GPUK_EXPECT_ERROR(gpuk_buffer_create(nullptr, 16, GPUK_MEM_READ_WRITE, &b),
                    GPUK_ERROR_INVALID_ARGUMENT, "device");
  GPUK_EXPECT_ERROR(gpuk_buffer_create(device_, 16, GPUK_MEM_READ_WRITE, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "buffer");
  GPUK_EXPECT_ERROR(gpuk_buffer_create(device_, 16, static_cast<gpuk_mem_flags>(7), &b),
                    GPUK_ERROR_INVALID_ARGUMENT, "flags 7");
  GPUK_EXPECT_ERROR(gpuk_buffer_create(device_, SIZE_MAX, GPUK_MEM_READ_WRITE, &b),
                    GPUK_ERROR_OUT_OF_MEMORY, "exceeds");
  GPUK_EXPECT_ERROR(gpuk_buffer_create(device_, info_.global_mem_bytes + 1, GPUK_MEM_READ_WRITE, &b),
                    GPUK_ERROR_OUT_OF_MEMORY, "bytes of memory");
  // The device still works after refusing.
  b = Make(16);
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(nullptr));
  size_t size;
  GPUK_EXPECT_ERROR(gpuk_buffer_size(nullptr, &size), GPUK_ERROR_INVALID_ARGUMENT, "buffer");
}

TEST_P(Buffers, TransferBadInput) {
  gpuk_buffer *b = Make(64);
  char host[128] = {0};
  GPUK_EXPECT_ERROR(gpuk_buffer_write(nullptr, nullptr, 0, 4, host), GPUK_ERROR_INVALID_ARGUMENT,
                    "buffer");
  GPUK_EXPECT_ERROR(gpuk_buffer_write(nullptr, b, 0, 4, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "src");
  GPUK_EXPECT_ERROR(gpuk_buffer_read(nullptr, b, 0, 4, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "dst");
  GPUK_EXPECT_ERROR(gpuk_buffer_write(nullptr, b, 0, 0, host), GPUK_ERROR_INVALID_ARGUMENT,
                    "size is 0");
  GPUK_EXPECT_ERROR(gpuk_buffer_write(nullptr, b, 0, 65, host), GPUK_ERROR_OUT_OF_RANGE, "size 65");
  GPUK_EXPECT_ERROR(gpuk_buffer_read(nullptr, b, 61, 4, host), GPUK_ERROR_OUT_OF_RANGE, "offset 61");
  GPUK_EXPECT_ERROR(gpuk_buffer_read(nullptr, b, 65, 0, host), GPUK_ERROR_INVALID_ARGUMENT, "size");
  GPUK_EXPECT_ERROR(gpuk_buffer_read(nullptr, b, SIZE_MAX, 2, host), GPUK_ERROR_OUT_OF_RANGE,
                    "past the end");
  GPUK_EXPECT_ERROR(gpuk_buffer_write(nullptr, b, 8, SIZE_MAX - 4, host), GPUK_ERROR_OUT_OF_RANGE,
                    "past the end");

  gpuk_buffer *c = Make(64);
  GPUK_EXPECT_ERROR(gpuk_buffer_copy(nullptr, nullptr, 0, c, 0, 4), GPUK_ERROR_INVALID_ARGUMENT,
                    "src");
  GPUK_EXPECT_ERROR(gpuk_buffer_copy(nullptr, b, 0, nullptr, 0, 4), GPUK_ERROR_INVALID_ARGUMENT,
                    "dst");
  GPUK_EXPECT_ERROR(gpuk_buffer_copy(nullptr, b, 0, c, 0, 0), GPUK_ERROR_INVALID_ARGUMENT, "size");
  GPUK_EXPECT_ERROR(gpuk_buffer_copy(nullptr, b, 32, c, 0, 33), GPUK_ERROR_OUT_OF_RANGE, "src");
  GPUK_EXPECT_ERROR(gpuk_buffer_copy(nullptr, b, 0, c, 40, 25), GPUK_ERROR_OUT_OF_RANGE, "dst");
  GPUK_EXPECT_ERROR(gpuk_buffer_copy(nullptr, b, 0, b, 8, 16), GPUK_ERROR_INVALID_ARGUMENT,
                    "overlaps");

  GPUK_EXPECT_ERROR(gpuk_buffer_fill(nullptr, b, 0, 64, host, 3), GPUK_ERROR_INVALID_ARGUMENT,
                    "pattern_size 3");
  GPUK_EXPECT_ERROR(gpuk_buffer_fill(nullptr, b, 0, 64, host, 256), GPUK_ERROR_INVALID_ARGUMENT,
                    "pattern_size 256");
  GPUK_EXPECT_ERROR(gpuk_buffer_fill(nullptr, b, 2, 8, host, 4), GPUK_ERROR_INVALID_ARGUMENT,
                    "multiples");
  GPUK_EXPECT_ERROR(gpuk_buffer_fill(nullptr, b, 0, 6, host, 4), GPUK_ERROR_INVALID_ARGUMENT,
                    "multiples");
  GPUK_EXPECT_ERROR(gpuk_buffer_fill(nullptr, b, 0, 68, host, 4), GPUK_ERROR_OUT_OF_RANGE, "size 68");
  GPUK_EXPECT_ERROR(gpuk_buffer_fill(nullptr, b, 0, 4, nullptr, 4), GPUK_ERROR_INVALID_ARGUMENT,
                    "pattern");
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(c));
}

TEST_P(Buffers, ObjectsOfAnotherDeviceAreRejected) {
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *mine = Make(64), *theirs = nullptr;
  gpuk_stream *their_stream = nullptr;
  GPUK_ASSERT_OK(gpuk_buffer_create(other, 64, GPUK_MEM_READ_WRITE, &theirs));
  GPUK_ASSERT_OK(gpuk_stream_create(other, &their_stream));
  char host[64] = {0};
  GPUK_EXPECT_ERROR(gpuk_buffer_copy(nullptr, mine, 0, theirs, 0, 4), GPUK_ERROR_DEVICE_MISMATCH,
                    "dst belongs to device");
  GPUK_EXPECT_ERROR(gpuk_buffer_write(their_stream, mine, 0, 4, host), GPUK_ERROR_DEVICE_MISMATCH,
                    "stream belongs");
  GPUK_EXPECT_OK(gpuk_stream_destroy(their_stream));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(theirs));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(mine));
  GPUK_EXPECT_OK(gpuk_device_close(other));
}

TEST_P(Buffers, UseAfterDeviceCloseIsDetected) {
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *b;
  GPUK_ASSERT_OK(gpuk_buffer_create(other, 64, GPUK_MEM_READ_WRITE, &b));
  GPUK_ASSERT_OK(gpuk_device_close(other));
  char host[4] = {0};
  GPUK_EXPECT_ERROR(gpuk_buffer_write(nullptr, b, 0, 4, host), GPUK_ERROR_INVALID_HANDLE,
                    "device that owns this buffer was closed");
  size_t size;
  GPUK_EXPECT_ERROR(gpuk_buffer_size(b, &size), GPUK_ERROR_INVALID_HANDLE, "closed");
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));  // still released cleanly
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Buffers);
