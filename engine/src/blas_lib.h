/*
 * blas_lib.h: the BLAS and LAPACK functions the engine calls, reached
 * through a table that libtorchlight_blas.so exports.
 *
 * OpenBLAS (its OpenMP build, with LAPACKE and gfortran's runtime) costs
 * about a fifth of th's start-up to load and initialise, and most
 * scripts never multiply a matrix. So it lives in a second library,
 * libtorchlight_blas.so (engine/src/blaslib/), which the engine opens on
 * the first call that needs it (blas_load.c). The engine's parallel
 * loops run on its own pool (parallel.c); inside them OpenBLAS runs on
 * the calling thread, and outside them on its OpenMP threads.
 *
 * Callers check tl_blas_ready() (fallback loops exist) or tl_blas_need()
 * (no fallback: records an error) before using tl_blas->f(...).
 */
#ifndef TL_BLAS_LIB_H
#define TL_BLAS_LIB_H
#include <stdint.h>
#include <cblas.h>
#include <lapacke.h>

/* OpenBLAS's own extension (not in cblas.h of every BLAS). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

/* X(name) for every function in the table. */
#define TL_BLAS_FUNCTIONS(X)                                                          \
  X(cblas_sgemm) X(cblas_dgemm) X(cblas_sgemv) X(cblas_dgemv) X(cblas_sger)           \
  X(cblas_dger) X(cblas_sdot) X(cblas_ddot) X(openblas_set_num_threads)               \
  X(openblas_get_num_threads)                                                         \
  TL_LAPACK_FUNCTIONS(X, s) TL_LAPACK_FUNCTIONS(X, d)

/* The LAPACK routines the engine calls, in precision P (s or d). */
#define TL_LAPACK_FUNCTIONS(X, P)                                                     \
  X(LAPACKE_##P##gesv) X(LAPACKE_##P##gels) X(LAPACKE_##P##trtrs) X(LAPACKE_##P##syev) \
  X(LAPACKE_##P##geev) X(LAPACKE_##P##gesdd) X(LAPACKE_##P##getrf)                     \
  X(LAPACKE_##P##getri) X(LAPACKE_##P##potrf) X(LAPACKE_##P##potrs)                    \
  X(LAPACKE_##P##potri) X(LAPACKE_##P##pstrf) X(LAPACKE_##P##geqrf)                    \
  X(LAPACKE_##P##orgqr) X(LAPACKE_##P##ormqr)

typedef struct tl_blas_table {
  int32_t version;   /* TL_BLAS_TABLE_VERSION of the library that built it */
#define TL_BLAS_MEMBER(f) __typeof__(f) *f;
  TL_BLAS_FUNCTIONS(TL_BLAS_MEMBER)
#undef TL_BLAS_MEMBER
} tl_blas_table;

/* Changes whenever the table's layout does: a stale library is refused. */
#define TL_BLAS_TABLE_VERSION 2

/* The symbol libtorchlight_blas.so exports, and its file name. */
#define TL_BLAS_TABLE_SYMBOL "tl_blas_lib_table"
#define TL_BLAS_LIB_NAME "libtorchlight_blas.so"

/* The loaded table; NULL until a tl_blas_ready/tl_blas_need succeeded. */
extern const tl_blas_table *tl_blas;

/* 1 when the BLAS library is loaded (loading it on the first call), 0
 * when it cannot be (the caller then uses its own loops). */
int tl_blas_ready(void);

/* 0 when loaded; else records "<fn>: cannot load the BLAS library: ..."
 * and returns -1. */
int tl_blas_need(const char *fn);

/* Called by tl_set_num_threads: passed on to OpenBLAS once it is loaded,
 * and at its loading. */
void tl_blas_set_threads(int32_t n);

#endif
