/* Public stream and event functions: validation, device references, then the
 * backend's op. */
#include <stdlib.h>

#include "handles.h"

gpuk_status gpuk__stream_new(gpuk_device *device, gpuk_stream **stream) {
  gpuk_stream *s = gpuk__new_child(device, sizeof *s, GPUK__MAGIC_STREAM);
  if (!s) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a stream handle");
  gpuk_status st = device->ops->stream_create(s);
  if (st) {
    free(s);
    return st;
  }
  pthread_mutex_init(&s->scratch_lock, NULL);
  *stream = s;
  return GPUK_SUCCESS;
}

static void scratch_free(gpuk_stream *s) {
  if (!s->scratch) return;
  s->obj.device->ops->buffer_destroy(s->scratch);
  free(s->scratch);
  s->scratch = NULL;
}

void gpuk__stream_free(gpuk_stream *s) {
  s->obj.device->ops->stream_destroy(s); /* waits for the stream's work */
  scratch_free(s);
  pthread_mutex_destroy(&s->scratch_lock);
  s->obj.magic = GPUK__MAGIC_DEAD;
  free(s);
}

gpuk_status gpuk__stream_scratch(gpuk_stream *s, size_t size, gpuk_buffer **buffer) {
  if (s->scratch && s->scratch->size >= size) {
    *buffer = s->scratch;
    return GPUK_SUCCESS;
  }
  gpuk_status st = s->obj.device->ops->stream_synchronize(s); /* the old one may be in use */
  if (st) return st;
  scratch_free(s);
  gpuk_buffer *b = calloc(1, sizeof *b);
  if (!b) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate scratch");
  b->obj.magic = GPUK__MAGIC_BUFFER;
  b->obj.device = s->obj.device;
  b->size = size;
  b->flags = GPUK_MEM_READ_WRITE;
  st = s->obj.device->ops->buffer_create(b);
  if (st) {
    free(b);
    return st;
  }
  s->scratch = *buffer = b;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_stream_create(gpuk_device *device, gpuk_stream **stream) {
  gpuk__clear_error();
  if (!stream) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "stream (output) is NULL");
  *stream = NULL;
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  gpuk_stream *s = NULL;
  st = gpuk__stream_new(device, &s);
  if (st) return st;
  gpuk__device_retain(device);
  *stream = s;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_stream_destroy(gpuk_stream *stream) {
  gpuk__clear_error();
  if (!stream) return GPUK_SUCCESS;
  gpuk_status st = gpuk__check_kind(stream, GPUK__MAGIC_STREAM, "stream");
  if (st) return st;
  if (stream == stream->obj.device->default_stream)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "stream is the device's default stream, owned by the device");
  gpuk_device *d = stream->obj.device;
  gpuk__stream_free(stream);
  gpuk__device_release(d);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_stream_synchronize(gpuk_stream *stream) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(stream, GPUK__MAGIC_STREAM, "stream");
  if (st) return st;
  return stream->obj.device->ops->stream_synchronize(stream);
}

gpuk_status gpuk_event_create(gpuk_device *device, gpuk_event **event) {
  gpuk__clear_error();
  if (!event) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "event (output) is NULL");
  *event = NULL;
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  gpuk_event *e = gpuk__new_child(device, sizeof *e, GPUK__MAGIC_EVENT);
  if (!e) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate an event handle");
  st = device->ops->event_create(e);
  if (st) {
    free(e);
    return st;
  }
  gpuk__device_retain(device);
  *event = e;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_event_destroy(gpuk_event *event) {
  gpuk__clear_error();
  if (!event) return GPUK_SUCCESS;
  gpuk_status st = gpuk__check_kind(event, GPUK__MAGIC_EVENT, "event");
  if (st) return st;
  event->obj.device->ops->event_destroy(event);
  gpuk__free_child(event);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_event_record(gpuk_event *event, gpuk_stream *stream) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(event, GPUK__MAGIC_EVENT, "event");
  if (st) return st;
  gpuk_stream *s;
  int blocking;
  st = gpuk__resolve_stream(stream, event->obj.device, &s, &blocking);
  if (st) return st;
  st = event->obj.device->ops->event_record(event, s);
  if (!st) event->recorded = 1;
  return st;
}

static gpuk_status check_recorded(const gpuk_event *event, const char *arg) {
  gpuk_status st = gpuk__check_object(event, GPUK__MAGIC_EVENT, arg);
  if (st) return st;
  if (!event->recorded)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "%s was never recorded on a stream", arg);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_event_synchronize(gpuk_event *event) {
  gpuk__clear_error();
  gpuk_status st = check_recorded(event, "event");
  if (st) return st;
  return event->obj.device->ops->event_synchronize(event);
}

gpuk_status gpuk_stream_wait_event(gpuk_stream *stream, gpuk_event *event) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(stream, GPUK__MAGIC_STREAM, "stream");
  if (!st) st = check_recorded(event, "event");
  if (!st) st = gpuk__check_same_device(stream->obj.device, event, "event");
  if (st) return st;
  return stream->obj.device->ops->stream_wait_event(stream, event);
}

gpuk_status gpuk_event_elapsed_ms(gpuk_event *start, gpuk_event *end, double *ms) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(start, GPUK__MAGIC_EVENT, "start");
  if (!st) st = gpuk__check_object(end, GPUK__MAGIC_EVENT, "end");
  if (!st) st = check_recorded(start, "start");
  if (!st) st = check_recorded(end, "end");
  if (!st) st = gpuk__check_same_device(start->obj.device, end, "end");
  if (st) return st;
  if (!ms) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "ms (output) is NULL");
  return start->obj.device->ops->event_elapsed_ms(start, end, ms);
}
