/*
 * conv.c: 2-D convolution lowered to GEMM (Torch7's SpatialConvolutionMM).
 *
 * Each sample is unfolded into columns [C*kH*kW, oH*oW] (im2col), so the
 * convolution is one matrix product with the weight [O, C*kH*kW]. The
 * batch is split over the engine's threads (parallel.c), each calling a
 * single-threaded BLAS (the pool keeps OpenBLAS serial inside its jobs);
 * a single sample uses the multi-threaded BLAS instead. finput keeps the
 * columns of the whole batch from the forward pass for accGradParameters,
 * as Torch7 does.
 * Dilation spaces the kernel taps (SpatialDilatedConvolution); the full,
 * depth-wise, map and volumetric convolutions of the Lua side reuse these
 * three kernels.
 */
#include "nn.h"
#include "../blas_lib.h"

typedef struct tl_nn_conv_geom {
  int64_t kW, kH, dW, dH, padW, padH, dilW, dilH;
} tl_nn_conv_geom;

/* The direct kernels' register block (conv_direct.inc): TL_CD_OB output
 * planes by TL_CD_NV vectors of a row (24 of AVX-512's 32 registers), and
 * the widest kernel row they take. */
#define TL_CD_OB 6
#define TL_CD_NV 4
#define TL_CD_KWMAX 16
#define TL_CD_KBMAX 5

/* The direct kernels' scratch for the weight padded to whole blocks of
 * TL_CD_OB planes (either orientation: [O, C] or [C, O] planes), then the
 * bias padded likewise: the bias starts at tl_nn_cd_warea, the whole
 * takes tl_nn_cd_wsize elements. */
static int64_t tl_nn_cd_mpad(int64_t O, int64_t C)
{
  int64_t M = O > C ? O : C;
  return (M + TL_CD_OB - 1) / TL_CD_OB * TL_CD_OB;
}

static int64_t tl_nn_cd_warea(int64_t O, int64_t C, int64_t taps)
{
  return tl_nn_cd_mpad(O, C) * (O > C ? O : C) * taps;
}

static int64_t tl_nn_cd_wsize(int64_t O, int64_t C, int64_t taps)
{
  return tl_nn_cd_warea(O, C, taps) + tl_nn_cd_mpad(O, C);
}

/* Row copies for im2col. Small images give rows of 5 to 30 elements: with
 * AVX-512 each Float row is whole vectors plus one more (a memcpy call per
 * row cost more than the copy). */
#if defined(__AVX512F__)
#include <immintrin.h>
static inline void tl_nn_row_copy_f(float *d, const float *s, int64_t n, const float *end,
                                    const float *send)
{
  for (; n >= 16; n -= 16, d += 16, s += 16) _mm512_storeu_ps(d, _mm512_loadu_ps(s));
  if (n <= 0) return;
  /* whole vectors where they stay inside both buffers: the extra lanes
   * land where later rows are written (masked loads and stores are slow
   * on some CPUs) */
  if (d + 16 <= end && s + 16 <= send) {
    _mm512_storeu_ps(d, _mm512_loadu_ps(s));
  } else {
    __mmask16 m = (__mmask16)((1u << n) - 1);
    _mm512_mask_storeu_ps(d, m, _mm512_maskz_loadu_ps(m, s));
  }
}
#else
static inline void tl_nn_row_copy_f(float *d, const float *s, int64_t n, const float *end,
                                    const float *send)
{
  (void)end, (void)send;
  memcpy(d, s, (size_t)n * sizeof *d);
}
#endif
/* Double convolution is not a hot path: plain copies */
static inline void tl_nn_row_copy_d(double *d, const double *s, int64_t n, const double *end,
                                    const double *send)
{
  (void)end, (void)send;
  memcpy(d, s, (size_t)n * sizeof *d);
}

/* col2im for Float images at most 16 wide at stride 1 in x (LeNet's
 * 14x14 second layer): each row of the image is one vector that sums its
 * kH*kW shifted column rows (masked loads place each at its offset), then
 * is stored once, instead of a read-modify-write of 10 elements per
 * column row. Writes each row (the image must be zeroed before, as for
 * the general loop, and gets the same sums in the same tap order).
 * Returns 0 where it does not apply. */
#if defined(__AVX512F__)
static int tl_nn_col2im_narrow_f(const float *cols, float *in, int64_t C, int64_t H, int64_t W, int64_t oH,
                                 int64_t oW, const tl_nn_conv_geom *g)
{
  if (g->dW != 1 || W > 16 || g->kW > 16) return 0;
  __mmask16 mask[16];
  int64_t x0[16];
  for (int64_t kj = 0; kj < g->kW; kj++) {
    x0[kj] = kj * g->dilW - g->padW;   /* column j of the tap lands on x0 + j */
    int64_t a = x0[kj] > 0 ? x0[kj] : 0, b = x0[kj] + oW < W ? x0[kj] + oW : W;
    mask[kj] = b > a ? (__mmask16)(((1u << (b - a)) - 1) << a) : 0;
  }
  float *end = in + C * H * W;
  for (int64_t c = 0; c < C; c++) {
    for (int64_t y = 0; y < H; y++) {
      __m512 acc = _mm512_setzero_ps();
      for (int64_t ki = 0; ki < g->kH; ki++) {
        int64_t t = y + g->padH - ki * g->dilH;   /* = i * dH for the output row i */
        if (t < 0 || t % g->dH != 0 || t / g->dH >= oH) continue;
        const float *src = cols + (c * g->kH + ki) * g->kW * oH * oW + (t / g->dH) * oW;
        for (int64_t kj = 0; kj < g->kW; kj++, src += oH * oW)
          acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask[kj], src - x0[kj]));
      }
      float *dst = in + (c * H + y) * W;
      /* rows go in order, so a whole-vector store's extra lanes land on
       * rows written later; only the image's last row is masked */
      if (dst + 16 <= end) _mm512_storeu_ps(dst, acc);
      else _mm512_mask_storeu_ps(dst, (__mmask16)((1u << W) - 1), acc);
    }
  }
  return 1;
}
#else
static int tl_nn_col2im_narrow_f(const float *cols, float *in, int64_t C, int64_t H, int64_t W, int64_t oH,
                                 int64_t oW, const tl_nn_conv_geom *g)
{
  (void)cols, (void)in, (void)C, (void)H, (void)W, (void)oH, (void)oW, (void)g;
  return 0;
}
#endif
static int tl_nn_col2im_narrow_d(const double *cols, double *in, int64_t C, int64_t H, int64_t W, int64_t oH,
                                 int64_t oW, const tl_nn_conv_geom *g)
{
  (void)cols, (void)in, (void)C, (void)H, (void)W, (void)oH, (void)oW, (void)g;
  return 0;
}

#define real float
#define TLNN(name) name##_f
#define GEMM tl_blas->cblas_sgemm
#include "conv.inc"
#undef real
#undef TLNN
#undef GEMM

#define real double
#define TLNN(name) name##_d
#define GEMM tl_blas->cblas_dgemm
#include "conv.inc"
#undef real
#undef TLNN
#undef GEMM

/* Validates the geometry and the input [N, C, H, W]; sets the output size. */
static int tl_nn_conv_setup(const char *fn, const tl_tensor *input, int32_t kW, int32_t kH,
                            int32_t dW, int32_t dH, int32_t padW, int32_t padH, int32_t dilW,
                            int32_t dilH, tl_nn_conv_geom *g, int64_t *oH, int64_t *oW)
{
  if (kW <= 0 || kH <= 0 || dW <= 0 || dH <= 0 || padW < 0 || padH < 0 || dilW <= 0 || dilH <= 0) {
    return tl_error_set("%s: bad geometry: kernel %dx%d, step %d,%d, padding %d,%d, dilation %d,%d",
                        fn, kW, kH, dW, dH, padW, padH, dilW, dilH);
  }
  if (tl_check_ndim(fn, input, 4, "input")) return -1;
  int64_t H = input->size[2], W = input->size[3];
  /* the extent of a dilated kernel */
  int64_t eH = (int64_t)dilH * (kH - 1) + 1, eW = (int64_t)dilW * (kW - 1) + 1;
  if (H + 2 * padH < eH || W + 2 * padW < eW) {
    return tl_error_set("%s: input image (%lldx%lld) with padding %d,%d is smaller than the kernel "
                        "(%lldx%lld)", fn, (long long)H, (long long)W, padH, padW, (long long)eH,
                        (long long)eW);
  }
  *g = (tl_nn_conv_geom){kW, kH, dW, dH, padW, padH, dilW, dilH};
  *oH = (H + 2 * padH - eH) / dH + 1;
  *oW = (W + 2 * padW - eW) / dW + 1;
  return 0;
}

int tl_nn_conv2d_forward(const tl_tensor *input, const tl_tensor *weight, const tl_tensor *bias,
                         tl_tensor *output, tl_tensor *finput, int32_t kW, int32_t kH, int32_t dW,
                         int32_t dH, int32_t padW, int32_t padH, int32_t dilW, int32_t dilH)
{
  const char *fn = "SpatialConvolution";
  tl_nn_conv_geom g;
  int64_t oH, oW;
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check(fn, weight, "weight", input->dtype) ||
      (bias && tl_nn_check(fn, bias, "bias", input->dtype)) ||
      tl_nn_check_out(fn, output, "output", input->dtype) ||
      tl_nn_check_out(fn, finput, "finput", input->dtype)) return -1;
  if (tl_nn_conv_setup(fn, input, kW, kH, dW, dH, padW, padH, dilW, dilH, &g, &oH, &oW) ||
      tl_blas_need(fn)) return -1;
  int64_t N = input->size[0], C = input->size[1], H = input->size[2], W = input->size[3];
  int64_t K = C * kH * kW, O = weight->ndim > 0 ? weight->size[0] : 0;
  if (O == 0 || tl_tensor_numel(weight) != O * K) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: weight %s does not match %lld input planes and a %dx%d kernel", fn,
                        tl_shape_str(weight, s, sizeof s), (long long)C, kH, kW);
  }
  if (bias && tl_tensor_numel(bias) != O) {
    return tl_error_set("%s: bias has %lld elements, expected %lld", fn,
                        (long long)tl_tensor_numel(bias), (long long)O);
  }
  if (tl_nn_resize(output, 4, N, O, oH, oW) || tl_nn_resize(finput, 3, N, K, oH * oW, 0)) return -1;
  TL_NN_CALL(input->dtype, tl_nn_conv_forward, tl_tensor_data(input), tl_tensor_data(weight),
             bias ? tl_tensor_data(bias) : NULL, tl_tensor_data(output), tl_tensor_data(finput), N, C, H, W, O,
             oH, oW, &g);
  return 0;
}

/* Threads for the batch loops: one for a single sample or a small job
 * (work: multiply-adds of the whole batch), else up to one per sample. */
static int32_t tl_nn_conv_threads(int64_t N, int64_t work)
{
  int32_t t = tl_threads();
  if (N <= 1 || work <= TL_PARALLEL_GRAIN) return 1;
  return N < t ? (int32_t)N : t;
}

int tl_nn_conv2d_backward_input(const tl_tensor *input, const tl_tensor *gradOutput,
                                const tl_tensor *weight, tl_tensor *gradInput, tl_tensor *fgradInput,
                                int32_t kW, int32_t kH, int32_t dW, int32_t dH, int32_t padW,
                                int32_t padH, int32_t dilW, int32_t dilH)
{
  const char *fn = "SpatialConvolution";
  tl_nn_conv_geom g;
  int64_t oH, oW;
  if (tl_nn_check_out(fn, input, "input", -1) ||
      tl_nn_check(fn, gradOutput, "gradOutput", input->dtype) ||
      tl_nn_check(fn, weight, "weight", input->dtype) ||
      tl_nn_check_out(fn, gradInput, "gradInput", input->dtype) ||
      tl_nn_check_out(fn, fgradInput, "fgradInput", input->dtype)) return -1;
  if (tl_nn_conv_setup(fn, input, kW, kH, dW, dH, padW, padH, dilW, dilH, &g, &oH, &oW) ||
      tl_blas_need(fn)) return -1;
  int64_t N = input->size[0], C = input->size[1], H = input->size[2], W = input->size[3];
  int64_t K = C * kH * kW, O = weight->ndim > 0 ? weight->size[0] : 0;
  if (gradOutput->ndim != 4 || gradOutput->size[0] != N || gradOutput->size[1] != O ||
      gradOutput->size[2] != oH || gradOutput->size[3] != oW || tl_tensor_numel(weight) != O * K) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: gradOutput %s, expected [%lld x %lld x %lld x %lld]", fn,
                        tl_shape_str(gradOutput, s, sizeof s), (long long)N, (long long)O,
                        (long long)oH, (long long)oW);
  }
  int32_t nt = tl_nn_conv_threads(N, N * K * oH * oW * O);
  if (tl_nn_resize(gradInput, 4, N, C, H, W) || tl_nn_resize(fgradInput, 3, nt, K, oH * oW, 0))
    return -1;
  TL_NN_CALL(input->dtype, tl_nn_conv_backward_input, tl_tensor_data(gradOutput), tl_tensor_data(weight),
             tl_tensor_data(gradInput), tl_tensor_data(fgradInput), N, C, H, W, O, oH, oW, nt, &g);
  return 0;
}

int tl_nn_conv2d_backward_params(const tl_tensor *gradOutput, const tl_tensor *finput,
                                 tl_tensor *gradWeight, tl_tensor *gradBias, tl_tensor *partial,
                                 double scale)
{
  const char *fn = "SpatialConvolution";
  if (tl_nn_check(fn, gradOutput, "gradOutput", -1) ||
      tl_nn_check(fn, finput, "finput", gradOutput->dtype) ||
      tl_nn_check(fn, gradWeight, "gradWeight", gradOutput->dtype) ||
      (gradBias && tl_nn_check(fn, gradBias, "gradBias", gradOutput->dtype)) ||
      tl_nn_check_out(fn, partial, "partial", gradOutput->dtype)) return -1;
  if (gradOutput->ndim != 4 || finput->ndim != 3 || finput->size[0] != gradOutput->size[0] ||
      finput->size[2] != gradOutput->size[2] * gradOutput->size[3]) {
    return tl_error_set("%s: accGradParameters needs the columns of the last forward pass", fn);
  }
  int64_t N = gradOutput->size[0], O = gradOutput->size[1], K = finput->size[1], HW = finput->size[2];
  if (tl_tensor_numel(gradWeight) != O * K || (gradBias && tl_tensor_numel(gradBias) != O)) {
    return tl_error_set("%s: gradWeight/gradBias do not match %lld output planes", fn, (long long)O);
  }
  if (tl_blas_need(fn)) return -1;
  int32_t nt = tl_nn_conv_threads(N, N * O * K * HW);
  if (tl_nn_resize(partial, 3, nt, O, K + 1, 0)) return -1;
  TL_NN_CALL(gradOutput->dtype, tl_nn_conv_backward_params, tl_tensor_data(gradOutput), tl_tensor_data(finput),
             tl_tensor_data(gradWeight), gradBias ? tl_tensor_data(gradBias) : NULL, tl_tensor_data(partial), N,
             O, K, HW, nt, scale);
  return 0;
}

/* ---- direct convolution (conv_direct.inc) ------------------------------ */

/* Up to this many taps per output (C*kH*kW), at stride 1 without padding
 * or dilation, and for output rows at least this wide, the direct loops
 * beat unfold + GEMM. Measured on Float, one thread, batch 60 (forward +
 * both backward passes): Collobert et al.'s first layers (49 taps) 3.4x
 * faster at 256x256 and 2.4x at 96x96; LeNet's at 32x32 (28 columns) and
 * smaller images are faster through GEMM. */
enum { TL_NN_CONV_DIRECT_MAX_TAPS = 64, TL_NN_CONV_DIRECT_MIN_COLS = 28 };

int tl_nn_conv2d_direct_ok(int32_t nInputPlane, int64_t inputWidth, int32_t kW, int32_t kH, int32_t dW,
                           int32_t dH, int32_t padW, int32_t padH, int32_t dilW, int32_t dilH)
{
  return dW == 1 && dH == 1 && padW == 0 && padH == 0 && dilW == 1 && dilH == 1 && nInputPlane > 0 && kW > 0 &&
         kH > 0 && kW <= TL_CD_KWMAX && (int64_t)nInputPlane * kW * kH <= TL_NN_CONV_DIRECT_MAX_TAPS &&
         inputWidth - kW + 1 >= TL_NN_CONV_DIRECT_MIN_COLS;
}

/* Validates input [N, C, H, W], weight (O*C*kH*kW elements) and, when
 * given, gradOutput [N, O, oH, oW], for the direct kernels. */
static int tl_nn_cd_setup(const char *fn, const tl_tensor *input, const tl_tensor *weight,
                          const tl_tensor *gradOutput, int32_t kW, int32_t kH, tl_nn_conv_geom *g, int64_t *O,
                          int64_t *oH, int64_t *oW)
{
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check(fn, weight, "weight", input->dtype) ||
      (gradOutput && tl_nn_check(fn, gradOutput, "gradOutput", input->dtype)))
    return -1;
  if (tl_nn_conv_setup(fn, input, kW, kH, 1, 1, 0, 0, 1, 1, g, oH, oW)) return -1;
  /* narrow rows are slower here, not wrong: only the shape limits apply */
  if (!tl_nn_conv2d_direct_ok((int32_t)input->size[1], TL_NN_CONV_DIRECT_MIN_COLS + kW - 1, kW, kH, 1, 1, 0, 0,
                              1, 1))
    return tl_error_set("%s: the direct kernels do not take %lld planes with a %dx%d kernel", fn,
                        (long long)input->size[1], kH, kW);
  int64_t K = input->size[1] * kH * kW;
  *O = weight->ndim > 0 ? weight->size[0] : 0;
  if (*O == 0 || tl_tensor_numel(weight) != *O * K) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: weight %s does not match %lld input planes and a %dx%d kernel", fn,
                        tl_shape_str(weight, s, sizeof s), (long long)input->size[1], kH, kW);
  }
  if (gradOutput && (gradOutput->ndim != 4 || gradOutput->size[0] != input->size[0] ||
                     gradOutput->size[1] != *O || gradOutput->size[2] != *oH || gradOutput->size[3] != *oW)) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: gradOutput %s, expected [%lld x %lld x %lld x %lld]", fn,
                        tl_shape_str(gradOutput, s, sizeof s), (long long)input->size[0], (long long)*O,
                        (long long)*oH, (long long)*oW);
  }
  return 0;
}

int tl_nn_conv2d_direct_forward(const tl_tensor *input, const tl_tensor *weight, const tl_tensor *bias,
                                tl_tensor *output, tl_tensor *scratch, int32_t kW, int32_t kH)
{
  const char *fn = "SpatialConvolution";
  tl_nn_conv_geom g;
  int64_t O, oH, oW;
  if (tl_nn_cd_setup(fn, input, weight, NULL, kW, kH, &g, &O, &oH, &oW) ||
      (bias && tl_nn_check(fn, bias, "bias", input->dtype)) ||
      tl_nn_check_out(fn, output, "output", input->dtype) || tl_nn_check_out(fn, scratch, "scratch", input->dtype))
    return -1;
  if (bias && tl_tensor_numel(bias) != O)
    return tl_error_set("%s: bias has %lld elements, expected %lld", fn, (long long)tl_tensor_numel(bias),
                        (long long)O);
  int64_t N = input->size[0], C = input->size[1], H = input->size[2], W = input->size[3];
  int64_t ws = tl_nn_cd_wsize(O, C, (int64_t)kH * kW);
  if (tl_nn_resize(output, 4, N, O, oH, oW) || tl_nn_resize(scratch, 1, ws, 0, 0, 0)) return -1;
  int32_t nt = tl_nn_conv_threads(N, N * C * kH * kW * oH * oW * O);
  TL_NN_CALL(input->dtype, tl_cd_forward, tl_tensor_data(input), tl_tensor_data(weight),
                bias ? tl_tensor_data(bias) : NULL, tl_tensor_data(output), tl_tensor_data(scratch), N, C, H, W, O,
                nt, &g);
  return 0;
}

int tl_nn_conv2d_direct_backward_input(const tl_tensor *input, const tl_tensor *gradOutput,
                                       const tl_tensor *weight, tl_tensor *gradInput, tl_tensor *scratch,
                                       int32_t kW, int32_t kH)
{
  const char *fn = "SpatialConvolution";
  tl_nn_conv_geom g;
  int64_t O, oH, oW;
  if (tl_nn_cd_setup(fn, input, weight, gradOutput, kW, kH, &g, &O, &oH, &oW) ||
      tl_nn_check_out(fn, gradInput, "gradInput", input->dtype) ||
      tl_nn_check_out(fn, scratch, "scratch", input->dtype))
    return -1;
  int64_t N = input->size[0], C = input->size[1], H = input->size[2], W = input->size[3];
  int32_t nt = tl_nn_conv_threads(N, N * C * kH * kW * oH * oW * O);
  /* the padded weight, then one bordered gradOutput sample per thread */
  int64_t ws = tl_nn_cd_wsize(O, C, (int64_t)kH * kW);
  int64_t border = O * (H + kH - 1) * (W + kW - 1);
  if (tl_nn_resize(gradInput, 4, N, C, H, W) || tl_nn_resize(scratch, 1, ws + nt * border, 0, 0, 0)) return -1;
  TL_NN_CALL(input->dtype, tl_cd_backward_input, tl_tensor_data(gradOutput), tl_tensor_data(weight),
                tl_tensor_data(gradInput), tl_tensor_data(scratch), N, C, H, W, O, nt, &g);
  return 0;
}

int tl_nn_conv2d_direct_backward_params(const tl_tensor *input, const tl_tensor *gradOutput,
                                        tl_tensor *gradWeight, tl_tensor *gradBias, tl_tensor *partial,
                                        double scale, int32_t kW, int32_t kH)
{
  const char *fn = "SpatialConvolution";
  tl_nn_conv_geom g;
  int64_t O, oH, oW;
  if (tl_nn_cd_setup(fn, input, gradWeight, gradOutput, kW, kH, &g, &O, &oH, &oW) ||
      (gradBias && tl_nn_check(fn, gradBias, "gradBias", input->dtype)) ||
      tl_nn_check_out(fn, partial, "partial", input->dtype))
    return -1;
  if (gradBias && tl_tensor_numel(gradBias) != O)
    return tl_error_set("%s: gradBias has %lld elements, expected %lld", fn,
                        (long long)tl_tensor_numel(gradBias), (long long)O);
  int64_t N = input->size[0], C = input->size[1], H = input->size[2], W = input->size[3];
  int64_t K = C * kH * kW;
  int32_t nt = tl_nn_conv_threads(N, N * K * oH * oW * O);
  if (tl_nn_resize(partial, 3, nt, O, K + 1, 0)) return -1;
  TL_NN_CALL(input->dtype, tl_cd_backward_params, tl_tensor_data(input), tl_tensor_data(gradOutput),
             tl_tensor_data(partial), N, C, H, W, O, nt, &g);
  TL_NN_CALL(input->dtype, tl_nn_conv_sum_partial, tl_tensor_data(partial), tl_tensor_data(gradWeight),
             gradBias ? tl_tensor_data(gradBias) : NULL, O, K, nt, scale);
  return 0;
}
