/*
 * device.h: the per-device table. Storage allocation, copies and op
 * dispatch go through tl_devices[t->device], so a backend (CUDA) plugs in
 * by registering a table; callers never test the device themselves.
 */
#ifndef TL_DEVICE_H
#define TL_DEVICE_H
#include "internal.h"

typedef struct tl_device_ops {
  const char *name;
  void *(*alloc)(size_t nbytes);          /* NULL + error on failure */
  void (*free)(void *p);
  /* Same-device copy with dtype conversion; counts already checked. */
  int (*copy)(tl_tensor *dst, const tl_tensor *src);
  int (*fill)(tl_tensor *t, double value);
  int (*pointwise)(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b,
                   const tl_tensor *c, double s0, double s1);
  int (*reduce)(int32_t op, tl_tensor *values, tl_tensor *indices, const tl_tensor *a,
                int32_t dim, double s0);
  int (*reduce_all)(int32_t op, const tl_tensor *a, double s0, double *out);
  int (*addmm)(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
               const tl_tensor *a, const tl_tensor *b);
  int (*addmv)(tl_tensor *res, double beta, const tl_tensor *v, double alpha,
               const tl_tensor *m, const tl_tensor *x);
  int (*addr)(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
              const tl_tensor *x, const tl_tensor *y);
  int (*dot)(const tl_tensor *a, const tl_tensor *b, double *out);
  /* math (issue 3); NULL where a backend lacks the family */
  int (*compare)(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b, double s);
  int (*cumulate)(int32_t op, tl_tensor *res, const tl_tensor *a, int32_t dim);
  int (*sort)(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim,
              int32_t descending);
  int (*topk)(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim,
              int32_t largest, int32_t sorted);
  int (*kthvalue)(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim);
  int (*mode)(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim);
  int (*gather)(tl_tensor *res, const tl_tensor *src, int32_t dim, const tl_tensor *index);
  int (*scatter)(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src,
                 double value);
  int (*index_op)(int32_t kind, tl_tensor *res, const tl_tensor *src, int32_t dim,
                  const tl_tensor *index, double value);
  int (*nonzero)(tl_tensor *res, const tl_tensor *a);
  int (*conv)(int32_t nd, tl_tensor *res, const tl_tensor *x, const tl_tensor *k, int32_t full,
              int32_t flip);
} tl_device_ops;

/* NULL for devices without a backend in this build. */
extern const tl_device_ops *tl_devices[TL_NDEVICE];
int tl_device_register(int32_t device, const tl_device_ops *ops);
/* The table for device, or NULL + error naming fn. */
const tl_device_ops *tl_device_get(const char *fn, int32_t device);

/* The CPU backend's entry points (engine/src/ops/ *.c). */
int tl_cpu_copy(tl_tensor *dst, const tl_tensor *src);
int tl_cpu_fill(tl_tensor *t, double value);
int tl_cpu_pointwise(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b,
                     const tl_tensor *c, double s0, double s1);
int tl_cpu_reduce(int32_t op, tl_tensor *values, tl_tensor *indices, const tl_tensor *a,
                  int32_t dim, double s0);
int tl_cpu_reduce_all(int32_t op, const tl_tensor *a, double s0, double *out);
int tl_cpu_addmm(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
                 const tl_tensor *a, const tl_tensor *b);
int tl_cpu_addmv(tl_tensor *res, double beta, const tl_tensor *v, double alpha,
                 const tl_tensor *m, const tl_tensor *x);
int tl_cpu_addr(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
                const tl_tensor *x, const tl_tensor *y);
int tl_cpu_dot(const tl_tensor *a, const tl_tensor *b, double *out);
int tl_cpu_compare(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b, double s);
int tl_cpu_cumulate(int32_t op, tl_tensor *res, const tl_tensor *a, int32_t dim);
int tl_cpu_sort(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim,
                int32_t descending);
int tl_cpu_topk(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim,
                int32_t largest, int32_t sorted);
int tl_cpu_kthvalue(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim);
int tl_cpu_mode(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim);
int tl_cpu_gather(tl_tensor *res, const tl_tensor *src, int32_t dim, const tl_tensor *index);
/* src NULL: fill with value */
int tl_cpu_scatter(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src,
                   double value);
/* kind: TL_INDEX_SELECT/COPY/ADD/FILL (index.c) */
enum { TL_INDEX_SELECT = 0, TL_INDEX_COPY = 1, TL_INDEX_ADD = 2, TL_INDEX_FILL = 3 };
int tl_cpu_index_op(int32_t kind, tl_tensor *res, const tl_tensor *src, int32_t dim,
                    const tl_tensor *index, double value);
int tl_cpu_nonzero(tl_tensor *res, const tl_tensor *a);
int tl_cpu_conv(int32_t nd, tl_tensor *res, const tl_tensor *x, const tl_tensor *k, int32_t full,
                int32_t flip);

#endif
