/* Opens the OpenCL device a gpuk_device_info describes, without libgpuk. */
#include "raw_opencl.h"

int raw_cl_device_open(const gpuk_device_info *info, raw_cl_device *d) {
  cl_platform_id platforms[16];
  cl_uint np = 0;
  if (clGetPlatformIDs(16, platforms, &np) != CL_SUCCESS || (cl_uint)info->platform_index >= np)
    return 1;
  cl_device_id devices[64];
  cl_uint nd = 0;
  if (clGetDeviceIDs(platforms[info->platform_index], CL_DEVICE_TYPE_ALL, 64, devices, &nd) !=
          CL_SUCCESS ||
      (cl_uint)info->device_index >= nd)
    return 1;
  d->device = devices[info->device_index];
  cl_int err;
  d->context = clCreateContext(NULL, 1, &d->device, NULL, NULL, &err);
  if (err) return 1;
  d->queue = clCreateCommandQueue(d->context, d->device, 0, &err);
  return err != CL_SUCCESS;
}

void raw_cl_device_close(raw_cl_device *d) {
  if (d->queue) clReleaseCommandQueue(d->queue);
  if (d->context) clReleaseContext(d->context);
  d->queue = NULL;
  d->context = NULL;
}
