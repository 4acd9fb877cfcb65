/*
 * linalg.c: the LAPACK functions of Torch7 (gesv gels trtrs symeig eig svd
 * inverse potrf potrs potri pstrf geqrf orgqr ormqr; qr is geqrf + orgqr
 * in the Lua layer), through LAPACKE.
 *
 * Operands are loaded into column-major buffers of the tensor's own type
 * (LAPACK's layout), and TL_LAPACK calls LAPACK's single-precision
 * routine for Float and its double one for Double, as Torch7 does.
 * Matrix results come back as column-major tensors (stride 1 down a
 * column), the layout Torch7 returns, unless the caller's result tensor
 * already has the right size, which is then written in place. Float and
 * Double only, CPU only. LAPACK's info codes become messages naming the
 * function: a singular or non-positive-definite input is an error.
 */
#include "ops.h"
#include "../blas_lib.h"
#include <string.h>

/* TL_LAPACK(dtype, f, args...): LAPACKE_sf for Float, LAPACKE_df for
 * Double. Buffers are void *, which converts to either pointer type. */
#define TL_LAPACK(dt, f, ...) \
  ((dt) == TL_FLOAT ? tl_blas->LAPACKE_s##f(__VA_ARGS__) : tl_blas->LAPACKE_d##f(__VA_ARGS__))

/* Element (i, j) of a column-major buffer with leading dimension ld. */
#define TL_LA_AT(buf, es, i, j, ld) ((void *)((char *)(buf) + ((i) + (j) * (ld)) * (es)))

/* Iterative eigen/singular-value solvers spend their time in many small
 * BLAS-2 steps, which OpenBLAS's threads make slower below about this
 * order on a machine with few cores (measured: svd and symeig of 200x200
 * are 1.1-1.6x faster on one thread than on two). Such calls run on one
 * thread. */
enum { TL_LA_SERIAL_ORDER = 600 };

/* Validates a as a Float/Double matrix (or vector when allow_vec: n x 1). */
static int tl_la_check(const char *fn, const tl_tensor *a, const char *what, int allow_vec)
{
  char buf[TL_SHAPE_STRLEN];
  if (tl_check_not_null(fn, a, what)) return -1;
  /* Every LAPACK entry validates its first operand here: LAPACK itself
   * is loaded on first use (blas_lib.h), and there is no fallback. */
  if (tl_blas_need(fn)) return -1;
  if (a->device != TL_CPU) return tl_error_set("%s: only CPU tensors are supported", fn);
  const tl_dtype_info *di = tl_dtype_get(a->dtype);
  if (!di->is_float || !di->has_math)
    return tl_error_set("%s: not available for torch.%sTensor (only Float and Double)", fn, di->name);
  if (a->ndim != 2 && !(allow_vec && a->ndim == 1))
    return tl_error_set("%s: %s must be a %smatrix, got %s", fn, what, allow_vec ? "vector or " : "",
                        tl_shape_str(a, buf, sizeof buf));
  for (int32_t d = 0; d < a->ndim; d++)
    if (a->size[d] == 0) return tl_error_set("%s: %s is empty", fn, what);
  return 0;
}

static int tl_la_check_square(const char *fn, const tl_tensor *a, const char *what)
{
  char buf[TL_SHAPE_STRLEN];
  if (tl_la_check(fn, a, what, 0)) return -1;
  if (a->size[0] != a->size[1])
    return tl_error_set("%s: %s must be square, got %s", fn, what, tl_shape_str(a, buf, sizeof buf));
  return 0;
}

static int64_t tl_la_rows(const tl_tensor *t) { return t->size[0]; }
static int64_t tl_la_cols(const tl_tensor *t) { return t->ndim == 2 ? t->size[1] : 1; }

/* A column-major copy of t in t's type (rows x cols, leading dimension
 * ld >= rows, zero padded), or NULL. */
static void *tl_la_load(const tl_tensor *t, int64_t ld)
{
  int64_t r = tl_la_rows(t), c = tl_la_cols(t);
  void *buf = tl_calloc((size_t)(ld * c), (size_t)tl_elsize(t->dtype));
  if (!buf) return NULL;
  tl_storage *s = tl_storage_wrap(t->dtype, buf, ld * c);
  int64_t size[2] = {r, c}, stride[2] = {1, ld};
  tl_tensor *v = s ? tl_tensor_new_view(s, 0, 2, size, stride) : NULL;
  tl_tensor src = *t;
  if (src.ndim == 1) {                 /* a vector is one column */
    src.ndim = 2;
    src.size[1] = 1;
    src.stride[1] = 1;
  }
  int rc = v ? tl_tensor_copy(v, &src) : -1;
  tl_tensor_free(v);
  if (s) tl_storage_free(s);
  if (rc) {
    tl_release(buf);
    return NULL;
  }
  return buf;
}

/* An uninitialised buffer of n elements of dtype, or NULL. */
static void *tl_la_alloc(int32_t dtype, int64_t n) { return tl_alloc((size_t)n * (size_t)tl_elsize(dtype)); }

/* res = the r x c matrix at buf, whose element (i, j) is at i * rs + j * cs
 * (column-major with leading dimension ld: rs 1, cs ld); a res of another
 * size becomes a column-major r x c tensor; vec: 1-D. buf holds res's type. */
static int tl_la_store_strided(tl_tensor *res, const void *buf, int64_t r, int64_t c, int64_t rs, int64_t cs,
                               int vec)
{
  tl_storage *s = tl_storage_wrap(res->dtype, (void *)buf, (r - 1) * rs + (c - 1) * cs + 1);
  int64_t size[2] = {r, c}, stride[2] = {rs, cs};
  tl_tensor *v = s ? tl_tensor_new_view(s, 0, vec ? 1 : 2, size, stride) : NULL;
  int rc = v ? 0 : -1;
  int same = rc == 0 && res->ndim == (vec ? 1 : 2) && res->size[0] == r && (vec || res->size[1] == c);
  if (rc == 0 && !same) {
    if (vec) {
      rc = tl_tensor_resize(res, 1, size);
    } else {
      int64_t tsize[2] = {c, r};
      rc = tl_tensor_resize(res, 2, tsize);
      if (rc == 0) rc = tl_tensor_transpose(res, 0, 1);
    }
  }
  if (rc == 0) rc = tl_tensor_copy(res, v);
  tl_tensor_free(v);
  if (s) tl_storage_free(s);
  return rc;
}

static int tl_la_store(tl_tensor *res, const void *buf, int64_t r, int64_t c, int64_t ld, int vec)
{
  return tl_la_store_strided(res, buf, r, c, 1, ld, vec);
}

/* Runs the next LAPACK call of order n on one thread when it is small
 * (TL_LA_SERIAL_ORDER); returns the thread count to restore, or 0. */
static int32_t tl_la_serial_begin(int64_t n)
{
  int32_t t = tl_get_num_threads();
  if (t <= 1 || n >= TL_LA_SERIAL_ORDER) return 0;
  tl_blas->openblas_set_num_threads(1);
  return t;
}

static void tl_la_serial_end(int32_t saved)
{
  if (saved) tl_blas->openblas_set_num_threads((int)saved);
}

static int tl_la_info(const char *fn, lapack_int info, const char *what)
{
  if (info < 0) return tl_error_set("%s: LAPACK argument %d had an illegal value", fn, (int)-info);
  if (info > 0) return tl_error_set("%s: %s (LAPACK info %d)", fn, what, (int)info);
  return 0;
}

static int tl_la_same_dtype(const char *fn, const tl_tensor *a, const tl_tensor *b)
{
  return b ? tl_check_same_dtype(fn, a, b) : 0;
}

/* Frees up to four buffers and returns rc. */
static int tl_la_done(int rc, void *p1, void *p2, void *p3, void *p4)
{
  tl_release(p1);
  tl_release(p2);
  tl_release(p3);
  tl_release(p4);
  return rc;
}

static int tl_la_rows_match(const char *fn, const tl_tensor *b, const tl_tensor *a)
{
  char b1[TL_SHAPE_STRLEN], b2[TL_SHAPE_STRLEN];
  if (b->size[0] != a->size[0])
    return tl_error_set("%s: B %s and A %s must have the same number of rows", fn,
                        tl_shape_str(b, b1, sizeof b1), tl_shape_str(a, b2, sizeof b2));
  return 0;
}

int tl_gesv(tl_tensor *x, tl_tensor *lu, const tl_tensor *b, const tl_tensor *a)
{
  const char *fn = "gesv";
  if (tl_la_check(fn, b, "B", 1) || tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, b) ||
      tl_la_same_dtype(fn, a, x) || tl_la_same_dtype(fn, a, lu) || tl_la_rows_match(fn, b, a))
    return -1;
  int64_t n = a->size[0], k = tl_la_cols(b);
  void *A = tl_la_load(a, n), *B = A ? tl_la_load(b, n) : NULL;
  lapack_int *ipiv = B ? tl_alloc((size_t)n * sizeof *ipiv) : NULL;
  if (!ipiv) return tl_la_done(-1, A, B, NULL, NULL);
  lapack_int info = TL_LAPACK(a->dtype, gesv, LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)k, A, (lapack_int)n, ipiv, B,
                                  (lapack_int)n);
  int rc = tl_la_info(fn, info, "the matrix is singular");
  if (rc == 0) rc = tl_la_store(x, B, n, k, n, 0);
  if (rc == 0 && lu) rc = tl_la_store(lu, A, n, n, n, 0);
  return tl_la_done(rc, A, B, ipiv, NULL);
}

int tl_gels(tl_tensor *x, tl_tensor *qr, const tl_tensor *b, const tl_tensor *a)
{
  const char *fn = "gels";
  if (tl_la_check(fn, b, "B", 1) || tl_la_check(fn, a, "A", 0) || tl_la_same_dtype(fn, a, b) ||
      tl_la_same_dtype(fn, a, x) || tl_la_same_dtype(fn, a, qr) || tl_la_rows_match(fn, b, a))
    return -1;
  int64_t m = a->size[0], n = a->size[1], k = tl_la_cols(b), ldb = m > n ? m : n;
  void *A = tl_la_load(a, m), *B = A ? tl_la_load(b, ldb) : NULL;
  if (!B) return tl_la_done(-1, A, B, NULL, NULL);
  lapack_int info = TL_LAPACK(a->dtype, gels, LAPACK_COL_MAJOR, 'N', (lapack_int)m, (lapack_int)n, (lapack_int)k, A,
                                  (lapack_int)m, B, (lapack_int)ldb);
  int rc = tl_la_info(fn, info, "A does not have full rank");
  /* Torch7 returns all of B's buffer: max(m, n) rows, the solution first */
  if (rc == 0) rc = tl_la_store(x, B, ldb, k, ldb, 0);
  if (rc == 0 && qr) rc = tl_la_store(qr, A, m, n, m, 0);
  return tl_la_done(rc, A, B, NULL, NULL);
}

int tl_trtrs(tl_tensor *x, tl_tensor *ac, const tl_tensor *b, const tl_tensor *a, char uplo, char trans,
             char diag)
{
  const char *fn = "trtrs";
  if (tl_la_check(fn, b, "B", 1) || tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, b) ||
      tl_la_same_dtype(fn, a, x) || tl_la_rows_match(fn, b, a))
    return -1;
  int64_t n = a->size[0], k = tl_la_cols(b);
  void *A = tl_la_load(a, n), *B = A ? tl_la_load(b, n) : NULL;
  if (!B) return tl_la_done(-1, A, B, NULL, NULL);
  lapack_int info = TL_LAPACK(a->dtype, trtrs, LAPACK_COL_MAJOR, uplo, trans, diag, (lapack_int)n, (lapack_int)k, A,
                                   (lapack_int)n, B, (lapack_int)n);
  int rc = tl_la_info(fn, info, "the triangular matrix is singular");
  if (rc == 0) rc = tl_la_store(x, B, n, k, n, 0);
  if (rc == 0 && ac) rc = tl_la_store(ac, A, n, n, n, 0);
  return tl_la_done(rc, A, B, NULL, NULL);
}

int tl_symeig(tl_tensor *e, tl_tensor *v, const tl_tensor *a, char jobz, char uplo)
{
  const char *fn = "symeig";
  if (tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, e) || tl_la_same_dtype(fn, a, v)) return -1;
  int64_t n = a->size[0];
  void *A = tl_la_load(a, n), *w = A ? tl_la_alloc(a->dtype, n) : NULL;
  if (!w) return tl_la_done(-1, A, w, NULL, NULL);
  int32_t saved = tl_la_serial_begin(n);
  lapack_int info = TL_LAPACK(a->dtype, syev, LAPACK_COL_MAJOR, jobz, uplo, (lapack_int)n, A, (lapack_int)n, w);
  tl_la_serial_end(saved);
  int rc = tl_la_info(fn, info, "the algorithm failed to converge");
  if (rc == 0) rc = tl_la_store(e, w, n, 1, n, 1);
  if (rc == 0 && v) rc = tl_la_store(v, A, n, n, n, 0);
  return tl_la_done(rc, A, w, NULL, NULL);
}

int tl_eig(tl_tensor *e, tl_tensor *v, const tl_tensor *a, char jobvr)
{
  const char *fn = "eig";
  if (tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, e) || tl_la_same_dtype(fn, a, v)) return -1;
  int64_t n = a->size[0];
  void *A = tl_la_load(a, n), *w = A ? tl_la_alloc(a->dtype, 2 * n) : NULL;
  void *vr = w ? tl_la_alloc(a->dtype, n * n) : NULL;
  if (!vr) return tl_la_done(-1, A, w, vr, NULL);
  double vl[1];   /* not referenced: left vectors are not asked for */
  int32_t saved = tl_la_serial_begin(n);
  lapack_int info = TL_LAPACK(a->dtype, geev, LAPACK_COL_MAJOR, 'N', jobvr, (lapack_int)n, A, (lapack_int)n, w,
                              TL_LA_AT(w, tl_elsize(a->dtype), n, 0, n), (void *)vl, 1, vr, (lapack_int)n);
  tl_la_serial_end(saved);
  int rc = tl_la_info(fn, info, "the QR algorithm failed to converge");
  /* e: n x 2, real parts in column 1 and imaginary parts in column 2 */
  if (rc == 0) rc = tl_la_store(e, w, n, 2, n, 0);
  if (rc == 0 && v && (jobvr == 'V' || jobvr == 'v')) rc = tl_la_store(v, vr, n, n, n, 0);
  return tl_la_done(rc, A, w, vr, NULL);
}

int tl_svd(tl_tensor *u, tl_tensor *s, tl_tensor *v, const tl_tensor *a, char jobu)
{
  const char *fn = "svd";
  if (tl_la_check(fn, a, "A", 0) || tl_la_same_dtype(fn, a, u) || tl_la_same_dtype(fn, a, s) ||
      tl_la_same_dtype(fn, a, v))
    return -1;
  int64_t m = a->size[0], n = a->size[1], k = m < n ? m : n;
  int all = jobu == 'A' || jobu == 'a';
  int64_t ucols = all ? m : k, vtrows = all ? n : k;
  void *A = tl_la_load(a, m), *S = A ? tl_la_alloc(a->dtype, k) : NULL;
  void *U = S ? tl_la_alloc(a->dtype, m * ucols) : NULL;
  void *VT = U ? tl_la_alloc(a->dtype, vtrows * n) : NULL;
  if (!VT) return tl_la_done(-1, A, S, U, VT);
  int32_t saved = tl_la_serial_begin(m > n ? m : n);
  lapack_int info = TL_LAPACK(a->dtype, gesdd, LAPACK_COL_MAJOR, all ? 'A' : 'S', (lapack_int)m, (lapack_int)n, A,
                              (lapack_int)m, S, U, (lapack_int)m, VT, (lapack_int)vtrows);
  tl_la_serial_end(saved);
  int rc = tl_la_info(fn, info, "the algorithm failed to converge");
  if (rc == 0) rc = tl_la_store(u, U, m, ucols, m, 0);
  if (rc == 0) rc = tl_la_store(s, S, k, 1, k, 1);
  /* Torch7 returns V, not V': VT (vtrows x n, column-major) read across */
  if (rc == 0) rc = tl_la_store_strided(v, VT, n, vtrows, vtrows, 1, 0);
  return tl_la_done(rc, A, S, U, VT);
}

int tl_inverse(tl_tensor *res, const tl_tensor *a)
{
  const char *fn = "inverse";
  if (tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, res)) return -1;
  int64_t n = a->size[0];
  void *A = tl_la_load(a, n);
  lapack_int *ipiv = A ? tl_alloc((size_t)n * sizeof *ipiv) : NULL;
  if (!ipiv) return tl_la_done(-1, A, ipiv, NULL, NULL);
  lapack_int info = TL_LAPACK(a->dtype, getrf, LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)n, A, (lapack_int)n, ipiv);
  int rc = tl_la_info(fn, info, "the matrix is singular");
  if (rc == 0) rc = tl_la_info(fn, TL_LAPACK(a->dtype, getri, LAPACK_COL_MAJOR, (lapack_int)n, A, (lapack_int)n, ipiv),
                               "the matrix is singular");
  if (rc == 0) rc = tl_la_store(res, A, n, n, n, 0);
  return tl_la_done(rc, A, ipiv, NULL, NULL);
}

/* The triangle opposite to uplo (what LAPACK leaves untouched) of the
 * n x n column-major A of dtype: zeroed, or, with mirror, copied from
 * the triangle uplo names. */
static void tl_la_fill_other(void *A, int32_t dtype, int64_t n, char uplo, int mirror)
{
  int upper = uplo == 'U' || uplo == 'u';
  size_t es = (size_t)tl_elsize(dtype);
  for (int64_t j = 0; j < n; j++)
    for (int64_t i = 0; i < n; i++) {
      if (!(upper ? i > j : i < j)) continue;
      if (mirror)
        memcpy(TL_LA_AT(A, es, i, j, n), TL_LA_AT(A, es, j, i, n), es);
      else
        memset(TL_LA_AT(A, es, i, j, n), 0, es);
    }
}

static int tl_la_uplo(const char *fn, char uplo)
{
  if (uplo != 'U' && uplo != 'L' && uplo != 'u' && uplo != 'l')
    return tl_error_set("%s: uplo must be 'U' or 'L'", fn);
  return 0;
}

int tl_potrf(tl_tensor *res, const tl_tensor *a, char uplo)
{
  const char *fn = "potrf";
  if (tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, res) || tl_la_uplo(fn, uplo)) return -1;
  int64_t n = a->size[0];
  void *A = tl_la_load(a, n);
  if (!A) return -1;
  lapack_int info = TL_LAPACK(a->dtype, potrf, LAPACK_COL_MAJOR, uplo, (lapack_int)n, A, (lapack_int)n);
  int rc = tl_la_info(fn, info, "the matrix is not positive definite");
  tl_la_fill_other(A, a->dtype, n, uplo, 0);
  if (rc == 0) rc = tl_la_store(res, A, n, n, n, 0);
  return tl_la_done(rc, A, NULL, NULL, NULL);
}

int tl_potrs(tl_tensor *res, const tl_tensor *b, const tl_tensor *a, char uplo)
{
  const char *fn = "potrs";
  if (tl_la_check(fn, b, "B", 1) || tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, b) ||
      tl_la_same_dtype(fn, a, res) || tl_la_rows_match(fn, b, a) || tl_la_uplo(fn, uplo))
    return -1;
  int64_t n = a->size[0], k = tl_la_cols(b);
  void *A = tl_la_load(a, n), *B = A ? tl_la_load(b, n) : NULL;
  if (!B) return tl_la_done(-1, A, B, NULL, NULL);
  lapack_int info = TL_LAPACK(a->dtype, potrs, LAPACK_COL_MAJOR, uplo, (lapack_int)n, (lapack_int)k, A, (lapack_int)n, B,
                                   (lapack_int)n);
  int rc = tl_la_info(fn, info, "failed");
  if (rc == 0) rc = tl_la_store(res, B, n, k, n, 0);
  return tl_la_done(rc, A, B, NULL, NULL);
}

int tl_potri(tl_tensor *res, const tl_tensor *a, char uplo)
{
  const char *fn = "potri";
  if (tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, res) || tl_la_uplo(fn, uplo)) return -1;
  int64_t n = a->size[0];
  void *A = tl_la_load(a, n);
  if (!A) return -1;
  lapack_int info = TL_LAPACK(a->dtype, potri, LAPACK_COL_MAJOR, uplo, (lapack_int)n, A, (lapack_int)n);
  int rc = tl_la_info(fn, info, "the matrix is singular");
  /* the inverse is symmetric: mirror the computed triangle */
  tl_la_fill_other(A, a->dtype, n, uplo, 1);
  if (rc == 0) rc = tl_la_store(res, A, n, n, n, 0);
  return tl_la_done(rc, A, NULL, NULL, NULL);
}

int tl_pstrf(tl_tensor *res, tl_tensor *piv, const tl_tensor *a, char uplo, double tol)
{
  const char *fn = "pstrf";
  if (tl_la_check_square(fn, a, "A") || tl_la_same_dtype(fn, a, res) || tl_la_uplo(fn, uplo) ||
      tl_check_not_null(fn, piv, "pivots"))
    return -1;
  if (piv->dtype != TL_INT)
    return tl_error_set("%s: pivots must be a torch.IntTensor, got torch.%sTensor", fn,
                        tl_dtype_get(piv->dtype)->name);
  int64_t n = a->size[0];
  void *A = tl_la_load(a, n);
  lapack_int *p = A ? tl_alloc((size_t)n * sizeof *p) : NULL, rank = 0;
  if (!p) return tl_la_done(-1, A, p, NULL, NULL);
  lapack_int info = TL_LAPACK(a->dtype, pstrf, LAPACK_COL_MAJOR, uplo, (lapack_int)n, A, (lapack_int)n, p, &rank, tol);
  /* info 1: rank deficient, which pstrf reports through the rank */
  int rc = info < 0 ? tl_la_info(fn, info, "") : 0;
  tl_la_fill_other(A, a->dtype, n, uplo, 0);
  if (rc == 0) rc = tl_la_store(res, A, n, n, n, 0);
  int64_t sz[1] = {n};
  if (rc == 0) rc = tl_tensor_resize(piv, 1, sz);
  for (int64_t i = 0; rc == 0 && i < n; i++) {
    int64_t idx[1] = {i};
    tl_tensor_put(piv, idx, (double)p[i]);   /* already 1-based, as Torch7 */
  }
  return tl_la_done(rc, A, p, NULL, NULL);
}

int tl_geqrf(tl_tensor *res, tl_tensor *tau, const tl_tensor *a)
{
  const char *fn = "geqrf";
  if (tl_la_check(fn, a, "A", 0) || tl_la_same_dtype(fn, a, res) || tl_la_same_dtype(fn, a, tau)) return -1;
  int64_t m = a->size[0], n = a->size[1], k = m < n ? m : n;
  void *A = tl_la_load(a, m), *T = A ? tl_la_alloc(a->dtype, k) : NULL;
  if (!T) return tl_la_done(-1, A, T, NULL, NULL);
  lapack_int info = TL_LAPACK(a->dtype, geqrf, LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n, A, (lapack_int)m, T);
  int rc = tl_la_info(fn, info, "failed");
  if (rc == 0) rc = tl_la_store(res, A, m, n, m, 0);
  if (rc == 0) rc = tl_la_store(tau, T, k, 1, k, 1);
  return tl_la_done(rc, A, T, NULL, NULL);
}

int tl_orgqr(tl_tensor *res, const tl_tensor *a, const tl_tensor *tau)
{
  const char *fn = "orgqr";
  if (tl_la_check(fn, a, "A", 0) || tl_la_check(fn, tau, "tau", 1) || tl_la_same_dtype(fn, a, tau) ||
      tl_la_same_dtype(fn, a, res))
    return -1;
  int64_t m = a->size[0], k = tl_tensor_numel(tau);
  if (k > a->size[1] || k > m)
    return tl_error_set("%s: tau has %lld elements, more than A's columns or rows", fn, (long long)k);
  void *A = tl_la_load(a, m), *T = A ? tl_la_load(tau, k) : NULL;
  if (!T) return tl_la_done(-1, A, T, NULL, NULL);
  lapack_int info = TL_LAPACK(a->dtype, orgqr, LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)k, (lapack_int)k, A,
                                   (lapack_int)m, T);
  int rc = tl_la_info(fn, info, "failed");
  if (rc == 0) rc = tl_la_store(res, A, m, k, m, 0);
  return tl_la_done(rc, A, T, NULL, NULL);
}

int tl_ormqr(tl_tensor *res, const tl_tensor *a, const tl_tensor *tau, const tl_tensor *c, char side,
             char trans)
{
  const char *fn = "ormqr";
  if (tl_la_check(fn, a, "A", 0) || tl_la_check(fn, tau, "tau", 1) || tl_la_check(fn, c, "C", 0) ||
      tl_la_same_dtype(fn, a, tau) || tl_la_same_dtype(fn, a, c) || tl_la_same_dtype(fn, a, res))
    return -1;
  int left = side == 'L' || side == 'l';
  int64_t m = c->size[0], n = c->size[1], k = tl_tensor_numel(tau), lda = a->size[0];
  if (lda != (left ? m : n) || k > a->size[1])
    return tl_error_set("%s: A, tau and C do not match (side '%c')", fn, side);
  void *A = tl_la_load(a, lda), *T = A ? tl_la_load(tau, k) : NULL, *Cm = T ? tl_la_load(c, m) : NULL;
  if (!Cm) return tl_la_done(-1, A, T, Cm, NULL);
  lapack_int info = TL_LAPACK(a->dtype, ormqr, LAPACK_COL_MAJOR, side, trans, (lapack_int)m, (lapack_int)n, (lapack_int)k,
                                   A, (lapack_int)lda, T, Cm, (lapack_int)m);
  int rc = tl_la_info(fn, info, "failed");
  if (rc == 0) rc = tl_la_store(res, Cm, m, n, m, 0);
  return tl_la_done(rc, A, T, Cm, NULL);
}
