/* The built-in vector operations made from expression kernels (axpy, sum,
 * min, max, norm2, and dot on backends without their own): each is an
 * element-wise or reduction handle created on a device's first call and kept
 * until the device closes. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "handles.h"
#include "vec_expr.h"

typedef enum op_kind { OP_AXPY, OP_SUM, OP_DOT, OP_MIN, OP_MAX, OP_SUMSQ, OP_COUNT } op_kind;

/* A reduction over "const float *x" (and "const float *y" for the dot; reduce
 * and map expressions in acc_t, the accumulator type), or the element-wise axpy. Sums accumulate in double where
 * the device has it (a float running sum of a million squares is off by ~1e-5
 * relative); fmin/fmax are exact in float and skip NaN elements, as C's do. */
static const struct op_def {
  const char *name, *neutral, *reduce, *map;
  int accumulate_double;
} defs[OP_COUNT] = {
    [OP_AXPY] = {"vec_axpy", NULL, NULL, "y[i] = a * x[i] + y[i]", 0},
    [OP_SUM] = {"vec_sum", "0", "a + b", "(acc_t)x[i]", 1},
    [OP_DOT] = {"vec_dot", "0", "a + b", "(acc_t)x[i] * y[i]", 1},
    [OP_MIN] = {"vec_min", "INFINITY", "fmin(a, b)", "x[i]", 0},
    [OP_MAX] = {"vec_max", "-INFINITY", "fmax(a, b)", "x[i]", 0},
    [OP_SUMSQ] = {"vec_sumsq", "0", "a + b", "(acc_t)x[i] * x[i]", 1},
};

struct gpuk__vec_expr {
  pthread_mutex_t lock;
  gpuk_elementwise *axpy;
  gpuk_reduction *reductions[OP_COUNT];
  gpuk_dtype acc_type[OP_COUNT]; /* of each created reduction */
};

static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;

static struct gpuk__vec_expr *ops_of(gpuk_device *device) {
  pthread_mutex_lock(&create_lock);
  if (!device->vec_expr) {
    struct gpuk__vec_expr *v = calloc(1, sizeof *v);
    if (v) {
      pthread_mutex_init(&v->lock, NULL);
      device->vec_expr = v;
    }
  }
  pthread_mutex_unlock(&create_lock);
  return device->vec_expr;
}

void gpuk__vec_expr_release(gpuk_device *device) {
  struct gpuk__vec_expr *v = device->vec_expr;
  if (!v) return;
  gpuk_elementwise_destroy(v->axpy);
  for (int i = 0; i < OP_COUNT; i++) gpuk_reduction_destroy(v->reductions[i]);
  pthread_mutex_destroy(&v->lock);
  free(v);
  device->vec_expr = NULL;
}

/* The handle of op on device, created on first use, and for reductions the
 * type they accumulate in. */
static gpuk_status get_op(gpuk_device *device, op_kind op, void **handle, gpuk_dtype *acc_type) {
  struct gpuk__vec_expr *v = ops_of(device);
  if (!v) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the built-in ops");
  const struct op_def *d = &defs[op];
  gpuk_status st = GPUK_SUCCESS;
  pthread_mutex_lock(&v->lock);
  if (op == OP_AXPY) {
    if (!v->axpy)
      st = gpuk_elementwise_create(device, "const float *x, float *y, float a", d->map, d->name,
                                   NULL, &v->axpy);
    *handle = v->axpy;
  } else {
    if (!v->reductions[op]) {
      int dbl = d->accumulate_double && device->entry.info.supports_double;
      v->acc_type[op] = dbl ? GPUK_FLOAT64 : GPUK_FLOAT32;
      st = gpuk_reduction_create(device, v->acc_type[op], d->neutral, d->reduce, d->map,
                                 op == OP_DOT ? "const float *x, const float *y" : "const float *x",
                                 d->name,
                                 dbl ? "typedef double acc_t;" : "typedef float acc_t;",
                                 &v->reductions[op]);
    }
    *handle = v->reductions[op];
    *acc_type = v->acc_type[op];
  }
  pthread_mutex_unlock(&v->lock);
  return st;
}

/* The device of a vector argument, checked. */
static gpuk_status device_of(const gpuk_buffer *x, const char *arg, gpuk_device **device) {
  gpuk_status st = gpuk__check_object(x, GPUK__MAGIC_BUFFER, arg);
  if (!st) *device = x->obj.device;
  return st;
}

gpuk_status gpuk_vec_axpy_f32(gpuk_stream *stream, const gpuk_buffer *x, gpuk_buffer *y,
                              float alpha, size_t n) {
  gpuk__clear_error();
  gpuk_device *device;
  void *k;
  gpuk_status st = device_of(x, "x", &device);
  if (!st) st = gpuk__check_object(y, GPUK__MAGIC_BUFFER, "y");
  if (!st) st = gpuk__check_same_device(device, y, "y");
  gpuk_dtype unused;
  if (!st) st = get_op(device, OP_AXPY, &k, &unused);
  if (st) return st;
  gpuk_arg args[] = {gpuk_arg_buffer((gpuk_buffer *)x), gpuk_arg_buffer(y), gpuk_arg_f32(alpha)};
  return gpuk_elementwise_run(stream, k, 0, n, 3, args);
}

/* Runs reduction op over x[0, n) (and y, for the dot) into *result; n == 0
 * gives empty_value, or an error when the operation has no value for no
 * elements (empty_value NaN). */
static gpuk_status reduce(gpuk_stream *stream, op_kind op, const gpuk_buffer *x,
                          const gpuk_buffer *y, size_t n, double *result, double empty_value) {
  gpuk__clear_error();
  gpuk_device *device;
  gpuk_status st = device_of(x, "x", &device);
  if (st) return st;
  if (!result) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "result is NULL");
  if (n == 0 && isnan(empty_value))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "n is 0: the %s of no elements is undefined", defs[op].name + 4);
  void *r;
  gpuk_dtype acc_type;
  st = get_op(device, op, &r, &acc_type);
  if (st) return st;
  union {
    float f;
    double d;
  } value;
  gpuk_arg args[] = {gpuk_arg_buffer((gpuk_buffer *)x), gpuk_arg_buffer((gpuk_buffer *)y)};
  st = gpuk_reduction_run(stream, r, 0, n, y ? 2 : 1, args, &value);
  if (!st) *result = n == 0 ? empty_value : acc_type == GPUK_FLOAT64 ? value.d : value.f;
  return st;
}

gpuk_status gpuk__vec_dot_expr(gpuk_stream *stream, const gpuk_buffer *x, const gpuk_buffer *y,
                               size_t n, double *result) {
  return reduce(stream, OP_DOT, x, y, n, result, 0.0);
}

gpuk_status gpuk_vec_sum_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce(stream, OP_SUM, x, NULL, n, result, 0.0);
}

gpuk_status gpuk_vec_min_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce(stream, OP_MIN, x, NULL, n, result, NAN);
}

gpuk_status gpuk_vec_max_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce(stream, OP_MAX, x, NULL, n, result, NAN);
}

gpuk_status gpuk_vec_norm2_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                               double *result) {
  gpuk_status st = reduce(stream, OP_SUMSQ, x, NULL, n, result, 0.0);
  if (!st) *result = sqrt(*result);
  return st;
}
