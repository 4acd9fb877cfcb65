/*
 * iter.h: the strided iterator behind every element-wise loop.
 *
 * It walks up to TL_ITER_MAXARGS same-sized tensors, after collapsing
 * dimensions that are contiguous in every operand (a contiguous tensor
 * becomes one flat run). The work goes to the caller's kernel either one
 * run at a time (tl_loop_fn: pointers, strides in elements, n) or, with
 * tl_iter_run_blocks, as 2-D blocks (tl_block_fn: m rows of n elements and
 * the step between rows), so a layout with short runs costs one call per
 * block instead of one per run. Kernels keep a contiguous fast path the
 * compiler vectorizes.
 *
 * Unless the iterator is serial, the element order is free: dimensions are
 * reordered so the output's smallest stride is innermost (re-collapsing
 * what becomes contiguous), and when an input prefers another inner
 * dimension (a transpose), the two dimensions are walked in cache-sized
 * tiles. Above TL_PARALLEL_GRAIN elements the work is split across the
 * pool's threads (parallel.c) at row or tile boundaries. A serial
 * iterator keeps row-major order on one thread (masked select and copy,
 * dot products rely on it).
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

/* One run: element k of operand i at data[i] + k * strides[i] elements. */
typedef void (*tl_loop_fn)(char **data, const int64_t *strides, int64_t n, void *ctx);
/* One block: element k of row j of operand i at
 * data[i] + (k * strides[i] + j * outer[i]) elements; k < n, j < m. */
typedef void (*tl_block_fn)(char **data, const int64_t *strides, const int64_t *outer,
                            int64_t n, int64_t m, void *ctx);

typedef struct tl_iter {
  int32_t nargs, ndim;
  int64_t numel;
  int64_t size[TL_MAXDIM];
  int64_t stride[TL_ITER_MAXARGS][TL_MAXDIM];   /* elements */
  char *data[TL_ITER_MAXARGS];
  int64_t elsize[TL_ITER_MAXARGS];
  tl_tensor *temp[TL_ITER_MAXARGS];            /* contiguous stand-ins */
  tl_tensor *writeback;                        /* operand 0 when temp[0] */
  int32_t serial;                              /* 1: one thread, row-major order */
} tl_iter;

/* ts[0] is the output (written), the others inputs; all counts equal. */
int tl_iter_init(tl_iter *it, int32_t nargs, tl_tensor *const *ts);
/* Same, when every operand is only read (no write-back of temporaries). */
int tl_iter_init_inputs(tl_iter *it, int32_t nargs, tl_tensor *const *ts);
/* Runs fn over all elements; returns -1 when interrupted. */
int tl_iter_run(tl_iter *it, tl_loop_fn fn, void *ctx, const char *fn_name);
/* Same with a block kernel. */
int tl_iter_run_blocks(tl_iter *it, tl_block_fn fn, void *ctx, const char *fn_name);
/* Copies a temporary output back and frees temporaries; returns status. */
int tl_iter_finish(tl_iter *it, int status);

#endif
