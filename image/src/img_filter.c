/*
 * img_filter.c: per-channel 2-D convolution, colour-space conversions,
 * colour maps and range helpers (saturate, normalize, min/max).
 *
 * Colour conversions work per pixel (read all three channels, then
 * write), so dst may be src. Values are in [0,1] except L*a*b* (L in
 * 0..100) and YUV's signed U, V.
 */
#include <stdlib.h>
#include "img_internal.h"

int tli_convolve(tl_tensor *dst, const tl_tensor *src, const tl_tensor *kernel, int32_t full)
{
  tli_img s, k, d;
  if (tli_img_view(&s, src, "convolve", "image") != 0 ||
      tli_img_view(&k, kernel, "convolve", "kernel") != 0)
    return -1;
  if (kernel->ndim == 3 && k.c != s.c) {
    tli_error_set("convolve: kernel has %lld planes, image %lld channels", (long long)k.c,
                  (long long)s.c);
    return -1;
  }
  if (k.h < 1 || k.w < 1 || (!full && (k.h > s.h || k.w > s.w))) {
    tli_error_set("convolve: kernel %lldx%lld does not fit the image %lldx%lld ('valid')",
                  (long long)k.h, (long long)k.w, (long long)s.h, (long long)s.w);
    return -1;
  }
  int64_t oh = full ? s.h + k.h - 1 : s.h - k.h + 1, ow = full ? s.w + k.w - 1 : s.w - k.w + 1;
  if (tli_resize3(dst, src->ndim == 3 ? s.c : 0, oh, ow) != 0) return -1;
  if (tli_img_view(&d, dst, "convolve", "destination") != 0) return -1;
  /* out(y,x) = sum_ij in(y+i-pad, x+j-pad) * ker(kh-1-i, kw-1-j): a true
   * convolution, as torch.conv2. */
  int64_t py = full ? k.h - 1 : 0, px = full ? k.w - 1 : 0;
  for (int64_t c = 0; c < s.c; c++) {
    int64_t kc = kernel->ndim == 3 ? c : 0;
    for (int64_t y = 0; y < oh; y++)
      for (int64_t x = 0; x < ow; x++) {
        double acc = 0;
        for (int64_t i = 0; i < k.h; i++) {
          int64_t yy = y + i - py;
          if (yy < 0 || yy >= s.h) continue;
          for (int64_t j = 0; j < k.w; j++) {
            int64_t xx = x + j - px;
            if (xx < 0 || xx >= s.w) continue;
            acc += tli_px(&s, c, yy, xx) * tli_px(&k, kc, k.h - 1 - i, k.w - 1 - j);
          }
        }
        tli_put(&d, c, y, x, acc);
      }
  }
  return 0;
}

static double img_hue2rgb(double p, double q, double t)
{
  if (t < 0) t += 1;
  if (t > 1) t -= 1;
  if (t < 1.0 / 6) return p + (q - p) * 6 * t;
  if (t < 0.5) return q;
  if (t < 2.0 / 3) return p + (q - p) * (2.0 / 3 - t) * 6;
  return p;
}

/* Hue in [0,1) of an RGB triple with max mx, min mn. */
static double img_hue(double r, double g, double b, double mx, double mn)
{
  double dlt = mx - mn, h;
  if (dlt == 0) return 0;
  if (mx == r) h = (g - b) / dlt + (g < b ? 6 : 0);
  else if (mx == g) h = (b - r) / dlt + 2;
  else h = (r - g) / dlt + 4;
  return h / 6;
}

static double img_srgb_lin(double v)
{
  return v > 0.04045 ? pow((v + 0.055) / 1.055, 2.4) : v / 12.92;
}

static double img_lin_srgb(double v)
{
  return v > 0.0031308 ? 1.055 * pow(v, 1 / 2.4) - 0.055 : v * 12.92;
}

static double img_lab_f(double t)
{
  return t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116;
}

static double img_lab_finv(double t)
{
  return t * t * t > 216.0 / 24389 ? t * t * t : (116 * t - 16) * 27 / 24389;
}

/* D65 white point, and linear sRGB -> XYZ. XYZ -> RGB uses the exact
 * inverse of this matrix so that lab2rgb(rgb2lab(x)) returns x. */
static const double img_xn = 0.950456, img_zn = 1.088754;
static const double img_m[3][3] = {{0.412453, 0.357580, 0.180423},
                                   {0.212671, 0.715160, 0.072169},
                                   {0.019334, 0.119193, 0.950227}};

static void img_m_inverse(double inv[3][3])
{
  const double (*m)[3] = img_m;
  double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
             - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
             + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      /* cofactor of (j, i) */
      int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
      inv[i][j] = (m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]) / det;
    }
}

static void img_convert_px(int32_t conv, const double in[3], double out[3])
{
  double r = in[0], g = in[1], b = in[2];
  switch (conv) {
  case TLI_RGB2YUV:
    out[0] = 0.299 * r + 0.587 * g + 0.114 * b;
    out[1] = -0.14713 * r - 0.28886 * g + 0.436 * b;
    out[2] = 0.615 * r - 0.51499 * g - 0.10001 * b;
    break;
  case TLI_YUV2RGB:
    out[0] = r + 1.13983 * b;
    out[1] = r - 0.39465 * g - 0.58060 * b;
    out[2] = r + 2.03211 * g;
    break;
  case TLI_RGB2HSL: {
    double mx = fmax(r, fmax(g, b)), mn = fmin(r, fmin(g, b)), l = (mx + mn) / 2, s = 0;
    if (mx != mn) s = l > 0.5 ? (mx - mn) / (2 - mx - mn) : (mx - mn) / (mx + mn);
    out[0] = img_hue(r, g, b, mx, mn);
    out[1] = s;
    out[2] = l;
    break;
  }
  case TLI_HSL2RGB: {
    double h = r, s = g, l = b;
    if (s == 0) {
      out[0] = out[1] = out[2] = l;
    } else {
      double q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
      out[0] = img_hue2rgb(p, q, h + 1.0 / 3);
      out[1] = img_hue2rgb(p, q, h);
      out[2] = img_hue2rgb(p, q, h - 1.0 / 3);
    }
    break;
  }
  case TLI_RGB2HSV: {
    double mx = fmax(r, fmax(g, b)), mn = fmin(r, fmin(g, b));
    out[0] = img_hue(r, g, b, mx, mn);
    out[1] = mx == 0 ? 0 : (mx - mn) / mx;
    out[2] = mx;
    break;
  }
  case TLI_HSV2RGB: {
    double h = r * 6, s = g, v = b;
    double i = floor(h), f = h - i;
    double p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
    switch (((int64_t)i % 6 + 6) % 6) {
    case 0: out[0] = v; out[1] = t; out[2] = p; break;
    case 1: out[0] = q; out[1] = v; out[2] = p; break;
    case 2: out[0] = p; out[1] = v; out[2] = t; break;
    case 3: out[0] = p; out[1] = q; out[2] = v; break;
    case 4: out[0] = t; out[1] = p; out[2] = v; break;
    default: out[0] = v; out[1] = p; out[2] = q; break;
    }
    break;
  }
  case TLI_RGB2LAB: {
    double lr = img_srgb_lin(r), lg = img_srgb_lin(g), lb = img_srgb_lin(b);
    double x = (img_m[0][0] * lr + img_m[0][1] * lg + img_m[0][2] * lb) / img_xn;
    double y = img_m[1][0] * lr + img_m[1][1] * lg + img_m[1][2] * lb;
    double z = (img_m[2][0] * lr + img_m[2][1] * lg + img_m[2][2] * lb) / img_zn;
    double fx = img_lab_f(x), fy = img_lab_f(y), fz = img_lab_f(z);
    out[0] = 116 * fy - 16;
    out[1] = 500 * (fx - fy);
    out[2] = 200 * (fy - fz);
    break;
  }
  case TLI_LAB2RGB: {
    double fy = (r + 16) / 116, fx = fy + g / 500, fz = fy - b / 200;
    double x = img_lab_finv(fx) * img_xn, y = img_lab_finv(fy), z = img_lab_finv(fz) * img_zn;
    double inv[3][3];
    img_m_inverse(inv);
    for (int i = 0; i < 3; i++) out[i] = img_lin_srgb(inv[i][0] * x + inv[i][1] * y + inv[i][2] * z);
    break;
  }
  case TLI_RGB2Y:
    out[0] = 0.299 * r + 0.587 * g + 0.114 * b;
    break;
  default: {   /* TLI_RGB2NRGB */
    double sum = r + g + b + 1e-6;
    out[0] = r / sum;
    out[1] = g / sum;
    out[2] = b / sum;
    break;
  }
  }
}

int tli_color_convert(int32_t conv, tl_tensor *dst, const tl_tensor *src)
{
  tli_img s, d;
  if (conv < TLI_RGB2YUV || conv > TLI_RGB2NRGB) {
    tli_error_set("color conversion: unknown conversion %d", (int)conv);
    return -1;
  }
  if (tli_img_view(&s, src, "color conversion", "image") != 0 ||
      tli_img_view(&d, dst, "color conversion", "destination") != 0)
    return -1;
  int64_t dc = conv == TLI_RGB2Y ? 1 : 3;
  if (src->ndim != 3 || s.c != 3 || d.c != dc || d.h != s.h || d.w != s.w) {
    tli_error_set("color conversion: expected a 3xHxW image and a %lldxHxW destination",
                  (long long)dc);
    return -1;
  }
  for (int64_t y = 0; y < s.h; y++)
    for (int64_t x = 0; x < s.w; x++) {
      double in[3], out[3];
      for (int64_t k = 0; k < 3; k++) in[k] = tli_px(&s, k, y, x);
      img_convert_px(conv, in, out);
      for (int64_t k = 0; k < dc; k++) tli_put(&d, k, y, x, out[k]);
    }
  return 0;
}

int tli_colorize(tl_tensor *dst, const tl_tensor *src, const tl_tensor *colormap)
{
  tli_img s, cm, d;
  if (tli_img_view(&s, src, "y2jet", "image") != 0 ||
      tli_img_view(&cm, colormap, "y2jet", "colormap") != 0)
    return -1;
  if (src->ndim != 2 || colormap->ndim != 2 || cm.w != 3 || cm.h < 1) {
    tli_error_set("y2jet: expected an HxW image and an Nx3 colormap");
    return -1;
  }
  if (tli_resize3(dst, 3, s.h, s.w) != 0 || tli_img_view(&d, dst, "y2jet", "destination") != 0)
    return -1;
  for (int64_t y = 0; y < s.h; y++)
    for (int64_t x = 0; x < s.w; x++) {
      double v = floor(tli_px(&s, 0, y, x) + 0.5);
      int64_t i = v < 0 ? 0 : (v > (double)(cm.h - 1) ? cm.h - 1 : (int64_t)v);
      for (int64_t k = 0; k < 3; k++) tli_put(&d, k, y, x, tli_px(&cm, 0, i, k));
    }
  return 0;
}

/* Calls fn on every element of t (any shape) with its element offset. */
static int img_each(tl_tensor *t, const char *fn, double lo, double hi, int32_t op,
                    double *mn, double *mx)
{
  if (!t || t->dtype == TL_HALF || t->device != TL_CPU) {
    tli_error_set("%s: expected a CPU tensor of a math type", fn);
    return -1;
  }
  int64_t n = tl_tensor_numel(t);
  if (n == 0) {
    if (mn) *mn = *mx = 0;
    return 0;
  }
  int32_t es = tl_dtype_get(t->dtype)->size;
  tli_img m = {t->storage->data + t->offset * es, t->dtype, es, 0, 0, 0, 0, 0, 0};
  int64_t idx[TL_MAXDIM] = {0};
  double a = INFINITY, b = -INFINITY;
  for (int64_t i = 0; i < n; i++) {
    int64_t off = 0;
    for (int32_t j = 0; j < t->ndim; j++) off += idx[j] * t->stride[j];
    double v = tli_ld(&m, off);
    if (op == 0) tli_st(&m, off, tli_sat(v, lo, hi));
    else if (op == 1) tli_st(&m, off, hi != lo ? (v - lo) / (hi - lo) : v - lo);
    else {
      a = v < a ? v : a;
      b = v > b ? v : b;
    }
    for (int32_t j = t->ndim - 1; j >= 0; j--) {
      if (++idx[j] < t->size[j]) break;
      idx[j] = 0;
    }
  }
  if (mn) {
    *mn = a;
    *mx = b;
  }
  return 0;
}

int tli_saturate(tl_tensor *t, double lo, double hi)
{
  return img_each(t, "saturate", lo, hi, 0, NULL, NULL);
}

int tli_normalize(tl_tensor *t, double lo, double hi)
{
  return img_each(t, "minmax", lo, hi, 1, NULL, NULL);
}

int tli_minmax_of(const tl_tensor *t, double *mn, double *mx)
{
  return img_each((tl_tensor *)t, "minmax", 0, 0, 2, mn, mx);
}

int tli_convert(tl_tensor *dst, const tl_tensor *src, double lo, double hi, double mul)
{
  tli_img s, d;
  if (tli_img_view(&s, src, "convert", "image") != 0 ||
      tli_img_view(&d, dst, "convert", "destination") != 0)
    return -1;
  if (s.c != d.c || s.h != d.h || s.w != d.w) {
    tli_error_set("convert: destination size differs from the image's");
    return -1;
  }
  for (int64_t k = 0; k < s.c; k++)
    for (int64_t y = 0; y < s.h; y++)
      for (int64_t x = 0; x < s.w; x++)
        tli_put(&d, k, y, x, tli_sat(tli_px(&s, k, y, x), lo, hi) * mul);
  return 0;
}
