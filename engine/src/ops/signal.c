/*
 * signal.c: 2-D and 3-D convolution and correlation (conv2 xcorr2 conv3
 * xcorr3) in the 'V' (valid) and 'F' (full) modes.
 *
 * The operand shapes follow Torch7: with nd spatial dims, x and k both nd-D
 * (one plane), both (nd+1)-D (plane p with kernel p), or x (nd+1)-D with
 * k (nd+2)-D (out x in planes; each output plane sums over the inputs).
 *
 * Everything reduces to one valid correlation: a convolution is a
 * correlation with the flipped kernel, and 'F' mode is a valid correlation
 * of the input padded with kernel-size-minus-one zeros on every side. The
 * kernel is always copied (flipped when asked) into a contiguous buffer;
 * the input is copied (and padded) only when it is not already a
 * contiguous plane stack. Float and Double compute in their own type, as
 * Torch7 does, row by row: for each kernel tap, out_row += k * in_row
 * shifted by the tap, a loop the compiler vectorises. Integer types go
 * through Double copies (exact sums below 2^53). Output rows are
 * independent and go to the pool's threads.
 */
#include "ops.h"
#include "../device.h"
#include <string.h>

/* Geometry of one call: spatial sizes as (depth, height, width), with
 * depth 1 for 2-D; xs is the input as stored in the buffer (padded in 'F'
 * mode). kp is the number of kernel plane dims (0, 1 or 2). */
typedef struct tl_conv_geom {
  int32_t kp;
  int64_t nin, nout;
  int64_t xs[3], ks[3], os[3];
} tl_conv_geom;

/* Columns of an output row accumulated in registers at a time: every tap
 * then costs one load and one multiply-add per column, not a load-store
 * round trip through the row. */
enum { TL_CONV_BLOCK = 64 };

/* tl_conv_row_<N>(orow, x, k, g, o, z, y): output row y of depth z of output
 * plane o (ow elements, written, not accumulated) from the input planes x
 * and kernel planes k (already flipped for a convolution). */
#define TL_CONV_DEF(T, N)                                                               \
  static void tl_conv_row_##N(T *restrict orow, const T *x, const T *k,                \
                              const tl_conv_geom *g, int64_t o, int64_t z, int64_t y)  \
  {                                                                                    \
    int64_t h = g->xs[1], w = g->xs[2], kd = g->ks[0], kh = g->ks[1], kw = g->ks[2];   \
    int64_t ow = g->os[2], xn = g->xs[0] * h * w, kn = kd * kh * kw;                   \
    int64_t i0 = g->kp == 2 ? 0 : o, i1 = g->kp == 2 ? g->nin : o + 1;                 \
    for (int64_t c0 = 0; c0 < ow; c0 += TL_CONV_BLOCK) {                               \
      int64_t nc = ow - c0 < TL_CONV_BLOCK ? ow - c0 : TL_CONV_BLOCK;                  \
      T acc[TL_CONV_BLOCK] = {0};                                                      \
      for (int64_t i = i0; i < i1; i++) {                                              \
        const T *xp = x + i * xn + c0;                                                 \
        const T *kq = k + (g->kp == 2 ? o * g->nin + i : o) * kn;                      \
        for (int64_t u = 0; u < kd; u++)                                               \
          for (int64_t r = 0; r < kh; r++) {                                           \
            const T *xrow = xp + ((z + u) * h + y + r) * w;                            \
            const T *krow = kq + (u * kh + r) * kw;                                    \
            if (nc == TL_CONV_BLOCK) {                                                 \
              for (int64_t s = 0; s < kw; s++) {                                       \
                T kv = krow[s];                                                        \
                for (int64_t c = 0; c < TL_CONV_BLOCK; c++) acc[c] += kv * xrow[s + c]; \
              }                                                                        \
            } else {                                                                   \
              for (int64_t s = 0; s < kw; s++) {                                       \
                T kv = krow[s];                                                        \
                for (int64_t c = 0; c < nc; c++) acc[c] += kv * xrow[s + c];           \
              }                                                                        \
            }                                                                          \
          }                                                                            \
      }                                                                                \
      memcpy(orow + c0, acc, (size_t)nc * sizeof(T));                                  \
    }                                                                                  \
  }                                                                                    \
  /* Copy the nd-D planes of t (sizes sz, strides st, nd <= 5) to dst with           \
   * destination strides ds; a negative ds walks a dim backwards (flip). */           \
  static void tl_conv_gather_##N(T *dst, const T *src, int32_t nd, const int64_t *sz,  \
                                 const int64_t *st, const int64_t *ds)                 \
  {                                                                                    \
    int64_t idx[5] = {0};                                                              \
    int64_t n = 1;                                                                     \
    for (int32_t d = 0; d < nd; d++) n *= sz[d];                                       \
    if (n == 0) return;                                                                \
    int32_t last = nd - 1;                                                             \
    for (int64_t done = 0; done < n; done += sz[last]) {                               \
      int64_t so = 0, dof = 0;                                                         \
      for (int32_t d = 0; d < last; d++) {                                             \
        so += idx[d] * st[d];                                                          \
        dof += idx[d] * ds[d];                                                         \
      }                                                                                \
      for (int64_t c = 0; c < sz[last]; c++) dst[dof + c * ds[last]] = src[so + c * st[last]]; \
      for (int32_t d = last - 1; d >= 0; d--) {                                        \
        if (++idx[d] < sz[d]) break;                                                   \
        idx[d] = 0;                                                                    \
      }                                                                                \
    }                                                                                  \
  }
TL_CONV_DEF(float, float)
TL_CONV_DEF(double, double)
#undef TL_CONV_DEF

static tl_tensor *tl_conv_double(const tl_tensor *t)
{
  tl_tensor *c = tl_tensor_new_sized(TL_DOUBLE, TL_CPU, t->ndim, t->size);
  if (c && tl_tensor_copy(c, t)) {
    tl_tensor_free(c);
    return NULL;
  }
  return c;
}

/* Copy x (planes, then nd spatial dims) into the zeroed buffer xb (NULL:
 * x is used in place) laid out
 * as g->xs per plane, padded by ks - 1 on each side in 'F' mode; copy k
 * into kb, reversed in every spatial dim for a convolution. */
static void tl_conv_pack(int32_t nd, const tl_conv_geom *g, const tl_tensor *x, const tl_tensor *k,
                         void *xb, void *kb, int32_t full, int32_t flip)
{
  int64_t xsz[5], xst[5], xds[5], ksz[5], kst[5], kds[5];
  int32_t xp = x->ndim - nd, kp = k->ndim - nd;
  int64_t xoff = 0, koff = 0;
  /* destination strides of the buffers, innermost last */
  int64_t xplane = g->xs[0] * g->xs[1] * g->xs[2], kplane = g->ks[0] * g->ks[1] * g->ks[2];
  int64_t xsp[3] = {g->xs[1] * g->xs[2], g->xs[2], 1}, ksp[3] = {g->ks[1] * g->ks[2], g->ks[2], 1};
  for (int32_t i = 0; i < x->ndim; i++) {
    xsz[i] = x->size[i];
    xst[i] = x->stride[i];
    xds[i] = i < xp ? xplane : xsp[3 - nd + i - xp];
    if (full && i >= xp) xoff += (g->ks[3 - nd + i - xp] - 1) * xds[i];
  }
  for (int32_t i = 0; i < k->ndim; i++) {
    ksz[i] = k->size[i];
    kst[i] = k->stride[i];
    /* kernel planes: (out, in) row-major, i.e. plane o*nin + i */
    kds[i] = i < kp ? (i == kp - 1 ? kplane : kplane * g->nin) : ksp[3 - nd + i - kp];
    if (flip && i >= kp) {
      koff += (ksz[i] - 1) * kds[i];
      kds[i] = -kds[i];
    }
  }
  if (x->dtype == TL_FLOAT) {
    if (xb) tl_conv_gather_float((float *)xb + xoff, (const float *)tl_tensor_data(x), x->ndim, xsz, xst, xds);
    tl_conv_gather_float((float *)kb + koff, (const float *)tl_tensor_data(k), k->ndim, ksz, kst, kds);
  } else {
    if (xb) tl_conv_gather_double((double *)xb + xoff, (const double *)tl_tensor_data(x), x->ndim, xsz, xst, xds);
    tl_conv_gather_double((double *)kb + koff, (const double *)tl_tensor_data(k), k->ndim, ksz, kst, kds);
  }
}

/* Output rows [b, e) (one per output plane, z and y). */
typedef struct tl_conv_rows_job {
  const tl_conv_geom *g;
  const char *xd, *kb;
  char *od;
  int64_t es, on, per;
  int32_t dbl;
} tl_conv_rows_job;

static void tl_conv_rows(void *ctx, int64_t b, int64_t e)
{
  const tl_conv_rows_job *j = ctx;
  const tl_conv_geom *g = j->g;
  for (int64_t row = b; row < e; row++) {
    int64_t o = row / j->per, z = row % j->per / g->os[1], y = row % g->os[1];
    char *orow = j->od + (o * j->on + (z * g->os[1] + y) * g->os[2]) * j->es;
    if (j->dbl)
      tl_conv_row_double((double *)orow, (const double *)j->xd, (const double *)j->kb, g, o, z, y);
    else
      tl_conv_row_float((float *)orow, (const float *)j->xd, (const float *)j->kb, g, o, z, y);
  }
}

/* The Float/Double computation: res (already validated, any layout) gets
 * the result of shape osize. x, k and res share the dtype. */
static int tl_conv_float_or_double(int32_t nd, tl_tensor *res, const tl_tensor *x, const tl_tensor *k,
                                   tl_conv_geom *g, int32_t ond, const int64_t *osize, int32_t full,
                                   int32_t flip)
{
  int64_t es = tl_elsize(x->dtype);
  int64_t xplanes = x->ndim > nd ? x->size[0] : 1;
  int64_t kplanes = g->kp == 2 ? g->nout * g->nin : g->nout;
  int64_t pad[3] = {0, 0, 0};
  for (int32_t i = 0; i < 3; i++) {
    if (full) pad[i] = g->ks[i] - 1;
    g->xs[i] += 2 * pad[i];
  }
  int64_t xn = g->xs[0] * g->xs[1] * g->xs[2], kn = g->ks[0] * g->ks[1] * g->ks[2];
  int64_t on = g->os[0] * g->os[1] * g->os[2];
  int32_t alias = res->storage && (res->storage == x->storage || res->storage == k->storage);
  /* the input is used in place when it already has the buffer's layout */
  int32_t copy_x = full || alias || !tl_tensor_is_contiguous(x);
  /* allocate */
  char *xb = copy_x ? tl_calloc((size_t)(xplanes * xn + 1), (size_t)es) : NULL;
  char *kb = tl_alloc((size_t)(kplanes * kn) * (size_t)es + 1);
  int rc = (copy_x && !xb) || !kb ? -1 : 0;
  if (rc == 0) {
    tl_conv_pack(nd, g, x, k, xb, kb, full, flip);
    rc = tl_tensor_resize(res, ond, osize);
  }
  tl_tensor *tmp = NULL;
  if (rc == 0 && !tl_tensor_is_contiguous(res)) {
    tmp = tl_tensor_new_sized(x->dtype, TL_CPU, ond, osize);
    rc = tmp ? 0 : -1;
  }
  /* compute: one output row per iteration */
  if (rc == 0 && on > 0) {
    const char *xd = copy_x ? xb : (const char *)tl_tensor_data(x);
    char *od = tl_tensor_data(tmp ? tmp : res);
    int64_t rows = g->nout * g->os[0] * g->os[1], per = g->os[0] * g->os[1];
    int64_t work = on * g->nout * kn * (g->kp == 2 ? g->nin : 1);
    tl_conv_rows_job j = {g, xd, kb, od, es, on, per, x->dtype == TL_DOUBLE};
    if (rows > 1 && work > TL_PARALLEL_GRAIN) tl_parallel_ranges(rows, 1, tl_conv_rows, &j);
    else tl_conv_rows(&j, 0, rows);
    if (tmp) rc = tl_tensor_copy(res, tmp);
  }
  tl_tensor_free(tmp);
  tl_release(xb);
  tl_release(kb);
  return rc;
}

int tl_cpu_conv(int32_t nd, tl_tensor *res, const tl_tensor *x, const tl_tensor *k, int32_t full,
                int32_t flip)
{
  const char *fn = nd == 2 ? (flip ? "conv2" : "xcorr2") : (flip ? "conv3" : "xcorr3");
  char b1[TL_SHAPE_STRLEN], b2[TL_SHAPE_STRLEN];
  /* validate */
  if (tl_check_has_math(fn, x) || tl_check_same_dtype(fn, x, k) || tl_check_same_dtype(fn, x, res))
    return -1;
  int32_t xp = x->ndim - nd, kp = k->ndim - nd;   /* plane dims */
  if (!((xp == 0 && kp == 0) || (xp == 1 && kp == 1) || (xp == 1 && kp == 2)))
    return tl_error_set("%s: expected %dD input and kernel, %dD each, or %dD input with %dD kernel; got input %s and kernel %s",
                        fn, nd, nd + 1, nd + 1, nd + 2, tl_shape_str(x, b1, sizeof b1), tl_shape_str(k, b2, sizeof b2));
  int64_t nin = xp ? x->size[0] : 1, nout = kp == 2 ? k->size[0] : nin;
  if (kp >= 1 && k->size[kp - 1] != nin)
    return tl_error_set("%s: input %s has %lld planes but kernel %s expects %lld", fn,
                        tl_shape_str(x, b1, sizeof b1), (long long)nin, tl_shape_str(k, b2, sizeof b2),
                        (long long)k->size[kp - 1]);
  tl_conv_geom g = {kp, nin, nout, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
  int32_t empty = 0;
  for (int32_t i = 0; i < nd; i++) {
    int64_t xsz = x->size[xp + i], ksz = k->size[kp + i];
    g.xs[3 - nd + i] = xsz;
    g.ks[3 - nd + i] = ksz;
    if (!full && ksz > xsz)
      return tl_error_set("%s: kernel %s is larger than input %s in 'V' mode", fn,
                          tl_shape_str(k, b2, sizeof b2), tl_shape_str(x, b1, sizeof b1));
    g.os[3 - nd + i] = full ? xsz + ksz - 1 : xsz - ksz + 1;
    if (g.os[3 - nd + i] < 0) g.os[3 - nd + i] = 0;
    if (xsz == 0 || ksz == 0) empty = 1;   /* every output element is an empty sum */
  }
  int64_t osize[TL_MAXDIM];
  int32_t ond = 0;
  if (xp) osize[ond++] = nout;
  for (int32_t i = 0; i < nd; i++) osize[ond++] = g.os[3 - nd + i];
  if (empty) {
    if (tl_tensor_resize(res, ond, osize)) return -1;
    return tl_tensor_numel(res) > 0 ? tl_tensor_fill(res, 0) : 0;
  }
  if (x->dtype == TL_FLOAT || x->dtype == TL_DOUBLE)
    return tl_conv_float_or_double(nd, res, x, k, &g, ond, osize, full, flip);
  /* integer types: through Double copies and a Double result */
  tl_tensor *xd = tl_conv_double(x), *kd = xd ? tl_conv_double(k) : NULL;
  tl_tensor *od = kd ? tl_tensor_new_sized(TL_DOUBLE, TL_CPU, 0, NULL) : NULL;
  int rc = od ? tl_conv_float_or_double(nd, od, xd, kd, &g, ond, osize, full, flip) : -1;
  if (rc == 0) rc = tl_tensor_resize(res, ond, osize);
  if (rc == 0 && tl_tensor_numel(res) > 0) rc = tl_tensor_copy(res, od);
  tl_tensor_free(xd);
  tl_tensor_free(kd);
  tl_tensor_free(od);
  return rc;
}

static int tl_conv_dispatch(int32_t nd, tl_tensor *res, const tl_tensor *x, const tl_tensor *k,
                            int32_t full, int32_t flip)
{
  const char *fn = nd == 2 ? "conv2" : "conv3";
  if (tl_check_not_null(fn, res, "result") || tl_check_not_null(fn, x, "input") ||
      tl_check_not_null(fn, k, "kernel") || tl_check_same_device(fn, x, k) ||
      tl_check_same_device(fn, x, res))
    return -1;
  const tl_device_ops *d = tl_device_get(fn, x->device);
  if (!d) return -1;
  if (!d->conv) return tl_error_set("%s: not available on device %s", fn, d->name);
  return d->conv(nd, res, x, k, full, flip);
}

int tl_conv2(tl_tensor *res, const tl_tensor *x, const tl_tensor *k, int32_t full, int32_t flip)
{
  return tl_conv_dispatch(2, res, x, k, full, flip);
}

int tl_conv3(tl_tensor *res, const tl_tensor *x, const tl_tensor *k, int32_t full, int32_t flip)
{
  return tl_conv_dispatch(3, res, x, k, full, flip);
}
