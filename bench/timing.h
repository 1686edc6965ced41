/* Times enqueued operations with device events: warm-up runs, then one event
 * pair per timed run, medians of the runs. */
#ifndef GPUK_BENCH_TIMING_H
#define GPUK_BENCH_TIMING_H

#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

typedef gpuk_status (*bench_op_fn)(gpuk_stream *s, void *ctx);

/* Times fn, and when yard_fn is given a yardstick op in alternation with it
 * (one run of each per round, so that drift in the machine's load hits both
 * alike): warm-up runs, one event pair per timed run, medians into *t and
 * *yard. */
static inline int bench_time_alternating(gpuk_device *dev, gpuk_stream *s, const bench_options *o,
                                         bench_op_fn fn, void *ctx, bench_op_fn yard_fn,
                                         void *yard_ctx, bench_stats *t, bench_stats *yard) {
  gpuk_event *ev[4];
  for (int e = 0; e < 4; e++) BENCH_CHECK(gpuk_event_create(dev, &ev[e]));
  for (int i = 0; i < o->warmup; i++) {
    BENCH_CHECK(fn(s, ctx));
    if (yard_fn) BENCH_CHECK(yard_fn(s, yard_ctx));
  }
  BENCH_CHECK(gpuk_stream_synchronize(s));
  double *samples = calloc((size_t)o->repeat * 2, sizeof *samples);
  if (!samples) return 2;
  double *yard_samples = samples + o->repeat;
  for (int i = 0; i < o->repeat; i++) {
    BENCH_CHECK(gpuk_event_record(ev[0], s));
    BENCH_CHECK(fn(s, ctx));
    BENCH_CHECK(gpuk_event_record(ev[1], s));
    if (yard_fn) {
      BENCH_CHECK(gpuk_event_record(ev[2], s));
      BENCH_CHECK(yard_fn(s, yard_ctx));
      BENCH_CHECK(gpuk_event_record(ev[3], s));
      BENCH_CHECK(gpuk_event_elapsed_ms(ev[2], ev[3], &yard_samples[i]));
    }
    BENCH_CHECK(gpuk_event_elapsed_ms(ev[0], ev[1], &samples[i]));
  }
  *t = bench_summarize(samples, o->repeat);
  if (yard_fn) *yard = bench_summarize(yard_samples, o->repeat);
  free(samples);
  for (int e = 0; e < 4; e++) gpuk_event_destroy(ev[e]);
  return 0;
}

static inline int bench_time(gpuk_device *dev, gpuk_stream *s, const bench_options *o,
                             bench_op_fn fn, void *ctx, bench_stats *out) {
  return bench_time_alternating(dev, s, o, fn, ctx, NULL, NULL, out, NULL);
}

/* Times fn (data on the device) into row->t, alternating with yard_fn into
 * *yard when yard_fn is given, then with_transfers (the same op with its
 * inputs uploaded and its output read back) into row->xfer_median_ms; the
 * second set follows warm runs, so it warms up once. */
static inline int bench_time_both(gpuk_device *dev, gpuk_stream *s, const bench_options *o,
                                  bench_op_fn fn, bench_op_fn with_transfers, void *ctx,
                                  bench_op_fn yard_fn, void *yard_ctx, bench_stats *yard,
                                  bench_row *row) {
  bench_options warm = *o;
  warm.warmup = o->warmup ? 1 : 0;
  bench_stats t;
  int rc = bench_time_alternating(dev, s, o, fn, ctx, yard_fn, yard_ctx, &row->t, yard);
  if (!rc) rc = bench_time(dev, s, &warm, with_transfers, ctx, &t);
  if (!rc) row->xfer_median_ms = t.median_ms;
  return rc;
}

#endif
