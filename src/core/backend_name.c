/* Backend names, kept apart from discovery so that the parsers' fuzzers can
 * link them alone. */
#include "gpuk/gpuk.h"

const char *gpuk_backend_name(gpuk_backend backend) {
  switch (backend) {
    case GPUK_BACKEND_CPU: return "cpu";
    case GPUK_BACKEND_OPENCL: return "opencl";
    case GPUK_BACKEND_CUDA: return "cuda";
    default: return "unknown";
  }
}
