/*
 * iter.c: the strided iterator (see iter.h).
 *
 * tl_iter_init collapses the operands' dimensions in row-major order. At
 * run time a non-serial iterator is reordered (output's smallest stride
 * innermost) and re-collapsed, then walked in one of two ways:
 *   rows:  the linear element range, handing whole runs of the innermost
 *          dim L to the kernel, and consecutive full runs along dim L-1 as
 *          one block (outer stride = stride of L-1);
 *   tiles: when an input's smallest stride is on another dim P (a
 *          transpose), blocks of TN x TM elements over (L, P), so both the
 *          output rows and the input's runs along P stay in cache.
 * Threads take equal contiguous ranges of elements (rows) or of tiles.
 */
#include "iter.h"
#include <string.h>

/* Tile extent along the output's inner dim L (elements) and along the
 * input's P (bytes, so 32 floats): a 64 x 32 float tile reads 64 input
 * runs of 128 bytes and writes 32 output rows of 256 bytes, all within L1
 * (the best of the shapes tried for bench/copy.lua's transpose cases). */
enum { TL_ITER_TILE_N = 64, TL_ITER_TILE_BYTES = 128 };
/* Serial work goes in slices of this many elements so Ctrl-C is seen. */
enum { TL_ITER_SLICE = 1 << 22 };

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

/* Merge dim d into the previous kept dim when every operand is contiguous
 * across the pair (in place: kept dims never pass d). */
static void tl_iter_coalesce(tl_iter *it)
{
  int32_t nd = 0, na = it->nargs;
  for (int32_t d = 0; d < it->ndim; d++) {
    int merge = nd > 0;
    for (int32_t i = 0; i < na && merge; i++)
      merge = it->stride[i][nd - 1] == it->stride[i][d] * it->size[d];
    if (merge) {
      it->size[nd - 1] *= it->size[d];
      for (int32_t i = 0; i < na; i++) it->stride[i][nd - 1] = it->stride[i][d];
    } else {
      it->size[nd] = it->size[d];
      for (int32_t i = 0; i < na; i++) it->stride[i][nd] = it->stride[i][d];
      nd++;
    }
  }
  it->ndim = nd;
}

int tl_iter_init(tl_iter *it, int32_t nargs, tl_tensor *const *ts)
{
  memset(it, 0, sizeof *it);
  it->nargs = nargs;
  it->numel = tl_tensor_numel(ts[0]);
  int same_shape = 1;
  for (int32_t i = 1; i < nargs; i++)
    if (!tl_tensor_same_size(ts[0], ts[i])) same_shape = 0;
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
  /* Same shapes: drop size-1 dims, then merge contiguous pairs. */
  int32_t nd = 0;
  for (int32_t d = 0; d < ts[0]->ndim; d++) {
    if (ts[0]->size[d] == 1) continue;
    it->size[nd] = ts[0]->size[d];
    for (int32_t i = 0; i < nargs; i++) it->stride[i][nd] = ts[i]->stride[d];
    nd++;
  }
  if (nd == 0) {
    it->size[0] = 1;
    for (int32_t i = 0; i < nargs; i++) it->stride[i][0] = 1;
    nd = 1;
  }
  it->ndim = nd;
  tl_iter_coalesce(it);
  for (int32_t i = 0; i < nargs; i++) tl_iter_set_base(it, i, ts[i]);
  return 0;
}

int tl_iter_init_inputs(tl_iter *it, int32_t nargs, tl_tensor *const *ts)
{
  int rc = tl_iter_init(it, nargs, ts);
  it->writeback = NULL;
  return rc;
}

static int64_t tl_iter_abs(int64_t v) { return v < 0 ? -v : v; }

/* Should dim a be walked inside dim b? The first operand (output first)
 * whose strides on a and b differ decides; stride 0 (broadcast) gives no
 * preference. Undecided pairs keep their order. */
static int tl_iter_inner_than(const tl_iter *it, int32_t a, int32_t b)
{
  for (int32_t i = 0; i < it->nargs; i++) {
    int64_t sa = tl_iter_abs(it->stride[i][a]), sb = tl_iter_abs(it->stride[i][b]);
    if (sa == 0 || sb == 0 || sa == sb) continue;
    return sa < sb;
  }
  return 0;
}

/* Reorder dims by stride (stable insertion sort, innermost first), then
 * merge what became contiguous. An output with a stride-0 dim is written
 * several times per element: keep its order so the last write stays the
 * same. */
static void tl_iter_reorder(tl_iter *it)
{
  int32_t nd = it->ndim;
  if (nd < 2) return;
  for (int32_t d = 0; d < nd; d++)
    if (it->stride[0][d] == 0) return;
  int32_t ord[TL_MAXDIM];                     /* ord[0]: innermost */
  for (int32_t k = 0; k < nd; k++) ord[k] = nd - 1 - k;
  int moved = 0;
  for (int32_t k = 1; k < nd; k++)
    for (int32_t j = k; j > 0 && tl_iter_inner_than(it, ord[j], ord[j - 1]); j--) {
      int32_t t = ord[j];
      ord[j] = ord[j - 1];
      ord[j - 1] = t;
      moved = 1;
    }
  if (!moved) return;
  int64_t size[TL_MAXDIM], stride[TL_ITER_MAXARGS][TL_MAXDIM];
  for (int32_t k = 0; k < nd; k++) {
    size[nd - 1 - k] = it->size[ord[k]];
    for (int32_t i = 0; i < it->nargs; i++) stride[i][nd - 1 - k] = it->stride[i][ord[k]];
  }
  memcpy(it->size, size, sizeof size);
  memcpy(it->stride, stride, sizeof stride);
  tl_iter_coalesce(it);
}

/* How a run walks: byte strides, the kernel, and the tiling when chosen. */
typedef struct tl_walk {
  int32_t nd, na;
  int64_t size[TL_MAXDIM];
  int64_t st[TL_ITER_MAXARGS][TL_MAXDIM];      /* elements */
  int64_t bst[TL_ITER_MAXARGS][TL_MAXDIM];     /* bytes */
  char *data[TL_ITER_MAXARGS];
  tl_block_fn bfn;
  tl_loop_fn lfn;
  void *ctx;
  int32_t tiled, p;                            /* p: the input's inner dim */
  int64_t tn, tm, ntl, ntp;                    /* tile extents, tile counts */
} tl_walk;

/* Tiles pay when an input's smallest stride is on a dim P other than the
 * output's inner dim L and its stride on L spans cache lines. */
static void tl_walk_plan_tiles(tl_walk *w, const tl_iter *it)
{
  int32_t L = w->nd - 1;
  if (w->nd < 2) return;
  for (int32_t d = 0; d < w->nd; d++)
    if (w->st[0][d] == 0) return;               /* see tl_iter_reorder */
  for (int32_t i = 1; i < w->na; i++) {
    int64_t sl = tl_iter_abs(w->st[i][L]);
    if (sl * it->elsize[i] < 32) continue;             /* rows share lines */
    int32_t p = -1;
    for (int32_t d = 0; d < L; d++) {
      int64_t s = tl_iter_abs(w->st[i][d]);
      if (s != 0 && s < sl && (p < 0 || s < tl_iter_abs(w->st[i][p]))) p = d;
    }
    if (p < 0) continue;
    w->tiled = 1;
    w->p = p;
    w->tn = TL_ITER_TILE_N;
    w->tm = TL_ITER_TILE_BYTES / it->elsize[i];
    w->tm = w->tm < 16 ? 16 : w->tm > 64 ? 64 : w->tm;
    w->ntl = (w->size[L] + w->tn - 1) / w->tn;
    w->ntp = (w->size[p] + w->tm - 1) / w->tm;
    return;
  }
}

static void tl_walk_init(tl_walk *w, const tl_iter *it, tl_block_fn bfn, tl_loop_fn lfn, void *ctx)
{
  memset(w, 0, sizeof *w);
  w->nd = it->ndim;
  w->na = it->nargs;
  w->bfn = bfn;
  w->lfn = lfn;
  w->ctx = ctx;
  for (int32_t d = 0; d < w->nd; d++) w->size[d] = it->size[d];
  for (int32_t i = 0; i < w->na; i++) {
    w->data[i] = it->data[i];
    for (int32_t d = 0; d < w->nd; d++) {
      w->st[i][d] = it->stride[i][d];
      w->bst[i][d] = it->stride[i][d] * it->elsize[i];
    }
  }
  if (!it->serial) tl_walk_plan_tiles(w, it);
}

/* Hand m rows of n elements to the kernel (a run kernel gets each row). */
static inline void tl_walk_emit(const tl_walk *w, char **ptr, const int64_t *inner, const int64_t *outer,
                                const int64_t *bouter, int64_t n, int64_t m)
{
  if (w->bfn) {
    w->bfn(ptr, inner, outer, n, m, w->ctx);
    return;
  }
  char *p[TL_ITER_MAXARGS];
  for (int32_t i = 0; i < w->na; i++) p[i] = ptr[i];
  for (int64_t j = 0; j < m; j++) {
    w->lfn(p, inner, n, w->ctx);
    for (int32_t i = 0; i < w->na; i++) p[i] += bouter[i];
  }
}

/* Walk the linear range [begin, end) in row-major order of the dims: a
 * partial run alone, full runs along dim L-1 as one block. */
static void tl_walk_rows(const tl_walk *w, int64_t begin, int64_t end)
{
  int32_t nd = w->nd, L = nd - 1, q = nd > 1 ? nd - 2 : 0, na = w->na;
  int64_t idx[TL_MAXDIM], inner[TL_ITER_MAXARGS], outer[TL_ITER_MAXARGS], bouter[TL_ITER_MAXARGS];
  char *ptr[TL_ITER_MAXARGS];
  int64_t rem = begin;
  for (int32_t d = L; d >= 0; d--) {
    idx[d] = rem % w->size[d];
    rem /= w->size[d];
  }
  for (int32_t i = 0; i < na; i++) {
    ptr[i] = w->data[i];
    for (int32_t d = 0; d < nd; d++) ptr[i] += idx[d] * w->bst[i][d];
    inner[i] = w->st[i][L];
    outer[i] = nd > 1 ? w->st[i][q] : 0;
    bouter[i] = nd > 1 ? w->bst[i][q] : 0;
  }
  int64_t n = w->size[L], pos = begin;
  while (pos < end) {
    int32_t d;
    if (nd == 1 || idx[L] != 0 || end - pos < n) {
      int64_t cnt = n - idx[L] < end - pos ? n - idx[L] : end - pos;
      tl_walk_emit(w, ptr, inner, outer, bouter, cnt, 1);
      pos += cnt;
      if (pos >= end) break;
      idx[L] += cnt;
      for (int32_t i = 0; i < na; i++) ptr[i] += cnt * w->bst[i][L];
      d = L;
    } else {
      int64_t m = w->size[q] - idx[q];
      if (m > (end - pos) / n) m = (end - pos) / n;
      tl_walk_emit(w, ptr, inner, outer, bouter, n, m);
      pos += m * n;
      if (pos >= end) break;
      idx[q] += m;
      for (int32_t i = 0; i < na; i++) ptr[i] += m * bouter[i];
      d = q;
    }
    /* carry the odometer upwards from d */
    for (; d > 0 && idx[d] == w->size[d]; d--) {
      idx[d] = 0;
      idx[d - 1]++;
      for (int32_t i = 0; i < na; i++) ptr[i] += w->bst[i][d - 1] - w->size[d] * w->bst[i][d];
    }
  }
}

/* Walk tiles [t0, t1): tile t is (outer index, P tile, L tile), L fastest. */
static void tl_walk_tiles(const tl_walk *w, int64_t t0, int64_t t1)
{
  int32_t nd = w->nd, L = nd - 1, p = w->p, na = w->na;
  int64_t inner[TL_ITER_MAXARGS], outer[TL_ITER_MAXARGS], bouter[TL_ITER_MAXARGS];
  char *ptr[TL_ITER_MAXARGS];
  for (int32_t i = 0; i < na; i++) {
    inner[i] = w->st[i][L];
    outer[i] = w->st[i][p];
    bouter[i] = w->bst[i][p];
  }
  for (int64_t t = t0; t < t1; t++) {
    int64_t r = t, lt = r % w->ntl;
    r /= w->ntl;
    int64_t pt = r % w->ntp;
    r /= w->ntp;
    for (int32_t i = 0; i < na; i++) ptr[i] = w->data[i] + lt * w->tn * w->bst[i][L] + pt * w->tm * bouter[i];
    for (int32_t d = L - 1; d >= 0; d--) {
      if (d == p) continue;
      int64_t id = r % w->size[d];
      r /= w->size[d];
      for (int32_t i = 0; i < na; i++) ptr[i] += id * w->bst[i][d];
    }
    int64_t n = w->size[L] - lt * w->tn, m = w->size[p] - pt * w->tm;
    tl_walk_emit(w, ptr, inner, outer, bouter, n < w->tn ? n : w->tn, m < w->tm ? m : w->tm);
  }
}

/* Work units [b, e) of the walk vw (a tl_walk). */
static void tl_walk_part(void *vw, int64_t b, int64_t e)
{
  const tl_walk *w = vw;
  if (w->tiled) tl_walk_tiles(w, b, e);
  else tl_walk_rows(w, b, e);
}

static int tl_iter_drive(tl_iter *it, tl_block_fn bfn, tl_loop_fn lfn, void *ctx, const char *fn_name)
{
  if (it->numel == 0) return 0;
  if (!it->serial) tl_iter_reorder(it);
  tl_walk w;
  tl_walk_init(&w, it, bfn, lfn, ctx);
  /* work units: elements, or tiles */
  int64_t total = w.tiled ? w.ntl * w.ntp * (it->numel / (w.size[w.nd - 1] * w.size[w.p])) : it->numel;
  int32_t nthreads = it->serial ? 1 : tl_threads();
  if (nthreads <= 1 || it->numel < TL_PARALLEL_GRAIN) {
    int64_t slice = w.tiled ? TL_ITER_SLICE / (w.tn * w.tm) : TL_ITER_SLICE;
    for (int64_t b = 0; b < total; b += slice) {
      if (tl_interrupted()) return tl_error_interrupted(fn_name);
      tl_walk_part(&w, b, b + slice < total ? b + slice : total);
    }
    return 0;
  }
  /* Equal contiguous ranges in thread order (reduce_all merges per-thread
   * partial results in that order). */
  tl_parallel_ranges(total, 0, tl_walk_part, &w);
  if (tl_interrupted()) return tl_error_interrupted(fn_name);
  return 0;
}

int tl_iter_run(tl_iter *it, tl_loop_fn fn, void *ctx, const char *fn_name)
{
  return tl_iter_drive(it, NULL, fn, ctx, fn_name);
}

int tl_iter_run_blocks(tl_iter *it, tl_block_fn fn, void *ctx, const char *fn_name)
{
  return tl_iter_drive(it, fn, NULL, ctx, fn_name);
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
