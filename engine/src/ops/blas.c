/*
 * blas.c: matrix and vector products: addmm, addmv, addr and dot.
 *
 * Float and Double go to OpenBLAS (cblas, column-major calls). A 2-D
 * operand is passed as it lies in memory: strides (1, ld) are a
 * column-major matrix, strides (ld, 1) a row-major one, which BLAS reads as
 * the transpose; only a matrix with neither layout (or overlapping the
 * result) is copied. A row-major result is computed as its transpose
 * (C^T = B^T A^T). Integer types, and every type in a build without BLAS,
 * use plain strided loops accumulating in int64 / double.
 *
 * Shapes (r, c, k): addmm res[r x c] = beta*m[r x c] + alpha*a[r x k] @ b[k x c];
 * addmv res[r] = beta*v[r] + alpha*mat[r x c] @ x[c];
 * addr res[r x c] = beta*m[r x c] + alpha*x[r] y[c]^T.
 * m (v) may be NULL: nothing is added and beta is ignored (mm, mv, ger).
 */
#include "ops.h"
#include "../device.h"
#include "../iter.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#ifdef TL_HAVE_CBLAS
#include <omp.h>
#include "../blas_lib.h"
#endif

/* ---- shared checks and helpers ------------------------------------------ */

static int tl_blas_check(const char *fn, const tl_tensor *res, const tl_tensor *t,
                         int32_t ndim, const char *what)
{
  if (tl_check_not_null(fn, t, what) || tl_check_has_math(fn, t)) return -1;
  if (res && tl_check_same_dtype(fn, res, t)) return -1;
  return tl_check_ndim(fn, t, ndim, what);
}

/* The term to add must have the result's shape. */
static int tl_blas_check_added(const char *fn, const tl_tensor *m, int32_t ndim, const int64_t *size)
{
  tl_tensor want = {.ndim = ndim};
  for (int32_t d = 0; d < ndim; d++) want.size[d] = size[d];
  if (tl_tensor_same_size(m, &want)) return 0;
  char sm[TL_SHAPE_STRLEN], sw[TL_SHAPE_STRLEN];
  return tl_error_set("%s: the tensor to add is %s, expected %s", fn, tl_shape_str(m, sm, sizeof sm),
                      tl_shape_str(&want, sw, sizeof sw));
}

static int tl_blas_overlap(const tl_tensor *a, const tl_tensor *b)
{
  return b && a->storage && a->storage == b->storage;
}

/* res := beta * res (beta 0 clears, ignoring NaN/inf already there). */
static int tl_blas_scale(tl_tensor *res, double beta)
{
  if (beta == 1) return 0;
  if (beta == 0) return tl_tensor_fill(res, 0);
  return tl_pointwise(TL_OP_mul, res, res, NULL, NULL, beta, 0);
}

/* Bring the result to shape size holding beta*m (or zeros), the state the
 * accumulating kernels expect. Returns beta to use in the kernel. */
static int tl_blas_prepare(tl_tensor *res, const tl_tensor *m, double *beta, int32_t ndim, const int64_t *size)
{
  tl_tensor want = {.ndim = ndim};
  for (int32_t d = 0; d < ndim; d++) want.size[d] = size[d];
  if (!m || *beta == 0) {
    *beta = 0;
    if (!tl_tensor_same_size(res, &want)) return tl_tensor_resize(res, ndim, size);
    return 0;
  }
  if (res == m) return 0;
  if (!tl_tensor_same_size(res, &want) && tl_tensor_resize(res, ndim, size)) return -1;
  return tl_tensor_copy(res, m);
}

static inline int tl_blas_is_float(int32_t dtype) { return dtype == TL_FLOAT || dtype == TL_DOUBLE; }

#ifdef TL_HAVE_CBLAS
/* How BLAS can read 2-D t in place: *trans 0 means column-major
 * ((i,j) at i + j*ld), 1 means row-major (its transpose is column-major).
 * Returns 0 when neither fits (a copy is needed). */
static int tl_blas_layout(const tl_tensor *t, int *trans, int *ld)
{
  int64_t r = t->size[0], c = t->size[1], s0 = t->stride[0], s1 = t->stride[1];
  int64_t rmin = r > 1 ? r : 1, cmin = c > 1 ? c : 1, l;
  if ((s0 == 1 || r == 1) && (c == 1 || s1 >= rmin)) {
    *trans = 0;
    l = c == 1 ? rmin : s1;
  } else if ((s1 == 1 || c == 1) && (r == 1 || s0 >= cmin)) {
    *trans = 1;
    l = r == 1 ? cmin : s0;
  } else {
    return 0;
  }
  if (l > INT_MAX) return 0;
  *ld = (int)l;
  return 1;
}

static int tl_blas_fits_int(const char *fn, int64_t a, int64_t b, int64_t c)
{
  if (a <= INT_MAX && b <= INT_MAX && c <= INT_MAX) return 0;
  return tl_error_set("%s: dimensions above 2^31 are not supported by BLAS", fn);
}

/* t itself when BLAS can read it, else a contiguous copy (row-major). */
static const tl_tensor *tl_blas_operand(const tl_tensor *t, tl_tensor **held, int *trans, int *ld)
{
  if (tl_blas_layout(t, trans, ld)) return t;
  *held = tl_tensor_clone(t);
  if (!*held || !tl_blas_layout(*held, trans, ld)) return NULL;
  return *held;
}

static inline const void *tl_blas_ptr(const tl_tensor *t) { return tl_tensor_data(t); }

/* ---- products split across threads ---------------------------------------
 * OpenBLAS's own threading scales poorly for the shapes nn meets: a batch
 * of 60 against a 500x784 weight runs 1.1x faster on two threads, where
 * two halves of the output, one per thread, run 1.8x faster; and under
 * about 2M multiply-adds (or 128K matrix elements for a matrix-vector
 * product) its threads cost more than they save. So the engine splits the
 * output itself: each of the pool's threads calls BLAS on its own block
 * (OpenBLAS runs single-threaded inside the pool's jobs, parallel.c),
 * and a small product runs on one thread. gemv and ger split the
 * matrix's columns (column-major), the equal ranges of memory that the
 * element-wise ops also give each thread: in a batch-1 training step each
 * thread then reads and writes the same half of a weight and of its
 * gradient in every pass (forward, backward, zeroing, update), which in a
 * C model of the step ran it 1.7x faster on two threads than on one. */

/* Work below which a call runs on one thread (multiply-adds; matrix
 * elements for gemv and ger), the fewest rows or columns a call is split
 * over, and the alignment of row splits (a vector of floats). */
enum { TL_BLAS_SPLIT_MM = 1 << 21, TL_BLAS_SPLIT_MV = 1 << 17, TL_BLAS_SPLIT_MIN = 32, TL_BLAS_SPLIT_ALIGN = 16 };

/* One column-major BLAS call, pointers in bytes:
 *   gemm: C[m x n] = alpha op(A) op(B) + beta C   (a, b, c)
 *   gemv: y = alpha op(A) x + beta y, A m x n      (a, x, y)
 *   ger:  C[m x n] += alpha x y^T                 (x, y, c) */
typedef struct tl_blas_call {
  int dbl;                          /* Double (else Float) */
  enum CBLAS_TRANSPOSE ta, tb;
  int m, n, k;
  double alpha, beta;
  const char *a, *b, *x;
  char *c, *y;
  int lda, ldb, ldc, incx, incy;
} tl_blas_call;

static inline size_t tl_blas_es(const tl_blas_call *g) { return g->dbl ? sizeof(double) : sizeof(float); }

/* gemm on the block rows [m0, m1) x columns [n0, n1) of C. */
static void tl_blas_gemm_block(const tl_blas_call *g, int m0, int m1, int n0, int n1)
{
  size_t es = tl_blas_es(g);
  const char *a = g->a + (g->ta == CblasNoTrans ? (size_t)m0 : (size_t)m0 * g->lda) * es;
  const char *b = g->b + (g->tb == CblasNoTrans ? (size_t)n0 * g->ldb : (size_t)n0) * es;
  char *c = g->c + ((size_t)m0 + (size_t)n0 * g->ldc) * es;
  if (g->dbl)
    tl_blas->cblas_dgemm(CblasColMajor, g->ta, g->tb, m1 - m0, n1 - n0, g->k, g->alpha, (const double *)a, g->lda,
                         (const double *)b, g->ldb, g->beta, (double *)c, g->ldc);
  else
    tl_blas->cblas_sgemm(CblasColMajor, g->ta, g->tb, m1 - m0, n1 - n0, g->k, (float)g->alpha, (const float *)a,
                         g->lda, (const float *)b, g->ldb, (float)g->beta, (float *)c, g->ldc);
}

/* gemv on the columns [n0, n1) of A: y[n0, n1) for op(A) = A^T; for A,
 * the partial product of those columns, into y with beta, or into y2
 * (steps of 1) with beta 0. */
static void tl_blas_gemv_block(const tl_blas_call *g, int n0, int n1, char *y2)
{
  size_t es = tl_blas_es(g);
  const char *a = g->a + (size_t)n0 * g->lda * es;
  int t = g->ta != CblasNoTrans;
  const char *x = g->x + (t ? 0 : (size_t)n0 * g->incx * es);
  char *y = y2 ? y2 : g->y + (t ? (size_t)n0 * g->incy * es : 0);
  int incy = y2 ? 1 : g->incy;
  double beta = y2 ? 0 : g->beta;
  if (g->dbl)
    tl_blas->cblas_dgemv(CblasColMajor, g->ta, g->m, n1 - n0, g->alpha, (const double *)a, g->lda,
                         (const double *)x, g->incx, beta, (double *)y, incy);
  else
    tl_blas->cblas_sgemv(CblasColMajor, g->ta, g->m, n1 - n0, (float)g->alpha, (const float *)a, g->lda,
                         (const float *)x, g->incx, (float)beta, (float *)y, incy);
}

/* ger on the columns [n0, n1) of C. */
static void tl_blas_ger_block(const tl_blas_call *g, int n0, int n1)
{
  size_t es = tl_blas_es(g);
  const char *y = g->y + (size_t)n0 * g->incy * es;
  char *c = g->c + (size_t)n0 * g->ldc * es;
  if (g->dbl)
    tl_blas->cblas_dger(CblasColMajor, g->m, n1 - n0, g->alpha, (const double *)g->x, g->incx,
                        (const double *)y, g->incy, (double *)c, g->ldc);
  else
    tl_blas->cblas_sger(CblasColMajor, g->m, n1 - n0, (float)g->alpha, (const float *)g->x, g->incx,
                        (const float *)y, g->incy, (float *)c, g->ldc);
}

/* The threads to split a call over: 1 inside a pool job (its threads are
 * busy already) or below the size given. */
static int tl_blas_split_threads(int64_t work, int64_t min_work)
{
  int nt = (int)tl_threads();
  return nt <= 1 || tl_parallel_inside() || work < min_work ? 1 : nt;
}

/* Thread t's part [*b, *e) of n items split nt ways (as the element-wise
 * ops split ranges), rounded to multiples of align. */
static void tl_blas_part(int n, int nt, int t, int align, int *b, int *e)
{
  int64_t chunk = ((int64_t)n + nt - 1) / nt;
  chunk = (chunk + align - 1) / align * align;
  int64_t lo = chunk * t, hi = lo + chunk;
  *b = (int)(lo < n ? lo : n);
  *e = (int)(hi < n ? hi : n);
}

/* Makes the BLAS call `call` on one thread: OpenBLAS's OpenMP build takes
 * its thread count from omp_get_max_threads(), lowered for the call (and
 * already 1 inside the pool's jobs). */
#define TL_BLAS_SERIAL(call)                                                    \
  do {                                                                          \
    int tl_nt_ = omp_get_max_threads();                                         \
    if (tl_nt_ > 1) omp_set_num_threads(1);                                     \
    call;                                                                       \
    if (tl_nt_ > 1) omp_set_num_threads(tl_nt_);                                \
  } while (0)

/* gemm: thread t's rows or columns of C. */
typedef struct tl_blas_gemm_job {
  const tl_blas_call *g;
  int by_cols, len;
} tl_blas_gemm_job;

static void tl_blas_gemm_run(void *ctx, int32_t t, int32_t nt)
{
  const tl_blas_gemm_job *j = ctx;
  int b, e;
  tl_blas_part(j->len, nt, t, TL_BLAS_SPLIT_ALIGN, &b, &e);
  if (b < e) {
    if (j->by_cols) tl_blas_gemm_block(j->g, 0, j->g->m, b, e);
    else tl_blas_gemm_block(j->g, b, e, 0, j->g->n);
  }
}

static void tl_blas_split_gemm(const tl_blas_call *g)
{
  int64_t work = (int64_t)g->m * g->n * g->k;
  int nt = tl_blas_split_threads(work, TL_BLAS_SPLIT_MM);
  /* Columns of C when k is small (each thread then rewrites one stretch
   * of C) or C is wide; else rows, so that each thread reads half of A. */
  int by_cols = g->k <= 128 || g->n >= g->m;
  int len = by_cols ? g->n : g->m;
  if (nt > 1 && len >= TL_BLAS_SPLIT_MIN) {
    tl_blas_gemm_job j = {g, by_cols, len};
    tl_parallel_run(nt, tl_blas_gemm_run, &j);
    return;
  }
  if (work < TL_BLAS_SPLIT_MM) TL_BLAS_SERIAL(tl_blas_gemm_block(g, 0, g->m, 0, g->n));
  else tl_blas_gemm_block(g, 0, g->m, 0, g->n);   /* OpenBLAS's own threads */
}

/* gemv: thread t's columns of A; for y = A x, the partial sums of
 * threads past the first go to part and are added once all are done. */
typedef struct tl_blas_gemv_job {
  const tl_blas_call *g;
  char *part;
} tl_blas_gemv_job;

static void tl_blas_gemv_run(void *ctx, int32_t t, int32_t nt)
{
  const tl_blas_gemv_job *j = ctx;
  const tl_blas_call *g = j->g;
  size_t es = tl_blas_es(g);
  int b, e;
  tl_blas_part(g->n, nt, t, 1, &b, &e);
  if (!j->part) {
    if (b < e) tl_blas_gemv_block(g, b, e, NULL);
    return;
  }
  char *mine = t ? j->part + (size_t)(t - 1) * g->m * es : NULL;
  if (b < e) tl_blas_gemv_block(g, b, e, mine);
  else if (mine) memset(mine, 0, (size_t)g->m * es);
  tl_parallel_barrier();
  /* each thread adds the other threads' partial sums into its rows */
  int rb, re;
  tl_blas_part(g->m, nt, t, 1, &rb, &re);
  for (int u = 1; u < nt; u++) {
    const char *p = j->part + (size_t)(u - 1) * g->m * es;
    for (int i = rb; i < re; i++) {
      char *y = g->y + (size_t)i * g->incy * es;
      if (g->dbl) *(double *)y += ((const double *)p)[i];
      else *(float *)y += ((const float *)p)[i];
    }
  }
}

static void tl_blas_split_gemv(const tl_blas_call *g)
{
  int64_t work = (int64_t)g->m * g->n;
  int nt = tl_blas_split_threads(work, TL_BLAS_SPLIT_MV);
  /* y = A x sums over A's columns: threads past the first need room for
   * their partial y (else the call stays on one thread). */
  char *part = NULL;
  size_t es = tl_blas_es(g);
  if (nt > 1 && g->ta == CblasNoTrans && !(part = malloc((size_t)(nt - 1) * g->m * es))) nt = 1;
  if (nt == 1 || g->n < TL_BLAS_SPLIT_MIN) {
    free(part);   /* NULL, or too few columns to split */
    TL_BLAS_SERIAL(tl_blas_gemv_block(g, 0, g->n, NULL));
    return;
  }
  tl_blas_gemv_job j = {g, part};
  tl_parallel_run(nt, tl_blas_gemv_run, &j);
  free(part);
}

static void tl_blas_ger_run(void *ctx, int32_t t, int32_t nt)
{
  const tl_blas_call *g = ctx;
  int b, e;
  tl_blas_part(g->n, nt, t, 1, &b, &e);
  if (b < e) tl_blas_ger_block(g, b, e);
}

static void tl_blas_split_ger(const tl_blas_call *g)
{
  int nt = tl_blas_split_threads((int64_t)g->m * g->n, TL_BLAS_SPLIT_MV);
  if (nt == 1 || g->n < TL_BLAS_SPLIT_MIN) {
    TL_BLAS_SERIAL(tl_blas_ger_block(g, 0, g->n));
    return;
  }
  tl_parallel_run(nt, tl_blas_ger_run, (void *)g);
}
#endif

/* ---- addmm ---------------------------------------------------------------- */

/* res (r x c, holding beta*m already when beta != 0) += alpha * a @ b. */
#define TL_BLAS_MM_LOOP(DT, T, N)                                                        \
  static int tl_blas_mm_##N(tl_tensor *res, double beta, double alpha, const tl_tensor *a, \
                            const tl_tensor *b)                                          \
  {                                                                                      \
    const int fl = (T)0.5 != 0;                                                          \
    typedef __typeof__(_Generic((T)0, float: 0.0, double: 0.0, default: (int64_t)0)) acc_t;                               \
    int64_t r = a->size[0], k = a->size[1], c = b->size[1];                              \
    T *pr = tl_tensor_data(res);                                                         \
    const T *pa = tl_tensor_data(a), *pb = tl_tensor_data(b);                            \
    acc_t al = fl ? (acc_t)alpha : (acc_t)(T)alpha, be = fl ? (acc_t)beta : (acc_t)(T)beta; \
    for (int64_t i = 0; i < r; i++) {                                                    \
      if (tl_interrupted()) return tl_error_interrupted("addmm");                        \
      for (int64_t j = 0; j < c; j++) {                                                  \
        acc_t s = 0;                                                                     \
        for (int64_t l = 0; l < k; l++)                                                  \
          s += (acc_t)pa[i * a->stride[0] + l * a->stride[1]] * (acc_t)pb[l * b->stride[0] + j * b->stride[1]]; \
        T *o = pr + i * res->stride[0] + j * res->stride[1];                             \
        *o = (T)(beta == 0 ? al * s : be * (acc_t)*o + al * s);                          \
      }                                                                                  \
    }                                                                                    \
    return 0;                                                                            \
  }
TL_FOREACH_MATH_DTYPE(TL_BLAS_MM_LOOP)
#undef TL_BLAS_MM_LOOP

/* res += ..., with res not overlapping a or b. */
static int tl_blas_mm(tl_tensor *res, double beta, double alpha, const tl_tensor *a, const tl_tensor *b)
{
  int64_t r = a->size[0], k = a->size[1], c = b->size[1];
  if (r == 0 || c == 0) return 0;
  if (k == 0) return tl_blas_scale(res, beta);
#ifdef TL_HAVE_CBLAS
  int tc, ldc;
  if (tl_blas_is_float(res->dtype) && tl_blas_layout(res, &tc, &ldc) && tl_blas_ready()) {
    if (tl_blas_fits_int("addmm", r, c, k)) return -1;
    tl_tensor *ha = NULL, *hb = NULL;
    int ta, tb, lda, ldb, rc = -1;
    const tl_tensor *ua = tl_blas_operand(a, &ha, &ta, &lda);
    const tl_tensor *ub = ua ? tl_blas_operand(b, &hb, &tb, &ldb) : NULL;
    if (ub) {
      /* column-major C = op(A) op(B); a row-major C is computed as
       * C^T = op(B)^T op(A)^T, which swaps the operands and flips both. */
      enum CBLAS_TRANSPOSE opa = ta ? CblasTrans : CblasNoTrans, opb = tb ? CblasTrans : CblasNoTrans;
      enum CBLAS_TRANSPOSE fa = ta ? CblasNoTrans : CblasTrans, fb = tb ? CblasNoTrans : CblasTrans;
      tl_blas_call g = {.dbl = res->dtype == TL_DOUBLE, .k = (int)k, .alpha = alpha, .beta = beta,
                        .c = tl_tensor_data(res), .ldc = ldc};
      if (!tc) {
        g.ta = opa, g.tb = opb, g.m = (int)r, g.n = (int)c;
        g.a = tl_blas_ptr(ua), g.lda = lda, g.b = tl_blas_ptr(ub), g.ldb = ldb;
      } else {
        g.ta = fb, g.tb = fa, g.m = (int)c, g.n = (int)r;
        g.a = tl_blas_ptr(ub), g.lda = ldb, g.b = tl_blas_ptr(ua), g.ldb = lda;
      }
      tl_blas_split_gemm(&g);
      rc = 0;
    }
    tl_tensor_free(ha);
    tl_tensor_free(hb);
    return rc;
  }
#endif
  switch (res->dtype) {
#define CASE(DT, T, N) case DT: return tl_blas_mm_##N(res, beta, alpha, a, b);
    TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
  default: return tl_error_set("addmm: not available for torch.%sTensor", tl_dtype_get(res->dtype)->name);
  }
}

/* Results BLAS cannot write in place (overlapping an operand, or strides
 * it cannot express) are computed in a contiguous temporary. */
static int tl_blas_needs_temp(const tl_tensor *res, const tl_tensor *x, const tl_tensor *y)
{
  if (tl_blas_overlap(res, x) || tl_blas_overlap(res, y)) return 1;
#ifdef TL_HAVE_CBLAS
  if (res->ndim == 2 && tl_blas_is_float(res->dtype)) {
    int t, ld;
    return !tl_blas_layout(res, &t, &ld);
  }
#endif
  return 0;
}

typedef int (*tl_blas_kernel)(tl_tensor *res, double beta, double alpha, const tl_tensor *x,
                              const tl_tensor *y);

/* Run kernel into res, or into a temporary copied back to res. */
static int tl_blas_run(tl_blas_kernel kernel, tl_tensor *res, double beta, double alpha,
                       const tl_tensor *x, const tl_tensor *y)
{
  if (tl_tensor_numel(res) == 0) return 0;
  if (!tl_blas_needs_temp(res, x, y)) return kernel(res, beta, alpha, x, y);
  tl_tensor *tmp = beta != 0 ? tl_tensor_clone(res) : tl_tensor_new_sized(res->dtype, res->device, res->ndim, res->size);
  if (!tmp) return -1;
  int rc = kernel(tmp, beta, alpha, x, y);
  if (rc == 0) rc = tl_tensor_copy(res, tmp);
  tl_tensor_free(tmp);
  return rc;
}

int tl_cpu_addmm(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
                 const tl_tensor *a, const tl_tensor *b)
{
  const char *fn = "addmm";
  /* validate */
  if (tl_check_not_null(fn, res, "result") || tl_blas_check(fn, res, a, 2, "matrix 1") ||
      tl_blas_check(fn, res, b, 2, "matrix 2"))
    return -1;
  if (a->size[1] != b->size[0]) {
    char sa[TL_SHAPE_STRLEN], sb[TL_SHAPE_STRLEN];
    return tl_error_set("%s: matrices cannot be multiplied: %s and %s", fn, tl_shape_str(a, sa, sizeof sa),
                        tl_shape_str(b, sb, sizeof sb));
  }
  int64_t size[2] = {a->size[0], b->size[1]};
  if (m && (tl_blas_check(fn, res, m, 2, "matrix to add") || tl_blas_check_added(fn, m, 2, size))) return -1;
  /* allocate; compute */
  if (tl_blas_overlap(res, a) || tl_blas_overlap(res, b)) {
    /* res shares memory with a factor: never write it before the product */
    tl_tensor *tmp = tl_tensor_new_sized(res->dtype, res->device, 2, size);
    double be = beta;
    int rc = tmp ? tl_blas_prepare(tmp, m, &be, 2, size) : -1;
    if (rc == 0) rc = tl_blas_run(tl_blas_mm, tmp, be, alpha, a, b);
    if (rc == 0 && !tl_tensor_same_size(res, tmp)) rc = tl_tensor_resize(res, 2, size);
    if (rc == 0) rc = tl_tensor_copy(res, tmp);
    tl_tensor_free(tmp);
    return rc;
  }
  if (tl_blas_prepare(res, m, &beta, 2, size)) return -1;
  return tl_blas_run(tl_blas_mm, res, beta, alpha, a, b);
}

/* ---- addmv ---------------------------------------------------------------- */

#define TL_BLAS_MV_LOOP(DT, T, N)                                                        \
  static int tl_blas_mv_##N(tl_tensor *res, double beta, double alpha, const tl_tensor *m, \
                            const tl_tensor *x)                                          \
  {                                                                                      \
    const int fl = (T)0.5 != 0;                                                          \
    typedef __typeof__(_Generic((T)0, float: 0.0, double: 0.0, default: (int64_t)0)) acc_t;                               \
    int64_t r = m->size[0], c = m->size[1];                                              \
    T *pr = tl_tensor_data(res);                                                         \
    const T *pm = tl_tensor_data(m), *px = tl_tensor_data(x);                           \
    acc_t al = fl ? (acc_t)alpha : (acc_t)(T)alpha, be = fl ? (acc_t)beta : (acc_t)(T)beta; \
    for (int64_t i = 0; i < r; i++) {                                                    \
      acc_t s = 0;                                                                       \
      for (int64_t l = 0; l < c; l++)                                                    \
        s += (acc_t)pm[i * m->stride[0] + l * m->stride[1]] * (acc_t)px[l * x->stride[0]]; \
      T *o = pr + i * res->stride[0];                                                    \
      *o = (T)(beta == 0 ? al * s : be * (acc_t)*o + al * s);                            \
    }                                                                                    \
    return 0;                                                                            \
  }
TL_FOREACH_MATH_DTYPE(TL_BLAS_MV_LOOP)
#undef TL_BLAS_MV_LOOP

static int tl_blas_mv(tl_tensor *res, double beta, double alpha, const tl_tensor *m, const tl_tensor *x)
{
  int64_t r = m->size[0], c = m->size[1];
  if (r == 0) return 0;
  if (c == 0) return tl_blas_scale(res, beta);
#ifdef TL_HAVE_CBLAS
  int64_t incx = c > 1 ? x->stride[0] : 1, incy = r > 1 ? res->stride[0] : 1;
  if (tl_blas_is_float(res->dtype) && incx > 0 && incy > 0 && incx <= INT_MAX && incy <= INT_MAX &&
      tl_blas_ready()) {
    if (tl_blas_fits_int("addmv", r, c, 1)) return -1;
    tl_tensor *hm = NULL;
    int tm, ldm;
    const tl_tensor *um = tl_blas_operand(m, &hm, &tm, &ldm);
    if (!um) return -1;
    /* column-major: y = A x; row-major: A^T is the stored (c x r) matrix */
    enum CBLAS_TRANSPOSE op = tm ? CblasTrans : CblasNoTrans;
    int rows = tm ? (int)c : (int)r, cols = tm ? (int)r : (int)c;
    tl_blas_call g = {.dbl = res->dtype == TL_DOUBLE, .ta = op, .m = rows, .n = cols, .alpha = alpha,
                      .beta = beta, .a = tl_blas_ptr(um), .lda = ldm, .x = tl_blas_ptr(x), .incx = (int)incx,
                      .y = tl_tensor_data(res), .incy = (int)incy};
    tl_blas_split_gemv(&g);
    tl_tensor_free(hm);
    return 0;
  }
#endif
  switch (res->dtype) {
#define CASE(DT, T, N) case DT: return tl_blas_mv_##N(res, beta, alpha, m, x);
    TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
  default: return tl_error_set("addmv: not available for torch.%sTensor", tl_dtype_get(res->dtype)->name);
  }
}

int tl_cpu_addmv(tl_tensor *res, double beta, const tl_tensor *v, double alpha,
                 const tl_tensor *m, const tl_tensor *x)
{
  const char *fn = "addmv";
  if (tl_check_not_null(fn, res, "result") || tl_blas_check(fn, res, m, 2, "matrix") ||
      tl_blas_check(fn, res, x, 1, "vector"))
    return -1;
  if (m->size[1] != x->size[0]) {
    char sm[TL_SHAPE_STRLEN], sx[TL_SHAPE_STRLEN];
    return tl_error_set("%s: size mismatch: matrix %s and vector %s", fn, tl_shape_str(m, sm, sizeof sm),
                        tl_shape_str(x, sx, sizeof sx));
  }
  int64_t size[1] = {m->size[0]};
  if (v && (tl_blas_check(fn, res, v, 1, "vector to add") || tl_blas_check_added(fn, v, 1, size))) return -1;
  if (tl_blas_overlap(res, m) || tl_blas_overlap(res, x)) {
    tl_tensor *tmp = tl_tensor_new_sized(res->dtype, res->device, 1, size);
    double be = beta;
    int rc = tmp ? tl_blas_prepare(tmp, v, &be, 1, size) : -1;
    if (rc == 0) rc = tl_blas_run(tl_blas_mv, tmp, be, alpha, m, x);
    if (rc == 0 && !tl_tensor_same_size(res, tmp)) rc = tl_tensor_resize(res, 1, size);
    if (rc == 0) rc = tl_tensor_copy(res, tmp);
    tl_tensor_free(tmp);
    return rc;
  }
  if (tl_blas_prepare(res, v, &beta, 1, size)) return -1;
  return tl_blas_run(tl_blas_mv, res, beta, alpha, m, x);
}

/* ---- addr ----------------------------------------------------------------- */

#define TL_BLAS_GER_LOOP(DT, T, N)                                                       \
  static int tl_blas_ger_##N(tl_tensor *res, double beta, double alpha, const tl_tensor *x, \
                             const tl_tensor *y)                                         \
  {                                                                                      \
    const int fl = (T)0.5 != 0;                                                          \
    typedef __typeof__(_Generic((T)0, float: 0.0, double: 0.0, default: (int64_t)0)) acc_t;                               \
    int64_t r = x->size[0], c = y->size[0];                                              \
    T *pr = tl_tensor_data(res);                                                         \
    const T *px = tl_tensor_data(x), *py = tl_tensor_data(y);                            \
    acc_t al = fl ? (acc_t)alpha : (acc_t)(T)alpha, be = fl ? (acc_t)beta : (acc_t)(T)beta; \
    for (int64_t i = 0; i < r; i++)                                                      \
      for (int64_t j = 0; j < c; j++) {                                                  \
        T *o = pr + i * res->stride[0] + j * res->stride[1];                             \
        acc_t p = al * (acc_t)px[i * x->stride[0]] * (acc_t)py[j * y->stride[0]];        \
        *o = (T)(beta == 0 ? p : be * (acc_t)*o + p);                                    \
      }                                                                                  \
    return 0;                                                                            \
  }
TL_FOREACH_MATH_DTYPE(TL_BLAS_GER_LOOP)
#undef TL_BLAS_GER_LOOP

static int tl_blas_ger(tl_tensor *res, double beta, double alpha, const tl_tensor *x, const tl_tensor *y)
{
#ifdef TL_HAVE_CBLAS
  int64_t r = x->size[0], c = y->size[0];
  int64_t incx = r > 1 ? x->stride[0] : 1, incy = c > 1 ? y->stride[0] : 1;
  int tr, ldr;
  if (tl_blas_is_float(res->dtype) && incx > 0 && incy > 0 && incx <= INT_MAX && incy <= INT_MAX &&
      tl_blas_layout(res, &tr, &ldr) && tl_blas_ready()) {
    if (tl_blas_fits_int("addr", r, c, 1) || tl_blas_scale(res, beta)) return -1;
    /* column-major A += alpha x y^T; row-major: A^T += alpha y x^T */
    const void *u = tl_blas_ptr(tr ? y : x), *w = tl_blas_ptr(tr ? x : y);
    int nu = (int)(tr ? c : r), nw = (int)(tr ? r : c), iu = (int)(tr ? incy : incx), iw = (int)(tr ? incx : incy);
    tl_blas_call g = {.dbl = res->dtype == TL_DOUBLE, .m = nu, .n = nw, .alpha = alpha, .x = u, .incx = iu,
                      .y = (char *)w, .incy = iw, .c = tl_tensor_data(res), .ldc = ldr};
    tl_blas_split_ger(&g);
    return 0;
  }
#endif
  switch (res->dtype) {
#define CASE(DT, T, N) case DT: return tl_blas_ger_##N(res, beta, alpha, x, y);
    TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
  default: return tl_error_set("addr: not available for torch.%sTensor", tl_dtype_get(res->dtype)->name);
  }
}

int tl_cpu_addr(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
                const tl_tensor *x, const tl_tensor *y)
{
  const char *fn = "addr";
  if (tl_check_not_null(fn, res, "result") || tl_blas_check(fn, res, x, 1, "vector 1") ||
      tl_blas_check(fn, res, y, 1, "vector 2"))
    return -1;
  int64_t size[2] = {x->size[0], y->size[0]};
  if (m && (tl_blas_check(fn, res, m, 2, "matrix to add") || tl_blas_check_added(fn, m, 2, size))) return -1;
  if (tl_blas_overlap(res, x) || tl_blas_overlap(res, y)) {
    tl_tensor *tmp = tl_tensor_new_sized(res->dtype, res->device, 2, size);
    double be = beta;
    int rc = tmp ? tl_blas_prepare(tmp, m, &be, 2, size) : -1;
    if (rc == 0) rc = tl_blas_run(tl_blas_ger, tmp, be, alpha, x, y);
    if (rc == 0 && !tl_tensor_same_size(res, tmp)) rc = tl_tensor_resize(res, 2, size);
    if (rc == 0) rc = tl_tensor_copy(res, tmp);
    tl_tensor_free(tmp);
    return rc;
  }
  if (tl_blas_prepare(res, m, &beta, 2, size)) return -1;
  return tl_blas_run(tl_blas_ger, res, beta, alpha, x, y);
}

/* ---- dot ------------------------------------------------------------------ */

typedef struct tl_blas_dot_ctx { int32_t dtype; double fsum; int64_t isum; } tl_blas_dot_ctx;

/* One run of both operands (the iterator flattens them; serial). */
static void tl_blas_dot_loop(char **p, const int64_t *st, int64_t n, void *vctx)
{
  tl_blas_dot_ctx *ctx = vctx;
#ifdef TL_HAVE_CBLAS
  if (tl_blas_is_float(ctx->dtype) && st[0] > 0 && st[1] > 0 && st[0] <= INT_MAX && st[1] <= INT_MAX &&
      tl_blas_ready()) {
    const int64_t chunk = (int64_t)1 << 30;
    for (int64_t b = 0; b < n; b += chunk) {
      int m = (int)(n - b < chunk ? n - b : chunk);
      if (ctx->dtype == TL_FLOAT)
        ctx->fsum += tl_blas->cblas_sdot(m, (const float *)p[0] + b * st[0], (int)st[0], (const float *)p[1] + b * st[1], (int)st[1]);
      else
        ctx->fsum += tl_blas->cblas_ddot(m, (const double *)p[0] + b * st[0], (int)st[0], (const double *)p[1] + b * st[1], (int)st[1]);
    }
    return;
  }
#endif
  switch (ctx->dtype) {
#define CASE(DT, T, N) case DT: { const T *x = (const T *)p[0], *y = (const T *)p[1];  \
    if ((T)0.5 != 0) { double s = 0; for (int64_t i = 0; i < n; i++) s += (double)x[i * st[0]] * (double)y[i * st[1]]; ctx->fsum += s; } \
    else { uint64_t s = 0; for (int64_t i = 0; i < n; i++) s += (uint64_t)((int64_t)x[i * st[0]] * (int64_t)y[i * st[1]]); ctx->isum += (int64_t)s; } \
  } break;
    TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
  default: break;
  }
}

int tl_cpu_dot(const tl_tensor *a, const tl_tensor *b, double *out)
{
  const char *fn = "dot";
  if (tl_check_not_null(fn, a, "tensor 1") || tl_check_not_null(fn, b, "tensor 2") ||
      tl_check_not_null(fn, out, "output") || tl_check_has_math(fn, a) || tl_check_same_dtype(fn, a, b) ||
      tl_check_same_numel(fn, a, b))
    return -1;
  /* Operand 0 of the iterator is treated as an output: when the shapes
   * differ, make it contiguous so the iterator never replaces it. */
  tl_tensor *a0 = tl_tensor_same_size(a, b) ? (tl_tensor_retain((tl_tensor *)a), (tl_tensor *)a)
                                            : tl_tensor_contiguous((tl_tensor *)a);
  if (!a0) return -1;
  tl_blas_dot_ctx ctx = {a->dtype, 0, 0};
  tl_iter it;
  tl_tensor *ops[2] = {a0, (tl_tensor *)b};
  int rc = tl_iter_init(&it, 2, ops);
  if (rc == 0) {
    it.serial = 1;
    rc = tl_iter_finish(&it, tl_iter_run(&it, tl_blas_dot_loop, &ctx, fn));
  }
  tl_tensor_free(a0);
  if (rc == 0) *out = tl_blas_is_float(a->dtype) ? ctx.fsum : (double)ctx.isum;
  return rc;
}
