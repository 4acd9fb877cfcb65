/*
 * signal.c: 2-D and 3-D convolution and correlation (conv2 xcorr2 conv3
 * xcorr3) in the 'V' (valid) and 'F' (full) modes.
 *
 * Inputs are copied to contiguous double buffers and the result computed
 * in double, then converted to the result's type: integer tensors get
 * exact sums (below 2^53) and Float gets at least Torch7's accuracy. The
 * operand shapes follow Torch7: with nd spatial dims, x and k both nd-D
 * (one plane), both (nd+1)-D (plane p with kernel p), or x (nd+1)-D with
 * k (nd+2)-D (out x in planes; each output plane sums over the inputs).
 * The output planes are independent and go to OpenMP threads.
 */
#include "ops.h"
#include "../device.h"
#include <string.h>

/* One plane: out (od x oh x ow) += x (d x h x w) (*) k (kd x kh x kw). */
static void tl_conv_plane(double *out, const double *x, const double *k, const int64_t *xs,
                          const int64_t *ks, const int64_t *os, int32_t full, int32_t flip)
{
  int64_t d = xs[0], h = xs[1], w = xs[2], kd = ks[0], kh = ks[1], kw = ks[2];
  int64_t oh = os[1], ow = os[2];
  if (full) {
    /* scatter each input element through the kernel */
    for (int64_t z = 0; z < d; z++)
      for (int64_t y = 0; y < h; y++)
        for (int64_t c = 0; c < w; c++) {
          double v = x[(z * h + y) * w + c];
          for (int64_t u = 0; u < kd; u++)
            for (int64_t r = 0; r < kh; r++) {
              int64_t oz = z + (flip ? u : kd - 1 - u), oy = y + (flip ? r : kh - 1 - r);
              double *orow = out + (oz * oh + oy) * ow + c;
              const double *krow = k + (u * kh + r) * kw;
              if (flip) {
                for (int64_t s = 0; s < kw; s++) orow[s] += v * krow[s];
              } else {
                for (int64_t s = 0; s < kw; s++) orow[kw - 1 - s] += v * krow[s];
              }
            }
        }
    return;
  }
  /* valid: each output element is a dot product with the window */
  int64_t od = os[0];
  for (int64_t z = 0; z < od; z++)
    for (int64_t y = 0; y < oh; y++)
      for (int64_t u = 0; u < kd; u++)
        for (int64_t r = 0; r < kh; r++) {
          const double *xrow = x + ((z + u) * h + y + r) * w;
          const double *krow = flip ? k + ((kd - 1 - u) * kh + kh - 1 - r) * kw : k + (u * kh + r) * kw;
          double *orow = out + (z * oh + y) * ow;
          for (int64_t c = 0; c < ow; c++) {
            double acc = 0;
            if (flip) {
              for (int64_t s = 0; s < kw; s++) acc += xrow[c + s] * krow[kw - 1 - s];
            } else {
              for (int64_t s = 0; s < kw; s++) acc += xrow[c + s] * krow[s];
            }
            orow[c] += acc;
          }
        }
}

static tl_tensor *tl_conv_double(const tl_tensor *t)
{
  tl_tensor *c = tl_tensor_new_sized(TL_DOUBLE, TL_CPU, t->ndim, t->size);
  if (c && tl_tensor_copy(c, t)) {
    tl_tensor_free(c);
    return NULL;
  }
  return c;
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
  int64_t xs[3] = {1, 1, 1}, ks[3] = {1, 1, 1}, os[3] = {1, 1, 1};
  for (int32_t i = 0; i < nd; i++) {
    xs[3 - nd + i] = x->size[xp + i];
    ks[3 - nd + i] = k->size[kp + i];
    if (!full && ks[3 - nd + i] > xs[3 - nd + i])
      return tl_error_set("%s: kernel %s is larger than input %s in 'V' mode", fn,
                          tl_shape_str(k, b2, sizeof b2), tl_shape_str(x, b1, sizeof b1));
    os[3 - nd + i] = full ? xs[3 - nd + i] + ks[3 - nd + i] - 1 : xs[3 - nd + i] - ks[3 - nd + i] + 1;
  }
  /* allocate */
  int64_t osize[TL_MAXDIM];
  int32_t ond = 0;
  if (xp) osize[ond++] = nout;
  for (int32_t i = 0; i < nd; i++) osize[ond++] = os[3 - nd + i];
  tl_tensor *xd = tl_conv_double(x), *kd = xd ? tl_conv_double(k) : NULL;
  tl_tensor *od = kd ? tl_tensor_new_sized(TL_DOUBLE, TL_CPU, ond, osize) : NULL;
  int rc = od ? 0 : -1;
  if (rc == 0) rc = tl_tensor_fill(od, 0);
  if (rc == 0) rc = tl_tensor_resize(res, ond, osize);
  /* compute */
  if (rc == 0 && tl_tensor_numel(od) > 0) {
    const double *xp0 = tl_tensor_data(xd), *kp0 = tl_tensor_data(kd);
    double *op0 = tl_tensor_data(od);
    int64_t xn = xs[0] * xs[1] * xs[2], kn = ks[0] * ks[1] * ks[2], on = os[0] * os[1] * os[2];
#pragma omp parallel for schedule(static) if (nout > 1 && on * kn * nin > TL_PARALLEL_GRAIN)
    for (int64_t o = 0; o < nout; o++) {
      if (kp == 2) {
        for (int64_t i = 0; i < nin; i++)
          tl_conv_plane(op0 + o * on, xp0 + i * xn, kp0 + (o * nin + i) * kn, xs, ks, os, full, flip);
      } else {
        tl_conv_plane(op0 + o * on, xp0 + o * xn, kp0 + o * kn, xs, ks, os, full, flip);
      }
    }
    rc = tl_tensor_copy(res, od);
  }
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
