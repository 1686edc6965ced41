/* The built-in vector operations made from expression kernels (vec_expr.c). */
#ifndef GPUK_CORE_VEC_EXPR_H
#define GPUK_CORE_VEC_EXPR_H

#include "backend.h"

/* Destroys the device's expression handles (at close, before its reference). */
void gpuk__vec_expr_release(gpuk_device *device);

#endif
