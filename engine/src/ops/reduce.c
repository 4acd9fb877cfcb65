/*
 * reduce.c: reductions (sum, prod, mean, max, min) along a dim and overall.
 *
 * Every reduction folds runs of elements into a tl_red_state: sums and
 * products accumulate in double for Float and Double (users expect sums of
 * big Float tensors to be accurate) and in 64-bit wrapping integers for the
 * integer types (Torch7's `long` accreal); max/min keep the best value and
 * its position, with Torch7's NaN rule: a NaN wins and stops the scan.
 *
 * Along a dim, tl_iter walks the output (values [, indices]) together with
 * the input viewed with that dim shrunk to size 1; each output element
 * folds its line of the input. Overall, tl_iter walks the input and each
 * thread folds into its own state; the states combine in order.
 */
#include "ops.h"
#include "../device.h"
#include "../iter.h"
#include <string.h>
#include <math.h>

typedef struct tl_red_state {
  double fsum;        /* sum or product: floating types */
  uint64_t isum;      /* sum or product: integer types (wraps) */
  double fbest;       /* max/min so far: floating types */
  int64_t ibest;      /* max/min so far: integer types */
  int64_t idx;        /* position of the best, -1 before any element */
  int64_t count;      /* elements folded so far */
  double p;           /* norm: the exponent */
  double mean, m2;    /* var/std: running mean and sum of squared deviations */
} tl_red_state;

static void tl_red_init(int32_t op, tl_red_state *s, double s0)
{
  memset(s, 0, sizeof *s);
  s->p = s0;
  if (op == TL_OP_prod) {
    s->fsum = 1;
    s->isum = 1;
  }
  s->idx = -1;
}

/* Vector-friendly helpers for contiguous runs, per dtype.
 * tl_red_sum_run_<N>(p, n): the sum of n elements in double, in
 * TL_RED_LANES independent partial sums (one add chain would wait on the
 * adder's latency; several keep it busy), combined at the end.
 * tl_red_best_run_<N>(p, n, is_max): the position of the first largest
 * (smallest) element, found as the best value of each lane and then the
 * first element equal to the best of the lanes; -1 when the run holds a
 * NaN (the caller's scan then applies the NaN rule) or is too short. */
enum { TL_RED_LANES = 32 };
#define TL_RED_RUN(DT, T, N)                                                           \
  static inline double tl_red_sum_run_##N(const T *p, int64_t n)                       \
  {                                                                                    \
    double part[TL_RED_LANES] = {0}, acc = 0;                                          \
    int64_t i = 0;                                                                     \
    for (; i + TL_RED_LANES <= n; i += TL_RED_LANES)                                   \
      for (int32_t j = 0; j < TL_RED_LANES; j++) part[j] += (double)p[i + j];          \
    for (; i < n; i++) acc += (double)p[i];                                            \
    for (int32_t j = 0; j < TL_RED_LANES; j++) acc += part[j];                         \
    return acc;                                                                        \
  }                                                                                    \
  static inline int64_t tl_red_best_run_##N(const T *p, int64_t n, int is_max)         \
  {                                                                                    \
    if (n < 2 * TL_RED_LANES) return -1;                                               \
    T lane[TL_RED_LANES];                                                              \
    int nan = 0;                                                                       \
    int64_t i = 0;                                                                     \
    for (int32_t j = 0; j < TL_RED_LANES; j++) lane[j] = p[0];                         \
    if (is_max) {                                                                      \
      for (; i + TL_RED_LANES <= n; i += TL_RED_LANES)                                 \
        for (int32_t j = 0; j < TL_RED_LANES; j++) {                                   \
          T v = p[i + j];                                                              \
          nan |= v != v;                                                               \
          lane[j] = v > lane[j] ? v : lane[j];                                         \
        }                                                                              \
    } else {                                                                           \
      for (; i + TL_RED_LANES <= n; i += TL_RED_LANES)                                 \
        for (int32_t j = 0; j < TL_RED_LANES; j++) {                                   \
          T v = p[i + j];                                                              \
          nan |= v != v;                                                               \
          lane[j] = v < lane[j] ? v : lane[j];                                         \
        }                                                                              \
    }                                                                                  \
    for (; i < n; i++) {                                                               \
      T v = p[i];                                                                      \
      nan |= v != v;                                                                   \
      if (is_max ? v > lane[0] : v < lane[0]) lane[0] = v;                             \
    }                                                                                  \
    if (nan) return -1;                                                                \
    T best = lane[0];                                                                  \
    for (int32_t j = 1; j < TL_RED_LANES; j++)                                         \
      if (is_max ? lane[j] > best : lane[j] < best) best = lane[j];                    \
    /* first position holding best (-0.0 equals 0.0, as in the scan) */              \
    for (i = 0; i + TL_RED_LANES <= n; i += TL_RED_LANES) {                            \
      int hit = 0;                                                                     \
      for (int32_t j = 0; j < TL_RED_LANES; j++) hit |= p[i + j] == best;              \
      if (hit) break;                                                                  \
    }                                                                                  \
    for (; i < n; i++)                                                                 \
      if (p[i] == best) return i;                                                      \
    return -1;                                                                         \
  }
TL_FOREACH_MATH_DTYPE(TL_RED_RUN)
#undef TL_RED_RUN

#if defined(__AVX512F__)
/* Float sums are the common big reduction: with AVX-512, 8 floats widen
 * to doubles straight from memory into independent accumulators, which
 * GCC's code for the portable loop (wide loads, then extracts) does not
 * match. The two halves of the run are summed in lockstep: two streams
 * keep more cache lines in flight from DRAM than one (about 11% at 10M
 * floats on one thread). Same arithmetic: double partial sums. */
#include <immintrin.h>
static double tl_red_sum_float_avx512(const float *p, int64_t n)
{
  __m512d a[8];
  for (int32_t j = 0; j < 8; j++) a[j] = _mm512_setzero_pd();
  int64_t h = n / 2 / 32 * 32, i = 0;
  const float *q = p + h;
  for (; i + 32 <= h; i += 32)
    for (int32_t j = 0; j < 4; j++) {
      a[j] = _mm512_add_pd(a[j], _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 8 * j)));
      a[4 + j] = _mm512_add_pd(a[4 + j], _mm512_cvtps_pd(_mm256_loadu_ps(q + i + 8 * j)));
    }
  for (int32_t j = 1; j < 8; j++) a[0] = _mm512_add_pd(a[0], a[j]);
  double acc = _mm512_reduce_add_pd(a[0]);
  for (i = 2 * h; i < n; i++) acc += (double)p[i];
  return acc;
}
#define tl_red_sum_run_float tl_red_sum_float_avx512
#endif

/* tl_red_fold_<dtype>(op, base, stride, n, state): fold n elements.
 * max: `!(v <= best)` is true for v > best and for a NaN v; a NaN best
 * is final. min mirrors it. */
#define TL_RED_FOLD(DT, T, N)                                                          \
  static void tl_red_fold_##N(int32_t op, const char *base, int64_t st, int64_t n,     \
                              tl_red_state *s)                                         \
  {                                                                                    \
    const T *p = (const T *)base;                                                      \
    const int fl = (T)0.5 != 0;                                                        \
    if (op == TL_OP_sum || op == TL_OP_mean) {                                         \
      if (fl) {                                                                        \
        double acc = 0;                                                                \
        if (st == 1) {                                                                 \
          acc = tl_red_sum_run_##N(p, n);                                              \
        } else {                                                                       \
          for (int64_t i = 0; i < n; i++) acc += (double)p[i * st];                    \
        }                                                                              \
        s->fsum += acc;                                                                \
      } else {                                                                         \
        uint64_t acc = 0;                                                              \
        for (int64_t i = 0; i < n; i++) acc += (uint64_t)(int64_t)p[i * st];           \
        s->isum += acc;                                                                \
      }                                                                                \
    } else if (op == TL_OP_norm) {                                                     \
      double acc = 0, pw = s->p;                                                       \
      for (int64_t i = 0; i < n; i++) {                                                \
        double v = fabs((double)p[i * st]);                                            \
        acc += pw == 0 ? (v != 0) : pw == 1 ? v : pw == 2 ? v * v : pow(v, pw);         \
      }                                                                                \
      s->fsum += acc;                                                                  \
    } else if (op == TL_OP_var || op == TL_OP_std) {                                   \
      /* Welford: stable in one pass, and states merge (Chan et al.) */                \
      double mean = s->mean, m2 = s->m2;                                               \
      for (int64_t i = 0; i < n; i++) {                                                \
        double v = (double)p[i * st], d = v - mean;                                    \
        mean += d / (double)(s->count + i + 1);                                        \
        m2 += d * (v - mean);                                                          \
      }                                                                                \
      s->mean = mean;                                                                  \
      s->m2 = m2;                                                                      \
    } else if (op == TL_OP_prod) {                                                     \
      if (fl) {                                                                        \
        double acc = s->fsum;                                                          \
        for (int64_t i = 0; i < n; i++) acc *= (double)p[i * st];                      \
        s->fsum = acc;                                                                 \
      } else {                                                                         \
        uint64_t acc = s->isum;                                                        \
        for (int64_t i = 0; i < n; i++) acc *= (uint64_t)(int64_t)p[i * st];           \
        s->isum = acc;                                                                 \
      }                                                                                \
    } else if (n > 0) {                                                                \
      int is_max = op == TL_OP_max;                                                    \
      int64_t i = 0, bi;                                                               \
      T best;                                                                          \
      if (s->idx < 0) {                                                                \
        best = p[0];                                                                   \
        bi = s->count;                                                                 \
        i = 1;                                                                         \
      } else {                                                                         \
        best = fl ? (T)s->fbest : (T)s->ibest;                                         \
        bi = s->idx;                                                                   \
      }                                                                                \
      int64_t at;                                                                      \
      if (st == 1 && best == best && (at = tl_red_best_run_##N(p, n, is_max)) >= 0) {  \
        /* the run's first best, taken as the scan below would take it */             \
        T v = p[at];                                                                   \
        if (s->idx < 0 || (is_max ? !(v <= best) : !(v >= best))) {                    \
          best = v;                                                                    \
          bi = s->count + at;                                                          \
        }                                                                              \
        i = n;                                                                         \
      }                                                                                \
      if (best == best) {                                                              \
        for (; i < n; i++) {                                                           \
          T v = p[i * st];                                                             \
          if (is_max ? !(v <= best) : !(v >= best)) {                                  \
            best = v;                                                                  \
            bi = s->count + i;                                                         \
            if (v != v) break;                                                         \
          }                                                                            \
        }                                                                              \
      }                                                                                \
      if (fl) s->fbest = (double)best; else s->ibest = (int64_t)best;                  \
      s->idx = bi;                                                                     \
    }                                                                                  \
    s->count += n;                                                                     \
  }
TL_FOREACH_MATH_DTYPE(TL_RED_FOLD)
#undef TL_RED_FOLD

typedef void (*tl_red_fold_fn)(int32_t op, const char *base, int64_t st, int64_t n, tl_red_state *s);

static tl_red_fold_fn tl_red_fold_get(int32_t dtype)
{
  switch (dtype) {
#define CASE(DT, T, N) case DT: return tl_red_fold_##N;
    TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
  default: return NULL;
  }
}

/* Merge state b (the elements after a's) into a. */
static void tl_red_merge(int32_t op, int32_t is_float, tl_red_state *a, const tl_red_state *b)
{
  if (op == TL_OP_var || op == TL_OP_std) {
    if (b->count > 0) {
      double na = (double)a->count, nb = (double)b->count, d = b->mean - a->mean;
      a->mean += d * nb / (na + nb);
      a->m2 += b->m2 + d * d * na * nb / (na + nb);
    }
  } else if (op == TL_OP_sum || op == TL_OP_mean || op == TL_OP_norm) {
    a->fsum += b->fsum;
    a->isum += b->isum;
  } else if (op == TL_OP_prod) {
    a->fsum *= b->fsum;
    a->isum *= b->isum;
  } else if (b->idx >= 0) {
    int take;
    if (a->idx < 0) {
      take = 1;
    } else if (is_float) {
      double x = a->fbest, y = b->fbest;
      take = x == x && (op == TL_OP_max ? !(y <= x) : !(y >= x));
    } else {
      take = op == TL_OP_max ? b->ibest > a->ibest : b->ibest < a->ibest;
    }
    if (take) {
      a->fbest = b->fbest;
      a->ibest = b->ibest;
      a->idx = a->count + b->idx;
    }
  }
  a->count += b->count;
}

/* The floating result of norm, var and std from a final state. */
static double tl_red_finish_stat(int32_t op, const tl_red_state *s, double s0)
{
  if (op == TL_OP_norm) return s0 == 0 || s0 == 1 ? s->fsum : s0 == 2 ? sqrt(s->fsum) : pow(s->fsum, 1 / s0);
  double n = (double)s->count;
  double v = s->m2 / (s0 == 1 ? n : n - 1);
  if (s->count == 0) v = NAN;
  return op == TL_OP_std ? sqrt(v) : v;
}

/* Shared validation: a reduction op on a dtype that has it. */
static int tl_red_check(int32_t op, const tl_tensor *a, tl_red_fold_fn *fold)
{
  const tl_op_info *info = tl_op_get(op);
  const tl_dtype_info *di = tl_dtype_get(a->dtype);
  if (info->kind != TL_OPK_REDUCE) return tl_error_set("%s: is not a reduction", info->name);
  if (tl_check_has_math(info->name, a)) return -1;
  if (info->float_only == 1 && !di->is_float)
    return tl_error_set("%s: not available for torch.%sTensor (only Float and Double)", info->name, di->name);
  *fold = tl_red_fold_get(a->dtype);
  if (!*fold) return tl_error_set("%s: not available for torch.%sTensor", info->name, di->name);
  return 0;
}

/* ---- overall ------------------------------------------------------------ */

enum { TL_RED_MAXTHREADS = 64 };

/* A thread's state padded to two cache lines, so threads folding runs
 * never write to a line another thread's state shares. */
typedef union tl_red_slot {
  tl_red_state s;
  char pad[128];
} tl_red_slot;

typedef struct tl_red_all_ctx {
  int32_t op;
  tl_red_fold_fn fold;
  tl_red_slot state[TL_RED_MAXTHREADS];
} tl_red_all_ctx;

static void tl_red_all_loop(char **p, const int64_t *st, int64_t n, void *vctx)
{
  tl_red_all_ctx *ctx = vctx;
  int t = tl_parallel_thread();
  ctx->fold(ctx->op, p[0], st[0], n, &ctx->state[t].s);
}

int tl_cpu_reduce_all(int32_t op, const tl_tensor *a, double s0, double *out)
{
  tl_red_fold_fn fold;
  const char *fn = tl_op_get(op)->name;
  if (tl_red_check(op, a, &fold) || tl_check_not_null(fn, out, "output")) return -1;
  int64_t n = tl_tensor_numel(a);
  if ((op == TL_OP_max || op == TL_OP_min) && n == 0)
    return tl_error_set("%s: the tensor is empty", fn);
  tl_red_all_ctx *ctx = tl_alloc(sizeof *ctx);
  if (!ctx) return -1;
  ctx->op = op;
  ctx->fold = fold;
  for (int32_t t = 0; t < TL_RED_MAXTHREADS; t++) tl_red_init(op, &ctx->state[t].s, s0);
  tl_iter it;
  tl_tensor *ops[1] = {(tl_tensor *)a};
  int rc = tl_iter_init(&it, 1, ops);
  if (rc == 0) {
    it.serial = tl_threads() > TL_RED_MAXTHREADS;
    /* Runs go to threads in order (static schedule), so merging the
     * per-thread states in thread order keeps element order. */
    rc = tl_iter_finish(&it, tl_iter_run(&it, tl_red_all_loop, ctx, fn));
  }
  if (rc == 0) {
    int32_t fl = tl_dtype_get(a->dtype)->is_float;
    tl_red_state *s = &ctx->state[0].s;
    for (int32_t t = 1; t < TL_RED_MAXTHREADS; t++) tl_red_merge(op, fl, s, &ctx->state[t].s);
    switch (op) {
    case TL_OP_sum: case TL_OP_prod: *out = fl ? s->fsum : (double)(int64_t)s->isum; break;
    case TL_OP_mean: *out = s->fsum / (double)n; break;
    case TL_OP_norm: case TL_OP_var: case TL_OP_std: *out = tl_red_finish_stat(op, s, s0); break;
    default: *out = fl ? s->fbest : (double)s->ibest; break;
    }
  }
  tl_release(ctx);
  return rc;
}

/* ---- along a dim -------------------------------------------------------- */

typedef struct tl_red_dim_ctx {
  int32_t op;
  int32_t has_indices;
  int64_t m;          /* size of the reduced dim */
  int64_t ds;         /* its stride in the input */
  double s0;          /* norm's p, var/std's flag */
} tl_red_dim_ctx;

/* p[0] values, p[1] input (first element of each line), p[2] indices. */
#define TL_RED_DIM(DT, T, N)                                                           \
  static void tl_red_dim_##N(char **p, const int64_t *st, int64_t n, void *vctx)      \
  {                                                                                    \
    const tl_red_dim_ctx *ctx = vctx;                                                  \
    const int fl = (T)0.5 != 0;                                                        \
    T *out = (T *)p[0];                                                                \
    int64_t *idx = ctx->has_indices ? (int64_t *)p[2] : NULL;                          \
    for (int64_t j = 0; j < n; j++) {                                                  \
      tl_red_state s;                                                                  \
      tl_red_init(ctx->op, &s, ctx->s0);                                               \
      tl_red_fold_##N(ctx->op, p[1] + j * st[1] * (int64_t)sizeof(T), ctx->ds, ctx->m, &s); \
      T v;                                                                             \
      switch (ctx->op) {                                                               \
      case TL_OP_sum: case TL_OP_prod: v = fl ? (T)s.fsum : (T)(int64_t)s.isum; break; \
      case TL_OP_mean: v = (T)(s.fsum / (double)ctx->m); break;                        \
      case TL_OP_norm: case TL_OP_var: case TL_OP_std:                                 \
        v = (T)tl_red_finish_stat(ctx->op, &s, ctx->s0); break;                        \
      default: v = fl ? (T)s.fbest : (T)s.ibest; break;                                \
      }                                                                                \
      out[j * st[0]] = v;                                                              \
      if (idx) idx[j * st[2]] = s.idx < 0 ? 0 : s.idx;                                 \
    }                                                                                  \
  }
TL_FOREACH_MATH_DTYPE(TL_RED_DIM)
#undef TL_RED_DIM

static tl_loop_fn tl_red_dim_get(int32_t dtype)
{
  switch (dtype) {
#define CASE(DT, T, N) case DT: return tl_red_dim_##N;
    TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
  default: return NULL;
  }
}

int tl_cpu_reduce(int32_t op, tl_tensor *values, tl_tensor *indices, const tl_tensor *a,
                  int32_t dim, double s0)
{
  tl_red_fold_fn fold;
  const char *fn = tl_op_get(op)->name;
  /* validate */
  if (tl_red_check(op, a, &fold) || tl_check_not_null(fn, values, "result") ||
      tl_check_same_dtype(fn, a, values) || tl_check_dim(fn, a, dim))
    return -1;
  if (indices && indices->dtype != TL_LONG)
    return tl_error_set("%s: indices must be a torch.LongTensor, got torch.%sTensor", fn,
                        tl_dtype_get(indices->dtype)->name);
  if ((op == TL_OP_max || op == TL_OP_min) && a->size[dim] == 0)
    return tl_error_set("%s: dimension %d is empty", fn, dim + 1);
  tl_loop_fn loop = tl_red_dim_get(a->dtype);
  if (!loop) return tl_error_set("%s: not available for torch.%sTensor", fn, tl_dtype_get(a->dtype)->name);
  /* allocate: a's shape with the reduced dim kept as size 1 (Torch7) */
  tl_tensor line = *a;                 /* header only: never freed */
  line.size[dim] = 1;
  if (!tl_tensor_same_size(values, &line) && tl_tensor_resize(values, line.ndim, line.size)) return -1;
  if (indices && !tl_tensor_same_size(indices, &line) && tl_tensor_resize(indices, line.ndim, line.size))
    return -1;
  if (tl_tensor_numel(&line) == 0) return 0;
  /* compute */
  tl_red_dim_ctx ctx = {op, indices != NULL, a->size[dim], a->stride[dim], s0};
  tl_tensor *ops[3] = {values, &line, indices};
  tl_iter it;
  if (tl_iter_init(&it, indices ? 3 : 2, ops)) return -1;
  return tl_iter_finish(&it, tl_iter_run(&it, loop, &ctx, fn));
}

/* ---- cumulative sum and product along a dim ------------------------------
 * Torch7 accumulates in the element type (a Float cumsum rounds at every
 * step); we keep Torch7's results for integers (wrapping) and accumulate
 * floating types in double, which is at least as accurate. */

typedef struct tl_cum_ctx {
  int32_t op;
  int64_t m, rs, as;     /* line length, its stride in res and in a */
} tl_cum_ctx;

#define TL_CUM_DEF(DT, T, N)                                                           \
  static void tl_cum_##N(char **p, const int64_t *st, int64_t n, void *vctx)           \
  {                                                                                    \
    const tl_cum_ctx *ctx = vctx;                                                      \
    const int fl = (T)0.5 != 0;                                                        \
    for (int64_t j = 0; j < n; j++) {                                                  \
      T *r = (T *)p[0] + j * st[0];                                                    \
      const T *x = (const T *)p[1] + j * st[1];                                        \
      double facc = ctx->op == TL_OP_prod;                                             \
      uint64_t iacc = ctx->op == TL_OP_prod;                                           \
      for (int64_t i = 0; i < ctx->m; i++) {                                           \
        T v = x[i * ctx->as];                                                          \
        if (fl) {                                                                      \
          facc = ctx->op == TL_OP_prod ? facc * (double)v : facc + (double)v;          \
          r[i * ctx->rs] = (T)facc;                                                    \
        } else {                                                                       \
          iacc = ctx->op == TL_OP_prod ? iacc * (uint64_t)(int64_t)v                   \
                                       : iacc + (uint64_t)(int64_t)v;                  \
          r[i * ctx->rs] = (T)(int64_t)iacc;                                           \
        }                                                                              \
      }                                                                                \
    }                                                                                  \
  }
TL_FOREACH_MATH_DTYPE(TL_CUM_DEF)
#undef TL_CUM_DEF

int tl_cpu_cumulate(int32_t op, tl_tensor *res, const tl_tensor *a, int32_t dim)
{
  const char *fn = op == TL_OP_prod ? "cumprod" : "cumsum";
  /* validate */
  if (op != TL_OP_sum && op != TL_OP_prod) return tl_error_set("cumulate: op must be sum or prod");
  if (tl_check_has_math(fn, a) || tl_check_same_dtype(fn, a, res) || tl_check_dim(fn, a, dim))
    return -1;
  tl_loop_fn loop = NULL;
  switch (a->dtype) {
#define CASE(DT, T, N) case DT: loop = tl_cum_##N; break;
    TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
  default: break;
  }
  /* allocate: a copy of a first when res aliases it, so lines read the
   * original values */
  tl_tensor *src = (tl_tensor *)a;
  if (res->storage && a->storage == res->storage) {
    src = tl_tensor_clone(a);
    if (!src) return -1;
  }
  int rc = 0;
  if (!tl_tensor_same_size(res, a)) rc = tl_tensor_resize_as(res, a);
  if (rc == 0 && tl_tensor_numel(a) > 0) {
    /* compute: one iteration per line, over res and src with dim shrunk */
    tl_tensor rline = *res, aline = *src;       /* headers only */
    rline.size[dim] = 1;
    aline.size[dim] = 1;
    tl_cum_ctx ctx = {op, a->size[dim], res->stride[dim], src->stride[dim]};
    tl_tensor *ops[2] = {&rline, &aline};
    tl_iter it;
    rc = tl_iter_init_inputs(&it, 2, ops);
    if (rc == 0) rc = tl_iter_finish(&it, tl_iter_run(&it, loop, &ctx, fn));
  }
  if (src != a) tl_tensor_free(src);
  return rc;
}

int tl_cumulate(int32_t op, tl_tensor *res, const tl_tensor *a, int32_t dim)
{
  if (tl_check_not_null("cumsum", res, "result") || tl_check_not_null("cumsum", a, "input") ||
      tl_check_same_device("cumsum", res, a))
    return -1;
  const tl_device_ops *d = tl_device_get("cumsum", a->device);
  if (!d) return -1;
  if (!d->cumulate) return tl_error_set("cumsum: not available on device %s", d->name);
  return d->cumulate(op, res, a, dim);
}
