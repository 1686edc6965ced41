/* Per-thread error messages and build logs, and the helpers that set them. */
#ifndef GPUK_CORE_ERROR_H
#define GPUK_CORE_ERROR_H

#include "gpuk/gpuk.h"

#if defined(__GNUC__)
#define GPUK__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GPUK__PRINTF(f, a)
#endif

/* Stores a formatted message for gpuk_last_error() and returns status, so that
 * callers can write `return gpuk__set_error(GPUK_ERROR_..., "...", ...);`. */
gpuk_status gpuk__set_error(gpuk_status status, const char *fmt, ...) GPUK__PRINTF(2, 3);

/* Puts a formatted prefix and ": " before the current message and returns
 * status: "built-in kernel gpuk_copy (...): <what the compiler said>". */
gpuk_status gpuk__prefix_error(gpuk_status status, const char *fmt, ...) GPUK__PRINTF(2, 3);

/* Appends text to the current message (used for compiler logs). */
void gpuk__append_error(const char *text);

/* Empties the current message; public entry points call it on entry. */
void gpuk__clear_error(void);

/* Replaces this thread's build log; takes ownership of log (may be NULL). */
void gpuk__set_build_log(char *log);

#endif
