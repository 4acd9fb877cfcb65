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
