// Error paths of streams and events on every device: NULLs, events never
// recorded, streams and events of another device, handles of the wrong kind,
// use after the owning device closed.
#include "gpuk_test.h"

class StreamErrors : public DeviceTest {};

TEST_P(StreamErrors, BadInput) {
  gpuk_stream *s = reinterpret_cast<gpuk_stream *>(0x1);
  GPUK_EXPECT_ERROR(gpuk_stream_create(nullptr, &s), GPUK_ERROR_INVALID_ARGUMENT, "device");
  EXPECT_EQ(s, nullptr);
  GPUK_EXPECT_ERROR(gpuk_stream_create(device_, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "stream");
  GPUK_EXPECT_ERROR(gpuk_stream_synchronize(nullptr), GPUK_ERROR_INVALID_ARGUMENT, "stream");
  GPUK_EXPECT_OK(gpuk_stream_destroy(nullptr));

  gpuk_event *e = reinterpret_cast<gpuk_event *>(0x1), *f;
  GPUK_EXPECT_ERROR(gpuk_event_create(nullptr, &e), GPUK_ERROR_INVALID_ARGUMENT, "device");
  EXPECT_EQ(e, nullptr);
  GPUK_EXPECT_ERROR(gpuk_event_create(device_, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "event");
  GPUK_ASSERT_OK(gpuk_event_create(device_, &e));
  GPUK_ASSERT_OK(gpuk_event_create(device_, &f));
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  GPUK_EXPECT_ERROR(gpuk_event_synchronize(e), GPUK_ERROR_INVALID_ARGUMENT, "never recorded");
  GPUK_EXPECT_ERROR(gpuk_stream_wait_event(s, e), GPUK_ERROR_INVALID_ARGUMENT, "never recorded");
  double ms;
  GPUK_EXPECT_ERROR(gpuk_event_elapsed_ms(e, f, &ms), GPUK_ERROR_INVALID_ARGUMENT, "start was never");
  GPUK_ASSERT_OK(gpuk_event_record(e, s));
  GPUK_EXPECT_ERROR(gpuk_event_elapsed_ms(e, f, &ms), GPUK_ERROR_INVALID_ARGUMENT, "end was never");
  GPUK_ASSERT_OK(gpuk_event_record(f, s));
  GPUK_EXPECT_ERROR(gpuk_event_elapsed_ms(e, f, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "ms");
  GPUK_EXPECT_ERROR(gpuk_event_elapsed_ms(nullptr, f, &ms), GPUK_ERROR_INVALID_ARGUMENT, "start");
  GPUK_EXPECT_ERROR(gpuk_event_record(nullptr, s), GPUK_ERROR_INVALID_ARGUMENT, "event");
  GPUK_EXPECT_ERROR(gpuk_stream_wait_event(nullptr, e), GPUK_ERROR_INVALID_ARGUMENT, "stream");
  GPUK_EXPECT_ERROR(gpuk_stream_wait_event(s, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "event");
  GPUK_EXPECT_ERROR(gpuk_event_record(reinterpret_cast<gpuk_event *>(s), s),
                    GPUK_ERROR_INVALID_HANDLE, "not an event");
  GPUK_EXPECT_OK(gpuk_event_destroy(nullptr));

  // Events and streams of another device handle are rejected.
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_stream *other_stream;
  gpuk_event *other_event;
  GPUK_ASSERT_OK(gpuk_stream_create(other, &other_stream));
  GPUK_ASSERT_OK(gpuk_event_create(other, &other_event));
  GPUK_EXPECT_ERROR(gpuk_event_record(e, other_stream), GPUK_ERROR_DEVICE_MISMATCH, "stream");
  GPUK_ASSERT_OK(gpuk_event_record(other_event, other_stream));
  GPUK_EXPECT_ERROR(gpuk_stream_wait_event(s, other_event), GPUK_ERROR_DEVICE_MISMATCH, "event");
  GPUK_EXPECT_ERROR(gpuk_event_elapsed_ms(e, other_event, &ms), GPUK_ERROR_DEVICE_MISMATCH, "end");
  GPUK_EXPECT_OK(gpuk_event_destroy(other_event));
  GPUK_EXPECT_OK(gpuk_stream_destroy(other_stream));

  // After its device closes, a stream reports it and can still be destroyed.
  gpuk_stream *orphan;
  GPUK_ASSERT_OK(gpuk_stream_create(other, &orphan));
  GPUK_ASSERT_OK(gpuk_device_close(other));
  GPUK_EXPECT_ERROR(gpuk_stream_synchronize(orphan), GPUK_ERROR_INVALID_HANDLE, "closed");
  GPUK_EXPECT_OK(gpuk_stream_destroy(orphan));

  GPUK_EXPECT_OK(gpuk_event_destroy(e));
  GPUK_EXPECT_OK(gpuk_event_destroy(f));
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
}

TEST_P(StreamErrors, HandlesOfTheWrongKind) {
  gpuk_buffer *b = MakeBuffer(16);
  gpuk_stream *s;
  gpuk_event *e;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  GPUK_ASSERT_OK(gpuk_event_create(device_, &e));
  GPUK_EXPECT_ERROR(gpuk_stream_synchronize(reinterpret_cast<gpuk_stream *>(b)),
                    GPUK_ERROR_INVALID_HANDLE, "not a stream");
  GPUK_EXPECT_ERROR(gpuk_stream_destroy(reinterpret_cast<gpuk_stream *>(e)),
                    GPUK_ERROR_INVALID_HANDLE, "not a stream");
  GPUK_EXPECT_ERROR(gpuk_event_destroy(reinterpret_cast<gpuk_event *>(s)),
                    GPUK_ERROR_INVALID_HANDLE, "not an event");
  GPUK_EXPECT_ERROR(gpuk_event_synchronize(reinterpret_cast<gpuk_event *>(b)),
                    GPUK_ERROR_INVALID_HANDLE, "not an event");
  GPUK_EXPECT_ERROR(gpuk_stream_wait_event(s, reinterpret_cast<gpuk_event *>(s)),
                    GPUK_ERROR_INVALID_HANDLE, "event");
  double ms;
  GPUK_EXPECT_ERROR(gpuk_event_elapsed_ms(e, reinterpret_cast<gpuk_event *>(b), &ms),
                    GPUK_ERROR_INVALID_HANDLE, "end");
  GPUK_EXPECT_OK(gpuk_event_destroy(e));
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
}

TEST_P(StreamErrors, EventOfAClosedDevice) {
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_event *e;
  GPUK_ASSERT_OK(gpuk_event_create(other, &e));
  GPUK_ASSERT_OK(gpuk_device_close(other));
  GPUK_EXPECT_ERROR(gpuk_event_synchronize(e), GPUK_ERROR_INVALID_HANDLE, "closed");
  GPUK_EXPECT_ERROR(gpuk_event_record(e, nullptr), GPUK_ERROR_INVALID_HANDLE, "closed");
  GPUK_EXPECT_OK(gpuk_event_destroy(e));  // still released cleanly
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(StreamErrors);
