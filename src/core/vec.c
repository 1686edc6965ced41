/* The built-in vector operations (gpuk_vec_*): argument checks, then either the
 * backend's native op (CPU) or the shared kernels/stream.cl kernels (GPUs). */
#include <stdio.h>
#include <stdlib.h>

#include "builtin.h"
#include "handles.h"
#include "shape.h"
#include "vec_expr.h"

static gpuk_status check_vector(const gpuk_buffer *b, const char *arg, const gpuk_device *device,
                                size_t n) {
  gpuk_status st = gpuk__check_object(b, GPUK__MAGIC_BUFFER, arg);
  if (!st && device) st = gpuk__check_same_device(device, b, arg);
  if (st) return st;
  if (n > b->size / sizeof(float))
    return gpuk__set_error(GPUK_ERROR_OUT_OF_RANGE,
                           "%s holds %zu floats (%zu bytes); %zu needed", arg,
                           b->size / sizeof(float), b->size, n);
  return GPUK_SUCCESS;
}

typedef struct named_vector {
  const gpuk_buffer *buffer;
  const char *name;
} named_vector;

/* Checks count vectors and resolves the stream against the first's device. */
static gpuk_status prepare(gpuk_stream *stream, size_t n, size_t count, const named_vector *v,
                           gpuk_stream **s, int *blocking) {
  gpuk_status st = check_vector(v[0].buffer, v[0].name, NULL, n);
  if (st) return st;
  gpuk_device *d = v[0].buffer->obj.device;
  for (size_t i = 1; i < count; i++)
    if ((st = check_vector(v[i].buffer, v[i].name, d, n))) return st;
  return gpuk__resolve_stream(stream, d, s, blocking);
}

#define PREPARE(...)                                                                  \
  prepare(stream, n, sizeof((named_vector[]){__VA_ARGS__}) / sizeof(named_vector), \
          (named_vector[]){__VA_ARGS__}, &s, &blocking)

/* The element-wise ops: the shape follows from n. */
static gpuk_status launch_elementwise(gpuk_stream *s, const char *name, size_t n, size_t nargs,
                                      gpuk_arg *args) {
  gpuk__launch_shape shape = gpuk__stream_shape(s->obj.device, n);
  return gpuk__builtin_launch(s, "stream.cl", name, &shape, nargs, args);
}

gpuk_status gpuk_vec_copy_f32(gpuk_stream *stream, const gpuk_buffer *a, gpuk_buffer *c,
                              size_t n) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = PREPARE({a, "a"}, {c, "c"});
  if (st || n == 0) return st;
  const gpuk_backend_ops *ops = s->obj.device->ops;
  if (ops->vec_copy_f32) return gpuk__finish(s, blocking, ops->vec_copy_f32(s, a, c, n));
  gpuk_arg args[] = {gpuk_arg_buffer((gpuk_buffer *)a), gpuk_arg_buffer(c), gpuk_arg_u64(n)};
  return gpuk__finish(s, blocking, launch_elementwise(s, "gpuk_copy", n, 3, args));
}

gpuk_status gpuk_vec_scale_f32(gpuk_stream *stream, const gpuk_buffer *c, gpuk_buffer *b,
                               float scalar, size_t n) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = PREPARE({c, "c"}, {b, "b"});
  if (st || n == 0) return st;
  const gpuk_backend_ops *ops = s->obj.device->ops;
  if (ops->vec_scale_f32) return gpuk__finish(s, blocking, ops->vec_scale_f32(s, c, b, scalar, n));
  gpuk_arg args[] = {gpuk_arg_buffer((gpuk_buffer *)c), gpuk_arg_buffer(b), gpuk_arg_f32(scalar),
                     gpuk_arg_u64(n)};
  return gpuk__finish(s, blocking, launch_elementwise(s, "gpuk_scale", n, 4, args));
}

gpuk_status gpuk_vec_add_f32(gpuk_stream *stream, const gpuk_buffer *a, const gpuk_buffer *b,
                             gpuk_buffer *c, size_t n) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = PREPARE({a, "a"}, {b, "b"}, {c, "c"});
  if (st || n == 0) return st;
  const gpuk_backend_ops *ops = s->obj.device->ops;
  if (ops->vec_add_f32) return gpuk__finish(s, blocking, ops->vec_add_f32(s, a, b, c, n));
  gpuk_arg args[] = {gpuk_arg_buffer((gpuk_buffer *)a), gpuk_arg_buffer((gpuk_buffer *)b),
                     gpuk_arg_buffer(c), gpuk_arg_u64(n)};
  return gpuk__finish(s, blocking, launch_elementwise(s, "gpuk_add", n, 4, args));
}

gpuk_status gpuk_vec_triad_f32(gpuk_stream *stream, const gpuk_buffer *b, const gpuk_buffer *c,
                               gpuk_buffer *a, float scalar, size_t n) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = PREPARE({b, "b"}, {c, "c"}, {a, "a"});
  if (st || n == 0) return st;
  const gpuk_backend_ops *ops = s->obj.device->ops;
  if (ops->vec_triad_f32)
    return gpuk__finish(s, blocking, ops->vec_triad_f32(s, b, c, a, scalar, n));
  gpuk_arg args[] = {gpuk_arg_buffer((gpuk_buffer *)b), gpuk_arg_buffer((gpuk_buffer *)c),
                     gpuk_arg_buffer(a), gpuk_arg_f32(scalar), gpuk_arg_u64(n)};
  return gpuk__finish(s, blocking, launch_elementwise(s, "gpuk_triad", n, 5, args));
}

gpuk_status gpuk_vec_dot_f32(gpuk_stream *stream, const gpuk_buffer *a, const gpuk_buffer *b,
                             size_t n, double *result) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = PREPARE({a, "a"}, {b, "b"});
  if (st) return st;
  if (!result) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "result is NULL");
  *result = 0.0;
  if (n == 0) return GPUK_SUCCESS;
  const gpuk_backend_ops *ops = s->obj.device->ops;
  if (ops->vec_dot_f32) return ops->vec_dot_f32(s, a, b, n, result);
  return gpuk__vec_dot_expr(s, a, b, n, result);
}
