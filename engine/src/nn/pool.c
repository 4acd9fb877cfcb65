/*
 * pool.c: 2-D max and average pooling over [N, C, H, W] (or any [P, H, W]
 * stack of planes), with padding and Torch7's ceil mode. Max pooling keeps
 * the argmax of each window (a LongTensor) for the backward pass.
 */
#include "nn.h"
#include <math.h>

typedef struct tl_nn_pool_geom {
  int64_t kW, kH, dW, dH, padW, padH;
  int32_t count_include_pad;
  int64_t dilW, dilH;
} tl_nn_pool_geom;

#define real float
#define TLNN(name) name##_f
#include "pool.inc"
#undef real
#undef TLNN

#define real double
#define TLNN(name) name##_d
#include "pool.inc"
#undef real
#undef TLNN

/* 2x2 max pooling with step 2 on Float planes (most networks' pooling),
 * with AVX-512: 16 outputs per step from two rows of 32 inputs split into
 * even and odd columns by one shuffle each. The general loops of pool.inc
 * cannot vectorize this (GCC gathers the strided taps, slower than scalar
 * code) and LeNet's rows are 14 outputs long. Same choice rule and tap
 * order as pool.inc: the first tap starts, a larger value or a NaN takes
 * over. Returns 0 when the shape is not one it takes. */
#if defined(__AVX512F__)
#include <immintrin.h>
/* One tap over 16 windows: where v is larger or NaN it becomes the max
 * and `at` its offset in the window. */
static inline void tl_nn_maxpool_tap16(__m512 v, __m512i at, __m512 *best, __m512i *off)
{
  __mmask16 take = _mm512_cmp_ps_mask(v, *best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  *best = _mm512_mask_mov_ps(*best, take, v);
  *off = _mm512_mask_mov_epi32(*off, take, at);
}

static void tl_nn_maxpool_2x2_planes(void *ctx, int64_t p0, int64_t p1)
{
  const tl_nn_pool_job_f *jb = ctx;
  const float *in = jb->in;
  float *out = jb->out;
  int64_t *idx = jb->idx;
  const int64_t H = jb->H, W = jb->W, oH = jb->oH, oW = jb->oW;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512i lane2 = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
  const __m512i W32 = _mm512_set1_epi32((int32_t)W), one = _mm512_set1_epi32(1);
  const float *in_end = in + jb->P * H * W;
  for (int64_t p = p0; p < p1; p++) {
    for (int64_t i = 0; i < oH; i++) {
      const float *r0 = in + (p * H + 2 * i) * W, *r1 = r0 + W;
      float *o = out + (p * oH + i) * oW;
      int64_t *ix = idx + (p * oH + i) * oW;
      for (int64_t j = 0; j < oW; j += 16) {
        int64_t n = oW - j < 16 ? oW - j : 16;
        const float *a = r0 + 2 * j, *b = r1 + 2 * j;
        __m512 a0, a1, b0, b1;
        if (b + 32 <= in_end) {
          a0 = _mm512_loadu_ps(a), a1 = _mm512_loadu_ps(a + 16);
          b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        } else {   /* the last row of the tensor: read only what is there */
          __mmask16 m0 = (__mmask16)(2 * n >= 16 ? 0xFFFF : (1u << (2 * n)) - 1);
          __mmask16 m1 = (__mmask16)(2 * n <= 16 ? 0 : (1u << (2 * n - 16)) - 1);
          a0 = _mm512_maskz_loadu_ps(m0, a), a1 = _mm512_maskz_loadu_ps(m1, a + 16);
          b0 = _mm512_maskz_loadu_ps(m0, b), b1 = _mm512_maskz_loadu_ps(m1, b + 16);
        }
        __m512 best = _mm512_permutex2var_ps(a0, even, a1);
        __m512i off = _mm512_setzero_si512();
        tl_nn_maxpool_tap16(_mm512_permutex2var_ps(a0, odd, a1), one, &best, &off);
        tl_nn_maxpool_tap16(_mm512_permutex2var_ps(b0, even, b1), W32, &best, &off);
        tl_nn_maxpool_tap16(_mm512_permutex2var_ps(b0, odd, b1), _mm512_add_epi32(W32, one), &best, &off);
        /* index = 2*i*W + 2*(j + lane) + off, in int64 */
        __m512i base = _mm512_add_epi64(_mm512_set1_epi64(2 * i * W + 2 * j), lane2);
        __m512i lo = _mm512_add_epi64(base, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(off)));
        __m512i hi = _mm512_add_epi64(_mm512_add_epi64(base, _mm512_set1_epi64(16)),
                                      _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(off, 1)));
        if (n == 16) {
          _mm512_storeu_ps(o + j, best);
          _mm512_storeu_si512(ix + j, lo);
          _mm512_storeu_si512(ix + j + 8, hi);
        } else {
          __mmask16 m = (__mmask16)((1u << n) - 1);
          _mm512_mask_storeu_ps(o + j, m, best);
          _mm512_mask_storeu_epi64(ix + j, (__mmask8)m, lo);
          _mm512_mask_storeu_epi64(ix + j + 8, (__mmask8)(m >> 8), hi);
        }
      }
    }
  }
}

static int tl_nn_maxpool_2x2_f(const float *in, float *out, int64_t *idx, int64_t P, int64_t H, int64_t W,
                               int64_t oH, int64_t oW)
{
  if (2 * oH > H || 2 * oW > W || W > INT32_MAX / 2) return 0;
  tl_nn_pool_job_f jb = {.in = in, .out = out, .idx = idx, .P = P, .H = H, .W = W, .oH = oH, .oW = oW};
  tl_parallel_ranges(P, tl_nn_pool_grain_f(oH, oW), tl_nn_maxpool_2x2_planes, &jb);
  return 1;
}
#else
static int tl_nn_maxpool_2x2_f(const float *in, float *out, int64_t *idx, int64_t P, int64_t H, int64_t W,
                               int64_t oH, int64_t oW)
{
  (void)in, (void)out, (void)idx, (void)P, (void)H, (void)W, (void)oH, (void)oW;
  return 0;
}
#endif

static int tl_nn_pool_setup_dil(const char *fn, const tl_tensor *input, int32_t kW, int32_t kH,
                                int32_t dW, int32_t dH, int32_t padW, int32_t padH, int32_t dilW,
                                int32_t dilH, int32_t ceil_mode, int64_t *P, int64_t *oH, int64_t *oW);

/* Output size along one axis, Torch7's rule: with ceil mode the last
 * window must still start inside the image or its left padding. */
static int64_t tl_nn_pool_out(int64_t in, int64_t k, int64_t d, int64_t pad, int32_t ceil_mode)
{
  int64_t span = in + 2 * pad - k;   /* k: the (dilated) window extent */
  int64_t o = (ceil_mode ? (span + d - 1) / d : span / d) + 1;
  if (ceil_mode && pad > 0 && (o - 1) * d >= in + pad) o--;
  return o;
}

static int tl_nn_pool_setup(const char *fn, const tl_tensor *input, int32_t kW, int32_t kH,
                            int32_t dW, int32_t dH, int32_t padW, int32_t padH, int32_t ceil_mode,
                            int64_t *P, int64_t *oH, int64_t *oW)
{
  return tl_nn_pool_setup_dil(fn, input, kW, kH, dW, dH, padW, padH, 1, 1, ceil_mode, P, oH, oW);
}

static int tl_nn_pool_setup_dil(const char *fn, const tl_tensor *input, int32_t kW, int32_t kH,
                                int32_t dW, int32_t dH, int32_t padW, int32_t padH, int32_t dilW,
                                int32_t dilH, int32_t ceil_mode, int64_t *P, int64_t *oH, int64_t *oW)
{
  *P = *oH = *oW = 0;
  if (dilW <= 0 || dilH <= 0) return tl_error_set("%s: dilation must be positive", fn);
  if (kW <= 0 || kH <= 0 || dW <= 0 || dH <= 0 || padW < 0 || padH < 0) {
    return tl_error_set("%s: bad geometry: kernel %dx%d, step %d,%d, padding %d,%d", fn, kW, kH,
                        dW, dH, padW, padH);
  }
  if (padW * 2 > kW || padH * 2 > kH) {
    return tl_error_set("%s: padding (%d,%d) must be at most half the kernel (%dx%d)", fn, padW,
                        padH, kW, kH);
  }
  if (input->ndim < 3) return tl_check_ndim(fn, input, 4, "input");
  int64_t H = input->size[input->ndim - 2], W = input->size[input->ndim - 1];
  *P = tl_tensor_numel(input) / (H * W > 0 ? H * W : 1);
  int64_t eH = (int64_t)dilH * (kH - 1) + 1, eW = (int64_t)dilW * (kW - 1) + 1;
  if (H + 2 * padH < eH || W + 2 * padW < eW) {
    return tl_error_set("%s: input image (%lldx%lld) is too small for a %dx%d window", fn,
                        (long long)H, (long long)W, kH, kW);
  }
  *oH = tl_nn_pool_out(H, eH, dH, padH, ceil_mode);
  *oW = tl_nn_pool_out(W, eW, dW, padW, ceil_mode);
  if (*oH < 1 || *oW < 1) {
    return tl_error_set("%s: input image (%lldx%lld) is too small for a %dx%d window", fn,
                        (long long)H, (long long)W, kH, kW);
  }
  return 0;
}

static int tl_nn_pool_resize(tl_tensor *t, const tl_tensor *input, int64_t oH, int64_t oW)
{
  int64_t size[TL_MAXDIM];
  for (int32_t d = 0; d < input->ndim; d++) size[d] = input->size[d];
  size[input->ndim - 2] = oH;
  size[input->ndim - 1] = oW;
  return tl_tensor_resize(t, input->ndim, size);
}

int tl_nn_maxpool2d_forward(const tl_tensor *input, tl_tensor *output, tl_tensor *indices,
                            int32_t kW, int32_t kH, int32_t dW, int32_t dH, int32_t padW,
                            int32_t padH, int32_t dilW, int32_t dilH, int32_t ceil_mode)
{
  const char *fn = "SpatialMaxPooling";
  int64_t P, oH, oW;
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check_out(fn, output, "output", input->dtype) ||
      tl_check_not_null(fn, indices, "indices")) return -1;
  if (indices->dtype != TL_LONG) return tl_error_set("%s: indices must be a LongTensor", fn);
  if (tl_nn_pool_setup_dil(fn, input, kW, kH, dW, dH, padW, padH, dilW, dilH, ceil_mode, &P, &oH,
                           &oW)) return -1;
  if (tl_nn_pool_resize(output, input, oH, oW) || tl_nn_pool_resize(indices, input, oH, oW))
    return -1;
  tl_nn_pool_geom g = {kW, kH, dW, dH, padW, padH, 1, dilW, dilH};
  int64_t H = input->size[input->ndim - 2], W = input->size[input->ndim - 1];
  if (input->dtype == TL_FLOAT && kW == 2 && kH == 2 && dW == 2 && dH == 2 && padW == 0 && padH == 0 &&
      dilW == 1 && dilH == 1 &&
      tl_nn_maxpool_2x2_f(tl_tensor_data(input), tl_tensor_data(output), tl_tensor_data(indices), P, H, W, oH, oW))
    return 0;
  TL_NN_CALL(input->dtype, tl_nn_maxpool_fwd,
             tl_tensor_data(input), tl_tensor_data(output), tl_tensor_data(indices), P, H, W, oH, oW, &g);
  return 0;
}

int tl_nn_maxpool2d_backward(const tl_tensor *input, const tl_tensor *gradOutput,
                             const tl_tensor *indices, tl_tensor *gradInput)
{
  const char *fn = "SpatialMaxPooling";
  if (tl_nn_check_out(fn, input, "input", -1) ||
      tl_nn_check(fn, gradOutput, "gradOutput", input->dtype) ||
      tl_nn_check_out(fn, gradInput, "gradInput", input->dtype) ||
      tl_check_not_null(fn, indices, "indices")) return -1;
  if (indices->dtype != TL_LONG || !tl_tensor_is_contiguous(indices) ||
      !tl_tensor_same_size(indices, gradOutput) || input->ndim < 3 || gradOutput->ndim != input->ndim) {
    char s[TL_SHAPE_STRLEN], t[TL_SHAPE_STRLEN];
    return tl_error_set("%s: gradOutput %s does not match the last output %s", fn,
                        tl_shape_str(gradOutput, s, sizeof s), tl_shape_str(indices, t, sizeof t));
  }
  int64_t H = input->size[input->ndim - 2], W = input->size[input->ndim - 1];
  int64_t oH = gradOutput->size[input->ndim - 2], oW = gradOutput->size[input->ndim - 1];
  int64_t P = tl_tensor_numel(gradOutput) / (oH * oW);
  if (tl_tensor_resize_as(gradInput, input)) return -1;
  TL_NN_CALL(input->dtype, tl_nn_maxpool_bwd,
             tl_tensor_data(gradOutput), tl_tensor_data(gradInput), tl_tensor_data(indices), P, H, W, oH, oW);
  return 0;
}

int tl_nn_avgpool2d_forward(const tl_tensor *input, tl_tensor *output, int32_t kW, int32_t kH,
                            int32_t dW, int32_t dH, int32_t padW, int32_t padH, int32_t ceil_mode,
                            int32_t count_include_pad)
{
  const char *fn = "SpatialAveragePooling";
  int64_t P, oH, oW;
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check_out(fn, output, "output", input->dtype))
    return -1;
  if (tl_nn_pool_setup(fn, input, kW, kH, dW, dH, padW, padH, ceil_mode, &P, &oH, &oW)) return -1;
  if (tl_nn_pool_resize(output, input, oH, oW)) return -1;
  tl_nn_pool_geom g = {kW, kH, dW, dH, padW, padH, count_include_pad, 1, 1};
  int64_t H = input->size[input->ndim - 2], W = input->size[input->ndim - 1];
  TL_NN_CALL(input->dtype, tl_nn_avgpool_fwd,
             tl_tensor_data(input), tl_tensor_data(output), P, H, W, oH, oW, &g);
  return 0;
}

int tl_nn_avgpool2d_backward(const tl_tensor *input, const tl_tensor *gradOutput,
                             tl_tensor *gradInput, int32_t kW, int32_t kH, int32_t dW, int32_t dH,
                             int32_t padW, int32_t padH, int32_t ceil_mode, int32_t count_include_pad)
{
  const char *fn = "SpatialAveragePooling";
  int64_t P, oH, oW;
  if (tl_nn_check_out(fn, input, "input", -1) ||
      tl_nn_check(fn, gradOutput, "gradOutput", input->dtype) ||
      tl_nn_check_out(fn, gradInput, "gradInput", input->dtype)) return -1;
  if (tl_nn_pool_setup(fn, input, kW, kH, dW, dH, padW, padH, ceil_mode, &P, &oH, &oW)) return -1;
  if (tl_tensor_numel(gradOutput) != P * oH * oW) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: gradOutput %s, expected %lld planes of %lldx%lld", fn,
                        tl_shape_str(gradOutput, s, sizeof s), (long long)P, (long long)oH,
                        (long long)oW);
  }
  if (tl_tensor_resize_as(gradInput, input)) return -1;
  tl_nn_pool_geom g = {kW, kH, dW, dH, padW, padH, count_include_pad, 1, 1};
  int64_t H = input->size[input->ndim - 2], W = input->size[input->ndim - 1];
  TL_NN_CALL(input->dtype, tl_nn_avgpool_bwd,
             tl_tensor_data(gradOutput), tl_tensor_data(gradInput), P, H, W, oH, oW, &g);
  return 0;
}
