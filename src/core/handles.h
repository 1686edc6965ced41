/* Handle tags, argument checks shared by every public entry point, and the
 * device reference counting that keeps children valid after a device closes. */
#ifndef GPUK_CORE_HANDLES_H
#define GPUK_CORE_HANDLES_H

#include "backend.h"
#include "error.h"

enum {
  GPUK__MAGIC_DEVICE = 0x67646576u,  /* "gdev" */
  GPUK__MAGIC_STREAM = 0x67737472u,  /* "gstr" */
  GPUK__MAGIC_BUFFER = 0x67627566u,  /* "gbuf" */
  GPUK__MAGIC_EVENT = 0x67657674u,   /* "gevt" */
  GPUK__MAGIC_PROGRAM = 0x67707267u, /* "gprg" */
  GPUK__MAGIC_KERNEL = 0x676b726eu,  /* "gkrn" */
  GPUK__MAGIC_ELEMENTWISE = 0x67656c77u, /* "gelw" */
  GPUK__MAGIC_REDUCTION = 0x67726564u,   /* "gred" */
  GPUK__MAGIC_DEAD = 0xdeadbeefu
};

/* Checks an open device handle; arg names the parameter in the message. */
gpuk_status gpuk__check_device(const gpuk_device *device, const char *arg);

/* Checks that a non-NULL handle carries the tag magic (what the destroy
 * functions need: they also accept handles whose device was closed). */
gpuk_status gpuk__check_kind(const void *handle, unsigned magic, const char *arg);

/* Checks a child handle: non-NULL, right tag, device still open. */
gpuk_status gpuk__check_object(const void *handle, unsigned magic, const char *arg);

/* Checks that a child belongs to the expected device. */
gpuk_status gpuk__check_same_device(const gpuk_device *expected, const void *handle,
                                    const char *arg);

/* Checks [offset, offset + size) inside total bytes, with overflow detection. */
gpuk_status gpuk__check_range(size_t offset, size_t size, size_t total, const char *what);

/* Picks the stream to enqueue on: stream itself (checked against device), or the
 * device's default stream when stream is NULL, in which case *blocking is set
 * and the caller synchronizes after enqueueing. */
gpuk_status gpuk__resolve_stream(gpuk_stream *stream, gpuk_device *device, gpuk_stream **out,
                                 int *blocking);

/* Synchronizes a stream after a blocking enqueue, keeping the first error. */
gpuk_status gpuk__finish(gpuk_stream *stream, int blocking, gpuk_status status);

/* Allocates a zeroed child handle of `size` bytes tagged with magic. The caller
 * retains the device once the backend object exists. */
void *gpuk__new_child(gpuk_device *device, size_t size, unsigned magic);
/* Untags and frees a child handle, then drops its device reference. */
void gpuk__free_child(void *handle);

/* Creates a stream's backend object and scratch lock (no device reference
 * taken: the caller decides), and frees both again. */
gpuk_status gpuk__stream_new(gpuk_device *device, gpuk_stream **stream);
void gpuk__stream_free(gpuk_stream *stream);

/* Returns the stream's scratch buffer of at least size bytes; call with
 * stream->scratch_lock held. */
gpuk_status gpuk__stream_scratch(gpuk_stream *stream, size_t size, gpuk_buffer **buffer);

void gpuk__device_retain(gpuk_device *device);
/* Drops a reference; the last one releases the backend state and the handle. */
void gpuk__device_release(gpuk_device *device);

/* Returns `unsupported` error when an op is missing, naming the operation. */
gpuk_status gpuk__unsupported(const gpuk_device *device, const char *operation);

#endif
