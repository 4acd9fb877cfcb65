/*
 * device.c: the device table, the CPU allocator, thread settings and the
 * device-dispatching entry points of the public API (tl_pointwise, ...).
 */
#include "device.h"
#include <stdlib.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef TL_HAVE_CBLAS
#include "blas_lib.h"
#endif

/* 64-byte alignment: full cache lines and aligned AVX-512 loads. */
static void *tl_cpu_alloc(size_t nbytes)
{
  void *p = NULL;
  if (posix_memalign(&p, 64, nbytes ? nbytes : 64) != 0) {
    tl_error_set("out of memory allocating %zu bytes", nbytes);
    return NULL;
  }
  return p;
}

static void tl_cpu_free(void *p) { free(p); }

static const tl_device_ops tl_cpu_ops = {
  .name = "cpu",
  .alloc = tl_cpu_alloc, .free = tl_cpu_free,
  .copy = tl_cpu_copy, .fill = tl_cpu_fill,
  .pointwise = tl_cpu_pointwise,
  .reduce = tl_cpu_reduce, .reduce_all = tl_cpu_reduce_all,
  .addmm = tl_cpu_addmm, .addmv = tl_cpu_addmv, .addr = tl_cpu_addr, .dot = tl_cpu_dot,
  .compare = tl_cpu_compare, .cumulate = tl_cpu_cumulate,
  .sort = tl_cpu_sort, .topk = tl_cpu_topk, .kthvalue = tl_cpu_kthvalue, .mode = tl_cpu_mode,
  .gather = tl_cpu_gather, .scatter = tl_cpu_scatter, .index_op = tl_cpu_index_op,
  .nonzero = tl_cpu_nonzero, .conv = tl_cpu_conv,
};

const tl_device_ops *tl_devices[TL_NDEVICE] = {[TL_CPU] = &tl_cpu_ops};

int tl_device_register(int32_t device, const tl_device_ops *ops)
{
  if (device <= TL_CPU || device >= TL_NDEVICE) return tl_error_set("device_register: bad device %d", device);
  tl_devices[device] = ops;
  return 0;
}

int32_t tl_device_available(int32_t device)
{
  return device >= 0 && device < TL_NDEVICE && tl_devices[device] != NULL;
}

const tl_device_ops *tl_device_get(const char *fn, int32_t device)
{
  if (tl_device_available(device)) return tl_devices[device];
  tl_error_set("%s: device %d is not available in this build", fn, device);
  return NULL;
}

/* ---- threads: the engine's pool (parallel.c) and OpenBLAS's */

static int32_t tl_nthreads = 0;

int32_t tl_get_num_cores(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int32_t)n : 1;
}

int32_t tl_threads(void)
{
  if (tl_nthreads <= 0) {
#ifdef _OPENMP
    tl_nthreads = omp_get_max_threads();
#else
    tl_nthreads = 1;
#endif
  }
  return tl_nthreads;
}

void tl_set_num_threads(int32_t n)
{
  if (n < 1) n = 1;
  tl_nthreads = n;
  tl_parallel_resize(n);
#ifdef _OPENMP
  omp_set_num_threads(n);   /* OpenBLAS's own threading, outside jobs */
#endif
#ifdef TL_HAVE_CBLAS
  tl_blas_set_threads(n);
#endif
}

int32_t tl_get_num_threads(void) { return tl_threads(); }

/* ---- dispatching entry points ------------------------------------------ */

static int tl_same_device3(const char *fn, const tl_tensor *a, const tl_tensor *b,
                           const tl_tensor *c)
{
  if ((b && b->device != a->device) || (c && c->device != a->device))
    return tl_error_set("%s: tensors are on different devices", fn);
  return 0;
}

int tl_pointwise(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b,
                 const tl_tensor *c, double s0, double s1)
{
  const tl_op_info *info = tl_op_get(op);
  if (!info) return tl_error_set("pointwise: unknown op %d", op);
  if (tl_check_not_null(info->name, res, "result") || tl_check_not_null(info->name, a, "input"))
    return -1;
  if (tl_same_device3(info->name, res, a, b) || tl_same_device3(info->name, res, c, NULL)) return -1;
  const tl_device_ops *d = tl_device_get(info->name, res->device);
  return d ? d->pointwise(op, res, a, b, c, s0, s1) : -1;
}

int tl_reduce(int32_t op, tl_tensor *values, tl_tensor *indices, const tl_tensor *a,
              int32_t dim, double s0)
{
  const tl_op_info *info = tl_op_get(op);
  if (!info) return tl_error_set("reduce: unknown op %d", op);
  if (tl_check_not_null(info->name, a, "input")) return -1;
  if (dim < 0) return tl_error_set("%s: use tl_reduce_all to reduce everything", info->name);
  if (tl_same_device3(info->name, a, values, indices)) return -1;
  const tl_device_ops *d = tl_device_get(info->name, a->device);
  return d ? d->reduce(op, values, indices, a, dim, s0) : -1;
}

int tl_reduce_all(int32_t op, const tl_tensor *a, double s0, double *out)
{
  const tl_op_info *info = tl_op_get(op);
  if (!info) return tl_error_set("reduce: unknown op %d", op);
  if (tl_check_not_null(info->name, a, "input")) return -1;
  const tl_device_ops *d = tl_device_get(info->name, a->device);
  return d ? d->reduce_all(op, a, s0, out) : -1;
}

int tl_addmm(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
             const tl_tensor *a, const tl_tensor *b)
{
  if (tl_same_device3("addmm", res, m, a) || tl_same_device3("addmm", res, b, NULL)) return -1;
  const tl_device_ops *d = tl_device_get("addmm", res->device);
  return d ? d->addmm(res, beta, m, alpha, a, b) : -1;
}

int tl_addmv(tl_tensor *res, double beta, const tl_tensor *v, double alpha,
             const tl_tensor *m, const tl_tensor *x)
{
  if (tl_same_device3("addmv", res, v, m) || tl_same_device3("addmv", res, x, NULL)) return -1;
  const tl_device_ops *d = tl_device_get("addmv", res->device);
  return d ? d->addmv(res, beta, v, alpha, m, x) : -1;
}

int tl_addr(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
            const tl_tensor *x, const tl_tensor *y)
{
  if (tl_same_device3("addr", res, m, x) || tl_same_device3("addr", res, y, NULL)) return -1;
  const tl_device_ops *d = tl_device_get("addr", res->device);
  return d ? d->addr(res, beta, m, alpha, x, y) : -1;
}

int tl_dot(const tl_tensor *a, const tl_tensor *b, double *out)
{
  if (tl_check_same_device("dot", a, b)) return -1;
  const tl_device_ops *d = tl_device_get("dot", a->device);
  return d ? d->dot(a, b, out) : -1;
}
