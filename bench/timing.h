/* Times an enqueued operation with device events: warm-up runs, then one event
 * pair per timed run, median of the runs. */
#ifndef GPUK_BENCH_TIMING_H
#define GPUK_BENCH_TIMING_H

#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

typedef gpuk_status (*bench_op_fn)(gpuk_stream *s, void *ctx);

static inline int bench_time(gpuk_device *dev, gpuk_stream *s, const bench_options *o,
                             bench_op_fn fn, void *ctx, bench_stats *out) {
  gpuk_event *a, *b;
  BENCH_CHECK(gpuk_event_create(dev, &a));
  BENCH_CHECK(gpuk_event_create(dev, &b));
  for (int i = 0; i < o->warmup; i++) BENCH_CHECK(fn(s, ctx));
  BENCH_CHECK(gpuk_stream_synchronize(s));
  double *samples = calloc((size_t)o->repeat, sizeof *samples);
  if (!samples) return 2;
  for (int i = 0; i < o->repeat; i++) {
    BENCH_CHECK(gpuk_event_record(a, s));
    BENCH_CHECK(fn(s, ctx));
    BENCH_CHECK(gpuk_event_record(b, s));
    BENCH_CHECK(gpuk_event_elapsed_ms(a, b, &samples[i]));
  }
  *out = bench_summarize(samples, o->repeat);
  free(samples);
  gpuk_event_destroy(a);
  gpuk_event_destroy(b);
  return 0;
}

/* Times fn (data on the device) into row->t, then with_transfers (the same op
 * with its inputs uploaded and its output read back) into row->xfer_median_ms;
 * the second set follows warm runs, so it warms up once. */
static inline int bench_time_both(gpuk_device *dev, gpuk_stream *s, const bench_options *o,
                                  bench_op_fn fn, bench_op_fn with_transfers, void *ctx,
                                  bench_row *row) {
  bench_options warm = *o;
  warm.warmup = o->warmup ? 1 : 0;
  bench_stats t;
  int rc = bench_time(dev, s, o, fn, ctx, &row->t);
  if (!rc) rc = bench_time(dev, s, &warm, with_transfers, ctx, &t);
  if (!rc) row->xfer_median_ms = t.median_ms;
  return rc;
}

#endif
