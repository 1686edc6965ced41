// Error paths of buffers and host memory on every device: NULLs, zero and huge
// sizes, offsets past the end and overflowing offset + size, bad flags and fill
// patterns, overlapping copies, objects of another device, handles of the wrong
// kind, use after the owning device closed, and requests over the device's
// memory (out of memory, after which the device keeps working).
#include <cstdint>

#include "gpuk_test.h"

class BufferErrors : public DeviceTest {};

TEST_P(BufferErrors, CreateBadInput) {
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
  b = MakeBuffer(16);
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(nullptr));
  size_t size;
  GPUK_EXPECT_ERROR(gpuk_buffer_size(nullptr, &size), GPUK_ERROR_INVALID_ARGUMENT, "buffer");
}

TEST_P(BufferErrors, TransferBadInput) {
  gpuk_buffer *b = MakeBuffer(64);
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

  gpuk_buffer *c = MakeBuffer(64);
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

TEST_P(BufferErrors, ObjectsOfAnotherDeviceAreRejected) {
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *mine = MakeBuffer(64), *theirs = nullptr;
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

TEST_P(BufferErrors, UseAfterDeviceCloseIsDetected) {
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

TEST_P(BufferErrors, HandlesOfTheWrongKind) {
  gpuk_stream *s;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  gpuk_buffer *not_a_buffer = reinterpret_cast<gpuk_buffer *>(s), *b = MakeBuffer(64);
  char host[16] = {0};
  size_t size;
  GPUK_EXPECT_ERROR(gpuk_buffer_size(not_a_buffer, &size), GPUK_ERROR_INVALID_HANDLE,
                    "not a buffer");
  GPUK_EXPECT_ERROR(gpuk_buffer_write(nullptr, not_a_buffer, 0, 4, host), GPUK_ERROR_INVALID_HANDLE,
                    "not a buffer");
  GPUK_EXPECT_ERROR(gpuk_buffer_read(nullptr, not_a_buffer, 0, 4, host), GPUK_ERROR_INVALID_HANDLE,
                    "not a buffer");
  GPUK_EXPECT_ERROR(gpuk_buffer_copy(nullptr, b, 0, not_a_buffer, 0, 4), GPUK_ERROR_INVALID_HANDLE,
                    "dst");
  GPUK_EXPECT_ERROR(gpuk_buffer_fill(nullptr, not_a_buffer, 0, 4, host, 4),
                    GPUK_ERROR_INVALID_HANDLE, "not a buffer");
  GPUK_EXPECT_ERROR(gpuk_buffer_destroy(not_a_buffer), GPUK_ERROR_INVALID_HANDLE, "not a buffer");
  // A buffer handle passed as the stream.
  GPUK_EXPECT_ERROR(gpuk_buffer_write(reinterpret_cast<gpuk_stream *>(b), b, 0, 4, host),
                    GPUK_ERROR_INVALID_HANDLE, "not a stream");
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));  // the refused calls left it alone
}

TEST_P(BufferErrors, HostMemoryBadInput) {
  void *p = reinterpret_cast<void *>(0x1);
  GPUK_EXPECT_ERROR(gpuk_host_alloc(nullptr, 16, &p), GPUK_ERROR_INVALID_ARGUMENT, "device");
  GPUK_EXPECT_ERROR(gpuk_host_alloc(device_, 16, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "ptr");
  GPUK_EXPECT_ERROR(gpuk_host_alloc(device_, 0, &p), GPUK_ERROR_INVALID_ARGUMENT, "size");
  GPUK_EXPECT_ERROR(gpuk_host_free(nullptr, p), GPUK_ERROR_INVALID_ARGUMENT, "device");
  GPUK_EXPECT_OK(gpuk_host_free(device_, nullptr));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(BufferErrors);
