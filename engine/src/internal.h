/*
 * internal.h: helpers shared by the engine's C files, not part of the
 * public API.
 *
 * Every failing function records a message with tl_error_set and returns
 * -1 (or NULL); the Lua binding turns the message into a Lua error. The
 * argument checks below give all functions one message style:
 *   "add: sizes do not match: [3 x 4] and [3 x 5]".
 */
#ifndef TL_INTERNAL_H
#define TL_INTERNAL_H
#include "torchlight.h"
#include <stdbool.h>

#if defined(__GNUC__)
#define TL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define TL_LIKELY(x) __builtin_expect(!!(x), 1)
#define TL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define TL_PRINTF(a, b)
#define TL_LIKELY(x) (x)
#define TL_UNLIKELY(x) (x)
#endif

/* Record an error message (printf-style) and return -1. */
int tl_error_set(const char *fmt, ...) TL_PRINTF(1, 2);

/* Write "[3 x 4]" (or "[]" for 0-dim) into buf; returns buf. */
char *tl_shape_str(const tl_tensor *t, char *buf, size_t len);
enum { TL_SHAPE_STRLEN = 16 * 24 };

/* Argument checks: each returns 0 or records "<fn>: ..." and returns -1. */
int tl_check_not_null(const char *fn, const void *p, const char *what);
int tl_check_same_numel(const char *fn, const tl_tensor *a, const tl_tensor *b);
int tl_check_same_dtype(const char *fn, const tl_tensor *a, const tl_tensor *b);
int tl_check_has_math(const char *fn, const tl_tensor *t);
int tl_check_dim(const char *fn, const tl_tensor *t, int32_t dim);
int tl_check_ndim(const char *fn, const tl_tensor *t, int32_t ndim, const char *what);
int tl_check_same_device(const char *fn, const tl_tensor *a, const tl_tensor *b);

/* Allocation that records an error on failure. */
void *tl_alloc(size_t nbytes);
void *tl_calloc(size_t n, size_t size);
void tl_release(void *p);

/* Interrupt polling for long loops. */
extern volatile int32_t tl_interrupt_flag;
static inline bool tl_interrupted(void) { return TL_UNLIKELY(tl_interrupt_flag != 0); }
int tl_error_interrupted(const char *fn);

/* Thread count used by the engine's parallel loops. */
int32_t tl_threads(void);
/* Elements above which element-wise loops go parallel. */
enum { TL_PARALLEL_GRAIN = 32768 };
/* The engine's thread pool (parallel.c); every parallel loop goes through
 * it. fn(ctx, t, nt) runs for t = 0..nt-1, t = 0 on the calling thread,
 * and tl_parallel_run returns when all have. nt is capped at tl_threads();
 * inside a job (or while another thread runs one) it runs fn(ctx, 0, 1). */
typedef void (*tl_job_fn)(void *ctx, int32_t t, int32_t nt);
void tl_parallel_run(int32_t nt, tl_job_fn fn, void *ctx);
/* Inside a job: waits until all of the job's threads have called it. */
void tl_parallel_barrier(void);
/* This thread's t in the job it runs (0 outside jobs), and whether it is
 * inside one. */
int32_t tl_parallel_thread(void);
bool tl_parallel_inside(void);
/* Thread t's part [*b, *e) of [0, n) split in nt equal ranges, in order. */
void tl_parallel_part(int64_t n, int32_t t, int32_t nt, int64_t *b, int64_t *e);
/* Stops workers past the first n-1 (tl_set_num_threads). */
void tl_parallel_resize(int32_t n);
/* fn(ctx, b, e) over [0, n): in equal ranges on tl_threads() threads, in
 * thread order, when n > grain (and not already inside a job), else once
 * on the calling thread. */
void tl_parallel_ranges(int64_t n, int64_t grain, void (*fn)(void *ctx, int64_t b, int64_t e), void *ctx);

/* Element access converting through double: used by slow generic paths
 * (copy fallback, get/put, printing helpers). */
double tl_load_double(int32_t dtype, const void *p);
void tl_store_double(int32_t dtype, void *p, double v);
int64_t tl_load_long(int32_t dtype, const void *p);

/* The dtype driver: X(enum, C type, short name) for every dtype with
 * math (all but Half). Op families expand their per-dtype loops with it,
 * so each op is written once; dispatch is a switch over these cases. */
#define TL_FOREACH_MATH_DTYPE(X) \
  X(TL_BYTE, uint8_t, byte)      \
  X(TL_CHAR, int8_t, char)       \
  X(TL_SHORT, int16_t, short)    \
  X(TL_INT, int32_t, int)        \
  X(TL_LONG, int64_t, long)      \
  X(TL_FLOAT, float, float)      \
  X(TL_DOUBLE, double, double)

/* Byte size of element type. */
static inline int64_t tl_elsize(int32_t dtype) { return tl_dtype_get(dtype)->size; }

#endif
