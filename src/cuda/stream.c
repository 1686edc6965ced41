/* CUDA streams (non-blocking) and events with device-side timing. */
#include "../core/error.h"
#include "cuda.h"

static gpuk_status stream_create(gpuk_stream *s) {
  gpuk_status st = gpuk__cu_bind(s->obj.device);
  if (st) return st;
  CUstream stream;
  CUresult r = gpuk__cu->cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING);
  if (r != CUDA_SUCCESS) return gpuk__cu_fail(r, "cuStreamCreate");
  s->impl = stream;
  return GPUK_SUCCESS;
}

static void stream_destroy(gpuk_stream *s) {
  if (gpuk__cu_bind(s->obj.device) != GPUK_SUCCESS) return;
  gpuk__cu->cuStreamSynchronize(gpuk__cu_stream(s));
  gpuk__cu->cuStreamDestroy(gpuk__cu_stream(s));
}

static gpuk_status stream_synchronize(gpuk_stream *s) {
  gpuk_status st = gpuk__cu_bind(s->obj.device);
  if (st) return st;
  CUresult r = gpuk__cu->cuStreamSynchronize(gpuk__cu_stream(s));
  return r == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r, "cuStreamSynchronize");
}

static gpuk_status event_create(gpuk_event *e) {
  gpuk_status st = gpuk__cu_bind(e->obj.device);
  if (st) return st;
  CUevent ev;
  CUresult r = gpuk__cu->cuEventCreate(&ev, CU_EVENT_DEFAULT);
  if (r != CUDA_SUCCESS) return gpuk__cu_fail(r, "cuEventCreate");
  e->impl = ev;
  return GPUK_SUCCESS;
}

static void event_destroy(gpuk_event *e) {
  if (gpuk__cu_bind(e->obj.device) == GPUK_SUCCESS) gpuk__cu->cuEventDestroy((CUevent)e->impl);
}

static gpuk_status event_record(gpuk_event *e, gpuk_stream *s) {
  gpuk_status st = gpuk__cu_bind(e->obj.device);
  if (st) return st;
  CUresult r = gpuk__cu->cuEventRecord((CUevent)e->impl, gpuk__cu_stream(s));
  return r == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r, "cuEventRecord");
}

static gpuk_status event_synchronize(gpuk_event *e) {
  gpuk_status st = gpuk__cu_bind(e->obj.device);
  if (st) return st;
  CUresult r = gpuk__cu->cuEventSynchronize((CUevent)e->impl);
  return r == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r, "cuEventSynchronize");
}

static gpuk_status stream_wait_event(gpuk_stream *s, gpuk_event *e) {
  gpuk_status st = gpuk__cu_bind(s->obj.device);
  if (st) return st;
  CUresult r = gpuk__cu->cuStreamWaitEvent(gpuk__cu_stream(s), (CUevent)e->impl, 0);
  return r == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r, "cuStreamWaitEvent");
}

static gpuk_status event_elapsed_ms(gpuk_event *start, gpuk_event *end, double *ms) {
  gpuk_status st = event_synchronize(end);
  if (!st) st = event_synchronize(start);
  if (st) return st;
  float f = 0;
  CUresult r = gpuk__cu->cuEventElapsedTime(&f, (CUevent)start->impl, (CUevent)end->impl);
  if (r != CUDA_SUCCESS) return gpuk__cu_fail(r, "cuEventElapsedTime");
  *ms = f;
  return GPUK_SUCCESS;
}

void gpuk__cu_fill_stream_ops(gpuk_backend_ops *ops) {
  ops->stream_create = stream_create;
  ops->stream_destroy = stream_destroy;
  ops->stream_synchronize = stream_synchronize;
  ops->event_create = event_create;
  ops->event_destroy = event_destroy;
  ops->event_record = event_record;
  ops->event_synchronize = event_synchronize;
  ops->stream_wait_event = stream_wait_event;
  ops->event_elapsed_ms = event_elapsed_ms;
}
