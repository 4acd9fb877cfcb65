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
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct tl_red_state {
  double fsum;        /* sum or product: floating types */
  uint64_t isum;      /* sum or product: integer types (wraps) */
  double fbest;       /* max/min so far: floating types */
  int64_t ibest;      /* max/min so far: integer types */
  int64_t idx;        /* position of the best, -1 before any element */
  int64_t count;      /* elements folded so far */
} tl_red_state;

static void tl_red_init(int32_t op, tl_red_state *s)
{
  memset(s, 0, sizeof *s);
  if (op == TL_OP_prod) {
    s->fsum = 1;
    s->isum = 1;
  }
  s->idx = -1;
}

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
          _Pragma("omp simd reduction(+:acc)")                                         \
          for (int64_t i = 0; i < n; i++) acc += (double)p[i];                         \
        } else {                                                                       \
          for (int64_t i = 0; i < n; i++) acc += (double)p[i * st];                    \
        }                                                                              \
        s->fsum += acc;                                                                \
      } else {                                                                         \
        uint64_t acc = 0;                                                              \
        for (int64_t i = 0; i < n; i++) acc += (uint64_t)(int64_t)p[i * st];           \
        s->isum += acc;                                                                \
      }                                                                                \
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
  if (op == TL_OP_sum || op == TL_OP_mean) {
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

/* Shared validation: a reduction op on a dtype that has it. */
static int tl_red_check(int32_t op, const tl_tensor *a, tl_red_fold_fn *fold)
{
  const tl_op_info *info = tl_op_get(op);
  const tl_dtype_info *di = tl_dtype_get(a->dtype);
  if (info->kind != TL_OPK_REDUCE) return tl_error_set("%s: is not a reduction", info->name);
  if (tl_check_has_math(info->name, a)) return -1;
  if (info->float_only && !di->is_float)
    return tl_error_set("%s: not available for torch.%sTensor (only Float and Double)", info->name, di->name);
  *fold = tl_red_fold_get(a->dtype);
  if (!*fold) return tl_error_set("%s: not available for torch.%sTensor", info->name, di->name);
  return 0;
}

/* ---- overall ------------------------------------------------------------ */

enum { TL_RED_MAXTHREADS = 64 };

typedef struct tl_red_all_ctx {
  int32_t op;
  tl_red_fold_fn fold;
  tl_red_state state[TL_RED_MAXTHREADS];
} tl_red_all_ctx;

static void tl_red_all_loop(char **p, const int64_t *st, int64_t n, void *vctx)
{
  tl_red_all_ctx *ctx = vctx;
  int t = 0;
#ifdef _OPENMP
  t = omp_get_thread_num();
#endif
  ctx->fold(ctx->op, p[0], st[0], n, &ctx->state[t]);
}

int tl_cpu_reduce_all(int32_t op, const tl_tensor *a, double s0, double *out)
{
  (void)s0;
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
  for (int32_t t = 0; t < TL_RED_MAXTHREADS; t++) tl_red_init(op, &ctx->state[t]);
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
    tl_red_state *s = &ctx->state[0];
    for (int32_t t = 1; t < TL_RED_MAXTHREADS; t++) tl_red_merge(op, fl, s, &ctx->state[t]);
    switch (op) {
    case TL_OP_sum: case TL_OP_prod: *out = fl ? s->fsum : (double)(int64_t)s->isum; break;
    case TL_OP_mean: *out = s->fsum / (double)n; break;
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
      tl_red_init(ctx->op, &s);                                                        \
      tl_red_fold_##N(ctx->op, p[1] + j * st[1] * (int64_t)sizeof(T), ctx->ds, ctx->m, &s); \
      T v;                                                                             \
      switch (ctx->op) {                                                               \
      case TL_OP_sum: case TL_OP_prod: v = fl ? (T)s.fsum : (T)(int64_t)s.isum; break; \
      case TL_OP_mean: v = (T)(s.fsum / (double)ctx->m); break;                        \
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
  (void)s0;
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
  tl_red_dim_ctx ctx = {op, indices != NULL, a->size[dim], a->stride[dim]};
  tl_tensor *ops[3] = {values, &line, indices};
  tl_iter it;
  if (tl_iter_init(&it, indices ? 3 : 2, ops)) return -1;
  return tl_iter_finish(&it, tl_iter_run(&it, loop, &ctx, fn));
}
