/* The built-in vector operations made from expression kernels (vec_expr.c). */
#ifndef GPUK_CORE_VEC_EXPR_H
#define GPUK_CORE_VEC_EXPR_H

#include "backend.h"

/* Destroys the device's expression handles (at close, before its reference). */
void gpuk__vec_expr_release(gpuk_device *device);

/* The dot product of x and y over [0, n) from a generated reduction (double
 * accumulator where the device has doubles), for backends without their own;
 * arguments already checked by gpuk_vec_dot_f32. */
gpuk_status gpuk__vec_dot_expr(gpuk_stream *stream, const gpuk_buffer *x, const gpuk_buffer *y,
                               size_t n, double *result);

#endif
