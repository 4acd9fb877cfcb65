/*
 * sort.c: sorting and selection along a dim: sort, topk, kthvalue, mode
 * (median is kthvalue at the lower middle, in the Lua layer).
 *
 * Every op works line by line: a line (the elements along dim) is copied
 * into a buffer with its positions, the positions are merge-sorted by
 * value (stable: equal values keep their order, so results do not depend
 * on the algorithm), and the wanted part is written out. NaN sorts above
 * every number. Lines are independent and go to OpenMP threads, each with
 * its own buffers.
 */
#include "ops.h"
#include "../device.h"
#include <string.h>

enum { TL_SORT_ALL = 0, TL_SORT_TOPK = 1, TL_SORT_KTH = 2, TL_SORT_MODE = 3 };

/* Offset (elements) of the first element of line l: l counts the lines in
 * row-major order over the dims other than dim. */
static int64_t tl_sort_line_offset(const tl_tensor *t, int32_t dim, int64_t l)
{
  int64_t off = t->offset;
  for (int32_t d = t->ndim - 1; d >= 0; d--) {
    if (d == dim) continue;
    off += (l % t->size[d]) * t->stride[d];
    l /= t->size[d];
  }
  return off;
}

/* Per dtype: (value, position) pairs sorted by a bottom-up merge sort
 * (insertion sort on runs of 16 first), stable because a merge takes from
 * the left run on ties. Pairs keep each comparison in one cache line.
 * tl_sort_line_<N>(what, x, xs, buf, tmp, m, k, desc, out, os, oi, is)
 * sorts the line x (stride xs) and writes the selected part. */
#define TL_SORT_DEF(DT, T, N)                                                            \
  typedef struct { T v; int64_t i; } tl_sort_pair_##N;                                   \
  static inline int tl_sort_before_##N(T x, T y, int desc)                               \
  {                                                                                      \
    if (desc) return x > y || (x != x && y == y);                                         \
    return x < y || (y != y && x == x);                                                  \
  }                                                                                      \
  static tl_sort_pair_##N *tl_sort_msort_##N(tl_sort_pair_##N *a, tl_sort_pair_##N *b,    \
                                            int64_t m, int desc)                         \
  {                                                                                      \
    for (int64_t s = 0; s < m; s += 16) {                                                 \
      int64_t e = s + 16 < m ? s + 16 : m;                                                \
      for (int64_t i = s + 1; i < e; i++) {                                               \
        tl_sort_pair_##N p = a[i];                                                       \
        int64_t j = i;                                                                   \
        while (j > s && tl_sort_before_##N(p.v, a[j - 1].v, desc)) {                      \
          a[j] = a[j - 1];                                                               \
          j--;                                                                           \
        }                                                                                \
        a[j] = p;                                                                        \
      }                                                                                  \
    }                                                                                    \
    for (int64_t w = 16; w < m; w *= 2) {                                                 \
      for (int64_t s = 0; s < m; s += 2 * w) {                                            \
        int64_t mid = s + w < m ? s + w : m, e = s + 2 * w < m ? s + 2 * w : m;           \
        int64_t i = s, j = mid, o = s;                                                   \
        while (i < mid && j < e)                                                         \
          b[o++] = tl_sort_before_##N(a[j].v, a[i].v, desc) ? a[j++] : a[i++];            \
        while (i < mid) b[o++] = a[i++];                                                 \
        while (j < e) b[o++] = a[j++];                                                   \
      }                                                                                  \
      tl_sort_pair_##N *t = a; a = b; b = t;                                             \
    }                                                                                    \
    return a;                                                                            \
  }                                                                                      \
  static void tl_sort_line_##N(int32_t what, const T *x, int64_t xs, void *buf, void *tmp, \
                               int64_t m, int64_t k, int desc, T *out, int64_t os,         \
                               int64_t *oi, int64_t is)                                   \
  {                                                                                      \
    tl_sort_pair_##N *a = buf;                                                           \
    if (what == TL_SORT_TOPK && k <= 64 && k * 16 < m) {                                 \
      /* small k: keep the best k in a sorted buffer, O(m k) worst case but              \
       * one comparison per element once the buffer is full */                         \
      int64_t n = 0;                                                                     \
      for (int64_t i = 0; i < m && k > 0; i++) {                                         \
        T v = x[i * xs];                                                                 \
        if (n == k && !tl_sort_before_##N(v, a[k - 1].v, desc)) continue;               \
        int64_t j = n < k ? n++ : k - 1;                                                 \
        while (j > 0 && tl_sort_before_##N(v, a[j - 1].v, desc)) { a[j] = a[j - 1]; j--; } \
        a[j].v = v;                                                                      \
        a[j].i = i;                                                                      \
      }                                                                                  \
      for (int64_t i = 0; i < k; i++) { out[i * os] = a[i].v; oi[i * is] = a[i].i; }    \
      return;                                                                            \
    }                                                                                    \
    for (int64_t i = 0; i < m; i++) { a[i].v = x[i * xs]; a[i].i = i; }                 \
    a = tl_sort_msort_##N(a, tmp, m, desc);                                              \
    if (what == TL_SORT_ALL || what == TL_SORT_TOPK) {                                   \
      int64_t n = what == TL_SORT_ALL ? m : k;                                           \
      for (int64_t i = 0; i < n; i++) { out[i * os] = a[i].v; oi[i * is] = a[i].i; }    \
    } else if (what == TL_SORT_KTH) {                                                    \
      out[0] = a[k].v;                                                                   \
      oi[0] = a[k].i;                                                                    \
    } else {                                                                             \
      /* mode: the longest run of equal values; the first (smallest) wins              \
       * ties; its position is the last of the run, as Torch7 reports */               \
      int64_t best = 0, bestn = 0, run = 0;                                              \
      for (int64_t i = 0; i < m; i++) {                                                  \
        run++;                                                                           \
        if (i == m - 1 || a[i].v != a[i + 1].v) {                                        \
          if (run > bestn) { bestn = run; best = i; }                                    \
          run = 0;                                                                       \
        }                                                                                \
      }                                                                                  \
      out[0] = a[best].v;                                                                \
      oi[0] = a[best].i;                                                                 \
    }                                                                                    \
  }
TL_FOREACH_MATH_DTYPE(TL_SORT_DEF)
#undef TL_SORT_DEF

static int tl_sort_run(const char *fn, int32_t what, tl_tensor *values, tl_tensor *indices,
                       const tl_tensor *a, int32_t dim, int64_t k, int32_t desc)
{
  /* validate */
  if (tl_check_not_null(fn, values, "values") || tl_check_not_null(fn, indices, "indices") ||
      tl_check_not_null(fn, a, "input") || tl_check_has_math(fn, a) ||
      tl_check_same_dtype(fn, a, values))
    return -1;
  if (indices->dtype != TL_LONG)
    return tl_error_set("%s: indices must be a torch.LongTensor, got torch.%sTensor", fn,
                        tl_dtype_get(indices->dtype)->name);
  if (a->ndim == 0) {
    if (what == TL_SORT_ALL || (what == TL_SORT_TOPK && k == 0)) {
      tl_tensor_resize(values, 0, NULL);
      return tl_tensor_resize(indices, 0, NULL);
    }
    return tl_error_set("%s: the tensor is empty", fn);
  }
  if (tl_check_dim(fn, a, dim)) return -1;
  int64_t m = a->size[dim], outm = m;
  if (what == TL_SORT_TOPK) {
    if (k < 0 || k > m)
      return tl_error_set("%s: k (%lld) out of range: dimension %d has size %lld", fn, (long long)k,
                          dim + 1, (long long)m);
    outm = k;
  } else if (what == TL_SORT_KTH) {
    if (k < 0 || k >= m)
      return tl_error_set("%s: k (%lld) out of range: dimension %d has size %lld", fn, (long long)k + 1,
                          dim + 1, (long long)m);
    outm = 1;
  } else if (what == TL_SORT_MODE) {
    if (m == 0) return tl_error_set("%s: dimension %d is empty", fn, dim + 1);
    outm = 1;
  }
  /* allocate: a copy of a when it shares memory with an output */
  tl_tensor *src = (tl_tensor *)a;
  if ((values->storage && values->storage == a->storage) || (indices->storage && indices->storage == a->storage)) {
    src = tl_tensor_clone(a);
    if (!src) return -1;
  }
  int64_t size[TL_MAXDIM];
  memcpy(size, a->size, sizeof size);
  size[dim] = outm;
  int rc = 0;
  if (values->ndim != a->ndim || memcmp(values->size, size, a->ndim * sizeof *size))
    rc = tl_tensor_resize(values, a->ndim, size);
  if (!rc && (indices->ndim != a->ndim || memcmp(indices->size, size, a->ndim * sizeof *size)))
    rc = tl_tensor_resize(indices, a->ndim, size);
  int64_t nlines = m > 0 ? tl_tensor_numel(a) / m : 0;
  if (rc || nlines == 0 || outm == 0) {
    if (src != a) tl_tensor_free(src);
    return rc;
  }
  /* compute */
  int64_t es = tl_elsize(a->dtype);
  int32_t nth = nlines > 1 && nlines * m > TL_PARALLEL_GRAIN ? tl_threads() : 1;
  int failed = 0;
#pragma omp parallel num_threads(nth) reduction(|:failed)
  {
    /* two arrays of (value, position) pairs, 16 bytes at most each */
    char *buf = tl_alloc((size_t)m * 32 + 16);
    if (!buf) {
      failed = 1;
    } else {
      void *pairs = buf, *tmp = buf + m * 16;
#pragma omp for schedule(static)
      for (int64_t l = 0; l < nlines; l++) {
        const char *x = src->storage->data + tl_sort_line_offset(src, dim, l) * es;
        char *o = values->storage->data + tl_sort_line_offset(values, dim, l) * es;
        int64_t *oi = (int64_t *)indices->storage->data + tl_sort_line_offset(indices, dim, l);
        switch (a->dtype) {
#define CASE(DT, T, N) case DT: \
          tl_sort_line_##N(what, (const T *)x, src->stride[dim], pairs, tmp, m, k, desc, (T *)o, \
                           values->stride[dim], oi, indices->stride[dim]); break;
          TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
        default: break;
        }
      }
      tl_release(buf);
    }
  }
  if (src != a) tl_tensor_free(src);
  if (failed) return tl_error_set("%s: out of memory", fn);
  return 0;
}

int tl_cpu_sort(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim, int32_t descending)
{
  return tl_sort_run("sort", TL_SORT_ALL, values, indices, a, dim, 0, descending);
}

int tl_cpu_topk(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim,
                int32_t largest, int32_t sorted)
{
  (void)sorted;   /* always sorted: a valid order for either request */
  return tl_sort_run("topk", TL_SORT_TOPK, values, indices, a, dim, k, largest);
}

int tl_cpu_kthvalue(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim)
{
  return tl_sort_run("kthvalue", TL_SORT_KTH, values, indices, a, dim, k, 0);
}

int tl_cpu_mode(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim)
{
  return tl_sort_run("mode", TL_SORT_MODE, values, indices, a, dim, 0, 0);
}

/* ---- dispatching entry points ------------------------------------------- */

static const tl_device_ops *tl_sort_device(const char *fn, const tl_tensor *a)
{
  if (tl_check_not_null(fn, a, "input")) return NULL;
  return tl_device_get(fn, a->device);
}

static int tl_sort_missing(const char *fn, const tl_device_ops *d)
{
  return tl_error_set("%s: not available on device %s", fn, d->name);
}

int tl_sort(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim, int32_t descending)
{
  const tl_device_ops *d = tl_sort_device("sort", a);
  if (!d) return -1;
  if (!d->sort) return tl_sort_missing("sort", d);
  return d->sort(values, indices, a, dim, descending);
}

int tl_topk(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim,
            int32_t largest, int32_t sorted)
{
  const tl_device_ops *d = tl_sort_device("topk", a);
  if (!d) return -1;
  if (!d->topk) return tl_sort_missing("topk", d);
  return d->topk(values, indices, a, k, dim, largest, sorted);
}

int tl_kthvalue(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim)
{
  const tl_device_ops *d = tl_sort_device("kthvalue", a);
  if (!d) return -1;
  if (!d->kthvalue) return tl_sort_missing("kthvalue", d);
  return d->kthvalue(values, indices, a, k, dim);
}

int tl_mode(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim)
{
  const tl_device_ops *d = tl_sort_device("mode", a);
  if (!d) return -1;
  if (!d->mode) return tl_sort_missing("mode", d);
  return d->mode(values, indices, a, dim);
}
