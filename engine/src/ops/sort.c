/*
 * sort.c: sorting and selection along a dim: sort, topk, kthvalue, mode
 * (median is kthvalue at the lower middle, in the Lua layer).
 *
 * Every op works line by line and wants the line's positions in stable
 * sorted order (equal values keep their order, so results do not depend
 * on the algorithm); NaN sorts above every number and -0.0 equals 0.0.
 * Short lines are merge-sorted as (value, position) pairs. Lines of
 * TL_SORT_RADIX_MIN elements or more are radix-sorted: each value maps to
 * an unsigned key whose integer order is the wanted order (NaNs to one
 * key above +inf, -0.0 to the key of 0.0, complemented for descending),
 * and least-significant-digit passes over 8-bit digits, each a stable
 * counting sort, order (key, position) pairs. Values are then read back
 * from the line by position, so -0.0 and NaN payloads survive.
 * Lines are independent and go to the pool's threads, each with its own
 * buffers. A single line stays on one thread: radix-sorting halves on two
 * threads and merging them measured 2.6 times slower than one thread on
 * our 2-core machine (the two scatters slow each other down).
 */
#include "ops.h"
#include "../device.h"
#include <stdatomic.h>
#include <string.h>

enum { TL_SORT_ALL = 0, TL_SORT_TOPK = 1, TL_SORT_KTH = 2, TL_SORT_MODE = 3 };

/* Lines this long or longer are radix-sorted: below it the 256-bucket
 * counts of every pass cost more than merging. */
enum { TL_SORT_RADIX_MIN = 256 };

/* topk's path for a small k: one pass keeping the best k. */
static inline int tl_sort_small_topk(int32_t what, int64_t m, int64_t k)
{
  return what == TL_SORT_TOPK && k <= 64 && k * 16 < m;
}

static inline int tl_sort_use_radix(int64_t m)
{
  return m >= TL_SORT_RADIX_MIN && m <= (int64_t)UINT32_MAX;
}

/* Bytes of per-line work space (see tl_sort_line_*): radix keys (4 or 8
 * bytes, twice) and positions (4 bytes, twice), and (value, position)
 * pairs of 16 bytes at most, once after a radix sort (kthvalue, mode) or
 * twice for a merge sort. Kept small because a fresh big block costs a
 * page fault per 4 KiB on every call. */
static size_t tl_sort_buf_size(int32_t what, int64_t m, int64_t k, int64_t elsize)
{
  int64_t bytes = 16;
  if (tl_sort_small_topk(what, m, k)) return (size_t)(bytes + 16 * k);
  if (tl_sort_use_radix(m)) {
    bytes += m * (2 * (elsize <= 4 ? 4 : 8) + 8);
    if (what == TL_SORT_KTH || what == TL_SORT_MODE) bytes += m * 16;
  } else {
    bytes += m * 32;
  }
  return (size_t)bytes;
}

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

/* ---- keys: unsigned integers whose order is the ascending sort order ---- */

typedef uint32_t tl_sort_kt_byte;
typedef uint32_t tl_sort_kt_char;
typedef uint32_t tl_sort_kt_short;
typedef uint32_t tl_sort_kt_int;
typedef uint64_t tl_sort_kt_long;
typedef uint32_t tl_sort_kt_float;
typedef uint64_t tl_sort_kt_double;

/* Small integer types map to their offset from the minimum, so the high
 * digits stay constant and their passes are skipped. */
static inline uint32_t tl_sort_key_byte(uint8_t v) { return v; }
static inline uint32_t tl_sort_key_char(int8_t v) { return (uint32_t)((int32_t)v + 128); }
static inline uint32_t tl_sort_key_short(int16_t v) { return (uint32_t)((int32_t)v + 32768); }
static inline uint32_t tl_sort_key_int(int32_t v) { return (uint32_t)v ^ 0x80000000u; }
static inline uint64_t tl_sort_key_long(int64_t v) { return (uint64_t)v ^ ((uint64_t)1 << 63); }

/* IEEE: negative values complemented, positive ones get the sign bit, so
 * unsigned order is numeric order; every NaN is the largest key (above
 * +inf) and -0.0 is 0.0, as the comparison sort sees them. */
static inline uint32_t tl_sort_key_float(float v)
{
  if (v != v) return UINT32_MAX;
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  if (u == 0x80000000u) u = 0;
  return u & 0x80000000u ? ~u : u | 0x80000000u;
}

static inline uint64_t tl_sort_key_double(double v)
{
  const uint64_t sign = (uint64_t)1 << 63;
  if (v != v) return UINT64_MAX;
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  if (u == sign) u = 0;
  return u & sign ? ~u : u | sign;
}

/* tl_sort_radix_<KN>(k, p, m): stable LSD radix sort of the m (key,
 * position) pairs in k[0], p[0], with k[1], p[1] as scratch; a pass whose
 * digit is the same for every key is skipped. The result ends in k[0],
 * p[0] (copied back after an odd number of passes). */
#define TL_RADIX_DEF(KT, KN)                                                           \
  static void tl_sort_radix_##KN(KT *k[2], uint32_t *p[2], int64_t m)                  \
  {                                                                                    \
    int cur = 0;                                                                       \
    for (int32_t shift = 0; shift < (int32_t)(8 * sizeof(KT)); shift += 8) {           \
      const KT *ks = k[cur];                                                           \
      const uint32_t *ps = p[cur];                                                     \
      KT *kd = k[!cur];                                                                \
      uint32_t *pd = p[!cur];                                                          \
      int64_t off[256] = {0};                                                          \
      for (int64_t i = 0; i < m; i++) off[(ks[i] >> shift) & 255]++;                   \
      if (off[(ks[0] >> shift) & 255] == m) continue;                                  \
      int64_t run = 0;                                                                 \
      for (int32_t d = 0; d < 256; d++) {                                              \
        int64_t c = off[d];                                                            \
        off[d] = run;                                                                  \
        run += c;                                                                      \
      }                                                                                \
      for (int64_t i = 0; i < m; i++) {                                                \
        int64_t o = off[(ks[i] >> shift) & 255]++;                                     \
        kd[o] = ks[i];                                                                 \
        pd[o] = ps[i];                                                                 \
      }                                                                                \
      cur = !cur;                                                                      \
    }                                                                                  \
    if (cur) {                                                                         \
      memcpy(k[0], k[1], (size_t)m * sizeof(KT));                                      \
      memcpy(p[0], p[1], (size_t)m * sizeof(uint32_t));                                \
    }                                                                                  \
  }
TL_RADIX_DEF(uint32_t, u32)
TL_RADIX_DEF(uint64_t, u64)
#undef TL_RADIX_DEF

/* Per dtype:
 * tl_sort_radix_line_<N>(x, xs, b, e, desc, k, p): elements b..e-1 of
 * line x (stride xs) as (key, position) pairs in k[0], p[0] at b..e-1,
 * radix-sorted there (k[1], p[1] as scratch).
 * tl_sort_msort_<N>: (value, position) pairs sorted by a bottom-up merge
 * sort (insertion sort on runs of 16 first), stable because a merge takes
 * from the left run on ties.
 * tl_sort_line_<N>(what, x, xs, buf, m, k, desc, out, os, oi, is) sorts
 * the line x and writes the selected part; buf holds tl_sort_buf_size
 * bytes: the radix scratch, then pairs when a selection needs them, or
 * the merge sort's two pair arrays. */
#define TL_SORT_DEF(DT, T, N)                                                            \
  typedef struct { T v; int64_t i; } tl_sort_pair_##N;                                   \
  static inline int tl_sort_before_##N(T x, T y, int desc)                               \
  {                                                                                      \
    if (desc) return x > y || (x != x && y == y);                                         \
    return x < y || (y != y && x == x);                                                  \
  }                                                                                      \
  static void tl_sort_radix_line_##N(const T *x, int64_t xs, int64_t b, int64_t e, int desc,  \
                                     tl_sort_kt_##N *k[2], uint32_t *p[2])               \
  {                                                                                      \
    tl_sort_kt_##N mask = desc ? (tl_sort_kt_##N)~(tl_sort_kt_##N)0 : 0;                  \
    for (int64_t i = b; i < e; i++) {                                                    \
      k[0][i] = tl_sort_key_##N(x[i * xs]) ^ mask;                                       \
      p[0][i] = (uint32_t)i;                                                             \
    }                                                                                    \
    tl_sort_kt_##N *ks[2] = {k[0] + b, k[1] + b};                                        \
    uint32_t *ps[2] = {p[0] + b, p[1] + b};                                              \
    _Generic(k[0], uint32_t *: tl_sort_radix_u32, uint64_t *: tl_sort_radix_u64)(ks, ps, e - b); \
  }                                                                                      \
  /* The scratch of m elements as two key and two position arrays. */                \
  static void tl_sort_carve_##N(char *scratch, int64_t m, tl_sort_kt_##N *k[2], uint32_t *p[2]) \
  {                                                                                      \
    k[0] = (tl_sort_kt_##N *)scratch;                                                    \
    k[1] = k[0] + m;                                                                     \
    p[0] = (uint32_t *)(k[1] + m);                                                       \
    p[1] = p[0] + m;                                                                     \
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
  static void tl_sort_line_##N(int32_t what, const T *x, int64_t xs, char *buf, int64_t m, \
                               int64_t k, int desc, T *out, int64_t os, int64_t *oi,     \
                               int64_t is)                                               \
  {                                                                                      \
    tl_sort_pair_##N *a = (tl_sort_pair_##N *)buf;                                       \
    if (tl_sort_small_topk(what, m, k)) {                                                \
      /* small k: keep the best k in a sorted buffer, O(m k) worst case but              \
       * one comparison per element once the buffer is full */                         \
      int64_t n = 0;                                                                     \
      for (int64_t i = 0; i < m && k > 0; i++) {                                         \
        if (n == k && xs == 1 && i % 32 == 0 && i + 32 <= m) {                           \
          /* a block of 32 none of which can enter (a superset test the             \
           * compiler vectorises; NaNs are settled by the exact test) */            \
          T thr = a[k - 1].v;                                                            \
          int hit = 0;                                                                   \
          if (desc) {                                                                    \
            for (int32_t j = 0; j < 32; j++) hit |= !(x[i + j] <= thr);                  \
          } else {                                                                       \
            for (int32_t j = 0; j < 32; j++) hit |= !(x[i + j] >= thr);                  \
          }                                                                              \
          if (!hit) {                                                                    \
            i += 31;                                                                     \
            continue;                                                                    \
          }                                                                              \
        }                                                                                \
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
    if (tl_sort_use_radix(m)) {                                                          \
      tl_sort_kt_##N *rk[2];                                                             \
      uint32_t *rp[2];                                                                   \
      tl_sort_carve_##N(buf, m, rk, rp);                                                 \
      tl_sort_radix_line_##N(x, xs, 0, m, desc, rk, rp);                                 \
      const uint32_t *pos = rp[0];                                                       \
      if (what == TL_SORT_ALL || what == TL_SORT_TOPK) {                                 \
        int64_t n = what == TL_SORT_ALL ? m : k;                                         \
        for (int64_t i = 0; i < n; i++) { out[i * os] = x[pos[i] * xs]; oi[i * is] = pos[i]; } \
        return;                                                                          \
      }                                                                                  \
      a = (tl_sort_pair_##N *)(buf + m * (2 * (int64_t)sizeof(tl_sort_kt_##N) + 8));     \
      for (int64_t i = 0; i < m; i++) { a[i].v = x[pos[i] * xs]; a[i].i = pos[i]; }      \
    } else {                                                                             \
      for (int64_t i = 0; i < m; i++) { a[i].v = x[i * xs]; a[i].i = i; }               \
      a = tl_sort_msort_##N(a, (tl_sort_pair_##N *)(buf + m * 16), m, desc);             \
    }                                                                                    \
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

/* Sorting or selecting along dim, a line per iteration: thread t's lines. */
typedef struct tl_sort_job {
  int32_t what;
  const tl_tensor *src, *values, *indices;
  int32_t dim;
  int64_t m, k;
  int32_t desc;
  int64_t es, nlines;
  _Atomic int failed;   /* a thread could not allocate its buffer */
} tl_sort_job;

static void tl_sort_lines(void *ctx, int32_t t, int32_t nt)
{
  tl_sort_job *j = ctx;
  const tl_tensor *src = j->src, *values = j->values, *indices = j->indices;
  int32_t dim = j->dim;
  int64_t b, e;
  tl_parallel_part(j->nlines, t, nt, &b, &e);
  if (b >= e) return;
  char *buf = tl_alloc(tl_sort_buf_size(j->what, j->m, j->k, j->es));
  if (!buf) {
    atomic_store(&j->failed, 1);
    return;
  }
  for (int64_t l = b; l < e; l++) {
    const char *x = src->storage->data + tl_sort_line_offset(src, dim, l) * j->es;
    char *o = values->storage->data + tl_sort_line_offset(values, dim, l) * j->es;
    int64_t *oi = (int64_t *)indices->storage->data + tl_sort_line_offset(indices, dim, l);
    switch (src->dtype) {
#define CASE(DT, T, N) case DT: \
      tl_sort_line_##N(j->what, (const T *)x, src->stride[dim], buf, j->m, j->k, j->desc, (T *)o, \
                       values->stride[dim], oi, indices->stride[dim]); break;
      TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
    default: break;
    }
  }
  tl_release(buf);
}

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
  tl_sort_job j = {what, src, values, indices, dim, m, k, desc, es, nlines, 0};
  tl_parallel_run(nth, tl_sort_lines, &j);
  int failed = atomic_load(&j.failed);
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
