/*
 * iter.h: the strided iterator behind every element-wise loop.
 *
 * It walks up to TL_ITER_MAXARGS same-sized tensors in row-major order,
 * after collapsing dimensions that are contiguous in every operand (a
 * contiguous tensor becomes one flat run). The work is handed to an inner
 * loop function one run at a time: (pointers, strides in elements, n), so
 * inner loops have a contiguous fast path the compiler vectorizes. Above
 * TL_PARALLEL_GRAIN elements the runs are split across OpenMP threads.
 *
 * Operands with the same element count but different shapes (allowed by
 * Torch7) are each walked in their own row-major order: those that do not
 * flatten to one run are replaced by contiguous temporaries, and an output
 * temporary is copied back by tl_iter_finish.
 */
#ifndef TL_ITER_H
#define TL_ITER_H
#include "internal.h"

enum { TL_ITER_MAXARGS = 4 };

typedef void (*tl_loop_fn)(char **data, const int64_t *strides, int64_t n, void *ctx);

typedef struct tl_iter {
  int32_t nargs, ndim;
  int64_t numel;
  int64_t size[TL_MAXDIM];
  int64_t stride[TL_ITER_MAXARGS][TL_MAXDIM];   /* elements */
  char *data[TL_ITER_MAXARGS];
  int64_t elsize[TL_ITER_MAXARGS];
  tl_tensor *temp[TL_ITER_MAXARGS];            /* contiguous stand-ins */
  tl_tensor *writeback;                        /* operand 0 when temp[0] */
  int32_t serial;                              /* 1: never split across threads */
} tl_iter;

/* ts[0] is the output (written), the others inputs; all counts equal. */
int tl_iter_init(tl_iter *it, int32_t nargs, tl_tensor *const *ts);
/* Same, when every operand is only read (no write-back of temporaries). */
int tl_iter_init_inputs(tl_iter *it, int32_t nargs, tl_tensor *const *ts);
/* Runs fn over all elements; returns -1 when interrupted. */
int tl_iter_run(tl_iter *it, tl_loop_fn fn, void *ctx, const char *fn_name);
/* Copies a temporary output back and frees temporaries; returns status. */
int tl_iter_finish(tl_iter *it, int status);

#endif
