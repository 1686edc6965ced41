/* OpenCL streams are in-order command queues with profiling enabled; events are
 * markers, so elapsed time comes from the device's profiling counters. */
#include "../core/error.h"
#include "opencl.h"

static gpuk_status stream_create(gpuk_stream *s) {
  gpuk__cl_device *cl = gpuk__cl(s->obj.device);
  cl_int err;
  cl_command_queue q = clCreateCommandQueue(cl->context, cl->device, CL_QUEUE_PROFILING_ENABLE, &err);
  if (err != CL_SUCCESS) return gpuk__cl_fail(err, "clCreateCommandQueue");
  s->impl = q;
  return GPUK_SUCCESS;
}

static void stream_destroy(gpuk_stream *s) {
  clFinish(gpuk__cl_queue(s));
  clReleaseCommandQueue(gpuk__cl_queue(s));
}

static gpuk_status stream_synchronize(gpuk_stream *s) {
  cl_int err = clFinish(gpuk__cl_queue(s));
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clFinish");
}

static gpuk_status event_create(gpuk_event *e) {
  e->impl = NULL; /* the cl_event of the last record */
  return GPUK_SUCCESS;
}

static void event_destroy(gpuk_event *e) {
  if (e->impl) clReleaseEvent((cl_event)e->impl);
}

static gpuk_status event_record(gpuk_event *e, gpuk_stream *s) {
  cl_event ev;
  cl_int err = clEnqueueMarkerWithWaitList(gpuk__cl_queue(s), 0, NULL, &ev);
  if (err != CL_SUCCESS) return gpuk__cl_fail(err, "clEnqueueMarkerWithWaitList");
  /* Markers may sit in the queue until flushed; flushing keeps waits from other
   * queues and host waits from stalling. */
  clFlush(gpuk__cl_queue(s));
  event_destroy(e);
  e->impl = ev;
  return GPUK_SUCCESS;
}

static gpuk_status event_synchronize(gpuk_event *e) {
  cl_event ev = (cl_event)e->impl;
  cl_int err = clWaitForEvents(1, &ev);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clWaitForEvents");
}

static gpuk_status stream_wait_event(gpuk_stream *s, gpuk_event *e) {
  cl_event ev = (cl_event)e->impl;
  cl_int err = clEnqueueBarrierWithWaitList(gpuk__cl_queue(s), 1, &ev, NULL);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clEnqueueBarrierWithWaitList");
}

static gpuk_status event_end_ns(gpuk_event *e, cl_ulong *ns) {
  gpuk_status st = event_synchronize(e);
  if (st) return st;
  cl_int err = clGetEventProfilingInfo((cl_event)e->impl, CL_PROFILING_COMMAND_END, sizeof *ns, ns,
                                       NULL);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clGetEventProfilingInfo");
}

static gpuk_status event_elapsed_ms(gpuk_event *start, gpuk_event *end, double *ms) {
  cl_ulong a = 0, b = 0;
  gpuk_status st = event_end_ns(start, &a);
  if (!st) st = event_end_ns(end, &b);
  if (!st) *ms = ((double)b - (double)a) * 1e-6;
  return st;
}

void gpuk__cl_fill_stream_ops(gpuk_backend_ops *ops) {
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
