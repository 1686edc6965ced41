// Streams and events: in-order execution, cross-stream waits, timing, and bad
// input, on every device.
#include "gpuk_test.h"

class Streams : public DeviceTest {};

TEST_P(Streams, AsyncOperationsRunInOrder) {
  const size_t n = 1 << 20;
  gpuk_stream *s;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  gpuk_buffer *a, *b;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &a));
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &b));
  std::vector<float> in = RandomFloats(n), out(n, kPoison);
  float seven = 7.0f;
  // fill b, write a, copy a->b, fill b's first quarter, read b: each step depends
  // on the previous one finishing first.
  GPUK_ASSERT_OK(gpuk_buffer_fill(s, b, 0, n * 4, &seven, 4));
  GPUK_ASSERT_OK(gpuk_buffer_write(s, a, 0, n * 4, in.data()));
  GPUK_ASSERT_OK(gpuk_buffer_copy(s, a, 0, b, 0, n * 4));
  GPUK_ASSERT_OK(gpuk_buffer_fill(s, b, 0, n, &seven, 4));
  GPUK_ASSERT_OK(gpuk_buffer_read(s, b, 0, n * 4, out.data()));
  GPUK_ASSERT_OK(gpuk_stream_synchronize(s));
  for (size_t i = 0; i < n; i++) ASSERT_EQ(out[i], i < n / 4 ? 7.0f : in[i]) << i;
  GPUK_EXPECT_OK(gpuk_buffer_destroy(a));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
}

TEST_P(Streams, EventOrdersWorkAcrossStreams) {
  const size_t n = 1 << 20;
  gpuk_stream *producer, *consumer;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &producer));
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &consumer));
  gpuk_buffer *a, *b;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &a));
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &b));
  gpuk_event *written;
  GPUK_ASSERT_OK(gpuk_event_create(device_, &written));
  std::vector<float> in = RandomFloats(n), out(n, kPoison);
  GPUK_ASSERT_OK(gpuk_buffer_write(producer, a, 0, n * 4, in.data()));
  GPUK_ASSERT_OK(gpuk_event_record(written, producer));
  GPUK_ASSERT_OK(gpuk_stream_wait_event(consumer, written));
  GPUK_ASSERT_OK(gpuk_buffer_copy(consumer, a, 0, b, 0, n * 4));
  GPUK_ASSERT_OK(gpuk_buffer_read(consumer, b, 0, n * 4, out.data()));
  GPUK_ASSERT_OK(gpuk_stream_synchronize(consumer));
  EXPECT_EQ(out, in);
  GPUK_ASSERT_OK(gpuk_event_synchronize(written));
  GPUK_EXPECT_OK(gpuk_event_destroy(written));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(a));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_stream_destroy(producer));
  GPUK_EXPECT_OK(gpuk_stream_destroy(consumer));
}

TEST_P(Streams, EventsTimeWork) {
  const size_t bytes = 64u << 20;
  gpuk_stream *s;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  gpuk_buffer *a, *b;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, bytes, GPUK_MEM_READ_WRITE, &a));
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, bytes, GPUK_MEM_READ_WRITE, &b));
  unsigned char one = 1;
  GPUK_ASSERT_OK(gpuk_buffer_fill(s, a, 0, bytes, &one, 1));
  gpuk_event *start, *stop;
  GPUK_ASSERT_OK(gpuk_event_create(device_, &start));
  GPUK_ASSERT_OK(gpuk_event_create(device_, &stop));
  GPUK_ASSERT_OK(gpuk_event_record(start, s));
  for (int i = 0; i < 4; i++) GPUK_ASSERT_OK(gpuk_buffer_copy(s, a, 0, b, 0, bytes));
  GPUK_ASSERT_OK(gpuk_event_record(stop, s));
  double ms = -1;
  GPUK_ASSERT_OK(gpuk_event_elapsed_ms(start, stop, &ms));
  // 256 MiB moved: more than nothing, less than a minute on any device.
  EXPECT_GT(ms, 0.0);
  EXPECT_LT(ms, 60000.0);
  double back = 0;
  GPUK_ASSERT_OK(gpuk_event_elapsed_ms(stop, stop, &back));
  EXPECT_EQ(back, 0.0);
  GPUK_EXPECT_OK(gpuk_event_destroy(start));
  GPUK_EXPECT_OK(gpuk_event_destroy(stop));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(a));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
}

TEST_P(Streams, EventRecordedOnDefaultStream) {
  gpuk_event *e;
  GPUK_ASSERT_OK(gpuk_event_create(device_, &e));
  GPUK_ASSERT_OK(gpuk_event_record(e, nullptr));
  GPUK_EXPECT_OK(gpuk_event_synchronize(e));
  GPUK_EXPECT_OK(gpuk_event_destroy(e));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Streams);
