/*
 * iter.c: the strided iterator (see iter.h).
 */
#include "iter.h"
#include <string.h>

/* Collapse t to the fewest dims; returns ndim (0 for no elements). */
static int32_t tl_collapse_one(const tl_tensor *t, int64_t *size, int64_t *stride)
{
  int32_t nd = 0;
  for (int32_t d = 0; d < t->ndim; d++) {
    if (t->size[d] == 1) continue;
    if (nd > 0 && stride[nd - 1] == t->stride[d] * t->size[d]) {
      size[nd - 1] *= t->size[d];
      stride[nd - 1] = t->stride[d];
    } else {
      size[nd] = t->size[d];
      stride[nd] = t->stride[d];
      nd++;
    }
  }
  if (nd == 0) {
    size[0] = 1;
    stride[0] = 1;
    nd = 1;
  }
  return nd;
}

static void tl_iter_set_base(tl_iter *it, int32_t i, const tl_tensor *t)
{
  it->data[i] = t->storage ? t->storage->data + t->offset * tl_elsize(t->dtype) : NULL;
  it->elsize[i] = tl_elsize(t->dtype);
}

int tl_iter_init(tl_iter *it, int32_t nargs, tl_tensor *const *ts)
{
  memset(it, 0, sizeof *it);
  it->nargs = nargs;
  it->numel = tl_tensor_numel(ts[0]);
  const tl_tensor *use[TL_ITER_MAXARGS];
  int same_shape = 1;
  for (int32_t i = 0; i < nargs; i++) {
    use[i] = ts[i];
    if (i > 0 && !tl_tensor_same_size(ts[0], ts[i])) same_shape = 0;
  }
  if (it->numel == 0) return 0;
  if (!same_shape) {
    /* Each operand in its own order: flatten each to one run, using a
     * contiguous temporary when it does not flatten. */
    for (int32_t i = 0; i < nargs; i++) {
      int64_t sz[TL_MAXDIM], st[TL_MAXDIM];
      if (tl_collapse_one(ts[i], sz, st) == 1) {
        it->stride[i][0] = st[0];
        tl_iter_set_base(it, i, ts[i]);
        continue;
      }
      /* same shape as the operand, so filling it (or writing it back)
       * is a same-shape copy and cannot come back here */
      it->temp[i] = tl_tensor_new_sized(ts[i]->dtype, TL_CPU, ts[i]->ndim, ts[i]->size);
      /* the output is copied in too: some loops only write part of it */
      if (!it->temp[i] || tl_tensor_copy(it->temp[i], ts[i]))
        return tl_iter_finish(it, -1);
      if (i == 0) it->writeback = ts[0];
      it->stride[i][0] = 1;
      tl_iter_set_base(it, i, it->temp[i]);
    }
    it->ndim = 1;
    it->size[0] = it->numel;
    return 0;
  }
  /* Same shapes: drop size-1 dims, merge d into the previous kept dim when
   * every operand is contiguous across the pair. */
  int32_t nd = 0;
  for (int32_t d = 0; d < ts[0]->ndim; d++) {
    if (ts[0]->size[d] == 1) continue;
    int merge = nd > 0;
    for (int32_t i = 0; i < nargs && merge; i++)
      merge = it->stride[i][nd - 1] == use[i]->stride[d] * use[i]->size[d];
    if (merge) {
      it->size[nd - 1] *= ts[0]->size[d];
      for (int32_t i = 0; i < nargs; i++) it->stride[i][nd - 1] = use[i]->stride[d];
    } else {
      it->size[nd] = ts[0]->size[d];
      for (int32_t i = 0; i < nargs; i++) it->stride[i][nd] = use[i]->stride[d];
      nd++;
    }
  }
  if (nd == 0) {
    it->size[0] = 1;
    for (int32_t i = 0; i < nargs; i++) it->stride[i][0] = 1;
    nd = 1;
  }
  it->ndim = nd;
  for (int32_t i = 0; i < nargs; i++) tl_iter_set_base(it, i, use[i]);
  return 0;
}

int tl_iter_init_inputs(tl_iter *it, int32_t nargs, tl_tensor *const *ts)
{
  int rc = tl_iter_init(it, nargs, ts);
  it->writeback = NULL;
  return rc;
}

/* Walk the linear range [begin, end) run by run. */
static void tl_iter_range(const tl_iter *it, int64_t begin, int64_t end, tl_loop_fn fn, void *ctx)
{
  int32_t nd = it->ndim, last = nd - 1, na = it->nargs;
  int64_t idx[TL_MAXDIM];
  char *ptr[TL_ITER_MAXARGS];
  int64_t inner[TL_ITER_MAXARGS];
  int64_t rem = begin;
  for (int32_t d = last; d >= 0; d--) {
    idx[d] = rem % it->size[d];
    rem /= it->size[d];
  }
  for (int32_t i = 0; i < na; i++) {
    int64_t off = 0;
    for (int32_t d = 0; d < nd; d++) off += idx[d] * it->stride[i][d];
    ptr[i] = it->data[i] + off * it->elsize[i];
    inner[i] = it->stride[i][last];
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t n = it->size[last] - idx[last];
    if (n > end - pos) n = end - pos;
    fn(ptr, inner, n, ctx);
    pos += n;
    if (pos >= end) break;
    /* advance the odometer by n along the last dim, carrying upwards */
    for (int32_t i = 0; i < na; i++) ptr[i] += n * inner[i] * it->elsize[i];
    idx[last] += n;
    for (int32_t d = last; d > 0 && idx[d] == it->size[d]; d--) {
      idx[d] = 0;
      idx[d - 1]++;
      for (int32_t i = 0; i < na; i++)
        ptr[i] += (it->stride[i][d - 1] - it->size[d] * it->stride[i][d]) * it->elsize[i];
    }
  }
}

int tl_iter_run(tl_iter *it, tl_loop_fn fn, void *ctx, const char *fn_name)
{
  if (it->numel == 0) return 0;
  int32_t nthreads = it->serial ? 1 : tl_threads();
  if (nthreads <= 1 || it->numel < TL_PARALLEL_GRAIN) {
    /* Big serial jobs go in slices so Ctrl-C is noticed. */
    const int64_t slice = (int64_t)1 << 22;
    for (int64_t b = 0; b < it->numel; b += slice) {
      if (tl_interrupted()) return tl_error_interrupted(fn_name);
      tl_iter_range(it, b, b + slice < it->numel ? b + slice : it->numel, fn, ctx);
    }
    return 0;
  }
  int64_t chunk = (it->numel + nthreads - 1) / nthreads;
#pragma omp parallel for num_threads(nthreads) schedule(static)
  for (int32_t tid = 0; tid < nthreads; tid++) {
    int64_t b = tid * chunk, e = b + chunk < it->numel ? b + chunk : it->numel;
    if (b < e) tl_iter_range(it, b, e, fn, ctx);
  }
  if (tl_interrupted()) return tl_error_interrupted(fn_name);
  return 0;
}

int tl_iter_finish(tl_iter *it, int status)
{
  if (status == 0 && it->writeback && it->temp[0]) status = tl_tensor_copy(it->writeback, it->temp[0]);
  for (int32_t i = 0; i < TL_ITER_MAXARGS; i++) {
    tl_tensor_free(it->temp[i]);
    it->temp[i] = NULL;
  }
  return status;
}
