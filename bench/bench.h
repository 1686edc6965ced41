/* Shared pieces of gpuk-bench: options, timing statistics, result rows. */
#ifndef GPUK_BENCH_BENCH_H
#define GPUK_BENCH_BENCH_H

#include <gpuk/gpuk.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bench_options {
  size_t n;      /* elements (float) for memory-bound ops; matmul: columns of C */
  size_t m, k;   /* matmul: rows of C and the shared dimension (both n unless --shape) */
  int trans_a, trans_b; /* matmul --trans: op(A) = A^T, op(B) = B^T */
  int n_given;   /* --n was on the command line */
  int repeat;    /* timed runs; the median is reported */
  int warmup;    /* untimed runs first */
  int csv, json, quiet;
  const char *blocks; /* matmul: comma-separated block shapes, or NULL */
  int tune;           /* matmul: search block shapes first and save the winner */
  unsigned tune_max;  /* matmul --tune: shapes tried at most (0: all) */
  gpuk_dtype dtype;   /* --dtype: element type of matmul, elementwise and reduce */
} bench_options;

typedef struct bench_stats {
  double median_ms, min_ms, max_ms;
} bench_stats;

/* matmul's leading dimensions (row-major, packed): A is m x k, or k x m when
 * transposed; B is k x n, or n x k. */
static inline size_t bench_gemm_lda(const bench_options *o) { return o->trans_a ? o->m : o->k; }
static inline size_t bench_gemm_ldb(const bench_options *o) { return o->trans_b ? o->k : o->n; }

/* The CUDA driver the raw-API and cuBLAS yardsticks open (a test names a
 * stand-in). */
#ifndef GPUK_BENCH_LIBCUDA
#define GPUK_BENCH_LIBCUDA "libcuda.so.1"
#endif

/* Median, min and max of n samples (sorts them). */
bench_stats bench_summarize(double *samples, int n);

/* One output row. Fields that do not apply are NULL or negative. */
typedef struct bench_row {
  const char *op;       /* "triad", "copy-d2d", "launch-async" ... */
  const char *device;   /* selector */
  const char *device_name;
  size_t n;
  size_t m, k;          /* matmul: C is m x n, the shared dimension k; 0 if n/a */
  const char *trans;    /* matmul: "nn", "nt", "tn" or "tt"; NULL if n/a */
  bench_stats t;
  double gbps;          /* < 0 when not a bandwidth figure */
  double pct_of_copy;   /* % of this device's copy bandwidth (yardstick says which), < 0 if n/a */
  double us_per_call;   /* < 0 when not a latency figure */
  const char *yardstick;  /* what pct_of_yardstick compares against */
  double pct_of_yardstick; /* ours relative to the yardstick (100 = equal), < 0 if n/a */
  double max_error;     /* verification error, < 0 if n/a */
  int verified;         /* 1 passed, 0 failed */
  double gflops;        /* < 0 when not a compute figure */
  double speedup;       /* over the CPU device in the same run, < 0 if n/a */
  const char *block;    /* block shape, NULL if n/a */
  const char *block_origin; /* "given" (--block), "tuned", "device table", ...; NULL if n/a */
  const char *dtype;    /* "f32", "f64"; NULL if n/a */
  double xfer_median_ms; /* the same op with its inputs uploaded and its output read back
                            inside the timed region, < 0 if n/a */
  double pct_of_peak;   /* GFLOP/s as % of the device's reported peak, < 0 if n/a */
} bench_row;

/* A row with every optional figure marked "not applicable" and verified = 1. */
bench_row bench_row_new(const char *op, const char *device, const char *device_name, size_t n);

void bench_print_header(const bench_options *o);
void bench_print_row(const bench_options *o, const bench_row *r);
void bench_print_footer(const bench_options *o);

/* n random values in [lo, hi) that use every mantissa bit of dtype (a kernel
 * that rounds doubles to float fails its check): the same values as double in
 * ref and as dtype in typed. */
void bench_random(double *ref, void *typed, gpuk_dtype dtype, size_t n, uint64_t seed, double lo,
                  double hi);

/* Fills a buffer of dtype elements with NaN, synchronously. */
gpuk_status bench_poison(gpuk_buffer *buffer, size_t bytes, gpuk_dtype dtype);

/* "f32" or "f64". */
const char *bench_dtype_name(gpuk_dtype dtype);

/* matmul's transposes as --trans spells them: "nn", "nt", "tn" or "tt". */
const char *bench_trans_name(const bench_options *o);

/* Host monotonic time in milliseconds. */
double bench_now_ms(void);

/* Each op returns 0 on success, 1 on a verification failure, 2+ on an error. */
int bench_copy(gpuk_device *dev, const char *sel, const bench_options *o);
/* reduce 0: the element-wise rows (triad, axpy), 1: the reduction rows (dot, sum). */
int bench_stream(gpuk_device *dev, const char *sel, const bench_options *o, int reduce);
int bench_launch(gpuk_device *dev, const char *sel, const bench_options *o);
/* cpu_ms: the CPU device's median for the same size (< 0: unknown); the
 * device's own median comes back in *median_ms. */
int bench_matmul(gpuk_device *dev, const char *sel, const bench_options *o, double cpu_ms,
                 double *median_ms);

#define BENCH_CHECK(call)                                                              \
  do {                                                                                 \
    gpuk_status st_ = (call);                                                          \
    if (st_ != GPUK_SUCCESS) {                                                         \
      fprintf(stderr, "gpuk-bench: %s failed: %s: %s\n", #call, gpuk_status_name(st_), \
              gpuk_last_error());                                                      \
      return 2;                                                                        \
    }                                                                                  \
  } while (0)

#endif
