/* The device behind a libgpuk OpenCL device, opened directly through OpenCL,
 * for the raw-API yardsticks (launch loop, CLBlast). */
#ifndef GPUK_BENCH_RAW_OPENCL_H
#define GPUK_BENCH_RAW_OPENCL_H

#include <CL/cl.h>
#include <gpuk/gpuk.h>

typedef struct raw_cl_device {
  cl_device_id device;
  cl_context context;
  cl_command_queue queue;
} raw_cl_device;

/* Opens info's platform/device with an in-order queue; returns 0 on success. */
int raw_cl_device_open(const gpuk_device_info *info, raw_cl_device *d);
void raw_cl_device_close(raw_cl_device *d);

#endif
