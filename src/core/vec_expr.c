/* The built-in vector operations made from expression kernels: axpy, sum, min,
 * max and norm2 on float (and the float dot on backends without their own),
 * and every op on double. Each is an element-wise or reduction handle created
 * on a device's first call and kept until the device closes. */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "vec_expr.h"

typedef enum op_kind {
  OP_COPY, OP_SCALE, OP_ADD, OP_TRIAD, OP_AXPY, /* element-wise */
  OP_SUM, OP_DOT, OP_MIN, OP_MAX, OP_SUMSQ, OP_MAXABS, OP_SUMSQ_SCALED, /* reductions */
  OP_COUNT
} op_kind;
#define FIRST_REDUCTION OP_SUM

typedef enum elem_type { ELEM_F32, ELEM_F64, ELEM_COUNT } elem_type;
static const char *const elem_names[ELEM_COUNT] = {"float", "double"};
static const char *const elem_suffixes[ELEM_COUNT] = {"f32", "f64"};

/* Argument signatures with $ for the element type; the element-wise ops'
 * operation, the reductions' map (in acc_t, the accumulator type), neutral and
 * reduce expressions. Sums accumulate in double where the device has it (a
 * float running sum of a million squares is off by ~1e-5 relative); fmin/fmax
 * are exact in the element type and skip NaN elements, as C's do. The kernel's
 * name is the public function's without gpuk_ (vec_sum_f32), so that argument
 * errors name what the user called. */
static const struct op_def {
  const char *name, *arguments, *expr, *neutral, *reduce;
  int accumulate_double;
} defs[OP_COUNT] = {
    [OP_COPY] = {"vec_copy", "const $ *a, $ *c", "c[i] = a[i]"},
    [OP_SCALE] = {"vec_scale", "const $ *c, $ *b, $ scalar", "b[i] = scalar * c[i]"},
    [OP_ADD] = {"vec_add", "const $ *a, const $ *b, $ *c", "c[i] = a[i] + b[i]"},
    [OP_TRIAD] = {"vec_triad", "const $ *b, const $ *c, $ *a, $ scalar",
                  "a[i] = b[i] + scalar * c[i]"},
    [OP_AXPY] = {"vec_axpy", "const $ *x, $ *y, $ a", "y[i] = a * x[i] + y[i]"},
    [OP_SUM] = {"vec_sum", "const $ *x", "(acc_t)x[i]", "0", "a + b", 1},
    [OP_DOT] = {"vec_dot", "const $ *x, const $ *y", "(acc_t)x[i] * y[i]", "0", "a + b", 1},
    [OP_MIN] = {"vec_min", "const $ *x", "x[i]", "INFINITY", "fmin(a, b)", 0},
    [OP_MAX] = {"vec_max", "const $ *x", "x[i]", "-INFINITY", "fmax(a, b)", 0},
    [OP_SUMSQ] = {"vec_norm2", "const $ *x", "(acc_t)x[i] * x[i]", "0", "a + b", 1},
    [OP_MAXABS] = {"vec_norm2", "const $ *x", "fabs(x[i])", "0", "fmax(a, b)", 0},
    [OP_SUMSQ_SCALED] = {"vec_norm2", "const $ *x, $ s", "((acc_t)x[i] / s) * ((acc_t)x[i] / s)",
                         "0", "a + b", 1},
};

struct gpuk__vec_expr {
  pthread_mutex_t lock;
  void *handles[ELEM_COUNT][OP_COUNT]; /* gpuk_elementwise or gpuk_reduction */
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
  for (int t = 0; t < ELEM_COUNT; t++)
    for (int op = 0; op < OP_COUNT; op++) {
      if (op < FIRST_REDUCTION)
        gpuk_elementwise_destroy(v->handles[t][op]);
      else
        gpuk_reduction_destroy(v->handles[t][op]);
    }
  pthread_mutex_destroy(&v->lock);
  free(v);
  device->vec_expr = NULL;
}

/* The signature of op on type t: each $ of the template replaced. */
static void expand_arguments(const char *template, elem_type t, char *out, size_t size) {
  size_t used = 0;
  for (const char *p = template; *p && used + 1 < size; p++) {
    if (*p == '$')
      used += (size_t)snprintf(out + used, size - used, "%s", elem_names[t]);
    else
      out[used++] = *p;
  }
  out[used < size ? used : size - 1] = '\0';
}

/* Whether reduction op on type t accumulates in double on device (else float). */
static int accumulates_double(const gpuk_device *device, elem_type t, op_kind op) {
  return t == ELEM_F64 || (defs[op].accumulate_double && device->entry.info.supports_double);
}

static gpuk_status create_op(gpuk_device *device, elem_type t, op_kind op, void **handle) {
  const struct op_def *d = &defs[op];
  char arguments[96], name[32];
  expand_arguments(d->arguments, t, arguments, sizeof arguments);
  snprintf(name, sizeof name, "%s_%s", d->name, elem_suffixes[t]);
  if (op < FIRST_REDUCTION)
    return gpuk_elementwise_create(device, arguments, d->expr, name, NULL,
                                   (gpuk_elementwise **)handle);
  const int dbl = accumulates_double(device, t, op);
  return gpuk_reduction_create(device, dbl ? GPUK_FLOAT64 : GPUK_FLOAT32, d->neutral, d->reduce, d->expr, arguments, name,
                               dbl ? "typedef double acc_t;" : "typedef float acc_t;",
                               (gpuk_reduction **)handle);
}

/* The handle of op on type t for device, created on first use. */
static gpuk_status get_op(gpuk_device *device, elem_type t, op_kind op, void **handle) {
  struct gpuk__vec_expr *v = ops_of(device);
  if (!v) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the built-in ops");
  gpuk_status st = GPUK_SUCCESS;
  pthread_mutex_lock(&v->lock);
  if (!v->handles[t][op]) st = create_op(device, t, op, &v->handles[t][op]);
  *handle = v->handles[t][op];
  pthread_mutex_unlock(&v->lock);
  return st;
}

/* The device of the first vector argument, checked (the kernels check the
 * rest against their signatures). */
static gpuk_status device_of(const gpuk_buffer *x, const char *arg, gpuk_device **device) {
  gpuk_status st = gpuk__check_object(x, GPUK__MAGIC_BUFFER, arg);
  if (!st) *device = x->obj.device;
  return st;
}

/* Runs element-wise op on type t over [0, n); args[0] is a buffer named first. */
static gpuk_status elementwise(gpuk_stream *stream, elem_type t, op_kind op, const char *first,
                               size_t nargs, gpuk_arg *args, size_t n) {
  gpuk__clear_error();
  gpuk_device *device;
  void *k;
  gpuk_status st = device_of(args[0].value.buffer, first, &device);
  if (!st) st = get_op(device, t, op, &k);
  return st ? st : gpuk_elementwise_run(stream, k, 0, n, nargs, args);
}

/* Runs reduction op on type t over x[0, n) (args[0] is x) into *result; n == 0
 * gives empty_value, or an error when the operation has no value for no
 * elements (empty_value NaN). */
static gpuk_status reduce(gpuk_stream *stream, elem_type t, op_kind op, size_t nargs,
                          const gpuk_arg *args, size_t n, double *result, double empty_value) {
  gpuk__clear_error();
  gpuk_device *device;
  gpuk_status st = device_of(args[0].value.buffer, "x", &device);
  if (st) return st;
  if (!result) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "result is NULL");
  if (n == 0 && isnan(empty_value))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "n is 0: the %s of no elements is undefined", defs[op].name + 4);
  void *r;
  st = get_op(device, t, op, &r);
  if (st) return st;
  union {
    float f;
    double d;
  } value;
  st = gpuk_reduction_run(stream, r, 0, n, nargs, args, &value);
  if (!st) *result = n == 0 ? empty_value : accumulates_double(device, t, op) ? value.d : value.f;
  return st;
}

static gpuk_arg buffer_arg(const gpuk_buffer *b) { return gpuk_arg_buffer((gpuk_buffer *)b); }

static gpuk_status reduce_x(gpuk_stream *stream, elem_type t, op_kind op, const gpuk_buffer *x,
                            size_t n, double *result, double empty_value) {
  gpuk_arg args[] = {buffer_arg(x)};
  return reduce(stream, t, op, 1, args, n, result, empty_value);
}

static gpuk_status dot(gpuk_stream *stream, elem_type t, const gpuk_buffer *x,
                       const gpuk_buffer *y, size_t n, double *result) {
  gpuk_arg args[] = {buffer_arg(x), buffer_arg(y)};
  return reduce(stream, t, OP_DOT, 2, args, n, result, 0.0);
}

/* sqrt(sum x[i]^2). The sum of squares is in range unless some square
 * overflows or the squares are too small to keep their precision (below the
 * accumulator's smallest normal over its epsilon, zero included); then the
 * vector is scaled by its largest magnitude m first: m * sqrt(sum (x[i]/m)^2),
 * as BLAS's nrm2 does, at the price of two more passes. */
static gpuk_status norm2(gpuk_stream *stream, elem_type t, const gpuk_buffer *x, size_t n,
                         double *result) {
  gpuk_status st = reduce_x(stream, t, OP_SUMSQ, x, n, result, 0.0);
  if (st || n == 0) return st;
  const int acc_double = accumulates_double(x->obj.device, t, OP_SUMSQ);
  const double ss = *result;
  const double tiny = acc_double ? DBL_MIN / DBL_EPSILON : FLT_MIN / FLT_EPSILON;
  const double huge = acc_double ? DBL_MAX : FLT_MAX;
  if (isnan(ss) || (ss >= tiny && ss <= huge)) {
    *result = sqrt(ss);
    return GPUK_SUCCESS;
  }
  double m;
  if ((st = reduce_x(stream, t, OP_MAXABS, x, n, &m, 0.0))) return st;
  if (m == 0 || isinf(m)) {
    *result = m;
    return GPUK_SUCCESS;
  }
  gpuk_arg args[] = {buffer_arg(x), t == ELEM_F64 ? gpuk_arg_f64(m) : gpuk_arg_f32((float)m)};
  double scaled;
  if ((st = reduce(stream, t, OP_SUMSQ_SCALED, 2, args, n, &scaled, 0.0))) return st;
  *result = m * sqrt(scaled);
  return GPUK_SUCCESS;
}

/* ---------------------------------------------------------------- float */

gpuk_status gpuk__vec_dot_expr(gpuk_stream *stream, const gpuk_buffer *x, const gpuk_buffer *y,
                               size_t n, double *result) {
  return dot(stream, ELEM_F32, x, y, n, result);
}

gpuk_status gpuk_vec_axpy_f32(gpuk_stream *stream, const gpuk_buffer *x, gpuk_buffer *y,
                              float alpha, size_t n) {
  gpuk_arg args[] = {buffer_arg(x), gpuk_arg_buffer(y), gpuk_arg_f32(alpha)};
  return elementwise(stream, ELEM_F32, OP_AXPY, "x", 3, args, n);
}

gpuk_status gpuk_vec_sum_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce_x(stream, ELEM_F32, OP_SUM, x, n, result, 0.0);
}

gpuk_status gpuk_vec_min_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce_x(stream, ELEM_F32, OP_MIN, x, n, result, NAN);
}

gpuk_status gpuk_vec_max_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce_x(stream, ELEM_F32, OP_MAX, x, n, result, NAN);
}

gpuk_status gpuk_vec_norm2_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                               double *result) {
  return norm2(stream, ELEM_F32, x, n, result);
}

/* ---------------------------------------------------------------- double */

gpuk_status gpuk_vec_copy_f64(gpuk_stream *stream, const gpuk_buffer *a, gpuk_buffer *c,
                              size_t n) {
  gpuk_arg args[] = {buffer_arg(a), gpuk_arg_buffer(c)};
  return elementwise(stream, ELEM_F64, OP_COPY, "a", 2, args, n);
}

gpuk_status gpuk_vec_scale_f64(gpuk_stream *stream, const gpuk_buffer *c, gpuk_buffer *b,
                               double scalar, size_t n) {
  gpuk_arg args[] = {buffer_arg(c), gpuk_arg_buffer(b), gpuk_arg_f64(scalar)};
  return elementwise(stream, ELEM_F64, OP_SCALE, "c", 3, args, n);
}

gpuk_status gpuk_vec_add_f64(gpuk_stream *stream, const gpuk_buffer *a, const gpuk_buffer *b,
                             gpuk_buffer *c, size_t n) {
  gpuk_arg args[] = {buffer_arg(a), buffer_arg(b), gpuk_arg_buffer(c)};
  return elementwise(stream, ELEM_F64, OP_ADD, "a", 3, args, n);
}

gpuk_status gpuk_vec_triad_f64(gpuk_stream *stream, const gpuk_buffer *b, const gpuk_buffer *c,
                               gpuk_buffer *a, double scalar, size_t n) {
  gpuk_arg args[] = {buffer_arg(b), buffer_arg(c), gpuk_arg_buffer(a), gpuk_arg_f64(scalar)};
  return elementwise(stream, ELEM_F64, OP_TRIAD, "b", 4, args, n);
}

gpuk_status gpuk_vec_axpy_f64(gpuk_stream *stream, const gpuk_buffer *x, gpuk_buffer *y,
                              double alpha, size_t n) {
  gpuk_arg args[] = {buffer_arg(x), gpuk_arg_buffer(y), gpuk_arg_f64(alpha)};
  return elementwise(stream, ELEM_F64, OP_AXPY, "x", 3, args, n);
}

gpuk_status gpuk_vec_dot_f64(gpuk_stream *stream, const gpuk_buffer *x, const gpuk_buffer *y,
                             size_t n, double *result) {
  return dot(stream, ELEM_F64, x, y, n, result);
}

gpuk_status gpuk_vec_sum_f64(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce_x(stream, ELEM_F64, OP_SUM, x, n, result, 0.0);
}

gpuk_status gpuk_vec_min_f64(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce_x(stream, ELEM_F64, OP_MIN, x, n, result, NAN);
}

gpuk_status gpuk_vec_max_f64(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                             double *result) {
  return reduce_x(stream, ELEM_F64, OP_MAX, x, n, result, NAN);
}

gpuk_status gpuk_vec_norm2_f64(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                               double *result) {
  return norm2(stream, ELEM_F64, x, n, result);
}
